//! What a change to one record touches: every Service and CI that depends on it,
//! transitively, with owners, tiers and SLAs, and the Teams a Change to it needs.

use crate::link::{Catalog, Ix};
use crate::model::{Field, Kind, Reference, Spec};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::VecDeque;

/// The impact of a change to one record.
#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    /// The record changed.
    pub root: Node,
    /// Every record that depends on it, transitively, nearest first.
    pub impacted: Vec<Node>,
    /// The Teams whose approval a normal Change to the record would need.
    pub approvals: Vec<Approval>,
    /// Whether a tier-1 Service is reached (a normal Change then needs the CAB).
    pub tier1_reached: bool,
}

/// One record of the impact.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub title: String,
    pub owner: Option<String>,
    pub tier: Option<i64>,
    pub lifecycle: Option<String>,
    pub sla: Option<String>,
    /// Availability target of the SLA, percent.
    pub availability: Option<f64>,
    /// Steps from the changed record (0 for the record itself).
    pub depth: usize,
    /// The shortest chain from the changed record to this one, both included;
    /// past 64 records, the changed record, `...` and the last 64.
    pub path: Vec<String>,
    /// Direct dependents, by identity (the tree in the terminal).
    pub dependents: Vec<String>,
}

/// A Team that must approve, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    pub team: String,
    pub reasons: Vec<String>,
}

/// How a REF given on the command line failed to name one record.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("no record named `{reference}`{}", hint(.suggestion))]
    Missing {
        reference: String,
        suggestion: Option<String>,
    },
    #[error("`{reference}` names several records: {}; write one of them in full", .candidates.join(", "))]
    Ambiguous {
        reference: String,
        candidates: Vec<String>,
    },
}

fn hint(s: &Option<String>) -> String {
    s.as_ref()
        .map(|s| format!(": did you mean `{s}`?"))
        .unwrap_or_default()
}

/// Finds the record named by `text`: `kind:name` or a bare name that only one
/// kind has.
pub fn lookup(catalog: &Catalog, text: &str) -> Result<Ix, LookupError> {
    let r = Reference::parse(text);
    let kinds: Vec<Kind> = match r.kind {
        Some(k) => match Kind::parse_loose(k) {
            Some(kind) => vec![kind],
            None => {
                return Err(LookupError::Missing {
                    reference: text.to_string(),
                    suggestion: None,
                });
            }
        },
        None => Kind::ALL.to_vec(),
    };
    let found: Vec<Ix> = kinds
        .iter()
        .filter_map(|k| catalog.find(*k, r.name))
        .collect();
    match found[..] {
        [one] => Ok(one),
        [] => {
            let names: Vec<String> = catalog
                .repo
                .records
                .iter()
                .filter(|rec| kinds.contains(&rec.id.kind))
                .map(|rec| rec.id.to_string())
                .collect();
            let bare: Vec<&str> = catalog
                .repo
                .records
                .iter()
                .filter(|rec| kinds.contains(&rec.id.kind))
                .map(|rec| rec.id.name.as_str())
                .collect();
            let best = crate::schema::closest(r.name, bare.iter().copied())
                .and_then(|b| bare.iter().position(|n| *n == b))
                .map(|i| names[i].clone());
            Err(LookupError::Missing {
                reference: text.to_string(),
                suggestion: best,
            })
        }
        _ => Err(LookupError::Ambiguous {
            reference: text.to_string(),
            candidates: found
                .iter()
                .map(|ix| catalog.record(*ix).id.to_string())
                .collect(),
        }),
    }
}

/// The records that depend directly on `ix`: CIs and Services through `dependsOn`,
/// Services through `cis`, `sla` and `suppliers`, CIs through `supplier`.
pub fn dependents(catalog: &Catalog, ix: Ix) -> Vec<Ix> {
    let mut out: Vec<Ix> = catalog.inc[ix as usize]
        .iter()
        .filter(|l| {
            matches!(
                l.field,
                Field::DependsOn | Field::Cis | Field::Sla | Field::Suppliers | Field::Supplier
            )
        })
        .map(|l| l.from)
        .collect();
    out.sort_by(|a, b| catalog.record(*a).id.cmp(&catalog.record(*b).id));
    out.dedup();
    out
}

/// Records of a path given in full; longer paths keep REF, `...` and their end.
const PATH_KEPT: usize = 64;

/// Everything a change to `root` touches (breadth first, each record once).
pub fn compute(catalog: &Catalog, root: Ix) -> Impact {
    let walk = walk(catalog, root, None, usize::MAX);
    let tails = tails(&walk);
    let path = |v: Ix| {
        let tail = tails.get(&v).map(Vec::as_slice).unwrap_or_default();
        let mut p = Vec::with_capacity(tail.len() + 2);
        if tail.first() != Some(&root) {
            p.push(catalog.record(root).id.to_string());
            p.push("...".to_string());
        }
        p.extend(tail.iter().map(|ix| catalog.record(*ix).id.to_string()));
        p
    };
    impact_of(catalog, &walk, path)
}

/// The records a change to `root` reaches, breadth first, the walk stopping
/// once `limit` records besides the root are reached. `first`, when given,
/// are the records the root reaches first instead of its dependents (a
/// Change: the records it `impacts`). Only indexes are kept, in hash maps, so
/// the cost follows what is reached, never the size of the catalogue, and a
/// page that shows a few of the records builds no strings for the others.
pub fn reach(catalog: &Catalog, root: Ix, first: Option<Vec<Ix>>, limit: usize) -> Reach {
    walk(catalog, root, first, limit)
}

/// The [`Impact`] of a walk, each record's path from `path`.
fn impact_of(catalog: &Catalog, walk: &Reach, path: impl Fn(Ix) -> Vec<String>) -> Impact {
    let mut nodes: Vec<Node> = walk
        .order
        .iter()
        .map(|&(ix, depth)| {
            let mut n = node(catalog, ix, depth);
            n.path = path(ix);
            n.dependents = walk
                .children(ix)
                .iter()
                .map(|c| catalog.record(*c).id.to_string())
                .collect();
            n
        })
        .collect();
    let root_node = nodes.remove(0);
    Impact {
        root: root_node,
        impacted: nodes,
        approvals: approvals(catalog, walk),
        tier1_reached: walk.order.iter().any(|&(ix, _)| tier1(catalog, ix)),
    }
}

/// The records a change to one reaches, breadth first, by index.
pub struct Reach {
    /// Each record once, with its steps from the root; the root first.
    order: Vec<(Ix, usize)>,
    /// The record each was first reached from.
    parent: FxHashMap<Ix, Ix>,
    /// The dependents of each record walked (those reached, when cut short).
    children: FxHashMap<Ix, Vec<Ix>>,
    /// Every record reached was walked (no limit met).
    complete: bool,
}

impl Reach {
    /// The record the walk started from.
    pub fn root(&self) -> Ix {
        self.order[0].0
    }

    /// Every record reached besides the root, with its steps from it, nearest first.
    pub fn reached(&self) -> &[(Ix, usize)] {
        &self.order[1..]
    }

    /// The direct dependents of `ix` that the walk reached through it or saw
    /// again (empty for a record the walk did not expand).
    pub fn children(&self, ix: Ix) -> &[Ix] {
        self.children
            .get(&ix)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Whether every record reached was walked (no limit met).
    pub fn complete(&self) -> bool {
        self.complete
    }
}

/// Breadth first from `root` (through `first` at the first step, when given),
/// stopping once `limit` records besides the root are reached.
fn walk(catalog: &Catalog, root: Ix, first: Option<Vec<Ix>>, limit: usize) -> Reach {
    let mut parent: FxHashMap<Ix, Ix> = FxHashMap::default();
    let mut seen = rustc_hash::FxHashSet::from_iter([root]);
    let mut order = vec![(root, 0usize)];
    let mut queue = VecDeque::from([(root, 0usize)]);
    let mut children: FxHashMap<Ix, Vec<Ix>> = FxHashMap::default();
    let mut first = first;
    let mut complete = true;
    while let Some((v, depth)) = queue.pop_front() {
        let mut next = match first.take() {
            Some(f) if v == root => f,
            _ => dependents(catalog, v),
        };
        for (i, &w) in next.iter().enumerate() {
            if seen.contains(&w) {
                continue;
            }
            if order.len() > limit {
                complete = false;
                next.truncate(i);
                break;
            }
            seen.insert(w);
            parent.insert(w, v);
            order.push((w, depth + 1));
            queue.push_back((w, depth + 1));
        }
        children.insert(v, next);
        if !complete {
            break;
        }
    }
    Reach {
        order,
        parent,
        children,
        complete,
    }
}

/// The last [`PATH_KEPT`] records of each path, built from the parent's
/// (linear in the records, however long the chains).
fn tails(walk: &Reach) -> FxHashMap<Ix, Vec<Ix>> {
    let mut tails: FxHashMap<Ix, Vec<Ix>> = FxHashMap::default();
    for &(v, _) in &walk.order {
        let mut tail = match walk.parent.get(&v) {
            Some(up) => tails.get(up).cloned().unwrap_or_default(),
            None => Vec::new(),
        };
        if tail.len() == PATH_KEPT {
            tail.remove(0);
        }
        tail.push(v);
        tails.insert(v, tail);
    }
    tails
}

/// The lifecycle of a Service or a CI, as written.
fn lifecycle(spec: &Spec) -> Option<&'static str> {
    match spec {
        Spec::Service(s) => s.lifecycle.map(|l| l.as_str()),
        Spec::Ci(c) => c.lifecycle.map(|l| l.as_str()),
        _ => None,
    }
}

fn node(catalog: &Catalog, ix: Ix, depth: usize) -> Node {
    let r = catalog.record(ix);
    let sla = catalog.targets(ix, Field::Sla).next();
    Node {
        id: r.id.to_string(),
        kind: r.id.kind.name().to_string(),
        name: r.id.name.clone(),
        title: r.title().to_string(),
        owner: owner(catalog, ix).map(str::to_string),
        tier: tier(catalog, ix),
        lifecycle: lifecycle(&r.spec).map(str::to_string),
        sla: sla.map(|s| catalog.record(s).id.name.clone()),
        availability: sla.and_then(|s| catalog.record(s).spec.sla()?.availability),
        depth,
        path: Vec::new(),
        dependents: Vec::new(),
    }
}

/// The name of the Team that owns `ix`, as linked.
pub fn owner(catalog: &Catalog, ix: Ix) -> Option<&str> {
    let team = catalog.targets(ix, Field::Owner).next()?;
    Some(&catalog.record(team).id.name)
}

/// The tier of a Service.
pub fn tier(catalog: &Catalog, ix: Ix) -> Option<i64> {
    let service = catalog.record(ix).spec.service()?;
    service.tier.map(|t| i64::from(t.get()))
}

/// Whether `ix` is a tier-1 Service.
pub fn tier1(catalog: &Catalog, ix: Ix) -> bool {
    tier(catalog, ix) == Some(1)
}

/// The approval rules of the contract for a normal Change to the root of a
/// walk: the owner of the root and of every impacted Service and CI, and the
/// CAB when a tier-1 Service is reached (a high-risk Change needs the CAB too,
/// whatever it reaches).
pub fn approvals(catalog: &Catalog, walk: &Reach) -> Vec<Approval> {
    let mut teams: Vec<Approval> = Vec::new();
    let mut add = |team: &str, reason: String| match teams.iter_mut().find(|a| a.team == team) {
        Some(a) => a.reasons.push(reason),
        None => teams.push(Approval {
            team: team.to_string(),
            reasons: vec![reason],
        }),
    };
    for &(ix, depth) in &walk.order {
        let id = &catalog.record(ix).id;
        if !matches!(id.kind, Kind::Service | Kind::Ci) && depth > 0 {
            continue;
        }
        match owner(catalog, ix) {
            Some(owner) => add(owner, format!("owns {id}")),
            None => {
                if let Some(admins) = &catalog.repo.config.admins {
                    add(admins, format!("{id} has no owner"));
                }
            }
        }
    }
    let tier1: Vec<String> = walk
        .order
        .iter()
        .filter(|&&(ix, _)| tier1(catalog, ix))
        .map(|&(ix, _)| catalog.record(ix).id.to_string())
        .collect();
    if !tier1.is_empty()
        && let Some(cab) = &catalog.repo.config.cab
    {
        add(cab, format!("tier 1 reached: {} (cab)", tier1.join(", ")));
    }
    teams
}

/// The impact as a tree, one record per line; a record reached again is
/// marked `(repeated)` and not expanded twice.
pub fn render_tree(impact: &Impact) -> String {
    let by_id: rustc_hash::FxHashMap<&str, &Node> = std::iter::once(&impact.root)
        .chain(&impact.impacted)
        .map(|n| (n.id.as_str(), n))
        .collect();
    let mut out = String::new();
    out.push_str(&line(&impact.root));
    out.push('\n');
    let mut printed = rustc_hash::FxHashSet::default();
    printed.insert(impact.root.id.as_str());
    tree(&by_id, &impact.root, &mut printed, &mut out);
    out.push('\n');
    out.push_str(&format!(
        "{} record(s) impacted ({} Service(s), {} CI(s)){}\n",
        impact.impacted.len(),
        impact
            .impacted
            .iter()
            .filter(|n| n.kind == Kind::Service.name())
            .count(),
        impact
            .impacted
            .iter()
            .filter(|n| n.kind == Kind::Ci.name())
            .count(),
        if impact.tier1_reached {
            "; tier 1 reached"
        } else {
            ""
        }
    ));
    if !impact.approvals.is_empty() {
        out.push_str("\nA normal Change to it needs approval from:\n");
        for a in &impact.approvals {
            out.push_str(&format!("  {}: {}\n", a.team, a.reasons.join("; ")));
        }
        out.push_str(
            "  (and cab when the Change is high risk; ecab instead for an emergency Change)\n",
        );
    }
    out
}

/// Levels drawn with tree lines; deeper records say their level instead, so that
/// a long chain prints in linear space.
const DRAWN_LEVELS: usize = 32;

/// Depth-first, iteratively (a chain of 100,000 CIs must not overflow the stack).
fn tree<'a>(
    by_id: &rustc_hash::FxHashMap<&str, &'a Node>,
    root: &'a Node,
    printed: &mut rustc_hash::FxHashSet<&'a str>,
    out: &mut String,
) {
    // Each frame: a node, the next child to print, the prefix of its children, its level.
    let mut stack: Vec<(&'a Node, usize, String, usize)> = vec![(root, 0, String::new(), 0)];
    while let Some((node, next, prefix, level)) = stack.last_mut() {
        let Some(child_id) = node.dependents.get(*next) else {
            stack.pop();
            continue;
        };
        *next += 1;
        let last = *next == node.dependents.len();
        let Some(child) = by_id.get(child_id.as_str()).copied() else {
            continue;
        };
        let (prefix, level) = (prefix.clone(), *level + 1);
        out.push_str(&prefix);
        out.push_str(if last { "└── " } else { "├── " });
        if level > DRAWN_LEVELS {
            out.push_str(&format!("(level {level}) "));
        }
        if printed.insert(child.id.as_str()) {
            out.push_str(&line(child));
            out.push('\n');
            let deeper = if level >= DRAWN_LEVELS {
                prefix
            } else {
                format!("{prefix}{}", if last { "    " } else { "│   " })
            };
            stack.push((child, 0, deeper, level));
        } else {
            out.push_str(&child.id);
            out.push_str(" (repeated)\n");
        }
    }
}

fn line(n: &Node) -> String {
    let mut parts = Vec::new();
    if let Some(o) = &n.owner {
        parts.push(format!("owner {o}"));
    }
    if let Some(t) = n.tier {
        parts.push(format!("tier {t}"));
    }
    if let Some(s) = &n.sla {
        match n.availability {
            Some(a) => parts.push(format!("sla {s} {a}%")),
            None => parts.push(format!("sla {s}")),
        }
    }
    if parts.is_empty() {
        n.id.clone()
    } else {
        format!("{} ({})", n.id, parts.join(", "))
    }
}
