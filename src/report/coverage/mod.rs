//! Coverage of a framework (ISO/IEC 20000-1:2018 by default) requirement by
//! requirement, as the management-system contract defines it:
//!
//! - `gap`: no Policy in force addresses it (a Policy addresses what it names
//!   and what belongs to it: `8.5` addresses `8.5.1`);
//! - `declared`: a Policy addresses it, nothing shows it is done;
//! - `evidenced`: declared, and every evidence rule of the requirement is met
//!   by a record dated within the rule's `within`; for a requirement without
//!   rules (no record can show it), a done internal Audit within
//!   `audits.every` had it in scope and left no open nonconformity on it.
//!
//! A requirement that another framework's requirement answers (a mapping)
//! takes the better of its own status and that one's. A parent takes the
//! weakest status of its children. A Policy alone never makes a requirement
//! evidenced.

mod evidence;
mod findings;
mod render;

pub use render::{render_html, render_human, render_markdown};

use crate::checks::management;
use crate::diag::Diagnostic;
use crate::framework::{Framework, Frameworks};
use crate::link::Catalog;
use crate::model::Kind;
use crate::model::spec::improvement::ImprovementStatus;
use crate::model::types::{RequirementRef, Slot};
use crate::report::sla::Period;
pub use evidence::{Dated, RuleOutcome};
use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

/// What to report on.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The framework's id (`iso20000-1` when `None`).
    pub framework: Option<&'a str>,
    /// Show the state as it was over this period: records dated in it count,
    /// as of its last day.
    pub period: Option<&'a Period>,
    pub today: Date,
}

/// Why there is no report.
#[derive(Debug, thiserror::Error)]
pub enum CoverageError {
    #[error("`{id}` is not a framework of this repository: use one of {known}")]
    UnknownFramework { id: String, known: String },
}

/// The coverage of a framework by a repository.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    /// The framework's id (`iso20000-1`).
    pub framework: String,
    /// Its title (`ISO/IEC 20000-1:2018`).
    pub title: String,
    /// The organisation (`name` in itsm.yaml).
    pub name: String,
    /// The day the state is shown as of.
    #[serde(serialize_with = "super::ser_display")]
    pub date: Date,
    pub period: Option<String>,
    pub summary: Summary,
    pub requirements: Vec<RequirementCoverage>,
    /// Diagnostics an auditor asks about (the built-in framework only).
    pub findings: Vec<findings::Finding>,
}

/// Requirements by status.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub evidenced: usize,
    pub declared: usize,
    pub gap: usize,
}

/// How far a requirement is met, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Gap,
    Declared,
    Evidenced,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Evidenced => "evidenced",
            Status::Declared => "declared",
            Status::Gap => "gap",
        }
    }
}

/// One requirement: its status and what it rests on.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequirementCoverage {
    pub id: String,
    pub title: String,
    pub parent: Option<String>,
    /// 1 for a top-level requirement, 2 for one below it...
    pub level: usize,
    pub status: Status,
    /// The status is the weakest of its children's.
    pub from_children: bool,
    /// Policies in force that address it.
    pub declared_by: Vec<String>,
    /// The records that meet its evidence rules, newest first.
    pub evidence: Vec<Dated>,
    /// Its evidence rules, each met or not.
    pub rules: Vec<RuleOutcome>,
    /// Done internal Audits within `audits.every` that had it in scope.
    pub audits: Vec<Dated>,
    /// Major and minor findings on it that no done or verified Improvement addresses.
    pub open_findings: Vec<String>,
    /// Requirements of other frameworks that answer it (mappings).
    pub answered_by: Vec<String>,
    /// Positions in [`Coverage::findings`] of the findings about it.
    pub findings: Vec<usize>,
}

/// Computes the coverage of the framework `options` names.
pub fn compute(
    catalog: &Catalog,
    diagnostics: &[Diagnostic],
    options: &Options<'_>,
) -> Result<Coverage, CoverageError> {
    let frameworks = Frameworks::new(&catalog.repo.records);
    let id = options
        .framework
        .unwrap_or(crate::model::types::BUILT_IN_FRAMEWORK);
    let Some(framework) = frameworks.get(id) else {
        let known: Vec<&str> = frameworks.list.iter().map(|f| f.id).collect();
        return Err(CoverageError::UnknownFramework {
            id: id.to_string(),
            known: known.join(", "),
        });
    };
    let window = Window::of(options);
    let mut requirements = statuses(catalog, &frameworks, framework, &window);
    apply_mappings(catalog, &frameworks, framework, &window, &mut requirements);
    roll_up(&mut requirements);
    let findings = if framework.record.is_none() {
        findings::of(catalog, diagnostics)
    } else {
        Vec::new()
    };
    for r in &mut requirements {
        r.findings = (0..findings.len())
            .filter(|&i| findings[i].clause == r.id)
            .collect();
    }
    let mut summary = Summary::default();
    for r in &requirements {
        match r.status {
            Status::Evidenced => summary.evidenced += 1,
            Status::Declared => summary.declared += 1,
            Status::Gap => summary.gap += 1,
        }
    }
    Ok(Coverage {
        framework: framework.id.to_string(),
        title: framework.title.to_string(),
        name: catalog.repo.config.name.clone(),
        date: window.as_of,
        period: options.period.map(|p| p.label.clone()),
        summary,
        requirements,
        findings,
    })
}

/// The dates records count within: up to `as_of`, from `from` when a period is asked.
#[derive(Debug, Clone, Copy)]
struct Window {
    as_of: Date,
    from: Option<Date>,
}

impl Window {
    fn of(options: &Options<'_>) -> Window {
        match options.period {
            Some(p) => Window {
                as_of: p.end.yesterday().unwrap_or(p.end).min(options.today),
                from: Some(p.start),
            },
            None => Window {
                as_of: options.today,
                from: None,
            },
        }
    }

    /// The first day a record may be dated to count for `within`.
    fn since(&self, within: Option<crate::time::Duration>) -> Option<Date> {
        let by_within = within.and_then(|w| w.before(self.as_of));
        match (by_within, self.from) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Each requirement of `framework` with its own status (before mappings and parents).
fn statuses(
    catalog: &Catalog,
    frameworks: &Frameworks<'_>,
    framework: &Framework<'_>,
    window: &Window,
) -> Vec<RequirementCoverage> {
    let declared = declarations(catalog, frameworks, framework, window.as_of);
    let rules = evidence::evaluate(catalog, framework, window);
    let audits = evidence::audits(catalog, frameworks, framework, window);
    let open = open_findings(catalog, frameworks, framework);
    framework
        .requirements
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let own_rules = rules.get(r.id).cloned().unwrap_or_default();
            let evidence = evidence::records_of(&own_rules);
            let audits = audits.get(r.id).cloned().unwrap_or_default();
            let open_findings = open.get(r.id).cloned().unwrap_or_default();
            let status = match (declared[i].is_empty(), own_rules.is_empty()) {
                (true, _) => Status::Gap,
                (false, false) if own_rules.iter().all(|o| o.met) => Status::Evidenced,
                (false, true) if !audits.is_empty() && open_findings.is_empty() => {
                    Status::Evidenced
                }
                _ => Status::Declared,
            };
            RequirementCoverage {
                id: r.id.to_string(),
                title: r.title.to_string(),
                parent: r.parent.map(str::to_string),
                level: framework.lineage(r.id).len(),
                status,
                from_children: false,
                declared_by: declared[i].clone(),
                evidence,
                rules: own_rules,
                audits,
                open_findings,
                answered_by: Vec::new(),
                findings: Vec::new(),
            }
        })
        .collect()
}

/// For each requirement, the Policies in force on `as_of` that address it or
/// a requirement it belongs to.
fn declarations(
    catalog: &Catalog,
    frameworks: &Frameworks<'_>,
    framework: &Framework<'_>,
    as_of: Date,
) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new(); framework.requirements.len()];
    for ix in catalog.of_kind(Kind::Policy) {
        let record = catalog.record(ix);
        let Some(policy) = record.spec.policy() else {
            continue;
        };
        if policy.effective.is_some_and(|d| d > as_of) {
            continue;
        }
        let named: Vec<RequirementRef> = management::addressed(policy)
            .into_iter()
            .map(|(_, r)| r)
            .filter(|r| r.framework() == framework.id && frameworks.contains(r))
            .collect();
        for (i, r) in framework.requirements.iter().enumerate() {
            let lineage = framework.lineage(r.id);
            let id = record.id.to_string();
            if named.iter().any(|n| lineage.contains(&n.id())) && !out[i].contains(&id) {
                out[i].push(id);
            }
        }
    }
    out
}

/// For each requirement, the major and minor findings on it (or on a
/// requirement below it) that no done or verified Improvement addresses.
fn open_findings(
    catalog: &Catalog,
    frameworks: &Frameworks<'_>,
    framework: &Framework<'_>,
) -> HashMap<String, Vec<String>> {
    let closed = management::addressed_findings(catalog, |s| {
        matches!(
            s,
            Some(ImprovementStatus::Done | ImprovementStatus::Verified)
        )
    });
    let mut out: HashMap<String, Vec<String>> = HashMap::default();
    for ix in catalog.of_kind(Kind::Audit) {
        let record = catalog.record(ix);
        let Some(audit) = record.spec.audit() else {
            continue;
        };
        for (_, finding) in Slot::fitting(&audit.findings) {
            let (Some(id), Some(kind), Some(on)) = (
                finding.id.as_deref(),
                finding.finding_type,
                &finding.requirement,
            ) else {
                continue;
            };
            if !kind.is_nonconformity()
                || closed.contains(&(ix, id))
                || on.framework() != framework.id
                || !frameworks.contains(on)
            {
                continue;
            }
            for above in framework.lineage(on.id()) {
                out.entry(above.to_string())
                    .or_default()
                    .push(format!("{}#{id}", record.id));
            }
        }
    }
    out
}

/// A requirement that another framework's requirement answers takes the
/// better of the two statuses (one level: the other framework's own statuses).
fn apply_mappings(
    catalog: &Catalog,
    frameworks: &Frameworks<'_>,
    framework: &Framework<'_>,
    window: &Window,
    requirements: &mut [RequirementCoverage],
) {
    let Some(spec) = crate::framework::spec_of(framework) else {
        return;
    };
    let mut others: HashMap<&str, Vec<RequirementCoverage>> = HashMap::default();
    for (_, mapping) in Slot::fitting(&spec.mappings) {
        let (Some(from), Some(to)) = (mapping.requirement.as_deref(), &mapping.to) else {
            continue;
        };
        let (Some(i), Some(other)) = (framework.position(from), frameworks.get(to.framework()))
        else {
            continue;
        };
        if other.id == framework.id {
            continue;
        }
        let theirs = others.entry(other.id).or_insert_with(|| {
            let mut s = statuses(catalog, frameworks, other, window);
            roll_up(&mut s);
            s
        });
        let Some(answer) = theirs.iter().find(|r| r.id == to.id()) else {
            continue;
        };
        let mine = &mut requirements[i];
        mine.answered_by.push(format!("{}:{}", other.id, answer.id));
        if answer.status > mine.status {
            mine.status = answer.status;
            mine.evidence.extend(answer.evidence.iter().cloned());
            mine.audits.extend(answer.audits.iter().cloned());
        }
    }
}

/// A parent takes the weakest status of its children, deepest first.
fn roll_up(requirements: &mut [RequirementCoverage]) {
    let mut order: Vec<usize> = (0..requirements.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(requirements[i].level));
    let position: HashMap<String, usize> = requirements
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let mut weakest: Vec<Option<Status>> = vec![None; requirements.len()];
    for i in order {
        if let Some(status) = weakest[i] {
            requirements[i].status = status;
            requirements[i].from_children = true;
        }
        let status = requirements[i].status;
        if let Some(&p) = requirements[i]
            .parent
            .as_ref()
            .and_then(|p| position.get(p))
            && p != i
        {
            weakest[p] = Some(weakest[p].map_or(status, |w| w.min(status)));
        }
    }
}
