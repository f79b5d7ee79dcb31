//! The C ABI. Each export is a few lines: check the arguments, call safe Rust, map the result.
//! `boundary::guard` catches panics, so nothing unwinds into the host.

pub mod boundary;
mod change;
pub mod host;
pub mod signin;
pub mod types;

use std::ffi::{c_char, CString};
use std::rc::Rc;

use boundary::{
    guard, guard_void, require_out, required_str, set_last_error, status_of, to_c_string, write_out,
};
use host::{read_host_users, read_run_options, CallbackHost, Callbacks};
use types::*;

use crate::connector::Connector;
use crate::error::{Error, Result};
use crate::logging;
use crate::sync::engine::RunStatus;
use crate::sync::report::Mode;

static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The ABI version of the library (`DS_ABI_VERSION` of the header it was built with). Call it
/// first and refuse to go on when it differs from the `DS_ABI_VERSION` you compiled with.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn ds_abi_version() -> u32 {
    DS_ABI_VERSION
}

/// The library version, such as "0.1.0". A static string: do not free it. Thread-safe.
#[no_mangle]
pub extern "C" fn ds_version() -> *const c_char {
    VERSION.as_ptr() as *const c_char
}

/// A short constant name for a status, such as "DS_STATUS_BUSY". A static string: do not
/// free it. Unknown values give "DS_STATUS_UNKNOWN". Thread-safe.
#[no_mangle]
pub extern "C" fn ds_status_name(status: i32) -> *const c_char {
    let name: &'static [u8] = match status {
        0 => b"DS_STATUS_OK\0",
        1 => b"DS_STATUS_PARTIAL\0",
        2 => b"DS_STATUS_INVALID_ARGUMENT\0",
        3 => b"DS_STATUS_CONFIG_ERROR\0",
        4 => b"DS_STATUS_CREDENTIALS_ERROR\0",
        5 => b"DS_STATUS_AUTHORIZATION_ERROR\0",
        6 => b"DS_STATUS_GOOGLE_ERROR\0",
        7 => b"DS_STATUS_NETWORK_ERROR\0",
        8 => b"DS_STATUS_CANCELLED\0",
        9 => b"DS_STATUS_STOPPED_BY_HOST\0",
        10 => b"DS_STATUS_BUSY\0",
        11 => b"DS_STATUS_REFUSED\0",
        12 => b"DS_STATUS_INTERNAL_ERROR\0",
        _ => b"DS_STATUS_UNKNOWN\0",
    };
    name.as_ptr() as *const c_char
}

/// The message of the last failure of a call on this thread, or NULL when the last call
/// succeeded. Every failing call (any status but `DS_STATUS_OK`) sets it; the message names
/// the argument, field or Google setting to fix and never holds a secret. The caller owns the
/// string and frees it with `ds_string_free`. Thread-safe (the message is per thread).
#[no_mangle]
pub extern "C" fn ds_last_error() -> *mut c_char {
    match boundary::last_error() {
        Some(message) => to_c_string(message),
        None => std::ptr::null_mut(),
    }
}

/// Frees a string the library handed out (a report, a JSON answer, `ds_last_error`). NULL is
/// ignored. Free each string exactly once.
///
/// # Safety
/// `string` is NULL or a string from this library not freed before.
#[no_mangle]
pub unsafe extern "C" fn ds_string_free(string: *mut c_char) {
    if !string.is_null() {
        guard_void(|| drop(CString::from_raw(string)));
    }
}

/// Parses a JSON configuration and makes a connector. Reads the service-account key (the file
/// named by `key_file`, or the inline `key`), but does not contact Google yet.
///
/// On success writes the new handle to `*out_connector`; free it with `ds_free`. On failure
/// `*out_connector` is untouched and `ds_last_error` names the wrong field. Thread-safe.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string; `out_connector` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ds_configure(
    config_json: *const c_char,
    out_connector: *mut *mut DsConnector,
) -> DsStatus {
    guard(|| {
        require_out(out_connector, "out_connector")?;
        let json = required_str(config_json, "config_json")?;
        let inner = Connector::new(json)?;
        write_out(
            out_connector,
            Box::into_raw(Box::new(DsConnector { inner })),
        );
        Ok(DsStatus::Ok)
    })
}

/// A dry run: checks the permissions, lists the scope and computes the plan for the host's
/// `users` (`user_count` elements, see `DsHostUser`), without delivering any change.
///
/// `callbacks` may be NULL; its `log`, `progress` and `is_cancelled` are used, `apply_change`
/// never is. Writes the report (JSON) to `*out_report`, to be freed with `ds_string_free`,
/// whenever the run reached Google: on `DS_STATUS_OK` and also on Google, network,
/// cancellation and authorization failures, so the report can show what went wrong. It is
/// left untouched on `DS_STATUS_INVALID_ARGUMENT`, `DS_STATUS_BUSY` and
/// `DS_STATUS_INTERNAL_ERROR`.
///
/// May run while sign-ins use the same handle on other threads. A second `ds_test` or
/// `ds_sync` on the same handle while one runs returns `DS_STATUS_BUSY`.
///
/// # Safety
/// `connector` comes from `ds_configure` and is not freed; the other pointers are NULL or
/// valid for this call as documented on their types.
#[no_mangle]
pub unsafe extern "C" fn ds_test(
    connector: *const DsConnector,
    users: *const DsHostUser,
    user_count: usize,
    options: *const DsRunOptions,
    callbacks: *const DsCallbacks,
    out_report: *mut *mut c_char,
) -> DsStatus {
    guard(|| {
        run(
            connector,
            users,
            user_count,
            options,
            callbacks,
            out_report,
            Mode::Test,
        )
    })
}

/// A sync: the same plan as `ds_test` for the same input, delivered change by change through
/// `callbacks->apply_change` (required), in this order: updates, deletes, creates.
///
/// A change the host fails (`DS_APPLY_RESULT_FAILED`) is recorded in the report and the sync
/// goes on; the call then returns `DS_STATUS_PARTIAL`. `DS_APPLY_RESULT_STOP` or a non-zero
/// `is_cancelled` end the sync after the current change with `DS_STATUS_STOPPED_BY_HOST` or
/// `DS_STATUS_CANCELLED`; the report marks each change applied, failed or not delivered.
/// When a listing fails, the changes for the users seen are still delivered, nothing is
/// deleted, and the status says what failed. The report is written as for `ds_test`.
///
/// # Safety
/// As for `ds_test`.
#[no_mangle]
pub unsafe extern "C" fn ds_sync(
    connector: *const DsConnector,
    users: *const DsHostUser,
    user_count: usize,
    options: *const DsRunOptions,
    callbacks: *const DsCallbacks,
    out_report: *mut *mut c_char,
) -> DsStatus {
    guard(|| {
        run(
            connector,
            users,
            user_count,
            options,
            callbacks,
            out_report,
            Mode::Sync,
        )
    })
}

/// The tenant's groups as a JSON array of `{"id", "email", "name", "directMembersCount"}`,
/// sorted by address, for a host that lets an administrator choose `scope.groups` from a list.
/// Writes `*out_json` on success; free it with `ds_string_free`. `callbacks` may be NULL (only
/// `log` is used). Thread-safe.
///
/// # Safety
/// As for `ds_test`.
#[no_mangle]
pub unsafe extern "C" fn ds_list_groups(
    connector: *const DsConnector,
    callbacks: *const DsCallbacks,
    out_json: *mut *mut c_char,
) -> DsStatus {
    guard(|| {
        let connector = connector_ref(connector)?;
        require_out(out_json, "out_json")?;
        let callbacks = Callbacks::read(callbacks)?;
        let _log = install_log(&callbacks, connector);
        let groups = connector.inner.list_groups()?;
        let json = serde_json::to_string(&groups)
            .map_err(|e| Error::internal(format!("cannot write the group list: {e}")))?;
        write_out(out_json, to_c_string(json));
        Ok(DsStatus::Ok)
    })
}

/// Frees a connector. NULL is ignored.
///
/// The handle must not be in use: wait for every call on it (on every thread) to return
/// first. Using the handle after this call, or freeing it twice, is undefined behaviour that
/// the library cannot detect.
///
/// # Safety
/// `connector` is NULL or a handle from `ds_configure` not freed before and not in use.
#[no_mangle]
pub unsafe extern "C" fn ds_free(connector: *mut DsConnector) {
    if !connector.is_null() {
        guard_void(|| drop(Box::from_raw(connector)));
    }
}

unsafe fn connector_ref<'a>(connector: *const DsConnector) -> Result<&'a DsConnector> {
    connector.as_ref().ok_or_else(|| {
        Error::invalid_argument("`connector` is NULL; pass the handle from ds_configure")
    })
}

fn install_log(callbacks: &Callbacks, connector: &DsConnector) -> Option<logging::SinkGuard> {
    callbacks
        .log_sink()
        .map(|sink| logging::install_sink(Rc::new(sink), connector.inner.config.log_level()))
}

unsafe fn run(
    connector: *const DsConnector,
    users: *const DsHostUser,
    user_count: usize,
    options: *const DsRunOptions,
    callbacks: *const DsCallbacks,
    out_report: *mut *mut c_char,
    mode: Mode,
) -> Result<DsStatus> {
    let connector = connector_ref(connector)?;
    require_out(out_report, "out_report")?;
    let callbacks = Callbacks::read(callbacks)?;
    if mode == Mode::Sync && !callbacks.has_apply_change() {
        return Err(Error::invalid_argument(
            "`callbacks` has no `apply_change`; ds_sync delivers every change through it (use \
             ds_test for a dry run)",
        ));
    }
    let options = read_run_options(options)?;
    let users = read_host_users(users, user_count)?;
    let _log = install_log(&callbacks, connector);
    let mut host = CallbackHost::new(callbacks);
    let result = connector.inner.run(&users, &mut host, mode, options)?;
    write_out(out_report, to_c_string(result.report.to_json()));
    let counts = &result.report.counts;
    Ok(match result.status {
        RunStatus::Complete => DsStatus::Ok,
        RunStatus::ChangesFailed => {
            let mut message = Vec::new();
            if counts.failed > 0 {
                message.push(format!(
                    "the host could not apply {} of {} change(s); the report lists each with \
                     its reason",
                    counts.failed,
                    result.report.changes.len()
                ));
            }
            if let Some(reason) = &result.report.deletions_held_back {
                message.push(format!(
                    "deletions held back: {reason}; pass DS_RUN_FORCE_DELETIONS (host-example: \
                     --force-deletions) to apply them"
                ));
            }
            set_last_error(&message.join("; "));
            DsStatus::Partial
        }
        RunStatus::Failed(error) => {
            set_last_error(error.message());
            status_of(error.kind())
        }
        RunStatus::ListingFailed(error) => {
            set_last_error(error.message());
            status_of(error.kind())
        }
        RunStatus::Cancelled => {
            set_last_error(&format!(
                "cancelled by the host after {} applied change(s); the report lists what was \
                 delivered",
                counts.applied
            ));
            DsStatus::Cancelled
        }
        RunStatus::StoppedByHost => {
            set_last_error(&format!(
                "the host's apply_change asked to stop after {} applied change(s); the report \
                 lists what was delivered",
                counts.applied
            ));
            DsStatus::StoppedByHost
        }
    })
}
