//! Incident and Problem pages: how long an Incident took to resolve (or how
//! long it has been open) against the resolution target of the SLA of each
//! Service it affected, met or breached, as `itsm report sla` counts it
//! ([`crate::report::sla::incident_against`]). A Problem's Incidents the same
//! way: [`super::problem`].

use super::context::{Cx, LIST_LIMIT};
use super::panel::{a, end_table, instant, panel, row, table};
use crate::html::esc;
use crate::link::Ix;
use crate::model::{Field, Record};
use crate::report::sla::{IncidentRow, human_duration, incident_against};
use crate::site::view::{Panel, RECORD_ROOT};

/// Spec fields the Incident panel shows in full.
pub(super) const INCIDENT_FIELDS: &[&str] = &["services", "started", "resolved"];

/// An Incident against one affected Service: the Service's SLA and the
/// Incident's row against it.
pub(super) struct Against {
    service: Ix,
    pub sla: Option<Ix>,
    pub row: Option<IncidentRow>,
}

impl Cx<'_> {
    /// The panels of Incident `ix`'s page.
    pub(super) fn incident_panels(&self, ix: Ix) -> Vec<Panel> {
        let r = self.catalog.record(ix);
        if r.spec.incident().is_none() {
            return Vec::new();
        }
        let mut services: Vec<Ix> = self
            .catalog
            .targets(ix, Field::Services)
            .take(LIST_LIMIT + 1)
            .collect();
        let cut = services.len() > LIST_LIMIT;
        services.truncate(LIST_LIMIT);
        let against: Vec<Against> = services.into_iter().map(|s| self.against(r, s)).collect();
        let mut html = self.summary(r, &against);
        self.services_table(&mut html, r, &against);
        if cut {
            html.push_str(&format!(
                "<p class=\"meta\">and more: the list stops at {LIST_LIMIT} Services.</p>\n"
            ));
        }
        vec![panel(
            "resolution",
            "Resolution and affected Services",
            html,
        )]
    }

    /// Incident `r` against Service `s`'s SLA.
    pub(super) fn against(&self, r: &Record, s: Ix) -> Against {
        let sla = self.catalog.targets(s, Field::Sla).next();
        let row = incident_against(r, sla.map(|x| self.catalog.record(x)), self.today);
        Against {
            service: s,
            sla,
            row,
        }
    }

    /// `Resolved in 1h 10m (p1, from ... to ...)`: the resolution time the
    /// rows share (or one without a target when the Incident affects none).
    fn summary(&self, r: &Record, against: &[Against]) -> String {
        let row = against
            .iter()
            .find_map(|x| x.row.clone())
            .or_else(|| incident_against(r, None, self.today));
        let Some(row) = row else {
            return "<p class=\"none\">No time to resolve: <code>started</code> or \
                    <code>resolved</code> is not an RFC 3339 instant.</p>\n"
                .into();
        };
        let took = row.resolution_seconds.map_or("-".into(), human_duration);
        let priority = match row.priority.as_str() {
            "" => "no priority".to_string(),
            p => esc(p),
        };
        match &row.resolved {
            Some(end) => format!(
                "<p class=\"resolution\">Resolved in <strong>{took}</strong> ({priority}, \
                 from {} to {}).</p>\n",
                instant(&row.started),
                instant(end)
            ),
            None => format!(
                "<p class=\"resolution\">Open for <strong>{took}</strong> ({priority}, \
                 since {}; counted to the end of {}).</p>\n",
                instant(&row.started),
                self.today
            ),
        }
    }

    /// The affected Services with their tier, SLA, target and result.
    fn services_table(&self, html: &mut String, r: &Record, against: &[Against]) {
        if against.is_empty() {
            html.push_str("<p class=\"none\">No affected Service.</p>\n");
            return;
        }
        let priority = r
            .spec
            .incident()
            .and_then(|i| i.priority)
            .map_or(String::new(), |p| format!(" ({p})"));
        let target = format!("Resolution target{priority}");
        table(
            html,
            "incident-services",
            &["Service", "Tier", "SLA", &target, "Result"],
        );
        for x in against {
            let cells = self.against_cells(x);
            let breached = x.row.as_ref().is_some_and(|r| r.breached);
            row(html, breached.then_some("breached"), &cells);
        }
        end_table(html);
        html.push_str(
            "<p class=\"meta\">Resolution time against each target as \
             <code>itsm report sla</code> counts it, over the window the Incident started in.</p>\n",
        );
    }

    fn against_cells(&self, x: &Against) -> [String; 5] {
        let c = self.catalog;
        let mut service = String::new();
        a(&mut service, RECORD_ROOT, self.link(x.service));
        let tier = c
            .record(x.service)
            .spec
            .service()
            .and_then(|s| s.tier)
            .map_or("-".into(), |t| {
                format!("<span class=\"tier t{0}\">{0}</span>", t.get())
            });
        let mut sla = String::new();
        match x.sla {
            Some(s) => a(&mut sla, RECORD_ROOT, self.link(s)),
            None => sla.push_str("none"),
        }
        let target = x.row.as_ref().and_then(|r| r.target_seconds);
        [
            service,
            tier,
            sla,
            target.map_or("-".into(), human_duration),
            result(x.row.as_ref()),
        ]
    }
}

/// `met`, `breached` or `no target`, as the SLA report says.
pub(super) fn result(row: Option<&IncidentRow>) -> String {
    row.map_or("no target".into(), super::sla::incident_verdict)
}
