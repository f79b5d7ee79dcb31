//! Generated groups: an organisation-wide announcement group (the one `CUSTOMER` member), a
//! few groups over 200 members so member listings need several pages, many small ones,
//! nesting up to three levels, and some external members.

use std::collections::HashSet;

use super::names::{local_part, title, EXTERNAL_DOMAINS, FAMILY_NAMES, GIVEN_NAMES};
use super::names::{GROUP_FLAVOURS, GROUP_TOPICS};
use super::users::unique_address;
use crate::ids;
use crate::tenant::{Group, Member, MemberType, Role, User};

/// How many levels deep nesting goes: a group, its subgroup, and that one's subgroup.
const MAX_DEPTH: u8 = 3;

pub fn groups(
    rng: &mut fastrand::Rng,
    count: usize,
    users: &[User],
    domains: &[String],
    customer_id: &str,
    taken: &mut HashSet<String>,
) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::with_capacity(count);
    let mut depth = Vec::with_capacity(count);
    for at in 0..count {
        let mut group = named_group(rng, at, domains, taken);
        let size = match at {
            0 => 2,
            1..=3 => 201 + rng.usize(..1000),
            _ if rng.u8(..100) < 15 => 30 + rng.usize(..170),
            _ => 2 + rng.usize(..29),
        };
        group.members = pick_users(rng, users, size.min(users.len()));
        if at == 0 {
            group.members.push(Member::new(
                customer_id,
                None,
                Role::Member,
                MemberType::Customer,
            ));
        }
        if rng.u8(..100) < 8 {
            for _ in 0..1 + rng.usize(..3) {
                group.members.push(external_member(rng, customer_id, taken));
            }
        }

        // A fixed chain 4 > 5 > 6 guarantees three levels; other groups nest at random.
        let parent = match at {
            5 | 6 => Some(at - 1),
            _ if at > 6 && rng.u8(..100) < 20 => {
                Some(1 + rng.usize(..at - 1)).filter(|&p| depth[p] < MAX_DEPTH)
            }
            _ => None,
        };
        depth.push(parent.map_or(1, |p: usize| depth[p] + 1));
        if let Some(p) = parent {
            let nested = Member::new(
                &group.id,
                Some(&group.email),
                Role::Member,
                MemberType::Group,
            );
            groups[p].members.push(nested);
        }
        groups.push(group);
    }
    groups
}

/// A group with a name, address, description and perhaps aliases, but no members yet.
fn named_group(
    rng: &mut fastrand::Rng,
    at: usize,
    domains: &[String],
    taken: &mut HashSet<String>,
) -> Group {
    let base = if at == 0 {
        "everyone".to_string()
    } else {
        let topic = GROUP_TOPICS[rng.usize(..GROUP_TOPICS.len())];
        let flavour = GROUP_FLAVOURS[rng.usize(..GROUP_FLAVOURS.len())];
        format!("{topic}-{flavour}")
    };
    let domain = if rng.u8(..100) < 80 {
        &domains[0]
    } else {
        &domains[rng.usize(..domains.len())]
    };
    let email = unique_address(&base, domain, taken);
    let local = email
        .split_once('@')
        .map_or("", |(local, _)| local)
        .to_string();

    let mut group = Group {
        id: ids::group_id(rng),
        name: title(&local),
        description: format!("{} mailing list", title(&base)),
        admin_created: true,
        ..Group::default()
    };
    if rng.u8(..100) < 10 {
        group
            .aliases
            .push(unique_address(&format!("{local}-list"), domain, taken));
    }
    if rng.u8(..100) < 30 {
        group
            .non_editable_aliases
            .push(format!("{local}@{domain}.test-google-a.com"));
    }
    group.email = email;
    group
}

/// `size` distinct users as members: the first an owner, a couple of managers, the rest
/// plain members.
fn pick_users(rng: &mut fastrand::Rng, users: &[User], size: usize) -> Vec<Member> {
    let chosen: Vec<usize> = if size * 2 > users.len() {
        let mut all: Vec<usize> = (0..users.len()).collect();
        rng.shuffle(&mut all);
        all.truncate(size);
        all
    } else {
        let mut seen = HashSet::with_capacity(size);
        let mut chosen = Vec::with_capacity(size);
        while chosen.len() < size {
            let at = rng.usize(..users.len());
            if seen.insert(at) {
                chosen.push(at);
            }
        }
        chosen
    };
    chosen
        .into_iter()
        .enumerate()
        .map(|(rank, at)| {
            let role = match rank {
                0 => Role::Owner,
                1 | 2 if size > 5 => Role::Manager,
                _ => Role::Member,
            };
            let user = &users[at];
            Member::new(&user.id, Some(&user.primary_email), role, MemberType::User)
        })
        .collect()
}

fn external_member(
    rng: &mut fastrand::Rng,
    customer_id: &str,
    taken: &mut HashSet<String>,
) -> Member {
    let given = local_part(GIVEN_NAMES[rng.usize(..GIVEN_NAMES.len())]);
    let family = local_part(FAMILY_NAMES[rng.usize(..FAMILY_NAMES.len())]);
    let domain = EXTERNAL_DOMAINS[rng.usize(..EXTERNAL_DOMAINS.len())];
    let email = unique_address(&format!("{given}.{family}"), domain, taken);
    let id = ids::numeric_id(&mut ids::rng_for(&[customer_id, &email]));
    Member::new(&id, Some(&email), Role::Member, MemberType::External)
}
