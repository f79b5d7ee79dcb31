//! "Sign in with Google" as a host runs it: ask the library for the authorization URL, send
//! the person there, receive Google's redirect on a loopback port, and hand the code to the
//! library. With a login hint and the emulator, the browser's part is played here too.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::library::{Connector, SignInAnswer};

/// How long to wait for the browser to come back.
const CALLBACK_TIMEOUT: Duration = Duration::from_secs(300);

/// What Google's redirect to the callback carried.
struct Callback {
    params: HashMap<String, String>,
}

/// Why a browser sign-in did not get as far as the library's answer.
#[derive(Debug)]
pub enum SignInFailure {
    /// The configuration cannot do it (no loopback redirect URI, no client secret).
    Setup(String),
    /// Google or the browser turned the person away (access_denied, a forged redirect).
    Refused(String),
    /// Anything else: no redirect came back, the network.
    Other(String),
}

impl std::fmt::Display for SignInFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignInFailure::Setup(m) | SignInFailure::Refused(m) | SignInFailure::Other(m) => {
                f.write_str(m)
            }
        }
    }
}

/// Runs the code flow for one person and returns the library's answer. `config` is the
/// connector configuration (for its loopback redirect URI); `print` shows the steps. With a
/// login hint, the URL is also opened here: the emulator answers it with the redirect at
/// once; Google answers with its sign-in page, and the person's browser is waited for.
pub fn browser_sign_in(
    connector: &Connector<'_>,
    config: &Value,
    login_hint: Option<&str>,
    print: &dyn Fn(&str),
) -> Result<SignInAnswer, SignInFailure> {
    use SignInFailure::{Other, Refused, Setup};
    let registered = loopback_redirect(config).map_err(Setup)?;
    // Checked before the person goes through the browser for nothing.
    if config["oidc"]["client_secret"]
        .as_str()
        .is_none_or(str::is_empty)
    {
        return Err(Setup(
            "the configuration has no `oidc.client_secret`, which exchanging the code needs; \
             copy it from the OAuth client in the Google Cloud console"
                .into(),
        ));
    }
    let port = registered.port().unwrap_or(0);
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        Other(format!(
            "cannot listen on 127.0.0.1:{port} for the redirect: {e}"
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| Other(e.to_string()))?
        .port();
    let mut redirect_uri = registered.clone();
    let _ = redirect_uri.set_port(Some(port));
    let redirect_uri = redirect_uri.to_string();

    let mut request = json!({ "redirect_uri": redirect_uri });
    if let Some(hint) = login_hint {
        request["login_hint"] = json!(hint);
    }
    let start = connector
        .authorization_url(&request)
        .map_err(|e| match e.status {
            crate::abi::DS_STATUS_CONFIG_ERROR | crate::abi::DS_STATUS_INVALID_ARGUMENT => {
                Setup(e.to_string())
            }
            _ => Other(e.to_string()),
        })?;
    let url = start["url"].as_str().unwrap_or_default().to_string();
    print("Open this URL in a browser to sign in:");
    print(&format!("  {url}"));
    print(&format!(
        "Waiting for Google's redirect to {redirect_uri} ..."
    ));

    let path = registered.path().to_string();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(wait_for_callback(&listener, &path));
    });
    if login_hint.is_some() {
        match follow_as_browser(&url) {
            Ok(()) => print("(opened the URL here: the sign-in endpoint redirected at once)"),
            Err(why) => print(&format!("(the URL needs a browser: {why})")),
        }
    }
    let callback = receiver
        .recv_timeout(CALLBACK_TIMEOUT)
        .map_err(|_| Other("no redirect came back within 5 minutes".to_string()))?
        .map_err(Other)?;

    if let Some(error) = callback.params.get("error") {
        return Err(Refused(format!(
            "Google sent the browser back with an error: {error}"
        )));
    }
    // The state ties the redirect to this sign-in (no one else's redirect, no forged one).
    if callback.params.get("state").map(String::as_str) != start["state"].as_str() {
        return Err(Refused(
            "the redirect's state does not match this sign-in; ignored".into(),
        ));
    }
    let code = callback
        .params
        .get("code")
        .ok_or_else(|| Refused("the redirect carries no code".into()))?;
    Ok(connector.authenticate(
        &json!({
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": start["code_verifier"],
            "nonce": start["nonce"],
        }),
        None,
    ))
}

/// The first loopback redirect URI of `oidc.redirect_uris`.
fn loopback_redirect(config: &Value) -> Result<url::Url, String> {
    config["oidc"]["redirect_uris"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|uri| url::Url::parse(uri.as_str()?).ok())
        .find(|uri| uri.scheme() == "http" && uri.host_str() == Some("127.0.0.1"))
        .ok_or_else(|| {
            "the configuration has no loopback redirect URI: add \"http://127.0.0.1/callback\" \
             to `oidc.redirect_uris` (and to the OAuth client in the Google Cloud console)"
                .to_string()
        })
}

/// Accepts connections until one asks for `path`; answers it with a page the person sees.
fn wait_for_callback(listener: &TcpListener, path: &str) -> Result<Callback, String> {
    loop {
        let (stream, _) = listener.accept().map_err(|e| e.to_string())?;
        let Some(target) = request_target(&stream) else {
            continue;
        };
        let url =
            url::Url::parse(&format!("http://127.0.0.1{target}")).map_err(|e| e.to_string())?;
        if url.path() != path {
            respond(stream, "404 Not Found", "Not the sign-in callback.");
            continue;
        }
        respond(
            stream,
            "200 OK",
            "Signed in with Google: you may close this window and go back to the program.",
        );
        return Ok(Callback {
            params: url.query_pairs().into_owned().collect(),
        });
    }
}

/// The target of an HTTP request line (`GET /callback?code=... HTTP/1.1`).
fn request_target(stream: &TcpStream) -> Option<String> {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    // Read the headers to their end so the browser gets a clean response.
    let mut header = String::new();
    while reader.read_line(&mut header).ok()? > 2 {
        header.clear();
    }
    let mut words = line.split_whitespace();
    match (words.next(), words.next()) {
        (Some("GET"), Some(target)) if target.starts_with('/') => Some(target.to_string()),
        _ => None,
    }
}

fn respond(mut stream: TcpStream, status: &str, text: &str) {
    let body = format!("<!DOCTYPE html><title>google-ds</title><p>{text}</p>\n");
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
}

/// Plays the browser: opens the URL and follows Google's redirect to the callback. Works with
/// the emulator, which signs the `login_hint` account in without a page.
fn follow_as_browser(url: &str) -> Result<(), String> {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let answer = client.get(url).send().map_err(|e| e.to_string())?;
    let location = answer
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or_else(|| {
            format!(
                "the authorization endpoint answered HTTP {}",
                answer.status()
            )
        })?
        .to_string();
    client
        .get(&location)
        .send()
        .map_err(|e| format!("cannot reach the callback: {e}"))?;
    Ok(())
}

/// One line about a sign-in's answer.
pub fn describe(answer: &SignInAnswer) -> String {
    if answer.signed_in() {
        format!(
            "signed in: {} ({}), Google id {}, by {}",
            answer.field("login"),
            answer.field("full_name"),
            answer.field("google_id"),
            answer.field("method")
        )
    } else if let Some(reason) = answer.reason() {
        format!("refused ({reason}): {}", answer.field("message"))
    } else {
        format!(
            "{}: {}",
            answer.status_name,
            answer.error.as_deref().unwrap_or("no message")
        )
    }
}
