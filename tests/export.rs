//! `itsm export`: the JSON document against its own schema, relations both ways,
//! computed fields; OpenSLO documents.

mod common;

use common::{itsm, stderr, stdout, write};
use serde_json::Value;
use std::path::Path;

fn export(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["export", "--today", "2026-11-21"];
    args.extend(extra);
    let out = itsm(dir, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn record<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id}"))
}

#[test]
fn the_example_repository_export_is_valid_against_the_export_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-repo");
    let doc = export(&root, &[]);
    let schema: Value = serde_json::from_str(itsm::export::SCHEMA).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .take(10)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(doc["records"].as_array().unwrap().len(), 104);
    // The validator does catch a broken document.
    let mut broken = doc.clone();
    broken["records"][0]["relations"]["out"][0]["field"] = "ownr".into();
    assert!(!validator.is_valid(&broken));
    // `itsm export --schema` prints the same schema.
    let out = itsm(&root, &["export", "--schema"]);
    assert_eq!(stdout(&out), itsm::export::SCHEMA);
}

#[test]
fn relations_both_ways_and_computed_fields() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), common::VALID);
    write(
        dir.path(),
        &[
            (
                "incidents/multi.yaml",
                "# two incidents\napiVersion: itsm/v1\nkind: Incident\nmetadata:\n  name: one\nspec:\n  priority: p2\n  services: [shop]\n  started: \"2026-10-01T10:00:00Z\"\n  resolved: \"2026-10-01T11:30:00Z\"\n  impact: outage\n---\napiVersion: itsm/v1\nkind: Incident\nmetadata:\n  name: two\nspec:\n  priority: p3\n  services: [shop]\n  started: \"2026-11-20T10:00:00Z\"\n  impact: degraded\n",
            ),
            (
                "policies/p.md",
                "---\napiVersion: itsm/v1\nkind: Policy\nmetadata:\n  name: p\nspec:\n  owner: ops\n  clauses: [\"8.6.1\"]\n  lastReviewed: 2025-01-10\n  reviewEvery: 12mo\n---\n# Policy text\n",
            ),
        ],
    );
    let doc = export(dir.path(), &[]);
    assert_eq!(doc["name"], "Test");
    assert_eq!(doc["generated"], "2026-11-21");
    let shop = record(&doc, "service:shop");
    assert_eq!(shop["file"], "services/shop.yaml");
    assert_eq!(shop["line"], 1);
    assert_eq!(
        shop["relations"]["out"],
        serde_json::json!([
            {"field": "owner", "target": "team:ops"},
            {"field": "sla", "target": "sla:gold"},
            {"field": "cis", "target": "ci:web"}
        ])
    );
    assert_eq!(
        shop["relations"]["in"],
        serde_json::json!([
            {"field": "services", "source": "incident:one"},
            {"field": "services", "source": "incident:two"}
        ])
    );
    assert_eq!(
        shop["computed"],
        serde_json::json!({"errors": 0, "warnings": 0, "slaAvailability": 99.9, "incidents": 2, "openIncidents": 1})
    );
    assert_eq!(shop["spec"]["tier"], 1);
    let web = record(&doc, "ci:web");
    assert_eq!(
        web["relations"]["in"],
        serde_json::json!([{"field": "cis", "source": "service:shop"}])
    );
    assert_eq!(web["computed"]["reachedFromService"], true);
    let one = record(&doc, "incident:one");
    assert_eq!(
        (
            one["line"].as_u64(),
            one["computed"]["durationMinutes"].as_u64()
        ),
        (Some(2), Some(90))
    );
    let two = record(&doc, "incident:two");
    assert_eq!(two["line"], 13);
    let p = record(&doc, "policy:p");
    assert_eq!(p["line"], 2);
    assert_eq!(p["body"], "# Policy text\n");
    assert_eq!(
        p["computed"]["clauseTitles"],
        serde_json::json!({"8.6.1": "Incident management"})
    );
    assert_eq!(p["computed"]["reviewDue"], "2026-01-10");
    assert_eq!(p["computed"]["reviewDueOverdue"], true);
    // The overdue review is also a warning of `check` on the Policy.
    assert_eq!(p["computed"]["warnings"], 1);
    // sla:gold, service:shop, ci:web, policy:p.
    assert_eq!(record(&doc, "team:ops")["computed"]["owns"], 4);
}

#[test]
fn export_at_a_git_revision() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), common::VALID);
    let git = git2::Repository::init(dir.path()).unwrap();
    common::commit_all(&git, "first");
    std::fs::remove_file(dir.path().join("cis/web.yaml")).unwrap();
    assert_eq!(
        export(dir.path(), &["--rev", "HEAD"])["records"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        export(dir.path(), &[])["records"].as_array().unwrap().len(),
        3
    );
}

#[test]
fn openslo_documents_map_the_sla_target_and_window() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), common::VALID);
    write(
        dir.path(),
        &[
            (
                "slas/q.yaml",
                "apiVersion: itsm/v1\nkind: SLA\nmetadata:\n  name: q\nspec:\n  owner: ops\n  customer: \"Back office: \\\"ops\\\"\"\n  availability: 99.95\n  window: quarterly\n  effective: 2026-05-10\n",
            ),
            (
                "services/back.yaml",
                "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: back\n  title: \"Back: office\"\nspec:\n  owner: ops\n  lifecycle: development\n  tier: 3\n  sla: q\n",
            ),
        ],
    );
    let out = itsm(
        dir.path(),
        &["export", "--today", "2026-11-21", "--format", "openslo"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let (docs, error) = itsm::load::yaml::parse(&text);
    assert!(error.is_none(), "{error:?}\n{text}");
    assert_eq!(docs.len(), 2);
    let back = docs[0].value.to_json();
    assert_eq!(back["apiVersion"], "openslo/v1");
    assert_eq!(back["kind"], "SLO");
    assert_eq!(back["metadata"]["name"], "back-availability");
    assert_eq!(back["metadata"]["displayName"], "Back: office availability");
    assert_eq!(back["spec"]["service"], "back");
    assert_eq!(back["spec"]["indicatorRef"], "back-availability");
    assert_eq!(back["spec"]["budgetingMethod"], "Occurrences");
    assert_eq!(
        back["spec"]["timeWindow"],
        serde_json::json!([{"duration": "1Q", "isRolling": false, "calendar": {"startTime": "2026-04-01 00:00:00", "timeZone": "UTC"}}])
    );
    assert_eq!(back["spec"]["objectives"][0]["target"], 0.9995);
    assert!(
        back["spec"]["description"]
            .as_str()
            .unwrap()
            .contains("(SLA q: Back office: \"ops\", window quarterly)")
    );
    let shop = docs[1].value.to_json();
    assert_eq!(shop["spec"]["timeWindow"][0]["duration"], "1M");
    // No effective date: the window holding today.
    assert_eq!(
        shop["spec"]["timeWindow"][0]["calendar"]["startTime"],
        "2026-11-01 00:00:00"
    );
    assert_eq!(shop["spec"]["objectives"][0]["target"], 0.999);
}

/// The rules of the OpenSLO v1 specification and its SDK's validation that an
/// SLO document must follow (metadata, spec, time window, objectives).
fn assert_valid_openslo(doc: &Value) {
    let label = |s: &str| {
        let b = s.as_bytes();
        let ok = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        !b.is_empty()
            && b.len() <= 63
            && ok(&b[0])
            && ok(&b[b.len() - 1])
            && b.iter().all(|c| ok(c) || *c == b'-')
    };
    let text = |v: &Value| v.as_str().unwrap_or_else(|| panic!("{doc:#}")).to_string();
    assert_eq!(doc["apiVersion"], "openslo/v1");
    assert_eq!(doc["kind"], "SLO");
    assert!(label(&text(&doc["metadata"]["name"])), "{doc:#}");
    assert!(
        text(&doc["metadata"]["displayName"]).chars().count() <= 63,
        "{doc:#}"
    );
    assert!(
        text(&doc["spec"]["description"]).chars().count() <= 1050,
        "{doc:#}"
    );
    assert!(!text(&doc["spec"]["service"]).is_empty());
    assert!(label(&text(&doc["spec"]["indicatorRef"])), "{doc:#}");
    assert!(
        ["Occurrences", "Timeslices", "RatioTimeslices"]
            .contains(&text(&doc["spec"]["budgetingMethod"]).as_str())
    );
    let windows = doc["spec"]["timeWindow"].as_array().unwrap();
    assert_eq!(windows.len(), 1);
    let duration = text(&windows[0]["duration"]);
    let (n, unit) = duration.split_at(duration.len() - 1);
    assert!(
        n.parse::<u32>().is_ok_and(|n| n > 0) && "mhdwMQY".contains(unit),
        "{duration}"
    );
    let start = text(&windows[0]["calendar"]["startTime"]);
    assert!(
        jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", &start).is_ok(),
        "{start}"
    );
    for o in doc["spec"]["objectives"].as_array().unwrap() {
        let t = o["target"].as_f64().unwrap_or_else(|| panic!("{doc:#}"));
        assert!((0.0..1.0).contains(&t), "target {t} in {doc:#}");
    }
}

fn openslo(dir: &Path) -> (Vec<Value>, String, String) {
    let out = itsm(
        dir,
        &["export", "--today", "2026-11-21", "--format", "openslo"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let (docs, error) = itsm::load::yaml::parse(&text);
    assert!(error.is_none(), "{error:?}\n{text}");
    let docs: Vec<Value> = docs.iter().map(|d| d.value.to_json()).collect();
    for d in &docs {
        assert_valid_openslo(d);
    }
    (docs, text, stderr(&out))
}

#[test]
fn openslo_export_of_the_example_repository_keeps_to_the_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-repo");
    let (docs, _, notes) = openslo(&root);
    assert_eq!(docs.len(), 11);
    assert_eq!(notes, "");
}

#[test]
fn openslo_leaves_out_an_sla_of_100_percent_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), common::VALID);
    write(
        dir.path(),
        &[
            (
                "slas/total.yaml",
                "apiVersion: itsm/v1\nkind: SLA\nmetadata:\n  name: total\nspec:\n  owner: ops\n  customer: Everyone\n  availability: 100\n  window: monthly\n",
            ),
            (
                "services/core.yaml",
                "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: core\nspec:\n  owner: ops\n  lifecycle: development\n  tier: 1\n  sla: total\n",
            ),
        ],
    );
    let (docs, text, notes) = openslo(dir.path());
    // Only shop's SLO (gold, 99.9%): OpenSLO targets are below 1.
    assert_eq!(docs.len(), 1, "{text}");
    assert_eq!(docs[0]["spec"]["service"], "shop");
    let note = "service:core (SLA total): availability 100% cannot be an OpenSLO target, which must be at least 0 and below 1 (an objective needs an error budget): not exported";
    assert!(notes.contains(&format!("note: {note}")), "{notes}");
    assert!(text.starts_with(&format!("# itsm: {note}")), "{text}");
}

#[test]
fn openslo_names_fit_their_limits_and_stay_unique() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), common::VALID);
    let long_title = format!("The {} Platform", "Very Long ".repeat(6));
    let mut files = Vec::new();
    // Two names that agree on their first 50 characters, titles that agree on
    // their first 60, and a customer far longer than a description may be.
    for (name, customer) in [("a", "x"), ("b", &"Customer ".repeat(150)[..])] {
        let service = format!("{}-{name}", "s".repeat(55));
        files.push((
            format!("services/{service}.yaml"),
            format!("apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: {service}\n  title: \"{long_title}{name}\"\nspec:\n  owner: ops\n  lifecycle: development\n  tier: 3\n  sla: sla-{name}\n"),
        ));
        files.push((
            format!("slas/sla-{name}.yaml"),
            format!("apiVersion: itsm/v1\nkind: SLA\nmetadata:\n  name: sla-{name}\nspec:\n  owner: ops\n  customer: \"{customer}\"\n  availability: 99.5\n  window: yearly\n"),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write(dir.path(), &files);
    assert_eq!(common::check_json(dir.path(), None).status.code(), Some(0));
    let (docs, text, _) = openslo(dir.path());
    assert_eq!(docs.len(), 3, "{text}");
    let field = |f: &str| -> Vec<String> {
        docs.iter()
            .map(|d| d.pointer(f).unwrap().as_str().unwrap().to_string())
            .collect()
    };
    for f in [
        "/metadata/name",
        "/metadata/displayName",
        "/spec/indicatorRef",
    ] {
        let mut values = field(f);
        values.sort();
        values.dedup();
        assert_eq!(values.len(), 3, "{f} not unique in {text}");
    }
    // In name order: shop, then the two long ones.
    let display = field("/metadata/displayName");
    assert!(display[1].ends_with("… availability"), "{display:?}");
    assert!(display[2].ends_with("… availability (2)"), "{display:?}");
    // The service keeps its own (valid) name.
    assert_eq!(field("/spec/service")[2], format!("{}-b", "s".repeat(55)));
    assert!(field("/spec/description")[2].ends_with('…'));
}
