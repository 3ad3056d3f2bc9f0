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

/// The columns of `kind`'s list, after the record's title.
fn columns(kind: Kind) -> &'static [Col] {
    match kind {
        Kind::Team => const { &[at("Members", "members", false), at("Chat", "chat", false)] },
        Kind::Service => {
            const {
                &[
                    OWNER,
                    at("Tier", "tier", true),
                    LIFECYCLE,
                    TYPE,
                    links("SLA", Field::Sla, None),
                ]
            }
        }
        Kind::Sla => {
            const {
                &[
                    OWNER,
                    links("Customer", Field::Customer, None),
                    at("Availability", "availability", false),
                    at("Window", "window", true),
                ]
            }
        }
        Kind::Ci => {
            const {
                &[
                    OWNER,
                    TYPE,
                    at("Environment", "environment", true),
                    LIFECYCLE,
                    links("Supplier", Field::Supplier, Some("supplier")),
                ]
            }
        }
        Kind::Supplier => const { &[OWNER, path("Contract ends", &["contract", "end"])] },
        Kind::Policy => {
            const {
                &[
                    OWNER,
                    links("Approver", Field::Approver, None),
                    at("Clauses", "clauses", false),
                    at("Last reviewed", "lastReviewed", false),
                ]
            }
        }
        Kind::StandardChange => const { &[OWNER, at("Maximum risk", "maxRisk", true)] },
        Kind::Change => {
            const {
                &[
                    TYPE,
                    STATUS,
                    at("Risk", "risk", true),
                    path("Window start", &["window", "start"]),
                    links("Impacts", Field::Impacts, None),
                ]
            }
        }
        Kind::Incident => {
            const {
                &[
                    at("Priority", "priority", true),
                    STATUS,
                    SERVICES,
                    at("Started", "started", false),
                    at("Impact", "impact", true),
                ]
            }
        }
        Kind::Problem => const { &[OWNER, STATUS, links("Incidents", Field::Incidents, None)] },
        Kind::Objective => const { &[OWNER, STATUS, at("Due", "due", false), SERVICES] },
        Kind::Risk => {
            const {
                &[
                    OWNER,
                    at("Likelihood", "likelihood", true),
                    at("Impact", "impact", true),
                    at("Treatment", "treatment", true),
                    STATUS,
                ]
            }
        }
        Kind::Audit => const { &[TYPE, STATUS, at("Date", "date", false)] },
        Kind::ManagementReview => const { &[at("Date", "date", false), STATUS] },
        Kind::Improvement => const { &[OWNER, TYPE, STATUS, at("Due", "due", false)] },
        Kind::Framework => const { &[OWNER, at("Requirements", "requirements", false)] },
        Kind::Release => const { &[OWNER, at("Version", "version", false), STATUS, SERVICES] },
        Kind::Customer => const { &[OWNER, at("Contacts", "contacts", false)] },
        Kind::Request => {
            const {
                &[
                    links("Service", Field::Service, Some("service")),
                    at("Offering", "offering", false),
                    STATUS,
                    at("Requested", "requested", false),
                ]
            }
        }
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
