//! A Customer's page (ISO/IEC 20000-1 8.3.2): the Services it consumes (under
//! its SLAs, or naming it in `customers`) with their availability in the
//! current window as `itsm report sla` counts it, and its satisfaction over
//! time as a chart and a table.

use super::context::{Cx, LIST_LIMIT};
use super::panel::{a, end_table, panel, row, table, verdict};
use crate::html::esc;
use crate::link::Ix;
use crate::model::{Field, Kind};
use crate::site::chart::{self, Chart, Series};
use crate::site::view::{Panel, RECORD_ROOT};

impl Cx<'_> {
    /// The panels of Customer `ix`'s page.
    pub(super) fn customer_panels(&self, ix: Ix) -> Vec<Panel> {
        [self.customer_services(ix), self.satisfaction(ix)]
            .into_iter()
            .flatten()
            .collect()
    }

    /// The Services of Customer `ix` and how it gets each: through which SLA,
    /// or named in the Service's `customers`. At most [`LIST_LIMIT`] + 1.
    fn consumed(&self, ix: Ix) -> Vec<(Ix, Option<Ix>)> {
        let c = self.catalog;
        let mut slas: Vec<Ix> = c.sources(ix, Field::Customer).collect();
        slas.sort_by(|x, y| c.record(*x).id.name.cmp(&c.record(*y).id.name));
        let through_slas = slas.into_iter().flat_map(|sla| {
            c.sources(sla, Field::Sla)
                .filter(|s| c.record(*s).id.kind == Kind::Service)
                .map(move |s| (s, Some(sla)))
        });
        let named = c
            .sources(ix, Field::Customers)
            .filter(|s| c.record(*s).id.kind == Kind::Service)
            .map(|s| (s, None));
        let mut seen = rustc_hash::FxHashSet::default();
        through_slas
            .chain(named)
            .filter(|(s, _)| seen.insert(*s))
            .take(LIST_LIMIT + 1)
            .collect()
    }

    /// The table of the Services consumed, with their current availability.
    fn customer_services(&self, ix: Ix) -> Option<Panel> {
        let mut services = self.consumed(ix);
        if services.is_empty() && self.catalog.sources(ix, Field::Customer).next().is_none() {
            return None;
        }
        let cut = services.len() > LIST_LIMIT;
        services.truncate(LIST_LIMIT);
        let mut html = String::new();
        table(
            &mut html,
            "customer-services",
            &[
                "Service",
                "Through",
                "SLA window",
                "Availability",
                "Target",
                "Result",
            ],
        );
        for (s, sla) in services {
            let cells = self.service_cells(s, sla);
            row(&mut html, None, &cells);
        }
        end_table(&mut html);
        if cut {
            html.push_str(&format!(
                "<p class=\"meta\">and more: the list stops at {LIST_LIMIT} Services.</p>\n"
            ));
        }
        Some(panel("customer-services", "Services and SLAs", html))
    }

    /// A Service's row: how the Customer gets it, its current window.
    fn service_cells(&self, s: Ix, through: Option<Ix>) -> [String; 6] {
        let c = self.catalog;
        let mut service = String::new();
        a(&mut service, RECORD_ROOT, self.link(s));
        let mut how = String::new();
        match through {
            Some(sla) => a(&mut how, RECORD_ROOT, self.link(sla)),
            None => how.push_str("named in its customers"),
        }
        let Some(row) = self.sla.get(&c.record(s).id.name).map(|r| &r.current) else {
            let none = || "-".to_string();
            return [service, how, "no SLA".into(), none(), none(), none()];
        };
        [
            service,
            how,
            esc(&row.period.label),
            format!("{:.3}%", row.availability),
            format!("{}%", row.target),
            verdict(row.met, "met", "breached"),
        ]
    }

    /// The satisfaction scores as a chart and a table, oldest first.
    fn satisfaction(&self, ix: Ix) -> Option<Panel> {
        let r = self.catalog.record(ix);
        let spec = r.spec.customer()?;
        let mut points: Vec<_> = spec
            .satisfaction
            .iter()
            .filter_map(|s| Some((s.date?, s, f64::from(s.score?.get()))))
            .collect();
        if points.is_empty() {
            return None;
        }
        points.sort_by_key(|(d, _, _)| *d);
        let skip = points.len().saturating_sub(LIST_LIMIT);
        let points = &points[skip..];
        let said: Vec<String> = points
            .iter()
            .map(|(d, _, v)| format!("{} on {d}", chart::num(*v)))
            .collect();
        let svg = chart::render(&Chart {
            label: format!(
                "Satisfaction of {}, from 1 to 5: {}",
                r.title(),
                said.join(", ")
            ),
            y_range: (1.0, 5.0),
            unit: "",
            levels: Vec::new(),
            series: vec![Series {
                points: points.iter().map(|(d, _, v)| (*d, *v)).collect(),
                class: "score",
            }],
        });
        let mut html =
            format!("<p>Scores from 1 (very dissatisfied) to 5 (very satisfied).</p>\n{svg}\n");
        table(&mut html, "satisfaction", &["Date", "Score", "Notes"]);
        for (d, s, v) in points.iter().rev() {
            let notes = s
                .notes
                .as_deref()
                .map_or(String::new(), |n| self.markdown(n, RECORD_ROOT));
            row(&mut html, None, &[d.to_string(), chart::num(*v), notes]);
        }
        end_table(&mut html);
        Some(panel("satisfaction", "Satisfaction", html))
    }
}
