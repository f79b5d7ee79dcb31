//! The optional HTTPS mode: Google's routes served over TLS with a certificate from a CA made
//! for this emulator, so that a client's trust settings (an extra CA bundle, a proxy that
//! tunnels TLS) are tested against real certificate checks.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

use crate::tls;

/// Turns on HTTPS for Google's routes (see [`crate::Options::tls`]).
#[derive(Clone, Debug)]
pub struct TlsOptions {
    /// The host name in the base URL (`https://HOST:PORT`); the certificate names it, besides
    /// `localhost` and `127.0.0.1`. A name other than those resolves nowhere: only a proxy
    /// that sends it to the emulator reaches it.
    pub host: String,
}

impl Default for TlsOptions {
    fn default() -> TlsOptions {
        TlsOptions {
            host: "localhost".to_string(),
        }
    }
}

/// A handshake that has not finished by then is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTPS side's certificate: the acceptor, and the CA clients must trust.
pub(crate) struct HttpsTls {
    pub ca_pem: String,
    acceptor: TlsAcceptor,
}

impl HttpsTls {
    pub fn generate(options: &TlsOptions) -> io::Result<HttpsTls> {
        let mut names = vec![options.host.clone()];
        for name in ["localhost", "127.0.0.1"] {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        let mut issued = tls::issue("HTTPS endpoint", "google-emulator HTTPS test CA", &names)?;
        issued.server_config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(HttpsTls {
            ca_pem: issued.ca_pem,
            acceptor: TlsAcceptor::from(Arc::new(issued.server_config)),
        })
    }
}

/// What axum serves from in HTTPS mode: connections whose handshake has completed. The
/// handshakes run on tasks of their own, so a client that stalls in one holds up no other.
pub(crate) struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    /// Starts accepting on `listener`; call inside the runtime.
    pub fn spawn(listener: TcpListener, tls: &HttpsTls) -> io::Result<TlsListener> {
        let local = listener.local_addr()?;
        let (sender, ready) = mpsc::channel(64);
        let acceptor = tls.acceptor.clone();
        tokio::spawn(async move {
            loop {
                let (socket, peer) = match listener.accept().await {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        log::warn!("HTTPS accept failed: {error}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let acceptor = acceptor.clone();
                let sender = sender.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(socket)).await {
                        Ok(Ok(stream)) => {
                            let _ = sender.send((stream, peer)).await;
                        }
                        Ok(Err(error)) => {
                            log::debug!("HTTPS handshake with {peer} failed: {error}")
                        }
                        Err(_) => log::debug!("HTTPS handshake with {peer} timed out"),
                    }
                });
            }
        });
        Ok(TlsListener { ready, local })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(accepted) => accepted,
            // The accepting task only ends with the runtime; wait for the shutdown.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}
