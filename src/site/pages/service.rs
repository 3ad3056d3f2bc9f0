//! What a Service's page shows besides its fields: everything it depends on
//! and everything that depends on it, its changes, incidents and problems, its
//! availability and its dependency graph.

use super::context::Cx;
use super::related::{dedup, reach, reach_from};
use crate::link::Ix;
use crate::model::{Field, Kind, Record};
use crate::site::view::{Availability, Panel, Section};
use rustc_hash::{FxHashMap, FxHashSet};

/// Nodes of a Service's graph.
const GRAPH_LIMIT: usize = 80;

impl<'a> Cx<'a> {
    /// The lists of a Service's page.
    pub(super) fn service_sections(&self, ix: Ix) -> Vec<Section<'a>> {
        let c = self.catalog;
        let deps = reach(ix, |v| c.targets(v, Field::DependsOn).collect());
        let dependents = self.dependent_services(ix);
        let cis: Vec<Ix> = c.targets(ix, Field::Cis).collect();
        let under = reach_from(&cis, |v| c.targets(v, Field::DependsOn).collect());
        let suppliers: Vec<Ix> = c.targets(ix, Field::Suppliers).collect();
        let mut changes: Vec<Ix> = c.sources(ix, Field::Impacts).collect();
        for ci in &cis {
            changes.extend(c.sources(*ci, Field::Impacts));
        }
        dedup(&mut changes);
        let incidents: Vec<Ix> = c
            .sources(ix, Field::Services)
            .filter(|i| c.record(*i).id.kind == Kind::Incident)
            .collect();
        let problems = self.problems_of(&incidents);
        let incident_note = |i: Ix| {
            let spec = c.record(i).spec.incident();
            format!(
                "{} {}",
                spec.and_then(|s| s.priority).map_or("", |p| p.as_str()),
                spec.and_then(|s| s.impact).map_or("", |p| p.as_str())
            )
        };
        let releases: Vec<Ix> = c
            .sources(ix, Field::Services)
            .filter(|r| c.record(*r).id.kind == Kind::Release)
            .collect();
        let mut out = vec![
            self.reached("Depends on (transitively)", &deps, self.via(&deps)),
            self.reached(
                "Depended on by (transitively)",
                &dependents,
                self.via(&dependents),
            ),
            self.reached("Configuration items", &under, self.via(&under)),
            self.section("Suppliers".into(), suppliers, |_| String::new()),
            self.section("Changes".into(), changes, |_| String::new()),
            self.section("Incidents".into(), incidents, incident_note),
            self.section("Problems".into(), problems, |_| String::new()),
            self.section("Releases".into(), releases, |r| release_note(c.record(r))),
        ];
        out.retain(|s| !s.items.is_empty() || s.title.starts_with("Depend"));
        out
    }

    /// The blocks of a Service's page: its SLA history, continuity and capacity.
    pub(super) fn service_panels(&self, ix: Ix) -> Vec<Panel> {
        [
            self.sla_history(ix),
            self.continuity_panel(ix),
            self.capacity_panel(ix),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The Services that depend on `ix`, transitively.
    fn dependent_services(&self, ix: Ix) -> Vec<(Ix, Option<Ix>)> {
        let c = self.catalog;
        reach(ix, |v| {
            c.sources(v, Field::DependsOn)
                .filter(|s| c.record(*s).id.kind == Kind::Service)
                .collect()
        })
    }

    /// The Problems related to any of `incidents`, either way round.
    fn problems_of(&self, incidents: &[Ix]) -> Vec<Ix> {
        let c = self.catalog;
        let mut problems: Vec<Ix> = incidents
            .iter()
            .flat_map(|i| {
                c.targets(*i, Field::Problem)
                    .chain(c.sources(*i, Field::Incidents))
            })
            .filter(|p| c.record(*p).id.kind == Kind::Problem)
            .collect();
        dedup(&mut problems);
        problems
    }

    /// The note of a record reached by a walk: the record it was reached through.
    pub(super) fn via(&self, found: &[(Ix, Option<Ix>)]) -> impl Fn(Ix) -> String + 'a {
        let c = self.catalog;
        let map: FxHashMap<Ix, Option<Ix>> = found.iter().copied().collect();
        move |i: Ix| match map.get(&i).copied().flatten() {
            Some(p) => format!("via {}", c.record(p).title()),
            None => "direct".to_string(),
        }
    }

    /// The Service's availability over its SLA's current window: the figures of
    /// `itsm report sla` (outages merged, clipped, within support hours).
    pub(super) fn availability(&self, ix: Ix) -> Option<Availability> {
        let c = self.catalog;
        let row = &self.sla.get(&c.record(ix).id.name)?.current;
        let sla = c.targets(ix, Field::Sla).next()?;
        let incidents = row
            .incidents
            .iter()
            .filter(|i| i.outage_seconds > 0)
            .filter_map(|i| c.find(Kind::Incident, &i.incident))
            .map(|i| self.link(i).clone())
            .collect();
        Some(Availability {
            window: row.window.clone(),
            support_hours: row.support_hours.clone(),
            from: row.period.start.to_string(),
            to: row.period.end.yesterday().ok()?.to_string(),
            outage_minutes: format!("{:.0}", row.outage_seconds as f64 / 60.0),
            percent: format!("{:.3}", row.availability),
            target: Some(format!("{}", row.target)),
            met: row.met,
            sla: self.link(sla).clone(),
            incidents,
        })
    }

    /// The graph of a Service's page: what it depends on, what depends on it,
    /// its CIs and what they depend on (at most [`GRAPH_LIMIT`] nodes).
    pub(super) fn service_graph(&self, ix: Ix, prefix: &str) -> String {
        let c = self.catalog;
        let mut set: Vec<Ix> = vec![ix];
        let mut seen: FxHashSet<Ix> = FxHashSet::from_iter([ix]);
        let mut add = |v: Ix, set: &mut Vec<Ix>| {
            if set.len() < GRAPH_LIMIT && seen.insert(v) {
                set.push(v);
            }
        };
        for (v, _) in reach(ix, |v| c.targets(v, Field::DependsOn).collect()) {
            add(v, &mut set);
        }
        for (v, _) in self.dependent_services(ix) {
            add(v, &mut set);
        }
        let cis: Vec<Ix> = c.targets(ix, Field::Cis).collect();
        for ci in &cis {
            add(*ci, &mut set);
        }
        for ci in &cis {
            for d in c.targets(*ci, Field::DependsOn) {
                add(d, &mut set);
            }
        }
        self.draw("graph-deps", &set, Some(ix), prefix)
    }
}

/// A Release's window (`2026-11-05 21:00 UTC to 2026-11-05 23:00 UTC`); its
/// status is the list's state column.
fn release_note(r: &Record) -> String {
    r.spec
        .release()
        .and_then(|spec| {
            let w = spec.window.as_ref()?;
            let (a, b) = (w.start.as_ref()?, w.end.as_ref()?);
            Some(format!("{} to {}", utc(a.at), utc(b.at)))
        })
        .unwrap_or_default()
}

/// An instant as `2026-11-05 21:00 UTC`.
fn utc(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}
