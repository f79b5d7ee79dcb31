//! The Directory API: users, groups and members, read page by page with partial responses.

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::errors::{self, ApiError};
use super::http::{RunControl, Transport};
use super::token::TokenSource;
use crate::error::{Error, ErrorKind, Result};

pub const SCOPE_USERS: &str = "https://www.googleapis.com/auth/admin.directory.user.readonly";
pub const SCOPE_GROUPS: &str = "https://www.googleapis.com/auth/admin.directory.group.readonly";
pub const SCOPE_MEMBERS: &str =
    "https://www.googleapis.com/auth/admin.directory.group.member.readonly";

/// Every scope the connector uses, as the administrator must delegate them.
pub const DIRECTORY_SCOPES: [&str; 3] = [SCOPE_USERS, SCOPE_GROUPS, SCOPE_MEMBERS];

/// The largest pages Google serves.
const USERS_PAGE_SIZE: u32 = 500;
const GROUPS_PAGE_SIZE: u32 = 200;
const MEMBERS_PAGE_SIZE: u32 = 200;

/// Partial-response masks: only the fields the connector uses, and always `nextPageToken`,
/// without which Google silently stops paging.
const USER_FIELDS: &str =
    "id,primaryEmail,name/fullName,aliases,nonEditableAliases,suspended,archived,orgUnitPath";
const GROUP_FIELDS: &str = "id,email,name,directMembersCount";
const MEMBER_FIELDS: &str = "id,email,type,status";

/// A user as the Directory returns it (only the fields asked for).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApiUser {
    pub id: String,
    pub primary_email: String,
    pub name: ApiName,
    pub aliases: Vec<String>,
    pub non_editable_aliases: Vec<String>,
    pub suspended: bool,
    pub archived: bool,
    pub org_unit_path: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApiName {
    pub full_name: String,
}

#[derive(Clone, Debug, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApiGroup {
    pub id: String,
    pub email: String,
    pub name: String,
    #[serde(deserialize_with = "number_or_string")]
    pub direct_members_count: u64,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ApiMember {
    pub id: String,
    pub email: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
}

#[derive(Deserialize)]
struct UsersPage {
    #[serde(default)]
    users: Vec<ApiUser>,
    #[serde(rename = "nextPageToken")]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct GroupsPage {
    #[serde(default)]
    groups: Vec<ApiGroup>,
    #[serde(rename = "nextPageToken")]
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct MembersPage {
    #[serde(default)]
    members: Vec<ApiMember>,
    #[serde(rename = "nextPageToken")]
    next_page_token: Option<String>,
}

trait Page: DeserializeOwned {
    type Item;
    fn split(self) -> (Vec<Self::Item>, Option<String>);
    fn items(&self) -> usize;
    fn next(&self) -> Option<&str>;

    /// A page without items that still points to a next page. Google leaves the items key out
    /// only of an empty answer, and fills every page but the last; such a page is a broken
    /// answer (a cut-off or mangled response), and accepting it would drop its users from the
    /// listing and so delete them. It is retried like any transient failure.
    fn is_hollow(&self) -> bool {
        self.items() == 0 && self.next().is_some_and(|t| !t.is_empty())
    }
}

impl Page for UsersPage {
    type Item = ApiUser;
    fn split(self) -> (Vec<ApiUser>, Option<String>) {
        (self.users, self.next_page_token)
    }
    fn items(&self) -> usize {
        self.users.len()
    }
    fn next(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }
}

impl Page for GroupsPage {
    type Item = ApiGroup;
    fn split(self) -> (Vec<ApiGroup>, Option<String>) {
        (self.groups, self.next_page_token)
    }
    fn items(&self) -> usize {
        self.groups.len()
    }
    fn next(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }
}

impl Page for MembersPage {
    type Item = ApiMember;
    fn split(self) -> (Vec<ApiMember>, Option<String>) {
        (self.members, self.next_page_token)
    }
    fn items(&self) -> usize {
        self.members.len()
    }
    fn next(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }
}

/// Decodes one page of a users listing as the connector reads it: the users, the next page
/// token, and whether the page is hollow (no users but a next page), which the connector
/// refuses. Public for the fuzz targets.
pub fn decode_users_page(body: &[u8]) -> serde_json::Result<(Vec<ApiUser>, Option<String>, bool)> {
    let page: UsersPage = serde_json::from_slice(body)?;
    let hollow = page.is_hollow();
    let (users, next) = page.split();
    Ok((users, next, hollow))
}

/// Which users a listing covers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum UserSource {
    Customer(String),
    Domain(String),
}

impl std::fmt::Display for UserSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UserSource::Customer(c) => write!(f, "users of customer {c}"),
            UserSource::Domain(d) => write!(f, "users of domain {d}"),
        }
    }
}

/// How a listing went: pages read and items seen.
#[derive(Clone, Copy, Debug, Default)]
pub struct ListingStats {
    pub pages: u32,
    pub items: u64,
    /// How long the listing took, first request to last page.
    pub elapsed_ms: u64,
}

/// A client of the Directory API for one configured connector.
pub struct Directory<'a> {
    pub transport: &'a Transport,
    pub tokens: &'a TokenSource,
    pub base_url: &'a url::Url,
    pub max_pages: u32,
}

impl Directory<'_> {
    /// Lists users page by page; `on_page` sees each page's users as soon as it arrives.
    pub fn list_users(
        &self,
        source: &UserSource,
        run: &RunControl,
        on_page: &mut dyn FnMut(Vec<ApiUser>) -> Result<()>,
    ) -> Result<ListingStats> {
        let (key, value) = match source {
            UserSource::Customer(c) => ("customer", c.as_str()),
            UserSource::Domain(d) => ("domain", d.as_str()),
        };
        let params = [
            (key, value),
            ("projection", "basic"),
            ("showDeleted", "false"),
        ];
        let fields = format!("nextPageToken,users({USER_FIELDS})");
        self.paged::<UsersPage>(
            "users",
            &params,
            USERS_PAGE_SIZE,
            &fields,
            &[SCOPE_USERS],
            &source.to_string(),
            run,
            on_page,
        )
    }

    /// Lists the members of a group; with `derived`, the members of nested groups too.
    pub fn list_members(
        &self,
        group_key: &str,
        derived: bool,
        run: &RunControl,
        on_page: &mut dyn FnMut(Vec<ApiMember>) -> Result<()>,
    ) -> Result<ListingStats> {
        let path = format!("groups/{}/members", encode_segment(group_key));
        let derived = if derived { "true" } else { "false" };
        let params = [("includeDerivedMembership", derived)];
        let fields = format!("nextPageToken,members({MEMBER_FIELDS})");
        self.paged::<MembersPage>(
            &path,
            &params,
            MEMBERS_PAGE_SIZE,
            &fields,
            &[SCOPE_MEMBERS],
            &format!("members of group {group_key}"),
            run,
            on_page,
        )
    }

    /// Lists the groups of a customer or domain.
    pub fn list_groups(&self, source: &UserSource, run: &RunControl) -> Result<Vec<ApiGroup>> {
        let (key, value, what) = match source {
            UserSource::Customer(c) => ("customer", c.as_str(), format!("groups of customer {c}")),
            UserSource::Domain(d) => ("domain", d.as_str(), format!("groups of domain {d}")),
        };
        let mut groups = Vec::new();
        let fields = format!("nextPageToken,groups({GROUP_FIELDS})");
        self.paged::<GroupsPage>(
            "groups",
            &[(key, value)],
            GROUPS_PAGE_SIZE,
            &fields,
            &[SCOPE_GROUPS],
            &what,
            run,
            &mut |page| {
                groups.extend(page);
                Ok(())
            },
        )?;
        Ok(groups)
    }

    /// Reads the first user of a listing: proves the admin may list users there.
    pub fn probe_users(&self, source: &UserSource, run: &RunControl) -> Result<()> {
        let (key, value) = match source {
            UserSource::Customer(c) => ("customer", c.as_str()),
            UserSource::Domain(d) => ("domain", d.as_str()),
        };
        let query = [(key, value), ("maxResults", "1"), ("fields", "users(id)")];
        let url = self.url("users", &query)?;
        let _: UsersPage =
            self.get_json(&url, &[SCOPE_USERS], &format!("listing the {source}"), run)?;
        Ok(())
    }

    /// Reads one group by address, alias or id.
    pub fn get_group(&self, group_key: &str, run: &RunControl) -> Result<ApiGroup> {
        let path = format!("groups/{}", encode_segment(group_key));
        let url = self.url(&path, &[("fields", GROUP_FIELDS)])?;
        self.get_json(
            &url,
            &[SCOPE_GROUPS],
            &format!("reading group {group_key}"),
            run,
        )
    }

    /// Whether a user (address or id) is a member of a group, directly or through nested
    /// groups.
    pub fn has_member(&self, group_key: &str, member_key: &str, run: &RunControl) -> Result<bool> {
        #[derive(Deserialize)]
        struct Answer {
            #[serde(rename = "isMember", default)]
            is_member: bool,
        }
        let path = format!(
            "groups/{}/hasMember/{}",
            encode_segment(group_key),
            encode_segment(member_key)
        );
        let url = self.url(&path, &[])?;
        let what = format!("checking whether {member_key} is a member of group {group_key}");
        let answer: Answer = self.get_json(&url, &[SCOPE_MEMBERS], &what, run)?;
        Ok(answer.is_member)
    }

    /// Reads one user by address, alias or id.
    pub fn get_user(&self, user_key: &str, run: &RunControl) -> Result<ApiUser> {
        let path = format!("users/{}", encode_segment(user_key));
        let url = self.url(&path, &[("fields", USER_FIELDS), ("projection", "basic")])?;
        self.get_json(
            &url,
            &[SCOPE_USERS],
            &format!("reading user {user_key}"),
            run,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn paged<P: Page>(
        &self,
        path: &str,
        params: &[(&str, &str)],
        page_size: u32,
        fields: &str,
        scopes: &[&str],
        what: &str,
        run: &RunControl,
        on_page: &mut dyn FnMut(Vec<P::Item>) -> Result<()>,
    ) -> Result<ListingStats> {
        let mut stats = ListingStats::default();
        let started = std::time::Instant::now();
        let mut seen_tokens = HashSet::new();
        let mut page_token: Option<String> = None;
        let max_results = page_size.to_string();
        loop {
            if stats.pages >= self.max_pages {
                return Err(Error::google(format!(
                    "listing the {what} was stopped after {} pages \
                     (`safeguards.max_pages_per_listing`); Google kept returning new page tokens",
                    stats.pages
                )));
            }
            let mut query: Vec<(&str, &str)> = params.to_vec();
            query.push(("maxResults", &max_results));
            query.push(("fields", fields));
            if let Some(token) = &page_token {
                query.push(("pageToken", token));
            }
            let url = self.url(path, &query)?;
            let context = format!("listing the {what}");
            let page: P = self.get_checked(&url, scopes, &context, run, &|p: &P| !p.is_hollow())?;
            let (items, next) = page.split();
            stats.pages += 1;
            stats.items += items.len() as u64;
            on_page(items)?;
            match next {
                Some(token) if !token.is_empty() => {
                    if !seen_tokens.insert(token.clone()) {
                        return Err(Error::google(format!(
                            "listing the {what}: Google returned a page token it had returned \
                             before (after page {}); the listing would never end, so it was \
                             stopped and counts as incomplete",
                            stats.pages
                        )));
                    }
                    page_token = Some(token);
                }
                _ => {
                    stats.elapsed_ms = started.elapsed().as_millis() as u64;
                    return Ok(stats);
                }
            }
        }
    }

    /// GET with a token, retried on transient failures, one token refresh on a 401, parsed
    /// into `T` (a body that does not parse, such as a cut-off page, is retried too).
    fn get_json<T: DeserializeOwned>(
        &self,
        url: &url::Url,
        scopes: &[&str],
        what: &str,
        run: &RunControl,
    ) -> Result<T> {
        self.get_checked(url, scopes, what, run, &|_: &T| true)
    }

    /// `get_json` that also retries an answer `sound` rejects.
    fn get_checked<T: DeserializeOwned>(
        &self,
        url: &url::Url,
        scopes: &[&str],
        what: &str,
        run: &RunControl,
        sound: &dyn Fn(&T) -> bool,
    ) -> Result<T> {
        let transport = self.transport;
        let mut attempt = 0;
        let mut refreshed = false;
        loop {
            let token = self.tokens.token(scopes, transport, run)?;
            let (retry_after, failure) = match transport.get(url, token.secret(), run) {
                Ok(answer) if answer.status == 200 => match serde_json::from_slice(&answer.body) {
                    Ok(parsed) if sound(&parsed) => return Ok(parsed),
                    Ok(_) => (
                        None,
                        Error::google(format!(
                            "{what}: Google answered a page with no items that points to a \
                             next page; such an answer is broken and was not accepted"
                        )),
                    ),
                    Err(e) => (
                        None,
                        Error::google(format!(
                            "{what}: Google's answer was not complete JSON ({e}); it may have \
                             been cut off in transit"
                        )),
                    ),
                },
                Ok(answer) if answer.status == 401 && !refreshed => {
                    log::info!("{what}: access token refused (401), fetching a new one");
                    self.tokens.invalidate(&token);
                    refreshed = true;
                    continue;
                }
                Ok(answer) => {
                    let api_error = ApiError::parse(answer.status, &answer.body);
                    let error = errors::api_error(&api_error, what, self.tokens.identity());
                    if !errors::is_retryable(api_error.code, api_error.reason()) {
                        return Err(error);
                    }
                    if matches!(answer.status, 403 | 429) {
                        transport
                            .counters
                            .quota_errors
                            .fetch_add(1, Ordering::Relaxed);
                    }
                    (answer.retry_after, error)
                }
                Err(e) if e.kind() == ErrorKind::Network => (None, e.context(what)),
                Err(e) => return Err(e),
            };
            if attempt >= transport.backoff.max_retries {
                return Err(failure.context(format!("gave up after {} retries", attempt)));
            }
            let delay = transport.backoff.delay(attempt, retry_after);
            // Google's own words, not the advice for when retries run out.
            log::warn!(
                "{what}: {}; retry {} in {} ms",
                failure.google_said().unwrap_or(failure.message()),
                attempt + 1,
                delay.as_millis()
            );
            transport.counters.retries.fetch_add(1, Ordering::Relaxed);
            run.sleep(delay)?;
            attempt += 1;
        }
    }

    fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<url::Url> {
        let mut url = self
            .base_url
            .join(path)
            .map_err(|e| Error::config(format!("cannot build a Directory URL for {path}: {e}")))?;
        url.query_pairs_mut().extend_pairs(query);
        Ok(url)
    }
}

/// Percent-encodes a group or user key for use as one path segment.
fn encode_segment(key: &str) -> String {
    url::form_urlencoded::byte_serialize(key.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn number_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Number(u64),
        Text(String),
    }
    Ok(match Either::deserialize(d)? {
        Either::Number(n) => n,
        Either::Text(s) => s.parse().unwrap_or(0),
    })
}
