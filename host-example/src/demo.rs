//! `host-example demo`: a whole round against a local emulator of Google, with nothing needed
//! from Google itself. Dry run, sync, then changes in Google and a second sync that shows the
//! rename, the new user and the deletion.

use std::path::Path;

use google_emulator::{Emulator, Options, TenantSpec};

use crate::hooks::StoreHooks;
use crate::library::{HostUser, Library};
use crate::print;
use crate::signin;
use crate::store::{StoredUser, UserStore};

pub struct DemoArgs {
    pub users: usize,
    pub groups: usize,
    pub seed: u64,
}

/// A local account of the host that the directory does not manage: no sync may touch it.
const LOCAL_ACCOUNT: &str = "archive-operator";

pub fn run(lib: &Library, args: &DemoArgs) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("google-ds-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let result = run_in(lib, args, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_in(lib: &Library, args: &DemoArgs, dir: &Path) -> Result<(), String> {
    let options = Options {
        tenant: TenantSpec::generated(args.seed, args.users, args.groups),
        ..Options::default()
    };
    let emulator =
        Emulator::start(options).map_err(|e| format!("cannot start the emulator: {e}"))?;
    let key_file = dir.join("service-account.json");
    emulator
        .write_key_file(&key_file)
        .map_err(|e| format!("cannot write the key file: {e}"))?;
    let config = emulator.connector_config(&key_file);

    println!("google-ds demo");
    println!(
        "  library   {} (version {})",
        lib.path.display(),
        lib.version()
    );
    println!(
        "  emulator  {} with a tenant of {} users in {} groups (seed {}), admin {}",
        emulator.base_url(),
        args.users,
        args.groups,
        args.seed,
        emulator.admin_email()
    );
    let mut shown = config.clone();
    if shown["oidc"]["client_secret"].is_string() {
        // A secret stays off the screen, even the emulator's.
        shown["oidc"]["client_secret"] = serde_json::json!("***");
    }
    println!("  config    {shown}");

    let connector = lib
        .configure(&config.to_string())
        .map_err(|e| e.to_string())?;
    let mut store = UserStore::default();
    store.users.insert(
        LOCAL_ACCOUNT.to_string(),
        StoredUser {
            managed: false,
            full_name: "Archive operator".into(),
            ..StoredUser::default()
        },
    );

    step("1. Dry run against a host with one local account the directory does not manage");
    let outcome = connector.test(&store.host_users(), &mut StoreHooks::dry_run());
    let report = outcome
        .report
        .ok_or_else(|| describe(&outcome.status_name, &outcome.error))?;
    println!("{}", print::summary(&report));
    println!("{}", print::changes_table(&report));
    check(outcome.status == 0, &outcome.status_name, &outcome.error)?;

    step("2. Sync");
    sync(&connector, &mut store)?;

    step("3. Dry run again: nothing changed in Google, so nothing to do");
    let outcome = connector.test(&store.host_users(), &mut StoreHooks::dry_run());
    let report = outcome
        .report
        .ok_or_else(|| describe(&outcome.status_name, &outcome.error))?;
    println!("{}", print::summary(&report));

    step("4. Changes in Google");
    let (renamed_from, renamed_to, removed, added) = change_tenant(&emulator)?;
    println!("  renamed   {renamed_from} -> {renamed_to}");
    println!("  removed   {removed}");
    println!("  added     {added}");

    step("5. Sync again: the rename is an update of the same person, not a delete and create");
    sync(&connector, &mut store)?;

    let renamed = store
        .users
        .get(&renamed_to)
        .ok_or("the renamed user is missing")?;
    println!(
        "\n  {renamed_to} kept Google id {} across the rename; {} is gone; {} was created; the \
         local account {LOCAL_ACCOUNT} is untouched.",
        renamed.google_id.as_deref().unwrap_or("?"),
        removed,
        added
    );
    if store.users.contains_key(&removed) || !store.users.contains_key(&added) {
        return Err("the second sync did not give the expected result".into());
    }
    if !store.users.contains_key(LOCAL_ACCOUNT) {
        return Err("the local account was touched".into());
    }

    step(&format!(
        "6. Sign-in: {renamed_to} logs on to the archive, with Google and with an app password"
    ));
    sign_in(
        &connector,
        &config,
        &renamed_to,
        renamed.google_id.as_deref(),
    )
}

/// Signs one user in both ways, and shows a wrong password refused.
fn sign_in(
    connector: &crate::library::Connector<'_>,
    config: &serde_json::Value,
    email: &str,
    google_id: Option<&str>,
) -> Result<(), String> {
    println!("  Sign in with Google (OpenID Connect, authorization code with PKCE):");
    let answer = signin::browser_sign_in(connector, config, Some(email), &|line| {
        println!("    {line}")
    })
    .map_err(|e| e.to_string())?;
    println!("    {}", signin::describe(&answer));
    let expected = |answer: &crate::library::SignInAnswer| {
        answer.signed_in()
            && answer.field("login") == email
            && google_id.is_none_or(|id| answer.field("google_id") == id)
    };
    if !expected(&answer) {
        return Err(format!("the sign-in did not map to {email}"));
    }

    println!("  App password over IMAP (for clients without a browser):");
    let password = Emulator::demo_app_password(email);
    let request = serde_json::json!({"login": email, "password": password});
    let answer = connector.authenticate(&request, None);
    println!("    {}", signin::describe(&answer));
    if !expected(&answer) {
        return Err(format!("the app password of {email} was not accepted"));
    }
    let request = serde_json::json!({"login": email, "password": "wrong password"});
    let answer = connector.authenticate(&request, None);
    println!("    with a wrong password: {}", signin::describe(&answer));
    if answer.reason() != Some("wrong_password") {
        return Err("a wrong password was not refused as one".into());
    }
    Ok(())
}

fn sync(connector: &crate::library::Connector<'_>, store: &mut UserStore) -> Result<(), String> {
    let users: Vec<HostUser> = store.host_users();
    let outcome = connector.sync(&users, &mut StoreHooks::applying(store));
    let report = outcome
        .report
        .ok_or_else(|| describe(&outcome.status_name, &outcome.error))?;
    println!("{}", print::summary(&report));
    println!("{}", print::changes_table(&report));
    println!(
        "  host now has {} user(s), {} managed by the directory",
        store.users.len(),
        store.managed_count()
    );
    check(outcome.status == 0, &outcome.status_name, &outcome.error)
}

/// Renames one user, removes another and adds a new one, as an administrator would in the
/// Admin console.
fn change_tenant(emulator: &Emulator) -> Result<(String, String, String, String), String> {
    let admin = emulator.admin_email();
    emulator.with_tenant(|tenant| {
        let mut candidates = tenant
            .users
            .iter()
            .filter(|u| !u.suspended && !u.archived && u.primary_email != admin)
            .map(|u| u.primary_email.clone());
        let rename = candidates.next().ok_or("the tenant has too few users")?;
        let remove = candidates.next().ok_or("the tenant has too few users")?;
        let domain = tenant.primary_domain().to_string();
        let renamed_to = format!("renamed.{}", rename);
        tenant
            .rename_user(&rename, &renamed_to)
            .map_err(|e| e.to_string())?;
        tenant.remove_user(&remove).map_err(|e| e.to_string())?;
        let added = format!("new.hire@{domain}");
        tenant
            .add_user(&added, "New", "Hire")
            .map_err(|e| e.to_string())?;
        Ok((rename, renamed_to, remove, added))
    })
}

fn step(title: &str) {
    println!("\n{title}");
}

fn describe(status: &str, error: &Option<String>) -> String {
    format!("{status}: {}", error.as_deref().unwrap_or("no message"))
}

fn check(ok: bool, status: &str, error: &Option<String>) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(describe(status, error))
    }
}
