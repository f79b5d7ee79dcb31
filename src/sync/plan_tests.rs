use std::sync::Arc;

use super::plan::*;
use super::record::{test_record, UserRecord};
use crate::config::LoginName;

fn record(id: &str, email: &str) -> Arc<UserRecord> {
    Arc::new(test_record(id, email, &[], LoginName::Email))
}

fn with_alias(id: &str, email: &str, alias: &str) -> Arc<UserRecord> {
    Arc::new(test_record(id, email, &[alias], LoginName::Email))
}

fn local_part(id: &str, email: &str) -> Arc<UserRecord> {
    Arc::new(test_record(id, email, &[], LoginName::LocalPart))
}

fn synced(r: &UserRecord) -> HostUser {
    HostUser {
        login: r.login().to_string(),
        google_id: Some(r.google_id.clone()),
        managed: true,
        full_name: Some(r.full_name.clone()),
        primary_email: Some(r.primary_email.clone()),
        fingerprint: Some(r.fingerprint().to_string()),
        missing_syncs: 0,
    }
}

fn managed(login: &str) -> HostUser {
    HostUser {
        login: login.into(),
        managed: true,
        ..HostUser::default()
    }
}

fn options(delete: bool) -> PlanOptions {
    PlanOptions {
        delete_removed_users: delete,
        listing_complete: true,
        default_privileges: vec!["read".into()],
        ..PlanOptions::default()
    }
}

#[test]
fn new_users_are_created_with_default_privileges() {
    let plan = compute(&[record("1", "a@x.com")], &[], &options(true));
    assert_eq!(plan.changes.len(), 1);
    let c = &plan.changes[0];
    assert_eq!(c.kind, ChangeKind::Create);
    assert_eq!(&c.privileges[..], &["read".to_string()]);
    assert!(c.fingerprint.is_some());
}

#[test]
fn user_with_same_fingerprint_is_unchanged() {
    let r = record("1", "a@x.com");
    let plan = compute(std::slice::from_ref(&r), &[synced(&r)], &options(true));
    assert!(plan.changes.is_empty());
    assert_eq!(plan.unchanged, 1);
}

#[test]
fn rename_in_google_is_an_update_with_previous_login() {
    let old = record("1", "a@x.com");
    let host = synced(&old);
    // test_record names users after their id: the rename changes only the address.
    let renamed = record("1", "b@x.com");
    let plan = compute(&[renamed], &[host], &options(true));
    assert_eq!(plan.changes.len(), 1, "{:?}", plan.changes);
    let c = &plan.changes[0];
    assert_eq!(c.kind, ChangeKind::Update);
    assert_eq!(c.login(), "b@x.com");
    assert_eq!(c.previous_login.as_deref(), Some("a@x.com"));
    assert!(c.changed.contains(&"login"));
    assert_eq!(plan.count(ChangeKind::Delete), 0);
}

#[test]
fn host_user_without_id_is_matched_by_alias() {
    let r = with_alias("1", "ann.lee@x.com", "ann@x.com");
    let plan = compute(&[r], &[managed("ann@x.com")], &options(true));
    assert_eq!(plan.changes.len(), 1);
    let c = &plan.changes[0];
    assert_eq!(c.kind, ChangeKind::Update);
    assert_eq!(c.previous_login.as_deref(), Some("ann@x.com"));
    assert!(c.changed.contains(&"google_id"));
}

#[test]
fn host_user_with_another_google_id_is_a_different_person() {
    let newcomer = record("2", "a@x.com");
    let mut leaver = managed("a@x.com");
    leaver.google_id = Some("1".into());
    let plan = compute(&[newcomer], &[leaver.clone()], &options(true));
    // The old entry goes, then the new person gets the login.
    let kinds: Vec<_> = plan.changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, vec![ChangeKind::Delete, ChangeKind::Create]);

    // Without deletions, the login stays taken and the newcomer is a conflict.
    let plan = compute(&[record("2", "a@x.com")], &[leaver], &options(false));
    assert!(plan.changes.is_empty());
    assert_eq!(plan.conflicts.len(), 1);
    assert_eq!(plan.kept.len(), 1);
}

#[test]
fn unmanaged_host_users_are_never_touched() {
    let mut local = managed("a@x.com");
    local.managed = false;
    let mut other = managed("local-admin");
    other.managed = false;
    let plan = compute(&[record("1", "a@x.com")], &[local, other], &options(true));
    assert!(plan.changes.is_empty());
    assert_eq!(plan.conflicts.len(), 1);
    assert!(plan.kept.is_empty());
}

#[test]
fn removed_users_are_deleted_only_when_asked() {
    let gone = managed("gone@x.com");
    let plan = compute(&[], std::slice::from_ref(&gone), &options(true));
    assert_eq!(plan.count(ChangeKind::Delete), 1);
    let plan = compute(&[], std::slice::from_ref(&gone), &options(false));
    assert_eq!(plan.count(ChangeKind::Delete), 0);
    assert_eq!(plan.kept.len(), 1);
}

#[test]
fn incomplete_listing_deletes_nothing() {
    let mut opts = options(true);
    opts.listing_complete = false;
    let plan = compute(&[record("1", "a@x.com")], &[managed("gone@x.com")], &opts);
    assert_eq!(plan.count(ChangeKind::Delete), 0);
    assert_eq!(plan.count(ChangeKind::Create), 1);
    assert!(plan.kept[0].reason.contains("did not complete"));
}

#[test]
fn shared_login_is_a_conflict_for_all_new_owners() {
    let a = local_part("1", "ann@a.com");
    let b = local_part("2", "ann@b.com");
    let mut opts = options(true);
    opts.logins_from_local_part = true;
    let plan = compute(&[a, b], &[], &opts);
    assert!(plan.changes.is_empty());
    assert_eq!(plan.conflicts.len(), 2);
}

#[test]
fn rename_onto_a_taken_login_is_a_conflict() {
    let a = record("1", "a@x.com");
    let b = record("2", "b@x.com");
    let hosts = vec![synced(&a), synced(&b)];
    let a_renamed = record("1", "b@x.com");
    let b_renamed = record("2", "c@x.com");
    // b moves away first in Google, a takes b's old address: a is refused this run because the
    // host still has b under that login when a's change would be applied.
    let plan = compute(&[a_renamed, b_renamed], &hosts, &options(true));
    assert_eq!(plan.conflicts.len(), 1);
    assert_eq!(plan.count(ChangeKind::Update), 1);
}

#[test]
fn same_input_gives_same_plan() {
    let records: Vec<_> = (0..50)
        .map(|i| record(&i.to_string(), &format!("u{i}@x.com")))
        .collect();
    let hosts: Vec<_> = (25..75).map(|i| managed(&format!("u{i}@x.com"))).collect();
    let a = compute(&records, &hosts, &options(true));
    let b = compute(&records, &hosts, &options(true));
    assert_eq!(a.changes, b.changes);
    assert_eq!(a.count(ChangeKind::Create), 25);
    assert_eq!(a.count(ChangeKind::Update), 25);
    assert_eq!(a.count(ChangeKind::Delete), 25);
}

#[test]
fn deletion_waits_for_the_configured_number_of_missing_syncs() {
    let mut opts = options(true);
    opts.delete_after_missing_syncs = 3;
    let mut gone = managed("gone@x.com");
    let plan = compute(&[], std::slice::from_ref(&gone), &opts);
    assert_eq!(plan.count(ChangeKind::Delete), 0);
    assert_eq!(plan.kept[0].missing_syncs, Some(1));
    gone.missing_syncs = 2;
    let plan = compute(&[], std::slice::from_ref(&gone), &opts);
    assert_eq!(plan.count(ChangeKind::Delete), 1);
}

#[test]
fn deletion_limit_holds_every_deletion_back_unless_forced() {
    let hosts: Vec<HostUser> = (0..100).map(|i| managed(&format!("u{i}@x.com"))).collect();
    let records: Vec<Arc<UserRecord>> = (0..80)
        .map(|i| record(&i.to_string(), &format!("u{i}@x.com")))
        .collect();
    let mut opts = options(true);
    opts.max_deletions = Some(50);
    opts.max_deletion_percent = Some(10.0);
    // 20 of 100 managed users missing: over 10 %.
    let plan = compute(&records, &hosts, &opts);
    assert_eq!(plan.count(ChangeKind::Delete), 0);
    assert_eq!(plan.kept.len(), 20);
    assert!(plan
        .deletions_held_back
        .as_deref()
        .unwrap()
        .contains("max_deletion_percent"));
    assert_eq!(
        plan.count(ChangeKind::Update),
        80,
        "updates are not held back"
    );

    opts.force_deletions = true;
    assert_eq!(
        compute(&records, &hosts, &opts).count(ChangeKind::Delete),
        20
    );

    opts.force_deletions = false;
    opts.max_deletion_percent = None;
    opts.max_deletions = Some(19);
    let plan = compute(&records, &hosts, &opts);
    assert!(plan
        .deletions_held_back
        .as_deref()
        .unwrap()
        .contains("max_deletions"));
    opts.max_deletions = Some(20);
    assert_eq!(
        compute(&records, &hosts, &opts).count(ChangeKind::Delete),
        20
    );
}

#[test]
fn share_limit_allows_one_deletion_in_a_small_tenant() {
    let hosts: Vec<HostUser> = (0..5).map(|i| managed(&format!("u{i}@x.com"))).collect();
    let records: Vec<Arc<UserRecord>> = (0..4)
        .map(|i| record(&i.to_string(), &format!("u{i}@x.com")))
        .collect();
    let mut opts = options(true);
    opts.max_deletion_percent = Some(10.0);
    assert_eq!(
        compute(&records, &hosts, &opts).count(ChangeKind::Delete),
        1
    );
}

#[test]
fn a_host_user_entered_twice_is_kept_not_deleted() {
    let r = record("1", "a@x.com");
    let mut twin = synced(&r);
    twin.login = "a.copy@x.com".into();
    let plan = compute(
        std::slice::from_ref(&r),
        &[synced(&r), twin],
        &options(true),
    );
    assert_eq!(plan.count(ChangeKind::Delete), 0);
    assert_eq!(plan.kept.len(), 1);
    assert!(
        plan.kept[0].reason.contains("twice"),
        "{}",
        plan.kept[0].reason
    );
}
