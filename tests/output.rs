//! Terminal output: colour on request, NO_COLOR honoured, `-q` drops the summary.

mod common;
use common::*;
use std::process::Command;

fn run(dir: &std::path::Path, args: &[&str], no_color: bool) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_itsm"));
    cmd.args(args).current_dir(dir).env_remove("NO_COLOR");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    String::from_utf8(common::run(&mut cmd).stdout).unwrap()
}

/// VALID plus a CI that no Service uses (a warning), owned by `owner`.
fn with_lonely_ci(owner: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    let ci = format!(
        "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: lonely\nspec:\n  owner: {owner}\n  type: server\n  environment: test\n"
    );
    write(dir.path(), &[("cis/lonely.yaml", &ci)]);
    dir
}

/// An error (an owner that does not exist) and a warning (an orphan CI).
fn broken() -> tempfile::TempDir {
    with_lonely_ci("nobody")
}

#[test]
fn colour_when_asked_and_never_with_no_color_on_auto() {
    let dir = broken();
    let coloured = run(dir.path(), &["check", "--color", "always"], false);
    assert!(coloured.contains("\u{1b}["), "{coloured}");
    // Not a terminal: auto means no colour.
    let plain = run(dir.path(), &["check"], false);
    assert!(!plain.contains("\u{1b}["), "{plain}");
    let plain = run(dir.path(), &["check", "--color", "auto"], true);
    assert!(!plain.contains("\u{1b}["), "{plain}");
}

#[test]
fn quiet_prints_findings_only() {
    let dir = broken();
    let full = run(dir.path(), &["check"], true);
    assert!(
        full.contains("failed: 1 error and 1 warning in 5 records in 5 files"),
        "{full}"
    );
    let quiet = run(dir.path(), &["check", "-q"], true);
    assert!(
        quiet.contains("error[unresolved-ref]") && quiet.contains("warning[orphan-ci]"),
        "{quiet}"
    );
    assert!(!quiet.contains("failed:"), "{quiet}");
}

#[test]
fn deny_warnings_turns_warnings_into_a_failure() {
    let dir = with_lonely_ci("ops");
    assert_eq!(itsm(dir.path(), &["check"]).status.code(), Some(0));
    assert_eq!(
        itsm(dir.path(), &["check", "--deny-warnings"])
            .status
            .code(),
        Some(1)
    );
}
