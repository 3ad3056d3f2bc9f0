//! The project's corpus generator (`examples/gen_corpus.rs`), which the
//! benchmarks run on: its corpus checks clean, `--errors K` adds exactly one
//! finding per broken record, of the code its table promises, and the same
//! arguments give the same bytes.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const TODAY: &str = "2026-11-21";

/// The generator `cargo test` built beside this test (`target/*/examples/`).
fn generator() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile = exe.parent().and_then(Path::parent).unwrap();
    let path = profile.join("examples").join("gen_corpus");
    assert!(
        path.exists(),
        "{} is not built: `cargo test` builds it, or `cargo build --example gen_corpus`",
        path.display()
    );
    path
}

/// Runs the generator into a new temp folder with `args` after OUT and N.
fn generate(n: usize, args: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = run(Command::new(generator())
        .arg(dir.path().join("repo"))
        .arg(n.to_string())
        .args(args));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn check(repo: &Path) -> (Option<i32>, Value) {
    let out = run(Command::new(env!("CARGO_BIN_EXE_itsm"))
        .arg("-C")
        .arg(repo)
        .args(["check", "--today", TODAY, "--format", "json"]));
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

#[test]
fn a_generated_corpus_checks_clean() {
    let dir = generate(500, &[]);
    let (code, report) = check(&dir.path().join("repo"));
    assert_eq!(report["diagnostics"], Value::Array(vec![]), "{report:#}");
    assert_eq!(code, Some(0));
    assert_eq!(report["summary"]["records"], 500);
}

#[test]
fn each_broken_record_raises_exactly_its_one_finding() {
    // The codes of the generator's ERRORS table, in order.
    let codes = [
        "schema",
        "unresolved-ref",
        "wrong-kind-ref",
        "duplicate-name",
        "dependency-cycle",
        "missing-sla",
        "invalid-window",
        "expired",
        "standard-change-scope",
        "rule",
        "yaml-syntax",
        "unknown-kind",
        "schema",
    ];
    let dir = generate(200, &["--errors", "26"]);
    let (code, report) = check(&dir.path().join("repo"));
    assert_eq!(code, Some(1));
    let mut found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap().to_string();
            (file, d["code"].as_str().unwrap().to_string())
        })
        .collect();
    found.sort();
    let expected: Vec<(String, String)> = (0..26)
        .map(|k| {
            let file = format!("broken/bad-{k:05}.yaml");
            (file, codes[k % codes.len()].to_string())
        })
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn the_same_arguments_give_the_same_commit() {
    let commit = |seed: &str| {
        let dir = generate(300, &["--seed", seed, "--errors", "3", "--git"]);
        let repo = git2::Repository::open(dir.path().join("repo")).unwrap();
        let head = repo.head().unwrap().peel_to_commit().unwrap().id();
        let statuses = repo.statuses(None).unwrap().len();
        assert_eq!(statuses, 0, "the work tree matches the commit");
        head
    };
    assert_eq!(commit("7"), commit("7"));
    assert_ne!(commit("7"), commit("8"));
}

#[test]
fn a_non_empty_folder_or_a_tiny_corpus_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "mine\n").unwrap();
    let out = run(Command::new(generator()).arg(dir.path()).arg("500"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not empty"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
        "mine\n"
    );
    let out = run(Command::new(generator())
        .arg(dir.path().join("new"))
        .arg("99"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 100"));
}
