//! `itsm report` where data cannot say it: at a git revision, and the clause table.
//! Every figure of `report sla` and `report coverage` against a hand-computed value
//! is in `tests/cmd/report/` (the `.toml` of each case shows the computation).

mod common;

use common::{itsm, json, repo_of, write};
use serde_json::Value;
use std::path::Path;

fn sla_report(dir: &Path, extra: &[&str]) -> Value {
    let args = ["report", "sla", "--today", "2026-11-21", "--format", "json"];
    let out = itsm(dir, &[&args[..], extra].concat());
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    json(&out)
}

fn outage_of_s45(report: &Value) -> &Value {
    let services = report["services"].as_array().unwrap();
    &services.iter().find(|s| s["service"] == "s45").unwrap()["outage_seconds"]
}

#[test]
fn reports_at_a_git_revision_and_notes_on_unreadable_instants() {
    let dir = repo_of("sla");
    let git = git2::Repository::init(dir.path()).unwrap();
    common::commit_all(&git, "first");
    std::fs::remove_file(dir.path().join("incidents/i45.yaml")).unwrap();
    write(
        dir.path(),
        &[(
            "incidents/bad.yaml",
            "apiVersion: itsm/v1\nkind: Incident\nmetadata:\n  name: bad\nspec:\n  priority: p2\n  services: [s45]\n  started: \"yesterday\"\n  impact: outage\n",
        )],
    );
    let r = sla_report(dir.path(), &["--period", "2026-10", "--rev", "HEAD"]);
    assert_eq!(outage_of_s45(&r), 2700);
    assert_eq!(r["notes"], serde_json::json!([]));
    let r = sla_report(dir.path(), &["--period", "2026-10"]);
    assert_eq!(outage_of_s45(&r), 0);
    assert_eq!(
        r["notes"],
        serde_json::json!(["incident:bad: `started` is not an RFC 3339 instant: skipped"])
    );
    let cov = itsm(
        dir.path(),
        &["report", "coverage", "--rev", "HEAD", "--format", "json"],
    );
    assert_eq!(cov.status.code(), Some(0), "{}", common::stderr(&cov));
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
