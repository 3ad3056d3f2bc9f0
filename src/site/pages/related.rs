//! The lists of related records on a record's page: the records that refer to
//! it, and the walks along the dependencies that Services and CIs show.

use super::context::{Cx, LIST_LIMIT, plural};
use crate::link::Ix;
use crate::model::{Field, Kind};
use crate::site::view::{Item, Section};
use rustc_hash::FxHashSet;

impl<'a> Cx<'a> {
    /// Records that refer to this one, grouped by what they say about it.
    pub(super) fn incoming_sections(&self, ix: Ix) -> Vec<Section<'a>> {
        let kind = self.catalog.record(ix).id.kind;
        let mut groups: Vec<((Kind, Field), Vec<Ix>)> = Vec::new();
        for l in self.catalog.inc(ix) {
            let from_kind = self.catalog.record(l.from).id.kind;
            if handled(kind, from_kind, l.field) {
                continue;
            }
            let key = (from_kind, l.field);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => {
                    if !v.contains(&l.from) {
                        v.push(l.from)
                    }
                }
                None => groups.push((key, vec![l.from])),
            }
        }
        groups
            .into_iter()
            .map(|((from_kind, field), ixs)| {
                self.section(incoming_title(from_kind, field), ixs, |_| String::new())
            })
            .collect()
    }

    /// A list of records, by name, cut at [`LIST_LIMIT`]; `note` says something of each.
    pub(super) fn section(
        &self,
        title: String,
        mut ixs: Vec<Ix>,
        note: impl Fn(Ix) -> String,
    ) -> Section<'a> {
        ixs.sort_by(|a, b| {
            self.catalog
                .record(*a)
                .id
                .name
                .cmp(&self.catalog.record(*b).id.name)
        });
        let more = ixs.len().saturating_sub(LIST_LIMIT);
        ixs.truncate(LIST_LIMIT);
        Section {
            title,
            items: ixs
                .into_iter()
                .map(|i| Item {
                    link: self.link(i),
                    note: note(i),
                })
                .collect(),
            more,
            cut: false,
        }
    }

    /// A section listing records reached transitively, marked when the walk stopped early.
    pub(super) fn reached(
        &self,
        title: &str,
        found: &[(Ix, Option<Ix>)],
        note: impl Fn(Ix) -> String,
    ) -> Section<'a> {
        let mut s = self.section(title.into(), found.iter().map(|(i, _)| *i).collect(), note);
        if found.len() > LIST_LIMIT {
            s.cut = true;
            s.more = 0;
        }
        s
    }
}

/// Incoming links a kind's own sections already show.
fn handled(kind: Kind, from: Kind, field: Field) -> bool {
    match kind {
        Kind::Service => matches!(
            (from, field),
            (Kind::Service, Field::DependsOn)
                | (Kind::Change, Field::Impacts)
                | (Kind::Incident, Field::Services)
                | (Kind::Release, Field::Services)
        ),
        Kind::Customer => matches!(
            (from, field),
            (Kind::Service, Field::Customers) | (Kind::Sla, Field::Customer)
        ),
        Kind::Ci => matches!(
            (from, field),
            (Kind::Ci, Field::DependsOn) | (Kind::Service, Field::Cis)
        ),
        // The Problem's panel lists its Incidents, those that name it included.
        Kind::Problem => (from, field) == (Kind::Incident, Field::Problem),
        _ => false,
    }
}

fn incoming_title(from: Kind, field: Field) -> String {
    let p = plural(from);
    match field {
        Field::Owner => format!("Owns: {p}"),
        Field::Sla => format!("{p} under this SLA"),
        Field::Approver => format!("Approves: {p}"),
        Field::RuleTeam => "Policy rules requiring its approval".into(),
        Field::Impacts => "Changes".into(),
        Field::StandardChange => "Changes made under it".into(),
        Field::Supplier | Field::Suppliers => format!("Supplies: {p}"),
        Field::Fix => "Fixes problems".into(),
        Field::Problem | Field::Problems | Field::Incidents | Field::Services => {
            format!("Related {}", p.to_lowercase())
        }
        Field::Cis => format!("Used by {}", p.to_lowercase()),
        Field::DependsOn => format!("Depended on by {}", p.to_lowercase()),
        Field::Customers | Field::Customer => format!("Customer of: {p}"),
        Field::Approval => "Approves requests for".into(),
        Field::Affects => "Risks".into(),
        Field::Actions => format!("Treats or acts on: {p}"),
        Field::AcceptedBy => "Accepted risks".into(),
        Field::Auditees => "Audited in".into(),
        Field::Records => "Audit findings".into(),
        Field::Source => "Improvements".into(),
        Field::Changes => format!("Carried out for: {p}"),
        Field::Service => "Requests".into(),
    }
}

/// Breadth-first from `start` along `next`: each record reached with the record
/// it was reached through (`None` for a direct neighbour). At most [`LIST_LIMIT`] + 1.
pub(super) fn reach(start: Ix, next: impl Fn(Ix) -> Vec<Ix>) -> Vec<(Ix, Option<Ix>)> {
    let mut seen: FxHashSet<Ix> = FxHashSet::from_iter([start]);
    let first = next(start)
        .into_iter()
        .filter(|v| seen.insert(*v))
        .map(|v| (v, None))
        .collect();
    walk(seen, first, next)
}

/// Like [`reach`], from several records that are listed themselves as direct.
pub(super) fn reach_from(starts: &[Ix], next: impl Fn(Ix) -> Vec<Ix>) -> Vec<(Ix, Option<Ix>)> {
    let seen: FxHashSet<Ix> = starts.iter().copied().collect();
    walk(seen, starts.iter().map(|s| (*s, None)).collect(), next)
}

/// Goes on breadth-first from the records in `out` (`seen` holds every record
/// listed or not to be listed), until more than [`LIST_LIMIT`] are listed.
fn walk(
    mut seen: FxHashSet<Ix>,
    mut out: Vec<(Ix, Option<Ix>)>,
    next: impl Fn(Ix) -> Vec<Ix>,
) -> Vec<(Ix, Option<Ix>)> {
    let mut head = 0;
    while head < out.len() && out.len() <= LIST_LIMIT {
        let (v, _) = out[head];
        head += 1;
        for w in next(v) {
            if seen.insert(w) {
                out.push((w, Some(v)));
            }
        }
    }
    out
}

/// Keeps the first of each record.
pub(super) fn dedup(v: &mut Vec<Ix>) {
    let mut seen = FxHashSet::default();
    v.retain(|i| seen.insert(*i));
}
