//! `itsm export` where data cannot say it: the JSON document against its own
//! schema, at a git revision, and every OpenSLO document against the OpenSLO rules.
//! What it prints on a repository is in `tests/cmd/export/`.

mod common;

use common::{itsm, stderr, stdout};
use serde_json::Value;
use std::path::Path;

fn export(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["export", "--today", "2026-11-21"];
    args.extend(extra);
    let out = itsm(dir, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn the_example_repository_export_is_valid_against_the_export_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-repo");
    let doc = export(&root, &[]);
    let schema: Value = serde_json::from_str(itsm::export::SCHEMA).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .take(10)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(doc["records"].as_array().unwrap().len(), 138);
    // The validator does catch a broken document.
    let mut broken = doc.clone();
    broken["records"][0]["relations"]["out"][0]["field"] = "ownr".into();
    assert!(!validator.is_valid(&broken));
    // `itsm export --schema` prints the same schema.
    let out = itsm(&root, &["export", "--schema"]);
    assert_eq!(stdout(&out), itsm::export::SCHEMA);
}

#[test]
fn export_at_a_git_revision() {
    let dir = common::valid_repo(&[]);
    let git = git2::Repository::init(dir.path()).unwrap();
    common::commit_all(&git, "first");
    std::fs::remove_file(dir.path().join("cis/web.yaml")).unwrap();
    assert_eq!(
        export(dir.path(), &["--rev", "HEAD"])["records"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        export(dir.path(), &[])["records"].as_array().unwrap().len(),
        3
    );
}

/// The rules of the OpenSLO v1 specification and its SDK's validation that an
/// SLO document must follow (metadata, spec, time window, objectives).
fn assert_valid_openslo(doc: &Value) {
    let label = |s: &str| {
        let b = s.as_bytes();
        let ok = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        !b.is_empty()
            && b.len() <= 63
            && ok(&b[0])
            && ok(&b[b.len() - 1])
            && b.iter().all(|c| ok(c) || *c == b'-')
    };
    let text = |v: &Value| v.as_str().unwrap_or_else(|| panic!("{doc:#}")).to_string();
    assert_eq!(doc["apiVersion"], "openslo/v1");
    assert_eq!(doc["kind"], "SLO");
    assert!(label(&text(&doc["metadata"]["name"])), "{doc:#}");
    assert!(
        text(&doc["metadata"]["displayName"]).chars().count() <= 63,
        "{doc:#}"
    );
    assert!(
        text(&doc["spec"]["description"]).chars().count() <= 1050,
        "{doc:#}"
    );
    assert!(!text(&doc["spec"]["service"]).is_empty());
    assert!(label(&text(&doc["spec"]["indicatorRef"])), "{doc:#}");
    assert!(
        ["Occurrences", "Timeslices", "RatioTimeslices"]
            .contains(&text(&doc["spec"]["budgetingMethod"]).as_str())
    );
    let windows = doc["spec"]["timeWindow"].as_array().unwrap();
    assert_eq!(windows.len(), 1);
    let duration = text(&windows[0]["duration"]);
    let (n, unit) = duration.split_at(duration.len() - 1);
    assert!(
        n.parse::<u32>().is_ok_and(|n| n > 0) && "mhdwMQY".contains(unit),
        "{duration}"
    );
    let start = text(&windows[0]["calendar"]["startTime"]);
    assert!(
        jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", &start).is_ok(),
        "{start}"
    );
    for o in doc["spec"]["objectives"].as_array().unwrap() {
        let t = o["target"].as_f64().unwrap_or_else(|| panic!("{doc:#}"));
        assert!((0.0..1.0).contains(&t), "target {t} in {doc:#}");
    }
}

/// Every OpenSLO export the command-line cases snapshot (`tests/cmd/export/openslo-*`).
#[test]
fn every_openslo_document_keeps_to_the_spec_with_unique_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases = root.join("tests/cmd/export");
    for dir in [
        root.join("example-repo"),
        cases.join("openslo-limits.in"),
        cases.join("openslo-map.in"),
        cases.join("openslo-names.in"),
    ] {
        let out = itsm(
            &dir,
            &["export", "--today", "2026-11-21", "--format", "openslo"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        let (docs, error) = itsm::load::yaml::parse(&text);
        assert!(error.is_none(), "{error:?}\n{text}");
        let docs: Vec<Value> = docs.iter().map(|d| d.value.to_json()).collect();
        assert!(!docs.is_empty(), "{}", dir.display());
        for d in &docs {
            assert_valid_openslo(d);
        }
        for f in [
            "/metadata/name",
            "/metadata/displayName",
            "/spec/indicatorRef",
        ] {
            let mut values: Vec<&str> = docs
                .iter()
                .map(|d| d.pointer(f).unwrap().as_str().unwrap())
                .collect();
            values.sort_unstable();
            values.dedup();
            assert_eq!(values.len(), docs.len(), "{f} not unique in {text}");
        }
    }
}
