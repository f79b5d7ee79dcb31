//! Everything the server shares between requests, and the operations that both the Rust API
//! and the control API perform on it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard};

use axum::response::Response;
use serde_json::{json, Value};

use crate::clock::Clock;
use crate::faults::{Endpoint, FaultConfig, FaultKind, FaultState};
use crate::http::Reply;
use crate::load::LoadState;
use crate::locks;
use crate::oidc::OidcState;
use crate::stats::Recorder;
use crate::tenant::index::Index;
use crate::tenant::Tenant;
use crate::token::store::TokenStore;

/// The tenant with its lookup tables, which are rebuilt after every change.
pub(crate) struct Live {
    pub tenant: Tenant,
    pub index: Index,
}

impl Live {
    pub fn new(tenant: Tenant) -> Live {
        let index = Index::build(&tenant);
        Live { tenant, index }
    }
}

pub(crate) struct Shared {
    /// `http://127.0.0.1:PORT` (`https://HOST:PORT` in HTTPS mode), without a trailing slash.
    pub base_url: String,
    live: RwLock<Live>,
    pub tokens: TokenStore,
    pub clock: Clock,
    pub stats: Recorder,
    pub load: LoadState,
    pub oidc: OidcState,
    /// Where the IMAP endpoint listens, and the CA certificate that signed its certificate.
    pub imap_port: u16,
    pub imap_ca_pem: String,
    /// In HTTPS mode, the CA certificate that signed the HTTPS certificate.
    pub https_ca_pem: Option<String>,
    faults: Mutex<FaultState>,
    token_lifetime_secs: AtomicU64,
}

/// What [`Shared::new`] needs; mostly [`crate::Options`] with the tenant built.
pub(crate) struct Setup {
    pub base_url: String,
    pub tenant: Tenant,
    pub load: crate::LoadModel,
    pub faults: FaultConfig,
    pub token_lifetime_secs: u64,
    pub clock_offset_secs: i64,
    pub jwks_max_age_secs: u64,
    pub imap_port: u16,
    pub imap_ca_pem: String,
    pub https_ca_pem: Option<String>,
}

impl Shared {
    pub fn new(setup: Setup) -> Shared {
        Shared {
            base_url: setup.base_url,
            live: RwLock::new(Live::new(setup.tenant)),
            tokens: TokenStore::default(),
            clock: Clock::new(setup.clock_offset_secs),
            stats: Recorder::default(),
            load: LoadState::new(setup.load),
            oidc: OidcState::new(setup.jwks_max_age_secs),
            imap_port: setup.imap_port,
            imap_ca_pem: setup.imap_ca_pem,
            https_ca_pem: setup.https_ca_pem,
            faults: Mutex::new(FaultState::new(setup.faults)),
            token_lifetime_secs: AtomicU64::new(setup.token_lifetime_secs),
        }
    }

    pub fn token_uri(&self) -> String {
        format!("{}/token", self.base_url)
    }

    /// The tenant and its index, for reading. Never held across an `.await`.
    pub fn read(&self) -> RwLockReadGuard<'_, Live> {
        locks::read(&self.live)
    }

    /// Runs `change` on the tenant and rebuilds the lookup tables afterwards.
    pub fn with_tenant<R>(&self, change: impl FnOnce(&mut Tenant) -> R) -> R {
        let mut live = locks::write(&self.live);
        let result = change(&mut live.tenant);
        live.index = Index::build(&live.tenant);
        result
    }

    pub fn token_lifetime_secs(&self) -> u64 {
        self.token_lifetime_secs.load(Ordering::Relaxed)
    }

    pub fn set_token_lifetime_secs(&self, secs: u64) {
        self.token_lifetime_secs.store(secs, Ordering::Relaxed);
    }

    pub fn set_faults(&self, config: FaultConfig) {
        *self.faults_lock() = FaultState::new(config);
    }

    pub fn fault_config(&self) -> FaultConfig {
        self.faults_lock().config().clone()
    }

    /// The fault to inject into a request to `endpoint`, counted in the stats.
    pub fn pick_fault(&self, endpoint: Endpoint) -> Option<FaultKind> {
        let kind = self.faults_lock().pick(endpoint)?;
        self.stats.fault(kind.name());
        log::debug!("injecting fault {} into {endpoint:?}", kind.name());
        Some(kind)
    }

    /// Sets the scopes delegated to a client id; an empty list removes the delegation.
    pub fn set_delegation(&self, client_id: &str, scopes: Vec<String>) {
        self.with_tenant(|tenant| {
            if scopes.is_empty() {
                tenant.delegations.remove(client_id);
            } else {
                tenant.delegations.insert(client_id.to_string(), scopes);
            }
        });
    }

    /// The first super administrator's address: the `sub` a connector should use.
    pub fn admin_email(&self) -> String {
        let live = self.read();
        live.tenant
            .users
            .iter()
            .find(|user| user.is_admin)
            .map(|user| user.primary_email.clone())
            .unwrap_or_default()
    }

    /// The first service account's numeric client id.
    pub fn client_id(&self) -> String {
        let live = self.read();
        live.tenant
            .service_accounts
            .first()
            .map(|account| account.client_id.clone())
            .unwrap_or_default()
    }

    /// Counts and names for `GET /_emulator/state` and the binary's banner.
    pub fn summary(&self) -> Value {
        let admin = self.admin_email();
        let client_id = self.client_id();
        let live = self.read();
        let tenant = &live.tenant;
        let memberships: usize = tenant.groups.iter().map(|g| g.members.len()).sum();
        json!({
            "base_url": self.base_url,
            "token_uri": self.token_uri(),
            "directory_url": format!("{}/admin/directory/v1/", self.base_url),
            "customer_id": tenant.customer_id,
            "domains": tenant.domains,
            "admin": admin,
            "client_id": client_id,
            "client_email": tenant.service_accounts.first().map(|a| a.client_email.clone()),
            "users": tenant.users.len(),
            "groups": tenant.groups.len(),
            "memberships": memberships,
            "api_enabled": tenant.api_enabled,
            "clock_offset_secs": self.clock.offset(),
        })
    }

    /// Waits out the load model's latency for this reply, then lets it go (spoiled by `fault`
    /// when that is a fault that spoils bodies). The latency is the whole time from `started`
    /// to the answer: the emulator's own work counts towards it, so that the model, not the
    /// speed of the emulator, sets how long a request takes.
    pub async fn deliver(
        &self,
        reply: Reply,
        fault: Option<FaultKind>,
        started: std::time::Instant,
    ) -> Response {
        let latency = self.load.model().latency(reply.body.len());
        let remaining = latency.saturating_sub(started.elapsed());
        if !remaining.is_zero() {
            tokio::time::sleep(remaining).await;
        }
        reply.into_response(fault)
    }

    fn faults_lock(&self) -> MutexGuard<'_, FaultState> {
        locks::lock(&self.faults)
    }
}
