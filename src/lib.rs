//! google-ds: a Google Workspace directory connector for hosts that load it as a shared
//! library through a C ABI (see `include/google_ds.h` and the README).
//!
//! Layers: `ffi` is the thin unsafe C boundary; `config` the configuration; `google` the
//! outside world (credentials, tokens, HTTP, Directory); `sync` the pure core (scope, records,
//! plan, report); `auth` the sign-in checks. `ffi` depends on the core, never the reverse.

pub mod auth;
pub mod config;
pub mod connector;
pub mod error;
pub mod ffi;
pub mod google;
pub mod logging;
pub mod sync;

pub use connector::Connector;
pub use error::{Error, ErrorKind, Result};
