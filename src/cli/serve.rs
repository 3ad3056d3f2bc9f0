//! `itsm serve`: build, serve the site on 127.0.0.1, rebuild on every change
//! to the repository and reload the open pages.

use super::build::{Rendered, render};
use super::{Global, Status, print};
use anyhow::{Context, Result};
use itsm::site::serve::Server;
use itsm::site::{File, write};
use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use std::collections::HashMap;
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
good site and recovers on the next good save. Stop it with Ctrl-C.

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
    let (server, addr) = Server::start(args.port)?;
    print(&format!("serving http://{addr}/ (Ctrl-C to stop)\n"));
    let out = args.out.map(|o| std::path::absolute(&o).unwrap_or(o));
    let mut previous: Option<HashMap<String, File>> = None;
    let mut site_dir = rebuild(global, &root, out.as_deref(), &server, &mut previous);
    let (tx, rx) = std::sync::mpsc::channel::<DebounceEventResult>();
    // An editor's save (swap file, write, rename) lands within a few milliseconds;
    // 100 ms gathers it into one rebuild without making every save wait longer.
    let mut debouncer = new_debouncer(Duration::from_millis(100), None, tx)
        .context("cannot watch the repository for changes")?;
    debouncer
        .watch(&root, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {}", root.display()))?;
    let default_out = root.join(itsm::config::Config::default().site_dir());
    for result in rx {
        let events = match result {
            Ok(events) => events,
            Err(errors) => {
                for e in errors {
                    print(&format!("watch error: {e}\n"));
                }
                continue;
            }
        };
        let site = site_dir.clone().unwrap_or_else(|| default_out.clone());
        let relevant = events
            .iter()
            .any(|e| !e.kind.is_access() && e.paths.iter().any(|p| !ignored(p, &root, &site)));
        if relevant {
            site_dir = rebuild(global, &root, out.as_deref(), &server, &mut previous).or(site_dir);
        }
    }
    Ok(Status::Clean)
}

/// Rebuilds and publishes; writes only changed files to disk. Returns the site folder.
fn rebuild(
    global: &Global,
    root: &Path,
    out: Option<&Path>,
    server: &Server,
    previous: &mut Option<HashMap<String, File>>,
) -> Option<PathBuf> {
    let started = Instant::now();
    match render(global, root, out, true) {
        Ok(Rendered::Site { out, files }) => {
            let written = match previous.as_ref() {
                None => write::write_site(&out, &files).map(|_| files.len()),
                Some(prev) => write::update(&out, prev, &files).map(|c| c.len()),
            };
            // On disk first, so that a reloaded page and the folder agree.
            let changed = server.publish(&files);
            match written {
                Ok(_) => {
                    *previous = Some(files.into_iter().map(|f| (f.path.clone(), f)).collect());
                }
                Err(e) => print(&format!("error: cannot write the site: {e:#}\n")),
            }
            print(&format!(
                "built: {} files changed ({:.0} ms)\n",
                changed.len(),
                started.elapsed().as_secs_f64() * 1000.0
            ));
            Some(out)
        }
        Ok(Rendered::Refused { text, plain }) => {
            let again = "run `itsm build` again";
            let instead = "save (the last good site stays up)";
            print(&text.replace(again, instead));
            let plain = plain.replace(again, instead);
            server.fail(plain);
            None
        }
        Err(e) => {
            let text = format!("error: {e:#}\n");
            print(&text);
            server.fail(text);
            None
        }
    }
}
