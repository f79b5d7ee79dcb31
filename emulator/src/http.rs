//! Responses as plain data until the last moment, so latency can be charged by body size and
//! faults that spoil the body (cut it short, break the connection) can be applied to any
//! route the same way.

use std::io;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;

use crate::faults::FaultKind;

/// Google's JSON content type, with the charset spelled as Google spells it.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=UTF-8";

/// A response not yet sent.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// A JSON reply with Google's content type.
    pub fn json(status: StatusCode, body: &Value) -> Reply {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(JSON_CONTENT_TYPE),
        );
        Reply {
            status,
            headers,
            body: body.to_string().into_bytes(),
        }
    }

    pub fn header(mut self, name: header::HeaderName, value: &'static str) -> Reply {
        self.headers.insert(name, HeaderValue::from_static(value));
        self
    }

    /// The response as sent, spoiled by `fault` when it is one that spoils bodies.
    pub fn into_response(self, fault: Option<FaultKind>) -> Response {
        let Reply {
            status,
            headers,
            mut body,
        } = self;
        let body = match fault {
            Some(FaultKind::TruncatedJson) => {
                body.truncate(body.len() / 2);
                Body::from(body)
            }
            Some(FaultKind::ResetConnection) => broken_body(body),
            _ => Body::from(body),
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        response
    }
}

/// A body that sends its first half and then fails, which makes the server drop the
/// connection in the middle of the response: the client sees a broken connection.
fn broken_body(mut body: Vec<u8>) -> Body {
    let first_half = Bytes::from(body.drain(..body.len() / 2).collect::<Vec<u8>>());
    let chunks: Vec<Result<Bytes, io::Error>> = vec![
        Ok(first_half),
        Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "fault injected: connection reset in the middle of the response",
        )),
    ];
    Body::from_stream(futures_util::stream::iter(chunks))
}

/// A JSON response with Google's content type.
pub fn json(status: StatusCode, body: &Value) -> Response {
    Reply::json(status, body).into_response(None)
}

/// The token of an `Authorization: Bearer …` header (the scheme is case-insensitive).
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Text made safe to put in an HTML page.
pub(crate) fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
