//! Hostile input: every file below gets a diagnostic (or is ignored), never a
//! panic, a hang or unbounded memory. The binary runs on each, with a time bound.

mod common;
use common::*;
use std::time::{Duration, Instant};

/// Runs `check --format json` on VALID plus `extra`, returns (exit code, report).
fn check_with(extra: &[(&str, &[u8])]) -> (Option<i32>, serde_json::Value) {
    let dir = valid_repo(&[]);
    for (rel, bytes) in extra {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let started = Instant::now();
    let out = check_json(dir.path(), None);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(!stderr(&out).contains("internal error"), "{}", stderr(&out));
    (out.status.code(), json(&out))
}

fn codes(report: &serde_json::Value) -> Vec<(String, String, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn assert_one(extra: &[(&str, &[u8])], code: &str, file: &str, message_part: &str) {
    let (status, report) = check_with(extra);
    assert_eq!(status, Some(1), "{report:#}");
    let found = codes(&report);
    assert!(
        found.iter().any(|(c, f, _)| c == code && f == file),
        "expected {code} in {file}: {report:#}"
    );
    let text = report.to_string();
    assert!(
        text.contains(message_part),
        "no `{message_part}` in {report:#}"
    );
}

#[test]
fn alias_bombs_are_refused() {
    let mut bomb = String::from(
        "apiVersion: itsm/v1\nkind: Team\nmetadata: {name: bomb}\nspec:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    assert_one(
        &[("bomb.yaml", bomb.as_bytes())],
        "yaml-syntax",
        "bomb.yaml",
        "alias bomb",
    );
}

#[test]
fn deep_nesting_is_refused() {
    let flow = format!(
        "apiVersion: itsm/v1\nkind: Team\nspec: {}",
        "[".repeat(50_000)
    );
    assert_one(
        &[("deep.yaml", flow.as_bytes())],
        "yaml-syntax",
        "deep.yaml",
        "",
    );
    let block: String = (0..1_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    assert_one(
        &[("block.yaml", block.as_bytes())],
        "yaml-syntax",
        "block.yaml",
        "nesting deeper",
    );
}

#[test]
fn huge_files_are_refused_without_reading_them_as_yaml() {
    let huge = "# padding\n".repeat(1_000_000);
    assert_one(
        &[("huge.yaml", huge.as_bytes())],
        "yaml-syntax",
        "huge.yaml",
        "split it",
    );
}

#[test]
fn a_sparse_ten_gigabyte_file_is_refused_without_being_read() {
    let dir = valid_repo(&[]);
    let file = std::fs::File::create(dir.path().join("sparse.yaml")).unwrap();
    file.set_len(10 * 1024 * 1024 * 1024).unwrap();
    let started = Instant::now();
    let out = itsm(dir.path(), &["check", "--format", "json"]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_exit(&out, 1);
    assert_has(&stdout(&out), "file is 10240.0 MiB, more than the 8 MiB");
}

#[test]
fn binary_files_are_diagnosed() {
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    assert_one(
        &[("blob.yaml", &bytes)],
        "yaml-syntax",
        "blob.yaml",
        "not UTF-8",
    );
}

#[test]
fn duplicate_keys_and_tabs_are_diagnosed() {
    assert_one(
        &[("dup.yaml", b"apiVersion: itsm/v1\nkind: Team\nkind: Team\n")],
        "yaml-syntax",
        "dup.yaml",
        "duplicate key `kind`",
    );
    assert_one(
        &[("tab.yaml", b"apiVersion: itsm/v1\nspec:\n\tmembers: []\n")],
        "yaml-syntax",
        "tab.yaml",
        "",
    );
}

#[test]
fn path_like_names_are_schema_errors() {
    assert_one(
        &[("x.yaml", b"apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: ../../x\nspec:\n  members: [{login: a}]\n")],
        "schema",
        "x.yaml",
        "not a valid name",
    );
}

#[test]
fn windows_device_names_are_schema_errors() {
    assert_one(
        &[("nul.yaml", b"apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: nul\nspec:\n  members: [{login: a}]\n")],
        "schema",
        "nul.yaml",
        "not a Windows device name",
    );
}

/// Makes a FIFO (named pipe) at `path`: opening it to read waits for a writer.
#[cfg(unix)]
fn fifo(path: &std::path::Path) {
    let out = run(std::process::Command::new("mkfifo").arg(path));
    assert!(out.status.success(), "mkfifo: {}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn pipes_and_links_to_pipes_never_block_a_check() {
    // Opening a FIFO to read waits for a writer: neither is read.
    let dir = valid_repo(&[]);
    let elsewhere = tempfile::tempdir().unwrap();
    fifo(&elsewhere.path().join("pipe"));
    std::os::unix::fs::symlink(
        elsewhere.path().join("pipe"),
        dir.path().join("teams/link.yaml"),
    )
    .unwrap();
    fifo(&dir.path().join("teams/pipe.yaml"));
    let out = run_for(
        std::process::Command::new(env!("CARGO_BIN_EXE_itsm"))
            .args(["check", "--format", "json", "--today", "2026-11-21"])
            .current_dir(dir.path()),
        Duration::from_secs(20),
    );
    assert_exit(&out, 1);
    let report = json(&out);
    assert_eq!(
        codes(&report),
        vec![("symlink".to_string(), "teams/link.yaml".to_string(), 0)],
        "{report:#}"
    );
}

#[test]
fn garbage_never_panics() {
    let samples: &[&[u8]] = &[
        b"---\n---\n---\n",
        b"apiVersion: itsm/v1\n",
        b"apiVersion: itsm/v1\nkind: [Team]\n",
        b"apiVersion: itsm/v1\nkind: Service\nmetadata: 7\nspec: []\n",
        b"apiVersion: itsm/v1\nkind: Service\nmetadata: {name: {a: 1}}\nspec: {owner: [1], dependsOn: {a: b}, cis: 3}\n",
        b"apiVersion: itsm/v1\nkind: Change\nmetadata: {name: c}\nspec: {type: standard, risk: high, impacts: [\"service:\"], requestedBy: x, window: {start: 1, end: 2}}\n",
        b"? [a, b]\n: c\n",
        b"!!binary aGVsbG8=\n",
        b"apiVersion: itsm/v1\nkind: Policy\nmetadata: {name: p}\nspec: {owner: ops, clauses: [\"4\"], rules: [{id: r, kind: Service, assert: \"((((\"}, {id: s, kind: Service, assert: \"self.spec.nope.deeper\"}]}\n",
        "apiVersion: itsm/v1\nkind: Team\nmetadata: {name: \"é\u{202e}\"}\n".as_bytes(),
        b"\xef\xbb\xbfapiVersion: itsm/v1\n",
        b"%YAML 1.1\n%TAG ! tag:x,2000:\n--- !foo\na: !bar 1\n",
    ];
    for (i, bytes) in samples.iter().enumerate() {
        let (status, report) = check_with(&[(&format!("g{i}.yaml"), bytes)]);
        assert!(
            matches!(status, Some(0) | Some(1)),
            "sample {i}: {report:#}"
        );
    }
}

#[test]
fn markdown_with_html_and_scripts_is_just_data_for_check() {
    let md = b"---\napiVersion: itsm/v1\nkind: Problem\nmetadata:\n  name: p1\n  title: \"<script>alert(1)</script>\"\nspec:\n  owner: ops\n  status: open\n---\n<script>alert(1)</script>\n[x](javascript:alert(1))\n";
    let (status, report) = check_with(&[("problems/p1.md", md)]);
    assert_eq!(status, Some(0), "{report:#}");
}

#[test]
fn thousands_of_duplicates_in_one_file_stay_fast() {
    let doc =
        "apiVersion: itsm/v1\nkind: Team\nmetadata: {name: same}\nspec: {members: [{login: a}]}\n";
    let text = vec![doc; 5_000].join("---\n");
    let (status, report) = check_with(&[("teams/many.yaml", text.as_bytes())]);
    assert_eq!(status, Some(1));
    assert_eq!(report["summary"]["errors"], 4_999);
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .ends_with("first in teams/many.yaml:3")
    );
}
