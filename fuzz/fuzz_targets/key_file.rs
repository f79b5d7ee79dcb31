//! Any text as a service-account key file: a clear error that never quotes the key, or a key
//! that signs an assertion.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        match google_ds::google::credentials::ServiceAccount::from_json(text) {
            Ok(account) => {
                let _ = account.assertion("admin@example.com", &["scope"], 1_700_000_000);
            }
            Err(error) => {
                let message = error.message();
                assert!(!message.is_empty());
                assert!(!message.contains("-----BEGIN"), "the error quotes the key");
            }
        }
    }
});
