//! `itsm intake`: a GitHub issue opened from an itsm issue form becomes a new
//! Incident or Request record; `--write-forms` writes the forms again from the
//! catalogue.

use super::{Global, Status, print};
use anyhow::{Context, Result, bail};
use itsm::load::Source;
use std::io::Read;
use std::path::PathBuf;

/// Turn an issue opened from an itsm issue form into a new Incident or Request record
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm intake --event \"$GITHUB_EVENT_PATH\"   in a workflow on `issues: [opened]`: writes
                                             incidents/inc-2026-1121-gh42.md and prints its path
  itsm intake --write-forms                  writes .github/ISSUE_TEMPLATE/itsm-*.yml again,
                                             with the Services and request offerings of today

The forms (which `itsm init` writes) label an issue `itsm:incident` or `itsm:request`; the
answers must name a Service (and one of its `requests` offerings) of the catalogue. An issue
that does not parse is refused with the reason, and nothing is written. The action's
`command: intake` runs this and opens a pull request with the new record.

Exit codes: 0 written, 2 refused or could not run.")]
pub struct IntakeArgs {
    /// The `issues` event payload (in a workflow: $GITHUB_EVENT_PATH)
    #[arg(long, value_name = "FILE", required_unless_present = "write_forms")]
    pub event: Option<PathBuf>,
    /// Write the issue forms (.github/ISSUE_TEMPLATE/itsm-*.yml) from the catalogue instead
    #[arg(long, conflicts_with = "event")]
    pub write_forms: bool,
}

pub fn run(global: &Global, args: IntakeArgs) -> Result<Status> {
    let root = global.root()?;
    let checked = global.check(std::time::Instant::now(), &root, &Source::WorkTree)?;
    let catalog = &checked.catalog;
    let Some(event) = args.event else {
        for (rel, text) in itsm::intake::forms(catalog) {
            itsm::scaffold::write_atomic(&root.join(&rel), text.as_bytes(), true)?;
            print(&format!("wrote {}\n", rel.display()));
        }
        return Ok(Status::Clean);
    };
    let bytes = read_bounded(&event)?;
    let record = match itsm::intake::intake(catalog, &bytes) {
        Ok(record) => record,
        Err(e) => bail!("refused: {e}"),
    };
    let path = root.join(&record.path);
    if let Err(e) = itsm::scaffold::write_atomic(&path, record.text.as_bytes(), false) {
        if e.is_exists() {
            bail!("refused: {} exists already", record.path.display());
        }
        return Err(e.into());
    }
    print(&format!("{}\n", record.path.display()));
    super::free_at_exit(checked);
    Ok(Status::Clean)
}

/// The event file, refused beyond [`itsm::intake::MAX_EVENT_BYTES`].
fn read_bounded(path: &PathBuf) -> Result<Vec<u8>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(itsm::intake::MAX_EVENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > itsm::intake::MAX_EVENT_BYTES {
        bail!(
            "refused: {} is larger than {} bytes, more than any issue event",
            path.display(),
            itsm::intake::MAX_EVENT_BYTES
        );
    }
    Ok(bytes)
}
