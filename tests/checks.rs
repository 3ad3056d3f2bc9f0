//! Every check as data: each folder under `tests/fixtures/checks/` is a small
//! repository and `expected.txt` lists the findings it must produce, one per line
//! as `severity code file:line:col` (`severity code file` for a finding about a
//! whole file), in output order (nothing else may be found).
//! Folders named `<code>--...` must trigger the code; `<code>-ok--...` are near
//! misses that must not. Every code has both.
//!
//! What this repository cannot hold (a symbolic link, a submodule, a name that
//! is not UTF-8) a case describes in a `setup` file, one entry per line:
//! `link PATH TARGET`, `submodule PATH` (a git repository of its own, with one
//! record) or `file PATH` (`\xNN` in PATH is that byte; the file holds a record).
//! Such a case is copied into a git repository, set up and committed, then
//! checked twice, on disk and at `--rev HEAD`: both must give `expected.txt`.

mod common;

use itsm::diag::Code;
use itsm::load::Source;
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-21";

fn findings(root: &Path) -> String {
    findings_at(root, &Source::WorkTree)
}

fn findings_at(root: &Path, source: &Source) -> String {
    common::findings(root, source, TODAY)
}

fn cases() -> Vec<std::path::PathBuf> {
    common::subfolders(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checks"))
}

#[test]
fn fixtures_produce_exactly_the_expected_findings() {
    let mut failures = Vec::new();
    for case in cases() {
        let expected = std::fs::read_to_string(case.join("expected.txt"))
            .unwrap_or_else(|_| panic!("{} has no expected.txt", case.display()));
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let runs = if case.join("setup").exists() {
            set_up_runs(&case, &name)
        } else {
            vec![(name, findings(&case))]
        };
        for (name, actual) in runs {
            if actual != expected {
                failures.push(format!(
                    "== {name}\n-- expected\n{expected}-- actual\n{actual}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_code_has_a_trigger_and_a_near_miss() {
    let names: Vec<String> = cases()
        .iter()
        .map(|c| c.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for code in Code::ALL {
        let c = code.as_str();
        let triggers: Vec<&String> = names
            .iter()
            .filter(|n| n.starts_with(&format!("{c}--")))
            .collect();
        assert!(!triggers.is_empty(), "no fixture triggers `{c}`");
        assert!(
            names.iter().any(|n| n.starts_with(&format!("{c}-ok--"))),
            "no near-miss fixture for `{c}`"
        );
        for t in triggers {
            let expected = std::fs::read_to_string(
                cases()
                    .into_iter()
                    .find(|p| p.ends_with(t))
                    .unwrap()
                    .join("expected.txt"),
            )
            .unwrap();
            assert!(
                expected.lines().any(|l| l.split(' ').nth(1) == Some(c)),
                "{t} does not expect `{c}`"
            );
        }
    }
}

/// The findings of a case with a `setup`, on disk and at `--rev HEAD`.
#[cfg(unix)]
fn set_up_runs(case: &Path, name: &str) -> Vec<(String, String)> {
    let dir = set_up(case);
    vec![
        (format!("{name} (disk)"), findings(dir.path())),
        (
            format!("{name} (--rev HEAD)"),
            findings_at(dir.path(), &Source::Revision("HEAD".into())),
        ),
    ]
}

/// Links and names that are not UTF-8 are Unix cases: nothing to run elsewhere.
#[cfg(not(unix))]
fn set_up_runs(_: &Path, _: &str) -> Vec<(String, String)> {
    Vec::new()
}

/// A record for the files and submodules a `setup` makes.
const RECORD: &str =
    "apiVersion: itsm/v1\nkind: Team\nmetadata: {name: hidden}\nspec: {members: [{login: a}]}\n";

/// The case copied into a new git repository, its `setup` applied, all committed.
#[cfg(unix)]
fn set_up(case: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(case, dir.path());
    let repo = git2::Repository::init(dir.path()).unwrap();
    let setup = std::fs::read_to_string(case.join("setup")).unwrap();
    for line in setup.lines().filter(|l| !l.trim().is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words[..] {
            ["link", path, target] => link(target, &dir.path().join(path)),
            ["submodule", path] => {
                let sub = dir.path().join(path);
                std::fs::create_dir_all(&sub).unwrap();
                let inner = git2::Repository::init(&sub).unwrap();
                std::fs::write(sub.join("team.yaml"), RECORD).unwrap();
                common::commit_all(&inner, "inside");
            }
            ["file", path] => {
                let path = dir.path().join(bytes_path(path));
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, RECORD).unwrap();
            }
            _ => panic!("{}: cannot read the setup line `{line}`", case.display()),
        }
    }
    common::commit_all(&repo, "case");
    dir
}

#[cfg(unix)]
fn link(target: &str, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

/// A path written with `\\xNN` escapes, as bytes.
#[cfg(unix)]
fn bytes_path(text: &str) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    let mut bytes = Vec::new();
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'\\' && tail.first() == Some(&b'x') && tail.len() >= 3 {
            let hex = std::str::from_utf8(&tail[1..3]).unwrap();
            bytes.push(u8::from_str_radix(hex, 16).unwrap());
            rest = &tail[3..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}
