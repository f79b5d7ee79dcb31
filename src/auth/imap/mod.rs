//! Checking an app password the way a mail client would: a TLS connection to Google's IMAP
//! server (`imap.gmail.com:993`), `LOGIN`, `LOGOUT`. Google answers `OK` for a right app
//! password and `NO` for anything else, and the check reads nothing else. The password goes
//! only into the encrypted `LOGIN` command, never into a log or a message.

mod tls;
mod wire;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};

use super::refusal::{refuse, Failure, Reason};
use super::request::Secret;
use crate::config::ImapConfig;
use crate::error::Result;
use wire::{Argument, Response, Status};

/// Longest response line read; a password check needs far less.
const MAX_LINE: usize = 64 * 1024;

/// The TLS setup, made on first use (reading the system's roots takes a while) and kept.
pub struct ImapClient {
    tls: RwLock<Option<Arc<ClientConfig>>>,
}

type Session = BufReader<StreamOwned<ClientConnection, TcpStream>>;

impl ImapClient {
    pub fn new() -> ImapClient {
        ImapClient {
            tls: RwLock::new(None),
        }
    }

    fn tls(&self, imap: &ImapConfig) -> Result<Arc<ClientConfig>> {
        if let Some(config) = self.tls.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            return Ok(Arc::clone(config));
        }
        let config = tls::client_config(imap)?;
        *self.tls.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&config));
        Ok(config)
    }

    /// Signs `user` in with `password`; `Ok` when the server accepted it.
    pub fn check(
        &self,
        imap: &ImapConfig,
        user: &str,
        password: &Secret,
    ) -> std::result::Result<(), Failure> {
        let Some(user_arg) = wire::argument(user) else {
            return refuse(Reason::UnknownUser, "the login contains a NUL character");
        };
        let Some(password_arg) = wire::argument(password.expose()) else {
            return refuse(
                Reason::WrongPassword,
                "the password contains a NUL character",
            );
        };
        let tls = self.tls(imap)?;
        let server = format!("{}:{}", imap.host, imap.port);
        let mut session = connect(imap, tls, &server)?;

        let greeting = read_line(&mut session, &server)?;
        match wire::parse(&greeting) {
            Response::Status {
                tag: None,
                status: Status::Ok,
                code,
                ..
            } => {
                if code.is_some_and(|c| c.to_ascii_uppercase().contains("LOGINDISABLED")) {
                    return refuse(
                        Reason::ImapError,
                        format!("the IMAP server {server} does not allow LOGIN"),
                    );
                }
            }
            Response::Status {
                status: Status::Bye,
                text,
                ..
            } => {
                return refuse(
                    Reason::ImapUnreachable,
                    format!(
                        "the IMAP server {server} turned the connection away: {}",
                        short(text)
                    ),
                )
            }
            _ => {
                return refuse(
                    Reason::ImapError,
                    format!(
                        "{server} did not greet like an IMAP server; check `imap.host` and \
                         `imap.port` (Google's is imap.gmail.com:993, TLS from the start)"
                    ),
                )
            }
        }

        send_login(&mut session, &server, &user_arg, &password_arg)?;
        let outcome = read_tagged(&mut session, &server, "a1");
        // Polite, not needed: the server forgets the session when the connection closes.
        let _ = session.get_mut().write_all(b"a2 LOGOUT\r\n");
        let _ = session.get_mut().flush();
        session.get_mut().conn.send_close_notify();
        let _ = session.get_mut().flush();

        let (status, code, text) = outcome?;
        let text = short(&text);
        match status {
            Status::Ok => Ok(()),
            Status::No => refuse_no(&server, user, code.as_deref(), &text),
            _ => refuse(
                Reason::ImapError,
                format!("the IMAP server {server} did not understand the LOGIN: {text}"),
            ),
        }
    }
}

/// Gmail's `NO` answers, told apart by their text: Google documents no codes beyond these.
fn refuse_no(
    server: &str,
    user: &str,
    code: Option<&str>,
    text: &str,
) -> std::result::Result<(), Failure> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("application-specific password required") {
        return refuse(
            Reason::AppPasswordRequired,
            format!(
                "{user} has 2-Step Verification: sign in with an app password \
                 (myaccount.google.com > Security > App passwords), not the account password"
            ),
        );
    }
    if lower.contains("not enabled for imap") {
        return refuse(
            Reason::ImapError,
            format!(
                "IMAP is turned off for {user}; an administrator can allow it in the Admin \
                 console > Apps > Google Workspace > Gmail > End User Access"
            ),
        );
    }
    if code.is_some_and(|c| c.eq_ignore_ascii_case("UNAVAILABLE")) {
        return refuse(
            Reason::ImapUnreachable,
            format!("the IMAP server {server} is temporarily unavailable: {text}"),
        );
    }
    refuse(
        Reason::WrongPassword,
        format!("the IMAP server refused the password of {user} ({text})"),
    )
}

fn connect(
    imap: &ImapConfig,
    tls: Arc<ClientConfig>,
    server: &str,
) -> std::result::Result<Session, Failure> {
    let timeout = Duration::from_secs_f64(imap.timeout_secs);
    let unreachable = |how: String| {
        refuse::<Session>(
            Reason::ImapUnreachable,
            format!(
                "the IMAP server {server} {how}; check `imap.host`, `imap.port` and the firewall"
            ),
        )
    };
    let addresses = match (imap.host.as_str(), imap.port).to_socket_addrs() {
        Ok(addresses) => addresses.collect::<Vec<_>>(),
        Err(e) => return unreachable(format!("cannot be resolved ({e})")),
    };
    let mut last_error = None;
    let mut socket = None;
    for address in addresses {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(connected) => {
                socket = Some(connected);
                break;
            }
            Err(e) => last_error = Some(e),
        }
    }
    let Some(socket) = socket else {
        let why = last_error.map_or("has no address".to_string(), |e| {
            format!("cannot be reached ({e})")
        });
        return unreachable(why);
    };
    let _ = socket.set_read_timeout(Some(timeout));
    let _ = socket.set_write_timeout(Some(timeout));
    let _ = socket.set_nodelay(true);

    let name = ServerName::try_from(imap.host.clone()).map_err(|_| {
        crate::error::Error::config(format!(
            "configuration field `imap.host`: \"{}\" is not a host name",
            imap.host
        ))
    })?;
    let connection = ClientConnection::new(tls, name)
        .map_err(|e| crate::error::Error::internal(format!("TLS client: {e}")))?;
    let mut stream = StreamOwned::new(connection, socket);
    // Finish the handshake now, so a certificate problem is reported as one.
    while stream.conn.is_handshaking() {
        if let Err(e) = stream.conn.complete_io(&mut stream.sock) {
            let advice = if e.kind() == std::io::ErrorKind::InvalidData {
                "; if it uses a private CA, name that CA's certificate in `imap.ca_file`"
            } else {
                ""
            };
            return unreachable(format!("failed the TLS handshake ({e}){advice}"));
        }
    }
    Ok(BufReader::new(stream))
}

fn send_login(
    session: &mut Session,
    server: &str,
    user: &Argument,
    password: &Argument,
) -> std::result::Result<(), Failure> {
    let mut line: Vec<u8> = b"a1 LOGIN".to_vec();
    for argument in [user, password] {
        line.push(b' ');
        match argument {
            Argument::Quoted(quoted) => line.extend_from_slice(quoted.as_bytes()),
            Argument::Literal(bytes) => {
                line.extend_from_slice(format!("{{{}}}\r\n", bytes.len()).as_bytes());
                write(session, server, &line)?;
                line.clear();
                wait_for_continuation(session, server)?;
                line.extend_from_slice(bytes);
            }
        }
    }
    line.extend_from_slice(b"\r\n");
    let written = write(session, server, &line);
    // The line may hold the password: wipe it.
    zeroize::Zeroize::zeroize(&mut line);
    written
}

fn wait_for_continuation(session: &mut Session, server: &str) -> std::result::Result<(), Failure> {
    loop {
        let line = read_line(session, server)?;
        match wire::parse(&line) {
            Response::Continuation => return Ok(()),
            Response::Status {
                tag: Some(_), text, ..
            } => {
                return refuse(
                    Reason::ImapError,
                    format!(
                        "the IMAP server {server} refused the login name: {}",
                        short(text)
                    ),
                )
            }
            _ => {}
        }
    }
}

/// Reads up to the response tagged `tag`; returns its status, code and text.
fn read_tagged(
    session: &mut Session,
    server: &str,
    tag: &str,
) -> std::result::Result<(Status, Option<String>, String), Failure> {
    loop {
        let line = read_line(session, server)?;
        match wire::parse(&line) {
            Response::Status {
                tag: Some(t),
                status,
                code,
                text,
            } if t == tag => return Ok((status, code.map(str::to_string), text.to_string())),
            Response::Status {
                tag: None,
                status: Status::Bye,
                text,
                ..
            } => {
                return refuse(
                    Reason::ImapUnreachable,
                    format!(
                        "the IMAP server {server} closed the session: {}",
                        short(text)
                    ),
                )
            }
            Response::Garbage => {
                return refuse(
                    Reason::ImapError,
                    format!("the IMAP server {server} sent something that is not IMAP"),
                )
            }
            _ => {
                if let Some(length) = wire::trailing_literal(&line) {
                    skip(session, server, length)?;
                }
            }
        }
    }
}

fn read_line(session: &mut Session, server: &str) -> std::result::Result<String, Failure> {
    let mut line = Vec::new();
    let read = session
        .by_ref()
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut line);
    match read {
        Ok(0) => refuse(
            Reason::ImapUnreachable,
            format!("the IMAP server {server} closed the connection"),
        ),
        Ok(_) if !line.ends_with(b"\n") => refuse(
            Reason::ImapError,
            format!("the IMAP server {server} sent an overlong line"),
        ),
        Ok(_) => Ok(String::from_utf8_lossy(&line).into_owned()),
        Err(e) => io_failed(server, &e),
    }
}

fn skip(session: &mut Session, server: &str, length: usize) -> std::result::Result<(), Failure> {
    if length > MAX_LINE {
        return refuse(
            Reason::ImapError,
            format!("the IMAP server {server} sent an overlong literal"),
        );
    }
    let mut bytes = vec![0; length];
    session
        .read_exact(&mut bytes)
        .or_else(|e| io_failed(server, &e))
}

fn write(session: &mut Session, server: &str, bytes: &[u8]) -> std::result::Result<(), Failure> {
    let stream = session.get_mut();
    stream
        .write_all(bytes)
        .and_then(|_| stream.flush())
        .or_else(|e| io_failed(server, &e))
}

fn io_failed<T>(server: &str, error: &std::io::Error) -> std::result::Result<T, Failure> {
    let how = match error.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
            "did not answer in time (see `imap.timeout_secs`)".to_string()
        }
        _ => format!("broke the connection ({error})"),
    };
    refuse(
        Reason::ImapUnreachable,
        format!("the IMAP server {server} {how}"),
    )
}

/// Server texts are shown shortened.
fn short(text: &str) -> String {
    text.trim().chars().take(200).collect()
}
