//! `itsm import backstage`, cases as data: each folder under
//! `tests/fixtures/import/` has `args` (one run of `itsm import backstage` per
//! line, in a repository holding a Team `ops` and the SLA `gold`, with the
//! documented Backstage examples of `tests/fixtures/reports/backstage/` in
//! `backstage/`, the case's own files `in/` in `in/` and those of `root/` at the
//! top, where they are before the import), and `expected.txt`: each run's report,
//! standard error and exit code, the findings of `itsm check` afterwards
//! (`severity code file:line:col`) and every file but the repository's three
//! (a file of `root/` shows as the import left it).
//! `ITSM_BLESS=1 cargo test --test import` rewrites the `expected.txt` files:
//! read their diff before committing. A linked folder, which a case cannot
//! hold, is the one test in Rust.

mod common;

use common::{assert_has, copy_tree, files_under, itsm, stderr, stdout, write};
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-21";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A repository with the config, the Team `ops` and the SLA `gold`, the
/// documented examples in `backstage/`, `case`'s inputs in `in/` and its
/// `root/` at the top.
fn repo(case: Option<&Path>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &common::VALID[..3]);
    copy_tree(
        &fixtures().join("reports/backstage"),
        &dir.path().join("backstage"),
    );
    for (from, to) in [("in", "in"), ("root", "")] {
        if let Some(input) = case.map(|c| c.join(from)).filter(|p| p.is_dir()) {
            copy_tree(&input, &dir.path().join(to));
        }
    }
    dir
}

fn findings(root: &Path) -> String {
    common::findings(root, &itsm::load::Source::WorkTree, TODAY)
}

/// The records written: every file under the kind folders but the repository's own.
fn written(root: &Path) -> String {
    let mut files: Vec<String> = files_under(root)
        .into_iter()
        .map(|p| p.strip_prefix(root).unwrap().display().to_string())
        .filter(|p| !p.starts_with("backstage/") && !p.starts_with("in/"))
        .filter(|p| !common::VALID[..3].iter().any(|(rel, _)| rel == p))
        .collect();
    files.sort();
    files
        .iter()
        .map(|rel| {
            let text = std::fs::read_to_string(root.join(rel)).unwrap();
            format!("--- {rel}\n{text}")
        })
        .collect()
}

fn run_case(case: &Path) -> String {
    let dir = repo(Some(case));
    let args = std::fs::read_to_string(case.join("args")).expect("args");
    let mut out = String::new();
    for line in args.lines().filter(|l| !l.trim().is_empty()) {
        let mut argv = vec!["import", "backstage"];
        argv.extend(line.split_whitespace());
        let o = itsm(dir.path(), &argv);
        out.push_str(&format!("=== itsm import backstage {line}\n{}", stdout(&o)));
        if !o.stderr.is_empty() {
            out.push_str(&format!("--- stderr\n{}", stderr(&o)));
        }
        out.push_str(&format!("--- exit {:?}\n", o.status.code()));
    }
    out.push_str(&format!("=== itsm check\n{}", findings(dir.path())));
    out.push_str(&format!("=== records\n{}", written(dir.path())));
    out
}

#[test]
fn cases_report_and_write_exactly_what_is_expected() {
    let cases = common::subfolders(&fixtures().join("import"));
    assert!(cases.len() >= 4, "{cases:?}");
    let bless = std::env::var_os("ITSM_BLESS").is_some();
    let mut failures = Vec::new();
    for case in cases {
        let actual = run_case(&case);
        let path = case.join("expected.txt");
        if bless {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "== {}\n-- expected\n{expected}-- actual\n{actual}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A folder behind a link, which a case folder cannot hold.
#[cfg(unix)]
#[test]
fn a_linked_folder_is_never_written() {
    let dir = repo(None);
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("services")).unwrap();
    let out = itsm(
        dir.path(),
        &["import", "backstage", "backstage/catalog-info.yaml"],
    );
    assert_has(
        &stdout(&out),
        "skipped services/artist-web.yaml: services/ is a symbolic link",
    );
    assert!(files_under(outside.path()).is_empty());
}

/// A file name is untrusted (a glob over a pull request's files): one with
/// terminal controls, a line break and a workflow command reaches the fatal
/// error escaped, on one line, and nothing is written.
#[test]
fn a_hostile_file_name_reaches_the_fatal_error_escaped() {
    let dir = repo(None);
    let name = "in/x\u{1b}[31m\n::error::pwned\u{202e}##[add-mask]s.yaml";
    let out = itsm(dir.path(), &["--today", TODAY, "import", "backstage", name]);
    common::assert_exit(&out, 2);
    assert_eq!(
        stderr(&out),
        "error: cannot read in/x\\u{1b}[31m\\n::error::pwned\\u{202e}##\\[add-mask]s.yaml: No such file or directory (os error 2)\n"
    );
    assert_eq!(stdout(&out), "");
}
