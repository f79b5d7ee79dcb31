//! Every address the connector talks to must be HTTPS, except on loopback: the configured
//! ones, the `token_uri` of the key file, and the endpoints an OpenID discovery document
//! names. Plain HTTP to anything else is refused with a message naming where it came from.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use common::*;
use serde_json::{json, Value};

fn refused(config: &str, needles: &[&str]) {
    let error = lib()
        .configure(config)
        .err()
        .expect("the configuration is refused");
    assert_eq!(error.status_name, "DS_STATUS_CONFIG_ERROR", "{error}");
    for needle in needles {
        assert!(error.message.contains(needle), "no `{needle}` in: {error}");
    }
}

#[test]
fn configured_addresses_must_be_https_off_loopback() {
    let env = Env::new(91, 10, 1);
    let cases = [
        (
            json!({"google": {"directory_url": "http://admin.example.com/admin/directory/v1/"}}),
            "google.directory_url",
        ),
        (
            json!({"google": {"token_uri": "http://10.1.2.3/token"}}),
            "google.token_uri",
        ),
        (
            json!({"oidc": {"issuer": "http://accounts.example.com"}}),
            "oidc.issuer",
        ),
        (
            json!({"oidc": {"redirect_uris": ["http://archive.example.com/callback"]}}),
            "oidc.redirect_uris[0]",
        ),
    ];
    for (patch, field) in cases {
        refused(&env.config_with(patch), &[field, "https://"]);
    }
}

#[test]
fn key_file_token_uri_must_be_https_off_loopback() {
    let env = Env::new(92, 10, 1);
    let mut key: Value = serde_json::from_str(&env.emulator.service_account_key_json()).unwrap();
    key["token_uri"] = "http://oauth2.example.com/token".into();
    let key_file = env.dir.path().join("plain-http-key.json");
    std::fs::write(&key_file, key.to_string()).unwrap();
    refused(
        &env.config_with(json!({"key_file": key_file})),
        &["token_uri (in the key file)", "https://"],
    );
}

/// A loopback issuer whose discovery document names a plain-HTTP token endpoint elsewhere.
#[test]
fn discovery_document_endpoints_must_be_https_off_loopback() {
    let env = Env::new(93, 10, 1);
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let issuer = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let document = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/auth"),
        "token_endpoint": "http://oauth2.example.com/token",
        "jwks_uri": format!("{issuer}/certs"),
    })
    .to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4).flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 2 {
                line.clear();
            }
            let _ = write!(
                &stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{document}",
                document.len()
            );
        }
    });
    let config = env.config_with(json!({"oidc": {"issuer": issuer}}));
    let connector = lib().configure(&config).unwrap();
    let error = connector
        .authorization_url(&json!({"redirect_uri": "http://127.0.0.1/callback"}))
        .expect_err("a plain-HTTP token endpoint is refused");
    assert!(
        error
            .message
            .contains("token_endpoint (discovery document)"),
        "{error}"
    );
    assert!(error.message.contains("https://"), "{error}");
}
