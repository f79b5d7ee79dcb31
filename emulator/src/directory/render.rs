//! Directory resources as Google sends them: stored fields plus the derived ones (`kind`,
//! `etag`, `customerId`, `directMembersCount`, …).

use serde_json::{json, Map, Value};

use crate::fields::Mask;
use crate::ids;
use crate::tenant::{Group, Member, MemberType, Tenant, User};

pub(crate) fn user(tenant: &Tenant, user: &User) -> Value {
    let mut value = serde_json::to_value(user).unwrap_or_else(|_| json!({}));
    let object = value
        .as_object_mut()
        .expect("a user serialises to an object");
    object.insert("kind".into(), json!("admin#directory#user"));
    object.insert("customerId".into(), json!(tenant.customer_id));
    object.insert(
        "isDelegatedAdmin".into(),
        json!(tenant.is_delegated_admin(user)),
    );
    object.insert("agreedToTerms".into(), json!(true));
    object.insert("changePasswordAtNextLogin".into(), json!(false));
    object.insert("ipWhitelisted".into(), json!(false));
    object.insert("isMailboxSetup".into(), json!(true));
    object.insert("isEnforcedIn2Sv".into(), json!(false));
    object.insert("includeInGlobalAddressList".into(), json!(true));
    with_etag(value)
}

/// The top-level fields `user_for` renders itself; a selection of anything else (or of the
/// `etag`, which hashes the whole resource) renders the whole user.
const SELECTABLE: [&str; 10] = [
    "id",
    "primaryEmail",
    "name",
    "aliases",
    "nonEditableAliases",
    "suspended",
    "archived",
    "orgUnitPath",
    "isAdmin",
    "kind",
];

/// The user as `user` renders it, but only the top-level fields `wanted` (the mask of one
/// user in a listing) selects; the caller still applies the whole mask. A listing with a
/// partial response so costs the emulator about what it costs Google: little.
pub(crate) fn user_for(tenant: &Tenant, user: &User, wanted: Option<&Mask>) -> Value {
    let Some(mask) = wanted else {
        return self::user(tenant, user);
    };
    if mask
        .fields
        .keys()
        .any(|key| !SELECTABLE.contains(&key.as_str()))
    {
        return self::user(tenant, user);
    }
    let mut object = Map::new();
    for key in mask.fields.keys() {
        let value = match key.as_str() {
            "id" => json!(user.id),
            "primaryEmail" => json!(user.primary_email),
            "name" => serde_json::to_value(&user.name).unwrap_or_else(|_| json!({})),
            "aliases" if user.aliases.is_empty() => continue,
            "aliases" => json!(user.aliases),
            "nonEditableAliases" if user.non_editable_aliases.is_empty() => continue,
            "nonEditableAliases" => json!(user.non_editable_aliases),
            "suspended" => json!(user.suspended),
            "archived" => json!(user.archived),
            "orgUnitPath" => json!(user.org_unit_path),
            "isAdmin" => json!(user.is_admin),
            _ => json!("admin#directory#user"),
        };
        object.insert(key.clone(), value);
    }
    Value::Object(object)
}

pub(crate) fn group(group: &Group) -> Value {
    let mut object = Map::new();
    object.insert("kind".into(), json!("admin#directory#group"));
    object.insert("id".into(), json!(group.id));
    object.insert("email".into(), json!(group.email));
    object.insert("name".into(), json!(group.name));
    // Google sends the count as a string (int64 in the discovery document).
    object.insert(
        "directMembersCount".into(),
        json!(group.members.len().to_string()),
    );
    object.insert("description".into(), json!(group.description));
    object.insert("adminCreated".into(), json!(group.admin_created));
    if !group.aliases.is_empty() {
        object.insert("aliases".into(), json!(group.aliases));
    }
    if !group.non_editable_aliases.is_empty() {
        object.insert(
            "nonEditableAliases".into(),
            json!(group.non_editable_aliases),
        );
    }
    with_etag(Value::Object(object))
}

pub(crate) fn member(member: &Member) -> Value {
    let mut object = Map::new();
    object.insert("kind".into(), json!("admin#directory#member"));
    object.insert("id".into(), json!(member.id));
    if let Some(email) = &member.email {
        object.insert("email".into(), json!(email));
    }
    object.insert("role".into(), json!(member.role.as_str()));
    object.insert("type".into(), json!(member.member_type.as_str()));
    if member.member_type != MemberType::Customer {
        object.insert("status".into(), json!(member.status));
    }
    with_etag(Value::Object(object))
}

/// A listing page: `kind`, `etag`, the items under `items_key` (left out when there are
/// none, as Google does) and `nextPageToken` when more follow.
pub(crate) fn page(
    kind: &str,
    items_key: &str,
    items: Vec<Value>,
    next_page_token: Option<String>,
) -> Value {
    // Hashing the items' own etags is as good as hashing the page and much cheaper.
    let mut parts: Vec<&str> = items
        .iter()
        .filter_map(|item| item.get("etag").and_then(Value::as_str))
        .collect();
    parts.push(next_page_token.as_deref().unwrap_or(""));
    let etag = ids::etag(parts.concat().as_bytes());

    let mut object = Map::new();
    object.insert("kind".into(), json!(kind));
    object.insert("etag".into(), json!(etag));
    if !items.is_empty() {
        object.insert(items_key.into(), Value::Array(items));
    }
    if let Some(token) = next_page_token {
        object.insert("nextPageToken".into(), json!(token));
    }
    Value::Object(object)
}

/// Adds an `etag` computed from the rest of the resource, so it changes when the resource does.
/// The resource is hashed as it serialises, without building its text: a page renders 500.
fn with_etag(mut value: Value) -> Value {
    struct Hashing(std::collections::hash_map::DefaultHasher);
    impl std::io::Write for Hashing {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            std::hash::Hasher::write(&mut self.0, bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hashing = Hashing(Default::default());
    let _ = serde_json::to_writer(&mut hashing, &value);
    let etag = ids::etag(&std::hash::Hasher::finish(&hashing.0).to_le_bytes());
    if let Value::Object(object) = &mut value {
        object.insert("etag".into(), json!(etag));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::apply;

    #[test]
    fn a_partial_user_renders_as_the_masked_whole() {
        let tenant = crate::TenantSpec::generated(3, 200, 5).build().unwrap();
        for text in [
            "id,primaryEmail,name/fullName,aliases,nonEditableAliases,suspended,archived,orgUnitPath",
            "id,name,isAdmin,kind",
            "primaryEmail,etag",
            "emails(address)",
        ] {
            let mask = Mask::parse(text).unwrap();
            for user in &tenant.users {
                let whole = apply(self::user(&tenant, user), &mask);
                let partial = apply(user_for(&tenant, user, Some(&mask)), &mask);
                assert_eq!(whole, partial, "mask {text}, user {}", user.primary_email);
            }
        }
    }
}
