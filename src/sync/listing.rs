//! Runs the listings a sync needs side by side: the user listings (one chain of pages per
//! customer or domain) and the member listings of the scope's groups. Worker threads fetch and
//! map pages; everything reaches the calling thread as events, so the host's callbacks are
//! only ever called on the thread that called the library.

use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::record::{OrgUnits, UserRecord};
use super::scope::{Excluded, UserFilter};
use crate::error::Error;
use crate::google::directory::{ApiMember, ListingStats, UserSource};
use crate::google::http::RunControl;
use crate::google::Google;
use crate::logging::{self, LogSink};

/// One listing to run.
#[derive(Clone, Debug)]
pub enum Job {
    Users(UserSource),
    Members(String),
}

impl Job {
    pub fn name(&self) -> String {
        match self {
            Job::Users(source) => source.to_string(),
            Job::Members(group) => format!("members of group {group}"),
        }
    }
}

/// What the workers tell the calling thread.
pub enum Event {
    /// One page of users, already mapped; `excluded` are those outside the per-user scope.
    Users {
        admitted: Vec<UserRecord>,
        excluded: Vec<(UserRecord, Excluded)>,
        listed: usize,
    },
    Members {
        job: usize,
        members: Vec<ApiMember>,
    },
    Done {
        job: usize,
        stats: ListingStats,
    },
    Failed {
        job: usize,
        stats: ListingStats,
        error: Error,
    },
    Log {
        level: log::Level,
        target: String,
        message: String,
    },
}

struct ChannelSink(Sender<Event>);

impl LogSink for ChannelSink {
    fn write(&self, level: log::Level, target: &str, message: &str) {
        let _ = self.0.send(Event::Log {
            level,
            target: target.to_string(),
            message: message.to_string(),
        });
    }
}

/// The threads a connector started for its listings. A cancelled run returns without waiting
/// for a request in flight; its thread finishes that request and ends on its own. Dropping
/// the pool (when the connector is freed) waits for every thread, so none outlives the
/// library.
#[derive(Default)]
pub struct Workers {
    handles: Mutex<Vec<JoinHandle<()>>>,
}

impl Workers {
    fn spawn(&self, name: String, body: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
        let handle = std::thread::Builder::new().name(name).spawn(body)?;
        let mut handles = self.handles.lock().unwrap_or_else(|p| p.into_inner());
        // Forget the threads that have ended.
        let (ended, running): (Vec<_>, Vec<_>) = handles
            .drain(..)
            .partition(|h: &JoinHandle<()>| h.is_finished());
        for thread in ended {
            let _ = thread.join();
        }
        *handles = running;
        handles.push(handle);
        Ok(())
    }

    /// Waits for every thread.
    pub fn join_all(&self) {
        let handles = std::mem::take(&mut *self.handles.lock().unwrap_or_else(|p| p.into_inner()));
        for thread in handles {
            let _ = thread.join();
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.join_all();
    }
}

/// What the listing threads share.
pub struct Listing {
    pub google: Arc<Google>,
    pub filter: UserFilter,
    pub jobs: Vec<Job>,
    pub control: Arc<RunControl>,
}

/// Runs the jobs on up to `max_workers` threads of `pool`. `on_event` runs on the calling
/// thread with each event, and with `None` when nothing arrived for a moment; it returns true
/// to cancel the run, which then returns at once.
pub fn run(
    listing: Arc<Listing>,
    max_workers: usize,
    pool: &Workers,
    on_event: &mut dyn FnMut(Option<Event>) -> bool,
) {
    let queue = Arc::new(Mutex::new(
        (0..listing.jobs.len()).collect::<VecDeque<usize>>(),
    ));
    let workers = max_workers.clamp(1, listing.jobs.len().max(1));
    let log_level = logging::current_max_level();
    let (sender, receiver) = mpsc::channel::<Event>();

    let mut started = 0;
    for n in 0..workers {
        let (listing, queue, sender) = (Arc::clone(&listing), Arc::clone(&queue), sender.clone());
        let body = move || {
            let _log = logging::install_sink(Rc::new(ChannelSink(sender.clone())), log_level);
            work(&listing, &queue, &sender);
        };
        match pool.spawn(format!("google-ds-list-{n}"), body) {
            Ok(()) => started += 1,
            Err(e) => log::warn!("could not start listing thread {n}: {e}"),
        }
    }
    if started == 0 {
        // No thread could be started: list on this thread instead.
        work(&listing, &queue, &sender);
    }
    drop(sender);

    loop {
        let cancel = match receiver.recv_timeout(Duration::from_millis(50)) {
            Ok(event) => on_event(Some(event)),
            Err(RecvTimeoutError::Timeout) => on_event(None),
            Err(RecvTimeoutError::Disconnected) => break,
        };
        if cancel {
            listing.control.cancel();
            return;
        }
    }
}

fn work(listing: &Listing, queue: &Mutex<VecDeque<usize>>, sender: &Sender<Event>) {
    loop {
        if listing.control.is_cancelled() {
            return;
        }
        let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front();
        let Some(job) = next else { return };
        run_job(listing, job, sender);
    }
}

fn run_job(listing: &Listing, index: usize, events: &Sender<Event>) {
    let (job, control, filter) = (&listing.jobs[index], &*listing.control, &listing.filter);
    let directory = listing.google.directory();
    let mut seen = ListingStats::default();
    let mut org_units = OrgUnits::default();
    let result = match job {
        Job::Users(source) => directory.list_users(source, control, &mut |users| {
            let listed = users.len();
            seen.pages += 1;
            seen.items += listed as u64;
            let mut admitted = Vec::with_capacity(listed);
            let mut excluded = Vec::new();
            for user in users {
                let record = UserRecord::from_api_sharing(user, filter.login_name, &mut org_units);
                match filter.admit(&record) {
                    Ok(()) => admitted.push(record),
                    Err(why) => excluded.push((record, why)),
                }
            }
            let _ = events.send(Event::Users {
                admitted,
                excluded,
                listed,
            });
            Ok(())
        }),
        Job::Members(group) => directory.list_members(group, true, control, &mut |members| {
            seen.pages += 1;
            seen.items += members.len() as u64;
            let _ = events.send(Event::Members {
                job: index,
                members,
            });
            Ok(())
        }),
    };
    let result = match (job, result) {
        (Job::Members(group), Err(e)) if e.reason() == Some("notFound") => {
            Err(super::diagnose::missing_group(group))
        }
        (_, result) => result,
    };
    let event = match result {
        Ok(stats) => Event::Done { job: index, stats },
        Err(error) => Event::Failed {
            job: index,
            stats: seen,
            error,
        },
    };
    let _ = events.send(event);
}
