//! The C types of the ABI. Numbers of enum values are part of the ABI: never reuse or
//! renumber one; retire it with a comment instead.

use std::ffi::{c_char, c_void};

/// The version of this ABI. A host compiled against another version should refuse to run.
pub const DS_ABI_VERSION: u32 = 1;

/// Host user flag: the directory manages this user (it may be updated and deleted).
pub const DS_HOST_USER_MANAGED: u32 = 1;

/// Run flag: apply deletions even beyond the deletion limit (`safeguards.max_deletions`,
/// `safeguards.max_deletion_percent`). The other safeguards still hold.
pub const DS_RUN_FORCE_DELETIONS: u32 = 1;

/// Change flag: the Google user is suspended.
pub const DS_CHANGE_SUSPENDED: u32 = 1;
/// Change flag: the Google user is archived.
pub const DS_CHANGE_ARCHIVED: u32 = 2;

/// The result of every function that can fail. A fixed-width integer in C.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DsStatus {
    /// Success.
    Ok = 0,
    /// The sync finished, but not everything was applied: the host's callback refused some
    /// changes, or the deletion limit held deletions back. The report says which.
    Partial = 1,
    /// An argument is NULL, not UTF-8, or a struct has an unknown size; the message names it.
    InvalidArgument = 2,
    /// The configuration JSON is wrong; the message names the field.
    ConfigError = 3,
    /// The service-account key cannot be read or used.
    CredentialsError = 4,
    /// Google refused the credentials, the delegation or the admin's rights; the message says
    /// what to change in Google's consoles.
    AuthorizationError = 5,
    /// Google answered with another error.
    GoogleError = 6,
    /// Google could not be reached or the connection broke.
    NetworkError = 7,
    /// The host's `is_cancelled` callback asked to stop.
    Cancelled = 8,
    /// The host's `apply_change` callback returned `DS_APPLY_RESULT_STOP`.
    StoppedByHost = 9,
    /// A sync or dry run is already running on this handle.
    Busy = 10,
    /// A sign-in was checked and refused.
    Refused = 11,
    /// A bug in the library; the message has the details.
    InternalError = 12,
}

/// What `apply_change` returns.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DsApplyResult {
    /// The host applied the change.
    Ok = 0,
    /// The host could not apply this change; the sync records it and goes on.
    Failed = 1,
    /// The host wants the sync to end now; the sync returns `DS_STATUS_STOPPED_BY_HOST`.
    Stop = 2,
}

#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DsChangeKind {
    Create = 1,
    Update = 2,
    Delete = 3,
}

#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DsLogLevel {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

/// A connector: the opaque handle `ds_configure` returns and `ds_free` releases.
pub struct DsConnector {
    pub(crate) inner: crate::connector::Connector,
}

/// A user the host has, as the host passes it to `ds_test` and `ds_sync`.
///
/// Set `struct_size` to `sizeof(DsHostUser)` in every element; the library reads the array
/// with that stride, so a host built against a newer header with more fields still works.
/// Strings are NUL-terminated UTF-8, borrowed for the duration of the call.
#[repr(C)]
pub struct DsHostUser {
    pub struct_size: u32,
    /// `DS_HOST_USER_MANAGED` when the directory manages this user.
    pub flags: u32,
    /// The host's login name. Required.
    pub login: *const c_char,
    /// The Google id from an earlier sync, or NULL.
    pub google_id: *const c_char,
    /// The full name the host has, or NULL.
    pub full_name: *const c_char,
    /// The primary address the host has, or NULL.
    pub primary_email: *const c_char,
    /// The fingerprint of the user's last delivered change, or NULL. Keeping it lets the
    /// library tell unchanged users from updated ones.
    pub fingerprint: *const c_char,
    /// Consecutive complete syncs in which this user was missing from Google.
    pub missing_syncs: u32,
}

/// Options of one `ds_test` or `ds_sync`. Set `struct_size` to `sizeof(DsRunOptions)`.
/// Passing NULL means all defaults.
#[repr(C)]
pub struct DsRunOptions {
    pub struct_size: u32,
    /// `DS_RUN_FORCE_DELETIONS`, or 0.
    pub flags: u32,
}

/// One change, as `apply_change` receives it. Every pointer is borrowed and valid only during
/// that call; copy what you keep. Fields that do not apply are NULL (strings) or 0.
#[repr(C)]
pub struct DsChange {
    /// `sizeof(DsChange)` of the library; fields past your header's struct are absent.
    pub struct_size: u32,
    pub kind: DsChangeKind,
    /// The login after the change; for a delete, the login to delete.
    pub login: *const c_char,
    /// For an update that renames the user: the login the host has now. Otherwise NULL.
    pub previous_login: *const c_char,
    /// The immutable Google id; keep it with the user. Empty for a delete of a user whose id
    /// the host never stored.
    pub google_id: *const c_char,
    pub full_name: *const c_char,
    pub primary_email: *const c_char,
    /// Every address of the user: primary first, then aliases; lowercased.
    pub emails: *const *const c_char,
    pub email_count: usize,
    pub org_unit_path: *const c_char,
    /// For a create: the configured default privileges.
    pub privileges: *const *const c_char,
    pub privilege_count: usize,
    /// Keep this with the user and pass it back in `DsHostUser.fingerprint`.
    pub fingerprint: *const c_char,
    /// `DS_CHANGE_SUSPENDED`, `DS_CHANGE_ARCHIVED`.
    pub flags: u32,
    /// The whole change as a JSON object, for hosts that prefer it.
    pub json: *const c_char,
}

/// Receives a log record. `target` is the module, `message` the text; both borrowed.
pub type DsLogFn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        level: DsLogLevel,
        target: *const c_char,
        message: *const c_char,
    ),
>;

/// Reports progress: `phase` (borrowed), items done, and the total or 0 when not known yet.
pub type DsProgressFn = Option<
    unsafe extern "C" fn(user_data: *mut c_void, phase: *const c_char, done: u64, total: u64),
>;

/// Returns non-zero to cancel the running call. Called often; keep it cheap.
pub type DsIsCancelledFn = Option<unsafe extern "C" fn(user_data: *mut c_void) -> i32>;

/// Applies one change in the host. Returns a `DsApplyResult` value. On failure the host may
/// write a NUL-terminated UTF-8 reason into `error` (room for `error_len` bytes).
pub type DsApplyChangeFn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        change: *const DsChange,
        error: *mut c_char,
        error_len: usize,
    ) -> i32,
>;

/// The host's callbacks. Set `struct_size` to `sizeof(DsCallbacks)`. Every callback is
/// optional except `apply_change` for `ds_sync`; all are called only on the thread that
/// called the library, during that call.
#[repr(C)]
pub struct DsCallbacks {
    pub struct_size: u32,
    /// Passed unchanged as the first argument of every callback.
    pub user_data: *mut c_void,
    pub log: DsLogFn,
    pub progress: DsProgressFn,
    pub is_cancelled: DsIsCancelledFn,
    pub apply_change: DsApplyChangeFn,
}
