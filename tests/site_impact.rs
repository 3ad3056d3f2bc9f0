//! Change and CI pages of the site: the impact of a change (as `itsm impact`
//! and the approval gate compute it), the window of a Change with its
//! overlaps, and its approval evidence from git history (as `itsm audit`),
//! with approvers from a GitHub stand-in on 127.0.0.1.

mod common;

use common::site::{build, example, page};
use common::{assert_exit, assert_has, itsm, stderr, valid_repo, write};
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-21";

/// The impact panel of a page.
fn panel<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section class=\"panel\" id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no panel {id}"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
}

#[test]
fn a_ci_page_shows_what_a_change_to_it_reaches_and_who_approves() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "ci/payments-db-prod.html");
    let p = panel(&html, "impact");
    assert_has(
        p,
        "<p class=\"impact-summary\">A change to this CI reaches <strong>7 records</strong>: 4 Services, 3 CIs. <strong class=\"bad tier1-flag\">Tier 1 reached</strong>: <a href=\"../service/payments.html\">Payments</a>, <a href=\"../service/web-shop.html\">Web Shop</a>.</p>",
    );
    // Business Services only; Payments is a technical one.
    let business = &p[p.find("<ul class=\"impact-services\">").unwrap()..];
    let business = &business[..business.find("</ul>").unwrap()];
    let names: Vec<&str> = business
        .match_indices("\">")
        .filter_map(|(i, _)| business[i + 2..].split('<').next())
        .filter(|s| {
            !s.is_empty()
                && !s.starts_with("Service")
                && !s.starts_with("Tier")
                && !s.starts_with("owner")
        })
        .collect();
    assert_eq!(
        names,
        ["Gift Cards (legacy)", "Northwind Mobile App", "Web Shop"]
    );
    assert_has(
        p,
        "<p>And 1 technical or untyped Service in the tree below.</p>",
    );
    // The Teams of `itsm impact ci:payments-db-prod`, with why.
    assert_has(
        p,
        "<tr><td><a href=\"../team/storefront.html\">Digital Storefront</a></td><td>owns service:mobile-app; owns service:web-shop</td></tr>",
    );
    assert_has(
        p,
        "<tr><td><a href=\"../team/cab.html\">Change Advisory Board</a></td><td>tier 1 reached: service:payments, service:web-shop (cab)</td></tr>",
    );
    assert_has(
        p,
        "<tr><td><a href=\"../team/payments.html\">Payments</a></td><td>owns ci:payments-db-prod; owns service:payments; owns ci:payments-db-dr; owns ci:pgbouncer-payments; owns service:legacy-gift-cards; owns ci:payments-api-prod</td></tr>",
    );
    // The tree: PgBouncer under the database, payments-api under PgBouncer.
    assert_has(
        p,
        "<li><a href=\"../ci/pgbouncer-payments.html\">PgBouncer pool for the payments database</a> <span class=\"badge\">CI</span> <span class=\"owner\">owner payments</span><ul><li><a href=\"../ci/payments-api-prod.html\">",
    );
    assert_eq!(p.matches("<li>").count(), 1 + 7 + 3, "{p}");
    // The same facts as the command line.
    let cli = itsm(&example(), &["impact", "ci:payments-db-prod"]);
    let cli = String::from_utf8(cli.stdout).unwrap();
    assert_has(
        &cli,
        "7 record(s) impacted (4 Service(s), 3 CI(s)); tier 1 reached",
    );
    assert_has(
        &cli,
        "  storefront: owns service:mobile-app; owns service:web-shop\n",
    );
}

#[test]
fn a_change_page_shows_its_window_overlaps_and_the_gate_s_teams() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "change/chg-scanner-wifi-firmware.html");
    let w = panel(&html, "window");
    assert_has(
        w,
        "<p class=\"window\"><time datetime=\"2027-01-10T21:00:00Z\">Sun 10 Jan 2027 22:00</time> – <time datetime=\"2027-01-11T03:00:00Z\">Mon 11 Jan 04:00</time> +01:00, <strong>6 h</strong></p>",
    );
    assert_has(
        w,
        "<strong class=\"bad overlap-flag\">Overlaps 1 other window(s)</strong>",
    );
    assert_has(
        w,
        "<tr class=\"overlap\"><td><a href=\"../release/wms-2027-01.html\">Warehouse management, January 2027</a></td><td>2027-01-11 02:00 to 04:00</td><td><a href=\"../service/warehouse-management.html\">Warehouse Management (Tilburg)</a></td></tr>",
    );
    // The window is the panel's, not a raw fact too.
    assert!(!html.contains("<dt>Window</dt>"), "{html}");
    let html = page(&site, "change/chg-payments-pgbouncer.html");
    assert_has(
        panel(&html, "window"),
        "<p class=\"ok\">No other Change or Release overlaps it on a shared Service or CI.</p>",
    );
    let p = panel(&html, "impact");
    assert_has(
        p,
        "<p class=\"impact-summary\">This Change reaches <strong>6 records</strong>: 4 Services, 2 CIs. <strong class=\"bad tier1-flag\">Tier 1 reached</strong>",
    );
    assert_has(
        p,
        "<tr><td><a href=\"../team/cab.html\">Change Advisory Board</a></td><td>1</td><td>normal change impacting tier-1 service:payments; normal change impacting ci:payments-api-prod, which tier-1 service:payments uses; normal change impacting ci:pgbouncer-payments, which tier-1 service:payments uses</td></tr>",
    );
    assert_has(
        p,
        "<tr><td><a href=\"../team/payments.html\">Payments</a></td><td>1</td><td>normal change impacting service:payments (its owner); normal change impacting ci:payments-api-prod (its owner); normal change impacting ci:pgbouncer-payments (its owner)</td></tr>",
    );
    // An emergency Change needs the ECAB.
    let html = page(&site, "change/chg-payments-pool-limit-hotfix.html");
    assert_has(panel(&html, "impact"), "<a href=\"../team/ecab.html\">");
}

/// A Change of `name` with `title`, impacting `impacts`, in `window`.
fn change(name: &str, title: &str, impacts: &str, window: (&str, &str)) -> String {
    format!(
        "apiVersion: itsm/v1\nkind: Change\nmetadata:\n  name: {name}\n  title: '{title}'\nspec:\n  type: normal\n  risk: low\n  impacts: [{impacts}]\n  requestedBy: octocat\n  status: proposed\n  window:\n    start: \"{}\"\n    end: \"{}\"\n  backout: Undo.\n",
        window.0, window.1
    )
}

#[test]
fn windows_that_touch_do_not_overlap_and_windows_that_overlap_are_flagged() {
    let dir = valid_repo(&[
        (
            "changes/x.yaml",
            &change(
                "x",
                "X",
                "service:shop",
                ("2027-03-01T08:00:00Z", "2027-03-01T10:00:00Z"),
            ),
        ),
        (
            "changes/y.yaml",
            &change(
                "y",
                "Y",
                "service:shop",
                ("2027-03-01T10:00:00Z", "2027-03-01T12:00:00Z"),
            ),
        ),
        (
            "changes/w.yaml",
            &change(
                "w",
                "W",
                "ci:web, service:shop",
                ("2027-03-01T11:59:00Z", "2027-03-01T13:00:00Z"),
            ),
        ),
    ]);
    let (_tmp, site) = build(dir.path(), TODAY);
    let x = page(&site, "change/x.html");
    assert_has(
        panel(&x, "window"),
        "<p class=\"ok\">No other Change or Release overlaps it",
    );
    assert_has(panel(&x, "window"), "UTC, <strong>2 h</strong></p>");
    let y = page(&site, "change/y.html");
    let y = panel(&y, "window");
    assert_has(y, "Overlaps 1 other window(s)");
    assert_has(
        y,
        "<td><a href=\"../change/w.html\">W</a></td><td>2027-03-01 11:59 to 13:00</td><td><a href=\"../service/shop.html\">shop</a></td>",
    );
    assert!(!y.contains("change/x.html"), "{y}");
    let w = page(&site, "change/w.html");
    assert_has(
        panel(&w, "window"),
        "<td><a href=\"../change/y.html\">Y</a></td><td>2027-03-01 10:00 to 12:00</td>",
    );
    assert_has(panel(&w, "window"), "<strong>1 h 1 min</strong>");
}

#[test]
fn a_long_chain_stops_the_walk_and_says_at_least() {
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..150 {
        let deps = if i == 0 {
            String::new()
        } else {
            format!("  dependsOn: [ci:c{}]\n", i - 1)
        };
        files.push((
            format!("cis/c{i}.yaml"),
            format!("apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: c{i}\nspec:\n  owner: ops\n  type: application\n  environment: production\n{deps}"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = valid_repo(&refs);
    let (_tmp, site) = build(dir.path(), TODAY);
    let p = page(&site, "ci/c0.html");
    let p = panel(&p, "impact");
    assert_has(
        p,
        "A change to this CI reaches at least <strong>100 records</strong>: 0 Services, 100 CIs. No tier-1 Service is reached within the records walked.</p>",
    );
    assert_has(
        p,
        "<p class=\"note\">The page stops after 100 records; <code>itsm impact ci:c0</code> lists them all.</p>",
    );
    assert_eq!(p.matches("<li>").count(), 101, "the root and 100 records");
    // The command line walks everything.
    let cli = itsm(dir.path(), &["impact", "ci:c0"]);
    assert_has(
        &String::from_utf8(cli.stdout).unwrap(),
        "\n149 record(s) impacted (0 Service(s), 149 CI(s))\n",
    );
}

const HOSTILE: &str = "<script>alert(1)</script> \"quoted\" </svg>";
const AUTHOR: &str = "Zoë \"Q\" & O'Brien";

/// Commits the work tree as `who` on 2026-03-02 at noon UTC, with extra parents.
fn commit(repo: &git2::Repository, message: &str, who: &str, extra: &[git2::Oid]) -> git2::Oid {
    let sig =
        git2::Signature::new(who, "who@example.com", &git2::Time::new(1_772_452_800, 0)).unwrap();
    common::commit_as(repo, message, &sig, extra)
}

/// A git repository whose Change `chg-a` (a hostile title) came in pull
/// request #12, merged with a merge commit by [`AUTHOR`]; `chg-b` is not
/// committed.
fn history() -> tempfile::TempDir {
    let dir = valid_repo(&[(
        "itsm.yaml",
        "name: Test\nadmins: ops\ncab: ops\necab: ops\ngithub: acme/itsm\n",
    )]);
    let root = dir.path();
    let repo = git2::Repository::init(root).unwrap();
    let base = commit(&repo, "Initial records", "Alice", &[]);
    let window = ("2027-03-01T22:00:00+01:00", "2027-03-02T02:00:00+01:00");
    write(
        root,
        &[(
            "changes/chg-a.yaml",
            &change("chg-a", HOSTILE, "service:shop", window),
        )],
    );
    let side = commit(&repo, "Add chg-a", "Carol", &[]);
    repo.set_head_detached(base).unwrap();
    repo.reference("refs/heads/main", base, true, "main")
        .unwrap();
    repo.set_head("refs/heads/main").unwrap();
    commit(
        &repo,
        "Merge pull request #12 from acme/chg-a\n\nAdd chg-a",
        AUTHOR,
        &[side],
    );
    let later = ("2027-04-01T08:00:00Z", "2027-04-01T09:00:00Z");
    write(
        root,
        &[("changes/chg-b.yaml", &change("chg-b", "B", "ci:web", later))],
    );
    dir
}

fn build_in(dir: &Path, args: &[&str]) -> (std::process::Output, PathBuf, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let mut all = vec!["build", "--today", TODAY, "--out", out.to_str().unwrap()];
    all.extend(args);
    (itsm(dir, &all), out, tmp)
}

#[test]
fn a_change_page_shows_the_pull_request_and_author_that_brought_it_escaped() {
    let dir = history();
    let (o, site, _tmp) = build_in(dir.path(), &[]);
    assert_exit(&o, 0);
    assert_eq!(stderr(&o), "");
    let html = page(&site, "change/chg-a.html");
    let e = panel(&html, "evidence");
    assert_has(
        e,
        "<p class=\"evidence-summary\">Added on 2026-03-02 by Zoë &quot;Q&quot; &amp; O&#39;Brien in pull request <a href=\"https://github.com/acme/itsm/pull/12\">#12</a>.</p>",
    );
    assert_has(
        e,
        "<td>added</td><td>2026-03-02</td><td><a href=\"https://github.com/acme/itsm/commit/",
    );
    assert_has(
        e,
        "</code></a></td><td><a href=\"https://github.com/acme/itsm/pull/12\">#12</a></td><td>Zoë &quot;Q&quot; &amp; O&#39;Brien</td></tr>",
    );
    assert_has(e, "<code>itsm build --approvers</code>");
    // The hostile title is text wherever it shows.
    assert!(!html.contains("<script>alert"), "{html}");
    assert_has(
        panel(&html, "impact"),
        "<a href=\"../change/chg-a.html\">&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &lt;/svg&gt;</a>",
    );
    assert_has(
        panel(&html, "window"),
        ">Mon 1 Mar 2027 22:00</time> – <time datetime=\"2027-03-02T01:00:00Z\">Tue 2 Mar 02:00</time> +01:00, <strong>4 h</strong>",
    );
    // Not committed yet: no evidence, said so.
    let b = page(&site, "change/chg-b.html");
    assert_has(panel(&b, "evidence"), "it is not committed yet");
}

#[test]
fn approvers_are_read_from_github_only_when_asked() {
    use serde_json::json;
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, ResponseTemplate};
    let dir = history();
    let api = common::api::Api::start();
    let review = json!([{"id": 1, "node_id": "PRR_1", "user": common::api::user("carol", 1001),
        "state": "APPROVED", "commit_id": "abc", "submitted_at": "2026-03-01T10:00:00Z", "body": "",
        "html_url": "https://github.com/acme/itsm/pull/12#pullrequestreview-1",
        "pull_request_url": "https://api.github.com/repos/acme/itsm/pulls/12",
        "author_association": "MEMBER"}]);
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/pulls/12/reviews"))
            .and(query_param("page", "1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(review))
            .expect(1),
    );
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let run = |token: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_itsm"));
        cmd.args(["build", "--approvers", "--today", TODAY, "--out"])
            .arg(&site)
            .current_dir(dir.path())
            .env("GITHUB_API_URL", api.server.uri())
            .env_remove("GITHUB_TOKEN");
        if let Some(t) = token {
            cmd.env("GITHUB_TOKEN", t);
        }
        common::run(&mut cmd)
    };
    // No token: refused, nothing written.
    let o = run(None);
    assert_exit(&o, 2);
    assert_has(
        &stderr(&o),
        "--approvers reads the approvers from GitHub and needs GITHUB_TOKEN",
    );
    assert!(!site.exists());
    let o = run(Some("ghp_secret_for_build"));
    assert_exit(&o, 0);
    let html = page(&site, "change/chg-a.html");
    let e = panel(&html, "evidence");
    assert_has(e, "<th scope=\"col\">Approved by</th>");
    assert_has(
        e,
        "</td><td>Zoë &quot;Q&quot; &amp; O&#39;Brien</td><td>carol</td></tr>",
    );
    assert!(!e.contains("--approvers"), "{e}");
    for f in common::files_under(&site) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("ghp_secret"),
            "{}",
            f.display()
        );
    }
    assert_eq!(
        api.received(),
        ["GET /repos/acme/itsm/pulls/12/reviews?per_page=100&page=1"]
    );
}

#[test]
fn without_history_the_build_goes_on_and_says_why() {
    // Not a git checkout.
    let dir = valid_repo(&[(
        "changes/x.yaml",
        &change(
            "x",
            "X",
            "service:shop",
            ("2027-03-01T08:00:00Z", "2027-03-01T10:00:00Z"),
        ),
    )]);
    // Outside git there is no history to miss: the page says so, stderr does not.
    let (o, site, _tmp) = build_in(dir.path(), &[]);
    assert_exit(&o, 0);
    assert_eq!(stderr(&o), "");
    let html = page(&site, "change/x.html");
    assert_has(
        panel(&html, "evidence"),
        "No approval evidence: the site was built without the history of its Changes (",
    );
    assert_has(panel(&html, "evidence"), "is not in a git repository");
    // A shallow clone: the history would name the wrong commit and author.
    let full = history();
    common::commit_all(&git2::Repository::open(full.path()).unwrap(), "Add chg-b");
    let clone = common::shallow_clone(full.path(), 1);
    let (o, site, _tmp3) = build_in(clone.path(), &[]);
    assert_exit(&o, 0);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_has(
        &err,
        "note: no approval evidence on Change pages: the repository is a shallow clone",
    );
    let html = page(&site, "change/chg-a.html");
    assert_has(
        panel(&html, "evidence"),
        "(the repository is a shallow clone: its history stops at a commit",
    );
    // Quiet: nothing on stderr.
    let (o, _site, _tmp4) = build_in(clone.path(), &["-q"]);
    assert_exit(&o, 0);
    assert_eq!(stderr(&o), "");
}

#[test]
fn a_rev_build_walks_history_from_that_revision() {
    let dir = history();
    let repo = git2::Repository::open(dir.path()).unwrap();
    let merged = repo.head().unwrap().target().unwrap().to_string();
    common::commit_all(&repo, "Add chg-b (#13)");
    let (o, site, _tmp) = build_in(dir.path(), &["--rev", &merged]);
    assert_exit(&o, 0);
    assert!(!site.join("change/chg-b.html").exists());
    let (o, site, _tmp) = build_in(dir.path(), &[]);
    assert_exit(&o, 0);
    let b = page(&site, "change/chg-b.html");
    assert_has(
        panel(&b, "evidence"),
        "in pull request <a href=\"https://github.com/acme/itsm/pull/13\">#13</a>.</p>",
    );
}

#[test]
fn a_browser_shows_the_window_the_overlap_and_the_tier_1_flag() {
    let (_tmp, site) = build(&example(), TODAY);
    let url = |rel: &str| format!("file://{}/{rel}", site.display());
    let dump = |rel: &str| {
        let o = common::site::chromium(&["--virtual-time-budget=5000", "--dump-dom", &url(rel)]);
        String::from_utf8(o.stdout).unwrap()
    };
    let html = dump("change/chg-scanner-wifi-firmware.html");
    assert_has(&html, "<h2>Window</h2>");
    assert_has(&html, ">Sun 10 Jan 2027 22:00</time> – ");
    assert_has(
        &html,
        "<strong class=\"bad overlap-flag\">Overlaps 1 other window(s)</strong>",
    );
    assert_has(
        &html,
        "<details class=\"impact-tree\" open=\"\"><summary>What depends on it, transitively</summary>",
    );
    let html = dump("ci/payments-db-prod.html");
    assert_has(
        &html,
        "<strong class=\"bad tier1-flag\">Tier 1 reached</strong>",
    );
}
