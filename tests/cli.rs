//! Command-line behaviour as data, in `tests/cmd/COMMAND/`: each `CASE.toml` is
//! a command (`args`), the folder it runs in (`fs.cwd`, or `CASE.in/`), its exit
//! status and its exact output (`CASE.stdout`, `CASE.stderr`); each `CASE.trycmd`
//! is a session of commands run in a copy of `CASE.in/`, with `CASE.out/` holding
//! files as they must be afterwards. Input repositories shared by several cases
//! are in `tests/cmd/repos/` (cases read them, never write: a case that writes
//! runs in a copy). Refresh snapshots after an intended change with
//! `TRYCMD=overwrite cargo test --test cli`, then read the diff.

mod common;

use std::path::{Path, PathBuf};

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        // A hang fails the case instead of blocking CI.
        .timeout(std::time::Duration::from_secs(180))
        .case("tests/cmd/*/*.toml")
        .case("tests/cmd/*/*.trycmd");
}

/// trycmd compares text with every `\` read as `/` and CRLF as LF, so a wrong
/// escape would pass: a case whose output holds either compares bytes
/// (`binary = true`).
#[test]
fn cases_whose_output_holds_a_backslash_compare_bytes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut text_cases = Vec::new();
    for dir in common::subfolders(&root.join("tests/cmd")) {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let spec = std::fs::read_to_string(&path).unwrap_or_default();
            let binary = spec.lines().any(|l| l.trim() == "binary = true");
            if path.extension().is_some_and(|e| e == "toml") && !binary {
                text_cases.push((path, spec));
            }
        }
    }
    assert!(text_cases.len() > 10, "{text_cases:?}");
    let wrong: Vec<String> = text_cases
        .iter()
        .filter(|(path, spec)| holds_a_backslash(path, spec))
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(wrong.is_empty(), "set `binary = true` in {wrong:?}");
}

/// Runs the case of `spec` (at `path`) as trycmd does: does its output hold a
/// `\` or a carriage return?
fn holds_a_backslash(path: &Path, spec: &str) -> bool {
    let value = |key: &str| {
        spec.lines()
            .find_map(|l| l.strip_prefix(key)?.trim().strip_prefix('='))
            .map(|v| serde_json::from_str::<serde_json::Value>(v.trim()).unwrap())
    };
    let strings = |v: Option<serde_json::Value>| -> Vec<String> {
        v.and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default()
    };
    let folder = path.parent().unwrap();
    let input = path.with_extension("in");
    let cwd: PathBuf = match value("fs.cwd") {
        Some(cwd) => folder.join(cwd.as_str().unwrap()),
        None if input.is_dir() => input,
        None => Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
    };
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_itsm"));
    cmd.args(strings(value("args")))
        .current_dir(cwd)
        .env("NO_COLOR", "1");
    for name in strings(value("env.remove")) {
        cmd.env_remove(name);
    }
    let out = common::run(&mut cmd);
    [out.stdout, out.stderr]
        .iter()
        .any(|o| o.contains(&b'\\') || o.contains(&b'\r'))
}

/// A folder name is untrusted (it can come from a pull request's tree): one
/// with terminal controls, a line break and a workflow command reaches the
/// fatal error escaped, on one line.
#[test]
fn a_hostile_folder_name_reaches_the_fatal_error_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::itsm(
        dir.path(),
        &["-C", "x\n::error::pwned\u{1b}]0;t\u{7}\u{202e}", "check"],
    );
    common::assert_exit(&out, 2);
    assert_eq!(
        common::stderr(&out),
        "error: x\\n::error::pwned\\u{1b}]0;t\\u{7}\\u{202e} is not a folder\n"
    );
}
