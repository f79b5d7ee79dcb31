//! The IMAP endpoint's TLS: a CA of its own and a certificate for `127.0.0.1` and
//! `localhost`.

use std::io;
use std::sync::Arc;

use tokio_rustls::TlsAcceptor;

pub(crate) struct ImapTls {
    /// The CA certificate clients should trust.
    pub ca_pem: String,
    pub acceptor: TlsAcceptor,
}

impl ImapTls {
    pub fn generate() -> io::Result<ImapTls> {
        let names = ["127.0.0.1".to_string(), "localhost".to_string()];
        let issued = crate::tls::issue("IMAP endpoint", "google-emulator test CA", &names)?;
        Ok(ImapTls {
            ca_pem: issued.ca_pem,
            acceptor: TlsAcceptor::from(Arc::new(issued.server_config)),
        })
    }
}
