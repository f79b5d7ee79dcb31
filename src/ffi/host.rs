//! The host's side of a call: its users read from C structs, and its callbacks wrapped so the
//! core can call them as a plain Rust `Host`.

use std::ffi::{c_char, c_void, CStr};
use std::mem::{align_of, size_of};

use super::boundary::{c_string, optional_str, required_str};
use super::change::ChangeMarshal;
use super::types::*;
use crate::error::{Error, Result};
use crate::logging::LogSink;
use crate::sync::engine::{Applied, Host, RunOptions};
use crate::sync::plan::{Change, HostUser};

/// Room the host gets for the reason of a failed change.
const ERROR_BUFFER_LEN: usize = 1024;

/// Reads the host's users.
///
/// # Safety
/// `users` is NULL (with `count` 0) or points to `count` elements of `users[0].struct_size`
/// bytes each, valid for this call.
pub unsafe fn read_host_users(users: *const DsHostUser, count: usize) -> Result<Vec<HostUser>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if users.is_null() {
        return Err(Error::invalid_argument(format!(
            "`users` is NULL but `user_count` is {count}; pass the array or a count of 0"
        )));
    }
    let stride = (*users).struct_size as usize;
    if stride < size_of::<DsHostUser>() || stride % align_of::<DsHostUser>() != 0 {
        return Err(Error::invalid_argument(format!(
            "`users[0].struct_size` is {stride}; set it to sizeof(DsHostUser) ({} in this \
             library's header)",
            size_of::<DsHostUser>()
        )));
    }
    if count
        .checked_mul(stride)
        .is_none_or(|total| total > isize::MAX as usize)
    {
        return Err(Error::invalid_argument(format!(
            "`user_count` {count} is too large"
        )));
    }
    let base = users as *const u8;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let user = &*(base.add(i * stride) as *const DsHostUser);
        if user.struct_size as usize != stride {
            return Err(Error::invalid_argument(format!(
                "`users[{i}].struct_size` is {} but `users[0].struct_size` is {stride}; every \
                 element must have the same size",
                user.struct_size
            )));
        }
        let field = |name: &str| format!("users[{i}].{name}");
        out.push(HostUser {
            login: required_str(user.login, &field("login"))?.to_string(),
            google_id: non_empty(optional_str(user.google_id, &field("google_id"))?),
            managed: user.flags & DS_HOST_USER_MANAGED != 0,
            full_name: optional_str(user.full_name, &field("full_name"))?.map(str::to_string),
            primary_email: non_empty(optional_str(user.primary_email, &field("primary_email"))?),
            fingerprint: non_empty(optional_str(user.fingerprint, &field("fingerprint"))?),
            missing_syncs: user.missing_syncs,
        });
    }
    Ok(out)
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(str::to_string)
}

/// Reads the run options; NULL means the defaults.
///
/// # Safety
/// `ptr` is NULL or points to a `DsRunOptions` of at least `struct_size` bytes.
pub unsafe fn read_run_options(ptr: *const DsRunOptions) -> Result<RunOptions> {
    if ptr.is_null() {
        return Ok(RunOptions::default());
    }
    let size = (*ptr).struct_size as usize;
    if size < size_of::<DsRunOptions>() {
        return Err(Error::invalid_argument(format!(
            "`options->struct_size` is {size}; set it to sizeof(DsRunOptions) ({} in this \
             library's header)",
            size_of::<DsRunOptions>()
        )));
    }
    let flags = (*ptr).flags;
    if flags & !DS_RUN_FORCE_DELETIONS != 0 {
        return Err(Error::invalid_argument(format!(
            "`options->flags` has unknown bits set ({flags:#x}); use DS_RUN_* flags only"
        )));
    }
    Ok(RunOptions {
        force_deletions: flags & DS_RUN_FORCE_DELETIONS != 0,
    })
}

/// A copy of the host's callbacks.
#[derive(Clone, Copy)]
pub struct Callbacks {
    user_data: *mut c_void,
    log: DsLogFn,
    progress: DsProgressFn,
    is_cancelled: DsIsCancelledFn,
    apply_change: DsApplyChangeFn,
}

impl Callbacks {
    pub fn none() -> Self {
        Callbacks {
            user_data: std::ptr::null_mut(),
            log: None,
            progress: None,
            is_cancelled: None,
            apply_change: None,
        }
    }

    /// Reads the callbacks struct. `NULL` means no callbacks.
    ///
    /// # Safety
    /// `ptr` is NULL or points to a `DsCallbacks` of at least `struct_size` bytes.
    pub unsafe fn read(ptr: *const DsCallbacks) -> Result<Callbacks> {
        if ptr.is_null() {
            return Ok(Callbacks::none());
        }
        let size = (*ptr).struct_size as usize;
        if size < size_of::<DsCallbacks>() {
            return Err(Error::invalid_argument(format!(
                "`callbacks->struct_size` is {size}; set it to sizeof(DsCallbacks) ({} in this \
                 library's header)",
                size_of::<DsCallbacks>()
            )));
        }
        let c = &*ptr;
        Ok(Callbacks {
            user_data: c.user_data,
            log: c.log,
            progress: c.progress,
            is_cancelled: c.is_cancelled,
            apply_change: c.apply_change,
        })
    }

    pub fn has_apply_change(&self) -> bool {
        self.apply_change.is_some()
    }

    pub fn log_sink(&self) -> Option<CallbackLog> {
        self.log.map(|log| CallbackLog {
            user_data: self.user_data,
            log,
        })
    }
}

/// Forwards log records of the calling thread to the host's log callback.
pub struct CallbackLog {
    user_data: *mut c_void,
    log: unsafe extern "C" fn(*mut c_void, DsLogLevel, *const c_char, *const c_char),
}

impl CallbackLog {
    fn send(&self, level: log::Level, target: &str, message: &str) {
        let level = match level {
            log::Level::Error => DsLogLevel::Error,
            log::Level::Warn => DsLogLevel::Warn,
            log::Level::Info => DsLogLevel::Info,
            log::Level::Debug => DsLogLevel::Debug,
            log::Level::Trace => DsLogLevel::Trace,
        };
        let target = c_string(target);
        let message = c_string(message);
        // SAFETY: the host promised a callable function taking these arguments.
        unsafe { (self.log)(self.user_data, level, target.as_ptr(), message.as_ptr()) }
    }
}

impl LogSink for CallbackLog {
    fn write(&self, level: log::Level, target: &str, message: &str) {
        self.send(level, target, message);
    }
}

/// The host as the core sees it.
pub struct CallbackHost {
    callbacks: Callbacks,
    /// Reused for every change: a sync of a large tenant delivers a hundred thousand.
    marshal: ChangeMarshal,
    error: Vec<c_char>,
}

impl CallbackHost {
    pub fn new(callbacks: Callbacks) -> Self {
        CallbackHost {
            callbacks,
            marshal: ChangeMarshal::default(),
            error: vec![0; ERROR_BUFFER_LEN],
        }
    }
}

impl Host for CallbackHost {
    fn log(&mut self, level: log::Level, target: &str, message: &str) {
        if let Some(sink) = self.callbacks.log_sink() {
            sink.send(level, target, message);
        }
    }

    fn progress(&mut self, phase: &str, done: u64, total: u64) {
        if let Some(progress) = self.callbacks.progress {
            let phase = c_string(phase);
            // SAFETY: as for every host callback.
            unsafe { progress(self.callbacks.user_data, phase.as_ptr(), done, total) }
        }
    }

    fn is_cancelled(&mut self) -> bool {
        match self.callbacks.is_cancelled {
            // SAFETY: as for every host callback.
            Some(is_cancelled) => unsafe { is_cancelled(self.callbacks.user_data) != 0 },
            None => false,
        }
    }

    fn apply(&mut self, change: &Change) -> Applied {
        let Some(apply) = self.callbacks.apply_change else {
            return Applied::Failed("the host has no apply_change callback".into());
        };
        let view = self.marshal.fill(change);
        let error = &mut self.error;
        error.fill(0);
        // SAFETY: `view` points into `self.marshal`, untouched until the next change.
        let result = unsafe {
            apply(
                self.callbacks.user_data,
                &view,
                error.as_mut_ptr(),
                error.len(),
            )
        };
        match result {
            r if r == DsApplyResult::Ok as i32 => Applied::Ok,
            r if r == DsApplyResult::Stop as i32 => Applied::Stop,
            r => {
                error[ERROR_BUFFER_LEN - 1] = 0;
                // SAFETY: the buffer is NUL-terminated (its last byte was just set).
                let text = unsafe { CStr::from_ptr(error.as_ptr()) }
                    .to_string_lossy()
                    .into_owned();
                let text = if text.is_empty() {
                    "no reason given".to_string()
                } else {
                    text
                };
                if r == DsApplyResult::Failed as i32 {
                    Applied::Failed(text)
                } else {
                    Applied::Failed(format!(
                        "apply_change returned {r}, which is not a DsApplyResult ({text})"
                    ))
                }
            }
        }
    }
}
