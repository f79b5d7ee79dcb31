//! The report of a dry run or sync: counts, every change and what became of it, the listings
//! and anything the administrator should look at.

use serde::Serialize;

use super::plan::{Change, ChangeKind, Conflict, Kept, Plan};
use crate::google::http::CounterSnapshot;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Test,
    Sync,
}

/// What became of one change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A dry run: the change would be made.
    Planned,
    Applied,
    Failed,
    /// The sync stopped (cancelled, or the host asked to stop) before this change.
    NotDelivered,
}

/// A change and what became of it. In the report a change is named, not described in full:
/// the host gets every attribute through `apply_change`, and a report of a first sync of a
/// large tenant stays a size a host can hold (about 150 bytes a change).
#[derive(Clone, Debug)]
pub struct ReportedChange {
    pub change: Change,
    pub outcome: Outcome,
    pub error: Option<String>,
}

#[derive(Serialize)]
struct ReportedChangeJson<'a> {
    kind: ChangeKind,
    login: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_login: Option<&'a str>,
    google_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    changed: &'a Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    outcome: &'a Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

impl Serialize for ReportedChange {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let change = &self.change;
        ReportedChangeJson {
            kind: change.kind,
            login: change.login(),
            previous_login: change.previous_login.as_deref(),
            google_id: change.google_id(),
            full_name: change.user.as_deref().map(|u| u.full_name.as_str()),
            changed: &change.changed,
            reason: change.reason,
            outcome: &self.outcome,
            error: self.error.as_deref(),
        }
        .serialize(serializer)
    }
}

/// One listing the run depended on.
#[derive(Clone, Debug, Serialize)]
pub struct ListingReport {
    pub name: String,
    pub pages: u32,
    pub items: u64,
    pub complete: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    /// Users the listings returned, before the scope filter.
    pub listed: u64,
    pub in_scope: u64,
    pub create: u64,
    pub update: u64,
    pub unchanged: u64,
    pub delete: u64,
    pub conflicts: u64,
    /// Managed host users missing from Google that were not deleted.
    pub kept: u64,
    pub applied: u64,
    pub failed: u64,
    pub not_delivered: u64,
}

/// A check `ds_test` made, such as one permission.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub mode: Mode,
    /// Every listing completed: the plan is based on the whole scope.
    pub complete: bool,
    pub counts: Counts,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    pub changes: Vec<ReportedChange>,
    pub conflicts: Vec<Conflict>,
    pub kept: Vec<Kept>,
    /// Why the deletion limit held the deletions back, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletions_held_back: Option<String>,
    pub listings: Vec<ListingReport>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub requests: CounterSnapshot,
    pub duration_ms: u64,
}

impl Report {
    pub fn new(mode: Mode) -> Report {
        Report {
            mode,
            complete: false,
            counts: Counts::default(),
            checks: Vec::new(),
            changes: Vec::new(),
            conflicts: Vec::new(),
            kept: Vec::new(),
            deletions_held_back: None,
            listings: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            requests: CounterSnapshot::default(),
            duration_ms: 0,
        }
    }

    /// Takes the plan in; every change starts as planned (test) or not yet delivered (sync).
    pub fn set_plan(&mut self, plan: Plan) {
        let initial = match self.mode {
            Mode::Test => Outcome::Planned,
            Mode::Sync => Outcome::NotDelivered,
        };
        self.counts.create = plan.count(ChangeKind::Create) as u64;
        self.counts.update = plan.count(ChangeKind::Update) as u64;
        self.counts.delete = plan.count(ChangeKind::Delete) as u64;
        self.counts.unchanged = plan.unchanged as u64;
        self.counts.conflicts = plan.conflicts.len() as u64;
        self.counts.kept = plan.kept.len() as u64;
        self.changes = plan
            .changes
            .into_iter()
            .map(|change| ReportedChange {
                change,
                outcome: initial.clone(),
                error: None,
            })
            .collect();
        self.conflicts = plan.conflicts;
        self.kept = plan.kept;
        self.deletions_held_back = plan.deletions_held_back;
        self.recount();
    }

    /// Recomputes the delivery counts from the outcomes.
    pub fn recount(&mut self) {
        let count = |o: Outcome| self.changes.iter().filter(|c| c.outcome == o).count() as u64;
        self.counts.applied = count(Outcome::Applied);
        self.counts.failed = count(Outcome::Failed);
        self.counts.not_delivered = count(Outcome::NotDelivered);
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"the report could not be written: {e}\"}}"))
    }
}
