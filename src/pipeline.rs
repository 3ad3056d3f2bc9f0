//! The whole pipeline in one call: load -> schema -> link -> checks, with every
//! finding positioned and sorted.

use crate::checks;
use crate::diag::Diagnostic;
use crate::link::{self, Catalog};
use crate::load::{self, LoadError, Source};
use crate::schema::Schemas;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A checked repository: the linked catalogue and every finding.
pub struct Checked {
    pub catalog: Arc<Catalog>,
    pub diagnostics: Vec<Diagnostic>,
    /// How long each stage took, in order (for `-v`).
    pub timings: Vec<(&'static str, Duration)>,
}

/// Loads, validates, links and checks the repository at `root`.
pub fn check(root: &Path, source: &Source, options: checks::Options) -> Result<Checked, LoadError> {
    check_with(root, source, options, |_| (), |()| ()).map(|(checked, ())| checked)
}

/// [`check`], and meanwhile something derived from the loaded repository:
/// `derive` reads it while the schema stage runs, then `finish` turns what it
/// gave into the result while the link and check stages run (on two cores,
/// each side gets one). Used by the approval gate, which builds the base
/// revision from the head it checks.
pub fn check_with<A, R>(
    root: &Path,
    source: &Source,
    options: checks::Options,
    derive: impl FnOnce(&load::Repository) -> A + Send,
    finish: impl FnOnce(A) -> R + Send,
) -> Result<(Checked, R), LoadError>
where
    A: Send,
    R: Send,
{
    let mut diags = Vec::new();
    let mut laps = Laps::default();
    // The schemas compile while the files load.
    let (schemas, repo) = rayon::join(Schemas::get, || load::load(root, source, &mut diags));
    let repo = repo?;
    laps.lap("load");
    let (found, derived) =
        rayon::join(|| crate::schema::validate(&repo, schemas), || derive(&repo));
    diags.extend(found);
    laps.lap("schema");
    let (catalog, result) = rayon::join(
        || link_and_check(repo, options, &mut diags, &mut laps),
        || finish(derived),
    );
    Ok((
        Checked {
            catalog,
            diagnostics: diags,
            timings: laps.timings,
        },
        result,
    ))
}

/// What [`check`] gives for the working tree, from the files of `cache` (only
/// the files read again since the last call are validated against the schemas):
/// `itsm serve` reads again only the files that changed.
pub fn check_cached(cache: &mut load::Cache, options: checks::Options) -> Checked {
    let mut laps = Laps::default();
    let schemas = Schemas::get();
    cache.validate(
        |record| crate::schema::record(record, schemas),
        |value, file| crate::schema::config(value, file, schemas),
    );
    laps.lap("schema");
    let mut diags = Vec::new();
    let repo = cache.repository(&mut diags);
    laps.lap("assemble");
    let catalog = link_and_check(repo, options, &mut diags, &mut laps);
    Checked {
        catalog,
        diagnostics: diags,
        timings: laps.timings,
    }
}

/// The stages after loading and validation: link, checks, then every finding
/// positioned and sorted.
fn link_and_check(
    repo: load::Repository,
    options: checks::Options,
    diags: &mut Vec<Diagnostic>,
    laps: &mut Laps,
) -> Arc<Catalog> {
    let catalog = Arc::new(link::link(repo, diags));
    laps.lap("link");
    checks::run(&catalog, options, diags);
    laps.lap("checks");
    load::locate_all(&catalog.repo.files, diags);
    sort(&catalog, diags);
    laps.lap("locate");
    catalog
}

/// How long each stage took, for `-v`.
struct Laps {
    clock: Instant,
    timings: Vec<(&'static str, Duration)>,
}

impl Default for Laps {
    fn default() -> Laps {
        Laps {
            clock: Instant::now(),
            timings: Vec::new(),
        }
    }
}

impl Laps {
    /// Ends the stage `stage` now.
    fn lap(&mut self, stage: &'static str) {
        let started = std::mem::replace(&mut self.clock, Instant::now());
        self.timings.push((stage, started.elapsed()));
    }
}

/// Orders findings by file, line, column, then code.
fn sort(catalog: &Catalog, diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| order_key(catalog, a).cmp(&order_key(catalog, b)));
}

/// What findings are ordered by, borrowed (no allocation per comparison).
fn order_key<'a>(
    catalog: &'a Catalog,
    d: &'a Diagnostic,
) -> (Option<&'a str>, u32, u32, crate::diag::Code, &'a str) {
    let file = d
        .location
        .file
        .map(|f| catalog.repo.files.get(f).path.as_str());
    let span = d.location.span.unwrap_or_default();
    (file, span.line, span.col, d.code, &d.message)
}
