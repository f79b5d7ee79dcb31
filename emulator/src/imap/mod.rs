//! The IMAP endpoint that stands in for `imap.gmail.com:993`: implicit TLS, a greeting,
//! `CAPABILITY`, `NOOP`, `LOGIN` with an app password, and `LOGOUT`. That is all a password
//! check needs; mailbox commands are refused. Passwords are never logged.

mod command;
pub(crate) mod password;
mod tls;

use std::io;
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::state::Shared;
use command::{Command, Input};
pub(crate) use tls::ImapTls;

const CAPABILITIES: &str = "IMAP4rev1 ID IDLE NAMESPACE UNSELECT CHILDREN X-GM-EXT-1 LITERAL+";

/// Accepts connections until the runtime stops.
pub(crate) async fn serve(listener: TcpListener, tls: Arc<ImapTls>, shared: Arc<Shared>) {
    loop {
        let (socket, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                log::warn!("IMAP accept failed: {error}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let acceptor = tls.acceptor.clone();
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            match acceptor.accept(socket).await {
                Ok(stream) => {
                    if let Err(error) = session(stream, &shared).await {
                        log::debug!("IMAP session with {peer} ended: {error}");
                    }
                }
                Err(error) => log::debug!("IMAP TLS handshake with {peer} failed: {error}"),
            }
        });
    }
}

async fn session<S>(stream: S, shared: &Shared) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut stream = BufReader::new(stream);
    let greeting = format!("* OK [CAPABILITY {CAPABILITIES}] Gimap ready (google-emulator)\r\n");
    send(&mut stream, &greeting).await?;
    let mut signed_in: Option<String> = None;

    loop {
        let command = match command::read(&mut stream).await? {
            Input::Closed => return Ok(()),
            Input::Malformed { tag, reason } => {
                let tag = tag.unwrap_or_else(|| "*".to_string());
                send(&mut stream, &format!("{tag} BAD {reason}\r\n")).await?;
                continue;
            }
            Input::Command(command) => command,
        };
        let Command { tag, name, args } = command;
        let reply = match name.as_str() {
            "CAPABILITY" => format!("* CAPABILITY {CAPABILITIES}\r\n{tag} OK Success\r\n"),
            "NOOP" => format!("{tag} OK Success\r\n"),
            "LOGOUT" => {
                let bye = format!("* BYE LOGOUT Requested\r\n{tag} OK Success\r\n");
                send(&mut stream, &bye).await?;
                return stream.shutdown().await;
            }
            "LOGIN" if signed_in.is_some() => format!("{tag} BAD Already authenticated\r\n"),
            "LOGIN" => match args.as_slice() {
                [user, password] => {
                    shared.stats.request("imap.login");
                    let accepted = password::check(&shared.read(), user, password);
                    log::info!(
                        "IMAP LOGIN for {user}: {}",
                        if accepted.is_some() {
                            "accepted"
                        } else {
                            "refused"
                        }
                    );
                    match accepted {
                        Some(primary) => {
                            let reply = format!("{tag} OK {primary} authenticated (Success)\r\n");
                            signed_in = Some(primary);
                            reply
                        }
                        None => format!(
                            "{tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n"
                        ),
                    }
                }
                _ => format!("{tag} BAD LOGIN takes a user name and a password\r\n"),
            },
            "AUTHENTICATE" => format!(
                "{tag} NO [CANNOT] google-emulator supports LOGIN with an app password only\r\n"
            ),
            _ => format!("{tag} BAD Unknown or unsupported command\r\n"),
        };
        send(&mut stream, &reply).await?;
    }
}

async fn send<S: AsyncWrite + Unpin>(stream: &mut S, text: &str) -> io::Result<()> {
    stream.write_all(text.as_bytes()).await?;
    stream.flush().await
}
