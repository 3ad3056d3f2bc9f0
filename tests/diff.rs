//! `itsm diff`: records added, modified and removed between two commits of a real
//! git repository, field by field.

mod common;
use common::*;

/// A CI named `name` in `environment`.
fn ci(name: &str, environment: &str) -> String {
    format!(
        "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: {name}\nspec:\n  owner: ops\n  type: server\n  environment: {environment}\n"
    )
}

/// A Policy `p` whose body is `body`.
fn policy(body: &str) -> String {
    format!(
        "---\napiVersion: itsm/v1\nkind: Policy\nmetadata:\n  name: p\nspec:\n  owner: ops\n  clauses: [\"8.5.1\"]\n---\n{body}\n"
    )
}

/// A repository with two commits: VALID, then an edit, a move, an add and a delete.
fn two_commits() -> tempfile::TempDir {
    let (dir, repo) = git_repo(&[("policies/p.md", &policy("Old text."))]);
    write(
        dir.path(),
        &[
            (
                "services/shop.yaml",
                "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\n  title: Shop\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 2\n  sla: gold\n  cis: [web, db]\n",
            ),
            ("cis/db.yaml", &ci("db", "production")),
            ("policies/p.md", &policy("New text.")),
        ],
    );
    // Move the CI to another file, unchanged; delete the SLA.
    let root = dir.path();
    std::fs::rename(root.join("cis/web.yaml"), root.join("cis/web-app.yaml")).unwrap();
    std::fs::remove_file(root.join("slas/gold.yaml")).unwrap();
    commit_all(&repo, "head");
    dir
}

/// `itsm diff HEAD~1 HEAD` with `extra` arguments, which must succeed.
fn diff(dir: &std::path::Path, extra: &[&str]) -> String {
    let out = itsm(dir, &[&["diff", "HEAD~1", "HEAD"][..], extra].concat());
    assert_exit(&out, 0);
    stdout(&out)
}

#[test]
fn json_lists_every_change_field_by_field() {
    let dir = two_commits();
    let doc: serde_json::Value =
        serde_json::from_str(&diff(dir.path(), &["--format", "json"])).unwrap();
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

const MARKDOWN: &str = r#"### Records changed from `HEAD~1` to `HEAD`

| change | record | file |
|---|---|---|
| added | `ci:db` | `cis/db.yaml` |
| modified | `service:shop` | `services/shop.yaml` |
| modified | `policy:p` | `policies/p.md` |
| removed | `sla:gold` | `slas/gold.yaml` |

#### `service:shop`

| field | before | after |
|---|---|---|
| `/metadata/title` |  | "Shop" |
| `/spec/tier` | 1 | 2 |
| `/spec/cis` | \["web"\] | \["web","db"\] |

#### `policy:p`

| field | before | after |
|---|---|---|
| `/spec/body` | "Old text.\\n" | "New text.\\n" |

4 records differ: 1 added, 2 modified, 1 removed
"#;

#[test]
fn markdown_has_a_row_per_record_and_a_table_per_modification() {
    let dir = two_commits();
    assert_eq!(diff(dir.path(), &["--format", "markdown"]), MARKDOWN);
}

#[test]
fn a_moved_file_with_an_edit_is_one_modification() {
    let (dir, repo) = git_repo(&[]);
    std::fs::remove_file(dir.path().join("cis/web.yaml")).unwrap();
    write(
        dir.path(),
        &[(
            "elsewhere/web.yml",
            &ci("web", "production").replace("server", "container"),
        )],
    );
    commit_all(&repo, "move");
    assert_eq!(
        diff(dir.path(), &[]),
        "modified ci:web  (elsewhere/web.yml, moved from cis/web.yaml)\n  /spec/type: \"application\" -> \"container\"\n1 record differs: 0 added, 1 modified, 0 removed\n"
    );
}

#[test]
fn identical_revisions_and_bad_revisions() {
    let dir = two_commits();
    let same = itsm(dir.path(), &["diff", "HEAD", "HEAD"]);
    assert_exit(&same, 0);
    assert_eq!(stdout(&same), "no record differs\n");
    let bad = itsm(dir.path(), &["diff", "nope", "HEAD"]);
    assert_exit(&bad, 2);
    assert_has(&stderr(&bad), "cannot resolve revision `nope`");
}

#[test]
fn a_changed_config_compares_every_record() {
    // Excluding a folder in itsm.yaml removes its records without touching their files.
    let (dir, repo) = git_repo(&[]);
    let config = "name: Test\nadmins: ops\ncab: ops\necab: ops\nexclude: [cis/**]\n";
    write(dir.path(), &[("itsm.yaml", config)]);
    commit_all(&repo, "exclude");
    assert_eq!(
        diff(dir.path(), &["-q"]),
        "removed  ci:web  (cis/web.yaml)\n"
    );
}

#[test]
fn files_discovery_skips_are_skipped_in_the_diff_too() {
    let config = "name: Test\nadmins: ops\nexclude: [drafts]\nsite: {out: public}\n";
    let (dir, repo) = git_repo(&[("itsm.yaml", config)]);
    write(
        dir.path(),
        &[
            ("drafts/deep/a.yaml", &ci("a", "test")),
            (".hidden/b.yaml", &ci("b", "test")),
            ("public/c.yaml", &ci("c", "test")),
            ("cis/d.yaml", &ci("d", "test")),
            ("cis/notes.txt", "not a record"),
        ],
    );
    commit_all(&repo, "head");
    assert_eq!(diff(dir.path(), &["-q"]), "added    ci:d  (cis/d.yaml)\n");
}

/// Git sorts a folder `a` as `a/`, after `a.yaml` and `a-x`; a plain sort puts it
/// first. Trees are compared side by side in git's order: every pair must meet.
#[test]
fn folders_and_files_with_close_names_are_paired_as_git_sorts_them() {
    let files = |env: &str| {
        [
            ("cis/a.yaml", ci("a", env)),
            ("cis/a/b.yaml", ci("b", env)),
            ("cis/a-x.yaml", ci("x", env)),
            ("cis/a0.yaml", ci("zero", env)),
        ]
    };
    let base = files("production");
    let (dir, repo) = git_repo(
        &base
            .iter()
            .map(|(p, t)| (*p, t.as_str()))
            .collect::<Vec<_>>(),
    );
    for (path, text) in files("staging") {
        write(dir.path(), &[(path, &text)]);
    }
    commit_all(&repo, "head");
    let doc: serde_json::Value =
        serde_json::from_str(&diff(dir.path(), &["--format", "json"])).unwrap();
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

// The approval gate builds base from head (`diff::rebuild`): head's files that
// did not change, plus base's blobs of those that did. It must be exactly what
// loading base gives.

/// Edits `path` under `root`: replaces `from` by `to` (which must change it).
fn edit(root: &std::path::Path, path: &str, from: &str, to: &str) {
    let file = root.join(path);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(from), "{path} has no `{from}`");
    std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
}

/// Commits the whole work tree (removed files included) on HEAD.
fn commit_everything(repo: &git2::Repository, message: &str) {
    let mut index = repo.index().unwrap();
    index.clear().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::FORCE, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Test", "test@example.com").unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap();
}

/// example-repo in `ops/` of a git repository (so the root is not the top of
/// the work tree), committed, then edited in every way a pull request can and
/// committed again.
fn example_with_edits() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ops");
    copy_tree(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-repo"),
        &root,
    );
    write(
        &root,
        &[
            (
                "notes/extra.yaml",
                "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: extra\nspec:\n  owner: platform\n  type: application\n  environment: production\n",
            ),
            (
                "notes/broken-later.yaml",
                "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: broken-later\nspec:\n  owner: platform\n  type: application\n  environment: production\n",
            ),
            ("other.txt", "not a record\n"),
        ],
    );
    std::fs::write(dir.path().join("outside.yaml"), "a: 1\n").unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    commit_everything(&repo, "base");

    // Modified: a Service's title, a Team's members, a Policy rule.
    edit(
        &root,
        "services/identity.yaml",
        "tier:",
        "# tiered\n  tier:",
    );
    edit(
        &root,
        "teams/cab.yaml",
        "  members:\n",
        "  members:\n    - {login: mallory, name: Mallory}\n",
    );
    edit(
        &root,
        "policies/change-management-policy.md",
        "approve: {team: cab, count: 2}",
        "approve: {team: cab, count: 3}",
    );
    // Renamed in its folder, and moved to another folder.
    std::fs::rename(
        root.join("cis/search.yaml"),
        root.join("cis/search-cluster.yaml"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("changes/2026")).unwrap();
    std::fs::rename(
        root.join("changes/chg-edge-waf-ruleset.yaml"),
        root.join("changes/2026/chg-edge-waf-ruleset.yaml"),
    )
    .unwrap();
    // Removed, and a file replaced by a folder of the same name.
    std::fs::remove_file(root.join("cis/mobile.yaml")).unwrap();
    std::fs::remove_file(root.join("notes/extra.yaml")).unwrap();
    write(
        &root,
        &[
            // Added: a record, a second document defining a duplicate, a file
            // that does not parse, files discovery skips.
            (
                "cis/new-cache.yml",
                "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: new-cache\nspec:\n  owner: platform\n  type: database\n  environment: production\n---\napiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: kafka-prod\nspec:\n  owner: data\n  type: queue\n  environment: production\n",
            ),
            (
                "notes/broken-later.yaml",
                "apiVersion: itsm/v1\nkind: CI\nmetadata: [\n",
            ),
            (
                "notes/extra.yaml/inside.yaml",
                "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: inside\nspec:\n  members: []\n",
            ),
            (
                "drafts/another.yaml",
                "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: drafted\nspec:\n  members: []\n",
            ),
            (
                ".hidden/team.yaml",
                "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: hidden\nspec:\n  members: []\n",
            ),
            ("README.md", "# Changed, no front matter\n"),
            ("other.txt", "still not a record\n"),
        ],
    );
    std::fs::write(dir.path().join("outside.yaml"), "a: 2\n").unwrap();
    commit_everything(&repo, "head");
    (dir, root)
}

/// Everything loading gives, in a form that compares.
fn snapshot(repo: &itsm::load::Repository) -> String {
    let mut out = format!(
        "root {:?}\nconfig {:?}\nvalue {:?}\nconfig file {:?}\nscanned {}\n",
        repo.root, repo.config, repo.config_value, repo.config_file, repo.files_scanned
    );
    for (id, f) in repo.files.iter() {
        out += &format!("file {id} {} {:?} {:?}\n", f.path, f.region, f.text);
    }
    for r in &repo.records {
        out += &format!(
            "record {:?} {} {} {:?} {:?}\n",
            r.id, r.file, r.doc, r.value, r.body
        );
    }
    out
}

/// Builds `want` from `have` loaded, and compares it with `want` loaded, then
/// both linked.
fn rebuilt_equals_loaded(root: &std::path::Path, want: &str, have: &str) {
    use itsm::load::{Source, load};
    let blobs = itsm::diff::changed_between(root, want, have)
        .unwrap()
        .expect("itsm.yaml is the same on both sides");
    assert!(!blobs.is_empty());
    let from = load(root, &Source::Revision(have.into()), &mut Vec::new()).unwrap();
    let rebuilt = itsm::diff::rebuild(&from, &blobs).unwrap();
    let loaded = load(root, &Source::Revision(want.into()), &mut Vec::new()).unwrap();
    assert_eq!(snapshot(&rebuilt), snapshot(&loaded), "{want} from {have}");
    let (a, b) = (
        itsm::link::link(rebuilt, &mut Vec::new()),
        itsm::link::link(loaded, &mut Vec::new()),
    );
    assert_eq!((&a.out, &a.inc), (&b.out, &b.inc));
    for r in &b.repo.records {
        assert_eq!(a.find(r.id.kind, &r.id.name), b.find(r.id.kind, &r.id.name));
    }
}

#[test]
fn base_rebuilt_from_head_is_base_loaded() {
    let (_dir, root) = example_with_edits();
    rebuilt_equals_loaded(&root, "HEAD~1", "HEAD");
    // And the other way round (head from base).
    rebuilt_equals_loaded(&root, "HEAD", "HEAD~1");
    // What the gate compares: the changed paths are those `changed_files` lists.
    let blobs = itsm::diff::changed_between(&root, "HEAD~1", "HEAD")
        .unwrap()
        .unwrap();
    let paths = itsm::diff::paths_of(&blobs);
    assert!(paths.contains(&"cis/mobile.yaml".to_string()), "{paths:?}");
    assert!(!paths.iter().any(|p| p.contains("outside")), "{paths:?}");
    assert_eq!(
        itsm::diff::changed_files(&root, "HEAD~1", "HEAD").unwrap(),
        Some(paths)
    );
}

#[test]
fn a_changed_itsm_yaml_leaves_nothing_to_rebuild_from() {
    let (dir, root) = example_with_edits();
    let repo = git2::Repository::open(dir.path()).unwrap();
    edit(
        &root,
        "itsm.yaml",
        "  - drafts/**\n",
        "  - drafts/**\n  - notes/**\n",
    );
    commit_everything(&repo, "exclude notes");
    assert!(
        itsm::diff::changed_between(&root, "HEAD~1", "HEAD")
            .unwrap()
            .is_none()
    );
    assert_eq!(
        itsm::diff::changed_files(&root, "HEAD~1", "HEAD").unwrap(),
        None
    );
    // Unchanged again in the next commit: rebuilding works across the edit.
    edit(&root, "teams/cab.yaml", "mallory", "mallory2");
    commit_everything(&repo, "rename");
    rebuilt_equals_loaded(&root, "HEAD~1", "HEAD");
}
