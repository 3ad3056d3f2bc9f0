//! What every page is rendered with: the catalogue as the page reads it, the
//! theme, what every page shows of the site, the link to each record.

use super::track::{Noted, Tracked};
use super::window::Overlaps;
use crate::link::{Catalog, Ix};
use crate::model::Kind;
use crate::site::evidence::Evidence;
use crate::site::file::{File, page_path};
use crate::site::theme::Theme;
use crate::site::theme::ThemeError;
use crate::site::view::Link;
use crate::site::{Options, native};
use jiff::civil::Date;
use minijinja::Value as V;
use serde::Serialize;
use std::sync::OnceLock;

/// Entries of a list before it is cut ("and N more"), transitive lists included.
pub(super) const LIST_LIMIT: usize = 100;

/// Windows of a Service's SLA history (`itsm report sla`, window by window).
pub(in crate::site) const SLA_WINDOWS: usize = 12;

/// Availability per Service name, as `itsm report sla`: over its SLA's current
/// window, and over its last [`SLA_WINDOWS`] windows; and the breaches of the
/// current windows.
pub(in crate::site) struct SlaRows {
    rows: std::collections::HashMap<String, SlaRow>,
    /// Every breach of `itsm report sla` over the current windows (Incidents
    /// and request fulfilment), Service by Service.
    pub breaches: Vec<crate::report::sla::Breach>,
}

/// A Service's availability, as `itsm report sla` computes it.
#[derive(serde::Serialize)]
pub(in crate::site) struct SlaRow {
    /// Over its SLA's current window.
    pub current: crate::report::sla::ServiceSla,
    /// Over its last [`SLA_WINDOWS`] windows, window by window.
    pub history: Option<crate::report::sla::ServiceSla>,
}

impl SlaRows {
    /// The row of the Service named `service`, when it has an SLA.
    pub fn get(&self, service: &str) -> Option<&SlaRow> {
        self.rows.get(service)
    }

    /// Every row, by Service name, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &SlaRow)> {
        self.rows.iter()
    }
}

/// The availability of every Service with an SLA, by name.
pub(in crate::site) fn sla_rows(catalog: &Catalog, today: Date) -> SlaRows {
    use crate::report::sla;
    let (current, history) = rayon::join(
        || sla::compute(catalog, None, today),
        || sla::history(catalog, today, SLA_WINDOWS),
    );
    let mut history: std::collections::HashMap<String, sla::ServiceSla> = history
        .into_iter()
        .map(|s| (s.service.clone(), s))
        .collect();
    let rows = current
        .services
        .into_iter()
        .map(|s| {
            let history = history.remove(&s.service);
            (
                s.service.clone(),
                SlaRow {
                    current: s,
                    history,
                },
            )
        })
        .collect();
    SlaRows {
        rows,
        breaches: current.breaches,
    }
}

/// What the pages of one render share (made once, used from every thread).
pub(super) struct Shared<'a> {
    catalog: &'a Catalog,
    today: Date,
    sla: &'a SlaRows,
    theme: &'a Theme,
    /// The number of records of each kind, by [`Kind::index`].
    counts: [usize; Kind::ALL.len()],
    /// What every page shows of the site.
    site: V,
    /// The default layout around record pages, when the theme keeps it.
    layout: Option<native::Layout>,
    /// The link to each record, made the first time a page shows it: a record
    /// is linked from many pages.
    links: Vec<OnceLock<Link>>,
    /// The history of the Changes.
    evidence: &'a Evidence,
    /// The overlapping windows, found the first time a page shows them.
    overlaps: OnceLock<Overlaps>,
    /// The web address of GitHub (`https://github.com`).
    github_url: &'a str,
}

impl<'a> Shared<'a> {
    /// What the pages of a render of `catalog` share.
    pub fn new(
        catalog: &'a Catalog,
        options: &'a Options,
        sla: &'a SlaRows,
        theme: &'a Theme,
    ) -> Result<Shared<'a>, ThemeError> {
        let counts = kind_counts(catalog);
        let site = V::from_serialize(site_info(catalog, options, &counts));
        Ok(Shared {
            catalog,
            today: options.today,
            sla,
            theme,
            counts,
            layout: native::Layout::new(theme, &site)?,
            site,
            links: (0..catalog.repo.records.len())
                .map(|_| OnceLock::new())
                .collect(),
            evidence: &options.evidence,
            overlaps: OnceLock::new(),
            github_url: &options.github_url,
        })
    }

    /// Whether the repository holds a record of the management system (and
    /// the site its pages).
    pub fn has_management_system(&self) -> bool {
        super::management::KINDS
            .iter()
            .any(|k| self.catalog.of_kind(*k).next().is_some())
    }

    /// The context of one page, which reads the catalogue noting what it reads
    /// in `noted` (when the page is tracked).
    pub fn cx<'p>(&'p self, noted: Option<&'p Noted>) -> Cx<'p> {
        Cx {
            catalog: Tracked::new(self.catalog, noted),
            today: self.today,
            sla: self.sla,
            theme: self.theme,
            counts: &self.counts,
            site: &self.site,
            layout: self.layout.as_ref(),
            links: &self.links,
            evidence: self.evidence,
            overlaps: &self.overlaps,
            github_url: self.github_url,
        }
    }
}

/// What a page is rendered with: the catalogue only as it reads it.
#[derive(Clone, Copy)]
pub(super) struct Cx<'a> {
    pub catalog: Tracked<'a>,
    pub today: Date,
    /// Availability per Service name over its SLA's current window, as `itsm report sla`.
    pub sla: &'a SlaRows,
    pub theme: &'a Theme,
    counts: &'a [usize; Kind::ALL.len()],
    /// What every page shows of the site.
    pub site: &'a V,
    /// The default layout around record pages, when the theme keeps it.
    pub layout: Option<&'a native::Layout>,
    links: &'a [OnceLock<Link>],
    /// The history of the Changes (approval evidence on their pages).
    pub evidence: &'a Evidence,
    overlaps: &'a OnceLock<Overlaps>,
    /// The web address of GitHub (`https://github.com`).
    pub github_url: &'a str,
}

impl<'a> Cx<'a> {
    /// The repository's address on GitHub (`https://github.com/OWNER/REPO`),
    /// when `github` is set in itsm.yaml; to be escaped where it goes.
    pub fn repo_url(&self) -> Option<String> {
        let repo = self.catalog.config().github.as_deref()?;
        Some(format!("{}/{repo}", self.github_url))
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

    /// The number of records of `kind` (the same for every page, as
    /// [`Tracked::of_kind`](super::track::Tracked::of_kind)).
    pub fn kind_count(&self, kind: Kind) -> usize {
        self.counts[kind.index()]
    }

    /// The windows that overlap each scheduled Change, found once per render.
    pub fn overlaps(&self) -> &'a Overlaps {
        let catalog = self.catalog.unnoted();
        self.overlaps
            .get_or_init(|| Overlaps::of(Tracked::new(catalog, None)))
    }

    /// The page at `path` rendered with `template`, in the site's layout.
    pub fn page(
        &self,
        path: String,
        template: &str,
        title: &str,
        extra: V,
    ) -> Result<File, ThemeError> {
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
    /// The short id of the commit the site is built from (`None`: not a git checkout).
    commit: Option<String>,
    /// The print stylesheet that puts the site name, the build date and the
    /// commit on every printed page (CSS whose strings are escaped).
    print_css: String,
    github: Option<String>,
    kinds: Vec<KindInfo>,
    /// The repository holds a record of the management system (Objectives,
    /// Risks, Audits, ManagementReviews, Improvements): the site has its pages.
    management: bool,
}

#[derive(Serialize, Clone)]
struct KindInfo {
    id: &'static str,
    name: &'static str,
    plural: &'static str,
    path: String,
    count: usize,
}

/// The number of records of each kind, by [`Kind::index`].
fn kind_counts(catalog: &Catalog) -> [usize; Kind::ALL.len()] {
    let mut counts = [0usize; Kind::ALL.len()];
    for r in &catalog.repo.records {
        counts[r.id.kind.index()] += 1;
    }
    counts
}

fn site_info(catalog: &Catalog, options: &Options, counts: &[usize]) -> SiteInfo {
    let name = &catalog.repo.config.name;
    let today = options.today.to_string();
    SiteInfo {
        print_css: super::stamp::print_css(name, &today, options.commit.as_deref()),
        name: name.clone(),
        today,
        commit: options.commit.clone(),
        github: catalog.repo.config.github.clone(),
        management: super::management::KINDS
            .iter()
            .any(|k| counts[k.index()] > 0),
        kinds: Kind::ALL
            .iter()
            .filter(|k| k.is_catalogue() || counts[k.index()] > 0)
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
pub(in crate::site) fn plural(k: Kind) -> &'static str {
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
        Kind::Objective => "Objectives",
        Kind::Risk => "Risks",
        Kind::Audit => "Audits",
        Kind::ManagementReview => "Management reviews",
        Kind::Improvement => "Improvements",
        Kind::Framework => "Frameworks",
        Kind::Release => "Releases",
        Kind::Customer => "Customers",
        Kind::Request => "Requests",
    }
}
