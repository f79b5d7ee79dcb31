//! `groups.list` (of the account, a domain, or the groups a user is a direct member of) and
//! `groups.get`.

use super::errors::ApiError;
use super::params::{self, Coverage};
use super::pipeline::{Answer, Params};
use super::query::Query;
use super::render;
use crate::paging::{take_page, Binding};
use crate::state::Live;
use crate::tenant::Group;

/// Google's default and largest page of groups.
const MAX_PAGE: usize = 200;

pub(crate) fn list(live: &Live, params: &Params) -> Result<Answer, ApiError> {
    let tenant = &live.tenant;
    let coverage = Coverage::from_params(tenant, params)?;
    let user_key = params.get("userKey").filter(|key| !key.is_empty());
    if coverage.is_none() && user_key.is_none() {
        return Err(ApiError::bad_request());
    }
    let coverage = coverage.unwrap_or(Coverage::Customer);
    let max = params::max_results(params, MAX_PAGE, MAX_PAGE, false)?;
    let by_email = match params.get("orderBy").map(String::as_str) {
        None => false,
        Some("email") => true,
        Some(other) => {
            return Err(ApiError::invalid_parameter(
                "orderBy",
                format!("Invalid value '{other}' for orderBy: only email is allowed"),
            ))
        }
    };
    let descending = params::descending(params)?;
    let query_text = params.get("query").map(String::as_str).unwrap_or("");
    let query = Query::parse(query_text)?.for_groups()?;

    // Membership is looked up by the member's id, so resolve a user's address to it.
    let member_key = user_key.map(|key| match live.index.user(tenant, key) {
        Some(user) => user.id.clone(),
        None => key.to_ascii_lowercase(),
    });
    let binding = Binding::new(
        "groups.list",
        &[
            ("coverage", &coverage.describe()),
            ("userKey", member_key.as_deref().unwrap_or("")),
            ("byEmail", &by_email.to_string()),
            ("descending", &descending.to_string()),
            ("query", query_text),
        ],
    );
    let after = params::resume_after(&binding, params)?;

    let sort_key = |group: &Group| {
        if by_email {
            group.email.to_ascii_lowercase()
        } else {
            group.id.clone()
        }
    };
    let groups = &tenant.groups;
    let sorted = if by_email {
        &live.index.groups_by_email
    } else {
        &live.index.groups_by_id
    };
    let direct_of: Option<&[usize]> = member_key.as_deref().map(|key| live.index.groups_of(key));
    let matching = params::after_key(sorted, after.as_deref(), descending, |at| {
        sort_key(&groups[at])
    })
    .filter(|at| direct_of.is_none_or(|positions| positions.contains(at)))
    .map(|at| &groups[at])
    .filter(|group| coverage.covers(&group.email) && query.matches_group(group))
    .map(|group| (sort_key(group), group));
    let (page, last_key) = take_page(matching, max);

    let items = page.into_iter().map(render::group).collect();
    let next = last_key.map(|key| binding.token(&key));
    Ok(Answer {
        body: render::page("admin#directory#groups", "groups", items, next),
        items_key: Some("groups"),
    })
}

pub(crate) fn get(live: &Live, key: &str) -> Result<Answer, ApiError> {
    let group = live
        .index
        .group(&live.tenant, key)
        .ok_or_else(|| ApiError::not_found("groupKey"))?;
    Ok(Answer {
        body: render::group(group),
        items_key: None,
    })
}
