//! The live preview of `itsm serve`: the repository as last read and the site
//! as last rendered. On each batch of file events, what changed is read again
//! and checked, the pages it touches are rendered, written to the output
//! folder and published to the [`Server`], which reloads the open pages; while
//! the repository has errors, the server shows them over every page and keeps
//! the last good site.

use super::file::File;
use super::incremental::{Rendered, Site};
use super::serve::Server;
use super::write::{self, WriteError};
use super::{BuildError, Options};
use crate::config::{CONFIG_FILE, Config};
use crate::diag::Counts;
use crate::load::{self, LoadError};
use crate::model::RecordId;
use crate::output::{self, Report};
use crate::pipeline::{self, Checked};
use jiff::civil::Date;
use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, DebouncedEvent, new_debouncer};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How to run the preview.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The repository root, absolute.
    pub root: PathBuf,
    /// The folder the site is also written to (absolute); `site.out` of itsm.yaml when `None`.
    pub out: Option<PathBuf>,
    /// The date the checks and the site take as today.
    pub today: Date,
    /// Whether the diagnostics told for the terminal are coloured.
    pub color: bool,
    /// The short id of the commit checked out when the preview started (the
    /// pages print it); `None` outside git.
    pub commit: Option<String>,
    /// The history of the Changes, walked once when the preview started.
    pub evidence: super::evidence::Evidence,
    /// The web address of GitHub that links go to (`https://github.com`).
    pub github_url: String,
}

/// What a batch of file events asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Batch {
    /// Nothing the site is built from changed.
    Nothing,
    /// Only these record files (relative paths) changed: read them again.
    Files(Vec<String>),
    /// Read the whole repository again (itsm.yaml, the theme, folders, lost events).
    Full,
    /// Nothing to read again, but the site on disk is gone: write it again.
    Rewrite,
}

/// What a rebuild did.
#[derive(Debug)]
pub enum Rebuilt {
    /// Nothing to do.
    Nothing,
    /// The repository could not be read (shown over every page too).
    Unreadable(LoadError),
    /// The repository has errors: the diagnostics, as told on the terminal. The
    /// last good site stays up, with the diagnostics over every page.
    Refused(String),
    /// The site could not be rendered or published (shown over every page too).
    Failed(PublishError),
    /// The site was rendered and published.
    Built {
        /// Files whose bytes changed.
        changed: usize,
        /// Record pages rendered.
        pages: usize,
        took: Duration,
        /// Why the site could not be written to the output folder (it is served
        /// all the same; the next rebuild writes everything).
        write_error: Option<WriteError>,
    },
}

/// Why a rebuild could not render the site.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The output folder may not be written.
    #[error(transparent)]
    Out(#[from] WriteError),
    #[error("cannot render the site")]
    Render(#[source] BuildError),
}

/// What the preview tells as it goes.
pub enum Event<'e> {
    /// A step of a rebuild is done (`-v`); the rebuild started at `.0`.
    Progress(Instant, &'e str),
    /// A rebuild is over.
    Rebuilt(&'e Rebuilt),
    /// The watcher reported an error (the repository is read again whole).
    WatchError(&'e notify::Error),
}

/// Why the preview could not watch the repository.
#[derive(Debug, thiserror::Error)]
#[error("cannot watch {} for changes", path.display())]
pub struct WatchError {
    path: PathBuf,
    #[source]
    source: notify::Error,
}

const REFUSED: &str =
    "the site was not built: fix the errors above and save (the last good site stays up)\n";

impl Rebuilt {
    /// What the terminal shows of it.
    pub fn message(&self) -> String {
        match self {
            Rebuilt::Nothing => String::new(),
            Rebuilt::Unreadable(e) => format!("error: {e}\n"),
            Rebuilt::Refused(text) => text.clone(),
            Rebuilt::Failed(e) => format!("error: {}\n", super::chain(e)),
            Rebuilt::Built {
                changed,
                pages,
                took,
                write_error,
            } => {
                let error = write_error
                    .as_ref()
                    .map(|e| format!("error: cannot write the site: {}\n", super::chain(e)));
                format!(
                    "{}built: {changed} files changed, {pages} pages rendered ({:.0} ms)\n",
                    error.unwrap_or_default(),
                    took.as_secs_f64() * 1000.0
                )
            }
        }
    }
}

/// The live preview: the repository as last read, the site as last rendered.
pub struct Live {
    settings: Settings,
    server: Server,
    /// The files as last read; `None` until read, or after a failure to read.
    cache: Option<load::Cache>,
    /// The last good site.
    site: Option<Site>,
    /// Records (by identity) of the files read again since the last good site.
    changed: HashSet<RecordId>,
    /// The files of the last good site, as on disk.
    previous: Option<HashMap<String, File>>,
    /// The folder of the site on disk.
    site_dir: Option<PathBuf>,
}

impl Live {
    /// A preview publishing to `server`; nothing is read before the first [`Live::rebuild`].
    pub fn new(settings: Settings, server: Server) -> Live {
        Live {
            settings,
            server,
            cache: None,
            site: None,
            changed: HashSet::new(),
            previous: None,
            site_dir: None,
        }
    }

    /// Builds the site, then watches the repository and rebuilds on every
    /// change until the watcher stops; `tell` hears what happens.
    pub fn watch(&mut self, tell: &dyn Fn(Event<'_>)) -> Result<(), WatchError> {
        let progress = |started: Instant, what: &str| tell(Event::Progress(started, what));
        tell(Event::Rebuilt(&self.rebuild(Batch::Full, &progress)));
        let (tx, rx) = std::sync::mpsc::channel::<DebounceEventResult>();
        let root = self.settings.root.clone();
        let error = |source| WatchError {
            path: root.clone(),
            source,
        };
        // An editor's save (swap file, write, rename) lands within a few milliseconds;
        // 30 ms gathers it into one rebuild without making every save wait longer
        // (events are gathered per path: a file renamed away and written anew is one change).
        let mut debouncer = new_debouncer(Duration::from_millis(30), None, tx).map_err(error)?;
        debouncer
            .watch(&root, RecursiveMode::Recursive)
            .map_err(error)?;
        for result in rx {
            let batch = match result {
                Ok(events) => self.batch(&events),
                Err(errors) => {
                    for e in &errors {
                        tell(Event::WatchError(e));
                    }
                    // Events may have been lost: read everything again.
                    Batch::Full
                }
            };
            tell(Event::Rebuilt(&self.rebuild(batch, &progress)));
        }
        Ok(())
    }

    /// What a batch of events asks for, a deleted output folder included.
    pub fn batch(&self, events: &[DebouncedEvent]) -> Batch {
        let default_out = || self.settings.root.join(Config::default().site_dir());
        let site = self.site_dir.clone().unwrap_or_else(default_out);
        match self.classify(events, &site) {
            // The output folder went (deleted by hand): write the site again whole.
            Batch::Nothing if touches(events, &site) && self.site_deleted() => Batch::Rewrite,
            batch => batch,
        }
    }

    /// Reads what changed, checks, renders what changed and publishes it;
    /// `progress` hears each step (with the time the rebuild started).
    pub fn rebuild(&mut self, batch: Batch, progress: &dyn Fn(Instant, &str)) -> Rebuilt {
        let started = Instant::now();
        let full = match batch {
            Batch::Nothing => return Rebuilt::Nothing,
            Batch::Full => true,
            Batch::Files(_) | Batch::Rewrite => self.cache.is_none(),
        };
        if let Err(e) = self.read(&batch, full) {
            return self.fail(Rebuilt::Unreadable(e));
        }
        let Some(cache) = self.cache.as_mut() else {
            return Rebuilt::Nothing;
        };
        progress(started, "read");
        let options = crate::checks::Options {
            today: self.settings.today,
        };
        let checked = pipeline::check_cached(cache, options);
        for (stage, took) in &checked.timings {
            let ms = took.as_secs_f64() * 1000.0;
            progress(started, &format!("{stage}: {ms:.1} ms"));
        }
        if Counts::of(&checked.diagnostics).errors > 0 {
            let report = Report::of(&checked);
            self.server
                .fail(output::human::render(&report, false, true) + REFUSED);
            let told = output::human::render(&report, self.settings.color, true) + REFUSED;
            return Rebuilt::Refused(told);
        }
        match self.publish(checked, full, started, progress) {
            Ok(built) => built,
            Err(e) => self.fail(Rebuilt::Failed(e)),
        }
    }

    /// Reads the repository again (`full`), or the files of `batch`.
    fn read(&mut self, batch: &Batch, full: bool) -> Result<(), LoadError> {
        if full {
            self.cache = None;
            self.cache = Some(load::Cache::open(&self.settings.root)?);
        } else if let (Batch::Files(paths), Some(cache)) = (batch, self.cache.as_mut()) {
            self.changed.extend(cache.reread(paths));
        }
        Ok(())
    }

    /// Shows a failure over every page.
    fn fail(&self, failure: Rebuilt) -> Rebuilt {
        self.server.fail(failure.message());
        failure
    }

    /// Whether the site was written and its folder is gone since.
    fn site_deleted(&self) -> bool {
        self.previous.is_some() && self.site_dir.as_deref().is_some_and(|d| !d.exists())
    }

    /// Which files a batch of events touched, and whether reading them again is enough.
    fn classify(&self, events: &[DebouncedEvent], site: &Path) -> Batch {
        let mut files: Vec<String> = Vec::new();
        for e in events {
            if e.kind.is_access() {
                continue;
            }
            if e.need_rescan() {
                return Batch::Full;
            }
            for p in e.paths.iter() {
                match self.file_change(p, site) {
                    Change::Ignored => {}
                    Change::Repository => return Batch::Full,
                    Change::Record(rel) if !files.contains(&rel) => files.push(rel),
                    Change::Record(_) => {}
                }
            }
        }
        if files.is_empty() {
            Batch::Nothing
        } else {
            Batch::Files(files)
        }
    }

    /// What a change to `path` means for the site.
    fn file_change(&self, path: &Path, site: &Path) -> Change {
        if ignored(path, &self.settings.root, site) {
            return Change::Ignored;
        }
        let Ok(rel) = path.strip_prefix(&self.settings.root) else {
            return Change::Ignored;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let name = rel.rsplit('/').next().unwrap_or("");
        let record_file =
            name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".md");
        if rel.is_empty()
            || rel == CONFIG_FILE
            || rel == "theme"
            || rel.starts_with("theme/")
            || path.is_dir()
            || self.cache.as_ref().is_none_or(|c| c.holds_folder(&rel))
        {
            Change::Repository
        } else if record_file {
            Change::Record(rel)
        } else {
            Change::Ignored
        }
    }

    /// Renders (all of it, or what changed since the last good site), writes and publishes.
    fn publish(
        &mut self,
        checked: Checked,
        full: bool,
        started: Instant,
        progress: &dyn Fn(Instant, &str),
    ) -> Result<Rebuilt, PublishError> {
        let config = &checked.catalog.repo.config;
        let out = write::out_dir(&self.settings.root, self.settings.out.as_deref(), config);
        write::check_out(&self.settings.root, &out)?;
        // Only what changed is rendered when the last good site is on disk where it
        // goes: a folder deleted since (no marker) gets the whole site again.
        let same_folder =
            self.site_dir.as_deref() == Some(out.as_path()) && out.join(write::MARKER).is_file();
        let incremental = !full && same_folder && self.previous.is_some();
        let rendered = self.render(checked, incremental)?;
        progress(started, "rendered");
        self.changed.clear();
        let pages = rendered.pages;
        let (written, changed) = if same_folder && self.previous.is_some() {
            self.write_changes(&out, rendered, started, progress)
        } else {
            self.write_all(&out, rendered.files)
        };
        self.site_dir = Some(out);
        let write_error = written.err();
        if write_error.is_some() {
            // The next build renders and writes everything.
            self.previous = None;
            self.site = None;
        }
        Ok(Rebuilt::Built {
            changed,
            pages,
            took: started.elapsed(),
            write_error,
        })
    }

    /// Renders the site of `checked`: only what changed when `incremental`.
    fn render(&mut self, checked: Checked, incremental: bool) -> Result<Rendered, PublishError> {
        let options = Options {
            today: self.settings.today,
            theme: Some(self.settings.root.join("theme")),
            live_reload: true,
            commit: self.settings.commit.clone(),
            evidence: self.settings.evidence.clone(),
            github_url: self.settings.github_url.clone(),
        };
        let (catalog, diagnostics) = (checked.catalog, &checked.diagnostics);
        let rendered = match self.site.as_mut() {
            Some(site) if incremental => site.update(catalog, diagnostics, &options, &self.changed),
            _ => Site::render(catalog, diagnostics, &options).map(|(site, rendered)| {
                self.site = Some(site);
                rendered
            }),
        };
        rendered.map_err(|e| {
            // What the last site was made of is no longer known: render it all next time.
            self.site = None;
            PublishError::Render(e)
        })
    }

    /// Writes the whole site to `out` and publishes it: whether it was written,
    /// and the number of files whose bytes changed.
    fn write_all(&mut self, out: &Path, files: Vec<File>) -> (Result<(), WriteError>, usize) {
        let written = write::write_site(out, &files).map(|_| ());
        let changed = self.server.publish(&files).len();
        self.previous = Some(files.into_iter().map(|f| (f.path.clone(), f)).collect());
        (written, changed)
    }

    /// Writes to `out` what changed since the last good site (on disk there)
    /// and publishes it: whether it was written, and the number of files whose
    /// bytes changed.
    fn write_changes(
        &mut self,
        out: &Path,
        rendered: Rendered,
        started: Instant,
        progress: &dyn Fn(Instant, &str),
    ) -> (Result<(), WriteError>, usize) {
        let Some(previous) = self.previous.as_mut() else {
            return (Ok(()), 0);
        };
        let gone: Vec<String> = if rendered.full {
            let now: HashSet<&str> = rendered.files.iter().map(|f| f.path.as_str()).collect();
            previous
                .keys()
                .filter(|p| !now.contains(p.as_str()))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let fresh: Vec<File> = rendered
            .files
            .into_iter()
            .filter(|f| previous.get(&f.path).is_none_or(|p| p.bytes != f.bytes))
            .collect();
        for p in &gone {
            previous.remove(p);
        }
        // On disk first, so that a reloaded page and the folder agree.
        let written = mirror(out, &fresh, &gone);
        progress(started, "written");
        let changed = self.server.publish_changes(&fresh, &gone).len();
        for f in fresh {
            previous.insert(f.path.clone(), f);
        }
        (written, changed)
    }
}

/// What a change to one path means.
enum Change {
    /// Nothing the site is built from.
    Ignored,
    /// A record file, by its path relative to the root.
    Record(String),
    /// The configuration, the theme or the folders: read everything again.
    Repository,
}

/// Changes to these are ignored: editor swap and backup files, VCS internals,
/// the site itself.
fn ignored(path: &Path, root: &Path, out: &Path) -> bool {
    if path.starts_with(out) {
        return true;
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let hidden = rel.components().any(|c| {
        c.as_os_str()
            .to_str()
            .is_some_and(|s| s.starts_with('.') && s.len() > 1)
    });
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let swap = name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
        || name.starts_with(".#")
        || name.starts_with('#');
    hidden || swap
}

/// Whether any of `events` is about `site` or a path inside it.
fn touches(events: &[DebouncedEvent], site: &Path) -> bool {
    events
        .iter()
        .any(|e| e.paths.iter().any(|p| p.starts_with(site)))
}

/// Brings the copy of the site in `out` up to date: writes `files` (each to a
/// temporary file renamed over the old one), removes `gone`. A preview, not a
/// release: not synced to the disk, which would cost more than the rest of a rebuild.
fn mirror(out: &Path, files: &[File], gone: &[String]) -> Result<(), WriteError> {
    use rayon::prelude::*;
    files.par_iter().try_for_each(|f| {
        crate::scaffold::replace_unsynced(&write::inside(out, &f.path)?, &f.bytes)
            .map_err(|e| WriteError::Replace(Box::new(e)))
    })?;
    for p in gone {
        let path = write::inside(out, p)?;
        match std::fs::remove_file(&path) {
            // Already gone (removed by hand): as wanted.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(WriteError::Remove(path, source)),
            Ok(()) => {}
        }
    }
    Ok(())
}
