//! Dependency graphs drawn as inline SVG at build time, readable at 50+
//! nodes: each node sized to its text (see [`label`]), a layered layout whose
//! edges never pass under a node (see [`layout`]), every node a link with an
//! accessible name, and an HTML legend.

mod label;
mod layout;
mod order;

use crate::html::{esc, esc_to};
use label::{LABEL, NOTE};
use std::fmt::Write;

/// A node to draw.
pub struct Node {
    pub label: String,
    /// Small text under the label (the kind, the tier, a lifecycle that dims it).
    pub note: String,
    /// Link target, relative to the page.
    pub href: String,
    /// CSS class: `service` or `ci`.
    pub class: &'static str,
    /// Drawn dimmed (a retired or deprecated record).
    pub dimmed: bool,
}

/// The widest line of text in a node, its padding, its narrowest width.
const MAX_TEXT: i64 = 168;
const PAD_X: i64 = 10;
const MIN_W: i64 = 96;
/// Node heights with a one-line and a two-line label.
const H1: i64 = 38;
const H2: i64 = 54;
/// The fonts the text widths are measured for: set by the SVG itself.
const FONTS: &str = "Arial,\"Liberation Sans\",Arimo,Helvetica,sans-serif";

/// Draws `nodes` with `edges` (from, to): `from` depends on `to`, drawn above
/// it; `focus`, the record the page is about, stands out in the middle. `id`
/// names the SVG (unique in its page).
pub fn render(id: &str, nodes: &[Node], edges: &[(usize, usize)], focus: Option<usize>) -> String {
    if nodes.is_empty() {
        return String::new();
    }
    let texts: Vec<Text> = nodes.iter().map(Text::new).collect();
    let sizes: Vec<(i64, i64)> = texts.iter().map(|t| (t.width, t.height())).collect();
    let layout = layout::layout(&sizes, edges, focus);
    let (width, height, id) = (layout.width, layout.height, esc(id));
    let mut svg = String::with_capacity(300 * nodes.len() + 80 * edges.len());
    // Every edge ends in the arrow, set once by the SVG's own style, which
    // also sets the fonts the text was measured in.
    // (Writing to a String cannot fail: here and below, `let _` drops an `Ok`.)
    let _ = write!(
        svg,
        "<svg class=\"graph\" id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"group\" aria-label=\"Dependency graph of {} records\">\
<defs><marker id=\"{id}-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\"/></marker></defs>\
<style>#{id} text{{font-family:{FONTS};text-anchor:middle}}#{id} .label{{font-size:12px;font-weight:700}}#{id} .note{{font-size:10px;font-weight:400}}#{id} .edge{{marker-end:url(#{id}-arrow)}}</style><g class=\"edges\">",
        nodes.len()
    );
    for runs in layout.routes.iter().filter(|r| !r.is_empty()) {
        draw_edge(&mut svg, runs);
    }
    svg.push_str("</g>");
    for (v, node) in nodes.iter().enumerate() {
        draw_node(&mut svg, node, &texts[v], layout.at[v], focus == Some(v));
    }
    svg.push_str("</svg>");
    svg
}

/// What the colours and marks of a graph of `nodes` mean, as an HTML list.
pub fn legend(nodes: &[Node], focus: Option<usize>) -> String {
    let mut out = String::from("<ul class=\"graph-legend\">");
    let has = |class: &str| {
        nodes
            .iter()
            .enumerate()
            .any(|(v, n)| n.class == class && focus != Some(v))
    };
    let keys = [
        (focus.is_some(), "focus", "this Service"),
        (has("service"), "service", "Service"),
        (has("ci"), "ci", "configuration item"),
        (
            nodes.iter().any(|n| n.dimmed),
            "dim",
            "retired or deprecated",
        ),
        (true, "edge", "depends on"),
    ];
    for (_, class, text) in keys.iter().filter(|k| k.0) {
        let _ = write!(out, "<li><span class=\"key {class}\"></span>{text}</li>");
    }
    out.push_str("</ul>");
    out
}

/// A node's text cut to fit: the label on one or two lines, the note on one.
struct Text {
    label: Vec<String>,
    note: String,
    /// The node's width (even, so that its middle is a whole number).
    width: i64,
}

impl Text {
    fn new(node: &Node) -> Self {
        let label = label::fit(&node.label, LABEL, MAX_TEXT, 2);
        let note = label::fit(&node.note, NOTE, MAX_TEXT, 1);
        let text = label.width.max(note.width) + 2 * PAD_X;
        Text {
            label: label.lines,
            note: note.lines.into_iter().next().unwrap_or_default(),
            width: (text.max(MIN_W) + 1) / 2 * 2,
        }
    }

    fn height(&self) -> i64 {
        if self.label.len() > 1 { H2 } else { H1 }
    }
}

/// One edge: its runs joined by curves that leave and enter vertically.
fn draw_edge(svg: &mut String, runs: &[layout::Run]) {
    let first = runs[0];
    let _ = write!(svg, "<path class=\"edge\" d=\"M{},{}", first.x, first.y0);
    if first.y1 != first.y0 {
        let _ = write!(svg, "V{}", first.y1);
    }
    for pair in runs.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let mid = (a.y1 + b.y0) / 2;
        let _ = write!(svg, "C{},{mid} {},{mid} {},{}", a.x, b.x, b.x, b.y0);
        if b.y1 != b.y0 {
            let _ = write!(svg, "V{}", b.y1);
        }
    }
    svg.push_str("\"/>");
}

/// One node, a link to its page named by its whole label and note, with its
/// top left corner at `(x, y)`.
fn draw_node(svg: &mut String, node: &Node, text: &Text, (x, y): (i64, i64), focus: bool) {
    let class = if focus { "focus" } else { node.class };
    let dim = if node.dimmed { " dim" } else { "" };
    let _ = write!(
        svg,
        "<a href=\"{}\" class=\"node {class}{dim}\"><title>",
        esc(&node.href)
    );
    esc_to(svg, &node.label);
    svg.push_str(": ");
    esc_to(svg, &node.note);
    let (w, h) = (text.width, text.height());
    let _ = write!(
        svg,
        "</title><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"5\"/>"
    );
    let middle = x + w / 2;
    for (i, line) in text.label.iter().enumerate() {
        let _ = write!(
            svg,
            "<text x=\"{middle}\" y=\"{}\" class=\"label\">",
            y + 16 + 15 * i as i64
        );
        esc_to(svg, line);
        svg.push_str("</text>");
    }
    let note_y = y + h - 7;
    let _ = write!(svg, "<text x=\"{middle}\" y=\"{note_y}\" class=\"note\">");
    esc_to(svg, &text.note);
    svg.push_str("</text></a>");
}

#[cfg(test)]
mod tests {
    use super::layout::{Run, layout};
    use super::*;

    fn node(label: &str) -> Node {
        Node {
            label: label.into(),
            note: "Service · tier 1".into(),
            href: format!("{label}.html"),
            class: "service",
            dimmed: false,
        }
    }

    #[test]
    fn coordinates_are_whole_numbers() {
        // a depends on b: a above b, one edge from the middle of a's bottom to b's top.
        let svg = render("g", &[node("a"), node("b")], &[(0, 1)], None);
        assert!(
            svg.contains("<path class=\"edge\" d=\"M58,48C58,76 58,76 58,104\"/>"),
            "{svg}"
        );
        assert!(
            svg.contains("<rect x=\"10\" y=\"104\" width=\"96\" height=\"38\""),
            "{svg}"
        );
        assert!(svg.contains("#g .edge{marker-end:url(#g-arrow)}"));
        assert!(!svg.contains(".0"), "{svg}");
        assert!(!svg.contains("role=\"img\""));
    }

    #[test]
    fn escapes_names_and_text() {
        let mut hostile = node("x</svg><script>alert('\"')</script>");
        hostile.note = "<b>note</b>".into();
        hostile.href = "x\"><script>.html".into();
        let svg = render("g", &[hostile, node("b")], &[(0, 1)], None);
        assert!(!svg.contains("<script>"), "{svg}");
        assert_eq!(svg.matches("</svg>").count(), 1, "{svg}");
        assert!(svg.contains("<title>x&lt;/svg&gt;&lt;script&gt;alert(&#39;&quot;&#39;)&lt;/script&gt;: &lt;b&gt;note&lt;/b&gt;</title>"), "{svg}");
        assert!(
            svg.contains("href=\"x&quot;&gt;&lt;script&gt;.html\""),
            "{svg}"
        );
    }

    #[test]
    fn the_focus_is_in_the_middle_and_dimmed_nodes_say_so() {
        let mut nodes: Vec<Node> = (0..6).map(|i| node(&format!("service {i}"))).collect();
        nodes[2].dimmed = true;
        // 0 depends on 1..5; the focus, 5, ends up at one side of its layer.
        let edges: Vec<(usize, usize)> = (1..6).map(|i| (0, i)).collect();
        let sizes: Vec<(i64, i64)> = nodes
            .iter()
            .map(|n| {
                let t = Text::new(n);
                (t.width, t.height())
            })
            .collect();
        let l = layout(&sizes, &edges, Some(5));
        assert_eq!(2 * (l.at[5].0 + sizes[5].0 / 2), l.width);
        let svg = render("g", &nodes, &edges, Some(5));
        assert!(svg.contains("class=\"node service dim\""), "{svg}");
        assert!(svg.contains("class=\"node focus\""), "{svg}");
        let legend = legend(&nodes, Some(5));
        assert_eq!(
            legend,
            "<ul class=\"graph-legend\"><li><span class=\"key focus\"></span>this Service</li><li><span class=\"key service\"></span>Service</li><li><span class=\"key dim\"></span>retired or deprecated</li><li><span class=\"key edge\"></span>depends on</li></ul>"
        );
    }

    /// A pseudo-random graph of `n` nodes of mixed sizes, edges mostly downwards.
    type Sizes = Vec<(i64, i64)>;

    fn random_graph(seed: u64, n: usize) -> (Sizes, Vec<(usize, usize)>) {
        let mut state = seed;
        let mut next = move |m: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) as usize) % m.max(1)
        };
        let sizes = (0..n)
            .map(|_| (96 + 2 * next(60) as i64, if next(3) == 0 { H2 } else { H1 }))
            .collect();
        let mut edges = Vec::new();
        for a in 0..n {
            for _ in 0..next(4) {
                let b = next(n);
                edges.push(if next(20) == 0 {
                    (b, a)
                } else {
                    (a.min(b), a.max(b))
                });
            }
        }
        (sizes, edges)
    }

    #[test]
    fn nodes_never_overlap_and_edges_never_pass_under_one() {
        for seed in 0..40 {
            let (sizes, edges) = random_graph(seed, 10 + seed as usize * 2);
            let l = layout(&sizes, &edges, Some(0));
            let boxes: Vec<(f64, f64, f64, f64)> =
                l.at.iter()
                    .zip(&sizes)
                    .map(|(&(x, y), &(w, h))| (x as f64, y as f64, (x + w) as f64, (y + h) as f64))
                    .collect();
            for (i, a) in boxes.iter().enumerate() {
                assert!(
                    a.0 >= 0.0 && a.2 <= l.width as f64 && a.1 >= 0.0 && a.3 <= l.height as f64,
                    "seed {seed}"
                );
                for b in &boxes[i + 1..] {
                    assert!(
                        a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1,
                        "seed {seed}: {a:?} {b:?}"
                    );
                }
            }
            for (e, runs) in l.routes.iter().enumerate() {
                for (x, y) in samples(runs) {
                    for (v, b) in boxes.iter().enumerate() {
                        let own = v == edges[e].0 || v == edges[e].1;
                        let inside = b.0 < x && x < b.2 && b.1 < y && y < b.3;
                        assert!(
                            own || !inside,
                            "seed {seed}: edge {e} {runs:?} under node {v} {b:?}"
                        );
                    }
                }
            }
        }
    }

    /// Points along an edge: its runs every pixel, its curves at 50 steps.
    fn samples(runs: &[Run]) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        for (i, r) in runs.iter().enumerate() {
            let (lo, hi) = (r.y0.min(r.y1), r.y0.max(r.y1));
            out.extend((lo..=hi).map(|y| (r.x as f64, y as f64)));
            if let Some(next) = runs.get(i + 1) {
                let (x0, y0, x3, y3) = (r.x as f64, r.y1 as f64, next.x as f64, next.y0 as f64);
                let mid = ((r.y1 + next.y0) / 2) as f64;
                for s in 0..=50 {
                    let t = s as f64 / 50.0;
                    let u = 1.0 - t;
                    let x = u * u * u * x0
                        + 3.0 * u * u * t * x0
                        + 3.0 * u * t * t * x3
                        + t * t * t * x3;
                    let y = u * u * u * y0
                        + 3.0 * u * u * t * mid
                        + 3.0 * u * t * t * mid
                        + t * t * t * y3;
                    out.push((x, y));
                }
            }
        }
        out
    }

    #[test]
    fn layers_follow_dependencies_and_cycles_end() {
        // a -> b -> c, a -> c: c two layers below a, the long edge through a dummy point.
        let sizes = [(96, H1); 3];
        let l = layout(&sizes, &[(0, 1), (1, 2), (0, 2)], None);
        assert!(l.at[0].1 < l.at[1].1 && l.at[1].1 < l.at[2].1);
        assert_eq!(l.routes[2].len(), 3);
        // A cycle and a loop still lay out.
        let l = layout(&sizes[..2], &[(0, 1), (1, 0), (1, 1)], None);
        assert_eq!(l.routes[2], vec![]);
        assert_eq!(l.routes[1].len(), 2);
    }

    #[test]
    fn wide_layers_go_deeper() {
        let nodes: Vec<Node> = (0..20).map(|i| node(&format!("n{i}"))).collect();
        let edges: Vec<(usize, usize)> = (1..20).map(|i| (0, i)).collect();
        let svg = render("g", &nodes, &edges, None);
        // 19 dependencies in layers of at most 8 below the root: 4 layers.
        let tops: std::collections::BTreeSet<&str> = svg
            .split("<rect x=\"")
            .skip(1)
            .map(|r| r.split('"').nth(2).unwrap())
            .collect();
        assert_eq!(tops.len(), 4, "{tops:?}");
    }
}
