//! Throw-away certificate authorities, made with rcgen for each emulator, so that clients
//! verify TLS for real against a CA file instead of turning checks off. The IMAP endpoint and
//! the optional HTTPS mode each get a CA of their own.

use std::io;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};

/// A server certificate and the CA that signed it.
pub(crate) struct Issued {
    /// The CA certificate clients should trust (PEM).
    pub ca_pem: String,
    pub server_config: ServerConfig,
}

fn failed(what: &str, step: &str, error: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("could not {step} for the {what}: {error}"))
}

/// A new CA named `ca_name`, and a certificate it signed for `names` (host names or IP
/// addresses), for the emulator's endpoint `what` (used in error messages).
pub(crate) fn issue(what: &str, ca_name: &str, names: &[String]) -> io::Result<Issued> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new())
        .map_err(|e| failed(what, "describe the test CA", e))?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, ca_name);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate().map_err(|e| failed(what, "make the CA key", e))?;
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key)
        .map_err(|e| failed(what, "sign the CA certificate", e))?;

    let mut server_params = CertificateParams::new(names.to_vec())
        .map_err(|e| failed(what, "describe the server certificate", e))?;
    server_params
        .distinguished_name
        .push(DnType::CommonName, names.first().map_or("localhost", |n| n));
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_key = KeyPair::generate().map_err(|e| failed(what, "make the server key", e))?;
    let server_cert = server_params
        .signed_by(&server_key, &ca)
        .map_err(|e| failed(what, "sign the server certificate", e))?;

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let server_config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| failed(what, "choose TLS versions", e))?
        .with_no_client_auth()
        .with_single_cert(vec![server_cert.der().clone()], key)
        .map_err(|e| failed(what, "load the server certificate", e))?;
    Ok(Issued {
        ca_pem: ca.pem(),
        server_config,
    })
}
