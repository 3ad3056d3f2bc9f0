//! `itsm import backstage FILES...`: Backstage catalog entities to itsm records.

use super::{Global, Status, print};
use anyhow::{Context, Result, bail};
use itsm::import::backstage;
use itsm::load::Source;
use itsm::model::Kind;
use std::path::PathBuf;

/// Convert records of other catalogues into itsm records (new files only)
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub from: From,
}

#[derive(Debug, clap::Subcommand)]
pub enum From {
    Backstage(BackstageArgs),
}

/// Backstage catalog entities (catalog-info.yaml) to Services, CIs and Teams
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm import backstage catalog-info.yaml
  itsm import backstage ../portal/catalog/*.yaml --sla silver
  itsm import backstage org.yaml --dry-run          print the records, write nothing

Components and Systems become Services (Systems depend on their Components and use their
Resources), Resources become CIs, Groups with their members (and the Users that are members
of them) become Teams. lifecycle: experimental -> development, production, deprecated; tier
from a `tier` label or annotation, else 3; CI environment from an `environment` label or
annotation, else production. API, Domain, Location and Template entities have no itsm kind
and are reported. Records are written to the kind's folder, never over an existing file.

Exit codes: 0 converted (see the report for what was left out), 2 a file could not be read.")]
pub struct BackstageArgs {
    /// Backstage descriptor files (one or more YAML documents each)
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,
    /// Bind every imported production Service to this SLA (it must exist)
    #[arg(long, value_name = "NAME")]
    pub sla: Option<String>,
    /// Print the records instead of writing them
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(global: &Global, args: ImportArgs) -> Result<Status> {
    match args.from {
        From::Backstage(a) => run_backstage(global, a),
    }
}

fn run_backstage(global: &Global, args: BackstageArgs) -> Result<Status> {
    let root = global.root()?;
    let checked = global.check(std::time::Instant::now(), &root, &Source::WorkTree)?;
    let catalog = &checked.catalog;
    if let Some(sla) = &args.sla
        && catalog.find(Kind::Sla, sla).is_none()
    {
        bail!(
            "--sla {sla}: no SLA of that name in the repository; create it first (itsm new sla {sla})"
        );
    }
    let mut entities = Vec::new();
    let mut other = 0;
    for file in &args.files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let (found, skipped) =
            backstage::parse(&text, &file.display().to_string()).map_err(|e| {
                anyhow::anyhow!("{e}: fix the YAML and run again (nothing was written)")
            })?;
        entities.extend(found);
        other += skipped;
    }
    let exists = |kind: Kind, name: &str| catalog.find(kind, name).is_some();
    let conversion = backstage::convert(&entities, &backstage::Options { sla: args.sla }, &exists);
    let mut out = String::new();
    let mut written = 0;
    for r in &conversion.records {
        let rel = format!("{}/{}.yaml", r.kind.folder(), r.name);
        if args.dry_run {
            out.push_str(&format!("# {rel} (from {})\n---\n{}", r.from, r.text));
            continue;
        }
        let path = root.join(&rel);
        if path.exists() {
            out.push_str(&format!(
                "skipped {rel}: the file exists (from {})\n",
                r.from
            ));
            continue;
        }
        match itsm::scaffold::write_atomic(&path, r.text.as_bytes(), false) {
            Ok(()) => {
                written += 1;
                out.push_str(&format!("wrote {rel} (from {})\n", r.from));
            }
            Err(e) => out.push_str(&format!("skipped {rel}: {e:#}\n")),
        }
    }
    for (title, lines) in [
        ("Not mapped", &conversion.unmapped),
        ("Assumed", &conversion.assumptions),
        ("Left out", &conversion.dropped),
    ] {
        if !lines.is_empty() {
            out.push_str(&format!("\n{title}:\n"));
            for l in lines {
                out.push_str(&format!("  {l}\n"));
            }
        }
    }
    out.push_str(&format!(
        "\n{} entities read ({} other documents ignored), {} records {}, {} not mapped.\n",
        entities.len(),
        other,
        if args.dry_run {
            conversion.records.len()
        } else {
            written
        },
        if args.dry_run { "planned" } else { "written" },
        conversion.unmapped.len()
    ));
    if !args.dry_run && written > 0 {
        out.push_str("Run `itsm check` to validate them.\n");
    }
    print(&out);
    std::mem::forget(checked);
    Ok(Status::Clean)
}
