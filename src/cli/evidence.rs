//! The history of the Changes for the site's approval evidence: `itsm audit`'s
//! register, walked once per `itsm build` (and per `itsm serve`).

use super::Global;
use anyhow::{Context, Result, bail};
use itsm::audit::{self, Options};
use itsm::github::Access;
use itsm::load::GitError;
use itsm::site::evidence::Evidence;
use std::path::Path;

/// The register walked from `rev` in the repository at `root`. Without
/// history (not a git checkout, a shallow clone, an unreadable object) the
/// site is built without evidence, saying why on its Change pages and, but
/// outside git, in one line on stderr. With `approvers`, the approvers of each pull request are
/// read from GitHub (GITHUB_TOKEN, the repository of `github`): any failure
/// is an error, so that nothing is written without what was asked for.
pub(super) fn walk(
    global: &Global,
    root: &Path,
    rev: &str,
    approvers: bool,
    github: Option<&str>,
) -> Result<Evidence> {
    let started = std::time::Instant::now();
    let options = Options {
        rev: rev.to_string(),
        since: None,
        until: None,
    };
    let mut register = match audit::register(root, &options) {
        Ok(r) => r,
        Err(e) if approvers => {
            return Err(e).context("--approvers needs the history of the Changes");
        }
        Err(e) => {
            let why = itsm::diag::error_chain(&e).replace(['\n', '\r'], " ");
            // Outside git there is no history to miss: the pages say so, the
            // log does not. A shallow clone or a broken history is worth a line.
            let outside_git = matches!(e, audit::AuditError::Git(GitError::NotInGit { .. }));
            // Said where a redirect of the output does not hide it.
            #[allow(clippy::print_stderr)]
            if !global.quiet && !outside_git {
                eprintln!(
                    "note: no approval evidence on Change pages: {}",
                    itsm::output::escape::log(&why)
                );
            }
            return Ok(Evidence::Unavailable(why));
        }
    };
    global.note(started, "history walked");
    if approvers {
        let Some(access) = Access::from_env() else {
            bail!("--approvers reads the approvers from GitHub and needs GITHUB_TOKEN");
        };
        let Some(repo) = github else {
            bail!("--approvers needs the GitHub repository: set `github: owner/repo` in itsm.yaml");
        };
        super::audit::read_approvers(&mut register, &access, repo)?;
        global.note(started, "approvers read");
    }
    Ok(Evidence::of(register, approvers))
}
