//! What every page is rendered with: the catalogue as the page reads it, the
//! theme, what every page shows of the site, the link to each record.

use super::track::Tracked;
use crate::link::{Catalog, Ix};
use crate::model::Kind;
use crate::site::file::{File, page_path};
use crate::site::native;
use crate::site::theme::Theme;
use crate::site::view::Link;
use anyhow::Result;
use jiff::civil::Date;
use minijinja::Value as V;
use serde::Serialize;
use std::sync::OnceLock;

/// Entries of a list before it is cut ("and N more"), transitive lists included.
pub(super) const LIST_LIMIT: usize = 100;

/// Availability per Service name over its SLA's current window, as `itsm report sla`.
pub(in crate::site) type SlaRows =
    std::collections::HashMap<String, crate::report::sla::ServiceSla>;

/// The availability of every Service with an SLA, by name.
pub(in crate::site) fn sla_rows(catalog: &Catalog, today: Date) -> SlaRows {
    crate::report::sla::compute(catalog, None, today)
        .services
        .into_iter()
        .map(|s| (s.service.clone(), s))
        .collect()
}

/// What the pages of one render share.
pub(super) struct Cx<'a> {
    pub catalog: Tracked<'a>,
    pub today: Date,
    /// Availability per Service name over its SLA's current window, as `itsm report sla`.
    pub sla: &'a SlaRows,
    pub theme: &'a Theme,
    /// What every page shows of the site (built once, shared by every page).
    pub site: V,
    /// The default layout around record pages, when the theme keeps it.
    pub layout: Option<native::Layout>,
    /// The link to each record, made the first time a page shows it: a record
    /// is linked from many pages.
    links: &'a [OnceLock<Link>],
}

/// Room for the link to each record of `catalog`, made when first needed.
pub(super) fn links(catalog: &Catalog) -> Vec<OnceLock<Link>> {
    (0..catalog.repo.records.len())
        .map(|_| OnceLock::new())
        .collect()
}

impl<'a> Cx<'a> {
    /// The context of a render of `catalog`; `links` from [`links`].
    pub fn new(
        catalog: &'a Catalog,
        today: Date,
        sla: &'a SlaRows,
        theme: &'a Theme,
        links: &'a [OnceLock<Link>],
    ) -> Result<Cx<'a>> {
        let site = V::from_serialize(site_info(catalog, today));
        Ok(Cx {
            catalog: Tracked(catalog),
            today,
            sla,
            theme,
            layout: native::Layout::new(theme, &site)?,
            site,
            links,
        })
    }

    /// The link to record `ix`, made once per render.
    pub fn link(&self, ix: Ix) -> &'a Link {
        let r = self.catalog.record(ix);
        let links: &'a [OnceLock<Link>] = self.links;
        links[ix as usize].get_or_init(|| Link {
            path: page_path(&r.id).into(),
            title: r.title().into(),
            id: r.id.to_string().into(),
            kind: r.id.kind.name(),
        })
    }

    /// The page at `path` rendered with `template`, in the site's layout.
    pub fn page(&self, path: String, template: &str, title: &str, extra: V) -> Result<File> {
        let depth = path.matches('/').count();
        let ctx = minijinja::context! {
            site => self.site.clone(),
            root => "../".repeat(depth),
            title => title,
            path => &path,
            ..extra
        };
        let html = self.theme.render(template, ctx)?;
        Ok(File {
            path,
            bytes: html.into_bytes(),
        })
    }
}

/// What every page shows of the site: `site` in the templates.
#[derive(Serialize, Clone)]
struct SiteInfo {
    name: String,
    today: String,
    github: Option<String>,
    kinds: Vec<KindInfo>,
}

#[derive(Serialize, Clone)]
struct KindInfo {
    id: &'static str,
    name: &'static str,
    plural: &'static str,
    path: String,
    count: usize,
}

fn site_info(catalog: &Catalog, today: Date) -> SiteInfo {
    let mut counts = [0usize; Kind::ALL.len()];
    for r in &catalog.repo.records {
        counts[r.id.kind.index()] += 1;
    }
    SiteInfo {
        name: catalog.repo.config.name.clone(),
        today: today.to_string(),
        github: catalog.repo.config.github.clone(),
        kinds: Kind::ALL
            .iter()
            .map(|k| KindInfo {
                id: k.id(),
                name: k.name(),
                plural: plural(*k),
                path: format!("{}/index.html", k.id()),
                count: counts[k.index()],
            })
            .collect(),
    }
}

/// The name of a kind's records, as a title.
pub(super) fn plural(k: Kind) -> &'static str {
    match k {
        Kind::Team => "Teams",
        Kind::Service => "Services",
        Kind::Sla => "SLAs",
        Kind::Ci => "CIs",
        Kind::Supplier => "Suppliers",
        Kind::Policy => "Policies",
        Kind::StandardChange => "Standard changes",
        Kind::Change => "Changes",
        Kind::Incident => "Incidents",
        Kind::Problem => "Problems",
    }
}
