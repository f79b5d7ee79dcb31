//! The emulator in a process of its own, so that its memory and CPU do not count as the host's.
//! Prints one JSON line (addresses, files, the groups a group scenario syncs, an ID token for
//! the sign-in measurement), then serves until its stdin closes.

use std::io::Read;
use std::path::PathBuf;

use google_emulator::{Emulator, IdTokenRequest, LoadModel, Options, TenantSpec};
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    users: usize,
    #[arg(long)]
    groups: usize,
    #[arg(long, default_value_t = 1)]
    domains: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write the key file.
    #[arg(long)]
    dir: PathBuf,
    /// How many groups to name for a group scenario.
    #[arg(long, default_value_t = 0)]
    pick_groups: usize,
}

pub fn run(args: Args) -> Result<(), String> {
    let options = Options {
        tenant: TenantSpec::Generated {
            seed: args.seed,
            users: args.users,
            groups: args.groups,
            domains: args.domains,
        },
        load: LoadModel::default(),
        ..Options::default()
    };
    let emulator = Emulator::start(options).map_err(|e| format!("emulator: {e}"))?;
    std::fs::create_dir_all(&args.dir).map_err(|e| e.to_string())?;
    let key_file = args.dir.join("service-account.json");
    emulator
        .write_key_file(&key_file)
        .map_err(|e| e.to_string())?;
    let config = emulator.connector_config(&key_file);

    let tenant = emulator.tenant();
    // Group 0 holds the whole organisation (a CUSTOMER member); a group scenario takes the
    // ones after it, which include the large groups and the nested chains.
    let groups: Vec<String> = tenant
        .groups
        .iter()
        .skip(1)
        .take(args.pick_groups)
        .map(|g| g.email.clone())
        .collect();
    let signer = tenant
        .users
        .iter()
        .find(|u| !u.suspended && !u.archived && !u.is_admin)
        .map(|u| u.primary_email.clone())
        .unwrap_or_default();
    let mut request = IdTokenRequest::new(&signer);
    request.nonce = Some("bench-nonce".into());
    request.lifetime_secs = Some(3600);
    let id_token = emulator.mint_id_token(request);
    drop(tenant);

    let line = json!({
        "base_url": emulator.base_url(),
        "key_file": key_file,
        "admin": emulator.admin_email(),
        "domains": emulator.domains(),
        "config": config,
        "groups": groups,
        "id_token": id_token,
        "nonce": "bench-nonce",
    });
    println!("{line}");

    // Serve until the parent closes our stdin (or dies).
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(emulator);
    Ok(())
}
