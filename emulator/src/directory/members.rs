//! `members.list`: a group's direct members, or with `includeDerivedMembership=true` every
//! member reached through nested groups as well.

use std::collections::HashSet;

use super::errors::ApiError;
use super::params;
use super::pipeline::{Answer, Params};
use super::render;
use crate::paging::{take_page, Binding};
use crate::state::Live;
use crate::tenant::{Group, Member, MemberType, Role};

/// Google's default and largest page of members.
const MAX_PAGE: usize = 200;

pub(crate) fn list(live: &Live, group_key: &str, params: &Params) -> Result<Answer, ApiError> {
    let group = live
        .index
        .group(&live.tenant, group_key)
        .ok_or_else(|| ApiError::not_found("groupKey"))?;
    let max = params::max_results(params, MAX_PAGE, MAX_PAGE, false)?;
    let derived = params::flag(params, "includeDerivedMembership");
    let roles = roles(params)?;

    let binding = Binding::new(
        "members.list",
        &[
            ("group", &group.id),
            ("derived", &derived.to_string()),
            (
                "roles",
                params.get("roles").map(String::as_str).unwrap_or(""),
            ),
        ],
    );
    let after = params::resume_after(&binding, params)?;

    let mut members: Vec<&Member> = if derived {
        transitive_members(live, group)
    } else {
        group.members.iter().collect()
    };
    members.retain(|member| roles.as_ref().is_none_or(|r| r.contains(&member.role)));
    members.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    let start = after.as_deref().map_or(0, |after| {
        members.partition_point(|m| m.id.as_str() <= after)
    });
    let (page, last_key) = take_page(
        members[start..]
            .iter()
            .map(|member| (member.id.clone(), *member)),
        max,
    );

    let items = page.into_iter().map(render::member).collect();
    let next = last_key.map(|key| binding.token(&key));
    Ok(Answer {
        body: render::page("admin#directory#members", "members", items, next),
        items_key: Some("members"),
    })
}

/// `members.hasMember`: whether a user or group (by address, alias or id) is a member of the
/// group, directly or through nested groups; a CUSTOMER member makes every user one.
pub(crate) fn has_member(
    live: &Live,
    group_key: &str,
    member_key: &str,
) -> Result<Answer, ApiError> {
    let group = live
        .index
        .group(&live.tenant, group_key)
        .ok_or_else(|| ApiError::not_found("groupKey"))?;
    let member_id = match live.index.user(&live.tenant, member_key) {
        Some(user) => user.id.clone(),
        None => match live.index.group(&live.tenant, member_key) {
            Some(nested) => nested.id.clone(),
            None => return Err(ApiError::not_found("memberKey")),
        },
    };
    let is_user = live.index.user(&live.tenant, &member_id).is_some();
    let is_member = transitive_members(live, group)
        .iter()
        .any(|m| m.id == member_id || (is_user && m.member_type == MemberType::Customer));
    Ok(Answer {
        body: serde_json::json!({ "isMember": is_member }),
        items_key: None,
    })
}

/// Direct members first, then the members of each nested group, each member once. Nested
/// groups stay in the list themselves; a group reached twice (or in a cycle) is walked once.
fn transitive_members<'t>(live: &'t Live, root: &'t Group) -> Vec<&'t Member> {
    let mut seen_members = HashSet::new();
    let mut walked = HashSet::from([root.id.as_str()]);
    let mut queue = vec![root];
    let mut members = Vec::new();
    while let Some(group) = queue.pop() {
        for member in &group.members {
            if seen_members.insert(member.id.as_str()) {
                members.push(member);
            }
            if member.member_type == MemberType::Group && walked.insert(member.id.as_str()) {
                if let Some(nested) = live.index.group(&live.tenant, &member.id) {
                    queue.push(nested);
                }
            }
        }
    }
    members
}

/// `roles=OWNER,MANAGER`: the roles to keep, or `None` for all.
fn roles(params: &Params) -> Result<Option<Vec<Role>>, ApiError> {
    let Some(text) = params.get("roles").filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    text.split(',')
        .map(|role| match role.trim().to_ascii_uppercase().as_str() {
            "OWNER" => Ok(Role::Owner),
            "MANAGER" => Ok(Role::Manager),
            "MEMBER" => Ok(Role::Member),
            _ => Err(ApiError::invalid_parameter(
                "roles",
                format!("Invalid value '{role}' for roles: use OWNER, MANAGER or MEMBER"),
            )),
        })
        .collect::<Result<_, _>>()
        .map(Some)
}
