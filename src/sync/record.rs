//! A Google user as the host will store it: login name, names, addresses, flags.
//!
//! A sync of a large tenant holds one record per user for the whole run (and the sign-in
//! index keeps them afterwards), so a record stores each address once: the login is the
//! primary address unless `login_name` makes it something else, and the aliases list leaves the
//! primary address out. Records are shared (`Arc`) by the plan, the report and the sign-in
//! index rather than copied.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::config::LoginName;
use crate::google::directory::ApiUser;

/// One Google user mapped to the host's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub google_id: String,
    /// Lowercased.
    pub primary_email: String,
    /// The login when it is not the primary address (`login_name: local_part`).
    login_override: Option<String>,
    pub full_name: String,
    /// Aliases and non-editable aliases: lowercased, without the primary address, no
    /// duplicates.
    pub aliases: Vec<String>,
    pub suspended: bool,
    pub archived: bool,
    pub org_unit_path: Arc<str>,
}

/// Shares the text of org unit paths among the records of a listing: a tenant has a few
/// dozen org units and a hundred thousand users in them.
#[derive(Default)]
pub struct OrgUnits(HashMap<String, Arc<str>>);

impl OrgUnits {
    fn intern(&mut self, path: String) -> Arc<str> {
        let path = if path.is_empty() {
            "/".to_string()
        } else {
            path
        };
        if let Some(shared) = self.0.get(&path) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(path.as_str());
        self.0.insert(path, Arc::clone(&shared));
        shared
    }
}

/// The first 8 bytes of a SHA-256 over what the host stores of a user, shown as 16 hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint([u8; 8]);

impl Fingerprint {
    /// Whether the host's text is this fingerprint (case-insensitive hex).
    pub fn matches(&self, text: &str) -> bool {
        let text = text.as_bytes();
        text.len() == 16
            && self.0.iter().enumerate().all(|(i, byte)| {
                let pair = std::str::from_utf8(&text[2 * i..2 * i + 2]).unwrap_or("");
                u8::from_str_radix(pair, 16) == Ok(*byte)
            })
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl UserRecord {
    pub fn from_api(user: ApiUser, login_name: LoginName) -> UserRecord {
        Self::from_api_sharing(user, login_name, &mut OrgUnits::default())
    }

    /// As `from_api`, sharing org unit paths through `org_units`.
    pub fn from_api_sharing(
        user: ApiUser,
        login_name: LoginName,
        org_units: &mut OrgUnits,
    ) -> UserRecord {
        let primary_email = user.primary_email.trim().to_lowercase();
        let mut aliases: Vec<String> = Vec::new();
        for address in user.aliases.iter().chain(&user.non_editable_aliases) {
            let address = address.trim().to_lowercase();
            if !address.is_empty() && address != primary_email && !aliases.contains(&address) {
                aliases.push(address);
            }
        }
        aliases.shrink_to_fit();
        let login_override = match login_name {
            LoginName::Email => None,
            LoginName::LocalPart => Some(
                primary_email
                    .split('@')
                    .next()
                    .unwrap_or(&primary_email)
                    .to_string(),
            ),
        };
        UserRecord {
            google_id: user.id,
            primary_email,
            login_override,
            full_name: user.name.full_name,
            aliases,
            suspended: user.suspended,
            archived: user.archived,
            org_unit_path: org_units.intern(user.org_unit_path),
        }
    }

    /// The host login.
    pub fn login(&self) -> &str {
        self.login_override
            .as_deref()
            .unwrap_or(&self.primary_email)
    }

    /// Every address: the primary one first, then the aliases.
    pub fn emails(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.primary_email.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// A short digest of everything the host stores about the user. A host that keeps it and
    /// passes it back lets the plan tell an unchanged user from an updated one.
    pub fn fingerprint(&self) -> Fingerprint {
        let mut hasher = Sha256::new();
        for part in [
            &self.google_id,
            self.login(),
            &self.full_name,
            &self.primary_email,
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0u8]);
        }
        for address in self.emails() {
            hasher.update(address.as_bytes());
            hasher.update([1u8]);
        }
        hasher.update([self.suspended as u8, self.archived as u8]);
        hasher.update(self.org_unit_path.as_bytes());
        let digest = hasher.finalize();
        let mut short = [0u8; 8];
        short.copy_from_slice(&digest[..8]);
        Fingerprint(short)
    }

    /// Whether the user is in `path` or below it.
    pub fn in_org_unit(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        if path.is_empty() {
            return true;
        }
        let own: &str = &self.org_unit_path;
        own.eq_ignore_ascii_case(path)
            || (own.len() > path.len()
                && own.as_bytes()[path.len()] == b'/'
                && own[..path.len()].eq_ignore_ascii_case(path))
    }
}

/// A record for tests: `email` is the primary address, `aliases` the others.
#[cfg(test)]
pub(crate) fn test_record(
    id: &str,
    email: &str,
    aliases: &[&str],
    login_name: LoginName,
) -> UserRecord {
    use crate::google::directory::ApiName;
    UserRecord::from_api(
        ApiUser {
            id: id.into(),
            primary_email: email.into(),
            name: ApiName {
                full_name: format!("Name {id}"),
            },
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            org_unit_path: "/".into(),
            ..ApiUser::default()
        },
        login_name,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::google::directory::ApiName;

    fn api_user() -> ApiUser {
        ApiUser {
            id: "1001".into(),
            primary_email: "Ann.Lee@Example.com".into(),
            name: ApiName {
                full_name: "Ann Lee".into(),
            },
            aliases: vec!["ann@example.com".into(), "ANN.LEE@example.com".into()],
            non_editable_aliases: vec!["ann.lee@example.test-google-a.com".into()],
            suspended: false,
            archived: false,
            org_unit_path: "/Sales/EMEA".into(),
        }
    }

    #[test]
    fn addresses_lowercased_without_duplicates_primary_first() {
        let r = UserRecord::from_api(api_user(), LoginName::Email);
        assert_eq!(r.login(), "ann.lee@example.com");
        assert_eq!(
            r.emails().collect::<Vec<_>>(),
            vec![
                "ann.lee@example.com",
                "ann@example.com",
                "ann.lee@example.test-google-a.com"
            ]
        );
    }

    #[test]
    fn local_part_login() {
        let r = UserRecord::from_api(api_user(), LoginName::LocalPart);
        assert_eq!(r.login(), "ann.lee");
        assert_eq!(r.primary_email, "ann.lee@example.com");
    }

    #[test]
    fn org_unit_matching_includes_sub_units_only() {
        let r = UserRecord::from_api(api_user(), LoginName::Email);
        assert!(r.in_org_unit("/Sales"));
        assert!(r.in_org_unit("/sales/emea"));
        assert!(r.in_org_unit("/"));
        assert!(!r.in_org_unit("/Sal"));
        assert!(!r.in_org_unit("/Sales/EMEA/Paris"));
    }

    #[test]
    fn org_unit_paths_are_shared() {
        let mut units = OrgUnits::default();
        let a = UserRecord::from_api_sharing(api_user(), LoginName::Email, &mut units);
        let b = UserRecord::from_api_sharing(api_user(), LoginName::Email, &mut units);
        assert!(Arc::ptr_eq(&a.org_unit_path, &b.org_unit_path));
        let mut root = api_user();
        root.org_unit_path.clear();
        assert_eq!(
            &*UserRecord::from_api(root, LoginName::Email).org_unit_path,
            "/"
        );
    }

    #[test]
    fn fingerprint_changes_with_any_field() {
        let a = UserRecord::from_api(api_user(), LoginName::Email);
        let mut b = a.clone();
        assert_eq!(a.fingerprint(), b.fingerprint());
        b.suspended = true;
        assert_ne!(a.fingerprint(), b.fingerprint());
        let text = a.fingerprint().to_string();
        assert_eq!(text.len(), 16);
        assert!(a.fingerprint().matches(&text));
        assert!(a.fingerprint().matches(&text.to_uppercase()));
        assert!(!b.fingerprint().matches(&text));
        assert!(!a.fingerprint().matches("xyz"));
    }
}
