//! Who may call the Directory: 401 without a valid token, 403 for missing scopes, a
//! non-administrator or a disabled API, each with Google's body.

mod common;

use common::*;

#[test]
fn missing_unknown_and_expired_tokens_are_401() {
    let emulator = start(1, 10, 2);
    let (status, body) = get(&emulator, None, "users?customer=my_customer");
    assert_eq!(status, 401);
    assert_eq!(error_reason(status, &body), "required");
    assert_eq!(body["error"]["status"], "UNAUTHENTICATED");

    let (status, body) = get(
        &emulator,
        Some("ya29.made-up"),
        "users?customer=my_customer",
    );
    assert_eq!(status, 401);
    assert_eq!(error_reason(status, &body), "authError");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Request had invalid authentication credentials."));

    let token = admin_token(&emulator);
    assert_eq!(
        get(&emulator, Some(&token), "users?customer=my_customer").0,
        200
    );
    emulator.set_clock_offset(3600);
    let (status, body) = get(&emulator, Some(&token), "users?customer=my_customer");
    assert_eq!(status, 401, "the token expired by the emulator's clock");
    assert_eq!(error_reason(status, &body), "authError");
}

#[test]
fn short_token_lifetime_expires_for_real() {
    let emulator = start(1, 10, 2);
    emulator.set_token_lifetime(1);
    let (status, body) = grant(
        &emulator,
        &sign(
            &emulator,
            &claims(&emulator, &emulator.admin_email(), SYNC_SCOPES),
        ),
    );
    assert_eq!(status, 200);
    assert_eq!(body["expires_in"], 1);
    let token = body["access_token"].as_str().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(
        get(&emulator, Some(token), "users?customer=my_customer").0,
        401
    );
}

#[test]
fn scopes_must_cover_the_method() {
    let emulator = start(1, 10, 2);
    let token = token_for(&emulator, &emulator.admin_email(), &[GROUP_READONLY]);
    let (status, body) = get(&emulator, Some(&token), "users?customer=my_customer");
    assert_eq!(status, 403);
    assert_eq!(error_reason(status, &body), "insufficientPermissions");
    assert_eq!(
        body["error"]["message"],
        "Request had insufficient authentication scopes."
    );
    assert_eq!(body["error"]["status"], "PERMISSION_DENIED");

    // group.readonly also lists members; member.readonly alone does not list groups.
    assert_eq!(
        get(&emulator, Some(&token), "groups?customer=my_customer").0,
        200
    );
    let group = emulator.with_tenant(|t| t.groups[0].email.clone());
    assert_eq!(
        get(&emulator, Some(&token), &format!("groups/{group}/members")).0,
        200
    );
    let token = token_for(&emulator, &emulator.admin_email(), &[MEMBER_READONLY]);
    assert_eq!(
        get(&emulator, Some(&token), "groups?customer=my_customer").0,
        403
    );
    assert_eq!(
        get(&emulator, Some(&token), &format!("groups/{group}/members")).0,
        200
    );
}

#[test]
fn a_non_administrator_is_forbidden() {
    let emulator = start(1, 10, 2);
    let user = emulator.with_tenant(|t| {
        t.users
            .iter()
            .find(|u| !u.is_admin)
            .unwrap()
            .primary_email
            .clone()
    });
    let token = token_for(&emulator, &user, SYNC_SCOPES);
    let (status, body) = get(&emulator, Some(&token), "users?customer=my_customer");
    assert_eq!(status, 403);
    assert_eq!(error_reason(status, &body), "forbidden");
    assert_eq!(
        body["error"]["message"],
        "Not Authorized to access this resource/api"
    );

    // Listed as a delegated administrator, the same user may read.
    emulator.with_tenant(|t| t.admins.push(user.clone()));
    assert_eq!(
        get(&emulator, Some(&token), "users?customer=my_customer").0,
        200
    );
}

#[test]
fn a_service_account_without_subject_is_forbidden() {
    let emulator = start(1, 10, 2);
    let mut claims = claims(&emulator, "", SYNC_SCOPES);
    claims.remove("sub");
    let (status, body) = grant(&emulator, &sign(&emulator, &claims));
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(
        get(&emulator, Some(token), "users?customer=my_customer").0,
        403
    );
}

#[test]
fn a_disabled_api_is_access_not_configured() {
    let emulator = start(1, 10, 2);
    let token = admin_token(&emulator);
    emulator.set_api_enabled(false);
    let (status, body) = get(&emulator, Some(&token), "users?customer=my_customer");
    assert_eq!(status, 403);
    assert_eq!(error_reason(status, &body), "accessNotConfigured");
    assert_eq!(body["error"]["details"][0]["reason"], "SERVICE_DISABLED");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Admin SDK API has not been used in project"));
}
