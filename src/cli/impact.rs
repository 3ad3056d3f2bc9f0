//! `itsm impact REF`: what a change to REF touches, as a tree or JSON.

use super::report::checked;
use super::{Global, Status, print};
use anyhow::Result;

/// What a change to a record touches: every Service and CI that depends on it, transitively
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm impact ci:orders-db-prod          the tree of what depends on the CI
  itsm impact payments                   a bare name, when one kind has it
  itsm impact sla:gold --format json     flat list with the path to each record
  itsm impact ci:k8s-prod-eu-west --rev main

Dependents: CIs and Services through dependsOn, Services through cis, sla and suppliers,
CIs through supplier. The Teams listed are those a normal Change to REF would need:
the owners of REF and of every impacted Service and CI, and the CAB when a tier-1
Service is reached (and always for a high-risk Change).

Exit codes: 0 printed, 2 REF names no record or the repository could not be read.")]
pub struct ImpactArgs {
    /// The record changed: `kind:name` (ci:orders-db) or a bare name that one kind has
    pub reference: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ImpactFormat::Human)]
    pub format: ImpactFormat,
    /// Read the records at this git revision, from the object database (no checkout)
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImpactFormat {
    Human,
    Json,
}

pub fn run(global: &Global, args: ImpactArgs) -> Result<Status> {
    let checked = checked(global, args.rev)?;
    let catalog = &checked.catalog;
    let root = itsm::impact::lookup(catalog, &args.reference)?;
    let impact = itsm::impact::compute(catalog, root);
    let text = match args.format {
        ImpactFormat::Human => itsm::impact::render_tree(&impact),
        ImpactFormat::Json => {
            let mut s = serde_json::to_string_pretty(&impact)?;
            s.push('\n');
            s
        }
    };
    print(&text);
    super::free_at_exit(checked);
    Ok(Status::Clean)
}
