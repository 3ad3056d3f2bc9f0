//! The evidence of requirements: records that meet evidence rules, dated, and
//! the internal Audits that had a requirement in scope.

use super::Window;
use crate::checks::rules::condition;
use crate::framework::{Framework, Frameworks};
use crate::link::Catalog;
use crate::model::spec::audit::{AuditStatus, AuditType};
use crate::model::spec::framework::EvidenceRule;
use crate::model::types::Slot;
use crate::model::{Kind, Record, Spec};
use crate::time::Duration;
use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

/// Records listed per rule, at most (the newest).
const LISTED: usize = 20;

/// A record and the date it counts as of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dated {
    pub record: String,
    #[serde(serialize_with = "crate::report::ser_display")]
    pub date: Date,
    /// Days from `date` to the day of the report.
    pub age_days: i64,
}

/// An evidence rule of a requirement, and whether records meet it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleOutcome {
    /// What the evidence is, in words.
    pub what: String,
    pub kind: &'static str,
    /// Only records dated within this count (`12mo`).
    pub within: Option<String>,
    pub met: bool,
    /// How many records meet it.
    pub count: usize,
    /// The newest of them (at most 20).
    pub records: Vec<Dated>,
    /// Why the rule's `where` could not be evaluated, if it could not.
    pub problem: Option<String>,
}

/// The records of a requirement's rules, newest first, each once.
pub fn records_of(rules: &[RuleOutcome]) -> Vec<Dated> {
    let mut out: Vec<Dated> = Vec::new();
    for r in rules.iter().flat_map(|o| &o.records) {
        if !out.iter().any(|d| d.record == r.record) {
            out.push(r.clone());
        }
    }
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.record.cmp(&b.record)));
    out
}

/// Every evidence rule of `framework`, evaluated, by requirement id.
pub fn evaluate<'f>(
    catalog: &Catalog,
    framework: &Framework<'f>,
    window: &Window,
) -> HashMap<&'f str, Vec<RuleOutcome>> {
    let mut out: HashMap<&str, Vec<RuleOutcome>> = HashMap::default();
    let Some(spec) = crate::framework::spec_of(framework) else {
        return out;
    };
    let mut conditions: HashMap<(Kind, &str), Result<Vec<bool>, condition::Unevaluable>> =
        HashMap::default();
    for (_, rule) in Slot::fitting(&spec.evidence) {
        let (Some(id), Some(kind)) = (rule.requirement.as_deref(), rule.kind) else {
            continue;
        };
        let Some(requirement) = framework.get(id) else {
            continue;
        };
        let records: Vec<&Record> = catalog.of_kind(kind).map(|ix| catalog.record(ix)).collect();
        let holds = match rule.condition.as_deref() {
            None => Ok(vec![true; records.len()]),
            Some(source) => conditions
                .entry((kind, source))
                .or_insert_with(|| condition::filter(source, &records, window.as_of))
                .clone(),
        };
        let within = within(catalog, framework, rule, kind);
        let outcome = outcome(rule, kind, within, &records, holds, window);
        out.entry(requirement.id).or_default().push(outcome);
    }
    out
}

/// A rule's `within`; the built-in rules on Audits and ManagementReviews take
/// theirs from itsm.yaml.
fn within(
    catalog: &Catalog,
    framework: &Framework<'_>,
    rule: &EvidenceRule,
    kind: Kind,
) -> Option<Duration> {
    let config = &catalog.repo.config;
    match (framework.record, kind) {
        (None, Kind::Audit) => Some(config.audits_every),
        (None, Kind::ManagementReview) => Some(config.management_review_every),
        _ => rule.within,
    }
}

fn outcome(
    rule: &EvidenceRule,
    kind: Kind,
    within: Option<Duration>,
    records: &[&Record],
    holds: Result<Vec<bool>, condition::Unevaluable>,
    window: &Window,
) -> RuleOutcome {
    let since = window.since(within);
    let (holds, problem) = match holds {
        Ok(h) => (h, None),
        Err(why) => (vec![false; records.len()], Some(why.to_string())),
    };
    let mut dated: Vec<Dated> = records
        .iter()
        .zip(holds)
        .filter(|(_, h)| *h)
        .filter_map(|(r, _)| {
            let date = date_of(r, window.as_of);
            let counts = match (date, since) {
                (Some(d), Some(s)) => s <= d && d <= window.as_of,
                (Some(d), None) => d <= window.as_of,
                (None, since) => since.is_none(),
            };
            counts.then(|| Dated {
                record: r.id.to_string(),
                date: date.unwrap_or(window.as_of),
                age_days: (window.as_of - date.unwrap_or(window.as_of))
                    .get_days()
                    .into(),
            })
        })
        .collect();
    let count = dated.len();
    dated.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.record.cmp(&b.record)));
    dated.truncate(LISTED);
    RuleOutcome {
        what: rule.what.as_deref().unwrap_or_default().to_string(),
        kind: kind.name(),
        within: within.map(|w| w.to_string()),
        met: count > 0,
        count,
        records: dated,
        problem,
    }
}

/// The date a record counts as of (management-system contract, "Evidence,
/// honestly"); records that describe the present count as of `as_of`. `None`
/// for a record of a dated kind that lacks its date.
pub fn date_of(record: &Record, as_of: Date) -> Option<Date> {
    let day = |i: &crate::model::types::Instant| i.at.to_zoned(jiff::tz::TimeZone::UTC).date();
    match &record.spec {
        Spec::Audit(a) => a.date,
        Spec::ManagementReview(m) => m.date,
        Spec::Change(c) => c.window.as_ref()?.start.as_ref().map(day),
        Spec::Release(r) => r
            .deployed
            .as_ref()
            .or_else(|| r.window.as_ref()?.start.as_ref())
            .map(day),
        Spec::Incident(i) => i.started.as_ref().map(day),
        Spec::Request(r) => r.requested.as_ref().map(day),
        Spec::Improvement(i) => i.closed,
        Spec::Risk(r) => r.last_reviewed,
        Spec::Policy(p) => p.last_reviewed,
        Spec::Objective(o) => o.results.iter().filter_map(|r| r.date).max(),
        Spec::Customer(c) => c.satisfaction.iter().filter_map(|s| s.date).max(),
        Spec::Service(s) => Some(
            s.continuity
                .as_ref()
                .and_then(|c| {
                    c.tests
                        .iter()
                        .filter_map(|t| t.date)
                        .filter(|d| *d <= as_of)
                        .max()
                })
                .unwrap_or(as_of),
        ),
        _ => Some(as_of),
    }
}

/// For each requirement, the done internal Audits within `audits.every` (and
/// the period) that had it, or a requirement it belongs to, in scope.
pub fn audits<'f>(
    catalog: &Catalog,
    frameworks: &Frameworks<'_>,
    framework: &Framework<'f>,
    window: &Window,
) -> HashMap<&'f str, Vec<Dated>> {
    let since = window.since(Some(catalog.repo.config.audits_every));
    let mut in_scope: HashMap<&str, Vec<Dated>> = HashMap::default();
    for ix in catalog.of_kind(Kind::Audit) {
        let record = catalog.record(ix);
        let Some(audit) = record.spec.audit() else {
            continue;
        };
        let Some(date) = audit.date else { continue };
        if audit.audit_type != Some(AuditType::Internal)
            || audit.status != Some(AuditStatus::Done)
            || date > window.as_of
            || since.is_some_and(|s| date < s)
        {
            continue;
        }
        let dated = Dated {
            record: record.id.to_string(),
            date,
            age_days: (window.as_of - date).get_days().into(),
        };
        let scope = audit
            .scope
            .iter()
            .flat_map(|s| Slot::fitting(&s.requirements));
        for (_, r) in scope {
            if r.framework() != framework.id || !frameworks.contains(r) {
                continue;
            }
            if let Some(req) = framework.get(r.id()) {
                in_scope.entry(req.id).or_default().push(dated.clone());
            }
        }
    }
    let mut out: HashMap<&str, Vec<Dated>> = HashMap::default();
    for r in &framework.requirements {
        let mut audits: Vec<Dated> = framework
            .lineage(r.id)
            .iter()
            .filter_map(|id| in_scope.get(id))
            .flatten()
            .cloned()
            .collect();
        audits.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.record.cmp(&b.record)));
        audits.dedup();
        if !audits.is_empty() {
            out.insert(r.id, audits);
        }
    }
    out
}
