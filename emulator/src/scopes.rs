//! OAuth scopes: which ones Google knows (an unknown one is `invalid_scope`), and which ones
//! each Directory method accepts.

const AUTH: &str = "https://www.googleapis.com/auth/";

/// Scopes the token endpoint accepts, by their part after `https://www.googleapis.com/auth/`.
const KNOWN: &[&str] = &[
    "admin.directory.user",
    "admin.directory.user.readonly",
    "admin.directory.user.alias",
    "admin.directory.user.alias.readonly",
    "admin.directory.user.security",
    "admin.directory.userschema",
    "admin.directory.userschema.readonly",
    "admin.directory.group",
    "admin.directory.group.readonly",
    "admin.directory.group.member",
    "admin.directory.group.member.readonly",
    "admin.directory.domain",
    "admin.directory.domain.readonly",
    "admin.directory.orgunit",
    "admin.directory.orgunit.readonly",
    "admin.directory.customer",
    "admin.directory.customer.readonly",
    "admin.directory.rolemanagement",
    "admin.directory.rolemanagement.readonly",
    "admin.directory.resource.calendar",
    "admin.directory.resource.calendar.readonly",
    "admin.directory.device.chromeos",
    "admin.directory.device.chromeos.readonly",
    "admin.directory.device.mobile",
    "admin.directory.device.mobile.readonly",
    "admin.reports.audit.readonly",
    "admin.reports.usage.readonly",
    "apps.groups.settings",
    "cloud-platform",
    "gmail.readonly",
    "userinfo.email",
    "userinfo.profile",
];

/// Short scopes of OpenID Connect, valid as they are.
const OPENID: &[&str] = &["openid", "email", "profile"];

/// Whether Google would accept `scope` in a token request.
pub fn is_known(scope: &str) -> bool {
    OPENID.contains(&scope)
        || scope
            .strip_prefix(AUTH)
            .is_some_and(|short| KNOWN.contains(&short))
}

/// Scopes (after the common prefix) that let a token call users.list and users.get.
pub const USERS: &[&str] = &[
    "admin.directory.user",
    "admin.directory.user.readonly",
    "cloud-platform",
];

/// Scopes that let a token call groups.list and groups.get.
pub const GROUPS: &[&str] = &["admin.directory.group", "admin.directory.group.readonly"];

/// Scopes that let a token call members.list.
pub const MEMBERS: &[&str] = &[
    "admin.directory.group",
    "admin.directory.group.readonly",
    "admin.directory.group.member",
    "admin.directory.group.member.readonly",
];

/// Whether any of `granted` is one of `accepted` (short names).
pub fn covers(granted: &[String], accepted: &[&str]) -> bool {
    granted.iter().any(|scope| {
        scope
            .strip_prefix(AUTH)
            .is_some_and(|short| accepted.contains(&short))
    })
}
