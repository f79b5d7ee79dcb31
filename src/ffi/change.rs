//! A change laid out for C: every string of a `DsChange` NUL-terminated in one buffer that is
//! reused from change to change, so delivering a hundred thousand changes does not make a
//! million small allocations.

use std::ffi::c_char;
use std::mem::size_of;

use super::types::{DsChange, DsChangeKind, DS_CHANGE_ARCHIVED, DS_CHANGE_SUSPENDED};
use crate::sync::plan::{Change, ChangeKind};

/// Where a string lives in the buffer.
#[derive(Clone, Copy)]
struct Span(usize);

#[derive(Default)]
pub struct ChangeMarshal {
    text: Vec<u8>,
    emails: Vec<Span>,
    privileges: Vec<Span>,
    email_ptrs: Vec<*const c_char>,
    privilege_ptrs: Vec<*const c_char>,
}

impl ChangeMarshal {
    /// Writes `value` NUL-terminated; a NUL inside (which no Google field holds) becomes U+FFFD.
    fn put(&mut self, value: &str) -> Span {
        let at = self.text.len();
        for chunk in value.split('\0').enumerate() {
            if chunk.0 > 0 {
                self.text.extend_from_slice("\u{FFFD}".as_bytes());
            }
            self.text.extend_from_slice(chunk.1.as_bytes());
        }
        self.text.push(0);
        Span(at)
    }

    fn put_some(&mut self, value: Option<&str>) -> Option<Span> {
        value.map(|v| self.put(v))
    }

    /// Lays `change` out and returns the C view of it, valid until the next call.
    pub fn fill(&mut self, change: &Change) -> DsChange {
        self.text.clear();
        self.emails.clear();
        self.privileges.clear();
        let user = change.user.as_deref();

        let login = self.put(change.login());
        let previous_login = self.put_some(change.previous_login.as_deref());
        let google_id = self.put(change.google_id());
        let full_name = self.put_some(user.map(|u| u.full_name.as_str()));
        let primary_email = self.put_some(user.map(|u| u.primary_email.as_str()));
        if let Some(user) = user {
            for address in user.emails() {
                let span = self.put(address);
                self.emails.push(span);
            }
        }
        let org_unit_path = self.put_some(user.map(|u| &*u.org_unit_path));
        for privilege in change.privileges.iter() {
            let span = self.put(privilege);
            self.privileges.push(span);
        }
        let fingerprint = change.fingerprint.map(|f| self.put(&f.to_string()));
        let json = {
            let at = self.text.len();
            // Serialising a change cannot fail: its fields are strings, numbers and booleans.
            let _ = serde_json::to_writer(&mut self.text, change);
            self.text.push(0);
            Span(at)
        };

        // The buffer is complete: only now are its addresses stable.
        let base = self.text.as_ptr() as *const c_char;
        // SAFETY: every span is an offset inside `self.text`.
        let at = |span: Span| unsafe { base.add(span.0) };
        let at_some = |span: Option<Span>| span.map_or(std::ptr::null(), at);
        self.email_ptrs.clear();
        self.email_ptrs.extend(self.emails.iter().map(|s| at(*s)));
        self.privilege_ptrs.clear();
        self.privilege_ptrs
            .extend(self.privileges.iter().map(|s| at(*s)));
        let list = |v: &Vec<*const c_char>| {
            if v.is_empty() {
                std::ptr::null()
            } else {
                v.as_ptr()
            }
        };

        let mut flags = 0;
        if user.is_some_and(|u| u.suspended) {
            flags |= DS_CHANGE_SUSPENDED;
        }
        if user.is_some_and(|u| u.archived) {
            flags |= DS_CHANGE_ARCHIVED;
        }
        DsChange {
            struct_size: size_of::<DsChange>() as u32,
            kind: match change.kind {
                ChangeKind::Create => DsChangeKind::Create,
                ChangeKind::Update => DsChangeKind::Update,
                ChangeKind::Delete => DsChangeKind::Delete,
            },
            login: at(login),
            previous_login: at_some(previous_login),
            google_id: at(google_id),
            full_name: at_some(full_name),
            primary_email: at_some(primary_email),
            emails: list(&self.email_ptrs),
            email_count: self.email_ptrs.len(),
            org_unit_path: at_some(org_unit_path),
            privileges: list(&self.privilege_ptrs),
            privilege_count: self.privilege_ptrs.len(),
            fingerprint: at_some(fingerprint),
            flags,
            json: at(json),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;
    use std::sync::Arc;

    use super::*;
    use crate::config::LoginName;
    use crate::sync::record::test_record;

    fn text(ptr: *const c_char) -> String {
        unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_string()
    }

    #[test]
    fn every_field_reads_back_and_the_buffer_is_reused() {
        let mut marshal = ChangeMarshal::default();
        let record = Arc::new(test_record(
            "7",
            "ann@x.com",
            &["a@x.com", "b@x.com"],
            LoginName::Email,
        ));
        let privileges: Arc<[String]> = Arc::from(vec!["read".to_string()]);
        let create = Change::create(Arc::clone(&record), privileges);
        let view = marshal.fill(&create);
        assert_eq!(text(view.login), "ann@x.com");
        assert_eq!(text(view.google_id), "7");
        assert!(view.previous_login.is_null());
        let emails: Vec<String> = (0..view.email_count)
            .map(|i| text(unsafe { *view.emails.add(i) }))
            .collect();
        assert_eq!(emails, ["ann@x.com", "a@x.com", "b@x.com"]);
        assert_eq!(text(unsafe { *view.privileges }), "read");
        assert_eq!(text(view.fingerprint), record.fingerprint().to_string());
        let json: serde_json::Value = serde_json::from_str(&text(view.json)).unwrap();
        assert_eq!(json["kind"], "create");
        assert_eq!(json["emails"][2], "b@x.com");

        let capacity = marshal.text.capacity();
        let delete = Change::delete("gone\0x@x.com", None, "not in Google");
        let view = marshal.fill(&delete);
        assert_eq!(text(view.login), "gone\u{FFFD}x@x.com");
        assert!(view.full_name.is_null() && view.emails.is_null() && view.email_count == 0);
        assert_eq!(marshal.text.capacity(), capacity, "the buffer is reused");
    }
}
