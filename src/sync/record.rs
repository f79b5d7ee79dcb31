//! A Google user as the host will store it: login name, names, addresses, flags.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::LoginName;
use crate::google::directory::ApiUser;

/// One Google user mapped to the host's terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    pub google_id: String,
    pub login: String,
    pub full_name: String,
    pub primary_email: String,
    /// Primary address first, then aliases and non-editable aliases; lowercased, no duplicates.
    pub emails: Vec<String>,
    pub suspended: bool,
    pub archived: bool,
    pub org_unit_path: String,
}

impl UserRecord {
    pub fn from_api(user: ApiUser, login_name: LoginName) -> UserRecord {
        let primary_email = user.primary_email.trim().to_lowercase();
        let mut emails = vec![primary_email.clone()];
        for address in user.aliases.iter().chain(&user.non_editable_aliases) {
            let address = address.trim().to_lowercase();
            if !address.is_empty() && !emails.contains(&address) {
                emails.push(address);
            }
        }
        let login = match login_name {
            LoginName::Email => primary_email.clone(),
            LoginName::LocalPart => primary_email
                .split('@')
                .next()
                .unwrap_or(&primary_email)
                .to_string(),
        };
        let org_unit_path = if user.org_unit_path.is_empty() {
            "/".to_string()
        } else {
            user.org_unit_path
        };
        UserRecord {
            google_id: user.id,
            login,
            full_name: user.name.full_name,
            primary_email,
            emails,
            suspended: user.suspended,
            archived: user.archived,
            org_unit_path,
        }
    }

    /// A short digest of everything the host stores about the user. A host that keeps it and
    /// passes it back lets the plan tell an unchanged user from an updated one.
    pub fn fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        for part in [
            &self.google_id,
            &self.login,
            &self.full_name,
            &self.primary_email,
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0u8]);
        }
        for address in &self.emails {
            hasher.update(address.as_bytes());
            hasher.update([1u8]);
        }
        hasher.update([self.suspended as u8, self.archived as u8]);
        hasher.update(self.org_unit_path.as_bytes());
        let digest = hasher.finalize();
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether the user is in `path` or below it.
    pub fn in_org_unit(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        if path.is_empty() {
            return true;
        }
        let own = self.org_unit_path.as_str();
        own.eq_ignore_ascii_case(path)
            || (own.len() > path.len()
                && own.as_bytes()[path.len()] == b'/'
                && own[..path.len()].eq_ignore_ascii_case(path))
    }
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
        assert_eq!(r.login, "ann.lee@example.com");
        assert_eq!(
            r.emails,
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
        assert_eq!(r.login, "ann.lee");
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
    fn fingerprint_changes_with_any_field() {
        let a = UserRecord::from_api(api_user(), LoginName::Email);
        let mut b = a.clone();
        assert_eq!(a.fingerprint(), b.fingerprint());
        b.suspended = true;
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 16);
    }
}
