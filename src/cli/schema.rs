//! `itsm schema [KIND]`: print the JSON Schemas, or write them for editors.

use super::{Global, Status, print};
use anyhow::{Context, Result, bail};
use itsm::model::Kind;
use std::path::PathBuf;

/// Print the JSON Schema of a kind (or of every kind, and of itsm.yaml)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm schema service                 the schema of Service records
  itsm schema config                  the schema of itsm.yaml
  itsm schema                         every schema, as one JSON object by file name
  itsm schema --write .schemas        write every schema as a file, for editors

Editors with the YAML language server complete and check records when a file starts with
  # yaml-language-server: $schema=../.schemas/service.schema.json")]
pub struct SchemaArgs {
    /// A kind (service, sla, ci, team, supplier, policy, standard-change, change, incident,
    /// problem) or `config` for itsm.yaml
    pub kind: Option<String>,
    /// Write the schemas into this folder instead of printing them
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
}

pub fn run(_global: &Global, args: SchemaArgs) -> Result<Status> {
    let all = itsm::schema::all();
    let chosen: Vec<(String, &str)> = match &args.kind {
        None => all,
        Some(k) if k.eq_ignore_ascii_case("config") || k == "itsm.yaml" => {
            vec![(
                itsm::schema::CONFIG_FILE_NAME.into(),
                itsm::schema::CONFIG_SOURCE,
            )]
        }
        Some(k) => match Kind::parse_loose(k) {
            Some(kind) => vec![(itsm::schema::file_name(kind), itsm::schema::source(kind))],
            None => bail!(
                "`{}` is not a kind: use one of {}, or config",
                super::shown_text(k),
                Kind::ALL
                    .iter()
                    .map(|k| k.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    };
    if let Some(dir) = &args.write {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create {}", super::shown(dir)))?;
        for (name, text) in &chosen {
            let path = dir.join(name);
            itsm::scaffold::write_atomic(&path, text.as_bytes(), true)?;
            print(&format!("wrote {}\n", path.display()));
        }
        return Ok(Status::Clean);
    }
    if args.kind.is_some() {
        print(chosen[0].1);
    } else {
        let mut map = serde_json::Map::new();
        for (name, text) in chosen {
            let value: serde_json::Value = serde_json::from_str(text).context("embedded schema")?;
            map.insert(name, value);
        }
        print(&format!("{}\n", serde_json::to_string_pretty(&map)?));
    }
    Ok(Status::Clean)
}
