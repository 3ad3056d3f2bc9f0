//! `itsm approvals`: requirements from the records a pull request touches, reviews
//! evaluated as the contract says, offline (`--reviews`) and against a GitHub API
//! served by wiremock on 127.0.0.1.

mod common;
use common::*;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Output;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/approvals/base");

const CHG_DB: &str = "apiVersion: itsm/v1\nkind: Change\nmetadata:\n  name: chg-db\nspec:\n  type: normal\n  risk: medium\n  impacts: [ci:db]\n  requestedBy: author\n  backout: Restore the snapshot.\n";

/// A git repository: the fixture committed as base, then `files` written and
/// `removed` deleted, committed as head. Returns the folder and the head SHA.
fn pull_request(files: &[(&str, &str)], removed: &[&str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new(FIXTURE), dir.path());
    let repo = git2::Repository::init(dir.path()).unwrap();
    commit_all(&repo, "base");
    write(dir.path(), files);
    for r in removed {
        std::fs::remove_file(dir.path().join(r)).unwrap();
    }
    let head = commit_all(&repo, "head");
    (dir, head.to_string())
}

/// A review shaped like GitHub's "list reviews for a pull request" items.
fn review(id: u64, login: &str, state: &str, commit: &str, at: &str) -> Value {
    let mut r = json!({
        "id": id,
        "node_id": format!("PRR_{id}"),
        "user": {"login": login, "id": id + 1000, "type": "User", "site_admin": false},
        "body": "",
        "state": state,
        "html_url": format!("https://github.com/acme/itsm/pull/7#pullrequestreview-{id}"),
        "pull_request_url": "https://api.github.com/repos/acme/itsm/pulls/7",
        "author_association": "MEMBER",
        "commit_id": commit,
        "submitted_at": at,
    });
    if state == "PENDING" {
        r.as_object_mut().unwrap().remove("submitted_at");
    }
    r
}

/// `itsm approvals` offline with these reviews, by `author`.
fn gate(dir: &Path, reviews: &[Value], author: &str, format: &str) -> Output {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_string(reviews).unwrap()).unwrap();
    let path = file.path().to_str().unwrap();
    itsm(
        dir,
        &[
            "approvals",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--reviews",
            path,
            "--author",
            author,
            "--format",
            format,
            "--today",
            "2026-11-21",
        ],
    )
}

fn gate_json(dir: &Path, reviews: &[Value], author: &str) -> (Option<i32>, Value) {
    let out = gate(dir, reviews, author, "json");
    let doc = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    (out.status.code(), doc)
}

/// `team -> (approvedBy, changesRequestedBy, staleApprovals, missing, met)`.
fn matrix(doc: &Value) -> Vec<(String, Value, Value, Value, u64, bool)> {
    doc["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["team"].as_str().unwrap().to_string(),
                r["approvedBy"].clone(),
                r["changesRequestedBy"].clone(),
                r["staleApprovals"].clone(),
                r["missing"].as_u64().unwrap(),
                r["met"].as_bool().unwrap(),
            )
        })
        .collect()
}

const T1: &str = "2026-11-20T10:00:00Z";
const T2: &str = "2026-11-20T11:00:00Z";
const T3: &str = "2026-11-20T12:00:00Z";

#[test]
fn normal_change_requirements_and_a_met_gate() {
    let (dir, head) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let reviews = [
        review(1, "olga", "APPROVED", &head, T1),
        review(2, "alice", "APPROVED", &head, T1),
        review(3, "carol", "APPROVED", &head, T1),
    ];
    let (code, doc) = gate_json(dir.path(), &reviews, "author");
    assert_eq!(code, Some(0), "{doc}");
    assert_eq!(
        doc,
        json!({
            "met": true,
            "pullRequest": null,
            "author": "author",
            "head": head,
            "requirements": [
                {"team": "cab", "count": 1, "reasons": [
                    {"record": "change:chg-db", "why": "normal change impacting ci:db, which tier-1 service:shop uses"}
                 ], "approvedBy": ["carol"], "changesRequestedBy": [], "staleApprovals": [], "missing": 0, "met": true},
                {"team": "office", "count": 1, "reasons": [
                    {"record": "change:chg-db", "why": "owner of the added record (no owner: admins)"}
                 ], "approvedBy": ["olga"], "changesRequestedBy": [], "staleApprovals": [], "missing": 0, "met": true},
                {"team": "ops", "count": 1, "reasons": [
                    {"record": "change:chg-db", "why": "normal change impacting ci:db (its owner)"}
                 ], "approvedBy": ["alice"], "changesRequestedBy": [], "staleApprovals": [], "missing": 0, "met": true}
            ],
            "problems": []
        })
    );
}

#[test]
fn latest_standing_stale_commits_author_case_and_blocks() {
    let (dir, head) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let old = "0123456789abcdef0123456789abcdef01234567";
    let reviews = [
        // ops: alice approved an older commit; the author's approval never counts;
        // BOB is Bob of the Team (logins compare case-insensitively).
        review(1, "alice", "APPROVED", old, T1),
        review(2, "Author", "APPROVED", &head, T1),
        review(3, "BOB", "APPROVED", &head, T2),
        // cab: carol approved, then only commented (standing unchanged); dave
        // approved, then requested changes: a block.
        review(4, "carol", "APPROVED", &head, T1),
        review(5, "carol", "COMMENTED", &head, T3),
        review(6, "dave", "APPROVED", &head, T1),
        review(7, "dave", "CHANGES_REQUESTED", &head, T2),
        // office: olga approved, then the review was dismissed: neither; a
        // pending review changes nothing.
        review(8, "olga", "APPROVED", &head, T1),
        review(9, "olga", "DISMISSED", &head, T2),
        review(10, "olga", "PENDING", &head, T3),
    ];
    let (code, doc) = gate_json(dir.path(), &reviews, "author");
    assert_eq!(code, Some(1), "{doc}");
    assert_eq!(doc["met"], false);
    assert_eq!(
        matrix(&doc),
        vec![
            (
                "cab".into(),
                json!(["carol"]),
                json!(["dave"]),
                json!([]),
                0,
                false
            ),
            ("office".into(), json!([]), json!([]), json!([]), 1, false),
            (
                "ops".into(),
                json!(["bob"]),
                json!([]),
                json!(["alice"]),
                0,
                true
            ),
        ]
    );
}

#[test]
fn reviews_are_ordered_by_time_not_by_position() {
    let (dir, head) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    // Listed out of order: the changes request is older than the approval.
    let reviews = [
        review(2, "dave", "APPROVED", &head, T2),
        review(1, "dave", "CHANGES_REQUESTED", &head, T1),
    ];
    let (_, doc) = gate_json(dir.path(), &reviews, "author");
    assert_eq!(
        matrix(&doc)[0],
        ("cab".into(), json!(["dave"]), json!([]), json!([]), 0, true)
    );
}

#[test]
fn membership_is_read_at_base() {
    // The pull request adds mallory to the CAB; her approval does not count, and
    // editing the CAB needs the CAB's own approval.
    let cab = "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: cab\nspec:\n  members:\n    - {login: carol}\n    - {login: dave}\n    - {login: mallory}\n";
    let (dir, head) = pull_request(
        &[("changes/chg-db.yaml", CHG_DB), ("teams/cab.yaml", cab)],
        &[],
    );
    let reviews = [
        review(1, "mallory", "APPROVED", &head, T1),
        review(2, "olga", "APPROVED", &head, T1),
        review(3, "alice", "APPROVED", &head, T1),
    ];
    let (code, doc) = gate_json(dir.path(), &reviews, "author");
    assert_eq!(code, Some(1));
    let cab = &doc["requirements"][0];
    assert_eq!(cab["team"], "cab");
    assert_eq!(cab["approvedBy"], json!([]));
    assert_eq!(cab["missing"], 1);
    assert_eq!(
        cab["reasons"],
        json!([
            {"record": "change:chg-db", "why": "normal change impacting ci:db, which tier-1 service:shop uses"},
            {"record": "team:cab", "why": "owner of the modified record"}
        ])
    );
}

#[test]
fn emergency_changes_need_the_ecab() {
    let chg = CHG_DB.replace("type: normal", "type: emergency");
    let (dir, head) = pull_request(&[("changes/chg-db.yaml", &chg)], &[]);
    let reviews = [
        review(1, "erin", "APPROVED", &head, T1),
        review(2, "olga", "APPROVED", &head, T1),
    ];
    let (code, doc) = gate_json(dir.path(), &reviews, "author");
    assert_eq!(code, Some(0), "{doc}");
    let teams: Vec<&str> = doc["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["team"].as_str().unwrap())
        .collect();
    assert_eq!(teams, ["ecab", "office"]);
}

#[test]
fn high_risk_and_direct_tier1_impacts_need_the_cab() {
    let chg = "apiVersion: itsm/v1\nkind: Change\nmetadata:\n  name: chg-shop\nspec:\n  type: normal\n  risk: high\n  impacts: [service:shop, service:blog]\n  requestedBy: author\n  backout: Roll back.\n";
    let (dir, head) = pull_request(&[("changes/chg-shop.yaml", chg)], &[]);
    let (code, doc) = gate_json(
        dir.path(),
        &[review(1, "carol", "APPROVED", &head, T1)],
        "author",
    );
    assert_eq!(code, Some(1));
    assert_eq!(doc["requirements"][0]["team"], "cab");
    assert_eq!(
        doc["requirements"][0]["reasons"],
        json!([
            {"record": "change:chg-shop", "why": "normal change with high risk"},
            {"record": "change:chg-shop", "why": "normal change impacting tier-1 service:shop"}
        ])
    );
    let teams: Vec<&str> = doc["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["team"].as_str().unwrap())
        .collect();
    assert_eq!(teams, ["cab", "office", "ops", "payments"]);
}

#[test]
fn standard_changes_outside_their_standard_change_fail_the_gate() {
    let chg = "apiVersion: itsm/v1\nkind: Change\nmetadata:\n  name: chg-std\nspec:\n  type: standard\n  standardChange: restart\n  risk: medium\n  impacts: [ci:db, ci:web]\n  requestedBy: author\n";
    let (dir, head) = pull_request(&[("changes/chg-std.yaml", chg)], &[]);
    let reviews = [
        review(1, "olga", "APPROVED", &head, T1),
        review(2, "alice", "APPROVED", &head, T1),
    ];
    let (code, doc) = gate_json(dir.path(), &reviews, "author");
    assert_eq!(code, Some(1), "{doc}");
    assert_eq!(
        doc["problems"],
        json!([
            "change:chg-std is medium risk, above the `maxRisk: low` of standard-change:restart: make it a normal Change",
            "change:chg-std impacts ci:db, outside what standard-change:restart applies to (container, blog): make it a normal Change"
        ])
    );
    // Only the owners of its impacts (and admins for the record itself): no CAB.
    let teams: Vec<&str> = doc["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["team"].as_str().unwrap())
        .collect();
    assert_eq!(teams, ["office", "ops"]);
    assert!(
        doc["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["met"] == true)
    );
}

#[test]
fn a_standard_change_within_scope_needs_only_its_impacts_owners() {
    let chg = "apiVersion: itsm/v1\nkind: Change\nmetadata:\n  name: chg-std\nspec:\n  type: standard\n  standardChange: restart\n  risk: low\n  impacts: [ci:web, service:blog]\n  requestedBy: author\n";
    let (dir, head) = pull_request(&[("changes/chg-std.yaml", chg)], &[]);
    let reviews = [
        review(1, "olga", "APPROVED", &head, T1),
        review(2, "alice", "APPROVED", &head, T1),
    ];
    let (code, doc) = gate_json(dir.path(), &reviews, "author");
    assert_eq!(code, Some(0), "{doc}");
    assert_eq!(doc["problems"], json!([]));
}

#[test]
fn policy_rules_add_approvals_and_owner_changes_need_both_owners() {
    // shop is tier 1: the Policy asks two approvals from its owner.
    let shop = "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  owner: payments\n  lifecycle: development\n  tier: 1\n  cis: [web]\n  customers: [Retail]\n";
    // blog moves from ops to payments.
    let blog = "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: blog\nspec:\n  owner: payments\n  lifecycle: development\n  tier: 3\n  cis: [blog-vm]\n";
    let (dir, head) = pull_request(
        &[("services/shop.yaml", shop), ("services/blog.yaml", blog)],
        &[],
    );
    let one = [
        review(1, "pat", "APPROVED", &head, T1),
        review(2, "alice", "APPROVED", &head, T1),
    ];
    let (code, doc) = gate_json(dir.path(), &one, "author");
    assert_eq!(code, Some(1));
    assert_eq!(
        doc["requirements"],
        json!([
            {"team": "ops", "count": 1, "reasons": [
                {"record": "service:blog", "why": "owner of the modified record before this change"}
             ], "approvedBy": ["alice"], "changesRequestedBy": [], "staleApprovals": [], "missing": 0, "met": true},
            {"team": "payments", "count": 2, "reasons": [
                {"record": "service:blog", "why": "owner of the modified record"},
                {"record": "service:shop", "why": "owner of the modified record"},
                {"record": "service:shop", "why": "rule `tier1-two-owners` of policy:change"}
             ], "approvedBy": ["pat"], "changesRequestedBy": [], "staleApprovals": [], "missing": 1, "met": false}
        ])
    );
    let two = [
        review(1, "pat", "APPROVED", &head, T1),
        review(2, "alice", "APPROVED", &head, T1),
        review(3, "Quinn", "APPROVED", &head, T1),
    ];
    assert_eq!(gate_json(dir.path(), &two, "author").0, Some(0));
}

#[test]
fn removing_a_rule_does_not_escape_it() {
    // The pull request drops the Policy rule and edits shop: the base rule still applies.
    let policy = "---\napiVersion: itsm/v1\nkind: Policy\nmetadata:\n  name: change\nspec:\n  owner: office\n  clauses: [\"8.5.1\"]\n---\nNo rules.\n";
    let shop = "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  owner: payments\n  lifecycle: development\n  tier: 1\n  cis: [web]\n  customers: [Retail]\n";
    let (dir, head) = pull_request(
        &[("policies/change.md", policy), ("services/shop.yaml", shop)],
        &[],
    );
    let reviews = [
        review(1, "pat", "APPROVED", &head, T1),
        review(2, "olga", "APPROVED", &head, T1),
    ];
    let (code, doc) = gate_json(dir.path(), &reviews, "author");
    assert_eq!(code, Some(1));
    assert_eq!(doc["requirements"][1]["team"], "payments");
    assert_eq!(doc["requirements"][1]["count"], 2);
}

#[test]
fn a_new_team_is_approved_by_admins() {
    let team = "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: data\nspec:\n  members:\n    - {login: dana}\n";
    let (dir, head) = pull_request(&[("teams/data.yaml", team)], &[]);
    let (code, doc) = gate_json(
        dir.path(),
        &[review(1, "dana", "APPROVED", &head, T1)],
        "author",
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        doc["requirements"],
        json!([{"team": "office", "count": 1, "reasons": [
            {"record": "team:data", "why": "owner of the added record (team:data does not exist at base: admins approve for it)"}
        ], "approvedBy": [], "changesRequestedBy": [], "staleApprovals": [], "missing": 1, "met": false}])
    );
}

#[test]
fn removed_records_are_judged_at_base() {
    let blog = "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: blog\nspec:\n  owner: ops\n  lifecycle: development\n  tier: 3\n";
    let (dir, head) = pull_request(&[("services/blog.yaml", blog)], &["cis/blog-vm.yaml"]);
    let (code, doc) = gate_json(
        dir.path(),
        &[review(1, "alice", "APPROVED", &head, T1)],
        "author",
    );
    assert_eq!(code, Some(0), "{doc}");
    assert_eq!(
        doc["requirements"][0]["reasons"],
        json!([
            {"record": "service:blog", "why": "owner of the modified record"},
            {"record": "ci:blog-vm", "why": "owner of the removed record"}
        ])
    );
}

#[test]
fn broken_head_records_fail_closed_with_exit_2() {
    let shop = "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  owner: nobody\n  lifecycle: development\n  tier: 1\n";
    let (dir, head) = pull_request(&[("services/shop.yaml", shop)], &[]);
    let out = gate(
        dir.path(),
        &[review(1, "pat", "APPROVED", &head, T1)],
        "author",
        "human",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("the records at `HEAD` have 1 error that keep the gate from deciding who must approve (first: services/shop.yaml:6:10: error[unresolved-ref] service:shop refers to team:nobody, which does not exist)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unreadable_reviews_fail_closed() {
    let (dir, _) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let file = dir.path().join("reviews.json");
    std::fs::write(&file, "{\"message\": \"Not Found\"}").unwrap();
    let out = itsm(
        dir.path(),
        &[
            "approvals",
            "--base",
            "HEAD~1",
            "--reviews",
            file.to_str().unwrap(),
            "--author",
            "a",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not GitHub's list of reviews"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn nothing_to_approve_passes() {
    let (dir, _) = pull_request(&[("README.md", "# Notes\n")], &[]);
    let out = gate(dir.path(), &[], "author", "human");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("no record changed: no approval is required\n"));
}

#[test]
fn human_github_and_markdown_matrices() {
    let (dir, head) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let reviews = [
        review(1, "olga", "APPROVED", &head, T1),
        review(2, "dave", "CHANGES_REQUESTED", &head, T1),
    ];
    let human = gate(dir.path(), &reviews, "author", "human");
    assert_eq!(human.status.code(), Some(1));
    assert_eq!(
        stdout(&human),
        format!(
            "Approvals for the pull request by author at {}\n\
MISSING team:cab needs 1 approval: no approval yet; 1 approval missing; blocked: changes requested by dave\n          change:chg-db: normal change impacting ci:db, which tier-1 service:shop uses\n\
met     team:office needs 1 approval: approved by olga\n          change:chg-db: owner of the added record (no owner: admins)\n\
MISSING team:ops needs 1 approval: no approval yet; 1 approval missing\n          change:chg-db: normal change impacting ci:db (its owner)\n\
not approved: 1 of 3 requirements met\n",
            &head[..12]
        )
    );
    let gh = stdout(&gate(dir.path(), &reviews, "author", "github"));
    assert!(gh.starts_with("::error title=approval by cab::no approval yet; 1 approval missing; blocked: changes requested by dave (change:chg-db: normal change impacting ci:db, which tier-1 service:shop uses)\n::notice title=approval by office::approved by olga"), "{gh}");
    assert!(
        gh.ends_with("::error title=approval gate::not approved: 1 of 3 requirements met\n"),
        "{gh}"
    );
    let md = stdout(&gate(dir.path(), &reviews, "author", "markdown"));
    assert!(md.starts_with("<!-- itsm-approvals -->\n### ❌ Change approval: not met\n\n| Team | needs | why | approved by | missing |\n"), "{md}");
    assert!(md.contains("| ❌ `cab` | 1 | `change:chg-db`: normal change impacting ci:db, which tier-1 service:shop uses | — | 1 approval; changes requested by @dave |\n"), "{md}");
    assert!(md.contains("| ✅ `office` | 1 | `change:chg-db`: owner of the added record (no owner: admins) | @olga | — |\n"), "{md}");
}

// ---- Against a GitHub API served by wiremock on 127.0.0.1 ----

use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const TOKEN: &str = "ghp_TESTtokenThatMustNeverBePrinted0123";

use common::api::Api;

impl Api {
    /// Runs the gate online for pull request 7 of acme/itsm (from itsm.yaml).
    fn gate(&self, dir: &Path, extra: &[&str]) -> Output {
        let mut args = vec![
            "approvals",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--pr",
            "7",
            "--today",
            "2026-11-21",
        ];
        args.extend(extra);
        common::run(
            std::process::Command::new(env!("CARGO_BIN_EXE_itsm"))
                .args(&args)
                .current_dir(dir)
                .env("NO_COLOR", "1")
                .env("GITHUB_TOKEN", TOKEN)
                .env("GITHUB_API_URL", self.server.uri())
                .env("ITSM_GITHUB_MAX_WAIT", "0"),
        )
    }
}

/// A pull request object as GitHub returns it (the fields that matter, and some others).
fn pull(author: &str, head: &str) -> Value {
    json!({
        "url": "https://api.github.com/repos/acme/itsm/pulls/7",
        "id": 1,
        "node_id": "PR_1",
        "html_url": "https://github.com/acme/itsm/pull/7",
        "number": 7,
        "state": "open",
        "locked": false,
        "title": "Upgrade the database",
        "user": {"login": author, "id": 9, "type": "User", "site_admin": false},
        "body": "",
        "draft": false,
        "head": {"label": "acme:db", "ref": "db", "sha": head, "user": {"login": "acme", "id": 1}},
        "base": {"label": "acme:main", "ref": "main", "sha": "1111111111111111111111111111111111111111", "user": {"login": "acme", "id": 1}}
    })
}

fn reviews_mock(page: &str, body: Value) -> Mock {
    Mock::given(method("GET"))
        .and(path("/repos/acme/itsm/pulls/7/reviews"))
        .and(query_param("per_page", "100"))
        .and(query_param("page", page))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
}

fn pull_mock(head: &str) -> Mock {
    Mock::given(method("GET"))
        .and(path("/repos/acme/itsm/pulls/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pull("author", head)))
}

fn assert_no_token(out: &Output) {
    assert!(!stdout(out).contains(TOKEN) && !stderr(out).contains(TOKEN));
    assert!(!stderr(out).contains("TESTtoken"), "{}", stderr(out));
}

#[test]
fn online_reads_the_pull_request_and_every_page_of_reviews() {
    let (dir, head) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let api = Api::start();
    api.mount(pull_mock(&head));
    // A full first page (comments from a bot, olga and alice approving), then carol.
    let mut first: Vec<Value> = (0..98)
        .map(|i| review(100 + i, "bot", "COMMENTED", &head, T1))
        .collect();
    first.push(review(1, "olga", "APPROVED", &head, T1));
    first.push(review(2, "alice", "APPROVED", &head, T1));
    api.mount(reviews_mock("1", Value::Array(first)));
    api.mount(reviews_mock(
        "2",
        json!([review(3, "carol", "APPROVED", &head, T2)]),
    ));
    let out = api.gate(dir.path(), &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["pullRequest"], 7);
    assert_eq!(doc["author"], "author");
    assert_eq!(doc["requirements"][0]["approvedBy"], json!(["carol"]));
    assert_eq!(
        api.received(),
        [
            "GET /repos/acme/itsm/pulls/7",
            "GET /repos/acme/itsm/pulls/7/reviews?per_page=100&page=1",
            "GET /repos/acme/itsm/pulls/7/reviews?per_page=100&page=2",
        ]
    );
    let requests = api.rt.block_on(api.server.received_requests()).unwrap();
    let auth = requests[0]
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(auth, format!("Bearer {TOKEN}"));
    assert_no_token(&out);
}

#[test]
fn approvals_must_be_on_the_pull_requests_head() {
    let (dir, head) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let api = Api::start();
    // GitHub says the head is another commit: approvals of `head` are stale.
    let other = "2222222222222222222222222222222222222222";
    api.mount(pull_mock(other));
    api.mount(reviews_mock(
        "1",
        json!([
            review(1, "olga", "APPROVED", &head, T1),
            review(2, "alice", "APPROVED", other, T1),
        ]),
    ));
    let out = api.gate(dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["head"], other);
    assert_eq!(
        stderr(&out),
        format!(
            "note: the records are read at --head {head}; GitHub says the pull request's head is {other}, and approvals must be on that commit\n"
        )
    );
    assert_eq!(
        matrix(&doc)[1],
        (
            "office".into(),
            json!([]),
            json!([]),
            json!(["olga"]),
            1,
            false
        )
    );
    assert_eq!(
        matrix(&doc)[2],
        (
            "ops".into(),
            json!(["alice"]),
            json!([]),
            json!([]),
            0,
            true
        )
    );
}

#[test]
fn server_errors_and_secondary_rate_limits_are_retried() {
    let (dir, head) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let api = Api::start();
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/pulls/7"))
            .respond_with(ResponseTemplate::new(502).set_body_string("Bad gateway"))
            .up_to_n_times(1)
            .with_priority(1),
    );
    api.mount(pull_mock(&head).with_priority(2));
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/pulls/7/reviews"))
            .respond_with(
                ResponseTemplate::new(403)
                    .insert_header("retry-after", "0")
                    .set_body_json(json!({"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"})),
            )
            .up_to_n_times(2)
            .with_priority(1),
    );
    api.mount(
        reviews_mock("1", json!([review(1, "carol", "APPROVED", &head, T1)])).with_priority(2),
    );
    let out = api.gate(dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["requirements"][0]["approvedBy"], json!(["carol"]));
    assert_eq!(api.received().len(), 5);
}

#[test]
fn retries_exhausted_fail_closed_with_exit_2() {
    let (dir, _) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let api = Api::start();
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/pulls/7"))
            .respond_with(
                ResponseTemplate::new(503).set_body_json(json!({"message": "Service Unavailable"})),
            ),
    );
    let out = api.gate(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "error: GitHub answered 503 Service Unavailable to GET /repos/acme/itsm/pulls/7: Service Unavailable (gave up after 4 attempts)\n"
    );
    assert_eq!(api.received().len(), 4);
    assert_no_token(&out);
}

#[test]
fn a_refused_token_fails_at_once_without_showing_it() {
    let (dir, _) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let api = Api::start();
    api.mount(
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}))),
    );
    let out = api.gate(dir.path(), &["--comment", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: GitHub answered 401 Unauthorized to GET /repos/acme/itsm/pulls/7: Bad credentials (check that GITHUB_TOKEN is a valid token)\n"
    );
    assert_eq!(api.received().len(), 1);
    assert_no_token(&out);
}

#[test]
fn an_unreachable_api_fails_closed() {
    let (dir, _) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = common::run(
        std::process::Command::new(env!("CARGO_BIN_EXE_itsm"))
            .args(["approvals", "--base", "HEAD~1", "--pr", "7"])
            .current_dir(dir.path())
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_API_URL", format!("http://127.0.0.1:{port}"))
            .env("ITSM_GITHUB_MAX_WAIT", "0"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .starts_with("error: GitHub could not be reached (GET /repos/acme/itsm/pulls/7)"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).ends_with("(gave up after 4 attempts)\n"),
        "{}",
        stderr(&out)
    );
    assert_no_token(&out);
}

#[test]
fn no_token_no_pull_request() {
    let (dir, _) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let out = common::run(
        std::process::Command::new(env!("CARGO_BIN_EXE_itsm"))
            .args(["approvals", "--base", "HEAD~1", "--pr", "7"])
            .current_dir(dir.path())
            .env_remove("GITHUB_TOKEN"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("GITHUB_TOKEN is not set"),
        "{}",
        stderr(&out)
    );
    let out = itsm(dir.path(), &["approvals", "--base", "HEAD~1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pass --pr N"), "{}", stderr(&out));
}

#[test]
fn the_sticky_comment_is_created_once_then_updated() {
    let (dir, head) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let api = Api::start();
    api.mount(pull_mock(&head));
    api.mount(reviews_mock(
        "1",
        json!([review(1, "carol", "APPROVED", &head, T1)]),
    ));
    let comments = |body: Value| {
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/issues/7/comments"))
            .and(query_param("page", "1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
    };
    let other = json!({"id": 40, "body": "Looks good to me", "user": {"login": "carol"}, "html_url": "https://github.com/acme/itsm/pull/7#issuecomment-40"});
    // First run: no comment of ours yet.
    api.mount(
        comments(json!([other.clone()]))
            .up_to_n_times(1)
            .with_priority(1),
    );
    api.mount(
        Mock::given(method("POST"))
            .and(path("/repos/acme/itsm/issues/7/comments"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 55, "body": "<!-- itsm-approvals -->", "user": {"login": "github-actions[bot]"}})))
            .expect(1),
    );
    let first = api.gate(dir.path(), &["--comment"]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    // Second run: ours is there, so it is updated, not duplicated.
    api.mount(comments(json!([other, {"id": 55, "body": "<!-- itsm-approvals -->\nold", "user": {"login": "github-actions[bot]"}}])).with_priority(2));
    api.mount(
        Mock::given(method("PATCH"))
            .and(path("/repos/acme/itsm/issues/comments/55"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"id": 55, "body": "new"})),
            )
            .expect(1),
    );
    let second = api.gate(dir.path(), &["--comment"]);
    assert_eq!(second.status.code(), Some(1), "{}", stderr(&second));
    let requests = api.rt.block_on(api.server.received_requests()).unwrap();
    let writes: Vec<&wiremock::Request> = requests
        .iter()
        .filter(|r| r.method.as_str() != "GET")
        .collect();
    assert_eq!(writes.len(), 2);
    for w in &writes {
        let body: Value = serde_json::from_slice(&w.body).unwrap();
        let text = body["body"].as_str().unwrap();
        assert!(
            text.starts_with("<!-- itsm-approvals -->\n### ❌ Change approval: not met"),
            "{text}"
        );
    }
    api.rt.block_on(api.server.verify());
}

#[test]
fn github_enterprise_api_urls_keep_their_path() {
    let (dir, head) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let api = Api::start();
    api.mount(
        Mock::given(method("GET"))
            .and(path("/api/v3/repos/acme/itsm/pulls/7"))
            .respond_with(ResponseTemplate::new(200).set_body_json(pull("author", &head))),
    );
    api.mount(
        Mock::given(method("GET"))
            .and(path("/api/v3/repos/acme/itsm/pulls/7/reviews"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([]))),
    );
    let out = common::run(
        std::process::Command::new(env!("CARGO_BIN_EXE_itsm"))
            .args([
                "approvals",
                "--base",
                "HEAD~1",
                "--pr",
                "7",
                "--github",
                "acme/itsm",
                "--format",
                "json",
            ])
            .current_dir(dir.path())
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_API_URL", format!("{}/api/v3/", api.server.uri())),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        api.received(),
        [
            "GET /api/v3/repos/acme/itsm/pulls/7",
            "GET /api/v3/repos/acme/itsm/pulls/7/reviews?per_page=100&page=1",
        ]
    );
}

#[test]
fn a_config_change_needs_admins_and_takes_effect_only_after_merge() {
    // The pull request makes ops the CAB and ECAB: admins must approve, and the
    // Change is still judged with the CAB of base.
    let config =
        "name: Approvals fixture\ngithub: acme/itsm\nadmins: office\ncab: ops\necab: ops\n";
    let (dir, head) = pull_request(
        &[("itsm.yaml", config), ("changes/chg-db.yaml", CHG_DB)],
        &[],
    );
    let reviews = [
        review(1, "olga", "APPROVED", &head, T1),
        review(2, "alice", "APPROVED", &head, T1),
    ];
    let (code, doc) = gate_json(dir.path(), &reviews, "author");
    assert_eq!(code, Some(1));
    assert_eq!(
        matrix(&doc),
        vec![
            ("cab".into(), json!([]), json!([]), json!([]), 1, false),
            (
                "office".into(),
                json!(["olga"]),
                json!([]),
                json!([]),
                0,
                true
            ),
            (
                "ops".into(),
                json!(["alice"]),
                json!([]),
                json!([]),
                0,
                true
            ),
        ]
    );
    assert_eq!(
        doc["requirements"][1]["reasons"],
        json!([
            {"record": "change:chg-db", "why": "owner of the added record (no owner: admins)"},
            {"record": "itsm.yaml", "why": "the repository config changed (it names admins, cab and ecab)"}
        ])
    );
}
