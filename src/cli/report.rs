//! `itsm report coverage` and `itsm report sla`: ISO/IEC 20000-1 coverage and SLA attainment.

use super::Global;
use anyhow::Result;
use itsm::checks::Options;
use itsm::load::Source;
use itsm::pipeline::Checked;

/// Loads and checks the repository (work tree, or `--rev`), for the reports.
pub(super) fn checked(global: &Global, rev: Option<String>) -> Result<Checked> {
    let started = std::time::Instant::now();
    let root = global.root()?;
    let source = match rev {
        Some(rev) => Source::Revision(rev),
        None => Source::WorkTree,
    };
    let checked = itsm::pipeline::check(
        &root,
        &source,
        Options {
            today: global.today,
        },
    )?;
    for (stage, took) in &checked.timings {
        global.note(
            started,
            &format!("{stage}: {:.1} ms", took.as_secs_f64() * 1000.0),
        );
    }
    Ok(checked)
}
