//! Change freezes: the periods of `freezes:` in `itsm.yaml` when no Change
//! should be implemented (`change-in-freeze`), shaded on the site's calendar.

use crate::diag::{Code, Diagnostic, Target};
use crate::model::decode::{Decode, spec_struct};
use crate::model::types::{DateText, Instant};
use crate::source::FileId;
use crate::value::{Text, Value};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;

/// The most freezes `itsm.yaml` may list (its schema says so; more are ignored).
pub const MAX_FREEZES: usize = 100;

/// A freeze as the checks and the site use it: from `start` up to (not
/// including) `end`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Freeze {
    pub start: Timestamp,
    pub end: Timestamp,
    /// Why nothing may change (e.g. `Black Friday`).
    pub reason: String,
    /// Its position in `freezes:` (for findings about it).
    pub index: usize,
}

impl Freeze {
    /// Whether the window from `start` to `end` overlaps this freeze: a window
    /// that ends when the freeze starts, or starts when it ends, does not.
    pub fn overlaps(&self, start: Timestamp, end: Timestamp) -> bool {
        start < self.end && self.start < end
    }
}

spec_struct! {
    /// A change freeze: a period when no Change should be implemented.
    pub struct FreezeEntry {
        /// When the freeze starts: a date (from the start of that day, UTC) or an RFC 3339
        /// instant (e.g. `2026-11-26` or `2026-11-26T18:00:00Z`).
        #[schemars(required)]
        "start" => start: Option<Moment>,
        /// When the freeze ends, after `start`: a date (to the end of that day, UTC) or an RFC
        /// 3339 instant (e.g. `2026-11-30`).
        #[schemars(required)]
        "end" => end: Option<Moment>,
        /// Why nothing may change then (e.g. `Black Friday weekend`).
        #[schemars(required, length(min = 1))]
        "reason" => reason: Option<Text>,
    }
}

/// A bound of a freeze as written: a whole day or an instant.
#[derive(Clone, Debug, PartialEq)]
pub enum Moment {
    Day(Date),
    At(Instant),
}

impl Moment {
    /// The instant a freeze starts at: a day starts at its midnight (UTC).
    fn as_start(&self) -> Option<Timestamp> {
        match self {
            Moment::Day(d) => midnight(*d),
            Moment::At(i) => Some(i.at),
        }
    }

    /// The instant a freeze ends at: a day ends at the next midnight (UTC).
    fn as_end(&self) -> Option<Timestamp> {
        match self {
            Moment::Day(d) => midnight(d.tomorrow().ok()?),
            Moment::At(i) => Some(i.at),
        }
    }
}

fn midnight(d: Date) -> Option<Timestamp> {
    d.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp())
}

impl Decode for Moment {
    fn decode(value: &Value) -> Option<Self> {
        match crate::time::date(value.as_str()?) {
            Some(d) => Some(Moment::Day(d)),
            None => Instant::decode(value).map(Moment::At),
        }
    }
}

impl JsonSchema for Moment {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Moment".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "anyOf": [generator.subschema_for::<DateText>(), generator.subschema_for::<Instant>()],
        })
    }
}

/// The freezes of `entries` that give a start before their end (the first
/// [`MAX_FREEZES`]).
pub fn from_entries(entries: &[FreezeEntry]) -> Vec<Freeze> {
    entries
        .iter()
        .take(MAX_FREEZES)
        .enumerate()
        .filter_map(|(index, e)| {
            let (start, end) = bounds(e)?;
            (end > start).then(|| Freeze {
                start,
                end,
                reason: e.reason.as_deref().unwrap_or("change freeze").to_string(),
                index,
            })
        })
        .collect()
}

fn bounds(e: &FreezeEntry) -> Option<(Timestamp, Timestamp)> {
    Some((e.start.as_ref()?.as_start()?, e.end.as_ref()?.as_end()?))
}

/// Reports as `invalid-window` (at its `end`) each freeze of `entries` whose
/// end is not after its start; the schema stage reports the rest.
pub fn check(entries: &[FreezeEntry], file: Option<FileId>, diags: &mut Vec<Diagnostic>) {
    for (i, e) in entries.iter().enumerate().take(MAX_FREEZES) {
        let Some((start, end)) = bounds(e) else {
            continue;
        };
        if end > start {
            continue;
        }
        let written = |m: &Option<Moment>| match m {
            Some(Moment::Day(d)) => d.to_string(),
            Some(Moment::At(i)) => i.written.to_string(),
            None => String::new(),
        };
        let mut d = Diagnostic::new(
            Code::InvalidWindow,
            format!(
                "freeze {}: `end` ({}) is not after `start` ({})",
                i + 1,
                written(&e.end),
                written(&e.start)
            ),
        )
        .with_help("a freeze ends after it starts; a date as `end` covers that whole day");
        if let Some(file) = file {
            d = d.at(file, 0, format!("/freezes/{i}/end"), Target::Value);
        }
        diags.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::parse;

    fn entries(text: &str) -> Vec<FreezeEntry> {
        let value = parse(text).0.remove(0).value;
        <Box<[FreezeEntry]> as crate::model::decode::FieldValue>::from_value(&value).into_vec()
    }

    #[test]
    fn days_cover_whole_days_and_instants_are_exact() {
        let f = from_entries(&entries(
            "[{start: 2026-11-26, end: 2026-11-30, reason: BF}, \
             {start: \"2026-12-01T10:00:00+01:00\", end: \"2026-12-01T12:00:00Z\", reason: x}, \
             {start: 2026-12-05, end: 2026-12-04, reason: backwards}]",
        ));
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].start.to_string(), "2026-11-26T00:00:00Z");
        assert_eq!(f[0].end.to_string(), "2026-12-01T00:00:00Z");
        assert_eq!(f[1].start.to_string(), "2026-12-01T09:00:00Z");
        let at = |s: &str| crate::time::instant(s).unwrap();
        assert!(!f[0].overlaps(at("2026-11-25T20:00:00Z"), at("2026-11-26T00:00:00Z")));
        assert!(f[0].overlaps(at("2026-11-25T20:00:00Z"), at("2026-11-26T00:00:01Z")));
        assert!(!f[0].overlaps(at("2026-12-01T00:00:00Z"), at("2026-12-01T02:00:00Z")));
        let mut diags = Vec::new();
        check(
            &entries("[{start: 2026-12-05, end: 2026-12-04, reason: r}]"),
            None,
            &mut diags,
        );
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].message.contains("`end` (2026-12-04)"),
            "{}",
            diags[0].message
        );
    }
}
