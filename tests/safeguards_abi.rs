//! The safeguards against wrong deletions, through the C ABI against the emulator.

mod common;

use common::*;
use host_example::library::{HostUser, RunFlags};
use serde_json::json;

fn removed_users(env: &Env, host: &Recorder, n: usize) -> Vec<String> {
    let gone: Vec<String> = host
        .ordinary(env)
        .iter()
        .take(n)
        .map(|c| c.login.clone())
        .collect();
    env.emulator.with_tenant(|t| {
        for login in &gone {
            t.remove_user(login).unwrap();
        }
    });
    gone
}

#[test]
fn deletion_limit_holds_deletions_back_until_forced() {
    let env = Env::new(41, 200, 5);
    let config =
        env.config_with(json!({"safeguards": {"max_deletions": 50, "max_deletion_percent": 10}}));
    let mut host = Recorder::default();
    assert_eq!(sync(&config, &mut host).status, 0);
    let managed = host.store.managed_count();
    let gone = removed_users(&env, &host, managed / 5);

    let outcome = sync(&config, &mut host);
    assert_eq!(outcome.status_name, "DS_STATUS_PARTIAL");
    assert!(outcome
        .error
        .as_deref()
        .unwrap()
        .contains("max_deletion_percent"));
    let held = report(&outcome);
    assert_eq!(count(held, "delete"), 0);
    assert_eq!(count(held, "kept"), gone.len() as u64);
    assert!(held["deletions_held_back"]
        .as_str()
        .unwrap()
        .contains(&gone.len().to_string()));
    assert!(gone
        .iter()
        .all(|login| host.store.users.contains_key(login)));

    // The dry run shows the same plan, and says so without failing.
    let test = dry_run(&config, &mut host);
    assert_eq!(test.status, 0);
    assert_eq!(count(report(&test), "delete"), 0);

    let connector = lib().configure(&config).unwrap();
    let users = host.host_users();
    let forced = connector.run_with(
        true,
        &users,
        RunFlags {
            force_deletions: true,
        },
        &mut host,
    );
    assert_eq!(forced.status, 0, "{:?}", forced.error);
    assert_eq!(count(report(&forced), "delete"), gone.len() as u64);
    assert!(gone
        .iter()
        .all(|login| !host.store.users.contains_key(login)));
}

#[test]
fn state_file_counts_missing_syncs_before_deleting() {
    let env = Env::new(42, 60, 3);
    let state = env.dir.path().join("state.json");
    let config = env.config_with(json!({"safeguards": {
        "delete_after_missing_syncs": 3, "state_file": state.to_str().unwrap()}}));
    let mut host = Recorder::default();
    assert_eq!(sync(&config, &mut host).status, 0);
    let gone = removed_users(&env, &host, 1).remove(0);

    for round in 1..=2u64 {
        let outcome = sync(&config, &mut host);
        assert_eq!(outcome.status, 0, "{:?}", outcome.error);
        let report = report(&outcome);
        assert_eq!(count(report, "delete"), 0, "round {round}");
        assert_eq!(report["kept"][0]["missing_syncs"], round);
        let saved: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
        assert_eq!(saved["missing_syncs"].as_object().unwrap().len(), 1);
    }
    // A dry run does not count.
    let test = dry_run(&config, &mut host);
    assert_eq!(count(report(&test), "delete"), 1);
    let outcome = sync(&config, &mut host);
    assert_eq!(
        planned(report(&outcome)),
        vec![("delete".to_string(), gone.clone())]
    );
    assert!(!host.store.users.contains_key(&gone));
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert!(saved["missing_syncs"].as_object().unwrap().is_empty());
}

#[test]
fn host_kept_missing_count_decides_the_deletion() {
    let env = Env::new(43, 30, 3);
    let config = env.config_with(json!({"safeguards": {"delete_after_missing_syncs": 2}}));
    let connector = lib().configure(&config).unwrap();
    let gone = HostUser {
        login: "left.company@example.com".into(),
        google_id: Some("100000000000000000001".into()),
        managed: true,
        missing_syncs: 0,
        ..HostUser::default()
    };
    let mut host = Recorder::default();
    let outcome = connector.test(std::slice::from_ref(&gone), &mut host);
    assert_eq!(count(report(&outcome), "delete"), 0);
    assert_eq!(report(&outcome)["kept"][0]["missing_syncs"], 1);

    let gone = HostUser {
        missing_syncs: 1,
        ..gone
    };
    let outcome = connector.test(&[gone], &mut host);
    let deletes: Vec<_> = planned(report(&outcome))
        .into_iter()
        .filter(|c| c.0 == "delete")
        .collect();
    assert_eq!(
        deletes,
        vec![("delete".to_string(), "left.company@example.com".to_string())]
    );
}

#[test]
fn damaged_state_file_stops_the_run_with_its_path() {
    let env = Env::new(44, 10, 2);
    let state = env.dir.path().join("state.json");
    std::fs::write(&state, "{not json").unwrap();
    let config = env.config_with(json!({"safeguards": {"state_file": state.to_str().unwrap()}}));
    let mut host = Recorder::default();
    let outcome = sync(&config, &mut host);
    assert_eq!(outcome.status_name, "DS_STATUS_CONFIG_ERROR");
    assert!(outcome.error.as_deref().unwrap().contains("state.json"));
    assert!(host.applied.is_empty());
}
