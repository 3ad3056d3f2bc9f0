//! Request fulfilment against each offering's target, for `itsm report sla`:
//! the Requests for an offering that were asked in the period, how long each
//! took from `requested` to `fulfilled`, and which took longer than the
//! offering's `fulfilment` target (`mo` = 30 days, `y` = 365 days). An open
//! Request counts up to the start of the day after `today`, and is late once
//! that passes the target; rejected and cancelled Requests are counted apart.
//! The period is the one asked for, else the window of the Service's SLA that
//! contains `today`, else the month that does.

use super::sla::{Breach, Period, human_duration};
use crate::link::Catalog;
use crate::model::spec::request::RequestStatus;
use crate::model::{Field, Kind, Window};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// One offering of a Service over its period.
#[derive(Debug, Clone, Serialize)]
pub struct OfferingFulfilment {
    pub service: String,
    pub offering: String,
    pub title: String,
    pub period: Period,
    /// The offering's `fulfilment` target, seconds.
    pub target_seconds: i64,
    /// Requests asked in the period (rejected and cancelled ones apart).
    pub requests: usize,
    pub fulfilled: usize,
    /// Fulfilled within the target.
    pub within_target: usize,
    /// Fulfilled after the target, or open past it.
    pub late: usize,
    pub open: usize,
    /// Rejected or cancelled.
    pub withdrawn: usize,
    /// Percent of the counted Requests that were not late, rounded to 1 decimal
    /// (100 when there are none).
    pub on_time_percent: f64,
    /// The longest time taken (or open so far), seconds.
    pub longest_seconds: Option<i64>,
    /// The late Requests, by name.
    pub late_requests: Vec<LateRequest>,
}

/// A Request over its offering's target.
#[derive(Debug, Clone, Serialize)]
pub struct LateRequest {
    pub request: String,
    pub took_seconds: i64,
    /// Still open.
    pub open: bool,
}

/// Every offering of every Service that has Requests, in service then
/// offering order. Empty when the repository holds no Request.
pub fn compute(catalog: &Catalog, period: Option<&Period>, today: Date) -> Vec<OfferingFulfilment> {
    let cutoff = start_of(today) + 86_400;
    let mut out = Vec::new();
    for ((service, offering), requests) in by_offering(catalog) {
        let Some(mut row) = empty_row(catalog, service, offering, period, today) else {
            continue;
        };
        for req in requests {
            count(catalog, req, cutoff, &mut row);
        }
        if row.requests + row.withdrawn == 0 {
            continue;
        }
        if row.requests > 0 {
            let on_time = (row.requests - row.late) as f64 * 100.0 / row.requests as f64;
            row.on_time_percent = (on_time * 10.0).round() / 10.0;
        }
        row.late_requests.sort_by(|a, b| a.request.cmp(&b.request));
        out.push(row);
    }
    out
}

/// The Requests of each (Service, offering), in name order.
fn by_offering(catalog: &Catalog) -> BTreeMap<(String, String), Vec<crate::link::Ix>> {
    let mut by_offering: BTreeMap<(String, String), Vec<crate::link::Ix>> = BTreeMap::new();
    for req in catalog.of_kind(Kind::Request) {
        let Some(svc) = catalog.targets(req, Field::Service).next() else {
            continue;
        };
        let Some(offering) = catalog
            .record(req)
            .spec
            .request()
            .and_then(|r| r.offering.as_deref())
        else {
            continue;
        };
        let key = (catalog.record(svc).id.name.clone(), offering.to_string());
        by_offering.entry(key).or_default().push(req);
    }
    by_offering
}

/// The row of an offering before its Requests are counted; `None` when the
/// Service does not offer it with a fulfilment target, or has no period.
fn empty_row(
    catalog: &Catalog,
    service: String,
    offering: String,
    period: Option<&Period>,
    today: Date,
) -> Option<OfferingFulfilment> {
    let svc = catalog.find(Kind::Service, &service)?;
    let spec = catalog.record(svc).spec.service()?;
    let o = spec
        .requests
        .iter()
        .find(|o| o.id.as_deref() == Some(offering.as_str()))?;
    let target = o.fulfilment?;
    let period = period.cloned().or_else(|| window_of(catalog, svc, today))?;
    Some(OfferingFulfilment {
        title: o.title.as_deref().unwrap_or(&offering).to_string(),
        service,
        offering,
        target_seconds: target.minutes().saturating_mul(60),
        period,
        requests: 0,
        fulfilled: 0,
        within_target: 0,
        late: 0,
        open: 0,
        withdrawn: 0,
        on_time_percent: 100.0,
        longest_seconds: None,
        late_requests: Vec::new(),
    })
}

/// Counts one Request into its offering's row, when asked in the period.
fn count(catalog: &Catalog, req: crate::link::Ix, cutoff: i64, row: &mut OfferingFulfilment) {
    let r = catalog.record(req);
    let Some(spec) = r.spec.request() else {
        return;
    };
    let Some(asked) = spec.requested.as_ref().map(|i| i.at.as_second()) else {
        return;
    };
    if !(start_of(row.period.start)..start_of(row.period.end)).contains(&asked) {
        return;
    }
    let status = spec.status;
    if matches!(
        status,
        Some(RequestStatus::Rejected | RequestStatus::Cancelled)
    ) {
        row.withdrawn += 1;
        return;
    }
    row.requests += 1;
    let done = spec.fulfilled.as_ref().map(|i| i.at.as_second());
    let took = (done.unwrap_or(cutoff) - asked).max(0);
    row.longest_seconds = Some(row.longest_seconds.map_or(took, |l| l.max(took)));
    match done {
        Some(_) => row.fulfilled += 1,
        None => row.open += 1,
    }
    if took > row.target_seconds {
        row.late += 1;
        row.late_requests.push(LateRequest {
            request: r.id.name.clone(),
            took_seconds: took,
            open: done.is_none(),
        });
    } else if done.is_some() {
        row.within_target += 1;
    }
}

/// The window of the Service's SLA containing `today`, else that month.
fn window_of(catalog: &Catalog, svc: crate::link::Ix, today: Date) -> Option<Period> {
    let window = catalog
        .targets(svc, Field::Sla)
        .next()
        .and_then(|sla| catalog.record(sla).spec.sla()?.window)
        .unwrap_or(Window::Monthly);
    Period::window(window, today)
}

/// The breaches of the fulfilment targets: one per late Request.
pub fn breaches(rows: &[OfferingFulfilment]) -> Vec<Breach> {
    let mut out = Vec::new();
    for row in rows {
        for late in &row.late_requests {
            out.push(Breach {
                service: row.service.clone(),
                what: "fulfilment".into(),
                incident: None,
                message: format!(
                    "request:{} ({}) {} {}, over the fulfilment target of {}",
                    late.request,
                    row.offering,
                    if late.open {
                        "open for"
                    } else {
                        "fulfilled in"
                    },
                    human_duration(late.took_seconds),
                    human_duration(row.target_seconds)
                ),
            });
        }
    }
    out
}

/// One line per offering, for the human report.
pub fn human_line(row: &OfferingFulfilment) -> String {
    use crate::output::escape::log;
    format!(
        "{} request {} ({}) {}: {} of {} on time ({}%, target {}), {} open, {} late{}\n",
        log(&row.service),
        log(&row.offering),
        log(&row.title),
        row.period.label,
        row.requests - row.late,
        row.requests,
        row.on_time_percent,
        human_duration(row.target_seconds),
        row.open,
        row.late,
        row.longest_seconds
            .map(|l| format!(", longest {}", human_duration(l)))
            .unwrap_or_default()
    )
}

/// Seconds since the epoch at the start of `date`, UTC.
fn start_of(date: Date) -> i64 {
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0)
}

/// The Markdown table of the offerings (nothing without Requests).
pub fn markdown(out: &mut String, rows: &[OfferingFulfilment]) {
    use super::md_cell;
    if rows.is_empty() {
        return;
    }
    out.push_str("\n## Request fulfilment\n\n| Service | Offering | Period | Target | Requests | On time | Late | Open | Longest |\n|---|---|---|---:|---:|---:|---:|---:|---:|\n");
    for r in rows {
        out.push_str(&format!(
            "| {} | {} ({}) | {} | {} | {} | {}% | {} | {} | {} |\n",
            md_cell(&r.service),
            md_cell(&r.offering),
            md_cell(&r.title),
            r.period.label,
            human_duration(r.target_seconds),
            r.requests,
            r.on_time_percent,
            if r.late > 0 {
                format!("**{}**", r.late)
            } else {
                "0".into()
            },
            r.open,
            r.longest_seconds.map(human_duration).unwrap_or_default()
        ));
    }
}

/// The columns the CSV gains when there are Requests (none otherwise).
pub fn csv_columns(rows: &[OfferingFulfilment]) -> Vec<&'static str> {
    if rows.is_empty() {
        return Vec::new();
    }
    vec![
        "offering",
        "fulfilment_target_minutes",
        "requests",
        "on_time",
        "late",
        "open",
    ]
}

/// One CSV row per offering: the Service, the period and the offering's
/// columns, the SLA columns empty.
pub fn csv_rows(
    w: &mut csv::Writer<Vec<u8>>,
    rows: &[OfferingFulfilment],
) -> Result<(), csv::Error> {
    for r in rows {
        use crate::output::escape::log;
        let mut record = vec![
            log(&r.service).into_owned(),
            String::new(),
            r.period.label.clone(),
            r.period.start.to_string(),
            r.period.end.to_string(),
        ];
        record.extend(std::iter::repeat_n(String::new(), 8));
        record.extend([
            log(&r.offering).into_owned(),
            (r.target_seconds / 60).to_string(),
            r.requests.to_string(),
            (r.requests - r.late).to_string(),
            r.late.to_string(),
            r.open.to_string(),
        ]);
        w.write_record(&record)?;
    }
    Ok(())
}
