//! The edge of the C ABI: panics caught, arguments checked, errors turned into a status and a
//! per-thread message, strings handed out and taken back.

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::types::DsStatus;
use crate::error::{Error, ErrorKind, Result};

thread_local! {
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

pub fn set_last_error(message: &str) {
    LAST_ERROR.with(|e| *e.borrow_mut() = Some(message.to_string()));
}

pub fn clear_last_error() {
    LAST_ERROR.with(|e| *e.borrow_mut() = None);
}

pub fn last_error() -> Option<String> {
    LAST_ERROR.with(|e| e.borrow().clone())
}

pub fn status_of(kind: ErrorKind) -> DsStatus {
    match kind {
        ErrorKind::InvalidArgument => DsStatus::InvalidArgument,
        ErrorKind::Config => DsStatus::ConfigError,
        ErrorKind::Credentials => DsStatus::CredentialsError,
        ErrorKind::Authorization => DsStatus::AuthorizationError,
        ErrorKind::Google => DsStatus::GoogleError,
        ErrorKind::Network => DsStatus::NetworkError,
        ErrorKind::Cancelled => DsStatus::Cancelled,
        ErrorKind::StoppedByHost => DsStatus::StoppedByHost,
        ErrorKind::Busy => DsStatus::Busy,
        ErrorKind::Refused => DsStatus::Refused,
        ErrorKind::Internal => DsStatus::InternalError,
    }
}

/// Runs the body of an exported function: clears the last error, catches a panic, and turns
/// an error into its status with the message kept for `ds_last_error`.
pub fn guard(body: impl FnOnce() -> Result<DsStatus>) -> DsStatus {
    clear_last_error();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(status)) => status,
        Ok(Err(error)) => {
            set_last_error(error.message());
            status_of(error.kind())
        }
        Err(panic) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            set_last_error(&format!(
                "internal error in google-ds {}: {detail}; please report it",
                env!("CARGO_PKG_VERSION")
            ));
            DsStatus::InternalError
        }
    }
}

/// Like `guard` for functions that return nothing and must never fail loudly (the frees).
pub fn guard_void(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}

/// A required string argument, named for the error message.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string valid for this call.
pub unsafe fn required_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str> {
    if ptr.is_null() {
        return Err(Error::invalid_argument(format!(
            "`{name}` is NULL; it is required"
        )));
    }
    CStr::from_ptr(ptr).to_str().map_err(|e| {
        Error::invalid_argument(format!(
            "`{name}` is not valid UTF-8 (invalid byte at offset {}); pass UTF-8 text",
            e.valid_up_to()
        ))
    })
}

/// An optional string argument: NULL gives `None`.
///
/// # Safety
/// As for `required_str`.
pub unsafe fn optional_str<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>> {
    if ptr.is_null() {
        Ok(None)
    } else {
        required_str(ptr, name).map(Some)
    }
}

/// Hands a string to the host; the host frees it with `ds_string_free`. Interior NULs, which
/// JSON never holds, are replaced so the handover cannot fail.
pub fn to_c_string(text: String) -> *mut c_char {
    let text = if text.contains('\0') {
        text.replace('\0', "\u{FFFD}")
    } else {
        text
    };
    CString::new(text)
        .map(CString::into_raw)
        .unwrap_or(std::ptr::null_mut())
}

/// A `CString` for borrowed use during a callback.
pub fn c_string(text: &str) -> CString {
    CString::new(text.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

/// Writes an output parameter after checking it is not NULL.
///
/// # Safety
/// `out` is NULL or valid for a write of `T`.
pub unsafe fn write_out<T>(out: *mut T, value: T) {
    if !out.is_null() {
        out.write(value);
    }
}

/// Fails when an output parameter is NULL, before any work is done.
pub fn require_out<T>(out: *mut T, name: &str) -> Result<()> {
    if out.is_null() {
        Err(Error::invalid_argument(format!(
            "`{name}` is NULL; pass the address of a variable to receive the result"
        )))
    } else {
        Ok(())
    }
}
