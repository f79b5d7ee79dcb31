//! `google-emulator`: serves a local Google for hosts written in other languages and for
//! benchmarks. Writes the key file, the IMAP CA and a connector configuration, prints one JSON
//! line with the addresses and files on stdout, then serves until killed.

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;
use google_emulator::{Emulator, LoadModel, Options, Tenant, TenantSpec};

/// A local stand-in for Google's OAuth and Directory APIs.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Users of the generated tenant (the administrator included).
    #[arg(long, default_value_t = 1000)]
    users: usize,
    /// Groups of the generated tenant.
    #[arg(long, default_value_t = 50)]
    groups: usize,
    /// Domains of the generated tenant: example.com, example.org, example.net, example4.com…
    #[arg(long, default_value_t = 1)]
    domains: usize,
    /// Seed of the generated tenant; the same seed gives the same directory.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Serve this tenant (JSON, as written by --save-tenant) instead of generating one.
    #[arg(long)]
    tenant: Option<PathBuf>,
    /// Write the tenant as JSON to this file once it is built.
    #[arg(long)]
    save_tenant: Option<PathBuf>,
    /// Where to write the key file and connector configuration (default: a new temp dir).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Latency added to every response, in milliseconds.
    #[arg(long, default_value_t = 0.0)]
    latency_ms: f64,
    /// Latency added per KiB of response body, in microseconds.
    #[arg(long, default_value_t = 0.0)]
    per_kib_us: f64,
    /// Directory requests allowed per admin user in any 60 seconds (Google's is 2400).
    #[arg(long)]
    quota_per_minute: Option<u32>,
    /// Directory requests one admin user may have in flight.
    #[arg(long)]
    max_concurrent: Option<u32>,
}

fn main() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"))
        .target(env_logger::Target::Stderr)
        .init();
    if let Err(error) = run(Args::parse()) {
        eprintln!("google-emulator: {error}");
        std::process::exit(1);
    }
}

fn run(args: Args) -> Result<(), String> {
    let tenant = match &args.tenant {
        Some(path) => TenantSpec::Loaded(load_tenant(path)?),
        None => TenantSpec::Generated {
            seed: args.seed,
            users: args.users,
            groups: args.groups,
            domains: args.domains,
        },
    };
    let options = Options {
        tenant,
        port: args.port,
        load: LoadModel {
            fixed_latency_ms: args.latency_ms,
            per_kib_latency_us: args.per_kib_us,
            quota_per_minute: args.quota_per_minute,
            max_concurrent_per_user: args.max_concurrent,
        },
        ..Options::default()
    };
    let emulator =
        Emulator::start(options).map_err(|e| format!("could not start the server: {e}"))?;

    if let Some(path) = &args.save_tenant {
        let json = serde_json::to_string_pretty(&emulator.tenant())
            .map_err(|e| format!("could not serialise the tenant: {e}"))?;
        std::fs::write(path, json)
            .map_err(|e| format!("could not write the tenant to {}: {e}", path.display()))?;
    }

    let dir = match &args.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("could not create --dir {}: {e}", dir.display()))?;
            dir.clone()
        }
        None => tempfile::Builder::new()
            .prefix("google-emulator-")
            .tempdir()
            .map_err(|e| format!("could not create a temporary directory: {e}"))?
            .keep(),
    };
    let key_file = dir.join("service-account.json");
    emulator
        .write_key_file(&key_file)
        .map_err(|e| format!("could not write {}: {e}", key_file.display()))?;
    let config_file = dir.join("connector.json");
    let config = emulator.connector_config(&key_file);
    let config_ca_file = config["imap"]["ca_file"].clone();
    let config = serde_json::to_string_pretty(&config)
        .map_err(|e| format!("could not serialise the configuration: {e}"))?;
    std::fs::write(&config_file, config)
        .map_err(|e| format!("could not write {}: {e}", config_file.display()))?;

    let ready = serde_json::json!({
        "base_url": emulator.base_url(),
        "token_uri": emulator.token_uri(),
        "directory_url": emulator.directory_url(),
        "key_file": key_file,
        "config_file": config_file,
        "admin": emulator.admin_email(),
        "client_id": emulator.client_id(),
        "customer_id": emulator.customer_id(),
        "domains": emulator.domains(),
        "issuer": emulator.issuer(),
        "imap_port": emulator.imap_port(),
        "imap_ca_file": config_ca_file,
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{ready}").map_err(|e| format!("could not write to stdout: {e}"))?;
    stdout
        .flush()
        .map_err(|e| format!("could not write to stdout: {e}"))?;
    drop(stdout);

    let tenant = emulator.tenant();
    eprintln!(
        "google-emulator: serving {} users and {} groups of {} at {}",
        tenant.users.len(),
        tenant.groups.len(),
        tenant.customer_id,
        emulator.base_url()
    );
    eprintln!("  key file:      {}", key_file.display());
    eprintln!("  configuration: {}", config_file.display());
    eprintln!("  control API:   {}/_emulator/state", emulator.base_url());
    eprintln!("  IMAP (TLS):    127.0.0.1:{}", emulator.imap_port());
    eprintln!("stop with Ctrl-C or SIGTERM");

    loop {
        std::thread::park();
    }
}

fn load_tenant(path: &PathBuf) -> Result<Tenant, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("could not read --tenant {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "--tenant {} is not a tenant file (write one with --save-tenant): {e}",
            path.display()
        )
    })
}
