//! The lower bound a load model allows: no client can list the data faster than the longest
//! chain of pages that must follow one another (each page needs the previous page's token),
//! than all the latency it must wait for spread over the concurrent requests allowed, or than
//! the fewest requests the data needs at the per-user quota.
//!
//! The pages are fetched once here, with no latency, asking only for the fields a sync needs,
//! to learn their sizes; the load model then prices each one.

use google_ds::google::credentials::ServiceAccount;
use serde::Serialize;
use serde_json::Value;

use crate::process::EmulatorProcess;

const USERS: &str = "https://www.googleapis.com/auth/admin.directory.user.readonly";
const MEMBERS: &str = "https://www.googleapis.com/auth/admin.directory.group.member.readonly";
/// What a sync needs of a user and of a member; nothing less will do.
const USER_FIELDS: &str =
    "nextPageToken,users(id,primaryEmail,name/fullName,aliases,nonEditableAliases,suspended,archived,orgUnitPath)";
const MEMBER_FIELDS: &str = "nextPageToken,members(id,type)";

#[derive(Clone, Copy, Debug, Serialize)]
pub struct LoadSpec {
    pub fixed_latency_ms: f64,
    pub per_kib_latency_us: f64,
    pub quota_per_minute: u32,
    pub max_concurrent: u32,
}

impl LoadSpec {
    fn latency_s(&self, bytes: usize) -> f64 {
        (self.fixed_latency_ms * 1000.0 + self.per_kib_latency_us * bytes as f64 / 1024.0) / 1e6
    }

    pub fn as_emulator_json(&self) -> Value {
        serde_json::json!({
            "fixed_latency_ms": self.fixed_latency_ms,
            "per_kib_latency_us": self.per_kib_latency_us,
            "quota_per_minute": self.quota_per_minute,
            "max_concurrent_per_user": self.max_concurrent,
        })
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Bound {
    pub seconds: f64,
    /// The token request plus the longest chain of pages.
    pub chain_s: f64,
    pub chain_pages: usize,
    /// All latency over the allowed concurrency.
    pub concurrency_s: f64,
    /// The fewest requests at the quota.
    pub quota_s: f64,
    pub requests: usize,
    /// What the simplest fast client measures against the emulator (see `floor`).
    pub floor_s: f64,
}

/// What a scenario lists: users of the customer or of each domain, and members of groups.
pub struct Listings<'a> {
    pub domains: &'a [String],
    pub groups: &'a [String],
}

pub fn lower_bound(
    emulator: &EmulatorProcess,
    load: &LoadSpec,
    what: &Listings,
) -> Result<Bound, String> {
    let client = reqwest::blocking::Client::builder()
        .gzip(true)
        .build()
        .map_err(|e| e.to_string())?;
    // The token request: its answer is about 130 bytes.
    let token_latency = load.latency_s(130);
    let access_token = token(&client, emulator)?;
    let mut chains: Vec<Vec<usize>> = Vec::new();
    for (url, query) in listings(emulator.base_url(), what) {
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        chains.push(page_sizes(&client, &url, &query, &access_token)?);
    }

    let chain_latency = |chain: &Vec<usize>| chain.iter().map(|b| load.latency_s(*b)).sum::<f64>();
    let longest = chains
        .iter()
        .max_by(|a, b| chain_latency(a).total_cmp(&chain_latency(b)))
        .cloned()
        .unwrap_or_default();
    let total: f64 = token_latency + chains.iter().map(chain_latency).sum::<f64>();
    let requests = 1 + chains.iter().map(Vec::len).sum::<usize>();
    let chain_s = token_latency + chain_latency(&longest);
    let concurrency_s = total / load.max_concurrent.max(1) as f64;
    let quota = load.quota_per_minute.max(1) as usize;
    let quota_s = ((requests - 1) / quota) as f64 * 60.0;
    Ok(Bound {
        seconds: chain_s.max(concurrency_s).max(quota_s),
        chain_s,
        chain_pages: longest.len(),
        concurrency_s,
        quota_s,
        requests,
        floor_s: 0.0,
    })
}

/// Every listing a scenario needs: its URL and query.
fn listings(base: &str, what: &Listings) -> Vec<(String, Vec<(&'static str, String)>)> {
    let mut all = Vec::new();
    let user_sources: Vec<(&'static str, String)> = if what.domains.is_empty() {
        vec![("customer", "my_customer".to_string())]
    } else {
        what.domains.iter().map(|d| ("domain", d.clone())).collect()
    };
    for (key, value) in user_sources {
        all.push((
            format!("{base}/admin/directory/v1/users"),
            vec![
                (key, value),
                ("maxResults", "500".into()),
                ("fields", USER_FIELDS.into()),
            ],
        ));
    }
    for group in what.groups {
        all.push((
            format!("{base}/admin/directory/v1/groups/{group}/members"),
            vec![
                ("includeDerivedMembership", "true".into()),
                ("maxResults", "200".into()),
                ("fields", MEMBER_FIELDS.into()),
            ],
        ));
    }
    all
}

/// What the simplest fast client measures against this emulator with its load model on: a
/// token, then every listing with the fewest fields, as many at once as the model allows, each
/// page requested as soon as the previous one's token is read. This is the lower bound as the
/// emulator really delivers it (its timer and its own work add to the model's latency); the
/// connector's time over it is the connector's own overhead.
pub fn floor(emulator: &EmulatorProcess, load: &LoadSpec, what: &Listings) -> Result<f64, String> {
    let client = reqwest::blocking::Client::builder()
        .gzip(true)
        .build()
        .map_err(|e| e.to_string())?;
    let base = emulator.base_url();
    let started = std::time::Instant::now();
    let access_token = token(&client, emulator)?;
    // The user listings (the longest chains) start first, as a good client starts them.
    let queue = std::sync::Mutex::new(std::collections::VecDeque::from(listings(base, what)));
    let failure = std::sync::Mutex::new(None::<String>);
    std::thread::scope(|scope| {
        for _ in 0..load.max_concurrent.max(1) {
            scope.spawn(|| loop {
                let Some((url, query)) = queue.lock().unwrap().pop_front() else {
                    return;
                };
                let query: Vec<(&str, &str)> =
                    query.iter().map(|(k, v)| (*k, v.as_str())).collect();
                if let Err(e) = page_sizes(&client, &url, &query, &access_token) {
                    *failure.lock().unwrap() = Some(e);
                }
            });
        }
    });
    match failure.into_inner().unwrap() {
        Some(e) => Err(e),
        None => Ok(started.elapsed().as_secs_f64()),
    }
}

/// An access token for the user and member scopes, made as Google's libraries make it.
fn token(client: &reqwest::blocking::Client, emulator: &EmulatorProcess) -> Result<String, String> {
    let key_file = emulator.info["key_file"].as_str().unwrap_or_default();
    let admin = emulator.info["admin"].as_str().unwrap_or_default();
    let account = ServiceAccount::from_file(key_file).map_err(|e| e.to_string())?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let assertion = account
        .assertion(admin, &[USERS, MEMBERS], now)
        .map_err(|e| e.to_string())?;
    let answer = client
        .post(format!("{}/token", emulator.base_url()))
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", &assertion),
        ])
        .send()
        .map_err(|e| e.to_string())?
        .bytes()
        .map_err(|e| e.to_string())?;
    let token: Value = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
    token["access_token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "no access token".into())
}

/// The uncompressed size of each page of a listing.
fn page_sizes(
    client: &reqwest::blocking::Client,
    url: &str,
    query: &[(&str, &str)],
    token: &str,
) -> Result<Vec<usize>, String> {
    let mut sizes = Vec::new();
    let mut page_token: Option<String> = None;
    loop {
        let mut request = client.get(url).query(query).bearer_auth(token);
        if let Some(t) = &page_token {
            request = request.query(&[("pageToken", t)]);
        }
        let body = request
            .send()
            .map_err(|e| e.to_string())?
            .bytes()
            .map_err(|e| e.to_string())?;
        sizes.push(body.len());
        let page: Value = serde_json::from_slice(&body).map_err(|e| format!("{url}: {e}"))?;
        match page["nextPageToken"].as_str() {
            Some(t) if !t.is_empty() => page_token = Some(t.to_string()),
            _ => return Ok(sizes),
        }
    }
}
