//! `dependency-cycle` and `orphan-ci`.

use super::at;
use crate::diag::{Code, Diagnostic};
use crate::link::{Catalog, graph};
use crate::model::Node;
use crate::model::{Field, Kind};

pub fn cycles(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for kind in [Kind::Service, Kind::Ci] {
        for cycle in graph::cycles(catalog, kind, Field::DependsOn) {
            let names: Vec<String> = cycle
                .iter()
                .chain(cycle.first())
                .map(|ix| catalog.record(*ix).id.to_string())
                .collect();
            let first = cycle[0];
            let next = *cycle.get(1).unwrap_or(&first);
            let link = catalog.out[first as usize]
                .iter()
                .find(|l| l.field == Field::DependsOn && l.to == next)
                .copied();
            let pointer = link.map(|l| l.pointer(kind)).unwrap_or_default();
            let d = Diagnostic::new(
                Code::DependencyCycle,
                format!("dependency cycle: {}", names.join(" -> ")),
            )
            .with_help("a record cannot depend on itself, even indirectly: remove one of these `dependsOn` entries");
            diags.push(at(catalog, first, d, pointer));
        }
    }
}

pub fn orphans(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    let reached = graph::reached_cis(catalog);
    for ci in catalog.of_kind(Kind::Ci) {
        if reached[ci as usize] {
            continue;
        }
        let d = Diagnostic::new(
            Code::OrphanCi,
            format!("{} is not used by any Service", catalog.record(ci).id),
        )
        .with_help(
            "list it in a Service's `cis` (or in the `dependsOn` of a CI that is), or delete it",
        );
        diags.push(at(catalog, ci, d, Node::Name));
    }
}
