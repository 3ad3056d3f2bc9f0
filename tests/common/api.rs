//! A GitHub REST API stand-in on 127.0.0.1 (wiremock), for the tests that talk to GitHub.

use wiremock::{Mock, MockServer};

/// A wiremock server with the runtime that drives it.
pub struct Api {
    pub rt: tokio::runtime::Runtime,
    pub server: MockServer,
}

impl Api {
    pub fn start() -> Api {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(MockServer::start());
        Api { rt, server }
    }

    pub fn mount(&self, mock: Mock) {
        self.rt.block_on(mock.mount(&self.server));
    }

    /// The requests received, as `METHOD path?query`.
    pub fn received(&self) -> Vec<String> {
        self.rt
            .block_on(self.server.received_requests())
            .unwrap_or_default()
            .iter()
            .map(|r| {
                let q = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
                format!("{} {}{q}", r.method, r.url.path())
            })
            .collect()
    }
}

/// A user as GitHub's REST API gives one (`simple-user`).
pub fn user(login: &str, id: u64) -> serde_json::Value {
    let path = login.replace('[', "%5B").replace(']', "%5D");
    let api = format!("https://api.github.com/users/{path}");
    let kind = if login.ends_with("[bot]") {
        "Bot"
    } else {
        "User"
    };
    serde_json::json!({
        "login": login,
        "id": id,
        "node_id": format!("U_{id}"),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        "gravatar_id": "",
        "url": api,
        "html_url": format!("https://github.com/{path}"),
        "followers_url": format!("{api}/followers"),
        "following_url": format!("{api}/following{{/other_user}}"),
        "gists_url": format!("{api}/gists{{/gist_id}}"),
        "starred_url": format!("{api}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{api}/subscriptions"),
        "organizations_url": format!("{api}/orgs"),
        "repos_url": format!("{api}/repos"),
        "events_url": format!("{api}/events{{/privacy}}"),
        "received_events_url": format!("{api}/received_events"),
        "type": kind,
        "site_admin": false
    })
}

/// A comment on issue (pull request) 7 of acme/itsm, as GitHub gives one.
pub fn comment(id: u64, body: &str, login: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "node_id": format!("IC_{id}"),
        "url": format!("https://api.github.com/repos/acme/itsm/issues/comments/{id}"),
        "html_url": format!("https://github.com/acme/itsm/pull/7#issuecomment-{id}"),
        "issue_url": "https://api.github.com/repos/acme/itsm/issues/7",
        "body": body,
        "user": user(login, 2000 + id),
        "created_at": "2026-11-20T10:00:00Z",
        "updated_at": "2026-11-20T10:00:00Z",
        "author_association": "MEMBER"
    })
}

/// GitHub's `Link` header for page `page` of `last` of a list at `url`
/// (`per_page=100`).
pub fn link(url: &str, page: u32, last: u32) -> String {
    let at = |n: u32| format!("<{url}?per_page=100&page={n}>");
    let mut rels = Vec::new();
    if page > 1 {
        rels.push(format!("{}; rel=\"prev\"", at(page - 1)));
    }
    if page < last {
        rels.push(format!("{}; rel=\"next\"", at(page + 1)));
        rels.push(format!("{}; rel=\"last\"", at(last)));
    }
    if page > 1 {
        rels.push(format!("{}; rel=\"first\"", at(1)));
    }
    rels.join(", ")
}
