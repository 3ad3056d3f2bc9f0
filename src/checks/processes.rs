//! Checks of the Do processes: releases (`release-unapproved`), capacity
//! (`capacity-risk`), continuity (`continuity-untested`,
//! `continuity-target-missed`), service requests (`unknown-offering`) and
//! budgets (`over-budget`).

use super::at;
use crate::capacity;
use crate::cost;
use crate::diag::{Code, Diagnostic};
use crate::link::{Catalog, Ix};
use crate::model::spec::release::ReleaseStatus;
use crate::model::spec::resources::Capacity;
use crate::model::spec::service::within;
use crate::model::{ChangeStatus, Field, Kind, Lifecycle, Node};
use jiff::civil::Date;

pub fn releases(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for rel in catalog.of_kind(Kind::Release) {
        let r = catalog.record(rel);
        if r.spec.release().and_then(|x| x.status) != Some(ReleaseStatus::Deployed) {
            continue;
        }
        for link in catalog.out[rel as usize]
            .iter()
            .filter(|l| l.field == Field::Changes)
        {
            let change = catalog.record(link.to);
            let status = change.spec.change().and_then(|c| c.status);
            let Some(status @ (ChangeStatus::Proposed | ChangeStatus::Cancelled)) = status else {
                continue;
            };
            let d = Diagnostic::new(
                Code::ReleaseUnapproved,
                format!(
                    "{} is deployed but includes {}, which is {status}",
                    r.id, change.id
                ),
            )
            .with_help("approve and schedule the change first, or take it out of the release");
            diags.push(at(catalog, rel, d, link.pointer(Kind::Release)));
        }
    }
}

pub fn capacity(catalog: &Catalog, today: Date, diags: &mut Vec<Diagnostic>) {
    for (ix, i, entry) in capacity::all(catalog) {
        if let Some((node, message, help)) = capacity_risk(entry, i, today) {
            let r = catalog.record(ix);
            let d =
                Diagnostic::new(Code::CapacityRisk, format!("{}: {message}", r.id)).with_help(help);
            diags.push(at(catalog, ix, d, node));
        }
    }
}

/// Where, what and what to do when an entry reaches its threshold now or in
/// a forecast within the horizon ([`capacity::assess`]).
fn capacity_risk(entry: &Capacity, i: usize, today: Date) -> Option<(Node, String, &'static str)> {
    let a = capacity::assess(entry, today).filter(|a| a.at_risk)?;
    let metric = entry.metric.as_deref().unwrap_or("capacity");
    let unit = entry
        .unit
        .as_deref()
        .map_or(String::new(), |u| format!(" {u}"));
    let (threshold, limit, percent) = (a.threshold, a.limit, a.threshold_percent);
    match a.reaches? {
        capacity::Reach::Now { value } => Some((
            Node::ItemKey("capacity", i, "current"),
            format!(
                "`{metric}` is at {value}{unit}, at or above its threshold of {threshold}{unit} ({percent}% of {limit}{unit})"
            ),
            "add capacity (raise `limit`) or reduce the demand",
        )),
        capacity::Reach::Forecast { index, date, value } => Some((
            Node::ItemKeyItem("capacity", i, "forecast", index),
            format!(
                "`{metric}` is forecast at {value}{unit} on {date}, at or above its threshold of {threshold}{unit} ({percent}% of {limit}{unit})"
            ),
            "plan the capacity before the forecast date (raise `limit`) or reduce the demand",
        )),
    }
}

pub fn continuity(catalog: &Catalog, today: Date, diags: &mut Vec<Diagnostic>) {
    for s in catalog.of_kind(Kind::Service) {
        let r = catalog.record(s);
        let Some(service) = r.spec.service() else {
            continue;
        };
        let Some(plan) = service.continuity.as_ref() else {
            continue;
        };
        let critical = service.tier.is_some_and(|t| t.get() <= 2);
        if service.lifecycle == Some(Lifecycle::Production) && critical && plan.rto.is_some() {
            let (every, last, due) = (plan.every(), plan.last_passed(), plan.next_due());
            if due.is_none_or(|due| due < today) {
                let since = last.map_or("no passed test".to_string(), |l| {
                    format!("its last passed test was on {l}")
                });
                let d = Diagnostic::new(
                    Code::ContinuityUntested,
                    format!(
                        "{} is a tier-{} production Service with an RTO, but {since} (tests are due every {every})",
                        r.id,
                        service.tier.map_or(0, |t| t.get())
                    ),
                )
                .with_help("test the continuity plan and record it under `continuity.tests`");
                diags.push(at(catalog, s, d, Node::Key("continuity")));
            }
        }
        targets_missed(catalog, s, plan, diags);
    }
}

/// `continuity-target-missed` on the latest test (the last listed of the latest date).
fn targets_missed(
    catalog: &Catalog,
    s: Ix,
    plan: &crate::model::spec::service::Continuity,
    diags: &mut Vec<Diagnostic>,
) {
    let Some((i, test)) = plan.latest() else {
        return;
    };
    let r = catalog.record(s);
    let pairs = [
        ("RTO", plan.rto, test.rto_achieved),
        ("RPO", plan.rpo, test.rpo_achieved),
    ];
    for (what, target, achieved) in pairs {
        let (Some(target), Some(achieved)) = (target, achieved) else {
            continue;
        };
        if within(achieved, target) {
            continue;
        }
        let d = Diagnostic::new(
            Code::ContinuityTargetMissed,
            format!(
                "{}: the latest continuity test ({}) achieved {achieved}, beyond the {what} of {target}",
                r.id,
                test.date.map(|d| d.to_string()).unwrap_or_default()
            ),
        )
        .with_help("improve the recovery and test again, or revise the objective");
        diags.push(at(
            catalog,
            s,
            d,
            Node::PathItem(&["continuity", "tests"], i),
        ));
    }
}

pub fn offerings(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for req in catalog.of_kind(Kind::Request) {
        let r = catalog.record(req);
        let Some(offering) = r.spec.request().and_then(|x| x.offering.as_deref()) else {
            continue;
        };
        let Some(svc) = catalog.targets(req, Field::Service).next() else {
            continue;
        };
        let service = catalog.record(svc);
        let Some(spec) = service.spec.service() else {
            continue;
        };
        let ids: Vec<&str> = spec
            .requests
            .iter()
            .filter_map(|o| o.id.as_deref())
            .collect();
        if ids.contains(&offering) {
            continue;
        }
        let help = if ids.is_empty() {
            format!(
                "{} offers nothing: add the offering under its `requests`",
                service.id
            )
        } else {
            format!("{} offers: {}", service.id, ids.join(", "))
        };
        let d = Diagnostic::new(
            Code::UnknownOffering,
            format!(
                "{}: {} has no request offering `{offering}`",
                r.id, service.id
            ),
        )
        .with_help(help);
        diags.push(at(catalog, req, d, Node::Key("offering")));
    }
}

pub fn budgets(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    let budgeted = catalog.repo.records.iter().any(|r| match &r.spec {
        crate::model::Spec::Service(s) => s.budget.is_some(),
        crate::model::Spec::Team(t) => t.budget.is_some(),
        _ => false,
    });
    if !budgeted {
        return;
    }
    let plan = cost::Plan::new(catalog);
    if !cost::may_exceed_budget(catalog, &plan) {
        return;
    }
    let allocation = cost::compute_with(catalog, &plan, "month", 1);
    for s in &allocation.services {
        let Some((currency, budget)) = &s.budget else {
            continue;
        };
        let full = s.full();
        let Some(spent) = full.get(currency).filter(|a| *a > budget) else {
            continue;
        };
        let name = catalog.record(s.service).id.to_string();
        diags.push(over(
            catalog, s.service, &name, "in full", currency, spent, budget,
        ));
    }
    for (team, full) in cost::team_totals(catalog, &allocation) {
        let r = catalog.record(team);
        let Some(budget) = r.spec.team().and_then(|t| t.budget.as_ref()) else {
            continue;
        };
        let one = num_rational::BigRational::from_integer(1.into());
        let Some((currency, budget)) = cost::amount(budget, &one) else {
            continue;
        };
        let Some(spent) = full.get(&currency).filter(|a| **a > budget) else {
            continue;
        };
        let name = r.id.to_string();
        let what = "for the business Services it owns";
        diags.push(over(catalog, team, &name, what, &currency, spent, &budget));
    }
}

fn over(
    catalog: &Catalog,
    ix: Ix,
    name: &str,
    what: &str,
    currency: &str,
    spent: &num_rational::BigRational,
    budget: &num_rational::BigRational,
) -> Diagnostic {
    let (spent, budget) = (cost::round_cents(spent), cost::round_cents(budget));
    let by = if spent == budget {
        " (by less than a cent)"
    } else {
        ""
    };
    let d = Diagnostic::new(
        Code::OverBudget,
        format!(
            "{name} costs {} {currency} a month {what}, above its budget of {} {currency}{by}",
            cost::text(&spent),
            cost::text(&budget)
        ),
    )
    .with_help("see `itsm report cost`: lower the costs or raise the `budget`");
    at(catalog, ix, d, Node::Key("budget"))
}
