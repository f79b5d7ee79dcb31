//! Deterministic tenants from a seed: the same seed and sizes give the same customer, users and
//! groups on every run. Only the RSA key of the service account is fresh each time.

mod groups;
mod names;
mod users;

use std::collections::HashSet;
use std::io;

use crate::ids;
use crate::keys::RsaKey;
use crate::tenant::{AccountState, OAuthClient, ServiceAccount, ServiceAccountKey, Tenant};

/// The scopes a generated tenant delegates to its service account: read-only directory access.
pub const DELEGATED_SCOPES: &[&str] = &[
    "https://www.googleapis.com/auth/admin.directory.user.readonly",
    "https://www.googleapis.com/auth/admin.directory.group.readonly",
    "https://www.googleapis.com/auth/admin.directory.group.member.readonly",
    "https://www.googleapis.com/auth/admin.directory.domain.readonly",
    "https://www.googleapis.com/auth/admin.directory.orgunit.readonly",
];

/// The redirect URI registered for the generated OAuth client.
pub const DEMO_REDIRECT_URI: &str = "http://127.0.0.1/callback";

/// The `index`th domain of a generated tenant: example.com, example.org, example.net, then
/// example4.com, example5.com and so on.
pub fn domain_name(index: usize) -> String {
    match index {
        0 => "example.com".to_string(),
        1 => "example.org".to_string(),
        2 => "example.net".to_string(),
        _ => format!("example{}.com", index + 1),
    }
}

/// A tenant of `users` users (including `admin@<primary domain>`) and `groups` groups over
/// `domains` domains (at least one), with one service account holding a new key.
pub fn tenant(seed: u64, users: usize, groups: usize, domains: usize) -> io::Result<Tenant> {
    let mut tenant = directory(seed, users, groups, domains);
    add_service_account(&mut tenant, seed)?;
    Ok(tenant)
}

/// Everything of [`tenant`] except the service account, which needs a random key.
pub fn directory(seed: u64, users: usize, groups: usize, domains: usize) -> Tenant {
    let mut rng = fastrand::Rng::with_seed(seed);
    let customer_id = ids::customer_id(&mut rng);
    let project_number = format!(
        "{}{}",
        1 + rng.u8(..9),
        (0..11).map(|_| rng.digit(10)).collect::<String>()
    );
    let project_id = format!("ds-emulator-{}", ids::hex(&mut rng, 6));
    let domains: Vec<String> = (0..domains.max(1)).map(domain_name).collect();

    // Separate streams, so the number of groups does not change the users.
    let mut user_rng = fastrand::Rng::with_seed(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 1);
    let mut group_rng = fastrand::Rng::with_seed(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 2);
    let mut taken = HashSet::new();
    let users = users::users(&mut user_rng, users, &domains, &mut taken);
    let groups = groups::groups(
        &mut group_rng,
        groups,
        &users,
        &domains,
        &customer_id,
        &mut taken,
    );

    let client_id = format!(
        "{project_number}-{}.apps.googleusercontent.com",
        (0..32).map(|_| rng.digit(36)).collect::<String>()
    );
    let client_secret = format!(
        "GOCSPX-{}",
        (0..28).map(|_| rng.alphanumeric()).collect::<String>()
    );

    Tenant {
        customer_id,
        project_id,
        project_number,
        domains,
        org_units: names::ORG_UNITS
            .iter()
            .map(|unit| unit.to_string())
            .collect(),
        users,
        groups,
        oauth_clients: vec![OAuthClient {
            client_id,
            client_secret,
            redirect_uris: vec![DEMO_REDIRECT_URI.to_string()],
        }],
        demo_app_passwords: true,
        ..Tenant::default()
    }
}

/// Adds a service account with a new RSA key to `tenant` and delegates the read-only
/// directory scopes to it.
pub fn add_service_account(tenant: &mut Tenant, seed: u64) -> io::Result<()> {
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x5eed_5e41);
    let client_email = format!(
        "directory-sync@{}.iam.gserviceaccount.com",
        tenant.project_id
    );
    let client_id = ids::numeric_id(&mut rng);
    let key = new_key(&mut rng)?;
    tenant.service_accounts.push(ServiceAccount {
        client_email,
        client_id: client_id.clone(),
        state: AccountState::Active,
        keys: vec![key],
        revoked_key_ids: Vec::new(),
    });
    let scopes = DELEGATED_SCOPES.iter().map(|s| s.to_string()).collect();
    tenant.delegations.insert(client_id, scopes);
    Ok(())
}

/// A new service-account key with a 40-hex-digit id, as the Cloud console makes them.
pub fn new_key(rng: &mut fastrand::Rng) -> io::Result<ServiceAccountKey> {
    let key = RsaKey::generate()?;
    Ok(ServiceAccountKey {
        key_id: ids::hex(rng, 40),
        public_key_pem: key.public_pem,
        private_key_pem: Some(key.private_pem),
    })
}
