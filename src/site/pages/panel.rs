//! Pieces of the HTML that the panels of record pages (and the pages made
//! from the same rows) build by hand: every text escaped here.

use crate::html::{esc, esc_to};
use crate::site::view::{Link, Panel};
use minijinja::Value as V;

/// A panel of `html` (safe) under `title`.
pub(super) fn panel(id: &'static str, title: &str, html: String) -> Panel {
    Panel {
        id,
        title: title.to_string(),
        html: V::from_safe_string(html),
    }
}

/// A link to a record's page; `prefix` is the way from the page to the site root.
pub(super) fn a(out: &mut String, prefix: &str, link: &Link) {
    out.push_str("<a href=\"");
    esc_to(out, prefix);
    esc_to(out, &link.path);
    out.push_str("\">");
    esc_to(out, &link.title);
    out.push_str("</a>");
}

/// The start of a table with a header row of `columns` (plain text).
pub(super) fn table(out: &mut String, class: &str, columns: &[&str]) {
    out.push_str("<div class=\"scroll\"><table class=\"");
    esc_to(out, class);
    out.push_str("\"><thead><tr>");
    for c in columns {
        out.push_str("<th scope=\"col\">");
        esc_to(out, c);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
}

/// The end of a table begun by [`table`].
pub(super) fn end_table(out: &mut String) {
    out.push_str("</tbody></table></div>\n");
}

/// A row of cells, each safe HTML.
pub(super) fn row(out: &mut String, class: Option<&str>, cells: &[String]) {
    match class {
        Some(c) => {
            out.push_str("<tr class=\"");
            esc_to(out, c);
            out.push_str("\">");
        }
        None => out.push_str("<tr>"),
    }
    for c in cells {
        out.push_str("<td>");
        out.push_str(c);
        out.push_str("</td>");
    }
    out.push_str("</tr>\n");
}

/// `met` or `breached` (or `missed`...), marked for the eye and in words.
pub(super) fn verdict(ok: bool, yes: &str, no: &str) -> String {
    if ok {
        format!("<span class=\"ok\">{}</span>", esc(yes))
    } else {
        format!("<strong class=\"bad\">{}</strong>", esc(no))
    }
}

/// An RFC 3339 instant as `2026-09-17 18:40 UTC` when it is one in UTC, else as written.
pub(super) fn instant(text: &str) -> String {
    match (text.get(..10), text.get(11..16), text.ends_with('Z')) {
        (Some(d), Some(t), true) if text.as_bytes().get(10) == Some(&b'T') => {
            format!("{} {} UTC", esc(d), esc(t))
        }
        _ => esc(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_read_as_utc_times_and_anything_else_is_escaped() {
        assert_eq!(instant("2026-09-17T18:40:00Z"), "2026-09-17 18:40 UTC");
        assert_eq!(
            instant("2026-09-17T18:40:00+02:00"),
            "2026-09-17T18:40:00+02:00"
        );
        assert_eq!(instant("<b>Z"), "&lt;b&gt;Z");
    }
}
