//! GitHub at the edge: the pull request, all pages of its reviews, the sticky
//! comment. Requests go through octocrab's raw methods with our own retry loop:
//! up to [`ATTEMPTS`] tries with exponential backoff on 5xx, 429 and secondary
//! rate limits (honouring `Retry-After` and `x-ratelimit-reset`, each wait capped
//! by `ITSM_GITHUB_MAX_WAIT` seconds, default 60). Errors never carry the token.

use crate::approvals::review::Review;
use anyhow::{Context, Result, anyhow, bail};
use octocrab::Octocrab;
use serde::Deserialize;
use std::time::Duration;

/// Tries per request before giving up.
pub const ATTEMPTS: u32 = 4;
/// GitHub's largest page.
const PER_PAGE: usize = 100;
/// Pages read at most (10,000 items), so that a broken server cannot loop us.
const MAX_PAGES: usize = 100;
/// The API of github.com, when `GITHUB_API_URL` is not set.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// A GitHub client bound to one repository, with its own single-threaded runtime.
pub struct Client {
    octo: Octocrab,
    runtime: tokio::runtime::Runtime,
    repo: String,
    token: String,
    max_wait: Duration,
}

/// The fields of a pull request the gate reads.
#[derive(Clone, Debug, Deserialize)]
pub struct PullRequest {
    pub number: u64,
    pub user: Login,
    pub head: Commit,
    pub base: Commit,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Login {
    pub login: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Commit {
    pub sha: String,
    #[serde(rename = "ref", default)]
    pub git_ref: String,
}

/// What `upsert_comment` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentAction {
    Created(u64),
    Updated(u64),
}

#[derive(Deserialize)]
struct IssueComment {
    id: u64,
    #[serde(default)]
    body: Option<String>,
}

impl Client {
    /// A client for `owner/repo` at `api_url` (GitHub Enterprise: `https://HOST/api/v3`).
    pub fn new(api_url: &str, token: &str, repo: &str) -> Result<Client> {
        if !repo
            .split_once('/')
            .is_some_and(|(o, r)| !o.is_empty() && !r.is_empty() && !r.contains('/'))
        {
            bail!("`{repo}` is not a GitHub repository: write owner/repo");
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the HTTP runtime")?;
        let octo = {
            let _guard = runtime.enter();
            Octocrab::builder()
                .base_uri(api_url.trim_end_matches('/'))
                .map_err(|_| anyhow!("GITHUB_API_URL `{api_url}` is not a URL"))?
                .personal_token(token.to_string())
                .set_connect_timeout(Some(Duration::from_secs(20)))
                .set_read_timeout(Some(Duration::from_secs(60)))
                .build()
                .map_err(|e| anyhow!("cannot set up the GitHub client: {e}"))?
        };
        let max_wait = std::env::var("ITSM_GITHUB_MAX_WAIT")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map_or(Duration::from_secs(60), Duration::from_secs_f64);
        Ok(Client {
            octo,
            runtime,
            repo: repo.to_string(),
            token: token.to_string(),
            max_wait,
        })
    }

    /// The pull request: author, head and base.
    pub fn pull_request(&self, number: u64) -> Result<PullRequest> {
        let path = format!("/repos/{}/pulls/{number}", self.repo);
        let body = self.request(Method::Get, &path, None)?;
        serde_json::from_str(&body).with_context(|| {
            format!("GitHub's answer for pull request #{number} is not a pull request")
        })
    }

    /// Every review of the pull request, all pages.
    pub fn reviews(&self, number: u64) -> Result<Vec<Review>> {
        let path = format!("/repos/{}/pulls/{number}/reviews", self.repo);
        self.all_pages(&path)
    }

    /// Creates the comment holding `marker`, or updates the one that does, so
    /// that the pull request has exactly one.
    pub fn upsert_comment(&self, number: u64, marker: &str, body: &str) -> Result<CommentAction> {
        let path = format!("/repos/{}/issues/{number}/comments", self.repo);
        let comments: Vec<IssueComment> = self.all_pages(&path)?;
        let payload = serde_json::json!({ "body": body });
        match comments
            .iter()
            .find(|c| c.body.as_deref().is_some_and(|b| b.contains(marker)))
        {
            Some(c) => {
                let path = format!("/repos/{}/issues/comments/{}", self.repo, c.id);
                self.request(Method::Patch, &path, Some(&payload))?;
                Ok(CommentAction::Updated(c.id))
            }
            None => {
                let answer = self.request(Method::Post, &path, Some(&payload))?;
                let created: IssueComment = serde_json::from_str(&answer)
                    .context("GitHub's answer to the new comment is not a comment")?;
                Ok(CommentAction::Created(created.id))
            }
        }
    }

    /// Reads a list endpoint page by page (`per_page=100`) until a short page.
    fn all_pages<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<Vec<T>> {
        let mut out = Vec::new();
        for page in 1..=MAX_PAGES {
            let url = format!("{path}?per_page={PER_PAGE}&page={page}");
            let body = self.request(Method::Get, &url, None)?;
            let items: Vec<T> = serde_json::from_str(&body).with_context(|| {
                format!("GitHub's answer for {path} (page {page}) is not the expected list")
            })?;
            let n = items.len();
            out.extend(items);
            if n < PER_PAGE {
                return Ok(out);
            }
        }
        bail!("{path} has more than {} pages", MAX_PAGES)
    }

    /// One request with retries; the body of a 2xx answer.
    fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<String> {
        let result = self.runtime.block_on(self.send(method, path, body));
        // Defence in depth: no message may carry the token, whatever produced it.
        result.map_err(|e| anyhow!("{}", scrub(&format!("{e:#}"), &self.token)))
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<String> {
        let what = format!("{} {path}", method.as_str());
        let mut last = String::new();
        for attempt in 1..=ATTEMPTS {
            let response = match method {
                Method::Get => self.octo._get(path).await,
                Method::Post => self.octo._post(path, body).await,
                Method::Patch => self.octo._patch(path, body).await,
            };
            let wait = match response {
                Err(e) => {
                    last = format!("GitHub could not be reached ({what}): {e}");
                    backoff(attempt)
                }
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let text = self
                        .octo
                        .body_to_string(response)
                        .await
                        .map_err(|e| anyhow!("cannot read GitHub's answer to {what}: {e}"))?;
                    if status.is_success() {
                        return Ok(text);
                    }
                    let message = github_message(&text);
                    last = format!("GitHub answered {status} to {what}: {message}");
                    match retry_wait(status.as_u16(), &headers, &message, attempt) {
                        Some(wait) => wait,
                        None => bail!("{last}{}", hint(status.as_u16())),
                    }
                }
            };
            if attempt < ATTEMPTS {
                tokio::time::sleep(wait.min(self.max_wait)).await;
            }
        }
        bail!("{last} (gave up after {ATTEMPTS} attempts)")
    }
}

#[derive(Clone, Copy, Debug)]
enum Method {
    Get,
    Post,
    Patch,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
        }
    }
}

/// How long to wait before trying again, or `None` when retrying cannot help.
fn retry_wait(
    status: u16,
    headers: &http::HeaderMap,
    message: &str,
    attempt: u32,
) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let secondary = message.to_ascii_lowercase().contains("rate limit")
        || header("retry-after").is_some()
        || header("x-ratelimit-remaining") == Some("0");
    if !(status >= 500 || status == 429 || (status == 403 && secondary)) {
        return None;
    }
    if let Some(secs) = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok()) {
        return Some(Duration::from_secs(secs));
    }
    if let Some(reset) = header("x-ratelimit-reset").and_then(|v| v.trim().parse::<i64>().ok()) {
        let now = jiff::Timestamp::now().as_second();
        return Some(Duration::from_secs((reset - now).max(1) as u64));
    }
    Some(backoff(attempt))
}

/// 1 s, 2 s, 4 s, ...
fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(1 << attempt.saturating_sub(1).min(6))
}

/// GitHub's `message` from an error body, else the body's start.
fn github_message(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| body.chars().take(200).collect())
}

fn hint(status: u16) -> &'static str {
    match status {
        401 => " (check that GITHUB_TOKEN is a valid token)",
        403 => " (check that GITHUB_TOKEN may read pull requests of this repository)",
        404 => {
            " (check --github owner/repo, the pull request number, and that GITHUB_TOKEN can see the repository)"
        }
        _ => "",
    }
}

/// `text` with every occurrence of `secret` masked.
pub fn scrub(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        text.to_string()
    } else {
        text.replace(secret, "***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_only_what_can_pass_later() {
        let none = http::HeaderMap::new();
        assert_eq!(retry_wait(401, &none, "Bad credentials", 1), None);
        assert_eq!(retry_wait(404, &none, "Not Found", 1), None);
        assert_eq!(retry_wait(403, &none, "Resource not accessible", 1), None);
        assert_eq!(retry_wait(502, &none, "", 1), Some(Duration::from_secs(1)));
        assert_eq!(retry_wait(500, &none, "", 3), Some(Duration::from_secs(4)));
        let mut h = http::HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(
            retry_wait(403, &h, "You have exceeded a secondary rate limit", 1),
            Some(Duration::from_secs(7))
        );
        assert_eq!(retry_wait(429, &h, "", 2), Some(Duration::from_secs(7)));
        let mut h = http::HeaderMap::new();
        let reset = jiff::Timestamp::now().as_second() + 30;
        h.insert("x-ratelimit-remaining", "0".parse().unwrap());
        h.insert("x-ratelimit-reset", reset.to_string().parse().unwrap());
        let wait = retry_wait(403, &h, "API rate limit exceeded", 1).unwrap();
        assert!((28..=30).contains(&wait.as_secs()), "{wait:?}");
    }

    #[test]
    fn scrub_masks_the_secret() {
        assert_eq!(scrub("a tok123 b tok123", "tok123"), "a *** b ***");
        assert_eq!(scrub("abc", ""), "abc");
    }
}
