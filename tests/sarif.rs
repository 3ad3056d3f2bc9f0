//! `--format sarif` validates against the official SARIF 2.1.0 schema, taken
//! from Microsoft's `@microsoft/jest-sarif` npm package (fetched once into
//! `target/`; set ITSM_SARIF_SCHEMA to use a local copy).

mod common;
use common::*;
use std::path::PathBuf;

fn sarif_schema() -> serde_json::Value {
    let path = match std::env::var_os("ITSM_SARIF_SCHEMA") {
        Some(p) => PathBuf::from(p),
        None => fetch_schema(),
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("the SARIF schema is JSON")
}

fn fetch_schema() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/sarif-schema");
    let schema = dir.join("package/lib/schemas/sarif-2.1.0-rtm.5.json");
    if schema.is_file() {
        return schema;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let pack = common::run(
        std::process::Command::new("npm")
            .args(["pack", "@microsoft/jest-sarif@1.0.0-beta.0", "--silent"])
            .current_dir(&dir),
    );
    assert!(
        pack.status.success(),
        "npm pack failed: {}",
        String::from_utf8_lossy(&pack.stderr)
    );
    let tarball = String::from_utf8_lossy(&pack.stdout).trim().to_string();
    let untar = std::process::Command::new("tar")
        .args([
            "xzf",
            &tarball,
            "package/lib/schemas/sarif-2.1.0-rtm.5.json",
        ])
        .current_dir(&dir)
        .status()
        .expect("tar");
    assert!(untar.success());
    schema
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

    let mut schema = sarif_schema();
    // The official schema's `language` patterns have a stray `]` that strict
    // ECMA 262 regexes refuse; itsm does not emit `language`, so drop them.
    for def in ["run", "toolComponent"] {
        let language = &mut schema["definitions"][def]["properties"]["language"];
        assert!(
            language
                .as_object_mut()
                .and_then(|o| o.remove("pattern"))
                .is_some(),
            "{def}"
        );
    }
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF is invalid: {errors:#?}");
    // The validator does catch a broken log.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));
}
