//! Capacity entries against their limits (ISO/IEC 20000-1 8.4.3): the value
//! at which an entry needs attention, the first time it gets there and the
//! headroom left. One computation for the `capacity-risk` check and the
//! site's capacity charts and overview.

use crate::link::{Catalog, Ix};
use crate::model::Record;
use crate::model::spec::resources::Capacity;
use jiff::ToSpan;
use jiff::civil::Date;

/// How far ahead a forecast counts (for `capacity-risk` and the headroom).
pub const HORIZON_MONTHS: i64 = 12;

/// The threshold, in percent of `limit`, when an entry does not say.
pub const DEFAULT_THRESHOLD: f64 = 80.0;

/// An entry as of a date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assessment {
    pub limit: f64,
    /// `threshold` percent of `limit`: where the entry needs attention.
    pub threshold: f64,
    /// The threshold in percent of `limit`.
    pub threshold_percent: f64,
    /// The highest of the current value and the forecasts dated from today on.
    pub peak: f64,
    /// `limit - peak`: what is left at the peak.
    pub headroom: f64,
    /// `headroom` in percent of `limit` (`None` when the limit is not above 0).
    pub headroom_percent: Option<f64>,
    /// The first time the entry is at or above its threshold: now, or the
    /// earliest forecast dated from today on (however far ahead).
    pub reaches: Option<Reach>,
    /// It reaches its threshold now or within the horizon (`capacity-risk`).
    pub at_risk: bool,
}

/// When an entry is at or above its threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reach {
    /// The current value already is (the index of nothing: `current`).
    Now { value: f64 },
    /// A forecast is: its index in `forecast`, date and value.
    Forecast {
        index: usize,
        date: Date,
        value: f64,
    },
}

/// `entry` as of `today`, unless its `limit` or `current` is missing or not a
/// finite number.
pub fn assess(entry: &Capacity, today: Date) -> Option<Assessment> {
    let limit = entry.limit.filter(|l| l.is_finite())?;
    let current = entry.current.filter(|c| c.is_finite())?;
    let threshold_percent = entry
        .threshold
        .filter(|t| t.is_finite())
        .unwrap_or(DEFAULT_THRESHOLD);
    let threshold = limit * (threshold_percent / 100.0);
    let horizon = today.checked_add(HORIZON_MONTHS.months()).unwrap_or(today);
    let ahead = forecasts(entry).filter(|(_, d, _)| *d >= today);
    let peak = ahead.clone().map(|(_, _, v)| v).fold(current, f64::max);
    let reaches = if current >= threshold {
        Some(Reach::Now { value: current })
    } else {
        ahead
            .filter(|(_, _, v)| *v >= threshold)
            .min_by_key(|(i, d, _)| (*d, *i))
            .map(|(index, date, value)| Reach::Forecast { index, date, value })
    };
    let at_risk = match reaches {
        Some(Reach::Now { .. }) => true,
        Some(Reach::Forecast { date, .. }) => date <= horizon,
        None => false,
    };
    let headroom = limit - peak;
    Some(Assessment {
        limit,
        threshold,
        threshold_percent,
        peak,
        headroom,
        headroom_percent: (limit > 0.0)
            .then(|| headroom / limit * 100.0)
            .filter(|p| p.is_finite()),
        reaches,
        at_risk,
    })
}

/// The forecasts with a date and a finite value: index, date, value.
fn forecasts(entry: &Capacity) -> impl Iterator<Item = (usize, Date, f64)> + Clone + '_ {
    entry.forecast.iter().enumerate().filter_map(|(i, f)| {
        let v = f.value.filter(|v| v.is_finite())?;
        Some((i, f.date?, v))
    })
}

/// The capacity entries of a Service or CI (none for other kinds).
pub fn entries(r: &Record) -> &[Capacity] {
    match (r.spec.service(), r.spec.ci()) {
        (Some(s), _) => &s.capacity,
        (_, Some(c)) => &c.capacity,
        _ => &[],
    }
}

/// Every capacity entry of the catalogue, in record order: its record, its
/// index in the record's `capacity` and the entry.
pub fn all(catalog: &Catalog) -> impl Iterator<Item = (Ix, usize, &Capacity)> {
    (0..catalog.repo.records.len() as Ix).flat_map(move |ix| {
        entries(catalog.record(ix))
            .iter()
            .enumerate()
            .map(move |(i, e)| (ix, i, e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::spec::resources::Forecast;
    use jiff::civil::date;

    fn entry(
        limit: f64,
        current: f64,
        threshold: Option<f64>,
        forecast: &[(Date, f64)],
    ) -> Capacity {
        Capacity {
            limit: Some(limit),
            current: Some(current),
            threshold,
            forecast: forecast
                .iter()
                .map(|(d, v)| Forecast {
                    date: Some(*d),
                    value: Some(*v),
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn the_earliest_forecast_at_the_threshold_is_when_it_reaches_it() {
        let today = date(2026, 11, 21);
        let e = entry(
            100.0,
            50.0,
            None,
            &[
                (date(2027, 9, 1), 95.0),
                (date(2027, 3, 1), 85.0),
                (date(2026, 1, 1), 99.0),
            ],
        );
        let a = assess(&e, today).unwrap();
        assert_eq!(a.threshold, 80.0);
        assert_eq!(
            a.reaches,
            Some(Reach::Forecast {
                index: 1,
                date: date(2027, 3, 1),
                value: 85.0
            })
        );
        assert!(a.at_risk);
        // The past forecast (99) does not count; the peak is the 2027-09 one.
        assert_eq!(
            (a.peak, a.headroom, a.headroom_percent),
            (95.0, 5.0, Some(5.0))
        );
    }

    #[test]
    fn beyond_the_horizon_it_reaches_but_is_not_at_risk() {
        let today = date(2026, 11, 21);
        let e = entry(1000.0, 600.0, Some(90.0), &[(date(2028, 1, 31), 950.0)]);
        let a = assess(&e, today).unwrap();
        assert!(!a.at_risk);
        assert!(matches!(a.reaches, Some(Reach::Forecast { .. })));
        assert_eq!(a.peak, 950.0);
        let now = assess(&entry(10.0, 9.0, None, &[]), today).unwrap();
        assert_eq!(now.reaches, Some(Reach::Now { value: 9.0 }));
        assert!(now.at_risk);
    }

    #[test]
    fn a_zero_limit_has_no_headroom_percent_and_nan_is_ignored() {
        let today = date(2026, 11, 21);
        let a = assess(&entry(0.0, 0.0, None, &[]), today).unwrap();
        assert_eq!(a.headroom_percent, None);
        assert!(a.at_risk, "0 is at the threshold of 0");
        let e = entry(100.0, 10.0, Some(f64::NAN), &[(date(2027, 1, 1), f64::NAN)]);
        let a = assess(&e, today).unwrap();
        assert_eq!((a.threshold, a.peak, a.reaches), (80.0, 10.0, None));
        assert!(assess(&entry(f64::INFINITY, 1.0, None, &[]), today).is_none());
    }
}
