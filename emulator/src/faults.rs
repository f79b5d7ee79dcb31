//! Fault injection: rules that make chosen requests fail the ways Google's do (quota errors,
//! server errors, broken connections, stalls, bad pages, expired tokens), reproducibly for a
//! seed, so tests can prove a client recovers or stops cleanly.

use serde::{Deserialize, Serialize};

/// Which requests a rule applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    Token,
    UsersList,
    UsersGet,
    GroupsList,
    GroupsGet,
    MembersList,
    MembersHasMember,
    /// Every endpoint above.
    #[default]
    Any,
}

/// What goes wrong. Serialised in snake case: `"status_429"`, `{"stall": {"ms": 5000}}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaultKind {
    /// 429 `rateLimitExceeded` with `Retry-After: 1`.
    #[serde(rename = "status_429")]
    Status429,
    /// 403 `userRateLimitExceeded`.
    #[serde(rename = "user_rate_limit_403")]
    UserRateLimit403,
    /// 403 `quotaExceeded`.
    #[serde(rename = "quota_exceeded_403")]
    QuotaExceeded403,
    /// 500 `backendError`.
    #[serde(rename = "status_500")]
    Status500,
    /// 503 `backendError`.
    #[serde(rename = "backend_error_503")]
    BackendError503,
    /// The connection breaks in the middle of the response body.
    #[serde(rename = "reset_connection")]
    ResetConnection,
    /// The response is held back this long before it is sent (to outlast a read timeout).
    #[serde(rename = "stall")]
    Stall { ms: u64 },
    /// A 200 whose body is cut in half.
    #[serde(rename = "truncated_json")]
    TruncatedJson,
    /// 401 as for an expired access token; the token is also forgotten.
    #[serde(rename = "expire_token")]
    ExpireToken,
    /// A listing page whose `nextPageToken` is the token of the request, for ever.
    #[serde(rename = "repeat_page_token")]
    RepeatPageToken,
    /// A listing page without its `users`/`groups`/`members` key but with `nextPageToken`.
    #[serde(rename = "missing_items_key")]
    MissingItemsKey,
    /// 403 `forbidden`.
    #[serde(rename = "forbidden_403")]
    Forbidden403,
    /// 404 `notFound`.
    #[serde(rename = "not_found_404")]
    NotFound404,
}

/// One rule: on matching requests, let the first `skip` through, then inject `kind` with
/// `probability`, at most `count` times.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    #[serde(default)]
    pub endpoint: Endpoint,
    pub kind: FaultKind,
    #[serde(default = "always")]
    pub probability: f64,
    #[serde(default)]
    pub skip: u32,
    #[serde(default)]
    pub count: Option<u32>,
}

/// The rules in force and the seed of their random draws. The first rule that fires wins.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultConfig {
    pub seed: u64,
    pub rules: Vec<FaultRule>,
}

fn always() -> f64 {
    1.0
}

impl FaultRule {
    /// A rule that fires on every matching request.
    pub fn new(endpoint: Endpoint, kind: FaultKind) -> FaultRule {
        FaultRule {
            endpoint,
            kind,
            probability: 1.0,
            skip: 0,
            count: None,
        }
    }

    pub fn probability(mut self, probability: f64) -> FaultRule {
        self.probability = probability;
        self
    }

    pub fn skip(mut self, skip: u32) -> FaultRule {
        self.skip = skip;
        self
    }

    pub fn count(mut self, count: u32) -> FaultRule {
        self.count = Some(count);
        self
    }
}

impl FaultConfig {
    /// No faults.
    pub fn none() -> FaultConfig {
        FaultConfig::default()
    }

    /// These rules with seed 0.
    pub fn rules(rules: Vec<FaultRule>) -> FaultConfig {
        FaultConfig { seed: 0, rules }
    }
}

impl FaultKind {
    /// The name used in [`crate::Stats::faults`], as in the serialised configuration.
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::Status429 => "status_429",
            FaultKind::UserRateLimit403 => "user_rate_limit_403",
            FaultKind::QuotaExceeded403 => "quota_exceeded_403",
            FaultKind::Status500 => "status_500",
            FaultKind::BackendError503 => "backend_error_503",
            FaultKind::ResetConnection => "reset_connection",
            FaultKind::Stall { .. } => "stall",
            FaultKind::TruncatedJson => "truncated_json",
            FaultKind::ExpireToken => "expire_token",
            FaultKind::RepeatPageToken => "repeat_page_token",
            FaultKind::MissingItemsKey => "missing_items_key",
            FaultKind::Forbidden403 => "forbidden_403",
            FaultKind::NotFound404 => "not_found_404",
        }
    }

    /// Holds the request as long as a `Stall` says; other faults do not wait.
    pub(crate) async fn stall(fault: Option<FaultKind>) {
        if let Some(FaultKind::Stall { ms }) = fault {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
    }

    /// Whether this fault means anything on `endpoint`: there are no pages to spoil on a
    /// `get`, and no access token to expire on the token endpoint.
    fn applies_to(&self, endpoint: Endpoint) -> bool {
        let listing = matches!(
            endpoint,
            Endpoint::UsersList | Endpoint::GroupsList | Endpoint::MembersList
        );
        match self {
            FaultKind::RepeatPageToken | FaultKind::MissingItemsKey => listing,
            FaultKind::ExpireToken => endpoint != Endpoint::Token,
            _ => true,
        }
    }
}

/// The rules with their counters and the seeded generator behind `probability`.
#[derive(Debug)]
pub(crate) struct FaultState {
    config: FaultConfig,
    rng: fastrand::Rng,
    /// Per rule: matching requests seen, and faults injected.
    seen: Vec<u32>,
    injected: Vec<u32>,
}

impl FaultState {
    pub fn new(config: FaultConfig) -> FaultState {
        let rules = config.rules.len();
        FaultState {
            rng: fastrand::Rng::with_seed(config.seed),
            config,
            seen: vec![0; rules],
            injected: vec![0; rules],
        }
    }

    pub fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// The fault to inject into this request, if a rule fires.
    pub fn pick(&mut self, endpoint: Endpoint) -> Option<FaultKind> {
        for (at, rule) in self.config.rules.iter().enumerate() {
            let matches = rule.endpoint == Endpoint::Any || rule.endpoint == endpoint;
            if !matches || !rule.kind.applies_to(endpoint) {
                continue;
            }
            self.seen[at] += 1;
            if self.seen[at] <= rule.skip || rule.count.is_some_and(|n| self.injected[at] >= n) {
                continue;
            }
            if rule.probability < 1.0 && self.rng.f64() >= rule.probability {
                continue;
            }
            self.injected[at] += 1;
            return Some(rule.kind);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_and_count_bound_the_injections() {
        let rule = FaultRule::new(Endpoint::UsersList, FaultKind::Status500)
            .skip(1)
            .count(2);
        let mut state = FaultState::new(FaultConfig::rules(vec![rule]));
        let picks: Vec<_> = (0..5).map(|_| state.pick(Endpoint::UsersList)).collect();
        let fault = Some(FaultKind::Status500);
        assert_eq!(picks, [None, fault, fault, None, None]);
        assert_eq!(state.pick(Endpoint::GroupsList), None);
    }

    #[test]
    fn probability_is_reproducible_for_a_seed() {
        let config = FaultConfig {
            seed: 7,
            rules: vec![FaultRule::new(Endpoint::Any, FaultKind::Status429).probability(0.5)],
        };
        let run = || {
            let mut state = FaultState::new(config.clone());
            (0..64)
                .map(|_| state.pick(Endpoint::UsersGet).is_some())
                .collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        let fired = first.iter().filter(|&&f| f).count();
        assert!((16..48).contains(&fired), "fired {fired} of 64");
    }

    #[test]
    fn page_faults_skip_endpoints_without_pages() {
        let rule = FaultRule::new(Endpoint::Any, FaultKind::MissingItemsKey);
        let mut state = FaultState::new(FaultConfig::rules(vec![rule]));
        assert_eq!(state.pick(Endpoint::UsersGet), None);
        assert_eq!(state.pick(Endpoint::Token), None);
        assert_eq!(
            state.pick(Endpoint::MembersList),
            Some(FaultKind::MissingItemsKey)
        );
    }

    #[test]
    fn serde_names_are_snake_case() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"endpoint":"users_list","kind":{"stall":{"ms":20}},"count":1}"#,
        )
        .unwrap();
        assert_eq!(rule.kind, FaultKind::Stall { ms: 20 });
        assert_eq!(rule.probability, 1.0);
        let json = serde_json::to_string(&FaultKind::Status429).unwrap();
        assert_eq!(json, "\"status_429\"");
    }
}
