//! `itsm export`: the linked catalogue as JSON, or the SLAs as OpenSLO.

use super::report::checked;
use super::{Global, Status, print};
use anyhow::Result;

/// The whole linked catalogue as one JSON document, or the SLAs as OpenSLO v1 SLOs
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm export > catalogue.json               every record, relations both ways, computed fields
  itsm export --pretty | less                indented
  itsm export --format openslo > slos.yaml   one OpenSLO v1 SLO per Service with an SLA
                                             (an SLA of 100% has none: noted on stderr)
  itsm export --schema > export.schema.json  the JSON Schema of the export document
  itsm export --rev v2026.10                 the catalogue as it was at a tag

Exit codes: 0 written, 2 could not run.")]
pub struct ExportArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// Indent the JSON (the default is one compact line: 100,000 records make 76 MB instead of 138)
    #[arg(long)]
    pub pretty: bool,
    /// Print the JSON Schema of the export document instead
    #[arg(long, conflicts_with_all = ["format", "rev"])]
    pub schema: bool,
    /// Read the records at this git revision, from the object database (no checkout)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Json,
    Openslo,
}

pub fn run(global: &Global, args: ExportArgs) -> Result<Status> {
    if args.schema {
        print(itsm::export::SCHEMA);
        return Ok(Status::Clean);
    }
    let checked = checked(global, args.rev)?;
    match args.format {
        ExportFormat::Json => {
            let export = itsm::export::build(&checked.catalog, &checked.diagnostics, global.today);
            write_json(&export, args.pretty)?;
        }
        ExportFormat::Openslo => {
            let slos = itsm::export::openslo::render(&checked.catalog, global.today);
            print(&slos.text);
            // What OpenSLO cannot express is said where a redirect does not hide it.
            #[allow(clippy::print_stderr)]
            for note in &slos.notes {
                eprintln!("note: {}", itsm::import::printable(note));
            }
        }
    }
    super::free_at_exit(checked);
    Ok(Status::Clean)
}

/// Streams the document to standard output (100,000 records make about 140 MB
/// of JSON: no copy in memory); a closed pipe ends the output quietly.
fn write_json<T: serde::Serialize>(value: &T, pretty: bool) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = if pretty {
        serde_json::to_writer_pretty(&mut out, value)
    } else {
        serde_json::to_writer(&mut out, value)
    };
    let result = written
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
