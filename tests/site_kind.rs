//! The kind-specific blocks of record pages: a Team's members and what it
//! owns, an SLA's targets by priority, an Incident's resolution against the
//! target of each affected Service's SLA and a Problem's Incidents (the rows
//! of `itsm report sla`); exact facts of example-repo, hostile text, and
//! records that lack what a block needs.

mod common;

use common::site::{build, example, page, section};
use common::{VALID, itsm, stdout, write};
use itsm::load::Source;
use itsm::pipeline;
use itsm::site::Options;

const TODAY: &str = "2026-11-21";

#[test]
fn a_team_lists_its_members_with_roles_and_links() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "team/payments.html");
    let members = section(&html, "Members");
    assert!(
        members.contains("<tr><td>Amara Okafor</td><td>Engineering Manager</td><td><a href=\"https://github.com/amara-okafor\">@amara-okafor</a></td><td><a href=\"mailto:amara.okafor@northwind.example\">amara.okafor@northwind.example</a></td></tr>"),
        "{members}"
    );
    assert!(
        members.contains("<tr><td>Rosa García</td><td>Site Reliability Engineer</td><td><a href=\"https://github.com/rgarcia\">@rgarcia</a></td>"),
        "{members}"
    );
    assert_eq!(members.matches("<tr>").count(), 5, "a header and 4 members");
    assert!(members.contains("GitHub team <a href=\"https://github.com/orgs/northwind/teams/payments\">northwind/payments</a> · <a href=\"mailto:payments@northwind.example\">payments@northwind.example</a> · chat <code>#team-payments</code>"), "{members}");
    // What it owns, counted; each count filters its kind's list by the Team.
    assert!(
        members.contains("Owns <a href=\"../service/index.html?owner=Payments\">2 Services</a>, <a href=\"../ci/index.html?owner=Payments\">9 CIs</a>, <a href=\"../supplier/index.html?owner=Payments\">1 Supplier</a>, <a href=\"../problem/index.html?owner=Payments\">1 Problem</a>"),
        "{members}"
    );
    let services = page(&site, "service/index.html");
    assert_eq!(
        services.matches("data-owner=\"Payments\"").count(),
        2,
        "the filter's value is the owner cell's"
    );
    // The run-on string of members is gone; the records owned stay listed once.
    for fact in ["Members", "Github team", "Email", "Chat"] {
        assert!(!html.contains(&format!("<dt>{fact}</dt>")), "{fact}");
    }
    assert_eq!(html.matches("<h2>Owns: Services</h2>").count(), 1);
    let platform = page(&site, "team/platform.html");
    assert!(
        platform.contains("<a href=\"../sla/index.html?owner=Platform%20Engineering\">1 SLA</a>"),
        "{platform}"
    );
}

#[test]
fn an_sla_shows_its_targets_as_one_table_by_priority() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "sla/gold.html");
    let targets = section(&html, "Targets");
    assert!(
        targets.contains("Availability <strong>99.95 %</strong>, measured monthly; support hours <strong>24x7</strong>."),
        "{targets}"
    );
    for row in [
        "<tr><td>p1</td><td>15 min</td><td>4 h</td></tr>",
        "<tr><td>p2</td><td>30 min</td><td>8 h</td></tr>",
        "<tr><td>p3</td><td>4 h</td><td>3 d</td></tr>",
        "<tr><td>p4</td><td>1 d</td><td>10 d</td></tr>",
    ] {
        assert!(targets.contains(row), "{row} in {targets}");
    }
    for fact in [
        "Availability",
        "Window",
        "Support hours",
        "Response",
        "Resolution",
    ] {
        assert!(!html.contains(&format!("<dt>{fact}</dt>")), "{fact}");
    }
    assert!(html.contains("<dt>Review every</dt>"));
}

#[test]
fn an_incident_shows_its_resolution_against_each_services_target() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(
        &site,
        "incident/inc-2026-0917-checkout-payment-failures.html",
    );
    let block = section(&html, "Resolution and affected Services");
    assert!(
        block.contains("Resolved in <strong>1h 10m</strong> (p1, from 2026-09-17 18:42 UTC to 2026-09-17 19:52 UTC)."),
        "{block}"
    );
    assert!(
        block.contains("<tr><td><a href=\"../service/payments.html\">Payments</a></td><td><span class=\"tier t1\">1</span></td><td><a href=\"../sla/gold.html\">Gold — 99.95% monthly, 24x7</a></td><td>4h 0m</td><td><span class=\"ok\">met</span></td></tr>"),
        "{block}"
    );
    assert!(
        block.contains("<tr><td><a href=\"../service/mobile-app.html\">Northwind Mobile App</a></td><td><span class=\"tier t2\">2</span></td><td><a href=\"../sla/silver.html\">Silver — 99.9% monthly, 24x7</a></td><td>8h 0m</td>"),
        "{block}"
    );
    for fact in ["Services", "Started", "Resolved"] {
        assert!(!html.contains(&format!("<dt>{fact}</dt>")), "{fact}");
    }
    // The figures of `itsm report sla` over the month it started in.
    let o = itsm(
        &example(),
        &["report", "sla", "--today", TODAY, "--period", "2026-09"],
    );
    assert!(
        stdout(&o).contains("  incident:inc-2026-0917-checkout-payment-failures p1 outage: resolved in 1h 10m (target 4h 0m), outage 1h 10m\n"),
        "{}",
        stdout(&o)
    );
    // Still open: its age to the end of today.
    let open = page(&site, "incident/inc-2026-1120-order-emails-delayed.html");
    assert!(
        open.contains("Open for <strong>1d 7h 40m</strong> (p4, since 2026-11-20 16:20 UTC; counted to the end of 2026-11-21)."),
        "{open}"
    );
}

#[test]
fn a_problem_shows_its_age_and_incidents_and_its_status_once() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "problem/prb-payments-db-pool-exhaustion.html");
    let block = section(&html, "Age and Incidents");
    assert!(
        block.contains(
            "<p class=\"problem-status\">Its first Incident started 2026-09-17 18:42 UTC.</p>"
        ),
        "{block}"
    );
    assert!(
        block.contains("<p class=\"problem-services\">Services affected: <a href=\"../service/payments.html\">Payments</a>, <a href=\"../service/web-shop.html\">Web Shop</a>, <a href=\"../service/mobile-app.html\">Northwind Mobile App</a>.</p>"),
        "{block}"
    );
    // The status is on the about card, once.
    assert_eq!(
        html.matches("<span class=\"badge resolved\">resolved</span>")
            .count(),
        1,
        "{html}"
    );
    assert!(!block.contains("badge resolved"), "{block}");
    assert!(
        block.contains("<tr><td><a href=\"../incident/inc-2026-0917-checkout-payment-failures.html\">Checkout payments failing (database connections exhausted)</a></td><td>p1</td><td>2026-09-17 18:42 UTC</td><td>1h 10m</td><td>4h 0m (<a href=\"../sla/gold.html\">Gold — 99.95% monthly, 24x7</a>)</td><td><span class=\"ok\">met</span></td></tr>"),
        "{block}"
    );
    assert!(!html.contains("<h2>Related incidents</h2>"), "listed once");
    let open = page(&site, "problem/prb-search-merge-latency.html");
    assert!(
        open.contains("<p class=\"problem-status\">Unresolved for <strong>49 days</strong>, since its first Incident started 2026-10-03 09:55 UTC.</p>"),
        "{open}"
    );
}

/// The pages of VALID with `extra`, rendered in memory as `itsm serve` does
/// (records with errors included), by path.
fn pages_of(extra: &[(&str, &str)]) -> std::collections::HashMap<String, String> {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    write(repo.path(), extra);
    let today = itsm::time::date(TODAY).unwrap();
    let checked = pipeline::check(
        repo.path(),
        &Source::WorkTree,
        itsm::checks::Options { today },
    )
    .unwrap();
    let options = Options {
        today,
        theme: None,
        live_reload: false,
        commit: None,
        evidence: Default::default(),
        github_url: itsm::github::DEFAULT_SERVER_URL.into(),
    };
    itsm::site::render(&checked.catalog, &checked.diagnostics, &options)
        .unwrap()
        .into_iter()
        .map(|f| (f.path, String::from_utf8(f.bytes).unwrap()))
        .collect()
}

const HOSTILE: &[(&str, &str)] = &[
    (
        "teams/evil.yaml",
        "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: evil\n  title: \"Evil <script>alert(1)</script>\"\nspec:\n  githubTeam: \"a/b\\\"><script>\"\n  email: \"x@y\\\" onmouseover=\\\"alert(1)\"\n  chat: \"<img src=x>\"\n  members:\n    - {login: \"bad\\\"login\", name: \"<script>alert('n')</script>\", email: \"\\\"><script>@x\", role: \"On-call <b>lead</b>\"}\n    - {login: mallory, email: \"javascript:alert(1)\"}\n",
    ),
    (
        "slas/evil.yaml",
        "apiVersion: itsm/v1\nkind: SLA\nmetadata:\n  name: evil\n  title: \"</svg><script>'\\\"\"\nspec:\n  owner: evil\n  customer: Shop\n  availability: 99.5\n  window: quarterly\n  supportHours: \"<b>business</b>\"\n  resolution: {p2: 2h}\n",
    ),
    (
        "services/evil.yaml",
        "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: evil\n  title: \"</td><script>x</script>\"\nspec:\n  owner: evil\n  lifecycle: production\n  tier: 3\n  sla: evil\n",
    ),
    (
        "incidents/late.yaml",
        "apiVersion: itsm/v1\nkind: Incident\nmetadata:\n  name: late\n  title: \"Late </svg>\"\nspec:\n  priority: p2\n  services: [evil, shop]\n  started: \"2026-11-02T10:00:00Z\"\n  resolved: \"2026-11-02T13:30:00Z\"\n  impact: degraded\n  problem: evil\n",
    ),
    (
        "problems/evil.yaml",
        "apiVersion: itsm/v1\nkind: Problem\nmetadata:\n  name: evil\nspec:\n  owner: evil\n  status: known-error\n",
    ),
];

#[test]
fn hostile_text_is_escaped_in_every_block() {
    let pages = pages_of(HOSTILE);
    let team = &pages["team/evil.html"];
    let members = section(team, "Members");
    assert!(!members.contains("<script"), "{members}");
    assert!(!members.contains("<img"), "{members}");
    assert!(members.contains("<td>&lt;script&gt;alert(&#39;n&#39;)&lt;/script&gt;</td><td>On-call &lt;b&gt;lead&lt;/b&gt; <span class=\"badge on-call\">on call</span></td><td>bad&quot;login</td><td>&quot;&gt;&lt;script&gt;@x</td>"), "{members}");
    assert!(
        members.contains("<tr><td>mallory</td><td></td><td><a href=\"https://github.com/mallory\">@mallory</a></td><td>javascript:alert(1)</td></tr>"),
        "{members}"
    );
    assert!(
        members.contains("GitHub team a/b&quot;&gt;&lt;script&gt; · x@y&quot; onmouseover=&quot;alert(1) · chat <code>&lt;img src=x&gt;</code>"),
        "{members}"
    );
    assert!(
        members.contains("?owner=Evil%20%3Cscript%3Ealert%281%29%3C%2Fscript%3E\">1 Service</a>"),
        "{members}"
    );
    let sla = &pages["sla/evil.html"];
    let targets = section(sla, "Targets");
    assert!(
        targets.contains("support hours <strong>&lt;b&gt;business&lt;/b&gt;</strong>"),
        "{targets}"
    );
    assert!(
        targets.contains("<tr><td>p1</td><td>-</td><td>-</td></tr>"),
        "{targets}"
    );
    assert!(
        targets.contains("<tr><td>p2</td><td>-</td><td>2 h</td></tr>"),
        "{targets}"
    );
    // Over the 2h target of the SLA of one Service; no target on the other.
    let incident = &pages["incident/late.html"];
    let block = section(incident, "Resolution and affected Services");
    assert!(
        !block.contains("<script") && !block.contains("</svg>"),
        "{block}"
    );
    assert!(
        block.contains("<tr class=\"breached\"><td><a href=\"../service/evil.html\">&lt;/td&gt;&lt;script&gt;x&lt;/script&gt;</a></td><td><span class=\"tier t3\">3</span></td><td><a href=\"../sla/evil.html\">&lt;/svg&gt;&lt;script&gt;&#39;&quot;</a></td><td>2h 0m</td><td><strong class=\"bad\">breached</strong></td></tr>"),
        "{block}"
    );
    assert!(
        block.contains("<tr><td><a href=\"../service/shop.html\">shop</a></td><td><span class=\"tier t1\">1</span></td><td><a href=\"../sla/gold.html\">gold</a></td><td>-</td><td>no target</td></tr>"),
        "{block}"
    );
    // The Problem lists the Incident that names it, judged by the breached SLA.
    let problem = &pages["problem/evil.html"];
    let block = section(problem, "Age and Incidents");
    assert!(
        block.contains("<p class=\"problem-services\">Services affected: <a href=\"../service/evil.html\">&lt;/td&gt;&lt;script&gt;x&lt;/script&gt;</a>, <a href=\"../service/shop.html\">shop</a>.</p>"),
        "{block}"
    );
    assert!(
        block.contains("<tr class=\"breached\"><td><a href=\"../incident/late.html\">Late &lt;/svg&gt;</a></td><td>p2</td><td>2026-11-02 10:00 UTC</td><td>3h 30m</td><td>2h 0m (<a href=\"../sla/evil.html\">&lt;/svg&gt;&lt;script&gt;&#39;&quot;</a>)</td><td><strong class=\"bad\">breached</strong></td></tr>"),
        "{block}"
    );
    assert!(
        block.contains("Unresolved for <strong>19 days</strong>, since its first Incident"),
        "{block}"
    );
}

#[test]
fn records_without_what_a_block_needs_say_so() {
    let pages = pages_of(&[
        // No priority (an error): no target, and no panic.
        (
            "incidents/nopri.yaml",
            "apiVersion: itsm/v1\nkind: Incident\nmetadata:\n  name: nopri\nspec:\n  services: [shop]\n  started: \"2026-11-02T10:00:00Z\"\n  impact: none\n",
        ),
        // A Service without an SLA, and an instant that is not one.
        (
            "services/bare.yaml",
            "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: bare\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 2\n",
        ),
        (
            "incidents/bad-time.yaml",
            "apiVersion: itsm/v1\nkind: Incident\nmetadata:\n  name: bad-time\nspec:\n  priority: p1\n  services: [bare]\n  started: yesterday\n  impact: outage\n",
        ),
        (
            "problems/alone.yaml",
            "apiVersion: itsm/v1\nkind: Problem\nmetadata:\n  name: alone\nspec:\n  owner: ops\n  status: open\n",
        ),
    ]);
    let block = section(
        &pages["incident/nopri.html"],
        "Resolution and affected Services",
    );
    assert!(
        block.contains(
            "Open for <strong>19d 14h 0m</strong> (no priority, since 2026-11-02 10:00 UTC"
        ),
        "{block}"
    );
    assert!(
        block.contains("<th scope=\"col\">Resolution target</th>"),
        "{block}"
    );
    assert!(
        block.contains("<td>-</td><td>no target</td></tr>"),
        "{block}"
    );
    let block = section(
        &pages["incident/bad-time.html"],
        "Resolution and affected Services",
    );
    assert!(block.contains("No time to resolve: <code>started</code> or <code>resolved</code> is not an RFC 3339 instant."), "{block}");
    assert!(
        block.contains("<td><a href=\"../service/bare.html\">bare</a></td><td><span class=\"tier t2\">2</span></td><td>none</td><td>-</td><td>no target</td>"),
        "{block}"
    );
    let block = section(&pages["problem/alone.html"], "Age and Incidents");
    assert!(
        block.contains("<p class=\"problem-status\">No Incident recorded against it.</p>"),
        "{block}"
    );
    assert!(!block.contains("Services affected"), "{block}");
    assert!(!block.contains("<table"), "{block}");
    let block = section(&pages["sla/gold.html"], "Targets");
    assert!(block.contains("Availability <strong>99.9 %</strong>, measured monthly; support hours <strong>24x7 (not stated)</strong>.</p>\n<p class=\"none\">No response or resolution target.</p>"), "{block}");
    let block = section(&pages["team/ops.html"], "Members");
    assert!(block.contains("<tr><td>octocat</td><td></td><td><a href=\"https://github.com/octocat\">@octocat</a></td><td></td></tr>"), "{block}");
}

#[test]
fn an_incidents_row_is_the_one_the_sla_report_computes() {
    use itsm::model::{Field, Kind};
    use itsm::report::sla;
    let today = itsm::time::date(TODAY).unwrap();
    let checked = pipeline::check(
        &example(),
        &Source::WorkTree,
        itsm::checks::Options { today },
    )
    .unwrap();
    let c = &checked.catalog;
    let period = itsm::time::Period::parse("2026-09").unwrap();
    let report = sla::compute(c, Some(&period), today);
    let name = "inc-2026-0917-checkout-payment-failures";
    let incident = c.find(Kind::Incident, name).unwrap();
    let mut compared = 0;
    for s in report.services.iter() {
        let Some(from_report) = s.incidents.iter().find(|i| i.incident == name) else {
            continue;
        };
        let svc = c.find(Kind::Service, &s.service).unwrap();
        let sla_ix = c.targets(svc, Field::Sla).next().unwrap();
        let alone = sla::incident_against(c.record(incident), Some(c.record(sla_ix)), today);
        assert_eq!(
            serde_json::to_value(alone).unwrap(),
            serde_json::to_value(from_report).unwrap(),
            "{}",
            s.service
        );
        compared += 1;
    }
    assert_eq!(compared, 3, "payments, web-shop and mobile-app");
}
