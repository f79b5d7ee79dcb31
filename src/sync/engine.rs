//! One dry run or sync from start to end: list, filter, plan, deliver, report.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::diagnose;
use super::listing::{self, Event, Job, Listing, Workers};
use super::plan::{self, Change, HostUser, PlanOptions};
use super::record::UserRecord;
use super::report::{ListingReport, Mode, Outcome, Report};
use super::scope::{self, Excluded, Membership, UserFilter};
use super::state::MissingState;
use super::verify;
use crate::config::{Config, LoginName};
use crate::error::{Error, ErrorKind};
use crate::google::http::RunControl;
use crate::google::Google;

/// What the host answers for one change.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    Ok,
    Failed(String),
    Stop,
}

/// The host as the engine sees it. Every call happens on the thread that started the run.
pub trait Host {
    fn log(&mut self, level: log::Level, target: &str, message: &str);
    fn progress(&mut self, phase: &str, done: u64, total: u64);
    fn is_cancelled(&mut self) -> bool;
    fn apply(&mut self, change: &Change) -> Applied;
}

/// What the host asks of one run beyond its configuration.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Let deletions beyond the deletion limit go ahead.
    pub force_deletions: bool,
}

/// How a run ended.
#[derive(Debug)]
pub enum RunStatus {
    /// Everything listed and, for a sync, every change applied.
    Complete,
    /// Everything listed, but not everything applied: the host refused some changes, or the
    /// deletion limit held deletions back (see the report).
    ChangesFailed,
    /// The run could not start (such as an unreadable state file).
    Failed(Error),
    /// A listing failed: what was seen was planned (and delivered), nothing was deleted.
    ListingFailed(Error),
    Cancelled,
    StoppedByHost,
}

/// The Google users a run saw, for the sign-in checks: those in scope, and those outside it
/// with the reason.
#[derive(Debug, Default)]
pub struct Seen {
    pub in_scope: Vec<Arc<UserRecord>>,
    pub excluded: Vec<(Arc<UserRecord>, Excluded)>,
    pub complete: bool,
}

pub struct RunResult {
    pub report: Report,
    pub status: RunStatus,
    pub seen: Seen,
}

/// What the listings gathered.
#[derive(Default)]
struct Gathered {
    admitted: Vec<UserRecord>,
    excluded: Vec<(UserRecord, Excluded)>,
    membership: Membership,
    listed: u64,
    first_error: Option<Error>,
}

/// Runs a dry run (`Mode::Test`, nothing delivered) or a sync.
pub fn run(
    google: &Arc<Google>,
    workers: &Workers,
    config: &Config,
    host_users: &[HostUser],
    host: &mut dyn Host,
    mode: Mode,
    run_options: RunOptions,
) -> RunResult {
    let started = Instant::now();
    let state = match &config.safeguards.state_file {
        Some(path) => match MissingState::load(Path::new(path)) {
            Ok(state) => Some(state),
            Err(error) => {
                return RunResult {
                    report: Report::new(mode),
                    status: RunStatus::Failed(error),
                    seen: Seen::default(),
                }
            }
        },
        None => None,
    };
    let mut counted_users;
    let host_users = match &state {
        Some(state) => {
            counted_users = host_users.to_vec();
            state.fill(&mut counted_users);
            &counted_users[..]
        }
        None => host_users,
    };
    let before = google.transport.counters.snapshot();
    let control = Arc::new(RunControl::new(Duration::from_secs_f64(
        config.http.deadline_secs,
    )));
    let mut report = Report::new(mode);
    log::info!(
        "{} started with {} host user(s)",
        mode_name(mode),
        host_users.len()
    );

    if mode == Mode::Test {
        let diagnosis = diagnose::diagnose(google, config, &control);
        report.checks = diagnosis.checks;
        if let Some(fatal) = diagnosis.fatal {
            log::error!("{fatal}");
            report.errors.push(fatal.message().to_string());
            report.requests = google.transport.counters.snapshot().since(&before);
            report.duration_ms = started.elapsed().as_millis() as u64;
            return RunResult {
                report,
                status: RunStatus::Failed(fatal),
                seen: Seen::default(),
            };
        }
    }

    let listing_jobs = jobs_for(config);
    let listing = Arc::new(Listing {
        google: Arc::clone(google),
        filter: UserFilter::from_config(config),
        jobs: listing_jobs.clone(),
        control: Arc::clone(&control),
    });
    let gathered = gather(
        listing,
        config.http.max_concurrency,
        workers,
        host,
        &mut report,
    );
    log::info!("listings done after {} ms", started.elapsed().as_millis());
    // An org unit no listed user is in is most likely misspelt: say so rather than let every
    // user drop out of scope in silence.
    if gathered.first_error.is_none() {
        for (i, path) in config.scope.org_units.iter().enumerate() {
            let used = gathered.admitted.iter().any(|r| r.in_org_unit(path))
                || gathered.excluded.iter().any(|(r, _)| r.in_org_unit(path));
            if !used {
                let message = format!(
                    "scope.org_units[{i}] {} holds none of the listed users; check the path \
                     (org unit paths are case-insensitive and start at /)",
                    crate::config::shown(path)
                );
                log::warn!("{message}");
                if mode == Mode::Test {
                    report.checks.push(diagnose::org_unit_check(path, &message));
                }
                report.warnings.push(message);
            }
        }
    }
    if mode == Mode::Test {
        for (job, listing) in listing_jobs.iter().zip(&report.listings) {
            if let Job::Members(group) = job {
                report.checks.push(diagnose::group_check(group, listing));
            }
        }
    }
    let mut listing_error = gathered.first_error;
    let mut complete = listing_error.is_none();
    let (in_scope, excluded) = apply_group_filter(
        config,
        gathered.admitted,
        gathered.excluded,
        &gathered.membership,
    );
    report.counts.listed = gathered.listed;
    report.counts.in_scope = in_scope.len() as u64;
    if gathered.membership.skipped_external > 0 {
        report.warnings.push(format!(
            "{} external member(s) of the scope's groups were skipped: they are not users of \
             this Workspace",
            gathered.membership.skipped_external
        ));
    }

    let cancelled = control.is_cancelled();
    if !cancelled {
        let safeguards = &config.safeguards;
        let options = PlanOptions {
            delete_removed_users: config.delete_removed_users,
            logins_from_local_part: config.login_name == LoginName::LocalPart,
            listing_complete: complete,
            default_privileges: config.default_privileges.clone(),
            delete_after_missing_syncs: safeguards.delete_after_missing_syncs,
            max_deletions: safeguards.max_deletions,
            max_deletion_percent: safeguards.max_deletion_percent,
            force_deletions: run_options.force_deletions,
        };
        let mut plan = plan::compute(&in_scope, host_users, &options);
        if complete {
            if let Err(error) = verify::verify_deletions(google, config, &mut plan, &control) {
                log::error!("{error}");
                report.errors.push(error.message().to_string());
                complete = false;
                listing_error = Some(error);
            }
        }
        if let Some(reason) = &plan.deletions_held_back {
            log::warn!("deletions held back: {reason}");
            report.warnings.push(format!(
                "deletions held back: {reason}; nothing was deleted (a forced run applies them)"
            ));
        }
        // After an incomplete listing every unseen managed user would be listed as kept; the
        // count says enough.
        let unseen = if complete {
            0
        } else {
            std::mem::take(&mut plan.kept).len()
        };
        report.set_plan(plan);
        if unseen > 0 {
            report.counts.kept = unseen as u64;
            report.warnings.push(format!(
                "{unseen} managed host user(s) were not seen in Google; none is deleted because \
                 a listing did not complete"
            ));
        }
        log::info!(
            "plan after {} ms: {} to create, {} to update, {} unchanged, {} to delete, {} \
             conflict(s)",
            started.elapsed().as_millis(),
            report.counts.create,
            report.counts.update,
            report.counts.unchanged,
            report.counts.delete,
            report.counts.conflicts
        );
    }

    let delivery = if cancelled {
        Delivery::Cancelled
    } else if mode == Mode::Sync {
        deliver(&mut report, host)
    } else {
        Delivery::Done
    };

    report.complete = complete;
    report.recount();
    if let (Some(state), Mode::Sync, true) = (&state, mode, complete && !cancelled) {
        if let Err(error) = state.save_after(&report, config.safeguards.delete_after_missing_syncs)
        {
            log::error!("{error}");
            report.errors.push(error.message().to_string());
        }
    }
    report.requests = google.transport.counters.snapshot().since(&before);
    report.duration_ms = started.elapsed().as_millis() as u64;
    let status = match (delivery, listing_error) {
        (Delivery::Cancelled, _) => RunStatus::Cancelled,
        (Delivery::Stopped, _) => RunStatus::StoppedByHost,
        (_, Some(e)) if e.kind() == ErrorKind::Cancelled => RunStatus::Cancelled,
        (_, Some(e)) => RunStatus::ListingFailed(e),
        (Delivery::Done, None) if report.counts.failed > 0 => RunStatus::ChangesFailed,
        (Delivery::Done, None) if mode == Mode::Sync && report.deletions_held_back.is_some() => {
            RunStatus::ChangesFailed
        }
        (Delivery::Done, None) => RunStatus::Complete,
    };
    log::info!(
        "{} finished in {} ms: {} request(s), {} retr(ies)",
        mode_name(mode),
        report.duration_ms,
        report.requests.requests,
        report.requests.retries
    );
    RunResult {
        report,
        status,
        seen: Seen {
            in_scope,
            excluded,
            complete,
        },
    }
}

/// The listings the scope needs: users per customer or domain first (the longest chains),
/// then the member listings of the groups.
fn jobs_for(config: &Config) -> Vec<Job> {
    let mut jobs: Vec<Job> = scope::user_sources(config)
        .into_iter()
        .map(Job::Users)
        .collect();
    let mut seen = HashSet::new();
    for group in &config.scope.groups {
        let group = group.trim();
        if seen.insert(group.to_lowercase()) {
            jobs.push(Job::Members(group.to_string()));
        }
    }
    jobs
}

fn gather(
    listing: Arc<Listing>,
    max_workers: usize,
    workers: &Workers,
    host: &mut dyn Host,
    report: &mut Report,
) -> Gathered {
    let jobs = &listing.jobs;
    report.listings = jobs
        .iter()
        .map(|job| ListingReport {
            name: job.name(),
            pages: 0,
            items: 0,
            complete: false,
            error: None,
        })
        .collect();
    let mut gathered = Gathered::default();
    let mut on_event = |event: Option<Event>| {
        match event {
            Some(Event::Users {
                admitted,
                excluded,
                listed,
            }) => {
                gathered.listed += listed as u64;
                gathered.admitted.extend(admitted);
                gathered.excluded.extend(excluded);
                host.progress("listing users", gathered.listed, 0);
            }
            Some(Event::Members { job, members }) => {
                if let Job::Members(group) = &jobs[job] {
                    gathered.membership.add(group, members);
                }
            }
            Some(Event::Done { job, stats }) => {
                let entry = &mut report.listings[job];
                entry.pages = stats.pages;
                entry.items = stats.items;
                entry.complete = true;
                log::info!(
                    "{}: {} item(s) in {} page(s), {} ms",
                    entry.name,
                    stats.items,
                    stats.pages,
                    stats.elapsed_ms
                );
            }
            Some(Event::Failed { job, stats, error }) => {
                let entry = &mut report.listings[job];
                entry.pages = stats.pages;
                entry.items = stats.items;
                entry.error = Some(error.message().to_string());
                if error.kind() != ErrorKind::Cancelled {
                    log::error!("{} did not complete: {error}", entry.name);
                    report.errors.push(error.message().to_string());
                }
                if gathered.first_error.is_none() {
                    gathered.first_error = Some(error);
                }
            }
            Some(Event::Log {
                level,
                target,
                message,
            }) => host.log(level, &target, &message),
            None => {}
        }
        host.is_cancelled()
    };
    listing::run(Arc::clone(&listing), max_workers, workers, &mut on_event);
    gathered
}

/// The users in scope, and those outside it with the reason.
type InAndOut = (Vec<Arc<UserRecord>>, Vec<(Arc<UserRecord>, Excluded)>);

/// Applies the group filter: with groups configured, only their members stay in scope.
fn apply_group_filter(
    config: &Config,
    admitted: Vec<UserRecord>,
    excluded: Vec<(UserRecord, Excluded)>,
    membership: &Membership,
) -> InAndOut {
    let mut excluded: Vec<(Arc<UserRecord>, Excluded)> = excluded
        .into_iter()
        .map(|(record, why)| (Arc::new(record), why))
        .collect();
    // A user can appear twice when the tenant changes between pages.
    // Sorting shared records moves pointers, not records.
    let mut admitted: Vec<Arc<UserRecord>> = admitted.into_iter().map(Arc::new).collect();
    admitted.sort_unstable_by(|a, b| a.google_id.cmp(&b.google_id));
    admitted.dedup_by(|a, b| a.google_id == b.google_id);
    // Listings run in parallel and finish in any order; the plan follows the logins.
    admitted.sort_unstable_by(|a, b| a.login().cmp(b.login()));
    let mut in_scope = Vec::with_capacity(admitted.len());
    for record in admitted {
        if config.scope.groups.is_empty() || membership.contains(&record) {
            in_scope.push(record);
        } else {
            excluded.push((record, Excluded::NotInGroups));
        }
    }
    (in_scope, excluded)
}

enum Delivery {
    Done,
    Cancelled,
    Stopped,
}

/// Hands each change to the host in plan order. A refused change is recorded and the sync
/// goes on; a cancellation or a stop ends it, and what was not delivered is marked so.
fn deliver(report: &mut Report, host: &mut dyn Host) -> Delivery {
    let total = report.changes.len() as u64;
    let step = (total / 200).max(1);
    for (n, entry) in report.changes.iter_mut().enumerate() {
        if host.is_cancelled() {
            log::warn!("sync cancelled by the host after {n} of {total} change(s)");
            return Delivery::Cancelled;
        }
        match host.apply(&entry.change) {
            Applied::Ok => entry.outcome = Outcome::Applied,
            Applied::Failed(message) => {
                log::warn!(
                    "the host could not apply the {:?} of {}: {message}",
                    entry.change.kind,
                    entry.change.login()
                );
                entry.outcome = Outcome::Failed;
                entry.error = Some(message);
            }
            Applied::Stop => {
                log::warn!("the host asked to stop after {n} of {total} change(s)");
                entry.error = Some("the host asked to stop at this change".into());
                return Delivery::Stopped;
            }
        }
        let done = n as u64 + 1;
        if done % step == 0 || done == total {
            host.progress("delivering changes", done, total);
        }
    }
    Delivery::Done
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Test => "dry run",
        Mode::Sync => "sync",
    }
}
