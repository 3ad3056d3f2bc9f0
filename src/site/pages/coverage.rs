//! The ISO/IEC 20000-1 coverage page (`coverage.html`), from the evidence
//! model of `itsm report coverage`.

use super::context::Cx;
use crate::diag::Diagnostic;
use crate::model::{Kind, Reference};
use crate::report::coverage::{ClauseCoverage as Clause, Coverage};
use crate::site::file::File;
use crate::site::theme::ThemeError;
use crate::site::view::Link;
use minijinja::Value as V;
use serde::Serialize;

#[derive(Serialize)]
struct ClauseRow {
    number: &'static str,
    title: &'static str,
    depth: usize,
    status: &'static str,
    /// The status comes from the sub-clauses.
    from_sub_clauses: bool,
    /// Policies declaring the clause (or a clause above it).
    policies: Vec<Link>,
    evidence: Vec<EvidenceRow>,
    findings: Vec<String>,
}

/// Records found for one need of a clause.
#[derive(Serialize)]
struct EvidenceRow {
    what: &'static str,
    count: usize,
    /// The first records found.
    records: Vec<Link>,
}

impl Cx<'_> {
    /// `coverage.html`.
    pub(super) fn coverage(&self, diagnostics: &[Diagnostic]) -> Result<File, ThemeError> {
        let cov = crate::report::coverage::compute(self.catalog.all(), diagnostics, self.today);
        let rows: Vec<ClauseRow> = cov.clauses.iter().map(|c| self.clause(&cov, c)).collect();
        self.page(
            "coverage.html".into(),
            "coverage.html",
            "ISO/IEC 20000-1:2018 coverage",
            minijinja::context! {
                clauses => V::from_serialize(&rows),
                evidenced => cov.summary.evidenced,
                partial => cov.summary.partial,
                gaps => cov.summary.gap,
                findings => cov.findings.len(),
            },
        )
    }

    fn clause(&self, cov: &Coverage, c: &Clause) -> ClauseRow {
        ClauseRow {
            number: c.number,
            title: c.title,
            depth: c.level.saturating_sub(1),
            status: c.status.as_str(),
            from_sub_clauses: c.from_sub_clauses,
            policies: self.links_to(&c.declared_by),
            evidence: c
                .evidence
                .iter()
                .map(|e| EvidenceRow {
                    what: e.what,
                    count: e.count,
                    records: self.links_to(&e.records),
                })
                .collect(),
            findings: c
                .findings
                .iter()
                .filter_map(|i| cov.findings.get(*i))
                .map(|f| f.message.clone())
                .collect(),
        }
    }

    /// Links to the records `ids` (`kind:name`) that exist.
    fn links_to(&self, ids: &[String]) -> Vec<Link> {
        ids.iter()
            .filter_map(|id| {
                let r = Reference::parse(id);
                let kind = Kind::from_id(r.kind?)?;
                self.catalog
                    .find(kind, r.name)
                    .map(|ix| self.link(ix).clone())
            })
            .collect()
    }
}
