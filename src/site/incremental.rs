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

use super::Options;
use super::file::{self, File};
use super::pages::{self, Only, SlaRows};
use super::theme::Theme;
use crate::diag::Diagnostic;
use crate::link::{Catalog, Ix, Link};
use crate::model::RecordId;
use anyhow::Result;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A rendered site and what is needed to render it again after a change.
pub struct Site {
    options: Options,
    theme: Theme,
    catalog: Arc<Catalog>,
    /// Each Service's availability row, as JSON, by name.
    sla: HashMap<String, String>,
    /// The records each record's page read, by index in `catalog`.
    reads: Vec<Vec<Ix>>,
    /// The records each page of the kind lists read, by path.
    lists: HashMap<String, Vec<Ix>>,
    /// Each record's row of the search index, by index in `catalog`.
    search: Vec<String>,
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
    ) -> Result<(Site, Rendered)> {
        let theme = Theme::new(options.theme.clone(), options.live_reload)?;
        let rows = pages::sla_rows(&catalog, options.today);
        let all: Vec<Ix> = (0..catalog.repo.records.len() as Ix).collect();
        let search: Vec<String> = {
            use rayon::prelude::*;
            catalog
                .repo
                .records
                .par_iter()
                .map(super::search::row)
                .collect()
        };
        let only = Only {
            records: &all,
            lists: None,
            search: Some(super::search::assemble(&search)),
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
    ) -> Result<Rendered> {
        let same_options = options.today == self.options.today
            && options.theme == self.options.theme
            && options.live_reload == self.options.live_reload;
        let map = if same_options {
            same_records(&self.catalog, &catalog)
        } else {
            None
        };
        let Some(map) = map else {
            let (site, rendered) = Site::render(catalog, diagnostics, options)?;
            *self = site;
            return Ok(rendered);
        };
        let old = &self.catalog;
        let rows = pages::sla_rows(&catalog, options.today);
        let sla = sla_json(&rows);
        // Touched records, by their index in the new catalogue.
        let mut touched = vec![false; map.len()];
        for (i, &j) in map.iter().enumerate() {
            let r = catalog.record(j);
            touched[j as usize] = changed.contains(&r.id)
                || !same_links(&old.out[i], &catalog.out[j as usize], &map)
                || !same_links(&old.inc[i], &catalog.inc[j as usize], &map)
                || self.sla.get(&*r.id.name) != sla.get(&*r.id.name);
        }
        let again: Vec<Ix> = map
            .iter()
            .enumerate()
            .filter(|&(i, &j)| {
                touched[j as usize]
                    || self.reads[i]
                        .iter()
                        .any(|&r| touched[map[r as usize] as usize])
            })
            .map(|(_, &j)| j)
            .collect();
        let is_touched = |reads: &[Ix]| reads.iter().any(|&r| touched[map[r as usize] as usize]);
        let lists: HashSet<String> = self
            .lists
            .iter()
            .filter(|(_, reads)| is_touched(reads))
            .map(|(path, _)| path.clone())
            .collect();
        let mut search = vec![String::new(); map.len()];
        for (i, &j) in map.iter().enumerate() {
            let r = catalog.record(j);
            search[j as usize] = if changed.contains(&r.id) {
                super::search::row(r)
            } else {
                std::mem::take(&mut self.search[i])
            };
        }
        let only = Only {
            records: &again,
            lists: Some(&lists),
            search: Some(super::search::assemble(&search)),
        };
        let (files, read) = render_files(&catalog, diagnostics, options, &self.theme, &rows, only)?;
        let mut reads = vec![Vec::new(); map.len()];
        for (i, &j) in map.iter().enumerate() {
            reads[j as usize] = self.reads[i].iter().map(|&r| map[r as usize]).collect();
        }
        let pages = read.records.len();
        for (j, r) in read.records {
            reads[j as usize] = r;
        }
        for reads in self.lists.values_mut() {
            for r in reads.iter_mut() {
                *r = map[*r as usize];
            }
        }
        self.lists.extend(read.lists);
        self.search = search;
        self.reads = reads;
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
}

/// Renders the pages of `only` and the other pages, with what each record page read.
fn render_files(
    catalog: &Catalog,
    diagnostics: &[Diagnostic],
    options: &Options,
    theme: &Theme,
    rows: &SlaRows,
    only: Only<'_>,
) -> Result<(Vec<File>, pages::Reads)> {
    let (files, (_, reads)) = file::collect(|sink| {
        pages::render_some(
            catalog,
            diagnostics,
            options.today,
            theme,
            rows,
            Some(only),
            sink,
        )
    })?;
    Ok((files, reads))
}

fn sla_json(rows: &SlaRows) -> HashMap<String, String> {
    rows.iter()
        .map(|(k, v)| (k.clone(), serde_json::to_string(v).unwrap_or_default()))
        .collect()
}

/// When both catalogues hold the same records (by identity, each once): the
/// index in `new` of each record of `old`.
fn same_records(old: &Catalog, new: &Catalog) -> Option<Vec<Ix>> {
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
        map.push(j);
    }
    Some(map)
}

/// Whether two lists of links are the same, once the old indexes are mapped to the new.
fn same_links(old: &[Link], new: &[Link], map: &[Ix]) -> bool {
    old.len() == new.len()
        && old.iter().zip(new).all(|(a, b)| {
            a.field == b.field
                && a.item == b.item
                && map[a.from as usize] == b.from
                && map[a.to as usize] == b.to
        })
}
