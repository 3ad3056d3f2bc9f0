//! A record page reads top-down (issue 17, item 4): the card about the record,
//! its body with the page's only `<h1>` its title, the related records as
//! tables (each relation once), the other fields, then the labels and the
//! annotations. The HTML as built, and what headless Chromium lays out on a
//! desktop and a phone.

mod common;

use common::site::{build, example, page, probe, probe_phone, section};

use common::{assert_has, valid_repo};

const TODAY: &str = "2026-11-21";

/// The card under the title.
fn about(html: &str) -> &str {
    let start = html
        .find("<section class=\"about\"")
        .unwrap_or_else(|| panic!("no card:\n{html}"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
}

/// `html` without its dependency graph (whose nodes link to records too).
fn without_graph(html: &str) -> String {
    match html.find("<section class=\"graph-box\"") {
        Some(start) => {
            let end = html[start..].find("</section>").unwrap() + start;
            format!("{}{}", &html[..start], &html[end..])
        }
        None => html.to_string(),
    }
}

/// Where `needle` first is in `html`, which must hold it.
fn at(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("no {needle} in:\n{html}"))
}

#[test]
fn payments_reads_card_body_relations_details_then_annotations() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "service/payments.html");
    let card = about(&html);
    for pair in [
        "<div><dt>Owner</dt><dd><a href=\"../team/payments.html\">Payments</a></dd></div>",
        "<div><dt>Tier</dt><dd><span class=\"badge tier-1\">Tier 1</span></dd></div>",
        "<div><dt>Lifecycle</dt><dd><span class=\"badge production\">production</span></dd></div>",
        "<div><dt>SLA</dt><dd><a href=\"../sla/gold.html\">Gold — 99.95% monthly, 24x7</a></dd></div>",
        "<div><dt>Support hours</dt><dd>24x7</dd></div>",
        "<div><dt>Support channel</dt><dd>#team-payments</dd></div>",
        "<div><dt>Escalation</dt><dd>PagerDuty &quot;Payments&quot;, then the Payments Engineering Manager</dd></div>",
        "<li><a href=\"https://runbooks.northwind.example/payments/payments-api\" rel=\"noopener noreferrer\">Runbook</a></li>",
        "<div><dt>Record</dt><dd><a href=\"https://github.com/northwind/itsm/blob/HEAD/services/payments.md\" rel=\"noopener noreferrer\">Edit on GitHub</a></dd></div>",
    ] {
        assert!(card.contains(pair), "{pair} not in {card}");
    }
    // The body's `# Payments` and `## Flows` one level down: one <h1>, the title.
    assert_eq!(html.matches("<h1").count(), 1, "{html}");
    assert!(html.contains("<article class=\"body\"><h2>Payments</h2>"));
    assert!(html.contains("<h3>Flows</h3>"));
    // In this order down the page; the source path stays at the end.
    let order = [
        "<section class=\"about\"",
        "<article class=\"body\">",
        "<h2>SLA history</h2>",
        "<h2>Depends on (transitively)</h2>",
        "<h2>Configuration items</h2>",
        "<h2>Details</h2>",
        "<h2>Labels and annotations</h2>",
        "<p class=\"source\">Source: <code>services/payments.md</code></p>",
    ];
    let places: Vec<usize> = order.iter().map(|n| at(&html, n)).collect();
    assert!(places.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // Each relation once: the CIs, dependencies and suppliers only as tables.
    for label in ["CIs", "Depends on", "Suppliers", "Owner", "Tier", "SLA"] {
        assert!(
            !section(&html, "Details").contains(&format!("<dt>{label}</dt>")),
            "{label} repeated as a fact"
        );
    }
    // Money reads as money, not as its three fields.
    assert_has(
        section(&html, "Details"),
        "<dt>Budget</dt><dd>400,000 EUR per year</dd>",
    );
    let ci = page(&site, "ci/payments-db-prod.html");
    assert_has(
        section(&ci, "Details"),
        "<dt>Cost</dt><dd>1,450 EUR per month</dd>",
    );
    let outside = without_graph(&html);
    for ci in [
        "payments-api-prod",
        "pgbouncer-payments",
        "payments-db-prod",
        "payments-db-dr",
        "cobalt-gateway",
        "cobalt-client-cert",
        "payments-sandbox",
    ] {
        assert_eq!(
            outside
                .matches(&format!("href=\"../ci/{ci}.html\""))
                .count(),
            1,
            "{ci}"
        );
    }
    let cis = section(&html, "Configuration items");
    assert_eq!(cis.matches("<tr><td>").count(), 9, "{cis}");
    // Direct first, then what is reached through them, said so.
    assert!(at(cis, "<td>direct</td>") < at(cis, "<td>via "), "{cis}");
    assert!(cis.contains("<tr><td><a href=\"../ci/vpc-eu-west.html\">Virtual private cloud eu-west</a></td><td><span class=\"badge active\">active</span></td><td>via Kubernetes production cluster (eu-west)</td></tr>"), "{cis}");
    let details = section(&html, "Details");
    assert!(
        details.contains("<div><dt>Type</dt><dd>technical</dd></div>"),
        "{details}"
    );
    let quiet = section(&html, "Labels and annotations");
    assert!(
        quiet.contains("<span class=\"label\">pci-scope: true</span>"),
        "{quiet}"
    );
    assert!(
        quiet.contains("<div><dt>northwind.example/pagerduty-service</dt><dd>PAY0001</dd></div>"),
        "{quiet}"
    );
    assert!(!details.contains("PAY0001"));
}

#[test]
fn incident_and_problem_show_each_other_once() {
    let (_tmp, site) = build(&example(), TODAY);
    let incident = page(
        &site,
        "incident/inc-2026-0917-checkout-payment-failures.html",
    );
    let card = about(&incident);
    assert!(
        card.contains(
            "<div><dt>Status</dt><dd><span class=\"badge closed\">closed</span></dd></div>"
        ),
        "{card}"
    );
    assert!(
        card.contains("<div><dt>Priority</dt><dd><span class=\"badge p1\">p1</span></dd></div>"),
        "{card}"
    );
    assert!(section(&incident, "Problem").contains("<tr><td><a href=\"../problem/prb-payments-db-pool-exhaustion.html\">Payments database runs out of connections when payments-api scales out</a></td><td><span class=\"badge resolved\">resolved</span></td></tr>"), "{incident}");
    assert!(
        !incident.contains("<h2>Related problems</h2>"),
        "{incident}"
    );
    assert!(!incident.contains("<dt>Problem</dt>"), "{incident}");
    assert_eq!(
        incident
            .matches("href=\"../problem/prb-payments-db-pool-exhaustion.html\"")
            .count(),
        1
    );
    // The Problem's Incidents are in its panel (with their resolution), once.
    let problem = page(&site, "problem/prb-payments-db-pool-exhaustion.html");
    assert_eq!(
        problem
            .matches("href=\"../incident/inc-2026-0917-checkout-payment-failures.html\"")
            .count(),
        1,
        "{problem}"
    );
    assert!(!problem.contains("<h2>Related incidents</h2>"), "{problem}");
    assert!(!problem.contains("<h2>Incidents</h2>"), "{problem}");
    assert!(!problem.contains("<dt>Incidents</dt>"), "{problem}");
}

#[test]
fn hostile_titles_annotations_and_support_are_escaped() {
    let repo = valid_repo(&[(
        "services/evil.md",
        "---\napiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: evil\n  title: \"Evil <script>alert('t')</script> \\\"q\\\" </svg>\"\n  annotations:\n    \"x</dt><script>alert('k')</script>\": \"v\\\"><script>alert('a')</script></svg>\"\n  labels:\n    \"l<b>\": \"'</svg>\"\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 1\n  sla: gold\n  dependsOn: [shop]\n  support:\n    hours: \"<b>24x7</b>\"\n    escalation: \"</svg><script>alert('escalation')</script>\"\n---\n# Heading <script>alert('h')</script>\n\n<h1>raw</h1>\n",
    )]);
    let (_tmp, site) = build(repo.path(), TODAY);
    let html = page(&site, "service/evil.html");
    assert!(!html.contains("<script>alert"), "{html}");
    // The only `</svg>` is the graph's own.
    assert!(!without_graph(&html).contains("</svg>"), "{html}");
    assert_eq!(html.matches("<h1").count(), 1, "{html}");
    assert!(html.contains("<h1>Evil &lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &quot;q&quot; &lt;/svg&gt; <span class=\"kind\">Service</span></h1>"), "{html}");
    let card = about(&html);
    assert!(
        card.contains("<div><dt>Support hours</dt><dd>&lt;b&gt;24x7&lt;/b&gt;</dd></div>"),
        "{card}"
    );
    assert!(card.contains("<div><dt>Escalation</dt><dd>&lt;/svg&gt;&lt;script&gt;alert(&#39;escalation&#39;)&lt;/script&gt;</dd></div>"), "{card}");
    let quiet = section(&html, "Labels and annotations");
    assert!(quiet.contains("<div><dt>x&lt;/dt&gt;&lt;script&gt;alert(&#39;k&#39;)&lt;/script&gt;</dt><dd>v&quot;&gt;&lt;script&gt;alert(&#39;a&#39;)&lt;/script&gt;&lt;/svg&gt;</dd></div>"), "{quiet}");
    assert!(
        quiet.contains("<span class=\"label\">l&lt;b&gt;: &#39;&lt;/svg&gt;</span>"),
        "{quiet}"
    );
    // The hostile title, escaped, in the table of the record it depends on.
    let shop = page(&site, "service/shop.html");
    assert!(section(&shop, "Depended on by (transitively)").contains("<tr><td><a href=\"../service/evil.html\">Evil &lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &quot;q&quot; &lt;/svg&gt;</a></td><td><span class=\"badge production\">production</span></td><td>direct</td></tr>"), "{shop}");
}

#[test]
fn record_pages_fit_a_desktop_and_a_phone_and_print_pairs_whole() {
    let (_tmp, site) = build(&example(), TODAY);
    let widths = "document.documentElement.scrollWidth + ' ' + window.innerWidth";
    for rel in [
        "service/payments.html",
        "ci/payments-db-prod.html",
        "incident/inc-2026-0917-checkout-payment-failures.html",
        "team/payments.html",
    ] {
        for (size, got) in [
            ("phone", probe_phone(&site, rel, widths)),
            ("desktop", probe(&site, rel, "1280,900", widths)),
        ] {
            let (scroll, view) = got.split_once(' ').unwrap();
            let (scroll, view): (u32, u32) = (scroll.parse().unwrap(), view.parse().unwrap());
            assert!(
                scroll <= view,
                "{rel} on a {size}: {scroll} px wide in {view}"
            );
        }
    }
    // The tier 1 badge stands out (white on red) and the card is laid out in
    // columns on a desktop, one pair beside the other.
    let look = "(function () { var b = getComputedStyle(document.querySelector('.about .tier-1')); var d = document.querySelectorAll('.about dl > div'); return b.color + ' ' + b.backgroundColor + ' ' + (d[0].getBoundingClientRect().top === d[1].getBoundingClientRect().top); })()";
    assert_eq!(
        probe(&site, "service/payments.html", "1280,900", look),
        "rgb(255, 255, 255) rgb(179, 38, 30) true"
    );
    // Printed, a pair of the card or the details and a row of a table stay whole.
    let print = "[].concat.apply([], [].map.call(document.styleSheets, function (s) { return [].slice.call(s.cssRules); })).filter(function (r) { return r.media && r.media.mediaText === 'print'; }).map(function (r) { return [].map.call(r.cssRules, function (x) { return x.style && x.style.breakInside === 'avoid' ? x.selectorText : ''; }).join(','); }).join(',')";
    // (The value comes out of the page's DOM: `>` as `&gt;`.)
    let avoided = probe_phone(&site, "service/payments.html", print).replace("&gt;", ">");
    for selector in [
        ".about dl > div",
        ".facts > div",
        ".quiet > div",
        "table.rel tr",
    ] {
        assert!(
            avoided.contains(selector),
            "{selector} may split: {avoided}"
        );
    }
}

/// `itsm build` with `GITHUB_SERVER_URL` set to `server`.
fn build_on(repo: &std::path::Path, server: &str) -> (std::process::Output, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = common::run(
        std::process::Command::new(env!("CARGO_BIN_EXE_itsm"))
            .args(["build", "--today", TODAY, "--out", out.to_str().unwrap()])
            .current_dir(repo)
            .env("NO_COLOR", "1")
            .env("GITHUB_SERVER_URL", server),
    );
    (o, tmp)
}

#[test]
fn links_go_to_the_github_server_of_github_server_url() {
    let (o, tmp) = build_on(&example(), "https://github.example.com/");
    common::assert_exit(&o, 0);
    let site = tmp.path().join("site");
    let card = page(&site, "service/payments.html");
    assert!(
        about(&card).contains(
            "<a href=\"https://github.example.com/northwind/itsm/blob/HEAD/services/payments.md\""
        ),
        "{card}"
    );
    let team = page(&site, "team/payments.html");
    assert!(team.contains("https://github.example.com/"), "{team}");
    for rel in ["service/payments.html", "team/payments.html"] {
        let html = page(&site, rel);
        assert!(!html.contains("https://github.com/"), "{rel}: {html}");
    }
}

#[test]
fn a_github_server_url_that_is_not_a_bare_address_stops_the_build() {
    for bad in [
        "javascript:alert(1)",
        "https://github.example.com/evil\"path",
        "https://x@github.example.com",
    ] {
        let (o, tmp) = build_on(&example(), bad);
        common::assert_exit(&o, 2);
        let err = common::stderr(&o);
        assert!(err.contains("GITHUB_SERVER_URL"), "{bad}: {err}");
        assert!(err.contains("https://github.example.com"), "{bad}: {err}");
        assert!(!tmp.path().join("site").exists(), "{bad}: wrote a site");
    }
}

#[test]
fn the_edit_link_percent_encodes_the_file_path() {
    let dir = valid_repo(&[
        (
            "itsm.yaml",
            "name: Test\nadmins: ops\ncab: ops\necab: ops\ngithub: acme/itsm\n",
        ),
        (
            "cis/db #1 ü.yaml",
            "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: db\nspec:\n  owner: ops\n  type: database\n  environment: production\n",
        ),
    ]);
    let (_tmp, site) = build(dir.path(), TODAY);
    let html = page(&site, "ci/db.html");
    assert!(
        about(&html).contains(
            "href=\"https://github.com/acme/itsm/blob/HEAD/cis/db%20%231%20%C3%BC.yaml\""
        ),
        "{html}"
    );
}

#[test]
fn a_kind_column_only_where_a_table_mixes_kinds() {
    let (_tmp, site) = build(&example(), TODAY);
    let change = page(&site, "change/chg-payments-pgbouncer.html");
    let impacts = section(&change, "Impacts");
    assert_has(impacts, "<th scope=\"col\">Kind</th>");
    assert_has(
        impacts,
        "<tr><td><a href=\"../service/payments.html\">Payments</a></td><td>Service</td><td><span class=\"badge production\">production</span></td></tr>",
    );
    assert_has(
        impacts,
        "<tr><td><a href=\"../ci/pgbouncer-payments.html\">PgBouncer pool for the payments database</a></td><td>CI</td>",
    );
    let team = page(&site, "team/payments.html");
    let cis = section(&team, "Owns: CIs");
    assert!(!cis.contains(">Kind</th>"), "{cis}");
    assert_has(
        cis,
        "<tr><td><a href=\"../ci/payments-db-prod.html\">Payments database (PostgreSQL), production</a></td><td><span class=\"badge active\">active</span></td></tr>",
    );
}
