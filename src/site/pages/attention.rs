//! What needs attention, first on the home page: open Incidents against their
//! resolution targets, SLA breaches in the current and the last window,
//! Changes still scheduled after their window, reviews and audits overdue,
//! coverage gaps and open nonconformities. Each comes from the computation of
//! the command line: `itsm report sla`, the diagnostics of `itsm check`,
//! `itsm report coverage`; nothing is computed a second way here.

use super::context::Cx;
use super::home::Warning;
use crate::diag::{Code, Diagnostic};
use crate::link::{Catalog, Ix};
use crate::model::{ChangeStatus, IncidentStatus, Kind, Priority, Reference};
use crate::report::coverage::{Coverage, Status};
use crate::report::sla::{self, Breach, IncidentRow, Period, SlaReport};
use crate::site::view::Link;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Rows of each list before it says "and N more".
const LIMIT: usize = 10;

/// The diagnostics that say a review is due: the checks' own computations.
const REVIEW_CODES: [Code; 3] = [
    Code::ReviewOverdue,
    Code::AuditOverdue,
    Code::ManagementReviewOverdue,
];

/// What needs attention.
#[derive(Serialize)]
pub(super) struct Attention {
    pub incidents: Listed<OpenIncident>,
    pub breaches: Listed<SlaBreach>,
    pub late_changes: Listed<LateChange>,
    pub reviews: Listed<Warning>,
    pub gaps: Listed<Gap>,
    pub nonconformities: Listed<Nonconformity>,
}

impl Attention {
    /// Whether nothing needs attention.
    pub fn is_empty(&self) -> bool {
        [
            self.incidents.total,
            self.breaches.total,
            self.late_changes.total,
            self.reviews.total,
            self.gaps.total,
            self.nonconformities.total,
        ]
        .iter()
        .all(|n| *n == 0)
    }
}

/// How many of one thing need attention, with where the page lists them.
#[derive(Serialize)]
pub(super) struct Tally {
    count: usize,
    /// What is counted, singular or plural as the count asks.
    label: &'static str,
    /// The id of the list on the page.
    anchor: &'static str,
}

impl Attention {
    /// Each thing that needs attention, counted (zero counts too).
    pub fn tally(&self) -> Vec<Tally> {
        let t = |count: usize, one, many, anchor| Tally {
            count,
            label: if count == 1 { one } else { many },
            anchor,
        };
        vec![
            t(
                self.incidents.total,
                "open incident",
                "open incidents",
                "open-incidents",
            ),
            t(
                self.breaches.total,
                "SLA breach",
                "SLA breaches",
                "sla-breaches",
            ),
            t(
                self.late_changes.total,
                "change past its window",
                "changes past their window",
                "late-changes",
            ),
            t(
                self.reviews.total,
                "review due",
                "reviews due",
                "reviews-due",
            ),
            t(
                self.gaps.total,
                "coverage gap",
                "coverage gaps",
                "coverage-gaps",
            ),
            t(
                self.nonconformities.total,
                "open nonconformity",
                "open nonconformities",
                "nonconformities",
            ),
        ]
    }
}

/// The first rows of a list, and how many there are.
#[derive(Serialize)]
pub(super) struct Listed<T> {
    pub rows: Vec<T>,
    pub total: usize,
}

impl<T> Listed<T> {
    fn of(all: Vec<T>) -> Listed<T> {
        let total = all.len();
        let rows = all.into_iter().take(LIMIT).collect();
        Listed { rows, total }
    }
}

/// An Incident not resolved.
#[derive(Serialize)]
pub(super) struct OpenIncident {
    link: Link,
    priority: &'static str,
    started: String,
    /// How long it has been open, up to the end of today.
    age: String,
    /// `breached`, `within` (its target) or `none` (no SLA target applies).
    state: &'static str,
    /// The strictest resolution target of the SLAs of its Services.
    target: String,
}

/// A target of an SLA missed.
#[derive(Serialize)]
pub(super) struct SlaBreach {
    service: Option<Link>,
    name: String,
    /// `current` or `last`.
    when: &'static str,
    /// The window's label (`2026-11`, `2026-Q4`).
    window: String,
    /// `availability`, `resolution` or `fulfilment`.
    what: String,
    message: String,
}

/// A Change still `scheduled` after its window ended.
#[derive(Serialize)]
pub(super) struct LateChange {
    link: Link,
    /// The end of the window, `YYYY-MM-DD HH:MM UTC`.
    ended: String,
    /// Days from the day it ended (UTC) to today.
    days: i64,
}

/// A requirement no Policy in force addresses.
#[derive(Serialize)]
pub(super) struct Gap {
    clause: String,
    title: String,
}

/// A major or minor audit finding no done Improvement addresses.
#[derive(Serialize)]
pub(super) struct Nonconformity {
    audit: Option<Link>,
    /// The finding's id in its Audit (`F1`), the anchor on the Audit's page.
    finding: String,
    /// The requirement it is on (the deepest one named).
    clause: String,
}

impl Cx<'_> {
    /// What needs attention today; `coverage` is the site's coverage report.
    pub(super) fn attention(&self, diagnostics: &[Diagnostic], coverage: &Coverage) -> Attention {
        let reviews = diagnostics
            .iter()
            .filter(|d| REVIEW_CODES.contains(&d.code))
            .map(|d| self.warning(d))
            .collect();
        Attention {
            incidents: Listed::of(self.open_incidents()),
            breaches: Listed::of(self.sla_breaches()),
            late_changes: Listed::of(self.late_changes()),
            reviews: Listed::of(reviews),
            gaps: Listed::of(gaps(coverage)),
            nonconformities: Listed::of(self.nonconformities(coverage)),
        }
    }

    /// Incidents without `resolved`, breached first, then by priority and age.
    fn open_incidents(&self) -> Vec<OpenIncident> {
        let c = self.catalog.all();
        let open: Vec<(Ix, Timestamp, Option<Priority>)> = c
            .of_kind(Kind::Incident)
            .filter_map(|i| {
                let inc = c.record(i).spec.incident()?;
                let closed = inc.resolved.is_some()
                    || matches!(
                        inc.status,
                        Some(IncidentStatus::Resolved | IncidentStatus::Closed)
                    );
                (!closed).then_some((i, inc.started.as_ref()?.at, inc.priority))
            })
            .collect();
        let first = open.iter().map(|o| utc_date(o.1)).min();
        let report = first.map(|f| open_report(c, f, self.today));
        let rows = resolution_rows(report.as_ref());
        let end_of_today = start_of(self.today.tomorrow().unwrap_or(self.today));
        let mut listed: Vec<(u8, Option<Priority>, Timestamp, OpenIncident)> = open
            .into_iter()
            .map(|(i, started, priority)| {
                let name = c.record(i).id.name.as_str();
                let (state, target) = breach_state(rows.get(name).map(Vec::as_slice));
                let age = end_of_today.map_or(0, |e| (e - started.as_second()).max(0));
                let row = OpenIncident {
                    link: self.link(i).clone(),
                    priority: priority.map_or("", Priority::as_str),
                    started: started.strftime("%Y-%m-%d %H:%M UTC").to_string(),
                    age: age_text(age),
                    state,
                    target: target.map(sla::human_duration).unwrap_or_default(),
                };
                (u8::from(state != "breached"), priority, started, row)
            })
            .collect();
        // Priorities order p1 first; one without a priority goes last.
        listed.sort_by_key(|a| (a.0, a.1.is_none(), a.1, a.2));
        listed.into_iter().map(|(_, _, _, r)| r).collect()
    }

    /// The breaches of every SLA in its current window (those of the site's
    /// SLA rows), then in the one before.
    fn sla_breaches(&self) -> Vec<SlaBreach> {
        let current = |name: &str| Some(self.sla.get(name)?.current.period.label.as_str());
        let mut rows = self.breach_rows(&self.sla.breaches, current, "current", None);
        // The window before a Service's current one, as `report sla` gives it
        // as of that window's last day.
        let mut before: BTreeMap<Date, Vec<&str>> = BTreeMap::new();
        for (name, row) in self.sla.iter() {
            if let Ok(day) = row.current.period.start.yesterday() {
                before.entry(day).or_default().push(name.as_str());
            }
        }
        for (day, services) in before {
            let then = sla::compute(self.catalog.all(), None, day);
            let windows: HashMap<&str, &str> = then
                .services
                .iter()
                .map(|s| (s.service.as_str(), s.period.label.as_str()))
                .collect();
            let window = |name: &str| windows.get(name).copied();
            rows.extend(self.breach_rows(&then.breaches, window, "last", Some(&services)));
        }
        rows
    }

    /// The rows of `breaches` (of the Services `only`, when given), each in
    /// the window `window` gives its Service.
    fn breach_rows<'w>(
        &self,
        breaches: &[Breach],
        window: impl Fn(&str) -> Option<&'w str>,
        when: &'static str,
        only: Option<&[&str]>,
    ) -> Vec<SlaBreach> {
        breaches
            .iter()
            .filter(|b| only.is_none_or(|o| o.contains(&b.service.as_str())))
            .map(|b| SlaBreach {
                service: self
                    .catalog
                    .find(Kind::Service, &b.service)
                    .map(|s| self.link(s).clone()),
                name: b.service.clone(),
                when,
                window: window(&b.service).unwrap_or("").to_string(),
                what: b.what.clone(),
                message: b.message.clone(),
            })
            .collect()
    }

    /// Changes `scheduled` whose window ended before today, the oldest first.
    fn late_changes(&self) -> Vec<LateChange> {
        let Some(today) = start_of(self.today) else {
            return Vec::new();
        };
        let c = self.catalog;
        let mut late: Vec<(Timestamp, Ix)> = c
            .of_kind(Kind::Change)
            .filter_map(|ch| {
                let spec = c.record(ch).spec.change()?;
                let end = spec.window.as_ref()?.end.as_ref()?.at;
                let late = spec.status == Some(ChangeStatus::Scheduled) && end.as_second() < today;
                late.then_some((end, ch))
            })
            .collect();
        late.sort();
        late.into_iter()
            .map(|(end, ch)| LateChange {
                link: self.link(ch).clone(),
                ended: end.strftime("%Y-%m-%d %H:%M UTC").to_string(),
                days: self
                    .today
                    .since(utc_date(end))
                    .map_or(0, |s| i64::from(s.get_days())),
            })
            .collect()
    }

    /// Open nonconformities, each once, on the deepest requirement it names.
    fn nonconformities(&self, coverage: &Coverage) -> Vec<Nonconformity> {
        let mut deepest: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
        for r in &coverage.requirements {
            for f in &r.open_findings {
                let at = deepest.entry(f.as_str()).or_insert((r.level, &r.id));
                if r.level > at.0 {
                    *at = (r.level, &r.id);
                }
            }
        }
        deepest
            .into_iter()
            .map(|(f, (_, clause))| {
                let (audit, finding) = f.split_once('#').unwrap_or((f, ""));
                let name = Reference::parse(audit).name;
                Nonconformity {
                    audit: self
                        .catalog
                        .find(Kind::Audit, name)
                        .map(|a| self.link(a).clone()),
                    finding: finding.to_string(),
                    clause: clause.to_string(),
                }
            })
            .collect()
    }
}

/// The requirements that are gaps of their own (not only through a sub-clause).
fn gaps(coverage: &Coverage) -> Vec<Gap> {
    coverage
        .requirements
        .iter()
        .filter(|r| r.status == Status::Gap && !r.from_children)
        .map(|r| Gap {
            clause: r.id.clone(),
            title: r.title.clone(),
        })
        .collect()
}

/// The SLA report from `first` to the end of today: every Incident open now
/// started in it, its resolution time so far against its target.
fn open_report(catalog: &Catalog, first: Date, today: Date) -> SlaReport {
    let period = today.tomorrow().ok().map(|end| Period {
        label: format!("{first} to {today}"),
        start: first.min(today),
        end,
    });
    sla::compute(catalog, period.as_ref(), today)
}

/// The rows of each Incident of `report` (one per Service with an SLA), by name.
fn resolution_rows(report: Option<&SlaReport>) -> HashMap<&str, Vec<&IncidentRow>> {
    let mut rows: HashMap<&str, Vec<&IncidentRow>> = HashMap::new();
    for s in report.iter().flat_map(|r| &r.services) {
        for i in &s.incidents {
            rows.entry(i.incident.as_str()).or_default().push(i);
        }
    }
    rows
}

/// Whether an open Incident breached a resolution target of its rows, and the
/// strictest target.
fn breach_state(rows: Option<&[&IncidentRow]>) -> (&'static str, Option<i64>) {
    let rows = rows.unwrap_or_default();
    let target = rows.iter().filter_map(|r| r.target_seconds).min();
    let state = if rows.iter().any(|r| r.breached) {
        "breached"
    } else if target.is_some() {
        "within"
    } else {
        "none"
    };
    (state, target)
}

/// `45 min`, `5 h`, `1 day`, `9 days`.
fn age_text(secs: i64) -> String {
    match secs {
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h", s / 3600),
        s if s < 2 * 86_400 => "1 day".to_string(),
        s => format!("{} days", s / 86_400),
    }
}

/// The UTC day of an instant.
fn utc_date(t: Timestamp) -> Date {
    t.to_zoned(TimeZone::UTC).date()
}

/// The first second of `day` (UTC).
fn start_of(day: Date) -> Option<i64> {
    day.to_zoned(TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_in_the_largest_unit() {
        assert_eq!(age_text(59), "0 min");
        assert_eq!(age_text(45 * 60), "45 min");
        assert_eq!(age_text(5 * 3600 + 10), "5 h");
        assert_eq!(age_text(86_400 + 3600), "1 day");
        assert_eq!(age_text(9 * 86_400 + 7 * 3600), "9 days");
    }
}
