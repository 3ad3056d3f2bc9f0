//! `itsm export`: the linked catalogue as one JSON document for other tools
//! (records, relations resolved both ways, computed fields), described by a JSON
//! Schema of its own; and the SLAs as OpenSLO v1 SLO documents.

pub mod openslo;

use crate::diag::{Diagnostic, Severity};
use crate::link::{Catalog, Ix, Link};
use crate::load::locate;
use crate::model::{Field, Kind, Record, Spec};
use crate::time::Duration;
use crate::value::Value;
use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use serde_json::{Map, Value as Json};

/// The JSON Schema of the export document (draft 2020-12).
pub const SCHEMA: &str = include_str!("export.schema.json");

/// The export document.
#[derive(Debug, Serialize)]
pub struct Export<'a> {
    /// The version of itsm that wrote it.
    pub itsm: &'static str,
    pub name: &'a str,
    /// The date the export is as of (`--today`).
    #[serde(serialize_with = "crate::report::ser_display")]
    pub generated: Date,
    pub records: Vec<Exported<'a>>,
}

/// One record with its relations and computed fields.
#[derive(Debug, Serialize)]
pub struct Exported<'a> {
    pub id: String,
    pub kind: &'static str,
    pub name: &'a str,
    pub file: &'a str,
    /// Line where the record's document starts.
    pub line: u32,
    pub metadata: Option<&'a Value>,
    pub spec: Option<&'a Value>,
    pub body: Option<&'a str>,
    pub relations: Relations,
    pub computed: Map<String, Json>,
}

/// The references a record makes and those made to it, resolved.
#[derive(Debug, Serialize)]
pub struct Relations {
    pub out: Vec<Out>,
    #[serde(rename = "in")]
    pub inc: Vec<In>,
}

#[derive(Debug, Serialize)]
pub struct Out {
    pub field: &'static str,
    pub target: String,
}

#[derive(Debug, Serialize)]
pub struct In {
    pub field: &'static str,
    pub source: String,
}

/// Builds the export of the catalogue.
pub fn build<'a>(catalog: &'a Catalog, diagnostics: &[Diagnostic], today: Date) -> Export<'a> {
    let lines = record_lines(catalog);
    let findings = findings_by_record(diagnostics);
    let reached = crate::link::graph::reached_cis(catalog);
    let records = catalog
        .repo
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let ix = i as Ix;
            let id = r.id.to_string();
            let computed = computed(catalog, ix, r, today, &reached, findings.get(id.as_str()));
            Exported {
                kind: r.id.kind.name(),
                name: &r.id.name,
                file: &catalog.repo.files.get(r.file).path,
                line: lines[i],
                metadata: r.value.get("metadata"),
                spec: r.value.get("spec"),
                body: r.body.as_deref(),
                relations: relations(catalog, ix),
                computed,
                id,
            }
        })
        .collect();
    Export {
        itsm: env!("CARGO_PKG_VERSION"),
        name: &catalog.repo.config.name,
        generated: today,
        records,
    }
}

fn relations(catalog: &Catalog, ix: Ix) -> Relations {
    let id = |l: &Link, to: bool| {
        catalog
            .record(if to { l.to } else { l.from })
            .id
            .to_string()
    };
    Relations {
        out: catalog.out[ix as usize]
            .iter()
            .map(|l| Out {
                field: l.field.name(catalog.record(l.from).id.kind),
                target: id(l, true),
            })
            .collect(),
        inc: catalog.inc[ix as usize]
            .iter()
            .map(|l| In {
                field: l.field.name(catalog.record(l.from).id.kind),
                source: id(l, false),
            })
            .collect(),
    }
}

/// Errors and warnings per record identity.
fn findings_by_record(diagnostics: &[Diagnostic]) -> HashMap<&str, (u32, u32)> {
    let mut map: HashMap<&str, (u32, u32)> = HashMap::default();
    for d in diagnostics {
        if let Some(r) = &d.record {
            let e = map.entry(r.as_str()).or_default();
            match d.severity {
                Severity::Error => e.0 += 1,
                Severity::Warning => e.1 += 1,
            }
        }
    }
    map
}

/// Fields computed from the record and the graph:
/// `errors`, `warnings` (findings of `check`); Service `slaAvailability`,
/// `incidents`, `openIncidents`; SLA `services`; CI `reachedFromService`;
/// Team `owns`; Policy and SLA `reviewDue`, Supplier `contractReviewDue`
/// (`lastReviewed` + `reviewEvery`); Policy `clauseTitles`; Incident
/// `durationMinutes` (resolved - started).
fn computed(
    catalog: &Catalog,
    ix: Ix,
    r: &Record,
    today: Date,
    reached: &[bool],
    findings: Option<&(u32, u32)>,
) -> Map<String, Json> {
    let mut c = Map::new();
    let (errors, warnings) = findings.copied().unwrap_or_default();
    c.insert("errors".into(), errors.into());
    c.insert("warnings".into(), warnings.into());
    of_kind(catalog, ix, r, reached, &mut c);
    review_due(r, today, &mut c);
    c
}

/// The computed fields of `r`'s kind.
fn of_kind(catalog: &Catalog, ix: Ix, r: &Record, reached: &[bool], c: &mut Map<String, Json>) {
    match r.id.kind {
        Kind::Service => service_fields(catalog, ix, c),
        Kind::Sla => {
            let services = catalog
                .sources(ix, Field::Sla)
                .filter(|s| catalog.record(*s).id.kind == Kind::Service)
                .count();
            c.insert("services".into(), services.into());
        }
        Kind::Ci => {
            c.insert("reachedFromService".into(), reached[ix as usize].into());
        }
        Kind::Team => {
            c.insert(
                "owns".into(),
                catalog.sources(ix, Field::Owner).count().into(),
            );
        }
        Kind::Policy => {
            let clauses = r.spec.policy().map(|p| &p.clauses[..]).unwrap_or_default();
            let titles: Map<String, Json> = clauses
                .iter()
                .map(|cl| (cl.0.number.to_string(), Json::from(cl.0.title)))
                .collect();
            c.insert("clauseTitles".into(), Json::Object(titles));
        }
        Kind::Incident => {
            let incident = r.spec.incident();
            let times = incident.map(|i| (i.started.as_ref(), i.resolved.as_ref()));
            if let Some((Some(s), Some(e))) = times {
                c.insert(
                    "durationMinutes".into(),
                    ((e.at.as_second() - s.at.as_second()) / 60).into(),
                );
            }
        }
        _ => {}
    }
}

/// A Service's `slaAvailability`, `incidents` and `openIncidents`.
fn service_fields(catalog: &Catalog, ix: Ix, c: &mut Map<String, Json>) {
    if let Some(a) = catalog
        .targets(ix, Field::Sla)
        .next()
        .and_then(|s| catalog.record(s).spec.sla()?.availability)
    {
        c.insert("slaAvailability".into(), a.into());
    }
    let incidents: Vec<Ix> = catalog.sources(ix, Field::Services).collect();
    c.insert("incidents".into(), incidents.len().into());
    let open = incidents
        .iter()
        .filter(|i| {
            let incident = catalog.record(**i).spec.incident();
            incident.is_some_and(|inc| inc.resolved.is_none())
        })
        .count();
    c.insert("openIncidents".into(), open.into());
}

/// Policy and SLA `reviewDue`, Supplier `contractReviewDue` (`lastReviewed` +
/// `reviewEvery`), each with whether it is overdue.
fn review_due(r: &Record, today: Date, c: &mut Map<String, Json>) {
    let due = |last: Option<Date>, every: Option<Duration>| every?.after(last?);
    let review = match &r.spec {
        Spec::Policy(p) => due(p.last_reviewed, p.review_every).map(|d| ("reviewDue", d)),
        Spec::Sla(s) => due(s.last_reviewed, s.review_every).map(|d| ("reviewDue", d)),
        Spec::Supplier(s) => s
            .contract
            .as_ref()
            .and_then(|c| due(c.last_reviewed, c.review_every))
            .map(|d| ("contractReviewDue", d)),
        _ => None,
    };
    if let Some((key, date)) = review {
        c.insert(key.into(), date.to_string().into());
        c.insert(format!("{key}Overdue"), (date < today).into());
    }
}

/// The line where each record's document starts: the first line of the file's
/// YAML for a file's first document, located in the text for later ones.
fn record_lines(catalog: &Catalog) -> Vec<u32> {
    let records = &catalog.repo.records;
    let mut lines = vec![1u32; records.len()];
    let mut multi: HashMap<crate::source::FileId, Vec<usize>> = HashMap::default();
    for (i, r) in records.iter().enumerate() {
        let file = catalog.repo.files.get(r.file);
        if r.doc == 0 {
            lines[i] = first_content_line(file.yaml()) + file.region.line_offset;
        } else {
            multi.entry(r.file).or_default().push(i);
        }
    }
    for (file_id, idx) in multi {
        let file = catalog.repo.files.get(file_id);
        let requests: Vec<locate::Request<'_>> = idx
            .iter()
            .map(|&i| (records[i].doc, "/apiVersion", crate::diag::Target::Key))
            .collect();
        for (&i, pos) in idx.iter().zip(locate::locate(file.yaml(), &requests)) {
            lines[i] = pos.map_or(1, |p| p.line + file.region.line_offset);
        }
    }
    lines
}

/// The first line that is not blank, a comment or a `---` marker (1-based).
fn first_content_line(text: &str) -> u32 {
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if !(t.is_empty() || t.starts_with('#') || t == "---" || t.starts_with("%")) {
            return n as u32 + 1;
        }
    }
    1
}

#[cfg(test)]
mod schema_tests {
    use crate::model::Kind;
    use std::collections::BTreeSet;

    /// The export schema names every kind and every reference field the model has.
    #[test]
    fn the_export_schema_lists_every_kind_and_field() {
        let text = super::SCHEMA;
        let schema: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut enums: Vec<BTreeSet<String>> = Vec::new();
        collect_enums(&schema, &mut enums);
        let kinds: BTreeSet<String> = Kind::ALL.iter().map(|k| k.name().to_string()).collect();
        let fields: BTreeSet<String> = Kind::ALL
            .iter()
            .flat_map(|k| k.ref_fields().iter().map(|f| f.field.name(*k).to_string()))
            .collect();
        assert!(enums.contains(&kinds), "kinds: {kinds:?}");
        assert!(enums.contains(&fields), "fields: {fields:?}");
    }

    fn collect_enums(v: &serde_json::Value, out: &mut Vec<BTreeSet<String>>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::Array(items)) = m.get("enum") {
                    out.push(
                        items
                            .iter()
                            .filter_map(|i| i.as_str().map(String::from))
                            .collect(),
                    );
                }
                m.values().for_each(|v| collect_enums(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect_enums(v, out)),
            _ => {}
        }
    }
}
