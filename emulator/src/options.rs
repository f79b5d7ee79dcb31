//! How to start an emulator: which tenant, which port, and the load, faults and clock to
//! begin with.

use std::io;

use crate::faults::FaultConfig;
use crate::generate;
use crate::https::TlsOptions;
use crate::load::LoadModel;
use crate::tenant::Tenant;

/// Where the tenant comes from.
// Built once per emulator, so the size of the `Loaded` variant costs nothing; boxing it would
// only make every caller write `Box::new`.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum TenantSpec {
    /// Made from a seed: the same seed and sizes give the same directory.
    Generated {
        seed: u64,
        users: usize,
        groups: usize,
        domains: usize,
    },
    /// A tenant built or loaded by the caller (e.g. from a file saved earlier).
    Loaded(Tenant),
}

impl TenantSpec {
    /// A generated tenant on one domain.
    pub fn generated(seed: u64, users: usize, groups: usize) -> TenantSpec {
        TenantSpec::Generated {
            seed,
            users,
            groups,
            domains: 1,
        }
    }

    /// The tenant, with a service-account key whose private half is known, so a key file can
    /// be written for it.
    pub fn build(self) -> io::Result<Tenant> {
        match self {
            TenantSpec::Generated {
                seed,
                users,
                groups,
                domains,
            } => generate::tenant(seed, users, groups, domains),
            TenantSpec::Loaded(mut tenant) => {
                ensure_usable_key(&mut tenant)?;
                Ok(tenant)
            }
        }
    }
}

/// A loaded tenant may come without any private key (Google never has one); give its first
/// service account a new key, or the tenant a service account, so a key file can be written.
fn ensure_usable_key(tenant: &mut Tenant) -> io::Result<()> {
    let has_key = tenant.service_accounts.iter().any(|account| {
        account.keys.iter().any(|key| {
            key.private_key_pem.is_some() && !account.revoked_key_ids.contains(&key.key_id)
        })
    });
    if has_key {
        return Ok(());
    }
    match tenant.service_accounts.first_mut() {
        Some(account) => {
            let mut rng = crate::ids::rng_for(&[&account.client_email, "key"]);
            account.keys.push(generate::new_key(&mut rng)?);
            log::info!(
                "the loaded tenant had no private key; added a new key to {}",
                account.client_email
            );
            Ok(())
        }
        None => generate::add_service_account(tenant, 0),
    }
}

/// Everything [`crate::Emulator::start`] needs.
#[derive(Clone, Debug)]
pub struct Options {
    pub tenant: TenantSpec,
    /// 0 picks a free port.
    pub port: u16,
    pub load: LoadModel,
    pub faults: FaultConfig,
    /// `expires_in` of access tokens; Google's is 3599.
    pub token_lifetime_secs: u64,
    /// The emulator's clock minus the machine's, in seconds.
    pub clock_offset_secs: i64,
    /// `max-age` of the JWKS response's `Cache-Control`.
    pub jwks_max_age_secs: u64,
    /// Serve Google's routes over HTTPS with a certificate of a CA made for this emulator
    /// (see [`crate::Emulator::https_ca_pem`]); `None` serves plain HTTP on loopback.
    pub tls: Option<TlsOptions>,
}

impl Default for Options {
    /// A small generated tenant (seed 1, 50 users, 5 groups), any port, no load, no faults.
    fn default() -> Options {
        Options {
            tenant: TenantSpec::generated(1, 50, 5),
            port: 0,
            load: LoadModel::default(),
            faults: FaultConfig::default(),
            token_lifetime_secs: 3599,
            clock_offset_secs: 0,
            jwks_max_age_secs: 21_600,
            tls: None,
        }
    }
}
