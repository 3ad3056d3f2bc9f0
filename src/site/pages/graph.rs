//! Dependency graphs: a Service's (on its page) and the whole catalogue's
//! (`graph.html`).

use super::context::Cx;
use crate::link::Ix;
use crate::model::{Field, Kind};
use crate::site::file::{File, page_path};
use crate::site::graph_svg::{self, Node};
use crate::site::theme::ThemeError;
use minijinja::Value as V;
use rustc_hash::FxHashMap;

/// Nodes of the whole-catalogue graph.
const WHOLE_GRAPH_LIMIT: usize = 400;

impl Cx<'_> {
    /// The records `set` and the dependencies between them, as SVG; `focus` stands out.
    pub(super) fn draw(&self, set: &[Ix], focus: Option<Ix>, prefix: &str) -> String {
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
        let nodes: Vec<Node> = set.iter().map(|v| self.node(*v, focus, prefix)).collect();
        graph_svg::render(&nodes, &edges)
    }

    fn node(&self, v: Ix, focus: Option<Ix>, prefix: &str) -> Node {
        let r = self.catalog.record(v);
        let note = match r.id.kind {
            Kind::Service => format!(
                "Service · tier {}",
                r.spec.service().and_then(|s| s.tier).map_or(0, |t| t.get())
            ),
            _ => format!(
                "CI · {}",
                r.spec
                    .ci()
                    .and_then(|s| s.ci_type)
                    .map_or("", |t| t.as_str())
            ),
        };
        Node {
            label: r.title().to_string(),
            note,
            href: format!("{prefix}{}", page_path(&r.id)),
            class: if Some(v) == focus {
                "focus"
            } else if r.id.kind == Kind::Service {
                "service"
            } else {
                "ci"
            },
        }
    }

    /// `graph.html`: every Service and CI, or the Services alone, or a note
    /// when even they are too many to read.
    pub(super) fn whole_graph(&self) -> Result<File, ThemeError> {
        let c = self.catalog;
        let services: Vec<Ix> = c.of_kind(Kind::Service).collect();
        let cis: Vec<Ix> = c.of_kind(Kind::Ci).collect();
        let (set, note) = if services.len() + cis.len() <= WHOLE_GRAPH_LIMIT {
            ([services, cis].concat(), String::new())
        } else if services.len() <= WHOLE_GRAPH_LIMIT {
            (
                services,
                format!(
                    "{} CIs are left out to keep the graph readable; each Service's page shows its own.",
                    cis.len()
                ),
            )
        } else {
            (
                Vec::new(),
                format!(
                    "The catalogue has {} Services and {} CIs, too many for one readable graph: each Service's page shows its own.",
                    services.len(),
                    cis.len()
                ),
            )
        };
        let svg = self.draw(&set, None, "");
        self.page(
            "graph.html".into(),
            "graph.html",
            "Dependency graph",
            minijinja::context! { graph_svg => V::from_safe_string(svg), note => note },
        )
    }
}
