//! The impact of a change on CI and Change pages, as `itsm impact` computes it
//! ([`crate::impact`]): the business Services reached, whether a tier-1
//! Service is, the Teams that must approve and why, and the tree of what
//! depends on the record, transitively. The walk stops after
//! [`WALK_LIMIT`] records (counts then read "at least"), so a page costs what
//! it shows, never the size of the catalogue.

use super::context::{Cx, LIST_LIMIT};
use super::panel::{a, end_table, panel, row, table};
use crate::html::{esc, esc_to};
use crate::impact::{self, Reach};
use crate::link::Ix;
use crate::model::spec::service::ServiceType;
use crate::model::{Field, Kind};
use crate::site::view::{Panel, RECORD_ROOT};
use rustc_hash::FxHashSet;

/// Records a page's walk reaches at most before it stops.
pub(super) const WALK_LIMIT: usize = LIST_LIMIT;

/// Reasons shown for one Team before "and N more".
const REASONS: usize = 8;

impl Cx<'_> {
    /// The impact of a change to CI `ix`, as `itsm impact ci:NAME`.
    pub(super) fn ci_impact_panel(&self, ix: Ix) -> Panel {
        let found = impact::reach(self.catalog.unnoted(), ix, None, WALK_LIMIT);
        let mut html = self.summary_html(&found, "A change to this CI");
        self.impact_approvals_html(&found, &mut html);
        self.tree_html(&found, &mut html);
        panel("impact", "Impact of a change", html)
    }

    /// The impact of Change `ix`: what its `impacts` reach (each as `itsm
    /// impact` walks it), and who must approve it by the approval gate's rules.
    pub(super) fn change_impact_panel(&self, ix: Ix) -> Panel {
        let mut first: Vec<Ix> = self.catalog.targets(ix, Field::Impacts).collect();
        first.sort_by(|a, b| self.catalog.record(*a).id.cmp(&self.catalog.record(*b).id));
        first.dedup();
        let found = impact::reach(self.catalog.unnoted(), ix, Some(first), WALK_LIMIT);
        let mut html = self.summary_html(&found, "This Change");
        self.gate_html(ix, &mut html);
        self.tree_html(&found, &mut html);
        panel("impact", "Impact and approval", html)
    }

    /// How much is reached, tier 1 flagged, the business Services listed.
    fn summary_html(&self, found: &Reach, what: &str) -> String {
        let complete = found.complete();
        let at_least = if complete { "" } else { "at least " };
        let of_kind = |kind: Kind| {
            let reached = found.reached().iter().map(|&(ix, _)| ix);
            reached.filter(move |&ix| self.catalog.record(ix).id.kind == kind)
        };
        let services: Vec<Ix> = of_kind(Kind::Service).collect();
        let mut html = format!(
            "<p class=\"impact-summary\">{what} reaches {at_least}<strong>{}</strong>: {}, {}.",
            count(found.reached().len(), "record", "records"),
            count(services.len(), "Service", "Services"),
            count(of_kind(Kind::Ci).count(), "CI", "CIs")
        );
        let catalog = self.catalog.unnoted();
        let tier1: Vec<Ix> = std::iter::once(found.root())
            .chain(services.iter().copied())
            .filter(|&ix| impact::tier1(catalog, ix))
            .collect();
        if tier1.is_empty() {
            html.push_str(" No tier-1 Service is reached");
            html.push_str(if complete {
                ".</p>\n"
            } else {
                " within the records walked.</p>\n"
            });
        } else {
            html.push_str(" <strong class=\"bad tier1-flag\">Tier 1 reached</strong>: ");
            self.node_links(&tier1, &mut html);
            html.push_str(".</p>\n");
        }
        if !complete {
            html.push_str(&format!(
                "<p class=\"note\">The page stops after {WALK_LIMIT} records; <code>itsm impact {}</code> lists them all.</p>\n",
                esc(&self.catalog.record(found.root()).id.to_string())
            ));
        }
        self.business_html(&services, &mut html);
        html
    }

    /// The business Services reached, by name (the others counted).
    fn business_html(&self, services: &[Ix], html: &mut String) {
        let business: Vec<Ix> = services
            .iter()
            .copied()
            .filter(|&ix| {
                let spec = self.catalog.record(ix).spec.service();
                spec.and_then(|s| s.service_type) == Some(ServiceType::Business)
            })
            .collect();
        html.push_str("<h3>Business services reached</h3>\n");
        let other = services.len() - business.len();
        let others = format!(
            "{} in the tree below",
            count(
                other,
                "technical or untyped Service",
                "technical or untyped Services"
            )
        );
        if business.is_empty() {
            let tail = if other > 0 {
                format!("; {others}")
            } else {
                String::new()
            };
            html.push_str(&format!("<p>None{tail}.</p>\n"));
            return;
        }
        html.push_str("<ul class=\"impact-services\">");
        for &ix in business.iter().take(LIST_LIMIT) {
            html.push_str("<li>");
            self.node_html(ix, html);
            html.push_str("</li>");
        }
        html.push_str("</ul>\n");
        more(html, business.len().saturating_sub(LIST_LIMIT));
        if other > 0 {
            html.push_str(&format!("<p>And {others}.</p>\n"));
        }
    }

    /// The Teams a normal Change to the record needs, as `itsm impact` lists them.
    fn impact_approvals_html(&self, found: &Reach, html: &mut String) {
        html.push_str("<h3>Teams that must approve a normal Change to it</h3>\n");
        let approvals = impact::approvals(self.catalog.unnoted(), found);
        if approvals.is_empty() {
            html.push_str("<p>None named (no owner and no <code>admins</code>).</p>\n");
            return;
        }
        table(html, "impact-teams", &["Team", "Why"]);
        for t in approvals.iter().take(LIST_LIMIT) {
            row(
                html,
                None,
                &[self.team_html(&t.team), reasons_html(&t.reasons)],
            );
        }
        end_table(html);
        more(html, approvals.len().saturating_sub(LIST_LIMIT));
        html.push_str(
            "<p class=\"note\">And the CAB when the Change is high risk; the ECAB instead for an emergency Change.</p>\n",
        );
    }

    /// Who must approve Change `ix` by the approval gate's rules.
    fn gate_html(&self, ix: Ix, html: &mut String) {
        html.push_str("<h3>Teams that must approve it</h3>\n");
        let required = match crate::approvals::change_requirements(self.catalog.unnoted(), ix) {
            Ok(r) => r,
            Err(e) => {
                html.push_str(&format!(
                    "<p><strong class=\"bad\">{}</strong></p>\n",
                    esc(&e.to_string())
                ));
                return;
            }
        };
        if required.list.is_empty() {
            html.push_str("<p>None by its type and impacts (the owner of the record approves a pull request that touches it).</p>\n");
        } else {
            table(html, "impact-teams", &["Team", "Approvals", "Why"]);
            for r in required.list.iter().take(LIST_LIMIT) {
                let why: Vec<String> = r.reasons.iter().map(|x| x.why.clone()).collect();
                let cells = [
                    self.team_html(&r.team),
                    r.count.to_string(),
                    reasons_html(&why),
                ];
                row(html, None, &cells);
            }
            end_table(html);
            more(html, required.list.len().saturating_sub(LIST_LIMIT));
        }
        for p in required.problems.iter().take(LIST_LIMIT) {
            html.push_str(&format!(
                "<p><strong class=\"bad\">{}</strong></p>\n",
                esc(p)
            ));
        }
        html.push_str("<p class=\"note\">As the approval gate (<code>itsm approvals</code>) requires them for a pull request that touches this Change, besides the owner of the record and Policy rules.</p>\n");
    }

    /// A Team's name, linked to its page when it has one.
    fn team_html(&self, team: &str) -> String {
        let mut out = String::new();
        match self.catalog.find(Kind::Team, team) {
            Some(t) => a(&mut out, RECORD_ROOT, self.link(t)),
            None => esc_to(&mut out, team),
        }
        out
    }

    /// The tree of what depends on the record, each record once, cut at [`LIST_LIMIT`].
    fn tree_html(&self, found: &Reach, html: &mut String) {
        if found.reached().is_empty() {
            return;
        }
        html.push_str("<details class=\"impact-tree\" open><summary>What depends on it, transitively</summary>\n<ul>");
        let mut printed: FxHashSet<Ix> = FxHashSet::from_iter([found.root()]);
        html.push_str("<li>");
        self.node_html(found.root(), html);
        // Each frame: a record, the next of its dependents, whether its `<ul>` is open.
        let mut stack: Vec<(Ix, usize, bool)> = vec![(found.root(), 0, false)];
        while let Some((ix, next, open)) = stack.last_mut() {
            let child = (printed.len() <= LIST_LIMIT)
                .then(|| {
                    let rest = found.children(*ix).get(*next..).unwrap_or_default();
                    let skip = rest.iter().position(|d| !printed.contains(d));
                    *next += skip.map_or(rest.len(), |s| s + 1);
                    skip.map(|s| rest[s])
                })
                .flatten();
            let Some(child) = child else {
                html.push_str(if *open { "</ul></li>" } else { "</li>" });
                stack.pop();
                continue;
            };
            if !std::mem::replace(open, true) {
                html.push_str("<ul>");
            }
            printed.insert(child);
            html.push_str("<li>");
            self.node_html(child, html);
            stack.push((child, 0, false));
        }
        html.push_str("</ul>\n");
        more(
            html,
            (found.reached().len() + 1).saturating_sub(printed.len()),
        );
        html.push_str("</details>\n");
    }

    /// A record of the impact: its link, kind, tier and owner.
    fn node_html(&self, ix: Ix, html: &mut String) {
        let catalog = self.catalog.unnoted();
        a(html, RECORD_ROOT, self.link(ix));
        html.push_str(" <span class=\"badge\">");
        html.push_str(catalog.record(ix).id.kind.name());
        html.push_str("</span>");
        if let Some(t) = impact::tier(catalog, ix) {
            // As the about card shows a tier.
            let class = if (1..=4).contains(&t) {
                format!(" tier-{t}")
            } else {
                String::new()
            };
            html.push_str(&format!(" <span class=\"badge{class}\">Tier {t}</span>"));
        }
        if let Some(o) = impact::owner(catalog, ix) {
            html.push_str(" <span class=\"owner\">owner ");
            esc_to(html, o);
            html.push_str("</span>");
        }
    }

    /// Links to `records`, comma separated.
    fn node_links(&self, records: &[Ix], html: &mut String) {
        for (i, &ix) in records.iter().take(LIST_LIMIT).enumerate() {
            if i > 0 {
                html.push_str(", ");
            }
            a(html, RECORD_ROOT, self.link(ix));
        }
        if records.len() > LIST_LIMIT {
            html.push_str(&format!(" and {} more", records.len() - LIST_LIMIT));
        }
    }
}

/// Reasons as escaped text, `; ` between them, cut at [`REASONS`].
fn reasons_html(reasons: &[String]) -> String {
    let mut out = reasons
        .iter()
        .take(REASONS)
        .map(|r| esc(r))
        .collect::<Vec<_>>()
        .join("; ");
    if reasons.len() > REASONS {
        out.push_str(&format!("; and {} more", reasons.len() - REASONS));
    }
    out
}

/// `n` and the noun that goes with it: `1 record`, `2 records`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "And N more." when N > 0.
fn more(html: &mut String, n: usize) {
    if n > 0 {
        html.push_str(&format!("<p class=\"more\">And {n} more.</p>\n"));
    }
}
