//! What a CI's page shows besides its fields: the Services it supports and its
//! dependencies, both ways.

use super::context::{Cx, LIST_LIMIT};
use super::related::{dedup, reach};
use crate::link::Ix;
use crate::model::{Field, Kind};
use crate::site::view::Section;

impl<'a> Cx<'a> {
    /// The lists of a CI's page.
    pub(super) fn ci_sections(&self, ix: Ix) -> Vec<Section<'a>> {
        let c = self.catalog;
        // CIs that depend on this one (transitively), then the Services using any of them.
        let above = reach(ix, |v| {
            c.sources(v, Field::DependsOn)
                .filter(|s| c.record(*s).id.kind == Kind::Ci)
                .collect()
        });
        let mut cis: Vec<Ix> = vec![ix];
        cis.extend(above.iter().map(|(i, _)| *i));
        let mut services: Vec<Ix> = cis
            .iter()
            .flat_map(|ci| c.sources(*ci, Field::Cis))
            .collect();
        dedup(&mut services);
        let deps = reach(ix, |v| c.targets(v, Field::DependsOn).collect());
        let mut supports = self.section("Supports (Services)".into(), services, |_| String::new());
        supports.cut |= above.len() > LIST_LIMIT;
        vec![
            supports,
            self.reached("Depends on (transitively)", &deps, self.via(&deps)),
            self.reached("Depended on by (transitively)", &above, self.via(&above)),
        ]
    }
}
