//! The ISO/IEC 20000-1 coverage page (`coverage.html`), from the evidence
//! model of `itsm report coverage`.

use super::context::Cx;
use crate::diag::Diagnostic;
use crate::model::{Kind, Reference};
use crate::report::coverage::{Coverage, Dated, Options, RequirementCoverage as Requirement};
use crate::site::file::File;
use crate::site::theme::ThemeError;
use crate::site::view::Link;
use minijinja::Value as V;
use serde::Serialize;

#[derive(Serialize)]
struct ClauseRow {
    number: String,
    title: String,
    depth: usize,
    status: &'static str,
    /// The status comes from the sub-clauses.
    from_sub_clauses: bool,
    /// Policies declaring the clause (or a clause above it).
    policies: Vec<Link>,
    evidence: Vec<EvidenceRow>,
    /// Records found for all its evidence rules (a record may count twice).
    evidence_count: usize,
    /// Major or minor audit findings on it still open.
    open_findings: Vec<String>,
    findings: Vec<String>,
}

/// Records found for one evidence rule of a clause, or the audits that covered it.
#[derive(Serialize)]
struct EvidenceRow {
    what: String,
    within: Option<String>,
    count: usize,
    /// The newest records found.
    records: Vec<Link>,
}

impl Cx<'_> {
    /// The coverage the site shows (of `coverage.html` and the home page), as
    /// `itsm report coverage` computes it.
    pub(super) fn coverage_report(
        &self,
        diagnostics: &[Diagnostic],
    ) -> Result<Coverage, ThemeError> {
        let options = Options {
            framework: None,
            period: None,
            today: self.today,
        };
        // The built-in framework always exists: no error to expect but a rendered one.
        crate::report::coverage::compute(self.catalog.all(), diagnostics, &options)
            .map_err(|e| ThemeError::Render(e.to_string()))
    }

    /// `coverage.html`, of the report `cov`.
    pub(super) fn coverage(&self, cov: &Coverage) -> Result<File, ThemeError> {
        let rows: Vec<ClauseRow> = cov
            .requirements
            .iter()
            .map(|c| self.clause(cov, c))
            .collect();
        self.page(
            "coverage.html".into(),
            "coverage.html",
            "ISO/IEC 20000-1:2018 coverage",
            minijinja::context! {
                clauses => V::from_serialize(&rows),
                date => cov.date.to_string(),
                evidenced => cov.summary.evidenced,
                declared => cov.summary.declared,
                gaps => cov.summary.gap,
                gap_rows => rows.iter().filter(|r| r.status == "gap").count(),
                description => format!(
                    "ISO/IEC 20000-1:2018 coverage of {}: {} clauses evidenced, {} declared, {} gaps, with the Policies and records behind each.",
                    self.catalog.config().name, cov.summary.evidenced, cov.summary.declared, cov.summary.gap
                ),
                findings => cov.findings.len(),
            },
        )
    }

    fn clause(&self, cov: &Coverage, c: &Requirement) -> ClauseRow {
        let records = |dated: &[Dated]| {
            let ids: Vec<String> = dated.iter().map(|d| d.record.clone()).collect();
            self.links_to(&ids)
        };
        let mut evidence: Vec<EvidenceRow> = c
            .rules
            .iter()
            .map(|e| EvidenceRow {
                what: e.what.clone(),
                within: e.within.clone(),
                count: e.count,
                records: records(&e.records),
            })
            .collect();
        if !c.audits.is_empty() {
            evidence.push(EvidenceRow {
                what: "done internal Audits with it in scope".into(),
                within: None,
                count: c.audits.len(),
                records: records(&c.audits),
            });
        }
        ClauseRow {
            number: c.id.clone(),
            title: c.title.clone(),
            depth: c.level.saturating_sub(1),
            status: c.status.as_str(),
            from_sub_clauses: c.from_children,
            policies: self.links_to(&c.declared_by),
            evidence_count: evidence.iter().map(|e| e.count).sum(),
            evidence,
            open_findings: c.open_findings.clone(),
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
