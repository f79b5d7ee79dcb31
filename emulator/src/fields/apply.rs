//! Applying a parsed mask to a JSON response.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::{Mask, Selection};

/// Keeps only what `mask` selects. Arrays pass the mask on to each element; scalars under a
/// narrower mask are kept whole (validation against the schema refuses such masks first).
pub fn apply(value: Value, mask: &Mask) -> Value {
    match value {
        Value::Object(map) => {
            let wildcard = mask.fields.get("*");
            let mut kept = Map::new();
            for (name, child) in map {
                let selection = match (mask.fields.get(&name), wildcard) {
                    (None, None) => continue,
                    (Some(one), None) | (None, Some(one)) => Cow::Borrowed(one),
                    (Some(named), Some(all)) => Cow::Owned(named.clone().union(all.clone())),
                };
                let child = match &*selection {
                    Selection::All => child,
                    Selection::Some(inner) => apply(child, inner),
                };
                kept.insert(name, child);
            }
            Value::Object(kept)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(|i| apply(i, mask)).collect()),
        scalar => scalar,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn masked(value: Value, mask: &str) -> Value {
        apply(value, &Mask::parse(mask).unwrap())
    }

    fn listing() -> Value {
        json!({
            "kind": "admin#directory#users",
            "etag": "\"x\"",
            "nextPageToken": "abc",
            "users": [
                {"id": "1", "primaryEmail": "a@example.com",
                 "name": {"givenName": "A", "familyName": "B", "fullName": "A B"},
                 "emails": [{"address": "a@example.com", "primary": true}]},
                {"id": "2", "primaryEmail": "c@example.com",
                 "name": {"givenName": "C", "familyName": "D", "fullName": "C D"},
                 "emails": [{"address": "c@example.com", "primary": true}]}
            ]
        })
    }

    #[test]
    fn selects_inside_arrays() {
        let out = masked(listing(), "users(id,name/fullName),nextPageToken");
        assert_eq!(
            out,
            json!({
                "nextPageToken": "abc",
                "users": [
                    {"id": "1", "name": {"fullName": "A B"}},
                    {"id": "2", "name": {"fullName": "C D"}}
                ]
            })
        );
    }

    #[test]
    fn leaving_out_next_page_token_drops_it() {
        let out = masked(listing(), "users(id)");
        assert!(out.get("nextPageToken").is_none());
        assert_eq!(out["users"][1], json!({"id": "2"}));
    }

    #[test]
    fn path_through_array_of_objects() {
        let out = masked(listing(), "users/emails/address");
        assert_eq!(
            out["users"][0],
            json!({"emails": [{"address": "a@example.com"}]})
        );
    }

    #[test]
    fn wildcard_keeps_everything_at_its_level() {
        let out = masked(listing(), "users(*)");
        assert_eq!(out["users"], listing()["users"]);
        assert!(out.get("kind").is_none());
    }

    #[test]
    fn missing_fields_are_simply_absent() {
        let out = masked(json!({"id": "1"}), "id,aliases");
        assert_eq!(out, json!({"id": "1"}));
    }
}
