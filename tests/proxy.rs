//! Requests to Google through a proxy: the one in `http.proxy`, or the one the environment
//! names. The emulator serves HTTPS under a name only the test proxy knows (`google.test`),
//! so a request that bypassed the proxy could not reach it; loopback addresses never go
//! through a proxy.

mod common;

use std::collections::HashMap;

use common::proxy::TestProxy;
use common::signin::{mint, sign_in_with_token, NONCE};
use common::*;
use google_emulator::{Options, TenantSpec, TlsOptions};
use serde_json::json;

const HOST: &str = "google.test";

/// An emulator serving HTTPS as `https://google.test:PORT`, and a proxy that knows the name.
fn behind_proxy(seed: u64) -> (Env, TestProxy) {
    let env = Env::with_options(Options {
        tenant: TenantSpec::generated(seed, 120, 6),
        tls: Some(TlsOptions {
            host: HOST.to_string(),
        }),
        ..Options::default()
    });
    let port = url::Url::parse(&env.emulator.base_url())
        .unwrap()
        .port()
        .unwrap();
    let routes = HashMap::from([(HOST.to_string(), ([127, 0, 0, 1], port).into())]);
    (env, TestProxy::start(routes))
}

fn synced_all(env: &Env, config: &str) {
    let mut recorder = Recorder::default();
    let outcome = sync(config, &mut recorder);
    assert_eq!(
        outcome.status, 0,
        "{} {:?}",
        outcome.status_name, outcome.error
    );
    assert_eq!(recorder.logins(), expected_logins(&env.tenant(), &[]));
}

#[test]
fn configured_proxy_carries_the_sync_and_the_sign_in() {
    let (env, proxy) = behind_proxy(71);
    let proxy_url = format!("http://archive:s3cret@127.0.0.1:{}", proxy.port);
    let config = env.config_with(json!({"http": {"proxy": proxy_url}}));
    synced_all(&env, &config);
    assert!(proxy.tunnels_to(HOST) > 0, "{:?}", proxy.seen());
    // The credentials in the proxy URL are sent to the proxy, as Basic authentication.
    assert!(proxy
        .seen()
        .iter()
        .all(|s| s.authorization.as_deref() == Some("Basic YXJjaGl2ZTpzM2NyZXQ=")));

    // Sign-in: the discovery document and the keys are fetched through the proxy too.
    let before = proxy.tunnels_to(HOST);
    let connector = lib().configure(&config).unwrap();
    let email = env
        .tenant()
        .users
        .iter()
        .find(|u| !u.suspended && !u.archived && !u.is_admin)
        .unwrap()
        .primary_email
        .clone();
    let answer = sign_in_with_token(&connector, &mint(&env.emulator, &email, json!({})), NONCE);
    assert!(answer.signed_in(), "{answer:?}");
    assert!(proxy.tunnels_to(HOST) > before);
}

#[test]
fn loopback_addresses_never_go_through_the_proxy() {
    let env = Env::new(72, 60, 4);
    let proxy = TestProxy::start(HashMap::new());
    let config = env.config_with(json!({"http": {"proxy": proxy.url()}}));
    synced_all(&env, &config);
    assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());
}

#[test]
fn bad_proxy_urls_are_refused_without_quoting_the_password() {
    let env = Env::new(73, 10, 1);
    let config = env.config_with(json!({"http": {"proxy": "socks9://u:hunter2@proxy:1080"}}));
    let error = lib().configure(&config).err().expect("refused");
    assert_eq!(error.status_name, "DS_STATUS_CONFIG_ERROR");
    assert!(error.message.contains("http.proxy"), "{error}");
    assert!(!error.message.contains("hunter2"), "{error}");
}

/// The environment's proxy variables, set and cleared in one test so that no other test of
/// this file sees them half-way (the other tests name their proxy or use loopback).
#[test]
fn environment_proxy_and_no_proxy_are_honoured() {
    let (env, proxy) = behind_proxy(74);
    let config = env.config.to_string();
    let _cleanup = EnvVars(&["HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"]);
    for name in ["https_proxy", "NO_PROXY", "no_proxy"] {
        std::env::remove_var(name);
    }

    std::env::set_var("HTTPS_PROXY", proxy.url());
    synced_all(&env, &config);
    let through = proxy.tunnels_to(HOST);
    assert!(through > 0, "{:?}", proxy.seen());

    // NO_PROXY sends google.test direct, where nothing answers to the name.
    std::env::set_var("NO_PROXY", format!("example.org,.{HOST}"));
    let mut recorder = Recorder::default();
    let outcome = dry_run(&config, &mut recorder);
    assert_eq!(outcome.status_name, "DS_STATUS_NETWORK_ERROR");
    assert_eq!(proxy.tunnels_to(HOST), through);
    std::env::remove_var("NO_PROXY");

    // `"none"` ignores the environment.
    let direct = env.config_with(json!({"http": {"proxy": "none"}}));
    let outcome = dry_run(&direct, &mut recorder);
    assert_eq!(outcome.status_name, "DS_STATUS_NETWORK_ERROR");
    assert_eq!(proxy.tunnels_to(HOST), through);
}

/// Removes the named environment variables when dropped, also when the test fails.
struct EnvVars<'a>(&'a [&'a str]);

impl Drop for EnvVars<'_> {
    fn drop(&mut self) {
        for name in self.0 {
            std::env::remove_var(name);
        }
    }
}
