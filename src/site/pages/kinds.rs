//! The lists of each kind's records (`service/index.html`, `index-2.html`,
//! ...), [`PER_PAGE`] records a page.

use super::columns::{self, Cell};
use super::context::{Cx, Shared, plural};
use super::pager;
use super::record::string_map;
use super::track::Noted;
use crate::link::Ix;
use crate::model::{
    ChangeStatus, ChangeType, CiLifecycle, CiType, Field, IncidentStatus, Kind, Lifecycle,
    ProblemStatus, ServiceType, Spec, Window,
};
use crate::site::file::File;
use crate::site::theme::ThemeError;
use crate::site::view::Link;
use minijinja::Value as V;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashSet;

/// Records per page of a kind's list.
pub(super) const PER_PAGE: usize = 500;

#[derive(Serialize)]
struct KindRow {
    link: Link,
    name: String,
    description: String,
    owner: Option<Link>,
    state: String,
    /// The kind's columns (see [`columns`]).
    cells: Vec<Cell>,
    /// The row's value of each filter, by key.
    filters: Vec<(&'static str, String)>,
    /// Its labels, `key=value`.
    labels: Vec<String>,
}

/// One page of a kind's list: the kind, its number (from 1), the number of
/// pages and the records on it.
struct ListPage {
    kind: Kind,
    n: usize,
    pages: usize,
    ixs: Vec<Ix>,
}

impl ListPage {
    fn path(&self) -> String {
        format!("{}/{}", self.kind.id(), page_name(self.n))
    }
}

impl Shared<'_> {
    /// The pages listing each kind's records (those of `only` when given), with
    /// the records each read when `track`.
    pub(super) fn kind_lists(
        &self,
        track: bool,
        only: Option<&HashSet<String>>,
    ) -> Result<Vec<(File, Vec<Ix>)>, ThemeError> {
        let mut jobs = self.list_pages();
        jobs.retain(|page| only.is_none_or(|o| o.contains(&page.path())));
        jobs.par_iter()
            .map(|page| {
                if !track {
                    return Ok((self.cx(None).kind_list(page)?, Vec::new()));
                }
                let noted = Noted::default();
                let file = self.cx(Some(&noted)).kind_list(page)?;
                Ok((file, noted.into_sorted()))
            })
            .collect()
    }

    /// Every page of every kind's list (one, empty, for a kind without records).
    fn list_pages(&self) -> Vec<ListPage> {
        let c = self.cx(None).catalog;
        let mut jobs = Vec::new();
        for kind in Kind::ALL {
            let mut ixs: Vec<Ix> = c
                .of_kind(kind)
                .filter(|i| !c.record(*i).id.name.is_empty())
                .collect();
            if ixs.is_empty() && !kind.is_catalogue() {
                continue;
            }
            ixs.sort_by(|a, b| c.record(*a).id.name.cmp(&c.record(*b).id.name));
            let pages = ixs.len().div_ceil(PER_PAGE).max(1);
            for (n, chunk) in ixs.chunks(PER_PAGE).enumerate() {
                let ixs = chunk.to_vec();
                jobs.push(ListPage {
                    kind,
                    n: n + 1,
                    pages,
                    ixs,
                });
            }
            if ixs.is_empty() {
                jobs.push(ListPage {
                    kind,
                    n: 1,
                    pages: 1,
                    ixs,
                });
            }
        }
        jobs
    }
}

impl Cx<'_> {
    fn kind_list(&self, page: &ListPage) -> Result<File, ThemeError> {
        let rows: Vec<KindRow> = page.ixs.iter().map(|i| self.kind_row(*i)).collect();
        let ListPage { kind, n, pages, .. } = *page;
        let values: Vec<_> = rows.iter().map(|r| r.filters.clone()).collect();
        let labels: Vec<String> = rows.iter().flat_map(|r| r.labels.clone()).collect();
        self.page(
            page.path(),
            "kind.html",
            plural(kind),
            minijinja::context! {
                kind => kind.name(),
                kind_id => kind.id(),
                rows => V::from_serialize(&rows),
                columns => V::from_serialize(columns::headers(kind)),
                filters => V::from_serialize(columns::filters(kind, &values, &labels)),
                page => n, pages => pages,
                pager => V::from_serialize(pager::links("index", n, pages)),
                prev => (n > 1).then(|| page_name(n - 1)),
                next => (n < pages).then(|| page_name(n + 1)),
            },
        )
    }

    fn kind_row(&self, i: Ix) -> KindRow {
        let c = self.catalog;
        let r = c.record(i);
        let (cells, filters) = self.cells(i);
        KindRow {
            cells,
            filters,
            labels: string_map(r.metadata_value("labels"))
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect(),
            link: self.link(i).clone(),
            name: r.id.name.clone(),
            description: r.metadata("description").unwrap_or("").to_string(),
            owner: c
                .targets(i, Field::Owner)
                .next()
                .map(|o| self.link(o).clone()),
            state: state(&r.spec).unwrap_or("").to_string(),
        }
    }
}

/// What a list shows of where a record stands: its lifecycle, else its
/// status, else its type, else its window (an SLA's).
fn state(spec: &Spec) -> Option<&'static str> {
    match spec {
        Spec::Service(s) => {
            (s.lifecycle.map(Lifecycle::as_str)).or(s.service_type.map(ServiceType::as_str))
        }
        Spec::Ci(s) => s
            .lifecycle
            .map(CiLifecycle::as_str)
            .or(s.ci_type.map(CiType::as_str)),
        Spec::Change(s) => {
            (s.status.map(ChangeStatus::as_str)).or(s.change_type.map(ChangeType::as_str))
        }
        Spec::Incident(s) => s.status.map(IncidentStatus::as_str),
        Spec::Problem(s) => s.status.map(ProblemStatus::as_str),
        Spec::Sla(s) => s.window.map(Window::as_str),
        Spec::Audit(s) => s
            .status
            .map(|st| st.as_str())
            .or(s.audit_type.map(|t| t.as_str())),
        Spec::Improvement(s) => {
            (s.status.map(|st| st.as_str())).or(s.improvement_type.map(|t| t.as_str()))
        }
        Spec::ManagementReview(s) => s.status.map(|st| st.as_str()),
        Spec::Objective(s) => s.status.map(|st| st.as_str()),
        Spec::Release(s) => s.status.map(|st| st.as_str()),
        Spec::Request(s) => s.status.map(|st| st.as_str()),
        Spec::Risk(s) => s.status.map(|st| st.as_str()),
        Spec::Team(_)
        | Spec::Supplier(_)
        | Spec::Policy(_)
        | Spec::StandardChange(_)
        | Spec::Framework(_)
        | Spec::Customer(_) => None,
    }
}

/// The file of page `n` of a kind's list.
fn page_name(n: usize) -> String {
    pager::file("index", n)
}
