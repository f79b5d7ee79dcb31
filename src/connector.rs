//! A configured connector: what one `ds_configure` handle holds, shared by every thread that
//! uses the handle.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::auth::Authenticator;
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::google::directory::ApiGroup;
use crate::google::http::RunControl;
use crate::google::Google;
use crate::sync::engine::{self, Host, RunOptions, RunResult, Seen};
use crate::sync::listing::Workers;
use crate::sync::plan::HostUser;
use crate::sync::report::Mode;
use crate::sync::scope;

pub struct Connector {
    pub config: Config,
    google: Arc<Google>,
    /// Listing threads; joined when the connector is dropped, before the HTTP client goes.
    workers: Workers,
    running: AtomicBool,
    /// What the last dry run or sync saw, for the sign-in checks.
    seen: RwLock<Option<Arc<Seen>>>,
    /// The sign-in checks and their caches; independent of the run flag above.
    auth: Authenticator,
}

/// Releases the one-run-at-a-time flag when a run ends, however it ends.
struct RunningGuard<'a>(&'a AtomicBool);

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl Connector {
    pub fn new(config_json: &str) -> Result<Connector> {
        let config = Config::from_json(config_json)?;
        let google = Google::new(&config)?;
        Ok(Connector {
            google: Arc::new(google),
            workers: Workers::default(),
            running: AtomicBool::new(false),
            seen: RwLock::new(None),
            auth: Authenticator::new(&config),
            config,
        })
    }

    /// A dry run or a sync. Only one runs at a time on a connector; a second is refused.
    pub fn run(
        &self,
        host_users: &[HostUser],
        host: &mut dyn Host,
        mode: Mode,
        options: RunOptions,
    ) -> Result<RunResult> {
        if self
            .running
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            return Err(Error::new(
                ErrorKind::Busy,
                "a sync or dry run is already running on this connector handle; wait for it to \
                 end (sign-ins may run meanwhile)",
            ));
        }
        let _guard = RunningGuard(&self.running);
        let mut result = engine::run(
            &self.google,
            &self.workers,
            &self.config,
            host_users,
            host,
            mode,
            options,
        );
        let seen = std::mem::take(&mut result.seen);
        if !seen.in_scope.is_empty() || seen.complete {
            *self.seen.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(seen));
        }
        Ok(result)
    }

    /// The tenant's groups, for a host that lets an administrator pick the scope's groups.
    pub fn list_groups(&self) -> Result<Vec<ApiGroup>> {
        let control = RunControl::new(Duration::from_secs_f64(self.config.http.deadline_secs));
        let mut groups = Vec::new();
        for source in scope::user_sources(&self.config) {
            groups.extend(self.google.directory().list_groups(&source, &control)?);
        }
        groups.sort_by(|a, b| a.email.cmp(&b.email));
        Ok(groups)
    }

    /// What the last run saw, if any.
    pub fn last_seen(&self) -> Option<Arc<Seen>> {
        self.seen.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn google(&self) -> &Google {
        &self.google
    }

    /// The sign-in checks. They never take the run flag: sign-ins go on during a sync.
    pub fn authenticator(&self) -> &Authenticator {
        &self.auth
    }
}

impl Drop for Connector {
    fn drop(&mut self) {
        // A cancelled run may have left a thread finishing its request; wait for it, so that
        // no thread of this library runs after ds_free.
        self.workers.join_all();
    }
}
