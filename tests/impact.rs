//! `itsm impact` where data cannot say it: at a git revision, and on a chain too
//! long to write by hand. Its output on a repository is in `tests/cmd/impact/`.

mod common;

use common::{itsm, stderr, stdout, write};
use serde_json::Value;

#[test]
fn impact_at_a_git_revision() {
    let dir = common::repo_of("impact");
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
