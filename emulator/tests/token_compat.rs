//! The emulator accepts the assertion Google's own Python library makes (PKCS#1 key, `", "`
//! separators in the JSON), so its checks are not tuned to our own signer.

mod common;

use common::*;
use google_emulator::{
    Emulator, Options, ServiceAccount, ServiceAccountKey, Tenant, TenantSpec, User, UserName,
};

const ISSUED_AT: i64 = 1_704_067_200;

fn tenant() -> Tenant {
    let mut tenant = Tenant {
        customer_id: "C01compat".into(),
        domains: vec!["example.com".into()],
        ..Tenant::default()
    };
    let mut admin = User {
        primary_email: "admin@example.com".into(),
        name: UserName::new("Ada", "Admin"),
        is_admin: true,
        ..User::default()
    };
    admin.refresh_emails();
    tenant.insert_user(admin).unwrap();
    tenant.service_accounts.push(ServiceAccount {
        client_email: "service-account@example.com".into(),
        client_id: "1234".into(),
        keys: vec![ServiceAccountKey {
            key_id: "1".into(),
            public_key_pem: include_str!("data/google-auth-privatekey.pub").into(),
            private_key_pem: None,
        }],
        ..ServiceAccount::default()
    });
    tenant.delegations.insert(
        "1234".into(),
        SYNC_SCOPES.iter().map(|s| s.to_string()).collect(),
    );
    tenant
}

#[test]
fn google_auth_assertion_is_accepted() {
    let emulator = Emulator::start(Options {
        tenant: TenantSpec::Loaded(tenant()),
        clock_offset_secs: ISSUED_AT + 30 - now(),
        ..Options::default()
    })
    .unwrap();
    let assertion = include_str!("data/google-auth-assertion.jwt").trim();
    let (status, body) = grant(&emulator, assertion);
    assert_eq!(status, 200, "{body}");

    // An hour and more later the same assertion is stale.
    emulator.set_clock_offset(ISSUED_AT + 3600 + 600 - now());
    let (status, body) = grant(&emulator, assertion);
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
}
