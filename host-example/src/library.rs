//! Loads libgoogle_ds with libloading and wraps its C functions in safe Rust.

use std::ffi::{c_char, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use crate::abi::*;

/// A failed call: the status and the library's message for it.
#[derive(Debug)]
pub struct CallError {
    pub status: i32,
    pub status_name: String,
    pub message: String,
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.status_name)
    }
}

/// What the host does with the library's callbacks.
pub trait Hooks {
    fn log(&mut self, _level: i32, _target: &str, _message: &str) {}
    fn progress(&mut self, _phase: &str, _done: u64, _total: u64) {}
    fn cancelled(&mut self) -> bool {
        false
    }
    /// Applies one change.
    fn apply(&mut self, change: &Change) -> Applied;
}

/// The host's answer to one change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    Ok,
    /// Not applied, with the reason; the sync goes on.
    Failed(String),
    /// Not applied, and the sync must end now.
    Stop,
}

impl From<Result<(), String>> for Applied {
    fn from(result: Result<(), String>) -> Applied {
        match result {
            Ok(()) => Applied::Ok,
            Err(reason) => Applied::Failed(reason),
        }
    }
}

/// One change, copied out of the library's borrowed `DsChange`.
#[derive(Clone, Debug)]
pub struct Change {
    pub kind: i32,
    pub login: String,
    pub previous_login: Option<String>,
    pub google_id: String,
    pub full_name: Option<String>,
    pub primary_email: Option<String>,
    pub emails: Vec<String>,
    pub privileges: Vec<String>,
    pub fingerprint: Option<String>,
    pub suspended: bool,
}

/// Options of one run.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunFlags {
    /// Apply deletions even beyond the deletion limit.
    pub force_deletions: bool,
}

/// A user as this host passes it to the library.
#[derive(Clone, Debug, Default)]
pub struct HostUser {
    pub login: String,
    pub google_id: Option<String>,
    pub managed: bool,
    pub full_name: Option<String>,
    pub primary_email: Option<String>,
    pub fingerprint: Option<String>,
    pub missing_syncs: u32,
}

/// The answer of `ds_authenticate`: the status, and the result JSON (written on success and on
/// a refusal).
#[derive(Debug)]
pub struct SignInAnswer {
    pub status: i32,
    pub status_name: String,
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
}

impl SignInAnswer {
    pub fn signed_in(&self) -> bool {
        self.status == DS_STATUS_OK
    }

    /// The reason code of a refusal.
    pub fn reason(&self) -> Option<&str> {
        self.result.as_ref()?.get("reason")?.as_str()
    }

    /// A field of the result, or "".
    pub fn field(&self, name: &str) -> &str {
        self.result
            .as_ref()
            .and_then(|r| r.get(name))
            .and_then(|v| v.as_str())
            .unwrap_or("")
    }
}

/// The outcome of `ds_test` or `ds_sync`: the status and the report, when one was written.
pub struct RunOutcome {
    pub status: i32,
    pub status_name: String,
    pub report: Option<serde_json::Value>,
    pub error: Option<String>,
}

/// `RunOutcome` with the report left as the library's text, for hosts that read only part of
/// a large report.
pub struct RawOutcome {
    pub status: i32,
    pub status_name: String,
    pub report: Option<String>,
    pub error: Option<String>,
}

pub struct Library {
    // Keeps the shared library mapped while the function pointers below are in use.
    _lib: libloading::Library,
    pub path: PathBuf,
    version: VersionFn,
    last_error: LastErrorFn,
    string_free: StringFreeFn,
    status_name: StatusNameFn,
    configure: ConfigureFn,
    test: RunFn,
    sync: RunFn,
    list_groups: ListGroupsFn,
    authenticate: AuthenticateFn,
    authorization_url: AuthorizationUrlFn,
    free: FreeFn,
}

/// Where the library is when no path is given: `$GOOGLE_DS_LIB`, else where cargo puts it
/// when it builds this program: beside it, or in `deps/` beside it (cargo's own folder, which
/// holds the freshest copy while tests run).
pub fn default_path() -> PathBuf {
    if let Some(path) = std::env::var_os("GOOGLE_DS_LIB") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().unwrap_or_default();
    let dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = libloading::library_filename("google_ds");
    let candidates = if dir.ends_with("deps") {
        vec![dir.join(&name), dir.parent().unwrap_or(&dir).join(&name)]
    } else {
        vec![dir.join("deps").join(&name), dir.join(&name)]
    };
    candidates
        .iter()
        .find(|p| p.exists())
        .cloned()
        .unwrap_or_else(|| dir.join(name))
}

impl Library {
    /// Loads the library and checks its ABI version before calling anything else.
    pub fn load(path: &Path) -> Result<Library, String> {
        // SAFETY: loading runs the library's initialisers; libgoogle_ds has none that matter.
        let lib = unsafe { libloading::Library::new(path) }.map_err(|e| {
            format!(
                "cannot load {}: {e}\nBuild it with `cargo build --release -p google-ds`, or pass \
                 --lib PATH (or set GOOGLE_DS_LIB)",
                path.display()
            )
        })?;
        // SAFETY: every symbol is declared with the signature of the header.
        unsafe {
            let abi: AbiVersionFn = symbol(&lib, b"ds_abi_version\0")?;
            let found = abi();
            if found != DS_ABI_VERSION {
                return Err(format!(
                    "{} has ABI version {found}, this host understands {DS_ABI_VERSION}",
                    path.display()
                ));
            }
            Ok(Library {
                version: symbol(&lib, b"ds_version\0")?,
                last_error: symbol(&lib, b"ds_last_error\0")?,
                string_free: symbol(&lib, b"ds_string_free\0")?,
                status_name: symbol(&lib, b"ds_status_name\0")?,
                configure: symbol(&lib, b"ds_configure\0")?,
                test: symbol(&lib, b"ds_test\0")?,
                sync: symbol(&lib, b"ds_sync\0")?,
                list_groups: symbol(&lib, b"ds_list_groups\0")?,
                authenticate: symbol(&lib, b"ds_authenticate\0")?,
                authorization_url: symbol(&lib, b"ds_authorization_url\0")?,
                free: symbol(&lib, b"ds_free\0")?,
                path: path.to_path_buf(),
                _lib: lib,
            })
        }
    }

    pub fn version(&self) -> String {
        // SAFETY: a static NUL-terminated string.
        unsafe { CStr::from_ptr((self.version)()) }
            .to_string_lossy()
            .into_owned()
    }

    fn status_name(&self, status: i32) -> String {
        // SAFETY: a static NUL-terminated string.
        unsafe { CStr::from_ptr((self.status_name)(status)) }
            .to_string_lossy()
            .into_owned()
    }

    /// Takes a string the library handed out, and frees it.
    fn take_string(&self, ptr: *mut c_char) -> Option<String> {
        if ptr.is_null() {
            return None;
        }
        // SAFETY: the library handed out this string; we free it exactly once.
        let text = unsafe { CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned();
        unsafe { (self.string_free)(ptr) };
        Some(text)
    }

    fn last_error(&self) -> Option<String> {
        // SAFETY: returns an owned string or NULL.
        self.take_string(unsafe { (self.last_error)() })
    }

    fn error(&self, status: i32) -> CallError {
        CallError {
            status,
            status_name: self.status_name(status),
            message: self.last_error().unwrap_or_else(|| "no message".into()),
        }
    }

    pub fn configure(&self, config_json: &str) -> Result<Connector<'_>, CallError> {
        let json = CString::new(config_json).map_err(|_| CallError {
            status: DS_STATUS_INVALID_ARGUMENT,
            status_name: self.status_name(DS_STATUS_INVALID_ARGUMENT),
            message: "the configuration contains a NUL byte".into(),
        })?;
        let mut handle: *mut DsConnector = std::ptr::null_mut();
        // SAFETY: valid string and out pointer.
        let status = unsafe { (self.configure)(json.as_ptr(), &mut handle) };
        if status != DS_STATUS_OK {
            return Err(self.error(status));
        }
        Ok(Connector { lib: self, handle })
    }
}

unsafe fn symbol<T: Copy>(lib: &libloading::Library, name: &[u8]) -> Result<T, String> {
    lib.get::<T>(name).map(|s| *s).map_err(|e| {
        format!(
            "the library lacks {}: {e}",
            String::from_utf8_lossy(&name[..name.len() - 1])
        )
    })
}

/// A configured connector; freed when dropped.
pub struct Connector<'lib> {
    lib: &'lib Library,
    handle: *mut DsConnector,
}

// SAFETY: the library documents handles as usable from several threads.
unsafe impl Send for Connector<'_> {}
unsafe impl Sync for Connector<'_> {}

impl Drop for Connector<'_> {
    fn drop(&mut self) {
        // SAFETY: the handle came from ds_configure and is freed once.
        unsafe { (self.lib.free)(self.handle) }
    }
}

impl Connector<'_> {
    pub fn test(&self, users: &[HostUser], hooks: &mut dyn Hooks) -> RunOutcome {
        self.run(self.lib.test, users, RunFlags::default(), hooks)
    }

    pub fn sync(&self, users: &[HostUser], hooks: &mut dyn Hooks) -> RunOutcome {
        self.run(self.lib.sync, users, RunFlags::default(), hooks)
    }

    /// `ds_test` or `ds_sync` (`apply`) with run flags.
    pub fn run_with(
        &self,
        apply: bool,
        users: &[HostUser],
        flags: RunFlags,
        hooks: &mut dyn Hooks,
    ) -> RunOutcome {
        let function = if apply { self.lib.sync } else { self.lib.test };
        self.run(function, users, flags, hooks)
    }

    /// `run_with` without parsing the report.
    pub fn run_raw(
        &self,
        apply: bool,
        users: &[HostUser],
        flags: RunFlags,
        hooks: &mut dyn Hooks,
    ) -> RawOutcome {
        let function = if apply { self.lib.sync } else { self.lib.test };
        self.call(function, users, flags, hooks)
    }

    pub fn list_groups(&self) -> Result<serde_json::Value, CallError> {
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: valid handle and out pointer; NULL callbacks are allowed.
        let status = unsafe { (self.lib.list_groups)(self.handle, std::ptr::null(), &mut out) };
        if status != DS_STATUS_OK {
            return Err(self.lib.error(status));
        }
        let text = self.lib.take_string(out).unwrap_or_default();
        Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }

    /// `ds_authorization_url`: the URL to send the browser to, and `state`, `nonce` and
    /// `code_verifier` to keep for the callback.
    pub fn authorization_url(
        &self,
        request: &serde_json::Value,
    ) -> Result<serde_json::Value, CallError> {
        let json = CString::new(request.to_string()).expect("JSON has no NUL");
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: valid handle, string and out pointer.
        let status = unsafe { (self.lib.authorization_url)(self.handle, json.as_ptr(), &mut out) };
        if status != DS_STATUS_OK {
            return Err(self.lib.error(status));
        }
        let text = self.lib.take_string(out).unwrap_or_default();
        Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }

    /// `ds_authenticate` with a request (`{"code", ...}`, `{"id_token", ...}` or
    /// `{"login", "password"}`); `hooks`, if given, receives the log records.
    pub fn authenticate(
        &self,
        request: &serde_json::Value,
        hooks: Option<&mut dyn Hooks>,
    ) -> SignInAnswer {
        let json = CString::new(request.to_string()).expect("JSON has no NUL");
        let mut out: *mut c_char = std::ptr::null_mut();
        let status = match hooks {
            Some(hooks) => {
                let mut hooks: &mut dyn Hooks = hooks;
                let callbacks = DsCallbacks {
                    struct_size: std::mem::size_of::<DsCallbacks>() as u32,
                    user_data: &mut hooks as *mut &mut dyn Hooks as *mut c_void,
                    log: Some(on_log),
                    progress: None,
                    is_cancelled: None,
                    apply_change: None,
                };
                // SAFETY: every pointer stays valid until the call returns.
                unsafe { (self.lib.authenticate)(self.handle, json.as_ptr(), &callbacks, &mut out) }
            }
            // SAFETY: NULL callbacks are allowed.
            None => unsafe {
                (self.lib.authenticate)(self.handle, json.as_ptr(), std::ptr::null(), &mut out)
            },
        };
        let error = if status == DS_STATUS_OK {
            None
        } else {
            self.lib.last_error()
        };
        SignInAnswer {
            status,
            status_name: self.lib.status_name(status),
            result: self
                .lib
                .take_string(out)
                .and_then(|t| serde_json::from_str(&t).ok()),
            error,
        }
    }

    fn run(
        &self,
        function: RunFn,
        users: &[HostUser],
        flags: RunFlags,
        hooks: &mut dyn Hooks,
    ) -> RunOutcome {
        let raw = self.call(function, users, flags, hooks);
        RunOutcome {
            status: raw.status,
            status_name: raw.status_name,
            report: raw.report.and_then(|t| serde_json::from_str(&t).ok()),
            error: raw.error,
        }
    }

    fn call(
        &self,
        function: RunFn,
        users: &[HostUser],
        flags: RunFlags,
        hooks: &mut dyn Hooks,
    ) -> RawOutcome {
        let options = DsRunOptions {
            struct_size: std::mem::size_of::<DsRunOptions>() as u32,
            flags: if flags.force_deletions {
                DS_RUN_FORCE_DELETIONS
            } else {
                0
            },
        };
        let strings = HostStrings::new(users);
        let c_users = strings.users(users);
        let mut hooks: &mut dyn Hooks = hooks;
        let callbacks = DsCallbacks {
            struct_size: std::mem::size_of::<DsCallbacks>() as u32,
            user_data: &mut hooks as *mut &mut dyn Hooks as *mut c_void,
            log: Some(on_log),
            progress: Some(on_progress),
            is_cancelled: Some(on_is_cancelled),
            apply_change: Some(on_apply_change),
        };
        let mut report: *mut c_char = std::ptr::null_mut();
        // SAFETY: every pointer stays valid until the call returns.
        let status = unsafe {
            function(
                self.handle,
                c_users.as_ptr(),
                c_users.len(),
                &options,
                &callbacks,
                &mut report,
            )
        };
        let error = if status == DS_STATUS_OK {
            None
        } else {
            self.lib.last_error()
        };
        RawOutcome {
            status,
            status_name: self.lib.status_name(status),
            report: self.lib.take_string(report),
            error,
        }
    }
}

/// The C strings behind the host users, alive for one call.
struct HostStrings {
    strings: Vec<Option<CString>>,
}

impl HostStrings {
    fn new(users: &[HostUser]) -> Self {
        let c = |s: &Option<String>| s.as_deref().and_then(|s| CString::new(s).ok());
        let mut strings = Vec::with_capacity(users.len() * 5);
        for user in users {
            strings.push(CString::new(user.login.as_str()).ok());
            strings.push(c(&user.google_id));
            strings.push(c(&user.full_name));
            strings.push(c(&user.primary_email));
            strings.push(c(&user.fingerprint));
        }
        HostStrings { strings }
    }

    fn users(&self, users: &[HostUser]) -> Vec<DsHostUser> {
        let ptr = |i: usize| {
            self.strings[i]
                .as_ref()
                .map_or(std::ptr::null(), |s| s.as_ptr())
        };
        users
            .iter()
            .enumerate()
            .map(|(n, user)| DsHostUser {
                struct_size: std::mem::size_of::<DsHostUser>() as u32,
                flags: if user.managed {
                    DS_HOST_USER_MANAGED
                } else {
                    0
                },
                login: ptr(n * 5),
                google_id: ptr(n * 5 + 1),
                full_name: ptr(n * 5 + 2),
                primary_email: ptr(n * 5 + 3),
                fingerprint: ptr(n * 5 + 4),
                missing_syncs: user.missing_syncs,
            })
            .collect()
    }
}

unsafe fn hooks<'a>(user_data: *mut c_void) -> &'a mut dyn Hooks {
    *(user_data as *mut &mut dyn Hooks)
}

unsafe fn text(ptr: *const c_char) -> String {
    if ptr.is_null() {
        String::new()
    } else {
        CStr::from_ptr(ptr).to_string_lossy().into_owned()
    }
}

unsafe fn optional(ptr: *const c_char) -> Option<String> {
    (!ptr.is_null()).then(|| text(ptr))
}

unsafe fn list(ptr: *const *const c_char, count: usize) -> Vec<String> {
    if ptr.is_null() {
        return Vec::new();
    }
    std::slice::from_raw_parts(ptr, count)
        .iter()
        .map(|p| text(*p))
        .collect()
}

// The callbacks must not unwind into the library: each catches panics.

unsafe extern "C" fn on_log(
    data: *mut c_void,
    level: i32,
    target: *const c_char,
    message: *const c_char,
) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        hooks(data).log(level, &text(target), &text(message))
    }));
}

unsafe extern "C" fn on_progress(data: *mut c_void, phase: *const c_char, done: u64, total: u64) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        hooks(data).progress(&text(phase), done, total)
    }));
}

unsafe extern "C" fn on_is_cancelled(data: *mut c_void) -> i32 {
    catch_unwind(AssertUnwindSafe(|| hooks(data).cancelled() as i32)).unwrap_or(1)
}

unsafe extern "C" fn on_apply_change(
    data: *mut c_void,
    change: *const DsChange,
    error: *mut c_char,
    error_len: usize,
) -> i32 {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let c = &*change;
        let change = Change {
            kind: c.kind,
            login: text(c.login),
            previous_login: optional(c.previous_login),
            google_id: text(c.google_id),
            full_name: optional(c.full_name),
            primary_email: optional(c.primary_email),
            emails: list(c.emails, c.email_count),
            privileges: list(c.privileges, c.privilege_count),
            fingerprint: optional(c.fingerprint),
            suspended: c.flags & DS_CHANGE_SUSPENDED != 0,
        };
        hooks(data).apply(&change)
    }));
    let message = match result {
        Ok(Applied::Ok) => return DS_APPLY_RESULT_OK,
        Ok(Applied::Stop) => return DS_APPLY_RESULT_STOP,
        Ok(Applied::Failed(message)) => message,
        Err(_) => "the host panicked while applying the change".to_string(),
    };
    if !error.is_null() && error_len > 0 {
        let bytes = message.as_bytes();
        let n = bytes.len().min(error_len - 1);
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), error as *mut u8, n);
        *error.add(n) = 0;
    }
    DS_APPLY_RESULT_FAILED
}
