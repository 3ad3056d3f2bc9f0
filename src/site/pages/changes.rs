//! The change calendar (`changes.html`): upcoming changes by month, changes by
//! type and status, the most recent changes.

use super::context::{Cx, LIST_LIMIT};
use crate::link::Ix;
use crate::model::{Field, Kind};
use crate::site::file::File;
use crate::site::view::Link;
use crate::time::instant;
use anyhow::Result;
use minijinja::Value as V;
use serde::Serialize;

/// The types of Changes, in the order of the matrix.
const TYPES: [&str; 3] = ["standard", "normal", "emergency"];
/// The statuses of Changes, in the order of the matrix.
const STATUSES: [&str; 5] = [
    "proposed",
    "scheduled",
    "implemented",
    "rolled-back",
    "cancelled",
];

/// A Change in a table.
#[derive(Serialize)]
pub(super) struct ChangeRow {
    pub link: Link,
    kind: String,
    risk: String,
    status: String,
    pub start: String,
    end: String,
    impacts: Vec<Link>,
}

impl Cx<'_> {
    /// `changes.html`.
    pub(super) fn changes(&self) -> Result<File> {
        let mut months: Vec<(String, Vec<ChangeRow>)> = Vec::new();
        for row in self.upcoming().into_iter().take(LIST_LIMIT) {
            let month = row.start.get(..7).unwrap_or("").to_string();
            match months.last_mut() {
                Some((m, rows)) if *m == month => rows.push(row),
                _ => months.push((month, vec![row])),
            }
        }
        let (matrix, recent) = self.change_matrix();
        let register: Vec<ChangeRow> = recent
            .iter()
            .take(LIST_LIMIT)
            .map(|(_, ch)| self.change_row(*ch))
            .collect();
        self.page(
            "changes.html".into(),
            "changes.html",
            "Changes",
            minijinja::context! {
                months => V::from_serialize(&months),
                types => TYPES,
                statuses => STATUSES,
                matrix => matrix,
                register => V::from_serialize(&register),
                total => recent.len(),
            },
        )
    }

    /// Changes counted by type and status, and every Change, the latest first
    /// (by the start of its window).
    fn change_matrix(&self) -> ([[usize; 5]; 3], Vec<(String, Ix)>) {
        let c = self.catalog;
        let mut matrix = [[0usize; 5]; 3];
        let mut recent: Vec<(String, Ix)> = Vec::new();
        for ch in c.of_kind(Kind::Change) {
            let r = c.record(ch);
            let t = r
                .str("/spec/type")
                .and_then(|t| TYPES.iter().position(|x| *x == t));
            let s = r
                .str("/spec/status")
                .or(Some("proposed"))
                .and_then(|s| STATUSES.iter().position(|x| *x == s));
            if let (Some(t), Some(s)) = (t, s) {
                matrix[t][s] += 1;
            }
            let start = r
                .str("/spec/window/start")
                .and_then(instant)
                .map(|t| t.to_string());
            recent.push((start.unwrap_or_default(), ch));
        }
        recent.sort_by(|a, b| b.0.cmp(&a.0));
        (matrix, recent)
    }

    /// Changes whose window has not ended, soonest first.
    pub(super) fn upcoming(&self) -> Vec<ChangeRow> {
        let start_of_today = self
            .today
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .ok();
        let mut rows: Vec<(jiff::Timestamp, ChangeRow)> = self
            .catalog
            .of_kind(Kind::Change)
            .filter_map(|ch| {
                let r = self.catalog.record(ch);
                let status = r.str("/spec/status").unwrap_or("proposed");
                if matches!(status, "cancelled" | "implemented" | "rolled-back") {
                    return None;
                }
                let end = r.str("/spec/window/end").and_then(instant)?;
                let start = r.str("/spec/window/start").and_then(instant)?;
                (Some(end) >= start_of_today).then(|| (start, self.change_row(ch)))
            })
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.link.id.cmp(&b.1.link.id)));
        rows.into_iter().map(|(_, r)| r).collect()
    }

    fn change_row(&self, ch: Ix) -> ChangeRow {
        let r = self.catalog.record(ch);
        let s = |p: &str| r.str(p).unwrap_or("").to_string();
        ChangeRow {
            link: self.link(ch).clone(),
            kind: s("/spec/type"),
            risk: s("/spec/risk"),
            status: s("/spec/status"),
            start: r.str("/spec/window/start").map(when).unwrap_or_default(),
            end: r.str("/spec/window/end").map(when).unwrap_or_default(),
            impacts: self
                .catalog
                .targets(ch, Field::Impacts)
                .map(|i| self.link(i).clone())
                .collect(),
        }
    }
}

/// An instant as `YYYY-MM-DD HH:MM UTC`.
fn when(s: &str) -> String {
    instant(s)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| s.to_string())
}
