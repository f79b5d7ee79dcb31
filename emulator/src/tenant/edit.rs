//! Changes to a tenant as an administrator would make them in the Admin console: add, rename,
//! suspend and remove users, and change group membership. Each keeps the tenant consistent
//! (member entries follow a renamed user, a removed user leaves its groups).

use std::fmt;

use super::{domain_of, Group, Member, MemberType, Role, Tenant, User, UserName};
use crate::ids;

/// Why a change to the tenant was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TenantError {
    UserNotFound(String),
    GroupNotFound(String),
    /// The address already belongs to a user or group.
    AddressTaken(String),
    /// The address is not in one of the tenant's domains.
    ForeignDomain(String),
    MemberNotFound {
        group: String,
        member: String,
    },
    AlreadyMember {
        group: String,
        member: String,
    },
    Invalid(String),
}

impl fmt::Display for TenantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TenantError::UserNotFound(key) => {
                write!(f, "no user has the address or id {key:?}")
            }
            TenantError::GroupNotFound(key) => {
                write!(f, "no group has the address or id {key:?}")
            }
            TenantError::AddressTaken(address) => write!(
                f,
                "{address:?} already belongs to a user or group; pick another address"
            ),
            TenantError::ForeignDomain(address) => write!(
                f,
                "{address:?} is not in one of the tenant's domains; add the domain first"
            ),
            TenantError::MemberNotFound { group, member } => {
                write!(f, "{member:?} is not a direct member of {group:?}")
            }
            TenantError::AlreadyMember { group, member } => {
                write!(f, "{member:?} is already a member of {group:?}")
            }
            TenantError::Invalid(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for TenantError {}

impl Tenant {
    /// Adds a user in the root org unit and returns it for further changes.
    pub fn add_user(
        &mut self,
        primary_email: &str,
        given_name: &str,
        family_name: &str,
    ) -> Result<&mut User, TenantError> {
        self.insert_user(User {
            primary_email: primary_email.to_string(),
            name: UserName::new(given_name, family_name),
            ..User::default()
        })
    }

    /// Adds a user given as Google's `users.insert` body would give it; missing fields (id,
    /// `emails`, `fullName`, `orgUnitPath`, `creationTime`) are filled in.
    pub fn insert_user(&mut self, mut user: User) -> Result<&mut User, TenantError> {
        if !user.primary_email.contains('@') {
            return Err(TenantError::Invalid(format!(
                "primaryEmail {:?} is not an email address",
                user.primary_email
            )));
        }
        for address in user.addresses().collect::<Vec<_>>() {
            self.check_address_free(address)?;
        }

        if user.id.is_empty() {
            user.id = self.fresh_id(&user.primary_email);
        } else if self.users.iter().any(|other| other.id == user.id) {
            return Err(TenantError::Invalid(format!(
                "user id {} is taken; leave id out to get a fresh one",
                user.id
            )));
        }
        if user.name.full_name.is_empty() {
            user.name = UserName::new(&user.name.given_name, &user.name.family_name);
        }
        if user.org_unit_path.is_empty() {
            user.org_unit_path = "/".to_string();
        }
        if user.creation_time.is_empty() {
            user.creation_time = ids::rfc3339(std::time::SystemTime::now());
        }
        if user.last_login_time.is_empty() {
            user.last_login_time = "1970-01-01T00:00:00.000Z".to_string();
        }
        user.refresh_emails();
        self.users.push(user);
        Ok(self.users.last_mut().expect("a user was just pushed"))
    }

    /// Changes a user's primary address. The id stays; the old address becomes an alias, and
    /// group member entries show the new address.
    pub fn rename_user(&mut self, old_email: &str, new_email: &str) -> Result<(), TenantError> {
        let at = self
            .user_position(old_email)
            .ok_or_else(|| TenantError::UserNotFound(old_email.to_string()))?;
        let own_alias = self.users[at]
            .aliases
            .iter()
            .any(|alias| alias.eq_ignore_ascii_case(new_email));
        if !own_alias {
            self.check_address_free(new_email)?;
        }

        let user = &mut self.users[at];
        let previous = std::mem::replace(&mut user.primary_email, new_email.to_string());
        user.aliases
            .retain(|alias| !alias.eq_ignore_ascii_case(new_email));
        user.aliases.push(previous);
        user.refresh_emails();
        let id = user.id.clone();
        for member in self.groups.iter_mut().flat_map(|g| g.members.iter_mut()) {
            if member.id == id {
                member.email = Some(new_email.to_string());
            }
        }
        Ok(())
    }

    /// Deletes a user; it also leaves every group, as in Google.
    pub fn remove_user(&mut self, key: &str) -> Result<User, TenantError> {
        let at = self
            .user_position(key)
            .ok_or_else(|| TenantError::UserNotFound(key.to_string()))?;
        let user = self.users.remove(at);
        for group in &mut self.groups {
            group.members.retain(|member| member.id != user.id);
        }
        self.app_passwords.remove(&user.id);
        Ok(user)
    }

    /// Suspends a user the way an administrator does (`suspensionReason` ADMIN).
    pub fn suspend_user(&mut self, key: &str) -> Result<(), TenantError> {
        self.set_suspended(key, true)
    }

    pub fn set_suspended(&mut self, key: &str, suspended: bool) -> Result<(), TenantError> {
        let user = self
            .find_user_mut(key)
            .ok_or_else(|| TenantError::UserNotFound(key.to_string()))?;
        user.suspended = suspended;
        user.suspension_reason = suspended.then(|| "ADMIN".to_string());
        Ok(())
    }

    /// Adds an empty group and returns it.
    pub fn add_group(&mut self, email: &str, name: &str) -> Result<&mut Group, TenantError> {
        self.check_address_free(email)?;
        let group = Group {
            id: ids::group_id(&mut ids::rng_for(&[&self.customer_id, email])),
            email: email.to_string(),
            name: name.to_string(),
            admin_created: true,
            ..Group::default()
        };
        self.groups.push(group);
        Ok(self.groups.last_mut().expect("a group was just pushed"))
    }

    /// Adds a direct member to a group. `member_key` is a user or group (address or id), the
    /// customer id (the whole organisation), or any other address (an external member).
    pub fn add_member(
        &mut self,
        group_key: &str,
        member_key: &str,
        role: Role,
    ) -> Result<(), TenantError> {
        let at = self
            .group_position(group_key)
            .ok_or_else(|| TenantError::GroupNotFound(group_key.to_string()))?;
        let member = self.resolve_member(member_key)?;
        let group = &mut self.groups[at];
        if member.id == group.id {
            return Err(TenantError::Invalid(format!(
                "group {} cannot be a member of itself",
                group.email
            )));
        }
        if group.members.iter().any(|m| m.id == member.id) {
            return Err(TenantError::AlreadyMember {
                group: group.email.clone(),
                member: member_key.to_string(),
            });
        }
        group.members.push(Member { role, ..member });
        Ok(())
    }

    /// Removes a direct member (by address or id) from a group.
    pub fn remove_member(&mut self, group_key: &str, member_key: &str) -> Result<(), TenantError> {
        let group = self
            .find_group_mut(group_key)
            .ok_or_else(|| TenantError::GroupNotFound(group_key.to_string()))?;
        let before = group.members.len();
        group.members.retain(|member| {
            member.id != member_key
                && !member
                    .email
                    .as_deref()
                    .is_some_and(|email| email.eq_ignore_ascii_case(member_key))
        });
        if group.members.len() == before {
            return Err(TenantError::MemberNotFound {
                group: group.email.clone(),
                member: member_key.to_string(),
            });
        }
        Ok(())
    }

    /// Gives a user an app password for the IMAP check (replacing any earlier one).
    pub fn set_app_password(&mut self, email: &str, password: &str) -> Result<(), TenantError> {
        let id = self
            .find_user(email)
            .ok_or_else(|| TenantError::UserNotFound(email.to_string()))?
            .id
            .clone();
        self.app_passwords.insert(id, password.to_string());
        Ok(())
    }

    fn resolve_member(&self, key: &str) -> Result<Member, TenantError> {
        if let Some(user) = self.find_user(key) {
            return Ok(Member::new(
                &user.id,
                Some(&user.primary_email),
                Role::Member,
                MemberType::User,
            ));
        }
        if let Some(group) = self.find_group(key) {
            return Ok(Member::new(
                &group.id,
                Some(&group.email),
                Role::Member,
                MemberType::Group,
            ));
        }
        if key == self.customer_id {
            return Ok(Member::new(key, None, Role::Member, MemberType::Customer));
        }
        let domain = domain_of(key);
        if !key.contains('@') || self.domains.iter().any(|d| d.eq_ignore_ascii_case(&domain)) {
            return Err(TenantError::UserNotFound(key.to_string()));
        }
        let id = ids::numeric_id(&mut ids::rng_for(&[&self.customer_id, key]));
        Ok(Member::new(
            &id,
            Some(key),
            Role::Member,
            MemberType::External,
        ))
    }

    fn check_address_free(&self, address: &str) -> Result<(), TenantError> {
        let domain = domain_of(address);
        if !self
            .domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&domain) || is_test_alias_domain(&domain, d))
        {
            return Err(TenantError::ForeignDomain(address.to_string()));
        }
        if self.user_position(address).is_some() || self.group_position(address).is_some() {
            return Err(TenantError::AddressTaken(address.to_string()));
        }
        Ok(())
    }

    fn fresh_id(&self, email: &str) -> String {
        let mut rng = ids::rng_for(&[&self.customer_id, email]);
        loop {
            let id = ids::numeric_id(&mut rng);
            if !self.users.iter().any(|user| user.id == id) {
                return id;
            }
        }
    }
}

/// Google gives each domain a `<domain>.test-google-a.com` twin for non-editable aliases.
fn is_test_alias_domain(domain: &str, tenant_domain: &str) -> bool {
    domain
        .strip_suffix(".test-google-a.com")
        .is_some_and(|base| base.eq_ignore_ascii_case(tenant_domain))
}
