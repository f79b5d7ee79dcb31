//! The sync scope: which listed users belong to it. Suspension, archiving and org units are
//! decided per user as pages arrive; group membership once the member listings are in.

use std::collections::HashSet;

use super::record::UserRecord;
use crate::config::{Config, LoginName};
use crate::google::directory::{ApiMember, UserSource};

/// Why a listed user is outside the scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Excluded {
    Suspended,
    Archived,
    OrgUnit,
    NotInGroups,
}

/// The per-user part of the scope, cheap to share with worker threads.
#[derive(Clone, Debug)]
pub struct UserFilter {
    pub login_name: LoginName,
    include_suspended: bool,
    include_archived: bool,
    org_units: Vec<String>,
}

impl UserFilter {
    pub fn from_config(config: &Config) -> Self {
        UserFilter {
            login_name: config.login_name,
            include_suspended: config.scope.include_suspended,
            include_archived: config.scope.include_archived,
            org_units: config.scope.org_units.clone(),
        }
    }

    pub fn admit(&self, record: &UserRecord) -> Result<(), Excluded> {
        if record.suspended && !self.include_suspended {
            return Err(Excluded::Suspended);
        }
        if record.archived && !self.include_archived {
            return Err(Excluded::Archived);
        }
        if !self.org_units.is_empty() && !self.org_units.iter().any(|p| record.in_org_unit(p)) {
            return Err(Excluded::OrgUnit);
        }
        Ok(())
    }
}

/// The listings a scope needs: one per customer or domain.
pub fn user_sources(config: &Config) -> Vec<UserSource> {
    if config.scope.domains.is_empty() {
        vec![UserSource::Customer(config.scope.customer().to_string())]
    } else {
        let mut seen = HashSet::new();
        config
            .scope
            .domains
            .iter()
            .map(|d| d.trim().to_lowercase())
            .filter(|d| seen.insert(d.clone()))
            .map(UserSource::Domain)
            .collect()
    }
}

/// The users that the listed groups hold, transitively. Member listings use
/// `includeDerivedMembership`, so nested groups arrive already expanded; a CUSTOMER member
/// stands for the whole organisation.
#[derive(Debug, Default)]
pub struct Membership {
    user_ids: HashSet<String>,
    user_emails: HashSet<String>,
    whole_organisation: bool,
    pub skipped_external: u64,
    pub skipped_other: u64,
}

impl Membership {
    pub fn add(&mut self, group: &str, members: Vec<ApiMember>) {
        for member in members {
            match member.kind.as_str() {
                "USER" => {
                    if !member.id.is_empty() {
                        self.user_ids.insert(member.id);
                    }
                    if !member.email.is_empty() {
                        self.user_emails.insert(member.email.to_lowercase());
                    }
                }
                // Already expanded by the derived listing.
                "GROUP" => {}
                "CUSTOMER" => {
                    if !self.whole_organisation {
                        log::info!(
                            "group {group} contains the whole organisation (a CUSTOMER member): \
                             every listed user is in scope"
                        );
                    }
                    self.whole_organisation = true;
                }
                "EXTERNAL" => {
                    self.skipped_external += 1;
                    log::debug!(
                        "group {group}: external member {} skipped (not a user of this \
                         Workspace)",
                        member.email
                    );
                }
                other => {
                    self.skipped_other += 1;
                    log::info!(
                        "group {group}: member {} of type {other} skipped",
                        member.email
                    );
                }
            }
        }
    }

    pub fn contains(&self, record: &UserRecord) -> bool {
        self.whole_organisation
            || self.user_ids.contains(&record.google_id)
            || self.user_emails.contains(&record.primary_email)
    }
}
