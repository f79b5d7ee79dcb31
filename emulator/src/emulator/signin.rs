//! The sign-in side of the Rust API: OpenID Connect client and keys, ID tokens for tests, and
//! the IMAP endpoint with its CA and app passwords.

use std::io;
use std::path::Path;

use super::Emulator;
use crate::imap::password;
use crate::oidc::id_token::IdTokenRequest;
use crate::tenant::{OAuthClient, TenantError};

impl Emulator {
    /// The OpenID issuer (`iss` of ID tokens): the base URL.
    pub fn issuer(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The tenant's first registered OAuth client (generated tenants have one).
    pub fn oauth_client(&self) -> Option<OAuthClient> {
        self.shared.read().tenant.oauth_clients.first().cloned()
    }

    /// Signs an ID token as Google would issue it for `request.email`, with any claims
    /// overridden or removed, for tests that verify ID tokens.
    pub fn mint_id_token(&self, request: IdTokenRequest) -> String {
        self.shared
            .mint_id_token(&request)
            .expect("ID-token signing keys can be made")
    }

    /// A new key signs from now on; the oldest of the two published keys is retired. Returns
    /// the new key's `kid`.
    pub fn rotate_signing_key(&self) -> String {
        self.shared
            .rotate_signing_key()
            .expect("ID-token signing keys can be made")
    }

    /// The `kid` of the key that signs ID tokens now.
    pub fn signing_kid(&self) -> String {
        self.signing_key().0
    }

    /// The private key (PKCS#8 PEM) that signs ID tokens now, so tests can forge tokens.
    pub fn signing_key_pem(&self) -> String {
        self.signing_key().1
    }

    fn signing_key(&self) -> (String, String) {
        self.shared
            .signing_key()
            .expect("ID-token signing keys can be made")
    }

    /// `max-age` of the JWKS response's `Cache-Control` from now on.
    pub fn set_jwks_max_age(&self, secs: u64) {
        self.shared.oidc.set_jwks_max_age_secs(secs);
    }

    /// The loopback port of the IMAP endpoint (implicit TLS, like port 993).
    pub fn imap_port(&self) -> u16 {
        self.shared.imap_port
    }

    /// The PEM certificate of the CA that signed the IMAP endpoint's certificate.
    pub fn imap_ca_pem(&self) -> String {
        self.shared.imap_ca_pem.clone()
    }

    pub fn write_imap_ca(&self, path: &Path) -> io::Result<()> {
        std::fs::write(path, &self.shared.imap_ca_pem)
    }

    /// Gives a user an app password for the IMAP check.
    pub fn set_app_password(&self, email: &str, password: &str) -> Result<(), TenantError> {
        self.shared
            .with_tenant(|tenant| tenant.set_app_password(email, password))
    }

    /// The app password a generated tenant gives the user with this primary address (see
    /// [`crate::demo_app_password`] for the rule).
    pub fn demo_app_password(primary_email: &str) -> String {
        password::demo_app_password(primary_email)
    }
}
