//! The layer under octocrab's typed calls that retries what can pass later:
//! up to [`ATTEMPTS`] tries with exponential backoff on transport errors, 5xx,
//! 429 and secondary rate limits, honouring `Retry-After` and
//! `x-ratelimit-reset`, each wait capped. Any other answer that is not 2xx
//! ends the call at once. Its errors name the request and never the token.
//!
//! octocrab's own `RetryConfig` follows the same headers but waits as long as
//! they say (an hour for a spent primary limit) and retries 5xx at once; the
//! gate needs a bounded wait, so the policy is ours and the rest is octocrab's.

use super::chain;
use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Body;
use octocrab::OctoBody;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tower::{Layer, Service, ServiceExt};

/// Tries per request before giving up.
pub const ATTEMPTS: u32 = 4;
/// The most of an error answer read for its message.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Why a request failed, in words that name it (`GET /repos/o/r/pulls/7`).
#[derive(Clone, Debug, thiserror::Error)]
pub enum Failure {
    /// An answer that retrying cannot change (401, 404, 422, ...).
    #[error("GitHub answered {status} to {what}: {message}{}", hint(*.status))]
    Refused {
        what: String,
        status: StatusCode,
        message: String,
    },
    #[error("GitHub answered {status} to {what}: {message} (gave up after {ATTEMPTS} attempts)")]
    Exhausted {
        what: String,
        status: StatusCode,
        message: String,
    },
    #[error("GitHub could not be reached ({what}): {cause} (gave up after {ATTEMPTS} attempts)")]
    Unreachable { what: String, cause: String },
}

/// Wraps a service in the retry policy; `token` is masked in every message.
#[derive(Clone)]
pub struct RetryLayer {
    pub max_wait: Duration,
    pub token: Arc<str>,
}

impl<S> Layer<S> for RetryLayer {
    type Service = Retry<S>;

    fn layer(&self, inner: S) -> Retry<S> {
        Retry {
            inner,
            policy: self.clone(),
        }
    }
}

/// The service [`RetryLayer`] makes.
#[derive(Clone)]
pub struct Retry<S> {
    inner: S,
    policy: RetryLayer,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, B> Service<Request<OctoBody>> for Retry<S>
where
    S: Service<Request<OctoBody>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: std::error::Error + Send + Sync + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response<B>;
    type Error = Failure;
    type Future = BoxFuture<Result<Response<B>, Failure>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Failure>> {
        // Each try waits for the readiness of its own clone of `inner`.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<OctoBody>) -> Self::Future {
        let (inner, policy) = (self.inner.clone(), self.policy.clone());
        Box::pin(send(inner, policy, request))
    }
}

/// One request, tried until it succeeds, fails for good or runs out of tries.
async fn send<S, B>(
    inner: S,
    policy: RetryLayer,
    request: Request<OctoBody>,
) -> Result<Response<B>, Failure>
where
    S: Service<Request<OctoBody>, Response = Response<B>> + Clone,
    S::Error: std::error::Error,
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    let what = describe(&request);
    let mut last = None;
    for attempt in 1..=ATTEMPTS {
        let Some(copy) = copy(&request) else {
            // A body that cannot be sent twice (none of ours): one try.
            return inner
                .oneshot(request)
                .await
                .map_err(|e| Failure::Unreachable {
                    what,
                    cause: super::scrub(&chain(&e), &policy.token),
                });
        };
        let wait = match try_once(inner.clone(), copy, &what, &policy, attempt).await {
            Tried::Done(response) => return Ok(response),
            Tried::Refused(failure) => return Err(failure),
            Tried::Again(failure, wait) => {
                last = Some(failure);
                wait
            }
        };
        if attempt < ATTEMPTS {
            tokio::time::sleep(wait.min(policy.max_wait)).await;
        }
    }
    Err(last.unwrap_or(Failure::Unreachable {
        what,
        cause: "no attempt was made".into(),
    }))
}

/// What one try came to.
enum Tried<R> {
    Done(R),
    /// Worth another try after the wait.
    Again(Failure, Duration),
    /// An answer retrying could not change.
    Refused(Failure),
}

/// Sends `copy` once (the `attempt`th try of `what`).
async fn try_once<S, B>(
    inner: S,
    copy: Request<OctoBody>,
    what: &str,
    policy: &RetryLayer,
    attempt: u32,
) -> Tried<Response<B>>
where
    S: Service<Request<OctoBody>, Response = Response<B>>,
    S::Error: std::error::Error,
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    let scrub = |text: String| super::scrub(&text, &policy.token);
    match inner.oneshot(copy).await {
        Ok(response) if response.status().is_success() => Tried::Done(response),
        Ok(response) => {
            let (status, headers) = (response.status(), response.headers().clone());
            let message = scrub(github_message(response.into_body()).await);
            let wait = retry_wait(status, &headers, &message, attempt);
            let failure = Failure::Exhausted {
                what: what.to_string(),
                status,
                message,
            };
            match wait {
                Some(wait) => Tried::Again(failure, wait),
                None => Tried::Refused(failure.refused()),
            }
        }
        Err(e) => {
            let cause = scrub(chain(&e));
            let failure = Failure::Unreachable {
                what: what.to_string(),
                cause,
            };
            Tried::Again(failure, backoff(attempt))
        }
    }
}

impl Failure {
    /// The same answer, as one that retrying could not change.
    fn refused(self) -> Failure {
        match self {
            Failure::Exhausted {
                what,
                status,
                message,
            } => Failure::Refused {
                what,
                status,
                message,
            },
            other => other,
        }
    }
}

/// `GET /repos/o/r/pulls/7?page=2`: the method and the path below the base URI.
fn describe(request: &Request<OctoBody>) -> String {
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
    format!("{} {target}", request.method())
}

/// A copy of the request to send, when its body can be sent again.
fn copy(request: &Request<OctoBody>) -> Option<Request<OctoBody>> {
    let body = match request.body().try_clone() {
        Some(body) => body,
        None if request.body().is_end_stream() => OctoBody::empty(),
        None => return None,
    };
    let mut copy = Request::new(body);
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    Some(copy)
}

/// GitHub's `message` from an error body, else the body's start.
async fn github_message<B>(body: B) -> String
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    let bytes = match http_body_util::Limited::new(body, ERROR_BODY_LIMIT)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(e) => return format!("(the answer could not be read: {e})"),
    };
    let text = String::from_utf8_lossy(&bytes);
    let message = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("message")?.as_str().map(str::to_string));
    message.unwrap_or_else(|| text.chars().take(200).collect())
}

/// How long to wait before trying again, or `None` when retrying cannot help.
fn retry_wait(
    status: StatusCode,
    headers: &HeaderMap,
    message: &str,
    attempt: u32,
) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let secondary = message.to_ascii_lowercase().contains("rate limit")
        || header("retry-after").is_some()
        || header("x-ratelimit-remaining") == Some("0");
    let status = status.as_u16();
    if !(status >= 500 || status == 429 || (status == 403 && secondary)) {
        return None;
    }
    if let Some(secs) = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok()) {
        return Some(Duration::from_secs(secs));
    }
    if let Some(reset) = header("x-ratelimit-reset").and_then(|v| v.trim().parse::<i64>().ok()) {
        let now = jiff::Timestamp::now().as_second();
        return Some(Duration::from_secs(reset.saturating_sub(now).max(1) as u64));
    }
    Some(backoff(attempt))
}

/// 1 s, 2 s, 4 s, ...
fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(1 << attempt.saturating_sub(1).min(6))
}

/// What to check after an answer retrying cannot change.
fn hint(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => " (check that GITHUB_TOKEN is a valid token)",
        403 => " (check that GITHUB_TOKEN may read pull requests of this repository)",
        404 => {
            " (check --github owner/repo, the pull request number, and that GITHUB_TOKEN can see the repository)"
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> StatusCode {
        StatusCode::from_u16(code).unwrap()
    }

    #[test]
    fn retries_only_what_can_pass_later() {
        let none = HeaderMap::new();
        assert_eq!(retry_wait(status(401), &none, "Bad credentials", 1), None);
        assert_eq!(retry_wait(status(404), &none, "Not Found", 1), None);
        let forbidden = "Resource not accessible";
        assert_eq!(retry_wait(status(403), &none, forbidden, 1), None);
        let one = Some(Duration::from_secs(1));
        assert_eq!(retry_wait(status(502), &none, "", 1), one);
        let four = Some(Duration::from_secs(4));
        assert_eq!(retry_wait(status(500), &none, "", 3), four);
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        let secondary = "You have exceeded a secondary rate limit";
        let seven = Some(Duration::from_secs(7));
        assert_eq!(retry_wait(status(403), &h, secondary, 1), seven);
        assert_eq!(retry_wait(status(429), &h, "", 2), seven);
        let mut h = HeaderMap::new();
        let reset = jiff::Timestamp::now().as_second() + 30;
        h.insert("x-ratelimit-remaining", "0".parse().unwrap());
        h.insert("x-ratelimit-reset", reset.to_string().parse().unwrap());
        let wait = retry_wait(status(403), &h, "API rate limit exceeded", 1).unwrap();
        assert!((28..=30).contains(&wait.as_secs()), "{wait:?}");
    }

    #[test]
    fn a_refused_answer_names_what_to_check() {
        let failure = Failure::Exhausted {
            what: "GET /repos/o/r/pulls/7".into(),
            status: status(401),
            message: "Bad credentials".into(),
        };
        assert_eq!(
            failure.refused().to_string(),
            "GitHub answered 401 Unauthorized to GET /repos/o/r/pulls/7: Bad credentials (check that GITHUB_TOKEN is a valid token)"
        );
    }
}
