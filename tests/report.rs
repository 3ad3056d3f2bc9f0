//! `itsm report sla` and `itsm report coverage`: every figure against a hand-computed value.

mod common;

use common::{itsm, stderr, stdout, write};
use serde_json::Value;
use std::path::Path;

fn sla(name: &str, window: &str, hours: &str, availability: &str) -> String {
    format!(
        "apiVersion: itsm/v1\nkind: SLA\nmetadata:\n  name: {name}\nspec:\n  owner: ops\n  customer: Shop\n  availability: {availability}\n  window: {window}\n  supportHours: {hours}\n  resolution: {{p1: 4h, p2: 8h, p3: 3d, p4: 1mo}}\n"
    )
}

fn service(name: &str, sla: &str) -> String {
    format!(
        "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 2\n  sla: {sla}\n"
    )
}

fn incident(
    name: &str,
    service: &str,
    priority: &str,
    impact: &str,
    started: &str,
    resolved: Option<&str>,
) -> String {
    let resolved = resolved
        .map(|r| format!("  resolved: \"{r}\"\n"))
        .unwrap_or_default();
    format!(
        "apiVersion: itsm/v1\nkind: Incident\nmetadata:\n  name: {name}\nspec:\n  priority: {priority}\n  services: [{service}]\n  started: \"{started}\"\n{resolved}  impact: {impact}\n"
    )
}

/// One Service per hand-computed case.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &common::VALID[..2]);
    let files = [
        (
            "slas/monthly.yaml",
            sla("monthly", "monthly", "24x7", "99.9"),
        ),
        ("slas/biz.yaml", sla("biz", "monthly", "business", "99.5")),
        (
            "slas/quarterly.yaml",
            sla("quarterly", "quarterly", "24x7", "99.9"),
        ),
        ("services/s45.yaml", service("s45", "monthly")),
        ("services/overlap.yaml", service("overlap", "monthly")),
        ("services/boundary.yaml", service("boundary", "monthly")),
        ("services/biz.yaml", service("biz", "biz")),
        ("services/open.yaml", service("open", "monthly")),
        ("services/quarter.yaml", service("quarter", "quarterly")),
        (
            "incidents/i45.yaml",
            incident(
                "i45",
                "s45",
                "p2",
                "outage",
                "2026-10-14T10:00:00Z",
                Some("2026-10-14T10:45:00Z"),
            ),
        ),
        (
            "incidents/ov-a.yaml",
            incident(
                "ov-a",
                "overlap",
                "p1",
                "outage",
                "2026-10-05T10:00:00Z",
                Some("2026-10-05T11:00:00Z"),
            ),
        ),
        // Given with an offset: 12:30+02:00 is 10:30Z.
        (
            "incidents/ov-b.yaml",
            incident(
                "ov-b",
                "overlap",
                "p1",
                "outage",
                "2026-10-05T12:30:00+02:00",
                Some("2026-10-05T12:00:00Z"),
            ),
        ),
        (
            "incidents/ov-slow.yaml",
            incident(
                "ov-slow",
                "overlap",
                "p1",
                "degraded",
                "2026-10-20T08:00:00Z",
                Some("2026-10-20T13:00:00Z"),
            ),
        ),
        (
            "incidents/bnd.yaml",
            incident(
                "bnd",
                "boundary",
                "p2",
                "outage",
                "2026-09-30T23:30:00Z",
                Some("2026-10-01T00:30:00Z"),
            ),
        ),
        // 2026-10-10 is a Saturday, 2026-10-06 a Tuesday.
        (
            "incidents/biz-sat.yaml",
            incident(
                "biz-sat",
                "biz",
                "p3",
                "outage",
                "2026-10-10T10:00:00Z",
                Some("2026-10-10T14:00:00Z"),
            ),
        ),
        (
            "incidents/biz-tue.yaml",
            incident(
                "biz-tue",
                "biz",
                "p3",
                "outage",
                "2026-10-06T16:00:00Z",
                Some("2026-10-06T18:00:00Z"),
            ),
        ),
        (
            "incidents/open.yaml",
            incident("open", "open", "p2", "outage", "2026-11-20T12:00:00Z", None),
        ),
        (
            "incidents/q.yaml",
            incident(
                "q",
                "quarter",
                "p2",
                "outage",
                "2026-08-03T00:00:00Z",
                Some("2026-08-03T02:00:00Z"),
            ),
        ),
    ];
    for (path, text) in &files {
        write(dir.path(), &[(path, text.as_str())]);
    }
    dir
}

fn report(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["report", "sla", "--today", "2026-11-21", "--format", "json"];
    args.extend(extra);
    let out = itsm(dir, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn svc<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == name)
        .unwrap_or_else(|| panic!("{name} in {report}"))
}

#[test]
fn a_45_minute_outage_in_a_31_day_month_is_99_899() {
    let dir = repo();
    let r = report(dir.path(), &["--period", "2026-10"]);
    let s = svc(&r, "s45");
    assert_eq!(s["support_seconds"], 31 * 24 * 3600);
    assert_eq!(s["outage_seconds"], 45 * 60);
    assert_eq!(s["availability"], 99.899);
    assert_eq!(s["met"], false);
    assert_eq!(s["period"]["start"], "2026-10-01");
    assert_eq!(s["period"]["end"], "2026-11-01");
    // Resolved in 45m, within the p2 target of 8h.
    assert_eq!(s["incidents"][0]["resolution_seconds"], 2700);
    assert_eq!(s["incidents"][0]["target_seconds"], 8 * 3600);
    assert_eq!(s["incidents"][0]["breached"], false);
}

#[test]
fn overlapping_incidents_count_once_and_slow_resolutions_are_breaches() {
    let dir = repo();
    let r = report(dir.path(), &["--period", "2026-10"]);
    let s = svc(&r, "overlap");
    // 10:00-11:00 and 10:30-12:00: 120 minutes, not 150. 1 - 7200/2678400 = 99.7311...
    assert_eq!(s["outage_seconds"], 7200);
    assert_eq!(s["availability"], 99.731);
    let rows: Vec<(&str, i64, bool)> = s["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["incident"].as_str().unwrap(),
                i["outage_seconds"].as_i64().unwrap(),
                i["breached"].as_bool().unwrap(),
            )
        })
        .collect();
    // The degraded p1 took 5h against 4h: a breach, with no outage.
    assert_eq!(
        rows,
        [
            ("ov-a", 3600, false),
            ("ov-b", 5400, false),
            ("ov-slow", 0, true)
        ]
    );
    let breaches: Vec<(&str, &str)> = r["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["service"] == "overlap")
        .map(|b| (b["what"].as_str().unwrap(), b["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        breaches,
        [
            (
                "availability",
                "availability 99.731% is below the target 99.9% over 2026-10 (2h 0m of outage)"
            ),
            (
                "resolution",
                "incident:ov-slow (p1) resolved in 5h 0m, over the p1 target of 4h 0m"
            )
        ]
    );
}

#[test]
fn an_incident_across_the_period_boundary_is_clipped() {
    let dir = repo();
    // 30 of its 60 minutes fall in October: 1 - 1800/2678400 = 99.9327...
    let r = report(dir.path(), &["--period", "2026-10"]);
    let s = svc(&r, "boundary");
    assert_eq!(s["outage_seconds"], 1800);
    assert_eq!(s["availability"], 99.933);
    // Started in September: its resolution time belongs to September's report.
    assert_eq!(s["incidents"][0]["started_in_period"], false);
    // And 30 in September (30 days): 1 - 1800/2592000 = 99.9305...
    let r = report(dir.path(), &["--period", "2026-09"]);
    let s = svc(&r, "boundary");
    assert_eq!(s["outage_seconds"], 1800);
    assert_eq!(s["availability"], 99.931);
    assert_eq!(s["incidents"][0]["started_in_period"], true);
}

#[test]
fn business_hours_count_only_weekdays_nine_to_five() {
    let dir = repo();
    let r = report(dir.path(), &["--period", "2026-10"]);
    let s = svc(&r, "biz");
    // October 2026: 22 weekdays of 8 hours.
    assert_eq!(s["support_seconds"], 22 * 8 * 3600);
    assert_eq!(s["support_hours"], "business");
    // Saturday: nothing; Tuesday 16:00-18:00: the hour up to 17:00.
    let outages: Vec<i64> = s["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["outage_seconds"].as_i64().unwrap())
        .collect();
    assert_eq!(outages, [3600, 0]);
    assert_eq!(s["outage_seconds"], 3600);
    // 1 - 60/10560 = 99.4318...
    assert_eq!(s["availability"], 99.432);
    assert_eq!(s["met"], false);
}

#[test]
fn an_open_incident_counts_until_the_day_after_today() {
    let dir = repo();
    // Default period: the monthly window holding 2026-11-21. Open from 11-20 12:00
    // to 11-22 00:00: 36 hours of 30 days = 5%.
    let r = report(dir.path(), &[]);
    assert_eq!(r["period"], Value::Null);
    let s = svc(&r, "open");
    assert_eq!(s["period"]["label"], "2026-11");
    assert_eq!(s["outage_seconds"], 36 * 3600);
    assert_eq!(s["availability"], 95.0);
    let i = &s["incidents"][0];
    assert_eq!(i["resolved"], Value::Null);
    assert_eq!(i["resolution_seconds"], 36 * 3600);
    assert_eq!(i["breached"], true);
    assert!(
        r["breaches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["message"]
                == "incident:open (p2) open for 1d 12h 0m, over the p2 target of 8h 0m")
    );
}

#[test]
fn a_quarterly_sla_over_a_quarter() {
    let dir = repo();
    // Default: the quarter holding today, 2026-Q4, without incidents.
    let r = report(dir.path(), &[]);
    let s = svc(&r, "quarter");
    assert_eq!(s["period"]["label"], "2026-Q4");
    assert_eq!(s["availability"], 100.0);
    // 2026-Q3: 92 days; 2 hours down: 1 - 7200/7948800 = 99.9094...
    let r = report(dir.path(), &["--period", "2026-Q3"]);
    assert_eq!(r["period"], "2026-Q3");
    let s = svc(&r, "quarter");
    assert_eq!(s["period"]["start"], "2026-07-01");
    assert_eq!(s["period"]["end"], "2026-10-01");
    assert_eq!(s["support_seconds"], 92 * 24 * 3600);
    assert_eq!(s["availability"], 99.909);
    assert_eq!(s["met"], true);
}

#[test]
fn human_csv_and_markdown_print_the_same_figures() {
    let dir = repo();
    let args = [
        "report",
        "sla",
        "--today",
        "2026-11-21",
        "--period",
        "2026-10",
    ];
    let human = stdout(&itsm(dir.path(), &args));
    assert!(human.contains(
        "s45 (sla monthly, monthly, 24x7) 2026-10: availability 99.899% (target 99.9%) BREACHED\n  outage 45m of 744h supported\n  incident:i45 p2 outage: resolved in 45m (target 8h 0m), outage 45m\n"
    ), "{human}");
    let csv = stdout(&itsm(
        dir.path(),
        &[&args[..], &["--format", "csv"]].concat(),
    ));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "service,sla,period,period_start,period_end,support_hours,target,availability,outage_minutes,support_minutes,met,incidents,resolution_breaches"
    );
    assert!(
        lines.contains(
            &"biz,biz,2026-10,2026-10-01,2026-11-01,business,99.5,99.432,60,10560,false,2,0"
        ),
        "{csv}"
    );
    assert!(
        lines.contains(
            &"overlap,monthly,2026-10,2026-10-01,2026-11-01,24x7,99.9,99.731,120,44640,false,3,1"
        ),
        "{csv}"
    );
    let md = stdout(&itsm(
        dir.path(),
        &[&args[..], &["--format", "markdown"]].concat(),
    ));
    assert!(
        md.contains("| s45 | monthly | 2026-10 | 24x7 | 99.899% | 99.9% | 45m | **no** |"),
        "{md}"
    );
}

#[test]
fn fail_on_breach_exits_1_and_bad_periods_exit_2() {
    let dir = repo();
    let base = ["report", "sla", "--today", "2026-11-21"];
    let out = itsm(
        dir.path(),
        &[&base[..], &["--period", "2026-10", "--fail-on-breach"]].concat(),
    );
    assert_eq!(out.status.code(), Some(1));
    // No incidents in 2025: nothing breached.
    let out = itsm(
        dir.path(),
        &[&base[..], &["--period", "2025", "--fail-on-breach"]].concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = itsm(dir.path(), &[&base[..], &["--period", "2026-13"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`2026-13` is not a period"));
}

#[test]
fn the_example_repository_september_figures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-repo");
    let r = report(&root, &["--period", "2026-09"]);
    // inc-2026-0917: 18:42-19:52, 70 minutes on payments: 1 - 4200/2592000 = 99.8379...
    let s = svc(&r, "payments");
    assert_eq!(s["outage_seconds"], 4200);
    assert_eq!(s["availability"], 99.838);
    assert_eq!(s["met"], false);
}

// ---- coverage ----

fn policy(name: &str, clauses: &str, extra: &str) -> String {
    format!(
        "apiVersion: itsm/v1\nkind: Policy\nmetadata:\n  name: {name}\nspec:\n  owner: ops\n  clauses: [{clauses}]\n{extra}"
    )
}

fn coverage_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), common::VALID);
    let files = [
        (
            "policies/change.yaml",
            policy("change", "\"8.5.1\", \"8.2.6\", \"5.2\"", ""),
        ),
        (
            "policies/old.yaml",
            policy(
                "old",
                "\"9.3\"",
                "  lastReviewed: 2020-01-01\n  reviewEvery: 12mo\n",
            ),
        ),
        // Not in force yet: declares nothing.
        (
            "policies/future.yaml",
            policy("future", "\"8.6.1\"", "  effective: 2030-01-01\n"),
        ),
    ];
    for (path, text) in &files {
        write(dir.path(), &[(path, text.as_str())]);
    }
    dir
}

fn coverage(dir: &Path) -> Value {
    let out = itsm(
        dir,
        &[
            "report",
            "coverage",
            "--today",
            "2026-11-21",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn status<'a>(cov: &'a Value, number: &str) -> &'a str {
    cov["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == number)
        .unwrap_or_else(|| panic!("{number}"))["status"]
        .as_str()
        .unwrap()
}

#[test]
fn coverage_status_follows_the_rule() {
    let dir = coverage_repo();
    let cov = coverage(dir.path());
    let got: Vec<(&str, &str)> = [
        "4", "5", "5.2", "5.2.1", "8.2.4", "8.2.6", "8.5.1", "8.5.1.1", "8.5.1.2", "8.5.1.3",
        "8.6.1", "9.3", "9.4",
    ]
    .iter()
    .map(|n| (*n, status(&cov, n)))
    .collect();
    assert_eq!(
        got,
        [
            ("4", "gap"),
            // 5.1 and 5.3 are not declared; 5.3 has a Team, so it is partial.
            ("5", "partial"),
            ("5.2", "evidenced"),
            // Declared through 5.2; no records asked for.
            ("5.2.1", "evidenced"),
            // A Service, but no Policy declares 8.2.4.
            ("8.2.4", "partial"),
            // Declared, and a CI exists.
            ("8.2.6", "evidenced"),
            ("8.5.1", "partial"),
            ("8.5.1.1", "evidenced"),
            // Declared, but no Change yet.
            ("8.5.1.2", "partial"),
            ("8.5.1.3", "partial"),
            // Only a Policy not yet in force names it.
            ("8.6.1", "gap"),
            // Declared, and the Policy has a recorded review.
            ("9.3", "evidenced"),
            // SLAs, but no Incidents: every need must be met, so not demonstrated.
            ("9.4", "gap"),
        ]
    );
    let c = cov["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == "8.5.1.2")
        .unwrap();
    assert_eq!(c["declared_by"], serde_json::json!(["policy:change"]));
    assert_eq!(c["evidence"][0]["count"], 0);
    assert_eq!(c["evidence"][0]["what"], "Changes");
    assert_eq!(
        cov["clauses"].as_array().unwrap().len(),
        itsm::iso20000::CLAUSES.len()
    );
    let s = &cov["summary"];
    let total = s["evidenced"].as_u64().unwrap()
        + s["partial"].as_u64().unwrap()
        + s["gap"].as_u64().unwrap();
    assert_eq!(total as usize, itsm::iso20000::CLAUSES.len());
}

#[test]
fn changes_make_change_management_evidenced_and_findings_name_their_clause() {
    let dir = coverage_repo();
    write(
        dir.path(),
        &[
            (
                "changes/hotfix.yaml",
                "apiVersion: itsm/v1\nkind: Change\nmetadata:\n  name: hotfix\nspec:\n  type: emergency\n  risk: high\n  impacts: [service:shop]\n  requestedBy: octocat\n  status: implemented\n  backout: revert\n  window: {start: \"2026-10-01T10:00:00Z\", end: \"2026-10-01T11:00:00Z\"}\n",
            ),
            (
                "changes/reviewed.yaml",
                "apiVersion: itsm/v1\nkind: Change\nmetadata:\n  name: reviewed\nspec:\n  type: normal\n  risk: low\n  impacts: [ci:web]\n  requestedBy: octocat\n  status: implemented\n  backout: revert\n  review: {date: 2026-10-10, outcome: successful}\n",
            ),
        ],
    );
    let cov = coverage(dir.path());
    assert_eq!(status(&cov, "8.5.1.2"), "evidenced");
    assert_eq!(status(&cov, "8.5.1.3"), "evidenced");
    assert_eq!(status(&cov, "8.5.1"), "evidenced");
    let findings: Vec<(&str, &str, &str)> = cov["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["clause"].as_str().unwrap(),
                f["code"].as_str().unwrap(),
                f["record"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            ("8.5.1.3", "review-missing", "change:hotfix"),
            ("9.3", "review-overdue", "policy:old"),
        ]
    );
    assert_eq!(cov["findings"][0]["file"], "changes/hotfix.yaml");
    let human = stdout(&itsm(
        dir.path(),
        &["report", "coverage", "--today", "2026-11-21"],
    ));
    assert!(human.contains("      [x] 8.5.1.2 Change management initiation: evidenced\n            declared by: policy:change\n            evidence: 2 Changes (Change)\n"), "{human}");
    assert!(human.contains("finding: change:hotfix is an emergency change implemented on 2026-10-01 without a post-implementation review"));
}

#[test]
fn coverage_html_is_standalone_and_escaped() {
    let dir = coverage_repo();
    write(
        dir.path(),
        &[(
            "itsm.yaml",
            "name: \"<script>alert(1)</script> & co\"\nadmins: ops\ncab: ops\necab: ops\n",
        )],
    );
    let out = itsm(
        dir.path(),
        &[
            "report",
            "coverage",
            "--today",
            "2026-11-21",
            "--format",
            "html",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let html = stdout(&out);
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("http"), "no external resource");
    assert!(html.contains("<td class=\"n l4\">8.5.1.2</td><td>Change management initiation</td><td><span class=\"badge partial\">partial</span>"));
    let md = stdout(&itsm(
        dir.path(),
        &[
            "report",
            "coverage",
            "--today",
            "2026-11-21",
            "--format",
            "markdown",
        ],
    ));
    assert!(
        md.contains(
            "| 8.2.6 | Configuration management | evidenced | policy:change | 1 CIs (CI) |"
        ),
        "{md}"
    );
}

#[test]
fn an_unknown_clause_in_a_policy_is_a_schema_error() {
    let dir = coverage_repo();
    write(
        dir.path(),
        &[("policies/bad.yaml", policy("bad", "\"8.9\"", "").as_str())],
    );
    let out = common::check_json(dir.path(), None);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let d: Vec<(&str, &str, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["pointer"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(d, [("schema", "policies/bad.yaml", "/spec/clauses/0")]);
}

#[test]
fn the_clause_table_has_every_clause_from_4_to_10() {
    let numbers: Vec<&str> = itsm::iso20000::CLAUSES.iter().map(|c| c.number).collect();
    for n in [
        "4", "4.4", "5.2.2", "6.2.2", "7.5.4", "7.6", "8.1", "8.2.6", "8.3.4.2", "8.4.3",
        "8.5.1.3", "8.5.2.3", "8.5.3", "8.6.3", "8.7.3.3", "9.4", "10.2",
    ] {
        assert!(numbers.contains(&n), "{n}");
    }
    assert_eq!(numbers.len(), 77);
    assert_eq!(
        itsm::iso20000::clause("8.5.1.1").unwrap().title,
        "Change management policy"
    );
    assert_eq!(
        itsm::iso20000::clause("8.3.4.2").unwrap().title,
        "Management of internal suppliers and customers acting as a supplier"
    );
}

#[test]
fn reports_at_a_git_revision_and_notes_on_unreadable_instants() {
    let dir = repo();
    let git = git2::Repository::init(dir.path()).unwrap();
    common::commit_all(&git, "first");
    std::fs::remove_file(dir.path().join("incidents/i45.yaml")).unwrap();
    write(
        dir.path(),
        &[(
            "incidents/bad.yaml",
            incident("bad", "s45", "p2", "outage", "yesterday", None).as_str(),
        )],
    );
    let r = report(dir.path(), &["--period", "2026-10", "--rev", "HEAD"]);
    assert_eq!(svc(&r, "s45")["outage_seconds"], 2700);
    assert_eq!(r["notes"], serde_json::json!([]));
    let r = report(dir.path(), &["--period", "2026-10"]);
    assert_eq!(svc(&r, "s45")["outage_seconds"], 0);
    assert_eq!(
        r["notes"],
        serde_json::json!(["incident:bad: `started` is not an RFC 3339 instant: skipped"])
    );
    let cov = itsm(
        dir.path(),
        &["report", "coverage", "--rev", "HEAD", "--format", "json"],
    );
    assert_eq!(cov.status.code(), Some(0), "{}", stderr(&cov));
}

#[test]
fn a_monthly_sla_over_a_quarter_is_held_to_its_target_month_by_month() {
    let dir = repo();
    let r = report(dir.path(), &["--period", "2026-Q4"]);
    let s = svc(&r, "s45");
    // Over the quarter: 1 - 2700/7948800 = 99.9660...: above 99.9 ...
    assert_eq!(s["support_seconds"], 92 * 24 * 3600);
    assert_eq!(s["availability"], 99.966);
    // ... but October alone is 99.899: the SLA is missed.
    let months: Vec<(&str, f64, bool)> = s["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["period"]["label"].as_str().unwrap(),
                w["availability"].as_f64().unwrap(),
                w["met"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            ("2026-10", 99.899, false),
            ("2026-11", 100.0, true),
            ("2026-12", 100.0, true)
        ]
    );
    assert_eq!(s["met"], false);
    assert!(r["breaches"].as_array().unwrap().iter().any(|b| b["service"] == "s45"
        && b["message"] == "availability 99.899% is below the target 99.9% over 2026-10 (45m of outage)"));
    // A quarterly SLA over a quarter has one window: no breakdown.
    assert_eq!(svc(&r, "quarter")["windows"], serde_json::json!([]));
}
