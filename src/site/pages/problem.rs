//! A Problem's page: its age (since its first Incident; the status is on the
//! about card), the Services its Incidents affected, and its Incidents with
//! their resolution time against the strictest target of the SLAs of the
//! Services each affected, as `itsm report sla` counts it (the rows of
//! [`super::resolution`]).

use super::context::{Cx, LIST_LIMIT};
use super::panel::{a, end_table, instant, panel, row, table};
use super::resolution::{Against, result};
use super::sla::resolution;
use crate::html::esc;
use crate::link::Ix;
use crate::model::{Field, Kind};
use crate::report::sla::{IncidentRow, human_duration, incident_against};
use crate::site::view::{Panel, RECORD_ROOT};

/// Spec fields the Problem panel shows in full.
pub(super) const PROBLEM_FIELDS: &[&str] = &["incidents", "status"];

/// An Incident of the Problem: its row against the SLA that judges it most
/// strictly (a breach first, then the shortest target), and that SLA.
struct Worst {
    incident: Ix,
    sla: Option<Ix>,
    row: Option<IncidentRow>,
}

impl Cx<'_> {
    /// The panels of Problem `ix`'s page.
    pub(super) fn problem_panels(&self, ix: Ix) -> Vec<Panel> {
        let r = self.catalog.record(ix);
        let Some(problem) = r.spec.problem() else {
            return Vec::new();
        };
        let mut incidents = self.problem_incidents(ix);
        let cut = incidents.len() > LIST_LIMIT;
        incidents.truncate(LIST_LIMIT);
        let mut rows: Vec<Worst> = incidents.into_iter().map(|i| self.worst(i)).collect();
        rows.sort_by(|x, y| started(y).cmp(started(x)));
        let status = problem.status.map_or("", |s| s.as_str());
        let mut html = self.problem_status(status, &rows);
        self.problem_services(&mut html, &rows);
        self.problem_table(&mut html, &rows);
        if cut {
            html.push_str(&format!(
                "<p class=\"meta\">and more: the list stops at {LIST_LIMIT} Incidents.</p>\n"
            ));
        }
        vec![panel("problem-incidents", "Age and Incidents", html)]
    }

    /// The Incidents of Problem `ix`: those it names and those that name it,
    /// each once, at most [`LIST_LIMIT`] + 1.
    fn problem_incidents(&self, ix: Ix) -> Vec<Ix> {
        let mut seen = rustc_hash::FxHashSet::default();
        self.catalog
            .targets(ix, Field::Incidents)
            .chain(self.catalog.sources(ix, Field::Problem))
            .filter(|i| self.catalog.record(*i).id.kind == Kind::Incident && seen.insert(*i))
            .take(LIST_LIMIT + 1)
            .collect()
    }

    /// Incident `i` against the SLA of each Service it affected (each SLA
    /// once): the strictest verdict, or a row without target.
    fn worst(&self, i: Ix) -> Worst {
        let r = self.catalog.record(i);
        let mut slas = rustc_hash::FxHashSet::default();
        let rows: Vec<Against> = self
            .catalog
            .targets(i, Field::Services)
            .take(LIST_LIMIT)
            .filter(|s| {
                let sla = self.catalog.targets(*s, Field::Sla).next();
                sla.is_some() && slas.insert(sla)
            })
            .map(|s| self.against(r, s))
            .collect();
        let key = |x: &Against| {
            let row = x.row.as_ref();
            (
                !row.is_some_and(|r| r.breached),
                row.and_then(|r| r.target_seconds).unwrap_or(i64::MAX),
            )
        };
        match rows.into_iter().min_by_key(key) {
            Some(x) => Worst {
                incident: i,
                sla: x.row.as_ref().and(x.sla),
                row: x.row,
            },
            None => Worst {
                incident: i,
                sla: None,
                row: incident_against(r, None, self.today),
            },
        }
    }

    /// `Its first Incident started ...`, or how long it has been unresolved
    /// since then.
    fn problem_status(&self, status: &str, rows: &[Worst]) -> String {
        // The status itself is on the about card.
        let mut html = String::from("<p class=\"problem-status\">");
        // Newest first: the last with a row started first.
        let Some((first, row)) = rows
            .iter()
            .filter_map(|w| Some((w.incident, w.row.as_ref()?)))
            .next_back()
        else {
            html.push_str("No Incident recorded against it.</p>\n");
            return html;
        };
        let since = instant(&row.started);
        let days = self
            .catalog
            .record(first)
            .spec
            .incident()
            .and_then(|i| i.started.as_ref())
            .map(|s| (self.today - s.at.to_zoned(jiff::tz::TimeZone::UTC).date()).get_days());
        match (status, days) {
            ("resolved", _) | (_, None) => {
                html.push_str(&format!("Its first Incident started {since}.</p>\n"))
            }
            (_, Some(d)) => html.push_str(&format!(
                "Unresolved for <strong>{d} days</strong>, since its first Incident started {since}.</p>\n"
            )),
        }
        html
    }

    /// `Services affected: ...`: the Services its Incidents affected, each
    /// once, in the order of the Incidents (newest first), at most
    /// [`LIST_LIMIT`].
    fn problem_services(&self, html: &mut String, rows: &[Worst]) {
        let mut seen = rustc_hash::FxHashSet::default();
        let services: Vec<Ix> = rows
            .iter()
            .flat_map(|w| self.catalog.targets(w.incident, Field::Services))
            .filter(|s| seen.insert(*s))
            .take(LIST_LIMIT + 1)
            .collect();
        if services.is_empty() {
            return;
        }
        html.push_str("<p class=\"problem-services\">Services affected: ");
        for (n, s) in services.iter().take(LIST_LIMIT).enumerate() {
            if n > 0 {
                html.push_str(", ");
            }
            a(html, RECORD_ROOT, self.link(*s));
        }
        if services.len() > LIST_LIMIT {
            html.push_str(" and more");
        }
        html.push_str(".</p>\n");
    }

    /// The Incidents, newest first: priority, start, resolution, target, result.
    fn problem_table(&self, html: &mut String, rows: &[Worst]) {
        if rows.is_empty() {
            return;
        }
        table(
            html,
            "problem-incidents",
            &[
                "Incident",
                "Priority",
                "Started",
                "Resolution",
                "Target",
                "Result",
            ],
        );
        for w in rows {
            let row_ = w.row.as_ref();
            let mut incident = String::new();
            a(&mut incident, RECORD_ROOT, self.link(w.incident));
            let mut target = row_
                .and_then(|r| r.target_seconds)
                .map_or("-".into(), human_duration);
            if let Some(sla) = w.sla {
                target.push_str(" (");
                a(&mut target, RECORD_ROOT, self.link(sla));
                target.push(')');
            }
            let cells = [
                incident,
                row_.map_or(String::new(), |r| esc(&r.priority)),
                row_.map_or("-".into(), |r| instant(&r.started)),
                row_.map_or("-".into(), resolution),
                target,
                result(row_),
            ];
            let breached = row_.is_some_and(|r| r.breached);
            row(html, breached.then_some("breached"), &cells);
        }
        end_table(html);
    }
}

/// When an Incident started, as written in its row (UTC, so it sorts).
fn started(w: &Worst) -> &str {
    w.row.as_ref().map_or("", |r| r.started.as_str())
}
