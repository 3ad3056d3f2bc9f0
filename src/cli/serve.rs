//! `itsm serve`: build, serve the site on 127.0.0.1, rebuild on every change
//! to the repository and reload the open pages ([`itsm::site::live`]).

use super::{Global, Status, print};
use anyhow::{Context, Result};
use itsm::site::live::{Event, Live, Rebuilt, Settings};
use itsm::site::serve::{Limits, Server};
use std::path::PathBuf;

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

pub fn run(global: &Global, args: ServeArgs) -> Result<Status> {
    let root = std::path::absolute(global.root()?).context("cannot resolve the repository root")?;
    let (server, addr) = Server::start(args.port, Limits::default())?;
    print(&format!("serving http://{addr}/ (Ctrl-C to stop)\n"));
    let commit = itsm::load::commit_short_id(&root, None);
    // Walked once: a save does not change the history of the Changes.
    let evidence = super::evidence::walk(global, &root, "HEAD", false, None)?;
    let settings = Settings {
        root,
        out: args.out.map(|o| std::path::absolute(&o).unwrap_or(o)),
        today: global.today,
        color: global.color,
        commit,
        evidence,
        github_url: super::github_url()?,
    };
    Live::new(settings, server).watch(&|event| match event {
        Event::Progress(started, what) => global.note(started, what),
        Event::Rebuilt(Rebuilt::Nothing) => {}
        Event::Rebuilt(rebuilt) => print(&rebuilt.message()),
        Event::WatchError(e) => print(&format!("watch error: {e}\n")),
    })?;
    Ok(Status::Clean)
}
