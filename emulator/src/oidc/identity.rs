//! Who signs in: a user of the tenant, or a personal Google account (an address outside the
//! tenant's domains, e.g. `someone@gmail.com`), and the claims Google states about them.

use serde_json::{json, Map, Value};

use crate::ids;
use crate::state::Live;
use crate::tenant::{domain_of, Tenant, User};

/// A signed-in Google account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Identity {
    /// Stable account id: the Directory id for tenant users.
    pub sub: String,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    /// The Workspace domain; `None` for personal accounts.
    pub hd: Option<String>,
    /// The tenant user's id, for Directory-backed look-ups.
    pub user_id: Option<String>,
}

/// Why an account cannot sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// An address in one of the tenant's domains that no user has.
    UnknownAccount,
    Suspended,
}

impl Identity {
    /// Resolves a login hint (address or alias of a tenant user, or a personal address).
    pub fn resolve(live: &Live, login: &str) -> Result<Identity, Refusal> {
        let tenant = &live.tenant;
        if let Some(user) = live.index.user(tenant, login) {
            if user.suspended {
                return Err(Refusal::Suspended);
            }
            return Ok(Identity::of_user(tenant, user));
        }
        let domain = domain_of(login);
        if !login.contains('@')
            || tenant
                .domains
                .iter()
                .any(|d| d.eq_ignore_ascii_case(&domain))
        {
            return Err(Refusal::UnknownAccount);
        }
        Ok(Identity::personal(login))
    }

    /// A tenant user, whatever their state.
    pub fn of_user(tenant: &Tenant, user: &User) -> Identity {
        Identity {
            sub: user.id.clone(),
            email: user.primary_email.clone(),
            given_name: user.name.given_name.clone(),
            family_name: user.name.family_name.clone(),
            // Google states the organisation's domain, which is its primary domain.
            hd: Some(tenant.primary_domain().to_string()),
            user_id: Some(user.id.clone()),
        }
    }

    /// A personal account: a stable id derived from the address, a name from its local part.
    pub fn personal(email: &str) -> Identity {
        let email = email.to_ascii_lowercase();
        let local = email.split('@').next().unwrap_or_default();
        let mut given: Vec<char> = local
            .split(['.', '_', '+'])
            .next()
            .unwrap_or(local)
            .chars()
            .collect();
        if let Some(first) = given.first_mut() {
            *first = first.to_ascii_uppercase();
        }
        Identity {
            sub: ids::numeric_id(&mut ids::rng_for(&["personal account", &email])),
            given_name: given.into_iter().collect(),
            family_name: String::new(),
            email,
            hd: None,
            user_id: None,
        }
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
            .trim()
            .to_string()
    }

    /// The profile claims of an ID token or userinfo answer.
    pub fn profile_claims(&self) -> Map<String, Value> {
        let mut claims = Map::new();
        claims.insert("sub".into(), json!(self.sub));
        claims.insert("email".into(), json!(self.email));
        claims.insert("email_verified".into(), json!(true));
        claims.insert("name".into(), json!(self.full_name()));
        claims.insert("given_name".into(), json!(self.given_name));
        if !self.family_name.is_empty() {
            claims.insert("family_name".into(), json!(self.family_name));
        }
        if let Some(hd) = &self.hd {
            claims.insert("hd".into(), json!(hd));
        }
        claims
    }
}
