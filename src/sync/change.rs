//! One change for the host: a create, an update or a delete, and how it reads as JSON.

use std::sync::Arc;

use serde::{Serialize, Serializer};

use super::record::{Fingerprint, UserRecord};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Create,
    Update,
    Delete,
}

/// The host user a delete removes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletedUser {
    pub login: String,
    /// Empty when the host never stored it.
    pub google_id: String,
}

/// One change for the host to apply. Creates and updates share the Google user's record with
/// the rest of the run instead of copying it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// The Google user, for creates and updates.
    pub user: Option<Arc<UserRecord>>,
    /// The host user, for deletes.
    pub deleted: Option<DeletedUser>,
    /// The host's current login when an update renames the user.
    pub previous_login: Option<String>,
    /// Privileges for a new user (creates only).
    pub privileges: Arc<[String]>,
    /// For updates: what differs from what the host has.
    pub changed: Vec<&'static str>,
    /// For creates and updates: the value to keep and pass back next time.
    pub fingerprint: Option<Fingerprint>,
    /// For deletes: why the user goes.
    pub reason: Option<&'static str>,
}

impl Change {
    pub fn create(user: Arc<UserRecord>, privileges: Arc<[String]>) -> Change {
        Change {
            kind: ChangeKind::Create,
            fingerprint: Some(user.fingerprint()),
            user: Some(user),
            deleted: None,
            previous_login: None,
            privileges,
            changed: Vec::new(),
            reason: None,
        }
    }

    pub fn update(
        user: Arc<UserRecord>,
        previous_login: Option<String>,
        changed: Vec<&'static str>,
    ) -> Change {
        Change {
            kind: ChangeKind::Update,
            fingerprint: Some(user.fingerprint()),
            user: Some(user),
            deleted: None,
            previous_login,
            privileges: Arc::from(Vec::new()),
            changed,
            reason: None,
        }
    }

    pub fn delete(login: &str, google_id: Option<&str>, reason: &'static str) -> Change {
        Change {
            kind: ChangeKind::Delete,
            user: None,
            deleted: Some(DeletedUser {
                login: login.to_string(),
                google_id: google_id.unwrap_or_default().to_string(),
            }),
            previous_login: None,
            privileges: Arc::from(Vec::new()),
            changed: Vec::new(),
            fingerprint: None,
            reason: Some(reason),
        }
    }

    /// The login after the change; for a delete, the login being deleted.
    pub fn login(&self) -> &str {
        match (&self.user, &self.deleted) {
            (Some(user), _) => user.login(),
            (None, Some(deleted)) => &deleted.login,
            (None, None) => "",
        }
    }

    /// The Google id; empty for a delete of a user whose id the host never stored.
    pub fn google_id(&self) -> &str {
        match (&self.user, &self.deleted) {
            (Some(user), _) => &user.google_id,
            (None, Some(deleted)) => &deleted.google_id,
            (None, None) => "",
        }
    }
}

/// The JSON of a change, borrowing from it.
#[derive(Serialize)]
struct ChangeJson<'a> {
    kind: ChangeKind,
    login: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_login: Option<&'a str>,
    google_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    primary_email: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    emails: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suspended: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    archived: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    org_unit_path: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    privileges: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    changed: &'a Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

impl Serialize for Change {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let user = self.user.as_deref();
        ChangeJson {
            kind: self.kind,
            login: self.login(),
            previous_login: self.previous_login.as_deref(),
            google_id: self.google_id(),
            full_name: user.map(|u| u.full_name.as_str()),
            primary_email: user.map(|u| u.primary_email.as_str()),
            emails: user.map(|u| u.emails().collect()).unwrap_or_default(),
            suspended: user.map(|u| u.suspended),
            archived: user.map(|u| u.archived),
            org_unit_path: user.map(|u| &*u.org_unit_path),
            privileges: &self.privileges,
            changed: &self.changed,
            fingerprint: self.fingerprint.map(|f| f.to_string()),
            reason: self.reason,
        }
        .serialize(serializer)
    }
}
