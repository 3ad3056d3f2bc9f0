//! `itsm report actions`, `risks` and `objectives` against hand-computed
//! registers.

mod common;

use common::{itsm, json, stdout, valid_repo};
use serde_json::Value;
use std::path::Path;

fn report(dir: &Path, which: &str, format: &str) -> std::process::Output {
    let out = itsm(
        dir,
        &["report", which, "--today", "2026-11-21", "--format", format],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    out
}

fn improvement(name: &str, status: &str, due: &str, extra: &str) -> String {
    format!(
        "apiVersion: itsm/v1\nkind: Improvement\nmetadata:\n  name: {name}\n  title: \"=HYPERLINK(\\\"http://x\\\")\"\nspec:\n  owner: ops\n  type: corrective-action\n  status: {status}\n  due: {due}\n{extra}"
    )
}

#[test]
fn actions_list_overdue_first_then_open_then_closed_and_unaddressed_findings() {
    let audit = "apiVersion: itsm/v1\nkind: Audit\nmetadata:\n  name: a\nspec:\n  type: internal\n  status: done\n  date: 2026-11-01\n  scope:\n    requirements: [\"8\"]\n  auditors: [zed]\n  findings:\n    - {id: F1, type: major, text: No CMDB owner}\n    - {id: F2, type: observation, text: Fine}\n";
    let dir = valid_repo(&[
        ("audits/a.yaml", audit),
        (
            "improvements/late.yaml",
            &improvement("late", "open", "2026-11-01", ""),
        ),
        (
            "improvements/later.yaml",
            &improvement("later", "in-progress", "2026-11-11", ""),
        ),
        (
            "improvements/next.yaml",
            &improvement("next", "open", "2026-12-01", ""),
        ),
        (
            "improvements/done.yaml",
            &improvement("done", "done", "2026-10-01", "  closed: 2026-10-02\n"),
        ),
    ]);
    let r = json(&report(dir.path(), "actions", "json"));
    let rows: Vec<(&str, i64)> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["record"].as_str().unwrap(),
                r["overdue_days"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("improvement:late", 20),
            ("improvement:later", 10),
            ("audit:a#F1", 0),
            ("improvement:next", 0),
            ("improvement:done", 0)
        ]
    );
    assert_eq!(r["rows"][2]["status"], "unaddressed");
    // A title that a spreadsheet would run as a formula is quoted in CSV.
    let csv = stdout(&report(dir.path(), "actions", "csv"));
    assert!(csv.contains(",\"'=HYPERLINK("), "{csv}");
    assert!(!csv.contains(",\"=HYPERLINK("), "{csv}");
    assert!(
        csv.contains("audit:a#F1,major,No CMDB owner,audit:a,,,unaddressed,,\n"),
        "{csv}"
    );
}

fn risk(name: &str, l: u8, i: u8, extra: &str) -> String {
    format!(
        "apiVersion: itsm/v1\nkind: Risk\nmetadata:\n  name: {name}\nspec:\n  owner: ops\n  likelihood: {l}\n  impact: {i}\n  treatment: avoid\n{extra}"
    )
}

#[test]
fn risks_highest_first_with_a_heat_map_of_open_risks() {
    let dir = valid_repo(&[
        ("risks/a.yaml", &risk("a", 2, 3, "")),
        (
            "risks/b.yaml",
            &risk("b", 4, 4, "  residual: {likelihood: 1, impact: 4}\n"),
        ),
        ("risks/c.yaml", &risk("c", 4, 4, "  status: closed\n")),
        ("risks/d.yaml", &risk("d", 3, 4, "")),
    ]);
    let r: Value = json(&report(dir.path(), "risks", "json"));
    let order: Vec<&str> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["record"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["risk:b", "risk:c", "risk:d", "risk:a"]);
    assert_eq!(r["rows"][0]["score"], 16);
    assert_eq!(r["rows"][0]["above_appetite"], true);
    assert_eq!(r["rows"][0]["residual"], 4);
    assert_eq!(r["rows"][2]["above_appetite"], false);
    // Row 0 is likelihood 5; column 0 impact 1. The closed risk c is not counted.
    assert_eq!(r["heat_map"][1][3], 1);
    assert_eq!(r["heat_map"][2][3], 1);
    assert_eq!(r["heat_map"][3][2], 1);
    let total: u64 = r["heat_map"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap())
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(total, 3);
}

#[test]
fn objectives_are_judged_on_their_latest_result() {
    let objective = |name: &str, direction: &str, results: &str, status: &str| {
        format!(
            "apiVersion: itsm/v1\nkind: Objective\nmetadata:\n  name: {name}\nspec:\n  owner: ops\n  measure: {{metric: m, unit: h, target: 4, direction: {direction}}}\n  due: 2026-11-01\n  status: {status}\n  results: {results}\n"
        )
    };
    let dir = valid_repo(&[
        (
            "objectives/low.yaml",
            &objective(
                "low",
                "at-most",
                "[{date: 2026-09-30, value: 5}, {date: 2026-10-31, value: 4}]",
                "on-track",
            ),
        ),
        (
            "objectives/high.yaml",
            &objective(
                "high",
                "at-least",
                "[{date: 2026-10-31, value: 3.5}, {date: 2027-01-31, value: 9}]",
                "achieved",
            ),
        ),
    ]);
    let r = json(&report(dir.path(), "objectives", "json"));
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(rows[0]["record"], "objective:high");
    assert_eq!(
        rows[0]["on_target"], false,
        "a result dated after today does not count"
    );
    assert_eq!(rows[0]["overdue"], false, "achieved is not overdue");
    assert_eq!(rows[1]["record"], "objective:low");
    assert_eq!(rows[1]["on_target"], true, "4 is at most 4");
    assert_eq!(rows[1]["previous"], 5.0);
    assert_eq!(rows[1]["overdue"], true);
    let md = stdout(&report(dir.path(), "objectives", "markdown"));
    assert!(md.contains("| objective:low |"), "{md}");
}

/// Record text reaches a terminal or a CI log escaped: no control character, no
/// line a runner takes for a workflow command.
#[test]
fn human_registers_and_coverage_escape_record_text() {
    let hostile = "apiVersion: itsm/v1\nkind: Improvement\nmetadata:\n  name: evil\n  title: \"x\\u001b[2J\\n::error::pwned\"\nspec:\n  owner: ops\n  type: improvement\n  status: open\n";
    let framework = "apiVersion: itsm/v1\nkind: Framework\nmetadata:\n  name: f\nspec:\n  owner: ops\n  title: \"\\u001b]0;t\\u0007F\"\n  requirements:\n    - {id: R1, title: \"one\\n::warning::two\"}\n";
    let dir = valid_repo(&[
        ("improvements/evil.yaml", hostile),
        ("frameworks/f.yaml", framework),
    ]);
    let texts = [
        stdout(&report(dir.path(), "actions", "human")),
        stdout(&itsm(
            dir.path(),
            &[
                "report",
                "coverage",
                "--framework",
                "f",
                "--today",
                "2026-11-21",
            ],
        )),
    ];
    for text in texts {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text}"
        );
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("::")),
            "{text}"
        );
    }
}
