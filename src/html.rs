//! Escaping text for HTML: element content and attribute values. Used by every
//! output that writes HTML (the site, the reports), below all of them.

/// HTML-escapes text for element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    esc_to(&mut out, s);
    out
}

/// HTML-escapes `s` onto the end of `out`.
pub fn esc_to(out: &mut String, s: &str) {
    // The runs between special characters are copied whole (every page escapes
    // a few hundred strings: this is on the build's hot path).
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        out.push_str(entity);
        run = i + 1;
    }
    out.push_str(&s[run..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_specials_and_nothing_else() {
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(esc("é<ü>ß"), "é&lt;ü&gt;ß");
        assert_eq!(esc("plain"), "plain");
        assert_eq!(esc(""), "");
        let mut out = String::from("a&");
        esc_to(&mut out, "b&c");
        assert_eq!(out, "a&b&amp;c");
    }
}
