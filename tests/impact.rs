//! `itsm impact`: dependents found transitively, each once, with the Teams a Change needs.

mod common;

use common::{itsm, stderr, stdout, write};
use serde_json::Value;

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), common::VALID);
    let team = |n: &str| {
        format!(
            "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: {n}\nspec:\n  members:\n    - {{login: {n}-lead}}\n"
        )
    };
    let ci = |n: &str, owner: &str, deps: &str| {
        format!(
            "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: {n}\nspec:\n  owner: {owner}\n  type: database\n  environment: production\n  dependsOn: [{deps}]\n"
        )
    };
    let service = |n: &str, owner: &str, tier: u8, cis: &str, deps: &str| {
        format!(
            "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: {n}\nspec:\n  owner: {owner}\n  lifecycle: development\n  tier: {tier}\n  cis: [{cis}]\n  dependsOn: [{deps}]\n"
        )
    };
    write(
        dir.path(),
        &[
            ("teams/dba.yaml", &team("dba")),
            ("teams/web.yaml", &team("web")),
            ("cis/disk.yaml", &ci("disk", "dba", "")),
            ("cis/db.yaml", &ci("db", "dba", "disk")),
            ("cis/app.yaml", &ci("app", "web", "db, disk")),
            (
                "services/orders.yaml",
                &service("orders", "web", 2, "app", ""),
            ),
            (
                "services/front.yaml",
                &service("front", "web", 1, "", "orders"),
            ),
            ("services/other.yaml", &service("other", "dba", 3, "", "")),
        ],
    );
    dir
}

#[test]
fn dependents_transitively_once_each_with_paths_and_teams() {
    let dir = repo();
    let out = itsm(dir.path(), &["impact", "ci:disk", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let ids: Vec<&str> = v["impacted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ci:app", "ci:db", "service:orders", "service:front"]);
    let front = &v["impacted"][3];
    assert_eq!(
        front["path"],
        serde_json::json!(["ci:disk", "ci:app", "service:orders", "service:front"])
    );
    assert_eq!(front["depth"], 3);
    assert_eq!(front["tier"], 1);
    assert_eq!(v["tier1_reached"], true);
    let teams: Vec<&str> = v["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["team"].as_str().unwrap())
        .collect();
    assert_eq!(teams, ["dba", "web", "ops"]);
    assert_eq!(
        v["approvals"][2]["reasons"][0],
        "tier 1 reached: service:front (cab)"
    );
}

#[test]
fn the_tree_marks_a_record_reached_twice() {
    let dir = repo();
    let out = itsm(dir.path(), &["impact", "disk"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let tree: Vec<&str> = text.lines().take(7).collect();
    assert_eq!(
        tree,
        [
            "ci:disk (owner dba)",
            "├── ci:app (owner web)",
            "│   └── service:orders (owner web, tier 2)",
            "│       └── service:front (owner web, tier 1)",
            "└── ci:db (owner dba)",
            "    └── ci:app (repeated)",
            "",
        ]
    );
    assert!(text.contains("4 record(s) impacted (2 Service(s), 2 CI(s)); tier 1 reached"));
}

#[test]
fn a_record_nothing_depends_on_impacts_only_itself() {
    let dir = repo();
    let out = itsm(dir.path(), &["impact", "service:other", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["impacted"], serde_json::json!([]));
    assert_eq!(v["approvals"][0]["team"], "dba");
    assert_eq!(v["tier1_reached"], false);
}

#[test]
fn an_unknown_ref_fails_with_a_suggestion() {
    let dir = repo();
    let out = itsm(dir.path(), &["impact", "ci:dsk"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no record named `ci:dsk`: did you mean `ci:disk`?"),
        "{}",
        stderr(&out)
    );
    let out = itsm(dir.path(), &["impact", "nothing-like-it"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no record named `nothing-like-it`"));
}

#[test]
fn an_ambiguous_bare_name_asks_for_the_full_form() {
    let dir = repo();
    // `ops` is a Team; add a CI of the same name.
    write(
        dir.path(),
        &[(
            "cis/ops.yaml",
            "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: ops\nspec:\n  owner: ops\n  type: other\n  environment: test\n",
        )],
    );
    let out = itsm(dir.path(), &["impact", "ops"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`ops` names several records: team:ops, ci:ops"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn impact_at_a_git_revision() {
    let dir = repo();
    let git = git2::Repository::init(dir.path()).unwrap();
    common::commit_all(&git, "first");
    std::fs::remove_file(dir.path().join("services/front.yaml")).unwrap();
    let out = itsm(
        dir.path(),
        &["impact", "ci:disk", "--format", "json", "--rev", "HEAD"],
    );
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["impacted"].as_array().unwrap().len(), 4);
    let out = itsm(dir.path(), &["impact", "ci:disk", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["impacted"].as_array().unwrap().len(), 3);
}

#[test]
fn a_long_chain_prints_in_linear_space_without_overflowing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &common::VALID[..1]);
    write(dir.path(), &common::VALID[1..2]);
    // c0 <- c1 <- ... <- c1999: each CI depends on the previous one; one file.
    let n = 2000;
    let mut text = String::new();
    for i in 0..n {
        let deps = if i == 0 {
            String::new()
        } else {
            format!("c{}", i - 1)
        };
        text.push_str(&format!(
            "---\napiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: c{i}\nspec:\n  owner: ops\n  type: other\n  environment: test\n  dependsOn: [{deps}]\n"
        ));
    }
    write(dir.path(), &[("cis/chain.yaml", &text)]);
    let out = itsm(dir.path(), &["impact", "ci:c0", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let last = &v["impacted"][n - 2];
    assert_eq!(last["id"], format!("ci:c{}", n - 1));
    assert_eq!(last["depth"], n - 1);
    let path = last["path"].as_array().unwrap();
    // REF, "...", then the last 64 records of the chain.
    assert_eq!(path.len(), 66);
    assert_eq!(
        (path[0].as_str(), path[1].as_str()),
        (Some("ci:c0"), Some("..."))
    );
    assert_eq!(path[65], format!("ci:c{}", n - 1));
    assert_eq!(path[2], format!("ci:c{}", n - 64));
    // The short paths are whole.
    assert_eq!(
        v["impacted"][1]["path"],
        serde_json::json!(["ci:c0", "ci:c1", "ci:c2"])
    );
    let out = itsm(dir.path(), &["impact", "ci:c0"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.len() < 400 * n, "{} bytes", text.len());
    assert!(
        text.contains("└── (level 33) ci:c33 (owner ops)\n"),
        "{}",
        &text[..3000]
    );
    assert!(text.contains(&format!(
        "{} record(s) impacted (0 Service(s), {} CI(s))",
        n - 1,
        n - 1
    )));
}
