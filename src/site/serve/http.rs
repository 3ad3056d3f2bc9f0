//! HTTP for the live preview (hyper on one tokio thread), with every resource
//! bounded: connections, long polls, header size, the time to send headers and
//! the life of a connection. Answers only GET and HEAD, only for a loopback
//! `Host` (a page on another site that rebinds its name to 127.0.0.1 is
//! refused), only paths inside the site.

use super::{Page, ServeError, Server};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The bounds of the server. Past `connections`, new connections wait in the
/// kernel's queue until one closes; past `polls`, a poll is answered 503 at once.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections open at once.
    pub connections: usize,
    /// Live-reload long polls waiting at once.
    pub polls: usize,
    /// Bytes of a request line and headers (more is answered 431).
    pub header_bytes: usize,
    /// Time to send a request's headers, idle time between requests included.
    pub header_timeout: Duration,
    /// How long a poll waits for a new build before answering "no change".
    pub poll_wait: Duration,
    /// After this, a connection closes once its current answer is sent ...
    pub lifetime: Duration,
    /// ... or this much later in any case (a client that does not read).
    pub grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            connections: 128,
            polls: 32,
            header_bytes: 16 * 1024,
            header_timeout: Duration::from_secs(5),
            poll_wait: Duration::from_secs(25),
            lifetime: Duration::from_secs(60),
            grace: Duration::from_secs(30),
        }
    }
}

/// Binds `127.0.0.1:port` and serves `server` on a thread of its own.
pub(super) fn spawn(port: u16, limits: Limits, server: Server) -> Result<SocketAddr, ServeError> {
    let listen = |source| ServeError::Listen { port, source };
    let std_listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(listen)?;
    let addr = std_listener.local_addr().map_err(listen)?;
    std_listener.set_nonblocking(true).map_err(listen)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let listener = {
        let _entered = runtime.enter();
        TcpListener::from_std(std_listener).map_err(listen)?
    };
    let app = App {
        server,
        polls: Arc::new(Semaphore::new(limits.polls)),
        limits: Arc::new(limits),
    };
    std::thread::Builder::new()
        .name("itsm-serve".into())
        .spawn(move || runtime.block_on(accept(listener, app)))
        .map_err(ServeError::Runtime)?;
    Ok(addr)
}

/// What every connection shares.
#[derive(Clone)]
struct App {
    server: Server,
    polls: Arc<Semaphore>,
    limits: Arc<Limits>,
}

/// Accepts connections while fewer than `limits.connections` are open.
async fn accept(listener: TcpListener, app: App) {
    let open = Arc::new(Semaphore::new(app.limits.connections));
    loop {
        let Ok(permit) = open.clone().acquire_owned().await else {
            return;
        };
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(connection(stream, app.clone(), permit));
            }
            // Out of file descriptors, or a connection reset before it was
            // accepted: try again a little later rather than spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Serves one connection until it closes or outlives `limits.lifetime`.
async fn connection(stream: TcpStream, app: App, _permit: OwnedSemaphorePermit) {
    let limits = app.limits.clone();
    let service = hyper::service::service_fn(move |request| {
        let app = app.clone();
        async move { Ok::<_, Infallible>(app.answer(request).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(limits.header_bytes)
        .max_buf_size(limits.header_bytes.max(8192) * 2)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = tokio::time::sleep(limits.lifetime) => {}
    }
    conn.as_mut().graceful_shutdown();
    // Past the grace the connection is dropped, whatever it was doing: the
    // timeout (and the connection's own error) has nothing more to tell.
    let _ = tokio::time::timeout(limits.grace, conn).await;
}

type Answer = Response<Full<Bytes>>;

impl App {
    async fn answer(&self, request: Request<Incoming>) -> Answer {
        if !loopback_request(&request) {
            return text(
                StatusCode::FORBIDDEN,
                "itsm serve answers only requests addressed to 127.0.0.1, localhost or [::1]\n",
            );
        }
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            let mut r = text(
                StatusCode::METHOD_NOT_ALLOWED,
                "itsm serve answers only GET and HEAD\n",
            );
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return r;
        }
        let uri = request.uri();
        if uri.path() == "/__itsm/poll" {
            return self.poll(uri.query().unwrap_or("")).await;
        }
        match site_path(uri.path()) {
            Some(rel) => self.page(&rel),
            None => text(
                StatusCode::BAD_REQUEST,
                "bad path: only files inside the site are served\n",
            ),
        }
    }

    fn page(&self, rel: &str) -> Answer {
        match self.server.page(rel) {
            Page::Found(bytes) => respond(StatusCode::OK, content_type(rel), bytes),
            Page::Waiting(errors) => respond(
                StatusCode::SERVICE_UNAVAILABLE,
                "text/html; charset=utf-8",
                waiting_page(&errors).into(),
            ),
            Page::Missing => text(StatusCode::NOT_FOUND, "not found\n"),
        }
    }

    /// `/__itsm/poll?v=N&page=P`: waits for a build newer than N, then says
    /// whether page P changed since N, and the current diagnostics.
    async fn poll(&self, query: &str) -> Answer {
        let Ok(_permit) = self.polls.try_acquire() else {
            let mut r = text(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many live-reload polls at once: close some pages\n",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            return r;
        };
        let mut since: i64 = -1;
        let mut page = String::from("index.html");
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("v", v)) => since = v.parse().unwrap_or(-1),
                Some(("page", p)) => page = percent_decode(p),
                _ => {}
            }
        }
        if page.is_empty() || page.ends_with('/') {
            page.push_str("index.html");
        }
        let body = self.server.poll(since, &page, self.limits.poll_wait).await;
        respond(StatusCode::OK, "application/json", body.into())
    }
}

/// Whether every name the request is addressed to (the `Host` header, and
/// the authority of an absolute URI) is a loopback name; a request with
/// neither is refused too.
fn loopback_request(request: &Request<Incoming>) -> bool {
    let hosts = request.headers().get_all(header::HOST);
    let mut names = hosts.iter().map(|h| h.to_str().ok()).collect::<Vec<_>>();
    if let Some(authority) = request.uri().authority() {
        names.push(Some(authority.as_str()));
    }
    !names.is_empty() && names.into_iter().all(|n| n.is_some_and(loopback_host))
}

/// `127.0.0.1`, `localhost` or `[::1]`, each with an optional port.
fn loopback_host(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, port))
            if !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            name
        }
        _ => host,
    };
    name == "127.0.0.1" || name == "[::1]" || name.eq_ignore_ascii_case("localhost")
}

/// The site path a URL path asks for (`index.html` for a folder), or `None`
/// when, decoded, it could leave the site: `..`, `.`, hidden or empty
/// segments, backslashes, colons, NUL.
fn site_path(path: &str) -> Option<String> {
    let mut rel = percent_decode(path.strip_prefix('/')?);
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    let safe = rel.split('/').all(|segment| {
        !segment.is_empty() && !segment.starts_with('.') && !segment.contains(['\\', ':', '\0'])
    });
    safe.then_some(rel)
}

fn text(status: StatusCode, body: &'static str) -> Answer {
    respond(
        status,
        "text/plain; charset=utf-8",
        Bytes::from_static(body.as_bytes()),
    )
}

fn respond(status: StatusCode, content_type: &'static str, body: Bytes) -> Answer {
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = status;
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// The page shown before the first good build: the diagnostics, and the
/// live-reload script that loads the site once the repository is fixed.
fn waiting_page(text: &str) -> Vec<u8> {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>itsm serve</title><link rel=\"stylesheet\" href=\"/assets/style.css\"></head>\
<body><div id=\"itsm-diagnostics\"><h2>The repository has errors</h2><pre>{}</pre></div>\
<script>{}</script></body></html>",
        crate::html::esc(text),
        include_str!("../theme/live.js").replace("r.reload", "(r.reload || !r.errors)")
    )
    .into_bytes()
}

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("ics") => "text/calendar; charset=utf-8",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("woff") => "font/woff",
        Some("woff2") => "font/woff2",
        Some("ttf") => "font/ttf",
        Some("otf") => "font/otf",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// `%xx` escapes decoded (invalid ones kept as written; `+` stays `+`).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_paths() {
        assert_eq!(percent_decode("service%2Fa.html"), "service/a.html");
        assert_eq!(percent_decode("a%zz"), "a%zz");
        assert_eq!(percent_decode("a+b"), "a+b");
    }

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_path("/service/").as_deref(),
            Some("service/index.html")
        );
        assert_eq!(
            site_path("/service/a.html").as_deref(),
            Some("service/a.html")
        );
        for bad in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/service/%2E%2E%2F%2E%2E%2Fitsm.yaml",
            "/..%5c..%5cx",
            "/.itsm-site",
            "//etc/passwd",
            "/%2fetc/passwd",
            "/c:/x",
            "/a%00.html",
            "*",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_loopback_hosts() {
        for good in [
            "127.0.0.1",
            "127.0.0.1:4000",
            "localhost",
            "LocalHost:80",
            "[::1]",
            "[::1]:4000",
        ] {
            assert!(loopback_host(good), "{good}");
        }
        for bad in [
            "evil.example",
            "evil.example:4000",
            "127.0.0.1.evil.example",
            "localhost.evil.example:4000",
            "127.0.0.2:4000",
            "localhost:",
            "localhost:4000:4000",
            "[::1]x",
            "",
        ] {
            assert!(!loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/b.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/logo.SVG"), "image/svg+xml");
        assert_eq!(content_type("changes.ics"), "text/calendar; charset=utf-8");
        assert_eq!(content_type("assets/x"), "application/octet-stream");
    }
}
