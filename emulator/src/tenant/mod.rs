//! The Workspace account the emulator serves: customer, domains, users, groups, and the Cloud
//! project side (service accounts, domain-wide delegation, OAuth clients).
//!
//! This is plain data so it can be saved and loaded as JSON; the server keeps its lookup
//! tables beside it (see `index.rs`) and rebuilds them after every change.

mod edit;
mod group;
pub(crate) mod index;
mod user;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use edit::TenantError;
pub use group::{Group, Member, MemberType, Role};
pub use user::{domain_of, User, UserEmail, UserName};

/// A whole tenant. Generated tenants come from [`crate::generate`]; any tenant can be saved
/// with serde_json and loaded again through [`crate::TenantSpec::Loaded`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tenant {
    /// Like `C03az79cb`; `my_customer` in a request stands for it.
    pub customer_id: String,
    /// The Cloud project the service account lives in; named in quota and API-disabled errors.
    pub project_id: String,
    pub project_number: String,
    /// Verified domains; the first is the primary domain.
    pub domains: Vec<String>,
    pub org_units: Vec<String>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub service_accounts: Vec<ServiceAccount>,
    /// Domain-wide delegation as entered in the Admin console: client id to scopes.
    pub delegations: BTreeMap<String, Vec<String>>,
    /// Delegated administrators (addresses or ids) who may read the directory without being
    /// super administrators; super administrators are the users with `isAdmin`.
    pub admins: Vec<String>,
    /// False: the Admin SDK API is disabled in the project and every Directory call is refused.
    pub api_enabled: bool,
    /// OAuth clients registered for sign-in with Google.
    pub oauth_clients: Vec<OAuthClient>,
    /// App passwords by user id, for the IMAP password check.
    pub app_passwords: BTreeMap<String, String>,
    /// When true, every user without an entry in `app_passwords` has the password
    /// [`crate::demo_app_password`] derives from their primary address.
    pub demo_app_passwords: bool,
}

/// A service account of the Cloud project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceAccount {
    /// `name@project.iam.gserviceaccount.com`; the `iss` of its assertions.
    pub client_email: String,
    /// Numeric; what an administrator enters under domain-wide delegation.
    pub client_id: String,
    pub state: AccountState,
    pub keys: Vec<ServiceAccountKey>,
    /// Keys deleted or disabled in the Cloud console; assertions they sign are refused.
    pub revoked_key_ids: Vec<String>,
}

/// One key of a service account. Google keeps only the public half; the emulator also keeps
/// the private half of keys it made, so it can write the key file a customer would download.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceAccountKey {
    /// 40 hex digits; the `private_key_id` of the key file and the `kid` of assertions.
    pub key_id: String,
    /// SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`).
    pub public_key_pem: String,
    /// PKCS#8 PEM (`BEGIN PRIVATE KEY`), when the emulator made the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_key_pem: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    #[default]
    Active,
    Disabled,
    Deleted,
}

/// An OAuth client ("Web application") for OpenID Connect sign-in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OAuthClient {
    /// Like `1234-abc.apps.googleusercontent.com`.
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uris: Vec<String>,
}

impl Default for Tenant {
    fn default() -> Tenant {
        Tenant {
            customer_id: String::new(),
            project_id: String::new(),
            project_number: String::new(),
            domains: Vec::new(),
            org_units: vec!["/".to_string()],
            users: Vec::new(),
            groups: Vec::new(),
            service_accounts: Vec::new(),
            delegations: BTreeMap::new(),
            admins: Vec::new(),
            api_enabled: true,
            oauth_clients: Vec::new(),
            app_passwords: BTreeMap::new(),
            demo_app_passwords: false,
        }
    }
}

impl Default for ServiceAccount {
    fn default() -> ServiceAccount {
        ServiceAccount {
            client_email: String::new(),
            client_id: String::new(),
            state: AccountState::Active,
            keys: Vec::new(),
            revoked_key_ids: Vec::new(),
        }
    }
}

impl Tenant {
    /// The primary domain (the first one), or an empty string for a tenant without domains.
    pub fn primary_domain(&self) -> &str {
        self.domains.first().map(String::as_str).unwrap_or("")
    }

    /// Finds a user by primary address, alias (both case-insensitive) or id.
    pub fn find_user(&self, key: &str) -> Option<&User> {
        self.user_position(key).map(|at| &self.users[at])
    }

    pub fn find_user_mut(&mut self, key: &str) -> Option<&mut User> {
        self.user_position(key).map(|at| &mut self.users[at])
    }

    /// Finds a group by address, alias (both case-insensitive) or id.
    pub fn find_group(&self, key: &str) -> Option<&Group> {
        self.group_position(key).map(|at| &self.groups[at])
    }

    pub fn find_group_mut(&mut self, key: &str) -> Option<&mut Group> {
        self.group_position(key).map(|at| &mut self.groups[at])
    }

    /// The service account whose `client_email` is `email`.
    pub fn service_account(&self, email: &str) -> Option<&ServiceAccount> {
        self.service_accounts
            .iter()
            .find(|account| account.client_email.eq_ignore_ascii_case(email))
    }

    /// The OAuth client with this client id.
    pub fn oauth_client(&self, client_id: &str) -> Option<&OAuthClient> {
        self.oauth_clients
            .iter()
            .find(|client| client.client_id == client_id)
    }

    /// Whether this user may read the directory: a super administrator, or listed in `admins`.
    pub fn is_directory_admin(&self, user: &User) -> bool {
        user.is_admin || self.is_delegated_admin(user)
    }

    /// Whether this user is listed in `admins` (by address or id).
    pub fn is_delegated_admin(&self, user: &User) -> bool {
        self.admins.iter().any(|admin| {
            admin == &user.id || user.addresses().any(|a| a.eq_ignore_ascii_case(admin))
        })
    }

    pub(crate) fn user_position(&self, key: &str) -> Option<usize> {
        self.users.iter().position(|user| {
            user.id == key || user.addresses().any(|a| a.eq_ignore_ascii_case(key))
        })
    }

    pub(crate) fn group_position(&self, key: &str) -> Option<usize> {
        self.groups.iter().position(|group| {
            group.id == key || group.addresses().any(|a| a.eq_ignore_ascii_case(key))
        })
    }
}
