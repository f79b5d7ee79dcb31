//! The plan: which host users to create, update and delete so that the host matches Google.
//! A pure function of the in-scope Google users, the host's users and the options.

use std::collections::HashMap;

use serde::Serialize;

use std::sync::Arc;

use super::record::UserRecord;

/// A user as the host has it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostUser {
    pub login: String,
    /// The Google id the host learned from an earlier sync, if any.
    pub google_id: Option<String>,
    /// Whether the directory manages this user. Only managed users are updated or deleted.
    pub managed: bool,
    pub full_name: Option<String>,
    pub primary_email: Option<String>,
    /// The fingerprint delivered with the user's last change, if the host kept it.
    pub fingerprint: Option<String>,
    /// Consecutive complete syncs in which the user was missing from Google, as kept by the
    /// host.
    pub missing_syncs: u32,
}

pub use super::change::{Change, ChangeKind, DeletedUser};

/// A Google user the plan could not sync, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub google_id: String,
    pub login: String,
    pub reason: String,
}

/// A managed host user missing from Google that the plan does not delete, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Kept {
    pub login: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google_id: Option<String>,
    pub reason: String,
    /// Consecutive complete syncs the user has now been missing; the host keeps this value
    /// (when no state file does) and passes it back next time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_syncs: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct PlanOptions {
    pub delete_removed_users: bool,
    /// Logins are local parts (`login_name: local_part`), which several users may share.
    pub logins_from_local_part: bool,
    /// Every listing the scope depends on completed. Without that, nothing is deleted.
    pub listing_complete: bool,
    pub default_privileges: Vec<String>,
    /// Complete syncs a user must be missing before it is deleted (at least 1).
    pub delete_after_missing_syncs: u32,
    pub max_deletions: Option<u32>,
    pub max_deletion_percent: Option<f64>,
    /// Deletions beyond the limits go ahead.
    pub force_deletions: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            delete_removed_users: false,
            logins_from_local_part: false,
            listing_complete: false,
            default_privileges: Vec::new(),
            delete_after_missing_syncs: 1,
            max_deletions: None,
            max_deletion_percent: None,
            force_deletions: false,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Updates first, then deletes, then creates: a create may need a login a delete frees.
    pub changes: Vec<Change>,
    pub unchanged: usize,
    pub conflicts: Vec<Conflict>,
    pub kept: Vec<Kept>,
    /// Why the deletion limit held deletions back, when it did.
    pub deletions_held_back: Option<String>,
}

impl Plan {
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }
}

/// How a Google user found its host user.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MatchedBy {
    Id,
    Login,
    Address,
}

/// Computes the plan. `records` are the in-scope Google users.
pub fn compute(
    records: &[Arc<UserRecord>],
    host_users: &[HostUser],
    options: &PlanOptions,
) -> Plan {
    let matches = match_users(records, host_users);
    let mut plan = Plan::default();
    let mut claimed = vec![false; host_users.len()];
    for m in matches.iter().flatten() {
        claimed[m.0] = true;
    }
    let (deletes, deleting) = plan_deletions(host_users, &claimed, options, &mut plan);

    // Logins held by host users that stay: a create or rename onto one of them would collide.
    let mut held_logins: HashMap<String, usize> = HashMap::new();
    for (i, host) in host_users.iter().enumerate() {
        held_logins.insert(host.login.to_lowercase(), i);
    }
    // Two Google users never share a primary address; only a login made of the local part
    // can be shared.
    let shared_logins = if options.logins_from_local_part {
        shared_logins(records)
    } else {
        HashMap::new()
    };
    let privileges: Arc<[String]> = Arc::from(options.default_privileges.as_slice());

    let mut updates = Vec::new();
    let mut creates = Vec::new();
    for (record, matched) in records.iter().zip(&matches) {
        let login_key = record.login();
        match matched {
            Some((i, _)) => {
                let host = &host_users[*i];
                if !host.managed {
                    plan.conflicts.push(conflict(
                        record,
                        format!(
                            "host user \"{}\" matches this Google user but is not managed by the \
                             directory, so it is left alone; mark it as managed to sync it",
                            host.login
                        ),
                    ));
                    continue;
                }
                let renamed = !host.login.eq_ignore_ascii_case(record.login());
                if renamed {
                    if let Some(&holder) = held_logins.get(login_key) {
                        if holder != *i && !deleting[holder] {
                            plan.conflicts.push(conflict(
                                record,
                                format!(
                                    "renaming host user \"{}\" to \"{}\" would collide with \
                                     another host user of that login",
                                    host.login,
                                    record.login()
                                ),
                            ));
                            continue;
                        }
                    }
                    if shared_logins.contains_key(login_key) {
                        plan.conflicts
                            .push(shared_login_conflict(record, &shared_logins));
                        continue;
                    }
                }
                match update_for(record, host) {
                    Some(change) => updates.push(change),
                    None => plan.unchanged += 1,
                }
            }
            None => {
                if shared_logins.contains_key(login_key) {
                    plan.conflicts
                        .push(shared_login_conflict(record, &shared_logins));
                    continue;
                }
                if let Some(&holder) = held_logins.get(login_key) {
                    if !deleting[holder] {
                        plan.conflicts.push(conflict(
                            record,
                            format!(
                                "the login \"{}\" is already taken by another host user (with \
                                 Google id {})",
                                record.login(),
                                host_users[holder].google_id.as_deref().unwrap_or("unknown")
                            ),
                        ));
                        continue;
                    }
                }
                creates.push(Change::create(Arc::clone(record), Arc::clone(&privileges)));
            }
        }
    }

    plan.changes = updates;
    plan.changes.extend(deletes);
    plan.changes.append(&mut creates);
    plan
}

/// Decides, for each managed host user no Google user matched, whether it is deleted now or
/// kept (and why). Returns the deletions and, per host user, whether it is being deleted.
fn plan_deletions(
    host_users: &[HostUser],
    claimed: &[bool],
    options: &PlanOptions,
    plan: &mut Plan,
) -> (Vec<Change>, Vec<bool>) {
    let kept = |host: &HostUser, reason: String, missing_syncs: Option<u32>| Kept {
        login: host.login.clone(),
        google_id: host.google_id.clone(),
        reason,
        missing_syncs,
    };
    // A Google id that a matched host user holds: another host user with the same id is the
    // same person entered twice in the host, not someone who left.
    let matched_ids: HashMap<&str, &str> = host_users
        .iter()
        .zip(claimed)
        .filter(|(_, claimed)| **claimed)
        .filter_map(|(host, _)| {
            host.google_id
                .as_deref()
                .map(|id| (id, host.login.as_str()))
        })
        .collect();
    let mut candidates: Vec<(usize, u32)> = Vec::new();
    for (i, host) in host_users.iter().enumerate() {
        if claimed[i] || !host.managed {
            continue;
        }
        if let Some(twin) = host.google_id.as_deref().and_then(|id| matched_ids.get(id)) {
            plan.kept.push(kept(
                host,
                format!(
                    "host user \"{twin}\" has the same Google id; the host holds this person \
                     twice: merge or remove one of them by hand"
                ),
                None,
            ));
            continue;
        }
        if !options.listing_complete {
            plan.kept.push(kept(
                host,
                "a listing did not complete, so missing users are not deleted in this run".into(),
                None,
            ));
            continue;
        }
        if !options.delete_removed_users {
            plan.kept.push(kept(
                host,
                "not in Google or not in the sync scope; delete_removed_users is off".into(),
                None,
            ));
            continue;
        }
        let missing = host.missing_syncs.saturating_add(1);
        if missing < options.delete_after_missing_syncs {
            plan.kept.push(kept(
                host,
                format!(
                    "missing from Google in {missing} of the {} consecutive complete syncs \
                     needed before deletion (safeguards.delete_after_missing_syncs)",
                    options.delete_after_missing_syncs
                ),
                Some(missing),
            ));
            continue;
        }
        candidates.push((i, missing));
    }

    let managed = host_users.iter().filter(|h| h.managed).count();
    if let Some(limit) = deletion_limit_exceeded(candidates.len(), managed, options) {
        if !options.force_deletions {
            let reason = format!(
                "held back: {limit}; check why so many users are missing from Google, then run \
                 again with deletions forced"
            );
            for &(i, missing) in &candidates {
                plan.kept
                    .push(kept(&host_users[i], reason.clone(), Some(missing)));
            }
            plan.deletions_held_back = Some(limit);
            return (Vec::new(), vec![false; host_users.len()]);
        }
    }
    let mut deleting = vec![false; host_users.len()];
    let deletes = candidates
        .iter()
        .map(|&(i, _)| {
            deleting[i] = true;
            let host = &host_users[i];
            Change::delete(
                &host.login,
                host.google_id.as_deref(),
                "not in Google or not in the sync scope",
            )
        })
        .collect();
    (deletes, deleting)
}

/// Says which limit `deletions` would break, if any.
fn deletion_limit_exceeded(
    deletions: usize,
    managed: usize,
    options: &PlanOptions,
) -> Option<String> {
    if deletions == 0 {
        return None;
    }
    if let Some(max) = options.max_deletions {
        if deletions > max as usize {
            return Some(format!(
                "{deletions} deletions exceed the limit of {max} (safeguards.max_deletions)"
            ));
        }
    }
    if let Some(percent) = options.max_deletion_percent {
        let allowed = (managed as f64 * percent / 100.0).ceil() as usize;
        if deletions > allowed {
            return Some(format!(
                "{deletions} deletions exceed {percent}% of the {managed} managed users, {allowed} \
                 (safeguards.max_deletion_percent)"
            ));
        }
    }
    None
}

/// Matches each record to at most one host user, and each host user to at most one record:
/// by Google id first, then by login, then by any of the record's addresses. A host user that
/// knows another Google id is a different person and is never matched by name.
fn match_users(
    records: &[Arc<UserRecord>],
    host_users: &[HostUser],
) -> Vec<Option<(usize, MatchedBy)>> {
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut by_login: HashMap<String, usize> = HashMap::new();
    for (i, host) in host_users.iter().enumerate() {
        if let Some(id) = host.google_id.as_deref().filter(|id| !id.is_empty()) {
            by_id.entry(id).or_insert(i);
        }
        by_login.entry(host.login.to_lowercase()).or_insert(i);
    }
    let mut claimed = vec![false; host_users.len()];
    let mut matches: Vec<Option<(usize, MatchedBy)>> = vec![None; records.len()];

    for (r, record) in records.iter().enumerate() {
        if let Some(&i) = by_id.get(record.google_id.as_str()) {
            if !claimed[i] {
                claimed[i] = true;
                matches[r] = Some((i, MatchedBy::Id));
            }
        }
    }
    let name_match = |i: usize, record: &UserRecord, claimed: &[bool]| {
        let host = &host_users[i];
        !claimed[i]
            && host
                .google_id
                .as_deref()
                .is_none_or(|id| id.is_empty() || id == record.google_id)
    };
    for (r, record) in records.iter().enumerate() {
        if matches[r].is_some() {
            continue;
        }
        if let Some(&i) = by_login.get(&record.login().to_lowercase()) {
            if name_match(i, record, &claimed) {
                claimed[i] = true;
                matches[r] = Some((i, MatchedBy::Login));
            }
        }
    }
    for (r, record) in records.iter().enumerate() {
        if matches[r].is_some() {
            continue;
        }
        for address in record.emails() {
            if let Some(&i) = by_login.get(address) {
                if name_match(i, record, &claimed) {
                    claimed[i] = true;
                    matches[r] = Some((i, MatchedBy::Address));
                    break;
                }
            }
        }
    }
    matches
}

/// What an update must change, or `None` when the host already has it all. Without a
/// fingerprint from the host the connector cannot know the stored aliases, flags and org unit,
/// so it delivers the user again.
fn update_for(record: &Arc<UserRecord>, host: &HostUser) -> Option<Change> {
    let mut changed = Vec::new();
    if !host.login.eq_ignore_ascii_case(record.login()) {
        changed.push("login");
    }
    if host.google_id.as_deref() != Some(record.google_id.as_str()) {
        changed.push("google_id");
    }
    if host
        .full_name
        .as_deref()
        .is_some_and(|n| n != record.full_name)
    {
        changed.push("full_name");
    }
    if host
        .primary_email
        .as_deref()
        .is_some_and(|e| !e.eq_ignore_ascii_case(&record.primary_email))
    {
        changed.push("primary_email");
    }
    let fingerprint = record.fingerprint();
    match host.fingerprint.as_deref() {
        Some(f) if fingerprint.matches(f) => {}
        Some(_) if changed.is_empty() => changed.push("attributes"),
        Some(_) => {}
        None => changed.push("fingerprint"),
    }
    if changed.is_empty() {
        return None;
    }
    let previous_login = changed.contains(&"login").then(|| host.login.clone());
    Some(Change::update(Arc::clone(record), previous_login, changed))
}

/// Logins that more than one Google user would get (possible with `login_name: local_part`
/// across domains), each with the addresses that share it.
fn shared_logins(records: &[Arc<UserRecord>]) -> HashMap<&str, Vec<&str>> {
    // Records' logins are lowercase already (see `UserRecord::from_api`).
    let mut by_login: HashMap<&str, Vec<&str>> = HashMap::with_capacity(records.len());
    for record in records {
        by_login
            .entry(record.login())
            .or_default()
            .push(&record.primary_email);
    }
    by_login.retain(|_, owners| owners.len() > 1);
    by_login
}

fn shared_login_conflict(record: &UserRecord, shared: &HashMap<&str, Vec<&str>>) -> Conflict {
    let owners = shared
        .get(record.login())
        .map(|o| o.join(", "))
        .unwrap_or_default();
    conflict(
        record,
        format!(
            "the login \"{}\" would belong to several Google users ({owners}); none of them is \
             synced until the login is unique (see `login_name`)",
            record.login()
        ),
    )
}

fn conflict(record: &UserRecord, reason: String) -> Conflict {
    Conflict {
        google_id: record.google_id.clone(),
        login: record.login().to_string(),
        reason,
    }
}
