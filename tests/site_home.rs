//! The home page's "needs attention" panel, printing, the phone layout and the
//! accessibility basics of every page (issue 17, items 1 and 8): the HTML as
//! built, and what a person sees in headless Chromium (screen, phone and
//! print). Chromium and pdftotext (poppler-utils) are required: `.ci/run`
//! installs both.

mod common;

use common::site::{build, chromium, example, file_url, page, probe, probe_phone};

use common::{commit_all, copy_tree, files_under, itsm, run, stderr, stdout, valid_repo};
use std::path::{Path, PathBuf};
use std::process::Command;

const PDFTOTEXT: &str = "/usr/bin/pdftotext";
/// Six days after the window of `chg-storefront-web-2026-47` ended, which is
/// still `scheduled` in example-repo.
const TODAY: &str = "2026-11-30";
const SITE: &str = "Northwind Outfitters IT services";

/// example-repo copied into a new git repository, committed, and built: the
/// folder, the site and the short id of the commit.
fn built_in_git() -> (tempfile::TempDir, PathBuf, String) {
    let repo = tempfile::tempdir().unwrap();
    copy_tree(&example(), repo.path());
    let git = git2::Repository::init(repo.path()).unwrap();
    let oid = commit_all(&git, "records");
    let commit = git.find_object(oid, None).unwrap().short_id().unwrap();
    let commit = commit.as_str().unwrap().to_string();
    let out = repo.path().join("public");
    let o = itsm(
        repo.path(),
        &["build", "--today", TODAY, "--out", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    (repo, out, commit)
}

/// The HTML of the element with `id="{id}"` up to the end of its section.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}:\n{html}"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
}

/// The text of each printed page of `url` (Chromium's print to PDF, then pdftotext).
fn printed(url: &str) -> Vec<String> {
    assert!(
        Path::new(PDFTOTEXT).is_file(),
        "{PDFTOTEXT} is missing: the print tests need it; run `apt-get install poppler-utils`"
    );
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("page.pdf");
    chromium(&[
        "--no-pdf-header-footer",
        &format!("--print-to-pdf={}", pdf.display()),
        url,
    ]);
    // In the order Chromium draws: the text of a table cell together.
    let o = run(Command::new(PDFTOTEXT).arg("-raw").arg(&pdf).arg("-"));
    assert!(o.status.success(), "pdftotext failed: {}", stderr(&o));
    let text = stdout(&o);
    let pages: Vec<String> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert!(!pages.is_empty(), "nothing printed from {url}");
    pages
}

#[test]
fn the_home_page_shows_first_what_needs_attention() {
    let (_tmp, site) = build(&example(), TODAY);
    let home = page(&site, "index.html");
    // First on the page, before the record counts.
    let attention = home.find("<section id=\"attention\"").unwrap();
    assert!(attention < home.find("<section class=\"cards\"").unwrap());
    assert!(home.contains("<li><a href=\"#late-changes\"><span class=\"num\">1</span> <span class=\"what\">change past its window</span></a></li>"), "{home}");
    assert!(
        home.contains("<li class=\"zero\"><span class=\"num\">0</span> reviews due</li>"),
        "{home}"
    );
    let late = section(&home, "late-changes");
    assert!(late.contains("<li><a href=\"change/chg-storefront-web-2026-47.html\">storefront-web release 2026.47 (defect fixes only)</a> <span class=\"badge late\">scheduled</span> <span class=\"meta\">window ended 2026-11-24 10:00 UTC, 6 days ago: record whether it was implemented, rolled back or cancelled</span></li>"), "{late}");
    assert_eq!(late.matches("<li>").count(), 1, "{late}");
    // Open for 10 days 7 h 40 min at the end of the day: over the 10-day p4
    // target of gold, as `itsm report sla` says.
    let incidents = section(&home, "open-incidents");
    assert!(incidents.contains("<tr class=\"breached\"><td data-label=\"Incident\"><a href=\"incident/inc-2026-1120-order-emails-delayed.html\">Order confirmation e-mails delayed</a></td><td data-label=\"Priority\">P4</td><td data-label=\"Open for\">10 days <span class=\"meta\">since 2026-11-20 16:20 UTC</span></td><td data-label=\"Resolution target\"><span class=\"badge breached\">breached</span> target 10d 0h 0m</td></tr>"), "{incidents}");
    let breaches = section(&home, "sla-breaches");
    assert!(breaches.contains("<tr><td data-label=\"Service\"><a href=\"service/warehouse-management.html\">Warehouse Management (Tilburg)</a></td><td data-label=\"Window\">2026-11 <span class=\"meta\">(current)</span></td><td data-label=\"Missed\">availability</td><td data-label=\"What happened\">availability 99.757% is below the target 99.9% over 2026-11 (1h 45m of outage)</td></tr>"), "{breaches}");
    assert_eq!(breaches.matches("<tr><td").count(), 3, "{breaches}");
    // Coverage: 23 gaps of their own, the first 10 listed; the open finding F1 once.
    let gaps = section(&home, "coverage-gaps");
    assert_eq!(gaps.matches("<li>").count(), 10, "{gaps}");
    assert!(gaps.contains("<li><a href=\"coverage.html#clause-4.1\"><code>4.1</code> Understanding the organization and its context</a>: no Policy in force addresses it</li>"), "{gaps}");
    assert!(
        gaps.contains(
            "<p class=\"more\">and 13 more: <a href=\"coverage.html#gaps-only\">every gap</a></p>"
        ),
        "{gaps}"
    );
    let ncs = section(&home, "nonconformities");
    assert!(ncs.contains("<li><a href=\"audit/2026-h2-operations.html#F1\">Internal audit 2026 H2, service operation, finding F1</a> on <a href=\"coverage.html#clause-8.5.1.3\"><code>8.5.1.3</code></a></li>"), "{ncs}");
    // Where the links lead exists.
    let coverage = page(&site, "coverage.html");
    for id in ["clause-4.1", "clause-8.5.1.3", "gaps-only"] {
        assert!(coverage.contains(&format!(" id=\"{id}\"")), "{id}");
    }
    assert!(page(&site, "audit/2026-h2-operations.html").contains("<li id=\"F1\">"));
}

/// A repository whose Service breached its SLA last month and has an open p1
/// Incident past its 4-hour target, whose SLA is overdue for review: hostile
/// titles on each.
fn troubled() -> tempfile::TempDir {
    let sla = "apiVersion: itsm/v1\nkind: SLA\nmetadata:\n  name: gold\nspec:\n  owner: ops\n  customer: Shop\n  availability: 99.9\n  window: monthly\n  resolution: {p1: 4h, p2: 1d, p3: 3d, p4: 10d}\n  lastReviewed: 2025-01-10\n  reviewEvery: 12mo\n";
    let service = "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\n  title: \"Shop </svg><script>alert('s')</script>\"\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 1\n  sla: gold\n  cis: [web]\n";
    let outage = "apiVersion: itsm/v1\nkind: Incident\nmetadata:\n  name: inc-1\nspec:\n  priority: p2\n  services: [shop]\n  started: \"2026-10-05T10:00:00Z\"\n  resolved: \"2026-10-05T12:00:00Z\"\n  impact: outage\n  status: closed\n";
    let open = "apiVersion: itsm/v1\nkind: Incident\nmetadata:\n  name: inc-2\n  title: \"Down \\\"<b>again</b>\\\"\"\nspec:\n  priority: p1\n  services: [shop]\n  started: \"2026-11-14T08:00:00Z\"\n  impact: degraded\n  status: open\n";
    valid_repo(&[
        ("slas/gold.yaml", sla),
        ("services/shop.yaml", service),
        ("incidents/inc-1.yaml", outage),
        ("incidents/inc-2.yaml", open),
    ])
}

#[test]
fn breaches_of_the_last_window_and_overdue_reviews_come_from_the_commands() {
    let repo = troubled();
    let (_tmp, site) = build(repo.path(), "2026-11-15");
    let home = page(&site, "index.html");
    // October: 2 h of outage in 744 h is 99.731 %, below 99.9 %.
    let breaches = section(&home, "sla-breaches");
    assert!(breaches.contains("<td data-label=\"Window\">2026-10 <span class=\"meta\">(last)</span></td><td data-label=\"Missed\">availability</td><td data-label=\"What happened\">availability 99.731% is below the target 99.9% over 2026-10 (2h 0m of outage)</td>"), "{breaches}");
    // The p1 opened on the 14th at 08:00 is open for 40 h at the end of the 15th.
    assert!(breaches.contains("<td data-label=\"Window\">2026-11 <span class=\"meta\">(current)</span></td><td data-label=\"Missed\">resolution</td><td data-label=\"What happened\">incident:inc-2 (p1) open for 1d 16h 0m, over the p1 target of 4h 0m</td>"), "{breaches}");
    let incidents = section(&home, "open-incidents");
    assert!(incidents.contains("<tr class=\"breached\"><td data-label=\"Incident\"><a href=\"incident/inc-2.html\">Down &quot;&lt;b&gt;again&lt;/b&gt;&quot;</a></td><td data-label=\"Priority\">P1</td><td data-label=\"Open for\">1 day <span class=\"meta\">since 2026-11-14 08:00 UTC</span></td><td data-label=\"Resolution target\"><span class=\"badge breached\">breached</span> target 4h 0m</td></tr>"), "{incidents}");
    // The check's review-overdue diagnostic, not a computation of the site's own.
    let check = itsm(repo.path(), &["check", "--today", "2026-11-15"]);
    assert!(
        stdout(&check).contains("review-overdue"),
        "{}",
        stdout(&check)
    );
    let reviews = section(&home, "reviews-due");
    assert!(
        reviews.contains("<li><a href=\"sla/gold.html\">gold</a>: "),
        "{reviews}"
    );
    assert!(
        reviews.contains("<code>review-overdue</code></li>"),
        "{reviews}"
    );
    // Record text is escaped everywhere on the page.
    assert!(!home.contains("<script>alert"), "{home}");
    assert!(!home.contains("</svg><script>"), "{home}");
    assert!(
        breaches.contains("Shop &lt;/svg&gt;&lt;script&gt;alert(&#39;s&#39;)&lt;/script&gt;</a>"),
        "{breaches}"
    );
    // Health reflects all of it: one warning (the review), four kinds of attention.
    assert!(home.contains("<p class=\"warn\">No errors; 1 warning; needs attention: <a href=\"#open-incidents\">1 open incident</a>, <a href=\"#sla-breaches\">2 SLA breaches</a>, <a href=\"#reviews-due\">1 review due</a>"), "{home}");
}

#[test]
fn every_page_has_a_description_a_favicon_and_its_nav_item_marked() {
    let (_tmp, site) = build(&example(), TODAY);
    let mut pages = 0;
    for file in files_under(&site) {
        if file.extension().is_none_or(|e| e != "html") {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(&file).unwrap();
        let rel = file.strip_prefix(&site).unwrap().display().to_string();
        let root = "../".repeat(rel.matches('/').count());
        let description = html
            .split("<meta name=\"description\" content=\"")
            .nth(1)
            .and_then(|d| d.split('"').next())
            .unwrap_or_else(|| panic!("{rel}: no description"));
        assert!(description.len() > 20, "{rel}: {description}");
        assert!(
            html.contains(&format!(
                "<link rel=\"icon\" href=\"{root}assets/favicon.svg\" type=\"image/svg+xml\">"
            )),
            "{rel}"
        );
        assert!(
            html.contains("<a class=\"skip\" href=\"#main\">Skip to main content</a>"),
            "{rel}"
        );
        assert!(html.contains("<main id=\"main\" tabindex=\"-1\">"), "{rel}");
        assert!(html.matches("aria-current=\"page\"").count() <= 2, "{rel}");
    }
    assert!(pages > 127, "{pages} pages");
    assert!(
        page(&site, "assets/favicon.svg").starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"")
    );
    assert!(
        page(&site, "catalogue.html")
            .contains("<a href=\"catalogue.html\" aria-current=\"page\">Catalogue</a>")
    );
    assert!(page(&site, "changes.html").contains("<a href=\"catalogue.html\">Catalogue</a>"));
    assert!(
        page(&site, "service/index.html")
            .contains("<li><a href=\"../service/index.html\" aria-current=\"page\">Services</a>")
    );
    assert!(
        page(&site, "index.html")
            .contains("<a class=\"brand\" href=\"index.html\" aria-current=\"page\">")
    );
    // A record's description, else its kind and id.
    assert!(page(&site, "service/payments.html").contains("<meta name=\"description\" content=\"Payment authorisation, capture and refunds for every order, through Cobalt Payments.\">"));
    let ci = page(&site, "ci/airflow-prod.html");
    assert!(
        ci.contains(&format!(
            "<meta name=\"description\" content=\"CI ci:airflow-prod · {SITE}\">"
        )),
        "{ci}"
    );
}

#[test]
fn the_footer_names_the_commit_or_says_there_is_none() {
    let (_repo, site, commit) = built_in_git();
    assert_eq!(commit.len(), 7, "{commit}");
    for rel in ["index.html", "service/payments.html", "coverage.html"] {
        assert!(
            page(&site, rel).contains(&format!("<footer class=\"foot\">{SITE} · generated by itsm on {TODAY} · commit {commit}</footer>")),
            "{rel}"
        );
    }
    let plain = valid_repo(&[]);
    let (_tmp, site) = build(plain.path(), TODAY);
    assert!(page(&site, "index.html").contains("<footer class=\"foot\">Test · generated by itsm on 2026-11-30 · not a git checkout</footer>"));
    let html = page(&site, "service/shop.html");
    assert!(html.contains("not a git checkout"), "{html}");
}

#[test]
fn an_overdue_change_shows_in_the_browser_with_its_age() {
    let (_tmp, site) = build(&example(), TODAY);
    let o = chromium(&[
        "--virtual-time-budget=3000",
        "--dump-dom",
        &file_url(&site, "index.html"),
    ]);
    let dom = stdout(&o);
    assert!(dom.contains("<a href=\"change/chg-storefront-web-2026-47.html\">storefront-web release 2026.47 (defect fixes only)</a> <span class=\"badge late\">scheduled</span> <span class=\"meta\">window ended 2026-11-24 10:00 UTC, 6 days ago"), "{dom}");
    // Shown, not only in the markup: the list is laid out with a height.
    let shown = probe(
        &site,
        "index.html",
        "1280,900",
        "document.querySelector('#late-changes li').getBoundingClientRect().height > 10 && document.querySelector('#late-changes').checkVisibility()",
    );
    assert_eq!(shown, "true");
}

#[test]
fn printed_pages_carry_the_site_the_build_date_and_the_commit() {
    let (_repo, site, commit) = built_in_git();
    let stamp = format!("{SITE} · built {TODAY} · commit {commit}");
    for rel in ["coverage.html", "service/payments.html", "index.html"] {
        let pages = printed(&file_url(&site, rel));
        for (n, text) in pages.iter().enumerate() {
            assert!(
                text.contains(&stamp),
                "{rel} page {}: no stamp in\n{text}",
                n + 1
            );
            assert!(
                text.contains(&format!("{} / {}", n + 1, pages.len())),
                "{rel} page {}:\n{text}",
                n + 1
            );
            // The navigation and the skip link are not printed.
            assert!(!text.contains("Skip to main content"), "{rel}:\n{text}");
            assert!(!text.contains("Records by kind"), "{rel}:\n{text}");
        }
        if rel == "coverage.html" {
            assert!(pages.len() > 1, "the coverage page prints on several pages");
        }
    }
}

#[test]
fn gaps_only_shows_and_prints_only_the_gaps() {
    let (_tmp, site) = build(&example(), TODAY);
    let all = printed(&file_url(&site, "coverage.html")).concat();
    let gaps = printed(&file_url(&site, "coverage.html#gaps-only")).concat();
    for text in [&all, &gaps] {
        assert!(text.contains("Understanding the organization"), "{text}");
    }
    // 8.5.1.2 is evidenced: printed with every clause, not with the gaps only.
    assert!(all.contains("Change management initiation"), "{all}");
    assert!(!gaps.contains("Change management initiation"), "{gaps}");
    let rows = "Array.prototype.filter.call(document.querySelectorAll('#clauses tbody tr'), function (r) { return r.checkVisibility(); }).map(function (r) { return r.className.split(' ')[0]; }).join(',')";
    let shown = probe(&site, "coverage.html#gaps-only", "1280,900", rows);
    assert!(
        !shown.is_empty() && shown.split(',').all(|s| s == "gap"),
        "{shown}"
    );
    // Evidence collapses to a count; the records are one click away.
    let html = page(&site, "coverage.html");
    assert!(
        html.contains("<td>8.5.1.2</td><td>Change management initiation</td>"),
        "{html}"
    );
    assert!(html.contains("<details class=\"evidence\"><summary>8 records <span class=\"meta\">for 2 rules</span></summary><div>Changes <span class=\"meta\">within 12mo</span>: <strong>7</strong>"), "{html}");
}

#[test]
fn nothing_scrolls_sideways_on_a_phone() {
    let (_tmp, site) = build(&example(), TODAY);
    let widths = "document.documentElement.scrollWidth + ' ' + window.innerWidth";
    for rel in [
        "index.html",
        "service/payments.html",
        "catalogue.html",
        "coverage.html",
        "team/payments.html",
        "sla/gold.html",
        "incident/inc-2026-0917-checkout-payment-failures.html",
        "problem/prb-search-merge-latency.html",
    ] {
        let got = probe_phone(&site, rel, widths);
        let (scroll, view) = got.split_once(' ').unwrap();
        let (scroll, view): (u32, u32) = (scroll.parse().unwrap(), view.parse().unwrap());
        assert_eq!(view, 390, "{rel}: the window is not a phone's");
        assert!(
            scroll <= view,
            "{rel}: {scroll} px wide in a {view} px window"
        );
    }
    // The navigation folds into a menu on a phone, and is open on a desktop.
    let nav = "document.querySelector('.main-nav a').checkVisibility() + ' ' + document.querySelector('.side a').checkVisibility()";
    assert_eq!(probe_phone(&site, "index.html", nav), "false false");
    assert_eq!(probe(&site, "index.html", "1280,900", nav), "true true");
}

#[test]
fn the_skip_link_shows_on_focus_and_leads_to_the_content() {
    let (_tmp, site) = build(&example(), TODAY);
    let script = "(function () { var s = document.querySelector('a.skip'); var before = s.getBoundingClientRect().right; s.focus(); var after = s.getBoundingClientRect().left; var first = document.querySelector('a, button, input, summary'); var target = document.querySelector(s.getAttribute('href')); return [before <= 0, after >= 0, first === s, target.tagName].join(' '); })()";
    assert_eq!(
        probe(&site, "service/payments.html", "1280,900", script),
        "true true true MAIN"
    );
}
