//! Runs the listings a sync needs side by side: the user listings (one chain of pages per
//! customer or domain) and the member listings of the scope's groups. Worker threads fetch and
//! map pages; everything reaches the calling thread as events, so the host's callbacks are
//! only ever called on the thread that called the library.

use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::Duration;

use super::record::UserRecord;
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

/// Runs `jobs` on up to `workers` threads. `on_event` runs on the calling thread with each
/// event, and with `None` when nothing arrived for a moment; it returns true to cancel the run.
pub fn run(
    google: &Google,
    filter: &UserFilter,
    jobs: &[Job],
    workers: usize,
    control: &RunControl,
    on_event: &mut dyn FnMut(Option<Event>) -> bool,
) {
    let queue: Mutex<VecDeque<usize>> = Mutex::new((0..jobs.len()).collect());
    let workers = workers.clamp(1, jobs.len().max(1));
    let log_level = logging::current_max_level();
    let (sender, receiver) = mpsc::channel::<Event>();

    std::thread::scope(|scope| {
        for n in 0..workers {
            let sender = sender.clone();
            let queue = &queue;
            std::thread::Builder::new()
                .name(format!("google-ds-list-{n}"))
                .spawn_scoped(scope, move || {
                    let _log =
                        logging::install_sink(Rc::new(ChannelSink(sender.clone())), log_level);
                    loop {
                        let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front();
                        let Some(job) = next else { break };
                        run_job(google, filter, job, &jobs[job], control, &sender);
                    }
                })
                .expect("spawning a listing thread");
        }
        drop(sender);

        loop {
            let cancel = match receiver.recv_timeout(Duration::from_millis(50)) {
                Ok(event) => on_event(Some(event)),
                Err(RecvTimeoutError::Timeout) => on_event(None),
                Err(RecvTimeoutError::Disconnected) => break,
            };
            if cancel && !control.is_cancelled() {
                control.cancel();
            }
        }
    });
}

fn run_job(
    google: &Google,
    filter: &UserFilter,
    index: usize,
    job: &Job,
    control: &RunControl,
    events: &Sender<Event>,
) {
    let directory = google.directory();
    let mut seen = ListingStats::default();
    let result = match job {
        Job::Users(source) => directory.list_users(source, control, &mut |users| {
            let listed = users.len();
            seen.pages += 1;
            seen.items += listed as u64;
            let mut admitted = Vec::with_capacity(listed);
            let mut excluded = Vec::new();
            for user in users {
                let record = UserRecord::from_api(user, filter.login_name);
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
