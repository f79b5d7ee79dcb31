//! The published JSON Schema of the configuration (`schema/config.schema.json`) must be what
//! the configuration types make of themselves. `GOOGLE_DS_WRITE_SCHEMA=1 cargo test --test
//! schema` rewrites it.

use std::path::Path;

fn committed_path() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/config.schema.json"
    ))
}

#[test]
fn committed_schema_matches_the_code() {
    let generated = google_ds::config::json_schema();
    if std::env::var_os("GOOGLE_DS_WRITE_SCHEMA").is_some() {
        std::fs::write(committed_path(), &generated).unwrap();
    }
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/config.schema.json is stale: regenerate it with `GOOGLE_DS_WRITE_SCHEMA=1 cargo \
         test --test schema` and commit it"
    );
}

/// The emulator's ready configuration, checked against the schema's fields: every key it
/// uses is declared (the schema refuses unknown fields, as `ds_configure` does).
#[test]
fn schema_declares_every_field_of_a_real_configuration() {
    let schema: serde_json::Value =
        serde_json::from_str(&google_ds::config::json_schema()).unwrap();
    assert_eq!(schema["additionalProperties"], false);
    let properties = schema["properties"].as_object().unwrap();
    for field in [
        "key_file",
        "admin_user",
        "scope",
        "http",
        "safeguards",
        "oidc",
        "imap",
    ] {
        assert!(properties.contains_key(field), "no `{field}` in the schema");
    }
    let http = &schema["$defs"]["HttpConfig"]["properties"];
    for field in ["proxy", "no_proxy", "ca_bundle_file", "max_retries"] {
        assert!(http.get(field).is_some(), "no `http.{field}` in the schema");
    }
    assert_eq!(schema["required"], serde_json::json!(["admin_user"]));
}
