//! The standalone binary: one JSON line on stdout, the key file and configuration on disk,
//! and a server that answers.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

#[test]
fn binary_prints_its_addresses_and_writes_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_google-emulator"))
        .args([
            "--users",
            "30",
            "--groups",
            "3",
            "--domains",
            "2",
            "--seed",
            "5",
        ])
        .arg("--dir")
        .arg(dir.path())
        .arg("--save-tenant")
        .arg(dir.path().join("tenant.json"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: Value = serde_json::from_str(&line).unwrap();

    let result = std::panic::catch_unwind(|| {
        for field in [
            "base_url",
            "token_uri",
            "directory_url",
            "key_file",
            "config_file",
            "admin",
            "client_id",
            "customer_id",
        ] {
            assert!(ready[field].is_string(), "{field} in {ready}");
        }
        assert_eq!(
            ready["domains"],
            serde_json::json!(["example.com", "example.org"])
        );
        let key: Value = serde_json::from_str(
            &std::fs::read_to_string(ready["key_file"].as_str().unwrap()).unwrap(),
        )
        .unwrap();
        assert_eq!(key["token_uri"], ready["token_uri"]);
        let config: Value = serde_json::from_str(
            &std::fs::read_to_string(ready["config_file"].as_str().unwrap()).unwrap(),
        )
        .unwrap();
        assert_eq!(config["key_file"], ready["key_file"]);
        assert_eq!(config["admin_user"], ready["admin"]);
        assert_eq!(config["google"]["directory_url"], ready["directory_url"]);
        assert!(dir.path().join("tenant.json").exists());
        assert!(std::path::Path::new(config["imap"]["ca_file"].as_str().unwrap()).exists());
        assert_eq!(config["imap"]["port"], ready["imap_port"]);
        assert_eq!(config["oidc"]["issuer"], ready["base_url"]);
        assert!(config["oidc"]["client_id"]
            .as_str()
            .unwrap()
            .ends_with(".apps.googleusercontent.com"));

        let state: Value = reqwest::blocking::get(format!(
            "{}/_emulator/state",
            ready["base_url"].as_str().unwrap()
        ))
        .unwrap()
        .json()
        .unwrap();
        assert_eq!(state["users"], 30);
    });
    child.kill().unwrap();
    child.wait().unwrap();
    result.unwrap();
}
