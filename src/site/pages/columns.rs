//! The columns of each kind's list: what a person scanning the list looks for
//! (an Incident's priority, services and start; a CI's type, environment and
//! supplier; ...), and which of them the list filters by.

use super::context::Cx;
use crate::link::Ix;
use crate::model::{Field, Kind, Node};
use crate::site::view::Link;
use crate::value::Value;
use serde::Serialize;

/// Links shown in one cell before "+N".
const CELL_LINKS: usize = 3;
/// Values offered by one filter (the first, sorted).
const FILTER_VALUES: usize = 200;

/// Where a column's values come from.
#[derive(Clone, Copy)]
enum Source {
    /// The value at a node of the record, as written (a list joined with commas,
    /// a list of maps counted).
    At(Node),
    /// The records it links to through a field.
    Links(Field),
}

/// One column of a kind's list: its header, its values, and whether the list
/// filters by it (then its key in the URL query).
#[derive(Clone, Copy)]
struct Col {
    name: &'static str,
    source: Source,
    filter: Option<&'static str>,
}

const fn at(name: &'static str, key: &'static str, filter: bool) -> Col {
    Col {
        name,
        source: Source::At(Node::Key(key)),
        filter: if filter { Some(key) } else { None },
    }
}

const fn path(name: &'static str, path: &'static [&'static str]) -> Col {
    Col {
        name,
        source: Source::At(Node::Path(path)),
        filter: None,
    }
}

const fn links(name: &'static str, field: Field, filter: Option<&'static str>) -> Col {
    Col {
        name,
        source: Source::Links(field),
        filter,
    }
}

const OWNER: Col = links("Owner", Field::Owner, Some("owner"));
const STATUS: Col = at("Status", "status", true);
const TYPE: Col = at("Type", "type", true);
const LIFECYCLE: Col = at("Lifecycle", "lifecycle", true);
const SERVICES: Col = links("Services", Field::Services, None);

const TEAM_COLUMNS: &[Col] = &[at("Members", "members", false), at("Chat", "chat", false)];
const SERVICE_COLUMNS: &[Col] = &[
    OWNER,
    at("Tier", "tier", true),
    LIFECYCLE,
    TYPE,
    links("SLA", Field::Sla, None),
];
const SLA_COLUMNS: &[Col] = &[
    OWNER,
    links("Customer", Field::Customer, None),
    at("Availability", "availability", false),
    at("Window", "window", true),
];
const CI_COLUMNS: &[Col] = &[
    OWNER,
    TYPE,
    at("Environment", "environment", true),
    LIFECYCLE,
    links("Supplier", Field::Supplier, Some("supplier")),
];
const SUPPLIER_COLUMNS: &[Col] = &[OWNER, path("Contract ends", &["contract", "end"])];
const POLICY_COLUMNS: &[Col] = &[
    OWNER,
    links("Approver", Field::Approver, None),
    at("Clauses", "clauses", false),
    at("Last reviewed", "lastReviewed", false),
];
const STANDARD_CHANGE_COLUMNS: &[Col] = &[OWNER, at("Maximum risk", "maxRisk", true)];
const CHANGE_COLUMNS: &[Col] = &[
    TYPE,
    STATUS,
    at("Risk", "risk", true),
    path("Window start", &["window", "start"]),
    links("Impacts", Field::Impacts, None),
];
const INCIDENT_COLUMNS: &[Col] = &[
    at("Priority", "priority", true),
    STATUS,
    SERVICES,
    at("Started", "started", false),
    at("Impact", "impact", true),
];
const PROBLEM_COLUMNS: &[Col] = &[OWNER, STATUS, links("Incidents", Field::Incidents, None)];
const OBJECTIVE_COLUMNS: &[Col] = &[OWNER, STATUS, at("Due", "due", false), SERVICES];
const RISK_COLUMNS: &[Col] = &[
    OWNER,
    at("Likelihood", "likelihood", true),
    at("Impact", "impact", true),
    at("Treatment", "treatment", true),
    STATUS,
];
const AUDIT_COLUMNS: &[Col] = &[TYPE, STATUS, at("Date", "date", false)];
const MANAGEMENT_REVIEW_COLUMNS: &[Col] = &[at("Date", "date", false), STATUS];
const IMPROVEMENT_COLUMNS: &[Col] = &[OWNER, TYPE, STATUS, at("Due", "due", false)];
const FRAMEWORK_COLUMNS: &[Col] = &[OWNER, at("Requirements", "requirements", false)];
const RELEASE_COLUMNS: &[Col] = &[OWNER, at("Version", "version", false), STATUS, SERVICES];
const CUSTOMER_COLUMNS: &[Col] = &[OWNER, at("Contacts", "contacts", false)];
const REQUEST_COLUMNS: &[Col] = &[
    links("Service", Field::Service, Some("service")),
    at("Offering", "offering", false),
    STATUS,
    at("Requested", "requested", false),
];

/// The columns of `kind`'s list, after the record's title.
fn columns(kind: Kind) -> &'static [Col] {
    match kind {
        Kind::Team => TEAM_COLUMNS,
        Kind::Service => SERVICE_COLUMNS,
        Kind::Sla => SLA_COLUMNS,
        Kind::Ci => CI_COLUMNS,
        Kind::Supplier => SUPPLIER_COLUMNS,
        Kind::Policy => POLICY_COLUMNS,
        Kind::StandardChange => STANDARD_CHANGE_COLUMNS,
        Kind::Change => CHANGE_COLUMNS,
        Kind::Incident => INCIDENT_COLUMNS,
        Kind::Problem => PROBLEM_COLUMNS,
        Kind::Objective => OBJECTIVE_COLUMNS,
        Kind::Risk => RISK_COLUMNS,
        Kind::Audit => AUDIT_COLUMNS,
        Kind::ManagementReview => MANAGEMENT_REVIEW_COLUMNS,
        Kind::Improvement => IMPROVEMENT_COLUMNS,
        Kind::Framework => FRAMEWORK_COLUMNS,
        Kind::Release => RELEASE_COLUMNS,
        Kind::Customer => CUSTOMER_COLUMNS,
        Kind::Request => REQUEST_COLUMNS,
    }
}

/// A column as the template sees it.
#[derive(Serialize)]
pub(super) struct Header {
    name: &'static str,
    /// The key of its filter in the URL query.
    filter: Option<&'static str>,
}

/// One cell: text (a badge when the column filters), or links.
#[derive(Serialize, Default)]
pub(super) struct Cell {
    text: String,
    links: Vec<Link>,
    /// Links left out.
    more: usize,
    badge: bool,
}

/// A filter of the list: its key, its label and the values on the page.
#[derive(Serialize)]
pub(super) struct Filter {
    key: &'static str,
    name: &'static str,
    values: Vec<String>,
}

/// Whether `kind`'s list filters by owner (`?owner=` a Team's title).
pub(super) fn filters_by_owner(kind: Kind) -> bool {
    columns(kind).iter().any(|c| c.filter == Some("owner"))
}

/// The headers of `kind`'s columns.
pub(super) fn headers(kind: Kind) -> Vec<Header> {
    columns(kind)
        .iter()
        .map(|c| Header {
            name: c.name,
            filter: c.filter,
        })
        .collect()
}

impl Cx<'_> {
    /// The cells of record `i` in its kind's list, and its value of each filter.
    pub(super) fn cells(&self, i: Ix) -> (Vec<Cell>, Vec<(&'static str, String)>) {
        let r = self.catalog.record(i);
        let mut filters = Vec::new();
        let cells = columns(r.id.kind)
            .iter()
            .map(|c| {
                let cell = match c.source {
                    Source::At(node) => Cell {
                        text: r.value_at(node).map(shown).unwrap_or_default(),
                        badge: c.filter.is_some(),
                        ..Cell::default()
                    },
                    Source::Links(field) => self.link_cell(i, field),
                };
                if let Some(key) = c.filter {
                    let value = match cell.links.first() {
                        Some(l) => l.title.to_string(),
                        None => cell.text.clone(),
                    };
                    filters.push((key, value));
                }
                cell
            })
            .collect();
        (cells, filters)
    }

    fn link_cell(&self, i: Ix, field: Field) -> Cell {
        let all: Vec<Ix> = self.catalog.targets(i, field).collect();
        Cell {
            links: all
                .iter()
                .take(CELL_LINKS)
                .map(|t| self.link(*t).clone())
                .collect(),
            more: all.len().saturating_sub(CELL_LINKS),
            ..Cell::default()
        }
    }
}

/// The filters of a list of `kind` whose rows have `values` (per row, per
/// filter), with the labels `labels` on the page: each with its distinct values.
pub(super) fn filters(
    kind: Kind,
    values: &[Vec<(&'static str, String)>],
    labels: &[String],
) -> Vec<Filter> {
    let mut out: Vec<Filter> = columns(kind)
        .iter()
        .filter_map(|c| {
            let key = c.filter?;
            let mut vs: Vec<String> = values
                .iter()
                .flat_map(|row| {
                    row.iter()
                        .filter(|(k, _)| *k == key)
                        .map(|(_, v)| v.clone())
                })
                .filter(|v| !v.is_empty())
                .collect();
            vs.sort();
            vs.dedup();
            vs.truncate(FILTER_VALUES);
            Some(Filter {
                key,
                name: c.name,
                values: vs,
            })
        })
        .filter(|f| !f.values.is_empty())
        .collect();
    let mut ls = labels.to_vec();
    ls.sort();
    ls.dedup();
    ls.truncate(FILTER_VALUES);
    if !ls.is_empty() {
        out.push(Filter {
            key: "label",
            name: "Label",
            values: ls,
        });
    }
    out
}

/// A value as a list shows it: a string or number as written, a list of
/// strings joined, a list of anything else counted.
fn shown(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Seq(items) if items.iter().all(|i| i.as_str().is_some()) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Seq(items) => items.len().to_string(),
        Value::Map(_) | Value::Null => String::new(),
    }
}
