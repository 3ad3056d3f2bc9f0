//! The order of the vertices in each layer: barycentre sweeps, alternately
//! down and up, keeping the order with the fewest edge crossings.

/// Sweeps at most (each down then up).
const SWEEPS: usize = 6;

/// The vertices of each layer, left to right. `layer` is each vertex's layer;
/// `up` and `down` its neighbours in the layers above and below.
pub(super) fn order(layer: &[usize], up: &[Vec<usize>], down: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let depth = layer.iter().copied().max().map_or(0, |d| d + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for (v, &l) in layer.iter().enumerate() {
        layers[l].push(v);
    }
    let mut pos = vec![0.0f64; layer.len()];
    for l in &layers {
        fractions(l, &mut pos);
    }
    let mut best = (crossings(&layers, down, &pos), layers.clone());
    for _ in 0..SWEEPS {
        if best.0 == 0 {
            break;
        }
        for layer in layers.iter_mut().skip(1) {
            sort_layer(layer, up, &mut pos);
        }
        for layer in layers.iter_mut().rev().skip(1) {
            sort_layer(layer, down, &mut pos);
        }
        let c = crossings(&layers, down, &pos);
        if c < best.0 {
            best = (c, layers.clone());
        }
    }
    best.1
}

/// Each vertex's place in its layer as a fraction of the layer's length (so
/// that layers of different lengths compare).
fn fractions(layer: &[usize], pos: &mut [f64]) {
    let len = layer.len() as f64;
    for (i, &v) in layer.iter().enumerate() {
        pos[v] = (i as f64 + 0.5) / len;
    }
}

/// Sorts a layer by the mean place of each vertex's `neighbours` (a vertex
/// with none keeps its place), ties by the order before.
fn sort_layer(layer: &mut [usize], neighbours: &[Vec<usize>], pos: &mut [f64]) {
    let mut keyed: Vec<(f64, usize, usize)> = layer
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let ns = &neighbours[v];
            let key = if ns.is_empty() {
                pos[v]
            } else {
                ns.iter().map(|&w| pos[w]).sum::<f64>() / ns.len() as f64
            };
            (key, i, v)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (slot, (_, _, v)) in layer.iter_mut().zip(keyed) {
        *slot = v;
    }
    fractions(layer, pos);
}

/// Edge crossings between every two neighbouring layers: inversions among
/// the lower ends, with the edges taken in the order of their upper ends
/// (counted with a Fenwick tree: O(E log V)).
pub(super) fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>], pos: &[f64]) -> usize {
    let mut total = 0;
    for pair in layers.windows(2) {
        let (upper, lower) = (&pair[0], &pair[1]);
        let len = lower.len();
        let rank = |v: usize| ((pos[v] * len as f64) as usize).min(len.saturating_sub(1));
        let mut tree = vec![0usize; len + 1];
        let mut seen = 0;
        for &u in upper {
            let mut ends: Vec<usize> = down[u].iter().map(|&w| rank(w)).collect();
            ends.sort_unstable();
            for &r in &ends {
                // Edges seen so far that end right of r cross this one.
                let mut not_right = 0;
                let mut i = r + 1;
                while i > 0 {
                    not_right += tree[i];
                    i &= i - 1;
                }
                total += seen - not_right;
                let mut i = r + 1;
                while i <= len {
                    tree[i] += 1;
                    i += i & i.wrapping_neg();
                }
                seen += 1;
            }
        }
    }
    total
}
