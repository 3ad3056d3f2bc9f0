//! GitHub at the edge: the pull request, all pages of its reviews, the sticky
//! comment, through octocrab's typed API. Under it, octocrab's service stack
//! (base URI, token, user agent) with our [`retry`] layer, so that every call
//! is retried the same bounded way. Answers come back as this module's own
//! types; errors never carry the token.

pub mod event;
mod retry;

pub use retry::{ATTEMPTS, Failure};

use http::Uri;
use octocrab::models::issues::Comment;
use octocrab::{Octocrab, Page};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The API of github.com, when `GITHUB_API_URL` is not set.
pub const DEFAULT_API_URL: &str = "https://api.github.com";
/// The web address of github.com, when `GITHUB_SERVER_URL` is not set.
pub const DEFAULT_SERVER_URL: &str = "https://github.com";

/// The web address of GitHub that links go to: `GITHUB_SERVER_URL` (GitHub
/// Actions sets it; GitHub Enterprise: `https://HOST`), else
/// [`DEFAULT_SERVER_URL`]. Only a bare `http(s)://host[:port]` is taken, so a
/// link built on it stays a link to that host; anything else is an error
/// naming the value.
pub fn server_url_from_env() -> Result<String, String> {
    match std::env::var("GITHUB_SERVER_URL") {
        Ok(v) if !v.trim().is_empty() => server_url(v.trim()).ok_or(v),
        _ => Ok(DEFAULT_SERVER_URL.to_string()),
    }
}

/// `text` as a web address of GitHub, without a trailing `/`, when it is a
/// bare `http(s)://host[:port]`.
fn server_url(text: &str) -> Option<String> {
    let uri: Uri = text.parse().ok()?;
    let scheme = uri.scheme_str()?;
    let host = uri.host()?;
    let bare = matches!(uri.path(), "" | "/") && uri.query().is_none();
    let plain_host = host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    let no_user = !uri.authority()?.as_str().contains('@');
    ((scheme == "https" || scheme == "http") && bare && plain_host && no_user)
        .then(|| text.trim_end_matches('/').to_string())
}

/// GitHub's largest page.
const PER_PAGE: u8 = 100;
/// Pages read at most (10,000 items), so that a broken server cannot loop us.
const MAX_PAGES: usize = 100;
/// The longest wait between two tries unless `ITSM_GITHUB_MAX_WAIT` says.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// How to reach GitHub: the API (GitHub Enterprise: `https://HOST/api/v3`),
/// the token, and the longest wait between two tries of a request.
#[derive(Clone)]
pub struct Access {
    pub api_url: String,
    token: String,
    pub max_wait: Duration,
}

/// The fields of a pull request the gate reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullRequest {
    pub number: u64,
    pub author: String,
    pub head_sha: String,
    pub base_sha: String,
}

/// A review of a pull request, as the gate reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    /// `None` for a deleted account.
    pub login: Option<String>,
    pub state: ReviewState,
    pub commit_id: Option<String>,
    pub submitted_at: Option<jiff::Timestamp>,
}

/// A review's state, as GitHub names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewState {
    Approved,
    ChangesRequested,
    Dismissed,
    Commented,
    Pending,
    /// A state this version does not know.
    Other,
}

/// What [`Client::upsert_comment`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentAction {
    Created(u64),
    Updated(u64),
}

/// Why GitHub could not be asked, or its answer not read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("`{0}` is not a GitHub repository: write owner/repo")]
    Repository(String),
    #[error("GITHUB_API_URL `{0}` is not a URL")]
    ApiUrl(String),
    #[error("GITHUB_TOKEN cannot be sent in an HTTP header (it holds a control character)")]
    Token,
    #[error("cannot start the HTTP runtime")]
    Runtime(#[source] std::io::Error),
    #[error("cannot set up the GitHub client")]
    Setup(#[source] std::io::Error),
    #[error(transparent)]
    Request(#[from] Failure),
    #[error("GitHub's answer for {what} is not {expected}")]
    Answer {
        what: String,
        expected: &'static str,
        #[source]
        cause: Cause,
    },
    #[error("{what} has more than {MAX_PAGES} pages")]
    TooManyPages { what: String },
    #[error("GitHub's link to the next page of {what} leaves {base}")]
    ForeignLink { what: String, base: String },
    #[error("GitHub's answer for pull request #{0} names no author")]
    NoAuthor(u64),
}

/// The text of an error from below (octocrab, serde), the token masked.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Cause(String);

/// A GitHub client bound to one repository, with its own single-threaded runtime
/// (the rest of `itsm` is synchronous).
pub struct Client {
    octo: Octocrab,
    runtime: tokio::runtime::Runtime,
    owner: String,
    name: String,
    base: Uri,
    token: Arc<str>,
}

impl Access {
    /// `token` at `api_url`, waiting at most a minute between tries.
    pub fn new(api_url: &str, token: &str) -> Access {
        Access {
            api_url: api_url.to_string(),
            token: token.trim().to_string(),
            max_wait: MAX_WAIT,
        }
    }

    /// From `GITHUB_TOKEN`, `GITHUB_API_URL` (default [`DEFAULT_API_URL`]) and
    /// `ITSM_GITHUB_MAX_WAIT` (seconds); `None` when `GITHUB_TOKEN` is unset or blank.
    pub fn from_env() -> Option<Access> {
        let token = std::env::var("GITHUB_TOKEN").ok()?;
        if token.trim().is_empty() {
            return None;
        }
        let api = std::env::var("GITHUB_API_URL")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_API_URL.to_string());
        let mut access = Access::new(&api, &token);
        if let Some(wait) = std::env::var("ITSM_GITHUB_MAX_WAIT")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
        {
            access.max_wait = Duration::from_secs_f64(wait);
        }
        Some(access)
    }
}

impl fmt::Debug for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Access")
            .field("api_url", &self.api_url)
            .field("token", &"***")
            .field("max_wait", &self.max_wait)
            .finish()
    }
}

impl Client {
    /// A client for `owner/repo`.
    pub fn new(access: &Access, repo: &str) -> Result<Client, Error> {
        let (owner, name) = split_repo(repo).ok_or_else(|| Error::Repository(repo.into()))?;
        let base = base_uri(&access.api_url)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        let token: Arc<str> = access.token.as_str().into();
        let octo = {
            // octocrab starts its request queue on the current runtime.
            let _guard = runtime.enter();
            stack::octocrab(&base, &token, access.max_wait)?
        };
        Ok(Client {
            octo,
            runtime,
            owner: owner.to_string(),
            name: name.to_string(),
            base,
            token,
        })
    }

    /// The pull request: author, head and base.
    pub fn pull_request(&self, number: u64) -> Result<PullRequest, Error> {
        let pulls = self.octo.pulls(&self.owner, &self.name);
        let pr = self
            .runtime
            .block_on(pulls.get(number))
            .map_err(|e| self.failed(e, &format!("pull request #{number}"), "a pull request"))?;
        let author = pr.user.map(|u| u.login).ok_or(Error::NoAuthor(number))?;
        Ok(PullRequest {
            number: pr.number,
            author,
            head_sha: pr.head.sha,
            base_sha: pr.base.sha,
        })
    }

    /// Every review of the pull request, all pages.
    pub fn reviews(&self, number: u64) -> Result<Vec<Review>, Error> {
        let what = format!("/repos/{}/{}/pulls/{number}/reviews", self.owner, self.name);
        let pulls = self.octo.pulls(&self.owner, &self.name);
        let first = pulls
            .list_reviews(number)
            .per_page(PER_PAGE)
            .page(1u32)
            .send();
        let reviews = self.all_pages(&what, first)?;
        Ok(reviews.into_iter().map(Review::from).collect())
    }

    /// Creates the comment holding `marker`, or updates the one that does, so
    /// that the pull request has exactly one.
    pub fn upsert_comment(
        &self,
        number: u64,
        marker: &str,
        body: &str,
    ) -> Result<CommentAction, Error> {
        let issues = self.octo.issues(&self.owner, &self.name);
        let what = format!(
            "/repos/{}/{}/issues/{number}/comments",
            self.owner, self.name
        );
        let first = issues
            .list_comments(number)
            .per_page(PER_PAGE)
            .page(1u32)
            .send();
        let comments: Vec<Comment> = self.all_pages(&what, first)?;
        let ours = comments
            .iter()
            .find(|c| c.body.as_deref().is_some_and(|b| b.contains(marker)));
        let action = match ours {
            // octocrab's `update_comment` POSTs; GitHub documents PATCH.
            Some(c) => {
                let route = format!(
                    "/repos/{}/{}/issues/comments/{}",
                    self.owner, self.name, c.id
                );
                let payload = serde_json::json!({ "body": body });
                let patch = self.octo.patch::<Comment, _, _>(route, Some(&payload));
                let what = format!("comment {}", c.id);
                let updated = self.runtime.block_on(patch);
                CommentAction::Updated(self.comment_id(updated, &what)?)
            }
            None => {
                let created = self.runtime.block_on(issues.create_comment(number, body));
                CommentAction::Created(self.comment_id(created, "the new comment")?)
            }
        };
        Ok(action)
    }

    fn comment_id(&self, answer: octocrab::Result<Comment>, what: &str) -> Result<u64, Error> {
        answer
            .map(|c| c.id.into_inner())
            .map_err(|e| self.failed(e, what, "a comment"))
    }

    /// Follows the pages from `first` (octocrab reads GitHub's `Link` header),
    /// at most [`MAX_PAGES`], never off the API's origin.
    fn all_pages<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        first: impl Future<Output = octocrab::Result<Page<T>>>,
    ) -> Result<Vec<T>, Error> {
        self.runtime.block_on(async {
            let list = "the expected list";
            let mut page = first
                .await
                .map_err(|e| self.failed(e, &format!("{what} (page 1)"), list))?;
            let mut items = page.take_items();
            for n in 2..=MAX_PAGES + 1 {
                let Some(next) = page.next.take() else {
                    return Ok(items);
                };
                if n > MAX_PAGES {
                    break;
                }
                self.same_origin(&next, what)?;
                let answer = self.octo.get_page::<T>(&Some(next)).await;
                page = match answer {
                    Ok(Some(page)) => page,
                    Ok(None) => return Ok(items),
                    Err(e) => return Err(self.failed(e, &format!("{what} (page {n})"), list)),
                };
                items.append(&mut page.take_items());
            }
            Err(Error::TooManyPages { what: what.into() })
        })
    }

    /// A next-page link must stay on the API's scheme and host: the token
    /// goes with it.
    fn same_origin(&self, link: &Uri, what: &str) -> Result<(), Error> {
        let same = link.authority().is_none()
            || (link.scheme() == self.base.scheme() && link.authority() == self.base.authority());
        if same {
            Ok(())
        } else {
            Err(Error::ForeignLink {
                what: what.into(),
                base: self.base.to_string(),
            })
        }
    }

    /// The error of a typed call: the retry layer's, or a `what` that is not
    /// the `expected` answer.
    fn failed(&self, error: octocrab::Error, what: &str, expected: &'static str) -> Error {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(e) = cause {
            if let Some(failure) = e.downcast_ref::<Failure>() {
                return Error::Request(failure.clone());
            }
            cause = e.source();
        }
        Error::Answer {
            what: what.to_string(),
            expected,
            cause: Cause(scrub(&chain(&error), &self.token)),
        }
    }
}

impl From<octocrab::models::pulls::Review> for Review {
    fn from(r: octocrab::models::pulls::Review) -> Review {
        use octocrab::models::pulls::ReviewState as S;
        let state = match r.state {
            Some(S::Approved) => ReviewState::Approved,
            Some(S::ChangesRequested) => ReviewState::ChangesRequested,
            Some(S::Dismissed) => ReviewState::Dismissed,
            Some(S::Commented) => ReviewState::Commented,
            Some(S::Pending) => ReviewState::Pending,
            _ => ReviewState::Other,
        };
        let submitted_at = r.submitted_at.and_then(|t| {
            jiff::Timestamp::new(t.timestamp(), t.timestamp_subsec_nanos() as i32).ok()
        });
        Review {
            login: r.user.map(|u| u.login),
            state,
            commit_id: r.commit_id,
            submitted_at,
        }
    }
}

/// `owner/repo` as its two parts, each of the characters GitHub allows.
fn split_repo(repo: &str) -> Option<(&str, &str)> {
    let (owner, name) = repo.split_once('/')?;
    let part = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    (part(owner) && part(name)).then_some((owner, name))
}

/// The API's URI, which must be absolute (`https://HOST[/PATH]`).
fn base_uri(api_url: &str) -> Result<Uri, Error> {
    let bad = || Error::ApiUrl(api_url.to_string());
    let uri: Uri = api_url.trim_end_matches('/').parse().map_err(|_| bad())?;
    match (uri.scheme_str(), uri.authority()) {
        (Some("http" | "https"), Some(_)) => Ok(uri),
        _ => Err(bad()),
    }
}

/// An error and its causes, `: `-separated.
pub(crate) use crate::diag::error_chain as chain;

/// `text` with every occurrence of `secret` masked.
pub fn scrub(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        text.to_string()
    } else {
        text.replace(secret, "***")
    }
}

mod stack {
    //! octocrab over our HTTP stack: hyper with rustls (ring, the system's
    //! roots) and timeouts, our retry layer, then octocrab's layers for the
    //! user agent, the base URI and the token.

    use super::Error;
    use super::retry::RetryLayer;
    use http::header::{HeaderValue, USER_AGENT};
    use octocrab::service::middleware::auth_header::AuthHeaderLayer;
    use octocrab::service::middleware::base_uri::BaseUriLayer;
    use octocrab::service::middleware::extra_headers::ExtraHeadersLayer;
    use octocrab::{AuthState, Octocrab, OctocrabBuilder};
    use std::sync::Arc;
    use std::time::Duration;

    pub(super) fn octocrab(
        base: &http::Uri,
        token: &Arc<str>,
        max_wait: Duration,
    ) -> Result<Octocrab, Error> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::ring::default_provider())
            .map_err(Error::Setup)?
            .https_or_http()
            .enable_http1()
            .build();
        let mut connector = hyper_timeout::TimeoutConnector::new(https);
        connector.set_connect_timeout(Some(Duration::from_secs(20)));
        connector.set_read_timeout(Some(Duration::from_secs(60)));
        let client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(connector);
        let mut auth =
            HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| Error::Token)?;
        auth.set_sensitive(true);
        let agent = HeaderValue::from_static(concat!("itsm/", env!("CARGO_PKG_VERSION")));
        let built = OctocrabBuilder::new_empty()
            .with_service(client)
            .with_layer(&ExtraHeadersLayer::new(Arc::new(vec![(USER_AGENT, agent)])))
            .with_layer(&BaseUriLayer::new(base.clone()))
            .with_layer(&RetryLayer {
                max_wait,
                token: token.clone(),
            })
            // The token goes only to the API's host (relative requests included).
            .with_layer(&AuthHeaderLayer::new(
                Some(auth),
                base.clone(),
                base.clone(),
            ))
            .with_auth(AuthState::None)
            .build();
        match built {
            Ok(octo) => Ok(octo),
            Err(never) => match never {},
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_masks_the_secret() {
        assert_eq!(scrub("a tok123 b tok123", "tok123"), "a *** b ***");
        assert_eq!(scrub("abc", ""), "abc");
    }

    #[test]
    fn repositories_and_api_urls_are_checked() {
        assert_eq!(split_repo("acme/itsm"), Some(("acme", "itsm")));
        assert_eq!(split_repo("acme/it.sm-2_x"), Some(("acme", "it.sm-2_x")));
        for bad in [
            "acme",
            "acme/",
            "/itsm",
            "a/b/c",
            "acme/its m",
            "acme/itsm?x=1",
        ] {
            assert_eq!(split_repo(bad), None, "{bad}");
        }
        assert!(base_uri("https://ghe.example.com/api/v3/").is_ok());
        for bad in ["ghe.example.com", "localhost:8080", "ftp://x", "not a url"] {
            assert!(matches!(base_uri(bad), Err(Error::ApiUrl(_))), "{bad}");
        }
    }

    #[test]
    fn only_a_bare_web_address_is_a_server_url() {
        assert_eq!(
            server_url("https://github.example.com/").as_deref(),
            Some("https://github.example.com")
        );
        assert_eq!(
            server_url("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        for bad in [
            "javascript:alert(1)",
            "github.example.com",
            "https://github.example.com/path",
            "https://github.example.com/?q=1",
            "https://user@github.example.com",
            "ftp://github.example.com",
            "https://gh\"x.example.com",
            "not a url",
        ] {
            assert_eq!(server_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_token_is_not_in_debug_output() {
        let access = Access::new(DEFAULT_API_URL, "ghp_secret");
        assert!(!format!("{access:?}").contains("ghp_secret"));
    }
}
