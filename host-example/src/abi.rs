//! The host's copy of the C declarations in `include/google_ds.h`, as any program that loads
//! the library at run time writes them. Only what this host uses.

use std::ffi::{c_char, c_void};

pub const DS_ABI_VERSION: u32 = 1;
pub const DS_HOST_USER_MANAGED: u32 = 1;
pub const DS_CHANGE_SUSPENDED: u32 = 1;

pub const DS_STATUS_OK: i32 = 0;
pub const DS_STATUS_PARTIAL: i32 = 1;
pub const DS_STATUS_INVALID_ARGUMENT: i32 = 2;
pub const DS_STATUS_CONFIG_ERROR: i32 = 3;
pub const DS_STATUS_CREDENTIALS_ERROR: i32 = 4;
pub const DS_STATUS_AUTHORIZATION_ERROR: i32 = 5;
pub const DS_STATUS_GOOGLE_ERROR: i32 = 6;
pub const DS_STATUS_NETWORK_ERROR: i32 = 7;
pub const DS_STATUS_CANCELLED: i32 = 8;
pub const DS_STATUS_STOPPED_BY_HOST: i32 = 9;
pub const DS_STATUS_BUSY: i32 = 10;
pub const DS_STATUS_REFUSED: i32 = 11;
pub const DS_STATUS_INTERNAL_ERROR: i32 = 12;

pub const DS_APPLY_RESULT_OK: i32 = 0;
pub const DS_APPLY_RESULT_FAILED: i32 = 1;
pub const DS_APPLY_RESULT_STOP: i32 = 2;

pub const DS_CHANGE_KIND_CREATE: i32 = 1;
pub const DS_CHANGE_KIND_UPDATE: i32 = 2;
pub const DS_CHANGE_KIND_DELETE: i32 = 3;

#[repr(C)]
pub struct DsHostUser {
    pub struct_size: u32,
    pub flags: u32,
    pub login: *const c_char,
    pub google_id: *const c_char,
    pub full_name: *const c_char,
    pub primary_email: *const c_char,
    pub fingerprint: *const c_char,
    pub missing_syncs: u32,
}

pub const DS_RUN_FORCE_DELETIONS: u32 = 1;

#[repr(C)]
pub struct DsRunOptions {
    pub struct_size: u32,
    pub flags: u32,
}

#[repr(C)]
pub struct DsChange {
    pub struct_size: u32,
    pub kind: i32,
    pub login: *const c_char,
    pub previous_login: *const c_char,
    pub google_id: *const c_char,
    pub full_name: *const c_char,
    pub primary_email: *const c_char,
    pub emails: *const *const c_char,
    pub email_count: usize,
    pub org_unit_path: *const c_char,
    pub privileges: *const *const c_char,
    pub privilege_count: usize,
    pub fingerprint: *const c_char,
    pub flags: u32,
    pub json: *const c_char,
}

pub type LogFn = unsafe extern "C" fn(*mut c_void, i32, *const c_char, *const c_char);
pub type ProgressFn = unsafe extern "C" fn(*mut c_void, *const c_char, u64, u64);
pub type IsCancelledFn = unsafe extern "C" fn(*mut c_void) -> i32;
pub type ApplyChangeFn =
    unsafe extern "C" fn(*mut c_void, *const DsChange, *mut c_char, usize) -> i32;

#[repr(C)]
pub struct DsCallbacks {
    pub struct_size: u32,
    pub user_data: *mut c_void,
    pub log: Option<LogFn>,
    pub progress: Option<ProgressFn>,
    pub is_cancelled: Option<IsCancelledFn>,
    pub apply_change: Option<ApplyChangeFn>,
}

/// The opaque connector handle.
#[repr(C)]
pub struct DsConnector {
    _private: [u8; 0],
}

pub type AbiVersionFn = unsafe extern "C" fn() -> u32;
pub type VersionFn = unsafe extern "C" fn() -> *const c_char;
pub type LastErrorFn = unsafe extern "C" fn() -> *mut c_char;
pub type StringFreeFn = unsafe extern "C" fn(*mut c_char);
pub type ConfigureFn = unsafe extern "C" fn(*const c_char, *mut *mut DsConnector) -> i32;
pub type RunFn = unsafe extern "C" fn(
    *const DsConnector,
    *const DsHostUser,
    usize,
    *const DsRunOptions,
    *const DsCallbacks,
    *mut *mut c_char,
) -> i32;
pub type ListGroupsFn =
    unsafe extern "C" fn(*const DsConnector, *const DsCallbacks, *mut *mut c_char) -> i32;
pub type FreeFn = unsafe extern "C" fn(*mut DsConnector);
pub type AuthenticateFn = unsafe extern "C" fn(
    *const DsConnector,
    *const c_char,
    *const DsCallbacks,
    *mut *mut c_char,
) -> i32;
pub type AuthorizationUrlFn =
    unsafe extern "C" fn(*const DsConnector, *const c_char, *mut *mut c_char) -> i32;
pub type StatusNameFn = unsafe extern "C" fn(i32) -> *const c_char;
