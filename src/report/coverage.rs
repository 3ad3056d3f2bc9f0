//! ISO/IEC 20000-1:2018 coverage: clause by clause, the Policies that declare
//! it, the records that demonstrate it, its status, and the findings.
//!
//! The rule: a Policy (in force: no `effective` date, or one on or before
//! today) declares the clauses it names and their sub-clauses. A clause without
//! sub-clauses is *evidenced* when it is declared and, where [`EVIDENCE`] names
//! records for it, every kind of record named exists; *partial* when only one of
//! the two holds; a *gap* when neither does. A clause with sub-clauses takes its
//! status from them: evidenced when all are, a gap when all are, partial
//! otherwise.

use crate::diag::{Code, Diagnostic};
use crate::iso20000::CLAUSES;
use crate::link::{Catalog, Ix};
use crate::model::{ChangeStatus, Field, Kind, Lifecycle, Record};
use jiff::civil::Date;
use serde::Serialize;

/// Records that demonstrate a clause: a kind and a condition on its records.
pub struct Need {
    pub kind: Kind,
    /// What the records are, in words (`Changes with a post-implementation review`).
    pub what: &'static str,
    pub test: fn(&Record) -> bool,
}

const fn need(kind: Kind, what: &'static str, test: fn(&Record) -> bool) -> Need {
    Need { kind, what, test }
}

fn any(_: &Record) -> bool {
    true
}

/// The evidence model: which records demonstrate which clause. Every need of a
/// clause must be met (at least one record each).
pub const EVIDENCE: &[(&str, &[Need])] = &[
    ("5.3", &[need(Kind::Team, "Teams with their members", any)]),
    (
        "8.2.4",
        &[need(Kind::Service, "Services in the catalogue", any)],
    ),
    ("8.2.5", &[need(Kind::Ci, "CIs (the asset register)", any)]),
    ("8.2.6", &[need(Kind::Ci, "CIs", any)]),
    (
        "8.3.2",
        &[need(
            Kind::Service,
            "Services that name their customers",
            |r| r.spec.service().is_some_and(|s| !s.customers.is_empty()),
        )],
    ),
    (
        "8.3.3",
        &[
            need(Kind::Sla, "SLAs", any),
            need(Kind::Service, "Services bound to an SLA", |r| {
                r.spec.service().is_some_and(|s| s.sla.is_some())
            }),
        ],
    ),
    ("8.3.4.1", &[need(Kind::Supplier, "Suppliers", any)]),
    ("8.5.1.2", &[need(Kind::Change, "Changes", any)]),
    (
        "8.5.1.3",
        &[need(
            Kind::Change,
            "Changes with a post-implementation review",
            |r| r.spec.change().is_some_and(|c| c.review.is_some()),
        )],
    ),
    (
        "8.5.3",
        &[need(Kind::Change, "implemented Changes", |r| {
            r.spec.change().and_then(|c| c.status) == Some(ChangeStatus::Implemented)
        })],
    ),
    ("8.6.1", &[need(Kind::Incident, "Incidents", any)]),
    ("8.6.3", &[need(Kind::Problem, "Problems", any)]),
    (
        "8.7.1",
        &[need(Kind::Sla, "SLAs with an availability target", |r| {
            r.spec.sla().is_some_and(|s| s.availability.is_some())
        })],
    ),
    (
        "8.7.2",
        &[need(
            Kind::Service,
            "Services with continuity targets (RTO, RPO)",
            |r| r.spec.service().is_some_and(|s| s.continuity.is_some()),
        )],
    ),
    (
        "9.3",
        &[need(Kind::Policy, "Policies with a recorded review", |r| {
            r.spec.policy().is_some_and(|p| p.last_reviewed.is_some())
        })],
    ),
    (
        "9.4",
        &[
            need(Kind::Sla, "SLAs to report against", any),
            need(
                Kind::Incident,
                "Incidents (availability and resolution figures)",
                any,
            ),
        ],
    ),
    (
        "10.1",
        &[need(
            Kind::Problem,
            "Problems with a fix (corrective Change)",
            |r| r.spec.problem().is_some_and(|p| p.fix.is_some()),
        )],
    ),
];

/// Records listed per need, at most.
const LISTED: usize = 20;

/// The coverage of the standard by a repository.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub standard: &'static str,
    pub name: String,
    #[serde(serialize_with = "super::ser_display")]
    pub date: Date,
    pub summary: Summary,
    pub clauses: Vec<ClauseCoverage>,
    pub findings: Vec<Finding>,
}

/// Clauses by status.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub evidenced: usize,
    pub partial: usize,
    pub gap: usize,
}

/// Whether a clause is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Evidenced,
    Partial,
    Gap,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Evidenced => "evidenced",
            Status::Partial => "partial",
            Status::Gap => "gap",
        }
    }
}

/// One clause.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseCoverage {
    pub number: &'static str,
    pub title: &'static str,
    /// 1 for `8`, 2 for `8.5`, 3 for `8.5.1`, 4 for `8.5.1.1`.
    pub level: usize,
    pub status: Status,
    /// Whether the status comes from the sub-clauses.
    pub from_sub_clauses: bool,
    /// Policies that name this clause or a clause above it.
    pub declared_by: Vec<String>,
    /// The records this clause asks for, and those found.
    pub evidence: Vec<Evidence>,
    /// Numbers of the findings that concern this clause (indices into `findings`).
    pub findings: Vec<usize>,
}

/// Records found for one need.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub what: &'static str,
    pub kind: &'static str,
    pub count: usize,
    /// The first records found (at most 20), by identity.
    pub records: Vec<String>,
}

/// A finding an auditor will ask about.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub clause: &'static str,
    pub code: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub record: Option<String>,
    pub file: Option<String>,
    pub line: Option<u32>,
}

/// Computes the coverage of the catalogue, with findings from its diagnostics.
pub fn compute(catalog: &Catalog, diagnostics: &[Diagnostic], today: Date) -> Coverage {
    let declared = declarations(catalog, today);
    let evidence = evidence(catalog);
    let mut findings = findings(catalog, diagnostics);
    findings.extend(services_without_sla(catalog));
    let mut clauses: Vec<ClauseCoverage> = CLAUSES
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let ev = evidence[i].clone();
            let is_declared = !declared[i].is_empty();
            let demonstrated = ev.iter().all(|e| e.count > 0);
            let status = match (is_declared, ev.is_empty(), demonstrated) {
                (true, true, _) | (true, false, true) => Status::Evidenced,
                (false, true, _) | (false, false, false) => Status::Gap,
                _ => Status::Partial,
            };
            ClauseCoverage {
                number: c.number,
                title: c.title,
                level: c.number.split('.').count(),
                status,
                from_sub_clauses: false,
                declared_by: declared[i].clone(),
                evidence: ev,
                findings: findings
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.clause == c.number)
                    .map(|(n, _)| n)
                    .collect(),
            }
        })
        .collect();
    // Parents from their sub-clauses, deepest first.
    for i in (0..clauses.len()).rev() {
        let prefix = format!("{}.", clauses[i].number);
        let level = clauses[i].level;
        let children: Vec<Status> = clauses
            .iter()
            .filter(|c| c.level == level + 1 && c.number.starts_with(&prefix))
            .map(|c| c.status)
            .collect();
        if !children.is_empty() {
            clauses[i].from_sub_clauses = true;
            clauses[i].status = if children.iter().all(|s| *s == Status::Evidenced) {
                Status::Evidenced
            } else if children.iter().all(|s| *s == Status::Gap) {
                Status::Gap
            } else {
                Status::Partial
            };
        }
    }
    let mut summary = Summary::default();
    for c in &clauses {
        match c.status {
            Status::Evidenced => summary.evidenced += 1,
            Status::Partial => summary.partial += 1,
            Status::Gap => summary.gap += 1,
        }
    }
    Coverage {
        standard: "ISO/IEC 20000-1:2018",
        name: catalog.repo.config.name.clone(),
        date: today,
        summary,
        clauses,
        findings,
    }
}

/// For each clause, the Policies in force that name it or a clause above it.
fn declarations(catalog: &Catalog, today: Date) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new(); CLAUSES.len()];
    for p in catalog.of_kind(Kind::Policy) {
        let r = catalog.record(p);
        let Some(policy) = r.spec.policy() else {
            continue;
        };
        if policy.effective.is_some_and(|d| d > today) {
            continue;
        }
        let named: Vec<&str> = policy.clauses.iter().map(|c| c.0.number).collect();
        for (i, c) in CLAUSES.iter().enumerate() {
            let covers = named.iter().any(|n| {
                c.number == *n
                    || c.number
                        .strip_prefix(n)
                        .is_some_and(|rest| rest.starts_with('.'))
            });
            if covers {
                out[i].push(r.id.to_string());
            }
        }
    }
    out
}

/// For each clause, the records found for each of its needs.
fn evidence(catalog: &Catalog) -> Vec<Vec<Evidence>> {
    let mut by_kind: Vec<Vec<Ix>> = vec![Vec::new(); Kind::ALL.len()];
    for (i, r) in catalog.repo.records.iter().enumerate() {
        by_kind[r.id.kind.index()].push(i as Ix);
    }
    CLAUSES
        .iter()
        .map(|c| {
            let needs = EVIDENCE
                .iter()
                .find(|(n, _)| *n == c.number)
                .map_or(&[][..], |(_, needs)| *needs);
            needs
                .iter()
                .map(|n| {
                    let mut count = 0;
                    let mut records = Vec::new();
                    for &ix in &by_kind[n.kind.index()] {
                        let r = catalog.record(ix);
                        if (n.test)(r) {
                            count += 1;
                            if records.len() < LISTED {
                                records.push(r.id.to_string());
                            }
                        }
                    }
                    Evidence {
                        what: n.what,
                        kind: n.kind.name(),
                        count,
                        records,
                    }
                })
                .collect()
        })
        .collect()
}

/// The diagnostics an auditor asks about, each with the clause it concerns.
fn findings(catalog: &Catalog, diagnostics: &[Diagnostic]) -> Vec<Finding> {
    diagnostics
        .iter()
        .filter_map(|d| {
            let kind = d
                .record
                .as_deref()
                .and_then(|r| r.split_once(':'))
                .and_then(|(k, _)| Kind::from_id(k));
            let clause = match (d.code, kind) {
                (Code::ReviewOverdue, Some(Kind::Policy)) => "9.3",
                (Code::ReviewOverdue, Some(Kind::Sla)) => "8.3.3",
                (Code::ReviewOverdue, Some(Kind::Supplier)) => "8.3.4.1",
                (Code::ReviewOverdue, _) => "9.3",
                (Code::MissingSla | Code::SlaInfeasible, _) => "8.3.3",
                (Code::ReviewMissing, _) => "8.5.1.3",
                (Code::Expired | Code::Expiring, Some(Kind::Supplier)) => "8.3.4.1",
                (Code::Expired | Code::Expiring | Code::OrphanCi, _) => "8.2.6",
                (Code::RetiredDependency, _) => "8.5.2",
                _ => return None,
            };
            Some(Finding {
                clause,
                code: d.code.as_str(),
                severity: d.severity.as_str(),
                message: d.message.clone(),
                record: d.record.clone(),
                file: d
                    .location
                    .file
                    .map(|f| catalog.repo.files.get(f).path.clone()),
                line: d.location.span.map(|s| s.line),
            })
        })
        .collect()
}

/// A Service's lifecycle.
fn lifecycle(r: &Record) -> Option<Lifecycle> {
    r.spec.service()?.lifecycle
}

/// Services in use (development or deprecated) without an SLA; production ones
/// are reported by `check` as `missing-sla`.
fn services_without_sla(catalog: &Catalog) -> Vec<Finding> {
    catalog
        .of_kind(Kind::Service)
        .filter(|s| catalog.targets(*s, Field::Sla).next().is_none())
        .filter(|s| {
            matches!(
                lifecycle(catalog.record(*s)),
                Some(Lifecycle::Development | Lifecycle::Deprecated)
            )
        })
        .map(|s| {
            let r = catalog.record(s);
            Finding {
                clause: "8.3.3",
                code: "service-without-sla",
                severity: "note",
                message: format!(
                    "{} ({}) has no SLA",
                    r.id,
                    lifecycle(r).map_or("", Lifecycle::as_str)
                ),
                record: Some(r.id.to_string()),
                file: Some(catalog.repo.files.get(r.file).path.clone()),
                line: None,
            }
        })
        .collect()
}

fn mark(s: Status) -> &'static str {
    match s {
        Status::Evidenced => "[x]",
        Status::Partial => "[~]",
        Status::Gap => "[ ]",
    }
}

fn declared_text(c: &ClauseCoverage) -> String {
    if c.declared_by.is_empty() && c.from_sub_clauses {
        "(from its sub-clauses)".into()
    } else if c.declared_by.is_empty() {
        "no Policy".into()
    } else {
        c.declared_by.join(", ")
    }
}

fn evidence_text(e: &Evidence) -> String {
    format!("{} {} ({})", e.count, e.what, e.kind)
}

/// The coverage for a person: one line per clause, evidence and findings below.
pub fn render_human(cov: &Coverage) -> String {
    let mut out = format!(
        "{} coverage of {} on {}\n\n",
        cov.standard, cov.name, cov.date
    );
    for c in &cov.clauses {
        let indent = "  ".repeat(c.level - 1);
        out.push_str(&format!(
            "{indent}{} {} {}: {}\n",
            mark(c.status),
            c.number,
            c.title,
            c.status.as_str()
        ));
        if !c.declared_by.is_empty() || !c.evidence.is_empty() {
            out.push_str(&format!(
                "{indent}      declared by: {}\n",
                declared_text(c)
            ));
        }
        for e in &c.evidence {
            out.push_str(&format!("{indent}      evidence: {}\n", evidence_text(e)));
        }
        for &f in &c.findings {
            out.push_str(&format!(
                "{indent}      finding: {}\n",
                cov.findings[f].message
            ));
        }
    }
    out.push_str(&format!(
        "\n{} clauses: {} evidenced, {} partial, {} gap; {} finding(s)\n",
        cov.clauses.len(),
        cov.summary.evidenced,
        cov.summary.partial,
        cov.summary.gap,
        cov.findings.len()
    ));
    out
}

/// The coverage as Markdown: the gap analysis table, then the findings.
pub fn render_markdown(cov: &Coverage) -> String {
    use super::md_cell;
    let mut out = format!(
        "# {} coverage: {}\n\nAs of {}: {} evidenced, {} partial, {} gap.\n\n| Clause | Title | Status | Declared by | Evidence |\n|---|---|---|---|---|\n",
        cov.standard,
        md_cell(&cov.name),
        cov.date,
        cov.summary.evidenced,
        cov.summary.partial,
        cov.summary.gap
    );
    for c in &cov.clauses {
        let evidence: Vec<String> = c.evidence.iter().map(evidence_text).collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            c.number,
            md_cell(c.title),
            c.status.as_str(),
            md_cell(&declared_text(c)),
            md_cell(&evidence.join("; "))
        ));
    }
    out.push_str("\n## Findings\n\n");
    if cov.findings.is_empty() {
        out.push_str("None.\n");
    }
    for f in &cov.findings {
        out.push_str(&format!(
            "- {} `{}`: {}{}\n",
            f.clause,
            f.code,
            md_cell(&f.message),
            f.file
                .as_ref()
                .map(|p| format!(" ({p}:{})", f.line.unwrap_or(1)))
                .unwrap_or_default()
        ));
    }
    out
}

/// The coverage as a standalone HTML page (inline style, no external resource).
pub fn render_html(cov: &Coverage) -> String {
    use crate::html::esc as e;
    let mut rows = String::new();
    for c in &cov.clauses {
        let mut detail = String::new();
        if !c.declared_by.is_empty() {
            detail.push_str(&format!(
                "<div>Declared by {}</div>",
                e(&c.declared_by.join(", "))
            ));
        }
        for ev in &c.evidence {
            detail.push_str(&format!(
                "<div>{}{}</div>",
                e(&evidence_text(ev)),
                if ev.records.is_empty() {
                    String::new()
                } else {
                    format!(": <code>{}</code>", e(&ev.records.join(", ")))
                }
            ));
        }
        for &f in &c.findings {
            detail.push_str(&format!(
                "<div class=\"finding\">{}</div>",
                e(&cov.findings[f].message)
            ));
        }
        rows.push_str(&format!(
            "<tr class=\"{s}\"><td class=\"n l{l}\">{n}</td><td>{t}</td><td><span class=\"badge {s}\">{s}</span></td><td>{d}</td></tr>\n",
            s = c.status.as_str(),
            l = c.level,
            n = e(c.number),
            t = e(c.title),
            d = detail
        ));
    }
    let mut findings = String::new();
    for f in &cov.findings {
        findings.push_str(&format!(
            "<li><strong>{}</strong> <code>{}</code> {}{}</li>\n",
            e(f.clause),
            e(f.code),
            e(&f.message),
            f.file
                .as_ref()
                .map(|p| format!(" <small>({}:{})</small>", e(p), f.line.unwrap_or(1)))
                .unwrap_or_default()
        ));
    }
    if findings.is_empty() {
        findings.push_str("<li>None.</li>");
    }
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{std} coverage: {name}</title>\n<style>\nbody{{font-family:system-ui,sans-serif;margin:2rem;color:#222}}\ntable{{border-collapse:collapse;width:100%}}\ntd,th{{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}}\n.l2{{padding-left:1.5rem}}.l3{{padding-left:2.5rem}}.l4{{padding-left:3.5rem}}\n.badge{{padding:.1rem .45rem;border-radius:.6rem;font-size:.85em}}\n.badge.evidenced{{background:#d6f5d6}}.badge.partial{{background:#fff1c2}}.badge.gap{{background:#ffd6d6}}\n.finding{{color:#a33}}\n</style>\n</head>\n<body>\n<h1>{std} coverage: {name}</h1>\n<p>As of {date}: {ev} evidenced, {pa} partial, {ga} gap.</p>\n<table>\n<thead><tr><th>Clause</th><th>Title</th><th>Status</th><th>Evidence</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n<h2>Findings</h2>\n<ul>\n{findings}</ul>\n</body>\n</html>\n",
        std = e(cov.standard),
        name = e(&cov.name),
        date = cov.date,
        ev = cov.summary.evidenced,
        pa = cov.summary.partial,
        ga = cov.summary.gap,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_clause_of_the_evidence_model_exists() {
        for (number, needs) in EVIDENCE {
            assert!(crate::iso20000::clause(number).is_some(), "{number}");
            assert!(!needs.is_empty());
            // Only clauses without sub-clauses carry needs (parents aggregate).
            let prefix = format!("{number}.");
            assert!(
                !CLAUSES.iter().any(|c| c.number.starts_with(&prefix)),
                "{number}"
            );
        }
    }
}
