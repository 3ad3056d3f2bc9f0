//! Checks stage: the built-in checks of the contract, then the Policy rules.
//! Each check reads the linked catalogue and pushes findings; none stops the others.

mod dates;
mod graph;
pub mod rules;
mod services;

use crate::diag::{Diagnostic, Target};
use crate::link::{Catalog, Ix};
use jiff::civil::Date;

/// What the checks need besides the catalogue.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// "Today", for everything that expires or falls due.
    pub today: Date,
}

/// Runs every built-in check and every Policy rule.
pub fn run(catalog: &std::sync::Arc<Catalog>, options: Options, diags: &mut Vec<Diagnostic>) {
    graph::cycles(catalog, diags);
    graph::orphans(catalog, diags);
    services::missing_sla(catalog, diags);
    services::retired_dependencies(catalog, diags);
    services::sla_feasibility(catalog, diags);
    services::standard_change_scope(catalog, diags);
    dates::windows(catalog, diags);
    dates::expiry(catalog, options.today, diags);
    dates::reviews(catalog, options.today, diags);
    dates::emergency_reviews(catalog, options.today, diags);
    rules::run(catalog, options.today, diags);
}

/// A finding about a record, at one of its nodes.
fn at(catalog: &Catalog, ix: Ix, d: Diagnostic, pointer: impl Into<String>) -> Diagnostic {
    let r = catalog.record(ix);
    d.with_record(&r.id)
        .at(r.file, r.doc, pointer, Target::Value)
}
