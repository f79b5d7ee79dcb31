//! The HTTP server: Google's routes behind gzip and the stats recorder, the control API
//! beside them, served on a tokio runtime of its own.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use http_body_util::BodyExt;
use tower_http::compression::{CompressionLayer, CompressionLevel};

use crate::state::Shared;
use crate::{control, directory, http, oidc, token};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let google = Router::new()
        .route("/token", post(token::token))
        .merge(directory::routes())
        .merge(oidc::routes())
        .fallback(not_found)
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), record));
    Router::new()
        .merge(control::routes())
        .merge(google)
        .with_state(shared)
}

/// Counts every response of Google's routes: status, bytes on the wire (after gzip), and the
/// number of requests in flight.
async fn record(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let in_flight = shared.stats.enter();
    let response = next.run(request).await;
    drop(in_flight);

    shared.stats.response(response.status().as_u16());
    let mut response = response;
    // The Date header follows the emulator's clock, so that a client can notice when its own
    // clock disagrees with Google's.
    let date =
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(shared.clock.now().max(0) as u64);
    if let Ok(value) = header::HeaderValue::from_str(&httpdate::fmt_http_date(date)) {
        response.headers_mut().insert(header::DATE, value);
    }
    response.map(|body| {
        Body::new(body.map_frame(move |frame| {
            if let Some(data) = frame.data_ref() {
                shared.stats.bytes(data.len());
            }
            frame
        }))
    })
}

/// Google's frontend answers unknown paths with a small HTML page.
async fn not_found(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    shared.stats.request("unknown");
    log::debug!("no such endpoint: {}", uri.path());
    let page = format!(
        "<!DOCTYPE html>\n<html lang=en><title>Error 404 (Not Found)</title>\
         <p><b>404.</b> <ins>That’s an error.</ins><p>The requested URL <code>{}</code> was \
         not found on this server. <ins>That’s all we know.</ins>\n",
        http::html_escape(uri.path())
    );
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=UTF-8")],
        page,
    )
        .into_response()
}
