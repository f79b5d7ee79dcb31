//! RSA key pairs for service-account keys and ID-token signing, made with aws-lc-rs and kept
//! as PEM text (what key files and tests need).

use std::io;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// A freshly generated RSA-2048 key pair.
#[derive(Clone, Debug)]
pub struct RsaKey {
    /// PKCS#8 (`BEGIN PRIVATE KEY`), as in the key files Google issues today.
    pub private_pem: String,
    /// SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`).
    pub public_pem: String,
    /// The JWK `n` and `e` members: base64url big-endian modulus and exponent.
    pub modulus_b64: String,
    pub exponent_b64: String,
}

impl RsaKey {
    pub fn generate() -> io::Result<RsaKey> {
        let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| crypto_failure("generate"))?;
        let private_der = pair.as_der().map_err(|_| crypto_failure("encode"))?;
        let public = pair.public_key();
        let public_der = public.as_der().map_err(|_| crypto_failure("encode"))?;
        Ok(RsaKey {
            private_pem: to_pem("PRIVATE KEY", private_der.as_ref()),
            public_pem: to_pem("PUBLIC KEY", public_der.as_ref()),
            modulus_b64: URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            exponent_b64: URL_SAFE_NO_PAD
                .encode(public.exponent().big_endian_without_leading_zero()),
        })
    }
}

/// PEM with 64-column lines and `\n` line ends, as in Google's key files.
fn to_pem(label: &str, der: &[u8]) -> String {
    let config = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
    pem::encode_config(&pem::Pem::new(label, der.to_vec()), config)
}

fn crypto_failure(step: &str) -> io::Error {
    io::Error::other(format!("aws-lc-rs could not {step} an RSA-2048 key"))
}
