//! From a Google account to the host user: an index of what the last dry run or sync saw (by
//! Google id, by address, by login), built once per run and shared by every sign-in, and the
//! rule that decides whether a user found there may sign in.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::domains::AllowedDomains;
use super::refusal::{Reason, Refusal};
use crate::config::Config;
use crate::sync::engine::Seen;
use crate::sync::record::UserRecord;
use crate::sync::scope::Excluded;

/// Where a user stands with respect to the sync scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    InScope,
    Excluded(Excluded),
    /// In a domain that `scope.domains` does not list.
    OtherDomain,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub record: Arc<UserRecord>,
    pub standing: Standing,
}

/// What one run saw, indexed for sign-ins.
pub struct Index {
    entries: Vec<Arc<Entry>>,
    by_id: HashMap<String, usize>,
    /// Addresses (primary and aliases) and logins, lowercased.
    by_name: HashMap<String, usize>,
    pub allowed_domains: AllowedDomains,
    /// Built from a run whose every listing completed: a user it lacks is not in the scope
    /// (or was created since), so the Directory need not be asked.
    pub complete: bool,
}

impl Index {
    pub fn build(config: &Config, seen: Option<&Seen>) -> Index {
        let mut index = Index {
            entries: Vec::new(),
            by_id: HashMap::new(),
            by_name: HashMap::new(),
            allowed_domains: AllowedDomains::Any,
            complete: seen.is_some_and(|s| s.complete),
        };
        if let Some(seen) = seen {
            // Users in scope first, so that an address both have (which Google does not
            // allow, but a tenant changing during a listing can show) maps to the one in scope.
            let in_scope = seen.in_scope.iter().map(|r| (r, Standing::InScope));
            let excluded = seen
                .excluded
                .iter()
                .map(|(r, why)| (r, Standing::Excluded(*why)));
            for (record, standing) in in_scope.chain(excluded) {
                index.add(record, standing);
            }
        }
        let domains: Vec<&str> = index
            .entries
            .iter()
            .filter_map(|e| e.record.primary_email.rsplit_once('@').map(|(_, d)| d))
            .collect();
        index.allowed_domains = AllowedDomains::from_config(config, domains);
        index
    }

    fn add(&mut self, record: &Arc<UserRecord>, standing: Standing) {
        if self.by_id.contains_key(&record.google_id) {
            return;
        }
        let at = self.entries.len();
        self.entries.push(Arc::new(Entry {
            record: Arc::clone(record),
            standing,
        }));
        self.by_id.insert(record.google_id.clone(), at);
        for name in record.emails().chain([record.login()]) {
            self.by_name.entry(name.to_lowercase()).or_insert(at);
        }
    }

    pub fn by_id(&self, google_id: &str) -> Option<&Arc<Entry>> {
        self.by_id.get(google_id).map(|at| &self.entries[*at])
    }

    /// By login, primary address or alias.
    pub fn by_name(&self, name: &str) -> Option<&Arc<Entry>> {
        let at = match self.by_name.get(name) {
            Some(at) => Some(at),
            None => self.by_name.get(&name.trim().to_lowercase()),
        };
        at.map(|at| &self.entries[*at])
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// An index and the run it was built from (`None`: no run yet).
type Built = (Option<Arc<Seen>>, Arc<Index>);

/// The index of the last run, rebuilt when a newer run replaces it.
pub struct IndexCache {
    current: RwLock<Option<Built>>,
}

impl IndexCache {
    pub fn new() -> IndexCache {
        IndexCache {
            current: RwLock::new(None),
        }
    }

    pub fn get(&self, config: &Config, seen: Option<Arc<Seen>>) -> Arc<Index> {
        let same = |cached: &Option<Arc<Seen>>| match (cached, &seen) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        {
            let current = self.current.read().unwrap_or_else(|p| p.into_inner());
            if let Some((cached, index)) = current.as_ref() {
                if same(cached) {
                    return Arc::clone(index);
                }
            }
        }
        // Built outside the lock: sign-ins keep using the old index meanwhile. Two threads
        // may build the same index; the second simply replaces the first.
        let index = Arc::new(Index::build(config, seen.as_deref()));
        log::debug!("sign-in index built from {} user(s)", index.len());
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some((seen, Arc::clone(&index)));
        index
    }
}

/// Whether the user of `entry` may sign in, or why not.
pub fn admit(entry: &Entry, allow_suspended: bool) -> Result<(), Refusal> {
    let record = &entry.record;
    let who = &record.primary_email;
    match entry.standing {
        Standing::InScope if record.suspended && !allow_suspended => Err(suspended(who)),
        Standing::InScope => Ok(()),
        Standing::Excluded(Excluded::Suspended) => Err(suspended(who)),
        Standing::Excluded(Excluded::Archived) => Err(Refusal::new(
            Reason::NotInScope,
            format!(
                "{who} is an archived user, and the sync scope leaves archived users out \
                 (`scope.include_archived`)"
            ),
        )),
        Standing::Excluded(Excluded::OrgUnit) => Err(Refusal::new(
            Reason::NotInScope,
            format!(
                "{who} is in org unit {}, outside the sync scope's org units \
                 (`scope.org_units`)",
                record.org_unit_path
            ),
        )),
        Standing::Excluded(Excluded::NotInGroups) => Err(Refusal::new(
            Reason::NotInScope,
            format!("{who} is not a member of the sync scope's groups (`scope.groups`)"),
        )),
        Standing::OtherDomain => Err(Refusal::new(
            Reason::NotInScope,
            format!("{who} is in a domain the sync scope does not list (`scope.domains`)"),
        )),
    }
}

fn suspended(who: &str) -> Refusal {
    Refusal::new(
        Reason::Suspended,
        format!("{who} is suspended in Google Workspace"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, email: &str, suspended: bool) -> Arc<UserRecord> {
        let alias = format!("alias.{email}");
        let mut record =
            crate::sync::record::test_record(id, email, &[&alias], crate::config::LoginName::Email);
        record.suspended = suspended;
        Arc::new(record)
    }

    fn config() -> Config {
        Config::from_json(r#"{"key_file": "/k", "admin_user": "admin@example.com"}"#).unwrap()
    }

    #[test]
    fn users_are_found_by_id_address_alias_and_login() {
        let seen = Seen {
            in_scope: vec![record("1", "ann@example.com", false)],
            excluded: vec![(record("2", "bob@example.org", true), Excluded::Suspended)],
            complete: true,
        };
        let index = Index::build(&config(), Some(&seen));
        assert_eq!(
            index.by_id("1").unwrap().record.primary_email,
            "ann@example.com"
        );
        assert_eq!(
            index
                .by_name("Alias.Ann@Example.com")
                .unwrap()
                .record
                .google_id,
            "1"
        );
        let bob = index.by_name("bob@example.org").unwrap();
        assert_eq!(admit(bob, false).unwrap_err().reason, Reason::Suspended);
        assert!(admit(index.by_id("1").unwrap(), false).is_ok());
        assert!(index.allowed_domains.check(Some("example.org")).is_ok());
    }

    #[test]
    fn the_cache_rebuilds_only_for_a_new_run() {
        let cache = IndexCache::new();
        let config = config();
        let seen = Arc::new(Seen::default());
        let a = cache.get(&config, Some(Arc::clone(&seen)));
        let b = cache.get(&config, Some(Arc::clone(&seen)));
        assert!(Arc::ptr_eq(&a, &b));
        let c = cache.get(&config, Some(Arc::new(Seen::default())));
        assert!(!Arc::ptr_eq(&a, &c));
    }
}
