//! What this host does with the library's callbacks: log lines and progress on stderr,
//! changes into the user store.

use crate::library::{Applied, Change, Hooks};
use crate::progress::Progress;
use crate::store::UserStore;

/// Log records at this level or more severe are printed (1 error … 5 trace), from `RUST_LOG`:
/// a level (`debug`), or directives such as `google_ds=debug,info`, of which the most
/// detailed level counts (the library filters its records by `log_level` too). Warnings by
/// default.
pub fn log_threshold() -> i32 {
    threshold_of(&std::env::var("RUST_LOG").unwrap_or_default())
}

fn threshold_of(directives: &str) -> i32 {
    let levels = directives.split(',').filter_map(|directive| {
        let level = directive.rsplit('=').next()?.trim().to_ascii_lowercase();
        match level.as_str() {
            "off" => Some(0),
            "error" => Some(1),
            "warn" => Some(2),
            "info" => Some(3),
            "debug" => Some(4),
            "trace" => Some(5),
            _ => None,
        }
    });
    levels.max().unwrap_or(2)
}

pub struct StoreHooks<'a> {
    store: Option<&'a mut UserStore>,
    threshold: i32,
    progress: Progress,
}

impl<'a> StoreHooks<'a> {
    pub fn dry_run() -> StoreHooks<'static> {
        StoreHooks {
            store: None,
            threshold: log_threshold(),
            progress: Progress::hidden(),
        }
    }

    pub fn applying(store: &'a mut UserStore) -> StoreHooks<'a> {
        StoreHooks {
            store: Some(store),
            threshold: log_threshold(),
            progress: Progress::hidden(),
        }
    }

    /// Shows the library's progress as `progress` says.
    pub fn with_progress(mut self, progress: Progress) -> StoreHooks<'a> {
        self.progress = progress;
        self
    }
}

impl Hooks for StoreHooks<'_> {
    fn log(&mut self, level: i32, target: &str, message: &str) {
        if level <= self.threshold {
            let name = ["", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"]
                .get(level as usize)
                .unwrap_or(&"?");
            self.progress
                .println(&format!("[{name} {target}] {message}"));
        }
    }

    fn progress(&mut self, phase: &str, done: u64, total: u64) {
        self.progress.update(phase, done, total);
    }

    fn apply(&mut self, change: &Change) -> Applied {
        match &mut self.store {
            Some(store) => store.apply(change).into(),
            None => Applied::Failed("a dry run must not deliver changes".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::threshold_of;

    #[test]
    fn rust_log_levels_and_directives() {
        assert_eq!(threshold_of(""), 2);
        assert_eq!(threshold_of("debug"), 4);
        assert_eq!(threshold_of("google_ds=trace,warn"), 5);
        assert_eq!(threshold_of("off"), 0);
        assert_eq!(threshold_of("nonsense"), 2);
    }
}
