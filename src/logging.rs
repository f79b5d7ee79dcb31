//! Routes `log` records to whoever is listening on the current thread: the host's log callback
//! on the thread that called into the library, or a channel back to that thread on a worker.
//!
//! The `log` crate has one logger per process (per copy of this library), while hosts pass
//! their callbacks per call; a thread-local sink bridges the two. Records of other crates are
//! forwarded from `info` up only: their debug output is not written for administrators.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Once;

use log::{Level, LevelFilter, Log, Metadata, Record};

/// Receives the log records of one thread.
pub trait LogSink {
    fn write(&self, level: Level, target: &str, message: &str);
}

struct Installed {
    sink: Rc<dyn LogSink>,
    max_level: LevelFilter,
}

thread_local! {
    static SINK: RefCell<Option<Installed>> = const { RefCell::new(None) };
}

/// Keeps a sink installed on this thread until dropped, then restores the previous one.
pub struct SinkGuard {
    previous: Option<Installed>,
}

impl Drop for SinkGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        SINK.with(|s| *s.borrow_mut() = previous);
    }
}

/// Sends this thread's records at `max_level` or above to `sink` while the guard lives.
pub fn install_sink(sink: Rc<dyn LogSink>, max_level: LevelFilter) -> SinkGuard {
    install_logger();
    let previous = SINK.with(|s| s.borrow_mut().replace(Installed { sink, max_level }));
    SinkGuard { previous }
}

/// The level filter of this thread's sink, to hand on to worker threads.
pub fn current_max_level() -> LevelFilter {
    SINK.with(|s| {
        s.borrow()
            .as_ref()
            .map(|i| i.max_level)
            .unwrap_or(LevelFilter::Off)
    })
}

struct ThreadLogger;

static LOGGER: ThreadLogger = ThreadLogger;
static INSTALL: Once = Once::new();

fn install_logger() {
    INSTALL.call_once(|| {
        // Fails only if something else in this copy of the library set a logger first.
        if log::set_logger(&LOGGER).is_ok() {
            log::set_max_level(LevelFilter::Trace);
        }
    });
}

fn own_crate(target: &str) -> bool {
    target == "google_ds" || target.starts_with("google_ds::")
}

impl Log for ThreadLogger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        let level = metadata.level();
        if !own_crate(metadata.target()) && level > Level::Info {
            return false;
        }
        SINK.with(|s| s.borrow().as_ref().is_some_and(|i| level <= i.max_level))
    }

    fn log(&self, record: &Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let message = record.args().to_string();
        // A sink that logs would re-enter the cell; take it out while it runs.
        let sink = SINK.with(|s| s.borrow().as_ref().map(|i| i.sink.clone()));
        if let Some(sink) = sink {
            sink.write(record.level(), record.target(), &message);
        }
    }

    fn flush(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    struct Collect(RefCell<Vec<String>>);
    impl LogSink for Collect {
        fn write(&self, level: Level, _target: &str, message: &str) {
            self.0.borrow_mut().push(format!("{level} {message}"));
        }
    }

    #[test]
    fn records_reach_the_installed_sink_at_its_level() {
        let sink = Rc::new(Collect(RefCell::new(Vec::new())));
        {
            let _guard = install_sink(sink.clone(), LevelFilter::Info);
            log::info!("visible");
            log::debug!("hidden");
        }
        log::info!("after the guard");
        assert_eq!(*sink.0.borrow(), vec!["INFO visible".to_string()]);
    }
}
