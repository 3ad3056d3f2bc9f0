//! `changes.ics`: the Changes, Releases and freezes of the calendar as an
//! iCalendar feed (RFC 5545) to subscribe to: one VEVENT each, UTC times, TEXT
//! escaped, lines folded at 75 octets, CRLF line ends.

use super::context::Cx;
use super::schedule::Slot;
use crate::freeze::Freeze;
use crate::model::Kind;
use crate::site::file::File;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::fmt::Write;

/// The feed's path in the site.
pub(super) const FEED: &str = "changes.ics";
/// Events in the feed at most: the windows that end last month or later, soonest first.
const FEED_LIMIT: usize = 2000;

impl Cx<'_> {
    /// `changes.ics` of `slots` (sorted by start) and the freezes.
    pub(super) fn feed(&self, slots: &[Slot]) -> File {
        let since = self
            .today
            .first_of_month()
            .yesterday()
            .map(|d| d.first_of_month())
            .unwrap_or(self.today);
        let since = since.to_zoned(TimeZone::UTC).map(|z| z.timestamp()).ok();
        let stamp = self
            .today
            .to_zoned(TimeZone::UTC)
            .map(|z| utc(z.timestamp()))
            .unwrap_or_default();
        let domain = uid_domain(self.catalog.config().github.as_deref());
        let mut out = String::new();
        line(&mut out, "BEGIN:VCALENDAR");
        line(&mut out, "VERSION:2.0");
        line(&mut out, "PRODID:-//itsm//change calendar//EN");
        line(&mut out, "CALSCALE:GREGORIAN");
        let name = format!("X-WR-CALNAME:{} changes", text(&self.catalog.config().name));
        line(&mut out, &name);
        let recent = slots.iter().filter(|s| Some(s.end) >= since);
        for s in recent.take(FEED_LIMIT) {
            self.slot_event(&mut out, s, &stamp, &domain);
        }
        for f in self.catalog.config().freezes.iter() {
            freeze_event(&mut out, f, &stamp, &domain);
        }
        line(&mut out, "END:VCALENDAR");
        File {
            path: FEED.into(),
            bytes: out.into_bytes(),
        }
    }

    fn slot_event(&self, out: &mut String, s: &Slot, stamp: &str, domain: &str) {
        let link = self.link(s.ix);
        let (kind, status) = match s.kind {
            Kind::Release => ("Release", release_status(s.status)),
            _ => ("Change", change_status(s.status)),
        };
        let touches: Vec<&str> = self
            .catalog
            .out(s.ix)
            .iter()
            .filter(|l| {
                matches!(
                    l.field,
                    crate::model::Field::Impacts | crate::model::Field::Services
                )
            })
            .map(|l| &*self.link(l.to).id)
            .collect();
        let mut description = format!("{} ({})", link.id, s.status);
        if !touches.is_empty() {
            let _ = write!(description, "\nTouches: {}", touches.join(", "));
        }
        let base = &self.catalog.config().base_url;
        let url = format!("{}/{}", base.trim_end_matches('/'), link.path);
        event(
            out,
            &[
                ("UID", format!("{}@{domain}", text(&link.id))),
                ("DTSTAMP", stamp.to_string()),
                ("DTSTART", utc(s.start)),
                ("DTEND", utc(s.end)),
                ("SUMMARY", text(&format!("{kind}: {}", link.title))),
                ("DESCRIPTION", text(&description)),
                ("URL", uri(&url)),
                ("STATUS", status.to_string()),
                ("CATEGORIES", kind.to_string()),
            ],
        );
    }
}

fn freeze_event(out: &mut String, f: &Freeze, stamp: &str, domain: &str) {
    event(
        out,
        &[
            ("UID", format!("freeze-{}@{domain}", f.index + 1)),
            ("DTSTAMP", stamp.to_string()),
            ("DTSTART", utc(f.start)),
            ("DTEND", utc(f.end)),
            ("SUMMARY", text(&format!("Change freeze: {}", f.reason))),
            ("STATUS", "CONFIRMED".into()),
            ("CATEGORIES", "Freeze".into()),
        ],
    );
}

fn event(out: &mut String, props: &[(&str, String)]) {
    line(out, "BEGIN:VEVENT");
    for (name, value) in props {
        line(out, &format!("{name}:{value}"));
    }
    line(out, "END:VEVENT");
}

/// A Change's status as a VEVENT STATUS: what is not decided is tentative.
fn change_status(status: &str) -> &'static str {
    match status {
        "proposed" => "TENTATIVE",
        "cancelled" => "CANCELLED",
        _ => "CONFIRMED",
    }
}

fn release_status(status: &str) -> &'static str {
    match status {
        "planned" => "TENTATIVE",
        "cancelled" => "CANCELLED",
        _ => "CONFIRMED",
    }
}

/// The domain of the UIDs: `owner.repo` from `github:`, else `itsm.invalid`.
fn uid_domain(github: Option<&str>) -> String {
    let repo: String = github
        .unwrap_or("")
        .chars()
        .map(|c| if c == '/' { '.' } else { c })
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    if repo.is_empty() {
        "itsm.invalid".into()
    } else {
        repo
    }
}

/// An instant as a UTC DATE-TIME (`20261124T080000Z`).
fn utc(t: Timestamp) -> String {
    t.to_zoned(TimeZone::UTC)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// A TEXT value escaped (RFC 5545 3.3.11): backslash, `;` and `,` escaped, a
/// line break as `\n`, other control characters dropped.
pub(super) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI value: control characters and spaces dropped, nothing else changes.
fn uri(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() && *c != ' ').collect()
}

/// Appends a content line folded at 75 octets (never inside a UTF-8
/// character), each continuation starting with a space, and CRLF.
pub(super) fn line(out: &mut String, content: &str) {
    let mut rest = content;
    let mut limit = 75;
    while rest.len() > limit {
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        limit = 74;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_lines_fold_at_75_octets() {
        assert_eq!(
            text("a;b,c\\d\r\nBEGIN:VEVENT\ne\u{7}"),
            "a\\;b\\,c\\\\d\\nBEGIN:VEVENT\\ne"
        );
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(60));
        line(&mut out, &long);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), long);
        assert_eq!(uid_domain(Some("acme/it;sm")), "acme.itsm");
        assert_eq!(uid_domain(None), "itsm.invalid");
    }
}
