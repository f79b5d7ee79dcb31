//! `GET /o/oauth2/v2/auth`: the authorization endpoint. There is no browser and no consent
//! screen: the account named by `login_hint` is signed in at once and sent back with a code,
//! or with an error in the redirect as Google sends it. A request Google would not redirect
//! at all (unknown client, unregistered redirect URI) gets an error page.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use url::Url;

use super::codes::{Challenge, PendingCode, CODE_LIFETIME_SECS};
use super::identity::{Identity, Refusal};
use crate::state::Shared;
use crate::{http, scopes};

pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    shared.stats.request("oidc.authorize");
    let params: HashMap<String, String> = pairs.into_iter().collect();
    match sign_in(&shared, &params) {
        Ok(location) | Err(Outcome::Redirect(location)) => redirect(&location),
        Err(Outcome::Page(title, detail)) => error_page(&title, &detail),
    }
}

enum Outcome {
    /// An error Google reports back to the client in the redirect.
    Redirect(String),
    /// An error Google shows the user instead of redirecting.
    Page(String, String),
}

/// The redirect location with a code, or the way the request fails.
fn sign_in(shared: &Shared, params: &HashMap<String, String>) -> Result<String, Outcome> {
    let live = shared.read();
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };

    let client_id = get("client_id").unwrap_or_default();
    let client = live.tenant.oauth_client(client_id).ok_or_else(|| {
        Outcome::Page(
            "Error 401: invalid_client".into(),
            format!("The OAuth client was not found. (client_id {client_id:?} is not registered in the tenant)"),
        )
    })?;
    let redirect_uri = get("redirect_uri").unwrap_or_default();
    let registered = client
        .redirect_uris
        .iter()
        .any(|r| redirect_matches(r, redirect_uri));
    let base = Url::parse(redirect_uri)
        .ok()
        .filter(|_| registered)
        .ok_or_else(|| {
            Outcome::Page(
                "Error 400: redirect_uri_mismatch".into(),
                format!(
                    "The redirect URI {redirect_uri:?} is not registered for client {client_id}; \
                 registered: {:?}",
                    client.redirect_uris
                ),
            )
        })?;
    let state = get("state");
    let fail = |error: &str, description: &str| {
        let mut url = base.clone();
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("error", error);
            if !description.is_empty() {
                query.append_pair("error_description", description);
            }
            if let Some(state) = state {
                query.append_pair("state", state);
            }
        }
        Outcome::Redirect(url.into())
    };

    if get("response_type") != Some("code") {
        return Err(fail(
            "unsupported_response_type",
            "Only response_type=code is supported",
        ));
    }
    let scopes: Vec<String> = get("scope")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if scopes.is_empty() {
        return Err(fail("invalid_request", "Missing required parameter: scope"));
    }
    if !scopes.iter().all(|scope| scopes::is_known(scope)) {
        return Err(fail("invalid_scope", "Some requested scopes were invalid"));
    }
    let challenge = match (get("code_challenge"), get("code_challenge_method")) {
        (None, _) => None,
        (Some(c), Some("S256")) => Some(Challenge::S256(c.to_string())),
        (Some(c), None | Some("plain")) => Some(Challenge::Plain(c.to_string())),
        (Some(_), Some(_)) => {
            return Err(fail("invalid_request", "Invalid code_challenge_method"));
        }
    };
    let login = get("login_hint").ok_or_else(|| {
        Outcome::Page(
            "Error 400: login_hint required".into(),
            "This emulator has no sign-in page: name the account to sign in with \
             login_hint=<address of a tenant user, or a personal address such as \
             someone@gmail.com>."
                .into(),
        )
    })?;
    let identity = Identity::resolve(&live, login).map_err(|refusal| match refusal {
        Refusal::UnknownAccount => fail("access_denied", "Couldn't find your Google Account"),
        Refusal::Suspended => fail("access_denied", "This account has been suspended"),
    })?;

    let now = shared.clock.now();
    let hd = identity.hd.clone();
    let code = shared.oidc.codes.issue(
        PendingCode {
            client_id: client.client_id.clone(),
            redirect_uri: redirect_uri.to_string(),
            scopes: scopes.clone(),
            nonce: get("nonce").map(str::to_string),
            challenge,
            identity,
            expires_at: now + CODE_LIFETIME_SECS,
        },
        now,
    );
    let mut url = base;
    {
        let mut query = url.query_pairs_mut();
        if let Some(state) = state {
            query.append_pair("state", state);
        }
        query.append_pair("code", &code);
        query.append_pair("scope", &super::expand_scopes(&scopes).join(" "));
        query.append_pair("authuser", "0");
        if let Some(hd) = &hd {
            query.append_pair("hd", hd);
        }
        query.append_pair("prompt", "none");
    }
    Ok(url.into())
}

/// Google compares redirect URIs exactly, except that a loopback address may use any port
/// (native apps listen on whatever port is free).
pub(crate) fn redirect_matches(registered: &str, requested: &str) -> bool {
    if registered == requested {
        return true;
    }
    let (Ok(a), Ok(b)) = (Url::parse(registered), Url::parse(requested)) else {
        return false;
    };
    let loopback = |url: &Url| {
        url.scheme() == "http"
            && matches!(
                url.host_str(),
                Some("127.0.0.1") | Some("[::1]") | Some("localhost")
            )
    };
    loopback(&a)
        && loopback(&b)
        && a.host_str() == b.host_str()
        && a.path() == b.path()
        && a.query() == b.query()
}

fn redirect(location: &str) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

fn error_page(title: &str, detail: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=en><title>Access blocked: Authorization Error</title>\
         <h1>Access blocked: Authorization Error</h1><p>{}</p><p>{}</p>\n",
        http::html_escape(title),
        http::html_escape(detail)
    );
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}
