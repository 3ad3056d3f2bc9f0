//! The allocation in floating point, for the `over-budget` check: it tells
//! quickly that every Service and Team is within its budget, which is what a
//! repository is almost always told. When a full cost comes anywhere near its
//! budget the check allocates exactly ([`super::compute_with`]) and decides
//! on exact figures, so the answer is never the float's.

use super::plan::Plan;
use crate::link::{Catalog, Ix};
use crate::model::Field;
use crate::model::spec::resources::{Cost, Per};

/// How far apart a float estimate and a budget must be for the estimate to
/// decide, relative to the larger. Every amount is at least 0 and each figure
/// is a sum of at most a few hundred thousand shares, so the float is within
/// about 1e-11 of the exact value, relatively: 1e-9 leaves a wide margin.
const MARGIN: f64 = 1e-9;

/// Amounts per currency, in floating point (few currencies: a list).
#[derive(Clone, Default)]
struct Floats<'a>(Vec<(&'a str, f64)>);

impl<'a> Floats<'a> {
    fn add(&mut self, currency: &'a str, amount: f64) {
        match self.0.iter_mut().find(|(c, _)| *c == currency) {
            Some((_, sum)) => *sum += amount,
            None => self.0.push((currency, amount)),
        }
    }

    fn add_all(&mut self, other: &Floats<'a>) {
        for &(c, a) in &other.0 {
            self.add(c, a);
        }
    }

    fn get(&self, currency: &str) -> Option<f64> {
        self.0.iter().find(|(c, _)| *c == currency).map(|&(_, a)| a)
    }
}

/// A monthly cost in floating point: its currency and amount.
fn monthly(cost: &Cost) -> Option<(&str, f64)> {
    let value = cost.amount.filter(|a| a.is_finite() && *a >= 0.0)?;
    let currency = cost.currency.as_deref()?;
    let per = match cost.per? {
        Per::Month => 1.0,
        Per::Year => 1.0 / 12.0,
    };
    Some((currency, value * per))
}

/// Whether some Service's full cost, or some Team's total, may exceed its
/// budget: `false` only when the estimate is clear of every budget.
pub(crate) fn may_exceed_budget(catalog: &Catalog, plan: &Plan) -> bool {
    let full = full_costs(catalog, plan);
    let over = |spent: &Floats<'_>, budget: Option<&Cost>| {
        let Some((currency, budget)) = budget.and_then(monthly) else {
            return false;
        };
        spent
            .get(currency)
            .is_some_and(|s| !clearly_below(s, budget))
    };
    let mut teams: Vec<(Ix, Floats<'_>)> = Vec::new();
    for (p, &s) in plan.services.iter().enumerate() {
        let spec = catalog.record(s).spec.service();
        if over(&full[p], spec.and_then(|s| s.budget.as_ref())) {
            return true;
        }
        let owner = catalog.targets(s, Field::Owner).next();
        if let Some(team) = owner.filter(|_| !plan.technical[p]) {
            match teams.iter_mut().find(|(t, _)| *t == team) {
                Some((_, sum)) => sum.add_all(&full[p]),
                None => teams.push((team, full[p].clone())),
            }
        }
    }
    teams.iter().any(|(team, spent)| {
        let budget = catalog.record(*team).spec.team();
        over(spent, budget.and_then(|t| t.budget.as_ref()))
    })
}

/// `spent` is below `budget` by more than the float's error. Budgets under a
/// millionth are left to the exact figures (the float's error is relative
/// only above the smallest normal numbers).
fn clearly_below(spent: f64, budget: f64) -> bool {
    spent.is_finite() && budget.is_finite() && budget > 1e-6 && spent + MARGIN * budget < budget
}

/// Every Service's full monthly cost, by position in the plan.
fn full_costs<'a>(catalog: &'a Catalog, plan: &Plan) -> Vec<Floats<'a>> {
    let mut full: Vec<Floats<'a>> = plan
        .services
        .iter()
        .map(|&s| {
            let mut own = Floats::default();
            let cost = catalog
                .record(s)
                .spec
                .service()
                .and_then(|s| s.cost.as_ref());
            if let Some((c, a)) = cost.and_then(monthly) {
                own.add(c, a);
            }
            own
        })
        .collect();
    let shared = plan.cis.iter().filter_map(|(ci, to)| {
        let cost = catalog.record(*ci).spec.ci()?.cost.as_ref()?;
        Some((monthly(cost)?, to))
    });
    let contracts = plan.suppliers.iter().filter_map(|(sup, to)| {
        let contract = catalog.record(*sup).spec.supplier()?.contract.as_ref()?;
        Some((monthly(contract.cost.as_ref()?)?, to))
    });
    for ((currency, amount), to) in shared.chain(contracts) {
        let share = amount / to.len().max(1) as f64;
        for &p in to {
            full[p as usize].add(currency, share);
        }
    }
    for &p in &plan.order {
        let to = &plan.dependants[p as usize];
        if !plan.technical[p as usize] || to.is_empty() {
            continue;
        }
        let passed = full[p as usize].clone();
        for &d in to {
            for &(c, a) in &passed.0 {
                full[d as usize].add(c, a / to.len() as f64);
            }
        }
    }
    full
}
