//! App passwords: set per user, or derived for every user of a generated tenant so tests and
//! demos can sign in without setting one first.

use crate::state::Live;

/// The app password every user of a generated tenant has (unless one was set): 16 lower-case
/// letters, like Google's, derived from SHA-256 of `google-emulator app password` and the
/// lower-cased primary address. Google shows them in groups of four; spaces do not matter.
pub fn demo_app_password(primary_email: &str) -> String {
    let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    context.update(b"google-emulator app password\0");
    context.update(primary_email.to_ascii_lowercase().as_bytes());
    let digest = context.finish();
    digest
        .as_ref()
        .iter()
        .take(16)
        .map(|byte| char::from(b'a' + byte % 26))
        .collect()
}

/// The primary address of the user `login` names, if `password` is their app password and
/// the account may sign in.
pub(crate) fn check(live: &Live, login: &str, password: &str) -> Option<String> {
    let tenant = &live.tenant;
    let user = live.index.user(tenant, login)?;
    if user.suspended {
        return None;
    }
    let expected = match tenant.app_passwords.get(&user.id) {
        Some(password) => password.clone(),
        None if tenant.demo_app_passwords => demo_app_password(&user.primary_email),
        None => return None,
    };
    let given: String = password.chars().filter(|c| *c != ' ').collect();
    let expected: String = expected.chars().filter(|c| *c != ' ').collect();
    aws_lc_rs::constant_time::verify_slices_are_equal(given.as_bytes(), expected.as_bytes())
        .ok()
        .map(|_| user.primary_email.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_passwords_look_like_googles_and_are_stable() {
        let password = demo_app_password("Ann.Lee@Example.com");
        assert_eq!(password.len(), 16);
        assert!(password.chars().all(|c| c.is_ascii_lowercase()));
        assert_eq!(password, demo_app_password("ann.lee@example.com"));
        assert_ne!(password, demo_app_password("bob@example.com"));
    }
}
