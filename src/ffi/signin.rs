//! The sign-in exports: `ds_authorization_url` starts a "Sign in with Google", and
//! `ds_authenticate` checks its result (or an ID token, or an app password).

use std::ffi::c_char;

use super::boundary::{guard, require_out, required_str, set_last_error, to_c_string, write_out};
use super::host::Callbacks;
use super::types::{DsCallbacks, DsConnector, DsStatus};
use super::{connector_ref, install_log};
use crate::auth::request::{AuthorizationRequest, SignInRequest};
use crate::auth::Outcome;

/// Checks a sign-in and says which host user it is.
///
/// `request_json` holds exactly one of:
/// - `{"code", "redirect_uri", "code_verifier", "nonce"}`: the code Google sent to the
///   redirect URI (after the host compared the callback's `state` with the one it kept), with
///   the values `ds_authorization_url` returned; the code is exchanged at Google's token
///   endpoint and the ID token it yields is checked.
/// - `{"id_token", "nonce"}`: an ID token the host already holds, and the nonce it sent.
/// - `{"login", "password"}`: a login name (host login, primary address or alias) and an app
///   password, checked with an IMAP LOGIN at Google's IMAP server.
///
/// On `DS_STATUS_OK` writes `*out_result_json`:
/// `{"refused": false, "login", "primary_email", "google_id", "full_name",
///   "method": "oidc"|"app_password", "email", "hd"}`.
///
/// On `DS_STATUS_REFUSED` (the sign-in was checked and the person may not sign in) it ALSO
/// writes `*out_result_json`, unlike every other failing call:
/// `{"refused": true, "reason", "message", "method"}`, and `ds_last_error` returns the message.
/// `reason` is one of these stable codes: `malformed_token`, `unsigned_token`,
/// `wrong_algorithm`, `unknown_key`, `bad_signature`, `tampered_token`, `wrong_issuer`,
/// `wrong_audience`, `wrong_authorized_party`, `expired`, `issued_in_future`, `wrong_nonce`,
/// `email_not_verified`, `wrong_hosted_domain`, `missing_hosted_domain`, `unknown_user`,
/// `suspended`, `not_in_scope`, `wrong_password`, `app_password_required`,
/// `imap_unreachable`, `imap_error`, `code_exchange_failed`, `redirect_uri_not_allowed`,
/// `google_unavailable`.
///
/// Any other status means the request or the setup is wrong (`DS_STATUS_INVALID_ARGUMENT`:
/// the JSON; `DS_STATUS_CONFIG_ERROR`: no `oidc` section, no client secret;
/// `DS_STATUS_AUTHORIZATION_ERROR`: Google refused the OAuth client or the Directory
/// delegation); `*out_result_json` is then untouched. Free the result with `ds_string_free`.
///
/// `callbacks` may be NULL; only `log` is used. No token, code, verifier or password ever
/// reaches the log, the message or the result. Thread-safe: sign-ins on one handle run
/// concurrently with each other and with `ds_test`/`ds_sync`, whose run flag they never take.
///
/// # Safety
/// `connector` comes from `ds_configure` and is not freed; `request_json` is NULL or a
/// NUL-terminated string; `callbacks` is NULL or valid as documented on `DsCallbacks`;
/// `out_result_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ds_authenticate(
    connector: *const DsConnector,
    request_json: *const c_char,
    callbacks: *const DsCallbacks,
    out_result_json: *mut *mut c_char,
) -> DsStatus {
    guard(|| {
        let connector = connector_ref(connector)?;
        require_out(out_result_json, "out_result_json")?;
        let json = required_str(request_json, "request_json")?;
        let callbacks = Callbacks::read(callbacks)?;
        let _log = install_log(&callbacks, connector);
        let request = SignInRequest::from_json(json)?;
        let authenticator = connector.inner.authenticator();
        match authenticator.authenticate(&connector.inner, &request)? {
            Outcome::SignedIn(signed_in) => {
                write_out(out_result_json, to_c_string(signed_in.to_json()));
                Ok(DsStatus::Ok)
            }
            Outcome::Refused(refusal) => {
                write_out(
                    out_result_json,
                    to_c_string(refusal.to_json(request.method())),
                );
                set_last_error(&refusal.message);
                Ok(DsStatus::Refused)
            }
        }
    })
}

/// Starts a "Sign in with Google": builds the URL to send the browser to.
///
/// `request_json` is `{"redirect_uri", "login_hint"?, "hd"?}`. `redirect_uri` must be one of
/// `oidc.redirect_uris` (a loopback `http://127.0.0.1/...` one matches any port);
/// `login_hint` pre-fills the account; `hd` hints the Workspace domain (default: the only
/// allowed domain, or `*`). The URL asks for `openid email profile` with a fresh `state`,
/// `nonce` and PKCE S256 challenge.
///
/// On success writes `*out_json`: `{"url", "state", "nonce", "code_verifier"}`. Keep `state`,
/// `nonce` and `code_verifier` with the browser session (server side: the verifier is a
/// secret); on the callback check `state`, then pass the code, `redirect_uri`,
/// `code_verifier` and `nonce` to `ds_authenticate`. Free the JSON with `ds_string_free`.
///
/// Fails with `DS_STATUS_CONFIG_ERROR` when there is no `oidc` section or the redirect URI is
/// not allowed, `DS_STATUS_NETWORK_ERROR` when the issuer's discovery document cannot be
/// fetched (it is cached afterwards). Thread-safe.
///
/// # Safety
/// As for `ds_authenticate`.
#[no_mangle]
pub unsafe extern "C" fn ds_authorization_url(
    connector: *const DsConnector,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> DsStatus {
    guard(|| {
        let connector = connector_ref(connector)?;
        require_out(out_json, "out_json")?;
        let json = required_str(request_json, "request_json")?;
        let request = AuthorizationRequest::from_json(json)?;
        let start = connector
            .inner
            .authenticator()
            .authorization_url(&connector.inner, &request)?;
        write_out(out_json, to_c_string(start.to_json()));
        Ok(DsStatus::Ok)
    })
}
