//! The service catalogue (`catalogue.html`, `catalogue-2.html`, ...): every
//! Service with its owner, tier, lifecycle and SLA, [`PER_PAGE`] a page.

use super::context::Cx;
use super::pager;
use super::record::string_map;
use crate::link::Ix;
use crate::model::{Field, Kind, Lifecycle, ServiceType};
use crate::site::file::File;
use crate::site::theme::ThemeError;
use crate::site::view::Link;
use minijinja::Value as V;
use serde::Serialize;

/// Services per page of the catalogue.
pub(super) const PER_PAGE: usize = 500;

#[derive(Serialize)]
struct ServiceRow {
    link: Link,
    name: String,
    description: String,
    owner: Option<Link>,
    tier: i64,
    lifecycle: String,
    kind: String,
    sla: Option<Link>,
    target: Option<String>,
    labels: String,
}

impl Cx<'_> {
    /// The pages of the catalogue: Services by tier, then title.
    pub(super) fn catalogue(&self) -> Result<Vec<File>, ThemeError> {
        let mut rows: Vec<ServiceRow> = self
            .catalog
            .of_kind(Kind::Service)
            .map(|s| self.service_row(s))
            .collect();
        rows.sort_by(|a, b| a.tier.cmp(&b.tier).then(a.link.title.cmp(&b.link.title)));
        let pages = rows.len().div_ceil(PER_PAGE).max(1);
        let mut chunks: Vec<&[ServiceRow]> = rows.chunks(PER_PAGE).collect();
        if chunks.is_empty() {
            chunks.push(&[]);
        }
        chunks
            .iter()
            .enumerate()
            .map(|(i, chunk)| {
                self.page(
                    pager::file("catalogue", i + 1),
                    "catalogue.html",
                    "Service catalogue",
                    minijinja::context! {
                        services => V::from_serialize(chunk),
                        page => i + 1, pages => pages,
                        pager => V::from_serialize(pager::links("catalogue", i + 1, pages)),
                    },
                )
            })
            .collect()
    }

    fn service_row(&self, s: Ix) -> ServiceRow {
        let c = self.catalog;
        let r = c.record(s);
        let spec = r.spec.service();
        let sla = c.targets(s, Field::Sla).next();
        ServiceRow {
            link: self.link(s).clone(),
            name: r.id.name.clone(),
            description: r.metadata("description").unwrap_or("").to_string(),
            owner: c
                .targets(s, Field::Owner)
                .next()
                .map(|o| self.link(o).clone()),
            tier: spec.and_then(|s| s.tier).map_or(0, |t| i64::from(t.get())),
            lifecycle: spec
                .and_then(|s| s.lifecycle)
                .map_or("", Lifecycle::as_str)
                .to_string(),
            kind: spec
                .and_then(|s| s.service_type)
                .map_or("", ServiceType::as_str)
                .to_string(),
            sla: sla.map(|i| self.link(i).clone()),
            target: sla
                .and_then(|i| c.record(i).spec.sla()?.availability)
                .map(|a| format!("{a}%")),
            labels: string_map(r.metadata_value("labels"))
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}
