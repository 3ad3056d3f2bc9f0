//! Lighthouse on the example-repo site served on 127.0.0.1 (issue 17): the home
//! page, a Service page and the coverage page score 100 for accessibility and
//! at least 95 for best practices and SEO. Lighthouse (npm, the version pinned
//! in `.ci/run`, installed under target/tools/npm) drives Chromium.

mod common;

use common::{itsm, run_for, stderr, stdout};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Where `.ci/run` installs Lighthouse.
const LIGHTHOUSE: &str = "target/tools/npm/node_modules/lighthouse/cli/index.js";
const CHROMIUM: &str = "/usr/bin/chromium";
/// The least score of each category (Lighthouse scores 0 to 1).
const FLOORS: [(&str, f64); 3] = [
    ("accessibility", 1.0),
    ("best-practices", 0.95),
    ("seo", 0.95),
];

#[test]
fn lighthouse_scores_the_home_a_service_and_the_coverage_page() {
    let lighthouse = Path::new(env!("CARGO_MANIFEST_DIR")).join(LIGHTHOUSE);
    assert!(
        lighthouse.is_file(),
        "{} is missing: .ci/run installs it (`npm install --prefix target/tools/npm --save-exact lighthouse@12.2.3`)",
        lighthouse.display()
    );
    assert!(
        Path::new(CHROMIUM).is_file(),
        "{CHROMIUM} is missing: run `apt-get install chromium`"
    );
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-repo");
    let o = itsm(
        &repo,
        &[
            "build",
            "--today",
            "2026-11-30",
            "--out",
            site.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let server = Server::start(site);
    let mut failures = Vec::new();
    for page in ["index.html", "service/payments.html", "coverage.html"] {
        let url = format!("http://{}/{page}", server.addr);
        let report = tmp.path().join("report.json");
        let o = run_for(
            Command::new("node")
                .arg(&lighthouse)
                .arg(&url)
                .args([
                    "--output=json",
                    "--only-categories=accessibility,best-practices,seo",
                    "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking",
                    "--quiet",
                ])
                .arg(format!("--output-path={}", report.display()))
                .env("CHROME_PATH", CHROMIUM),
            Duration::from_secs(300),
        );
        assert!(
            o.status.success(),
            "lighthouse failed on {url}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        failures.extend(below_floor(page, &report));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Each category of `report` under its floor, with the audits it failed.
fn below_floor(page: &str, report: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for (category, floor) in FLOORS {
        let c = &report["categories"][category];
        let score = c["score"].as_f64().unwrap_or(0.0);
        if score + 1e-9 >= floor {
            continue;
        }
        let failed: Vec<String> = c["auditRefs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a["weight"].as_f64().unwrap_or(0.0) > 0.0)
            .filter_map(|a| {
                let audit = &report["audits"][a["id"].as_str()?];
                (audit["score"].as_f64()? < 1.0).then(|| format!("{}: {}", a["id"], audit["title"]))
            })
            .collect();
        out.push(format!(
            "{page}: {category} {score} < {floor}: {}",
            failed.join("; ")
        ));
    }
    out
}

/// The built site served over HTTP on 127.0.0.1 (Lighthouse wants a server),
/// stopped when dropped.
struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(root: PathBuf) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let root = root.clone();
                        std::thread::spawn(move || answer(stream, &root));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Server {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Answers one GET with the file under `root` (404 for anything else).
fn answer(mut stream: TcpStream, root: &Path) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // The headers are read too: a socket closed with unread bytes is reset,
    // and the answer may be lost with it.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let path = line.split(' ').nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let rel = path.trim_start_matches('/');
    let rel = if rel.is_empty() { "index.html" } else { rel };
    let file = root.join(rel);
    let found = (!rel.split('/').any(|p| p == ".." || p.is_empty()))
        .then(|| std::fs::read(&file).ok())
        .flatten();
    let (status, body, kind) = match found {
        Some(body) => ("200 OK", body, content_type(rel)),
        None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}
