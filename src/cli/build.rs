//! `itsm build`: check the repository, then write the catalogue site.

use super::{Global, Status, print};
use anyhow::{Context, Result};
use itsm::diag::Counts;
use itsm::load::Source;
use itsm::output::{self, Report};
use itsm::pipeline::Checked;
use itsm::site::write;
use std::path::{Path, PathBuf};

/// Check the repository, then write the static catalogue site (refused on errors)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm build                          write the site to site/ (or `site.out` of itsm.yaml)
  itsm build --out public             write it to public/ instead
  itsm -C example-repo build          build another repository's site
  itsm build --rev main               the site of the records as they are on main
  GITHUB_TOKEN=... itsm build --approvers   with who approved each Change's pull requests

The site is plain HTML and CSS: open site/index.html from disk, or publish the folder.
Templates and styles are overridden from the repository's theme/ folder (see the README).
Change pages show approval evidence from git history, as `itsm audit` (walked from --rev,
else HEAD); without history (not a git checkout, a shallow clone) they say why, and the
build goes on. Approvers are read from GitHub only with --approvers.

Exit codes: 0 built, 1 the repository has errors (nothing written), 2 could not run
(with --approvers: no history, no GITHUB_TOKEN or GitHub unreachable; nothing written).")]
pub struct BuildArgs {
    /// Output folder [default: `site.out` of itsm.yaml, relative to the repository root]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Read the records at this git revision, from the object database (no checkout)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Read who approved each Change's pull requests from GitHub (needs GITHUB_TOKEN and
    /// `github:` in itsm.yaml), for the approval evidence on Change pages
    #[arg(long)]
    pub approvers: bool,
}

pub fn run(global: &Global, args: BuildArgs) -> Result<Status> {
    let started = std::time::Instant::now();
    let root = global.root()?;
    let source = Source::from(args.rev);
    let checked = global.check(started, &root, &source)?;
    if Counts::of(&checked.diagnostics).errors > 0 {
        const REFUSED: &str =
            "the site was not built: fix the errors above and run `itsm build` again\n";
        print(&(output::human::render(&Report::of(&checked), global.color, true) + REFUSED));
        return Ok(Status::Findings);
    }
    let out = write::out_dir(&root, args.out.as_deref(), &checked.catalog.repo.config);
    let rev = match &source {
        Source::Revision(rev) => Some(rev.as_str()),
        Source::WorkTree => None,
    };
    let commit = itsm::load::commit_short_id(&root, rev);
    let github = checked.catalog.repo.config.github.as_deref();
    let evidence =
        super::evidence::walk(global, &root, rev.unwrap_or("HEAD"), args.approvers, github)?;
    let files = build(global, &root, &out, &checked, commit, evidence)?;
    global.note(started, "written");
    let warnings = Counts::of(&checked.diagnostics).warnings;
    super::free_at_exit(checked);
    if !global.quiet {
        print(&format!(
            "built: {files} files in {}{}\n",
            super::shown(&out),
            if warnings > 0 {
                format!(" ({warnings} warnings: run `itsm check`)")
            } else {
                String::new()
            }
        ));
    }
    Ok(Status::Clean)
}

/// Renders and writes the site of `checked` to `out`: each page is written as
/// soon as it is rendered, into a folder swapped in at the end; `commit` is
/// the one it is built from. The number of files.
fn build(
    global: &Global,
    root: &Path,
    out: &Path,
    checked: &Checked,
    commit: Option<String>,
    evidence: itsm::site::evidence::Evidence,
) -> Result<usize> {
    let started = std::time::Instant::now();
    write::check_out(root, out)?;
    let staging = write::Staging::new(out)?;
    let options = itsm::site::Options {
        today: global.today,
        theme: Some(root.join("theme")),
        live_reload: false,
        commit,
        evidence,
        github_url: super::github_url()?,
    };
    let files = itsm::site::render_into(&checked.catalog, &checked.diagnostics, &options, &|f| {
        staging.put(&f)
    })
    .context("cannot render the site")?;
    global.note(started, &format!("rendered and wrote {files} files"));
    staging.finish()?;
    Ok(files)
}
