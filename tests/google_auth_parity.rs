//! Our JWT-bearer assertion against the one Google's own library (google-auth 2.63) made from
//! the same key, clock, subject and scopes (see tests/data/README.md).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use google_ds::google::credentials::ServiceAccount;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde_json::{json, Value};

const KEY_FILE: &str = include_str!("data/service_account.json");
const PUBLIC_KEY: &str = include_str!("data/privatekey.pub");
const NOW: u64 = 1_704_067_200; // 2024-01-01T00:00:00Z
const SCOPES: [&str; 3] = [
    "https://www.googleapis.com/auth/admin.directory.user.readonly",
    "https://www.googleapis.com/auth/admin.directory.group.readonly",
    "https://www.googleapis.com/auth/admin.directory.group.member.readonly",
];
/// The assertion google-auth produced, verbatim.
const GOOGLE_AUTH_ASSERTION: &str = "eyJ0eXAiOiAiSldUIiwgImFsZyI6ICJSUzI1NiIsICJraWQiOiAiMSJ9.eyJpYXQiOiAxNzA0MDY3MjAwLCAiZXhwIjogMTcwNDA3MDgwMCwgImlzcyI6ICJzZXJ2aWNlLWFjY291bnRAZXhhbXBsZS5jb20iLCAiYXVkIjogImh0dHBzOi8vb2F1dGgyLmdvb2dsZWFwaXMuY29tL3Rva2VuIiwgInNjb3BlIjogImh0dHBzOi8vd3d3Lmdvb2dsZWFwaXMuY29tL2F1dGgvYWRtaW4uZGlyZWN0b3J5LnVzZXIucmVhZG9ubHkgaHR0cHM6Ly93d3cuZ29vZ2xlYXBpcy5jb20vYXV0aC9hZG1pbi5kaXJlY3RvcnkuZ3JvdXAucmVhZG9ubHkgaHR0cHM6Ly93d3cuZ29vZ2xlYXBpcy5jb20vYXV0aC9hZG1pbi5kaXJlY3RvcnkuZ3JvdXAubWVtYmVyLnJlYWRvbmx5IiwgInN1YiI6ICJhZG1pbkBleGFtcGxlLmNvbSJ9.3JVA9WyC04w4NHAhTx_c-iuxYIP_LApCWR1ZxTJBv4DVS-UEzDGuY3Ewvf8uR1gIqbmAFZkmykNWo_8nu3oNuLM0t0Fh_vNPbNEAeNibZokE_FPtB0qzDbwwksPffzqWB-AGbbFp-ye7bmYCTa0gtUQcV9s_yGQDzPD1c6s1N6MNCia35wr1BGu0rJn6sejDa8EwbrKvzdJ5YfWfUOYMM0omBsKgE-PBLR2EEWQbi7163KfLsaSMjcAaODBtrBve-Al8OJyERrLxo0CltK9KgkLH02LatoHYx2iHoH_5m5Q7LaW1R8ya5jsX9SDNQsJtU9_c9WygYLxItOXn_Yz5xQ";

fn parts(jwt: &str) -> (Value, Value, &str, String) {
    let mut split = jwt.split('.');
    let (header, claims, signature) = (
        split.next().unwrap(),
        split.next().unwrap(),
        split.next().unwrap(),
    );
    assert!(split.next().is_none(), "a JWT has three parts");
    let decode = |part: &str| -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    };
    (
        decode(header),
        decode(claims),
        signature,
        format!("{header}.{claims}"),
    )
}

fn verifies(jwt: &str) -> bool {
    let (_, _, signature, signing_input) = parts(jwt);
    let key = DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).unwrap();
    jsonwebtoken::crypto::verify(signature, signing_input.as_bytes(), &key, Algorithm::RS256)
        .unwrap()
}

#[test]
fn same_header_and_claims_as_google_auth() {
    let account = ServiceAccount::from_json(KEY_FILE).unwrap();
    let ours = account
        .assertion("admin@example.com", &SCOPES, NOW)
        .unwrap();
    let (our_header, our_claims, _, _) = parts(&ours);
    let (google_header, google_claims, _, _) = parts(GOOGLE_AUTH_ASSERTION);
    assert_eq!(our_header, google_header);
    assert_eq!(our_claims, google_claims);
    assert_eq!(
        our_header,
        json!({"typ": "JWT", "alg": "RS256", "kid": "1"})
    );
    // aud is Google's fixed token audience even though this key file names the old token_uri.
    assert_eq!(our_claims["aud"], "https://oauth2.googleapis.com/token");
    assert_eq!(
        account.token_uri,
        "https://accounts.google.com/o/oauth2/token"
    );
}

#[test]
fn our_signature_verifies_with_the_public_key() {
    let account = ServiceAccount::from_json(KEY_FILE).unwrap();
    let ours = account
        .assertion("admin@example.com", &SCOPES, NOW)
        .unwrap();
    assert!(verifies(&ours));
    assert!(
        verifies(GOOGLE_AUTH_ASSERTION),
        "the reference assertion verifies too"
    );

    // The same signature over other claims must not verify.
    let (_, mut claims, signature, _) = parts(&ours);
    claims["sub"] = json!("intruder@example.com");
    let header = ours.split('.').next().unwrap();
    let forged_claims = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    assert!(!verifies(&format!("{header}.{forged_claims}.{signature}")));
}

#[test]
fn same_key_signs_google_auths_bytes_identically() {
    // RS256 (PKCS#1 v1.5) is deterministic: over google-auth's exact signing input, the key as
    // we load it must give google-auth's exact signature.
    let file: Value = serde_json::from_str(KEY_FILE).unwrap();
    let key = EncodingKey::from_rsa_pem(file["private_key"].as_str().unwrap().as_bytes()).unwrap();
    let (_, _, signature, signing_input) = parts(GOOGLE_AUTH_ASSERTION);
    let ours =
        jsonwebtoken::crypto::sign(signing_input.as_bytes(), &key, Algorithm::RS256).unwrap();
    assert_eq!(ours, signature);
}
