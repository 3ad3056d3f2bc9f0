//! A Change's window on its page: read in the offset it is written in
//! ("Sat 28 Nov 2026 22:00 – Sun 29 Nov 02:00 +01:00, 4 h"), and the windows
//! of other Changes and Releases that overlap it on a shared Service or CI, as
//! the calendar finds them ([`super::schedule::conflicts`], computed once per
//! render in [`Overlaps`]).

use super::context::{Cx, LIST_LIMIT};
use super::panel::{a, end_table, panel, row, table};
use super::schedule::{self, Slot};
use super::track::Tracked;
use crate::html::esc;
use crate::link::Ix;
use crate::model::Field;
use crate::model::types::Instant;
use crate::site::view::{Panel, RECORD_ROOT};
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, Zoned};
use rustc_hash::FxHashMap;

/// What overlaps each scheduled Change: the other slot's record, its window
/// and the Service or CI they share; made once per render.
#[derive(Default)]
pub(super) struct Overlaps {
    by_record: FxHashMap<Ix, Vec<(Ix, Timestamp, Timestamp, Ix)>>,
}

impl Overlaps {
    /// The conflicts of the calendar, by record, each both ways.
    pub fn of(catalog: Tracked<'_>) -> Overlaps {
        let slots: Vec<Slot> = schedule::slots(catalog);
        let (found, _) = schedule::conflicts(catalog, &slots);
        let mut by_record: FxHashMap<Ix, Vec<(Ix, Timestamp, Timestamp, Ix)>> =
            FxHashMap::default();
        for c in &found {
            let (x, y) = (&slots[c.a], &slots[c.b]);
            by_record
                .entry(x.ix)
                .or_default()
                .push((y.ix, y.start, y.end, c.on));
            by_record
                .entry(y.ix)
                .or_default()
                .push((x.ix, x.start, x.end, c.on));
        }
        Overlaps { by_record }
    }
}

impl Cx<'_> {
    /// The window of Change `ix` in words, and what overlaps it.
    pub(super) fn window_panel(&self, ix: Ix) -> Option<Panel> {
        let change = self.catalog.record(ix).spec.change()?;
        let w = change.window.as_ref()?;
        let (start, end) = (w.start.as_ref(), w.end.as_ref());
        let mut html = String::from("<p class=\"window\">");
        match (start, end) {
            (Some(s), Some(e)) if s.at < e.at => {
                html.push_str(&window_html(s, e));
                html.push_str("</p>\n");
                self.overlaps_html(ix, &mut html);
            }
            _ => {
                let text = |i: Option<&Instant>| i.map_or("?".into(), |i| esc(&i.written));
                html.push_str(&format!(
                    "{} to {}: <strong class=\"bad\">not a window</strong> (it must end after it starts).</p>\n",
                    text(start),
                    text(end)
                ));
            }
        }
        Some(panel("window", "Window", html))
    }

    /// When the page is tracked, notes the Changes and Releases that share a
    /// Service or CI with Change `ix`: any of them may come to overlap it, and
    /// the page must then be rendered again.
    fn note_neighbours(&self, ix: Ix) {
        let c = self.catalog;
        if !c.is_tracked() {
            return;
        }
        for t in c.targets(ix, Field::Impacts) {
            for s in c
                .sources(t, Field::Impacts)
                .chain(c.sources(t, Field::Services))
            {
                c.record(s);
            }
        }
    }

    /// The other windows that overlap Change `ix`'s on a shared Service or CI.
    fn overlaps_html(&self, ix: Ix, html: &mut String) {
        self.note_neighbours(ix);
        let overlaps = self.overlaps();
        let found = overlaps
            .by_record
            .get(&ix)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if found.is_empty() {
            html.push_str("<p class=\"ok\">No other Change or Release overlaps it on a shared Service or CI.</p>\n");
            return;
        }
        html.push_str(&format!(
            "<p><strong class=\"bad overlap-flag\">Overlaps {} other window(s)</strong> on a shared Service or CI (see the <a href=\"{RECORD_ROOT}changes.html\">change calendar</a>).</p>\n",
            found.len()
        ));
        table(
            html,
            "overlaps",
            &["Change or Release", "Its window (UTC)", "Shared"],
        );
        for &(other, start, end, on) in found.iter().take(LIST_LIMIT) {
            let (mut who, mut shared) = (String::new(), String::new());
            a(&mut who, RECORD_ROOT, self.link(other));
            a(&mut shared, RECORD_ROOT, self.link(on));
            row(
                html,
                Some("overlap"),
                &[who, esc(&utc_text(start, end)), shared],
            );
        }
        end_table(html);
        if found.len() > LIST_LIMIT {
            html.push_str(&format!(
                "<p class=\"more\">And {} more.</p>\n",
                found.len() - LIST_LIMIT
            ));
        }
    }
}

/// The offset an instant is written in (UTC for `Z` or when unreadable).
fn offset_of(i: &Instant) -> Offset {
    jiff::fmt::temporal::Pieces::parse(i.written.as_bytes())
        .ok()
        .and_then(|p| p.offset())
        .map_or(Offset::UTC, |o| o.to_numeric_offset())
}

/// `Sat 28 Nov 2026 22:00 – Sun 29 Nov 02:00 +01:00, 4 h`: both ends in the
/// start's offset, the end's date only when it is another day, its year only
/// when it is another year; escaped.
pub(super) fn window_html(start: &Instant, end: &Instant) -> String {
    let offset = offset_of(start);
    let zone = TimeZone::fixed(offset);
    let (a, b) = (start.at.to_zoned(zone.clone()), end.at.to_zoned(zone));
    let to = if a.date() == b.date() {
        b.strftime("%H:%M").to_string()
    } else if a.year() == b.year() {
        b.strftime("%a %-d %b %H:%M").to_string()
    } else {
        b.strftime("%a %-d %b %Y %H:%M").to_string()
    };
    let offset = if offset == Offset::UTC {
        "UTC".to_string()
    } else {
        a.strftime("%:z").to_string()
    };
    format!(
        "<time datetime=\"{}\">{}</time> – <time datetime=\"{}\">{to}</time> {offset}, <strong>{}</strong>",
        esc(&a.timestamp().to_string()),
        esc(&a.strftime("%a %-d %b %Y %H:%M").to_string()),
        esc(&b.timestamp().to_string()),
        esc(&duration(&a, &b)),
    )
}

/// `4 h`, `25 min`, `1 h 30 min`, `2 d 3 h`.
fn duration(a: &Zoned, b: &Zoned) -> String {
    let minutes = b
        .timestamp()
        .as_second()
        .saturating_sub(a.timestamp().as_second())
        / 60;
    let (d, h, m) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "min")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n} {u}"))
        .collect();
    if parts.is_empty() {
        "under a minute".into()
    } else {
        parts.join(" ")
    }
}

/// `2026-11-24 08:00 to 10:00`, or with both dates when they differ (UTC).
fn utc_text(start: Timestamp, end: Timestamp) -> String {
    let (a, b) = (start.to_zoned(TimeZone::UTC), end.to_zoned(TimeZone::UTC));
    let to = if a.date() == b.date() {
        b.strftime("%H:%M").to_string()
    } else {
        b.strftime("%Y-%m-%d %H:%M").to_string()
    };
    format!("{} to {to}", a.strftime("%Y-%m-%d %H:%M"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(text: &str) -> Instant {
        Instant {
            at: text.parse().unwrap(),
            written: text.into(),
        }
    }

    #[test]
    fn windows_read_in_their_own_offset_with_their_duration() {
        let w = |a: &str, b: &str| window_html(&instant(a), &instant(b));
        assert_eq!(
            w("2026-11-28T22:00:00+01:00", "2026-11-29T02:00:00+01:00"),
            "<time datetime=\"2026-11-28T21:00:00Z\">Sat 28 Nov 2026 22:00</time> – <time datetime=\"2026-11-29T01:00:00Z\">Sun 29 Nov 02:00</time> +01:00, <strong>4 h</strong>"
        );
        assert!(w("2026-09-17T19:20:00Z", "2026-09-17T19:50:00Z")
            .ends_with(">Thu 17 Sep 2026 19:20</time> – <time datetime=\"2026-09-17T19:50:00Z\">19:50</time> UTC, <strong>30 min</strong>"));
        assert!(
            w("2026-12-31T23:00:00Z", "2027-01-02T00:30:00Z")
                .ends_with(">Sat 2 Jan 2027 00:30</time> UTC, <strong>1 d 1 h 30 min</strong>")
        );
    }
}
