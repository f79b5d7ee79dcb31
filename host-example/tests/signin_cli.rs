//! `host-example login` and `check-password` as a person runs them, against the emulator.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use google_emulator::{Emulator, Options, TenantSpec};

struct Setup {
    emulator: Emulator,
    dir: PathBuf,
    config: PathBuf,
}

impl Setup {
    fn new(seed: u64) -> Setup {
        let emulator = Emulator::start(Options {
            tenant: TenantSpec::generated(seed, 20, 2),
            ..Options::default()
        })
        .unwrap();
        let dir =
            std::env::temp_dir().join(format!("host-example-signin-{}-{seed}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let key_file = dir.join("key.json");
        emulator.write_key_file(&key_file).unwrap();
        let config = dir.join("connector.json");
        std::fs::write(&config, emulator.connector_config(&key_file).to_string()).unwrap();
        Setup {
            emulator,
            dir,
            config,
        }
    }

    fn user(&self) -> String {
        let tenant = self.emulator.tenant();
        let user = tenant
            .users
            .iter()
            .find(|u| !u.suspended && !u.archived && !u.is_admin)
            .unwrap();
        user.primary_email.to_lowercase()
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_host-example"))
            .args(args)
            .arg("--config")
            .arg(&self.config)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn check_password_accepts_the_app_password_and_refuses_a_wrong_one() {
    let setup = Setup::new(81);
    let user = setup.user();
    let password = format!("{}\n", Emulator::demo_app_password(&user));
    let right = setup.run(&["check-password", &user, "--password-stdin"], &password);
    let stdout = String::from_utf8_lossy(&right.stdout);
    assert!(
        right.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&right.stderr)
    );
    assert!(stdout.contains(&format!("signed in: {user}")), "{stdout}");
    assert!(stdout.contains("app_password"), "{stdout}");
    assert!(!stdout.contains(password.trim()), "the password was echoed");

    let wrong = setup.run(&["check-password", &user, "--password-stdin"], "nope\n");
    let stdout = String::from_utf8_lossy(&wrong.stdout);
    assert_eq!(wrong.status.code(), Some(5), "{stdout}");
    assert!(stdout.contains("refused (wrong_password)"), "{stdout}");
}

#[test]
fn login_with_a_hint_completes_the_code_flow_on_a_loopback_port() {
    let setup = Setup::new(82);
    let user = setup.user();
    let output = setup.run(&["login", "--login-hint", &user], "");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Open this URL"), "{stdout}");
    assert!(stdout.contains("code_challenge_method=S256"), "{stdout}");
    assert!(stdout.contains(&format!("signed in: {user}")), "{stdout}");
    assert!(stdout.contains("by oidc"), "{stdout}");
}
