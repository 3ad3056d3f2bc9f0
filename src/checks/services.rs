//! Service checks: `missing-sla`, `retired-dependency`, `sla-infeasible`, and the
//! scope of standard Changes (`standard-change-scope`).

use super::at;
use crate::diag::{Code, Diagnostic};
use crate::link::{Catalog, Ix};
use crate::model::{Field, Kind};
use crate::value::Value;

pub fn missing_sla(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for s in catalog.of_kind(Kind::Service) {
        let r = catalog.record(s);
        if r.str("/spec/lifecycle") == Some("production") && r.get("/spec/sla").is_none() {
            let d = Diagnostic::new(
                Code::MissingSla,
                format!("{} is in production without an SLA", r.id),
            )
            .with_help(
                "add `sla: <name of an SLA record>` under `spec`, or set another `lifecycle`",
            );
            diags.push(at(catalog, s, d, "/spec"));
        }
    }
}

pub fn retired_dependencies(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for s in catalog.of_kind(Kind::Service) {
        let r = catalog.record(s);
        if r.str("/spec/lifecycle") != Some("production") {
            continue;
        }
        for link in &catalog.out[s as usize] {
            let target = catalog.record(link.to);
            let stage = match (link.field, target.id.kind) {
                (Field::DependsOn, Kind::Service) => target
                    .str("/spec/lifecycle")
                    .filter(|l| matches!(*l, "deprecated" | "retired")),
                (Field::Cis, Kind::Ci) => target.str("/spec/lifecycle").filter(|l| *l == "retired"),
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
    let a = catalog
        .record(sla)
        .get("/spec/availability")
        .and_then(Value::as_f64)?;
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
            diags.push(at(catalog, s, d, "/spec/sla"));
        }
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).floor() / 10_000.0
}

/// The `type`s of a CI (the enum of `schemas/ci.schema.json`; a test keeps them equal).
pub const CI_TYPES: &[&str] = &[
    "application",
    "server",
    "virtual-machine",
    "container",
    "database",
    "network",
    "storage",
    "cloud-service",
    "saas",
    "certificate",
    "endpoint",
    "other",
];

fn risk_rank(risk: &str) -> Option<u8> {
    match risk {
        "low" => Some(0),
        "medium" => Some(1),
        "high" => Some(2),
        _ => None,
    }
}

pub fn standard_change_scope(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for sc in catalog.of_kind(Kind::StandardChange) {
        let r = catalog.record(sc);
        let Some(Value::Seq(items)) = r.get("/spec/appliesTo") else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let Some(item) = item.as_str() else { continue };
            if !CI_TYPES.contains(&item) && catalog.find(Kind::Service, item).is_none() {
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
                diags.push(at(catalog, sc, d, format!("/spec/appliesTo/{i}")));
            }
        }
    }
    for c in catalog.of_kind(Kind::Change) {
        let change = catalog.record(c);
        if change.str("/spec/type") != Some("standard") {
            continue;
        }
        let Some(sc) = catalog.targets(c, Field::StandardChange).next() else {
            continue;
        };
        let standard = catalog.record(sc);
        let risk = change.str("/spec/risk").unwrap_or_default();
        let max = standard.str("/spec/maxRisk").unwrap_or_default();
        if let (Some(a), Some(b)) = (risk_rank(risk), risk_rank(max))
            && a > b
        {
            let d = Diagnostic::new(
                Code::StandardChangeScope,
                format!(
                    "{} is {risk} risk, above the `maxRisk: {max}` of {}",
                    change.id, standard.id
                ),
            )
            .with_help("make it a normal Change, or lower its risk if that is right");
            diags.push(at(catalog, c, d, "/spec/risk"));
        }
        let Some(Value::Seq(applies)) = standard.get("/spec/appliesTo") else {
            continue;
        };
        let applies: Vec<&str> = applies.iter().filter_map(Value::as_str).collect();
        for link in catalog.out[c as usize]
            .iter()
            .filter(|l| l.field == Field::Impacts)
        {
            let target = catalog.record(link.to);
            let (inside, what) = match target.id.kind {
                Kind::Ci => {
                    let t = target.str("/spec/type").unwrap_or_default();
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
                        "{} impacts {what}, outside what {} applies to ({})",
                        change.id,
                        standard.id,
                        applies.join(", ")
                    ),
                )
                .with_help("a standard Change may only touch what its StandardChange lists in `appliesTo`; make it a normal Change");
                diags.push(at(catalog, c, d, link.pointer(Kind::Change)));
            }
        }
    }
}
