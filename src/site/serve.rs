//! The live-preview server of `itsm serve`: serves the pages of the last good
//! build from memory on 127.0.0.1 (so that nothing outside the site can be
//! served), and answers the long polls of the live-reload script: reload when
//! the page changed, show the diagnostics while the repository is broken.

use super::File;
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// How long a poll waits for a new build before answering "no change".
const POLL_WAIT: Duration = Duration::from_secs(25);

/// The running server; clone it to publish builds from another thread.
#[derive(Clone)]
pub struct Server {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// Bumped on every build that changed a page or the error state.
    version: u64,
    pages: HashMap<String, Arc<[u8]>>,
    /// The version at which each page last changed.
    changed_at: HashMap<String, u64>,
    /// The diagnostics of a broken repository, shown over every page.
    errors: Option<String>,
}

impl Server {
    /// Listens on `127.0.0.1:port` (0 picks a free port) and serves in the background.
    pub fn start(port: u16) -> Result<(Server, SocketAddr)> {
        let http = tiny_http::Server::http(("127.0.0.1", port))
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot listen on 127.0.0.1:{port}: choose another --port"))?;
        let addr = http
            .server_addr()
            .to_ip()
            .context("the server has no IP address")?;
        let server = Server {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                changed: Condvar::new(),
            }),
        };
        let s = server.clone();
        std::thread::spawn(move || {
            for request in http.incoming_requests() {
                let s = s.clone();
                std::thread::spawn(move || s.answer(request));
            }
        });
        Ok((server, addr))
    }

    /// Publishes a good build; returns the paths whose bytes changed.
    pub fn publish(&self, files: &[File]) -> Vec<String> {
        let st = self.lock();
        let now: std::collections::HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let gone: Vec<String> = st
            .pages
            .keys()
            .filter(|p| !now.contains(p.as_str()))
            .cloned()
            .collect();
        drop(st);
        self.publish_changes(files, &gone)
    }

    /// Publishes a good build that differs from the last one at most in `files`
    /// and by the paths `gone`; returns the paths whose bytes changed.
    pub fn publish_changes(&self, files: &[File], gone: &[String]) -> Vec<String> {
        let mut st = self.lock();
        let mut changed: Vec<String> = files
            .iter()
            .filter(|f| st.pages.get(&f.path).is_none_or(|p| **p != *f.bytes))
            .map(|f| f.path.clone())
            .collect();
        let gone: Vec<&String> = gone.iter().filter(|p| st.pages.contains_key(*p)).collect();
        changed.extend(gone.iter().map(|p| (*p).clone()));
        if changed.is_empty() && st.errors.is_none() {
            return changed;
        }
        st.version += 1;
        let v = st.version;
        for p in &changed {
            st.changed_at.insert(p.clone(), v);
        }
        for p in gone {
            st.pages.remove(p);
        }
        for f in files {
            if st.pages.get(&f.path).is_none_or(|p| **p != *f.bytes) {
                st.pages
                    .insert(f.path.clone(), Arc::from(f.bytes.as_slice()));
            }
        }
        st.errors = None;
        drop(st);
        self.shared.changed.notify_all();
        changed
    }

    /// Shows `errors` (plain text) over every page until the next good build.
    pub fn fail(&self, errors: String) {
        let mut st = self.lock();
        if st.errors.as_deref() == Some(errors.as_str()) {
            return;
        }
        st.version += 1;
        st.errors = Some(errors);
        drop(st);
        self.shared.changed.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent data (every write is whole).
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn answer(&self, request: tiny_http::Request) {
        let url = request.url().to_string();
        let (path, query) = url.split_once('?').unwrap_or((&url, ""));
        let response = if path == "/__itsm/poll" {
            self.poll(query)
        } else {
            self.page(path)
        };
        let _ = request.respond(response);
    }

    fn page(&self, path: &str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
        let mut rel = percent_decode(path.trim_start_matches('/'));
        if rel.is_empty() || rel.ends_with('/') {
            rel.push_str("index.html");
        }
        let st = self.lock();
        match st.pages.get(&rel) {
            Some(bytes) => respond(200, content_type(&rel), bytes.to_vec()),
            None if st.pages.is_empty() => {
                let text = st.errors.clone().unwrap_or_else(|| "building...".into());
                drop(st);
                respond(503, "text/html; charset=utf-8", waiting_page(&text))
            }
            None => respond(404, "text/plain; charset=utf-8", b"not found".to_vec()),
        }
    }

    /// `/__itsm/poll?v=N&page=P`: waits for a build newer than N, then says
    /// whether page P changed since N, and the current diagnostics.
    fn poll(&self, query: &str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
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
        let mut st = self.lock();
        if since >= 0 {
            let deadline = std::time::Instant::now() + POLL_WAIT;
            while st.version as i64 <= since {
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    break;
                }
                st = self
                    .shared
                    .changed
                    .wait_timeout(st, left)
                    .map(|(g, _)| g)
                    .unwrap_or_else(|e| e.into_inner().0);
            }
        }
        let reload = since >= 0 && st.changed_at.get(&page).is_some_and(|v| *v as i64 > since);
        let body = serde_json::json!({
            "version": st.version,
            "reload": reload,
            "errors": st.errors,
        });
        respond(200, "application/json", body.to_string().into_bytes())
    }
}

fn respond(
    status: u16,
    content_type: &str,
    bytes: Vec<u8>,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut r = tiny_http::Response::from_data(bytes).with_status_code(status);
    for (k, v) in [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
    ] {
        if let Ok(h) = tiny_http::Header::from_bytes(k, v) {
            r.add_header(h);
        }
    }
    r
}

/// The page shown before the first good build: the diagnostics, and the
/// live-reload script that loads the site once the repository is fixed.
fn waiting_page(text: &str) -> Vec<u8> {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>itsm serve</title><link rel=\"stylesheet\" href=\"/assets/style.css\"></head>\
<body><div id=\"itsm-diagnostics\"><h2>The repository has errors</h2><pre>{}</pre></div>\
<script>{}</script></body></html>",
        super::esc(text),
        include_str!("theme/live.js").replace("r.reload", "(r.reload || !r.errors)")
    )
    .into_bytes()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("woff2") => "font/woff2",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// `%xx` escapes decoded (invalid ones kept as written).
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
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
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
    }
}
