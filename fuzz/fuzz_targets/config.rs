//! Any text as a configuration: a clear error or a configuration, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match google_ds::config::Config::from_json(text) {
            Ok(config) => {
                let _ = config.log_level();
                let _ = google_ds::sync::scope::user_sources(&config);
            }
            Err(error) => assert!(!error.message().is_empty()),
        }
    }
});
