//! `itsm intake`: GitHub `issues` `opened` events, shaped as GitHub documents
//! them (webhook payload of the `issues` event, with the body an issue form
//! renders), become records; anything else is refused and nothing is written.

mod common;

use common::{assert_has, files_under, itsm, stderr, stdout, valid_repo};
use serde_json::{Value, json};
use std::path::Path;

const DESK: &str = "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: desk\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 3\n  sla: gold\n  requests:\n    - {id: laptop, title: A new laptop, fulfilment: 3d}\n";

/// An `issues` event as GitHub sends it (webhook payload, trimmed of nothing
/// that matters: every field of the documented `issue` object is here).
fn event(action: &str, label: &str, title: &str, body: &str) -> Value {
    let user = json!({
        "login": "octocat", "id": 1, "node_id": "MDQ6VXNlcjE=", "avatar_url": "https://github.com/images/error/octocat_happy.gif",
        "gravatar_id": "", "url": "https://api.github.com/users/octocat", "html_url": "https://github.com/octocat",
        "type": "User", "site_admin": false
    });
    json!({
        "action": action,
        "issue": {
            "url": "https://api.github.com/repos/acme/itsm/issues/42",
            "repository_url": "https://api.github.com/repos/acme/itsm",
            "labels_url": "https://api.github.com/repos/acme/itsm/issues/42/labels{/name}",
            "comments_url": "https://api.github.com/repos/acme/itsm/issues/42/comments",
            "events_url": "https://api.github.com/repos/acme/itsm/issues/42/events",
            "html_url": "https://github.com/acme/itsm/issues/42",
            "id": 1_347_000_042u64, "node_id": "MDU6SXNzdWUxMzQ3", "number": 42, "title": title,
            "user": user,
            "labels": [{"id": 208_045_946, "node_id": "MDU6TGFiZWwyMDgwNDU5NDY=", "url": "https://api.github.com/repos/acme/itsm/labels/x",
                        "name": label, "description": "", "color": "f29513", "default": false}],
            "state": "open", "locked": false, "assignee": null, "assignees": [], "milestone": null, "comments": 0,
            "created_at": "2026-11-21T08:15:00Z", "updated_at": "2026-11-21T08:15:00Z", "closed_at": null,
            "author_association": "MEMBER", "active_lock_reason": null, "body": body,
            "reactions": {"url": "https://api.github.com/repos/acme/itsm/issues/42/reactions", "total_count": 0},
            "timeline_url": "https://api.github.com/repos/acme/itsm/issues/42/timeline",
            "performed_via_github_app": null, "state_reason": null
        },
        "repository": {"id": 1_296_269, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": "itsm", "full_name": "acme/itsm", "private": true, "owner": user},
        "sender": user
    })
}

const INCIDENT_BODY: &str = "### Service\n\nshop\n\n### Priority\n\np2\n\n### Impact\n\ndegraded\n\n### Started\n\n2026-11-21T08:10:00Z\n\n### What happened\n\nCheckout is slow.\r\nSome payments time out.";

fn intake(dir: &Path, event: &Value) -> std::process::Output {
    let file = dir.join("event.json");
    std::fs::write(&file, serde_json::to_vec(event).unwrap()).unwrap();
    let out = itsm(dir, &["intake", "--event", file.to_str().unwrap()]);
    std::fs::remove_file(&file).unwrap();
    out
}

fn clean(dir: &Path) {
    let out = itsm(dir, &["check", "--today", "2026-11-21", "--format", "json"]);
    assert_eq!(
        common::json(&out)["diagnostics"],
        json!([]),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_incident_form_issue_becomes_an_incident_record() {
    let dir = valid_repo(&[]);
    let out = intake(
        dir.path(),
        &event("opened", "itsm:incident", "Checkout slow", INCIDENT_BODY),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "incidents/inc-2026-1121-gh42.md\n");
    let text = std::fs::read_to_string(dir.path().join("incidents/inc-2026-1121-gh42.md")).unwrap();
    assert_has(
        &text,
        "  priority: p2\n  services: [shop]\n  started: \"2026-11-21T08:10:00Z\"\n  impact: degraded\n  status: open\n",
    );
    assert_has(
        &text,
        "    - {title: \"GitHub issue #42\", url: \"https://github.com/acme/itsm/issues/42\"}",
    );
    assert_has(
        &text,
        "# Checkout slow\n\nCheckout is slow.\nSome payments time out.\n\nOpened by @octocat as GitHub issue #42.\n",
    );
    clean(dir.path());
    // The same issue again: the record exists, nothing is written.
    let out = intake(
        dir.path(),
        &event("opened", "itsm:incident", "Checkout slow", INCIDENT_BODY),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_has(&stderr(&out), "incident:inc-2026-1121-gh42 exists already");
}

#[test]
fn a_request_form_issue_becomes_a_request_record() {
    let dir = valid_repo(&[("services/desk.yaml", DESK)]);
    let body = "### Request\n\ndesk / laptop: A new laptop\n\n### Details\n\n_No response_";
    let out = intake(
        dir.path(),
        &event("opened", "itsm:request", "Laptop for Ana", body),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("requests/req-2026-1121-gh42.md")).unwrap();
    assert_has(
        &text,
        "  service: desk\n  offering: laptop\n  requestedBy: octocat\n  requested: \"2026-11-21T08:15:00Z\"\n  status: open\n",
    );
    clean(dir.path());
}

#[test]
fn issues_that_do_not_parse_are_refused_and_nothing_is_written() {
    let dir = valid_repo(&[("services/desk.yaml", DESK)]);
    let before = files_under(dir.path()).len();
    let cases = [
        (
            event("edited", "itsm:incident", "t", INCIDENT_BODY),
            "not `opened`",
        ),
        (
            event("opened", "bug", "t", INCIDENT_BODY),
            "not opened from an itsm form",
        ),
        (
            event(
                "opened",
                "itsm:incident",
                "t",
                &INCIDENT_BODY.replace("shop", "nope"),
            ),
            "`nope` is no Service",
        ),
        (
            event(
                "opened",
                "itsm:incident",
                "t",
                &INCIDENT_BODY.replace("\n\np2", "\n\nurgent"),
            ),
            "`urgent` is not a valid Priority",
        ),
        (
            event(
                "opened",
                "itsm:incident",
                "t",
                &INCIDENT_BODY.replace("2026-11-21T08:10:00Z", "this morning"),
            ),
            "write an RFC 3339 instant",
        ),
        (
            event("opened", "itsm:incident", "t", "### Service\n\nshop"),
            "the issue has no `Priority`",
        ),
        (
            event(
                "opened",
                "itsm:request",
                "t",
                "### Request\n\ndesk / printer: A printer",
            ),
            "service:desk offers no request `printer`",
        ),
        (
            event(
                "opened",
                "itsm:request",
                "t",
                "### Request\n\n../../etc / passwd",
            ),
            "is not a valid Request",
        ),
        (
            json!({"zen": "Keep it logically awesome."}),
            "not JSON of a GitHub `issues` event",
        ),
    ];
    for (event, why) in &cases {
        let out = intake(dir.path(), event);
        assert_eq!(out.status.code(), Some(2), "{why}: {}", stdout(&out));
        assert_has(&stderr(&out), why);
        assert_has(&stderr(&out), "refused");
    }
    let huge = dir.path().join("huge.json");
    std::fs::write(
        &huge,
        vec![b' '; (itsm::intake::MAX_EVENT_BYTES + 1) as usize],
    )
    .unwrap();
    let out = itsm(dir.path(), &["intake", "--event", huge.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_has(&stderr(&out), "larger than");
    std::fs::remove_file(&huge).unwrap();
    assert_eq!(files_under(dir.path()).len(), before);
}

#[test]
fn hostile_text_stays_text_in_the_record_and_the_log() {
    let dir = valid_repo(&[]);
    let title = "x\"\n---\nkind: Team\u{1b}[31m\u{202e}";
    let body = INCIDENT_BODY.replace(
        "Checkout is slow.",
        "\u{1b}]0;pwned\u{7}<script>alert(1)</script>\n---\nspec: {}",
    );
    let out = intake(dir.path(), &event("opened", "itsm:incident", title, &body));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("incidents/inc-2026-1121-gh42.md")).unwrap();
    assert!(!text.contains('\u{1b}'), "{text}");
    assert_has(
        &text,
        "  title: \"x\\\"\\n---\\nkind: Team\\u001b[31m\\u202e\"\n",
    );
    clean(dir.path());
    // A refusal prints the value escaped.
    let evil = INCIDENT_BODY.replace("shop", "::error::x\u{1b}[2J");
    let out = intake(dir.path(), &event("opened", "itsm:incident", "t", &evil));
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains('\u{1b}'), "{}", stderr(&out));
}

#[test]
fn the_forms_offer_the_services_and_offerings_of_the_catalogue() {
    let retired = "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: old\nspec:\n  owner: ops\n  lifecycle: retired\n  tier: 4\n";
    let dir = valid_repo(&[("services/desk.yaml", DESK), ("services/old.yaml", retired)]);
    let out = itsm(dir.path(), &["intake", "--write-forms"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "wrote .github/ISSUE_TEMPLATE/itsm-incident.yml\nwrote .github/ISSUE_TEMPLATE/itsm-request.yml\n"
    );
    let incident =
        std::fs::read_to_string(dir.path().join(".github/ISSUE_TEMPLATE/itsm-incident.yml"))
            .unwrap();
    assert_has(
        &incident,
        "      label: Service\n      description: The affected service.\n      options:\n        - \"desk\"\n        - \"shop\"\n    validations:",
    );
    assert!(
        !incident.contains("\"old\""),
        "a retired Service takes no incidents"
    );
    let request =
        std::fs::read_to_string(dir.path().join(".github/ISSUE_TEMPLATE/itsm-request.yml"))
            .unwrap();
    assert_has(&request, "        - \"desk / laptop: A new laptop\"\n");
    assert_has(&request, "labels: [\"itsm:request\"]");
    // Each form is valid YAML, and the body GitHub would render from it parses back.
    for text in [&incident, &request] {
        let (docs, error) = itsm::load::yaml::parse(text);
        assert!(error.is_none() && docs.len() == 1, "{text}");
    }
}
