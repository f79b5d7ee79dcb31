//! Syncs through the C ABI of the built library against the emulator.

mod common;

use common::*;
use google_emulator::{Endpoint, FaultConfig, FaultKind, FaultRule};
use host_example::store::{StoredUser, UserStore};
use serde_json::json;

#[test]
fn full_sync_creates_every_active_user() {
    let env = Env::new(11, 700, 20);
    let mut host = Recorder::default();
    let outcome = sync(&env.config.to_string(), &mut host);
    assert_eq!(outcome.status, 0, "{:?}", outcome.error);
    let report = report(&outcome);
    let expected = expected_logins(&env.tenant(), &[]);
    assert_eq!(host.logins(), expected);
    assert_eq!(count(report, "create"), expected.len() as u64);
    assert_eq!(count(report, "applied"), expected.len() as u64);
    assert_eq!(count(report, "listed"), 700);
    assert!(report["complete"].as_bool().unwrap());
    // Every created user carries its Google id, addresses and the default privileges.
    let created = &host.applied[0];
    assert!(!created.google_id.is_empty());
    assert_eq!(created.emails[0], created.primary_email.clone().unwrap());
    assert_eq!(created.privileges, vec!["archive:read-own".to_string()]);
    assert!(host.progress_calls > 0);
}

#[test]
fn dry_run_commits_nothing_and_plans_what_sync_delivers() {
    let env = Env::new(12, 300, 10);
    let config = env.config.to_string();
    let mut dry = Recorder::default();
    let test = dry_run(&config, &mut dry);
    assert_eq!(test.status, 0, "{:?}", test.error);
    assert_eq!(dry.attempted, 0, "a dry run must not call apply_change");
    let planned_changes = planned(report(&test));
    assert!(report(&test)["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["outcome"] == "planned"));

    let mut host = Recorder::default();
    let synced = sync(&config, &mut host);
    assert_eq!(planned(report(&synced)), planned_changes);
    let delivered: Vec<(String, String)> = host
        .applied
        .iter()
        .map(|c| ("create".to_string(), c.login.clone()))
        .collect();
    assert_eq!(delivered, planned_changes);

    // Nothing changed in Google: the next dry run plans nothing.
    let again = dry_run(&config, &mut host);
    assert!(planned(report(&again)).is_empty());
    assert_eq!(
        count(report(&again), "unchanged"),
        planned_changes.len() as u64
    );
}

#[test]
fn group_filter_takes_nested_members() {
    let env = Env::new(13, 800, 40);
    let tenant = env.tenant();
    // The group with the most nested groups below it.
    let group = tenant
        .groups
        .iter()
        .max_by_key(|g| {
            g.members
                .iter()
                .filter(|m| m.member_type == google_emulator::MemberType::Group)
                .count()
        })
        .unwrap();
    let nested = group
        .members
        .iter()
        .filter(|m| m.member_type == google_emulator::MemberType::Group)
        .count();
    assert!(nested > 0, "the generated tenant has nested groups");
    let expected = expected_logins(&tenant, &[&group.email]);
    assert!(!expected.is_empty() && expected.len() < 800);

    let config = env.config_with(json!({"scope": {"groups": [group.email]}}));
    let mut host = Recorder::default();
    let outcome = sync(&config, &mut host);
    assert_eq!(outcome.status, 0, "{:?}", outcome.error);
    assert_eq!(host.logins(), expected);
}

#[test]
fn unknown_group_in_the_filter_is_named_and_deletes_nothing() {
    let env = Env::new(14, 50, 5);
    let mut store = UserStore::default();
    store.users.insert(
        "kept@example.com".into(),
        StoredUser {
            managed: true,
            ..StoredUser::default()
        },
    );
    let config = env.config_with(json!({"scope": {"groups": ["no-such-group@example.com"]}}));
    let mut host = Recorder::with_store(store);
    let outcome = sync(&config, &mut host);
    assert_ne!(outcome.status, 0);
    let error = outcome.error.clone().unwrap();
    assert!(error.contains("no-such-group@example.com"), "{error}");
    assert!(host.store.users.contains_key("kept@example.com"));
    assert_eq!(count(report(&outcome), "delete"), 0);
}

#[test]
fn rename_in_google_is_an_update_not_delete_and_create() {
    let env = Env::new(15, 120, 5);
    let config = env.config.to_string();
    let mut host = Recorder::default();
    assert_eq!(sync(&config, &mut host).status, 0);
    let victim = host.ordinary(&env)[3].clone();
    let new_email = format!("renamed.{}", victim.login);
    env.emulator
        .with_tenant(|t| t.rename_user(&victim.login, &new_email).unwrap());

    host.applied.clear();
    let outcome = sync(&config, &mut host);
    assert_eq!(outcome.status, 0, "{:?}", outcome.error);
    assert_eq!(
        planned(report(&outcome)),
        vec![("update".to_string(), new_email.clone())]
    );
    let update = &host.applied[0];
    assert_eq!(
        update.previous_login.as_deref(),
        Some(victim.login.as_str())
    );
    assert_eq!(update.google_id, victim.google_id);
    assert!(
        update.emails.contains(&victim.login),
        "the old address stays as an alias"
    );
    assert_eq!(
        host.store.users[&new_email].google_id.as_deref(),
        Some(victim.google_id.as_str())
    );
}

#[test]
fn removed_user_is_deleted_only_when_configured() {
    let env = Env::new(16, 100, 5);
    let mut host = Recorder::default();
    assert_eq!(
        sync(
            &env.config_with(json!({"delete_removed_users": false})),
            &mut host
        )
        .status,
        0
    );
    let gone = host.ordinary(&env)[0].login.clone();
    env.emulator.with_tenant(|t| t.remove_user(&gone).unwrap());

    let outcome = sync(
        &env.config_with(json!({"delete_removed_users": false})),
        &mut host,
    );
    assert_eq!(outcome.status, 0);
    assert!(host.store.users.contains_key(&gone));
    assert_eq!(count(report(&outcome), "kept"), 1);
    assert_eq!(report(&outcome)["kept"][0]["login"], gone.as_str());

    let outcome = sync(
        &env.config_with(json!({"delete_removed_users": true})),
        &mut host,
    );
    assert_eq!(outcome.status, 0);
    assert!(!host.store.users.contains_key(&gone));
    assert_eq!(
        planned(report(&outcome)),
        vec![("delete".to_string(), gone)]
    );
}

#[test]
fn host_users_not_managed_by_the_directory_are_never_touched() {
    let env = Env::new(17, 60, 3);
    let tenant = env.tenant();
    let google_user = tenant
        .users
        .iter()
        .find(|u| !u.suspended && !u.archived)
        .unwrap();
    let mut store = UserStore::default();
    let local = StoredUser {
        managed: false,
        full_name: "Local".into(),
        ..StoredUser::default()
    };
    store.users.insert("local-admin".into(), local.clone());
    // A local account that happens to have a Google user's address.
    store.users.insert(google_user.primary_email.clone(), local);
    let mut host = Recorder::with_store(store);
    let outcome = sync(&env.config.to_string(), &mut host);
    assert_eq!(outcome.status, 0, "{:?}", outcome.error);
    assert!(host
        .applied
        .iter()
        .all(|c| c.login != "local-admin" && c.login != google_user.primary_email));
    assert!(!host.store.users["local-admin"].managed);
    assert!(!host.store.users[&google_user.primary_email].managed);
    let conflicts = report(&outcome)["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1);
    assert!(conflicts[0]["reason"]
        .as_str()
        .unwrap()
        .contains("not managed"));
}

#[test]
fn failed_change_is_recorded_and_the_sync_goes_on() {
    let env = Env::new(18, 80, 3);
    let expected = expected_logins(&env.tenant(), &[]);
    let unlucky = expected.iter().nth(5).unwrap().clone();
    let mut host = Recorder::default();
    host.fail_logins.insert(unlucky.clone());
    let outcome = sync(&env.config.to_string(), &mut host);
    assert_eq!(outcome.status_name, "DS_STATUS_PARTIAL");
    let report = report(&outcome);
    assert_eq!(count(report, "failed"), 1);
    assert_eq!(count(report, "applied"), expected.len() as u64 - 1);
    let failed = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["outcome"] == "failed")
        .unwrap();
    assert_eq!(failed["login"], unlucky.as_str());
    assert!(failed["error"].as_str().unwrap().contains("disk full"));
    assert!(outcome.error.as_deref().unwrap().contains("1 of"));
}

#[test]
fn host_can_stop_the_sync_cleanly() {
    let env = Env::new(19, 80, 3);
    let mut host = Recorder {
        stop_at: Some(10),
        ..Recorder::default()
    };
    let outcome = sync(&env.config.to_string(), &mut host);
    assert_eq!(outcome.status_name, "DS_STATUS_STOPPED_BY_HOST");
    let report = report(&outcome);
    assert_eq!(count(report, "applied"), 9);
    assert_eq!(host.applied.len(), 9);
    assert_eq!(count(report, "not_delivered"), count(report, "create") - 9);
}

#[test]
fn host_can_cancel_between_changes() {
    let env = Env::new(20, 80, 3);
    let mut host = Recorder {
        cancel_after: Some(5),
        ..Recorder::default()
    };
    let outcome = sync(&env.config.to_string(), &mut host);
    assert_eq!(outcome.status_name, "DS_STATUS_CANCELLED");
    assert_eq!(count(report(&outcome), "applied"), 5);
}

#[test]
fn error_in_the_middle_of_a_listing_deletes_nothing() {
    let env = Env::new(21, 1600, 5);
    let config = env.config_with(json!({"http": {"max_retries": 2}}));
    let mut host = Recorder::default();
    assert_eq!(sync(&config, &mut host).status, 0);
    let before = host.logins();

    // The third page of users fails for good: 503 on every try.
    env.emulator.set_faults(FaultConfig {
        seed: 1,
        rules: vec![FaultRule {
            endpoint: Endpoint::UsersList,
            kind: FaultKind::BackendError503,
            probability: 1.0,
            skip: 2,
            count: None,
        }],
    });
    let outcome = sync(&config, &mut host);
    assert_eq!(
        outcome.status_name, "DS_STATUS_GOOGLE_ERROR",
        "{:?}",
        outcome.error
    );
    let report = report(&outcome);
    assert!(!report["complete"].as_bool().unwrap());
    assert_eq!(count(report, "delete"), 0);
    assert_eq!(host.logins(), before, "no user was deleted");
    let listing = &report["listings"][0];
    assert_eq!(listing["complete"], false);
    assert!(
        listing["error"].as_str().unwrap().contains("503"),
        "{listing}"
    );
    assert!(count(report, "kept") > 0);
}

#[test]
fn suspended_and_archived_users_follow_the_configuration() {
    let env = Env::new(22, 400, 5);
    let tenant = env.tenant();
    let suspended = tenant
        .users
        .iter()
        .filter(|u| u.suspended && !u.archived)
        .count();
    assert!(suspended > 0, "the generated tenant has suspended users");

    let mut without = Recorder::default();
    assert_eq!(sync(&env.config.to_string(), &mut without).status, 0);
    assert!(without.applied.iter().all(|c| !c.suspended));

    let config = env.config_with(json!({"scope": {"include_suspended": true}}));
    let mut with = Recorder::default();
    assert_eq!(sync(&config, &mut with).status, 0);
    assert_eq!(
        with.applied.iter().filter(|c| c.suspended).count(),
        suspended
    );
    assert_eq!(with.applied.len(), without.applied.len() + suspended);
}

#[test]
fn login_can_be_the_local_part() {
    let env = Env::new(23, 50, 3);
    let config = env.config_with(json!({"login_name": "local_part"}));
    let mut host = Recorder::default();
    assert_eq!(sync(&config, &mut host).status, 0);
    for change in &host.applied {
        let email = change.primary_email.as_deref().unwrap();
        assert_eq!(
            format!("{}@{}", change.login, email.split('@').nth(1).unwrap()),
            email
        );
    }
}

#[test]
fn domains_scope_lists_each_domain() {
    let env = Env::with_options(google_emulator::Options {
        tenant: google_emulator::TenantSpec::Generated {
            seed: 24,
            users: 300,
            groups: 5,
            domains: 3,
        },
        ..google_emulator::Options::default()
    });
    let domains = env.emulator.domains();
    assert_eq!(domains.len(), 3);
    let config =
        env.config_with(json!({"scope": {"customer": null, "domains": [domains[0], domains[2]]}}));
    let mut host = Recorder::default();
    let outcome = sync(&config, &mut host);
    assert_eq!(outcome.status, 0, "{:?}", outcome.error);
    let expected: std::collections::BTreeSet<String> = expected_logins(&env.tenant(), &[])
        .into_iter()
        .filter(|l| {
            l.ends_with(&format!("@{}", domains[0])) || l.ends_with(&format!("@{}", domains[2]))
        })
        .collect();
    assert_eq!(host.logins(), expected);
    assert_eq!(report(&outcome)["listings"].as_array().unwrap().len(), 2);
}

#[test]
fn host_can_list_the_groups_to_choose_from() {
    let env = Env::new(25, 100, 12);
    let connector = lib().configure(&env.config.to_string()).unwrap();
    let groups = connector.list_groups().unwrap();
    let groups = groups.as_array().unwrap();
    assert_eq!(groups.len(), 12);
    let tenant = env.tenant();
    for group in groups {
        let email = group["email"].as_str().unwrap();
        let original = tenant.groups.iter().find(|g| g.email == email).unwrap();
        assert_eq!(group["name"], original.name.as_str());
        assert_eq!(
            group["directMembersCount"].as_u64().unwrap(),
            original.members.len() as u64
        );
    }
}
