//! What an operator sees from `host-example`: `check-config`, the plan as a table or JSON,
//! progress on stderr, and one exit code per kind of outcome.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use google_emulator::{Emulator, Options, TenantSpec};
use serde_json::{json, Value};

struct Setup {
    emulator: Emulator,
    dir: tempfile::TempDir,
    config: Value,
}

impl Setup {
    fn new(seed: u64) -> Setup {
        let emulator = Emulator::start(Options {
            tenant: TenantSpec::generated(seed, 60, 3),
            ..Options::default()
        })
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("key.json");
        emulator.write_key_file(&key_file).unwrap();
        let config = emulator.connector_config(&key_file);
        Setup {
            emulator,
            dir,
            config,
        }
    }

    /// Writes the configuration with `patch` merged into its top-level objects.
    fn config_file(&self, name: &str, patch: Value) -> PathBuf {
        let mut config = self.config.clone();
        for (key, value) in patch.as_object().unwrap() {
            match (config.get_mut(key), value) {
                (Some(Value::Object(base)), Value::Object(fields)) => {
                    base.extend(fields.clone());
                }
                _ => config[key] = value.clone(),
            }
        }
        let path = self.dir.path().join(name);
        std::fs::write(&path, config.to_string()).unwrap();
        path
    }
}

fn host_example(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_host-example"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn check_config_accepts_a_good_file_and_names_the_wrong_field() {
    let setup = Setup::new(201);
    let good = setup.config_file("good.json", json!({}));
    let output = host_example(&["check-config", path(&good)]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains(": OK"),
        "{}",
        text(&output.stdout)
    );

    let cases = [
        (
            json!({"scope": {"org_units": ["Sales"]}}),
            "scope.org_units[0]",
        ),
        (json!({"http": {"max_retries": "five"}}), "http.max_retries"),
        (
            json!({"imap": {"ca_file": "/nonexistent/ca.pem"}}),
            "imap.ca_file",
        ),
        (
            json!({"http": {"ca_bundle_file": "/nonexistent/ca.pem"}}),
            "http.ca_bundle_file",
        ),
        (
            json!({"safeguards": {"state_file": "/nonexistent/dir/state.json"}}),
            "safeguards.state_file",
        ),
        (
            json!({"key_file": "/nonexistent/key.json"}),
            "/nonexistent/key.json",
        ),
    ];
    for (i, (patch, field)) in cases.into_iter().enumerate() {
        let file = setup.config_file(&format!("bad{i}.json"), patch);
        let output = host_example(&["check-config", path(&file)]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{field}: {stderr}");
        assert!(stderr.contains(field), "no `{field}` in: {stderr}");
    }

    let broken = setup.dir.path().join("broken.json");
    std::fs::write(&broken, "{\n  \"admin_user\": \"a@example.com\",\n}").unwrap();
    let output = host_example(&["check-config", path(&broken)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("line 3"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn dry_run_prints_a_table_or_json_and_progress_when_asked() {
    let setup = Setup::new(202);
    let config = setup.config_file("config.json", json!({}));

    let output = host_example(&["test", "--config", path(&config)]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("CHANGE"), "{stdout}");
    assert!(stdout.contains("--all lists them"), "{stdout}");
    assert!(
        text(&output.stderr).is_empty(),
        "nothing on stderr by default: {}",
        text(&output.stderr)
    );

    let output = host_example(&["test", "--config", path(&config), "--all"]);
    assert!(!text(&output.stdout).contains("--all lists them"));

    let output = host_example(&["test", "--config", path(&config), "--json"]);
    let report: Value = serde_json::from_slice(&output.stdout).expect("--json prints JSON");
    assert_eq!(report["mode"], "test");

    let output = host_example(&["sync", "--config", path(&config), "--progress", "always"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("progress: listing users"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn exit_codes_tell_google_errors_and_partial_syncs_apart() {
    let setup = Setup::new(203);
    let config = setup.config_file("config.json", json!({"http": {"max_retries": 0}}));

    // Partial: more deletions than the limit are held back.
    let db = setup.dir.path().join("users.json");
    let gone: serde_json::Map<String, Value> = (0..3)
        .map(|i| (format!("gone{i}@example.com"), json!({"managed": true})))
        .collect();
    std::fs::write(&db, json!({ "users": gone }).to_string()).unwrap();
    let limited = setup.config_file("limited.json", json!({"safeguards": {"max_deletions": 1}}));
    let output = host_example(&["sync", "--config", path(&limited), "--db", path(&db)]);
    assert_eq!(output.status.code(), Some(4), "{}", text(&output.stderr));

    // Google error: the delegation was removed in the Admin console.
    setup
        .emulator
        .set_delegation(&setup.emulator.client_id(), &[]);
    let output = host_example(&["test", "--config", path(&config)]);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("DS_STATUS_AUTHORIZATION_ERROR"));

    // The codes are in --help.
    let help = text(&host_example(&["--help"]).stdout);
    for line in [
        "0  success",
        "2  configuration error",
        "3  Google error",
        "4  partial sync",
    ] {
        assert!(help.contains(line), "--help lacks `{line}`:\n{help}");
    }
}

#[test]
fn the_user_database_keeps_missing_counts_and_survives_a_closed_pipe() {
    let setup = Setup::new(74);
    let config = setup.config_file(
        "config.json",
        json!({"safeguards": {"delete_after_missing_syncs": 2}}),
    );
    let db = setup.dir.path().join("users.json");
    let sync = || {
        host_example(&[
            "sync",
            "--config",
            path(&config),
            "--db",
            path(&db),
            "--json",
        ])
    };
    assert!(sync().status.success());
    let admin = setup.emulator.admin_email();
    let gone = setup.emulator.with_tenant(|t| {
        let user = t
            .users
            .iter()
            .find(|u| !u.suspended && !u.archived && u.primary_email != admin);
        let email = user.unwrap().primary_email.clone();
        t.remove_user(&email).unwrap();
        email
    });
    let stored = |db: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(db).unwrap()).unwrap()
    };

    // First sync without the user: kept, and the count is stored.
    let first = sync();
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(stored(&db)["users"][&gone]["missing_syncs"], 1);
    // Second: deleted.
    let second = sync();
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(stored(&db)["users"].get(&gone).is_none());

    // A reader that goes away early (`| head`) must not cost the database.
    setup.emulator.with_tenant(|t| {
        t.add_user("late.joiner@example.com", "Late", "Joiner")
            .unwrap();
    });
    let mut child = Command::new(env!("CARGO_BIN_EXE_host-example"))
        .args([
            "sync",
            "--config",
            path(&config),
            "--db",
            path(&db),
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert!(status.success(), "exit {status:?}");
    assert!(stored(&db)["users"]
        .get("late.joiner@example.com")
        .is_some());
}
