//! What this host does with the library's callbacks: log lines on stderr, changes into the
//! user store.

use crate::library::{Applied, Change, Hooks};
use crate::store::UserStore;

/// Log records at this level or more severe are printed (1 error … 5 trace). Set from
/// `RUST_LOG` (error, warn, info, debug, trace); warnings by default.
pub fn log_threshold() -> i32 {
    match std::env::var("RUST_LOG")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "off" => 0,
        "error" => 1,
        "info" => 3,
        "debug" => 4,
        "trace" => 5,
        _ => 2,
    }
}

pub struct StoreHooks<'a> {
    store: Option<&'a mut UserStore>,
    threshold: i32,
}

impl<'a> StoreHooks<'a> {
    pub fn dry_run() -> StoreHooks<'static> {
        StoreHooks {
            store: None,
            threshold: log_threshold(),
        }
    }

    pub fn applying(store: &'a mut UserStore) -> StoreHooks<'a> {
        StoreHooks {
            store: Some(store),
            threshold: log_threshold(),
        }
    }
}

impl Hooks for StoreHooks<'_> {
    fn log(&mut self, level: i32, target: &str, message: &str) {
        if level <= self.threshold {
            let name = ["", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"]
                .get(level as usize)
                .unwrap_or(&"?");
            eprintln!("[{name} {target}] {message}");
        }
    }

    fn apply(&mut self, change: &Change) -> Applied {
        match &mut self.store {
            Some(store) => store.apply(change).into(),
            None => Applied::Failed("a dry run must not deliver changes".into()),
        }
    }
}
