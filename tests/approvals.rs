//! `itsm approvals`: the matrix in every format, shallow clones, and the gate
//! against a GitHub API served by wiremock on 127.0.0.1. Who must approve what
//! is tested as data in `tests/gate.rs`.

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
        "user": common::api::user(login, id + 1000),
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

const T1: &str = "2026-11-20T10:00:00Z";
const T2: &str = "2026-11-20T11:00:00Z";

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
        "user": common::api::user(author, 9),
        "body": "",
        "draft": false,
        "head": {"label": "acme:db", "ref": "db", "sha": head, "user": common::api::user("acme", 1)},
        "base": {"label": "acme:main", "ref": "main", "sha": "1111111111111111111111111111111111111111", "user": common::api::user("acme", 1)}
    })
}

fn reviews_mock(page: &str, body: Value) -> Mock {
    Mock::given(method("GET"))
        .and(path("/repos/acme/itsm/pulls/7/reviews"))
        .and(query_param("per_page", "100"))
        .and(query_param("page", page))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
}

/// Page `page` of `last` of the reviews, with GitHub's `Link` header.
fn reviews_page(api: &Api, page: u32, last: u32, body: Value) -> Mock {
    let url = format!("{}/repos/acme/itsm/pulls/7/reviews", api.server.uri());
    let answer = ResponseTemplate::new(200).set_body_json(body);
    Mock::given(method("GET"))
        .and(path("/repos/acme/itsm/pulls/7/reviews"))
        .and(query_param("per_page", "100"))
        .and(query_param("page", page.to_string()))
        .respond_with(answer.insert_header("link", common::api::link(&url, page, last)))
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
    api.mount(reviews_page(&api, 1, 2, Value::Array(first)));
    api.mount(reviews_page(
        &api,
        2,
        2,
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
fn a_head_on_github_other_than_the_commit_evaluated_fails_closed() {
    let (dir, head) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let api = Api::start();
    // GitHub says the head is another commit (pushed since): the records read
    // at `head` cannot be judged by the reviews of another commit.
    let other = "2222222222222222222222222222222222222222";
    api.mount(pull_mock(other));
    api.mount(reviews_mock(
        "1",
        json!([review(1, "olga", "APPROVED", other, T1)]),
    ));
    let out = api.gate(dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "error: GitHub says the head of pull request #7 is {other}, but the gate evaluated {head}: run it on the pull request's current head (check out that commit, or pass --head {other})\n"
        )
    );
    assert_eq!(api.received(), ["GET /repos/acme/itsm/pulls/7"]);
}

#[test]
fn a_shallow_clone_without_the_base_fails_closed_naming_the_fix() {
    let (dir, head) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let base = git2::Repository::open(dir.path())
        .unwrap()
        .find_commit(git2::Oid::from_str(&head).unwrap())
        .unwrap()
        .parent_id(0)
        .unwrap()
        .to_string();
    // What actions/checkout does by default: one commit, no history.
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    let git = common::run(
        std::process::Command::new("git")
            .args(["clone", "--quiet", "--depth", "1", &url])
            .arg(clone.path().join("repo")),
    );
    assert!(git.status.success(), "{}", stderr(&git));
    let repo = clone.path().join("repo");
    let reviews = repo.join("reviews.json");
    std::fs::write(&reviews, "[]").unwrap();
    let out = itsm(
        &repo,
        &[
            "approvals",
            "--base",
            &base,
            "--head",
            &head,
            "--reviews",
            reviews.to_str().unwrap(),
            "--author",
            "author",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).starts_with(&format!("error: cannot resolve revision `{base}`: ")),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).ends_with("; the repository is a shallow clone, which may lack this commit: fetch the whole history (`actions/checkout` with `fetch-depth: 0`, or `git fetch --unshallow`)\n"),
        "{}",
        stderr(&out)
    );
    // With the history, the same command decides.
    let out = itsm(
        dir.path(),
        &[
            "approvals",
            "--base",
            &base,
            "--head",
            &head,
            "--reviews",
            reviews.to_str().unwrap(),
            "--author",
            "author",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
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
    let bot = "github-actions[bot]";
    let other = common::api::comment(40, "Looks good to me", "carol");
    // First run: no comment of ours yet.
    api.mount(
        comments(json!([other.clone()]))
            .up_to_n_times(1)
            .with_priority(1),
    );
    api.mount(
        Mock::given(method("POST"))
            .and(path("/repos/acme/itsm/issues/7/comments"))
            .respond_with(
                ResponseTemplate::new(201).set_body_json(common::api::comment(
                    55,
                    "<!-- itsm-approvals -->",
                    bot,
                )),
            )
            .expect(1),
    );
    let first = api.gate(dir.path(), &["--comment"]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    // Second run: ours is there, so it is updated, not duplicated.
    let ours = common::api::comment(55, "<!-- itsm-approvals -->\nold", bot);
    api.mount(comments(json!([other, ours])).with_priority(2));
    api.mount(
        Mock::given(method("PATCH"))
            .and(path("/repos/acme/itsm/issues/comments/55"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(common::api::comment(55, "new", bot)),
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
fn protected_paths_when_the_root_is_a_folder_of_the_repository() {
    // The records live in itsm/; the workflows GitHub runs are at the top.
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new(FIXTURE), &dir.path().join("itsm"));
    write(
        dir.path(),
        &[(
            "itsm/itsm.yaml",
            "name: Approvals fixture\ngithub: acme/itsm\nadmins: office\ncab: cab\necab: ecab\nprotected: [scripts]\n",
        )],
    );
    let repo = git2::Repository::init(dir.path()).unwrap();
    commit_all(&repo, "base");
    write(
        dir.path(),
        &[
            (".github/workflows/itsm.yml", "on: pull_request\njobs: {}\n"),
            ("scripts/top.sh", "echo outside the root\n"),
            ("itsm/scripts/deploy.sh", "echo deploy\n"),
            ("itsm/theme/base.html", "<html></html>\n"),
            ("itsm/docs/notes.txt", "Notes.\n"),
        ],
    );
    commit_all(&repo, "head");
    let out = gate(&dir.path().join("itsm"), &[], "author", "json");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc["requirements"],
        json!([{"team": "office", "count": 1, "reasons": [
            {"record": ".github/workflows/itsm.yml", "why": "a protected file changed: `.github/` holds the workflows that run the gate"},
            {"record": "scripts/deploy.sh", "why": "a protected file changed: it matches `scripts` under `protected:` in itsm.yaml"},
            {"record": "theme/base.html", "why": "a protected file changed: `theme/` holds the templates and assets the site publishes"}
        ], "approvedBy": [], "changesRequestedBy": [], "staleApprovals": [], "missing": 1, "met": false}])
    );
}

#[test]
fn a_next_page_off_the_api_host_is_not_followed() {
    let (dir, head) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let api = Api::start();
    api.mount(pull_mock(&head));
    // A full first page whose `next` link leaves the API's host.
    let first: Vec<Value> = (0..100)
        .map(|i| review(100 + i, "bot", "COMMENTED", &head, T1))
        .collect();
    let elsewhere = "http://127.0.0.2:9/repos/acme/itsm/pulls/7/reviews";
    api.mount(
        Mock::given(method("GET"))
            .and(path("/repos/acme/itsm/pulls/7/reviews"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(Value::Array(first))
                    .insert_header("link", common::api::link(elsewhere, 1, 2)),
            ),
    );
    let out = api.gate(dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "error: GitHub's link to the next page of /repos/acme/itsm/pulls/7/reviews leaves {}/\n",
            api.server.uri()
        )
    );
    assert_no_token(&out);
}

#[test]
fn an_api_url_without_a_scheme_fails_closed() {
    let (dir, _) = pull_request(&[("changes/chg-db.yaml", CHG_DB)], &[]);
    let out = common::run(
        std::process::Command::new(env!("CARGO_BIN_EXE_itsm"))
            .args(["approvals", "--base", "HEAD~1", "--pr", "7"])
            .current_dir(dir.path())
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_API_URL", "localhost:8080"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: GITHUB_API_URL `localhost:8080` is not a URL\n"
    );
}
