//! One HTTP client for all requests to Google, with the retry policy Google recommends
//! (exponential backoff with jitter, `Retry-After` honoured), a request pacer that keeps the
//! connector under the per-admin quota, and counters for the report.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use super::network::{tls_hint, Network};
use crate::config::HttpConfig;
use crate::error::{Error, ErrorKind, Result};

/// What every request of one `ds_test`/`ds_sync` shares: its deadline and whether the host
/// asked to stop. Worker threads see cancellation through the flag; only the calling thread
/// talks to the host.
#[derive(Debug)]
pub struct RunControl {
    cancelled: AtomicBool,
    deadline: Instant,
}

impl RunControl {
    pub fn new(deadline: Duration) -> Self {
        RunControl {
            cancelled: AtomicBool::new(false),
            deadline: Instant::now() + deadline,
        }
    }

    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Fails when the run was cancelled or has passed its deadline.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            return Err(Error::new(ErrorKind::Cancelled, "cancelled by the host"));
        }
        if Instant::now() >= self.deadline {
            return Err(Error::network(
                "the run passed its deadline (`http.deadline_secs`) before Google answered \
                 everything; raise the deadline or check the network",
            ));
        }
        Ok(())
    }

    /// Sleeps, waking early (with an error) when the run is cancelled or out of time.
    pub fn sleep(&self, duration: Duration) -> Result<()> {
        let until = Instant::now() + duration;
        loop {
            self.check()?;
            let now = Instant::now();
            if now >= until {
                return Ok(());
            }
            std::thread::sleep((until - now).min(Duration::from_millis(25)));
        }
    }
}

/// Counters reported after a run.
#[derive(Debug, Default)]
pub struct Counters {
    pub requests: AtomicU64,
    pub retries: AtomicU64,
    pub quota_errors: AtomicU64,
    pub token_requests: AtomicU64,
}

#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct CounterSnapshot {
    pub requests: u64,
    pub retries: u64,
    pub quota_errors: u64,
    pub token_requests: u64,
}

impl Counters {
    pub fn snapshot(&self) -> CounterSnapshot {
        CounterSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            quota_errors: self.quota_errors.load(Ordering::Relaxed),
            token_requests: self.token_requests.load(Ordering::Relaxed),
        }
    }
}

impl CounterSnapshot {
    pub fn since(&self, earlier: &CounterSnapshot) -> CounterSnapshot {
        CounterSnapshot {
            requests: self.requests - earlier.requests,
            retries: self.retries - earlier.retries,
            quota_errors: self.quota_errors - earlier.quota_errors,
            token_requests: self.token_requests - earlier.token_requests,
        }
    }
}

/// Keeps the requests of the last minute under the configured number, the way Google counts
/// its per-user quota (a sliding window), so the connector waits instead of being refused.
#[derive(Debug)]
pub struct Pacer {
    per_minute: usize,
    sent: Mutex<VecDeque<Instant>>,
}

/// A little more than a minute, so that clock differences between us and Google do not tip
/// the last request of a window over the quota.
const PACING_WINDOW: Duration = Duration::from_millis(61_000);

impl Pacer {
    pub fn new(per_minute: u32) -> Self {
        Pacer {
            per_minute: per_minute.max(1) as usize,
            sent: Mutex::new(VecDeque::new()),
        }
    }

    /// Waits until one more request fits in the window, then counts it.
    pub fn acquire(&self, run: &RunControl) -> Result<()> {
        loop {
            let wait = {
                let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                while sent
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= PACING_WINDOW)
                {
                    sent.pop_front();
                }
                if sent.len() < self.per_minute {
                    sent.push_back(now);
                    return Ok(());
                }
                PACING_WINDOW - now.duration_since(sent[0])
            };
            run.sleep(wait.min(Duration::from_millis(250)))?;
        }
    }
}

/// The retry schedule: attempt n waits `initial * 2^n` (capped) plus jitter of up to
/// `initial`, or longer when Google's `Retry-After` says so.
#[derive(Clone, Debug)]
pub struct Backoff {
    pub max_retries: u32,
    pub initial: Duration,
    pub max: Duration,
}

impl Backoff {
    pub fn from_config(http: &HttpConfig) -> Self {
        Backoff {
            max_retries: http.max_retries,
            initial: Duration::from_millis(http.initial_backoff_ms),
            max: Duration::from_millis(http.max_backoff_ms.max(http.initial_backoff_ms)),
        }
    }

    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let exponential = self
            .initial
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max);
        let jitter_ms = self.initial.as_millis() as u64;
        let jitter = Duration::from_millis(fastrand::u64(0..=jitter_ms));
        let wait = exponential + jitter;
        match retry_after {
            Some(after) => wait.max(after.min(self.max)),
            None => wait,
        }
    }
}

/// The outcome of one HTTP exchange, before any retry decision.
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<Duration>,
    /// The server's clock (`Date`), when it sent one.
    pub date: Option<SystemTime>,
    pub body: Vec<u8>,
}

/// The shared HTTP client.
pub struct Transport {
    client: reqwest::blocking::Client,
    pub backoff: Backoff,
    pub pacer: Pacer,
    pub counters: Counters,
    /// Google's clock minus ours, in seconds, from the last answer with a `Date`; `i64::MIN`
    /// before the first.
    clock_offset: AtomicI64,
}

impl Transport {
    pub fn new(http: &HttpConfig) -> Result<Transport> {
        let client = Network::from_config(http)?
            .builder()
            .connect_timeout(Duration::from_secs_f64(http.connect_timeout_secs))
            .timeout(Duration::from_secs_f64(http.read_timeout_secs))
            .pool_max_idle_per_host(http.max_concurrency.max(1))
            .gzip(true)
            .build()
            .map_err(|e| Error::config(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Transport {
            client,
            backoff: Backoff::from_config(http),
            pacer: Pacer::new(http.requests_per_minute),
            counters: Counters::default(),
            clock_offset: AtomicI64::new(i64::MIN),
        })
    }

    /// How far Google's clock is ahead of ours (negative: behind), as of the last answer.
    pub fn clock_offset_secs(&self) -> Option<i64> {
        match self.clock_offset.load(Ordering::Relaxed) {
            i64::MIN => None,
            offset => Some(offset),
        }
    }

    fn note_clock(&self, answer: &Result<Answer>) {
        let Some(date) = answer.as_ref().ok().and_then(|a| a.date) else {
            return;
        };
        let offset = match date.duration_since(SystemTime::now()) {
            Ok(ahead) => ahead.as_secs() as i64,
            Err(behind) => -(behind.duration().as_secs() as i64),
        };
        self.clock_offset.store(offset, Ordering::Relaxed);
    }

    /// Sends one GET with a bearer token. Network failures come back as `Err` with kind
    /// `Network`; HTTP errors come back as an `Answer` for the caller to judge.
    pub fn get(&self, url: &url::Url, bearer: &str, run: &RunControl) -> Result<Answer> {
        self.pacer.acquire(run)?;
        run.check()?;
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let request = self.client.get(url.clone()).bearer_auth(bearer);
        let answer = read_answer(request.send());
        log_exchange("GET", url, &answer, started);
        self.note_clock(&answer);
        answer
    }

    /// Sends one form POST (the token endpoint). The form may hold secrets; it is never logged.
    pub fn post_form(&self, url: &url::Url, form: &[(&str, &str)]) -> Result<Answer> {
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let answer = read_answer(self.client.post(url.clone()).form(form).send());
        log_exchange("POST", url, &answer, started);
        self.note_clock(&answer);
        answer
    }
}

fn read_answer(sent: reqwest::Result<reqwest::blocking::Response>) -> Result<Answer> {
    let response = sent.map_err(describe_network_error)?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let date = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    let body = response.bytes().map_err(describe_network_error)?.to_vec();
    Ok(Answer {
        status,
        retry_after,
        date,
        body,
    })
}

fn log_exchange(method: &str, url: &url::Url, answer: &Result<Answer>, started: Instant) {
    let elapsed = started.elapsed().as_millis();
    match answer {
        Ok(a) => log::debug!(
            "{method} {} -> {} ({} bytes, {elapsed} ms)",
            url.path(),
            a.status,
            a.body.len()
        ),
        Err(e) => log::debug!("{method} {} failed after {elapsed} ms: {e}", url.path()),
    }
}

fn describe_network_error(e: reqwest::Error) -> Error {
    if e.is_builder() {
        // A request this machine could not even form (an absurd address, say): not a network
        // failure, and not worth retrying.
        return Error::google(
            "the request could not be formed (a value in it is not valid in a URL)",
        );
    }
    let host = e
        .url()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(&e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    let hint = tls_hint(&detail);
    let what = if hint.is_some() {
        "failed its TLS handshake"
    } else if e.is_timeout() {
        "timed out (see `http.read_timeout_secs` and `http.connect_timeout_secs`)"
    } else if e.is_connect() {
        "could not connect (check the network, the proxy and the firewall)"
    } else if e.is_body() || e.is_decode() {
        "broke off while the answer was being read"
    } else {
        "failed"
    };
    if detail.is_empty() {
        Error::network(format!("request to {host} {what}"))
    } else if let Some(hint) = hint {
        Error::network(format!("request to {host} {what}: {detail}: {hint}"))
    } else {
        Error::network(format!("request to {host} {what}: {detail}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_respects_retry_after() {
        let b = Backoff {
            max_retries: 5,
            initial: Duration::from_millis(100),
            max: Duration::from_millis(1000),
        };
        let d0 = b.delay(0, None);
        assert!(d0 >= Duration::from_millis(100) && d0 <= Duration::from_millis(200));
        let d3 = b.delay(3, None);
        assert!(d3 >= Duration::from_millis(800) && d3 <= Duration::from_millis(900));
        let capped = b.delay(10, None);
        assert!(capped <= Duration::from_millis(1100));
        let after = b.delay(0, Some(Duration::from_millis(700)));
        assert!(after >= Duration::from_millis(700));
    }

    #[test]
    fn pacer_admits_up_to_the_limit_at_once() {
        let pacer = Pacer::new(3);
        let run = RunControl::new(Duration::from_secs(5));
        for _ in 0..3 {
            pacer.acquire(&run).unwrap();
        }
        run.cancel();
        assert_eq!(
            pacer.acquire(&run).unwrap_err().kind(),
            ErrorKind::Cancelled
        );
    }

    #[test]
    fn run_control_sleep_wakes_on_cancel() {
        let run = RunControl::new(Duration::from_secs(60));
        run.cancel();
        let started = Instant::now();
        assert!(run.sleep(Duration::from_secs(10)).is_err());
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
