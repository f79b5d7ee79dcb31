//! A minimal HTTP proxy on loopback for the network tests: it answers `CONNECT host:port`
//! by opening a tunnel, and records each request. Host names it was told about are sent to
//! the emulator; others are refused, so a request that should not go through a proxy (or
//! should not reach anything) cannot succeed by accident.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request the proxy received.
#[derive(Clone, Debug)]
pub struct Seen {
    /// The request line, such as `CONNECT google.test:443 HTTP/1.1`.
    pub line: String,
    /// The `Proxy-Authorization` header, if any.
    pub authorization: Option<String>,
}

pub struct TestProxy {
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl TestProxy {
    /// Starts a proxy that tunnels `CONNECT name:port` to `routes[name]` (the port is kept).
    pub fn start(routes: HashMap<String, SocketAddr>) -> TestProxy {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen_in, stop_in) = (Arc::clone(&seen), Arc::clone(&stop));
        let routes = Arc::new(routes);
        std::thread::spawn(move || {
            while !stop_in.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let seen = Arc::clone(&seen_in);
                        let routes = Arc::clone(&routes);
                        std::thread::spawn(move || serve(client, &routes, &seen));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        TestProxy { port, seen, stop }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// How many tunnels were asked for `host`.
    pub fn tunnels_to(&self, host: &str) -> usize {
        let prefix = format!("CONNECT {host}:");
        self.seen()
            .iter()
            .filter(|s| s.line.starts_with(&prefix))
            .count()
    }
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn serve(client: TcpStream, routes: &HashMap<String, SocketAddr>, seen: &Mutex<Vec<Seen>>) {
    client.set_nonblocking(false).unwrap();
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut authorization = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) <= 2 {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("proxy-authorization") {
                authorization = Some(value.trim().to_string());
            }
        }
    }
    let line = line.trim_end().to_string();
    seen.lock().unwrap().push(Seen {
        line: line.clone(),
        authorization,
    });
    let mut client = client;
    let mut words = line.split_whitespace();
    let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
        let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let host = target.rsplit_once(':').map_or(target, |(h, _)| h);
    let Some(upstream) = routes.get(host).and_then(|a| TcpStream::connect(a).ok()) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    // Bytes the client sent after the request head are already in the reader's buffer.
    let buffered = reader.buffer().to_vec();
    let mut to_upstream = upstream.try_clone().unwrap();
    let mut from_client = reader.into_inner();
    let forward = std::thread::spawn(move || {
        let _ = to_upstream.write_all(&buffered);
        let _ = copy(&mut from_client, &mut to_upstream);
        let _ = to_upstream.shutdown(Shutdown::Write);
    });
    let mut from_upstream = upstream;
    let _ = copy(&mut from_upstream, &mut client);
    let _ = client.shutdown(Shutdown::Write);
    let _ = forward.join();
}

fn copy(from: &mut impl Read, to: &mut impl Write) -> std::io::Result<()> {
    let mut buffer = [0u8; 16 * 1024];
    loop {
        let n = from.read(&mut buffer)?;
        if n == 0 {
            return Ok(());
        }
        to.write_all(&buffer[..n])?;
    }
}
