"""Bindings of libgoogle_ds for Python hosts, with nothing but the standard library (ctypes).

The declarations mirror include/google_ds.h. The rules of the C API hold here too:

* every string the library hands out is copied into a Python str and freed at once with
  ds_string_free;
* structs the host fills (DsHostUser, DsRunOptions, DsCallbacks) carry their struct_size;
* callbacks are ctypes function objects kept alive for the whole call, and never let a
  Python exception reach the library (an exception in apply_change fails that change);
* callbacks run on the thread that called ds_test / ds_sync, during that call.

    lib = Library("/usr/local/lib/libgoogle_ds.so")
    with lib.configure(config_json) as connector:
        status, report = connector.test(users=[])
"""

import ctypes
import json
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    byref,
    c_char,
    c_char_p,
    c_int32,
    c_size_t,
    c_uint32,
    c_uint64,
    c_void_p,
)

ABI_VERSION = 1

# DsStatus: numbers never change meaning.
OK = 0
PARTIAL = 1
INVALID_ARGUMENT = 2
CONFIG_ERROR = 3
CREDENTIALS_ERROR = 4
AUTHORIZATION_ERROR = 5
GOOGLE_ERROR = 6
NETWORK_ERROR = 7
CANCELLED = 8
STOPPED_BY_HOST = 9
BUSY = 10
REFUSED = 11
INTERNAL_ERROR = 12

APPLY_OK = 0
APPLY_FAILED = 1
APPLY_STOP = 2

CHANGE_KINDS = {1: "create", 2: "update", 3: "delete"}
LOG_LEVELS = {1: "ERROR", 2: "WARN", 3: "INFO", 4: "DEBUG", 5: "TRACE"}

HOST_USER_MANAGED = 1
RUN_FORCE_DELETIONS = 1
CHANGE_SUSPENDED = 1
CHANGE_ARCHIVED = 2


class DsHostUser(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("flags", c_uint32),
        ("login", c_char_p),
        ("google_id", c_char_p),
        ("full_name", c_char_p),
        ("primary_email", c_char_p),
        ("fingerprint", c_char_p),
        ("missing_syncs", c_uint32),
    ]


class DsRunOptions(Structure):
    _fields_ = [("struct_size", c_uint32), ("flags", c_uint32)]


class DsChange(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("kind", c_int32),
        ("login", c_char_p),
        ("previous_login", c_char_p),
        ("google_id", c_char_p),
        ("full_name", c_char_p),
        ("primary_email", c_char_p),
        ("emails", POINTER(c_char_p)),
        ("email_count", c_size_t),
        ("org_unit_path", c_char_p),
        ("privileges", POINTER(c_char_p)),
        ("privilege_count", c_size_t),
        ("fingerprint", c_char_p),
        ("flags", c_uint32),
        ("json", c_char_p),
    ]


LOG_FN = CFUNCTYPE(None, c_void_p, c_int32, c_char_p, c_char_p)
PROGRESS_FN = CFUNCTYPE(None, c_void_p, c_char_p, c_uint64, c_uint64)
IS_CANCELLED_FN = CFUNCTYPE(c_int32, c_void_p)
APPLY_CHANGE_FN = CFUNCTYPE(c_int32, c_void_p, POINTER(DsChange), POINTER(c_char), c_size_t)


class DsCallbacks(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("user_data", c_void_p),
        ("log", LOG_FN),
        ("progress", PROGRESS_FN),
        ("is_cancelled", IS_CANCELLED_FN),
        ("apply_change", APPLY_CHANGE_FN),
    ]


class DsError(Exception):
    """A call failed: the status, its name and the library's message (what to fix)."""

    def __init__(self, status, status_name, message):
        super().__init__(f"{message} ({status_name})")
        self.status = status
        self.status_name = status_name
        self.message = message


def _text(value):
    return None if value is None else value.decode("utf-8", "replace")


def _bytes(value):
    return None if value is None else str(value).encode("utf-8")


def change_to_dict(change):
    """Copies a borrowed DsChange into a dict (the pointers die when the callback returns)."""
    emails = [_text(change.emails[i]) for i in range(change.email_count)]
    privileges = [_text(change.privileges[i]) for i in range(change.privilege_count)]
    return {
        "kind": CHANGE_KINDS.get(change.kind, str(change.kind)),
        "login": _text(change.login),
        "previous_login": _text(change.previous_login),
        "google_id": _text(change.google_id),
        "full_name": _text(change.full_name),
        "primary_email": _text(change.primary_email),
        "emails": emails,
        "org_unit_path": _text(change.org_unit_path),
        "privileges": privileges,
        "fingerprint": _text(change.fingerprint),
        "suspended": bool(change.flags & CHANGE_SUSPENDED),
        "archived": bool(change.flags & CHANGE_ARCHIVED),
    }


class Library:
    """The loaded shared library. Refuses one whose ABI version this module does not know."""

    def __init__(self, path):
        self.path = path
        lib = ctypes.CDLL(path)
        # Strings the library allocates are declared c_void_p, so that the pointer can be
        # handed back to ds_string_free; static ones are plain c_char_p.
        signatures = {
            "ds_abi_version": ([], c_uint32),
            "ds_version": ([], c_char_p),
            "ds_status_name": ([c_int32], c_char_p),
            "ds_last_error": ([], c_void_p),
            "ds_string_free": ([c_void_p], None),
            "ds_configure": ([c_char_p, POINTER(c_void_p)], c_int32),
            "ds_test": (
                [c_void_p, POINTER(DsHostUser), c_size_t, POINTER(DsRunOptions),
                 POINTER(DsCallbacks), POINTER(c_void_p)],
                c_int32,
            ),
            "ds_list_groups": ([c_void_p, POINTER(DsCallbacks), POINTER(c_void_p)], c_int32),
            "ds_authorization_url": ([c_void_p, c_char_p, POINTER(c_void_p)], c_int32),
            "ds_authenticate": (
                [c_void_p, c_char_p, POINTER(DsCallbacks), POINTER(c_void_p)],
                c_int32,
            ),
            "ds_free": ([c_void_p], None),
        }
        signatures["ds_sync"] = signatures["ds_test"]
        for name, (argtypes, restype) in signatures.items():
            function = getattr(lib, name)
            function.argtypes = argtypes
            function.restype = restype
        self._lib = lib
        found = lib.ds_abi_version()
        if found != ABI_VERSION:
            raise RuntimeError(
                f"{path} has ABI version {found}; these bindings understand {ABI_VERSION}"
            )

    def version(self):
        return _text(self._lib.ds_version())

    def status_name(self, status):
        return _text(self._lib.ds_status_name(status))

    def take_string(self, pointer):
        """Copies a string the library handed out, and frees it."""
        if not pointer:
            return None
        try:
            return ctypes.string_at(pointer).decode("utf-8", "replace")
        finally:
            self._lib.ds_string_free(pointer)

    def error(self, status):
        message = self.take_string(self._lib.ds_last_error()) or "no message"
        return DsError(status, self.status_name(status), message)

    def configure(self, config):
        """ds_configure: `config` is a JSON string or a dict. Returns a Connector."""
        if not isinstance(config, str):
            config = json.dumps(config)
        handle = c_void_p()
        status = self._lib.ds_configure(config.encode("utf-8"), byref(handle))
        if status != OK:
            raise self.error(status)
        return Connector(self, handle)


class Connector:
    """A configured connector handle; close() (or a with block) frees it with ds_free."""

    def __init__(self, library, handle):
        self._library = library
        self._lib = library._lib
        self._handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._handle:
            self._lib.ds_free(self._handle)
            self._handle = None

    def test(self, users, log=None, progress=None, force_deletions=False):
        """ds_test: a dry run. Returns (status, report dict, DsError or None when the status is
        OK); raises DsError when the library wrote no report (an invalid argument, a busy
        handle, a configuration it could not use)."""
        return self._run(self._lib.ds_test, users, None, log, progress, force_deletions)

    def sync(self, users, apply_change, log=None, progress=None, force_deletions=False):
        """ds_sync, returning what ds_test returns. `apply_change(change_dict)` returns None
        (applied), a str (the reason it failed) or APPLY_STOP."""
        return self._run(self._lib.ds_sync, users, apply_change, log, progress, force_deletions)

    def list_groups(self):
        out = c_void_p()
        status = self._lib.ds_list_groups(self._handle, None, byref(out))
        if status != OK:
            raise self._library.error(status)
        return json.loads(self._library.take_string(out.value))

    def authorization_url(self, request):
        """ds_authorization_url: returns {"url", "state", "nonce", "code_verifier"}."""
        out = c_void_p()
        status = self._lib.ds_authorization_url(
            self._handle, json.dumps(request).encode("utf-8"), byref(out)
        )
        if status != OK:
            raise self._library.error(status)
        return json.loads(self._library.take_string(out.value))

    def authenticate(self, request):
        """ds_authenticate: returns the result dict, with "refused" true or false. Raises
        DsError for anything but a sign-in or a refusal (a setup to fix)."""
        out = c_void_p()
        status = self._lib.ds_authenticate(
            self._handle, json.dumps(request).encode("utf-8"), None, byref(out)
        )
        if status in (OK, REFUSED):
            return json.loads(self._library.take_string(out.value))
        raise self._library.error(status)

    def _run(self, function, users, apply_change, log, progress, force_deletions):
        # The encoded strings and the struct array must outlive the call: keep references.
        c_users = (DsHostUser * max(len(users), 1))()
        for i, user in enumerate(users):
            c_users[i] = DsHostUser(
                ctypes.sizeof(DsHostUser),
                HOST_USER_MANAGED if user.get("managed") else 0,
                _bytes(user["login"]),
                _bytes(user.get("google_id")),
                _bytes(user.get("full_name")),
                _bytes(user.get("primary_email")),
                _bytes(user.get("fingerprint")),
                user.get("missing_syncs", 0),
            )
        options = DsRunOptions(
            ctypes.sizeof(DsRunOptions), RUN_FORCE_DELETIONS if force_deletions else 0
        )
        callbacks, keep_alive = self._callbacks(apply_change, log, progress)
        report = c_void_p()
        status = function(
            self._handle, c_users, len(users), byref(options), byref(callbacks), byref(report)
        )
        del keep_alive
        if not report.value:
            raise self._library.error(status)
        error = None if status == OK else self._library.error(status)
        return status, json.loads(self._library.take_string(report.value)), error

    @staticmethod
    def _callbacks(apply_change, log, progress):
        def on_log(_user_data, level, target, message):
            if log:
                log(LOG_LEVELS.get(level, str(level)), _text(target), _text(message))

        def on_progress(_user_data, phase, done, total):
            if progress:
                progress(_text(phase), done, total)

        def on_apply(_user_data, change, error, error_len):
            try:
                outcome = apply_change(change_to_dict(change.contents))
            except Exception as exception:  # never let it reach the library
                outcome = f"the host failed: {exception}"
            if outcome is None:
                return APPLY_OK
            if outcome == APPLY_STOP:
                return APPLY_STOP
            reason = str(outcome).encode("utf-8")[: max(error_len - 1, 0)]
            ctypes.memmove(error, reason + b"\0", len(reason) + 1)
            return APPLY_FAILED

        functions = [LOG_FN(on_log), PROGRESS_FN(on_progress)]
        callbacks = DsCallbacks(
            ctypes.sizeof(DsCallbacks), None, functions[0], functions[1], IS_CANCELLED_FN()
        )
        if apply_change is not None:
            functions.append(APPLY_CHANGE_FN(on_apply))
            callbacks.apply_change = functions[-1]
        return callbacks, functions
