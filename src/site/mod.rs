//! The static catalogue site: the linked catalogue rendered to HTML pages (one per
//! record, plus the home page, the service catalogue, the change calendar, the
//! ISO/IEC 20000 coverage, the dependency graph and search), written so that it
//! works from `file://` with no network.
//!
//! The stages: [`pages`] builds what each page shows from the [`Catalog`] (a
//! module per page), [`theme`] renders it with the templates (the repository's
//! `theme/` first; record pages of the default theme are written by [`native`]
//! from the [`view`] types), [`write`] puts the files on disk. For `itsm
//! serve`, [`live`] reads again what changed, [`incremental`] renders again
//! only the pages a change touches and [`serve`] serves them.

mod chart;
pub mod evidence;
mod file;
pub mod graph_svg;
pub mod incremental;
pub mod live;
pub mod markdown;
mod native;
mod pages;
pub mod search;
pub mod serve;
pub mod theme;
mod view;
pub mod write;

pub use file::{File, Sink, file_stem, is_device_name, page_path};

use crate::diag::Diagnostic;
use crate::link::Catalog;
use jiff::civil::Date;
use std::path::PathBuf;
use theme::ThemeError;
use write::WriteError;

/// Why the site could not be rendered: its theme, or a file handed to the sink.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Theme(#[from] ThemeError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// How to render the site.
#[derive(Clone, Debug)]
pub struct Options {
    /// The date "upcoming", "due" and the SLA windows are computed from.
    pub today: Date,
    /// The repository's `theme/` folder, whose templates and assets override the defaults.
    pub theme: Option<PathBuf>,
    /// Add the live-reload script (for `itsm serve`).
    pub live_reload: bool,
    /// The short id of the commit the site is built from, printed on every
    /// page; `None` when it is not built from a git checkout.
    pub commit: Option<String>,
    /// The history of the Changes (approval evidence on their pages).
    pub evidence: evidence::Evidence,
    /// The web address of GitHub that links to the repository, pull requests,
    /// commits and people go to ([`crate::github::DEFAULT_SERVER_URL`];
    /// GitHub Enterprise: `https://HOST`).
    pub github_url: String,
}

/// Renders every file of the site in memory. `diagnostics` are the (warning)
/// findings of the check, shown as the repository's health.
pub fn render(
    catalog: &Catalog,
    diagnostics: &[Diagnostic],
    options: &Options,
) -> Result<Vec<File>, BuildError> {
    let (files, _) = file::collect(|sink| render_into(catalog, diagnostics, options, sink))?;
    Ok(files)
}

/// Renders every file of the site, handing each to `sink` as soon as it is
/// ready (from several threads); returns the number of files.
pub fn render_into(
    catalog: &Catalog,
    diagnostics: &[Diagnostic],
    options: &Options,
    sink: Sink<'_>,
) -> Result<usize, BuildError> {
    let theme = theme::Theme::new(options.theme.clone(), options.live_reload)?;
    pages::render(catalog, diagnostics, options, &theme, sink)
}

/// An error and its causes, `: ` between them (as the command line prints them).
use crate::diag::error_chain as chain;
