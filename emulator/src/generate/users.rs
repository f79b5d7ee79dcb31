//! Generated users: realistic names and addresses, a share of aliases, suspensions and
//! archived accounts, spread over the tenant's domains and org units.

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::names::{local_part, FAMILY_NAMES, GIVEN_NAMES, ORG_UNITS};
use crate::ids;
use crate::tenant::{User, UserName};

/// 2012-01-01T00:00:00Z: generated accounts were created after this.
const EPOCH_OF_TENANT: u64 = 1_325_376_000;
const TWELVE_YEARS: u64 = 12 * 365 * 24 * 3600;

/// Makes `count` users (the first is `admin@<primary domain>`, a super administrator).
/// `taken` collects every address handed out, so groups can avoid them.
pub fn users(
    rng: &mut fastrand::Rng,
    count: usize,
    domains: &[String],
    taken: &mut HashSet<String>,
) -> Vec<User> {
    let mut users = Vec::with_capacity(count);
    let mut ids = HashSet::with_capacity(count);
    if count == 0 {
        return users;
    }

    let admin_email = format!("admin@{}", domains[0]);
    taken.insert(admin_email.clone());
    let mut admin = person(rng, &mut ids, admin_email, "Alex", "Admin");
    admin.is_admin = true;
    admin.suspended = false;
    admin.archived = false;
    admin.suspension_reason = None;
    admin.org_unit_path = "/".to_string();
    users.push(admin);

    for _ in 1..count {
        let given = GIVEN_NAMES[rng.usize(..GIVEN_NAMES.len())];
        let family = FAMILY_NAMES[rng.usize(..FAMILY_NAMES.len())];
        let domain = &domains[rng.usize(..domains.len())];
        let base = format!("{}.{}", local_part(given), local_part(family));
        let primary = unique_address(&base, domain, taken);
        let mut user = person(rng, &mut ids, primary, given, family);

        if rng.u8(..100) < 20 {
            let initial = local_part(given).chars().next().unwrap_or('x');
            let alias_base = format!("{initial}{}", local_part(family));
            let alias_domain = &domains[rng.usize(..domains.len())];
            user.aliases
                .push(unique_address(&alias_base, alias_domain, taken));
        }
        if rng.u8(..100) < 30 {
            let (local, own_domain) = user.primary_email.split_once('@').expect("an address");
            user.non_editable_aliases
                .push(format!("{local}@{own_domain}.test-google-a.com"));
        }
        user.refresh_emails();
        users.push(user);
    }
    users
}

/// A user with everything but aliases decided by `rng`.
fn person(
    rng: &mut fastrand::Rng,
    ids: &mut HashSet<String>,
    primary_email: String,
    given: &str,
    family: &str,
) -> User {
    let id = loop {
        let id = ids::numeric_id(rng);
        if ids.insert(id.clone()) {
            break id;
        }
    };
    let created = EPOCH_OF_TENANT + rng.u64(..TWELVE_YEARS);
    let last_login = if rng.u8(..100) < 5 {
        0
    } else {
        created + rng.u64(..(EPOCH_OF_TENANT + TWELVE_YEARS - created).max(1))
    };
    let roll = rng.u8(..100);
    let suspended = roll < 3;
    let archived = roll == 3;

    let mut user = User {
        id,
        primary_email,
        name: UserName::new(given, family),
        suspended,
        suspension_reason: suspended.then(|| "ADMIN".to_string()),
        archived,
        org_unit_path: ORG_UNITS[rng.usize(..ORG_UNITS.len())].to_string(),
        creation_time: ids::rfc3339(at(created)),
        last_login_time: ids::rfc3339(at(last_login)),
        is_enrolled_in_2sv: rng.u8(..100) < 60,
        ..User::default()
    };
    user.refresh_emails();
    user
}

/// `base@domain`, or `base2@domain`, `base3@domain`… when taken; records the result.
pub fn unique_address(base: &str, domain: &str, taken: &mut HashSet<String>) -> String {
    let mut address = format!("{base}@{domain}");
    let mut suffix = 2;
    while !taken.insert(address.clone()) {
        address = format!("{base}{suffix}@{domain}");
        suffix += 1;
    }
    address
}

fn at(unix_secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix_secs)
}
