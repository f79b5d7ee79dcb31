//! A Google that presents a certificate of a CA the system does not trust, as a proxy that
//! inspects TLS does: refused, with a message naming `http.ca_bundle_file`, until that CA is
//! named there; then the sync and the sign-in both work.

mod common;

use common::signin::{mint, sign_in_with_token, NONCE};
use common::*;
use google_emulator::{Options, TenantSpec, TlsOptions};
use serde_json::json;

fn tls_env(seed: u64) -> Env {
    Env::with_options(Options {
        tenant: TenantSpec::generated(seed, 80, 4),
        tls: Some(TlsOptions::default()),
        ..Options::default()
    })
}

#[test]
fn untrusted_certificate_is_refused_with_the_setting_to_fix() {
    let env = tls_env(81);
    assert!(env.emulator.base_url().starts_with("https://"));
    let mut config = env.config.clone();
    config["http"]
        .as_object_mut()
        .unwrap()
        .remove("ca_bundle_file");
    let config = config.to_string();

    let mut recorder = Recorder::default();
    let outcome = dry_run(&config, &mut recorder);
    assert_eq!(outcome.status_name, "DS_STATUS_NETWORK_ERROR");
    let message = outcome.error.unwrap_or_default();
    assert!(message.contains("http.ca_bundle_file"), "{message}");
    assert!(message.contains("not trusted"), "{message}");
    eprintln!("refused as: {message}");

    let connector = lib().configure(&config).unwrap();
    let start = connector.authorization_url(&json!({"redirect_uri": "http://127.0.0.1/callback"}));
    let error = start.expect_err("the issuer is not trusted");
    assert!(error.message.contains("http.ca_bundle_file"), "{error}");
}

#[test]
fn extra_ca_bundle_is_trusted_by_sync_and_sign_in() {
    let env = tls_env(82);
    let config = env.config.to_string();
    assert!(config.contains("ca_bundle_file"), "{config}");

    let mut recorder = Recorder::default();
    let outcome = sync(&config, &mut recorder);
    assert_eq!(outcome.status, 0, "{:?}", outcome.error);
    assert_eq!(recorder.logins(), expected_logins(&env.tenant(), &[]));

    let connector = lib().configure(&config).unwrap();
    let email = recorder
        .logins()
        .into_iter()
        .find(|l| !l.starts_with("admin@"))
        .unwrap();
    let answer = sign_in_with_token(&connector, &mint(&env.emulator, &email, json!({})), NONCE);
    assert!(answer.signed_in(), "{answer:?}");
}

#[test]
fn unreadable_or_empty_bundles_name_the_field() {
    let env = tls_env(83);
    let missing = env.dir.path().join("missing.pem");
    let empty = env.dir.path().join("empty.pem");
    std::fs::write(&empty, "no certificate here\n").unwrap();
    for path in [missing, empty] {
        let config = env.config_with(json!({"http": {"ca_bundle_file": path}}));
        let error = lib().configure(&config).err().expect("refused");
        assert_eq!(error.status_name, "DS_STATUS_CONFIG_ERROR");
        assert!(error.message.contains("http.ca_bundle_file"), "{error}");
    }
}
