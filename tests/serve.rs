//! `itsm serve` as an attacker and a careless user meet it: the real binary on
//! 127.0.0.1, spoken to over raw TCP. Other hosts (DNS rebinding), other
//! methods, paths out of the site, symlinks, oversized headers, slow and idle
//! connections, piles of long polls; a deleted output folder comes back.

mod common;

use common::{TIMEOUT, VALID, write};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `itsm serve`, killed when dropped or after [`TIMEOUT`].
struct Serve {
    child: Arc<Mutex<Child>>,
    pid: u32,
    addr: String,
    port: u16,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let mut child = self.child.lock().unwrap_or_else(|e| e.into_inner());
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn serve(repo: &Path, extra: &[&str]) -> Serve {
    let mut child = Command::new(env!("CARGO_BIN_EXE_itsm"))
        .args(["serve", "--port", "0", "--today", "2026-11-21"])
        .args(extra)
        .current_dir(repo)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let child = Arc::new(Mutex::new(child));
    // Whatever the test does, the server does not outlive TIMEOUT.
    let watchdog = Arc::downgrade(&child);
    std::thread::spawn(move || {
        std::thread::sleep(TIMEOUT);
        if let Some(child) = watchdog.upgrade() {
            let _ = child.lock().map(|mut c| c.kill());
        }
    });
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        let _ = reader.read_line(&mut first);
        let _ = tx.send(first);
        // Drain the rest so the server never blocks on a full pipe.
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let first = rx
        .recv_timeout(TIMEOUT)
        .unwrap_or_else(|_| panic!("itsm serve printed nothing in {TIMEOUT:?}"));
    let addr = first
        .strip_prefix("serving http://")
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    let port = addr.strip_prefix("127.0.0.1:").unwrap().parse().unwrap();
    let server = Serve {
        child,
        pid,
        addr,
        port,
    };
    wait_for("the first build", || {
        get(&server.addr, "/index.html").status == 200
    });
    server
}

/// An answer: status (0 when the connection closed without one), headers, body.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: String,
}

/// Sends `raw` as it is and reads the answer until the server closes.
fn send(addr: &str, raw: &[u8]) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(40))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(40))).unwrap();
    // The server may answer and close before it read everything: not an error here.
    let _ = s.write_all(raw);
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Answer {
        status,
        head: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

/// GET over HTTP/1.0 with a loopback `Host`.
fn get(addr: &str, path: &str) -> Answer {
    send(
        addr,
        format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes(),
    )
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A field of `/proc/PID/status` (`Threads`, `VmHWM` in kB, ...).
fn proc_status(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in {status}"))
}

fn repo() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    write(repo.path(), &[("secret.txt", "TOP-SECRET-VALUE\n")]);
    repo
}

#[test]
fn answers_only_loopback_hosts() {
    let repo = repo();
    let server = serve(repo.path(), &[]);
    let port = server.port;
    // (request head, expected status): a page elsewhere that rebinds its name
    // to 127.0.0.1 sends its own name as Host.
    let cases: &[(String, u16)] = &[
        (format!("Host: 127.0.0.1:{port}"), 200),
        ("Host: 127.0.0.1".into(), 200),
        (format!("Host: localhost:{port}"), 200),
        (format!("Host: LOCALHOST:{port}"), 200),
        (format!("Host: [::1]:{port}"), 200),
        (format!("Host: evil.example:{port}"), 403),
        ("Host: evil.example".into(), 403),
        (format!("Host: 127.0.0.1.evil.example:{port}"), 403),
        (format!("Host: localhost.evil.example:{port}"), 403),
        ("Host: 10.0.0.1".into(), 403),
        // No Host at all.
        (String::new(), 403),
    ];
    for (host, want) in cases {
        let a = send(
            &server.addr,
            format!("GET /index.html HTTP/1.0\r\n{host}\r\n\r\n").as_bytes(),
        );
        assert_eq!(a.status, *want, "{host}: {a:?}");
        if *want == 403 {
            assert!(!a.body.contains("<html"), "{host}: {}", a.body);
            assert!(a.body.contains("127.0.0.1, localhost or [::1]"), "{a:?}");
        }
    }
    // An absolute URI names the host too.
    let a = send(
        &server.addr,
        format!("GET http://evil.example:{port}/index.html HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    );
    assert_eq!(a.status, 403, "{a:?}");
    // The live-reload poll is refused the same way.
    let a = send(
        &server.addr,
        b"GET /__itsm/poll?v=-1 HTTP/1.0\r\nHost: evil.example\r\n\r\n",
    );
    assert_eq!(a.status, 403, "{a:?}");
}

#[test]
fn only_get_and_head_with_content_types() {
    let repo = repo();
    let server = serve(repo.path(), &[]);
    let addr = &server.addr;
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
        let a = send(
            addr,
            format!("{method} /index.html HTTP/1.0\r\nHost: {addr}\r\nContent-Length: 0\r\n\r\n")
                .as_bytes(),
        );
        assert_eq!(a.status, 405, "{method}: {a:?}");
        assert!(a.head.contains("allow: get, head"), "{a:?}");
    }
    let a = send(
        addr,
        format!("HEAD /index.html HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes(),
    );
    assert_eq!(a.status, 200, "{a:?}");
    assert!(a.body.is_empty(), "{a:?}");
    // (path, content type)
    for (path, want) in [
        ("/", "text/html; charset=utf-8"),
        ("/service/shop.html", "text/html; charset=utf-8"),
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/assets/live.js", "text/javascript; charset=utf-8"),
        ("/__itsm/poll?v=-1&page=index.html", "application/json"),
        ("/nothing-here.html", "text/plain; charset=utf-8"),
    ] {
        let a = get(addr, path);
        assert!(
            a.head.contains(&format!("\r\ncontent-type: {want}\r\n")),
            "{path}: {a:?}"
        );
        assert!(a.head.contains("x-content-type-options: nosniff"), "{a:?}");
        assert!(a.head.contains("cache-control: no-store"), "{a:?}");
    }
}

#[test]
fn paths_out_of_the_site_are_refused() {
    let repo = repo();
    let server = serve(repo.path(), &[]);
    for path in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/service/..%2f..%2fsecret.txt",
        "/service/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/.itsm-site",
        "//secret.txt",
        "/%2fetc/passwd",
        "/site/../secret.txt",
    ] {
        let a = get(&server.addr, path);
        assert!((400..500).contains(&a.status), "{path}: {a:?}");
        assert!(!a.body.contains("TOP-SECRET"), "{path}: {a:?}");
    }
}

#[test]
fn symlinks_in_the_output_folder_are_not_followed() {
    let repo = repo();
    let server = serve(repo.path(), &[]);
    let site = repo.path().join("site");
    std::os::unix::fs::symlink(repo.path().join("secret.txt"), site.join("leak.html")).unwrap();
    std::os::unix::fs::symlink(repo.path(), site.join("linked")).unwrap();
    std::os::unix::fs::symlink(
        repo.path().join("secret.txt"),
        site.join("service/leak.html"),
    )
    .unwrap();
    let check = || {
        for path in [
            "/leak.html",
            "/linked/secret.txt",
            "/linked/",
            "/service/leak.html",
        ] {
            let a = get(&server.addr, path);
            assert_eq!(a.status, 404, "{path}: {a:?}");
            assert!(!a.body.contains("TOP-SECRET"), "{path}: {a:?}");
        }
    };
    check();
    // Still after a rebuild.
    write(
        repo.path(),
        &[(
            "services/shop.yaml",
            &VALID[3]
                .1
                .replace("name: shop\n", "name: shop\n  title: Shop Linked\n"),
        )],
    );
    wait_for("the rebuild", || {
        get(&server.addr, "/service/shop.html")
            .body
            .contains("Shop Linked")
    });
    check();
}

#[test]
fn oversized_headers_are_refused_and_memory_stays_bounded() {
    let repo = repo();
    let server = serve(repo.path(), &[]);
    let addr = server.addr.clone();
    // A large but reasonable header (cookies) is fine.
    let cookie = "c".repeat(8 * 1024);
    let a = send(
        &addr,
        format!("GET / HTTP/1.0\r\nHost: {addr}\r\nCookie: {cookie}\r\n\r\n").as_bytes(),
    );
    assert_eq!(a.status, 200, "{}", a.head);
    // 1 MB of header: 431, or the connection closed, and quickly.
    let started = Instant::now();
    let big = "a".repeat(1 << 20);
    let a = send(
        &addr,
        format!("GET / HTTP/1.0\r\nHost: {addr}\r\nX-Big: {big}\r\n\r\n").as_bytes(),
    );
    assert!(matches!(a.status, 0 | 431), "{}", a.head);
    assert!(started.elapsed() < Duration::from_secs(10));
    // 8 connections at once, 32 MB of header each: the server's peak memory
    // hardly moves (it reads a few kB of each, then closes).
    let before = proc_status(server.pid, "VmHWM");
    let senders: Vec<_> = (0..8)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(&addr).unwrap();
                s.set_write_timeout(Some(Duration::from_secs(30))).unwrap();
                let _ = write!(s, "GET / HTTP/1.1\r\nHost: {addr}\r\nX-Big: ");
                let chunk = vec![b'a'; 1 << 20];
                for _ in 0..32 {
                    if s.write_all(&chunk).is_err() {
                        return;
                    }
                }
                let _ = s.write_all(b"\r\n\r\n");
                let mut sink = Vec::new();
                s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                let _ = s.read_to_end(&mut sink);
            })
        })
        .collect();
    for s in senders {
        s.join().unwrap();
    }
    let grew_mb = proc_status(server.pid, "VmHWM").saturating_sub(before) / 1024;
    assert!(grew_mb < 64, "peak memory grew by {grew_mb} MB");
    assert_eq!(get(&addr, "/").status, 200);
}

#[test]
fn slow_and_idle_connections_are_bounded() {
    let repo = repo();
    let server = serve(repo.path(), &[]);
    let addr = server.addr.clone();
    let idle = proc_status(server.pid, "Threads");
    // More connections than the server keeps at once: half send part of a
    // request and nothing more (slowloris), half send nothing.
    let mut open: Vec<TcpStream> = (0..200)
        .map(|i| {
            let mut s = TcpStream::connect(&addr).unwrap();
            if i % 2 == 0 {
                write!(s, "GET / HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ").unwrap();
            }
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let threads = proc_status(server.pid, "Threads");
    assert!(
        threads <= idle + 2,
        "{idle} threads, {threads} with 200 connections"
    );
    // A normal request gets through once the stalled ones time out (5 s).
    let started = Instant::now();
    assert_eq!(get(&addr, "/").status, 200);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(15), "took {took:?}");
    // Every stalled connection is closed by the server (reading ends) once it
    // had its 5 s: the first 128 at once, the others after them.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut closed = 0;
    for s in &mut open {
        let left = deadline.saturating_duration_since(Instant::now());
        s.set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .unwrap();
        let mut sink = Vec::new();
        match s.read_to_end(&mut sink) {
            Ok(_) => closed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => closed += 1,
            Err(_) => {}
        }
    }
    assert_eq!(closed, 200, "stalled connections the server closed");
}

#[test]
fn long_polls_are_bounded() {
    let repo = repo();
    let server = serve(repo.path(), &[]);
    let addr = server.addr.clone();
    let idle = proc_status(server.pid, "Threads");
    // 100 pages polling for a build that will not come soon.
    let polls: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            write!(
                s,
                "GET /__itsm/poll?v=1000000&page=index.html HTTP/1.0\r\nHost: {addr}\r\n\r\n"
            )
            .unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1000));
    let threads = proc_status(server.pid, "Threads");
    assert!(
        threads <= idle + 2,
        "{idle} threads, {threads} with 100 polls"
    );
    // Past the cap, a poll is told to come back later, at once.
    let refused = polls
        .into_iter()
        .filter(|s| {
            let mut s = s.try_clone().unwrap();
            s.set_read_timeout(Some(Duration::from_millis(100)))
                .unwrap();
            let mut bytes = Vec::new();
            let _ = s.read_to_end(&mut bytes);
            parse(&bytes).status == 503
        })
        .count();
    assert!(refused >= 60, "{refused} of 100 polls refused");
    let started = Instant::now();
    assert_eq!(get(&addr, "/service/shop.html").status, 200);
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Edits the Service's title and waits until the served page and the page on
/// disk in `site` show it, with no diagnostics over the page.
fn edit_and_see(repo: &Path, server: &Serve, site: &Path, title: &str) {
    write(
        repo,
        &[(
            "services/shop.yaml",
            &VALID[3]
                .1
                .replace("name: shop\n", &format!("name: shop\n  title: {title}\n")),
        )],
    );
    wait_for(title, || {
        get(&server.addr, "/service/shop.html").body.contains(title)
    });
    let state = get(&server.addr, "/__itsm/poll?v=-1&page=index.html").body;
    assert!(state.contains("\"errors\":null"), "{state}");
    let on_disk = std::fs::read_to_string(site.join("service/shop.html")).unwrap_or_default();
    assert!(on_disk.contains(title), "{on_disk}");
    whole(site);
}

/// The site on disk is a whole site written by itsm.
fn whole(site: &Path) {
    for rel in [
        ".itsm-site",
        "index.html",
        "assets/style.css",
        "ci/web.html",
    ] {
        assert!(site.join(rel).is_file(), "{rel} is missing");
    }
}

#[test]
fn a_deleted_output_folder_is_written_again() {
    let repo = repo();
    let server = serve(repo.path(), &[]);
    let site = repo.path().join("site");
    whole(&site);
    // Deleted while the server runs: written again without a save ...
    std::fs::remove_dir_all(&site).unwrap();
    wait_for("the site written again", || {
        site.join(".itsm-site").is_file()
    });
    whole(&site);
    // ... and saves go on updating it.
    edit_and_see(repo.path(), &server, &site, "Shop One");
    edit_and_see(repo.path(), &server, &site, "Shop Two");
    // Deleted and saved at once.
    std::fs::remove_dir_all(&site).unwrap();
    edit_and_see(repo.path(), &server, &site, "Shop Three");
    edit_and_see(repo.path(), &server, &site, "Shop Four");
}

#[test]
fn a_deleted_output_folder_outside_the_repository_is_written_again() {
    let repo = repo();
    let elsewhere = tempfile::tempdir().unwrap();
    let site: PathBuf = elsewhere.path().join("preview");
    let server = serve(repo.path(), &["--out", site.to_str().unwrap()]);
    wait_for("the site", || site.join(".itsm-site").is_file());
    std::fs::remove_dir_all(&site).unwrap();
    // Not watched: the next save writes it whole, and the one after updates it.
    edit_and_see(repo.path(), &server, &site, "Shop One");
    edit_and_see(repo.path(), &server, &site, "Shop Two");
}
