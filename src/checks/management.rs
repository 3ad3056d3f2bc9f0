//! The checks of the Plan-Check-Act loop (management-system contract): audits
//! and their findings, management reviews, risks, and the actions that follow.
//!
//! `audit-overdue` and `management-review-overdue` are about the absence of
//! records; they apply once a repository keeps that part of the management
//! system (it holds an Audit, resp. a ManagementReview, or sets `audits:`,
//! resp. `managementReview:`, in itsm.yaml), so a catalogue that keeps only the
//! "Do" part is not flooded with warnings about records it never meant to keep.

use super::at;
use crate::diag::{Code, Diagnostic, Target};
use crate::framework::Frameworks;
use crate::link::{Catalog, Ix};
use crate::model::spec::audit::{Audit, AuditStatus, AuditType};
use crate::model::spec::improvement::{ImprovementStatus, ImprovementType};
use crate::model::spec::management_review::{ReviewStatus, Topic};
use crate::model::spec::objective::ObjectiveStatus;
use crate::model::spec::risk::RiskTreatment;
use crate::model::types::{RequirementRef, Slot};
use crate::model::{Field, Kind, Node, Spec};
use jiff::ToSpan;
use jiff::civil::Date;
use rustc_hash::FxHashSet as HashSet;

/// A nonconformity left without an Improvement this long after its Audit is
/// reported.
const FINDING_GRACE_DAYS: i64 = 30;
/// A corrective action done this long ago needs its verification.
const VERIFY_WITHIN_DAYS: i64 = 90;

/// `audit-independence`: an auditor audits their own Team's work.
pub fn audit_independence(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for ix in catalog.of_kind(Kind::Audit) {
        let Some(audit) = catalog.record(ix).spec.audit() else {
            continue;
        };
        let teams = audited_teams(catalog, ix);
        for (i, login) in Slot::fitting(&audit.auditors) {
            let Some(&team) = teams.iter().find(|&&t| is_member(catalog, t, login)) else {
                continue;
            };
            let d = Diagnostic::new(
                Code::AuditIndependence,
                format!(
                    "{}: auditor `{}` is a member of {}, whose work the Audit covers",
                    catalog.record(ix).id,
                    &**login,
                    catalog.record(team).id
                ),
            )
            .with_help("auditors must not audit their own work: name an auditor from outside the audited Teams");
            diags.push(at(catalog, ix, d, Node::Item("auditors", i)));
        }
    }
}

/// The auditees and the owners of the Services in scope.
fn audited_teams(catalog: &Catalog, audit: Ix) -> Vec<Ix> {
    let mut teams: Vec<Ix> = catalog.targets(audit, Field::Auditees).collect();
    for service in catalog.targets(audit, Field::Services) {
        teams.extend(catalog.targets(service, Field::Owner));
    }
    teams.sort_unstable();
    teams.dedup();
    teams
}

fn is_member(catalog: &Catalog, team: Ix, login: &str) -> bool {
    catalog.record(team).spec.team().is_some_and(|t| {
        t.members
            .iter()
            .filter_map(|m| m.login.as_deref())
            .any(|m| m.eq_ignore_ascii_case(login))
    })
}

/// `finding-unaddressed`: a nonconformity of a done Audit, 30 days on, that no
/// Improvement names in its `source`.
pub fn findings_unaddressed(catalog: &Catalog, today: Date, diags: &mut Vec<Diagnostic>) {
    let addressed = addressed_findings(catalog, |_| true);
    for ix in catalog.of_kind(Kind::Audit) {
        let record = catalog.record(ix);
        let Some(audit) = record.spec.audit() else {
            continue;
        };
        let Some(date) = audit
            .date
            .filter(|_| audit.status == Some(AuditStatus::Done))
        else {
            continue;
        };
        if date
            .checked_add(FINDING_GRACE_DAYS.days())
            .is_ok_and(|d| d >= today)
        {
            continue;
        }
        for (i, finding) in Slot::fitting(&audit.findings) {
            let (Some(id), Some(kind)) = (finding.id.as_deref(), finding.finding_type) else {
                continue;
            };
            if !kind.is_nonconformity() || addressed.contains(&(ix, id)) {
                continue;
            }
            let d = Diagnostic::new(
                Code::FindingUnaddressed,
                format!(
                    "{}#{id}, a {kind} nonconformity found on {date}, has no Improvement that addresses it",
                    record.id
                ),
            )
            .with_help(format!(
                "record the corrective action as an Improvement with `source: [{}#{id}]`",
                record.id
            ));
            diags.push(at(catalog, ix, d, Node::ItemKey("findings", i, "id")));
        }
    }
}

/// The audit findings that an Improvement names in its `source`, as (Audit, finding id),
/// for Improvements whose status `keep` accepts.
pub fn addressed_findings(
    catalog: &Catalog,
    keep: impl Fn(Option<ImprovementStatus>) -> bool,
) -> HashSet<(Ix, &str)> {
    let mut out = HashSet::default();
    for ix in catalog.of_kind(Kind::Improvement) {
        let Some(improvement) = catalog.record(ix).spec.improvement() else {
            continue;
        };
        if !keep(improvement.status) {
            continue;
        }
        for source in &improvement.source {
            let (Some(Kind::Audit), Some(part)) = (source.kind(), source.part()) else {
                continue;
            };
            if let Some(audit) = catalog.find(Kind::Audit, source.name()) {
                out.insert((audit, part));
            }
        }
    }
    out
}

/// Whether a done internal Audit dated within `[from, to]` had `requirement`
/// (or a requirement it belongs to) in scope.
pub fn audited(
    frameworks: &Frameworks<'_>,
    audits: &[&Audit],
    requirement: &RequirementRef,
    from: Date,
    to: Date,
) -> bool {
    let lineage = match frameworks.get(requirement.framework()) {
        Some(f) => f.lineage(requirement.id()),
        None => vec![requirement.id()],
    };
    audits.iter().any(|a| {
        a.audit_type == Some(AuditType::Internal)
            && a.status == Some(AuditStatus::Done)
            && a.date.is_some_and(|d| from <= d && d <= to)
            && a.scope.as_ref().is_some_and(|s| {
                Slot::fitting(&s.requirements).any(|(_, r)| {
                    r.framework() == requirement.framework() && lineage.contains(&r.id())
                })
            })
    })
}

/// `audit-overdue`: a requirement a Policy addresses that no done internal
/// Audit has had in scope within `audits.every`.
pub fn audits_overdue(catalog: &Catalog, today: Date, diags: &mut Vec<Diagnostic>) {
    let config = &catalog.repo.config;
    let keeps_audits = catalog.of_kind(Kind::Audit).next().is_some()
        || catalog.repo.config_value.get("audits").is_some();
    if !keeps_audits {
        return;
    }
    let every = config.audits_every;
    let Some(from) = every.before(today) else {
        return;
    };
    let frameworks = Frameworks::new(&catalog.repo.records);
    let audits: Vec<&Audit> = catalog
        .of_kind(Kind::Audit)
        .filter_map(|ix| catalog.record(ix).spec.audit())
        .collect();
    for ix in catalog.of_kind(Kind::Policy) {
        let Some(policy) = catalog.record(ix).spec.policy() else {
            continue;
        };
        if policy.effective.is_some_and(|e| e > today) {
            continue;
        }
        let mut seen = HashSet::default();
        for (node, requirement) in addressed(policy) {
            // One that names no requirement is an `unresolved-ref` already.
            let key = (
                requirement.framework().to_string(),
                requirement.id().to_string(),
            );
            if !seen.insert(key)
                || !frameworks.contains(&requirement)
                || audited(&frameworks, &audits, &requirement, from, today)
            {
                continue;
            }
            let d = Diagnostic::new(
                Code::AuditOverdue,
                format!(
                    "{} addresses {}, which no done internal Audit has had in scope since {from} (audits.every: {every})",
                    catalog.record(ix).id,
                    requirement.0
                ),
            )
            .with_help(format!(
                "audit it: an Audit with `type: internal`, `status: done` and `{}` in `scope.requirements`",
                requirement.0
            ));
            diags.push(at(catalog, ix, d, node));
        }
    }
}

/// The requirements a Policy addresses, with where it names each.
pub fn addressed(policy: &crate::model::Policy) -> Vec<(Node, RequirementRef)> {
    let clauses = policy.clauses.iter().enumerate().map(|(i, c)| {
        let r = RequirementRef(c.0.number.into());
        (Node::Clause(i), r)
    });
    let requirements = Slot::fitting(&policy.requirements)
        .map(|(i, r)| (Node::Item("requirements", i), r.clone()));
    clauses.chain(requirements).collect()
}

/// `management-review-overdue`: no held ManagementReview within
/// `managementReview.every`.
pub fn management_review_overdue(catalog: &Catalog, today: Date, diags: &mut Vec<Diagnostic>) {
    let reviews: Vec<Ix> = catalog.of_kind(Kind::ManagementReview).collect();
    let configured = catalog.repo.config_value.get("managementReview").is_some();
    if reviews.is_empty() && !configured {
        return;
    }
    let every = catalog.repo.config.management_review_every;
    let Some(from) = every.before(today) else {
        return;
    };
    let held = |ix: &Ix| {
        let review = catalog.record(*ix).spec.management_review()?;
        let date = review.date?;
        (review.status == Some(ReviewStatus::Held) && date <= today).then_some(date)
    };
    let last = reviews.iter().filter_map(|ix| Some((held(ix)?, *ix))).max();
    if last.is_some_and(|(date, _)| date >= from) {
        return;
    }
    let message = match last {
        Some((date, _)) => format!(
            "the last held management review was on {date}: one was due by {} (managementReview.every: {every})",
            every.after(date).unwrap_or(date)
        ),
        None => format!("no management review has been held (managementReview.every: {every})"),
    };
    let d = Diagnostic::new(Code::ManagementReviewOverdue, message)
        .with_help("hold one and record it as a ManagementReview with `status: held`");
    let d = match last {
        Some((_, ix)) => at(catalog, ix, d, Node::Key("date")),
        None => match (reviews.first(), catalog.repo.config_file) {
            (Some(&ix), _) => at(catalog, ix, d, Node::Key("status")),
            (None, Some(file)) => d.at(file, 0, "/managementReview", Target::Value),
            (None, None) => d,
        },
    };
    diags.push(d);
}

/// `review-inputs`: a held ManagementReview that leaves out topics of ISO/IEC
/// 20000-1 9.3.
pub fn review_inputs(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for ix in catalog.of_kind(Kind::ManagementReview) {
        let Some(review) = catalog.record(ix).spec.management_review() else {
            continue;
        };
        if review.status != Some(ReviewStatus::Held) {
            continue;
        }
        let covered: HashSet<Topic> = review.inputs.iter().filter_map(|i| i.topic).collect();
        let missing: Vec<&str> = Topic::ALL
            .iter()
            .filter(|t| !covered.contains(t))
            .map(|t| t.as_str())
            .collect();
        if missing.is_empty() {
            continue;
        }
        let d = Diagnostic::new(
            Code::ReviewInputs,
            format!(
                "{} was held without considering: {}",
                catalog.record(ix).id,
                missing.join(", ")
            ),
        )
        .with_help(
            "add an entry `{topic, notes}` to `inputs` for each topic (ISO/IEC 20000-1 9.3)",
        );
        let node = if review.inputs.is_empty() {
            Node::Key("status")
        } else {
            Node::Key("inputs")
        };
        diags.push(at(catalog, ix, d, node));
    }
}

/// `risk-acceptance` and `risk-untreated`.
pub fn risks(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    let appetite = catalog.repo.config.risk_appetite;
    for ix in catalog.of_kind(Kind::Risk) {
        let record = catalog.record(ix);
        let Spec::Risk(risk) = &record.spec else {
            continue;
        };
        let score = risk.score().map(u32::from);
        let d = match risk.treatment {
            Some(RiskTreatment::Accept)
                if score.is_some_and(|s| s > appetite) && risk.accepted_by.is_none() =>
            {
                Diagnostic::new(
                    Code::RiskAcceptance,
                    format!(
                        "{} scores {} (likelihood x impact), above the risk appetite of {appetite}, and is accepted without `acceptedBy`",
                        record.id,
                        score.unwrap_or_default()
                    ),
                )
                .with_help("name the Team that accepts it in `acceptedBy`, or treat it (mitigate, transfer, avoid)")
            }
            Some(RiskTreatment::Mitigate) if risk.actions.is_empty() => Diagnostic::new(
                Code::RiskUntreated,
                format!("{} is to be mitigated, but names no `actions`", record.id),
            )
            .with_help("list the Improvements or Changes that mitigate it in `actions` (full form, e.g. `improvement:NAME`)"),
            _ => continue,
        };
        diags.push(at(catalog, ix, d, Node::Key("treatment")));
    }
}

/// `action-overdue`: an open Improvement or an Objective still pursued, past
/// its `due` date.
pub fn actions_overdue(catalog: &Catalog, today: Date, diags: &mut Vec<Diagnostic>) {
    for (ix, record) in catalog.repo.records.iter().enumerate() {
        let (due, pending) = match &record.spec {
            Spec::Improvement(i) => (i.due, i.status.is_some_and(ImprovementStatus::is_open)),
            Spec::Objective(o) => (
                o.due,
                !matches!(
                    o.status,
                    Some(
                        ObjectiveStatus::Achieved
                            | ObjectiveStatus::Missed
                            | ObjectiveStatus::Dropped
                    )
                ),
            ),
            _ => continue,
        };
        let Some(due) = due.filter(|d| pending && *d < today) else {
            continue;
        };
        let d = Diagnostic::new(
            Code::ActionOverdue,
            format!("{} was due on {due} and is not done", record.id),
        )
        .with_help("finish it and update `status`, or agree a new `due` date");
        diags.push(at(catalog, ix as Ix, d, Node::Key("due")));
    }
}

/// `unverified`: a corrective action done more than 90 days ago whose
/// effectiveness was never verified.
pub fn unverified(catalog: &Catalog, today: Date, diags: &mut Vec<Diagnostic>) {
    for ix in catalog.of_kind(Kind::Improvement) {
        let record = catalog.record(ix);
        let Some(improvement) = record.spec.improvement() else {
            continue;
        };
        if improvement.improvement_type != Some(ImprovementType::CorrectiveAction)
            || improvement.status != Some(ImprovementStatus::Done)
            || improvement.verification.is_some()
        {
            continue;
        }
        let Some(closed) = improvement.closed else {
            continue;
        };
        if closed
            .checked_add(VERIFY_WITHIN_DAYS.days())
            .is_ok_and(|d| d >= today)
        {
            continue;
        }
        let d = Diagnostic::new(
            Code::Unverified,
            format!(
                "{} is a corrective action done on {closed} whose effectiveness was never verified",
                record.id
            ),
        )
        .with_help("check that the cause is gone, then add `verification: {date, by, effective}` and set `status: verified`");
        diags.push(at(catalog, ix, d, Node::Key("status")));
    }
}
