//! Node text measured with the metrics of the font the graph asks for (Arial,
//! and its metric twins Liberation Sans and Arimo): a label wraps to two lines
//! and ends in an ellipsis beyond, so that text never leaves its node.

/// A font of the graph: its size in px and whether it is bold.
#[derive(Clone, Copy)]
pub(super) struct Font {
    pub size: i64,
    pub bold: bool,
}

/// Node titles: bold 12 px.
pub(super) const LABEL: Font = Font {
    size: 12,
    bold: true,
};
/// The line under a title: 10 px.
pub(super) const NOTE: Font = Font {
    size: 10,
    bold: false,
};

/// The characters of a label that are measured at all: two lines of
/// [`super::MAX_TEXT`] px hold far fewer, even of the narrowest glyph.
const MEASURED: usize = 160;

/// Text cut to lines that each fit a width.
pub(super) struct Lines {
    pub lines: Vec<String>,
    /// The width of the widest line, in px.
    pub width: i64,
}

/// `s` in at most `max_lines` lines of at most `max` px: words wrap, a word
/// wider than a line breaks, and what is left for the last line ends in `…`
/// where it does not fit.
pub(super) fn fit(s: &str, font: Font, max: i64, max_lines: usize) -> Lines {
    let cut = s.char_indices().nth(MEASURED).map_or(s, |(i, _)| &s[..i]);
    let mut words: Vec<String> = cut.split_whitespace().rev().map(str::to_string).collect();
    let mut lines = Vec::new();
    while lines.len() + 1 < max_lines.max(1) && !words.is_empty() {
        lines.push(fill(&mut words, font, max));
    }
    if !words.is_empty() {
        words.reverse();
        let last = words.join(" ");
        lines.push(ellipsis(&last, font, max, cut.len() < s.len()));
    }
    let width = lines.iter().map(|l| width(l, font)).max().unwrap_or(0);
    Lines { lines, width }
}

/// The width of `s` in `font`, in px, rounded up, with 5% to spare for
/// hinting and for a fallback font a little wider.
pub(super) fn width(s: &str, font: Font) -> i64 {
    let milli: i64 = s.chars().map(|c| advance(c, font.bold)).sum();
    (milli * font.size * 105 + 99_999) / 100_000
}

/// One line from the words (stack, next word last): as many whole words as
/// fit, or the head of a word too wide for any line (its tail stays stacked).
fn fill(words: &mut Vec<String>, font: Font, max: i64) -> String {
    let mut line = String::new();
    while let Some(word) = words.pop() {
        let candidate = if line.is_empty() {
            word.clone()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, font) <= max {
            line = candidate;
            continue;
        }
        if line.is_empty() {
            let (head, tail) = split_at_width(&word, font, max);
            words.push(tail.to_string());
            return head.to_string();
        }
        words.push(word);
        break;
    }
    line
}

/// `s` whole when it fits `max` and nothing was `cut`, else its longest head
/// that fits with `…` after it.
fn ellipsis(s: &str, font: Font, max: i64, cut: bool) -> String {
    if !cut && width(s, font) <= max {
        return s.to_string();
    }
    let (head, _) = split_at_width(s, font, max - width("…", font));
    format!("{}…", head.trim_end())
}

/// The longest head of `s` no wider than `max` (at least one character, so
/// that a line always moves on) and the rest.
fn split_at_width(s: &str, font: Font, max: i64) -> (&str, &str) {
    let mut milli = 0;
    let limit = max * 100_000 / (font.size * 105);
    for (i, c) in s.char_indices() {
        milli += advance(c, font.bold);
        if milli > limit && i > 0 {
            return s.split_at(i);
        }
    }
    (s, "")
}

/// The advance width of `c` in thousandths of an em: Arial's for ASCII, and
/// for anything else a width no Latin letter exceeds, or a full em (CJK, emoji).
fn advance(c: char, bold: bool) -> i64 {
    let table = if bold { &BOLD } else { &REGULAR };
    match c as usize {
        i @ 32..=126 => table[i - 32] as i64,
        0xA0..=0x24F => 778,
        _ => 1000,
    }
}

/// Arial Regular (Liberation Sans Regular), `' '` to `'~'`.
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Arial Bold (Liberation Sans Bold), `' '` to `'~'`.
const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_with_arial_metrics() {
        // "Payments": P 667 + a 556 + y 556 + m 889 + e 556 + n 611 + t 333 + s 556 = 4724.
        assert_eq!(width("Payments", LABEL), 60); // 4724 * 12 * 1.05 / 1000 = 59.5, rounded up
        assert_eq!(width("", LABEL), 0);
    }

    #[test]
    fn wraps_to_two_lines_then_cuts() {
        let short = fit("Payments", LABEL, 168, 2);
        assert_eq!(short.lines, ["Payments"]);
        let two = fit("Kubernetes production cluster (eu-west)", LABEL, 168, 2);
        assert_eq!(two.lines, ["Kubernetes production", "cluster (eu-west)"]);
        let long = fit(&"word ".repeat(60), LABEL, 168, 2);
        assert_eq!(long.lines.len(), 2);
        assert!(long.lines[1].ends_with('…'), "{:?}", long.lines);
        for text in [&short, &two, &long] {
            assert!(text.lines.iter().all(|l| width(l, LABEL) <= 168));
        }
        // One word wider than a line breaks; a cut label says so.
        let word = fit(&"W".repeat(300), LABEL, 168, 2);
        assert!(word.lines.iter().all(|l| width(l, LABEL) <= 168));
        assert!(word.lines[1].ends_with('…'));
        assert_eq!(fit("", LABEL, 168, 2).lines.len(), 0);
    }
}
