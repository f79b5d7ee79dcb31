//! The last check before anything is deleted: each user about to be deleted is looked up in
//! Google on its own. A user that still exists and is in scope proves the listing missed it
//! (a page dropped or cut short in a way no error showed), and then nothing is deleted.

use super::plan::{ChangeKind, Kept, Plan};
use super::record::UserRecord;
use super::scope::UserFilter;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::google::http::RunControl;
use crate::google::Google;

/// At most this many deletions are looked up one by one; beyond it, an even spread of them.
const MAX_LOOKUPS: usize = 200;

/// Whether the user behind a deletion is confirmed gone or out of scope.
enum Finding {
    Confirmed,
    /// The user exists and is in scope: the listing was incomplete.
    StillInScope(String),
    /// No address or id to look the user up by.
    Unverifiable,
}

/// Checks the plan's deletions. On a finding that the listing was incomplete, or a lookup
/// that fails, every deletion is withdrawn and kept, and the error says why.
pub fn verify_deletions(
    google: &Google,
    config: &Config,
    plan: &mut Plan,
    control: &RunControl,
) -> Result<()> {
    let deletions: Vec<usize> = plan
        .changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ChangeKind::Delete)
        .map(|(i, _)| i)
        .collect();
    if deletions.is_empty() {
        return Ok(());
    }
    let step = deletions.len().div_ceil(MAX_LOOKUPS);
    let filter = UserFilter::from_config(config);
    let mut unverifiable = 0;
    let mut outcome = Ok(());
    for &i in deletions.iter().step_by(step) {
        let change = &plan.changes[i];
        match look_up(
            google,
            config,
            &filter,
            change.google_id(),
            change.login(),
            control,
        ) {
            Ok(Finding::Confirmed) => {}
            Ok(Finding::Unverifiable) => unverifiable += 1,
            Ok(Finding::StillInScope(who)) => {
                outcome = Err(Error::google(format!(
                    "{who} is in Google and in the sync scope, but the listing did not return \
                     it: the listing was incomplete, so nothing is deleted in this run"
                )));
                break;
            }
            Err(error) => {
                outcome = Err(error.context(format!(
                    "checking that {} is gone before deleting it",
                    change.login()
                )));
                break;
            }
        }
    }
    if step > 1 {
        log::info!(
            "{} deletion(s) planned; {} of them checked one by one in Google",
            deletions.len(),
            deletions.len().div_ceil(step)
        );
    }
    if unverifiable > 0 {
        log::info!("{unverifiable} deletion(s) could not be checked (no Google id or address)");
    }
    if let Err(error) = &outcome {
        withdraw_deletions(plan, error.message());
    }
    outcome
}

fn look_up(
    google: &Google,
    config: &Config,
    filter: &UserFilter,
    google_id: &str,
    login: &str,
    control: &RunControl,
) -> Result<Finding> {
    let key = if !google_id.is_empty() {
        google_id
    } else if login.contains('@') {
        login
    } else {
        return Ok(Finding::Unverifiable);
    };
    let directory = google.directory();
    let user = match directory.get_user(key, control) {
        Ok(user) => user,
        Err(e) if matches!(e.reason(), Some("notFound" | "conditionNotMet")) => {
            return Ok(Finding::Confirmed)
        }
        Err(e) => return Err(e),
    };
    let record = UserRecord::from_api(user, filter.login_name);
    if filter.admit(&record).is_err() {
        return Ok(Finding::Confirmed);
    }
    let domain = record.primary_email.rsplit('@').next().unwrap_or("");
    if !config.scope.domains.is_empty()
        && !config
            .scope
            .domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
    {
        return Ok(Finding::Confirmed);
    }
    let who = format!("user {} (id {})", record.primary_email, record.google_id);
    if config.scope.groups.is_empty() {
        return Ok(Finding::StillInScope(who));
    }
    for group in &config.scope.groups {
        if directory.has_member(group.trim(), &record.google_id, control)? {
            return Ok(Finding::StillInScope(format!(
                "{who}, a member of group {group},"
            )));
        }
    }
    Ok(Finding::Confirmed)
}

fn withdraw_deletions(plan: &mut Plan, reason: &str) {
    let (deletes, others): (Vec<_>, Vec<_>) = std::mem::take(&mut plan.changes)
        .into_iter()
        .partition(|c| c.kind == ChangeKind::Delete);
    plan.changes = others;
    for change in deletes {
        plan.kept.push(Kept {
            login: change.login().to_string(),
            google_id: Some(change.google_id().to_string()).filter(|id| !id.is_empty()),
            reason: format!("not deleted: {reason}"),
            missing_syncs: None,
        });
    }
}
