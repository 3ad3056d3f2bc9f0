//! `--format sarif` validates against the official SARIF 2.1.0 schema, vendored
//! in `tests/fixtures/sarif/` (see its NOTICE.md for where it comes from).

mod common;
#[path = "common/sarif.rs"]
mod sarif_schema;
use common::*;
use sarif_schema::sarif_validator;

fn errors(validator: &jsonschema::Validator, log: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    write(
        dir.path(),
        &[
            (
                "services/bad.yaml",
                "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  owner: nobody\n  lifecycle: production\n  tier: 9\n",
            ),
            ("broken.yaml", "a: [1, 2\n"),
            (
                "cis/lonely.yaml",
                "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: lonely\nspec:\n  owner: ops\n  type: server\n  environment: test\n",
            ),
        ],
    );
    let out = itsm(
        dir.path(),
        &["check", "--format", "sarif", "--today", "2026-11-21"],
    );
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= 5, "{log:#}");
    assert!(results.iter().any(|r| r["level"] == "warning"));

    let validator = sarif_validator();
    let errors = errors(&validator, &log);
    assert!(errors.is_empty(), "SARIF is invalid: {errors:#?}");
    // The validator does catch a broken log.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));
}

/// A CI owned by a Team that does not exist: one `unresolved-ref` error.
fn bad_ci(name: &str) -> String {
    format!(
        "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: {name}\nspec:\n  owner: nobody\n  type: server\n  environment: test\n"
    )
}

#[test]
fn file_paths_are_percent_encoded_uri_references() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    write(
        dir.path(),
        &[
            ("cis/with space/bad é.yaml", &bad_ci("spaced")),
            ("cis/50%#[x].yaml", &bad_ci("percent")),
        ],
    );
    let out = itsm(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let log: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
            artifact["uri"].as_str().unwrap()
        })
        .collect();
    assert!(
        uris.contains(&"cis/with%20space/bad%20%C3%A9.yaml"),
        "{uris:?}"
    );
    assert!(uris.contains(&"cis/50%25%23%5Bx%5D.yaml"), "{uris:?}");
    let validator = sarif_validator();
    let errors = errors(&validator, &log);
    assert!(errors.is_empty(), "SARIF is invalid: {errors:#?}");
}

#[test]
fn findings_past_the_cap_are_one_notification_per_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    let docs: Vec<String> = (0..60).map(|i| bad_ci(&format!("c{i}"))).collect();
    write(dir.path(), &[("cis/many.yaml", &docs.join("---\n"))]);
    let out = itsm(dir.path(), &["check", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let run = &log["runs"][0];
    let in_many = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "cis/many.yaml"
        })
        .count();
    assert_eq!(in_many, 50);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap_or_else(|| panic!("no notification: {run:#}"));
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            // 60 unresolved owners and 60 orphan CIs: 50 shown, 70 counted.
            .starts_with("and 70 more in cis/many.yaml"),
        "{notes:#?}"
    );
    let validator = sarif_validator();
    let errors = errors(&validator, &log);
    assert!(errors.is_empty(), "SARIF is invalid: {errors:#?}");
}
