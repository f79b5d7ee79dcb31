//! A throw-away certificate authority and the IMAP server's certificate, made with rcgen for
//! each emulator, so clients verify TLS for real against a CA file instead of turning checks
//! off.

use std::io;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

pub(crate) struct ImapTls {
    /// The CA certificate clients should trust.
    pub ca_pem: String,
    pub acceptor: TlsAcceptor,
}

fn failed(step: &str, error: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("could not {step} for the IMAP endpoint: {error}"))
}

impl ImapTls {
    /// A CA and a server certificate for `127.0.0.1` and `localhost`.
    pub fn generate() -> io::Result<ImapTls> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new())
            .map_err(|e| failed("describe the test CA", e))?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "google-emulator test CA");
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_key = KeyPair::generate().map_err(|e| failed("make the CA key", e))?;
        let ca = CertifiedIssuer::self_signed(ca_params, ca_key)
            .map_err(|e| failed("sign the CA certificate", e))?;

        let mut server_params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
                .map_err(|e| failed("describe the server certificate", e))?;
        server_params
            .distinguished_name
            .push(DnType::CommonName, "imap.google-emulator.test");
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_key = KeyPair::generate().map_err(|e| failed("make the server key", e))?;
        let server_cert = server_params
            .signed_by(&server_key, &ca)
            .map_err(|e| failed("sign the server certificate", e))?;

        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| failed("choose TLS versions", e))?
            .with_no_client_auth()
            .with_single_cert(vec![server_cert.der().clone()], key)
            .map_err(|e| failed("load the server certificate", e))?;
        Ok(ImapTls {
            ca_pem: ca.pem(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }
}
