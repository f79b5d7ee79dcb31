//! `users.list` and `users.get`.

use std::borrow::Cow;

use super::errors::ApiError;
use super::params::{self, Coverage};
use super::pipeline::{Answer, Params};
use super::query::Query;
use super::render;
use crate::fields::{Mask, Selection};
use crate::paging::{take_page, Binding};
use crate::state::Live;
use crate::tenant::User;

/// Page size without `maxResults`, and the most the discovery document allows.
const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    Id,
    Email,
    GivenName,
    FamilyName,
}

impl Order {
    fn from_params(params: &Params) -> Result<Order, ApiError> {
        match params.get("orderBy").map(String::as_str) {
            None => Ok(Order::Id),
            Some("email") => Ok(Order::Email),
            Some("givenName") => Ok(Order::GivenName),
            Some("familyName") => Ok(Order::FamilyName),
            Some(other) => Err(ApiError::invalid_parameter(
                "orderBy",
                format!("Invalid value '{other}' for orderBy: use email, givenName or familyName"),
            )),
        }
    }

    /// A key unique per user that sorts as the order wants; page tokens carry it.
    fn key(self, user: &User) -> String {
        match self {
            Order::Id => user.id.clone(),
            Order::Email => user.primary_email.to_ascii_lowercase(),
            Order::GivenName => format!("{}\u{1}{}", user.name.given_name.to_lowercase(), user.id),
            Order::FamilyName => {
                format!("{}\u{1}{}", user.name.family_name.to_lowercase(), user.id)
            }
        }
    }
}

pub(crate) fn list(live: &Live, params: &Params) -> Result<Answer, ApiError> {
    let tenant = &live.tenant;
    let coverage = Coverage::from_params(tenant, params)?.ok_or_else(ApiError::bad_request)?;
    let max = params::max_results(params, DEFAULT_PAGE, MAX_PAGE, true)?;
    let order = Order::from_params(params)?;
    let descending = params::descending(params)?;
    let query_text = params.get("query").map(String::as_str).unwrap_or("");
    let query = Query::parse(query_text)?;
    let show_deleted = params::flag(params, "showDeleted");

    let binding = Binding::new(
        "users.list",
        &[
            ("coverage", &coverage.describe()),
            ("orderBy", &format!("{order:?}")),
            ("descending", &descending.to_string()),
            ("query", query_text),
            ("showDeleted", &show_deleted.to_string()),
        ],
    );
    let after = params::resume_after(&binding, params)?;

    let users = &tenant.users;
    let sorted: Cow<'_, [usize]> = match order {
        Order::Id => Cow::Borrowed(&live.index.users_by_id),
        Order::Email => Cow::Borrowed(&live.index.users_by_email),
        _ => {
            let mut keyed: Vec<(String, usize)> = (0..users.len())
                .map(|at| (order.key(&users[at]), at))
                .collect();
            keyed.sort_unstable();
            Cow::Owned(keyed.into_iter().map(|(_, at)| at).collect())
        }
    };
    // Deleted users are not kept, so a listing of them is always empty.
    let candidates = if show_deleted {
        &sorted[..0]
    } else {
        &sorted[..]
    };

    let key = |at: usize| order.key(&users[at]);
    let matching = params::after_key(candidates, after.as_deref(), descending, key)
        .map(|at| &users[at])
        .filter(|user| coverage.covers(&user.primary_email) && query.matches_user(user))
        .map(|user| (order.key(user), user));
    let (page, last_key) = take_page(matching, max);

    // The mask of one user, when the request asks for a partial response of the users (and
    // not for the page's etag, which hashes every user whole).
    let item_mask = params
        .get("fields")
        .and_then(|text| Mask::parse(text).ok())
        .filter(|mask| !mask.fields.contains_key("etag") && !mask.fields.contains_key("*"))
        .and_then(|mask| match mask.fields.get("users") {
            Some(Selection::Some(inner)) => Some(inner.clone()),
            _ => None,
        });
    let items = page
        .iter()
        .map(|user| render::user_for(tenant, user, item_mask.as_ref()))
        .collect();
    let next = last_key.map(|key| binding.token(&key));
    Ok(Answer {
        body: render::page("admin#directory#users", "users", items, next),
        items_key: Some("users"),
    })
}

pub(crate) fn get(live: &Live, key: &str) -> Result<Answer, ApiError> {
    let tenant = &live.tenant;
    match live.index.user(tenant, key) {
        Some(user) => Ok(Answer {
            body: render::user(tenant, user),
            items_key: None,
        }),
        None if live.index.group(tenant, key).is_some() => {
            Err(ApiError::type_not_supported_user_key())
        }
        None => Err(ApiError::not_found("userKey")),
    }
}
