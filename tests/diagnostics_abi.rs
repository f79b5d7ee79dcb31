//! The dry run's diagnostics: each setup mistake of Google's error tables, made for real in
//! the emulator, must come back as a message that says what to fix and where.

mod common;

use common::*;
use google_emulator::{AccountState, Endpoint, FaultConfig, FaultKind, FaultRule};
use serde_json::{json, Value};

const USERS: &str = "https://www.googleapis.com/auth/admin.directory.user.readonly";
const GROUPS: &str = "https://www.googleapis.com/auth/admin.directory.group.readonly";
const MEMBERS: &str = "https://www.googleapis.com/auth/admin.directory.group.member.readonly";

/// Runs a dry run and returns (status name, last error, report).
fn test_run(config: &str) -> (String, String, Value) {
    let mut host = Recorder::default();
    let outcome = dry_run(config, &mut host);
    let report = outcome
        .report
        .clone()
        .expect("a dry run that reached Google writes a report");
    (
        outcome.status_name,
        outcome.error.unwrap_or_default(),
        report,
    )
}

fn check<'a>(report: &'a Value, name_part: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str().unwrap().contains(name_part))
        .unwrap_or_else(|| panic!("no check named {name_part}: {}", report["checks"]))
}

fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "message lacks {part:?}:\n{message}");
    }
}

#[test]
fn healthy_setup_passes_every_check() {
    let env = Env::new(51, 40, 4);
    let group = env.tenant().groups[0].email.clone();
    let (status, _, report) = test_run(&env.config_with(json!({"scope": {"groups": [group]}})));
    assert_eq!(status, "DS_STATUS_OK");
    let checks = report["checks"].as_array().unwrap();
    assert!(checks.iter().all(|c| c["ok"] == true), "{checks:?}");
    for part in [
        USERS,
        GROUPS,
        MEMBERS,
        "reading the users",
        "scope.groups",
        "clock",
    ] {
        check(&report, part);
    }
}

#[test]
fn missing_delegation_names_client_id_missing_scopes_and_console_page() {
    let env = Env::new(52, 20, 2);
    let client_id = env.emulator.client_id();
    env.emulator.set_delegation(&client_id, &[]);
    let (status, error, report) = test_run(&env.config.to_string());
    assert_eq!(status, "DS_STATUS_AUTHORIZATION_ERROR");
    assert_mentions(
        &error,
        &[
            &client_id,
            USERS,
            "Manage Domain Wide Delegation",
            "admin.google.com",
        ],
    );
    assert_mentions(&error, &["Client is unauthorized"]);
    let users = check(&report, USERS);
    assert_eq!(users["ok"], false);
}

#[test]
fn partial_delegation_lists_only_the_missing_scope() {
    let env = Env::new(53, 20, 4);
    let client_id = env.emulator.client_id();
    // Groups are delegated, members are not: a group filter needs both.
    env.emulator.set_delegation(&client_id, &[USERS, GROUPS]);
    let group = env.tenant().groups[0].email.clone();
    let (status, error, report) = test_run(&env.config_with(json!({"scope": {"groups": [group]}})));
    assert_eq!(status, "DS_STATUS_AUTHORIZATION_ERROR");
    assert_mentions(&error, &[&format!("lacks {MEMBERS}"), &client_id]);
    assert!(!error.contains(&format!("lacks {USERS}")));
    assert_eq!(check(&report, USERS)["ok"], true);
    assert_eq!(check(&report, MEMBERS)["ok"], false);
    // Without a group filter the member scope is not needed: the run goes ahead.
    let (status, _, report) = test_run(&env.config.to_string());
    assert_eq!(status, "DS_STATUS_OK");
    assert!(check(&report, MEMBERS)["message"]
        .as_str()
        .unwrap()
        .contains("not for this configuration"));
}

#[test]
fn delegation_of_other_scopes_only_is_explained() {
    let env = Env::new(54, 20, 2);
    let client_id = env.emulator.client_id();
    env.emulator.set_delegation(
        &client_id,
        &["https://www.googleapis.com/auth/admin.directory.domain.readonly"],
    );
    let (status, error, _) = test_run(&env.config.to_string());
    assert_eq!(status, "DS_STATUS_AUTHORIZATION_ERROR");
    assert_mentions(
        &error,
        &["Unauthorized client or scope in request", &client_id, USERS],
    );
}

#[test]
fn unknown_admin_user_is_named() {
    let env = Env::new(55, 20, 2);
    let config = env.config_with(json!({"admin_user": "nobody@example.com"}));
    let (status, error, report) = test_run(&config);
    assert_eq!(status, "DS_STATUS_AUTHORIZATION_ERROR");
    assert_mentions(
        &error,
        &[
            "Invalid email or User ID",
            "nobody@example.com",
            "admin_user",
        ],
    );
    assert_eq!(check(&report, "access token")["ok"], false);
}

#[test]
fn wrong_clock_is_reported() {
    let env = Env::new(56, 20, 2);
    env.emulator.set_clock_offset(-7200);
    let (status, error, _) = test_run(&env.config.to_string());
    assert_eq!(status, "DS_STATUS_AUTHORIZATION_ERROR");
    assert_mentions(&error, &["short-lived", "clock", "NTP"]);
}

#[test]
fn revoked_key_is_explained() {
    let env = Env::new(57, 20, 2);
    env.emulator.with_tenant(|t| {
        let account = &mut t.service_accounts[0];
        let key_id = account.keys[0].key_id.clone();
        account.revoked_key_ids.push(key_id);
    });
    let (status, error, _) = test_run(&env.config.to_string());
    assert_eq!(status, "DS_STATUS_AUTHORIZATION_ERROR");
    assert_mentions(&error, &["Invalid JWT Signature", "new JSON key", "Keys"]);
}

#[test]
fn deleted_service_account_is_explained() {
    let env = Env::new(58, 20, 2);
    env.emulator.with_tenant(|t| t.service_accounts.clear());
    let (status, error, _) = test_run(&env.config.to_string());
    assert_eq!(status, "DS_STATUS_AUTHORIZATION_ERROR");
    assert_mentions(
        &error,
        &[
            "account not found",
            "deleted or disabled",
            "IAM > Service accounts",
        ],
    );
}

#[test]
fn disabled_and_deleted_clients_are_explained() {
    for (state, google_says, advice) in [
        (
            AccountState::Disabled,
            "disabled_client",
            "Enable the service account",
        ),
        (
            AccountState::Deleted,
            "deleted_client",
            "Create a new service account",
        ),
    ] {
        let env = Env::new(59, 20, 2);
        env.emulator
            .with_tenant(|t| t.service_accounts[0].state = state);
        let (status, error, _) = test_run(&env.config.to_string());
        assert_eq!(status, "DS_STATUS_AUTHORIZATION_ERROR");
        assert_mentions(&error, &[google_says, advice]);
    }
}

#[test]
fn disabled_admin_sdk_api_points_at_the_console() {
    let env = Env::new(60, 20, 2);
    env.emulator.set_api_enabled(false);
    let (status, error, report) = test_run(&env.config.to_string());
    assert_eq!(status, "DS_STATUS_AUTHORIZATION_ERROR");
    assert_mentions(
        &error,
        &[
            "accessNotConfigured",
            "Admin SDK API",
            "apis/library/admin.googleapis.com",
        ],
    );
    assert_eq!(check(&report, "reading the users")["ok"], false);
}

#[test]
fn admin_user_without_admin_rights_is_explained() {
    let env = Env::new(61, 20, 2);
    let plain = env
        .tenant()
        .users
        .iter()
        .find(|u| !u.is_admin && !u.suspended)
        .unwrap()
        .primary_email
        .clone();
    let (status, error, _) = test_run(&env.config_with(json!({"admin_user": plain})));
    assert_eq!(status, "DS_STATUS_AUTHORIZATION_ERROR");
    assert_mentions(
        &error,
        &["forbidden", "Not Authorized", &plain, "Admin roles"],
    );
}

#[test]
fn malformed_customer_id_points_at_the_field() {
    let env = Env::new(62, 20, 2);
    let (status, error, _) =
        test_run(&env.config_with(json!({"scope": {"customer": "C!!not-an-id"}})));
    assert_eq!(status, "DS_STATUS_CONFIG_ERROR");
    assert_mentions(&error, &["400", "scope.customer"]);
}

#[test]
fn missing_group_is_named_in_test_and_in_sync() {
    let env = Env::new(63, 20, 2);
    let config = env.config_with(json!({"scope": {"groups": ["ghosts@example.com"]}}));
    let (status, error, report) = test_run(&config);
    assert_eq!(status, "DS_STATUS_CONFIG_ERROR");
    assert_mentions(
        &error,
        &["scope.groups", "ghosts@example.com", "does not exist"],
    );
    assert_eq!(check(&report, "ghosts@example.com")["ok"], false);
    // The sync says the same.
    let mut host = Recorder::default();
    let outcome = sync(&config, &mut host);
    assert_eq!(outcome.error.unwrap(), error);
}

#[test]
fn rate_limits_and_outages_after_all_retries_say_so() {
    for (kind, google_says) in [
        (FaultKind::UserRateLimit403, "userRateLimitExceeded"),
        (FaultKind::QuotaExceeded403, "quotaExceeded"),
        (FaultKind::Status429, "rateLimitExceeded"),
        (FaultKind::BackendError503, "backendError"),
    ] {
        let env = Env::new(64, 20, 2);
        env.emulator.set_faults(FaultConfig {
            seed: 1,
            rules: vec![FaultRule {
                endpoint: Endpoint::UsersList,
                kind,
                probability: 1.0,
                skip: 0,
                count: None,
            }],
        });
        let config = env.config_with(json!({"http": {"max_retries": 2}}));
        let mut host = Recorder::default();
        let outcome = sync(&config, &mut host);
        assert_eq!(outcome.status_name, "DS_STATUS_GOOGLE_ERROR");
        let error = outcome.error.clone().unwrap();
        assert_mentions(&error, &[google_says, "retries", "Try again later"]);
        assert_eq!(report(&outcome)["requests"]["retries"], 2);
    }
}

#[test]
fn clock_drift_below_googles_tolerance_is_a_warning() {
    let env = Env::new(65, 20, 2);
    env.emulator.set_clock_offset(90);
    let (status, _, report) = test_run(&env.config.to_string());
    assert_eq!(status, "DS_STATUS_OK");
    let clock = check(&report, "clock");
    assert_eq!(clock["ok"], false);
    assert_mentions(
        clock["message"].as_str().unwrap(),
        &["behind Google's", "NTP"],
    );
}

#[test]
fn a_misspelt_org_unit_is_named() {
    let env = Env::new(66, 40, 2);
    let (status, _, report) =
        test_run(&env.config_with(json!({"scope": {"org_units": ["/Slaes"]}})));
    assert_eq!(status, "DS_STATUS_OK");
    let check = check(&report, "/Slaes");
    assert_eq!(check["ok"], false);
    assert_mentions(
        check["message"].as_str().unwrap(),
        &["scope.org_units[0]", "none of the listed users"],
    );
}
