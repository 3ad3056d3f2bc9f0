//! `itsm import backstage`: entities shaped like Backstage's documented examples
//! become records that pass `itsm check`; nothing is overwritten; the rest is reported.

mod common;

use common::{files_under, itsm, stderr, stdout, write};
use serde_json::Value;
use std::path::Path;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reports/backstage")
        .join(name)
        .display()
        .to_string()
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // The config, a Team and the gold SLA; no Service yet.
    write(dir.path(), &common::VALID[..3]);
    dir
}

fn import(dir: &Path, extra: &[&str]) -> String {
    let (a, b) = (fixture("catalog-info.yaml"), fixture("org.yaml"));
    let mut args = vec!["import", "backstage", a.as_str(), b.as_str()];
    args.extend(extra);
    let out = itsm(dir, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

fn record(dir: &Path, rel: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(rel)).unwrap();
    let (docs, err) = itsm::load::yaml::parse(&text);
    assert!(err.is_none(), "{text}");
    docs[0].value.to_json()
}

fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = files_under(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn documented_entities_become_records_that_pass_check() {
    let dir = repo();
    let report = import(dir.path(), &["--sla", "gold"]);
    assert_eq!(
        files(dir.path()),
        [
            "cis/artists-db.yaml",
            "itsm.yaml",
            "services/artist-engagement-portal.yaml",
            "services/artist-lookup.yaml",
            "services/artist-web.yaml",
            "services/public-websites.yaml",
            "slas/gold.yaml",
            "teams/artist-relations-team.yaml",
            "teams/infrastructure.yaml",
            "teams/ops.yaml",
        ]
    );
    let out = common::check_json(dir.path(), None);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["records"], 9);

    let web = record(dir.path(), "services/artist-web.yaml");
    assert_eq!(
        web["spec"],
        serde_json::json!({"owner": "artist-relations-team", "lifecycle": "production", "tier": 3, "sla": "gold", "type": "technical"})
    );
    assert_eq!(
        web["metadata"]["description"],
        "The place to be, for great artists"
    );
    assert_eq!(
        web["metadata"]["labels"]["example.com/custom"],
        "custom_label_value"
    );
    assert_eq!(
        web["metadata"]["links"],
        serde_json::json!([{"title": "Admin Dashboard", "url": "https://admin.example-org.com"}])
    );
    assert_eq!(
        web["metadata"]["annotations"]["backstage.io/source-entity"],
        "component:default/artist-web"
    );
    let lookup = record(dir.path(), "services/artist-lookup.yaml");
    assert_eq!(lookup["spec"]["lifecycle"], "development");
    assert_eq!(lookup["spec"]["cis"], serde_json::json!(["artists-db"]));
    assert_eq!(lookup["spec"].get("sla"), None);
    let portal = record(dir.path(), "services/artist-engagement-portal.yaml");
    assert_eq!(portal["spec"]["type"], "business");
    assert_eq!(
        portal["spec"]["dependsOn"],
        serde_json::json!(["artist-lookup"])
    );
    assert_eq!(portal["spec"]["cis"], serde_json::json!(["artists-db"]));
    let sites = record(dir.path(), "services/public-websites.yaml");
    assert_eq!(sites["spec"]["lifecycle"], "production");
    assert_eq!(
        sites["spec"]["dependsOn"],
        serde_json::json!(["artist-web"])
    );
    let db = record(dir.path(), "cis/artists-db.yaml");
    assert_eq!(
        db["spec"],
        serde_json::json!({"owner": "artist-relations-team", "type": "database", "environment": "production"})
    );
    let infra = record(dir.path(), "teams/infrastructure.yaml");
    assert_eq!(infra["metadata"]["title"], "Infrastructure");
    assert_eq!(
        infra["spec"],
        serde_json::json!({"members": [{"login": "jdoe", "name": "Jenny Doe", "email": "jenny-doe@example.com"}], "email": "infrastructure@example.com"})
    );
    let artists = record(dir.path(), "teams/artist-relations-team.yaml");
    assert_eq!(
        artists["spec"]["members"],
        serde_json::json!([{"login": "janesmith", "name": "Jane Smith", "email": "jane@example.com"}])
    );

    for line in [
        "  api:default/artist-api (",
        "  domain:default/artists (",
        "  location:default/org-data (",
        "  group:default/empty-group (",
        "  component:default/artist-web: tier 3 (no `tier` label or annotation of 1 to 4)\n",
        "  resource:default/artists-db: environment production (no `environment` label or annotation)\n",
        "  component:default/artist-lookup: spec.providesApis, spec.type not mapped\n",
        "  component:default/artist-web: spec.type not mapped\n",
        "  component:default/artist-web: metadata.tags not mapped\n",
        "  user:default/bob.jones: `bob.jones` is not a GitHub login",
        "14 entities read (0 other documents ignored), 7 records written, 4 not mapped.\n",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
}

#[test]
fn nothing_is_overwritten_and_a_dry_run_writes_nothing() {
    let dir = repo();
    let report = import(dir.path(), &["--dry-run", "--sla", "gold"]);
    assert_eq!(files(dir.path()).len(), 3);
    assert!(report.contains("# services/artist-web.yaml (from component:default/artist-web)\n---\napiVersion: itsm/v1\nkind: Service\n"), "{report}");
    assert!(report.contains("7 records planned"));
    // An existing file is kept as it is.
    write(dir.path(), &[("cis/artists-db.yaml", "# mine\n")]);
    let report = import(dir.path(), &["--sla", "gold"]);
    assert!(
        report.contains("skipped cis/artists-db.yaml: the file exists"),
        "{report}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("cis/artists-db.yaml")).unwrap(),
        "# mine\n"
    );
    // A second run writes nothing new: every record now exists.
    let report = import(dir.path(), &["--sla", "gold"]);
    assert!(report.contains("0 records written"), "{report}");
    assert!(report.contains("service:artist-web already exists in the repository: skipped"));
}

#[test]
fn production_services_without_an_sla_are_reported() {
    let dir = repo();
    let report = import(dir.path(), &[]);
    assert!(
        report.contains(
            "component:default/artist-web: a production Service needs an SLA: pass --sla NAME"
        ),
        "{report}"
    );
    let out = itsm(
        dir.path(),
        &["import", "backstage", &fixture("org.yaml"), "--sla", "nope"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--sla nope: no SLA of that name"));
}

#[test]
fn broken_yaml_or_a_missing_file_writes_nothing() {
    let dir = repo();
    write(
        dir.path(),
        &[(
            "in/bad.yaml",
            "apiVersion: backstage.io/v1alpha1\nkind: [\n",
        )],
    );
    let bad = dir.path().join("in/bad.yaml").display().to_string();
    let out = itsm(
        dir.path(),
        &["import", "backstage", &fixture("org.yaml"), &bad],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nothing was written"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("teams/infrastructure.yaml").exists());
    let out = itsm(dir.path(), &["import", "backstage", "missing.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read missing.yaml"));
}

#[test]
fn owners_and_references_to_existing_records_are_kept() {
    let dir = repo();
    write(
        dir.path(),
        &[(
            "in/c.yaml",
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Shop_Front\n  labels:\n    tier: \"1\"\nspec:\n  type: website\n  lifecycle: deprecated\n  owner: group:default/ops\n  dependsOn: [component:ghost]\n",
        )],
    );
    let out = itsm(dir.path(), &["import", "backstage", "in/c.yaml"]);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(0));
    let shop = record(dir.path(), "services/shop-front.yaml");
    assert_eq!(
        shop["spec"],
        serde_json::json!({"owner": "ops", "lifecycle": "deprecated", "tier": 1, "type": "technical"})
    );
    assert!(
        report.contains("component:default/Shop_Front: named service:shop-front"),
        "{report}"
    );
    assert!(
        report.contains(
            "dependsOn component:ghost is neither imported nor in the repository: left out"
        )
    );
    assert!(report.contains("spec.type not mapped"));
    assert_eq!(common::check_json(dir.path(), None).status.code(), Some(0));
}
