//! The handle a test or program holds: it starts the server on a thread of its own and stops
//! it when dropped. Every method here is also reachable through the control API.

mod signin;

use axum::serve::ListenerExt;
use std::future::IntoFuture;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::config;
use crate::faults::FaultConfig;
use crate::https::{HttpsTls, TlsListener};
use crate::imap::{self, ImapTls};
use crate::load::LoadModel;
use crate::options::Options;
use crate::server;
use crate::state::{Setup, Shared};
use crate::stats::Stats;
use crate::tenant::Tenant;

/// The server's future, plain or TLS.
type ServeFuture = std::pin::Pin<Box<dyn std::future::Future<Output = io::Result<()>> + Send>>;

/// A running emulator on `127.0.0.1`. Dropping it stops the server and joins its thread.
pub struct Emulator {
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Builds the tenant, binds the port and returns once the server accepts connections.
    pub fn start(options: Options) -> io::Result<Emulator> {
        let Options {
            tenant,
            port,
            load,
            faults,
            token_lifetime_secs,
            clock_offset_secs,
            jwks_max_age_secs,
            tls,
        } = options;
        let tenant = tenant.build()?;
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        std_listener.set_nonblocking(true)?;
        let port = std_listener.local_addr()?.port();
        let imap_listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        imap_listener.set_nonblocking(true)?;
        let imap_tls = Arc::new(ImapTls::generate()?);
        let https = tls
            .as_ref()
            .map(|options| HttpsTls::generate(options).map(|tls| (options.host.clone(), tls)))
            .transpose()?;
        let base_url = match &https {
            Some((host, _)) => format!("https://{host}:{port}"),
            None => format!("http://127.0.0.1:{port}"),
        };
        let shared = Arc::new(Shared::new(Setup {
            base_url,
            tenant,
            load,
            faults,
            token_lifetime_secs,
            clock_offset_secs,
            jwks_max_age_secs,
            imap_port: imap_listener.local_addr()?.port(),
            imap_ca_pem: imap_tls.ca_pem.clone(),
            https_ca_pem: https.as_ref().map(|(_, tls)| tls.ca_pem.clone()),
        }));

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("google-emulator")
            .enable_all()
            .build()?;
        let (listener, imap_listener) = {
            let _context = runtime.enter();
            (
                tokio::net::TcpListener::from_std(std_listener)?,
                tokio::net::TcpListener::from_std(imap_listener)?,
            )
        };
        let imap = imap::serve(imap_listener, imap_tls, Arc::clone(&shared));
        let app = server::router(Arc::clone(&shared));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("google-emulator".to_string())
            .spawn(move || {
                runtime.block_on(async move {
                    tokio::spawn(imap);
                    let server: ServeFuture = match &https {
                        None => {
                            // Without TCP_NODELAY a response written in several pieces waits
                            // on the client's delayed ACK: tens of milliseconds a page that
                            // Google's own frontends do not add.
                            let listener = listener.tap_io(|stream| {
                                let _ = stream.set_nodelay(true);
                            });
                            Box::pin(axum::serve(listener, app).into_future())
                        }
                        Some((_, tls)) => match TlsListener::spawn(listener, tls) {
                            Ok(listener) => Box::pin(axum::serve(listener, app).into_future()),
                            Err(error) => Box::pin(async move { Err(error) }),
                        },
                    };
                    tokio::select! {
                        result = server => {
                            if let Err(error) = result {
                                log::error!("the emulator's server stopped: {error}");
                            }
                        }
                        _ = stopped => {}
                    }
                });
                // Connections still open (a stalled response, say) are cut, not waited for.
                runtime.shutdown_timeout(Duration::from_millis(200));
            })?;

        log::info!("google emulator listening on {}", shared.base_url);
        Ok(Emulator {
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`, or `https://HOST:PORT` in HTTPS mode.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// Where to POST token requests: `base_url() + "/token"`.
    pub fn token_uri(&self) -> String {
        self.shared.token_uri()
    }

    /// The Directory API root, with its trailing slash.
    pub fn directory_url(&self) -> String {
        format!("{}/admin/directory/v1/", self.shared.base_url)
    }

    /// The service-account key file (Google's format, PKCS#8 key), with `token_uri` pointing
    /// at this emulator.
    pub fn service_account_key_json(&self) -> String {
        let key_file = config::key_file(&self.shared)
            .expect("every started tenant has a service account key with its private half");
        serde_json::to_string_pretty(&key_file).expect("JSON values serialise")
    }

    /// Writes the key file, and beside it `imap-ca.pem`, the CA certificate that
    /// [`Emulator::connector_config`] names for the IMAP check (and in HTTPS mode
    /// `https-ca.pem`, the one it names in `http.ca_bundle_file`).
    pub fn write_key_file(&self, path: &Path) -> io::Result<()> {
        // Readable by its owner only, as a private key should be.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        std::io::Write::write_all(
            &mut options.open(path)?,
            self.service_account_key_json().as_bytes(),
        )?;
        if let Some(pem) = &self.shared.https_ca_pem {
            std::fs::write(config::https_ca_file(path), pem)?;
        }
        self.write_imap_ca(&config::imap_ca_file(path))
    }

    /// In HTTPS mode, the CA certificate (PEM) that signed the server's certificate: what a
    /// client must trust (`http.ca_bundle_file`). `None` in plain HTTP mode.
    pub fn https_ca_pem(&self) -> Option<String> {
        self.shared.https_ca_pem.clone()
    }

    /// The super administrator a connector should impersonate.
    pub fn admin_email(&self) -> String {
        self.shared.admin_email()
    }

    /// The service account's numeric client id (what domain-wide delegation is keyed by).
    pub fn client_id(&self) -> String {
        self.shared.client_id()
    }

    pub fn customer_id(&self) -> String {
        self.shared.read().tenant.customer_id.clone()
    }

    pub fn domains(&self) -> Vec<String> {
        self.shared.read().tenant.domains.clone()
    }

    /// Reads or changes the live tenant; lookups are rebuilt afterwards, so changes show in
    /// the next request (including the next page of a listing in progress).
    pub fn with_tenant<R>(&self, f: impl FnOnce(&mut Tenant) -> R) -> R {
        self.shared.with_tenant(f)
    }

    /// A copy of the tenant, e.g. to save it.
    pub fn tenant(&self) -> Tenant {
        self.shared.read().tenant.clone()
    }

    /// Replaces the fault rules (and restarts their counters and random draws).
    pub fn set_faults(&self, faults: FaultConfig) {
        self.shared.set_faults(faults);
    }

    pub fn set_load(&self, load: LoadModel) {
        self.shared.load.set_model(load);
    }

    pub fn stats(&self) -> Stats {
        self.shared.stats.snapshot()
    }

    pub fn reset_stats(&self) {
        self.shared.stats.reset();
    }

    /// Sets the emulator's clock `secs` seconds ahead of the machine's (negative: behind).
    pub fn set_clock_offset(&self, secs: i64) {
        self.shared.clock.set_offset(secs);
    }

    /// Lifetime of access tokens issued from now on.
    pub fn set_token_lifetime(&self, secs: u64) {
        self.shared.set_token_lifetime_secs(secs);
    }

    /// Sets the scopes delegated to a client id; an empty list removes the delegation.
    pub fn set_delegation(&self, client_id: &str, scopes: &[&str]) {
        let scopes = scopes.iter().map(|s| s.to_string()).collect();
        self.shared.set_delegation(client_id, scopes);
    }

    /// Enables or disables the Admin SDK API in the tenant's Cloud project.
    pub fn set_api_enabled(&self, enabled: bool) {
        self.shared
            .with_tenant(|tenant| tenant.api_enabled = enabled);
    }

    /// A configuration for the google-ds library, using the key file at `key_file` and the
    /// IMAP CA beside it (both written by [`Emulator::write_key_file`]).
    pub fn connector_config(&self, key_file: &Path) -> serde_json::Value {
        config::connector_config(&self.shared, key_file)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
