//! A Workspace user as the Directory API describes it.
//!
//! The serde names are Google's, so a saved tenant reads like a Directory listing and a user
//! can be added through the control API with the body Google's `users.insert` takes.

use serde::{Deserialize, Serialize};

/// One user account. Fields the emulator derives when it answers (`kind`, `etag`,
/// `customerId`, `isDelegatedAdmin`) are not stored here.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct User {
    /// Immutable 21-digit id; the key a connector should match on.
    pub id: String,
    pub primary_email: String,
    pub name: UserName,
    /// Every address of the user: the primary one (marked), aliases and non-editable aliases.
    pub emails: Vec<UserEmail>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub non_editable_aliases: Vec<String>,
    pub suspended: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspension_reason: Option<String>,
    pub archived: bool,
    pub is_admin: bool,
    pub org_unit_path: String,
    pub creation_time: String,
    pub last_login_time: String,
    pub is_enrolled_in_2sv: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserName {
    pub given_name: String,
    pub family_name: String,
    pub full_name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserEmail {
    pub address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

impl UserName {
    pub fn new(given_name: &str, family_name: &str) -> UserName {
        UserName {
            given_name: given_name.to_string(),
            family_name: family_name.to_string(),
            full_name: format!("{given_name} {family_name}"),
        }
    }
}

impl User {
    /// Every address that finds this user: primary, aliases and non-editable aliases.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.primary_email.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .chain(self.non_editable_aliases.iter().map(String::as_str))
    }

    /// Rebuilds `emails` from the primary address and the aliases, the way Google lists them.
    pub fn refresh_emails(&mut self) {
        let primary = UserEmail {
            address: self.primary_email.clone(),
            primary: Some(true),
        };
        let others = self
            .aliases
            .iter()
            .chain(&self.non_editable_aliases)
            .map(|address| UserEmail {
                address: address.clone(),
                primary: None,
            });
        self.emails = std::iter::once(primary).chain(others).collect();
    }

    /// The domain part of the primary address, lower-cased.
    pub fn domain(&self) -> String {
        domain_of(&self.primary_email)
    }
}

/// The part after the `@`, lower-cased; empty when there is none.
pub fn domain_of(address: &str) -> String {
    address
        .rsplit_once('@')
        .map(|(_, domain)| domain.to_ascii_lowercase())
        .unwrap_or_default()
}
