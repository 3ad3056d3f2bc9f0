//! Small charts drawn as inline SVG at build time: values over dates (a
//! capacity entry and its forecast, a Customer's satisfaction scores) with
//! horizontal levels (a limit, a threshold). A chart is an image with an
//! accessible name that says its numbers; the page gives the same numbers as
//! a table. Every text is escaped; numbers that are not finite are left out,
//! so no `NaN` or `inf` reaches the SVG.

use crate::html::{esc, esc_to};
use jiff::civil::Date;
use std::fmt::Write;

/// A chart to draw.
pub struct Chart<'a> {
    /// What the chart shows, numbers included: its accessible name.
    pub label: String,
    /// The values the y axis shows at least; it grows to hold every value.
    pub y_range: (f64, f64),
    /// Unit of the values, after the numbers of the axis (may be empty).
    pub unit: &'a str,
    pub levels: Vec<Level>,
    pub series: Vec<Series>,
}

/// A horizontal line across the chart, with its text.
pub struct Level {
    pub value: f64,
    pub text: String,
    /// CSS class (`limit`, `threshold`).
    pub class: &'static str,
    /// The text goes under the line (else over it).
    pub below: bool,
}

/// Points joined by a line, in date order.
pub struct Series {
    pub points: Vec<(Date, f64)>,
    /// CSS class (`measured`, `forecast`, `score`).
    pub class: &'static str,
}

/// Size of the drawing and room around the plot, in SVG units.
const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 24.0;

/// Draws `chart` as an `<svg>` element.
pub fn render(chart: &Chart) -> String {
    let frame = Frame::of(chart);
    let mut svg = String::with_capacity(1024);
    svg.push_str("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 360 180\" width=\"360\" height=\"180\" role=\"img\" aria-label=\"");
    esc_to(&mut svg, &chart.label);
    svg.push_str("\"><title>");
    esc_to(&mut svg, &chart.label);
    svg.push_str("</title>");
    axes(&mut svg, &frame, chart.unit);
    for l in chart.levels.iter().filter(|l| l.value.is_finite()) {
        let y = frame.y(l.value);
        let ty = if l.below { y + 11.0 } else { y - 3.0 };
        let _ = write!(
            svg,
            "<line class=\"level {}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text class=\"level-text {}\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            l.class,
            n(LEFT),
            n(y),
            n(WIDTH - RIGHT),
            n(y),
            l.class,
            n(WIDTH - RIGHT),
            n(ty),
            esc(&l.text)
        );
    }
    for s in &chart.series {
        series(&mut svg, &frame, s);
    }
    svg.push_str("</svg>");
    svg
}

/// The axes: a baseline, the lowest and highest value, the first and last date.
fn axes(svg: &mut String, f: &Frame, unit: &str) {
    let (bottom, top) = (HEIGHT - BOTTOM, TOP);
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {}", esc(unit))
    };
    let _ = write!(
        svg,
        "<line class=\"axis\" x1=\"{l}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\"/><line class=\"axis\" x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{b}\"/>\
<text class=\"tick\" x=\"{lx}\" y=\"{by}\" text-anchor=\"end\">{lo}{unit}</text><text class=\"tick\" x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{hi}{unit}</text>",
        l = n(LEFT),
        r = n(WIDTH - RIGHT),
        b = n(bottom),
        t = n(top),
        lx = n(LEFT - 4.0),
        by = n(bottom),
        ty = n(top + 8.0),
        lo = num(f.y0),
        hi = num(f.y1),
    );
    if let Some((first, last)) = f.dates {
        let _ = write!(
            svg,
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"start\">{first}</text>",
            n(LEFT),
            n(HEIGHT - 6.0)
        );
        if last != first {
            let _ = write!(
                svg,
                "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{last}</text>",
                n(WIDTH - RIGHT),
                n(HEIGHT - 6.0)
            );
        }
    }
}

/// A series: its line, and a dot with its value at each point.
fn series(svg: &mut String, f: &Frame, s: &Series) {
    let points: Vec<(f64, f64)> = finite(&s.points)
        .map(|(d, v)| (f.x(day(d)), f.y(v)))
        .collect();
    if points.len() > 1 {
        let _ = write!(svg, "<polyline class=\"series {}\" points=\"", s.class);
        for (i, (x, y)) in points.iter().enumerate() {
            let sep = if i == 0 { "" } else { " " };
            let _ = write!(svg, "{sep}{},{}", n(*x), n(*y));
        }
        svg.push_str("\"/>");
    }
    for (x, y) in points {
        let _ = write!(
            svg,
            "<circle class=\"dot {}\" cx=\"{}\" cy=\"{}\" r=\"3.5\"/>",
            s.class,
            n(x),
            n(y)
        );
    }
}

/// Where values and dates go: the plot's data ranges.
#[derive(Debug, PartialEq)]
struct Frame {
    /// First and last day (days since 1970-01-01).
    days: (i64, i64),
    /// First and last date, for the axis.
    dates: Option<(Date, Date)>,
    y0: f64,
    y1: f64,
}

impl Frame {
    /// The ranges of `chart`: every date of its series; its `y_range` grown to
    /// every finite value and level (never empty).
    fn of(chart: &Chart) -> Frame {
        let points = || chart.series.iter().flat_map(|s| finite(&s.points));
        let first = points().map(|(d, _)| d).min();
        let last = points().map(|(d, _)| d).max();
        let (mut y0, mut y1) = chart.y_range;
        if !y0.is_finite() || !y1.is_finite() {
            (y0, y1) = (0.0, 1.0);
        }
        let values = points()
            .map(|(_, v)| v)
            .chain(chart.levels.iter().map(|l| l.value))
            .filter(|v| v.is_finite());
        for v in values {
            (y0, y1) = (y0.min(v), y1.max(v));
        }
        if y1 <= y0 {
            y1 = y0 + 1.0;
        }
        Frame {
            days: (first.map_or(0, day), last.map_or(0, day)),
            dates: first.zip(last),
            y0,
            y1,
        }
    }

    /// The x of a day: the first at the left, the last at the right, a lone
    /// day in the middle.
    fn x(&self, day: i64) -> f64 {
        let (d0, d1) = self.days;
        let w = WIDTH - LEFT - RIGHT;
        if d1 <= d0 {
            return LEFT + w / 2.0;
        }
        LEFT + w * (day - d0) as f64 / (d1 - d0) as f64
    }

    /// The y of a value: `y0` at the bottom, `y1` at the top.
    fn y(&self, v: f64) -> f64 {
        let h = HEIGHT - TOP - BOTTOM;
        // Halved first: the differences of very large values stay finite.
        let t = (v / 2.0 - self.y0 / 2.0) / (self.y1 / 2.0 - self.y0 / 2.0);
        HEIGHT - BOTTOM - h * if t.is_finite() { t } else { 0.0 }
    }
}

/// The points whose value is a finite number.
fn finite(points: &[(Date, f64)]) -> impl Iterator<Item = (Date, f64)> + '_ {
    points.iter().copied().filter(|(_, v)| v.is_finite())
}

/// Days since 1970-01-01.
fn day(d: Date) -> i64 {
    d.to_zoned(jiff::tz::TimeZone::UTC)
        .map_or(0, |z| z.timestamp().as_second().div_euclid(86_400))
}

/// A coordinate, to a tenth (0 if it is not a finite number).
fn n(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

/// A value as people write it: no decimals when whole, else at most two.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn chart(points: Vec<(Date, f64)>, levels: Vec<f64>) -> Chart<'static> {
        Chart {
            label: "x".into(),
            y_range: (0.0, 0.0),
            unit: "",
            levels: levels
                .into_iter()
                .map(|value| Level {
                    value,
                    text: String::new(),
                    class: "limit",
                    below: false,
                })
                .collect(),
            series: vec![Series {
                points,
                class: "score",
            }],
        }
    }

    #[test]
    fn the_first_date_is_left_the_last_right_and_values_span_the_height() {
        let c = chart(
            vec![(date(2026, 1, 1), 10.0), (date(2026, 1, 11), 30.0)],
            vec![50.0],
        );
        let f = Frame::of(&c);
        assert_eq!((f.y0, f.y1), (0.0, 50.0));
        assert_eq!(f.x(day(date(2026, 1, 1))), LEFT);
        assert_eq!(f.x(day(date(2026, 1, 11))), WIDTH - RIGHT);
        assert_eq!(
            f.x(day(date(2026, 1, 6))),
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0
        );
        assert_eq!(f.y(0.0), HEIGHT - BOTTOM);
        assert_eq!(f.y(50.0), TOP);
        let svg = render(&c);
        assert!(svg.contains("points=\"48,127.6 348,70.8\""), "{svg}");
        assert!(
            svg.contains("<line class=\"level limit\" x1=\"48\" y1=\"14\""),
            "{svg}"
        );
    }

    #[test]
    fn one_date_is_centred_and_a_flat_range_is_not_empty() {
        let c = chart(vec![(date(2026, 3, 1), 0.0)], vec![0.0]);
        let f = Frame::of(&c);
        assert_eq!((f.y0, f.y1), (0.0, 1.0));
        assert_eq!(
            f.x(day(date(2026, 3, 1))),
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0
        );
        let svg = render(&c);
        assert!(!svg.contains("polyline"), "one point has no line");
        assert!(
            svg.contains("<circle class=\"dot score\" cx=\"198\" cy=\"156\""),
            "{svg}"
        );
    }

    #[test]
    fn numbers_that_are_not_finite_never_reach_the_svg() {
        let mut c = chart(
            vec![
                (date(2026, 3, 1), f64::NAN),
                (date(2026, 4, 1), f64::INFINITY),
            ],
            vec![f64::NAN, f64::NEG_INFINITY],
        );
        c.y_range = (f64::NAN, 5.0);
        let svg = render(&c);
        for bad in ["NaN", "inf"] {
            assert!(!svg.contains(bad), "{svg}");
        }
        assert!(!svg.contains("<circle"));
        let huge = chart(
            vec![(date(2026, 3, 1), f64::MAX), (date(2026, 4, 1), -f64::MAX)],
            vec![],
        );
        let f = Frame::of(&huge);
        assert_eq!((f.y(f64::MAX), f.y(-f64::MAX)), (TOP, HEIGHT - BOTTOM));
        assert_eq!(num(f64::NAN), "-");
        assert_eq!(
            (num(21.5), num(38.0), num(0.126)),
            ("21.5".into(), "38".into(), "0.13".into())
        );
    }

    #[test]
    fn text_is_escaped() {
        let mut c = chart(vec![], vec![1.0]);
        c.label = "<script>\"x\"</svg>".into();
        c.unit = "<b>";
        c.levels[0].text = "</svg><script>".into();
        let svg = render(&c);
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
        assert_eq!(svg.matches("</svg>").count(), 1, "{svg}");
        assert!(svg.contains("aria-label=\"&lt;script&gt;&quot;x&quot;&lt;/svg&gt;\""));
    }
}
