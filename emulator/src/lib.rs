//! A local stand-in for the parts of Google that the google-ds connector talks to: the OAuth
//! token endpoint (JWT-bearer grant with real RS256 checks and domain-wide delegation), the
//! Admin SDK Directory API (users, groups, members, with paging, partial responses and
//! Google's error bodies), sign-in with OpenID Connect, and an IMAP endpoint for app
//! passwords, serving a generated or loaded tenant on loopback.
//!
//! ```no_run
//! use google_emulator::{Emulator, Options, TenantSpec};
//!
//! let emulator = Emulator::start(Options {
//!     tenant: TenantSpec::generated(7, 1_000, 50),
//!     ..Options::default()
//! })?;
//! let key_json = emulator.service_account_key_json();
//! println!("{} as {}", emulator.directory_url(), emulator.admin_email());
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Out of process, the `google-emulator` binary serves the same thing and the control API
//! under `/_emulator/` changes it (see `control.rs`).

mod clock;
mod config;
mod control;
mod directory;
mod emulator;
mod faults;
pub mod fields;
pub mod generate;
mod http;
mod https;
mod ids;
mod imap;
mod keys;
mod load;
mod locks;
mod oidc;
mod options;
mod paging;
mod scopes;
mod server;
mod state;
mod stats;
pub mod tenant;
mod tls;
mod token;

pub use emulator::Emulator;
pub use faults::{Endpoint, FaultConfig, FaultKind, FaultRule};
pub use https::TlsOptions;
pub use imap::password::demo_app_password;
pub use load::LoadModel;
pub use oidc::id_token::IdTokenRequest;
pub use options::{Options, TenantSpec};
pub use stats::Stats;
pub use tenant::{
    AccountState, Group, Member, MemberType, OAuthClient, Role, ServiceAccount, ServiceAccountKey,
    Tenant, TenantError, User, UserEmail, UserName,
};
