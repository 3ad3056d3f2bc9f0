//! Markdown to safe HTML: pulldown-cmark (tables, footnotes, task lists), record
//! references (`[the ledger](service:ledger)`) turned into links, headings one
//! level down (the page's title is its only `<h1>`), then ammonia.

use crate::model::{Kind, Reference};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::sync::OnceLock;

/// Renders `text` to sanitised HTML. `resolve` maps a record reference
/// (`service:ledger`) to the URL of its page, or `None` when there is no such
/// record (the link is then dropped and its text kept). Headings are demoted
/// one level (`#` is an `<h2>`, `#####` and `######` both `<h6>`).
pub fn render(text: &str, resolve: &dyn Fn(Kind, &str) -> Option<String>) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH;
    // For each open link: whether it was dropped (so its end is dropped too).
    let mut open: Vec<bool> = Vec::new();
    let events = Parser::new_ext(text, options).filter_map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => match record_ref(&dest_url) {
            Some((kind, name)) => match resolve(kind, name) {
                Some(url) => {
                    open.push(false);
                    Some(Event::Start(Tag::Link {
                        link_type,
                        dest_url: CowStr::from(url),
                        title,
                        id,
                    }))
                }
                None => {
                    open.push(true);
                    None
                }
            },
            None => {
                open.push(false);
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))
            }
        },
        Event::End(TagEnd::Link) => match open.pop() {
            Some(true) => None,
            _ => Some(Event::End(TagEnd::Link)),
        },
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level: demoted(level),
            id,
            classes,
            attrs,
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(demoted(level)))),
        other => Some(other),
    });
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    sanitiser().clean(&html).to_string()
}

/// The heading level one below `level`, at most `<h6>`.
fn demoted(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// `kind:name` when a link destination names a record.
fn record_ref(dest: &str) -> Option<(Kind, &str)> {
    let r = Reference::parse(dest);
    let kind = Kind::from_id(r.kind?)?;
    (!r.name.is_empty() && !r.name.contains('/')).then_some((kind, r.name))
}

/// The HTML sanitiser: ammonia's safe defaults, plus the classes and attributes
/// Markdown output needs, without `<h1>`; `data:` URLs only as image sources.
fn sanitiser() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_url_schemes(["data"])
            // The page's title is its only `<h1>`: raw HTML gets none either.
            .rm_tags(["h1"])
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("td", ["style"])
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("sup", ["id"])
            .add_tag_attributes("div", ["id"])
            .add_allowed_classes("div", ["footnote-definition"])
            .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
            .id_prefix(None)
            .filter_style_properties(HashSet::from(["text-align"]))
            .attribute_filter(|element, attribute, value| {
                let scheme_data = value
                    .trim_start()
                    .get(..5)
                    .is_some_and(|s| s.eq_ignore_ascii_case("data:"));
                if !scheme_data {
                    if element == "input" && attribute == "type" && value != "checkbox" {
                        return None;
                    }
                    return Some(value.into());
                }
                let image = element == "img"
                    && attribute == "src"
                    && value
                        .trim_start()
                        .get(..11)
                        .is_some_and(|s| s.eq_ignore_ascii_case("data:image/"));
                image.then(|| value.into())
            });
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> String {
        render(text, &|kind, name| {
            (kind == Kind::Service && name == "ledger").then(|| "../service/ledger.html".into())
        })
    }

    #[test]
    fn references_become_links() {
        assert_eq!(
            md("See [the ledger](service:ledger)."),
            "<p>See <a href=\"../service/ledger.html\" rel=\"noopener noreferrer\">the ledger</a>.</p>\n"
        );
        assert_eq!(md("[gone](service:nope) x"), "<p>gone x</p>\n");
        assert_eq!(
            md("[web](https://example.com)"),
            "<p><a href=\"https://example.com\" rel=\"noopener noreferrer\">web</a></p>\n"
        );
    }

    #[test]
    fn dangerous_content_is_removed() {
        assert_eq!(
            md("[x](javascript:alert(1))"),
            "<p><a rel=\"noopener noreferrer\">x</a></p>\n"
        );
        assert_eq!(md("<script>alert(1)</script>\n\nok"), "\n<p>ok</p>\n");
        assert_eq!(md("<img src=x onerror=alert(1)>"), "<img src=\"x\">");
        assert_eq!(
            md("[x](data:text/html,hi)"),
            "<p><a rel=\"noopener noreferrer\">x</a></p>\n"
        );
        assert_eq!(
            md("![p](data:image/png;base64,AAAA)"),
            "<p><img src=\"data:image/png;base64,AAAA\" alt=\"p\"></p>\n"
        );
    }

    #[test]
    fn headings_are_one_level_down() {
        assert_eq!(
            md("# Top\n\n## Sub\n\n###### Deep\n\nSetext\n======\n"),
            "<h2>Top</h2>\n<h3>Sub</h3>\n<h6>Deep</h6>\n<h2>Setext</h2>\n"
        );
        assert!(!md("# a\n\n<h1>raw</h1>\n").contains("<h1>"));
    }

    #[test]
    fn tables_footnotes_tasks() {
        let html = md(
            "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\nNote[^1].\n\n[^1]: The note.\n",
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(
            html.contains("<td style=\"text-align:center\">2</td>"),
            "{html}"
        );
        assert!(
            html.contains("<input disabled=\"\" type=\"checkbox\" checked=\"\">"),
            "{html}"
        );
        assert!(html.contains("class=\"footnote-definition\""), "{html}");
    }
}
