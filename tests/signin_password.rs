//! App passwords through `ds_authenticate`: an IMAP LOGIN over TLS at the emulator's IMAP
//! endpoint, verified against its test CA.

mod common;

use common::signin::*;
use common::*;
use google_emulator::Emulator;
use host_example::abi::DS_STATUS_REFUSED;
use host_example::library::{Connector, SignInAnswer};
use serde_json::json;

fn check(connector: &Connector<'_>, login: &str, password: &str) -> SignInAnswer {
    connector.authenticate(&json!({"login": login, "password": password}), None)
}

#[test]
fn right_password_signs_in_and_wrong_or_unknown_are_refused() {
    let env = Env::new(61, 40, 3);
    let tenant = env.tenant();
    let user = active_users(&tenant, None)[0].clone();
    let email = user.primary_email.to_lowercase();
    let connector = lib().configure(&env.config.to_string()).unwrap();

    let password = Emulator::demo_app_password(&email);
    let mut logs = Recorder::default();
    let answer = connector.authenticate(
        &json!({"login": email, "password": password}),
        Some(&mut logs),
    );
    assert!(answer.signed_in(), "{answer:?}");
    assert_eq!(answer.field("login"), email);
    assert_eq!(answer.field("google_id"), user.id);
    assert_eq!(answer.field("method"), "app_password");

    let wrong = connector.authenticate(
        &json!({"login": email, "password": "abcdabcdabcdabcd"}),
        Some(&mut logs),
    );
    assert_eq!(wrong.status, DS_STATUS_REFUSED);
    assert_eq!(wrong.reason(), Some("wrong_password"), "{wrong:?}");

    let logins = env.emulator.stats().count("imap.login");
    let nobody = format!("nobody@{}", env.emulator.domains()[0]);
    let unknown = check(&connector, &nobody, &password);
    assert_eq!(unknown.reason(), Some("unknown_user"), "{unknown:?}");
    // No run yet: the Directory was asked, once; its "no such user" is kept a while.
    let gets = env.emulator.stats().count("users.get");
    assert_eq!(
        check(&connector, &nobody, "x").reason(),
        Some("unknown_user")
    );
    assert_eq!(env.emulator.stats().count("users.get"), gets);
    assert_eq!(
        env.emulator.stats().count("imap.login"),
        logins,
        "an unknown user is refused without asking the IMAP server"
    );

    // The password is in no log line, message or result.
    let everything = format!("{:?}{:?}{:?}", logs.logs, answer.result, wrong.result);
    assert!(!everything.contains(&password));
    assert!(!everything.contains("abcdabcdabcdabcd"));
    assert!(logs.logs.iter().any(|(_, _, m)| m.contains("app_password")));
}

#[test]
fn aliases_and_local_part_logins_map_to_the_user() {
    let env = Env::new(62, 80, 3);
    let tenant = env.tenant();
    let user = tenant
        .users
        .iter()
        .find(|u| !u.suspended && !u.archived && !u.aliases.is_empty())
        .expect("a generated tenant has users with aliases")
        .clone();
    let password = Emulator::demo_app_password(&user.primary_email);
    let connector = lib().configure(&env.config.to_string()).unwrap();
    let answer = check(&connector, &user.aliases[0], &password);
    assert!(answer.signed_in(), "{answer:?}");
    assert_eq!(
        answer.field("primary_email"),
        user.primary_email.to_lowercase()
    );

    let config = env.config_with(json!({"login_name": "local_part"}));
    let connector = lib().configure(&config).unwrap();
    let local = user.primary_email.split('@').next().unwrap().to_lowercase();
    let answer = check(&connector, &local, &password);
    assert!(answer.signed_in(), "{answer:?}");
    assert_eq!(answer.field("login"), local);
}

#[test]
fn passwords_with_quotes_and_non_ascii_letters_go_through_intact() {
    let env = Env::new(63, 20, 2);
    let tenant = env.tenant();
    let users = active_users(&tenant, None);
    let connector = lib().configure(&env.config.to_string()).unwrap();
    for (user, password) in users
        .iter()
        .zip([r#"q"uo\te"#, "pässwörd-ünïcode", "{5}\r\nx"])
    {
        env.emulator
            .set_app_password(&user.primary_email, password)
            .unwrap();
        let answer = check(&connector, &user.primary_email, password);
        assert!(answer.signed_in(), "{password:?}: {answer:?}");
        let wrong = check(&connector, &user.primary_email, &format!("{password}x"));
        assert_eq!(
            wrong.reason(),
            Some("wrong_password"),
            "{password:?}: {wrong:?}"
        );
    }
}

#[test]
fn suspended_and_out_of_scope_users_are_refused_with_their_reasons() {
    let env = Env::new(64, 80, 3);
    let tenant = env.tenant();
    let outside = active_users(&tenant, Some("/Engineering"))[0]
        .primary_email
        .clone();
    let suspended = active_users(&tenant, Some("/Sales"))[0]
        .primary_email
        .clone();
    env.emulator
        .with_tenant(|t| t.suspend_user(&suspended))
        .unwrap();
    let config = env.config_with(json!({"scope": {"org_units": ["/Sales"]}}));
    let connector = lib().configure(&config).unwrap();
    let outcome = connector.test(&[], &mut Recorder::default());
    assert_eq!(outcome.status, 0, "{:?}", outcome.error);

    let answer = check(&connector, &outside, &Emulator::demo_app_password(&outside));
    assert_eq!(answer.reason(), Some("not_in_scope"), "{answer:?}");
    let answer = check(
        &connector,
        &suspended,
        &Emulator::demo_app_password(&suspended),
    );
    assert_eq!(answer.reason(), Some("suspended"), "{answer:?}");
    assert_eq!(env.emulator.stats().count("imap.login"), 0);
}

#[test]
fn an_unreachable_or_untrusted_server_is_its_own_refusal() {
    let env = Env::new(65, 20, 2);
    let user = active_users(&env.tenant(), None)[0].primary_email.clone();
    let password = Emulator::demo_app_password(&user);

    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = env.config_with(json!({"imap": {"port": port, "timeout_secs": 2.0}}));
    let connector = lib().configure(&config).unwrap();
    let answer = check(&connector, &user, &password);
    assert_eq!(answer.reason(), Some("imap_unreachable"), "{answer:?}");

    // The emulator's certificate without its CA: the TLS check must fail, not be skipped.
    let mut config = env.config.clone();
    config["imap"].as_object_mut().unwrap().remove("ca_file");
    let connector = lib().configure(&config.to_string()).unwrap();
    let answer = check(&connector, &user, &password);
    assert_eq!(answer.reason(), Some("imap_unreachable"), "{answer:?}");
    assert!(answer.field("message").contains("TLS"), "{answer:?}");
    assert_eq!(env.emulator.stats().count("imap.login"), 0);
}
