//! `itsm export`: the linked catalogue as JSON, or the SLAs as OpenSLO.

use super::report::{checked, json};
use super::{Global, Status, print};
use anyhow::Result;

/// The whole linked catalogue as one JSON document, or the SLAs as OpenSLO v1 SLOs
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm export > catalogue.json               every record, relations both ways, computed fields
  itsm export --format openslo > slos.yaml   one OpenSLO v1 SLO per Service with an SLA
  itsm export --schema > export.schema.json  the JSON Schema of the export document
  itsm export --rev v2026.10                 the catalogue as it was at a tag

Exit codes: 0 written, 2 could not run.")]
pub struct ExportArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
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
    let text = match args.format {
        ExportFormat::Json => json(&itsm::export::build(
            &checked.catalog,
            &checked.diagnostics,
            global.today,
        ))?,
        ExportFormat::Openslo => itsm::export::openslo::render(&checked.catalog, global.today),
    };
    print(&text);
    std::mem::forget(checked);
    Ok(Status::Clean)
}
