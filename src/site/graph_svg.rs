//! Dependency graphs drawn as inline SVG at build time: a layered layout
//! (longest-path layering, barycentre ordering), wide layers wrapped into rows
//! so that graphs of 50+ nodes stay readable.

use crate::html::esc;
use std::fmt::Write;

/// A node to draw.
pub struct Node {
    pub label: String,
    /// Small text under the label (the kind, the tier).
    pub note: String,
    /// Link target, relative to the page.
    pub href: String,
    /// CSS class (`service`, `ci`, `focus`).
    pub class: &'static str,
}

/// Node size and spacing, in SVG units. With these, every coordinate is a
/// whole number (rows are centred on an even difference of widths, and a bend
/// is half of an even height): drawn as integers, they are short and exact.
const W: i64 = 168;
const H: i64 = 38;
const GAP_X: i64 = 16;
const GAP_Y: i64 = 46;
const MAX_ROW: usize = 8;
const LABEL_CHARS: usize = 24;

/// Draws `nodes` with `edges` (from, to): `from` depends on `to`, drawn above it.
pub fn render(nodes: &[Node], edges: &[(usize, usize)]) -> String {
    if nodes.is_empty() {
        return String::new();
    }
    let layers = order(nodes.len(), edges, layering(nodes.len(), edges));
    let (pos, width, height) = place(nodes.len(), &layers);
    let mut svg = String::with_capacity(160 * (nodes.len() + edges.len()));
    // Every edge ends in the arrow, set once by the SVG's own style.
    // (Writing to a String cannot fail: here and below, `let _` drops an `Ok`.)
    let _ = write!(
        svg,
        "<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"dependency graph\">\
<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\"/></marker></defs>\
<style>.edge{{marker-end:url(#arrow)}}</style>"
    );
    for &(from, to) in edges {
        let (fx, fy) = pos[from];
        let (tx, ty) = pos[to];
        let (x1, y1, x2, y2) = (fx + W / 2, fy + H, tx + W / 2, ty);
        let bend = ((y2 - y1).abs() / 2).max(20);
        let _ = write!(
            svg,
            "<path class=\"edge\" d=\"M{x1},{y1}C{x1},{} {x2},{} {x2},{y2}\"/>",
            y1 + bend,
            y2 - bend
        );
    }
    for (v, node) in nodes.iter().enumerate() {
        draw_node(&mut svg, node, pos[v]);
    }
    svg.push_str("</svg>");
    svg
}

/// The top left corner of each node, and the width and height of the drawing:
/// each layer wraps into rows of at most [`MAX_ROW`] nodes, centred.
fn place(n: usize, layers: &[Vec<usize>]) -> (Vec<(i64, i64)>, i64, i64) {
    let mut pos = vec![(0, 0); n];
    let mut y = 10;
    let widest = layers
        .iter()
        .map(|l| l.len().min(MAX_ROW))
        .max()
        .unwrap_or(1) as i64;
    let width = widest * (W + GAP_X) + GAP_X;
    for layer in layers {
        for row in layer.chunks(MAX_ROW) {
            let row_width = row.len() as i64 * (W + GAP_X) - GAP_X;
            let mut x = (width - row_width) / 2;
            for &v in row {
                pos[v] = (x, y);
                x += W + GAP_X;
            }
            y += H + GAP_Y;
        }
    }
    (pos, width, y - GAP_Y + 10)
}

/// One node, a link to its page, with its top left corner at `(x, y)`.
fn draw_node(svg: &mut String, node: &Node, (x, y): (i64, i64)) {
    // Writing to a String cannot fail.
    let _ = write!(
        svg,
        "<a href=\"{}\" class=\"node {}\"><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{W}\" height=\"{H}\" rx=\"5\"/>\
<text x=\"{}\" y=\"{}\" class=\"label\">{}</text><text x=\"{}\" y=\"{}\" class=\"note\">{}</text></a>",
        esc(&node.href),
        node.class,
        esc(&node.label),
        x + W / 2,
        y + 16,
        esc(&truncate(&node.label, LABEL_CHARS)),
        x + W / 2,
        y + 31,
        esc(&truncate(&node.note, LABEL_CHARS + 4)),
    );
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut t: String = s.chars().take(n - 1).collect();
    t.push('…');
    t
}

/// Longest path from the nodes nothing depends on; nodes in a cycle (which the
/// checks refuse before a build) land after their placed predecessors.
fn layering(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut succ = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a != b {
            indegree[b] += 1;
            succ[a].push(b);
        }
    }
    let mut layer = vec![0usize; n];
    let mut queue: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut done = vec![false; n];
    let mut head = 0;
    loop {
        while head < queue.len() {
            let v = queue[head];
            head += 1;
            done[v] = true;
            for &w in &succ[v] {
                layer[w] = layer[w].max(layer[v] + 1);
                if indegree[w] > 0 {
                    indegree[w] -= 1;
                    if indegree[w] == 0 && !done[w] {
                        queue.push(w);
                    }
                }
            }
        }
        // A cycle: start again from any node left.
        match (0..n).find(|&v| !done[v] && indegree[v] > 0) {
            Some(v) => {
                indegree[v] = 0;
                queue.push(v);
            }
            None => break,
        }
    }
    layer
}

/// Groups nodes by layer and orders each layer by the barycentre of its
/// neighbours in the layer above, then below, a few sweeps.
fn order(n: usize, edges: &[(usize, usize)], layer: Vec<usize>) -> Vec<Vec<usize>> {
    let depth = layer.iter().copied().max().unwrap_or(0) + 1;
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for v in 0..n {
        layers[layer[v]].push(v);
    }
    let mut up = vec![Vec::new(); n];
    let mut down = vec![Vec::new(); n];
    for &(a, b) in edges {
        down[a].push(b);
        up[b].push(a);
    }
    let mut position = vec![0.0f64; n];
    let place = |layers: &Vec<Vec<usize>>, position: &mut Vec<f64>| {
        for l in layers {
            for (i, &v) in l.iter().enumerate() {
                position[v] = i as f64 / l.len().max(1) as f64;
            }
        }
    };
    place(&layers, &mut position);
    for sweep in 0..4 {
        let downward = sweep % 2 == 0;
        let range: Vec<usize> = if downward {
            (1..depth).collect()
        } else {
            (0..depth.saturating_sub(1)).rev().collect()
        };
        for l in range {
            let neighbours = if downward { &up } else { &down };
            let mut keyed: Vec<(f64, usize)> = layers[l]
                .iter()
                .map(|&v| {
                    let ns = &neighbours[v];
                    let key = if ns.is_empty() {
                        position[v]
                    } else {
                        ns.iter().map(|&w| position[w]).sum::<f64>() / ns.len() as f64
                    };
                    (key, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[l] = keyed.into_iter().map(|(_, v)| v).collect();
            let len = layers[l].len().max(1) as f64;
            for (i, &v) in layers[l].iter().enumerate() {
                position[v] = i as f64 / len;
            }
        }
    }
    layers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(label: &str) -> Node {
        Node {
            label: label.into(),
            note: "Service".into(),
            href: format!("{label}.html"),
            class: "service",
        }
    }

    #[test]
    fn layers_follow_dependencies() {
        // a -> b -> c, a -> c: c sits two layers below a.
        let layer = layering(3, &[(0, 1), (1, 2), (0, 2)]);
        assert_eq!(layer, vec![0, 1, 2]);
        // A cycle still terminates.
        let layer = layering(2, &[(0, 1), (1, 0)]);
        assert_eq!(layer.len(), 2);
    }

    #[test]
    fn coordinates_are_whole_numbers() {
        // a depends on b: a above b, one edge between the middles of their sides.
        let svg = render(&[node("a"), node("b")], &[(0, 1)]);
        assert!(
            svg.contains("<path class=\"edge\" d=\"M100,48C100,71 100,71 100,94\"/>"),
            "{svg}"
        );
        assert!(svg.contains("<rect x=\"16\" y=\"94\" width=\"168\" height=\"38\""));
        assert!(svg.contains("<style>.edge{marker-end:url(#arrow)}</style>"));
        assert!(!svg.contains(".0"), "{svg}");
    }

    #[test]
    fn escapes_and_wraps() {
        let nodes: Vec<Node> = (0..20).map(|i| node(&format!("n{i}<x>"))).collect();
        let edges: Vec<(usize, usize)> = (1..20).map(|i| (0, i)).collect();
        let svg = render(&nodes, &edges);
        assert!(!svg.contains("<x>"));
        assert!(svg.contains("n1&lt;x&gt;"));
        // 19 dependencies wrap into 3 rows of at most 8 below the root: 4 rows in all.
        assert!(svg.contains("height=\"310\""), "{}", &svg[..300]);
    }
}
