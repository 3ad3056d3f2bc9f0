//! `itsm diff`: records added, modified and removed between two commits of a real
//! git repository, field by field.

mod common;
use common::*;

/// A repository with two commits: VALID, then an edit, a move, an add and a delete.
fn two_commits() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    write(dir.path(), VALID);
    write(
        dir.path(),
        &[(
            "policies/p.md",
            "---\napiVersion: itsm/v1\nkind: Policy\nmetadata:\n  name: p\nspec:\n  owner: ops\n  clauses: [\"8.5.1\"]\n---\nOld text.\n",
        )],
    );
    commit_all(&repo, "base");
    write(
        dir.path(),
        &[
            (
                "services/shop.yaml",
                "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\n  title: Shop\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 2\n  sla: gold\n  cis: [web, db]\n",
            ),
            (
                "cis/db.yaml",
                "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: db\nspec:\n  owner: ops\n  type: database\n  environment: production\n",
            ),
            (
                "policies/p.md",
                "---\napiVersion: itsm/v1\nkind: Policy\nmetadata:\n  name: p\nspec:\n  owner: ops\n  clauses: [\"8.5.1\"]\n---\nNew text.\n",
            ),
        ],
    );
    // Move the CI to another file, unchanged; delete the SLA.
    std::fs::rename(
        dir.path().join("cis/web.yaml"),
        dir.path().join("cis/web-app.yaml"),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("slas/gold.yaml")).unwrap();
    let mut index = repo.index().unwrap();
    index
        .remove_path(std::path::Path::new("cis/web.yaml"))
        .unwrap();
    index
        .remove_path(std::path::Path::new("slas/gold.yaml"))
        .unwrap();
    index.write().unwrap();
    commit_all(&repo, "head");
    dir
}

#[test]
fn json_lists_every_change_field_by_field() {
    let dir = two_commits();
    let out = itsm(dir.path(), &["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({
            "base": "HEAD~1",
            "head": "HEAD",
            "summary": {"added": 1, "modified": 2, "removed": 1},
            "added": [{"record": "ci:db", "file": "cis/db.yaml"}],
            "modified": [
                {"record": "service:shop", "file": "services/shop.yaml", "changes": [
                    {"pointer": "/metadata/title", "new": "Shop"},
                    {"pointer": "/spec/tier", "old": 1, "new": 2},
                    {"pointer": "/spec/cis", "old": ["web"], "new": ["web", "db"]}
                ]},
                {"record": "policy:p", "file": "policies/p.md", "changes": [
                    {"pointer": "/spec/body", "old": "Old text.\n", "new": "New text.\n"}
                ]}
            ],
            "removed": [{"record": "sla:gold", "file": "slas/gold.yaml"}]
        })
    );
}

#[test]
fn a_moved_file_with_an_edit_is_one_modification() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    write(dir.path(), VALID);
    commit_all(&repo, "base");
    std::fs::remove_file(dir.path().join("cis/web.yaml")).unwrap();
    write(
        dir.path(),
        &[(
            "elsewhere/web.yml",
            "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: web\nspec:\n  owner: ops\n  type: container\n  environment: production\n",
        )],
    );
    let mut index = repo.index().unwrap();
    index
        .remove_path(std::path::Path::new("cis/web.yaml"))
        .unwrap();
    index.write().unwrap();
    commit_all(&repo, "move");
    let out = itsm(dir.path(), &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "modified ci:web  (elsewhere/web.yml, moved from cis/web.yaml)\n  /spec/type: \"application\" -> \"container\"\n1 record differs: 0 added, 1 modified, 0 removed\n"
    );
}

#[test]
fn markdown_has_a_row_per_record_and_a_table_per_modification() {
    let dir = two_commits();
    let out = itsm(
        dir.path(),
        &["diff", "HEAD~1", "HEAD", "--format", "markdown"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("| added | `ci:db` | `cis/db.yaml` |\n"),
        "{text}"
    );
    assert!(
        text.contains("| removed | `sla:gold` | `slas/gold.yaml` |\n"),
        "{text}"
    );
    assert!(text.contains("#### `service:shop`\n\n| field | before | after |\n|---|---|---|\n| `/metadata/title` |  | \"Shop\" |\n| `/spec/tier` | 1 | 2 |\n"), "{text}");
    assert!(
        text.ends_with("\n4 records differ: 1 added, 2 modified, 1 removed\n"),
        "{text}"
    );
}

#[test]
fn identical_revisions_and_bad_revisions() {
    let dir = two_commits();
    let same = itsm(dir.path(), &["diff", "HEAD", "HEAD"]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(stdout(&same), "no record differs\n");
    let bad = itsm(dir.path(), &["diff", "nope", "HEAD"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("cannot resolve revision `nope`"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn a_changed_config_compares_every_record() {
    // Excluding a folder in itsm.yaml removes its records without touching their files.
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    write(dir.path(), VALID);
    commit_all(&repo, "base");
    write(
        dir.path(),
        &[(
            "itsm.yaml",
            "name: Test\nadmins: ops\ncab: ops\necab: ops\nexclude: [cis/**]\n",
        )],
    );
    commit_all(&repo, "exclude");
    let out = itsm(dir.path(), &["diff", "HEAD~1", "HEAD", "-q"]);
    assert_eq!(stdout(&out), "removed  ci:web  (cis/web.yaml)\n");
}

#[test]
fn files_discovery_skips_are_skipped_in_the_diff_too() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    write(dir.path(), VALID);
    write(
        dir.path(),
        &[(
            "itsm.yaml",
            "name: Test\nadmins: ops\nexclude: [drafts]\nsite: {out: public}\n",
        )],
    );
    commit_all(&repo, "base");
    let ci = |name: &str| {
        format!(
            "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: {name}\nspec:\n  owner: ops\n  type: other\n  environment: test\n"
        )
    };
    write(
        dir.path(),
        &[
            ("drafts/deep/a.yaml", &ci("a")),
            (".hidden/b.yaml", &ci("b")),
            ("public/c.yaml", &ci("c")),
            ("cis/d.yaml", &ci("d")),
            ("cis/notes.txt", "not a record"),
        ],
    );
    commit_all(&repo, "head");
    let out = itsm(dir.path(), &["diff", "HEAD~1", "HEAD", "-q"]);
    assert_eq!(stdout(&out), "added    ci:d  (cis/d.yaml)\n");
}

/// Git sorts a folder `a` as `a/`, after `a.yaml` and `a-x`; a plain sort puts it
/// first. Trees are compared side by side in git's order: every pair must meet.
#[test]
fn folders_and_files_with_close_names_are_paired_as_git_sorts_them() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    let ci = |name: &str, env: &str| {
        format!(
            "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: {name}\nspec:\n  owner: ops\n  type: server\n  environment: {env}\n"
        )
    };
    write(dir.path(), VALID);
    let files = |env: &str| {
        vec![
            ("cis/a.yaml".to_string(), ci("a", env)),
            ("cis/a/b.yaml".to_string(), ci("b", env)),
            ("cis/a-x.yaml".to_string(), ci("x", env)),
            ("cis/a0.yaml".to_string(), ci("zero", env)),
        ]
    };
    for (path, text) in files("production") {
        write(dir.path(), &[(&path, &text)]);
    }
    commit_all(&repo, "base");
    for (path, text) in files("staging") {
        write(dir.path(), &[(&path, &text)]);
    }
    commit_all(&repo, "head");
    let out = itsm(dir.path(), &["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc["summary"],
        serde_json::json!({"added": 0, "modified": 4, "removed": 0}),
        "{doc}"
    );
    let mut records: Vec<&str> = doc["modified"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["record"].as_str().unwrap())
        .collect();
    records.sort_unstable();
    assert_eq!(records, ["ci:a", "ci:b", "ci:x", "ci:zero"]);
}
