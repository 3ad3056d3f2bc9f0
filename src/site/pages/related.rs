//! The lists of related records on a record's page, each relation once: the
//! records it names, the records that refer to it, and the walks along the
//! dependencies that Services and CIs show.

use super::context::{Cx, LIST_LIMIT, plural};
use super::record::{in_panels, label};
use crate::link::Ix;
use crate::model::{Field, Kind, Record, RefField};
use crate::site::view::{Item, Section};
use crate::value::Value;
use rustc_hash::FxHashSet;

impl<'a> Cx<'a> {
    /// The records that record `ix` names in its own top-level reference
    /// fields, one list per field: not its owner and SLA (the card shows them)
    /// nor what the kind's own lists or panels show.
    pub(super) fn outgoing_sections(&self, ix: Ix) -> Vec<Section<'a>> {
        let kind = self.catalog.record(ix).id.kind;
        kind.ref_fields()
            .iter()
            .filter(|f| listed(kind, f) && !in_panels(kind, f.path[1]))
            .filter_map(|f| {
                let ixs: Vec<Ix> = self.catalog.targets(ix, f.field).collect();
                (!ixs.is_empty()).then(|| self.section(label(f.path[1]), ixs, |_| String::new()))
            })
            .collect()
    }

    /// Whether spec field `key` (`v`) of record `ix` is shown in full by a
    /// list of related records (then it is not repeated as a fact): every
    /// reference in it names a record.
    pub(super) fn in_lists(&self, ix: Ix, r: &Record, key: &str, v: &Value) -> bool {
        let kind = r.id.kind;
        let Some(f) = kind
            .ref_fields()
            .iter()
            .find(|f| f.path.len() == 2 && f.path[1] == key)
        else {
            return false;
        };
        if !listed(kind, f) && !own_list(kind, f.field) {
            return false;
        }
        let written = match v {
            Value::Seq(items) => items.len(),
            _ => 1,
        };
        self.catalog.targets(ix, f.field).count() >= written
    }

    /// Records that refer to this one, grouped by what they say about it;
    /// those already in `shown` (the records it names) are left out.
    pub(super) fn incoming_sections(&self, ix: Ix, shown: &FxHashSet<Ix>) -> Vec<Section<'a>> {
        let kind = self.catalog.record(ix).id.kind;
        let mut groups: Vec<((Kind, Field), Vec<Ix>)> = Vec::new();
        for l in self.catalog.inc(ix) {
            let from_kind = self.catalog.record(l.from).id.kind;
            if handled(kind, from_kind, l.field) || shown.contains(&l.from) {
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
        let items: Vec<Item<'a>> = ixs
            .into_iter()
            .map(|i| Item {
                link: self.link(i),
                state: state(self.catalog.record(i)),
                note: note(i),
            })
            .collect();
        Section {
            title,
            notes: items.iter().any(|i| !i.note.is_empty()),
            kinds: items.iter().any(|i| i.link.kind != items[0].link.kind),
            items,
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
        // The direct neighbours first.
        let direct: FxHashSet<&str> = found
            .iter()
            .filter(|(_, via)| via.is_none())
            .map(|(i, _)| &*self.link(*i).id)
            .collect();
        s.items.sort_by_key(|i| !direct.contains(&*i.link.id));
        if found.len() > LIST_LIMIT {
            s.cut = true;
            s.more = 0;
        }
        s
    }
}

/// Whether reference field `f` of a record of `kind` has a list of its own
/// on the record's page: a top-level field of whole records, not the owner
/// or the SLA (in the card), not one the kind's own lists show.
fn listed(kind: Kind, f: &RefField) -> bool {
    f.path.len() == 2
        && !f.parts
        && !matches!(f.field, Field::Owner | Field::Sla)
        && !own_list(kind, f.field)
}

/// Reference fields that the kind's own lists show (with what they reach).
fn own_list(kind: Kind, field: Field) -> bool {
    match kind {
        Kind::Service => matches!(field, Field::DependsOn | Field::Cis | Field::Suppliers),
        Kind::Ci => field == Field::DependsOn,
        _ => false,
    }
}

/// A record's `status`, else its `lifecycle`, as written.
fn state(r: &Record) -> &str {
    let mut lifecycle = None;
    for (key, value) in r.spec_fields() {
        match (&**key, value.as_str()) {
            ("status", Some(status)) => return status,
            ("lifecycle", Some(l)) => lifecycle = Some(l),
            _ => {}
        }
    }
    lifecycle.unwrap_or("")
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
