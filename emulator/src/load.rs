//! The load model: how slow the emulator answers and which quotas it enforces, so benchmarks
//! see the costs that shape a real sync (round trips, response size, Google's per-user limits).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::locks::lock;

/// Latency and quotas; the default answers at once and enforces nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoadModel {
    /// Added to every Directory and token response.
    pub fixed_latency_ms: f64,
    /// Added per KiB of (uncompressed) response body, so smaller partial responses pay off.
    pub per_kib_latency_us: f64,
    /// Directory requests per admin subject in any 60 seconds (Google allows 2,400); more are
    /// refused with 403 `userRateLimitExceeded`.
    pub quota_per_minute: Option<u32>,
    /// Directory requests one admin subject may have in flight; more are refused with 403
    /// `quotaExceeded`.
    pub max_concurrent_per_user: Option<u32>,
}

impl LoadModel {
    /// The delay for a response whose body has `body_len` bytes.
    pub fn latency(&self, body_len: usize) -> Duration {
        let micros =
            self.fixed_latency_ms * 1000.0 + self.per_kib_latency_us * (body_len as f64 / 1024.0);
        Duration::from_micros(micros.max(0.0) as u64)
    }
}

/// Which quota refused a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    Rate,
    Concurrency,
}

/// The model in force and the per-subject bookkeeping its quotas need.
#[derive(Debug, Default)]
pub(crate) struct LoadState {
    model: Mutex<LoadModel>,
    /// Times of the admitted requests of the last 60 seconds, per subject.
    recent: Mutex<HashMap<String, VecDeque<Instant>>>,
    in_flight: Arc<Mutex<HashMap<String, u32>>>,
}

/// Holds one of a subject's concurrent-request slots until dropped.
pub(crate) struct Slot {
    subject: String,
    in_flight: Arc<Mutex<HashMap<String, u32>>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut in_flight = lock(&self.in_flight);
        if let Some(count) = in_flight.get_mut(&self.subject) {
            *count = count.saturating_sub(1);
        }
    }
}

const WINDOW: Duration = Duration::from_secs(60);

impl LoadState {
    pub fn new(model: LoadModel) -> LoadState {
        LoadState {
            model: Mutex::new(model),
            ..LoadState::default()
        }
    }

    pub fn model(&self) -> LoadModel {
        lock(&self.model).clone()
    }

    pub fn set_model(&self, model: LoadModel) {
        *lock(&self.model) = model;
    }

    /// Admits one request of `subject` against both quotas; the slot must be kept until the
    /// response is sent.
    pub fn admit(&self, subject: &str) -> Result<Slot, Refusal> {
        let model = self.model();
        if let Some(limit) = model.quota_per_minute {
            let now = Instant::now();
            let mut recent = lock(&self.recent);
            let times = recent.entry(subject.to_string()).or_default();
            while times
                .front()
                .is_some_and(|&t| now.duration_since(t) >= WINDOW)
            {
                times.pop_front();
            }
            if times.len() >= limit as usize {
                return Err(Refusal::Rate);
            }
            times.push_back(now);
        }

        let mut in_flight = lock(&self.in_flight);
        let count = in_flight.entry(subject.to_string()).or_default();
        if model
            .max_concurrent_per_user
            .is_some_and(|limit| *count >= limit)
        {
            return Err(Refusal::Concurrency);
        }
        *count += 1;
        Ok(Slot {
            subject: subject.to_string(),
            in_flight: Arc::clone(&self.in_flight),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_quota_refuses_past_the_limit_within_the_window() {
        let load = LoadState::new(LoadModel {
            quota_per_minute: Some(2),
            ..LoadModel::default()
        });
        assert!(load.admit("a").is_ok());
        assert!(load.admit("a").is_ok());
        assert_eq!(load.admit("a").err(), Some(Refusal::Rate));
        assert!(load.admit("b").is_ok(), "quotas are per subject");
    }

    #[test]
    fn concurrency_slots_are_given_back_on_drop() {
        let load = LoadState::new(LoadModel {
            max_concurrent_per_user: Some(1),
            ..LoadModel::default()
        });
        let slot = load.admit("a").unwrap();
        assert_eq!(load.admit("a").err(), Some(Refusal::Concurrency));
        drop(slot);
        assert!(load.admit("a").is_ok());
    }

    #[test]
    fn latency_grows_with_the_body() {
        let model = LoadModel {
            fixed_latency_ms: 2.0,
            per_kib_latency_us: 100.0,
            ..LoadModel::default()
        };
        assert_eq!(model.latency(0), Duration::from_millis(2));
        assert_eq!(model.latency(10 * 1024), Duration::from_millis(3));
    }
}
