//! The C# host (hosts/csharp, P/Invoke) compiled with mono's `mcs` and run with `mono` against
//! the emulator: it configures, runs a dry run, syncs, and signs users in with Google (code
//! flow) and with an app password. Skipped, with a visible line, where mono is not installed
//! (.ci/run installs it: apt-get install mono-mcs mono-runtime).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

fn build(out_dir: &Path) -> PathBuf {
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("hosts/csharp");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&sources)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cs"))
        .collect();
    files.sort();
    let program = out_dir.join("example.exe");
    let output = Command::new("mcs")
        .arg(format!("-out:{}", program.display()))
        .args(&files)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the C# host does not compile:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    program
}

fn run(program: &Path, args: &[&str]) -> std::process::Output {
    Command::new("mono")
        .arg(program)
        .args(args)
        .env("LD_LIBRARY_PATH", library_path().parent().unwrap())
        .output()
        .unwrap()
}

#[test]
fn csharp_host_configures_tests_syncs_and_signs_in() {
    if !have("mcs") || !have("mono") {
        eprintln!(
            "SKIPPED csharp_host_configures_tests_syncs_and_signs_in: mcs or mono is not \
             installed (apt-get install mono-mcs mono-runtime)"
        );
        return;
    }
    let env = Env::new(121, 150, 6);
    let config_path = env.write_config();
    let tenant = env.tenant();
    let users = signin::active_users(&tenant, None);
    let hinted = users[0].primary_email.to_lowercase();
    let login = users[1].primary_email.to_lowercase();
    let password = google_emulator::Emulator::demo_app_password(&login);

    let program = build(env.dir.path());
    let output = run(
        &program,
        &[
            "--config",
            config_path.to_str().unwrap(),
            "--login-hint",
            &hinted,
            "--login",
            &login,
            "--password",
            &password,
        ],
    );
    let expected = expected_logins(&tenant, &[]).len();
    assert_example_host_ran("csharp host", &output, expected, &[&hinted, &login]);

    // A wrong field: exit code 2 and the field named.
    std::fs::write(
        &config_path,
        env.config_with(serde_json::json!({"scope": {"org_units": ["Sales"]}})),
    )
    .unwrap();
    let output = run(&program, &["--config", config_path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("scope.org_units[0]"), "{stderr}");
}
