//! The real site in a real browser (headless Chromium): what a person sees,
//! search and filters after the scripts ran, and `itsm serve` picking up edits.
//! Chromium is required: `apt-get install chromium`.

mod common;

use common::{VALID, itsm, stderr, stdout, write};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The DOM of `url` after its scripts ran.
fn dom(url: &str) -> String {
    dom_with(url, "--virtual-time-budget=5000")
}

/// The DOM of a page from `itsm serve`: its live-reload poll never settles, so
/// the page is stopped after a while instead of waiting for the network to idle.
fn served_dom(url: &str) -> String {
    dom_with(url, "--timeout=4000")
}

/// The page as a browser shows it once `shown` holds: the live-reload script
/// answers after its first poll, which a loaded machine can delay past one
/// dump. Tries a few times, then returns the last dump (for the assertion).
fn served_dom_showing(url: &str, shown: impl Fn(&str) -> bool) -> String {
    let mut html = served_dom(url);
    for _ in 0..4 {
        if shown(&html) {
            break;
        }
        html = served_dom(url);
    }
    html
}

fn dom_with(url: &str, wait: &str) -> String {
    stdout(&common::site::chromium(&[wait, "--dump-dom", url]))
}

fn built_example() -> (tempfile::TempDir, PathBuf) {
    common::site::build(&common::site::example(), "2026-11-21")
}

fn file_url(site: &Path, rel: &str) -> String {
    format!("file://{}/{rel}", site.display())
}

#[test]
fn search_finds_records_offline() {
    let (_tmp, site) = built_example();
    let html = dom(&file_url(&site, "search.html?q=payments%20database"));
    assert!(
        html.contains(
            "<p id=\"search-status\" class=\"meta\" role=\"status\">10 results for “payments database”</p>"
        ),
        "{html}"
    );
    assert!(html.contains("<li><a href=\"ci/payments-db-prod.html\">Payments database (PostgreSQL), production</a><span class=\"meta\"> CIs · payments-db-prod</span>"), "{html}");
    // The snippet: the matching part of the description, the words marked.
    assert!(html.contains("<p class=\"snippet\">Transaction-mode connection pool in front of <mark>payments</mark>-db-prod, introduced after the September 2026 incident.</p>"), "{html}");
    // Words from bodies are indexed too (the Tilburg incident's postmortem).
    let html = dom(&file_url(&site, "search.html?q=roaming"));
    assert!(
        html.contains("problem/prb-tilburg-scanner-roaming.html"),
        "{html}"
    );
    let html = dom(&file_url(&site, "search.html?q=zzzz-nothing"));
    assert!(html.contains("0 results for"), "{html}");
}

/// The results of a search page: (link, title) of each.
fn results(html: &str) -> Vec<(String, String)> {
    let list = html
        .split("<ol id=\"results\" class=\"results\">")
        .nth(1)
        .unwrap();
    let list = list.split("</ol>").next().unwrap();
    list.split("<li><a href=\"")
        .skip(1)
        .map(|li| {
            let (href, rest) = li.split_once("\">").unwrap();
            (
                href.to_string(),
                rest.split("</a>").next().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn search_finds_annotations_team_members_and_clauses_by_title() {
    let (_tmp, site) = built_example();
    // An annotation of the Payments service (its PagerDuty service).
    let html = dom(&file_url(&site, "search.html?q=PAY0001"));
    assert_eq!(
        results(&html),
        [("service/payments.html".into(), "Payments".into())]
    );
    assert!(html.contains("<p class=\"snippet\">…Cobalt Payments. · northwind.example/pagerduty-service: <mark>PAY0001</mark> · northwind.example/cost-centre: CC-2200"), "{html}");
    // A clause: the policy that lists it, the audit finding under it.
    let html = dom(&file_url(&site, "search.html?q=8.5.1"));
    assert_eq!(
        results(&html),
        [
            (
                "policy/change-management-policy.html".into(),
                "Change management policy".into()
            ),
            (
                "audit/2026-h2-operations.html".into(),
                "Internal audit 2026 H2, service operation".into()
            ),
        ]
    );
    // A team member: two teams, a review she attends, an improvement she verified.
    let html = dom(&file_url(&site, "search.html?q=okafor"));
    assert!(html.contains("4 results for “okafor”"), "{html}");
    assert!(
        html.contains(
            "<a href=\"?q=okafor&amp;kind=team\">Teams <span class=\"count\">2</span></a>"
        ),
        "{html}"
    );
    // The kind facet narrows the results.
    let html = dom(&file_url(&site, "search.html?q=okafor&kind=team"));
    assert!(html.contains("2 results for “okafor” in Teams"), "{html}");
    assert_eq!(
        results(&html),
        [
            ("team/cab.html".into(), "Change Advisory Board".into()),
            ("team/payments.html".into(), "Payments".into()),
        ]
    );
    assert!(
        html.contains("<a href=\"?q=okafor&amp;kind=team\" aria-current=\"true\">"),
        "{html}"
    );
}

#[test]
fn search_shows_hostile_record_text_as_text() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    write(
        repo.path(),
        &[(
            "services/shop.yaml",
            "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\n  title: \"<img src=x onerror=alert(1)> Shop\"\n  description: \"Shop </svg><script>alert('x')</script> \\\"front\\\"\"\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 1\n  sla: gold\n",
        )],
    );
    let out = repo.path().join("site");
    let o = itsm(
        repo.path(),
        &[
            "build",
            "--today",
            "2026-11-21",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = dom(&file_url(&out, "search.html?q=shop"));
    assert!(
        html.contains("<a href=\"service/shop.html\">&lt;img src=x onerror=alert(1)&gt; Shop</a>"),
        "{html}"
    );
    assert!(html.contains("<p class=\"snippet\"><mark>Shop</mark> &lt;/svg&gt;&lt;script&gt;alert('x')&lt;/script&gt; \"front\"</p>"), "{html}");
    assert!(!html.contains("<img src"), "{html}");
}

/// The titles of the rows of a list, in order, and whether each is shown.
fn list_rows(html: &str) -> Vec<(String, bool)> {
    let body = html.split("<tbody>").nth(1).unwrap();
    body.split("<tr")
        .skip(1)
        .map(|row| {
            let head = row.split('>').next().unwrap();
            let title = row
                .split("data-sort=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            (title.to_string(), !head.contains("hidden"))
        })
        .collect()
}

#[test]
fn kind_lists_sort_and_filter_from_the_url() {
    let (_tmp, site) = built_example();
    // A filter in the URL applies on load.
    let html = dom(&file_url(&site, "incident/index.html?priority=p2"));
    assert!(
        html.contains(
            "<span id=\"list-count\" class=\"meta\" data-noun=\"incidents\">2 of 5 incidents</span>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<option>p2</option>") && html.contains("<select name=\"priority\""),
        "{html}"
    );
    let shown: Vec<String> = list_rows(&html)
        .into_iter()
        .filter(|r| r.1)
        .map(|r| r.0)
        .collect();
    assert_eq!(
        shown,
        [
            "Android app users unable to sign in",
            "Tilburg handheld scanners dropping off Wi-Fi"
        ],
        "{html}"
    );
    // Sorting a column reorders the rows; the order is in the URL.
    let by_name = list_rows(&dom(&file_url(&site, "ci/index.html")));
    let html = dom(&file_url(&site, "ci/index.html?sort=name&order=desc"));
    assert!(html.contains("<th scope=\"col\" aria-sort=\"descending\"><button type=\"button\" class=\"sort\">Name</button></th>"), "{html}");
    let mut expected = by_name.clone();
    expected.sort_by_key(|r| std::cmp::Reverse(r.0.to_lowercase()));
    assert_eq!(list_rows(&html)[0], expected[0]);
    assert_ne!(list_rows(&html), by_name);
    let html = dom(&file_url(&site, "ci/index.html?sort=type"));
    let types: Vec<String> = html
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("<tr")
        .skip(1)
        .map(|r| {
            let cell = r.split("</td><td data-col=\"").nth(2).unwrap();
            let cell = cell
                .split_once("\">")
                .unwrap()
                .1
                .split("</td>")
                .next()
                .unwrap();
            // The text of the cell, without its tags.
            let mut text = String::new();
            let mut in_tag = false;
            for c in cell.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text
        })
        .collect();
    let mut sorted = types.clone();
    sorted.sort();
    assert_eq!(types, sorted);
}

#[test]
fn catalogue_filters_by_text_tier_and_lifecycle() {
    let (_tmp, site) = built_example();
    let html = dom(&file_url(&site, "catalogue.html?q=payments"));
    assert!(
        html.contains("<span id=\"filter-count\" class=\"meta\">2 of 14 services</span>"),
        "{html}"
    );
    let visible: Vec<&str> = html
        .split("<tr data-tier=")
        .skip(1)
        .filter(|row| !row.split('>').next().unwrap().contains("hidden"))
        .map(|row| {
            row.split("data-text=\"")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(visible, ["payments", "legacy-gift-cards"]);
    let html = dom(&file_url(&site, "catalogue.html?tier=4&lifecycle=retired"));
    assert!(html.contains("1 of 14 services"), "{html}");
}

#[test]
fn service_page_shows_relations_graph_and_availability() {
    let (_tmp, site) = built_example();
    let html = dom(&file_url(&site, "service/warehouse-management.html"));
    assert!(
        html.contains(
            "<h1>Warehouse Management (Tilburg) <span class=\"kind\">Service</span></h1>"
        ),
        "{html}"
    );
    // 1 h 45 min of outage on 12 November, in a 30-day month: 99.757 %.
    assert!(
        html.contains("<span class=\"big bad\">99.757%</span>"),
        "{html}"
    );
    assert!(html.contains("105 minutes of outage"), "{html}");
    assert!(html.contains("<svg class=\"graph\""), "{html}");
    assert!(html.contains("incident/inc-2026-1112-tilburg-scanner-outage.html"));
}

#[test]
fn management_system_pages_show_in_a_browser() {
    let (_tmp, site) = built_example();
    let html = dom(&file_url(&site, "management-system.html"));
    assert!(
        html.contains(
            "<a href=\"management-system.html\" aria-current=\"page\">Management system</a>"
        ),
        "{html}"
    );
    assert!(html.contains("<strong>45 days ago</strong>"), "{html}");
    let html = dom(&file_url(&site, "risks.html"));
    assert!(
        html.contains("<td class=\"heat high above\" title=\"score 15\">1<span class=\"meta\"> (score 15, above appetite)</span></td>"),
        "{html}"
    );
    // A reference to a finding lands on it.
    let html = dom(&file_url(&site, "audit/2026-h2-operations.html#F1"));
    assert!(html.contains("<li id=\"F1\"><strong>F1</strong>"), "{html}");
    assert!(
        html.contains("addressed by: <a href=\"../improvement/emergency-change-reviews.html\">"),
        "{html}"
    );
}

#[test]
fn change_calendar_shows_a_freeze_and_a_conflict() {
    let (_tmp, site) = built_example();
    let html = dom(&file_url(&site, "changes.html"));
    assert!(
        html.contains("<td class=\"cal-day frozen empty\" data-date=\"2026-11-23\"><span class=\"cal-date\">23</span><span class=\"cal-freeze\">Freeze: Black Friday and Cyber Monday peak <span class=\"cal-until\">(to 2026-11-30)</span></span></td>"),
        "{html}"
    );
    assert!(
        html.contains("<li class=\"cal-entry release conflict planned\"><a href=\"release/wms-2027-01.html\" title=\"release:wms-2027-01\">Warehouse management, January 2027</a> <span class=\"cal-status\">release, planned, conflict</span></li>"),
        "{html}"
    );
    assert!(
        html.contains("both touch <a href=\"service/warehouse-management.html\">"),
        "{html}"
    );
}

/// A running `itsm serve`, stopped when dropped.
struct Serve {
    child: Child,
    addr: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(repo: &Path) -> Serve {
    let mut child = Command::new(env!("CARGO_BIN_EXE_itsm"))
        .args(["serve", "--port", "0", "--today", "2026-11-21"])
        .current_dir(repo)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The first line, or a kill if it does not come: a hang fails the test.
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(&mut stdout);
        let mut first = String::new();
        let _ = reader.read_line(&mut first);
        let _ = tx.send(first);
        // Drain the rest so the server never blocks on a full pipe.
        let mut sink = Vec::new();
        let _ = reader.read_to_end(&mut sink);
    });
    let Ok(first) = rx.recv_timeout(common::TIMEOUT) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "itsm serve printed nothing in {:?}: killed",
            common::TIMEOUT
        );
    };
    let addr = first
        .strip_prefix("serving http://")
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    Serve { child, addr }
}

/// GET over plain HTTP/1.0: status and body.
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(40))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_picks_up_edits_shows_errors_and_recovers() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    let server = serve(repo.path());
    let addr = server.addr.clone();
    wait_for("the first build", || {
        get(&addr, "/service/shop.html").0 == 200
    });
    let (_, page) = get(&addr, "/service/shop.html");
    assert!(page.contains("<h1>shop <span class=\"kind\">Service</span></h1>"));
    assert!(page.contains("<script src=\"../assets/live.js\"></script>"));
    // Paths out of the site are refused (more cases in tests/serve.rs).
    assert_eq!(get(&addr, "/../itsm.yaml").0, 400);
    assert_eq!(get(&addr, "/%2e%2e/itsm.yaml").0, 400);
    assert_eq!(get(&addr, "/").0, 200);

    // A poll waits for the next build and says the page changed.
    let (_, state) = get(&addr, "/__itsm/poll?v=-1&page=service/shop.html");
    let version: u64 = serde_json::from_str::<serde_json::Value>(&state).unwrap()["version"]
        .as_u64()
        .unwrap();
    let poll_addr = addr.clone();
    let poll = std::thread::spawn(move || {
        get(
            &poll_addr,
            &format!("/__itsm/poll?v={version}&page=service/shop.html"),
        )
        .1
    });
    std::thread::sleep(Duration::from_millis(300));
    let shop = "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\n  title: Shop Renamed\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 1\n  sla: gold\n  cis: [web]\n";
    write(
        repo.path(),
        &[
            ("services/shop.yaml", shop),
            ("services/.shop.yaml.swp", "junk"),
            ("services/shop.yaml~", "junk"),
        ],
    );
    let answer: serde_json::Value = serde_json::from_str(&poll.join().unwrap()).unwrap();
    assert_eq!(answer["reload"], true, "{answer}");
    assert_eq!(answer["errors"], serde_json::Value::Null);
    let (_, page) = get(&addr, "/service/shop.html");
    assert!(
        page.contains("<h1>Shop Renamed <span class=\"kind\">Service</span></h1>"),
        "{page}"
    );
    // The site on disk follows.
    assert!(
        std::fs::read_to_string(repo.path().join("site/service/shop.html"))
            .unwrap()
            .contains("Shop Renamed")
    );

    // A broken edit: the diagnostics show over the page, the last good page stays.
    write(
        repo.path(),
        &[(
            "services/shop.yaml",
            &shop.replace("sla: gold", "sla: platinum"),
        )],
    );
    wait_for("the diagnostics", || {
        get(&addr, "/__itsm/poll?v=-1&page=x")
            .1
            .contains("platinum")
    });
    let html = served_dom_showing(&format!("http://{addr}/service/shop.html"), |h| {
        h.contains("<div id=\"itsm-diagnostics\">")
    });
    assert!(html.contains("<div id=\"itsm-diagnostics\">"), "{html}");
    assert!(
        html.contains(
            "error[unresolved-ref]: service:shop refers to sla:platinum, which does not exist"
        ),
        "{html}"
    );
    assert!(
        html.contains("<h1>Shop Renamed"),
        "the last good page stays: {html}"
    );

    // The next good save recovers.
    write(
        repo.path(),
        &[(
            "services/shop.yaml",
            &shop.replace("Shop Renamed", "Shop Fixed"),
        )],
    );
    wait_for("the recovery", || {
        get(&addr, "/service/shop.html").1.contains("Shop Fixed")
    });
    let html = served_dom(&format!("http://{addr}/service/shop.html"));
    assert!(!html.contains("itsm-diagnostics\""), "{html}");
    assert!(html.contains("<h1>Shop Fixed"), "{html}");
}

#[test]
fn serve_starts_on_a_broken_repository() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    write(
        repo.path(),
        &[(
            "cis/web.yaml",
            "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: web\nspec:\n  owner: ops\n",
        )],
    );
    let server = serve(repo.path());
    let addr = server.addr.clone();
    wait_for("the diagnostics", || {
        get(&addr, "/").1.contains("error[schema]")
    });
    let (_, page) = get(&addr, "/index.html");
    assert!(page.contains("error[schema]"), "{page}");
    write(repo.path(), &[VALID[4]]);
    wait_for("the site", || get(&addr, "/index.html").0 == 200);
    let o = stdout(&itsm(repo.path(), &["check"]));
    assert!(o.starts_with("ok:"), "{o}");
}

/// The status line and the results (with their snippets) of a search page.
fn status_and_results(html: &str) -> String {
    let from = html.find("<p id=\"search-status\"").unwrap();
    let to = html[from..].find("</ol>").unwrap() + from;
    html[from..to].to_string()
}

#[test]
fn search_finds_the_same_when_its_shards_are_split() {
    let (_whole_tmp, whole) = built_example();
    let (_split_tmp, split) =
        common::search::build_split(&common::site::example(), "2026-11-21", 120);
    // `pa`, `pay` and `8.` are split (their files summaries), down to `pay0`, `8.5`, ...
    let index = common::search::Index::read(&split);
    for k in ["pa", "pay", "8_"] {
        assert!(index.split.contains(k), "{k}: {:?}", index.split);
    }
    let html = dom(&file_url(&split, "search.html?q=PAY0001"));
    assert_eq!(
        results(&html),
        [("service/payments.html".into(), "Payments".into())]
    );
    // Whole words, a clause, two words, and words as long as a split key.
    for q in [
        "PAY0001",
        "8.5.1",
        "okafor",
        "payments%20database",
        "pa",
        "8.5",
        "pay%20da",
    ] {
        let split_html = dom(&file_url(&split, &format!("search.html?q={q}")));
        let whole_html = dom(&file_url(&whole, &format!("search.html?q={q}")));
        assert!(!results(&whole_html).is_empty(), "{q}");
        assert_eq!(
            status_and_results(&split_html),
            status_and_results(&whole_html),
            "{q}"
        );
    }
}
