//! The diagnostics an auditor asks about, each with the ISO/IEC 20000-1 clause
//! it concerns.

use crate::diag::{Code, Diagnostic};
use crate::link::Catalog;
use crate::model::{Field, Kind, Lifecycle, Record};
use serde::Serialize;

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

/// The findings of the diagnostics, then the Services in use without an SLA.
pub fn of(catalog: &Catalog, diagnostics: &[Diagnostic]) -> Vec<Finding> {
    let mut out: Vec<Finding> = diagnostics
        .iter()
        .filter_map(|d| finding(catalog, d))
        .collect();
    out.extend(services_without_sla(catalog));
    out
}

/// The clause a diagnostic concerns, if an auditor asks about it.
fn clause(code: Code, kind: Option<Kind>) -> Option<&'static str> {
    Some(match (code, kind) {
        (Code::ReviewOverdue, Some(Kind::Policy)) => "9.3",
        (Code::ReviewOverdue, Some(Kind::Sla)) => "8.3.3",
        (Code::ReviewOverdue, Some(Kind::Supplier)) => "8.3.4.1",
        (Code::ReviewOverdue, Some(Kind::Risk)) => "6.1",
        (Code::ReviewOverdue, _) => "9.3",
        (Code::MissingSla | Code::SlaInfeasible, _) => "8.3.3",
        (Code::ReviewMissing, _) => "8.5.1.3",
        (Code::Expired | Code::Expiring, Some(Kind::Supplier)) => "8.3.4.1",
        (Code::Expired | Code::Expiring | Code::OrphanCi, _) => "8.2.6",
        (Code::RetiredDependency, _) => "8.5.2",
        (Code::AuditIndependence | Code::AuditOverdue, _) => "9.2",
        (Code::ManagementReviewOverdue | Code::ReviewInputs, _) => "9.3",
        (Code::FindingUnaddressed | Code::Unverified, _) => "10.1",
        (Code::ActionOverdue, Some(Kind::Objective)) => "6.2.2",
        (Code::ActionOverdue, _) => "10.1",
        (Code::RiskAcceptance | Code::RiskUntreated, _) => "6.1",
        _ => return None,
    })
}

fn finding(catalog: &Catalog, d: &Diagnostic) -> Option<Finding> {
    let kind = d
        .record
        .as_deref()
        .and_then(|r| r.split_once(':'))
        .and_then(|(k, _)| Kind::from_id(k));
    Some(Finding {
        clause: clause(d.code, kind)?,
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
