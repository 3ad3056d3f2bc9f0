//! Where the nodes of a graph go (the Sugiyama scheme): cycles broken, layers
//! by longest path with at most [`WIDTH`] nodes each, long edges through dummy
//! points (one per layer crossed), the order in each layer by barycentre (see
//! [`super::order`]), x by least squares under that order, and edges as
//! vertical runs through layers joined by curves between them: an edge never
//! passes under a node.

use super::order;

/// Nodes in a layer at most (dummy points not counted): wider graphs go deeper.
const WIDTH: usize = 8;
/// Space around the drawing, between layers, and beside nodes and edges.
const MARGIN: i64 = 10;
const GAP_Y: i64 = 56;
const GAP_NODES: f64 = 24.0;
const GAP_EDGE: f64 = 12.0;
const GAP_EDGES: f64 = 8.0;
/// Rounds of x placement, alternately down and up.
const PASSES: usize = 8;

/// Where everything goes.
pub(super) struct Layout {
    /// The top left corner of each node.
    pub at: Vec<(i64, i64)>,
    /// Each edge as vertical runs from its `from` to its `to` (none for a
    /// node's edge to itself); a curve joins one run's end to the next's start.
    pub routes: Vec<Vec<Run>>,
    pub width: i64,
    pub height: i64,
}

/// A vertical piece of an edge, at `x` from `y0` to `y1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Run {
    pub x: i64,
    pub y0: i64,
    pub y1: i64,
}

/// Lays out nodes of `sizes` (width, height; widths even) joined by `edges`
/// (from above to below); with `centre`, that node is in the middle.
pub(super) fn layout(
    sizes: &[(i64, i64)],
    edges: &[(usize, usize)],
    centre: Option<usize>,
) -> Layout {
    let n = sizes.len();
    let oriented = orient(n, edges);
    let dag: Vec<(usize, usize)> = oriented.iter().flatten().map(|&(a, b, _)| (a, b)).collect();
    let g = Proper::new(n, layers(n, &dag), &oriented);
    let order = order::order(&g.layer, &g.up, &g.down);
    let widths: Vec<i64> = (0..g.layer.len())
        .map(|v| sizes.get(v).map_or(0, |s| s.0))
        .collect();
    let x = place_x(&order, &g, &widths);
    let (band_top, band_h) = bands(&order, sizes);
    let top = |v: usize| band_top[g.layer[v]] + (band_h[g.layer[v]] - sizes[v].1) / 2;
    let at: Vec<(i64, i64)> = (0..n).map(|v| (x[v] - sizes[v].0 / 2, top(v))).collect();
    let ports = Ports::new(&g, &x, &at, sizes);
    let placed = Placed {
        x: &x,
        at: &at,
        sizes,
        band_top: &band_top,
        band_h: &band_h,
    };
    let routes = (0..oriented.len())
        .map(|e| placed.route(e, &g, &oriented, &ports))
        .collect();
    let last = band_top.len() - 1;
    let mut layout = Layout {
        at,
        routes,
        width: widths
            .iter()
            .zip(&x)
            .map(|(w, x)| x + w / 2)
            .max()
            .unwrap_or(0)
            + MARGIN,
        height: band_top[last] + band_h[last] + MARGIN,
    };
    if let Some(c) = centre.filter(|&c| c < n) {
        layout.centre_on(layout.at[c].0 + sizes[c].0 / 2);
    }
    layout
}

impl Layout {
    /// Widens the drawing so that `x` is in its middle.
    fn centre_on(&mut self, x: i64) {
        let half = x.max(self.width - x);
        let dx = half - x;
        self.width = 2 * half;
        for at in &mut self.at {
            at.0 += dx;
        }
        for run in self.routes.iter_mut().flatten() {
            run.x += dx;
        }
    }
}

/// Each edge drawn downwards: `(upper, lower, reversed)`; an edge that closes
/// a cycle (a back edge of a depth-first search) is turned round, and an edge
/// from a node to itself is left out.
fn orient(n: usize, edges: &[(usize, usize)]) -> Vec<Option<(usize, usize, bool)>> {
    let mut out = vec![Vec::new(); n];
    for (e, &(a, b)) in edges.iter().enumerate() {
        if a != b && a < n && b < n {
            out[a].push(e);
        }
    }
    let mut back = vec![false; edges.len()];
    // 0: not seen, 1: on the path, 2: done.
    let mut state = vec![0u8; n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&e) = out[v].get(*next) {
                *next += 1;
                let w = edges[e].1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => back[e] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    edges
        .iter()
        .enumerate()
        .map(|(e, &(a, b))| match () {
            _ if a == b || a >= n || b >= n => None,
            _ if back[e] => Some((b, a, true)),
            _ => Some((a, b, false)),
        })
        .collect()
}

/// The layer of each node of a DAG: in order of their longest path from the
/// top, each node in the first layer below all its predecessors that has
/// room; nodes with no edge at all fill the room left.
fn layers(n: usize, dag: &[(usize, usize)]) -> Vec<usize> {
    let natural = longest_path(n, dag);
    let mut preds = vec![Vec::new(); n];
    let mut linked = vec![false; n];
    for &(a, b) in dag {
        preds[b].push(a);
        linked[a] = true;
        linked[b] = true;
    }
    let mut by: Vec<usize> = (0..n).collect();
    by.sort_by_key(|&v| (!linked[v], natural[v], v));
    let mut count: Vec<usize> = Vec::new();
    let mut layer = vec![0; n];
    for v in by {
        let mut l = preds[v].iter().map(|&p| layer[p] + 1).max().unwrap_or(0);
        while count.get(l).is_some_and(|&c| c >= WIDTH) {
            l += 1;
        }
        if count.len() <= l {
            count.resize(l + 1, 0);
        }
        count[l] += 1;
        layer[v] = l;
    }
    layer
}

/// The longest path from a node with no predecessor to each node of a DAG.
fn longest_path(n: usize, dag: &[(usize, usize)]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut succ = vec![Vec::new(); n];
    for &(a, b) in dag {
        indegree[b] += 1;
        succ[a].push(b);
    }
    let mut layer = vec![0usize; n];
    let mut queue: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut head = 0;
    while let Some(&v) = queue.get(head) {
        head += 1;
        for &w in &succ[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                queue.push(w);
            }
        }
    }
    layer
}

/// The layered graph with a dummy point wherever an edge crosses a layer:
/// vertices `0..n` are the nodes, the rest dummies; every edge joins
/// neighbouring layers.
pub(super) struct Proper {
    pub layer: Vec<usize>,
    /// Neighbours in the layer above, and in the layer below.
    pub up: Vec<Vec<usize>>,
    pub down: Vec<Vec<usize>>,
    /// Per edge, its vertices from top to bottom (empty for a loop).
    chains: Vec<Vec<usize>>,
}

impl Proper {
    fn new(n: usize, layer: Vec<usize>, oriented: &[Option<(usize, usize, bool)>]) -> Self {
        let mut g = Proper {
            layer,
            up: vec![Vec::new(); n],
            down: vec![Vec::new(); n],
            chains: Vec::with_capacity(oriented.len()),
        };
        for edge in oriented {
            let mut chain = Vec::new();
            if let Some(&(a, b, _)) = edge.as_ref() {
                chain.push(a);
                for l in g.layer[a] + 1..g.layer[b] {
                    let d = g.layer.len();
                    g.layer.push(l);
                    g.up.push(Vec::new());
                    g.down.push(Vec::new());
                    chain.push(d);
                }
                chain.push(b);
                for pair in chain.windows(2) {
                    g.down[pair[0]].push(pair[1]);
                    g.up[pair[1]].push(pair[0]);
                }
            }
            g.chains.push(chain);
        }
        g
    }
}

/// The x of each vertex's middle: each layer packed, then pulled towards the
/// mean of its neighbours above (or below) while keeping the order and the gaps.
fn place_x(order: &[Vec<usize>], g: &Proper, widths: &[i64]) -> Vec<i64> {
    let mut x = vec![0.0f64; g.layer.len()];
    for layer in order {
        let offsets = offsets(layer, widths);
        for (&v, o) in layer.iter().zip(offsets) {
            x[v] = o;
        }
    }
    let depth = order.len();
    for pass in 0..=PASSES {
        let (layers, up, down): (Vec<usize>, bool, bool) = match pass % 2 {
            _ if pass == PASSES => ((0..depth).collect(), true, true),
            0 => ((1..depth).collect(), true, false),
            _ => ((0..depth.saturating_sub(1)).rev().collect(), false, true),
        };
        for l in layers {
            pull(&order[l], g, widths, &mut x, (up, down));
        }
    }
    let left = (0..x.len())
        .map(|v| x[v] - (widths[v] / 2) as f64)
        .fold(f64::INFINITY, f64::min);
    x.iter()
        .map(|&c| (c - left).round() as i64 + MARGIN)
        .collect()
}

/// Moves the vertices of `layer` as near as the order and gaps allow to the
/// mean x of their neighbours above, below, or both (`(up, down)`); dummy
/// points pull harder, so that long edges run straight.
fn pull(layer: &[usize], g: &Proper, widths: &[i64], x: &mut [f64], (up, down): (bool, bool)) {
    let targets: Vec<f64> = layer
        .iter()
        .map(|&v| {
            let above = g.up[v].iter().filter(|_| up);
            let below = g.down[v].iter().filter(|_| down);
            mean(above.chain(below).map(|&w| x[w])).unwrap_or(x[v])
        })
        .collect();
    let weights: Vec<f64> = layer
        .iter()
        .map(|&v| if widths[v] == 0 { 4.0 } else { 1.0 })
        .collect();
    let placed = closest(&targets, &weights, &offsets(layer, widths));
    for (&v, p) in layer.iter().zip(placed) {
        x[v] = p;
    }
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    (count > 0).then(|| sum / count as f64)
}

/// The middles of a layer's vertices packed from 0, each as close to the
/// previous as the gap allows.
fn offsets(layer: &[usize], widths: &[i64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(layer.len());
    let mut at = 0.0;
    for (i, &v) in layer.iter().enumerate() {
        if i > 0 {
            let u = layer[i - 1];
            let gap = match (widths[u] == 0, widths[v] == 0) {
                (false, false) => GAP_NODES,
                (true, true) => GAP_EDGES,
                _ => GAP_EDGE,
            };
            at += (widths[u] + widths[v]) as f64 / 2.0 + gap;
        }
        out.push(at);
    }
    out
}

/// The positions nearest `targets` (least squares, by `weights`) that keep
/// each at least its packed distance (`offsets`) after the one before: with
/// the offsets taken out, an isotonic regression (pool adjacent violators).
fn closest(targets: &[f64], weights: &[f64], offsets: &[f64]) -> Vec<f64> {
    // Blocks of (first index, weight, weighted sum).
    let mut blocks: Vec<(usize, f64, f64)> = Vec::new();
    for i in 0..targets.len() {
        blocks.push((i, weights[i], weights[i] * (targets[i] - offsets[i])));
        while blocks.len() > 1 {
            let (b, a) = (blocks[blocks.len() - 1], blocks[blocks.len() - 2]);
            if a.2 / a.1 <= b.2 / b.1 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (a.0, a.1 + b.1, a.2 + b.2);
        }
    }
    let mut out = vec![0.0; targets.len()];
    for (k, &(start, w, s)) in blocks.iter().enumerate() {
        let end = blocks.get(k + 1).map_or(targets.len(), |b| b.0);
        for i in start..end {
            out[i] = s / w + offsets[i];
        }
    }
    out
}

/// The top of each layer's band and its height (its tallest node's).
fn bands(order: &[Vec<usize>], sizes: &[(i64, i64)]) -> (Vec<i64>, Vec<i64>) {
    let heights: Vec<i64> = order
        .iter()
        .map(|l| {
            l.iter()
                .filter_map(|&v| sizes.get(v))
                .map(|s| s.1)
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut tops = Vec::with_capacity(order.len().max(1));
    let mut y = MARGIN;
    for h in &heights {
        tops.push(y);
        y += h + GAP_Y;
    }
    if tops.is_empty() {
        return (vec![MARGIN], vec![0]);
    }
    (tops, heights)
}

/// Where each edge leaves its upper node and enters its lower one: spread
/// along the node's bottom (top) in the order of where the edges go, so that
/// they do not cross at the node.
struct Ports {
    /// Per edge, the x at its upper end and at its lower end.
    x: Vec<(i64, i64)>,
}

impl Ports {
    fn new(g: &Proper, x: &[i64], at: &[(i64, i64)], sizes: &[(i64, i64)]) -> Self {
        let n = at.len();
        let mut leaving: Vec<Vec<(i64, usize)>> = vec![Vec::new(); n];
        let mut entering: Vec<Vec<(i64, usize)>> = vec![Vec::new(); n];
        for (e, chain) in g.chains.iter().enumerate() {
            if let [first, second, ..] = chain[..] {
                leaving[first].push((x[second], e));
            }
            if let [.., before, last] = chain[..] {
                entering[last].push((x[before], e));
            }
        }
        let mut ports = vec![(0, 0); g.chains.len()];
        for v in 0..n {
            let (left, w) = (at[v].0, sizes[v].0);
            for (side, list) in [(0, &mut leaving[v]), (1, &mut entering[v])] {
                list.sort_unstable();
                let k = list.len() as i64;
                for (i, &(_, e)) in list.iter().enumerate() {
                    let px = left + w * (i as i64 + 1) / (k + 1);
                    if side == 0 {
                        ports[e].0 = px;
                    } else {
                        ports[e].1 = px;
                    }
                }
            }
        }
        Ports { x: ports }
    }
}

/// Where the vertices went: the x of each middle, each node's top left
/// corner and size, each layer band's top and height.
struct Placed<'a> {
    x: &'a [i64],
    at: &'a [(i64, i64)],
    sizes: &'a [(i64, i64)],
    band_top: &'a [i64],
    band_h: &'a [i64],
}

impl Placed<'_> {
    /// Edge `e`'s runs: down its upper node's band from the node's bottom,
    /// down each dummy point's band, down its lower node's band to the node's
    /// top; turned round for an edge drawn against its direction.
    fn route(
        &self,
        e: usize,
        g: &Proper,
        oriented: &[Option<(usize, usize, bool)>],
        ports: &Ports,
    ) -> Vec<Run> {
        let Some(&(a, b, reversed)) = oriented[e].as_ref() else {
            return Vec::new();
        };
        let chain = &g.chains[e];
        let top = |v: usize| self.band_top[g.layer[v]];
        let end = |v: usize| top(v) + self.band_h[g.layer[v]];
        let mut runs = Vec::with_capacity(chain.len());
        runs.push(Run {
            x: ports.x[e].0,
            y0: self.at[a].1 + self.sizes[a].1,
            y1: end(a),
        });
        for &d in &chain[1..chain.len() - 1] {
            runs.push(Run {
                x: self.x[d],
                y0: top(d),
                y1: end(d),
            });
        }
        runs.push(Run {
            x: ports.x[e].1,
            y0: top(b),
            y1: self.at[b].1,
        });
        if reversed {
            runs.reverse();
            for run in &mut runs {
                std::mem::swap(&mut run.y0, &mut run.y1);
            }
        }
        runs
    }
}
