//! What every printed page carries: the site name, the build date and the
//! commit, in the page margins (CSS `@page` margin boxes), with the page number.

/// The print stylesheet of every page: the stamp of `name`, built on `today`
/// from `commit` (`None`: not a git checkout) in the bottom margin of each
/// printed page. Safe inside a `<style>` element: every string is escaped.
pub(super) fn print_css(name: &str, today: &str, commit: Option<&str>) -> String {
    let from = match commit {
        Some(c) => format!("commit {c}"),
        None => "not a git checkout".to_string(),
    };
    let stamp = format!("{name} · built {today} · {from}");
    format!(
        "@page {{ margin: 16mm 14mm 18mm; \
         @bottom-left {{ content: {}; font: 8pt system-ui, sans-serif; color: #444; }} \
         @bottom-right {{ content: counter(page) \" / \" counter(pages); font: 8pt system-ui, sans-serif; color: #444; }} }}",
        css_string(&stamp)
    )
}

/// `text` as a quoted CSS string: every character but ASCII letters, digits
/// and spaces escaped by its code point, so that nothing in it can end the
/// string, the rule or the `<style>` element around it.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            // The space ends the escape (and is not part of the string).
            out.push_str(&format!("\\{:x} ", u32::from(c)));
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_everything_that_could_end_them() {
        assert_eq!(css_string("Acme 1"), "\"Acme 1\"");
        let hostile = css_string("a\"; } </style><script>x</script> \\ \n ·");
        assert_eq!(
            hostile,
            "\"a\\22 \\3b  \\7d  \\3c \\2f style\\3e \\3c script\\3e x\\3c \\2f script\\3e  \\5c  \\a  \\b7 \""
        );
        for bad in ['<', '>', '}', ';', '\n', '\''] {
            assert!(!hostile.contains(bad), "{bad:?} in {hostile}");
        }
    }

    #[test]
    fn the_stamp_names_the_site_date_and_commit() {
        let css = print_css("IT", "2026-11-21", Some("abc1234"));
        assert!(
            css.contains("content: \"IT \\b7  built 2026\\2d 11\\2d 21 \\b7  commit abc1234\";"),
            "{css}"
        );
        let css = print_css("IT", "2026-11-21", None);
        assert!(css.contains("not a git checkout\";"), "{css}");
    }
}
