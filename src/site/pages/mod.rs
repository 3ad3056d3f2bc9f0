//! What each page shows, computed from the catalogue, then rendered with the
//! theme: a module per page or kind of page. Every string from a record reaches
//! the templates as plain text (they escape it); only HTML built here (escaped)
//! or by [`super::markdown`] is marked safe.

mod about;
mod approvals;
mod attention;
mod audit;
mod calendar;
mod capacity;
mod catalogue;
mod changes;
mod ci;
mod columns;
mod context;
mod continuity;
mod coverage;
mod customer;
mod graph;
mod home;
mod ics;
mod impact;
mod kinds;
mod management;
mod pager;
mod panel;
mod problem;
mod record;
mod registers;
mod related;
mod resolution;
mod schedule;
mod service;
mod sla;
mod sla_targets;
mod stamp;
mod team;
mod track;
mod window;

pub(in crate::site) use context::plural;
pub(super) use context::{SlaRows, sla_rows};

use super::file::{File, Sink};
use super::search;
use super::theme::{Theme, ThemeError};
use super::{BuildError, Options};
use crate::diag::Diagnostic;
use crate::link::{Catalog, Ix};
use context::{Cx, Shared};
use rayon::prelude::*;
use std::collections::HashSet;
use track::Noted;

/// Renders every page and asset, handing each file to `sink` as soon as it is
/// ready (pages render in parallel); returns how many files there were.
pub fn render(
    catalog: &Catalog,
    diagnostics: &[Diagnostic],
    options: &Options,
    theme: &Theme,
    sink: Sink<'_>,
) -> Result<usize, BuildError> {
    let sla = sla_rows(catalog, options.today);
    let (n, _) = render_some(catalog, diagnostics, options, theme, &sla, None, sink)?;
    Ok(n)
}

/// What to render of a site whose other pages are known (for `itsm serve`).
pub(super) struct Only<'a> {
    /// The records whose pages are rendered.
    pub records: &'a [Ix],
    /// The pages of the kind lists rendered (by path); all when `None`.
    pub lists: Option<&'a HashSet<String>>,
    /// The files of the search index, when already known.
    pub search: Option<Vec<File>>,
}

/// The records each rendered page read: record pages by record, list pages by path.
#[derive(Default)]
pub(super) struct Reads {
    pub records: Vec<PageReads>,
    pub lists: Vec<(String, Vec<Ix>)>,
}

/// A record page and the records it read.
pub(super) type PageReads = (Ix, Vec<Ix>);

/// Renders the pages of `only` (every page when `None`) and every other page
/// and asset. With `only`, also returns for each record page and list page the
/// records it read (itself, its neighbours, what it links to: every record
/// whose content or links the page shows), to know which pages a change touches.
pub(super) fn render_some(
    catalog: &Catalog,
    diagnostics: &[Diagnostic],
    options: &Options,
    theme: &Theme,
    sla: &SlaRows,
    only: Option<Only<'_>>,
    sink: Sink<'_>,
) -> Result<(usize, Reads), BuildError> {
    let shared = Shared::new(catalog, options, sla, theme)?;
    let track = only.is_some();
    let (records, lists, search_index) = match only {
        Some(o) => (Some(o.records), o.lists, o.search),
        None => (None, None, None),
    };
    // The other pages render beside the record pages (some are large: the
    // catalogue, the search index).
    let (pages, (singles, lists)) = rayon::join(
        || shared.record_pages(catalog, records, sink),
        || {
            rayon::join(
                || shared.other_pages(diagnostics, search_index),
                || shared.kind_lists(track, lists),
            )
        },
    );
    let (mut n, records) = pages?;
    for f in singles? {
        sink(f)?;
        n += 1;
    }
    let mut list_reads = Vec::new();
    for (f, reads) in lists? {
        if track {
            list_reads.push((f.path.clone(), reads));
        }
        sink(f)?;
        n += 1;
    }
    let lists = list_reads;
    Ok((n, Reads { records, lists }))
}

impl Shared<'_> {
    /// Renders the pages of the records `only` of `catalog`, noting what each
    /// read, or of every record (nothing noted), handing each to `sink`: how
    /// many, and what each read.
    fn record_pages(
        &self,
        catalog: &Catalog,
        only: Option<&[Ix]>,
        sink: Sink<'_>,
    ) -> Result<(usize, Vec<PageReads>), BuildError> {
        let named = |i: &Ix| !catalog.record(*i).id.name.is_empty();
        let Some(only) = only else {
            let n = (0..catalog.repo.records.len() as Ix)
                .into_par_iter()
                .filter(named)
                .map(|i| Ok(sink(self.cx(None).record_page(i)?).map(|()| 1)?))
                .sum::<Result<usize, BuildError>>()?;
            return Ok((n, Vec::new()));
        };
        let pages: Vec<PageReads> = only
            .par_iter()
            .copied()
            .filter(named)
            .map(|i| {
                let noted = Noted::default();
                let file = self.cx(Some(&noted)).record_page(i)?;
                sink(file)?;
                Ok((i, noted.into_sorted()))
            })
            .collect::<Result<_, BuildError>>()?;
        Ok((pages.len(), pages))
    }

    /// Every page and asset other than the record pages and the kind lists,
    /// each rendered on its own (in parallel). `search_index` is the index when
    /// already known.
    fn other_pages(
        &self,
        diagnostics: &[Diagnostic],
        search_index: Option<Vec<File>>,
    ) -> Result<Vec<File>, ThemeError> {
        type Job<'j> = Box<dyn FnOnce(Cx<'_>) -> Result<Vec<File>, ThemeError> + Send + 'j>;
        // Shown by the coverage page and the home page.
        let coverage = &self.cx(None).coverage_report(diagnostics)?;
        let mut jobs: Vec<Job<'_>> = vec![
            Box::new(|cx| Ok(vec![cx.home(diagnostics, coverage)?])),
            Box::new(|cx| cx.catalogue()),
            Box::new(|cx| cx.changes()),
            Box::new(|cx| Ok(vec![cx.coverage(coverage)?])),
            Box::new(|cx| Ok(vec![cx.whole_graph()?])),
            Box::new(|cx| Ok(vec![cx.search_page()?])),
            Box::new(|cx| Ok(vec![cx.sla_page()?, cx.capacity_page()?])),
            Box::new(|cx| cx.theme.assets()),
            Box::new(move |cx| Ok(search_index.unwrap_or_else(|| search::index(cx.catalog.all())))),
        ];
        if self.has_management_system() {
            jobs.push(Box::new(|cx| {
                Ok(vec![
                    cx.management_system()?,
                    cx.actions_page()?,
                    cx.risks_page()?,
                    cx.objectives_page()?,
                ])
            }));
        }
        let files: Vec<Vec<File>> = jobs
            .into_par_iter()
            .map(|job| job(self.cx(None)))
            .collect::<Result<_, ThemeError>>()?;
        Ok(files.into_iter().flatten().collect())
    }
}

impl Cx<'_> {
    fn search_page(&self) -> Result<File, ThemeError> {
        self.page(
            "search.html".into(),
            "search.html",
            "Search",
            minijinja::context! {},
        )
    }
}
