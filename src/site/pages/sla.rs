//! SLA history, as `itsm report sla` counts it ([`crate::report::sla`], the
//! rows computed once per build in [`super::context::sla_rows`]): on a
//! Service's page its last windows met or breached and its Incidents against
//! their resolution targets; `sla.html`, every Service's windows.

use super::context::{Cx, LIST_LIMIT, SLA_WINDOWS};
use super::panel::{self, a, end_table, instant, panel, table, verdict};
use crate::html::esc;
use crate::link::Ix;
use crate::model::{Field, Kind};
use crate::report::sla::{IncidentRow, ServiceSla, human_duration};
use crate::site::file::File;
use crate::site::theme::ThemeError;
use crate::site::view::{Panel, RECORD_ROOT};
use minijinja::Value as V;
use serde::Serialize;

/// Services listed per window kind on `sla.html` (breaches first).
const PAGE_ROWS: usize = 2 * LIST_LIMIT;

impl Cx<'_> {
    /// The SLA history of Service `ix`: its windows newest first, then its Incidents.
    pub(super) fn sla_history(&self, ix: Ix) -> Option<Panel> {
        let c = self.catalog;
        let row = self.sla.get(&c.record(ix).id.name)?.history.as_ref()?;
        let sla = c.targets(ix, Field::Sla).next()?;
        let mut html = match row.windows.len() {
            1 => format!("<p>The current {} window under ", esc(&row.window)),
            n => format!("<p>The last {n} {} windows under ", esc(&row.window)),
        };
        a(&mut html, RECORD_ROOT, self.link(sla));
        html.push_str(&format!(
            " (target {}%{}), as <code>itsm report sla</code> counts them: {}.</p>\n",
            row.target,
            if row.support_hours == "business" {
                ", business hours"
            } else {
                ""
            },
            match breaches(row) {
                0 => "every window met".to_string(),
                n => format!("<strong class=\"bad\">{n} breached</strong>"),
            }
        ));
        self.windows_table(&mut html, row);
        self.incidents_table(&mut html, row);
        Some(panel("sla-history", "SLA history", html))
    }

    /// Each window, newest first: availability, outage, met or breached.
    fn windows_table(&self, html: &mut String, row: &ServiceSla) {
        table(
            html,
            "sla-windows",
            &["Window", "Availability", "Outage", "Result"],
        );
        for w in row.windows.iter().rev() {
            let mut label = esc(&w.period.label);
            if w.period.end > self.today {
                label.push_str(" (to date)");
            }
            let cells = [
                label,
                format!("{:.3}%", w.attainment.availability),
                human_duration(w.attainment.outage_seconds),
                verdict(w.attainment.met, "met", "breached"),
            ];
            panel::row(html, (!w.attainment.met).then_some("breached"), &cells);
        }
        end_table(html);
    }

    /// The Incidents of the stretch, by start: resolution against target.
    fn incidents_table(&self, html: &mut String, row: &ServiceSla) {
        if row.incidents.is_empty() {
            html.push_str("<p class=\"none\">No Incident against it in these windows.</p>");
            return;
        }
        table(
            html,
            "sla-incidents",
            &[
                "Incident",
                "Priority",
                "Impact",
                "Started",
                "Resolution",
                "Target",
                "Result",
            ],
        );
        for i in row.incidents.iter().rev().take(LIST_LIMIT) {
            let cells = [
                self.incident_link(i),
                esc(&i.priority),
                esc(&i.impact),
                instant(&i.started),
                resolution(i),
                i.target_seconds.map_or("-".into(), human_duration),
                incident_verdict(i),
            ];
            panel::row(html, i.breached.then_some("breached"), &cells);
        }
        end_table(html);
        if row.incidents.len() > LIST_LIMIT {
            html.push_str(&format!(
                "<p>and {} more.</p>",
                row.incidents.len() - LIST_LIMIT
            ));
        }
    }

    fn incident_link(&self, i: &IncidentRow) -> String {
        let mut out = String::new();
        match self.catalog.find(Kind::Incident, &i.incident) {
            Some(ix) => a(&mut out, RECORD_ROOT, self.link(ix)),
            None => out.push_str(&esc(&i.incident)),
        }
        out
    }

    /// `sla.html`: every Service's windows, by kind of window, breaches first.
    pub(super) fn sla_page(&self) -> Result<File, ThemeError> {
        let mut rows: Vec<&ServiceSla> = self
            .sla
            .iter()
            .filter_map(|(_, r)| r.history.as_ref())
            .collect();
        rows.sort_by(|a, b| a.service.cmp(&b.service));
        let groups: Vec<Group> = ["monthly", "quarterly", "yearly"]
            .into_iter()
            .filter_map(|w| self.group(w, &rows))
            .collect();
        let breached = rows.iter().filter(|r| breaches(r) > 0).count();
        let extra = minijinja::context! {
            groups => V::from_serialize(&groups),
            services => rows.len(),
            breached => breached,
            windows => SLA_WINDOWS,
            date => self.today.to_string(),
        };
        self.page("sla.html".into(), "sla.html", "SLA report", extra)
    }

    /// The Services whose SLA has `window` windows, most breaches first, at most [`PAGE_ROWS`].
    fn group(&self, window: &str, rows: &[&ServiceSla]) -> Option<Group> {
        let mut of: Vec<&ServiceSla> = rows
            .iter()
            .copied()
            .filter(|r| r.window == window)
            .collect();
        if of.is_empty() {
            return None;
        }
        of.sort_by_key(|r| std::cmp::Reverse(breaches(r)));
        let columns: Vec<String> = of
            .iter()
            .max_by_key(|r| r.windows.len())
            .map(|r| {
                r.windows
                    .iter()
                    .rev()
                    .map(|w| w.period.label.clone())
                    .collect()
            })
            .unwrap_or_default();
        let more = of.len().saturating_sub(PAGE_ROWS);
        let lines = of
            .iter()
            .take(PAGE_ROWS)
            .map(|r| self.sla_line(r, &columns))
            .collect();
        Some(Group {
            window: window.to_string(),
            columns,
            lines,
            more,
        })
    }

    /// A Service's row of `sla.html`: a cell per column (window label).
    fn sla_line(&self, r: &ServiceSla, columns: &[String]) -> Line {
        let c = self.catalog;
        let path = |kind, name: &str| c.find(kind, name).map(|ix| self.link(ix).path.to_string());
        Line {
            service: r.title.clone(),
            service_path: path(Kind::Service, &r.service),
            sla: r.sla.clone(),
            sla_path: path(Kind::Sla, &r.sla),
            target: format!("{}%", r.target),
            breached: breaches(r),
            cells: columns
                .iter()
                .map(|label| {
                    let w = r.windows.iter().find(|w| &w.period.label == label)?;
                    Some(Cell {
                        percent: format!("{:.3}%", w.attainment.availability),
                        met: w.attainment.met,
                        outage: human_duration(w.attainment.outage_seconds),
                    })
                })
                .collect(),
        }
    }
}

/// Windows breached.
fn breaches(r: &ServiceSla) -> usize {
    r.windows.iter().filter(|w| !w.attainment.met).count()
}

/// `1h 10m`, or `open for 2d 3h 0m`.
pub(super) fn resolution(i: &IncidentRow) -> String {
    let took = i.resolution_seconds.map_or("-".into(), human_duration);
    match i.resolved {
        Some(_) => took,
        None => format!("open for {took}"),
    }
}

/// `met`, `breached`, `no target`, or `started before` (the period).
pub(super) fn incident_verdict(i: &IncidentRow) -> String {
    match (i.started_in_period, i.target_seconds) {
        (false, _) => "started before".into(),
        (true, None) => "no target".into(),
        (true, Some(_)) => verdict(!i.breached, "met", "breached"),
    }
}

/// The Services of one kind of window on `sla.html`.
#[derive(Serialize)]
struct Group {
    window: String,
    /// The windows, newest first.
    columns: Vec<String>,
    lines: Vec<Line>,
    /// Services left out (with as many breaches as the last listed, or fewer).
    more: usize,
}

#[derive(Serialize)]
struct Line {
    service: String,
    service_path: Option<String>,
    sla: String,
    sla_path: Option<String>,
    target: String,
    breached: usize,
    /// A cell per column; `None` before the SLA took effect.
    cells: Vec<Option<Cell>>,
}

#[derive(Serialize)]
struct Cell {
    percent: String,
    met: bool,
    outage: String,
}
