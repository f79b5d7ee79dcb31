//! ID tokens made on request, for tests that need a token without a sign-in round trip, or
//! a forged one (another audience, an expired token, a missing claim, an unknown `kid`).

use std::io;

use super::id_token::{apply_overrides, Claims, IdTokenRequest, LIFETIME_SECS};
use super::identity::Identity;
use crate::state::Shared;

impl Shared {
    /// Signs the token `request` describes with the current key. A tenant user (even a
    /// suspended one) gets their Directory claims; any other address is a personal account.
    pub fn mint_id_token(&self, request: &IdTokenRequest) -> io::Result<String> {
        let (identity, default_audience) = {
            let live = self.read();
            let identity = match live.index.user(&live.tenant, &request.email) {
                Some(user) => Identity::of_user(&live.tenant, user),
                None => Identity::personal(&request.email),
            };
            let audience = live
                .tenant
                .oauth_clients
                .first()
                .map(|c| c.client_id.clone());
            (identity, audience)
        };
        let audience = request
            .audience
            .clone()
            .or(default_audience)
            .unwrap_or_default();
        let mut claims = Claims {
            issuer: &self.base_url,
            client_id: &audience,
            identity: &identity,
            nonce: request.nonce.as_deref(),
            access_token: None,
            issued_at: self.clock.now(),
            lifetime_secs: request.lifetime_secs.unwrap_or(LIFETIME_SECS),
        }
        .to_map();
        apply_overrides(&mut claims, &request.overrides);
        self.oidc
            .with_keys(|keys| keys.sign(&claims, request.kid.as_deref()))
    }

    /// Makes a new signing key the signer and retires the oldest; returns the new `kid`.
    pub fn rotate_signing_key(&self) -> io::Result<String> {
        self.oidc
            .with_keys(|keys| keys.rotate().map(|key| key.kid.clone()))?
    }

    /// The current signing key's `kid` and private key (PKCS#8 PEM).
    pub fn signing_key(&self) -> io::Result<(String, String)> {
        self.oidc.with_keys(|keys| {
            let key = keys.current();
            (key.kid.clone(), key.rsa.private_pem.clone())
        })
    }
}
