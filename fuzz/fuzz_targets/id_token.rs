//! Any bytes as an ID token, and any bytes as the claims of a token signed with the right key:
//! each is accepted or refused with a reason, never a panic.
#![no_main]

use std::collections::HashMap;
use std::sync::Arc;

use google_ds::auth::domains::AllowedDomains;
use google_ds::auth::id_token::{verify, Expected};
use google_ds::auth::jwks::{decode_key_set, Key, KeySource};
use google_ds::auth::refusal::{refuse, Failure, Reason};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use libfuzzer_sys::fuzz_target;

/// The public half of the test key in tests/data/service_account.json, as a key set.
const KEY_SET: &str = r#"{"keys": [{"kty": "RSA", "kid": "1", "alg": "RS256", "use": "sig", "e": "AQAB",
 "n": "4ej0p7bQ7L_r4rVGUz9RN4VQWoej1Bg1mYWIDYslvKrk1gpj7wZgkdmM7oVK2OfgrSj_FCTkInKPqaCR0gD7K80q-mLBrN3PUkDrJQZpvRZIff3_xmVU1WeruQLFJjnFb2dqu0s_FY_2kWiJtBCakXvXEOb7zfbINuayL-MSsCGSdVYsSliS5qQpgyDap-8b5fpXZVJkq92hrcNtbkg7hCYUJczt8n9hcCTJCfUpApvaFQ18pe-zpyl4-WzkP66I28hniMQyUlA1hBiskT7qiouq0m8IOodhv2fagSZKjOTTU2xkSBc__fy3ZpsL7WqgsZS7Q-0VRK8gKfqkxg5OYQ"}]}"#;
const KEY_FILE: &str = include_str!("../../tests/data/service_account.json");

struct Fixed(HashMap<String, Arc<Key>>);

impl KeySource for Fixed {
    fn key(&self, kid: &str) -> Result<Arc<Key>, Failure> {
        match self.0.get(kid) {
            Some(key) => Ok(Arc::clone(key)),
            None => refuse(Reason::UnknownKey, "no such key"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let keys = Fixed(decode_key_set(KEY_SET.as_bytes()).expect("the fixture key set decodes"));
    let issuers = vec!["https://accounts.google.com".to_string()];
    let domains = AllowedDomains::listed(["example.com"]);
    let expected = Expected {
        issuers: &issuers,
        client_id: "client.apps.googleusercontent.com",
        nonce: "n0nce",
        skew_secs: 60,
        now: 1_700_000_000,
        domains: &domains,
    };
    let Some((&mode, rest)) = data.split_first() else { return };
    let token = if mode % 2 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        // A correctly signed token whose claims are whatever the fuzzer made.
        let Ok(claims) = serde_json::from_slice::<serde_json::Value>(rest) else { return };
        let file: serde_json::Value = serde_json::from_str(KEY_FILE).unwrap();
        let key = EncodingKey::from_rsa_pem(file["private_key"].as_str().unwrap().as_bytes()).unwrap();
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some("1".into());
        jsonwebtoken::encode(&header, &claims, &key).unwrap()
    };
    match verify(&token, &keys, &expected) {
        Ok(verified) => assert!(!verified.sub.is_empty()),
        Err(_) => {}
    }
});
