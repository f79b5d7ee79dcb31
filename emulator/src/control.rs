//! The control API under `/_emulator/`, for users outside this process (the standalone
//! binary driven by Python or C# hosts, the benchmark). It calls the same operations as the
//! Rust API; errors are `{"error": "…"}` with a message that says what to fix.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::FaultConfig;
use crate::http;
use crate::load::LoadModel;
use crate::oidc::id_token::IdTokenRequest;
use crate::state::Shared;
use crate::tenant::{Role, Tenant, TenantError, User};

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_emulator/state", get(state))
        .route("/_emulator/tenant", get(get_tenant).put(put_tenant))
        .route("/_emulator/users", post(add_user))
        .route("/_emulator/users/{key}", delete(remove_user))
        .route("/_emulator/users/{key}/rename", post(rename_user))
        .route("/_emulator/users/{key}/suspend", post(suspend_user))
        .route("/_emulator/users/{key}/unsuspend", post(unsuspend_user))
        .route("/_emulator/users/{key}/app_password", put(set_app_password))
        .route("/_emulator/groups", post(add_group))
        .route("/_emulator/groups/{key}/members", post(add_member))
        .route(
            "/_emulator/groups/{key}/members/{member}",
            delete(remove_member),
        )
        .route("/_emulator/faults", get(get_faults).put(put_faults))
        .route("/_emulator/load", get(get_load).put(put_load))
        .route("/_emulator/stats", get(stats))
        .route("/_emulator/stats/reset", post(reset_stats))
        .route("/_emulator/clock", put(put_clock))
        .route("/_emulator/token_lifetime", put(put_token_lifetime))
        .route("/_emulator/delegation", put(put_delegation))
        .route("/_emulator/api_enabled", put(put_api_enabled))
        .route("/_emulator/oidc/rotate", post(rotate_signing_key))
        .route("/_emulator/oidc/signing_key", get(signing_key))
        .route("/_emulator/oidc/id_token", post(mint_id_token))
        .route("/_emulator/oidc/jwks_max_age", put(put_jwks_max_age))
}

fn ok(body: Value) -> Response {
    http::json(StatusCode::OK, &body)
}

fn refused(status: StatusCode, message: impl std::fmt::Display) -> Response {
    http::json(status, &json!({ "error": message.to_string() }))
}

fn tenant_result<T: serde::Serialize>(result: Result<T, TenantError>) -> Response {
    match result {
        Ok(value) => ok(serde_json::to_value(value).unwrap_or(Value::Null)),
        Err(error) => {
            let status = match error {
                TenantError::UserNotFound(_)
                | TenantError::GroupNotFound(_)
                | TenantError::MemberNotFound { .. } => StatusCode::NOT_FOUND,
                TenantError::AddressTaken(_) | TenantError::AlreadyMember { .. } => {
                    StatusCode::CONFLICT
                }
                TenantError::ForeignDomain(_) | TenantError::Invalid(_) => StatusCode::BAD_REQUEST,
            };
            refused(status, error)
        }
    }
}

async fn state(State(shared): State<Arc<Shared>>) -> Response {
    ok(shared.summary())
}

async fn get_tenant(State(shared): State<Arc<Shared>>) -> Response {
    ok(serde_json::to_value(&shared.read().tenant).unwrap_or(Value::Null))
}

async fn put_tenant(State(shared): State<Arc<Shared>>, Json(tenant): Json<Tenant>) -> Response {
    shared.with_tenant(|current| *current = tenant);
    ok(shared.summary())
}

async fn add_user(State(shared): State<Arc<Shared>>, Json(user): Json<User>) -> Response {
    tenant_result(shared.with_tenant(|t| t.insert_user(user).map(|user| user.clone())))
}

async fn remove_user(State(shared): State<Arc<Shared>>, Path(key): Path<String>) -> Response {
    tenant_result(shared.with_tenant(|t| t.remove_user(&key)))
}

#[derive(Deserialize)]
struct Rename {
    new_email: String,
}

async fn rename_user(
    State(shared): State<Arc<Shared>>,
    Path(key): Path<String>,
    Json(body): Json<Rename>,
) -> Response {
    tenant_result(shared.with_tenant(|t| t.rename_user(&key, &body.new_email)))
}

async fn suspend_user(State(shared): State<Arc<Shared>>, Path(key): Path<String>) -> Response {
    tenant_result(shared.with_tenant(|t| t.set_suspended(&key, true)))
}

async fn unsuspend_user(State(shared): State<Arc<Shared>>, Path(key): Path<String>) -> Response {
    tenant_result(shared.with_tenant(|t| t.set_suspended(&key, false)))
}

#[derive(Deserialize)]
struct AppPassword {
    password: String,
}

async fn set_app_password(
    State(shared): State<Arc<Shared>>,
    Path(key): Path<String>,
    Json(body): Json<AppPassword>,
) -> Response {
    tenant_result(shared.with_tenant(|t| t.set_app_password(&key, &body.password)))
}

#[derive(Deserialize)]
struct NewGroup {
    email: String,
    #[serde(default)]
    name: String,
}

async fn add_group(State(shared): State<Arc<Shared>>, Json(body): Json<NewGroup>) -> Response {
    tenant_result(shared.with_tenant(|t| t.add_group(&body.email, &body.name).map(|g| g.clone())))
}

#[derive(Deserialize)]
struct NewMember {
    /// A user or group address or id, the customer id, or an outside address.
    member: String,
    #[serde(default)]
    role: Role,
}

async fn add_member(
    State(shared): State<Arc<Shared>>,
    Path(key): Path<String>,
    Json(body): Json<NewMember>,
) -> Response {
    tenant_result(shared.with_tenant(|t| t.add_member(&key, &body.member, body.role)))
}

async fn remove_member(
    State(shared): State<Arc<Shared>>,
    Path((key, member)): Path<(String, String)>,
) -> Response {
    tenant_result(shared.with_tenant(|t| t.remove_member(&key, &member)))
}

async fn get_faults(State(shared): State<Arc<Shared>>) -> Response {
    ok(serde_json::to_value(shared.fault_config()).unwrap_or(Value::Null))
}

async fn put_faults(
    State(shared): State<Arc<Shared>>,
    Json(faults): Json<FaultConfig>,
) -> Response {
    shared.set_faults(faults);
    ok(serde_json::to_value(shared.fault_config()).unwrap_or(Value::Null))
}

async fn get_load(State(shared): State<Arc<Shared>>) -> Response {
    ok(serde_json::to_value(shared.load.model()).unwrap_or(Value::Null))
}

async fn put_load(State(shared): State<Arc<Shared>>, Json(load): Json<LoadModel>) -> Response {
    shared.load.set_model(load);
    ok(serde_json::to_value(shared.load.model()).unwrap_or(Value::Null))
}

async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    ok(serde_json::to_value(shared.stats.snapshot()).unwrap_or(Value::Null))
}

async fn reset_stats(State(shared): State<Arc<Shared>>) -> Response {
    shared.stats.reset();
    ok(json!({}))
}

#[derive(Deserialize)]
struct ClockOffset {
    offset_secs: i64,
}

async fn put_clock(State(shared): State<Arc<Shared>>, Json(body): Json<ClockOffset>) -> Response {
    shared.clock.set_offset(body.offset_secs);
    ok(json!({ "offset_secs": body.offset_secs }))
}

#[derive(Deserialize)]
struct TokenLifetime {
    secs: u64,
}

async fn put_token_lifetime(
    State(shared): State<Arc<Shared>>,
    Json(body): Json<TokenLifetime>,
) -> Response {
    shared.set_token_lifetime_secs(body.secs);
    ok(json!({ "secs": body.secs }))
}

#[derive(Deserialize)]
struct Delegation {
    client_id: String,
    /// An empty list removes the delegation.
    scopes: Vec<String>,
}

async fn put_delegation(
    State(shared): State<Arc<Shared>>,
    Json(body): Json<Delegation>,
) -> Response {
    shared.set_delegation(&body.client_id, body.scopes);
    ok(json!({}))
}

/// Accepts `true`/`false` or `{"enabled": true}`.
async fn put_api_enabled(State(shared): State<Arc<Shared>>, Json(body): Json<Value>) -> Response {
    let enabled = body
        .as_bool()
        .or_else(|| body.get("enabled").and_then(Value::as_bool));
    match enabled {
        Some(enabled) => {
            shared.with_tenant(|t| t.api_enabled = enabled);
            ok(json!({ "enabled": enabled }))
        }
        None => refused(
            StatusCode::BAD_REQUEST,
            "send true, false or {\"enabled\": true|false}",
        ),
    }
}

fn key_failure(error: std::io::Error) -> Response {
    refused(StatusCode::INTERNAL_SERVER_ERROR, error)
}

async fn rotate_signing_key(State(shared): State<Arc<Shared>>) -> Response {
    match shared.rotate_signing_key() {
        Ok(kid) => ok(json!({ "kid": kid })),
        Err(error) => key_failure(error),
    }
}

async fn signing_key(State(shared): State<Arc<Shared>>) -> Response {
    match shared.signing_key() {
        Ok((kid, private_key_pem)) => ok(json!({ "kid": kid, "private_key_pem": private_key_pem })),
        Err(error) => key_failure(error),
    }
}

async fn mint_id_token(
    State(shared): State<Arc<Shared>>,
    Json(request): Json<IdTokenRequest>,
) -> Response {
    match shared.mint_id_token(&request) {
        Ok(id_token) => ok(json!({ "id_token": id_token })),
        Err(error) => key_failure(error),
    }
}

#[derive(Deserialize)]
struct MaxAge {
    secs: u64,
}

async fn put_jwks_max_age(State(shared): State<Arc<Shared>>, Json(body): Json<MaxAge>) -> Response {
    shared.oidc.set_jwks_max_age_secs(body.secs);
    ok(json!({ "secs": body.secs }))
}
