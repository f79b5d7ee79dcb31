//! ID tokens through `ds_authenticate` of the built library, against the emulator: a good
//! token, a token from a rotated key, and a suite of forged or wrong tokens, each refused with
//! its own reason.

mod common;

use std::collections::HashSet;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::RSA_PKCS1_SHA256;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::signin::*;
use common::*;
use google_emulator::IdTokenRequest;
use host_example::abi::{DS_STATUS_CONFIG_ERROR, DS_STATUS_INVALID_ARGUMENT, DS_STATUS_REFUSED};
use host_example::library::Connector;
use serde_json::{json, Value};

/// A tenant, a connector whose scope is the /Sales org unit, and a dry run behind it so that
/// sign-ins map users through what the run saw.
struct Suite {
    env: Env,
    config: String,
    in_scope: String,
    outside: String,
    suspended: String,
}

impl Suite {
    fn new(patch: Value) -> Suite {
        let env = Env::new(41, 80, 4);
        let tenant = env.tenant();
        let in_scope = active_users(&tenant, Some("/Sales"))[0]
            .primary_email
            .clone();
        let outside = active_users(&tenant, Some("/Engineering"))[0]
            .primary_email
            .clone();
        let suspended = active_users(&tenant, Some("/Sales"))[1]
            .primary_email
            .clone();
        env.emulator
            .with_tenant(|t| t.suspend_user(&suspended))
            .unwrap();
        let mut config = env.config.clone();
        merge(&mut config, json!({"scope": {"org_units": ["/Sales"]}}));
        merge(&mut config, patch);
        Suite {
            env,
            config: config.to_string(),
            in_scope,
            outside,
            suspended,
        }
    }

    fn config(&self) -> String {
        self.config.clone()
    }
}

fn connector_after_dry_run<'l>(config: &str) -> Connector<'l> {
    let connector = lib().configure(config).expect("configure");
    let mut host = Recorder::default();
    let outcome = connector.test(&[], &mut host);
    assert_eq!(outcome.status, 0, "{:?}", outcome.error);
    connector
}

fn forge_rs256(header: &Value, claims: &Value, key: &KeyPair) -> String {
    let input = format!("{}.{}", encode_part(header), encode_part(claims));
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        input.as_bytes(),
        &mut signature,
    )
    .unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

#[test]
fn a_good_token_signs_the_user_in() {
    let suite = Suite::new(json!({}));
    let connector = connector_after_dry_run(&suite.config());
    let token = mint(&suite.env.emulator, &suite.in_scope, json!({}));
    let answer = sign_in_with_token(&connector, &token, NONCE);
    assert!(answer.signed_in(), "{answer:?}");
    let user = suite
        .env
        .tenant()
        .find_user(&suite.in_scope)
        .unwrap()
        .clone();
    assert_eq!(answer.field("login"), suite.in_scope);
    assert_eq!(answer.field("primary_email"), suite.in_scope);
    assert_eq!(answer.field("google_id"), user.id);
    assert_eq!(answer.field("full_name"), user.name.full_name);
    assert_eq!(answer.field("method"), "oidc");
    assert_eq!(answer.field("hd"), suite.env.emulator.domains()[0]);
    assert_eq!(answer.result.as_ref().unwrap()["refused"], false);
}

#[test]
fn every_forged_or_wrong_token_is_refused_with_its_own_reason() {
    let suite = Suite::new(json!({}));
    let emulator = &suite.env.emulator;
    let connector = connector_after_dry_run(&suite.config());
    let user = suite.in_scope.as_str();
    let good = mint(emulator, user, json!({}));
    let (header, claims, signature) = split(&good);
    let now = now();
    let domain = emulator.domains()[0].clone();

    let other_key = KeyPair::generate(KeySize::Rsa2048).unwrap();
    let signing_key = KeyPair::from_pkcs8(&pem_body(&emulator.signing_key_pem())).unwrap();
    let public_pem = {
        use aws_lc_rs::signature::KeyPair as _;
        let der = signing_key.public_key().as_ref().to_vec();
        format!(
            "-----BEGIN RSA PUBLIC KEY-----\n{}\n-----END RSA PUBLIC KEY-----\n",
            base64::engine::general_purpose::STANDARD.encode(der)
        )
    };
    let hs256 = {
        jsonwebtoken::encode(
            &jsonwebtoken::Header {
                alg: jsonwebtoken::Algorithm::HS256,
                kid: header["kid"].as_str().map(str::to_string),
                ..Default::default()
            },
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(public_pem.as_bytes()).unwrap(),
        )
        .unwrap()
    };
    let unsigned = format!(
        "{}.{}.",
        encode_part(&json!({"alg": "none", "typ": "JWT"})),
        encode_part(&claims)
    );
    let tampered = {
        let mut claims = claims.clone();
        claims["email"] = json!(suite.outside);
        claims["sub"] = json!("1");
        format!(
            "{}.{}.{signature}",
            encode_part(&header),
            encode_part(&claims)
        )
    };
    let foreign_signature = forge_rs256(&header, &claims, &other_key);
    let personal_in_domain = mint(
        emulator,
        &format!("nobody.here@{domain}"),
        json!({"hd": domain}),
    );
    let foreign_audience = emulator.mint_id_token(IdTokenRequest {
        nonce: Some(NONCE.to_string()),
        audience: Some("someone-else.apps.googleusercontent.com".to_string()),
        ..IdTokenRequest::new(user)
    });
    let unknown_kid = emulator.mint_id_token(IdTokenRequest {
        nonce: Some(NONCE.to_string()),
        kid: Some("0000000000000000000000000000000000000000".to_string()),
        ..IdTokenRequest::new(user)
    });

    let cases: Vec<(&str, String, &str, &str)> = vec![
        ("wrong aud", foreign_audience, NONCE, "wrong_audience"),
        (
            "wrong iss",
            mint(
                emulator,
                user,
                json!({"iss": "https://accounts.evil.example"}),
            ),
            NONCE,
            "wrong_issuer",
        ),
        (
            "wrong azp",
            mint(emulator, user, json!({"azp": "someone-else"})),
            NONCE,
            "wrong_authorized_party",
        ),
        (
            "expired",
            mint(
                emulator,
                user,
                json!({"iat": now - 7200, "exp": now - 3600}),
            ),
            NONCE,
            "expired",
        ),
        (
            "issued in the future",
            mint(
                emulator,
                user,
                json!({"iat": now + 3600, "exp": now + 7200}),
            ),
            NONCE,
            "issued_in_future",
        ),
        ("alg none", unsigned, NONCE, "unsigned_token"),
        ("HS256 with the public key", hs256, NONCE, "wrong_algorithm"),
        ("unknown kid", unknown_kid, NONCE, "unknown_key"),
        ("bad signature", foreign_signature, NONCE, "bad_signature"),
        ("tampered payload", tampered, NONCE, "tampered_token"),
        (
            "wrong nonce",
            good.clone(),
            "another-sign-in",
            "wrong_nonce",
        ),
        (
            "email not verified",
            mint(emulator, user, json!({"email_verified": false})),
            NONCE,
            "email_not_verified",
        ),
        (
            "wrong hd",
            mint(emulator, user, json!({"hd": "other.example"})),
            NONCE,
            "wrong_hosted_domain",
        ),
        (
            "missing hd",
            mint(emulator, user, json!({"hd": null})),
            NONCE,
            "missing_hosted_domain",
        ),
        (
            "suspended user",
            mint(emulator, &suite.suspended, json!({})),
            NONCE,
            "suspended",
        ),
        (
            "user outside the sync scope",
            mint(emulator, &suite.outside, json!({})),
            NONCE,
            "not_in_scope",
        ),
        (
            "account unknown to the directory",
            personal_in_domain,
            NONCE,
            "unknown_user",
        ),
        (
            "not a JWT",
            "not-a-token".to_string(),
            NONCE,
            "malformed_token",
        ),
    ];

    let gets = emulator.stats().count("users.get");
    let mut reasons = HashSet::new();
    for (name, token, nonce, expected) in &cases {
        let answer = sign_in_with_token(&connector, token, nonce);
        assert_eq!(answer.status, DS_STATUS_REFUSED, "{name}: {answer:?}");
        assert_eq!(answer.reason(), Some(*expected), "{name}: {answer:?}");
        let message = answer.field("message");
        assert!(!message.is_empty(), "{name}");
        assert_eq!(answer.error.as_deref(), Some(message), "{name}");
        assert!(
            !message.contains(token.as_str()),
            "{name}: the token leaked"
        );
        reasons.insert(*expected);
    }
    assert!(cases.len() >= 15);
    assert_eq!(reasons.len(), cases.len(), "each case has its own reason");
    assert_eq!(
        emulator.stats().count("users.get"),
        gets,
        "after a complete run, an unknown account costs no Directory request"
    );

    // The good token still passes after all that.
    assert!(sign_in_with_token(&connector, &good, NONCE).signed_in());
}

/// The body of a PEM file, decoded.
fn pem_body(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

#[test]
fn a_rotated_key_is_accepted_after_one_key_set_refresh() {
    let suite = Suite::new(json!({"oidc": {"jwks_min_refetch_secs": 0}}));
    let emulator = &suite.env.emulator;
    let connector = connector_after_dry_run(&suite.config());
    let before = mint(emulator, &suite.in_scope, json!({}));
    assert!(sign_in_with_token(&connector, &before, NONCE).signed_in());
    let fetches = emulator.stats().count("oidc.jwks");
    assert_eq!(fetches, 1);

    let kid = emulator.rotate_signing_key();
    let after = mint(emulator, &suite.in_scope, json!({}));
    assert_eq!(split(&after).0["kid"], kid.as_str());
    let answer = sign_in_with_token(&connector, &after, NONCE);
    assert!(answer.signed_in(), "{answer:?}");
    assert_eq!(emulator.stats().count("oidc.jwks"), fetches + 1);

    // Both keys are published now; neither token costs another fetch.
    for _ in 0..20 {
        assert!(sign_in_with_token(&connector, &before, NONCE).signed_in());
        assert!(sign_in_with_token(&connector, &after, NONCE).signed_in());
    }
    assert_eq!(emulator.stats().count("oidc.jwks"), fetches + 1);
    assert_eq!(emulator.stats().count("oidc.discovery"), 1);
}

#[test]
fn unknown_keys_refetch_the_key_set_at_most_once_per_interval() {
    let suite = Suite::new(json!({}));
    let emulator = &suite.env.emulator;
    let connector = connector_after_dry_run(&suite.config());
    assert!(sign_in_with_token(
        &connector,
        &mint(emulator, &suite.in_scope, json!({})),
        NONCE
    )
    .signed_in());
    for i in 0..10 {
        let forged = emulator.mint_id_token(IdTokenRequest {
            nonce: Some(NONCE.to_string()),
            kid: Some(format!("made-up-key-{i}")),
            ..IdTokenRequest::new(&suite.in_scope)
        });
        let answer = sign_in_with_token(&connector, &forged, NONCE);
        assert_eq!(answer.reason(), Some("unknown_key"), "{answer:?}");
    }
    // The first fetch was moments ago: none of the forged ids caused another.
    assert_eq!(emulator.stats().count("oidc.jwks"), 1);
}

#[test]
fn without_a_run_users_are_looked_up_in_the_directory() {
    let suite = Suite::new(json!({}));
    let emulator = &suite.env.emulator;
    let connector = lib().configure(&suite.config()).unwrap();
    let answer = sign_in_with_token(
        &connector,
        &mint(emulator, &suite.in_scope, json!({})),
        NONCE,
    );
    assert!(answer.signed_in(), "{answer:?}");
    let outside = sign_in_with_token(
        &connector,
        &mint(emulator, &suite.outside, json!({})),
        NONCE,
    );
    assert_eq!(outside.reason(), Some("not_in_scope"), "{outside:?}");
    let suspended = sign_in_with_token(
        &connector,
        &mint(emulator, &suite.suspended, json!({})),
        NONCE,
    );
    assert_eq!(suspended.reason(), Some("suspended"), "{suspended:?}");
    let gets = emulator.stats().count("users.get");
    assert_eq!(gets, 3);
    // Answers are kept a while: the same user again costs no request.
    assert!(sign_in_with_token(
        &connector,
        &mint(emulator, &suite.in_scope, json!({})),
        NONCE
    )
    .signed_in());
    assert_eq!(emulator.stats().count("users.get"), gets);
}

#[test]
fn group_scope_is_checked_like_a_sync_without_a_run() {
    let env = Env::new(43, 60, 8);
    let tenant = env.tenant();
    let everyone = active_users(&tenant, None).len();
    // A group that holds some active users but not all.
    let (group, scope) = tenant
        .groups
        .iter()
        .map(|g| (g, expected_logins(&tenant, &[g.email.as_str()])))
        .find(|(_, scope)| !scope.is_empty() && scope.len() < everyone)
        .expect("a generated tenant has such a group");
    let member = scope.iter().next().unwrap().clone();
    let outsider = active_users(&tenant, None)
        .into_iter()
        .map(|u| u.primary_email.to_lowercase())
        .find(|e| !scope.contains(e))
        .unwrap();
    let config = env.config_with(json!({"scope": {"groups": [group.email]}}));
    let connector = lib().configure(&config).unwrap();
    let token = |email: &str| mint(&env.emulator, email, json!({}));
    assert!(sign_in_with_token(&connector, &token(&member), NONCE).signed_in());
    let refused = sign_in_with_token(&connector, &token(&outsider), NONCE);
    assert_eq!(refused.reason(), Some("not_in_scope"), "{refused:?}");
    assert!(refused.field("message").contains("scope.groups"));
}

#[test]
fn requests_that_are_not_sign_ins_are_invalid_arguments() {
    let env = Env::new(44, 10, 1);
    let connector = lib().configure(&env.config.to_string()).unwrap();
    for request in [
        json!({}),
        json!({"id_token": "x"}),
        json!({"id_token": "x", "nonce": "n", "login": "a"}),
        json!({"code": "c", "nonce": "n"}),
        json!({"id_token": 5, "nonce": "n"}),
    ] {
        let answer = connector.authenticate(&request, None);
        assert_eq!(answer.status, DS_STATUS_INVALID_ARGUMENT, "{request}");
        assert!(
            answer.result.is_none(),
            "the result is written only on OK and REFUSED"
        );
    }

    let mut without_oidc = env.config.clone();
    without_oidc.as_object_mut().unwrap().remove("oidc");
    let connector = lib().configure(&without_oidc.to_string()).unwrap();
    let answer = connector.authenticate(&json!({"id_token": "x", "nonce": "n"}), None);
    assert_eq!(answer.status, DS_STATUS_CONFIG_ERROR);
    assert!(answer.error.unwrap().contains("oidc"));
}
