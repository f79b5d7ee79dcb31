//! The host's own user database: in memory, optionally kept in a JSON file between runs.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::abi::{DS_CHANGE_KIND_CREATE, DS_CHANGE_KIND_DELETE, DS_CHANGE_KIND_UPDATE};
use crate::library::{Change, HostUser};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StoredUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_id: Option<String>,
    /// Managed by the directory: only such users are updated or deleted by a sync.
    pub managed: bool,
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub primary_email: String,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub privileges: Vec<String>,
    #[serde(default)]
    pub suspended: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Consecutive complete syncs the user has been missing from Google, as the report said;
    /// passed back so that `safeguards.delete_after_missing_syncs` can count.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub missing_syncs: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Users by login.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct UserStore {
    pub users: BTreeMap<String, StoredUser>,
}

impl UserStore {
    pub fn load(path: &Path) -> Result<UserStore, String> {
        if !path.exists() {
            return Ok(UserStore::default());
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the user database {}: {e}", path.display()))?;
        serde_json::from_str(&text)
            .map_err(|e| format!("the user database {} is not valid: {e}", path.display()))
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).expect("the store serialises");
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, path))
            .map_err(|e| format!("cannot write the user database {}: {e}", path.display()))
    }

    /// The users as the library wants them.
    pub fn host_users(&self) -> Vec<HostUser> {
        self.users
            .iter()
            .map(|(login, u)| HostUser {
                login: login.clone(),
                google_id: u.google_id.clone(),
                managed: u.managed,
                full_name: Some(u.full_name.clone()),
                primary_email: Some(u.primary_email.clone()),
                fingerprint: u.fingerprint.clone(),
                missing_syncs: u.missing_syncs,
            })
            .collect()
    }

    /// Keeps the missing counts a complete sync reported (its `kept` list) and starts every
    /// other user again at 0. After an incomplete sync the counts stay as they were.
    pub fn note_missing(&mut self, report: &serde_json::Value) {
        if report["complete"] != true {
            return;
        }
        for user in self.users.values_mut() {
            user.missing_syncs = 0;
        }
        for kept in report["kept"].as_array().into_iter().flatten() {
            let (Some(login), Some(count)) =
                (kept["login"].as_str(), kept["missing_syncs"].as_u64())
            else {
                continue;
            };
            if let Some(user) = self.users.get_mut(login) {
                user.missing_syncs = count as u32;
            }
        }
    }

    pub fn managed_count(&self) -> usize {
        self.users.values().filter(|u| u.managed).count()
    }

    /// Applies one change from the connector. The archive of a deleted user is not the
    /// store's business: only the user entry goes.
    pub fn apply(&mut self, change: &Change) -> Result<(), String> {
        match change.kind {
            DS_CHANGE_KIND_CREATE => {
                if self.users.contains_key(&change.login) {
                    return Err(format!("login {} already exists", change.login));
                }
                let mut user = StoredUser {
                    managed: true,
                    ..StoredUser::default()
                };
                fill(&mut user, change);
                user.privileges = change.privileges.clone();
                self.users.insert(change.login.clone(), user);
                Ok(())
            }
            DS_CHANGE_KIND_UPDATE => {
                let current = change.previous_login.as_deref().unwrap_or(&change.login);
                let mut user = self
                    .users
                    .remove(current)
                    .ok_or_else(|| format!("no user {current} to update"))?;
                if current != change.login && self.users.contains_key(&change.login) {
                    self.users.insert(current.to_string(), user);
                    return Err(format!("cannot rename {current}: {} exists", change.login));
                }
                fill(&mut user, change);
                self.users.insert(change.login.clone(), user);
                Ok(())
            }
            DS_CHANGE_KIND_DELETE => match self.users.get(&change.login) {
                Some(user) if user.managed => {
                    self.users.remove(&change.login);
                    Ok(())
                }
                Some(_) => Err(format!("{} is not managed by the directory", change.login)),
                None => Err(format!("no user {} to delete", change.login)),
            },
            other => Err(format!("unknown change kind {other}")),
        }
    }
}

fn fill(user: &mut StoredUser, change: &Change) {
    user.google_id = Some(change.google_id.clone());
    user.full_name = change.full_name.clone().unwrap_or_default();
    user.primary_email = change.primary_email.clone().unwrap_or_default();
    user.emails = change.emails.clone();
    user.suspended = change.suspended;
    user.fingerprint = change.fingerprint.clone();
}
