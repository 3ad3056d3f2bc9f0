//! The month grid of `changes.html`: the current month and the next ones with
//! anything scheduled, each day with the Changes and Releases whose window
//! covers it (UTC days), the freezes of `itsm.yaml` shaded, and the conflicts.

use super::context::{Cx, LIST_LIMIT};
use super::schedule::{self, Conflict, Slot};
use crate::freeze::Freeze;
use crate::model::Kind;
use crate::site::view::Link;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Months shown at most (the current one included).
const MONTHS: usize = 12;
/// How far ahead a month with something scheduled is still shown.
const HORIZON_MONTHS: i32 = 24;
/// Changes and Releases listed in one day before "and N more".
const PER_DAY: usize = 4;

/// The calendar as `changes.html` shows it.
#[derive(Serialize)]
pub(super) struct Calendar {
    pub months: Vec<Month>,
    pub conflicts: Vec<ConflictRow>,
    /// Conflicts beyond those listed.
    pub more_conflicts: usize,
}

/// One month of the grid, its weeks from Monday.
#[derive(Serialize)]
pub(super) struct Month {
    /// `YYYY-MM`, the anchor of its section.
    id: String,
    /// `November 2026`.
    label: String,
    prev: Option<String>,
    next: Option<String>,
    /// Seven cells a week; `None` outside the month.
    weeks: Vec<Vec<Option<Day>>>,
}

#[derive(Serialize, Default)]
struct Day {
    day: i8,
    date: String,
    today: bool,
    /// The freezes that cover the day.
    freezes: Vec<FreezeMark>,
    /// A freeze starts here, or it is the first of the month.
    freeze_start: bool,
    entries: Vec<Entry>,
    more: usize,
}

/// A freeze on a day.
#[derive(Serialize)]
struct FreezeMark {
    reason: String,
    /// Its last day (or its end, when that is not a midnight).
    until: String,
    /// Shown in full: the freeze starts here, a week or a month starts here.
    head: bool,
}

/// A Change or a Release in a day.
#[derive(Serialize, Clone)]
struct Entry {
    link: Link,
    /// `change` or `release`.
    kind: &'static str,
    status: &'static str,
    conflict: bool,
}

/// Two windows that overlap on a shared Service or CI.
#[derive(Serialize)]
pub(super) struct ConflictRow {
    a: Link,
    a_when: String,
    b: Link,
    b_when: String,
    on: Link,
}

impl Cx<'_> {
    /// The calendar from the month of `today`.
    pub(super) fn calendar(&self, slots: &[Slot]) -> Calendar {
        let (found, flagged) = schedule::conflicts(self.catalog, slots);
        let first = self.today.first_of_month();
        let freezes = &self.catalog.config().freezes;
        let shown = months_shown(first, slots, freezes);
        let mut days: FxHashMap<Date, Day> = FxHashMap::default();
        for (i, s) in slots.iter().enumerate() {
            let entry = self.entry(s, flagged[i]);
            for d in covered(s.start, s.end, &shown) {
                let day = days.entry(d).or_default();
                if day.entries.len() < PER_DAY {
                    day.entries.push(entry.clone());
                } else {
                    day.more += 1;
                }
            }
        }
        for f in freezes {
            mark_freeze(f, &shown, &mut days);
        }
        let months = self.months(&shown, days);
        let conflicts = found
            .iter()
            .take(LIST_LIMIT)
            .map(|c| self.conflict_row(c, slots))
            .collect();
        Calendar {
            months,
            conflicts,
            more_conflicts: found.len().saturating_sub(LIST_LIMIT),
        }
    }

    fn entry(&self, s: &Slot, conflict: bool) -> Entry {
        Entry {
            link: self.link(s.ix).clone(),
            kind: if s.kind == Kind::Release {
                "release"
            } else {
                "change"
            },
            status: s.status,
            conflict,
        }
    }

    fn conflict_row(&self, c: &Conflict, slots: &[Slot]) -> ConflictRow {
        let (a, b) = (&slots[c.a], &slots[c.b]);
        ConflictRow {
            a: self.link(a.ix).clone(),
            a_when: window_text(a.start, a.end),
            b: self.link(b.ix).clone(),
            b_when: window_text(b.start, b.end),
            on: self.link(c.on).clone(),
        }
    }

    /// The grid of each month of `shown`, its days filled from `days`.
    fn months(&self, shown: &[Date], mut days: FxHashMap<Date, Day>) -> Vec<Month> {
        let id = |d: &Date| d.strftime("%Y-%m").to_string();
        shown
            .iter()
            .enumerate()
            .map(|(i, first)| {
                let mut cells: Vec<Option<Day>> = (0..first.weekday().to_monday_zero_offset())
                    .map(|_| None)
                    .collect();
                for n in 1..=first.days_in_month() {
                    let date = first.with().day(n).build().unwrap_or(*first);
                    let mut day = days.remove(&date).unwrap_or_default();
                    day.day = n;
                    day.date = date.to_string();
                    day.today = date == self.today;
                    cells.push(Some(day));
                }
                while !cells.len().is_multiple_of(7) {
                    cells.push(None);
                }
                let mut weeks = Vec::new();
                let mut cells = cells.into_iter().peekable();
                while cells.peek().is_some() {
                    weeks.push(cells.by_ref().take(7).collect());
                }
                Month {
                    id: id(first),
                    label: first.strftime("%B %Y").to_string(),
                    prev: i.checked_sub(1).and_then(|p| shown.get(p)).map(id),
                    next: shown.get(i + 1).map(id),
                    weeks,
                }
            })
            .collect()
    }
}

/// Marks the days of `shown` that the freeze `f` covers.
fn mark_freeze(f: &Freeze, shown: &[Date], days: &mut FxHashMap<Date, Day>) {
    let first = utc_date(f.start);
    let until = match f.end.to_zoned(TimeZone::UTC) {
        z if z.time() == jiff::civil::Time::midnight() => {
            last_day(f.end).map(|d| d.to_string()).unwrap_or_default()
        }
        z => z.strftime("%Y-%m-%d %H:%M UTC").to_string(),
    };
    for d in covered(f.start, f.end, shown) {
        let starts = Some(d) == first || d.day() == 1;
        let day = days.entry(d).or_default();
        day.freeze_start |= starts;
        day.freezes.push(FreezeMark {
            reason: f.reason.clone(),
            until: until.clone(),
            head: starts || d.weekday() == jiff::civil::Weekday::Monday,
        });
    }
}

/// The first days of the months shown: `first` (this month) and the later ones,
/// within the horizon, that a window or a freeze touches.
fn months_shown(first: Date, slots: &[Slot], freezes: &[Freeze]) -> Vec<Date> {
    let horizon: Vec<Date> = (0..HORIZON_MONTHS)
        .filter_map(|m| first.checked_add(m.months()).ok())
        .collect();
    let mut touched = vec![false; horizon.len()];
    touched[0] = true;
    let windows = slots.iter().map(|s| (s.start, s.end));
    for (start, end) in windows.chain(freezes.iter().map(|f| (f.start, f.end))) {
        let (Some(a), Some(b)) = (utc_date(start), last_day(end)) else {
            continue;
        };
        for (m, t) in horizon.iter().zip(touched.iter_mut()) {
            let last = m.last_of_month();
            *t |= a <= last && b >= *m;
        }
    }
    horizon
        .into_iter()
        .zip(touched)
        .filter_map(|(m, t)| t.then_some(m))
        .take(MONTHS)
        .collect()
}

/// The days of the months `shown` that the window from `start` to `end` covers.
fn covered(start: Timestamp, end: Timestamp, shown: &[Date]) -> Vec<Date> {
    let (Some(first), Some(last)) = (shown.first(), shown.last()) else {
        return Vec::new();
    };
    let (Some(a), Some(b)) = (utc_date(start), last_day(end)) else {
        return Vec::new();
    };
    let (from, to) = (a.max(*first), b.min(last.last_of_month()));
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        if shown.contains(&d.first_of_month()) {
            out.push(d);
        }
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    out
}

fn utc_date(t: Timestamp) -> Option<Date> {
    Some(t.to_zoned(TimeZone::UTC).date())
}

/// The last day a window ending at `end` covers: one ending at midnight does
/// not cover the day it ends on.
fn last_day(end: Timestamp) -> Option<Date> {
    utc_date(end.checked_sub(1.nanosecond()).ok()?)
}

/// `2026-11-24 08:00 to 10:00 UTC`, or with both dates when they differ.
fn window_text(start: Timestamp, end: Timestamp) -> String {
    let (a, b) = (start.to_zoned(TimeZone::UTC), end.to_zoned(TimeZone::UTC));
    let to = if a.date() == b.date() {
        b.strftime("%H:%M").to_string()
    } else {
        b.strftime("%Y-%m-%d %H:%M").to_string()
    };
    format!("{} to {to} UTC", a.strftime("%Y-%m-%d %H:%M"))
}
