//! The C boundary under abuse: NULLs, bad UTF-8, structs of other sizes, callbacks that
//! misbehave, cancellation in the middle of a page, two syncs at once. Every case gets a
//! status and a message, never a crash.

mod common;

use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr::{null, null_mut};
use std::time::{Duration, Instant};

use common::*;
use google_emulator::{Endpoint, FaultConfig, FaultKind, FaultRule};
use host_example::abi::*;
use serde_json::json;

/// The library's functions, called raw.
struct Raw {
    _lib: libloading::Library,
    configure: ConfigureFn,
    test: RunFn,
    sync: RunFn,
    list_groups: ListGroupsFn,
    last_error: LastErrorFn,
    string_free: StringFreeFn,
    free: FreeFn,
}

fn raw() -> Raw {
    unsafe {
        let lib = libloading::Library::new(library_path()).unwrap();
        macro_rules! sym {
            ($name:literal) => {
                *lib.get($name).unwrap()
            };
        }
        Raw {
            configure: sym!(b"ds_configure\0"),
            test: sym!(b"ds_test\0"),
            sync: sym!(b"ds_sync\0"),
            list_groups: sym!(b"ds_list_groups\0"),
            last_error: sym!(b"ds_last_error\0"),
            string_free: sym!(b"ds_string_free\0"),
            free: sym!(b"ds_free\0"),
            _lib: lib,
        }
    }
}

impl Raw {
    fn last_error(&self) -> String {
        unsafe {
            let ptr = (self.last_error)();
            if ptr.is_null() {
                return String::new();
            }
            let text = CStr::from_ptr(ptr).to_string_lossy().into_owned();
            (self.string_free)(ptr);
            text
        }
    }

    fn connector(&self, config: &str) -> *mut DsConnector {
        let json = CString::new(config).unwrap();
        let mut handle = null_mut();
        let status = unsafe { (self.configure)(json.as_ptr(), &mut handle) };
        assert_eq!(status, DS_STATUS_OK, "{}", self.last_error());
        handle
    }

    fn expect(&self, status: i32, expected: i32, needle: &str) {
        let message = self.last_error();
        assert_eq!(status, expected, "{message}");
        assert!(
            message.contains(needle),
            "message lacks {needle:?}: {message}"
        );
    }

    fn take(&self, ptr: *mut c_char) -> Option<String> {
        if ptr.is_null() {
            return None;
        }
        unsafe {
            let text = CStr::from_ptr(ptr).to_string_lossy().into_owned();
            (self.string_free)(ptr);
            Some(text)
        }
    }
}

fn user(login: *const c_char) -> DsHostUser {
    DsHostUser {
        struct_size: std::mem::size_of::<DsHostUser>() as u32,
        flags: DS_HOST_USER_MANAGED,
        login,
        google_id: null(),
        full_name: null(),
        primary_email: null(),
        fingerprint: null(),
        missing_syncs: 0,
    }
}

fn callbacks(user_data: *mut c_void) -> DsCallbacks {
    DsCallbacks {
        struct_size: std::mem::size_of::<DsCallbacks>() as u32,
        user_data,
        log: None,
        progress: None,
        is_cancelled: None,
        apply_change: None,
    }
}

#[test]
fn null_arguments_are_refused_by_name() {
    let env = Env::new(71, 10, 2);
    let raw = raw();
    let config = CString::new(env.config.to_string()).unwrap();
    let mut handle = null_mut();
    unsafe {
        raw.expect(
            (raw.configure)(null(), &mut handle),
            DS_STATUS_INVALID_ARGUMENT,
            "config_json",
        );
        raw.expect(
            (raw.configure)(config.as_ptr(), null_mut()),
            DS_STATUS_INVALID_ARGUMENT,
            "out_connector",
        );
        assert!(handle.is_null());
        let mut report = null_mut();
        raw.expect(
            (raw.test)(null(), null(), 0, null(), null(), &mut report),
            DS_STATUS_INVALID_ARGUMENT,
            "connector",
        );
        let h = raw.connector(&env.config.to_string());
        assert!(
            raw.last_error().is_empty(),
            "a success clears the last error"
        );
        raw.expect(
            (raw.test)(h, null(), 3, null(), null(), &mut report),
            DS_STATUS_INVALID_ARGUMENT,
            "users",
        );
        raw.expect(
            (raw.test)(h, null(), 0, null(), null(), null_mut()),
            DS_STATUS_INVALID_ARGUMENT,
            "out_report",
        );
        let nobody = user(null());
        raw.expect(
            (raw.test)(h, &nobody, 1, null(), null(), &mut report),
            DS_STATUS_INVALID_ARGUMENT,
            "users[0].login",
        );
        raw.expect(
            (raw.list_groups)(h, null(), null_mut()),
            DS_STATUS_INVALID_ARGUMENT,
            "out_json",
        );
        assert!(report.is_null(), "no report is written on a refused call");
        // A sync needs apply_change.
        let cb = callbacks(null_mut());
        raw.expect(
            (raw.sync)(h, null(), 0, null(), &cb, &mut report),
            DS_STATUS_INVALID_ARGUMENT,
            "apply_change",
        );
        raw.expect(
            (raw.sync)(h, null(), 0, null(), null(), &mut report),
            DS_STATUS_INVALID_ARGUMENT,
            "apply_change",
        );
        (raw.string_free)(null_mut());
        (raw.free)(null_mut());
        (raw.free)(h);
    }
}

#[test]
fn invalid_utf8_is_named() {
    let env = Env::new(72, 10, 2);
    let raw = raw();
    let mut handle = null_mut();
    let bad = b"{\"admin_user\": \"\xff\"}\0";
    unsafe {
        raw.expect(
            (raw.configure)(bad.as_ptr() as *const c_char, &mut handle),
            DS_STATUS_INVALID_ARGUMENT,
            "UTF-8",
        );
        let h = raw.connector(&env.config.to_string());
        let good = CString::new("a@example.com").unwrap();
        let users = [user(good.as_ptr()), user(c"caf\xc3\x28".as_ptr())];
        let mut report = null_mut();
        raw.expect(
            (raw.test)(h, users.as_ptr(), 2, null(), null(), &mut report),
            DS_STATUS_INVALID_ARGUMENT,
            "users[1].login",
        );
        (raw.free)(h);
    }
}

#[test]
fn structs_of_other_sizes() {
    let env = Env::new(73, 30, 2);
    let raw = raw();
    let h = raw.connector(&env.config.to_string());
    let login = CString::new("someone@example.com").unwrap();
    let mut report = null_mut();
    unsafe {
        // An older host (smaller struct) is refused with the size it should use.
        let mut old = user(login.as_ptr());
        old.struct_size = 16;
        raw.expect(
            (raw.test)(h, &old, 1, null(), null(), &mut report),
            DS_STATUS_INVALID_ARGUMENT,
            "struct_size",
        );

        // A newer host (fields appended) works: the library reads its own prefix.
        #[repr(C)]
        struct NewerUser {
            base: DsHostUser,
            future_field: u64,
        }
        let size = std::mem::size_of::<NewerUser>() as u32;
        let newer: Vec<NewerUser> = (0..2)
            .map(|_| NewerUser {
                base: DsHostUser {
                    struct_size: size,
                    ..user(login.as_ptr())
                },
                future_field: u64::MAX,
            })
            .collect();
        #[repr(C)]
        struct NewerCallbacks {
            base: DsCallbacks,
            future_callback: *const c_void,
        }
        let cb = NewerCallbacks {
            base: DsCallbacks {
                struct_size: std::mem::size_of::<NewerCallbacks>() as u32,
                ..callbacks(null_mut())
            },
            future_callback: null(),
        };
        let status = (raw.test)(
            h,
            newer.as_ptr() as *const DsHostUser,
            2,
            null(),
            &cb.base,
            &mut report,
        );
        assert_eq!(status, DS_STATUS_OK, "{}", raw.last_error());
        let text = raw.take(report).unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        // Both elements were read (same login twice: one is the match, one a kept duplicate).
        assert!(parsed["counts"]["kept"].as_u64().unwrap() <= 2);

        // Elements of mixed sizes are refused.
        let mixed = [
            user(login.as_ptr()),
            DsHostUser {
                struct_size: 8,
                ..user(login.as_ptr())
            },
        ];
        report = null_mut();
        raw.expect(
            (raw.test)(h, mixed.as_ptr(), 2, null(), null(), &mut report),
            DS_STATUS_INVALID_ARGUMENT,
            "users[1].struct_size",
        );

        // An older callbacks struct and unknown run flags are refused.
        let small = DsCallbacks {
            struct_size: 8,
            ..callbacks(null_mut())
        };
        raw.expect(
            (raw.test)(h, null(), 0, null(), &small, &mut report),
            DS_STATUS_INVALID_ARGUMENT,
            "callbacks->struct_size",
        );
        let options = DsRunOptions {
            struct_size: std::mem::size_of::<DsRunOptions>() as u32,
            flags: 0x80,
        };
        raw.expect(
            (raw.test)(h, null(), 0, &options, null(), &mut report),
            DS_STATUS_INVALID_ARGUMENT,
            "options->flags",
        );
        let options = DsRunOptions {
            struct_size: 4,
            flags: 0,
        };
        raw.expect(
            (raw.test)(h, null(), 0, &options, null(), &mut report),
            DS_STATUS_INVALID_ARGUMENT,
            "options->struct_size",
        );
        (raw.free)(h);
    }
}

unsafe extern "C" fn odd_apply(
    _: *mut c_void,
    _: *const DsChange,
    error: *mut c_char,
    len: usize,
) -> i32 {
    // Fills the whole buffer without a terminating NUL, then returns an unknown value.
    std::ptr::write_bytes(error, b'x', len);
    7
}

#[test]
fn callback_returning_nonsense_counts_as_failed() {
    let env = Env::new(74, 20, 2);
    let raw = raw();
    let h = raw.connector(&env.config.to_string());
    let mut cb = callbacks(null_mut());
    cb.apply_change = Some(odd_apply);
    let mut report = null_mut();
    unsafe {
        let status = (raw.sync)(h, null(), 0, null(), &cb, &mut report);
        assert_eq!(status, DS_STATUS_PARTIAL, "{}", raw.last_error());
        let report: serde_json::Value = serde_json::from_str(&raw.take(report).unwrap()).unwrap();
        assert_eq!(report["counts"]["applied"], 0);
        let first = &report["changes"][0];
        assert_eq!(first["outcome"], "failed");
        assert!(first["error"]
            .as_str()
            .unwrap()
            .contains("not a DsApplyResult"));
        (raw.free)(h);
    }
}

struct CancelAfter {
    started: Instant,
    after: Duration,
    applied: usize,
}

unsafe extern "C" fn cancel_after(data: *mut c_void) -> i32 {
    let state = &*(data as *const CancelAfter);
    (state.started.elapsed() >= state.after) as i32
}

unsafe extern "C" fn count_apply(
    data: *mut c_void,
    _: *const DsChange,
    _: *mut c_char,
    _: usize,
) -> i32 {
    (*(data as *mut CancelAfter)).applied += 1;
    DS_APPLY_RESULT_OK
}

fn stall_users_list(env: &Env, ms: u64) {
    env.emulator.set_faults(FaultConfig {
        seed: 3,
        rules: vec![FaultRule {
            endpoint: Endpoint::UsersList,
            kind: FaultKind::Stall { ms },
            probability: 1.0,
            skip: 1,
            count: None,
        }],
    });
}

#[test]
fn cancellation_in_the_middle_of_a_page_returns_promptly() {
    let env = Env::new(75, 1200, 2);
    let raw = raw();
    let h = raw.connector(&env.config_with(json!({"http": {"read_timeout_secs": 30}})));
    stall_users_list(&env, 4000);
    let mut state = CancelAfter {
        started: Instant::now(),
        after: Duration::from_millis(300),
        applied: 0,
    };
    let mut cb = callbacks(&mut state as *mut CancelAfter as *mut c_void);
    cb.is_cancelled = Some(cancel_after);
    cb.apply_change = Some(count_apply);
    let mut report = null_mut();
    let started = Instant::now();
    let status = unsafe { (raw.sync)(h, null(), 0, null(), &cb, &mut report) };
    let took = started.elapsed();
    assert_eq!(status, DS_STATUS_CANCELLED, "{}", raw.last_error());
    assert!(
        took < Duration::from_millis(1500),
        "took {took:?} while a page stalled for 4 s"
    );
    let report: serde_json::Value = serde_json::from_str(&raw.take(report).unwrap()).unwrap();
    assert_eq!(report["counts"]["applied"], 0);
    assert_eq!(state.applied, 0);
    // Freeing the handle waits for the thread still in its request, so none outlives it.
    let freed = Instant::now();
    unsafe { (raw.free)(h) };
    assert!(freed.elapsed() < Duration::from_secs(6));
}

#[test]
fn second_run_on_the_same_handle_is_busy() {
    let env = Env::new(76, 1200, 2);
    let raw = std::sync::Arc::new(raw());
    let h = raw.connector(&env.config.to_string()) as usize;
    stall_users_list(&env, 1500);
    let first = {
        let raw = std::sync::Arc::clone(&raw);
        std::thread::spawn(move || unsafe {
            let mut report = null_mut();
            let status = (raw.test)(
                h as *const DsConnector,
                null(),
                0,
                null(),
                null(),
                &mut report,
            );
            raw.take(report);
            status
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    let mut report = null_mut();
    unsafe {
        let mut state = CancelAfter {
            started: Instant::now(),
            after: Duration::from_secs(100),
            applied: 0,
        };
        let mut cb = callbacks(&mut state as *mut CancelAfter as *mut c_void);
        cb.apply_change = Some(count_apply);
        raw.expect(
            (raw.sync)(h as *const DsConnector, null(), 0, null(), &cb, &mut report),
            DS_STATUS_BUSY,
            "already running",
        );
        assert!(report.is_null());
    }
    assert_eq!(first.join().unwrap(), DS_STATUS_OK);
    env.emulator.set_faults(FaultConfig::default());
    unsafe {
        let status = (raw.test)(
            h as *const DsConnector,
            null(),
            0,
            null(),
            null(),
            &mut report,
        );
        assert_eq!(status, DS_STATUS_OK, "the handle is free again");
        raw.take(report);
        (raw.free)(h as *mut DsConnector);
    }
}
