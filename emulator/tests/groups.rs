//! groups.list, groups.get and members.list over HTTP, derived membership included.

mod common;

use std::collections::HashSet;

use common::*;
use google_emulator::{Role, Tenant};
use serde_json::Value;

fn ids(items: &[Value]) -> HashSet<String> {
    items
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn groups_are_listed_and_found_by_address_alias_and_id() {
    let emulator = start(4, 300, 30);
    let token = admin_token(&emulator);
    let (groups, _) = list_all(
        &emulator,
        &token,
        "groups?customer=my_customer&maxResults=7",
        "groups",
    );
    assert_eq!(groups.len(), 30);
    assert_eq!(ids(&groups).len(), 30);
    let group = &groups[0];
    assert_eq!(group["kind"], "admin#directory#group");
    assert!(
        group["directMembersCount"].is_string(),
        "a string, as Google sends it"
    );

    let (email, alias, id) = emulator.with_tenant(|t| {
        let g = t
            .groups
            .iter()
            .find(|g| !g.aliases.is_empty())
            .unwrap_or(&t.groups[1]);
        (g.email.clone(), g.aliases.first().cloned(), g.id.clone())
    });
    for key in [Some(email), alias, Some(id.clone())].into_iter().flatten() {
        let (status, body) = get(&emulator, Some(&token), &format!("groups/{key}"));
        assert_eq!(status, 200, "{key}: {body}");
        assert_eq!(body["id"], id.as_str());
    }
    let (status, body) = get(&emulator, Some(&token), "groups/nope@example.com");
    assert_eq!(status, 404);
    assert_eq!(body["error"]["message"], "Resource Not Found: groupKey");
    let (status, body) = get(&emulator, Some(&token), "groups/nope@example.com/members");
    assert_eq!(
        (status, error_reason(status, &body).as_str()),
        (404, "notFound")
    );
}

#[test]
fn groups_of_a_user() {
    let emulator = start(4, 100, 20);
    let token = admin_token(&emulator);
    let (user, expected) = emulator.with_tenant(|t: &mut Tenant| {
        let user = t.groups[5]
            .members
            .iter()
            .find(|m| m.email.is_some())
            .unwrap()
            .email
            .clone()
            .unwrap();
        let id = t.find_user(&user).unwrap().id.clone();
        let expected: HashSet<String> = t
            .groups
            .iter()
            .filter(|g| g.members.iter().any(|m| m.id == id))
            .map(|g| g.id.clone())
            .collect();
        (user, expected)
    });
    let (groups, _) = list_all(
        &emulator,
        &token,
        &format!("groups?userKey={user}"),
        "groups",
    );
    assert_eq!(ids(&groups), expected);
}

#[test]
fn a_large_group_pages_through_its_members() {
    let emulator = start(4, 1500, 8);
    let token = admin_token(&emulator);
    let (key, count) =
        emulator.with_tenant(|t| (t.groups[1].email.clone(), t.groups[1].members.len()));
    assert!(
        count > 200,
        "generated large groups have more than 200 members"
    );
    let (members, pages) = list_all(
        &emulator,
        &token,
        &format!("groups/{key}/members"),
        "members",
    );
    assert_eq!(members.len(), count);
    assert_eq!(ids(&members).len(), count);
    assert!(pages >= 2);
    assert!(members
        .iter()
        .all(|m| m["kind"] == "admin#directory#member" && m["status"] == "ACTIVE"));
}

#[test]
fn derived_membership_reaches_nested_groups_and_keeps_group_entries() {
    let emulator = start(4, 200, 10);
    let token = admin_token(&emulator);
    // Generated chain: group 4 contains 5, which contains 6 (and maybe other groups).
    let (top, expected, group_ids) = emulator.with_tenant(|t| {
        let mut expected = HashSet::new();
        let mut queue = vec![t.groups[4].id.clone()];
        let mut walked = HashSet::new();
        while let Some(id) = queue.pop() {
            if !walked.insert(id.clone()) {
                continue;
            }
            for m in &t.find_group(&id).unwrap().members {
                expected.insert(m.id.clone());
                if m.member_type == google_emulator::MemberType::Group {
                    queue.push(m.id.clone());
                }
            }
        }
        let direct_of_five = t.groups[5].members.iter().any(|m| m.id == t.groups[6].id);
        assert!(direct_of_five, "the generated chain is in place");
        (
            t.groups[4].email.clone(),
            expected,
            [t.groups[5].id.clone(), t.groups[6].id.clone()],
        )
    });
    let (direct, _) = list_all(
        &emulator,
        &token,
        &format!("groups/{top}/members"),
        "members",
    );
    assert!(ids(&direct).contains(&group_ids[0]));
    assert!(
        !ids(&direct).contains(&group_ids[1]),
        "group 6 is not a direct member of 4"
    );

    let path = format!("groups/{top}/members?includeDerivedMembership=true&maxResults=3");
    let (derived, _) = list_all(&emulator, &token, &path, "members");
    let derived_ids = ids(&derived);
    assert_eq!(derived_ids.len(), derived.len(), "each member once");
    assert_eq!(derived_ids, expected);
    assert!(derived.iter().any(|m| m["type"] == "GROUP"));
}

#[test]
fn the_customer_member_has_no_address() {
    let emulator = start(4, 50, 3);
    let token = admin_token(&emulator);
    let everyone = emulator.with_tenant(|t| t.groups[0].email.clone());
    let (members, _) = list_all(
        &emulator,
        &token,
        &format!("groups/{everyone}/members"),
        "members",
    );
    let customer = members
        .iter()
        .find(|m| m["type"] == "CUSTOMER")
        .expect("a CUSTOMER member");
    assert_eq!(customer["id"], emulator.customer_id().as_str());
    assert!(customer.get("email").is_none());
}

#[test]
fn roles_filter_members() {
    let emulator = start(4, 300, 5);
    let token = admin_token(&emulator);
    let key = emulator.with_tenant(|t| {
        let g = t.groups[1].email.clone();
        t.add_member(&g, "admin@example.com", Role::Owner).ok();
        g
    });
    let (owners, _) = list_all(
        &emulator,
        &token,
        &format!("groups/{key}/members?roles=OWNER"),
        "members",
    );
    assert!(!owners.is_empty());
    assert!(owners.iter().all(|m| m["role"] == "OWNER"));
}
