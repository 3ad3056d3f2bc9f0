//! `--rev`: records read from the git object database, in real repositories.

mod common;
use common::*;

#[test]
fn rev_reads_the_committed_records_not_the_work_tree() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    write(dir.path(), VALID);
    commit_all(&repo, "valid");
    // Break the work tree after the commit.
    write(
        dir.path(),
        &[(
            "services/shop.yaml",
            "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  owner: nobody\n  lifecycle: production\n  tier: 1\n  sla: gold\n  cis: [web]\n",
        )],
    );

    let work = check_json(dir.path(), None);
    assert_eq!(work.status.code(), Some(1), "{}", stdout(&work));
    assert!(stdout(&work).contains("team:nobody"));

    let head = check_json(dir.path(), Some("HEAD"));
    assert_eq!(
        head.status.code(),
        Some(0),
        "{}{}",
        stdout(&head),
        stderr(&head)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&head)).unwrap();
    assert_eq!(report["summary"]["records"], 4);
    assert_eq!(report["summary"]["errors"], 0);
}

#[test]
fn rev_positions_match_the_work_tree() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    write(dir.path(), VALID);
    write(
        dir.path(),
        &[(
            "services/shop.yaml",
            "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 1\n  sla: platinum\n  cis: [web]\n",
        )],
    );
    commit_all(&repo, "broken");
    let a = check_json(dir.path(), None);
    let b = check_json(dir.path(), Some("HEAD"));
    assert_eq!(a.status.code(), Some(1));
    assert_eq!(stdout(&a), stdout(&b));
    assert!(stdout(&a).contains("\"line\": 9"), "{}", stdout(&a));
}

#[test]
fn rev_works_from_a_subfolder_of_the_git_repository() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    let root = dir.path().join("itsm");
    write(&root, VALID);
    write(
        dir.path(),
        &[
            ("README.md", "# not a record\n"),
            ("other/x.yaml", "apiVersion: itsm/v1\nkind: Nope\n"),
        ],
    );
    commit_all(&repo, "nested");
    let out = itsm(&root, &["check", "--rev", "HEAD", "--today", "2026-11-21"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("4 records"), "{}", stdout(&out));
}

#[test]
fn an_unknown_revision_is_a_failure_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    write(dir.path(), VALID);
    commit_all(&repo, "valid");
    let out = itsm(dir.path(), &["check", "--rev", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot resolve revision `no-such-branch`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rev_outside_a_git_repository_is_a_failure_to_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), VALID);
    let out = itsm(dir.path(), &["check", "--rev", "HEAD"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not in a git repository"),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    write(dir.path(), VALID);
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        &[(
            "secret.yaml",
            "apiVersion: itsm/v1\nkind: Nope\nmetadata: {name: x}\n",
        )],
    );
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        dir.path().join("link.yaml"),
    )
    .unwrap();
    commit_all(&repo, "with a link");
    for rev in [None, Some("HEAD")] {
        let out = check_json(dir.path(), rev);
        assert_eq!(out.status.code(), Some(1), "{rev:?}: {}", stdout(&out));
        assert_eq!(
            findings(&out),
            vec![("symlink".to_string(), "link.yaml".to_string())],
            "{rev:?}: nothing read through the link"
        );
    }
}

/// (code, file) of every finding of a `check --format json` run.
fn findings(out: &std::process::Output) -> Vec<(String, String)> {
    let report: serde_json::Value = serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(out), stderr(out)));
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let field = |k: &str| d[k].as_str().unwrap_or_default().to_string();
            (field("code"), field("file"))
        })
        .collect()
}

/// An emergency Change that VALID accepts: what a pull request could hide.
const EMERGENCY: &str = "apiVersion: itsm/v1\nkind: Change\nmetadata:\n  name: chg-hidden\nspec:\n  type: emergency\n  risk: high\n  impacts: [ci:web]\n  requestedBy: octocat\n  backout: Revert.\n  window:\n    start: \"2026-11-20T10:00:00Z\"\n    end: \"2026-11-20T11:00:00Z\"\n";

/// `itsm approvals` offline from HEAD~1 to HEAD, with no reviews.
fn gate(dir: &std::path::Path) -> std::process::Output {
    let reviews = dir.join("..").join(format!(
        "reviews-{}.json",
        dir.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&reviews, "[]").unwrap();
    let out = itsm(
        dir,
        &[
            "approvals",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--reviews",
            reviews.to_str().unwrap(),
            "--author",
            "octocat",
            "--today",
            "2026-11-21",
        ],
    );
    std::fs::remove_file(reviews).unwrap();
    out
}

/// A repository with VALID committed (base), then `change` made and committed (head).
fn pull_request(change: impl FnOnce(&std::path::Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    write(dir.path(), VALID);
    commit_all(&repo, "base");
    change(dir.path());
    commit_all(&repo, "head");
    dir
}

#[test]
fn a_submodule_is_an_error_on_disk_at_a_revision_in_the_build_and_in_the_gate() {
    // `git submodule add` of a repository that holds an emergency Change.
    let dir = pull_request(|root| {
        let sub = root.join("vendor/changes");
        std::fs::create_dir_all(&sub).unwrap();
        let inner = git2::Repository::init(&sub).unwrap();
        write(&sub, &[("chg-hidden.yaml", EMERGENCY)]);
        commit_all(&inner, "inside");
    });
    for rev in [None, Some("HEAD")] {
        let out = check_json(dir.path(), rev);
        assert_eq!(out.status.code(), Some(1), "{rev:?}: {}", stdout(&out));
        assert_eq!(
            findings(&out),
            vec![("submodule".to_string(), "vendor/changes".to_string())],
            "{rev:?}"
        );
        assert!(stdout(&out).contains("\"records\": 4"), "{}", stdout(&out));
    }
    let site = dir.path().join("public");
    let out = itsm(dir.path(), &["build", "--out", site.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(!site.exists(), "nothing published");
    let out = gate(dir.path());
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stderr(&out).contains("[submodule]"), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn a_name_that_is_not_utf8_is_an_error_on_disk_at_a_revision_and_in_the_gate() {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::OsStr::from_bytes(b"chg-caf\xe9.yaml");
    let dir = pull_request(|root| std::fs::write(root.join(name), EMERGENCY).unwrap());
    for rev in [None, Some("HEAD")] {
        let out = check_json(dir.path(), rev);
        assert_eq!(out.status.code(), Some(1), "{rev:?}: {}", stdout(&out));
        assert_eq!(
            findings(&out),
            vec![("non-utf8-path".to_string(), "chg-caf\\xe9.yaml".to_string())],
            "{rev:?}"
        );
    }
    let out = gate(dir.path());
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("chg-caf\\xe9.yaml"),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn a_link_fails_the_gate() {
    let dir = pull_request(|root| {
        std::os::unix::fs::symlink("/proc/self/environ", root.join("theme.html")).unwrap()
    });
    let out = gate(dir.path());
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stderr(&out).contains("[symlink]"), "{}", stderr(&out));
}

#[test]
fn oversized_blobs_are_refused_at_a_revision_too() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    write(dir.path(), VALID);
    let big = "# padding\n".repeat(900_000);
    write(dir.path(), &[("big.yaml", &big)]);
    commit_all(&repo, "big");
    let out = check_json(dir.path(), Some("HEAD"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("more than the 8 MiB"),
        "{}",
        stdout(&out)
    );
}
