//! `itsm build`: check the repository, then write the catalogue site.

use super::{Global, Status, print};
use anyhow::{Context, Result};
use itsm::diag::Counts;
use itsm::load::Source;
use itsm::output::{self, Report};
use std::path::{Path, PathBuf};

/// Check the repository, then write the static catalogue site (refused on errors)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm build                          write the site to site/ (or `site.out` of itsm.yaml)
  itsm build --out public             write it to public/ instead
  itsm -C example-repo build          build another repository's site
  itsm build --rev main               the site of the records as they are on main

The site is plain HTML and CSS: open site/index.html from disk, or publish the folder.
Templates and styles are overridden from the repository's theme/ folder (see the guide,
chapter The catalogue site and theming: docs/src/site.md).

Exit codes: 0 built, 1 the repository has errors (nothing written), 2 could not run.")]
pub struct BuildArgs {
    /// Output folder [default: `site.out` of itsm.yaml, relative to the repository root]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Read the records at this git revision, from the object database (no checkout)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

pub fn run(global: &Global, args: BuildArgs) -> Result<Status> {
    let started = std::time::Instant::now();
    let root = global.root()?;
    let source = Source::from(args.rev);
    let out = args.out.clone();
    let result = build(global, &root, &source, out.as_deref(), false)?;
    global.note(started, "written");
    match result {
        Built::Refused(text) => {
            print(&text);
            Ok(Status::Findings)
        }
        Built::Site {
            out,
            files,
            warnings,
        } => {
            if !global.quiet {
                print(&format!(
                    "built: {files} files in {}{}\n",
                    out.display(),
                    if warnings > 0 {
                        format!(" ({warnings} warnings: run `itsm check`)")
                    } else {
                        String::new()
                    }
                ));
            }
            Ok(Status::Clean)
        }
    }
}

/// The outcome of a build.
pub enum Built {
    /// The repository has errors: the rendered diagnostics; nothing was written.
    Refused(String),
    Site {
        out: PathBuf,
        files: usize,
        warnings: usize,
    },
}

/// The output folder: `--out` (relative to the current folder), else `site.out`
/// of itsm.yaml relative to the root.
pub fn out_dir(root: &Path, out: Option<&Path>, config: &itsm::config::Config) -> PathBuf {
    match out {
        Some(o) => o.to_path_buf(),
        None => root.join(config.site_dir()),
    }
}

/// Checks, then renders and writes the site (or refuses with the diagnostics).
/// Each page is written as soon as it is rendered, into a folder swapped in at the end.
pub fn build(
    global: &Global,
    root: &Path,
    source: &Source,
    out: Option<&Path>,
    live_reload: bool,
) -> Result<Built> {
    let started = std::time::Instant::now();
    let checked = match check(global, root, source, global.color)? {
        Ok(checked) => checked,
        Err((text, _)) => return Ok(Built::Refused(text)),
    };
    let out = out_dir(root, out, &checked.catalog.repo.config);
    itsm::site::write::check_out(root, &out)?;
    let staging = itsm::site::write::Staging::new(&out)?;
    let files = itsm::site::render_into(
        &checked.catalog,
        &checked.diagnostics,
        &site_options(global, root, live_reload),
        &|f| staging.put(&f),
    )
    .context("cannot render the site")?;
    global.note(started, &format!("rendered and wrote {files} files"));
    staging.finish()?;
    let warnings = Counts::of(&checked.diagnostics).warnings;
    super::free_at_exit(checked);
    Ok(Built::Site {
        out,
        files,
        warnings,
    })
}

fn site_options(global: &Global, root: &Path, live_reload: bool) -> itsm::site::Options {
    itsm::site::Options {
        today: global.today,
        theme: Some(root.join("theme")),
        live_reload,
    }
}

/// Runs the checks: the checked repository, or (when it has errors) the
/// diagnostics for the terminal and without colours.
fn check(
    global: &Global,
    root: &Path,
    source: &Source,
    color: bool,
) -> Result<Result<itsm::pipeline::Checked, (String, String)>> {
    let checked = global.check(std::time::Instant::now(), root, source)?;
    if Counts::of(&checked.diagnostics).errors == 0 {
        return Ok(Ok(checked));
    }
    let report = Report::of(&checked);
    const REFUSED: &str =
        "the site was not built: fix the errors above and run `itsm build` again\n";
    let text = output::human::render(&report, color, true) + REFUSED;
    let plain = output::human::render(&report, false, true) + REFUSED;
    Ok(Err((text, plain)))
}
