//! Dates, instants and the contract's durations (`15m`, `4h`, `12mo`).

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

/// A duration `<integer><unit>` with unit `m` (minutes), `h` (hours), `d`
/// (days), `w` (weeks), `mo` (months) or `y` (years), e.g. `15m`, `4h`, `12mo`.
// Kept as written (amount and unit): months and years are calendar units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, schemars::JsonSchema)]
#[schemars(
    rename = "duration",
    with = "String",
    extend("pattern" = "^[0-9]+(m|h|d|w|mo|y)$")
)]
pub struct Duration {
    pub amount: i64,
    pub unit: Unit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

impl Duration {
    /// Parses `<integer><unit>` with unit m, h, d, w, mo or y.
    pub fn parse(s: &str) -> Option<Duration> {
        let split = s.find(|c: char| !c.is_ascii_digit())?;
        let (digits, unit) = s.split_at(split);
        let amount: i64 = digits.parse().ok()?;
        let unit = match unit {
            "m" => Unit::Minutes,
            "h" => Unit::Hours,
            "d" => Unit::Days,
            "w" => Unit::Weeks,
            "mo" => Unit::Months,
            "y" => Unit::Years,
            _ => return None,
        };
        (amount <= 1_000_000).then_some(Duration { amount, unit })
    }

    /// The date this long after `date` (calendar months and years; hours and
    /// minutes count in whole days).
    pub fn after(self, date: Date) -> Option<Date> {
        let span = match self.unit {
            Unit::Minutes => (self.amount / (24 * 60)).days(),
            Unit::Hours => (self.amount / 24).days(),
            Unit::Days => self.amount.days(),
            Unit::Weeks => self.amount.weeks(),
            Unit::Months => self.amount.months(),
            Unit::Years => self.amount.years(),
        };
        date.checked_add(span).ok()
    }

    /// The date this long before `date` (see [`Duration::after`]).
    pub fn before(self, date: Date) -> Option<Date> {
        Duration {
            amount: -self.amount,
            unit: self.unit,
        }
        .after(date)
    }

    /// Length in minutes (months as 30 days, years as 365), for time targets.
    pub fn minutes(self) -> i64 {
        let per = match self.unit {
            Unit::Minutes => 1,
            Unit::Hours => 60,
            Unit::Days => 1440,
            Unit::Weeks => 7 * 1440,
            Unit::Months => 30 * 1440,
            Unit::Years => 365 * 1440,
        };
        self.amount.saturating_mul(per)
    }

    /// For a person: the amount and a short unit word (`15 min`, `4 h`, `2 d`,
    /// `1 wk`, `12 mo`, `1 yr`).
    pub fn readable(self) -> String {
        let unit = match self.unit {
            Unit::Minutes => "min",
            Unit::Hours => "h",
            Unit::Days => "d",
            Unit::Weeks => "wk",
            Unit::Months => "mo",
            Unit::Years => "yr",
        };
        format!("{} {unit}", self.amount)
    }
}

/// As written: the amount and the unit (`12mo`).
impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            Unit::Minutes => "m",
            Unit::Hours => "h",
            Unit::Days => "d",
            Unit::Weeks => "w",
            Unit::Months => "mo",
            Unit::Years => "y",
        };
        write!(f, "{}{unit}", self.amount)
    }
}

/// Parses a `YYYY-MM-DD` date.
pub fn date(s: &str) -> Option<Date> {
    if s.len() != 10 {
        return None;
    }
    s.parse().ok()
}

/// Parses an RFC 3339 instant.
pub fn instant(s: &str) -> Option<Timestamp> {
    s.parse().ok()
}

/// Today's date in UTC.
pub fn today() -> Date {
    Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// A reporting period: `YYYY-MM`, `YYYY-Qn` or `YYYY`, in UTC.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    pub label: String,
    /// First day.
    #[serde(serialize_with = "ser_date")]
    pub start: Date,
    /// First day after the period.
    #[serde(serialize_with = "ser_date")]
    pub end: Date,
}

impl Period {
    /// Parses `2026-10`, `2026-Q3` or `2026`.
    pub fn parse(s: &str) -> Option<Period> {
        let year = |y: &str| -> Option<i16> {
            (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
                .then(|| y.parse().ok())
                .flatten()
        };
        match s.split_once('-') {
            None => Period::year(year(s)?),
            Some((y, q)) if q.starts_with(['Q', 'q']) => {
                let n: i8 = q[1..].parse().ok().filter(|n| (1..=4).contains(n))?;
                Period::months(year(y)?, (n - 1) * 3 + 1, 3, format!("{y}-Q{n}"))
            }
            Some((y, m)) if m.len() == 2 => {
                let m: i8 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
                Period::months(year(y)?, m, 1, format!("{y}-{m:02}"))
            }
            _ => None,
        }
    }

    pub(crate) fn year(y: i16) -> Option<Period> {
        Period::months(y, 1, 12, format!("{y:04}"))
    }

    pub(crate) fn months(y: i16, m: i8, count: i64, label: String) -> Option<Period> {
        let start = Date::new(y, m, 1).ok()?;
        let end = start.checked_add(jiff::Span::new().months(count)).ok()?;
        Some(Period { label, start, end })
    }
}

/// A date as `YYYY-MM-DD`.
fn ser_date<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let d = date("2026-01-31").unwrap();
        assert_eq!(Duration::parse("1mo").unwrap().after(d), date("2026-02-28"));
        assert_eq!(
            Duration::parse("12mo").unwrap().after(d),
            date("2027-01-31")
        );
        assert_eq!(Duration::parse("2w").unwrap().after(d), date("2026-02-14"));
        assert_eq!(Duration::parse("4h").unwrap().minutes(), 240);
        assert_eq!(Duration::parse("15m").unwrap().minutes(), 15);
        assert_eq!(Duration::parse("1y").unwrap().after(d), date("2027-01-31"));
        assert!(Duration::parse("4 hours").is_none());
        assert!(Duration::parse("h").is_none());
        let readable = |s| Duration::parse(s).unwrap().readable();
        assert_eq!(
            ["30m", "4h", "2d", "1w", "12mo", "1y"].map(readable),
            ["30 min", "4 h", "2 d", "1 wk", "12 mo", "1 yr"]
        );
    }

    #[test]
    fn instants_compare_across_offsets() {
        let a = instant("2026-01-10T22:00:00Z").unwrap();
        let b = instant("2026-01-10T23:30:00+01:00").unwrap();
        assert!(b > a);
        assert!(date("2026-02-30").is_none());
    }
}
