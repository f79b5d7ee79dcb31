//! `host-example check-config FILE`: is this configuration one the library accepts, and do
//! the files it names exist? Nothing is sent to Google (`test` does that).

use std::path::Path;

use serde_json::Value;

use crate::library::Library;

/// What is wrong, in the library's words (which name the field), or a note per check passed.
pub fn check_config(lib: &Library, path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let config: Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{} is not valid JSON: {e} (line {}, column {})",
            path.display(),
            e.line(),
            e.column()
        )
    })?;

    // The library's own checks: every field, the key file, the CA bundle.
    lib.configure(&text).map_err(|e| e.message)?;

    let mut notes = vec![format!(
        "the library accepts it (admin {}, {})",
        text_of(&config["admin_user"]),
        match &config["key_file"] {
            Value::String(key_file) => format!("key file {key_file}"),
            _ => "inline key".to_string(),
        }
    )];
    // Files the library reads only when it needs them: checked here, so that a typo shows
    // before the first sign-in or the first deletion.
    if let Some(ca_file) = config["imap"]["ca_file"].as_str() {
        pem_certificates("imap.ca_file", ca_file)?;
        notes.push(format!("imap.ca_file {ca_file} holds certificates"));
    }
    if let Some(state_file) = config["safeguards"]["state_file"].as_str() {
        let parent = Path::new(state_file)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(format!(
                "configuration field `safeguards.state_file`: the folder {} does not exist; \
                 create it or name a file in an existing folder",
                parent.display()
            ));
        }
        notes.push(format!("safeguards.state_file {state_file} can be kept"));
    }
    if let Some(proxy) = config["http"]["proxy"].as_str() {
        notes.push(format!("requests go through the proxy {}", redacted(proxy)));
    }
    if config["oidc"].is_object() && config["oidc"]["client_secret"].is_null() {
        notes.push(
            "oidc has no client_secret: ID tokens can be checked, codes cannot be exchanged"
                .to_string(),
        );
    }
    Ok(notes)
}

fn text_of(value: &Value) -> String {
    value.as_str().unwrap_or("?").to_string()
}

fn pem_certificates(field: &str, path: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("configuration field `{field}`: cannot read {path}: {e}"))?;
    if !text.contains("-----BEGIN CERTIFICATE-----") {
        return Err(format!(
            "configuration field `{field}`: {path} holds no PEM certificate (-----BEGIN \
             CERTIFICATE-----)"
        ));
    }
    Ok(())
}

/// A proxy URL without its password.
fn redacted(proxy: &str) -> String {
    match url::Url::parse(proxy) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => proxy.to_string(),
    }
}
