//! `itsm import backstage FILES...`: Backstage catalog entities to itsm records.

use super::{Global, Status, print};
use anyhow::{Context, Result, bail};
use itsm::import::backstage;
use itsm::import::logins::LoginMap;
use itsm::import::printable;
use itsm::load::Source;
use itsm::model::Kind;
use std::path::{Path, PathBuf};

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
  itsm import backstage org.yaml --login-map logins.yaml
  itsm import backstage org.yaml --dry-run          print the records, write nothing

Components and Systems become Services (Systems depend on their Components and use their
Resources), Resources become CIs, Groups with their members (and the Users that are members
of them) become Teams. lifecycle: experimental -> development, production, deprecated; tier
from a `tier` label or annotation, else 3; CI environment from an `environment` label or
annotation, else production. API, Domain, Location and Template entities have no itsm kind
and are reported. Records are written to the kind's folder, never over an existing file.

A member's GitHub login (whose approvals count for the Team) comes only from the User's
github.com/user-login annotation or the --login-map file, never from its name. The login
map is one YAML mapping of User references to logins:
  user:default/jane.smith: janesmith
  bob.jones: bjones                 # user:default/bob.jones
Members without a known login are left out and listed. A Group none of whose members has a
login is written only when imported records are owned by it, with its members and no login
to fill in (itsm check reports the file until then); otherwise it is skipped.

Exit codes: 0 converted (see the report for what was left out), 2 a file could not be read.")]
pub struct BackstageArgs {
    /// Backstage descriptor files (one or more YAML documents each)
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,
    /// Bind every imported production Service to this SLA (it must exist)
    #[arg(long, value_name = "NAME")]
    pub sla: Option<String>,
    /// GitHub logins of Backstage Users: a YAML mapping of User references to logins
    #[arg(long, value_name = "FILE")]
    pub login_map: Option<PathBuf>,
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
        let sla = super::shown_text(sla);
        bail!(
            "--sla {sla}: no SLA of that name in the repository; create it first (itsm new sla {sla})"
        );
    }
    let logins = match &args.login_map {
        Some(path) => read_login_map(path)?,
        None => LoginMap::default(),
    };
    let mut entities = Vec::new();
    let mut other = 0;
    for file in &args.files {
        let text = read_bounded(file)?;
        let (found, skipped) =
            backstage::parse(&text, &file.display().to_string()).map_err(|e| {
                anyhow::anyhow!(
                    "{}: fix the YAML and run again (nothing was written)",
                    printable(&e.to_string())
                )
            })?;
        entities.extend(found);
        other += skipped;
    }
    let exists = |kind: Kind, name: &str| catalog.find(kind, name).is_some();
    let options = backstage::Options {
        sla: args.sla,
        logins,
    };
    let conversion = backstage::convert(&entities, &options, &exists);
    let (mut out, written) = write_records(&root, &conversion.records, args.dry_run);
    report(&mut out, &conversion);
    out.push_str(&format!(
        "\n{} entities read ({} other documents ignored), {} records {}, {} already in the repository, {} skipped, {} not mapped.\n",
        entities.len(),
        other,
        if args.dry_run {
            conversion.records.len()
        } else {
            written
        },
        if args.dry_run { "planned" } else { "written" },
        conversion.existing.len(),
        conversion.skipped.len(),
        conversion.unmapped.len()
    ));
    if !args.dry_run && written > 0 {
        out.push_str("Run `itsm check` to validate them.\n");
    }
    print(&out);
    super::free_at_exit(checked);
    Ok(Status::Clean)
}

/// Reads a file given on the command line, refusing one larger than a record file may be.
fn read_bounded(path: &Path) -> Result<String> {
    use std::io::Read;
    let limit = itsm::load::MAX_FILE_BYTES;
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", super::shown(path)))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", super::shown(path)))?;
    if bytes.len() > limit {
        bail!(
            "{}: larger than {} MiB: split it (nothing was written)",
            super::shown(path),
            limit / (1024 * 1024)
        );
    }
    String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", super::shown(path)))
}

fn read_login_map(path: &Path) -> Result<LoginMap> {
    let text = read_bounded(path)?;
    LoginMap::parse(&text, &path.display().to_string()).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| printable(&e.to_string()).into_owned())
            .collect();
        anyhow::anyhow!(
            "--login-map {}:\n  {}\nfix the login map and run again (nothing was written)",
            super::shown(path),
            lines.join("\n  ")
        )
    })
}

/// Writes the records (or prints them, on a dry run): the lines to report and
/// how many were written. A record's folder that is a symbolic link is not
/// written through.
fn write_records(root: &Path, records: &[backstage::Planned], dry_run: bool) -> (String, usize) {
    let mut out = String::new();
    let mut written = 0;
    for r in records {
        let rel = format!("{}/{}.yaml", r.kind.folder(), r.name);
        let from = printable(&r.from);
        if dry_run {
            out.push_str(&format!("# {rel} (from {from})\n---\n{}", r.text));
            continue;
        }
        let folder = root.join(r.kind.folder());
        if std::fs::symlink_metadata(&folder).is_ok_and(|m| m.file_type().is_symlink()) {
            out.push_str(&format!(
                "skipped {rel}: {}/ is a symbolic link (from {from})\n",
                r.kind.folder()
            ));
            continue;
        }
        let path = root.join(&rel);
        if std::fs::symlink_metadata(&path).is_ok() {
            out.push_str(&format!("skipped {rel}: the file exists (from {from})\n"));
            continue;
        }
        match itsm::scaffold::write_atomic(&path, r.text.as_bytes(), false) {
            Ok(()) => {
                written += 1;
                out.push_str(&format!("wrote {rel} (from {from})\n"));
            }
            Err(e) => out.push_str(&format!(
                "skipped {rel}: {}\n",
                printable(&format!("{:#}", anyhow::Error::from(e)))
            )),
        }
    }
    (out, written)
}

/// The report's sections, each line escaped for the terminal.
fn report(out: &mut String, c: &backstage::Conversion) {
    for (title, lines) in [
        ("Already in the repository", &c.existing),
        ("Skipped", &c.skipped),
        ("Not mapped", &c.unmapped),
        (
            "GitHub logins (their approvals count for the Team: check each)",
            &c.logins,
        ),
        ("No GitHub login", &c.no_login),
        ("Assumed", &c.assumptions),
        ("Left out", &c.dropped),
    ] {
        if !lines.is_empty() {
            out.push_str(&format!("\n{title}:\n"));
            for l in lines {
                out.push_str(&format!("  {}\n", printable(l)));
            }
        }
    }
}
