//! Any bytes as a page of a users listing: decoded or refused, then mapped to records and
//! planned against a few host users, never a panic.
#![no_main]

use google_ds::config::LoginName;
use google_ds::google::directory::decode_users_page;
use google_ds::sync::plan::{compute, HostUser, PlanOptions};
use google_ds::sync::record::UserRecord;
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let Ok((users, _next, _hollow)) = decode_users_page(data) else { return };
    let records: Vec<Arc<UserRecord>> = users
        .into_iter()
        .enumerate()
        .map(|(i, u)| {
            let login = if i % 2 == 0 { LoginName::Email } else { LoginName::LocalPart };
            Arc::new(UserRecord::from_api(u, login))
        })
        .collect();
    for record in &records {
        let _ = record.fingerprint();
        let _ = record.in_org_unit("/Sales");
    }
    let hosts: Vec<HostUser> = records
        .iter()
        .take(3)
        .map(|r| HostUser { login: r.login().to_uppercase(), managed: true, ..HostUser::default() })
        .chain(std::iter::once(HostUser {
            login: "someone@example.com".into(),
            google_id: Some("1".into()),
            managed: true,
            ..HostUser::default()
        }))
        .collect();
    let options = PlanOptions {
        delete_removed_users: true,
        listing_complete: true,
        max_deletions: Some(1),
        ..PlanOptions::default()
    };
    let plan = compute(&records, &hosts, &options);
    assert!(plan.changes.len() <= records.len() + hosts.len());
});
