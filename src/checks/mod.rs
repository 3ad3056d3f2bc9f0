//! Checks stage: the built-in checks of the contract, then the Policy rules.
//! Each check reads the linked catalogue and pushes findings; none stops the others.

mod dates;
mod freezes;
mod graph;
pub mod management;
mod processes;
pub mod rules;
mod services;

pub use services::CI_TYPES;

use crate::diag::{Diagnostic, Target};
use crate::link::{Catalog, Ix};
use jiff::civil::Date;
use rayon::prelude::*;
use std::sync::Arc;

/// What the checks need besides the catalogue.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// "Today", for everything that expires or falls due.
    pub today: Date,
}

/// Runs every built-in check and every Policy rule.
/// One check, ready to run: it pushes what it finds.
type Check<'a> = &'a (dyn Fn(&mut Vec<Diagnostic>) + Sync);

/// The checks run independently of one another, in parallel.
pub fn run(catalog: &Arc<Catalog>, options: Options, diags: &mut Vec<Diagnostic>) {
    let today = options.today;
    let checks: [Check<'_>; 25] = [
        &|d| graph::cycles(catalog, d),
        &|d| graph::orphans(catalog, d),
        &|d| services::missing_sla(catalog, d),
        &|d| services::retired_dependencies(catalog, d),
        &|d| services::sla_feasibility(catalog, d),
        &|d| services::standard_change_scope(catalog, d),
        &|d| dates::windows(catalog, d),
        &|d| dates::expiry(catalog, today, d),
        &|d| dates::reviews(catalog, today, d),
        &|d| dates::emergency_reviews(catalog, today, d),
        &|d| management::audit_independence(catalog, d),
        &|d| management::findings_unaddressed(catalog, today, d),
        &|d| management::audits_overdue(catalog, today, d),
        &|d| management::management_review_overdue(catalog, today, d),
        &|d| management::review_inputs(catalog, d),
        &|d| management::risks(catalog, d),
        &|d| management::actions_overdue(catalog, today, d),
        &|d| management::unverified(catalog, today, d),
        &|d| rules::run(catalog, today, d),
        &|d| processes::releases(catalog, d),
        &|d| processes::capacity(catalog, today, d),
        &|d| processes::continuity(catalog, today, d),
        &|d| processes::offerings(catalog, d),
        &|d| processes::budgets(catalog, d),
        &|d| freezes::changes_in_freeze(catalog, d),
    ];
    let found: Vec<Vec<Diagnostic>> = checks
        .par_iter()
        .map(|check| {
            let mut d = Vec::new();
            check(&mut d);
            d
        })
        .collect();
    diags.extend(found.into_iter().flatten());
}

/// A finding about a record, at one of its nodes.
fn at(catalog: &Catalog, ix: Ix, d: Diagnostic, pointer: impl Into<String>) -> Diagnostic {
    let r = catalog.record(ix);
    d.with_record(&r.id)
        .at(r.file, r.doc, pointer, Target::Value)
}
