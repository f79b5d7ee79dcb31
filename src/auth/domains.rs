//! Which Workspace domains may sign in: the `hd` claim of an ID token must be one of them.
//! The `hd` request parameter is only a hint to Google's account chooser and can be changed
//! by anyone; the claim is signed.

use std::collections::HashSet;

use super::refusal::{Reason, Refusal};
use crate::config::Config;

#[derive(Clone, Debug)]
pub enum AllowedDomains {
    /// Any Workspace domain (`["*"]`): the claim must still be there, so personal accounts
    /// stay out.
    Any,
    Listed(HashSet<String>),
}

impl AllowedDomains {
    pub fn listed<'a>(domains: impl IntoIterator<Item = &'a str>) -> AllowedDomains {
        AllowedDomains::Listed(
            domains
                .into_iter()
                .map(|d| d.trim().to_ascii_lowercase())
                .filter(|d| !d.is_empty())
                .collect(),
        )
    }

    /// `oidc.allowed_domains` when set. Otherwise the tenant's domains as far as the connector
    /// knows them: `scope.domains`, the admin user's domain, and the domains of the users the
    /// last run saw. All of them, not only `scope.domains`: Google puts the organisation's
    /// primary domain in `hd` even for a user of a secondary domain.
    pub fn from_config<'a>(config: &'a Config, seen: impl IntoIterator<Item = &'a str>) -> Self {
        let configured = config
            .oidc
            .as_ref()
            .map(|o| o.allowed_domains.as_slice())
            .unwrap_or_default();
        if configured.iter().any(|d| d == "*") {
            return AllowedDomains::Any;
        }
        if !configured.is_empty() {
            return AllowedDomains::listed(configured.iter().map(String::as_str));
        }
        let admin_domain = config.admin_user.rsplit('@').next().unwrap_or_default();
        AllowedDomains::listed(
            config
                .scope
                .domains
                .iter()
                .map(String::as_str)
                .chain([admin_domain])
                .chain(seen),
        )
    }

    pub fn check(&self, hd: Option<&str>) -> Result<(), Refusal> {
        let Some(hd) = hd.filter(|hd| !hd.is_empty()) else {
            return Err(Refusal::new(
                Reason::MissingHostedDomain,
                "the account is not a Google Workspace account (its ID token has no hd claim); \
                 sign in with the organisation's account",
            ));
        };
        match self {
            AllowedDomains::Any => Ok(()),
            AllowedDomains::Listed(domains)
                if domains.contains(hd) || domains.iter().any(|d| d.eq_ignore_ascii_case(hd)) =>
            {
                Ok(())
            }
            AllowedDomains::Listed(domains) => {
                let mut listed: Vec<&str> = domains.iter().map(String::as_str).collect();
                listed.sort_unstable();
                let shown: String = hd.chars().take(80).collect();
                Err(Refusal::new(
                    Reason::WrongHostedDomain,
                    format!(
                        "the account belongs to Workspace domain {shown}, which may not sign in \
                         here (allowed: {}; see `oidc.allowed_domains`)",
                        listed.join(", ")
                    ),
                ))
            }
        }
    }

    /// The `hd` hint for the authorization URL: `*` for any domain, the domain when there is
    /// only one.
    pub fn hint(&self) -> Option<String> {
        match self {
            AllowedDomains::Any => Some("*".to_string()),
            AllowedDomains::Listed(domains) if domains.len() == 1 => domains.iter().next().cloned(),
            AllowedDomains::Listed(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: &str) -> Config {
        Config::from_json(&format!(
            r#"{{"key_file": "/k", "admin_user": "admin@example.com" {extra}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn default_is_the_tenants_domains() {
        let allowed = AllowedDomains::from_config(&config(""), ["example.org"]);
        assert!(allowed.check(Some("example.com")).is_ok());
        assert!(allowed.check(Some("Example.ORG")).is_ok());
        assert_eq!(
            allowed.check(Some("other.com")).unwrap_err().reason,
            Reason::WrongHostedDomain
        );
        assert_eq!(
            allowed.check(None).unwrap_err().reason,
            Reason::MissingHostedDomain
        );
    }

    #[test]
    fn star_admits_any_workspace_domain_but_not_personal_accounts() {
        let allowed = AllowedDomains::from_config(
            &config(r#", "oidc": {"client_id": "c", "allowed_domains": ["*"]}"#),
            [],
        );
        assert!(allowed.check(Some("anything.example")).is_ok());
        assert!(allowed.check(None).is_err());
        assert_eq!(allowed.hint().as_deref(), Some("*"));
    }

    #[test]
    fn configured_domains_replace_the_default() {
        let allowed = AllowedDomains::from_config(
            &config(r#", "oidc": {"client_id": "c", "allowed_domains": ["Corp.example"]}"#),
            ["example.com"],
        );
        assert!(allowed.check(Some("corp.example")).is_ok());
        assert!(allowed.check(Some("example.com")).is_err());
        assert_eq!(allowed.hint().as_deref(), Some("corp.example"));
    }
}
