//! The site's Service, Customer and capacity views: SLA history (the rows of
//! `itsm report sla`), continuity tests, releases, capacity charts and the
//! capacity overview, a Customer's services and satisfaction; exact facts of
//! example-repo, and hostile text in every one of them.

mod common;

use common::site::{build, example, page, section};

use common::{itsm, stdout, valid_repo};
use std::path::Path;

const TODAY: &str = "2026-11-21";

#[test]
fn payments_shows_its_september_breach_as_report_sla_counts_it() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "service/payments.html");
    let history = section(&html, "SLA history");
    assert!(
        history.contains("<strong class=\"bad\">1 breached</strong>"),
        "{history}"
    );
    assert!(
        history.contains("<tr class=\"breached\"><td>2026-09</td><td>99.838%</td><td>1h 10m</td><td><strong class=\"bad\">breached</strong></td></tr>"),
        "{history}"
    );
    assert!(history.contains("<tr><td>2026-11 (to date)</td><td>100.000%</td>"));
    assert!(history.contains("<tr><td>2025-12</td><td>100.000%</td>"));
    let windows = history.split("sla-windows").nth(1).unwrap();
    let windows = &windows[..windows.find("</table>").unwrap()];
    assert_eq!(
        windows.matches("<tr").count(),
        13,
        "a header and 12 windows"
    );
    assert!(
        history.contains("<td><a href=\"../incident/inc-2026-0917-checkout-payment-failures.html\">Checkout payments failing (database connections exhausted)</a></td><td>p1</td><td>outage</td><td>2026-09-17 18:42 UTC</td><td>1h 10m</td><td>4h 0m</td><td><span class=\"ok\">met</span></td>"),
        "{history}"
    );
    // The same figure as the command line's for that month.
    let o = itsm(
        &example(),
        &["report", "sla", "--today", TODAY, "--period", "2026-09"],
    );
    assert!(
        stdout(&o).contains("payments (sla gold, monthly, 24x7) 2026-09: availability 99.838% (target 99.95%) BREACHED"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn the_sla_report_page_lists_breaches_first() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "sla.html");
    assert!(
        html.contains("11 Services with an SLA, 4 with a breached window."),
        "{html}"
    );
    let monthly = section(&html, "Monthly windows");
    let header: Vec<&str> = monthly
        .split("<th scope=\"col\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap())
        .collect();
    assert_eq!(header[3], "2026-11");
    assert_eq!(header[14], "2025-12");
    let rows: Vec<&str> = monthly.split("<tr").skip(2).collect();
    let names: Vec<&str> = rows
        .iter()
        .map(|r| {
            let th = r.split("<th scope=\"row\"><a href=\"").nth(1).unwrap();
            th.split("\">").nth(1).unwrap().split('<').next().unwrap()
        })
        .collect();
    assert_eq!(
        names,
        [
            "Northwind Mobile App",
            "Payments",
            "Warehouse Management (Tilburg)",
            "Web Shop",
            "Cloud Platform",
            "Customer Identity",
            "Order Management",
            "Product Search"
        ]
    );
    let payments = rows[1];
    assert!(payments.starts_with(" class=\"breached\">"), "{payments}");
    let cells: Vec<&str> = payments.split("<td").skip(3).collect();
    assert_eq!(
        cells[2],
        " class=\"breach\" title=\"1h 10m of outage\"><strong>99.838%</strong><br>breached</td>",
        "the third window from today, 2026-09"
    );
    // Bronze took effect on 2025-04-01: no window before.
    let quarterly = section(&html, "Quarterly windows");
    assert!(
        quarterly.contains("<th scope=\"col\">2025-Q2</th></tr>"),
        "{quarterly}"
    );
    assert!(!quarterly.contains("2025-Q1"));
}

#[test]
fn continuity_shows_the_latest_test_and_the_failed_one() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "service/payments.html");
    let c = section(&html, "Continuity");
    assert!(
        c.contains("<p>Objectives: RTO 30m, RPO 0m; a passed test is due every 12mo. The next test is due by 2027-04-14.</p>"),
        "{c}"
    );
    assert!(c.contains("Latest test, on 2026-04-14: <span class=\"ok\">passed</span>. Recovery took 25m of 30m (<span class=\"ok\">within</span>)"), "{c}");
    assert!(
        c.contains("<tr class=\"failed\"><td>2026-02-17</td><td><strong class=\"bad\">failed</strong></td><td>2h of 30m (<strong class=\"bad\">missed</strong>)</td><td>0m of 0m (<span class=\"ok\">within</span>)</td>"),
        "{c}"
    );
    assert!(
        !html.contains("<dt>Continuity</dt>"),
        "shown once, in its panel"
    );
}

#[test]
fn a_service_lists_its_releases_with_status_and_window() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "service/web-shop.html");
    assert!(
        section(&html, "Releases").contains("<tr><td><a href=\"../release/storefront-2026-11-2.html\">Storefront 2026.11.2 (winter search)</a></td><td><span class=\"badge deployed\">deployed</span></td><td>2026-11-05 21:00 UTC to 2026-11-05 23:00 UTC</td></tr>"),
        "{html}"
    );
    assert!(!html.contains("<h2>Related releases</h2>"));
    // Only Incidents under Incidents (Releases, Objectives and Audits name
    // Services in the same `services` field).
    let incidents = section(&html, "Incidents");
    for other in ["release/", "objective/", "audit/"] {
        assert!(!incidents.contains(other), "{incidents}");
    }
}

#[test]
fn capacity_overview_puts_least_headroom_first() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "capacity.html");
    assert!(html.contains("4 entries, 1 at or forecast above its threshold within 12 months."));
    let rows: Vec<&str> = html.split("<tr").skip(2).collect();
    let links: Vec<&str> = rows
        .iter()
        .map(|r| {
            r.split("href=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(
        links,
        [
            "service/product-search.html#capacity",
            "ci/k8s-prod-eu-west.html#capacity",
            "service/payments.html#capacity",
            "ci/wms-server-tlb-01.html#capacity"
        ]
    );
    assert!(
        rows[0].contains("<td>queries-per-second</td><td>610 qps</td><td>1010 qps</td><td>1200 qps</td><td>960 qps (80%)</td><td>190 qps <span class=\"meta\">(15.83%)</span></td><td><strong class=\"bad\">2027-10-31</strong></td>"),
        "{}",
        rows[0]
    );
}

#[test]
fn capacity_entries_are_charts_with_their_numbers() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "service/product-search.html");
    let cap = section(&html, "Capacity");
    assert!(
        cap.contains("role=\"img\" aria-label=\"queries-per-second: 610 qps measured on 2026-11-15, forecast 820 qps on 2026-12-15, forecast 900 qps on 2027-06-30, forecast 1010 qps on 2027-10-31; limit 1200 qps, threshold 960 qps (80%)\""),
        "{cap}"
    );
    assert!(cap.contains(
        "<strong class=\"bad\">Forecast to reach its threshold on 2027-10-31</strong> (1010)."
    ));
    assert!(cap.contains("<tr><td>2027-10-31</td><td>1010 qps</td><td>forecast</td></tr>"));
    assert!(!html.contains("<dt>Capacity</dt>"));
    let ci = page(&site, "ci/k8s-prod-eu-west.html");
    assert!(
        section(&ci, "Capacity").contains("aria-label=\"cpu: 251 cores measured on 2026-11-18, forecast 290 cores on 2027-03-01; limit 384 cores, threshold 307.2 cores (80%)\"")
    );
}

#[test]
fn a_customer_shows_its_services_slas_and_satisfaction_trend() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "customer/digital-commerce.html");
    let services = section(&html, "Services and SLAs");
    assert!(
        services.contains("<tr><td><a href=\"../service/payments.html\">Payments</a></td><td><a href=\"../sla/gold.html\">Gold — 99.95% monthly, 24x7</a></td><td>2026-11</td><td>100.000%</td><td>99.95%</td><td><span class=\"ok\">met</span></td></tr>"),
        "{services}"
    );
    assert!(services.contains("<td>2026-11</td><td>99.757%</td><td>99.9%</td><td><strong class=\"bad\">breached</strong></td>"));
    assert!(services.contains("<td><a href=\"../service/identity.html\">Customer Identity</a></td><td>named in its customers</td>"));
    assert!(!html.contains("<h2>Customer of:"), "each relation once");
    let s = section(&html, "Satisfaction");
    assert!(
        s.contains("aria-label=\"Satisfaction of Digital Commerce business unit, from 1 to 5: 4 on 2025-09-30, 3 on 2025-12-31, 4 on 2026-03-31, 4 on 2026-06-30, 3 on 2026-09-30\""),
        "{s}"
    );
    let scores: Vec<String> = s
        .split("<tr><td>")
        .skip(1)
        .map(|r| r.split("</td><td>").take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        scores,
        [
            "2026-09-30 3",
            "2026-06-30 4",
            "2026-03-31 4",
            "2025-12-31 3",
            "2025-09-30 4"
        ]
    );
    assert!(!html.contains("<dt>Satisfaction</dt>"));
}

const EVIL: &str = "<script>alert(\"x\")</script></svg>'";

#[test]
fn hostile_text_is_escaped_in_charts_and_tables() {
    let service = format!(
        "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: evil\n  title: {t}\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 3\n  sla: gold\n  customers: [bad]\n  continuity:\n    rto: 1h\n    plan: {t}\n    tests:\n      - {{date: 2026-10-01, result: failed, rtoAchieved: 2h, notes: {t}}}\n  capacity:\n    - {{metric: {t}, unit: {t}, limit: 0, current: 0, measured: 2026-11-01, threshold: 0}}\n    - {{metric: m, limit: 10, current: 1, measured: 2026-11-01, forecast: [{{date: 2026-12-01, value: 1e308}}]}}\n",
        t = serde_json::to_string(EVIL).unwrap()
    );
    let customer = format!(
        "apiVersion: itsm/v1\nkind: Customer\nmetadata:\n  name: bad\n  title: {t}\nspec:\n  owner: ops\n  satisfaction:\n    - {{date: 2026-01-01, score: 2, notes: {t}}}\n    - {{date: 2026-02-01, score: 5}}\n",
        t = serde_json::to_string(EVIL).unwrap()
    );
    let sla = format!(
        "apiVersion: itsm/v1\nkind: SLA\nmetadata:\n  name: gold\n  title: {t}\nspec:\n  owner: ops\n  customer: bad\n  availability: 99.9\n  window: monthly\n",
        t = serde_json::to_string(EVIL).unwrap()
    );
    let repo = valid_repo(&[
        ("services/evil.yaml", &service),
        ("customers/bad.yaml", &customer),
        ("slas/gold.yaml", &sla),
    ]);
    let (_tmp, site) = build(repo.path(), TODAY);
    for rel in [
        "service/evil.html",
        "customer/bad.html",
        "sla.html",
        "capacity.html",
    ] {
        let html = page(&site, rel);
        assert!(!html.contains("<script>alert"), "{rel}: {html}");
        assert_eq!(
            html.matches("</svg>").count(),
            html.matches("<svg").count(),
            "{rel}"
        );
        for bad in ["NaN", "inf\"", "inf "] {
            assert!(!html.contains(bad), "{rel}: {bad}");
        }
    }
    let html = page(&site, "service/evil.html");
    assert!(html.contains(
        "aria-label=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;/svg&gt;&#39;: 0 &lt;script&gt;"
    ));
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 2);
    let html = page(&site, "customer/bad.html");
    assert!(html.contains("aria-label=\"Satisfaction of &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;/svg&gt;&#39;, from 1 to 5: 2 on 2026-01-01, 5 on 2026-02-01\""));
}

/// The width x height of every chart of `rel` as headless Chromium lays it
/// out in a window `width` pixels wide (a copy of the page measures itself).
fn chart_sizes(site: &Path, rel: &str, width: u32) -> Vec<(f64, f64)> {
    let html = page(site, rel).replace(
        "</body>",
        "<script>document.body.dataset.sizes = Array.from(document.querySelectorAll('svg.chart')).map(function (s) { var r = s.getBoundingClientRect(); return r.width + 'x' + r.height; }).join(' ');</script></body>",
    );
    let probe = site.join(rel).with_file_name("probe.html");
    std::fs::write(&probe, html).unwrap();
    let window = format!("--window-size={width},900");
    let url = format!("file://{}", probe.display());
    let args = ["--virtual-time-budget=3000", &window, "--dump-dom", &url];
    let dom = stdout(&common::site::chromium(&args));
    let sizes = dom
        .split("data-sizes=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("not measured: {dom}"));
    sizes[..sizes.find('"').unwrap()]
        .split(' ')
        .map(|s| {
            let (w, h) = s.split_once('x').unwrap();
            (w.parse().unwrap(), h.parse().unwrap())
        })
        .collect()
}

#[test]
fn charts_render_with_visible_size_on_desktop_and_phone() {
    let (_tmp, site) = build(&example(), TODAY);
    for (rel, charts) in [
        ("service/payments.html", 1),
        ("customer/digital-commerce.html", 1),
    ] {
        for (width, least) in [(1280, 400.0), (390, 250.0)] {
            let sizes = chart_sizes(&site, rel, width);
            assert_eq!(sizes.len(), charts, "{rel}");
            for (w, h) in sizes {
                assert!(
                    w >= least && h >= least / 2.0 - 1.0,
                    "{rel} at {width}: {w}x{h}"
                );
            }
        }
    }
}
