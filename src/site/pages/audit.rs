//! The findings of an Audit on its page: each with its id as the anchor that
//! `audit:NAME#ID` references land on, and the Improvements whose `source`
//! names it.

use super::context::Cx;
use crate::html::esc;
use crate::link::Ix;
use crate::model::spec::audit::Finding;
use crate::model::{Kind, Record};

impl Cx<'_> {
    /// An Audit's findings as HTML (`None` when the record is no Audit).
    pub(super) fn findings_html(&self, r: &Record, prefix: &str) -> Option<String> {
        let audit = r.spec.audit()?;
        let improvements = self.naming(r);
        let mut html = String::from("<ul class=\"findings\">");
        for f in audit.findings.iter().filter_map(|slot| slot.0.as_ref()) {
            html.push_str(&self.finding_html(f, &improvements, prefix));
        }
        html.push_str("</ul>");
        Some(html)
    }

    fn finding_html(&self, f: &Finding, improvements: &[(Ix, String)], prefix: &str) -> String {
        let id = f.id.as_deref().unwrap_or_default();
        let kind = f.finding_type.map_or("", |t| t.as_str());
        let mut html = match id {
            "" => String::from("<li>"),
            id => format!("<li id=\"{}\"><strong>{}</strong> ", esc(id), esc(id)),
        };
        html.push_str(&format!("<span class=\"badge {0}\">{0}</span>", esc(kind)));
        if let Some(req) = &f.requirement {
            html.push_str(&format!(" on <code>{}</code>", esc(&req.0)));
        }
        html.push_str(&format!(": {}", esc(f.text.as_deref().unwrap_or_default())));
        let records: Vec<String> = f
            .records
            .iter()
            .map(
                |rf| match self.catalog.resolve(rf.as_written(), &Kind::ALL) {
                    Ok(ix) => self.anchor(ix, prefix),
                    Err(_) => esc(rf.as_written()),
                },
            )
            .collect();
        if !records.is_empty() {
            html.push_str(&format!("<br>records: {}", records.join(", ")));
        }
        let addressed: Vec<String> = improvements
            .iter()
            .filter(|(_, part)| !id.is_empty() && part == id)
            .map(|(ix, _)| self.anchor(*ix, prefix))
            .collect();
        if !addressed.is_empty() {
            html.push_str(&format!("<br>addressed by: {}", addressed.join(", ")));
        }
        html.push_str("</li>");
        html
    }

    /// A link to record `ix`'s page, its title as the text.
    fn anchor(&self, ix: Ix, prefix: &str) -> String {
        let l = self.link(ix);
        format!(
            "<a href=\"{}{}\">{}</a>",
            esc(prefix),
            esc(&l.path),
            esc(&l.title)
        )
    }

    /// The Improvements whose `source` names a finding of Audit `r`, each with
    /// the finding's id, by name.
    fn naming(&self, r: &Record) -> Vec<(Ix, String)> {
        let mut out = Vec::new();
        for ix in self.catalog.of_kind(Kind::Improvement) {
            let Some(i) = self.catalog.record(ix).spec.improvement() else {
                continue;
            };
            for source in &i.source {
                let Some(part) = source.part() else {
                    continue;
                };
                if source.kind() == Some(Kind::Audit) && source.name() == r.id.name {
                    out.push((ix, part.to_string()));
                }
            }
        }
        out.sort_by(|a, b| {
            let name = |ix: Ix| &self.catalog.record(ix).id.name;
            name(a.0).cmp(name(b.0))
        });
        out
    }
}
