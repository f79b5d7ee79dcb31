//! What the integration tests share: the built shared library loaded through its C ABI (as a
//! host loads it), an emulator of Google on a loopback port, and a host that records changes.
#![allow(dead_code)]

pub mod proxy;
pub mod signin;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use google_emulator::{Emulator, FaultKind, MemberType, Options, Tenant, TenantSpec};
use host_example::library::{Applied, Change, Hooks, HostUser, Library, RunOutcome};
use host_example::store::UserStore;
use serde_json::Value;

/// The shared library cargo built for this test run (found as host-example finds it).
pub fn library_path() -> PathBuf {
    host_example::library::default_path()
}

pub fn lib() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| Library::load(&library_path()).expect("load libgoogle_ds"))
}

/// A running emulator with a tenant, a key file and a connector configuration for it.
pub struct Env {
    pub emulator: Emulator,
    pub dir: tempfile::TempDir,
    pub config: Value,
}

impl Env {
    pub fn new(seed: u64, users: usize, groups: usize) -> Env {
        Env::with_options(Options {
            tenant: TenantSpec::generated(seed, users, groups),
            ..Options::default()
        })
    }

    pub fn with_options(options: Options) -> Env {
        let emulator = Emulator::start(options).expect("start the emulator");
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("key.json");
        emulator.write_key_file(&key_file).unwrap();
        let mut config = emulator.connector_config(&key_file);
        // Fast retries: the tests inject faults and must not wait for Google's real backoff.
        config["http"]["initial_backoff_ms"] = 5.into();
        config["http"]["max_backoff_ms"] = 50.into();
        config["log_level"] = "debug".into();
        Env {
            emulator,
            dir,
            config,
        }
    }

    /// The configuration with `patch` merged in (objects merged key by key).
    pub fn config_with(&self, patch: Value) -> String {
        let mut config = self.config.clone();
        merge(&mut config, patch);
        config.to_string()
    }

    /// Writes the configuration as `config.json` in the test's folder, for a program to read.
    pub fn write_config(&self) -> PathBuf {
        let path = self.dir.path().join("config.json");
        std::fs::write(&path, self.config.to_string()).unwrap();
        path
    }

    pub fn tenant(&self) -> Tenant {
        self.emulator.tenant()
    }
}

pub fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (key, value) in patch {
                merge(base.entry(key).or_insert(Value::Null), value);
            }
        }
        (base, patch) => *base = patch,
    }
}

/// The logins the sync should create for a tenant: active users, optionally only the
/// members (transitively) of `groups`. Computed from the tenant's own data, independently of
/// the library.
pub fn expected_logins(tenant: &Tenant, groups: &[&str]) -> BTreeSet<String> {
    let active = tenant.users.iter().filter(|u| !u.suspended && !u.archived);
    if groups.is_empty() {
        return active.map(|u| u.primary_email.to_lowercase()).collect();
    }
    let mut ids = HashSet::new();
    let mut whole = false;
    let by_key: HashMap<String, usize> = tenant
        .groups
        .iter()
        .enumerate()
        .flat_map(|(i, g)| {
            std::iter::once((g.id.clone(), i))
                .chain(g.addresses().map(move |a| (a.to_lowercase(), i)))
        })
        .collect();
    let mut stack: Vec<usize> = groups.iter().map(|g| by_key[&g.to_lowercase()]).collect();
    let mut visited = HashSet::new();
    while let Some(i) = stack.pop() {
        if !visited.insert(i) {
            continue;
        }
        for m in &tenant.groups[i].members {
            match m.member_type {
                MemberType::User => {
                    ids.insert(m.id.clone());
                }
                MemberType::Group => stack.push(by_key[&m.id]),
                MemberType::Customer => whole = true,
                MemberType::External => {}
            }
        }
    }
    active
        .filter(|u| whole || ids.contains(&u.id))
        .map(|u| u.primary_email.to_lowercase())
        .collect()
}

/// A host that keeps its users in a store and records what the library asked of it.
#[derive(Default)]
pub struct Recorder {
    pub store: UserStore,
    pub applied: Vec<Change>,
    pub attempted: usize,
    pub fail_logins: HashSet<String>,
    pub stop_at: Option<usize>,
    pub cancel_after: Option<usize>,
    pub logs: Vec<(i32, String, String)>,
    pub progress_calls: usize,
}

impl Hooks for Recorder {
    fn log(&mut self, level: i32, target: &str, message: &str) {
        self.logs
            .push((level, target.to_string(), message.to_string()));
    }

    fn progress(&mut self, _phase: &str, _done: u64, _total: u64) {
        self.progress_calls += 1;
    }

    fn cancelled(&mut self) -> bool {
        self.cancel_after.is_some_and(|n| self.attempted >= n)
    }

    fn apply(&mut self, change: &Change) -> Applied {
        self.attempted += 1;
        if self.stop_at == Some(self.attempted) {
            return Applied::Stop;
        }
        if self.fail_logins.contains(&change.login) {
            return Applied::Failed(format!("disk full while writing {}", change.login));
        }
        if let Err(e) = self.store.apply(change) {
            return Applied::Failed(e);
        }
        self.applied.push(change.clone());
        Applied::Ok
    }
}

impl Recorder {
    pub fn with_store(store: UserStore) -> Recorder {
        Recorder {
            store,
            ..Recorder::default()
        }
    }

    pub fn host_users(&self) -> Vec<HostUser> {
        self.store.host_users()
    }

    /// The changes applied for users other than the tenant's administrator, whom a test must
    /// not remove or rename (the connector acts as that user).
    pub fn ordinary(&self, env: &Env) -> Vec<Change> {
        let admin = env.emulator.admin_email();
        self.applied
            .iter()
            .filter(|c| c.login != admin)
            .cloned()
            .collect()
    }

    pub fn logins(&self) -> BTreeSet<String> {
        self.store.users.keys().cloned().collect()
    }
}

/// The changes of a report as (kind, login) pairs.
pub fn planned(report: &Value) -> Vec<(String, String)> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["login"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub fn report(outcome: &RunOutcome) -> &Value {
    outcome.report.as_ref().unwrap_or_else(|| {
        panic!(
            "no report; status {} error {:?}",
            outcome.status_name, outcome.error
        )
    })
}

pub fn count(report: &Value, key: &str) -> u64 {
    report["counts"][key].as_u64().unwrap()
}

/// Runs a sync of `recorder`'s users and returns the outcome.
pub fn sync(config: &str, recorder: &mut Recorder) -> RunOutcome {
    let connector = lib().configure(config).expect("configure");
    let users = recorder.host_users();
    connector.sync(&users, recorder)
}

pub fn dry_run(config: &str, recorder: &mut Recorder) -> RunOutcome {
    let connector = lib().configure(config).expect("configure");
    let users = recorder.host_users();
    connector.test(&users, recorder)
}

/// Checks what an example host (tests/c, hosts/python, hosts/csharp) printed after configuring,
/// syncing twice and signing two users in: every user created, then unchanged, both sign-ins,
/// and a wrong password refused with its reason.
pub fn assert_example_host_ran(
    label: &str,
    output: &std::process::Output,
    expected: usize,
    signed_in: &[&str],
) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the {label} failed:\n{stdout}\n{stderr}"
    );
    let summary = format!(
        "{label}: created={expected} unchanged={expected} signed_in={}",
        signed_in.join(",")
    );
    assert!(stdout.contains(&summary), "{stdout}");
    assert!(stdout.contains("refused (wrong_password)"), "{stdout}");
}

/// Every fault the emulator injects into a listing, with a stall longer than the tests'
/// 1-second read timeout.
pub const LISTING_FAULTS: [FaultKind; 11] = [
    FaultKind::Status429,
    FaultKind::UserRateLimit403,
    FaultKind::QuotaExceeded403,
    FaultKind::Status500,
    FaultKind::BackendError503,
    FaultKind::ResetConnection,
    FaultKind::Stall { ms: 1500 },
    FaultKind::TruncatedJson,
    FaultKind::ExpireToken,
    FaultKind::RepeatPageToken,
    FaultKind::MissingItemsKey,
];
