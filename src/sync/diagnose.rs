//! The checks a dry run makes before it lists anything: each delegated scope on its own, the
//! clock and the admin's right to read the directory; and, from the listings, that the groups
//! the scope names exist. Each failure is said in words an administrator can act on.

use super::report::Check;
use super::scope;
use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::google::directory::{DIRECTORY_SCOPES, SCOPE_USERS};
use crate::google::errors::DELEGATION_PAGE;
use crate::google::http::RunControl;
use crate::google::Google;

/// Clocks further apart than this make Google refuse the token requests sooner or later.
const CLOCK_TOLERANCE_SECS: i64 = 60;

/// Google's codes that mean "this client id is not delegated these scopes".
fn is_delegation_error(error: &Error) -> bool {
    matches!(
        error.reason(),
        Some("unauthorized_client" | "access_denied")
    )
}

pub struct Diagnosis {
    pub checks: Vec<Check>,
    /// The failure that makes a sync impossible, if any.
    pub fatal: Option<Error>,
}

pub fn diagnose(google: &Google, config: &Config, control: &RunControl) -> Diagnosis {
    let mut checks = Vec::new();
    let mut fatal: Option<Error> = None;
    let groups_needed = !config.scope.groups.is_empty();

    // Each scope on its own, so the report can say exactly which delegation is missing.
    let mut missing = Vec::new();
    let mut google_said = None;
    // The three requests go out together; the answers are read in order.
    let probes: Vec<Result<(), Error>> = std::thread::scope(|threads| {
        let running: Vec<_> = DIRECTORY_SCOPES
            .iter()
            .map(|scope| {
                threads.spawn(move || google.tokens.probe(&[scope], &google.transport, control))
            })
            .collect();
        running
            .into_iter()
            .map(|probe| {
                probe
                    .join()
                    .unwrap_or_else(|_| Err(Error::internal("a token check panicked")))
            })
            .collect()
    });
    for (scope, probe) in DIRECTORY_SCOPES.into_iter().zip(probes) {
        let required = scope == SCOPE_USERS || groups_needed;
        let name = format!("delegation of {scope}");
        match probe {
            Ok(()) => checks.push(ok(name, "granted")),
            Err(error) if is_delegation_error(&error) => {
                let message = if required {
                    error.message().to_string()
                } else {
                    format!(
                        "{} (needed for scope.groups and for listing groups; not for this \
                         configuration)",
                        error.message()
                    )
                };
                checks.push(failed(name, message));
                if required {
                    missing.push(scope);
                    google_said = google_said.or(error.google_said().map(str::to_string));
                }
            }
            Err(error) => {
                // Not about one scope (unknown admin, bad key, clock, network): it would be
                // the same for every scope.
                checks.push(failed("access token".into(), error.message().to_string()));
                fatal = Some(error);
                break;
            }
        }
    }
    if !missing.is_empty() && fatal.is_none() {
        let identity = google.tokens.identity();
        fatal = Some(Error::authorization(format!(
            "Google refused the access token ({}): domain-wide delegation is missing for client \
             id {} (service account {}): it lacks {}. In {DELEGATION_PAGE}, make the entry for \
             client id {} list all of these scopes, comma-separated: {}",
            google_said.unwrap_or_default(),
            identity.client_id,
            identity.client_email,
            missing.join(", "),
            identity.client_id,
            DIRECTORY_SCOPES.join(",")
        )));
    }

    if let Some(offset) = google.transport.clock_offset_secs() {
        if offset.abs() > CLOCK_TOLERANCE_SECS {
            let direction = if offset > 0 { "behind" } else { "ahead of" };
            checks.push(failed(
                "clock".into(),
                format!(
                    "this machine's clock is {} s {direction} Google's; token requests fail \
                     when it is off by minutes. Synchronise the clock (NTP).",
                    offset.abs()
                ),
            ));
        } else {
            checks.push(ok(
                "clock".into(),
                &format!("within {} s of Google's", offset.abs()),
            ));
        }
    }
    if fatal.is_some() {
        return Diagnosis { checks, fatal };
    }

    let directory = google.directory();
    for source in scope::user_sources(config) {
        let name = format!("reading the {source}");
        match directory.probe_users(&source, control) {
            Ok(()) => checks.push(ok(name, "allowed")),
            Err(error) => {
                checks.push(failed(name, error.message().to_string()));
                fatal.get_or_insert(error);
            }
        }
    }
    Diagnosis { checks, fatal }
}

/// The check of one group of `scope.groups`, from its member listing: the listing is the
/// proof the group exists (a separate lookup per group would cost a request each).
pub fn group_check(group: &str, listing: &super::report::ListingReport) -> Check {
    let name = format!("group {group} (scope.groups)");
    match &listing.error {
        None => ok(
            name,
            &format!("found: {} member(s), nested groups included", listing.items),
        ),
        Some(error) => failed(name, error.clone()),
    }
}

/// The failed check of an org unit of `scope.org_units` that no listed user is in.
pub fn org_unit_check(path: &str, message: &str) -> Check {
    failed(
        format!("org unit {path} (scope.org_units)"),
        message.to_string(),
    )
}

/// The error for a group of `scope.groups` that Google does not know.
pub fn missing_group(group: &str) -> Error {
    Error::new(
        ErrorKind::Config,
        format!(
            "scope.groups names \"{group}\", which does not exist in this Google Workspace; \
             check the group's address (or use its id)"
        ),
    )
    .with_reason("notFound")
}

fn ok(name: String, message: &str) -> Check {
    Check {
        name,
        ok: true,
        message: message.to_string(),
    }
}

fn failed(name: String, message: String) -> Check {
    Check {
        name,
        ok: false,
        message,
    }
}
