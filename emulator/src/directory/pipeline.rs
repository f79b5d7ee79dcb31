//! The path every Directory request takes, in Google's order: authentication, API enabled,
//! scopes, quotas, injected faults, administrator check, the method itself, the `fields` mask,
//! and finally latency before the response leaves.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::errors::ApiError;
use crate::faults::{Endpoint, FaultKind};
use crate::fields::{self, schema::Schema, Mask};
use crate::http::{self, Reply};
use crate::load::{Refusal, Slot};
use crate::scopes;
use crate::state::{Live, Shared};

/// Query parameters; a repeated parameter keeps its last value.
pub(crate) type Params = HashMap<String, String>;

/// What one Directory method needs to know about itself.
pub(crate) struct Method {
    pub endpoint: Endpoint,
    /// Name in [`crate::Stats::requests`].
    pub name: &'static str,
    /// Google's internal method name, quoted in insufficient-scope errors.
    pub rpc: &'static str,
    /// Scopes (short names) any one of which allows the call.
    pub scopes: &'static [&'static str],
    /// The response's schema, for checking `fields`.
    pub schema: &'static Schema,
    /// The parameter named in an injected 404.
    pub key_name: &'static str,
}

/// A method's result before the mask: the body, and for listings the key of the items.
pub(crate) struct Answer {
    pub body: Value,
    pub items_key: Option<&'static str>,
}

/// Who is calling, from the access token.
struct Caller {
    token: String,
    subject_id: Option<String>,
}

pub(crate) async fn serve(
    shared: Arc<Shared>,
    method: &'static Method,
    headers: HeaderMap,
    params: Params,
    handler: impl FnOnce(&Live, &Params) -> Result<Answer, ApiError>,
) -> Response {
    shared.stats.request(method.name);
    let mut started = std::time::Instant::now();
    let (reply, fault, _slot) = match admit(&shared, method, &headers) {
        Err(error) => (error.into_reply(), None, None),
        Ok((caller, slot)) => {
            let fault = shared.pick_fault(method.endpoint);
            FaultKind::stall(fault).await;
            started = std::time::Instant::now();
            let reply = match fault.and_then(|kind| injected_error(&shared, method, &caller, kind))
            {
                Some(error) => error.into_reply(),
                None => answer(&shared, method, &caller, &params, handler, fault)
                    .unwrap_or_else(ApiError::into_reply),
            };
            (reply, fault, Some(slot))
        }
    };

    shared.deliver(reply, fault, started).await
}

/// Authentication, API enablement, scopes and quotas: what Google checks before the method.
fn admit(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
) -> Result<(Caller, Slot), ApiError> {
    let token = http::bearer_token(headers).ok_or_else(ApiError::login_required)?;
    let grant = shared
        .tokens
        .check(token, shared.clock.now())
        .ok_or_else(ApiError::invalid_credentials)?;

    let project_number = {
        let live = shared.read();
        if !live.tenant.api_enabled {
            return Err(ApiError::access_not_configured(&live.tenant.project_number));
        }
        live.tenant.project_number.clone()
    };
    if !scopes::covers(&grant.scopes, method.scopes) {
        return Err(ApiError::insufficient_scopes(method.rpc));
    }

    let subject = grant.subject_id.clone().unwrap_or_default();
    let slot = shared.load.admit(&subject).map_err(|refusal| {
        shared.stats.quota_error();
        match refusal {
            Refusal::Rate => ApiError::user_rate_limit(&project_number),
            Refusal::Concurrency => ApiError::quota_exceeded(),
        }
    })?;
    let caller = Caller {
        token: token.to_string(),
        subject_id: grant.subject_id,
    };
    Ok((caller, slot))
}

/// The error an injected fault stands for, if it is one that replaces the answer.
fn injected_error(
    shared: &Shared,
    method: &Method,
    caller: &Caller,
    kind: FaultKind,
) -> Option<ApiError> {
    let project_number = || shared.read().tenant.project_number.clone();
    let error = match kind {
        FaultKind::Status429 => ApiError::rate_limit(&project_number()),
        FaultKind::UserRateLimit403 => ApiError::user_rate_limit(&project_number()),
        FaultKind::QuotaExceeded403 => ApiError::quota_exceeded(),
        FaultKind::Status500 => ApiError::internal_error(),
        FaultKind::BackendError503 => ApiError::backend_unavailable(),
        FaultKind::Forbidden403 => ApiError::forbidden(),
        FaultKind::NotFound404 => ApiError::not_found(method.key_name),
        FaultKind::ExpireToken => {
            shared.tokens.revoke(&caller.token);
            ApiError::invalid_credentials()
        }
        _ => return None,
    };
    Some(error)
}

/// The method's answer, with page faults and the `fields` mask applied.
fn answer(
    shared: &Shared,
    method: &Method,
    caller: &Caller,
    params: &Params,
    handler: impl FnOnce(&Live, &Params) -> Result<Answer, ApiError>,
    fault: Option<FaultKind>,
) -> Result<Reply, ApiError> {
    let mask = match params.get("fields") {
        None => None,
        Some(text) => {
            let mask = Mask::parse(text).map_err(|e| ApiError::invalid_field_selection(&e.0))?;
            fields::schema::validate(&mask, method.schema)
                .map_err(|path| ApiError::invalid_field_selection(&path))?;
            Some(mask)
        }
    };

    let mut answer = {
        let live = shared.read();
        let subject = caller
            .subject_id
            .as_deref()
            .map(|id| {
                live.index
                    .user(&live.tenant, id)
                    .ok_or_else(ApiError::invalid_credentials)
            })
            .transpose()?;
        if !subject.is_some_and(|user| live.tenant.is_directory_admin(user)) {
            return Err(ApiError::forbidden());
        }
        handler(&live, params)?
    };

    if let (Some(items_key), Value::Object(body)) = (answer.items_key, &mut answer.body) {
        match fault {
            Some(FaultKind::RepeatPageToken) => {
                if let Some(token) = params.get("pageToken") {
                    body.insert("nextPageToken".into(), Value::String(token.clone()));
                }
            }
            Some(FaultKind::MissingItemsKey) => {
                body.remove(items_key);
            }
            _ => {}
        }
    }
    let body = match &mask {
        Some(mask) => fields::apply(answer.body, mask),
        None => answer.body,
    };
    Ok(Reply::json(StatusCode::OK, &body))
}
