//! The IMAP endpoint over real TLS, verified against the emulator's CA: greeting,
//! CAPABILITY, LOGIN with quoted strings and literals, Gmail's refusal, LOGOUT.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use google_emulator::{Emulator, Options, TenantSpec};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, ClientConnection, RootCertStore, StreamOwned};

struct Session {
    reader: BufReader<StreamOwned<ClientConnection, TcpStream>>,
}

impl Session {
    fn open(emulator: &Emulator) -> (Session, String) {
        let mut roots = RootCertStore::empty();
        let ca = CertificateDer::from_pem_slice(emulator.imap_ca_pem().as_bytes()).unwrap();
        roots.add(ca).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let connection = ClientConnection::new(Arc::new(config), name).unwrap();
        let socket = TcpStream::connect(("127.0.0.1", emulator.imap_port())).unwrap();
        let mut session = Session {
            reader: BufReader::new(StreamOwned::new(connection, socket)),
        };
        let greeting = session.line();
        (session, greeting)
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        line
    }

    fn send(&mut self, text: &str) {
        self.reader.get_mut().write_all(text.as_bytes()).unwrap();
        self.reader.get_mut().flush().unwrap();
    }

    /// Sends a command and returns every line up to the tagged one.
    fn command(&mut self, tag: &str, text: &str) -> Vec<String> {
        self.send(&format!("{tag} {text}\r\n"));
        let mut lines = Vec::new();
        loop {
            let line = self.line();
            let done = line.starts_with(&format!("{tag} ")) || line.is_empty();
            lines.push(line);
            if done {
                return lines;
            }
        }
    }
}

fn start() -> Emulator {
    Emulator::start(Options {
        tenant: TenantSpec::generated(4, 10, 1),
        ..Options::default()
    })
    .unwrap()
}

#[test]
fn greeting_capability_and_logout() {
    let emulator = start();
    let (mut session, greeting) = Session::open(&emulator);
    assert!(greeting.starts_with("* OK"), "{greeting}");
    let lines = session.command("a1", "CAPABILITY");
    assert!(lines[0].starts_with("* CAPABILITY IMAP4rev1"), "{lines:?}");
    assert!(lines[1].starts_with("a1 OK"));
    assert!(session.command("a2", "NOOP")[0].starts_with("a2 OK"));
    let lines = session.command("a3", "LOGOUT");
    assert!(lines[0].starts_with("* BYE"));
    assert!(lines[1].starts_with("a3 OK"));
}

#[test]
fn login_with_the_app_password_and_refusal_like_gmail() {
    let emulator = start();
    let user = emulator.tenant().users[2].primary_email.clone();
    let password = Emulator::demo_app_password(&user);

    let (mut session, _) = Session::open(&emulator);
    let refused = session.command("a1", &format!("LOGIN {user} wrongpassword"));
    assert_eq!(
        refused[0],
        "a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n"
    );
    let accepted = session.command("a2", &format!("LOGIN \"{user}\" \"{password}\""));
    assert!(accepted[0].starts_with("a2 OK"), "{accepted:?}");
    assert!(session.command("a3", &format!("LOGIN {user} {password}"))[0].starts_with("a3 BAD"));

    // Grouped the way Google shows it, the password still works.
    let spaced: String = password
        .as_bytes()
        .chunks(4)
        .map(|chunk| std::str::from_utf8(chunk).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    let (mut session, _) = Session::open(&emulator);
    assert!(session.command("b1", &format!("LOGIN {user} \"{spaced}\""))[0].starts_with("b1 OK"));
}

#[test]
fn login_with_literals_and_a_set_password() {
    let emulator = start();
    let user = emulator.tenant().users[3].primary_email.clone();
    emulator.set_app_password(&user, "my secret").unwrap();

    let (mut session, _) = Session::open(&emulator);
    session.send(&format!("c1 LOGIN {{{}}}\r\n", user.len()));
    assert!(session.line().starts_with('+'));
    session.send(&format!("{user} {{9}}\r\n"));
    assert!(session.line().starts_with('+'));
    session.send("my secret\r\n");
    assert!(session.line().starts_with("c1 OK"));

    // The derived password no longer works once one is set; suspended users cannot sign in.
    let (mut session, _) = Session::open(&emulator);
    let demo = Emulator::demo_app_password(&user);
    assert!(session.command("d1", &format!("LOGIN {user} {demo}"))[0].starts_with("d1 NO"));
    emulator.with_tenant(|t| t.suspend_user(&user).unwrap());
    assert!(session.command("d2", &format!("LOGIN {user} \"my secret\""))[0].starts_with("d2 NO"));
}

#[test]
fn untrusted_clients_fail_the_handshake() {
    let emulator = start();
    let other = start();
    // A CA from another emulator does not vouch for this one.
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(other.imap_ca_pem().as_bytes()).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connection =
        ClientConnection::new(Arc::new(config), ServerName::try_from("127.0.0.1").unwrap())
            .unwrap();
    let socket = TcpStream::connect(("127.0.0.1", emulator.imap_port())).unwrap();
    let mut stream = StreamOwned::new(connection, socket);
    let mut buffer = [0u8; 16];
    assert!(stream.read(&mut buffer).is_err());
}
