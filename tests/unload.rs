//! Hosts load and unload plugins: a hundred rounds of load, configure, sync, free and unload
//! must neither crash nor leave threads behind.

mod common;

use common::*;
use host_example::library::Library;

/// The threads of the library in this process: its listing threads (`google-ds-…`) and the
/// HTTP client's (`reqwest-…`), with any thread they started (Linux threads inherit their
/// creator's name). The emulator's threads are named `google-emulator`.
fn library_threads() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_string())
        .filter(|name| name.starts_with("google-ds") || name.starts_with("reqwest"))
        .collect();
    names.sort();
    names
}

#[test]
fn load_sync_free_and_unload_a_hundred_times() {
    let env = Env::new(81, 60, 3);
    let config = env.config.to_string();
    let path = library_path();
    let baseline = library_threads();
    assert!(
        baseline.is_empty(),
        "library threads before the first load: {baseline:?}"
    );
    for round in 0..100 {
        let lib = Library::load(&path).unwrap();
        let connector = lib.configure(&config).unwrap();
        let mut host = Recorder::default();
        let outcome = connector.sync(&[], &mut host);
        assert_eq!(outcome.status, 0, "round {round}: {:?}", outcome.error);
        assert!(!host.applied.is_empty());
        drop(connector);
        drop(lib);
        // A joined thread can linger in /proc for an instant while the kernel reaps it.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while library_threads() != baseline && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(
            library_threads(),
            baseline,
            "round {round} left a thread running"
        );
    }
}
