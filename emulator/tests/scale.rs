//! Release-mode checks that a 100,000-user tenant starts and pages quickly. Run with
//! `cargo test --release -p google-emulator --test scale -- --ignored --nocapture`.

mod common;

use std::time::Instant;

use common::*;
use google_emulator::{Emulator, Options, TenantSpec};

#[test]
#[ignore = "a release-mode timing check"]
fn a_hundred_thousand_users_page_quickly() {
    let started = Instant::now();
    let emulator = Emulator::start(Options {
        tenant: TenantSpec::Generated {
            seed: 1,
            users: 100_000,
            groups: 2_000,
            domains: 3,
        },
        ..Options::default()
    })
    .unwrap();
    println!("started in {:?}", started.elapsed());

    let token = admin_token(&emulator);
    let started = Instant::now();
    let (users, pages) = list_all(
        &emulator,
        &token,
        "users?customer=my_customer&maxResults=500",
        "users",
    );
    println!(
        "{} users in {pages} pages in {:?}",
        users.len(),
        started.elapsed()
    );
    assert_eq!(users.len(), 100_000);

    let started = Instant::now();
    let path =
        "users?customer=my_customer&maxResults=500&fields=users(id,primaryEmail),nextPageToken";
    let (users, _) = list_all(&emulator, &token, path, "users");
    println!("{} users, partial, in {:?}", users.len(), started.elapsed());
    assert!(started.elapsed().as_secs() < 30);
}
