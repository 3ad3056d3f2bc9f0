//! SLA history: each Service over its SLA's last windows up to the current
//! one, counted as [`super::compute`] counts one period (the same rows).

use super::{DAY, Period, ServiceSla, WindowAttainment, seconds, service};
use crate::link::Catalog;
use crate::model::{Field, Kind, Window};
use jiff::civil::Date;

/// Every Service with an SLA over its SLA's last `n` windows, the one that
/// contains `today` last (windows before the SLA's `effective` date left
/// out): the attainment of each window in `windows` (always filled, one
/// window or many), the Incidents of the whole stretch in `incidents`. By
/// Service name.
pub fn history(catalog: &Catalog, today: Date, n: usize) -> Vec<ServiceSla> {
    let cutoff = seconds(today) + DAY;
    let mut notes = Vec::new();
    let mut out = Vec::new();
    for svc in catalog.of_kind(Kind::Service) {
        let Some(sla) = catalog.targets(svc, Field::Sla).next() else {
            continue;
        };
        let Some(terms) = catalog.record(sla).spec.sla() else {
            continue;
        };
        let Some(period) = terms
            .window
            .and_then(|w| stretch(w, today, n, terms.effective))
        else {
            continue;
        };
        let row = service(catalog, svc, sla, Some(&period), today, cutoff, &mut notes);
        out.extend(row.map(with_windows));
    }
    out.sort_by(|a, b| a.service.cmp(&b.service));
    out
}

/// The last `n` (at least one) windows of kind `window` up to the one that
/// contains `today`, from the one that contains `effective` when later.
fn stretch(window: Window, today: Date, n: usize, effective: Option<Date>) -> Option<Period> {
    let last = Period::window(window, today)?;
    let mut first = last.clone();
    for _ in 1..n {
        let Ok(before) = first.start.yesterday() else {
            break;
        };
        if effective.is_some_and(|e| e > before) {
            break;
        }
        match Period::window(window, before) {
            Some(p) => first = p,
            None => break,
        }
    }
    let label = if first.label == last.label {
        last.label.clone()
    } else {
        format!("{} to {}", first.label, last.label)
    };
    Some(Period {
        label,
        start: first.start,
        end: last.end,
    })
}

/// A row whose period is one window has no `windows`: that window is the period.
fn with_windows(mut row: ServiceSla) -> ServiceSla {
    if row.windows.is_empty() {
        row.windows.push(WindowAttainment {
            period: row.period.clone(),
            attainment: super::Attainment {
                support_seconds: row.support_seconds,
                outage_seconds: row.outage_seconds,
                availability: row.availability,
                met: row.met,
            },
        });
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn twelve_months_end_with_the_current_one() {
        let p = stretch(Window::Monthly, date(2026, 11, 21), 12, None).unwrap();
        assert_eq!(p.label, "2025-12 to 2026-11");
        assert_eq!((p.start, p.end), (date(2025, 12, 1), date(2026, 12, 1)));
        let q = stretch(Window::Quarterly, date(2026, 11, 21), 12, None).unwrap();
        assert_eq!(
            (q.start, q.label.as_str()),
            (date(2024, 1, 1), "2024-Q1 to 2026-Q4")
        );
    }

    #[test]
    fn windows_before_the_sla_took_effect_are_left_out() {
        let p = stretch(
            Window::Monthly,
            date(2026, 11, 21),
            12,
            Some(date(2026, 9, 15)),
        )
        .unwrap();
        assert_eq!(
            (p.start, p.label.as_str()),
            (date(2026, 9, 1), "2026-09 to 2026-11")
        );
        let p = stretch(
            Window::Yearly,
            date(2026, 11, 21),
            12,
            Some(date(2027, 1, 1)),
        )
        .unwrap();
        assert_eq!(p.label, "2026");
    }
}
