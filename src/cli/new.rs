//! `itsm new KIND NAME`: write a new record from a template; never overwrites.

use super::{Global, Status, print};
use anyhow::{Result, bail};
use itsm::load::Source;
use itsm::model::Kind;

/// Write a new record from a template into its kind's folder
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  itsm new service payments-api     services/payments-api.yaml
  itsm new ci pg-main               cis/pg-main.yaml
  itsm new change upgrade-pg-16     changes/upgrade-pg-16.yaml
  itsm new policy access-control    policies/access-control.md
The template refers to an existing Team (and Service) so that it passes `itsm check`; edit it.")]
pub struct NewArgs {
    /// team, service, sla, ci, supplier, policy, standard-change, change, incident or problem
    pub kind: String,
    /// The record's name: lower-case letters, digits and hyphens (e.g. payments-api)
    pub name: String,
}

pub fn run(global: &Global, args: NewArgs) -> Result<Status> {
    let Some(kind) = Kind::parse_loose(&args.kind) else {
        bail!(
            "`{}` is not a kind: use one of {}",
            super::shown_text(&args.kind),
            Kind::ALL
                .iter()
                .map(|k| k.id())
                .collect::<Vec<_>>()
                .join(", ")
        );
    };
    let root = global.root()?;
    let checked = global.check(std::time::Instant::now(), &root, &Source::WorkTree)?;
    let catalog = &checked.catalog;
    if catalog.find(kind, &args.name).is_some() {
        bail!("{}:{} exists already", kind.id(), args.name);
    }
    let (team, login) = owner(catalog, kind)?;
    let service = catalog
        .of_kind(Kind::Service)
        .next()
        .map(|s| catalog.record(s).id.name.clone());
    let offering = catalog.of_kind(Kind::Service).find_map(|s| {
        let record = catalog.record(s);
        let id = record.spec.service()?.requests.first()?.id.as_deref()?;
        Some((record.id.name.clone(), id.to_string()))
    });
    let template = itsm::scaffold::Template {
        team,
        login,
        service,
        offering,
        customer: catalog
            .of_kind(Kind::Customer)
            .next()
            .map(|c| catalog.record(c).id.name.clone()),
        today: global.today,
    };
    let (rel, text) = itsm::scaffold::record(kind, &args.name, &template)?;
    let path = root.join(&rel);
    if let Err(e) = itsm::scaffold::write_atomic(&path, text.as_bytes(), false) {
        if e.is_exists() {
            bail!(
                "{} exists already: pick another name, or edit it",
                super::shown(&path)
            );
        }
        return Err(e.into());
    }
    print(&format!("created {}\n", path.display()));
    Ok(Status::Clean)
}

/// The Team a new record is owned by (the admins, else the first Team) and
/// the login of its first member, for the template.
fn owner(catalog: &itsm::link::Catalog, kind: Kind) -> Result<(String, String)> {
    let team_ix = catalog
        .repo
        .config
        .admins
        .as_deref()
        .and_then(|t| catalog.resolve(t, &[Kind::Team]).ok())
        .or_else(|| catalog.of_kind(Kind::Team).next());
    Ok(match team_ix {
        Some(t) => {
            let r = catalog.record(t);
            let first = r.spec.team().and_then(|t| t.members.first());
            let login = first
                .and_then(|m| m.login.as_deref())
                .unwrap_or("your-github-login");
            (r.id.name.clone(), login.to_string())
        }
        None if kind == Kind::Team => (String::new(), "your-github-login".to_string()),
        None => bail!(
            "records are owned by a Team, and this repository has none yet: start with `itsm new team NAME`"
        ),
    })
}
