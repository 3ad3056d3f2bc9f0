//! Service checks: `missing-sla`, `retired-dependency`, `sla-infeasible`, and the
//! scope of standard Changes (`standard-change-scope`).

use super::at;
use crate::diag::{Code, Diagnostic};
use crate::link::{Catalog, Ix};
use crate::model::{ChangeType, CiLifecycle, CiType, Field, Kind, Lifecycle, Node, RecordId};

pub fn missing_sla(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for s in catalog.of_kind(Kind::Service) {
        let r = catalog.record(s);
        let Some(service) = r.spec.service() else {
            continue;
        };
        if service.lifecycle == Some(Lifecycle::Production) && service.sla.is_none() {
            let d = Diagnostic::new(
                Code::MissingSla,
                format!("{} is in production without an SLA", r.id),
            )
            .with_help(
                "add `sla: <name of an SLA record>` under `spec`, or set another `lifecycle`",
            );
            diags.push(at(catalog, s, d, Node::Spec));
        }
    }
}

pub fn retired_dependencies(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for s in catalog.of_kind(Kind::Service) {
        let r = catalog.record(s);
        if r.spec.service().and_then(|s| s.lifecycle) != Some(Lifecycle::Production) {
            continue;
        }
        for link in &catalog.out[s as usize] {
            let target = catalog.record(link.to);
            let stage = match (link.field, &target.spec) {
                (Field::DependsOn, crate::model::Spec::Service(t)) => t
                    .lifecycle
                    .filter(|l| matches!(l, Lifecycle::Deprecated | Lifecycle::Retired))
                    .map(Lifecycle::as_str),
                (Field::Cis, crate::model::Spec::Ci(t)) => t
                    .lifecycle
                    .filter(|l| *l == CiLifecycle::Retired)
                    .map(CiLifecycle::as_str),
                _ => None,
            };
            if let Some(stage) = stage {
                let d = Diagnostic::new(
                    Code::RetiredDependency,
                    format!(
                        "{} is in production but uses {}, which is {stage}",
                        r.id, target.id
                    ),
                )
                .with_help(
                    "move to a replacement, or update the lifecycle of the one or the other",
                );
                diags.push(at(catalog, s, d, link.pointer(Kind::Service)));
            }
        }
    }
}

/// The availability target of a Service's SLA, with the SLA's index.
fn availability(catalog: &Catalog, service: Ix) -> Option<(Ix, f64)> {
    let sla = catalog.targets(service, Field::Sla).next()?;
    let a = catalog.record(sla).spec.sla()?.availability?;
    Some((sla, a))
}

pub fn sla_feasibility(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for s in catalog.of_kind(Kind::Service) {
        let Some((sla, target)) = availability(catalog, s) else {
            continue;
        };
        let deps: Vec<(Ix, f64)> = catalog
            .targets(s, Field::DependsOn)
            .filter_map(|d| availability(catalog, d).map(|(_, a)| (d, a)))
            .collect();
        if deps.is_empty() {
            continue;
        }
        let product = deps.iter().map(|(_, a)| a / 100.0).product::<f64>() * 100.0;
        if target > product + 1e-9 {
            let listed: Vec<String> = deps
                .iter()
                .map(|(d, a)| format!("{} ({a}%)", catalog.record(*d).id))
                .collect();
            let d = Diagnostic::new(
                Code::SlaInfeasible,
                format!(
                    "{} promises {target}% ({}) but depends on {}: at most {}% is possible",
                    catalog.record(s).id,
                    catalog.record(sla).id,
                    listed.join(", "),
                    round(product)
                ),
            )
            .with_help("lower the target, or raise the SLAs of the dependencies");
            diags.push(at(catalog, s, d, Node::Sla));
        }
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).floor() / 10_000.0
}

/// The `type`s of a CI, as written.
pub const CI_TYPES: &[&str] = &{
    let mut out = [""; CiType::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = CiType::ALL[i].as_str();
        i += 1;
    }
    out
};

/// Whether an `appliesTo` entry names a CI type.
fn is_ci_type(entry: &str) -> bool {
    CiType::parse(entry).is_some()
}

pub fn standard_change_scope(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for sc in catalog.of_kind(Kind::StandardChange) {
        applies_to_resolves(catalog, sc, diags);
    }
    for c in catalog.of_kind(Kind::Change) {
        within_standard_change(catalog, c, diags);
    }
}

/// Every `appliesTo` entry of the StandardChange `sc` is a CI type or a Service.
fn applies_to_resolves(catalog: &Catalog, sc: Ix, diags: &mut Vec<Diagnostic>) {
    let r = catalog.record(sc);
    let Some(standard) = r.spec.standard_change() else {
        return;
    };
    for (i, item) in standard.applies_to() {
        if !is_ci_type(item) && catalog.find(Kind::Service, item).is_none() {
            let d = Diagnostic::new(
                Code::UnresolvedRef,
                format!(
                    "{} applies to `{item}`, which is neither a CI type nor a Service",
                    r.id
                ),
            )
            .with_help(format!(
                "use a Service name or a CI type: {}",
                CI_TYPES.join(", ")
            ));
            diags.push(at(catalog, sc, d, Node::AppliesTo(i)));
        }
    }
}

/// A standard Change `c` stays within its StandardChange: its risk at most
/// `maxRisk`, what it impacts within `appliesTo`.
fn within_standard_change(catalog: &Catalog, c: Ix, diags: &mut Vec<Diagnostic>) {
    let change = catalog.record(c);
    let Some(spec) = change
        .spec
        .change()
        .filter(|s| s.change_type == Some(ChangeType::Standard))
    else {
        return;
    };
    let Some(sc) = catalog.targets(c, Field::StandardChange).next() else {
        return;
    };
    let standard = catalog.record(sc);
    let Some(scope) = standard.spec.standard_change() else {
        return;
    };
    if let (Some(risk), Some(max)) = (spec.risk, scope.max_risk)
        && risk > max
    {
        let d = Diagnostic::new(
            Code::StandardChangeScope,
            format!(
                "{} is {risk} risk, above the `maxRisk: {max}` of {}",
                change.id, standard.id
            ),
        )
        .with_help("make it a normal Change, or lower its risk if that is right");
        diags.push(at(catalog, c, d, Node::Risk));
    }
    let applies: Vec<&str> = scope.applies_to().map(|(_, a)| a).collect();
    if !applies.is_empty() {
        impacts_within(catalog, c, &standard.id, &applies, diags);
    }
}

/// Each record the Change `c` impacts is in `applies` (by CI type or Service name).
fn impacts_within(
    catalog: &Catalog,
    c: Ix,
    standard: &RecordId,
    applies: &[&str],
    diags: &mut Vec<Diagnostic>,
) {
    let change = catalog.record(c);
    for link in catalog.out[c as usize]
        .iter()
        .filter(|l| l.field == Field::Impacts)
    {
        let target = catalog.record(link.to);
        let (inside, what) = match target.id.kind {
            Kind::Ci => {
                let t = ci_type(target);
                (applies.contains(&t), format!("{} (a {t})", target.id))
            }
            _ => (
                applies.contains(&target.id.name.as_str()),
                target.id.to_string(),
            ),
        };
        if !inside {
            let d = Diagnostic::new(
                Code::StandardChangeScope,
                format!(
                    "{} impacts {what}, outside what {standard} applies to ({})",
                    change.id,
                    applies.join(", ")
                ),
            )
            .with_help("a standard Change may only touch what its StandardChange lists in `appliesTo`; make it a normal Change");
            diags.push(at(catalog, c, d, link.pointer(Kind::Change)));
        }
    }
}

/// A CI's `type` as written; empty when it has none.
fn ci_type(record: &crate::model::Record) -> &'static str {
    record
        .spec
        .ci()
        .and_then(|c| c.ci_type)
        .map_or("", CiType::as_str)
}
