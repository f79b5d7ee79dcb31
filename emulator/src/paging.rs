//! Page tokens: opaque to clients, keyset-based inside (they carry the sort key of the last
//! item sent, so they stay valid when users come and go between pages), and bound to the
//! listing they came from (used with other parameters they are refused, as Google does).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::directory::errors::ApiError;
use crate::ids;

/// What a listing's page tokens are bound to: the method and the parameters that decide which
/// items it lists and in what order (not `maxResults` or `fields`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Binding(String);

impl Binding {
    pub fn new(method: &str, parameters: &[(&str, &str)]) -> Binding {
        let mut parts = vec![method.to_string()];
        parts.extend(
            parameters
                .iter()
                .map(|(name, value)| format!("{name}={value}")),
        );
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        Binding(format!("{:016x}", ids::stable_hash(&parts)))
    }

    /// The token for the page after the item whose sort key is `last_key`.
    pub fn token(&self, last_key: &str) -> String {
        URL_SAFE_NO_PAD.encode(format!("v1\n{}\n{last_key}", self.0))
    }

    /// The sort key a token carries, if the token belongs to this listing.
    pub fn resume_after(&self, token: &str) -> Result<String, ApiError> {
        let text = URL_SAFE_NO_PAD
            .decode(token.trim_end_matches('='))
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(ApiError::invalid_input)?;
        let mut parts = text.splitn(3, '\n');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("v1"), Some(binding), Some(last_key)) if binding == self.0 => {
                Ok(last_key.to_string())
            }
            _ => Err(ApiError::invalid_input()),
        }
    }
}

/// One page cut from items in sort order: at most `max` of them, and the key to resume after
/// when more follow.
pub(crate) fn take_page<T>(
    mut items: impl Iterator<Item = (String, T)>,
    max: usize,
) -> (Vec<T>, Option<String>) {
    let mut page = Vec::with_capacity(max.min(512));
    let mut last_key = None;
    for (key, item) in items.by_ref() {
        if page.len() == max {
            return (page, last_key);
        }
        page.push(item);
        last_key = Some(key);
    }
    (page, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_round_trips_within_its_listing() {
        let binding = Binding::new("users.list", &[("customer", "C01")]);
        let token = binding.token("12345");
        assert_eq!(binding.resume_after(&token).unwrap(), "12345");
    }

    #[test]
    fn token_is_refused_by_another_listing() {
        let token = Binding::new("users.list", &[("customer", "C01")]).token("1");
        let other = Binding::new("users.list", &[("domain", "example.org")]);
        assert_eq!(other.resume_after(&token).unwrap_err().code, 400);
        assert!(other.resume_after("not a token").is_err());
    }

    #[test]
    fn page_knows_whether_more_follow() {
        let items = || (1..=5).map(|n| (n.to_string(), n));
        assert_eq!(take_page(items(), 2), (vec![1, 2], Some("2".to_string())));
        assert_eq!(take_page(items(), 5), (vec![1, 2, 3, 4, 5], None));
        assert_eq!(take_page(items(), 9), (vec![1, 2, 3, 4, 5], None));
    }
}
