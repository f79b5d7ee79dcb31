//! The TLS client for the IMAP check: rustls with the aws-lc-rs provider (the one reqwest
//! already uses), trusting the system's roots plus the certificates of `imap.ca_file`.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::ClientConfig;

use crate::config::ImapConfig;
use crate::error::{Error, Result};

pub fn client_config(imap: &ImapConfig) -> Result<Arc<ClientConfig>> {
    let mut extra_roots = Vec::new();
    if let Some(path) = &imap.ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            Error::config(format!(
                "configuration field `imap.ca_file`: cannot read {path}: {e}"
            ))
        })?;
        for certificate in CertificateDer::pem_slice_iter(&pem) {
            extra_roots.push(certificate.map_err(|e| {
                Error::config(format!(
                    "configuration field `imap.ca_file`: {path} is not a PEM certificate file \
                     ({e})"
                ))
            })?);
        }
        if extra_roots.is_empty() {
            return Err(Error::config(format!(
                "configuration field `imap.ca_file`: {path} holds no certificate"
            )));
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
        extra_roots,
        Arc::clone(&provider),
    )
    .map_err(|e| {
        Error::config(format!(
            "cannot set up certificate checks for the IMAP server: {e}; install the \
                     system's CA certificates or name one in `imap.ca_file`"
        ))
    })?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::internal(format!("TLS versions: {e}")))?
        .dangerous()
        // The platform verifier is the full check (chain, name, expiry) with the system's
        // roots; "dangerous" is rustls's name for plugging in any verifier.
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Arc::new(config))
}
