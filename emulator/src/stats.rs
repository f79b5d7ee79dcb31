//! What the emulator saw and did: requests per endpoint, responses per status, injected faults,
//! quota refusals, bytes sent and the most requests in flight at once. Benchmarks and tests
//! read these to check how a client behaved (did it back off, did partial responses help).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// A snapshot of the counters since the start or the last reset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Stats {
    /// Requests per endpoint: `token`, `users.list`, `users.get`, `groups.list`, `groups.get`,
    /// `members.list`, `oidc.discovery`, `oidc.jwks`, `oidc.authorize`, `oidc.userinfo`,
    /// `unknown`.
    pub requests: BTreeMap<String, u64>,
    /// Responses per HTTP status code.
    pub responses: BTreeMap<u16, u64>,
    /// Injected faults per kind, named as in the fault configuration (`status_429`, …).
    pub faults: BTreeMap<String, u64>,
    /// Requests the load model refused (rate or concurrency quota).
    pub quota_errors: u64,
    /// Response body bytes as sent on the wire (after compression).
    pub bytes_sent: u64,
    /// The most requests in flight at the same moment.
    pub max_concurrent: u64,
}

impl Stats {
    /// Requests seen for one endpoint (0 when none).
    pub fn count(&self, endpoint: &str) -> u64 {
        self.requests.get(endpoint).copied().unwrap_or(0)
    }

    /// Responses sent with one status code.
    pub fn status_count(&self, status: u16) -> u64 {
        self.responses.get(&status).copied().unwrap_or(0)
    }

    /// Faults injected of one kind, e.g. `"status_429"`.
    pub fn fault_count(&self, kind: &str) -> u64 {
        self.faults.get(kind).copied().unwrap_or(0)
    }

    /// Requests over all endpoints.
    pub fn total_requests(&self) -> u64 {
        self.requests.values().sum()
    }
}

/// The live counters behind [`Stats`].
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    stats: Mutex<Stats>,
    in_flight: Arc<AtomicU64>,
}

/// Counts one request in flight until dropped.
pub(crate) struct InFlight(Arc<AtomicU64>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Recorder {
    pub fn snapshot(&self) -> Stats {
        self.lock().clone()
    }

    pub fn reset(&self) {
        *self.lock() = Stats::default();
    }

    pub fn request(&self, endpoint: &str) {
        *self
            .lock()
            .requests
            .entry(endpoint.to_string())
            .or_default() += 1;
    }

    pub fn response(&self, status: u16) {
        *self.lock().responses.entry(status).or_default() += 1;
    }

    pub fn fault(&self, kind: &str) {
        *self.lock().faults.entry(kind.to_string()).or_default() += 1;
    }

    pub fn quota_error(&self) {
        self.lock().quota_errors += 1;
    }

    pub fn bytes(&self, count: usize) {
        self.lock().bytes_sent += count as u64;
    }

    /// Marks a request in flight and raises the high-water mark if needed.
    pub fn enter(&self) -> InFlight {
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        let mut stats = self.lock();
        stats.max_concurrent = stats.max_concurrent.max(now);
        InFlight(Arc::clone(&self.in_flight))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Stats> {
        crate::locks::lock(&self.stats)
    }
}
