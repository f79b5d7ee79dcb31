//! The Python host (hosts/python, ctypes only) run with the system's python3 against the
//! emulator: it configures, runs a dry run, syncs, and signs users in with Google (code
//! flow) and with an app password.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

#[test]
fn python_host_configures_tests_syncs_and_signs_in() {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    if Command::new(&python).arg("--version").output().is_err() {
        eprintln!("SKIPPED python_host_configures_tests_syncs_and_signs_in: no {python}");
        return;
    }
    let env = Env::new(111, 150, 6);
    let config_path = env.write_config();
    let tenant = env.tenant();
    let users = signin::active_users(&tenant, None);
    let hinted = users[0].primary_email.to_lowercase();
    let login = users[1].primary_email.to_lowercase();
    let password = google_emulator::Emulator::demo_app_password(&login);

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("hosts/python/example.py");
    let output = Command::new(&python)
        .arg(script)
        .arg("--lib")
        .arg(library_path())
        .arg("--config")
        .arg(&config_path)
        .args([
            "--login-hint",
            &hinted,
            "--login",
            &login,
            "--password",
            &password,
        ])
        .output()
        .unwrap();
    let expected = expected_logins(&tenant, &[]).len();
    assert_example_host_ran("python host", &output, expected, &[&hinted, &login]);
}

/// A configuration error is an exception with the field named, and exit code 2.
#[test]
fn python_host_names_the_wrong_field() {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    if Command::new(&python).arg("--version").output().is_err() {
        eprintln!("SKIPPED python_host_names_the_wrong_field: no {python}");
        return;
    }
    let env = Env::new(112, 10, 1);
    let config_path = env.dir.path().join("config.json");
    std::fs::write(
        &config_path,
        env.config_with(serde_json::json!({"http": {"max_concurency": 4}})),
    )
    .unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("hosts/python/example.py");
    let output = Command::new(&python)
        .arg(script)
        .arg("--lib")
        .arg(library_path())
        .arg("--config")
        .arg(&config_path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("max_concurency"), "{stderr}");
    assert!(stderr.contains("DS_STATUS_CONFIG_ERROR"), "{stderr}");
}
