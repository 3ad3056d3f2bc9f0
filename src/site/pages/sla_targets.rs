//! An SLA's page: its targets as one table, a row per priority (time to first
//! response, time to resolution), under its availability target, window and
//! support hours.

use super::context::Cx;
use super::panel::{end_table, panel, row, table};
use crate::html::esc;
use crate::link::Ix;
use crate::model::{Priority, Sla};
use crate::site::view::Panel;
use crate::time::Duration;

/// Spec fields the targets panel shows in full.
pub(super) const SLA_FIELDS: &[&str] = &[
    "availability",
    "window",
    "supportHours",
    "response",
    "resolution",
];

const PRIORITIES: [Priority; 4] = [Priority::P1, Priority::P2, Priority::P3, Priority::P4];

impl Cx<'_> {
    /// The panels of SLA `ix`'s page.
    pub(super) fn sla_panels(&self, ix: Ix) -> Vec<Panel> {
        let r = self.catalog.record(ix);
        r.spec
            .sla()
            .map(|sla| panel("targets", "Targets", targets(sla)))
            .into_iter()
            .collect()
    }
}

/// `99.95 % monthly, support 24x7`, then the table by priority.
fn targets(sla: &Sla) -> String {
    let mut html = String::from("<p class=\"sla-terms\">");
    match sla.availability {
        Some(a) => html.push_str(&format!("Availability <strong>{a} %</strong>")),
        None => html.push_str("No availability target"),
    }
    match sla.window {
        Some(w) => html.push_str(&format!(", measured {}", w.as_str())),
        None => html.push_str(", no window"),
    }
    html.push_str(&format!(
        "; support hours <strong>{}</strong>.</p>\n",
        esc(sla.support_hours.as_deref().unwrap_or("24x7 (not stated)"))
    ));
    let response = |p| sla.response.as_ref().and_then(|r| r.get(p));
    let resolution = |p| sla.resolution.as_ref().and_then(|r| r.get(p));
    if PRIORITIES
        .iter()
        .all(|p| response(*p).is_none() && resolution(*p).is_none())
    {
        html.push_str("<p class=\"none\">No response or resolution target.</p>\n");
        return html;
    }
    table(
        &mut html,
        "sla-targets",
        &["Priority", "First response", "Resolution"],
    );
    for p in PRIORITIES {
        let cells = [
            p.as_str().to_string(),
            shown(response(p)),
            shown(resolution(p)),
        ];
        row(&mut html, None, &cells);
    }
    end_table(&mut html);
    html
}

/// A target as a person reads it (`4 h`), or `-`.
fn shown(d: Option<Duration>) -> String {
    d.map_or_else(|| "-".to_string(), Duration::readable)
}
