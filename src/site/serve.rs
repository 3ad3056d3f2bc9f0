//! The live-preview server of `itsm serve`: serves the pages of the last good
//! build from memory on 127.0.0.1 (so that nothing outside the site can be
//! served), and answers the long polls of the live-reload script: reload when
//! the page changed, show the diagnostics while the repository is broken.
//! The HTTP side, with its limits, is in [`http`].

mod http;

pub use http::Limits;

use super::file::File;
use bytes::Bytes;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on 127.0.0.1:{port}: choose another --port")]
    Listen {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the server's runtime")]
    Runtime(#[source] std::io::Error),
}

/// The running server; clone it to publish builds from another thread.
#[derive(Clone)]
pub struct Server {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// The version of the last build, which the long polls wait on.
    version: watch::Sender<u64>,
}

#[derive(Default)]
struct State {
    /// Bumped on every build that changed a page or the error state.
    version: u64,
    pages: HashMap<String, Bytes>,
    /// The version at which each page last changed.
    changed_at: HashMap<String, u64>,
    /// The diagnostics of a broken repository, shown over every page.
    errors: Option<String>,
}

impl Server {
    /// Listens on `127.0.0.1:port` (0 picks a free port) and serves in the
    /// background (one thread, whatever the number of connections).
    pub fn start(port: u16, limits: Limits) -> Result<(Server, SocketAddr), ServeError> {
        let server = Server {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                version: watch::Sender::new(0),
            }),
        };
        let addr = http::spawn(port, limits, server.clone())?;
        Ok((server, addr))
    }

    /// Publishes a good build; returns the paths whose bytes changed.
    pub fn publish(&self, files: &[File]) -> Vec<String> {
        let st = self.lock();
        let now: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
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
        let fresh: Vec<&File> = files
            .iter()
            .filter(|f| st.pages.get(&f.path).is_none_or(|p| *p != f.bytes))
            .collect();
        let gone: Vec<&String> = gone.iter().filter(|p| st.pages.contains_key(*p)).collect();
        if fresh.is_empty() && gone.is_empty() && st.errors.is_none() {
            return Vec::new();
        }
        st.version += 1;
        let v = st.version;
        let mut changed = Vec::with_capacity(fresh.len() + gone.len());
        for p in gone {
            st.pages.remove(p);
            st.changed_at.insert(p.clone(), v);
            changed.push(p.clone());
        }
        for f in fresh {
            st.pages
                .insert(f.path.clone(), Bytes::copy_from_slice(&f.bytes));
            st.changed_at.insert(f.path.clone(), v);
            changed.push(f.path.clone());
        }
        st.errors = None;
        drop(st);
        self.shared.version.send_replace(v);
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
        let v = st.version;
        drop(st);
        self.shared.version.send_replace(v);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent data (every write is whole).
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The page at `rel` (a path inside the site), or what to show instead.
    fn page(&self, rel: &str) -> Page {
        let st = self.lock();
        match st.pages.get(rel) {
            Some(bytes) => Page::Found(bytes.clone()),
            None if st.pages.is_empty() => {
                Page::Waiting(st.errors.clone().unwrap_or_else(|| "building...".into()))
            }
            None => Page::Missing,
        }
    }

    /// Waits (at most `wait`) for a build newer than `since`, then says whether
    /// `page` changed since `since`, and the current diagnostics, as JSON.
    async fn poll(&self, since: i64, page: &str, wait: std::time::Duration) -> String {
        if since >= 0 {
            let mut rx = self.shared.version.subscribe();
            let newer = rx.wait_for(|v| *v as i64 > since);
            // Waiting ends either way (a newer build, the time is up, the
            // server is stopping): the answer below tells what is current.
            let _ = tokio::time::timeout(wait, newer).await;
        }
        let st = self.lock();
        let reload = since >= 0 && st.changed_at.get(page).is_some_and(|v| *v as i64 > since);
        serde_json::json!({
            "version": st.version,
            "reload": reload,
            "errors": st.errors,
        })
        .to_string()
    }
}

/// What a request for a site path finds.
enum Page {
    Found(Bytes),
    /// No good build yet: the diagnostics (or "building...").
    Waiting(String),
    Missing,
}
