//! The dependency graphs: cycles (Tarjan's algorithm, iterative so that long
//! chains cannot overflow the stack) and reachability.

use super::{Catalog, Ix};
use crate::model::{Field, Kind};

/// Every cycle of `field` edges among records of `kind`, each as the list of its
/// records in order, starting from the one with the smallest name.
pub fn cycles(catalog: &Catalog, kind: Kind, field: Field) -> Vec<Vec<Ix>> {
    let n = catalog.repo.records.len();
    let succ = |v: Ix| {
        catalog.out[v as usize]
            .iter()
            .filter(move |l| l.field == field && catalog.record(l.to).id.kind == kind)
            .map(|l| l.to)
    };
    const UNSEEN: u32 = u32::MAX;
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<Ix> = Vec::new();
    let mut counter = 0u32;
    let mut result = Vec::new();
    for start in catalog.of_kind(kind) {
        if order[start as usize] != UNSEEN {
            continue;
        }
        // Each frame: node and the position in its successor list.
        let mut frames: Vec<(Ix, usize)> = vec![(start, 0)];
        order[start as usize] = counter;
        low[start as usize] = counter;
        counter += 1;
        stack.push(start);
        on_stack[start as usize] = true;
        while let Some(&mut (v, ref mut next)) = frames.last_mut() {
            if let Some(w) = succ(v).nth(*next) {
                *next += 1;
                let w_ix = w as usize;
                if order[w_ix] == UNSEEN {
                    order[w_ix] = counter;
                    low[w_ix] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w_ix] = true;
                    frames.push((w, 0));
                } else if on_stack[w_ix] {
                    low[v as usize] = low[v as usize].min(order[w_ix]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent as usize] = low[parent as usize].min(low[v as usize]);
            }
            if low[v as usize] == order[v as usize] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                let self_loop = component.len() == 1 && succ(v).any(|w| w == v);
                if component.len() > 1 || self_loop {
                    result.push(cycle_in(catalog, &component, succ));
                }
            }
        }
    }
    result.sort();
    result
}

/// One cycle through the component, from its smallest-named member.
fn cycle_in<I: Iterator<Item = Ix>>(
    catalog: &Catalog,
    component: &[Ix],
    succ: impl Fn(Ix) -> I,
) -> Vec<Ix> {
    let start = *component
        .iter()
        .min_by(|a, b| {
            catalog
                .record(**a)
                .id
                .name
                .cmp(&catalog.record(**b).id.name)
        })
        .unwrap_or(&component[0]);
    let inside: std::collections::HashSet<Ix> = component.iter().copied().collect();
    // Breadth-first from start back to start, within the component.
    let mut parent: std::collections::HashMap<Ix, Ix> = std::collections::HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for w in succ(v) {
            if w == start {
                let mut path = vec![v];
                let mut cur = v;
                while cur != start {
                    cur = parent[&cur];
                    path.push(cur);
                }
                path.reverse();
                return path;
            }
            if inside.contains(&w) && !parent.contains_key(&w) {
                parent.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    vec![start]
}

/// Whether each record is reached from a Service through `cis` and then CI `dependsOn`.
pub fn reached_cis(catalog: &Catalog) -> Vec<bool> {
    let mut seen = vec![false; catalog.repo.records.len()];
    let mut queue: Vec<Ix> = catalog
        .of_kind(Kind::Service)
        .flat_map(|s| catalog.targets(s, Field::Cis))
        .collect();
    while let Some(v) = queue.pop() {
        if std::mem::replace(&mut seen[v as usize], true) {
            continue;
        }
        queue.extend(
            catalog
                .targets(v, Field::DependsOn)
                .filter(|w| !seen[*w as usize]),
        );
    }
    seen
}
