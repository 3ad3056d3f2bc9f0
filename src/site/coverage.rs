//! ISO/IEC 20000-1:2018 coverage for the site: which clauses the Policies
//! address. Kept to one function so that a richer evidence model can feed the
//! page later without touching the templates.

use crate::iso20000::CLAUSES;
use crate::link::{Catalog, Ix};
use crate::model::Kind;

/// One clause and the Policies that address it.
pub struct ClauseCoverage {
    pub number: &'static str,
    pub title: &'static str,
    /// Depth in the standard (`8` is 0, `8.5.1` is 2).
    pub depth: usize,
    /// Policies naming this clause.
    pub direct: Vec<Ix>,
    /// Policies naming one of its sub-clauses.
    pub partial: Vec<Ix>,
}

/// Every clause of the standard, in order, with its evidence.
pub fn coverage(catalog: &Catalog) -> Vec<ClauseCoverage> {
    let cited: Vec<(Ix, Vec<&str>)> = catalog
        .of_kind(Kind::Policy)
        .map(|p| {
            let clauses = catalog
                .record(p)
                .get("/spec/clauses")
                .and_then(|v| v.as_seq())
                .unwrap_or_default()
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            (p, clauses)
        })
        .collect();
    CLAUSES
        .iter()
        .map(|c| {
            let prefix = format!("{}.", c.number);
            let pick = |f: &dyn Fn(&str) -> bool| -> Vec<Ix> {
                cited
                    .iter()
                    .filter(|(_, cs)| cs.iter().any(|n| f(n)))
                    .map(|(p, _)| *p)
                    .collect()
            };
            ClauseCoverage {
                number: c.number,
                title: c.title,
                depth: c.number.matches('.').count(),
                direct: pick(&|n| n == c.number),
                partial: pick(&|n| n.starts_with(&prefix)),
            }
        })
        .collect()
}
