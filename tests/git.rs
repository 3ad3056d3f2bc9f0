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
    for args in [&["check"][..], &["check", "--rev", "HEAD"][..]] {
        let out = itsm(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stdout(&out));
    }
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
