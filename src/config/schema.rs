//! The JSON Schema of the configuration, derived from the types above, so that the published
//! copy (`schema/config.schema.json`) cannot drift from what `ds_configure` accepts. A test
//! compares the two; `GOOGLE_DS_WRITE_SCHEMA=1 cargo test --test schema` rewrites the file.

use super::Config;

/// The schema as pretty-printed JSON, ending with a newline.
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(Config);
    schema.insert(
        "title".into(),
        "google-ds connector configuration (ds_configure)".into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    text
}
