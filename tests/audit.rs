//! `itsm audit`: the change register from a real git history with squash and
//! merge commits, moves and deletions; approvers from wiremock on 127.0.0.1.

mod common;
use common::*;
use serde_json::{Value, json};
use std::path::Path;

fn change(name: &str, status: &str) -> String {
    format!(
        "apiVersion: itsm/v1\nkind: Change\nmetadata:\n  name: {name}\n  title: Change {name}\nspec:\n  type: normal\n  risk: low\n  impacts: [service:shop]\n  requestedBy: octocat\n  status: {status}\n  backout: Undo.\n"
    )
}

/// Commits the work tree as `who` at `day` (noon UTC), with extra parents.
fn commit(
    repo: &git2::Repository,
    message: &str,
    who: &str,
    day: &str,
    extra: &[git2::Oid],
) -> git2::Oid {
    let secs = jiff::civil::Date::strptime("%Y-%m-%d", day)
        .unwrap()
        .at(12, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp()
        .as_second();
    let sig = git2::Signature::new(
        who,
        &format!("{}@example.com", who.to_lowercase()),
        &git2::Time::new(secs, 0),
    )
    .unwrap();
    commit_as(repo, message, &sig, extra)
}

/// A history: setup, a squash merge adding chg-a, a merge commit adding chg-b
/// (from a side branch), a move, an edit, a deletion.
fn history() -> (tempfile::TempDir, Vec<git2::Oid>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = git2::Repository::init(root).unwrap();
    write(root, VALID);
    let c0 = commit(&repo, "Initial records", "Alice", "2026-01-05", &[]);
    write(
        root,
        &[("changes/chg-a.yaml", &change("chg-a", "scheduled"))],
    );
    let c1 = commit(
        &repo,
        "Add chg-a (#12)\n\n* squashed",
        "Bob",
        "2026-02-01",
        &[],
    );
    // A side branch from c1 adds chg-b; main merges it with a merge commit.
    write(
        root,
        &[(
            "changes/chg-b.md",
            &format!("---\n{}---\nWhy.\n", change("chg-b", "proposed")),
        )],
    );
    let side = commit(&repo, "wip", "Carol", "2026-03-01", &[]);
    repo.set_head_detached(c1).unwrap();
    repo.reference("refs/heads/main", c1, true, "main").unwrap();
    repo.set_head("refs/heads/main").unwrap();
    let c2 = commit(
        &repo,
        "Merge pull request #15 from acme/chg-b\n\nAdd chg-b",
        "Dave",
        "2026-03-02",
        &[side],
    );
    std::fs::create_dir_all(root.join("changes/2026")).unwrap();
    std::fs::rename(
        root.join("changes/chg-a.yaml"),
        root.join("changes/2026/chg-a.yaml"),
    )
    .unwrap();
    let c3 = commit(&repo, "Move chg-a (#16)", "Bob", "2026-04-01", &[]);
    write(
        root,
        &[("changes/2026/chg-a.yaml", &change("chg-a", "implemented"))],
    );
    let c4 = commit(&repo, "Implement chg-a (#17)", "Erin", "2026-05-01", &[]);
    std::fs::remove_file(root.join("changes/chg-b.md")).unwrap();
    let c5 = commit(&repo, "Drop chg-b", "Alice", "2026-06-01", &[]);
    (dir, vec![c0, c1, c2, c3, c4, c5])
}

fn audit(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["audit"];
    all.extend(args);
    common::run(
        std::process::Command::new(env!("CARGO_BIN_EXE_itsm"))
            .args(&all)
            .current_dir(dir)
            .env_remove("GITHUB_TOKEN"),
    )
}

fn event(
    action: &str,
    commit: git2::Oid,
    date: &str,
    who: &str,
    subject: &str,
    pr: Option<u64>,
) -> Value {
    json!({
        "action": action, "commit": commit.to_string(), "date": format!("{date}T12:00:00Z"),
        "author": who, "email": format!("{}@example.com", who.to_lowercase()),
        "subject": subject, "pullRequest": pr
    })
}

#[test]
fn json_register_follows_the_mainline() {
    let (dir, c) = history();
    let out = audit(dir.path(), &["--format", "json"]);
    assert_exit(&out, 0);
    let doc = json(&out);
    assert_eq!(
        doc,
        json!({"changes": [
            {"record": "change:chg-a", "title": "Change chg-a", "type": "normal", "risk": "low",
             "status": "implemented", "file": "changes/2026/chg-a.yaml", "removed": false, "events": [
                event("added", c[1], "2026-02-01", "Bob", "Add chg-a (#12)", Some(12)),
                event("modified", c[4], "2026-05-01", "Erin", "Implement chg-a (#17)", Some(17)),
             ]},
            {"record": "change:chg-b", "title": "Change chg-b", "type": "normal", "risk": "low",
             "status": "proposed", "file": "changes/chg-b.md", "removed": true, "events": [
                event("added", c[2], "2026-03-02", "Dave", "Merge pull request #15 from acme/chg-b", Some(15)),
                event("removed", c[5], "2026-06-01", "Alice", "Drop chg-b", None),
             ]}
        ]})
    );
}

#[test]
fn since_and_until_keep_the_events_between() {
    let (dir, c) = history();
    let out = audit(
        dir.path(),
        &[
            "--format",
            "csv",
            "--since",
            "2026-03-02",
            "--until",
            "2026-05-31",
        ],
    );
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        format!(
            "change,title,type,risk,status,event,date,commit,pull_request,author,email,subject,approved_by\n\
change:chg-a,Change chg-a,normal,low,implemented,modified,2026-05-01T12:00:00Z,{},17,Erin,erin@example.com,Implement chg-a (#17),\n\
change:chg-b,Change chg-b,normal,low,proposed,added,2026-03-02T12:00:00Z,{},15,Dave,dave@example.com,Merge pull request #15 from acme/chg-b,\n",
            c[4], c[2]
        )
    );
    let bad = audit(
        dir.path(),
        &["--since", "2026-05-01", "--until", "2026-01-01"],
    );
    assert_exit(&bad, 2);
}

#[test]
fn markdown_is_the_default() {
    let (dir, c) = history();
    let out = audit(dir.path(), &["--rev", &c[2].to_string()]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        format!(
            "# Change register\n\n| Change | type | risk | status | event | date | commit | pull request | author |\n|---|---|---|---|---|---|---|---|---|\n\
| `change:chg-a` | normal | low | scheduled | added | 2026-02-01 | `{}` | #12 | Bob |\n\
| `change:chg-b` | normal | low | proposed | added | 2026-03-02 | `{}` | #15 | Dave |\n\n2 Change records, 2 events.\n",
            &c[1].to_string()[..12],
            &c[2].to_string()[..12]
        )
    );
}

#[test]
fn approvers_come_from_github_when_a_token_is_given() {
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, ResponseTemplate};
    let (dir, _) = history();
    let common::api::Api { rt, server } = common::api::Api::start();
    let review = |login: &str, state: &str, at: &str| {
        json!({"id": 1, "node_id": "PRR_1", "user": common::api::user(login, 1001), "state": state,
               "commit_id": "abc", "submitted_at": at, "body": "",
               "html_url": "https://github.com/acme/itsm/pull/1#pullrequestreview-1",
               "pull_request_url": "https://api.github.com/repos/acme/itsm/pulls/1",
               "author_association": "MEMBER"})
    };
    for (n, body) in [
        (
            12,
            json!([review("carol", "APPROVED", "2026-02-01T10:00:00Z")]),
        ),
        (
            15,
            json!([
                review("dave", "APPROVED", "2026-03-01T10:00:00Z"),
                review("Erin", "APPROVED", "2026-03-01T11:00:00Z")
            ]),
        ),
        (
            17,
            json!([
                review("olga", "APPROVED", "2026-05-01T10:00:00Z"),
                review("olga", "DISMISSED", "2026-05-01T11:00:00Z")
            ]),
        ),
    ] {
        rt.block_on(
            Mock::given(method("GET"))
                .and(path(format!("/repos/acme/itsm/pulls/{n}/reviews")))
                .and(query_param("page", "1"))
                .respond_with(ResponseTemplate::new(200).set_body_json(body))
                .expect(1)
                .mount(&server),
        );
    }
    let out = common::run(
        std::process::Command::new(env!("CARGO_BIN_EXE_itsm"))
            .args(["audit", "--format", "json", "--github", "acme/itsm"])
            .current_dir(dir.path())
            .env("GITHUB_TOKEN", "ghp_secret_for_audit")
            .env("GITHUB_API_URL", server.uri()),
    );
    assert_exit(&out, 0);
    let doc = json(&out);
    let approvers: Vec<Value> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            c["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["approvedBy"].clone())
        })
        .collect();
    assert_eq!(
        approvers,
        [
            json!(["carol"]),
            json!([]),
            json!(["dave", "erin"]),
            json!([])
        ]
    );
    rt.block_on(server.verify());
}

#[test]
fn a_subfolder_root_and_an_unknown_revision() {
    let (dir, repo, root) = nested_repo();
    write(&root, &[("changes/x.yaml", &change("x", "proposed"))]);
    write(
        dir.path(),
        &[("other/changes/y.yaml", &change("y", "proposed"))],
    );
    commit(&repo, "Records (#3)", "Alice", "2026-01-05", &[]);
    let doc = json(&audit(&root, &["--format", "json"]));
    assert_eq!(doc["changes"].as_array().unwrap().len(), 1);
    assert_eq!(doc["changes"][0]["file"], "changes/x.yaml");
    let bad = audit(&root, &["--rev", "nope"]);
    assert_exit(&bad, 2);
    assert_has(&stderr(&bad), "cannot resolve revision `nope`");
}

#[test]
fn exclude_globs_apply_as_at_each_commit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let repo = git2::Repository::init(root).unwrap();
    write(root, VALID);
    let config = |exclude: &str| {
        format!("name: Test\nadmins: ops\ncab: ops\necab: ops\nexclude: [{exclude}]\n")
    };
    write(root, &[("itsm.yaml", &config("drafts/**"))]);
    commit(&repo, "Initial records", "Alice", "2026-01-05", &[]);
    write(
        root,
        &[
            ("changes/chg-a.yaml", &change("chg-a", "scheduled")),
            ("drafts/chg-d.yaml", &change("chg-d", "proposed")),
            ("site/chg-s.yaml", &change("chg-s", "proposed")),
        ],
    );
    let c1 = commit(&repo, "Add chg-a (#1)", "Bob", "2026-02-01", &[]);
    // Drafts come into view, `old/` goes out of it.
    write(root, &[("itsm.yaml", &config("old/**"))]);
    let c2 = commit(&repo, "Exclude old/ (#2)", "Bob", "2026-03-01", &[]);
    std::fs::create_dir_all(root.join("old")).unwrap();
    std::fs::rename(root.join("changes/chg-a.yaml"), root.join("old/chg-a.yaml")).unwrap();
    let c3 = commit(&repo, "Archive chg-a (#3)", "Bob", "2026-04-01", &[]);
    // Edits where nothing is read are not in the register.
    write(root, &[("old/chg-a.yaml", &change("chg-a", "implemented"))]);
    commit(&repo, "Edit the archive", "Bob", "2026-05-01", &[]);

    let out = audit(root, &["--format", "json"]);
    assert_exit(&out, 0);
    let doc = json(&out);
    /// Record, file, removed, and (action, commit) of each event.
    type Row = (String, String, bool, Vec<(String, String)>);
    let got: Vec<Row> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let events = c["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    let field = |k: &str| e[k].as_str().unwrap().to_string();
                    (field("action"), field("commit"))
                })
                .collect();
            let field = |k: &str| c[k].as_str().unwrap().to_string();
            (field("record"), field("file"), c["removed"] == true, events)
        })
        .collect();
    let ev = |action: &str, c: git2::Oid| (action.to_string(), c.to_string());
    assert_eq!(
        got,
        vec![
            (
                "change:chg-a".to_string(),
                "changes/chg-a.yaml".to_string(),
                true,
                vec![ev("added", c1), ev("removed", c3)]
            ),
            (
                "change:chg-d".to_string(),
                "drafts/chg-d.yaml".to_string(),
                false,
                vec![ev("added", c2)]
            ),
        ]
    );
}

#[test]
fn a_shallow_clone_is_refused_naming_the_fix() {
    let (dir, _) = history();
    // What actions/checkout does by default: the last commits, no more.
    let clone = shallow_clone(dir.path(), 2);
    let out = audit(clone.path(), &["--format", "json"]);
    assert_exit(&out, 2);
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "error: the repository is a shallow clone: its history stops at a commit that would show as the one that added every Change it holds, with the wrong date, author and pull request; fetch the whole history (`actions/checkout` with `fetch-depth: 0`, or `git fetch --unshallow`), then run `itsm audit` again\n"
    );
    // The full clone gives the register.
    assert_eq!(
        audit(dir.path(), &["--format", "json"]).status.code(),
        Some(0)
    );
}

/// Deletes the loose object of `spec` (`REV:PATH`), as a partial or damaged
/// clone would lack it.
fn drop_object(repo: &git2::Repository, spec: &str) {
    let id = repo.revparse_single(spec).unwrap().id().to_string();
    let path = repo.path().join("objects").join(&id[..2]).join(&id[2..]);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_tree_that_cannot_be_read_fails_the_register_instead_of_leaving_changes_out() {
    let dir = valid_repo(&[("notes/chg-n.yaml", &change("chg-n", "proposed"))]);
    let root = dir.path();
    let repo = git2::Repository::init(root).unwrap();
    commit(&repo, "Initial records", "Alice", "2026-01-05", &[]);
    drop_object(&repo, "HEAD:notes");
    let out = audit(root, &["--format", "json"]);
    assert_exit(&out, 2);
    assert_has(&stderr(&out), "cannot read the folder `notes` in git");
}

/// A folder whose tree object is missing is an error for `diff` and the gate,
/// never a folder that went away.
#[test]
fn a_folder_that_cannot_be_read_fails_the_diff_instead_of_vanishing() {
    let dir = valid_repo(&[]);
    let root = dir.path();
    let repo = git2::Repository::init(root).unwrap();
    let base = commit(&repo, "Initial records", "Alice", "2026-01-05", &[]).to_string();
    write(
        root,
        &[("changes/new/chg-n.yaml", &change("chg-n", "proposed"))],
    );
    let head = commit(&repo, "Add chg-n (#1)", "Bob", "2026-03-01", &[]).to_string();
    let out = itsm(root, &["diff", &base, &head]);
    assert_exit(&out, 0);
    assert_has(&stdout(&out), "change:chg-n");
    drop_object(&repo, &format!("{head}:changes/new"));
    let out = itsm(root, &["diff", &base, &head]);
    assert_exit(&out, 2);
    assert_has(&stderr(&out), "cannot read the folder `changes/new` in git");
}
