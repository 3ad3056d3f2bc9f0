//! `itsm new` given a path for a name writes nothing outside the repository,
//! which a case in `tests/cmd/new/` cannot see. What `init` and `new` write and
//! print, and that it checks, is in `tests/cmd/init/` and `tests/cmd/new/`.

mod common;
use common::*;

#[test]
fn a_name_that_is_a_path_writes_nothing_outside() {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("repo");
    write(&root, VALID);
    let out = itsm(&root, &["new", "service", "../../x"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_has(&stderr(&out), "not a valid name");
    assert_eq!(files_under(outer.path()).len(), VALID.len());
}

/// `itsm new` writes a record of every kind that `itsm check` accepts without
/// an error (a Request needs a Service that offers requests). The warnings left
/// are true of a new record: a CI no Service uses yet, a management review
/// planned but none held. A first Customer then makes free-text customers
/// references, and the SLA that names "Shop" must name a Customer.
#[test]
fn a_new_record_of_every_kind_checks_without_errors() {
    let offering = "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: desk\nspec:\n  owner: ops\n  lifecycle: planned\n  tier: 3\n  requests:\n    - {id: laptop, title: A laptop, fulfilment: 3d}\n";
    let dir = valid_repo(&[("services/desk.yaml", offering)]);
    let kinds = itsm::model::Kind::ALL.into_iter();
    for kind in kinds.filter(|k| *k != itsm::model::Kind::Customer) {
        let name = format!("new-{}", kind.id());
        let out = itsm(dir.path(), &["new", kind.id(), &name]);
        assert_eq!(out.status.code(), Some(0), "{kind}: {}", stderr(&out));
    }
    let codes = |dir: &std::path::Path| {
        let out = itsm(dir, &["check", "--today", "2026-11-21", "--format", "json"]);
        let report = json(&out);
        let diags = report["diagnostics"].as_array().unwrap().clone();
        diags
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["code"].as_str().unwrap(),
                    d["file"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        codes(dir.path()),
        [
            "orphan-ci cis/new-ci.yaml",
            "management-review-overdue management-reviews/new-management-review.md"
        ]
    );
    let out = itsm(dir.path(), &["new", "customer", "shop"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = codes(dir.path());
    assert!(
        after.contains(&"unresolved-ref slas/gold.yaml".to_string()),
        "{after:?}"
    );
    let out = itsm(dir.path(), &["check", "--today", "2026-11-21"]);
    assert_has(&stdout(&out), "free text only while there is none");
    // A new SLA then names the Customer.
    let out = itsm(dir.path(), &["new", "sla", "silver"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let files = codes(dir.path());
    assert!(
        !files.iter().any(|c| c.ends_with("silver.yaml")),
        "{files:?}"
    );
}

/// `itsm new framework iso27001` and `iso9001` write the standards in full
/// (ISO/IEC 27001: 41 clauses, Annex A's 4 themes and 93 controls; ISO 9001:
/// 73 clauses), and each checks clean and reports coverage.
#[test]
fn the_standards_are_written_in_full_and_check_clean() {
    let dir = valid_repo(&[]);
    for (name, count) in [("iso27001", 139), ("iso9001", 73)] {
        let out = itsm(dir.path(), &["new", "framework", name]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let out = itsm(
            dir.path(),
            &[
                "report",
                "coverage",
                "--framework",
                name,
                "--format",
                "json",
                "--today",
                "2026-11-21",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let report = json(&out);
        assert_eq!(
            report["requirements"].as_array().unwrap().len(),
            count,
            "{name}"
        );
    }
    let text = std::fs::read_to_string(dir.path().join("frameworks/iso27001.yaml")).unwrap();
    assert!(text.contains("    - {id: \"A.8.34\", title: \"Protection of information systems during audit testing\", parent: \"A.8\"}\n"));
    assert!(text.contains("  owner: ops\n"));
    let out = itsm(
        dir.path(),
        &["check", "--today", "2026-11-21", "--format", "json"],
    );
    assert_eq!(
        json(&out)["diagnostics"],
        serde_json::json!([]),
        "{}",
        stdout(&out)
    );
}
