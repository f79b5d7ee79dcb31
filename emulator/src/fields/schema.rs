//! The resource fields of the discovery document, so a `fields` mask naming a field that does
//! not exist is refused as Google refuses it (a misspelt `primaryemail` must fail here too,
//! not silently return nothing).

use super::{Mask, Selection};

/// What a field holds, as far as a mask can look inside it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    /// A string, number, boolean or array of them: nothing to select inside.
    Leaf,
    /// An object (or array of objects) with known fields.
    Object(&'static Schema),
    /// Free-form (`any` in the discovery document): anything may be selected inside.
    Any,
}

pub(crate) type Schema = [(&'static str, Kind)];

use Kind::{Any, Leaf, Object};

pub(crate) static USER_NAME: &Schema = &[
    ("displayName", Leaf),
    ("familyName", Leaf),
    ("fullName", Leaf),
    ("givenName", Leaf),
];

pub(crate) static USER: &Schema = &[
    ("addresses", Any),
    ("agreedToTerms", Leaf),
    ("aliases", Leaf),
    ("archivalTime", Leaf),
    ("archived", Leaf),
    ("changePasswordAtNextLogin", Leaf),
    ("creationTime", Leaf),
    ("customSchemas", Any),
    ("customerId", Leaf),
    ("deletionTime", Leaf),
    ("emails", Any),
    ("etag", Leaf),
    ("externalIds", Any),
    ("gender", Any),
    ("guestAccountInfo", Any),
    ("hashFunction", Leaf),
    ("id", Leaf),
    ("ims", Any),
    ("includeInGlobalAddressList", Leaf),
    ("ipWhitelisted", Leaf),
    ("isAdmin", Leaf),
    ("isDelegatedAdmin", Leaf),
    ("isEnforcedIn2Sv", Leaf),
    ("isEnrolledIn2Sv", Leaf),
    ("isGuestUser", Leaf),
    ("isMailboxSetup", Leaf),
    ("keywords", Any),
    ("kind", Leaf),
    ("languages", Any),
    ("lastLoginTime", Leaf),
    ("locations", Any),
    ("name", Object(USER_NAME)),
    ("nonEditableAliases", Leaf),
    ("notes", Any),
    ("orgUnitPath", Leaf),
    ("organizations", Any),
    ("password", Leaf),
    ("phones", Any),
    ("posixAccounts", Any),
    ("primaryEmail", Leaf),
    ("recoveryEmail", Leaf),
    ("recoveryPhone", Leaf),
    ("relations", Any),
    ("sshPublicKeys", Any),
    ("suspended", Leaf),
    ("suspensionReason", Leaf),
    ("suspensionTime", Leaf),
    ("thumbnailPhotoEtag", Leaf),
    ("thumbnailPhotoUrl", Leaf),
    ("websites", Any),
];

pub(crate) static USERS: &Schema = &[
    ("etag", Leaf),
    ("kind", Leaf),
    ("nextPageToken", Leaf),
    ("trigger_event", Leaf),
    ("users", Object(USER)),
];

pub(crate) static GROUP: &Schema = &[
    ("adminCreated", Leaf),
    ("aliases", Leaf),
    ("description", Leaf),
    ("directMembersCount", Leaf),
    ("email", Leaf),
    ("etag", Leaf),
    ("externalIds", Any),
    ("id", Leaf),
    ("kind", Leaf),
    ("name", Leaf),
    ("nonEditableAliases", Leaf),
];

pub(crate) static GROUPS: &Schema = &[
    ("etag", Leaf),
    ("groups", Object(GROUP)),
    ("kind", Leaf),
    ("nextPageToken", Leaf),
];

pub(crate) static MEMBER: &Schema = &[
    ("delivery_settings", Leaf),
    ("email", Leaf),
    ("etag", Leaf),
    ("id", Leaf),
    ("kind", Leaf),
    ("role", Leaf),
    ("status", Leaf),
    ("type", Leaf),
];

pub(crate) static MEMBERS_HAS_MEMBER: &Schema = &[("isMember", Leaf)];

pub(crate) static MEMBERS: &Schema = &[
    ("etag", Leaf),
    ("kind", Leaf),
    ("members", Object(MEMBER)),
    ("nextPageToken", Leaf),
];

/// Checks every name in `mask` against `schema`; the error names the first unknown field by
/// its path, as Google's message does.
pub(crate) fn validate(mask: &Mask, schema: &Schema) -> Result<(), String> {
    validate_under(mask, schema, "")
}

fn validate_under(mask: &Mask, schema: &Schema, prefix: &str) -> Result<(), String> {
    for (name, selection) in &mask.fields {
        let path = format!("{prefix}{name}");
        if name == "*" {
            continue;
        }
        let kind = schema
            .iter()
            .find(|(field, _)| field == name)
            .map(|&(_, kind)| kind)
            .ok_or_else(|| path.clone())?;
        match (selection, kind) {
            (Selection::All, _) | (Selection::Some(_), Any) => {}
            (Selection::Some(inner), Object(schema)) => {
                validate_under(inner, schema, &format!("{path}/"))?;
            }
            (Selection::Some(_), Leaf) => return Err(path),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(mask: &str) -> Result<(), String> {
        validate(&Mask::parse(mask).unwrap(), USERS)
    }

    #[test]
    fn known_fields_pass() {
        assert!(
            check("nextPageToken,users(id,primaryEmail,name/fullName,emails(address))").is_ok()
        );
        assert!(check("users/*").is_ok());
    }

    #[test]
    fn unknown_or_misspelt_fields_fail_with_their_path() {
        assert_eq!(
            check("users(primaryemail)"),
            Err("users/primaryemail".to_string())
        );
        assert_eq!(check("items"), Err("items".to_string()));
        assert_eq!(
            check("users/name/first"),
            Err("users/name/first".to_string())
        );
    }

    #[test]
    fn nothing_can_be_selected_inside_a_leaf() {
        assert_eq!(check("users/id/x"), Err("users/id".to_string()));
    }
}
