//! SLA attainment over a period: availability from outage Incidents and
//! resolution times against the SLA's targets, with the breaches.
//!
//! All times are UTC. Availability = 1 - outage / support, where support is the
//! seconds of the period inside the SLA's support hours (`business`: Monday to
//! Friday 09:00-17:00 UTC; `24x7`, absent or anything else: every hour) and
//! outage is the union of the Incidents with `impact: outage` against the
//! Service, clipped to the period and to the support hours (overlapping
//! Incidents count once). An Incident without `resolved` is open: it counts up
//! to the earlier of the end of the period and the start of the day after
//! `today`. Resolution time is `resolved - started` in wall-clock time, for the
//! Incidents that started in the period, against `resolution[priority]`
//! (`mo` = 30 days, `y` = 365 days). A period that holds several SLA windows
//! (a monthly SLA over a quarter) is met only if every window is.

mod history;

pub use history::history;

use super::fulfilment::OfferingFulfilment;
use crate::link::{Catalog, Ix};
use crate::model::{
    Field, Incident, IncidentImpact, Kind, Node, Priority, Record, RecordId, Sla, Window,
};
use jiff::civil::Date;
use serde::Serialize;

const DAY: i64 = 86_400;

pub use crate::time::Period;

impl Period {
    /// The SLA window (`monthly`, `quarterly`, `yearly`) that contains `today`.
    pub fn window(window: Window, today: Date) -> Option<Period> {
        let (y, m) = (today.year(), today.month());
        match window {
            Window::Monthly => Period::months(y, m, 1, format!("{y:04}-{m:02}")),
            Window::Quarterly => {
                let q = (m - 1) / 3;
                Period::months(y, q * 3 + 1, 3, format!("{y:04}-Q{}", q + 1))
            }
            Window::Yearly => Period::year(y),
        }
    }
}

/// The SLA report of every Service that has an SLA.
#[derive(Debug, Clone, Serialize)]
pub struct SlaReport {
    #[serde(serialize_with = "super::ser_display")]
    pub today: Date,
    /// The period asked for; `None` when each Service uses its SLA's current window.
    pub period: Option<String>,
    pub services: Vec<ServiceSla>,
    /// Request fulfilment against each offering's target (absent without Requests).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fulfilment: Vec<OfferingFulfilment>,
    /// Every breach, Service by Service.
    pub breaches: Vec<Breach>,
    /// What could not be counted (bad instants, unknown support hours).
    pub notes: Vec<String>,
}

/// One Service over its period.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceSla {
    pub service: String,
    pub title: String,
    pub owner: Option<String>,
    pub sla: String,
    pub window: String,
    /// `24x7` or `business`.
    pub support_hours: String,
    pub period: Period,
    /// Availability target, percent.
    pub target: f64,
    /// Seconds of the period inside support hours.
    pub support_seconds: i64,
    /// Seconds of outage inside the period and support hours, overlaps counted once.
    pub outage_seconds: i64,
    /// Availability, percent, rounded to 3 decimals.
    pub availability: f64,
    /// Met in every SLA window of the period (or over the period, when it holds
    /// at most one window).
    pub met: bool,
    /// Each SLA window of the period, when the period holds several (a monthly
    /// SLA over a quarter: its three months).
    pub windows: Vec<WindowAttainment>,
    pub incidents: Vec<IncidentRow>,
}

/// One Incident against the Service in the period.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentRow {
    pub incident: String,
    pub priority: String,
    pub impact: String,
    pub started: String,
    pub resolved: Option<String>,
    /// Outage seconds of this Incident alone inside the period and support hours.
    pub outage_seconds: i64,
    /// `resolved - started` (or up to the cut-off while open), seconds.
    pub resolution_seconds: Option<i64>,
    /// `resolution[priority]` of the SLA, seconds.
    pub target_seconds: Option<i64>,
    /// Whether it started inside the period (its resolution time counts).
    pub started_in_period: bool,
    pub breached: bool,
}

/// A target missed.
#[derive(Debug, Clone, Serialize)]
pub struct Breach {
    pub service: String,
    /// `availability` or `resolution`.
    pub what: String,
    pub incident: Option<String>,
    pub message: String,
}

/// Computes the report. `period`: one period for every Service, or each SLA's
/// window containing `today`.
pub fn compute(catalog: &Catalog, period: Option<&Period>, today: Date) -> SlaReport {
    let mut notes = Vec::new();
    let mut services = Vec::new();
    let mut breaches = Vec::new();
    let cutoff = seconds(today) + DAY;
    for svc in catalog.of_kind(Kind::Service) {
        let Some(sla) = catalog.targets(svc, Field::Sla).next() else {
            continue;
        };
        if let Some(row) = service(catalog, svc, sla, period, today, cutoff, &mut notes) {
            breaches.extend(breaches_of(&row));
            services.push(row);
        }
    }
    services.sort_by(|a, b| a.service.cmp(&b.service));
    let fulfilment = super::fulfilment::compute(catalog, period, today);
    breaches.extend(super::fulfilment::breaches(&fulfilment));
    breaches.sort_by(|a, b| a.service.cmp(&b.service));
    SlaReport {
        today,
        period: period.map(|p| p.label.clone()),
        services,
        fulfilment,
        breaches,
        notes,
    }
}

fn service(
    catalog: &Catalog,
    svc: Ix,
    sla_ix: Ix,
    period: Option<&Period>,
    today: Date,
    cutoff: i64,
    notes: &mut Vec<String>,
) -> Option<ServiceSla> {
    let s = catalog.record(svc);
    let sla = catalog.record(sla_ix);
    let terms = sla.spec.sla()?;
    let window = terms.window?;
    let period = match period {
        Some(p) => p.clone(),
        None => Period::window(window, today)?,
    };
    let hours = support_hours(terms, &sla.id, notes);
    let target = terms.availability?;
    let over = Over {
        terms,
        hours,
        period: (seconds(period.start), seconds(period.end)),
        cutoff,
    };
    let (outages, incidents) = incident_rows(catalog, svc, &over, notes);
    let merged = merge(outages);
    let (whole, windows, met) = attainment(&merged, window, &period, hours, target);
    Some(ServiceSla {
        service: s.id.name.clone(),
        title: s.title().to_string(),
        owner: catalog
            .targets(svc, Field::Owner)
            .next()
            .map(|t| catalog.record(t).id.name.clone()),
        sla: sla.id.name.clone(),
        window: window.to_string(),
        support_hours: hours.label().to_string(),
        period,
        target,
        support_seconds: whole.support_seconds,
        outage_seconds: whole.outage_seconds,
        availability: whole.availability,
        met,
        windows,
        incidents,
    })
}

/// The SLA's support hours; ones that are neither `business` nor `24x7` are
/// counted as 24x7, with a note.
fn support_hours(terms: &Sla, sla: &RecordId, notes: &mut Vec<String>) -> Hours {
    match terms.support_hours.as_deref() {
        Some(h) if h.eq_ignore_ascii_case("business") => Hours::Business,
        None => Hours::All,
        Some(h) if h.eq_ignore_ascii_case("24x7") => Hours::All,
        Some(h) => {
            notes.push(format!(
                "{sla}: support hours `{h}` are not `business` or `24x7`: counted as 24x7"
            ));
            Hours::All
        }
    }
}

/// What a Service's Incidents are measured against.
struct Over<'a> {
    terms: &'a Sla,
    hours: Hours,
    /// The period, `[start, end)` in seconds.
    period: (i64, i64),
    /// Where an open Incident ends: the start of the day after `today`.
    cutoff: i64,
}

/// The outage intervals (clipped to the period) and the rows of the Incidents
/// against `svc` that fall in the period, by start.
fn incident_rows(
    catalog: &Catalog,
    svc: Ix,
    over: &Over<'_>,
    notes: &mut Vec<String>,
) -> (Vec<(i64, i64)>, Vec<IncidentRow>) {
    let mut outages = Vec::new();
    let mut incidents = Vec::new();
    for inc in catalog.sources(svc, Field::Services) {
        let r = catalog.record(inc);
        let Some(incident) = r.spec.incident() else {
            continue;
        };
        if let Some((clipped, row)) = incident_row(r, incident, over, notes) {
            outages.extend(clipped);
            incidents.push(row);
        }
    }
    incidents.sort_by(|a, b| a.started.cmp(&b.started).then(a.incident.cmp(&b.incident)));
    (outages, incidents)
}

/// Incident `r`'s row against SLA `sla` (its resolution time, and the SLA's
/// resolution target at its priority), counted as [`compute`] counts it over
/// the SLA window in which the Incident started: `breached` is that report's
/// verdict. Without an SLA (or its window) the row has no target, over the
/// month the Incident started in. `None` when the Incident has no readable
/// instants.
pub fn incident_against(r: &Record, sla: Option<&Record>, today: Date) -> Option<IncidentRow> {
    let incident = r.spec.incident()?;
    let none = Sla::default();
    let terms = sla.and_then(|s| s.spec.sla()).unwrap_or(&none);
    let started = incident.started.as_ref()?.at;
    let day = started.to_zoned(jiff::tz::TimeZone::UTC).date();
    let period = Period::window(terms.window.unwrap_or(Window::Monthly), day)?;
    let mut notes = Vec::new();
    let hours = match sla {
        Some(s) => support_hours(terms, &s.id, &mut notes),
        None => Hours::All,
    };
    let over = Over {
        terms,
        hours,
        period: (seconds(period.start), seconds(period.end)),
        cutoff: seconds(today) + DAY,
    };
    incident_row(r, incident, &over, &mut notes).map(|(_, row)| row)
}

/// One Incident's row and its outage inside the period, unless it has no
/// readable instants (noted) or neither starts nor is out in the period.
fn incident_row(
    r: &Record,
    incident: &Incident,
    over: &Over<'_>,
    notes: &mut Vec<String>,
) -> Option<(Option<(i64, i64)>, IncidentRow)> {
    let (p0, p1) = over.period;
    let Some(started) = incident.started.as_ref().map(|i| i.at) else {
        notes.push(format!(
            "{}: `started` is not an RFC 3339 instant: skipped",
            r.id
        ));
        return None;
    };
    let resolved = incident.resolved.as_ref().map(|i| i.at);
    if resolved.is_none() && r.has(Node::Resolved) {
        notes.push(format!(
            "{}: `resolved` is not an RFC 3339 instant: skipped",
            r.id
        ));
        return None;
    }
    let start = started.as_second();
    let end = resolved.map_or(over.cutoff, |t| t.as_second());
    let impact = incident.impact.unwrap_or(IncidentImpact::None);
    let (a, b) = (start.max(p0), end.min(p1));
    let clipped = (impact == IncidentImpact::Outage && a < b).then_some((a, b));
    let started_in_period = (p0..p1).contains(&start);
    if clipped.is_none() && !started_in_period {
        return None;
    }
    let priority = incident.priority;
    let target_seconds = priority
        .and_then(|p| over.terms.resolution.as_ref()?.get(p))
        .map(|d| d.minutes().saturating_mul(60));
    let resolution_seconds = Some((end - start).max(0));
    let breached = started_in_period
        && matches!((resolution_seconds, target_seconds), (Some(took), Some(t)) if took > t);
    let row = IncidentRow {
        incident: r.id.name.clone(),
        priority: priority.map_or("", Priority::as_str).to_string(),
        impact: impact.to_string(),
        started: started.to_string(),
        resolved: resolved.map(|t| t.to_string()),
        outage_seconds: clipped.map_or(0, |(a, b)| over.hours.seconds(a, b)),
        resolution_seconds,
        target_seconds,
        started_in_period,
        breached,
    };
    Some((clipped, row))
}

/// Attainment over the whole period, over each SLA window inside it when it
/// holds several (each held to the target on its own), and whether it is met.
fn attainment(
    merged: &[(i64, i64)],
    window: Window,
    period: &Period,
    hours: Hours,
    target: f64,
) -> (Attainment, Vec<WindowAttainment>, bool) {
    let whole = Attainment::over(
        merged,
        hours,
        seconds(period.start),
        seconds(period.end),
        target,
    );
    let windows: Vec<WindowAttainment> = windows(window, period)
        .into_iter()
        .map(|w| WindowAttainment {
            attainment: Attainment::over(merged, hours, seconds(w.start), seconds(w.end), target),
            period: w,
        })
        .collect();
    if windows.len() > 1 {
        let met = windows.iter().all(|w| w.attainment.met);
        (whole, windows, met)
    } else {
        (whole, Vec::new(), whole.met)
    }
}

/// Availability over one stretch of time.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Attainment {
    pub support_seconds: i64,
    pub outage_seconds: i64,
    /// Percent, rounded to 3 decimals.
    pub availability: f64,
    pub met: bool,
}

impl Attainment {
    /// Over `[a, b)`, from merged outage intervals.
    fn over(merged: &[(i64, i64)], hours: Hours, a: i64, b: i64, target: f64) -> Attainment {
        let support_seconds = hours.seconds(a, b);
        let outage_seconds: i64 = merged
            .iter()
            .map(|&(x, y)| hours.seconds(x.max(a), y.min(b)))
            .sum();
        let exact = if support_seconds > 0 {
            100.0 * (1.0 - outage_seconds as f64 / support_seconds as f64)
        } else {
            100.0
        };
        Attainment {
            support_seconds,
            outage_seconds,
            availability: (exact * 1000.0).round() / 1000.0,
            // Compared exactly: outage <= (100 - target)% of support.
            met: outage_seconds as f64 * 100.0 <= (100.0 - target) * support_seconds as f64 + 1e-6,
        }
    }
}

/// One SLA window inside the period.
#[derive(Debug, Clone, Serialize)]
pub struct WindowAttainment {
    pub period: Period,
    #[serde(flatten)]
    pub attainment: Attainment,
}

/// The SLA windows inside `period`, clipped to it.
fn windows(window: Window, period: &Period) -> Vec<Period> {
    let mut out = Vec::new();
    let mut day = period.start;
    while day < period.end && out.len() < 400 {
        let Some(mut w) = Period::window(window, day) else {
            break;
        };
        w.start = w.start.max(period.start);
        w.end = w.end.min(period.end);
        day = w.end;
        out.push(w);
    }
    out
}

fn breaches_of(row: &ServiceSla) -> Vec<Breach> {
    let mut out = Vec::new();
    for w in row.windows.iter().filter(|w| !w.attainment.met) {
        out.push(Breach {
            service: row.service.clone(),
            what: "availability".into(),
            incident: None,
            message: format!(
                "availability {:.3}% is below the target {}% over {} ({} of outage)",
                w.attainment.availability,
                row.target,
                w.period.label,
                human_duration(w.attainment.outage_seconds)
            ),
        });
    }
    if !row.met && row.windows.is_empty() {
        out.push(Breach {
            service: row.service.clone(),
            what: "availability".into(),
            incident: None,
            message: format!(
                "availability {:.3}% is below the target {}% over {} ({} of outage)",
                row.availability,
                row.target,
                row.period.label,
                human_duration(row.outage_seconds)
            ),
        });
    }
    for i in row.incidents.iter().filter(|i| i.breached) {
        let (Some(took), Some(target)) = (i.resolution_seconds, i.target_seconds) else {
            continue;
        };
        out.push(Breach {
            service: row.service.clone(),
            what: "resolution".into(),
            incident: Some(i.incident.clone()),
            message: format!(
                "incident:{} ({}) {} {}, over the {} target of {}",
                i.incident,
                i.priority,
                if i.resolved.is_some() {
                    "resolved in"
                } else {
                    "open for"
                },
                human_duration(took),
                i.priority,
                human_duration(target)
            ),
        });
    }
    out
}

/// Support hours of an SLA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hours {
    All,
    /// Monday to Friday, 09:00-17:00 UTC.
    Business,
}

impl Hours {
    fn label(self) -> &'static str {
        match self {
            Hours::All => "24x7",
            Hours::Business => "business",
        }
    }

    /// Seconds of `[a, b)` inside the support hours.
    fn seconds(self, a: i64, b: i64) -> i64 {
        if b <= a {
            return 0;
        }
        match self {
            Hours::All => b - a,
            Hours::Business => {
                let mut total = 0;
                let mut day = a.div_euclid(DAY);
                while day * DAY < b {
                    // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
                    if (day + 3).rem_euclid(7) < 5 {
                        let open = day * DAY + 9 * 3600;
                        let close = day * DAY + 17 * 3600;
                        total += (b.min(close) - a.max(open)).max(0);
                    }
                    day += 1;
                }
                total
            }
        }
    }
}

/// Merges intervals so that overlaps count once.
fn merge(mut iv: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    iv.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(iv.len());
    for (a, b) in iv {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Seconds since the epoch at the start of `date`, UTC.
fn seconds(date: Date) -> i64 {
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0)
}

/// `45m`, `5h 10m`, `2d 3h 0m`, `30s`.
pub fn human_duration(secs: i64) -> String {
    let (d, h, m, s) = (secs / DAY, secs % DAY / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    if d > 0 {
        out.push_str(&format!("{d}d "));
    }
    if d > 0 || h > 0 {
        out.push_str(&format!("{h}h "));
    }
    out.push_str(&format!("{m}m"));
    if s > 0 {
        out.push_str(&format!(" {s}s"));
    }
    out
}

/// The report for a person.
pub fn render_human(report: &SlaReport) -> String {
    let mut out = String::new();
    for s in &report.services {
        out.push_str(&format!(
            "{} (sla {}, {}, {}) {}: availability {:.3}% (target {}%) {}\n",
            s.service,
            s.sla,
            s.window,
            s.support_hours,
            s.period.label,
            s.availability,
            s.target,
            if s.met { "met" } else { "BREACHED" }
        ));
        out.push_str(&format!(
            "  outage {} of {}h supported\n",
            human_duration(s.outage_seconds),
            s.support_seconds / 3600
        ));
        for w in &s.windows {
            out.push_str(&format!(
                "  {}: {:.3}% {}\n",
                w.period.label,
                w.attainment.availability,
                if w.attainment.met { "met" } else { "BREACHED" }
            ));
        }
        for i in &s.incidents {
            out.push_str(&format!(
                "  incident:{} {} {}: {}{}\n",
                i.incident,
                i.priority,
                i.impact,
                resolution_text(i),
                if i.outage_seconds > 0 {
                    format!(", outage {}", human_duration(i.outage_seconds))
                } else {
                    String::new()
                }
            ));
        }
    }
    for f in &report.fulfilment {
        out.push_str(&super::fulfilment::human_line(f));
    }
    out.push('\n');
    if report.breaches.is_empty() {
        out.push_str(&format!(
            "{} Service(s) with an SLA; no breach.\n",
            report.services.len()
        ));
    } else {
        out.push_str(&format!("{} breach(es):\n", report.breaches.len()));
        for b in &report.breaches {
            out.push_str(&format!("  {}: {}\n", b.service, b.message));
        }
    }
    for n in &report.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

fn resolution_text(i: &IncidentRow) -> String {
    let took = i.resolution_seconds.map(human_duration).unwrap_or_default();
    let target = i
        .target_seconds
        .map(|t| format!(" (target {})", human_duration(t)))
        .unwrap_or_else(|| " (no target)".into());
    let state = if i.resolved.is_some() {
        "resolved in"
    } else {
        "open for"
    };
    let verdict = if i.breached {
        " BREACHED"
    } else if !i.started_in_period {
        " (started before the period)"
    } else {
        ""
    };
    format!("{state} {took}{target}{verdict}")
}

/// The report as Markdown (a table per report, then the breaches).
pub fn render_markdown(report: &SlaReport) -> String {
    use super::md_cell;
    let mut out = String::from(
        "# SLA report\n\n| Service | SLA | Period | Hours | Availability | Target | Outage | Met |\n|---|---|---|---|---:|---:|---:|---|\n",
    );
    for s in &report.services {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {:.3}% | {}% | {} | {} |\n",
            md_cell(&s.service),
            md_cell(&s.sla),
            s.period.label,
            s.support_hours,
            s.availability,
            s.target,
            human_duration(s.outage_seconds),
            if s.met { "yes" } else { "**no**" }
        ));
    }
    super::fulfilment::markdown(&mut out, &report.fulfilment);
    out.push_str("\n## Breaches\n\n");
    if report.breaches.is_empty() {
        out.push_str("None.\n");
    }
    for b in &report.breaches {
        out.push_str(&format!(
            "- {}: {}\n",
            md_cell(&b.service),
            md_cell(&b.message)
        ));
    }
    out
}

/// The report as CSV: one row per Service.
pub fn render_csv(report: &SlaReport) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let extra = super::fulfilment::csv_columns(&report.fulfilment);
    w.write_record(
        [
            "service",
            "sla",
            "period",
            "period_start",
            "period_end",
            "support_hours",
            "target",
            "availability",
            "outage_minutes",
            "support_minutes",
            "met",
            "incidents",
            "resolution_breaches",
        ]
        .into_iter()
        .chain(extra.iter().copied()),
    )?;
    for s in &report.services {
        w.write_record(
            [
                s.service.clone(),
                s.sla.clone(),
                s.period.label.clone(),
                s.period.start.to_string(),
                s.period.end.to_string(),
                s.support_hours.clone(),
                s.target.to_string(),
                format!("{:.3}", s.availability),
                minutes(s.outage_seconds),
                minutes(s.support_seconds),
                s.met.to_string(),
                s.incidents.len().to_string(),
                s.incidents
                    .iter()
                    .filter(|i| i.breached)
                    .count()
                    .to_string(),
            ]
            .into_iter()
            .chain(extra.iter().map(|_| String::new())),
        )?;
    }
    super::fulfilment::csv_rows(&mut w, &report.fulfilment)?;
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Minutes, with decimals only when the seconds need them.
fn minutes(secs: i64) -> String {
    if secs % 60 == 0 {
        (secs / 60).to_string()
    } else {
        format!("{:.2}", secs as f64 / 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let p = Period::parse("2026-Q3").unwrap();
        assert_eq!(
            (p.start.to_string(), p.end.to_string()),
            ("2026-07-01".into(), "2026-10-01".into())
        );
        let p = Period::parse("2026-12").unwrap();
        assert_eq!(p.end.to_string(), "2027-01-01");
        assert_eq!(Period::parse("2026").unwrap().end.to_string(), "2027-01-01");
        for bad in ["2026-13", "2026-Q5", "26-01", "2026-1", "x"] {
            assert!(Period::parse(bad).is_none(), "{bad}");
        }
        let today = jiff::civil::date(2026, 11, 21);
        assert_eq!(
            Period::window(Window::Quarterly, today).unwrap().label,
            "2026-Q4"
        );
    }

    #[test]
    fn business_hours() {
        // 2026-10-06 is a Tuesday.
        let tue = seconds(jiff::civil::date(2026, 10, 6));
        assert_eq!(
            Hours::Business.seconds(tue + 16 * 3600, tue + 18 * 3600),
            3600
        );
        let sat = seconds(jiff::civil::date(2026, 10, 10));
        assert_eq!(Hours::Business.seconds(sat, sat + DAY), 0);
        // October 2026 has 22 weekdays.
        let p = Period::parse("2026-10").unwrap();
        assert_eq!(
            Hours::Business.seconds(seconds(p.start), seconds(p.end)),
            22 * 8 * 3600
        );
    }

    #[test]
    fn merging() {
        assert_eq!(
            merge(vec![(5, 10), (0, 6), (20, 30), (10, 12)]),
            vec![(0, 12), (20, 30)]
        );
    }
}
