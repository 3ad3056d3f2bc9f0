//! The change calendar (`changes.html`): the month grid of Changes, Releases
//! and freezes with their conflicts (and `changes.ics`, the same as a feed),
//! changes by type and status, the most recent changes.

use super::context::{Cx, LIST_LIMIT};
use crate::link::Ix;
use crate::model::spec::change::ChangeWindow;
use crate::model::types::Instant;
use crate::model::{Change, ChangeStatus, ChangeType, Field, Kind};
use crate::site::file::File;
use crate::site::theme::ThemeError;
use crate::site::view::Link;
use minijinja::Value as V;
use serde::Serialize;

/// The types of Changes, in the order of the matrix (the rows).
const TYPES: &[ChangeType] = ChangeType::ALL;
/// The statuses of Changes, in the order of the matrix (the columns).
const STATUSES: &[ChangeStatus] = ChangeStatus::ALL;

/// Changes counted by type and status.
type Matrix = [[usize; STATUSES.len()]; TYPES.len()];

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
    /// `changes.html` and `changes.ics`.
    pub(super) fn changes(&self) -> Result<Vec<File>, ThemeError> {
        let slots = super::schedule::slots(self.catalog);
        let calendar = self.calendar(&slots);
        let (matrix, recent) = self.change_matrix();
        let register: Vec<ChangeRow> = recent
            .iter()
            .take(LIST_LIMIT)
            .map(|(_, ch)| self.change_row(*ch))
            .collect();
        let page = self.page(
            "changes.html".into(),
            "changes.html",
            "Changes",
            minijinja::context! {
                calendar => V::from_serialize(&calendar),
                feed => super::ics::FEED,
                types => TYPES.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                statuses => STATUSES.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                matrix => matrix,
                register => V::from_serialize(&register),
                total => recent.len(),
            },
        )?;
        Ok(vec![page, self.feed(&slots)])
    }

    /// Changes counted by type and status, and every Change, the latest first
    /// (by the start of its window).
    fn change_matrix(&self) -> (Matrix, Vec<(String, Ix)>) {
        let c = self.catalog;
        let mut matrix = [[0usize; STATUSES.len()]; TYPES.len()];
        let mut recent: Vec<(String, Ix)> = Vec::new();
        for ch in c.of_kind(Kind::Change) {
            let spec = c.record(ch).spec.change();
            let t = spec
                .and_then(|s| s.change_type)
                .and_then(|t| TYPES.iter().position(|x| *x == t));
            let s = STATUSES.iter().position(|x| *x == status_or_proposed(spec));
            if let (Some(t), Some(s)) = (t, s) {
                matrix[t][s] += 1;
            }
            let start = window(spec).and_then(|w| w.start.as_ref());
            recent.push((start.map(|i| i.at.to_string()).unwrap_or_default(), ch));
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
                let spec = self.catalog.record(ch).spec.change();
                use ChangeStatus::{Cancelled, Implemented, RolledBack};
                if matches!(
                    status_or_proposed(spec),
                    Cancelled | Implemented | RolledBack
                ) {
                    return None;
                }
                let w = window(spec)?;
                let (start, end) = (w.start.as_ref()?.at, w.end.as_ref()?.at);
                (Some(end) >= start_of_today).then(|| (start, self.change_row(ch)))
            })
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.link.id.cmp(&b.1.link.id)));
        rows.into_iter().map(|(_, r)| r).collect()
    }

    fn change_row(&self, ch: Ix) -> ChangeRow {
        let spec = self.catalog.record(ch).spec.change();
        let text = |s: Option<&'static str>| s.unwrap_or("").to_string();
        let w = window(spec);
        ChangeRow {
            link: self.link(ch).clone(),
            kind: text(spec.and_then(|s| s.change_type).map(ChangeType::as_str)),
            risk: text(spec.and_then(|s| s.risk).map(|r| r.as_str())),
            status: text(spec.and_then(|s| s.status).map(ChangeStatus::as_str)),
            start: w
                .and_then(|w| w.start.as_ref())
                .map(when)
                .unwrap_or_default(),
            end: w.and_then(|w| w.end.as_ref()).map(when).unwrap_or_default(),
            impacts: self
                .catalog
                .targets(ch, Field::Impacts)
                .map(|i| self.link(i).clone())
                .collect(),
        }
    }
}

/// A Change's status; a Change that gives none is proposed.
fn status_or_proposed(spec: Option<&Change>) -> ChangeStatus {
    spec.and_then(|s| s.status)
        .unwrap_or(ChangeStatus::Proposed)
}

/// A Change's implementation window.
fn window(spec: Option<&Change>) -> Option<&ChangeWindow> {
    spec?.window.as_ref()
}

/// An instant as `YYYY-MM-DD HH:MM UTC`.
fn when(i: &Instant) -> String {
    i.at.strftime("%Y-%m-%d %H:%M UTC").to_string()
}
