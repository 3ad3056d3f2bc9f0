//! The service catalogue (`catalogue.html`): every Service with its owner,
//! tier, lifecycle and SLA.

use super::context::Cx;
use super::record::string_map;
use crate::link::Ix;
use crate::model::{Field, Kind};
use crate::site::file::File;
use crate::site::view::Link;
use crate::value::Value;
use anyhow::Result;
use minijinja::Value as V;
use serde::Serialize;

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
    /// `catalogue.html`: Services by tier, then title.
    pub(super) fn catalogue(&self) -> Result<File> {
        let mut rows: Vec<ServiceRow> = self
            .catalog
            .of_kind(Kind::Service)
            .map(|s| self.service_row(s))
            .collect();
        rows.sort_by(|a, b| a.tier.cmp(&b.tier).then(a.link.title.cmp(&b.link.title)));
        self.page(
            "catalogue.html".into(),
            "catalogue.html",
            "Service catalogue",
            minijinja::context! { services => V::from_serialize(&rows) },
        )
    }

    fn service_row(&self, s: Ix) -> ServiceRow {
        let c = self.catalog;
        let r = c.record(s);
        let sla = c.targets(s, Field::Sla).next();
        ServiceRow {
            link: self.link(s).clone(),
            name: r.id.name.clone(),
            description: r.str("/metadata/description").unwrap_or("").to_string(),
            owner: c
                .targets(s, Field::Owner)
                .next()
                .map(|o| self.link(o).clone()),
            tier: r.get("/spec/tier").and_then(Value::as_i64).unwrap_or(0),
            lifecycle: r.str("/spec/lifecycle").unwrap_or("").to_string(),
            kind: r.str("/spec/type").unwrap_or("").to_string(),
            sla: sla.map(|i| self.link(i).clone()),
            target: sla
                .and_then(|i| c.record(i).get("/spec/availability"))
                .and_then(Value::as_f64)
                .map(|a| format!("{a}%")),
            labels: string_map(r.get("/metadata/labels"))
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}
