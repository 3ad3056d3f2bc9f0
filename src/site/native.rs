//! Record pages of the default theme, written without the template engine.
//!
//! A record page is most of a site (one per record), and running `record.html`
//! through minijinja was a quarter of a 100,000-page build. When the theme keeps
//! the default `record.html` and `base.html`, the layout around the page is
//! rendered once by minijinja (with markers where the title and the content go)
//! and the content is written here, as `record.html` would write it.
//!
//! Change `theme/record.html` and this file together: `tests/site_native.rs`
//! renders a generated repository that reaches every branch of both templates
//! both ways and requires the same bytes, and the test below fails on any
//! change to the two templates until it is pinned again.

use super::theme::Theme;
use super::view::{Availability, Fact, Panel, RECORD_ROOT as ROOT, RecordView, Section};
use crate::html::esc_to;
use minijinja::Value as V;

/// `base.html` rendered around a record page, in the four pieces between
/// which the page's title, description and content go.
pub(super) struct Layout {
    before_title: String,
    before_description: String,
    before_content: String,
    after_content: String,
    /// The site's name, escaped (in the description of a record without one).
    site_name: String,
}

const TITLE: &str = "\u{1}title\u{1}";
const DESCRIPTION: &str = "\u{1}description\u{1}";
const CONTENT: &str = "\u{1}content\u{1}";

impl Layout {
    /// The layout of record pages (one folder deep: [`ROOT`]), when the theme
    /// keeps the default templates; `None` otherwise (minijinja renders them).
    pub fn new(theme: &Theme, site: &V) -> Result<Option<Layout>, minijinja::Error> {
        if !theme.default_record {
            return Ok(None);
        }
        // Named `.html`, so that it escapes as the record pages do.
        let page = theme.env.template_from_named_str(
            "record-layout.html",
            r#"{% extends "base.html" %}{% block content %}{{ content }}{% endblock %}"#,
        )?;
        let page = page.render(minijinja::context! {
            site => site,
            root => ROOT,
            title => TITLE,
            description => DESCRIPTION,
            content => V::from_safe_string(CONTENT.to_string()),
        })?;
        let Some((before_title, rest)) = page.split_once(TITLE) else {
            return Ok(None);
        };
        let Some((before_description, rest)) = rest.split_once(DESCRIPTION) else {
            return Ok(None);
        };
        let Some((before_content, after_content)) = rest.split_once(CONTENT) else {
            return Ok(None);
        };
        let parts = [
            before_title,
            before_description,
            before_content,
            after_content,
        ];
        if parts
            .iter()
            .any(|p| [TITLE, DESCRIPTION, CONTENT].iter().any(|m| p.contains(m)))
        {
            return Ok(None);
        }
        let mut site_name = String::new();
        let name = site.get_attr("name").ok();
        esc_to(
            &mut site_name,
            name.as_ref().and_then(V::as_str).unwrap_or(""),
        );
        Ok(Some(Layout {
            before_title: before_title.to_string(),
            before_description: before_description.to_string(),
            before_content: before_content.to_string(),
            after_content: after_content.to_string(),
            site_name,
        }))
    }

    /// The whole page of a record, as `record.html` renders it.
    pub fn record_page(&self, r: &RecordView) -> String {
        let mut out = String::with_capacity(
            self.before_title.len() + self.before_content.len() + self.after_content.len() + 4096,
        );
        out.push_str(&self.before_title);
        esc_to(&mut out, r.title);
        out.push_str(&self.before_description);
        match r.description.filter(|d| !d.is_empty()) {
            Some(d) => esc_to(&mut out, d),
            None => {
                esc_to(&mut out, r.kind);
                out.push(' ');
                esc_to(&mut out, &r.id);
                out.push_str(" · ");
                out.push_str(&self.site_name);
            }
        }
        out.push_str(&self.before_content);
        content(&mut out, r);
        out.push_str(&self.after_content);
        out
    }
}

/// Appends each string: the literal text of the template.
macro_rules! put {
    ($out:expr, $($s:expr),+ $(,)?) => {{ $($out.push_str($s);)+ }};
}

/// The `content` block of `record.html`.
fn content(out: &mut String, r: &RecordView) {
    heading(out, r);
    about(out, r);
    out.push_str("\n\n");
    let body = r.body_html.as_str().unwrap_or_default();
    if !body.is_empty() {
        put!(out, "<article class=\"body\">", body, "</article>");
    }
    out.push_str("\n\n");
    if let Some(a) = &r.availability {
        availability(out, a);
    }
    out.push('\n');
    for p in &r.panels {
        panel(out, p);
    }
    out.push('\n');
    let graph = r.graph_svg.as_str().unwrap_or_default();
    if !graph.is_empty() {
        put!(
            out,
            "<section class=\"graph-box\" id=\"graph\"><h2>Dependencies</h2><div class=\"scroll\">",
            graph,
            "</div></section><script src=\"",
            ROOT,
            "assets/site.js\"></script>",
        );
    }
    out.push_str("\n\n");
    for s in &r.sections {
        section(out, s);
    }
    out.push_str("\n\n");
    details(out, &r.facts);
    out.push_str("\n\n");
    secondary(out, r);
    source(out, r);
}

/// The crumbs, the title and the description.
fn heading(out: &mut String, r: &RecordView) {
    put!(out, "\n<p class=\"crumbs\"><a href=\"", ROOT);
    esc_to(out, r.kind_id);
    out.push_str("/index.html\">");
    esc_to(out, r.kind_plural);
    out.push_str("</a> / <code>");
    esc_to(out, &r.id);
    out.push_str("</code></p>\n<h1>");
    esc_to(out, r.title);
    out.push_str(" <span class=\"kind\">");
    esc_to(out, r.kind);
    out.push_str("</span></h1>\n");
    if let Some(d) = r.description.filter(|d| !d.is_empty()) {
        out.push_str("<p class=\"lead\">");
        esc_to(out, d);
        out.push_str("</p>");
    }
    out.push('\n');
}

/// The card under the title: its pairs, the record's external links (some
/// without a URL that may be a link) and where to edit it.
fn about(out: &mut String, r: &RecordView) {
    let edit = r.edit_url.as_deref().filter(|u| !u.is_empty());
    if r.about.is_empty() && r.links.is_empty() && edit.is_none() {
        return;
    }
    out.push_str("<section class=\"about\" aria-label=\"About this ");
    esc_to(out, r.kind);
    out.push_str("\"><dl>\n");
    pairs(out, &r.about);
    if !r.links.is_empty() {
        out.push_str("<div class=\"wide\"><dt>Links</dt><dd><ul class=\"ext-links\">");
        for l in &r.links {
            out.push_str("<li>");
            match l.url.as_deref().filter(|u| !u.is_empty()) {
                Some(url) => {
                    out.push_str("<a href=\"");
                    esc_to(out, url);
                    out.push_str("\" rel=\"noopener noreferrer\">");
                    esc_to(out, &l.title);
                    out.push_str("</a>");
                }
                None => esc_to(out, &l.title),
            }
            out.push_str("</li>");
        }
        out.push_str("</ul></dd></div>\n");
    }
    if let Some(url) = edit {
        out.push_str("<div><dt>Record</dt><dd><a href=\"");
        esc_to(out, url);
        out.push_str("\" rel=\"noopener noreferrer\">Edit on GitHub</a></dd></div>\n");
    }
    out.push_str("</dl></section>");
}

/// Label/value pairs (the values safe HTML), one `<div>` each.
fn pairs(out: &mut String, facts: &[Fact]) {
    for f in facts {
        out.push_str("<div><dt>");
        esc_to(out, &f.label);
        put!(
            out,
            "</dt><dd>",
            f.html.as_str().unwrap_or_default(),
            "</dd></div>\n"
        );
    }
}

/// The spec fields shown nowhere else.
fn details(out: &mut String, facts: &[Fact]) {
    if facts.is_empty() {
        return;
    }
    out.push_str("<section class=\"details\">\n<h2>Details</h2>\n<dl class=\"facts\">\n");
    pairs(out, facts);
    out.push_str("</dl>\n</section>");
}

/// The labels and the annotations, after everything else.
fn secondary(out: &mut String, r: &RecordView) {
    if r.labels.is_empty() && r.annotations.is_empty() {
        return;
    }
    out.push_str("<section class=\"secondary\">\n<h2>Labels and annotations</h2>\n");
    if !r.labels.is_empty() {
        out.push_str("<p class=\"labels\">");
        for (k, v) in &r.labels {
            out.push_str("<span class=\"label\">");
            esc_to(out, k);
            out.push_str(": ");
            esc_to(out, v);
            out.push_str("</span> ");
        }
        out.push_str("</p>");
    }
    out.push('\n');
    if !r.annotations.is_empty() {
        out.push_str("<dl class=\"quiet\">\n");
        for (k, v) in &r.annotations {
            out.push_str("<div><dt>");
            esc_to(out, k);
            out.push_str("</dt><dd>");
            esc_to(out, v);
            out.push_str("</dd></div>\n");
        }
        out.push_str("</dl>");
    }
    out.push_str("\n</section>");
}

/// Where the record comes from.
fn source(out: &mut String, r: &RecordView) {
    out.push_str("\n\n<p class=\"source\">Source: <code>");
    esc_to(out, r.source);
    out.push_str("</code></p>\n");
}

/// The availability section of `record.html`.
fn availability(out: &mut String, a: &Availability) {
    out.push_str(
        "\n<section class=\"availability\" id=\"availability\">\n<h2>Availability</h2>\n<p><span class=\"big ",
    );
    out.push_str(if a.met { "ok" } else { "bad" });
    out.push_str("\">");
    esc_to(out, &a.percent);
    out.push_str("%</span>\nover the ");
    esc_to(out, &a.window);
    out.push_str(" window ");
    esc_to(out, &a.from);
    out.push_str(" to ");
    esc_to(out, &a.to);
    if a.support_hours == "business" {
        out.push_str(" (business hours)");
    }
    if let Some(target) = a.target.as_deref().filter(|t| !t.is_empty()) {
        out.push_str(", against the target of ");
        esc_to(out, target);
        put!(out, "% of <a href=\"", ROOT);
        esc_to(out, &a.sla.path);
        out.push_str("\">");
        esc_to(out, &a.sla.title);
        out.push_str("</a>");
    }
    out.push_str(":\n");
    esc_to(out, &a.outage_minutes);
    out.push_str(" minutes of outage");
    if !a.incidents.is_empty() {
        out.push_str(" (");
        for (n, i) in a.incidents.iter().enumerate() {
            put!(out, "<a href=\"", ROOT);
            esc_to(out, &i.path);
            out.push_str("\">");
            esc_to(out, &i.title);
            out.push_str("</a>");
            if n + 1 < a.incidents.len() {
                out.push_str(", ");
            }
        }
        out.push(')');
    }
    out.push_str(".</p>\n</section>\n");
}

/// A panel of `record.html`: its HTML is safe.
fn panel(out: &mut String, p: &Panel) {
    out.push_str("<section class=\"panel\" id=\"");
    esc_to(out, p.id);
    out.push_str("\">\n<h2>");
    esc_to(out, &p.title);
    put!(
        out,
        "</h2>\n",
        p.html.as_str().unwrap_or_default(),
        "\n</section>\n"
    );
}

/// One related-records section of `record.html`: a table.
fn section(out: &mut String, s: &Section<'_>) {
    out.push_str("\n<section class=\"related\">\n<h2>");
    esc_to(out, &s.title);
    out.push_str("</h2>\n");
    if s.items.is_empty() {
        out.push_str("<p class=\"none\">None.</p>");
    } else {
        out.push_str("<table class=\"rel\"><thead><tr><th scope=\"col\">Record</th>");
        if s.kinds {
            out.push_str("<th scope=\"col\">Kind</th>");
        }
        out.push_str("<th scope=\"col\">State</th>");
        if s.notes {
            out.push_str("<th scope=\"col\">Note</th>");
        }
        out.push_str("</tr></thead><tbody>\n");
        for i in &s.items {
            put!(out, "<tr><td><a href=\"", ROOT);
            esc_to(out, &i.link.path);
            out.push_str("\">");
            esc_to(out, &i.link.title);
            out.push_str("</a></td><td>");
            if s.kinds {
                esc_to(out, i.link.kind);
                out.push_str("</td><td>");
            }
            if !i.state.is_empty() {
                out.push_str("<span class=\"badge ");
                esc_to(out, i.state);
                out.push_str("\">");
                esc_to(out, i.state);
                out.push_str("</span>");
            }
            out.push_str("</td>");
            if s.notes {
                out.push_str("<td>");
                esc_to(out, &i.note);
                out.push_str("</td>");
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table>");
        if s.cut {
            out.push_str("<p class=\"meta\">and more: the list stops at ");
            out.push_str(&s.items.len().to_string());
            out.push_str(" records.</p>");
        } else if s.more > 0 {
            out.push_str("<p>and ");
            out.push_str(&s.more.to_string());
            out.push_str(" more.</p>");
        }
        out.push('\n');
    }
    out.push_str("\n</section>\n");
}

#[cfg(test)]
mod tests {
    use crate::site::theme::TEMPLATES;

    /// The templates this file writes as, by name, with the FNV-1a hash of
    /// their text when this file was last made to write as they do.
    const PINNED: [(&str, u64); 2] = [
        ("record.html", 0x068f_a3e8_4bf8_4c8a),
        ("base.html", 0xafea_7806_ece3_bc35),
    ];

    fn fnv1a(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    #[test]
    fn the_templates_are_those_native_writes_as() {
        for (name, pinned) in PINNED {
            let Some((_, text)) = TEMPLATES.iter().find(|(n, _)| *n == name) else {
                panic!("no template {name}");
            };
            let hash = fnv1a(text.as_bytes());
            assert!(
                hash == pinned,
                "theme/{name} changed: update src/site/native.rs too, which writes record pages as \
                 record.html and base.html do without the template engine (tests/site_native.rs \
                 shows where they differ), then pin {name} at {hash:#018x} here"
            );
        }
    }

    #[test]
    fn the_hash_is_fnv1a() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
