//! Dependency graphs: a Service's (on its page) and the whole catalogue's
//! (`graph.html`: the Services, and with a switch the CIs too).

use super::context::Cx;
use crate::link::Ix;
use crate::model::{CiLifecycle, Field, Kind, Lifecycle};
use crate::site::file::{File, page_path};
use crate::site::graph_svg::{self, Node};
use crate::site::theme::ThemeError;
use minijinja::Value as V;
use rustc_hash::FxHashMap;

/// Nodes of the whole-catalogue graph.
const WHOLE_GRAPH_LIMIT: usize = 400;

impl Cx<'_> {
    /// The records `set` and the dependencies between them, as an SVG named
    /// `id` and its legend; `focus` stands out in the middle.
    pub(super) fn draw(&self, id: &str, set: &[Ix], focus: Option<Ix>, prefix: &str) -> String {
        let c = self.catalog;
        let pos: FxHashMap<Ix, usize> = set.iter().enumerate().map(|(i, v)| (*v, i)).collect();
        let mut edges = Vec::new();
        for (i, v) in set.iter().enumerate() {
            for l in c.out(*v) {
                if matches!(l.field, Field::DependsOn | Field::Cis)
                    && let Some(&j) = pos.get(&l.to)
                {
                    edges.push((i, j));
                }
            }
        }
        let nodes: Vec<Node> = set.iter().map(|v| self.node(*v, prefix)).collect();
        let focus = focus.and_then(|f| pos.get(&f).copied());
        let mut out = graph_svg::render(id, &nodes, &edges, focus);
        if !out.is_empty() {
            out.push_str(&graph_svg::legend(&nodes, focus));
        }
        out
    }

    fn node(&self, v: Ix, prefix: &str) -> Node {
        let r = self.catalog.record(v);
        let (note, dimmed) = match r.id.kind {
            Kind::Service => {
                let s = r.spec.service();
                let life = s.and_then(|s| s.lifecycle);
                let tier = s.and_then(|s| s.tier).map_or(0, |t| t.get());
                let dimmed = matches!(life, Some(Lifecycle::Deprecated | Lifecycle::Retired));
                (
                    note(
                        format!("Service · tier {tier}"),
                        life.filter(|_| dimmed).map(|l| l.as_str()),
                    ),
                    dimmed,
                )
            }
            _ => {
                let s = r.spec.ci();
                let kind = s.and_then(|s| s.ci_type).map_or("", |t| t.as_str());
                let dimmed = s.and_then(|s| s.lifecycle) == Some(CiLifecycle::Retired);
                (
                    note(format!("CI · {kind}"), dimmed.then_some("retired")),
                    dimmed,
                )
            }
        };
        Node {
            label: r.title().to_string(),
            note,
            href: format!("{prefix}{}", page_path(&r.id)),
            class: if r.id.kind == Kind::Service {
                "service"
            } else {
                "ci"
            },
            dimmed,
        }
    }

    /// `graph.html`: the Services, and every Service and CI behind a switch,
    /// each when it has at most [`WHOLE_GRAPH_LIMIT`] nodes (else a note).
    pub(super) fn whole_graph(&self) -> Result<File, ThemeError> {
        let c = self.catalog;
        let services: Vec<Ix> = c.of_kind(Kind::Service).collect();
        let cis: Vec<Ix> = c.of_kind(Kind::Ci).collect();
        let mut note = String::new();
        let services_svg = if services.len() <= WHOLE_GRAPH_LIMIT {
            self.draw("graph-services", &services, None, "")
        } else {
            note = format!(
                "The catalogue has {} Services and {} CIs, too many for one readable graph: each Service's page shows its own.",
                services.len(),
                cis.len()
            );
            String::new()
        };
        let all_svg = if services.len() + cis.len() <= WHOLE_GRAPH_LIMIT {
            self.draw("graph-all", &[&services[..], &cis[..]].concat(), None, "")
        } else {
            if note.is_empty() {
                note = format!(
                    "{} CIs are left out to keep the graph readable; each Service's page shows its own.",
                    cis.len()
                );
            }
            String::new()
        };
        self.page(
            "graph.html".into(),
            "graph.html",
            "Dependency graph",
            minijinja::context! {
                graph_svg => V::from_safe_string(services_svg.clone()),
                services_svg => V::from_safe_string(services_svg),
                all_svg => V::from_safe_string(all_svg),
                ci_count => cis.len(),
                note => note,
            },
        )
    }
}

/// A node's note, with the lifecycle that dims it (said in words, not only
/// by its look).
fn note(note: String, dimmed_by: Option<&str>) -> String {
    match dimmed_by {
        Some(life) => format!("{note} · {life}"),
        None => note,
    }
}
