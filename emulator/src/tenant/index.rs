//! Lookup tables over a tenant, so a request on a tenant of 100,000 users costs a hash look-up
//! or a binary search rather than a scan. Rebuilt whenever the tenant changes.

use std::collections::HashMap;

use super::{Group, Tenant, User};

pub(crate) struct Index {
    users_by_key: HashMap<String, usize>,
    groups_by_key: HashMap<String, usize>,
    /// User positions sorted by id, and by lower-cased primary address.
    pub users_by_id: Vec<usize>,
    pub users_by_email: Vec<usize>,
    /// Group positions sorted by id, and by lower-cased address.
    pub groups_by_id: Vec<usize>,
    pub groups_by_email: Vec<usize>,
    /// For each member id and lower-cased member address, the groups it is a direct member of.
    groups_by_member: HashMap<String, Vec<usize>>,
}

impl Index {
    pub fn build(tenant: &Tenant) -> Index {
        let mut users_by_key = HashMap::with_capacity(tenant.users.len() * 2);
        for (at, user) in tenant.users.iter().enumerate() {
            users_by_key.insert(user.id.clone(), at);
            for address in user.addresses() {
                users_by_key.insert(address.to_ascii_lowercase(), at);
            }
        }
        let mut groups_by_key = HashMap::with_capacity(tenant.groups.len() * 2);
        let mut groups_by_member: HashMap<String, Vec<usize>> = HashMap::new();
        for (at, group) in tenant.groups.iter().enumerate() {
            groups_by_key.insert(group.id.clone(), at);
            for address in group.addresses() {
                groups_by_key.insert(address.to_ascii_lowercase(), at);
            }
            for member in &group.members {
                groups_by_member
                    .entry(member.id.clone())
                    .or_default()
                    .push(at);
                if let Some(email) = &member.email {
                    groups_by_member
                        .entry(email.to_ascii_lowercase())
                        .or_default()
                        .push(at);
                }
            }
        }

        let users = &tenant.users;
        let groups = &tenant.groups;
        Index {
            users_by_key,
            groups_by_key,
            users_by_id: sorted_positions(users.len(), |at| users[at].id.clone()),
            users_by_email: sorted_positions(users.len(), |at| {
                users[at].primary_email.to_ascii_lowercase()
            }),
            groups_by_id: sorted_positions(groups.len(), |at| groups[at].id.clone()),
            groups_by_email: sorted_positions(groups.len(), |at| {
                groups[at].email.to_ascii_lowercase()
            }),
            groups_by_member,
        }
    }

    /// A user by primary address, alias or id.
    pub fn user<'t>(&self, tenant: &'t Tenant, key: &str) -> Option<&'t User> {
        self.users_by_key
            .get(&key.to_ascii_lowercase())
            .map(|&at| &tenant.users[at])
    }

    /// A group by address, alias or id.
    pub fn group<'t>(&self, tenant: &'t Tenant, key: &str) -> Option<&'t Group> {
        self.groups_by_key
            .get(&key.to_ascii_lowercase())
            .map(|&at| &tenant.groups[at])
    }

    /// Positions of the groups that `key` (a member id or address) is a direct member of.
    pub fn groups_of(&self, key: &str) -> &[usize] {
        self.groups_by_member
            .get(&key.to_ascii_lowercase())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// `0..count` sorted by the key each position maps to, computing every key once.
fn sorted_positions(count: usize, key: impl Fn(usize) -> String) -> Vec<usize> {
    let mut keyed: Vec<(String, usize)> = (0..count).map(|at| (key(at), at)).collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, at)| at).collect()
}
