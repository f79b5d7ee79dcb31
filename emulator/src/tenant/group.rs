//! Groups and their direct members, with Google's field names.

use serde::{Deserialize, Serialize};

/// A group. `directMembersCount`, `kind` and `etag` are derived when the emulator answers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Group {
    pub id: String,
    pub email: String,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub non_editable_aliases: Vec<String>,
    pub admin_created: bool,
    /// Direct members only; nested groups appear as members of type `GROUP`.
    pub members: Vec<Member>,
}

/// One direct member of a group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// The user's or group's id; for `CUSTOMER` the customer id.
    pub id: String,
    /// Absent for `CUSTOMER` members, which stand for the whole organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default)]
    pub role: Role,
    #[serde(rename = "type")]
    pub member_type: MemberType,
    #[serde(default = "active")]
    pub status: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Owner,
    Manager,
    #[default]
    Member,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MemberType {
    User,
    Group,
    Customer,
    External,
}

fn active() -> String {
    "ACTIVE".to_string()
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "OWNER",
            Role::Manager => "MANAGER",
            Role::Member => "MEMBER",
        }
    }
}

impl MemberType {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberType::User => "USER",
            MemberType::Group => "GROUP",
            MemberType::Customer => "CUSTOMER",
            MemberType::External => "EXTERNAL",
        }
    }
}

impl Member {
    pub fn new(id: &str, email: Option<&str>, role: Role, member_type: MemberType) -> Member {
        Member {
            id: id.to_string(),
            email: email.map(str::to_string),
            role,
            member_type,
            status: active(),
        }
    }
}

impl Group {
    /// Every address that finds this group: its own, aliases and non-editable aliases.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.email.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .chain(self.non_editable_aliases.iter().map(String::as_str))
    }
}
