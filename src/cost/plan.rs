//! Who shares which cost: the graph half of the allocation, apart from its
//! arithmetic, so that the exact allocation ([`super::compute`]) and the
//! quick estimate of the `over-budget` check ([`super::estimate`]) walk the
//! catalogue the same way.

use crate::link::{Catalog, Ix};
use crate::model::{Field, Kind, ServiceType};

/// The sharing of every cost of a catalogue. Services are named by their
/// position in [`Plan::services`] (kind order).
pub(crate) struct Plan {
    /// Every Service.
    pub services: Vec<Ix>,
    /// Which Services are `type: technical`, by position.
    pub technical: Vec<bool>,
    /// Each CI with a `cost`, and the Services that reach it through `cis`
    /// and CI `dependsOn` (each once, in position order).
    pub cis: Vec<(Ix, Vec<u32>)>,
    /// Each Supplier with a contract cost, and the Services that name it.
    pub suppliers: Vec<(Ix, Vec<u32>)>,
    /// For each technical Service, the Services that depend on it directly.
    pub dependants: Vec<Vec<u32>>,
    /// The Services in an order where each comes after the technical Services
    /// it depends on; the technical Services a dependency cycle holds back
    /// are not in it (their cost stays unallocated).
    pub order: Vec<u32>,
}

impl Plan {
    /// Works out who shares what in `catalog`.
    pub fn new(catalog: &Catalog) -> Plan {
        let services: Vec<Ix> = catalog.of_kind(Kind::Service).collect();
        let mut position = vec![u32::MAX; catalog.repo.records.len()];
        for (p, &s) in services.iter().enumerate() {
            position[s as usize] = p as u32;
        }
        let technical = services
            .iter()
            .map(|&s| {
                let spec = catalog.record(s).spec.service();
                spec.and_then(|s| s.service_type) == Some(ServiceType::Technical)
            })
            .collect();
        let mut plan = Plan {
            services,
            technical,
            cis: ci_sharers(catalog, &position),
            suppliers: supplier_sharers(catalog, &position),
            dependants: Vec::new(),
            order: Vec::new(),
        };
        plan.order_dependencies(catalog, &position);
        plan
    }

    /// Fills `dependants` and `order` (Kahn's walk over technical
    /// dependencies).
    fn order_dependencies(&mut self, catalog: &Catalog, position: &[u32]) {
        let n = self.services.len();
        self.dependants = vec![Vec::new(); n];
        let mut pending = vec![0u32; n];
        for (p, &s) in self.services.iter().enumerate() {
            let mut deps: Vec<u32> = catalog
                .targets(s, Field::DependsOn)
                .map(|t| position[t as usize])
                .filter(|&d| d != u32::MAX && self.technical[d as usize])
                .collect();
            deps.sort_unstable();
            deps.dedup();
            pending[p] = deps.len() as u32;
            for d in deps {
                self.dependants[d as usize].push(p as u32);
            }
        }
        let mut ready: Vec<u32> = (0..n as u32)
            .filter(|&p| pending[p as usize] == 0)
            .collect();
        while let Some(p) = ready.pop() {
            self.order.push(p);
            for &d in &self.dependants[p as usize] {
                pending[d as usize] -= 1;
                if pending[d as usize] == 0 {
                    ready.push(d);
                }
            }
        }
    }

    /// The technical Services a dependency cycle holds back.
    pub fn stuck(&self) -> impl Iterator<Item = u32> + '_ {
        let mut done = vec![false; self.services.len()];
        for &p in &self.order {
            done[p as usize] = true;
        }
        (0..self.services.len() as u32)
            .filter(move |&p| !done[p as usize] && self.technical[p as usize])
    }
}

/// Each CI with a cost and the Services that reach it: one walk per Service,
/// each CI counted once per Service.
fn ci_sharers(catalog: &Catalog, position: &[u32]) -> Vec<(Ix, Vec<u32>)> {
    let records = &catalog.repo.records;
    let costly: Vec<bool> = records
        .iter()
        .map(|r| r.spec.ci().is_some_and(|ci| ci.cost.is_some()))
        .collect();
    if !costly.contains(&true) {
        return Vec::new();
    }
    let mut sharers: Vec<Vec<u32>> = vec![Vec::new(); records.len()];
    let mut stamp = vec![u32::MAX; records.len()];
    let mut stack = Vec::new();
    for (s, &p) in position.iter().enumerate() {
        if p == u32::MAX {
            continue;
        }
        stack.extend(catalog.targets(s as Ix, Field::Cis));
        while let Some(v) = stack.pop() {
            if std::mem::replace(&mut stamp[v as usize], p) == p {
                continue;
            }
            if costly[v as usize] {
                sharers[v as usize].push(p);
            }
            stack.extend(catalog.targets(v, Field::DependsOn));
        }
    }
    (0..records.len())
        .filter(|&i| costly[i])
        .map(|i| (i as Ix, std::mem::take(&mut sharers[i])))
        .collect()
}

/// Each Supplier with a contract cost and the Services that name it.
fn supplier_sharers(catalog: &Catalog, position: &[u32]) -> Vec<(Ix, Vec<u32>)> {
    catalog
        .of_kind(Kind::Supplier)
        .filter(|&sup| {
            let spec = catalog.record(sup).spec.supplier();
            spec.and_then(|s| s.contract.as_ref()?.cost.as_ref())
                .is_some()
        })
        .map(|sup| {
            let mut sharers: Vec<u32> = catalog
                .sources(sup, Field::Suppliers)
                .map(|s| position[s as usize])
                .filter(|&p| p != u32::MAX)
                .collect();
            sharers.sort_unstable();
            sharers.dedup();
            (sup, sharers)
        })
        .collect()
}
