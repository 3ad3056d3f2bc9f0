//! `itsm init` and `itsm new`: their output passes `itsm check`, and they never
//! overwrite a file.

mod common;
use common::*;

#[test]
fn init_writes_a_repository_that_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let out = itsm(
        dir.path(),
        &["init", "acme", "--name", "Acme IT", "--today", "2026-11-21"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let root = dir.path().join("acme");
    for f in [
        "itsm.yaml",
        "teams/it-services.yaml",
        "services/website.yaml",
        "slas/standard.yaml",
        "cis/web-server.yaml",
        "policies/change-management.md",
        ".itsm/schemas/service.schema.json",
        ".github/workflows/itsm.yml",
        ".github/workflows/itsm-review.yml",
    ] {
        assert!(root.join(f).is_file(), "{f} missing");
    }
    let check = itsm(
        &root,
        &["check", "--today", "2026-11-21", "--deny-warnings"],
    );
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert!(stdout(&check).contains("5 records"), "{}", stdout(&check));
}

#[test]
fn init_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("itsm.yaml", "name: Mine\n")]);
    let out = itsm(dir.path(), &["init", "."]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("kept    ./itsm.yaml (exists)"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("itsm.yaml")).unwrap(),
        "name: Mine\n"
    );
    let again = itsm(dir.path(), &["init", "."]);
    assert!(!stdout(&again).contains("created"), "{}", stdout(&again));
}

#[test]
fn new_writes_every_kind_so_that_it_checks() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    let kinds = [
        "team",
        "service",
        "sla",
        "ci",
        "supplier",
        "policy",
        "standard-change",
        "change",
        "incident",
        "problem",
    ];
    for kind in kinds {
        let out = itsm(
            dir.path(),
            &["new", kind, &format!("new-{kind}"), "--today", "2026-11-21"],
        );
        assert_eq!(out.status.code(), Some(0), "{kind}: {}", stderr(&out));
    }
    let check = itsm(
        dir.path(),
        &["check", "--today", "2026-11-21", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&check)).unwrap();
    assert_eq!(report["summary"]["records"], 4 + kinds.len());
    assert_eq!(report["summary"]["errors"], 0, "{report:#}");
    // The only warning: the new CI is not used by a Service yet.
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["orphan-ci"], "{report:#}");
}

#[test]
fn new_refuses_existing_names_and_bad_names() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    let out = itsm(dir.path(), &["new", "service", "shop"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("service:shop exists already"),
        "{}",
        stderr(&out)
    );
    let out = itsm(dir.path(), &["new", "service", "../../x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a valid name"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("../x.yaml").exists());
    let out = itsm(dir.path(), &["new", "widget", "x"]);
    assert_eq!(out.status.code(), Some(2));
    // A file in the way that is not a record of that name is kept too.
    write(dir.path(), &[("services/other.yaml", "# notes\n")]);
    let out = itsm(dir.path(), &["new", "service", "other"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("services/other.yaml")).unwrap(),
        "# notes\n"
    );
}
