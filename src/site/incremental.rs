//! Incremental rendering for `itsm serve`: after a change to a few records,
//! only the pages that show them are rendered again.
//!
//! Every record page notes, while it renders, the records it read (itself, the
//! records it lists or links to, the records whose links it follows). On the
//! next build the records whose content may have changed (those of the files
//! read again) and the records whose links changed (matched by identity, not
//! by index) are "touched"; a record page is rendered again when it read a
//! touched record, or shows a Service whose availability changed. The other
//! pages (home, catalogue, changes, coverage, graph, search, kind lists, the
//! search index and the assets) are rendered every time. When the set of
//! records changes (every page shows the counts per kind), or the options do,
//! everything is rendered.

use super::BuildError;
use super::Options;
use super::file::{self, File};
use super::pages::{self, Only, SlaRows};
use super::theme::Theme;
use crate::diag::Diagnostic;
use crate::link::{Catalog, Ix, Link};
use crate::model::RecordId;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A rendered site and what is needed to render it again after a change.
pub struct Site {
    options: Options,
    theme: Theme,
    catalog: Arc<Catalog>,
    /// Each Service's availability row, as JSON, by name.
    sla: HashMap<String, String>,
    /// The records each record's page read, by index in `catalog` (on the
    /// next update, the last catalogue: [`Old`]).
    reads: Vec<Vec<Ix>>,
    /// The records each page of the kind lists read (by index in `catalog`), by path.
    lists: HashMap<String, Vec<Ix>>,
    /// What the search index holds of each record, by index in `catalog`.
    search: Vec<super::search::Entry>,
}

/// What a render gave: the files rendered (every file of the site on a full
/// render, else the pages rendered again and the other pages).
pub struct Rendered {
    pub files: Vec<File>,
    /// Whether `files` is the whole site.
    pub full: bool,
    /// Record pages rendered.
    pub pages: usize,
}

impl Site {
    /// Renders the whole site.
    pub fn render(
        catalog: Arc<Catalog>,
        diagnostics: &[Diagnostic],
        options: &Options,
    ) -> Result<(Site, Rendered), BuildError> {
        let theme = Theme::new(options.theme.clone(), options.live_reload)?;
        let rows = pages::sla_rows(&catalog, options.today);
        let all: Vec<Ix> = (0..catalog.repo.records.len() as Ix).collect();
        let search: Vec<super::search::Entry> = {
            use rayon::prelude::*;
            catalog
                .repo
                .records
                .par_iter()
                .map(super::search::entry)
                .collect()
        };
        let only = Only {
            records: &all,
            lists: None,
            search: Some(super::search::files(&search)),
        };
        let (files, read) = render_files(&catalog, diagnostics, options, &theme, &rows, only)?;
        let mut reads = vec![Vec::new(); all.len()];
        let pages = read.records.len();
        for (ix, r) in read.records {
            reads[ix as usize] = r;
        }
        let site = Site {
            options: options.clone(),
            theme,
            sla: sla_json(&rows),
            catalog,
            reads,
            lists: read.lists.into_iter().collect(),
            search,
        };
        Ok((
            site,
            Rendered {
                files,
                full: true,
                pages,
            },
        ))
    }

    /// Renders the site of `catalog`, the same catalogue as the last render but
    /// for the records `changed` (by identity: every record of the files read
    /// again, as they were and as they are). Renders everything when the set
    /// of records or the options changed.
    pub fn update(
        &mut self,
        catalog: Arc<Catalog>,
        diagnostics: &[Diagnostic],
        options: &Options,
        changed: &HashSet<RecordId>,
    ) -> Result<Rendered, BuildError> {
        let same_options = options.today == self.options.today
            && options.commit == self.options.commit
            && options.theme == self.options.theme
            && options.live_reload == self.options.live_reload;
        let map = if same_options {
            Renumbering::between(&self.catalog, &catalog)
        } else {
            None
        };
        let Some(map) = map else {
            let (site, rendered) = Site::render(catalog, diagnostics, options)?;
            *self = site;
            return Ok(rendered);
        };
        let rows = pages::sla_rows(&catalog, options.today);
        let sla = sla_json(&rows);
        let touched = self.touched(&catalog, &map, changed, &sla);
        let again = self.pages_again(&map, &touched);
        let lists = self.lists_again(&map, &touched);
        self.search = self.search_rows(&catalog, &map, changed);
        let only = Only {
            records: &again,
            lists: Some(&lists),
            search: Some(super::search::files(&self.search)),
        };
        let (files, read) = render_files(&catalog, diagnostics, options, &self.theme, &rows, only)?;
        let pages = self.renumber(&map, read);
        self.sla = sla;
        let old = std::mem::replace(&mut self.catalog, catalog);
        // Freeing every record of the last catalogue takes a while: not on the way to the reload.
        std::thread::spawn(move || drop(old));
        Ok(Rendered {
            files,
            full: false,
            pages,
        })
    }

    /// Which records of `catalog` changed since the last render: those of the
    /// files read again, those whose links changed and the Services whose
    /// availability changed.
    fn touched(
        &self,
        catalog: &Catalog,
        map: &Renumbering,
        changed: &HashSet<RecordId>,
        sla: &HashMap<String, String>,
    ) -> Touched {
        let old = &self.catalog;
        let mut touched = Touched(vec![false; map.0.len()]);
        for (i, j) in map.pairs() {
            let r = catalog.record(j.0);
            touched.0[j.0 as usize] = changed.contains(&r.id)
                || !same_links(&old.out[i.0 as usize], &catalog.out[j.0 as usize], map)
                || !same_links(&old.inc[i.0 as usize], &catalog.inc[j.0 as usize], map)
                || self.sla.get(&*r.id.name) != sla.get(&*r.id.name);
        }
        touched
    }

    /// The records (by index in the new catalogue) whose pages show a touched record.
    fn pages_again(&self, map: &Renumbering, touched: &Touched) -> Vec<Ix> {
        map.pairs()
            .filter(|&(i, j)| touched.at(j) || touched.any(&self.reads[i.0 as usize], map))
            .map(|(_, j)| j.0)
            .collect()
    }

    /// The pages of the kind lists that show a touched record.
    fn lists_again(&self, map: &Renumbering, touched: &Touched) -> HashSet<String> {
        self.lists
            .iter()
            .filter(|(_, reads)| touched.any(reads, map))
            .map(|(path, _)| path.clone())
            .collect()
    }

    /// What the search index holds of each record, by index in `catalog`: made
    /// again for the records `changed`, taken from the last render for the others.
    fn search_rows(
        &mut self,
        catalog: &Catalog,
        map: &Renumbering,
        changed: &HashSet<RecordId>,
    ) -> Vec<super::search::Entry> {
        let mut search = vec![super::search::Entry::default(); map.0.len()];
        for (i, j) in map.pairs() {
            let r = catalog.record(j.0);
            search[j.0 as usize] = if changed.contains(&r.id) {
                super::search::entry(r)
            } else {
                std::mem::take(&mut self.search[i.0 as usize])
            };
        }
        search
    }

    /// Keeps what each page read, by index in the new catalogue: for the pages
    /// rendered, what they read now (`read`); for the others, what they read
    /// before. The number of record pages rendered.
    fn renumber(&mut self, map: &Renumbering, read: pages::Reads) -> usize {
        let renumbered =
            |reads: &[Ix]| -> Vec<Ix> { reads.iter().map(|&r| map.to_new(Old(r)).0).collect() };
        let mut reads = vec![Vec::new(); map.0.len()];
        for (i, j) in map.pairs() {
            reads[j.0 as usize] = renumbered(&self.reads[i.0 as usize]);
        }
        let pages = read.records.len();
        for (j, r) in read.records {
            reads[j as usize] = r;
        }
        for reads in self.lists.values_mut() {
            *reads = renumbered(reads);
        }
        self.lists.extend(read.lists);
        self.reads = reads;
        pages
    }
}

/// Renders the pages of `only` and the other pages, with what each record page read.
fn render_files(
    catalog: &Catalog,
    diagnostics: &[Diagnostic],
    options: &Options,
    theme: &Theme,
    rows: &SlaRows,
    only: Only<'_>,
) -> Result<(Vec<File>, pages::Reads), BuildError> {
    let (files, (_, reads)) = file::collect(|sink| {
        pages::render_some(catalog, diagnostics, options, theme, rows, Some(only), sink)
    })?;
    Ok((files, reads))
}

fn sla_json(rows: &SlaRows) -> HashMap<String, String> {
    rows.iter()
        .map(|(k, v)| (k.clone(), serde_json::to_string(v).unwrap_or_default()))
        .collect()
}

/// A record's index in the catalogue of the last render.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Old(Ix);

/// A record's index in the catalogue being rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct New(Ix);

/// Where each record of the last catalogue is in the new one: indexes differ
/// when files were read again in another order.
struct Renumbering(Vec<New>);

impl Renumbering {
    /// When both catalogues hold the same records (by identity, each once).
    fn between(old: &Catalog, new: &Catalog) -> Option<Renumbering> {
        let n = old.repo.records.len();
        if new.repo.records.len() != n {
            return None;
        }
        let mut taken = vec![false; n];
        let mut map = Vec::with_capacity(n);
        for r in &old.repo.records {
            let j = new.find(r.id.kind, &r.id.name)?;
            if new.record(j).id != r.id || std::mem::replace(&mut taken[j as usize], true) {
                return None;
            }
            map.push(New(j));
        }
        Some(Renumbering(map))
    }

    /// The index in the new catalogue of the record at `old` in the last one.
    fn to_new(&self, old: Old) -> New {
        self.0[old.0 as usize]
    }

    /// Each record, at its index in the last catalogue and in the new one.
    fn pairs(&self) -> impl Iterator<Item = (Old, New)> + '_ {
        self.0.iter().enumerate().map(|(i, &j)| (Old(i as Ix), j))
    }
}

/// Whether each record (by index in the new catalogue) changed.
struct Touched(Vec<bool>);

impl Touched {
    fn at(&self, j: New) -> bool {
        self.0[j.0 as usize]
    }

    /// Whether any of `reads` (indexes in the last catalogue) changed.
    fn any(&self, reads: &[Ix], map: &Renumbering) -> bool {
        reads.iter().any(|&r| self.at(map.to_new(Old(r))))
    }
}

/// Whether two lists of links are the same, once the old indexes are mapped to the new.
fn same_links(old: &[Link], new: &[Link], map: &Renumbering) -> bool {
    old.len() == new.len()
        && old.iter().zip(new).all(|(a, b)| {
            a.field == b.field
                && a.item == b.item
                && map.to_new(Old(a.from)) == New(b.from)
                && map.to_new(Old(a.to)) == New(b.to)
        })
}
