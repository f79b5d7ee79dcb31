//! Asking the Directory about a user when no run has listed the scope completely yet, and
//! judging them by the same scope rules as a sync: `scope.domains`, the per-user
//! filter (suspended, archived, org units) and the members of `scope.groups`. Answers are kept
//! a short while, so a burst of sign-ins costs one request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::mapping::{Entry, Standing};
use super::refusal::{Failure, Reason, Refusal};
use crate::connector::Connector;
use crate::error::{Error, ErrorKind};
use crate::google::http::RunControl;
use crate::sync::record::UserRecord;
use crate::sync::scope::{Excluded, Membership, UserFilter};

/// How long a looked-up user is trusted before the Directory is asked again.
const USER_TTL: Duration = Duration::from_secs(60);
/// How long the members of the scope's groups are trusted.
const GROUPS_TTL: Duration = Duration::from_secs(300);
/// Cached users beyond this are dropped all at once (they are cheap to ask for again).
const MAX_CACHED_USERS: usize = 10_000;

/// When the Directory answered, and what: `None` is "no such user", kept too so that repeated
/// guesses of a login do not each cost a request.
type Answer = (Instant, Option<Arc<Entry>>);

pub struct Lookups {
    users: Mutex<HashMap<String, Answer>>,
    /// Held while the group members are listed, so concurrent lookups wait for one listing.
    groups: Mutex<Option<(Instant, Arc<Membership>)>>,
    timeout: Duration,
}

impl Lookups {
    pub fn new(timeout: Duration) -> Lookups {
        Lookups {
            users: Mutex::new(HashMap::new()),
            groups: Mutex::new(None),
            timeout,
        }
    }

    /// The user whose id, address or alias is `key`, or `None` when the Directory has none.
    pub fn find(&self, connector: &Connector, key: &str) -> Result<Option<Arc<Entry>>, Failure> {
        let key = key.trim().to_lowercase();
        if let Some(answer) = self.cached(&key) {
            return Ok(answer);
        }
        let run = RunControl::new(self.timeout);
        let started = Instant::now();
        let api_user = match connector.google().directory().get_user(&key, &run) {
            Ok(user) => user,
            Err(e) if is_absent(&e) => {
                self.keep(key, None);
                return Ok(None);
            }
            Err(e) => return Err(self.failed(e, &key, started)),
        };
        let config = &connector.config;
        let record = UserRecord::from_api(api_user, config.login_name);
        let standing = self.standing(connector, &record, &run, started)?;
        log::info!(
            "sign-in: {} looked up in the Directory ({standing:?})",
            record.primary_email
        );
        let entry = Arc::new(Entry {
            record: Arc::new(record),
            standing,
        });
        self.keep(key, Some(Arc::clone(&entry)));
        Ok(Some(entry))
    }

    fn keep(&self, key: String, answer: Option<Arc<Entry>>) {
        let mut users = self.users.lock().unwrap_or_else(|p| p.into_inner());
        if users.len() >= MAX_CACHED_USERS {
            users.clear();
        }
        users.insert(key, (Instant::now(), answer));
    }

    fn cached(&self, key: &str) -> Option<Option<Arc<Entry>>> {
        let users = self.users.lock().unwrap_or_else(|p| p.into_inner());
        users
            .get(key)
            .filter(|(at, _)| at.elapsed() < USER_TTL)
            .map(|(_, answer)| answer.clone())
    }

    fn standing(
        &self,
        connector: &Connector,
        record: &UserRecord,
        run: &RunControl,
        started: Instant,
    ) -> Result<Standing, Failure> {
        let config = &connector.config;
        let domain = record.primary_email.rsplit('@').next().unwrap_or_default();
        if !config.scope.domains.is_empty()
            && !config
                .scope
                .domains
                .iter()
                .any(|d| d.trim().eq_ignore_ascii_case(domain))
        {
            return Ok(Standing::OtherDomain);
        }
        if let Err(excluded) = UserFilter::from_config(config).admit(record) {
            return Ok(Standing::Excluded(excluded));
        }
        if config.scope.groups.is_empty() {
            return Ok(Standing::InScope);
        }
        let membership = self.membership(connector, run, started)?;
        Ok(if membership.contains(record) {
            Standing::InScope
        } else {
            Standing::Excluded(Excluded::NotInGroups)
        })
    }

    /// The members of the scope's groups, nested groups included, as a sync computes them.
    fn membership(
        &self,
        connector: &Connector,
        run: &RunControl,
        started: Instant,
    ) -> Result<Arc<Membership>, Failure> {
        let mut groups = self.groups.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, membership)) = groups.as_ref() {
            if at.elapsed() < GROUPS_TTL {
                return Ok(Arc::clone(membership));
            }
        }
        let mut membership = Membership::default();
        let directory = connector.google().directory();
        for group in &connector.config.scope.groups {
            let mut members = Vec::new();
            directory
                .list_members(group.trim(), true, run, &mut |page| {
                    members.extend(page);
                    Ok(())
                })
                .map_err(|e| self.failed(e, group, started))?;
            membership.add(group, members);
        }
        let membership = Arc::new(membership);
        *groups = Some((Instant::now(), Arc::clone(&membership)));
        Ok(membership)
    }

    /// A failed Directory request: Google out of reach is a refusal the person can retry;
    /// anything else (rights, delegation) is for the administrator.
    fn failed(&self, error: Error, key: &str, started: Instant) -> Failure {
        if error.kind() != ErrorKind::Network {
            return Failure::Error(error.context("checking a sign-in against the Directory"));
        }
        let message = if started.elapsed() >= self.timeout {
            format!(
                "the Directory did not answer about {key} within {} s; try again in a moment",
                self.timeout.as_secs_f64()
            )
        } else {
            format!("the Directory could not be asked about {key}: {error}")
        };
        Failure::Refused(Refusal::new(Reason::GoogleUnavailable, message))
    }
}

/// Google's answers for a key that names no user: not found, or the address of a group.
fn is_absent(error: &Error) -> bool {
    matches!(error.reason(), Some("notFound") | Some("http_404"))
        || error.message().contains("belongs to a group")
}
