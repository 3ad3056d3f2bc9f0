//! `itsm serve`: build, serve the site on 127.0.0.1, rebuild on every change
//! to the repository and reload the open pages.

use super::build::out_dir;
use super::{Global, Status, print};
use anyhow::{Context, Result};
use itsm::diag::Counts;
use itsm::load::{self, LoadError};
use itsm::model::RecordId;
use itsm::output::{self, Report};
use itsm::site::incremental::Site;
use itsm::site::serve::{Limits, Server};
use itsm::site::{File, write};
use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, DebouncedEvent, new_debouncer};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Build the site, serve it on 127.0.0.1 and rebuild on every change (live reload)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm serve                          http://127.0.0.1:4000/, rebuilt on every save
  itsm serve --port 8080              another port (0 picks a free one)
  itsm -C example-repo serve          preview another repository

Open pages reload when they change. While the repository has errors, the
diagnostics show on the terminal and over the page; the server keeps the last
good site and recovers on the next good save. A deleted output folder is
written again whole. Only GET and HEAD for the hosts 127.0.0.1, localhost and
[::1] are answered. Stop it with Ctrl-C.

Exit codes: 2 could not run (the port is taken, the repository is unreadable).")]
pub struct ServeArgs {
    /// Port on 127.0.0.1
    #[arg(long, default_value_t = 4000)]
    pub port: u16,
    /// Also keep the site on disk in this folder [default: `site.out` of itsm.yaml]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Changes to these are ignored: editor swap and backup files, VCS internals.
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

pub fn run(global: &Global, args: ServeArgs) -> Result<Status> {
    let root = std::path::absolute(global.root()?).context("cannot resolve the repository root")?;
    let (server, addr) = Server::start(args.port, Limits::default())?;
    print(&format!("serving http://{addr}/ (Ctrl-C to stop)\n"));
    let out = args.out.map(|o| std::path::absolute(&o).unwrap_or(o));
    let mut live = Live {
        global,
        root: root.clone(),
        out,
        server,
        cache: None,
        site: None,
        changed: HashSet::new(),
        previous: None,
        site_dir: None,
    };
    live.rebuild(Batch::Full);
    let (tx, rx) = std::sync::mpsc::channel::<DebounceEventResult>();
    // An editor's save (swap file, write, rename) lands within a few milliseconds;
    // 30 ms gathers it into one rebuild without making every save wait longer
    // (events are gathered per path: a file renamed away and written anew is one change).
    let mut debouncer = new_debouncer(Duration::from_millis(30), None, tx)
        .context("cannot watch the repository for changes")?;
    debouncer
        .watch(&root, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {}", root.display()))?;
    let default_out = root.join(itsm::config::Config::default().site_dir());
    for result in rx {
        let site = live.site_dir.clone().unwrap_or_else(|| default_out.clone());
        let batch = match result {
            Ok(events) => match live.classify(&events, &site) {
                // The output folder went (deleted by hand): write the site again whole.
                Batch::Nothing if touches(&events, &site) && live.site_deleted() => Batch::Rewrite,
                batch => batch,
            },
            Err(errors) => {
                for e in errors {
                    print(&format!("watch error: {e}\n"));
                }
                // Events may have been lost: read everything again.
                Batch::Full
            }
        };
        live.rebuild(batch);
    }
    Ok(Status::Clean)
}

/// What a batch of file events asks for.
#[derive(Debug)]
enum Batch {
    /// Nothing the site is built from changed.
    Nothing,
    /// Only these record files (relative paths) changed: read them again.
    Files(Vec<String>),
    /// Read the whole repository again (itsm.yaml, the theme, folders, lost events).
    Full,
    /// Nothing to read again, but the site on disk is gone: write it again.
    Rewrite,
}

/// Whether any of `events` is about `site` or a path inside it.
fn touches(events: &[DebouncedEvent], site: &Path) -> bool {
    events
        .iter()
        .any(|e| e.paths.iter().any(|p| p.starts_with(site)))
}

/// The live preview: the repository as last read, the site as last rendered.
struct Live<'a> {
    global: &'a Global,
    root: PathBuf,
    out: Option<PathBuf>,
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

impl Live<'_> {
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
            for p in e.paths.iter().filter(|p| !ignored(p, &self.root, site)) {
                let Ok(rel) = p.strip_prefix(&self.root) else {
                    continue;
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
                    || rel == itsm::config::CONFIG_FILE
                    || rel == "theme"
                    || rel.starts_with("theme/")
                    || p.is_dir()
                    || self.cache.as_ref().is_none_or(|c| c.holds_folder(&rel))
                {
                    return Batch::Full;
                }
                if record_file && !files.contains(&rel) {
                    files.push(rel);
                }
            }
        }
        if files.is_empty() {
            Batch::Nothing
        } else {
            Batch::Files(files)
        }
    }

    /// Reads what changed, checks, renders what changed and publishes it.
    fn rebuild(&mut self, batch: Batch) {
        let started = Instant::now();
        let full = match batch {
            Batch::Nothing => return,
            Batch::Full => true,
            Batch::Files(_) | Batch::Rewrite => self.cache.is_none(),
        };
        if full {
            self.cache = None;
            itsm::value::sweep_interned();
            match load::Cache::open(&self.root) {
                Ok(c) => self.cache = Some(c),
                Err(e) => return self.failed(&e),
            }
        } else if let (Batch::Files(paths), Some(cache)) = (&batch, self.cache.as_mut()) {
            self.changed.extend(cache.reread(paths));
        }
        let Some(cache) = self.cache.as_mut() else {
            return;
        };
        self.global.note(started, "read");
        let options = itsm::checks::Options {
            today: self.global.today,
        };
        let checked = itsm::pipeline::check_cached(cache, options);
        for (stage, took) in &checked.timings {
            let ms = took.as_secs_f64() * 1000.0;
            self.global.note(started, &format!("{stage}: {ms:.1} ms"));
        }
        if Counts::of(&checked.diagnostics).errors > 0 {
            let report = Report::of(&checked);
            const REFUSED: &str = "the site was not built: fix the errors above and save (the last good site stays up)\n";
            print(&(output::human::render(&report, self.global.color, true) + REFUSED));
            self.server
                .fail(output::human::render(&report, false, true) + REFUSED);
            return;
        }
        if let Err(e) = self.publish(checked, full, started) {
            let text = format!("error: {e:#}\n");
            print(&text);
            self.server.fail(text);
        }
    }

    fn failed(&self, e: &LoadError) {
        let text = format!("error: {e}\n");
        print(&text);
        self.server.fail(text);
    }

    /// Renders (all of it, or what changed since the last good site), writes and publishes.
    fn publish(
        &mut self,
        checked: itsm::pipeline::Checked,
        full: bool,
        started: Instant,
    ) -> Result<()> {
        let out = out_dir(
            &self.root,
            self.out.as_deref(),
            &checked.catalog.repo.config,
        );
        write::check_out(&self.root, &out)?;
        let options = itsm::site::Options {
            today: self.global.today,
            theme: Some(self.root.join("theme")),
            live_reload: true,
        };
        // Only what changed is rendered when the last good site is on disk where it
        // goes: a folder deleted since (no marker) gets the whole site again.
        let same_folder =
            self.site_dir.as_deref() == Some(out.as_path()) && out.join(write::MARKER).is_file();
        let incremental = !full && same_folder && self.previous.is_some();
        let rendered = match self.site.as_mut() {
            Some(site) if incremental => site.update(
                checked.catalog,
                &checked.diagnostics,
                &options,
                &self.changed,
            ),
            _ => Site::render(checked.catalog, &checked.diagnostics, &options).map(
                |(site, rendered)| {
                    self.site = Some(site);
                    rendered
                },
            ),
        };
        let rendered = match rendered {
            Ok(r) => r,
            Err(e) => {
                // What the last site was made of is no longer known: render it all next time.
                self.site = None;
                return Err(e.context("cannot render the site"));
            }
        };
        self.global.note(started, "rendered");
        self.changed.clear();
        let files = rendered.files;
        let previous = self.previous.as_mut().filter(|_| same_folder);
        // On disk first, so that a reloaded page and the folder agree.
        let (written, changed) = match previous {
            None => {
                let written = write::write_site(&out, &files).map(|_| ());
                let changed = self.server.publish(&files);
                self.previous = Some(files.into_iter().map(|f| (f.path.clone(), f)).collect());
                (written, changed)
            }
            Some(previous) => {
                let gone: Vec<String> = if rendered.full {
                    let now: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
                    previous
                        .keys()
                        .filter(|p| !now.contains(p.as_str()))
                        .cloned()
                        .collect()
                } else {
                    Vec::new()
                };
                let fresh: Vec<File> = files
                    .into_iter()
                    .filter(|f| previous.get(&f.path).is_none_or(|p| p.bytes != f.bytes))
                    .collect();
                for p in &gone {
                    previous.remove(p);
                }
                let written = mirror(&out, &fresh, &gone);
                self.global.note(started, "written");
                let changed = self.server.publish_changes(&fresh, &gone);
                for f in fresh {
                    previous.insert(f.path.clone(), f);
                }
                (written, changed)
            }
        };
        self.site_dir = Some(out);
        if let Err(e) = written {
            // The next build renders and writes everything.
            self.previous = None;
            self.site = None;
            print(&format!("error: cannot write the site: {e:#}\n"));
        }
        print(&format!(
            "built: {} files changed, {} pages rendered ({:.0} ms)\n",
            changed.len(),
            rendered.pages,
            started.elapsed().as_secs_f64() * 1000.0
        ));
        Ok(())
    }
}

/// Brings the copy of the site in `out` up to date: writes `files` (each to a
/// temporary file renamed over the old one), removes `gone`. A preview, not a
/// release: not synced to the disk, which would cost more than the rest of a rebuild.
fn mirror(out: &Path, files: &[File], gone: &[String]) -> Result<()> {
    use rayon::prelude::*;
    files.par_iter().try_for_each(|f| -> Result<()> {
        itsm::scaffold::replace_unsynced(&write::inside(out, &f.path)?, &f.bytes)
    })?;
    for p in gone {
        let _ = std::fs::remove_file(write::inside(out, p)?);
    }
    Ok(())
}
