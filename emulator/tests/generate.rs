//! Generated tenants: deterministic for a seed, with the shares and shapes the brief promises.

use std::collections::HashSet;
use std::time::Instant;

use google_emulator::{generate, MemberType};

#[test]
fn same_seed_same_directory() {
    let a = generate::directory(11, 500, 40, 3);
    let b = generate::directory(11, 500, 40, 3);
    assert_eq!(a, b);
    let c = generate::directory(12, 500, 40, 3);
    assert_ne!(a.users, c.users);
}

#[test]
fn shapes_and_shares() {
    let tenant = generate::directory(3, 5000, 200, 4);
    assert_eq!(
        tenant.domains,
        ["example.com", "example.org", "example.net", "example4.com"]
    );
    assert_eq!(tenant.users.len(), 5000);
    assert_eq!(tenant.groups.len(), 200);
    assert!(tenant.customer_id.starts_with('C'));

    let admin = &tenant.users[0];
    assert_eq!(admin.primary_email, "admin@example.com");
    assert!(admin.is_admin);

    let addresses: HashSet<String> = tenant
        .users
        .iter()
        .flat_map(|u| u.addresses().map(str::to_lowercase).collect::<Vec<_>>())
        .collect();
    let total: usize = tenant.users.iter().map(|u| u.addresses().count()).sum();
    assert_eq!(addresses.len(), total, "no address belongs to two users");
    let ids: HashSet<&str> = tenant.users.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids.len(), 5000);
    assert!(tenant.users.iter().all(|u| u.id.len() == 21));

    let share = |f: &dyn Fn(&google_emulator::User) -> bool| {
        tenant.users.iter().filter(|u| f(u)).count() as f64 / 5000.0
    };
    assert!((0.15..0.25).contains(&share(&|u| !u.aliases.is_empty())));
    assert!((0.01..0.05).contains(&share(&|u| u.suspended)));
    assert!((0.002..0.02).contains(&share(&|u| u.archived)));
    assert!(share(&|u| !u.non_editable_aliases.is_empty()) > 0.1);
    for domain in &tenant.domains {
        assert!(
            tenant.users.iter().any(|u| u.domain() == *domain),
            "{domain} has users"
        );
    }

    let large = tenant
        .groups
        .iter()
        .filter(|g| g.members.len() > 200)
        .count();
    assert!(large >= 3);
    let customers: usize = tenant
        .groups
        .iter()
        .map(|g| {
            g.members
                .iter()
                .filter(|m| m.member_type == MemberType::Customer)
                .count()
        })
        .sum();
    assert_eq!(customers, 1);
    assert!(tenant.groups.iter().any(|g| g
        .members
        .iter()
        .any(|m| m.member_type == MemberType::External)));
}

/// Run with `cargo test --release -p google-emulator --test generate -- --ignored`.
#[test]
#[ignore = "a release-mode timing check"]
fn hundred_thousand_users_in_seconds() {
    let started = Instant::now();
    let tenant = generate::directory(1, 100_000, 2_000, 3);
    let elapsed = started.elapsed();
    println!(
        "generated {} users, {} groups in {elapsed:?}",
        tenant.users.len(),
        tenant.groups.len()
    );
    assert!(elapsed.as_secs_f64() < 5.0, "took {elapsed:?}");
}
