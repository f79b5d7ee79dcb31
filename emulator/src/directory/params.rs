//! Parameters several listings share: which part of the account to list, page size, order
//! direction, page token.

use super::errors::ApiError;
use super::pipeline::Params;
use crate::paging::Binding;
use crate::tenant::Tenant;

/// What a listing covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Coverage {
    /// The whole account (`customer=my_customer` or the customer id).
    Customer,
    /// One domain of the account (`domain=`), lower-cased.
    Domain(String),
}

impl Coverage {
    /// From `customer` and `domain`; `None` when neither is given (Google then answers 400
    /// Bad Request, unless the listing has another filter such as `userKey`).
    pub fn from_params(tenant: &Tenant, params: &Params) -> Result<Option<Coverage>, ApiError> {
        if let Some(customer) = params.get("customer") {
            let ours = customer == "my_customer" || customer == &tenant.customer_id;
            if !ours {
                return Err(if looks_like_customer_id(customer) {
                    ApiError::forbidden()
                } else {
                    ApiError::invalid_input()
                });
            }
        }
        if let Some(domain) = params.get("domain") {
            let domain = domain.to_ascii_lowercase();
            if !tenant
                .domains
                .iter()
                .any(|d| d.eq_ignore_ascii_case(&domain))
            {
                return Err(ApiError::forbidden());
            }
            return Ok(Some(Coverage::Domain(domain)));
        }
        Ok(params.get("customer").map(|_| Coverage::Customer))
    }

    /// A stable text for page-token binding.
    pub fn describe(&self) -> String {
        match self {
            Coverage::Customer => "customer".to_string(),
            Coverage::Domain(domain) => format!("domain:{domain}"),
        }
    }

    /// Whether an address is covered.
    pub fn covers(&self, address: &str) -> bool {
        match self {
            Coverage::Customer => true,
            Coverage::Domain(domain) => crate::tenant::domain_of(address) == *domain,
        }
    }
}

/// Google's customer ids: `C` followed by lower-case letters and digits.
fn looks_like_customer_id(text: &str) -> bool {
    text.len() >= 7
        && text.starts_with('C')
        && text[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
}

/// `maxResults`: `default` when absent; below 1 refused; above `max` refused when `strict`
/// (the discovery document declares the maximum) and clamped otherwise (Google documents the
/// maximum only in prose and serves at most that many).
pub(crate) fn max_results(
    params: &Params,
    default: usize,
    max: usize,
    strict: bool,
) -> Result<usize, ApiError> {
    let Some(text) = params.get("maxResults") else {
        return Ok(default);
    };
    let out_of_range = || {
        ApiError::invalid_parameter(
            "maxResults",
            format!("Invalid value '{text}'. Values must be within the range: [1, {max}]"),
        )
    };
    let value: i64 = text.trim().parse().map_err(|_| {
        ApiError::invalid_parameter(
            "maxResults",
            format!("Invalid value '{text}' for maxResults: not an integer"),
        )
    })?;
    if value < 1 || (strict && value > max as i64) {
        return Err(out_of_range());
    }
    Ok((value as usize).min(max))
}

/// Whether a boolean parameter is `true`.
pub(crate) fn flag(params: &Params, name: &str) -> bool {
    params
        .get(name)
        .is_some_and(|value| value.eq_ignore_ascii_case("true"))
}

/// `sortOrder=DESCENDING`.
pub(crate) fn descending(params: &Params) -> Result<bool, ApiError> {
    match params.get("sortOrder").map(|s| s.to_ascii_uppercase()) {
        None => Ok(false),
        Some(order) if order == "ASCENDING" => Ok(false),
        Some(order) if order == "DESCENDING" => Ok(true),
        Some(other) => Err(ApiError::invalid_parameter(
            "sortOrder",
            format!("Invalid value '{other}' for sortOrder: use ASCENDING or DESCENDING"),
        )),
    }
}

/// The sort key to resume after, from `pageToken`, checked against the listing's binding.
pub(crate) fn resume_after(binding: &Binding, params: &Params) -> Result<Option<String>, ApiError> {
    match params.get("pageToken").filter(|token| !token.is_empty()) {
        None => Ok(None),
        Some(token) => binding.resume_after(token).map(Some),
    }
}

/// Positions of `sorted` (ordered by `key`) that come after `after` in the listing's direction.
pub(crate) fn after_key<'s>(
    sorted: &'s [usize],
    after: Option<&str>,
    descending: bool,
    key: impl Fn(usize) -> String,
) -> Box<dyn Iterator<Item = usize> + 's> {
    match (after, descending) {
        (None, false) => Box::new(sorted.iter().copied()),
        (None, true) => Box::new(sorted.iter().rev().copied()),
        (Some(after), false) => {
            let start = sorted.partition_point(|&at| key(at).as_str() <= after);
            Box::new(sorted[start..].iter().copied())
        }
        (Some(after), true) => {
            let end = sorted.partition_point(|&at| key(at).as_str() < after);
            Box::new(sorted[..end].iter().rev().copied())
        }
    }
}
