//! Cost allocation (`itsm report cost` and the `over-budget` check): what each
//! Service costs in full, shared costs allocated as the contract says.
//!
//! Amounts are per month (`per: year` counts one twelfth), times the months of
//! the period. A CI's cost is split evenly among the Services that reach it
//! through `cis` and CI `dependsOn`; a Supplier's `contract.cost` among the
//! Services whose `suppliers` name it; a technical Service's full cost among
//! the Services that depend on it directly. What nobody takes is unallocated.
//! Every share is an exact fraction: the business Services' full costs plus
//! the unallocated costs are the sum of every cost, per currency, exactly.
//! Figures are rounded to the cent only when printed ([`Allocation::printed`]).
//! The computation sits before the checks (`over-budget` uses it); the report
//! renders it (`report::cost`).

use crate::link::{Catalog, Ix};
use crate::model::spec::resources::{Cost, Per};
use crate::model::{Field, ServiceType};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
pub(crate) use plan::Plan;
use std::collections::BTreeMap;

mod estimate;
mod plan;

pub(crate) use estimate::may_exceed_budget;

/// Exact amounts, per currency code (never added across codes).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Money(BTreeMap<String, BigRational>);

impl Money {
    /// The amount in `currency`, when there is one.
    pub fn get(&self, currency: &str) -> Option<&BigRational> {
        self.0.get(currency)
    }

    /// The currency codes, in code order.
    pub fn currencies(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    fn add(&mut self, currency: &str, amount: &BigRational) {
        match self.0.get_mut(currency) {
            Some(sum) => *sum += amount,
            None => {
                self.0.insert(currency.to_string(), amount.clone());
            }
        }
    }

    fn add_all(&mut self, other: &Money) {
        for (currency, amount) in &other.0 {
            self.add(currency, amount);
        }
    }

    /// One of `n` even shares.
    fn share(&self, n: usize) -> Money {
        let n = BigRational::from_integer(BigInt::from(n.max(1)));
        Money(self.0.iter().map(|(c, a)| (c.clone(), a / &n)).collect())
    }
}

/// One Service's costs over the period.
#[derive(Clone, Debug)]
pub struct ServiceCost {
    pub service: Ix,
    pub name: String,
    /// `type: technical` (a Service without `type` is business).
    pub technical: bool,
    /// Its own `cost`.
    pub own: Money,
    /// Its shares of the CIs it reaches.
    pub cis: Money,
    /// Its shares of the Supplier contracts it names.
    pub suppliers: Money,
    /// Its shares of the technical Services it depends on.
    pub dependencies: Money,
    /// Its `budget` over the period: currency and amount.
    pub budget: Option<(String, BigRational)>,
}

impl ServiceCost {
    /// The full cost: own, CIs, Suppliers and dependencies.
    pub fn full(&self) -> Money {
        let mut full = self.own.clone();
        full.add_all(&self.cis);
        full.add_all(&self.suppliers);
        full.add_all(&self.dependencies);
        full
    }
}

/// Every Service's costs over a period, with what nobody takes.
#[derive(Clone, Debug)]
pub struct Allocation {
    /// The period's label (`2026-11`, `2026-Q3`, `2026`).
    pub period: String,
    /// Months in the period.
    pub months: u32,
    /// The currency of `itsm.yaml`, listed first.
    pub default_currency: String,
    /// Every Service, in name order.
    pub services: Vec<ServiceCost>,
    /// CIs no Service reaches, contracts no Service names, technical Services
    /// nothing depends on (or that sit in a dependency cycle).
    pub unallocated: Money,
    /// The sum of every cost in the repository.
    pub total: Money,
}

/// Allocates every cost of the repository over `months` months.
pub fn compute(catalog: &Catalog, period: &str, months: u32) -> Allocation {
    compute_with(catalog, &Plan::new(catalog), period, months)
}

/// [`compute`] along a plan already made.
pub(crate) fn compute_with(
    catalog: &Catalog,
    plan: &Plan,
    period: &str,
    months: u32,
) -> Allocation {
    let months = BigRational::from_integer(BigInt::from(months));
    let mut rows: Vec<ServiceCost> = plan
        .services
        .iter()
        .map(|&s| row(catalog, s, &months))
        .collect();
    let mut total = Money::default();
    for r in &rows {
        total.add_all(&r.own);
    }
    let mut unallocated = Money::default();
    let mut sink = Sink {
        rows: &mut rows,
        unallocated: &mut unallocated,
        total: &mut total,
    };
    share_out(catalog, plan, &months, &mut sink);
    allocate_suppliers(catalog, plan, &months, &mut sink);
    propagate(plan, &mut sink);
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Allocation {
        period: period.to_string(),
        months: months.to_integer().try_into().unwrap_or(1),
        default_currency: catalog.repo.config.currency.clone(),
        services: rows,
        unallocated,
        total,
    }
}

/// The months of a period (`2026-Q3`: 3).
pub fn months(period: &crate::time::Period) -> u32 {
    let (a, b) = (period.start, period.end);
    let m = (i32::from(b.year()) - i32::from(a.year())) * 12 + i32::from(b.month())
        - i32::from(a.month());
    m.max(1) as u32
}

/// A cost over `months` months: its currency and exact amount. `None` when
/// the cost is incomplete or not a number at least 0 (the schema reports it).
pub fn amount(cost: &Cost, months: &BigRational) -> Option<(String, BigRational)> {
    let value = cost.amount.filter(|a| a.is_finite() && *a >= 0.0)?;
    let currency = cost.currency.as_deref()?;
    let per = match cost.per? {
        Per::Month => 1,
        Per::Year => 12,
    };
    // One reduction for the whole product (there are many costs).
    let (numer, denom) = decimal(value)?;
    let amount = BigRational::new(
        numer * months.numer(),
        denom * months.denom() * BigInt::from(per),
    );
    Some((currency.to_string(), amount))
}

/// The decimal a number was written as (its shortest form), exactly, as a
/// numerator and a power of ten.
fn decimal(value: f64) -> Option<(BigInt, BigInt)> {
    let text = value.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let digits = format!("{int}{frac}");
    let numer = BigInt::parse_bytes(digits.as_bytes(), 10)?;
    let denom = num_traits::pow(BigInt::from(10), frac.len());
    Some((numer, denom))
}

fn row(catalog: &Catalog, s: Ix, months: &BigRational) -> ServiceCost {
    let r = catalog.record(s);
    let spec = r.spec.service();
    let mut own = Money::default();
    if let Some((c, a)) = spec.and_then(|s| amount(s.cost.as_ref()?, months)) {
        own.add(&c, &a);
    }
    ServiceCost {
        service: s,
        name: r.id.name.clone(),
        technical: spec.and_then(|s| s.service_type) == Some(ServiceType::Technical),
        own,
        cis: Money::default(),
        suppliers: Money::default(),
        dependencies: Money::default(),
        budget: spec.and_then(|s| amount(s.budget.as_ref()?, months)),
    }
}

/// Where allocated amounts go.
struct Sink<'a> {
    rows: &'a mut [ServiceCost],
    unallocated: &'a mut Money,
    total: &'a mut Money,
}

/// Adds each CI's shares to its sharers' `cis`. A Service may share
/// thousands of CIs: its shares are summed as integers over one denominator
/// per kind of cost (currency and denominator) and number of sharers, and
/// made fractions once at the end, which is exact and spares a reduction per
/// share.
fn share_out(catalog: &Catalog, plan: &Plan, months: &BigRational, sink: &mut Sink<'_>) {
    let mut classes: Vec<(&str, &BigInt)> = Vec::new();
    let mut class_of: rustc_hash::FxHashMap<(&str, &BigInt), u32> = Default::default();
    let mut sums: Vec<rustc_hash::FxHashMap<(u32, u32), BigInt>> =
        vec![Default::default(); sink.rows.len()];
    let costs: Vec<((String, BigRational), &Vec<u32>)> = plan
        .cis
        .iter()
        .filter_map(|(ci, to)| {
            let cost = catalog.record(*ci).spec.ci()?.cost.as_ref()?;
            Some((amount(cost, months)?, to))
        })
        .collect();
    // The total and the unallocated amount, as numerators per class.
    let (mut total, mut unallocated): (Vec<BigInt>, Vec<BigInt>) = (Vec::new(), Vec::new());
    for ((currency, a), to) in &costs {
        let key = (currency.as_str(), a.denom());
        let class = *class_of.entry(key).or_insert_with(|| {
            classes.push(key);
            total.push(BigInt::zero());
            unallocated.push(BigInt::zero());
            classes.len() as u32 - 1
        });
        total[class as usize] += a.numer();
        if to.is_empty() {
            unallocated[class as usize] += a.numer();
            continue;
        }
        for &p in to.iter() {
            *sums[p as usize]
                .entry((class, to.len() as u32))
                .or_default() += a.numer();
        }
    }
    for (row, sums) in sink.rows.iter_mut().zip(sums) {
        let mut by_currency: BTreeMap<&str, Vec<(BigInt, BigInt)>> = BTreeMap::new();
        for ((class, n), numer) in sums {
            let (currency, denom) = classes[class as usize];
            let term = (numer, denom * BigInt::from(n));
            by_currency.entry(currency).or_default().push(term);
        }
        for (currency, terms) in by_currency {
            row.cis.add(currency, &sum_fractions(terms));
        }
    }
    fold_classes(&classes, total, sink.total);
    fold_classes(&classes, unallocated, sink.unallocated);
}

/// Adds numerators over the denominators of their classes to `into`.
fn fold_classes(classes: &[(&str, &BigInt)], numers: Vec<BigInt>, into: &mut Money) {
    let mut by_currency: BTreeMap<&str, Vec<(BigInt, BigInt)>> = BTreeMap::new();
    for (&(currency, denom), numer) in classes.iter().zip(numers) {
        by_currency
            .entry(currency)
            .or_default()
            .push((numer, denom.clone()));
    }
    for (currency, terms) in by_currency {
        into.add(currency, &sum_fractions(terms));
    }
}

/// The sum of fractions `(numerator, denominator)`, over their least common
/// denominator: one reduction in all, not one per term (the denominators of
/// many shares are many small numbers, whose running sum would be reduced
/// against an ever longer denominator each time).
fn sum_fractions(terms: Vec<(BigInt, BigInt)>) -> BigRational {
    use num_integer::Integer;
    let mut lcm = BigInt::one();
    for (_, d) in &terms {
        let g = (&lcm % d).gcd(d);
        lcm *= d / g;
    }
    let numer: BigInt = terms.iter().map(|(n, d)| n * (&lcm / d)).sum();
    BigRational::new(numer, lcm)
}

/// Splits each Supplier's contract cost among the Services that name it.
fn allocate_suppliers(catalog: &Catalog, plan: &Plan, months: &BigRational, sink: &mut Sink<'_>) {
    for (sup, sharers) in &plan.suppliers {
        let spec = catalog.record(*sup).spec.supplier();
        let Some((currency, a)) =
            spec.and_then(|s| amount(s.contract.as_ref()?.cost.as_ref()?, months))
        else {
            continue;
        };
        sink.split(&currency, &a, sharers, |r| &mut r.suppliers);
    }
}

impl Sink<'_> {
    /// Counts a cost in the total and splits it among `sharers` (or leaves it
    /// unallocated).
    fn split(
        &mut self,
        currency: &str,
        amount: &BigRational,
        sharers: &[u32],
        part: impl Fn(&mut ServiceCost) -> &mut Money,
    ) {
        self.total.add(currency, amount);
        if sharers.is_empty() {
            self.unallocated.add(currency, amount);
            return;
        }
        let share = amount / BigRational::from_integer(BigInt::from(sharers.len()));
        for &p in sharers {
            part(&mut self.rows[p as usize]).add(currency, &share);
        }
    }
}

/// Passes each technical Service's full cost to its direct dependants, the
/// dependencies first. A technical Service that nothing depends on, or that a
/// dependency cycle holds back (reported by `dependency-cycle`), is
/// unallocated; so the walk ends and nothing is lost.
fn propagate(plan: &Plan, sink: &mut Sink<'_>) {
    // Shares received, added up once their receiver is complete (see
    // `sum_fractions`).
    let mut incoming: Vec<Terms> = vec![Terms::new(); plan.services.len()];
    for &p in &plan.order {
        let row = &mut sink.rows[p as usize];
        let terms = std::mem::take(&mut incoming[p as usize]);
        fold(&mut row.dependencies, terms);
        if !row.technical {
            continue;
        }
        let full = row.full();
        let to = &plan.dependants[p as usize];
        if to.is_empty() {
            sink.unallocated.add_all(&full);
            continue;
        }
        let share = full.share(to.len());
        for &d in to {
            for (currency, a) in &share.0 {
                let term = (a.numer().clone(), a.denom().clone());
                let terms = incoming[d as usize].entry(currency.clone()).or_default();
                terms.push(term);
            }
        }
    }
    for (row, terms) in sink.rows.iter_mut().zip(incoming) {
        fold(&mut row.dependencies, terms);
    }
    for p in plan.stuck() {
        let full = sink.rows[p as usize].full();
        sink.unallocated.add_all(&full);
    }
}

/// Fractions to add up, per currency.
type Terms = BTreeMap<String, Vec<(BigInt, BigInt)>>;

fn fold(into: &mut Money, terms: Terms) {
    for (currency, terms) in terms {
        into.add(&currency, &sum_fractions(terms));
    }
}

/// The full costs of the business Services each Team owns, per currency.
pub fn team_totals(catalog: &Catalog, allocation: &Allocation) -> Vec<(Ix, Money)> {
    let mut teams: BTreeMap<Ix, Money> = BTreeMap::new();
    for s in allocation.services.iter().filter(|s| !s.technical) {
        if let Some(team) = catalog.targets(s.service, Field::Owner).next() {
            teams.entry(team).or_default().add_all(&s.full());
        }
    }
    teams.into_iter().collect()
}

/// The figures of one currency, in cents, as printed.
#[derive(Clone, Debug, PartialEq)]
pub struct Printed {
    pub currency: String,
    pub services: Vec<PrintedRow>,
    pub unallocated: BigInt,
    pub total: BigInt,
}

/// One Service's figures in one currency, in cents.
#[derive(Clone, Debug, PartialEq)]
pub struct PrintedRow {
    pub name: String,
    pub technical: bool,
    pub own: BigInt,
    pub cis: BigInt,
    pub suppliers: BigInt,
    pub dependencies: BigInt,
    /// The full cost: the four parts add up to it.
    pub total: BigInt,
    /// The budget, when it is in this currency.
    pub budget: Option<BigInt>,
    /// The exact full cost is above the budget.
    pub over_budget: bool,
}

impl Allocation {
    /// Every currency's figures rounded to the cent so that they add up: the
    /// business Services' totals and the unallocated amount add up to the
    /// total, and each Service's parts to its total. Each figure is its exact
    /// value's cent below, the cents left going one each to the figures with
    /// a fraction of a cent, in name order (the unallocated amount last).
    pub fn printed(&self) -> Vec<Printed> {
        let mut codes: Vec<&str> = self.total.currencies().collect();
        for s in &self.services {
            codes.extend(s.budget.as_ref().map(|(c, _)| c.as_str()));
        }
        codes.sort_by_key(|c| (*c != self.default_currency, *c));
        codes.dedup();
        codes.into_iter().map(|c| self.printed_in(c)).collect()
    }

    fn printed_in(&self, currency: &str) -> Printed {
        let zero = BigRational::zero();
        let at = |m: &Money| m.get(currency).cloned().unwrap_or_else(BigRational::zero);
        let listed: Vec<&ServiceCost> = self
            .services
            .iter()
            .filter(|s| {
                [&s.own, &s.cis, &s.suppliers, &s.dependencies]
                    .iter()
                    .any(|m| m.get(currency).is_some())
                    || s.budget.as_ref().is_some_and(|(c, _)| c == currency)
            })
            .collect();
        let exact_total = self.total.get(currency).unwrap_or(&zero);
        let total = round_cents(exact_total);
        // The business totals and the unallocated amount share the total.
        let mut column: Vec<BigRational> = listed
            .iter()
            .filter(|s| !s.technical)
            .map(|s| at(&s.full()))
            .collect();
        column.push(at(&self.unallocated));
        let mut cents = apportion(&column, &total).into_iter();
        let services = listed
            .iter()
            .map(|s| {
                let parts = [
                    at(&s.own),
                    at(&s.cis),
                    at(&s.suppliers),
                    at(&s.dependencies),
                ];
                let full = at(&s.full());
                let row_total = if s.technical {
                    round_cents(&full)
                } else {
                    cents.next().unwrap_or_else(|| round_cents(&full))
                };
                let p = apportion(&parts, &row_total);
                let budget = s.budget.as_ref().filter(|(c, _)| c == currency);
                PrintedRow {
                    name: s.name.clone(),
                    technical: s.technical,
                    own: p[0].clone(),
                    cis: p[1].clone(),
                    suppliers: p[2].clone(),
                    dependencies: p[3].clone(),
                    total: row_total,
                    budget: budget.map(|(_, b)| round_cents(b)),
                    over_budget: budget.is_some_and(|(_, b)| full > *b),
                }
            })
            .collect();
        Printed {
            currency: currency.to_string(),
            services,
            unallocated: cents
                .next()
                .unwrap_or_else(|| round_cents(&at(&self.unallocated))),
            total,
        }
    }
}

/// `x` in cents, rounded half up.
pub fn round_cents(x: &BigRational) -> BigInt {
    let half = BigRational::new(BigInt::one(), BigInt::from(2));
    (x * BigRational::from_integer(BigInt::from(100)) + half)
        .floor()
        .to_integer()
}

/// Splits `target` cents among exact values: each gets the cent below its
/// value, and the cents left go one each to the values with a fraction of a
/// cent, in order.
pub fn apportion(values: &[BigRational], target: &BigInt) -> Vec<BigInt> {
    let hundred = BigRational::from_integer(BigInt::from(100));
    let scaled: Vec<BigRational> = values.iter().map(|v| v * &hundred).collect();
    let mut cents: Vec<BigInt> = scaled.iter().map(|v| v.floor().to_integer()).collect();
    let mut left = target - cents.iter().sum::<BigInt>();
    for (c, v) in cents.iter_mut().zip(&scaled) {
        if left <= BigInt::zero() {
            break;
        }
        if !v.is_integer() {
            *c += 1;
            left -= 1;
        }
    }
    cents
}

/// Cents as `1234.50`.
pub fn text(cents: &BigInt) -> String {
    let sign = if *cents < BigInt::zero() { "-" } else { "" };
    let abs = num_traits::Signed::abs(cents);
    let hundred = BigInt::from(100);
    let frac: BigInt = &abs % &hundred;
    format!("{sign}{}.{:0>2}", &abs / &hundred, frac.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i64, d: i64) -> BigRational {
        BigRational::new(BigInt::from(n), BigInt::from(d))
    }

    #[test]
    fn decimals_are_read_as_written() {
        let exact = |v: f64| decimal(v).map(|(n, d)| BigRational::new(n, d));
        assert_eq!(exact(0.1), Some(r(1, 10)));
        assert_eq!(exact(1200.0), Some(r(1200, 1)));
        assert_eq!(exact(19.99), Some(r(1999, 100)));
    }

    #[test]
    fn remainder_cents_go_to_the_first_with_a_fraction() {
        let third = r(100, 3);
        let cents = apportion(&[third.clone(), third.clone(), third], &BigInt::from(10000));
        assert_eq!(cents, [3334, 3333, 3333].map(BigInt::from));
        let cents = apportion(&[r(10, 1), r(5, 2), r(1, 3)], &BigInt::from(1284));
        assert_eq!(cents, [1000, 250, 34].map(BigInt::from));
        assert_eq!(text(&BigInt::from(123405)), "1234.05");
        assert_eq!(round_cents(&r(1, 200)), BigInt::from(1));
    }
}
