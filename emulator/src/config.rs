//! Files a customer would have: the service-account key file downloaded from the Cloud
//! console, and a connector configuration pointing at this emulator.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::state::Shared;

/// The key file of the first service account, with its first live key that has a private
/// half; `None` when the tenant has none.
pub(crate) fn key_file(shared: &Shared) -> Option<Value> {
    let live = shared.read();
    let tenant = &live.tenant;
    let (account, key) = tenant.service_accounts.iter().find_map(|account| {
        account
            .keys
            .iter()
            .find(|key| {
                key.private_key_pem.is_some() && !account.revoked_key_ids.contains(&key.key_id)
            })
            .map(|key| (account, key))
    })?;
    let email_in_path = account.client_email.replace('@', "%40");
    Some(json!({
        "type": "service_account",
        "project_id": tenant.project_id,
        "private_key_id": key.key_id,
        "private_key": key.private_key_pem,
        "client_email": account.client_email,
        "client_id": account.client_id,
        "auth_uri": format!("{}/o/oauth2/auth", shared.base_url),
        "token_uri": shared.token_uri(),
        "auth_provider_x509_cert_url": format!("{}/oauth2/v1/certs", shared.base_url),
        "client_x509_cert_url": format!(
            "{}/robot/v1/metadata/x509/{email_in_path}",
            shared.base_url
        ),
        "universe_domain": "googleapis.com",
    }))
}

/// Where the IMAP CA certificate goes: beside the key file.
pub(crate) fn imap_ca_file(key_file: &Path) -> PathBuf {
    key_file.with_file_name("imap-ca.pem")
}

/// Where the HTTPS CA certificate goes (HTTPS mode): beside the key file.
pub(crate) fn https_ca_file(key_file: &Path) -> PathBuf {
    key_file.with_file_name("https-ca.pem")
}

/// A configuration for the google-ds library that syncs this emulator's tenant with the key
/// file at `key_file` and checks sign-ins against it.
pub(crate) fn connector_config(shared: &Shared, key_file: &Path) -> Value {
    let client = shared.read().tenant.oauth_clients.first().cloned();
    let mut config = json!({
        "key_file": key_file.to_string_lossy(),
        "admin_user": shared.admin_email(),
        "scope": { "customer": "my_customer" },
        "delete_removed_users": true,
        "default_privileges": ["archive:read-own"],
        "google": { "directory_url": format!("{}/admin/directory/v1/", shared.base_url) },
        "http": { "initial_backoff_ms": 50 },
        "imap": {
            "host": "127.0.0.1",
            "port": shared.imap_port,
            "ca_file": imap_ca_file(key_file).to_string_lossy(),
        },
    });
    if shared.https_ca_pem.is_some() {
        config["http"]["ca_bundle_file"] = https_ca_file(key_file).to_string_lossy().into();
    }
    if let Some(client) = client {
        config["oidc"] = json!({
            "issuer": shared.base_url,
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "redirect_uris": client.redirect_uris,
        });
    }
    config
}
