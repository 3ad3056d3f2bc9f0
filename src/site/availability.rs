//! Availability of a Service over its SLA's current window, from the outage
//! minutes of its Incidents (overlapping outages counted once).

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan, tz::TimeZone};

/// An SLA measurement window, `[start, end)` in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Window {
    /// The `monthly`, `quarterly` or `yearly` window that contains `today`.
    pub fn containing(kind: &str, today: Date) -> Option<Window> {
        let (first, span) = match kind {
            "monthly" => (today.first_of_month(), 1.month()),
            "quarterly" => {
                let month = (today.month() - 1) / 3 * 3 + 1;
                (Date::new(today.year(), month, 1).ok()?, 3.months())
            }
            "yearly" => (today.first_of_year(), 1.year()),
            _ => return None,
        };
        let next = first.checked_add(span).ok()?;
        let at = |d: Date| d.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp());
        Some(Window {
            start: at(first)?,
            end: at(next)?,
        })
    }

    pub fn minutes(&self) -> f64 {
        (self.end.as_second() - self.start.as_second()) as f64 / 60.0
    }
}

/// Outage minutes inside `window`: each outage `[start, end)` is clipped to the
/// window, and overlapping outages are merged so a minute counts once.
pub fn outage_minutes(window: Window, outages: &[(Timestamp, Timestamp)]) -> f64 {
    let mut spans: Vec<(i64, i64)> = outages
        .iter()
        .map(|(s, e)| {
            (
                s.as_second().max(window.start.as_second()),
                e.as_second().min(window.end.as_second()),
            )
        })
        .filter(|(s, e)| s < e)
        .collect();
    spans.sort_unstable();
    let mut total = 0i64;
    let mut current: Option<(i64, i64)> = None;
    for (s, e) in spans {
        current = match current {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    if let Some((cs, ce)) = current {
        total += ce - cs;
    }
    total as f64 / 60.0
}

/// Availability in percent over the window.
pub fn percent(window: Window, outage_minutes: f64) -> f64 {
    let total = window.minutes();
    if total <= 0.0 {
        return 100.0;
    }
    100.0 * (1.0 - outage_minutes / total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{date, instant};

    fn t(s: &str) -> Timestamp {
        instant(s).unwrap()
    }

    #[test]
    fn windows() {
        let d = date("2026-11-21").unwrap();
        let m = Window::containing("monthly", d).unwrap();
        assert_eq!(m.start, t("2026-11-01T00:00:00Z"));
        assert_eq!(m.end, t("2026-12-01T00:00:00Z"));
        let q = Window::containing("quarterly", d).unwrap();
        assert_eq!(q.start, t("2026-10-01T00:00:00Z"));
        assert_eq!(q.end, t("2027-01-01T00:00:00Z"));
        let y = Window::containing("yearly", d).unwrap();
        assert_eq!(y.minutes(), 365.0 * 1440.0);
        assert!(Window::containing("weekly", d).is_none());
    }

    #[test]
    fn forty_five_minutes_in_a_31_day_month() {
        let w = Window::containing("monthly", date("2026-12-15").unwrap()).unwrap();
        // 30 min + 20 min overlapping by 5 min = 45 min; one outside the window.
        let outages = [
            (t("2026-12-03T10:00:00Z"), t("2026-12-03T10:30:00Z")),
            (t("2026-12-03T10:25:00Z"), t("2026-12-03T10:45:00Z")),
            (t("2026-11-30T10:00:00Z"), t("2026-11-30T12:00:00Z")),
        ];
        let minutes = outage_minutes(w, &outages);
        assert_eq!(minutes, 45.0);
        assert_eq!(format!("{:.3}", percent(w, minutes)), "99.899");
    }

    #[test]
    fn clipped_at_the_window_edges() {
        let w = Window::containing("monthly", date("2026-12-15").unwrap()).unwrap();
        let outages = [
            (t("2026-11-30T23:50:00Z"), t("2026-12-01T00:10:00Z")),
            (t("2026-12-31T23:55:00Z"), t("2027-01-01T01:00:00Z")),
        ];
        assert_eq!(outage_minutes(w, &outages), 15.0);
    }
}
