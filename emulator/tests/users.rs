//! users.list and users.get over HTTP: paging, order, partial responses, lookups and errors.

mod common;

use std::collections::HashSet;

use common::*;

#[test]
fn listing_1234_users_takes_three_pages_of_500_with_each_user_once() {
    let emulator = start(3, 1234, 5);
    let token = admin_token(&emulator);
    let (users, pages) = list_all(
        &emulator,
        &token,
        "users?customer=my_customer&maxResults=500",
        "users",
    );
    assert_eq!(pages, 3);
    assert_eq!(users.len(), 1234);
    let ids: HashSet<&str> = users.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1234, "every user exactly once");

    // Default order is by id; orderBy=email by primary address.
    let listed: Vec<&str> = users.iter().map(|u| u["id"].as_str().unwrap()).collect();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted);
    let (by_email, _) = list_all(
        &emulator,
        &token,
        "users?customer=my_customer&maxResults=500&orderBy=email",
        "users",
    );
    let emails: Vec<String> = by_email
        .iter()
        .map(|u| u["primaryEmail"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = emails.clone();
    sorted.sort();
    assert_eq!(emails, sorted);
}

#[test]
fn default_page_is_100_and_user_fields_are_googles() {
    let emulator = start(3, 150, 2);
    let token = admin_token(&emulator);
    let (status, body) = get(&emulator, Some(&token), "users?customer=my_customer");
    assert_eq!(status, 200);
    assert_eq!(body["kind"], "admin#directory#users");
    assert!(body["etag"].is_string());
    assert_eq!(body["users"].as_array().unwrap().len(), 100);
    let user = &body["users"][0];
    assert_eq!(user["kind"], "admin#directory#user");
    assert_eq!(user["id"].as_str().unwrap().len(), 21);
    assert_eq!(user["customerId"], emulator.customer_id());
    for field in ["primaryEmail", "etag", "orgUnitPath", "creationTime"] {
        assert!(user[field].is_string(), "{field} in {user}");
    }
    for field in ["suspended", "archived", "isAdmin"] {
        assert!(user[field].is_boolean(), "{field} in {user}");
    }
    assert!(user["name"]["fullName"].is_string());
    assert_eq!(user["emails"][0]["primary"], true);
}

#[test]
fn the_fields_mask_is_applied_and_leaving_out_next_page_token_stops_paging() {
    let emulator = start(3, 30, 2);
    let token = admin_token(&emulator);
    let (status, body) = get(
        &emulator,
        Some(&token),
        "users?customer=my_customer&maxResults=10&fields=users(id,name/fullName),nextPageToken",
    );
    assert_eq!(status, 200, "{body}");
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["nextPageToken", "users"]);
    let user = body["users"][0].as_object().unwrap();
    assert_eq!(user.len(), 2);
    assert_eq!(user["name"].as_object().unwrap().len(), 1);

    // The trap: without nextPageToken in the mask there is no sign of a next page.
    let (_, body) = get(
        &emulator,
        Some(&token),
        "users?customer=my_customer&maxResults=10&fields=users(id)",
    );
    assert_eq!(body["users"].as_array().unwrap().len(), 10);
    assert!(body.get("nextPageToken").is_none(), "{body}");

    // A misspelt field is refused as Google refuses it.
    let (status, body) = get(
        &emulator,
        Some(&token),
        "users?customer=my_customer&fields=users(primaryemail)",
    );
    assert_eq!(status, 400);
    assert_eq!(error_reason(status, &body), "invalidParameter");
    let (status, _) = get(
        &emulator,
        Some(&token),
        "users?customer=my_customer&fields=users(id",
    );
    assert_eq!(status, 400);
}

#[test]
fn users_get_by_address_alias_and_id() {
    let emulator = start(5, 200, 5);
    let token = admin_token(&emulator);
    let (user, alias, group_email) = emulator.with_tenant(|t| {
        let user = t
            .users
            .iter()
            .find(|u| !u.aliases.is_empty())
            .unwrap()
            .clone();
        (
            user.clone(),
            user.aliases[0].clone(),
            t.groups[0].email.clone(),
        )
    });
    for key in [
        user.primary_email.clone(),
        user.primary_email.to_uppercase(),
        alias,
        user.id.clone(),
    ] {
        let (status, body) = get(&emulator, Some(&token), &format!("users/{key}"));
        assert_eq!(status, 200, "{key}: {body}");
        assert_eq!(body["id"], user.id.as_str());
    }

    let (status, body) = get(&emulator, Some(&token), "users/nobody@example.com");
    assert_eq!(status, 404);
    assert_eq!(error_reason(status, &body), "notFound");
    assert_eq!(body["error"]["message"], "Resource Not Found: userKey");

    let (status, body) = get(&emulator, Some(&token), &format!("users/{group_email}"));
    assert_eq!(status, 400);
    assert_eq!(body["error"]["message"], "Type not supported: userKey");
}

#[test]
fn listing_parameters_are_checked() {
    let emulator = start(3, 20, 2);
    let token = admin_token(&emulator);

    let (status, body) = get(&emulator, Some(&token), "users");
    assert_eq!(
        (status, error_reason(status, &body).as_str()),
        (400, "badRequest")
    );
    assert_eq!(body["error"]["message"], "Bad Request");

    let (status, body) = get(&emulator, Some(&token), "users?customer=not-a-customer");
    assert_eq!(
        (status, error_reason(status, &body).as_str()),
        (400, "invalid")
    );

    let customer = emulator.customer_id();
    let (status, _) = get(
        &emulator,
        Some(&token),
        &format!("users?customer={customer}"),
    );
    assert_eq!(status, 200);

    let (status, _) = get(
        &emulator,
        Some(&token),
        "users?customer=my_customer&maxResults=0",
    );
    assert_eq!(status, 400);
    let (status, _) = get(
        &emulator,
        Some(&token),
        "users?customer=my_customer&maxResults=501",
    );
    assert_eq!(status, 400, "the discovery document's maximum is enforced");

    let (status, body) = get(
        &emulator,
        Some(&token),
        "users?domain=example.com&maxResults=500",
    );
    assert_eq!(status, 200);
    assert_eq!(body["users"].as_array().unwrap().len(), 20);

    // A page token only works for the listing that made it.
    let (_, body) = get(
        &emulator,
        Some(&token),
        "users?customer=my_customer&maxResults=5",
    );
    let page_token = body["nextPageToken"].as_str().unwrap();
    let (status, body) = get(
        &emulator,
        Some(&token),
        &format!("users?customer=my_customer&maxResults=5&orderBy=email&pageToken={page_token}"),
    );
    assert_eq!(
        (status, error_reason(status, &body).as_str()),
        (400, "invalid")
    );
}

#[test]
fn query_filters_users() {
    let emulator = start(9, 300, 2);
    let token = admin_token(&emulator);
    let (suspended, _) = list_all(
        &emulator,
        &token,
        "users?customer=my_customer&maxResults=500&query=isSuspended=true",
        "users",
    );
    let expected = emulator.with_tenant(|t| t.users.iter().filter(|u| u.suspended).count());
    assert_eq!(suspended.len(), expected);
    assert!(suspended.iter().all(|u| u["suspended"] == true));

    let (sales, _) = list_all(
        &emulator,
        &token,
        "users?customer=my_customer&maxResults=500&query=orgUnitPath%3D%27%2FSales%27",
        "users",
    );
    assert!(!sales.is_empty());
    assert!(sales
        .iter()
        .all(|u| u["orgUnitPath"].as_str().unwrap().starts_with("/Sales")));

    let (admins, _) = list_all(
        &emulator,
        &token,
        "users?customer=my_customer&query=email:admin*",
        "users",
    );
    assert!(admins
        .iter()
        .any(|u| u["primaryEmail"] == emulator.admin_email().as_str()));
}

#[test]
fn responses_are_gzipped_when_asked() {
    let emulator = start(3, 50, 2);
    let token = admin_token(&emulator);
    let response = reqwest::blocking::Client::builder()
        .no_gzip()
        .build()
        .unwrap()
        .get(format!(
            "{}users?customer=my_customer",
            emulator.directory_url()
        ))
        .bearer_auth(&token)
        .header("Accept-Encoding", "gzip")
        .send()
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(
        response.headers()["content-type"],
        "application/json; charset=UTF-8"
    );
}
