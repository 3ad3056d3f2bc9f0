//! `--rev`: records read from the git object database, in real repositories.

mod common;
use common::*;

/// VALID's Service with `owner` and `sla`.
fn shop(owner: &str, sla: &str) -> String {
    format!(
        "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  owner: {owner}\n  lifecycle: production\n  tier: 1\n  sla: {sla}\n  cis: [web]\n"
    )
}

#[test]
fn rev_reads_the_committed_records_not_the_work_tree() {
    let (dir, _) = git_repo(&[]);
    // Break the work tree after the commit.
    write(
        dir.path(),
        &[("services/shop.yaml", &shop("nobody", "gold"))],
    );
    let work = check_json(dir.path(), None);
    assert_exit(&work, 1);
    assert_has(&stdout(&work), "team:nobody");
    let head = check_json(dir.path(), Some("HEAD"));
    assert_exit(&head, 0);
    let report = json(&head);
    assert_eq!(report["summary"]["records"], 4);
    assert_eq!(report["summary"]["errors"], 0);
}

#[test]
fn rev_positions_match_the_work_tree() {
    let (dir, _) = git_repo(&[("services/shop.yaml", &shop("ops", "platinum"))]);
    let a = check_json(dir.path(), None);
    let b = check_json(dir.path(), Some("HEAD"));
    assert_exit(&a, 1);
    assert_eq!(stdout(&a), stdout(&b));
    assert_has(&stdout(&a), "\"line\": 9");
}

#[test]
fn rev_works_from_a_subfolder_of_the_git_repository() {
    let (dir, repo, root) = nested_repo();
    write(
        dir.path(),
        &[
            ("README.md", "# not a record\n"),
            ("other/x.yaml", "apiVersion: itsm/v1\nkind: Nope\n"),
        ],
    );
    commit_all(&repo, "nested");
    let out = itsm(&root, &["check", "--rev", "HEAD", "--today", "2026-11-21"]);
    assert_exit(&out, 0);
    assert_has(&stdout(&out), "4 records");
}

#[test]
fn an_unknown_revision_or_no_repository_is_a_failure_to_run() {
    let (dir, _) = git_repo(&[]);
    let out = itsm(dir.path(), &["check", "--rev", "no-such-branch"]);
    assert_exit(&out, 2);
    assert_has(&stderr(&out), "cannot resolve revision `no-such-branch`");
    let dir = valid_repo(&[]);
    let out = itsm(dir.path(), &["check", "--rev", "HEAD"]);
    assert_exit(&out, 2);
    assert_has(&stderr(&out), "not in a git repository");
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_never_followed() {
    let outside = tempfile::tempdir().unwrap();
    let secret = "apiVersion: itsm/v1\nkind: Nope\nmetadata: {name: x}\n";
    write(outside.path(), &[("secret.yaml", secret)]);
    let dir = pull_request(|root| {
        std::os::unix::fs::symlink(outside.path().join("secret.yaml"), root.join("link.yaml"))
            .unwrap()
    });
    assert_only_finding(dir.path(), "symlink", "link.yaml");
}

/// On disk and at HEAD, `check` finds `code` in `file` and nothing else.
fn assert_only_finding(dir: &std::path::Path, code: &str, file: &str) {
    for rev in [None, Some("HEAD")] {
        let out = check_json(dir, rev);
        assert_exit(&out, 1);
        let report = json(&out);
        let found: Vec<(&str, &str)> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap(),
                    d["file"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(found, [(code, file)], "{rev:?}");
        assert_eq!(report["summary"]["records"], 4, "{rev:?}");
    }
}

/// An emergency Change that VALID accepts: what a pull request could hide.
const EMERGENCY: &str = "apiVersion: itsm/v1\nkind: Change\nmetadata:\n  name: chg-hidden\nspec:\n  type: emergency\n  risk: high\n  impacts: [ci:web]\n  requestedBy: octocat\n  backout: Revert.\n  window:\n    start: \"2026-11-20T10:00:00Z\"\n    end: \"2026-11-20T11:00:00Z\"\n";

/// `itsm approvals` offline from HEAD~1 to HEAD, with no reviews: it must fail
/// to run (exit 2), naming `what`.
fn assert_gate_refuses(dir: &std::path::Path, what: &str) {
    let reviews = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(reviews.path(), "[]").unwrap();
    let out = itsm(
        dir,
        &[
            "approvals",
            "--base=HEAD~1",
            "--head=HEAD",
            "--reviews",
            reviews.path().to_str().unwrap(),
            "--author=octocat",
            "--today=2026-11-21",
        ],
    );
    assert_exit(&out, 2);
    assert_has(&stderr(&out), what);
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
    assert_only_finding(dir.path(), "submodule", "vendor/changes");
    let site = dir.path().join("public");
    let out = itsm(dir.path(), &["build", "--out", site.to_str().unwrap()]);
    assert_exit(&out, 1);
    assert!(!site.exists(), "nothing published");
    assert_gate_refuses(dir.path(), "[submodule]");
}

#[cfg(unix)]
#[test]
fn a_name_that_is_not_utf8_is_an_error_on_disk_at_a_revision_and_in_the_gate() {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::OsStr::from_bytes(b"chg-caf\xe9.yaml");
    let dir = pull_request(|root| std::fs::write(root.join(name), EMERGENCY).unwrap());
    assert_only_finding(dir.path(), "non-utf8-path", "chg-caf\\xe9.yaml");
    assert_gate_refuses(dir.path(), "chg-caf\\xe9.yaml");
}

#[cfg(unix)]
#[test]
fn a_link_fails_the_gate() {
    let dir = pull_request(|root| {
        std::os::unix::fs::symlink("/proc/self/environ", root.join("theme.html")).unwrap()
    });
    assert_gate_refuses(dir.path(), "[symlink]");
}

#[test]
fn oversized_blobs_are_refused_at_a_revision_too() {
    let (dir, _) = git_repo(&[("big.yaml", &"# padding\n".repeat(900_000))]);
    let out = check_json(dir.path(), Some("HEAD"));
    assert_exit(&out, 1);
    assert_has(&stdout(&out), "more than the 8 MiB");
}
