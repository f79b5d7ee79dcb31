//! The Admin SDK Directory API under `/admin/directory/v1/`: users, groups and members, read
//! only, with Google's paging, partial responses and errors.

pub(crate) mod errors;
mod groups;
mod members;
mod params;
mod pipeline;
mod query;
mod render;
mod users;

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::faults::Endpoint;
use crate::fields::schema;
use crate::scopes;
use crate::state::Shared;
use pipeline::{serve, Method, Params};

static USERS_LIST: Method = Method {
    endpoint: Endpoint::UsersList,
    name: "users.list",
    rpc: "ccc.hosted.frontend.directory.v1.DirectoryUsers.List",
    scopes: scopes::USERS,
    schema: schema::USERS,
    key_name: "domain",
};

static USERS_GET: Method = Method {
    endpoint: Endpoint::UsersGet,
    name: "users.get",
    rpc: "ccc.hosted.frontend.directory.v1.DirectoryUsers.Get",
    scopes: scopes::USERS,
    schema: schema::USER,
    key_name: "userKey",
};

static GROUPS_LIST: Method = Method {
    endpoint: Endpoint::GroupsList,
    name: "groups.list",
    rpc: "ccc.hosted.frontend.directory.v1.DirectoryGroups.List",
    scopes: scopes::GROUPS,
    schema: schema::GROUPS,
    key_name: "domain",
};

static GROUPS_GET: Method = Method {
    endpoint: Endpoint::GroupsGet,
    name: "groups.get",
    rpc: "ccc.hosted.frontend.directory.v1.DirectoryGroups.Get",
    scopes: scopes::GROUPS,
    schema: schema::GROUP,
    key_name: "groupKey",
};

static MEMBERS_LIST: Method = Method {
    endpoint: Endpoint::MembersList,
    name: "members.list",
    rpc: "ccc.hosted.frontend.directory.v1.DirectoryMembers.List",
    scopes: scopes::MEMBERS,
    schema: schema::MEMBERS,
    key_name: "groupKey",
};

static MEMBERS_HAS_MEMBER: Method = Method {
    endpoint: Endpoint::MembersHasMember,
    name: "members.hasMember",
    rpc: "ccc.hosted.frontend.directory.v1.DirectoryMembers.HasMember",
    scopes: scopes::MEMBERS,
    schema: schema::MEMBERS_HAS_MEMBER,
    key_name: "memberKey",
};

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/admin/directory/v1/users", get(users_list))
        .route("/admin/directory/v1/users/{user_key}", get(users_get))
        .route("/admin/directory/v1/groups", get(groups_list))
        .route("/admin/directory/v1/groups/{group_key}", get(groups_get))
        .route(
            "/admin/directory/v1/groups/{group_key}/members",
            get(members_list),
        )
        .route(
            "/admin/directory/v1/groups/{group_key}/hasMember/{member_key}",
            get(members_has_member),
        )
}

type QueryParams = Query<Vec<(String, String)>>;

fn last_wins(Query(pairs): QueryParams) -> Params {
    pairs.into_iter().collect()
}

async fn users_list(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    query: QueryParams,
) -> Response {
    serve(shared, &USERS_LIST, headers, last_wins(query), users::list).await
}

async fn users_get(
    State(shared): State<Arc<Shared>>,
    Path(user_key): Path<String>,
    headers: HeaderMap,
    query: QueryParams,
) -> Response {
    serve(
        shared,
        &USERS_GET,
        headers,
        last_wins(query),
        move |live, _| users::get(live, &user_key),
    )
    .await
}

async fn groups_list(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    query: QueryParams,
) -> Response {
    serve(
        shared,
        &GROUPS_LIST,
        headers,
        last_wins(query),
        groups::list,
    )
    .await
}

async fn groups_get(
    State(shared): State<Arc<Shared>>,
    Path(group_key): Path<String>,
    headers: HeaderMap,
    query: QueryParams,
) -> Response {
    serve(
        shared,
        &GROUPS_GET,
        headers,
        last_wins(query),
        move |live, _| groups::get(live, &group_key),
    )
    .await
}

async fn members_list(
    State(shared): State<Arc<Shared>>,
    Path(group_key): Path<String>,
    headers: HeaderMap,
    query: QueryParams,
) -> Response {
    serve(
        shared,
        &MEMBERS_LIST,
        headers,
        last_wins(query),
        move |live, params| members::list(live, &group_key, params),
    )
    .await
}

async fn members_has_member(
    State(shared): State<Arc<Shared>>,
    Path((group_key, member_key)): Path<(String, String)>,
    headers: HeaderMap,
    query: QueryParams,
) -> Response {
    serve(
        shared,
        &MEMBERS_HAS_MEMBER,
        headers,
        last_wins(query),
        move |live, _| members::has_member(live, &group_key, &member_key),
    )
    .await
}
