//! Changing the tenant while a client reads it, through the Rust API and the control API.

mod common;

use std::collections::HashSet;

use common::*;
use serde_json::{json, Value};

#[test]
fn tenant_changes_between_pages_keep_the_page_token_valid() {
    let emulator = start(6, 300, 3);
    let token = admin_token(&emulator);
    let (status, first) = get(
        &emulator,
        Some(&token),
        "users?customer=my_customer&maxResults=100",
    );
    assert_eq!(status, 200);
    let page_token = first["nextPageToken"].as_str().unwrap().to_string();
    let seen: HashSet<String> = first["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();

    // Remove a user not yet listed, rename one, add a new one.
    let (removed, renamed) = emulator.with_tenant(|t| {
        let mut unseen = t
            .users
            .iter()
            .filter(|u| !seen.contains(&u.id))
            .map(|u| u.primary_email.clone());
        let removed = unseen.next().unwrap();
        let renamed = unseen.next().unwrap();
        t.remove_user(&removed).unwrap();
        t.rename_user(&renamed, "renamed.person@example.com")
            .unwrap();
        t.add_user("new.person@example.com", "New", "Person")
            .unwrap();
        (removed, renamed)
    });

    let mut rest = Vec::new();
    let mut next = Some(page_token);
    while let Some(page_token) = next {
        let (status, body) = get(
            &emulator,
            Some(&token),
            &format!("users?customer=my_customer&maxResults=100&pageToken={page_token}"),
        );
        assert_eq!(status, 200, "{body}");
        rest.extend(body["users"].as_array().cloned().unwrap_or_default());
        next = body["nextPageToken"].as_str().map(str::to_string);
    }
    let emails: Vec<&str> = rest
        .iter()
        .map(|u| u["primaryEmail"].as_str().unwrap())
        .collect();
    assert!(!emails.contains(&removed.as_str()));
    assert!(emails.contains(&"renamed.person@example.com"));
    let renamed_user = rest
        .iter()
        .find(|u| u["primaryEmail"] == "renamed.person@example.com")
        .unwrap();
    assert!(renamed_user["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == renamed.as_str()));
    let all: HashSet<&str> = first["users"]
        .as_array()
        .unwrap()
        .iter()
        .chain(&rest)
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        all.len(),
        first["users"].as_array().unwrap().len() + rest.len(),
        "no user twice"
    );
}

#[test]
fn rename_keeps_the_id_and_updates_memberships() {
    let emulator = start(6, 60, 6);
    let token = admin_token(&emulator);
    let (old, id, group) = emulator.with_tenant(|t| {
        let member = t.groups[2].members[0].clone();
        (member.email.unwrap(), member.id, t.groups[2].email.clone())
    });
    emulator.with_tenant(|t| t.rename_user(&old, "someone.else@example.com").unwrap());
    let (status, body) = get(&emulator, Some(&token), &format!("users/{old}"));
    assert_eq!(status, 200, "the old address is now an alias");
    assert_eq!(body["id"], id.as_str());
    assert_eq!(body["primaryEmail"], "someone.else@example.com");
    let (members, _) = list_all(
        &emulator,
        &token,
        &format!("groups/{group}/members"),
        "members",
    );
    let entry = members.iter().find(|m| m["id"] == id.as_str()).unwrap();
    assert_eq!(entry["email"], "someone.else@example.com");
}

fn control(
    emulator: &google_emulator::Emulator,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let url = format!("{}/_emulator/{path}", emulator.base_url());
    let client = client();
    let request = match method {
        "GET" => client.get(url),
        "POST" => client.post(url),
        "PUT" => client.put(url),
        "DELETE" => client.delete(url),
        _ => unreachable!(),
    };
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    let response = request.send().unwrap();
    (response.status().as_u16(), response.json().unwrap())
}

#[test]
fn the_control_api_changes_the_same_tenant() {
    let emulator = start(6, 40, 4);
    let (status, state) = control(&emulator, "GET", "state", None);
    assert_eq!(status, 200);
    assert_eq!(state["users"], 40);
    assert_eq!(state["admin"], emulator.admin_email().as_str());
    assert_eq!(state["client_id"], emulator.client_id().as_str());

    let (status, user) = control(
        &emulator,
        "POST",
        "users",
        Some(json!({
            "primaryEmail": "added@example.com",
            "name": {"givenName": "Added", "familyName": "User"},
            "orgUnitPath": "/Sales"
        })),
    );
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["id"].as_str().unwrap().len(), 21);
    let (status, body) = control(
        &emulator,
        "POST",
        "users",
        Some(json!({"primaryEmail": "added@example.com"})),
    );
    assert_eq!(status, 409, "{body}");
    assert!(body["error"].as_str().unwrap().contains("already belongs"));

    assert_eq!(
        control(
            &emulator,
            "POST",
            "users/added@example.com/rename",
            Some(json!({"new_email": "moved@example.com"}))
        )
        .0,
        200
    );
    assert_eq!(
        control(&emulator, "POST", "users/moved@example.com/suspend", None).0,
        200
    );
    assert!(emulator.with_tenant(|t| t.find_user("moved@example.com").unwrap().suspended));

    let group = emulator.with_tenant(|t| t.groups[1].email.clone());
    assert_eq!(
        control(
            &emulator,
            "POST",
            &format!("groups/{group}/members"),
            Some(json!({"member": "moved@example.com", "role": "MANAGER"}))
        )
        .0,
        200
    );
    assert_eq!(
        control(
            &emulator,
            "DELETE",
            &format!("groups/{group}/members/moved@example.com"),
            None
        )
        .0,
        200
    );
    assert_eq!(
        control(&emulator, "DELETE", "users/moved@example.com", None).0,
        200
    );
    assert_eq!(
        control(&emulator, "DELETE", "users/moved@example.com", None).0,
        404
    );

    assert_eq!(
        control(&emulator, "PUT", "api_enabled", Some(json!(false))).0,
        200
    );
    assert!(!emulator.tenant().api_enabled);
    assert_eq!(
        control(
            &emulator,
            "PUT",
            "delegation",
            Some(json!({"client_id": "42", "scopes": [USER_READONLY]}))
        )
        .0,
        200
    );
    assert_eq!(emulator.tenant().delegations["42"], [USER_READONLY]);
    assert_eq!(
        control(&emulator, "PUT", "clock", Some(json!({"offset_secs": 5}))).0,
        200
    );

    let (status, tenant) = control(&emulator, "GET", "tenant", None);
    assert_eq!(status, 200);
    assert_eq!(tenant["users"].as_array().unwrap().len(), 40);
    let (status, _) = control(&emulator, "PUT", "tenant", Some(tenant));
    assert_eq!(status, 200);

    let (status, stats) = control(&emulator, "GET", "stats", None);
    assert_eq!(status, 200);
    assert!(stats["requests"].is_object());
}

#[test]
fn stats_count_requests_and_statuses() {
    let emulator = start(6, 30, 3);
    let token = admin_token(&emulator);
    get(&emulator, Some(&token), "users?customer=my_customer");
    get(&emulator, Some(&token), "users/nobody@example.com");
    let stats = emulator.stats();
    assert_eq!(stats.count("token"), 1);
    assert_eq!(stats.count("users.list"), 1);
    assert_eq!(stats.count("users.get"), 1);
    assert_eq!(stats.status_count(200), 2);
    assert_eq!(stats.status_count(404), 1);
    assert!(stats.bytes_sent > 0);
    assert!(stats.max_concurrent >= 1);
    emulator.reset_stats();
    assert_eq!(emulator.stats().total_requests(), 0);
}
