//! `itsm init [DIR]`: scaffold a new repository; never overwrites a file.

use super::{Global, Status, print};
use anyhow::Result;
use std::path::PathBuf;

/// Scaffold a new itsm repository (itsm.yaml, a Team, a Service with its SLA and CI,
/// a Policy, the JSON Schemas for editors and GitHub Actions workflows); existing
/// files are kept as they are
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm init                 in the current folder
  itsm init acme-itsm       in a new folder
Then: edit teams/it-services.yaml (your GitHub login), run `itsm check`.")]
pub struct InitArgs {
    /// Folder to create the repository in
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Organisation name, the title of the catalogue site
    #[arg(long, default_value = "IT services")]
    pub name: String,
}

pub fn run(global: &Global, args: InitArgs) -> Result<Status> {
    let mut kept = 0;
    for (rel, text) in itsm::scaffold::init_files(&args.name, global.today) {
        let path = args.dir.join(&rel);
        match itsm::scaffold::write_atomic(&path, text.as_bytes(), false) {
            Ok(()) => {
                if !rel.starts_with(".itsm") {
                    print(&format!("created {}\n", path.display()));
                }
            }
            Err(e) if e.is_exists() => {
                kept += 1;
                print(&format!("kept    {} (exists)\n", path.display()));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if !global.quiet {
        let hint = if kept > 0 {
            " Existing files were left untouched."
        } else {
            ""
        };
        print(&format!(
            "\nNext: put your GitHub login in teams/it-services.yaml, then run `itsm -C {} check`.{hint}\n",
            args.dir.display()
        ));
    }
    Ok(Status::Clean)
}
