//! Record pages of the default theme are written without the template engine
//! (`site::native`), as `record.html` and `base.html` would write them. Here a
//! generated repository sets every field of every kind's schema and reaches
//! every branch of the two templates; its site is rendered both ways (natively,
//! and by minijinja from a copy of the templates in `theme/`) and must come out
//! byte for byte the same. That every branch is reached is checked, not
//! assumed: the templates are rendered once more with a marker in each branch.

mod common;

use itsm::diag::Counts;
use itsm::load::Source;
use itsm::pipeline::{self, Checked};
use itsm::site::Options;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;

const TODAY: (i16, i8, i8) = (2026, 11, 21);

/// Branches no record reaches, and why; the test fails if one is reached
/// (then it is checked like the others: take it off this list).
const UNREACHABLE: &[(&str, &str)] = &[
    (
        "base.html:20 if site.management else",
        "the corpus holds management-system records; without them the layout has no link to \
         the management system page, rendered by minijinja for native pages too (tests/site.rs)",
    ),
    (
        "record.html:19 if a.target else",
        "an availability always has the SLA's target",
    ),
];

#[test]
fn native_record_pages_are_what_the_templates_give_for_every_branch() {
    let repo = tempfile::tempdir().unwrap();
    write_corpus(repo.path());
    let mut pages = Vec::new();
    for github in [true, false] {
        let checked = check(repo.path(), github);
        // Built from a commit or not, with the repository on GitHub or not.
        let commit = github.then_some("abc1234");
        for live_reload in [false, true] {
            let native = render(&checked, None, live_reload, commit);
            let theme = templates(|_, text| text.to_string());
            let templated = render(&checked, Some(theme.path()), live_reload, commit);
            same_sites(&native, &templated, github, live_reload);
            let theme = templates(instrument);
            pages.extend(render(&checked, Some(theme.path()), live_reload, commit));
        }
    }
    let seen: String = pages
        .iter()
        .map(|f| String::from_utf8_lossy(&f.bytes))
        .collect();
    every_branch_reached(&seen);
}

#[test]
fn the_corpus_sets_every_field_of_every_schema() {
    let mut missing = Vec::new();
    for kind in KINDS {
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schemas/{kind}.schema.json")),
            )
            .unwrap(),
        )
        .unwrap();
        let mut wanted = BTreeSet::new();
        schema_paths(&schema, &schema, "", &mut wanted);
        assert!(wanted.contains("/spec/body"), "{kind}: {wanted:?}");
        let mut set = BTreeSet::new();
        for (_, record) in corpus().iter().filter(|(p, _)| kind_of(p) == kind) {
            value_paths(record, "", &mut set);
        }
        missing.extend(wanted.difference(&set).map(|p| format!("{kind}: {p}")));
    }
    assert!(
        missing.is_empty(),
        "no record of the corpus sets these fields: add them to corpus() in tests/site_native.rs\n{}",
        missing.join("\n")
    );
}

/// The kinds, as their schema files and folders are named.
const KINDS: [&str; 19] = [
    "team",
    "service",
    "sla",
    "ci",
    "supplier",
    "policy",
    "standard-change",
    "change",
    "incident",
    "problem",
    "objective",
    "risk",
    "audit",
    "management-review",
    "improvement",
    "framework",
    "release",
    "customer",
    "request",
];

fn kind_of(path: &str) -> &str {
    path.split('/').next().unwrap_or("")
}

/// Checks the corpus in `repo`, with or without a GitHub repository in itsm.yaml.
fn check(repo: &Path, github: bool) -> Checked {
    let config = "name: Corpus <&> \"site\"\nadmins: ops\ncab: ops\necab: ops\n";
    let config = if github {
        format!("{config}github: owner/corpus\n")
    } else {
        config.to_string()
    };
    std::fs::write(repo.join("itsm.yaml"), config).unwrap();
    let (y, m, d) = TODAY;
    let options = itsm::checks::Options {
        today: jiff::civil::date(y, m, d),
    };
    let checked = pipeline::check(repo, &Source::WorkTree, options).unwrap();
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == itsm::diag::Severity::Error)
        .map(|d| format!("{}: {}", d.code.as_str(), d.message))
        .collect();
    assert_eq!(
        Counts::of(&checked.diagnostics).errors,
        0,
        "the corpus has errors:\n{}",
        errors.join("\n")
    );
    checked
}

fn render(
    checked: &Checked,
    theme: Option<&Path>,
    live_reload: bool,
    commit: Option<&str>,
) -> Vec<itsm::site::File> {
    let (y, m, d) = TODAY;
    let options = Options {
        today: jiff::civil::date(y, m, d),
        theme: theme.map(Path::to_path_buf),
        live_reload,
        commit: commit.map(str::to_string),
        evidence: Default::default(),
        github_url: itsm::github::DEFAULT_SERVER_URL.into(),
    };
    itsm::site::render(&checked.catalog, &checked.diagnostics, &options).unwrap()
}

/// A theme folder with `record.html` and `base.html`, as `edit` makes them from the defaults.
fn templates(edit: impl Fn(&str, &str) -> String) -> tempfile::TempDir {
    let theme = tempfile::tempdir().unwrap();
    for (name, text) in itsm::site::theme::TEMPLATES {
        if ["base.html", "record.html"].contains(name) {
            std::fs::write(theme.path().join(name), edit(name, text)).unwrap();
        }
    }
    theme
}

fn same_sites(
    native: &[itsm::site::File],
    templated: &[itsm::site::File],
    github: bool,
    live_reload: bool,
) {
    assert_eq!(native.len(), templated.len());
    for (n, t) in native.iter().zip(templated) {
        assert_eq!(n.path, t.path);
        assert!(
            n.bytes == t.bytes,
            "{} (github: {github}, live reload: {live_reload}): the native page differs from record.html's: update src/site/native.rs\n{}",
            n.path,
            first_difference(&n.bytes, &t.bytes)
        );
    }
}

/// Where two texts part, with some context.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let from = at.saturating_sub(200);
    let show = |t: &[u8]| String::from_utf8_lossy(&t[from..(at + 200).min(t.len())]).into_owned();
    format!("native:\n{}\n--- template:\n{}", show(a), show(b))
}

fn every_branch_reached(seen: &str) {
    let mut expected = Vec::new();
    for (name, text) in itsm::site::theme::TEMPLATES {
        if ["base.html", "record.html"].contains(name) {
            expected.extend(branches(name, text));
        }
    }
    assert!(expected.len() > 20, "{expected:?}");
    let unreachable: Vec<&str> = UNREACHABLE.iter().map(|(b, _)| *b).collect();
    let mut missed = Vec::new();
    for branch in &expected {
        let reached = seen.contains(&marker(branch));
        if unreachable.contains(&branch.as_str()) {
            assert!(!reached, "{branch} is reached now: take it off UNREACHABLE");
        } else if !reached {
            missed.push(branch.as_str());
        }
    }
    assert!(
        missed.is_empty(),
        "no page of the corpus reaches these branches of the templates: add records that do (tests/site_native.rs)\n{}",
        missed.join("\n")
    );
    for u in &unreachable {
        assert!(expected.iter().any(|b| b == u), "{u} is no branch");
    }
}

// ---- the branches of a template ---------------------------------------------

/// A tag of a template (`{% ... %}`): where it ends in the text, its line,
/// its keyword and its text.
struct Tag<'t> {
    end: usize,
    line: usize,
    keyword: &'t str,
    text: &'t str,
}

fn tags(text: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = text[at..].find("{%").map(|s| s + at) {
        let end = text[start..].find("%}").map(|e| e + start + 2).unwrap();
        let inner = text[start + 2..end - 2].trim_matches(|c: char| c == '-' || c == ' ');
        out.push(Tag {
            end,
            line: text[..start].matches('\n').count() + 1,
            keyword: inner.split_whitespace().next().unwrap_or(""),
            text: inner,
        });
        at = end;
    }
    out
}

/// The names of the branches of template `name`: each `if`, `elif` and
/// `else` (an `if` without one has an implicit `else`), each `for` body.
fn branches(name: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    instrument_with(name, text, &mut |b| out.push(b.to_string()));
    out
}

/// Template `name` with a marker at the start of each branch.
fn instrument(name: &str, text: &str) -> String {
    instrument_with(name, text, &mut |_| {})
}

fn marker(branch: &str) -> String {
    format!("<!--branch {branch}-->")
}

/// Adds the markers; `found` hears each branch.
fn instrument_with(name: &str, text: &str, found: &mut dyn FnMut(&str)) -> String {
    // Open tags: the branch name of the `if` or `for`, and whether it has an `else`.
    let mut open: Vec<(String, bool)> = Vec::new();
    let mut out = String::new();
    let mut copied = 0;
    for tag in tags(text) {
        let branch = match tag.keyword {
            "if" | "for" => {
                let b = format!("{name}:{} {}", tag.line, tag.text);
                open.push((b.clone(), false));
                Some(b)
            }
            "elif" => open.last().map(|(b, _)| format!("{b} {}", tag.text)),
            "else" => open.last_mut().map(|(b, has_else)| {
                *has_else = true;
                format!("{b} else")
            }),
            "endif" | "endfor" => {
                let (b, has_else) = open.pop().unwrap();
                if !has_else && tag.keyword == "endif" {
                    let start = text[..tag.end].rfind("{%").unwrap();
                    out.push_str(&text[copied..start]);
                    copied = start;
                    let implicit = format!("{b} else");
                    found(&implicit);
                    out.push_str(&format!("{{% else %}}{}", marker(&implicit)));
                }
                None
            }
            _ => None,
        };
        out.push_str(&text[copied..tag.end]);
        copied = tag.end;
        if let Some(b) = branch {
            found(&b);
            out.push_str(&marker(&b));
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn schema_paths(root: &Value, schema: &Value, at: &str, out: &mut BTreeSet<String>) {
    let schema = resolve(root, schema);
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            let path = format!("{at}/{k}");
            out.insert(path.clone());
            schema_paths(root, v, &path, out);
        }
    }
    if let Some(items) = schema.get("items") {
        schema_paths(root, items, &format!("{at}[]"), out);
    }
}

fn resolve<'s>(root: &'s Value, schema: &'s Value) -> &'s Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => root.pointer(r.trim_start_matches('#')).unwrap_or(schema),
        None => schema,
    }
}

fn value_paths(v: &Value, at: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let path = format!("{at}/{k}");
                out.insert(path.clone());
                value_paths(v, &path, out);
            }
        }
        Value::Array(items) => {
            for i in items {
                value_paths(i, &format!("{at}[]"), out);
            }
        }
        _ => {}
    }
}

// ---- the corpus ---------------------------------------------------------------

/// Writes the corpus under `root` (JSON is YAML); one record as Markdown with front matter.
fn write_corpus(root: &Path) {
    for (path, record) in corpus() {
        let file = root.join(&path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let mut record = record.clone();
        let body = match path.ends_with(".md") {
            true => record["spec"].as_object_mut().unwrap().remove("body"),
            false => None,
        };
        let text = serde_json::to_string_pretty(&record).unwrap();
        let text = match body {
            Some(body) => format!("---\n{text}\n---\n{}\n", body.as_str().unwrap()),
            None => text,
        };
        std::fs::write(file, text).unwrap();
    }
}

/// A record: its file (under its kind's folder) and its content.
fn record(kind: &str, metadata: Value, spec: Value) -> (String, Value) {
    let name = metadata["name"].as_str().unwrap();
    let path = format!(
        "{}/{name}.yaml",
        kind.to_lowercase()
            .replace("standardchange", "standard-change")
            .replace("managementreview", "management-review")
    );
    let record = json!({"apiVersion": "itsm/v1", "kind": kind, "metadata": metadata, "spec": spec});
    (path, record)
}

/// Metadata with every field, and text that must be escaped.
fn full_metadata(name: &str, title: &str) -> Value {
    json!({
        "name": name,
        "title": title,
        "description": format!("{title}: <b>bold</b> & \"quoted\" 'text'"),
        "labels": {"tier-note": "a<b & \"c\"", "zone": "eu"},
        "annotations": {"example.org/ticket": "<i>T-1</i>", "example.org/empty": ""},
        "links": [
            {"title": "Runbook <1>", "url": "https://example.org/run?a=1&b=2"},
            {"title": "Not a link", "url": "https:no-slashes"},
            {"title": "Mail", "url": "mailto:ops@example.org"}
        ]
    })
}

const BODY: &str = "# Notes\n\nSee [the shop](service:shop), [nothing](service:none) and <script>x</script> **bold**.\n";

fn corpus() -> Vec<(String, Value)> {
    let mut out = vec![
        record(
            "Team",
            full_metadata("ops", "Operations & <Co>"),
            json!({
                "members": [{"login": "octocat", "name": "Octo Cat", "email": "o@example.org", "role": "lead"}, {"login": "hubot"}],
                "githubTeam": "owner/ops", "email": "ops@example.org", "chat": "#ops",
                "budget": {"amount": 5000, "currency": "EUR", "per": "month"}, "body": BODY
            }),
        ),
        record(
            "Team",
            json!({"name": "min", "description": "", "labels": {"only": "labels"}}),
            json!({"members": [{"login": "min-user"}]}),
        ),
        record(
            "SLA",
            full_metadata("gold", "Gold"),
            json!({
                "owner": "ops", "customer": "retail", "availability": 99.95, "window": "monthly",
                "supportHours": "24x7", "response": {"p1": "15m", "p2": "30m", "p3": "4h", "p4": "1d"},
                "resolution": {"p1": "4h", "p2": "8h", "p3": "3d", "p4": "10d"}, "effective": "2025-01-01",
                "lastReviewed": "2026-01-10", "reviewEvery": "12mo", "body": BODY
            }),
        ),
        record(
            "SLA",
            json!({"name": "bronze"}),
            json!({
                "owner": "ops", "customer": "customer:cust-min", "availability": 99.5, "window": "quarterly", "supportHours": "business"
            }),
        ),
        record(
            "Service",
            full_metadata("shop", "Shop"),
            json!({
                "owner": "team:ops", "lifecycle": "production", "tier": 1, "type": "business", "sla": "gold",
                "dependsOn": ["core", "back"], "cis": ["web"], "suppliers": ["acme"], "customers": ["retail", "customer:cust-min"],
                "support": {"hours": "24x7", "channel": "#shop", "escalation": "on-call"},
                "continuity": {"rto": "4h", "rpo": "15m", "plan": "Fail over to *DR*", "testEvery": "6mo",
                    "tests": [{"date": "2026-05-20", "result": "partial", "rtoAchieved": "5h", "rpoAchieved": "10m", "notes": "Slow <DNS>"}]},
                "capacity": [{"metric": "storage", "unit": "GB", "limit": 500, "current": 310, "measured": "2026-11-01",
                    "threshold": 75, "forecast": [{"date": "2027-03-01", "value": 420}]}],
                "cost": {"amount": 1200.5, "currency": "EUR", "per": "month"},
                "budget": {"amount": 20000, "currency": "EUR", "per": "year"},
                "requests": [{"id": "api-key", "title": "New <API> key", "fulfilment": "1d", "approval": "ops"}],
                "body": BODY
            }),
        ),
        record(
            "Service",
            json!({"name": "core", "annotations": {"only": "annotations"}}),
            json!({"owner": "ops", "lifecycle": "development", "tier": 2}),
        ),
        record(
            "Service",
            json!({"name": "back", "title": "Back office"}),
            json!({"owner": "min", "lifecycle": "production", "tier": 3, "sla": "bronze", "type": "technical"}),
        ),
        record(
            "CI",
            full_metadata("web", "Web"),
            json!({
                "owner": "ops", "type": "application", "environment": "production", "lifecycle": "active",
                "dependsOn": ["db"], "supplier": "acme", "expires": "2027-06-30",
                "attributes": {"version": "1.2", "replicas": 3, "public": true, "note": "<y>"},
                "capacity": [{"metric": "cpu", "unit": "<cores>", "limit": 8, "current": 7, "measured": "2026-11-01",
                    "threshold": 90, "forecast": [{"date": "2027-01-01", "value": 8}]}],
                "cost": {"amount": 300, "currency": "USD", "per": "month"}, "body": BODY
            }),
        ),
        record(
            "CI",
            json!({"name": "db"}),
            json!({"owner": "ops", "type": "database", "environment": "production"}),
        ),
        record(
            "Supplier",
            full_metadata("acme", "Acme"),
            json!({
                "owner": "ops", "contract": {"reference": "C-1", "start": "2025-01-01", "end": "2027-12-31",
                "lastReviewed": "2025-12-01", "reviewEvery": "12mo",
                "cost": {"amount": 24000, "currency": "EUR", "per": "year"}}, "provides": ["hosting", "<support>"],
                "contact": "acme@example.org", "body": BODY
            }),
        ),
        record("Supplier", json!({"name": "tiny"}), json!({"owner": "ops"})),
    ];
    out.extend(process_records());
    out.extend(management_records());
    out.extend(long_lists());
    out
}

/// Policies, standard changes, changes, incidents and problems.
fn process_records() -> Vec<(String, Value)> {
    let mut policy = record(
        "Policy",
        full_metadata("change-policy", "Change policy"),
        json!({
            "owner": "ops", "clauses": ["8.5.1", "8.5.1.1"], "requirements": ["iso20000-1:9.2", "ctl:C1"],
            "approver": "min", "effective": "2025-01-01",
            "lastReviewed": "2025-12-01", "reviewEvery": "12mo",
            "rules": [
                {"id": "tier-one", "kind": "Service", "when": "spec.tier == 1", "assert": "has(spec.sla)",
                 "severity": "warning", "message": "tier 1 <needs> an SLA", "approve": {"team": "ops", "count": 1}},
                {"id": "plain", "kind": "Change", "assert": "true"}
            ],
            "body": BODY
        }),
    );
    policy.0 = "policy/change-policy.md".into();
    vec![
        policy,
        record(
            "Policy",
            json!({"name": "min-policy"}),
            json!({"owner": "ops", "clauses": ["4"]}),
        ),
        record(
            "StandardChange",
            full_metadata("patch", "Patch"),
            json!({
                "owner": "ops", "maxRisk": "medium", "appliesTo": ["application", "shop"], "body": BODY
            }),
        ),
        record(
            "Change",
            full_metadata("chg-full", "Full change"),
            json!({
                "type": "standard", "risk": "low", "impacts": ["service:shop", "ci:web"], "requestedBy": "octocat",
                "window": {"start": "2026-12-01T22:00:00Z", "end": "2026-12-01T23:00:00Z"}, "status": "scheduled",
                "standardChange": "patch", "plan": "1. **Stop**\n2. <b>Patch</b>", "backout": "Roll *back*",
                "review": {"date": "2026-12-02", "outcome": "successful", "notes": "Went **well**, see [web](ci:web)"},
                "incidents": ["inc-full"], "problems": ["prb-full"], "body": BODY
            }),
        ),
        record(
            "Change",
            json!({"name": "chg-min"}),
            json!({
                "type": "normal", "risk": "medium", "impacts": ["service:core"], "requestedBy": "hubot",
                "backout": "Revert"
            }),
        ),
        record(
            "Incident",
            full_metadata("inc-full", "Shop down"),
            json!({
                "priority": "p1", "services": ["shop"], "started": "2026-11-10T10:00:00Z",
                "resolved": "2026-11-10T12:00:00Z", "impact": "outage", "status": "closed", "problem": "prb-full", "body": BODY
            }),
        ),
        record(
            "Incident",
            json!({"name": "inc-two"}),
            json!({
                "priority": "p2", "services": ["shop"], "started": "2026-11-12T10:00:00Z",
                "resolved": "2026-11-12T10:30:00Z", "impact": "outage", "status": "resolved"
            }),
        ),
        record(
            "Incident",
            json!({"name": "inc-min"}),
            json!({
                "priority": "p4", "services": ["core"], "started": "2026-11-13T10:00:00Z", "impact": "none"
            }),
        ),
        record(
            "Problem",
            full_metadata("prb-full", "Shop problem"),
            json!({
                "owner": "ops", "status": "known-error", "incidents": ["inc-full", "inc-two"],
                "workaround": "Restart *it*", "fix": "chg-full", "body": BODY
            }),
        ),
        record(
            "Problem",
            json!({"name": "prb-min"}),
            json!({"owner": "ops", "status": "open"}),
        ),
    ]
}

/// One record of each kind of the management system with every field, and
/// one with the fewest.
fn management_records() -> Vec<(String, Value)> {
    vec![
        record(
            "Objective",
            full_metadata("mttr", "P1 <MTTR>"),
            json!({
                "owner": "ops", "measure": {"metric": "p1-mttr", "unit": "hours", "target": 4, "direction": "at-most"},
                "due": "2026-12-31", "status": "on-track", "services": ["shop"],
                "results": [{"date": "2026-09-30", "value": 5.5}, {"date": "2026-10-31", "value": 3.5}], "body": BODY
            }),
        ),
        record(
            "Objective",
            json!({"name": "obj-min"}),
            json!({"owner": "ops", "measure": {"metric": "nps", "target": 40, "direction": "at-least"}}),
        ),
        record(
            "Risk",
            full_metadata("dc-loss", "Loss of a <data centre>"),
            json!({
                "owner": "ops", "likelihood": 2, "impact": 5, "treatment": "mitigate",
                "affects": ["service:shop", "ci:web", "supplier:acme"], "actions": ["improvement:imp-full", "change:chg-full"],
                "acceptedBy": "min", "residual": {"likelihood": 1, "impact": 4}, "status": "treated",
                "lastReviewed": "2026-06-01", "reviewEvery": "12mo", "body": BODY
            }),
        ),
        record(
            "Risk",
            json!({"name": "risk-min"}),
            json!({"owner": "ops", "likelihood": 1, "impact": 1, "treatment": "accept"}),
        ),
        record(
            "Audit",
            full_metadata("audit-full", "Internal audit <2026>"),
            json!({
                "type": "internal", "status": "done", "date": "2026-10-01",
                "scope": {"requirements": ["8.5.1", "iso20000-1:9.2"], "services": ["shop"]},
                "auditors": ["zed"], "auditees": ["min"],
                "findings": [{"id": "F1", "type": "minor", "requirement": "8.5.1", "records": ["change:chg-min"], "text": "No <review>"}],
                "body": BODY
            }),
        ),
        record(
            "Audit",
            json!({"name": "audit-min"}),
            json!({"type": "external", "status": "planned", "date": "2027-02-01", "scope": {"requirements": ["4"]}, "auditors": ["zed"]}),
        ),
        record(
            "ManagementReview",
            full_metadata("mr-full", "Management review"),
            json!({
                "date": "2026-11-01", "status": "held", "attendees": ["octocat", "hubot"],
                "inputs": [{"topic": "risks", "notes": "Two *new*"}], "decisions": "Fund <DR>",
                "actions": ["imp-full"], "body": BODY
            }),
        ),
        record(
            "ManagementReview",
            json!({"name": "mr-min"}),
            json!({"date": "2027-05-01", "status": "planned", "attendees": ["octocat"]}),
        ),
        record(
            "Improvement",
            full_metadata("imp-full", "Review emergency changes"),
            json!({
                "owner": "ops", "type": "corrective-action", "source": ["audit:audit-full#F1", "incident:inc-full"],
                "status": "verified", "due": "2026-11-15", "rootCause": "Nobody *owned* it", "actions": "Assign <owner>",
                "changes": ["chg-full"], "closed": "2026-11-10",
                "verification": {"date": "2026-11-20", "by": "hubot", "effective": true, "notes": "Checked **two**"},
                "body": BODY
            }),
        ),
        record(
            "Improvement",
            json!({"name": "imp-min"}),
            json!({"owner": "ops", "type": "improvement", "status": "open"}),
        ),
        record(
            "Framework",
            full_metadata("ctl", "Controls <v1>"),
            json!({
                "owner": "ops", "title": "In-house <controls>",
                "requirements": [{"id": "C", "title": "All"}, {"id": "C1", "title": "First", "parent": "C"}],
                "evidence": [{"requirement": "C1", "kind": "Incident", "where": "self.spec.priority == 'p1'", "within": "12mo", "what": "P1 <incidents>"}],
                "mappings": [{"requirement": "C1", "to": "iso20000-1:8.6.1"}], "body": BODY
            }),
        ),
        record(
            "Framework",
            json!({"name": "fw-min"}),
            json!({"owner": "ops", "title": "Min", "requirements": [{"id": "R", "title": "R"}]}),
        ),
        record(
            "Release",
            full_metadata("rel-full", "Shop <2026.11>"),
            json!({
                "owner": "ops", "version": "2026.11.2", "services": ["shop"], "changes": ["chg-full"], "status": "deployed",
                "window": {"start": "2026-11-12T21:00:00Z", "end": "2026-11-12T22:00:00Z"}, "deployed": "2026-11-12T21:30:00Z",
                "environments": ["staging", "<prod>"], "acceptance": "All *green*", "backout": "Redeploy `2026.11.1`", "body": BODY
            }),
        ),
        record(
            "Release",
            json!({"name": "rel-min"}),
            json!({"owner": "ops", "version": "1", "services": ["core"], "status": "planned"}),
        ),
        record(
            "Customer",
            full_metadata("retail", "Retail <division>"),
            json!({
                "owner": "ops", "contacts": [{"name": "Ana <Ruiz>", "email": "ana@example.org", "role": "sponsor"}],
                "satisfaction": [{"date": "2026-06-30", "score": 4, "notes": "Happy *enough*"}], "body": BODY
            }),
        ),
        record(
            "Customer",
            json!({"name": "cust-min"}),
            json!({"owner": "ops"}),
        ),
        record(
            "Request",
            full_metadata("req-full", "API key for <partner>"),
            json!({
                "service": "shop", "offering": "api-key", "requestedBy": "octocat", "requested": "2026-11-02T09:15:00Z",
                "fulfilled": "2026-11-02T15:40:00Z", "status": "fulfilled", "body": BODY
            }),
        ),
        record(
            "Request",
            json!({"name": "req-min"}),
            json!({"service": "shop", "offering": "api-key", "requestedBy": "hubot", "requested": "2026-11-20T09:00:00Z", "status": "open"}),
        ),
    ]
}

/// Lists longer than a page shows: 105 CIs in a chain under one Service (a
/// transitive list cut) and owned by one Team (a list with "and N more").
fn long_lists() -> Vec<(String, Value)> {
    let mut out = vec![
        record(
            "Team",
            json!({"name": "many"}),
            json!({"members": [{"login": "many"}]}),
        ),
        record(
            "Service",
            json!({"name": "hub"}),
            json!({"owner": "many", "lifecycle": "planned", "tier": 4, "cis": ["c000"], "dependsOn": ["shop"]}),
        ),
    ];
    for i in 0..105 {
        let depends: Vec<String> = (i + 1 < 105)
            .then(|| format!("c{:03}", i + 1))
            .into_iter()
            .collect();
        out.push(record(
            "CI",
            json!({"name": format!("c{i:03}")}),
            json!({
                "owner": "many", "type": "server", "environment": "test", "dependsOn": depends
            }),
        ));
    }
    out
}
