//! Scaffolding for `itsm init` and `itsm new`: templates that pass `itsm check`,
//! written atomically and never over an existing file.

use crate::model::{Kind, is_valid_name};
use jiff::civil::Date;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot create {}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write in {}", path.display())]
    Temporary {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl WriteError {
    /// The file existed and was not to be overwritten.
    pub fn is_exists(&self) -> bool {
        matches!(self, WriteError::Write { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists)
    }
}

/// Why there is no template for a record.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error(
        "`{0}` is not a valid name: use lower-case letters, digits and hyphens, starting and ending with a letter or digit (at most 63 characters), e.g. payments-api"
    )]
    InvalidName(String),
    /// What the record needs that the repository does not have yet.
    #[error("{0}")]
    Needs(&'static str),
}

/// Writes `bytes` to `path` through a temporary file in the same folder, so that
/// the file is either whole or absent. Without `overwrite`, an existing file is
/// an error (`AlreadyExists`), even if it appears while writing.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), WriteError> {
    write_through_temporary(path, bytes, overwrite, true)
}

/// [`write_atomic`] over any existing file, without waiting for the disk: for
/// copies that the next change rewrites anyway (the site `itsm serve` keeps on
/// disk), where syncing would cost more than the rest of a rebuild.
pub fn replace_unsynced(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_through_temporary(path, bytes, true, false)
}

fn write_through_temporary(
    path: &Path,
    bytes: &[u8],
    overwrite: bool,
    sync: bool,
) -> Result<(), WriteError> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|source| WriteError::CreateDir {
        path: parent.to_path_buf(),
        source,
    })?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".itsm-");
    // Temporary files are private (0600); what we write is meant to be read.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder
        .tempfile_in(parent)
        .map_err(|source| WriteError::Temporary {
            path: parent.to_path_buf(),
            source,
        })?;
    let failed = |source| WriteError::Write {
        path: path.to_path_buf(),
        source,
    };
    tmp.write_all(bytes)
        .and_then(|_| {
            if sync {
                tmp.as_file().sync_all()
            } else {
                Ok(())
            }
        })
        .map_err(failed)?;
    if overwrite {
        tmp.persist(path).map_err(|e| failed(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| failed(e.error))?;
    }
    Ok(())
}

/// The GitHub Actions workflow `itsm init` writes: checks on pull requests, the
/// approval gate run from the default branch's definition (pull_request_target and
/// workflow_run), the site on main. The same file is example-repo's and the guide's.
pub const WORKFLOW: &str = include_str!("../example-repo/.github/workflows/itsm.yml");

/// The workflow that relays review events to [`WORKFLOW`]'s gate (by workflow_run):
/// a review event runs the pull request's own workflow, so this one does nothing.
pub const REVIEW_WORKFLOW: &str = include_str!("../example-repo/.github/workflows/itsm-review.yml");

/// What a template may refer to: an existing Team, one of its members, a Service.
#[derive(Debug, Clone)]
pub struct Template {
    pub team: String,
    pub login: String,
    pub service: Option<String>,
    /// A Service that offers requests, with the id of one of its offerings.
    pub offering: Option<(String, String)>,
    /// A Customer, once the repository holds one (an SLA's `customer` then names it).
    pub customer: Option<String>,
    pub today: Date,
}

/// The relative path and text of a new record of `kind` named `name`.
pub fn record(kind: Kind, name: &str, ctx: &Template) -> Result<(PathBuf, String), TemplateError> {
    if !is_valid_name(name) {
        return Err(TemplateError::InvalidName(name.to_string()));
    }
    if let Some(text) = standard_framework(kind, name, ctx) {
        let path = PathBuf::from(kind.folder()).join(format!("{name}.yaml"));
        return Ok((path, text));
    }
    let markdown = matches!(
        kind,
        Kind::Policy
            | Kind::StandardChange
            | Kind::Incident
            | Kind::Problem
            | Kind::Audit
            | Kind::ManagementReview
            | Kind::Improvement
    );
    let ext = if markdown { "md" } else { "yaml" };
    let path = PathBuf::from(kind.folder()).join(format!("{name}.{ext}"));
    let title = title_of(name);
    let spec = match kind {
        Kind::Objective
        | Kind::Risk
        | Kind::Audit
        | Kind::ManagementReview
        | Kind::Improvement
        | Kind::Framework => management_spec(kind, &title, ctx),
        Kind::Release | Kind::Customer | Kind::Request => process_spec(kind, ctx)?,
        _ => catalogue_spec(kind, name, &title, ctx)?,
    };
    let head = format!(
        "apiVersion: itsm/v1\nkind: {}\nmetadata:\n  name: {name}\n  title: {title}\n",
        kind.name()
    );
    let text = if markdown {
        format!("---\n{head}{spec}")
    } else {
        format!(
            "# yaml-language-server: $schema=../.itsm/schemas/{}\n{head}{spec}",
            crate::schema::file_name(kind)
        )
    };
    Ok((path, text))
}

/// The `spec` of a new record of a kind of the v1 catalogue.
fn catalogue_spec(
    kind: Kind,
    name: &str,
    title: &str,
    ctx: &Template,
) -> Result<String, TemplateError> {
    let team = &ctx.team;
    let customer = ctx.customer.as_deref().unwrap_or("Internal");
    let today = ctx.today;
    let spec = match kind {
        Kind::Team => format!(
            "spec:\n  members:\n    - login: {}\n      name: Your Name\n      role: lead\n  # githubTeam: org/{name}\n",
            ctx.login
        ),
        Kind::Service => format!(
            "spec:\n  owner: {team}\n  lifecycle: planned   # planned, development, production, deprecated, retired\n  tier: 3             # 1 (most critical) to 4\n  type: technical\n  # sla: standard      # required once in production\n  # dependsOn: []\n  # cis: []\n  body: |\n    What {title} does, for whom, and how to get help.\n"
        ),
        Kind::Sla => format!(
            "spec:\n  owner: {team}\n  customer: {customer}\n  availability: 99.9\n  window: monthly\n  supportHours: 24x7\n  response: {{p1: 15m, p2: 1h, p3: 4h, p4: 1d}}\n  resolution: {{p1: 4h, p2: 8h, p3: 3d, p4: 2w}}\n  effective: {today}\n  lastReviewed: {today}\n  reviewEvery: 12mo\n"
        ),
        Kind::Ci => format!(
            "spec:\n  owner: {team}\n  type: application     # application, server, database, cloud-service, ...\n  environment: production\n  lifecycle: active\n  # dependsOn: []\n"
        ),
        Kind::Supplier => format!(
            "spec:\n  owner: {team}\n  contract:\n    reference: CONTRACT-REF\n    start: {today}\n    lastReviewed: {today}\n    reviewEvery: 12mo\n  provides: []\n"
        ),
        Kind::Policy => format!(
            "spec:\n  owner: {team}\n  clauses: [\"8.5.1\"]\n  effective: {today}\n  lastReviewed: {today}\n  reviewEvery: 12mo\n---\n# {title}\n\nWhat this policy requires, of whom, and why.\n"
        ),
        Kind::StandardChange => format!(
            "spec:\n  owner: {team}\n  maxRisk: low\n  appliesTo: [application]\n---\n# {title}\n\nThe pre-authorised procedure, step by step.\n"
        ),
        Kind::Change => {
            let Some(service) = &ctx.service else {
                return Err(TemplateError::Needs(
                    "a Change impacts at least one Service or CI, and this repository has none yet: create one first (`itsm new service NAME`)",
                ));
            };
            format!(
                "spec:\n  type: normal          # standard, normal, emergency\n  risk: low             # low, medium, high\n  impacts: [service:{service}]\n  requestedBy: {}\n  status: proposed\n  plan: |\n    What will be done, step by step.\n  backout: |\n    How to undo it.\n",
                ctx.login
            )
        }
        Kind::Incident => {
            let Some(service) = &ctx.service else {
                return Err(TemplateError::Needs(
                    "an Incident names the Services it affected, and this repository has none yet: create one first (`itsm new service NAME`)",
                ));
            };
            // The time of day now, on the day `--today` names (today by default).
            let time = jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .time();
            let now = ctx.today.to_datetime(time).strftime("%Y-%m-%dT%H:%M:00Z");
            format!(
                "spec:\n  priority: p3\n  services: [{service}]\n  started: \"{now}\"\n  impact: degraded      # outage, degraded, none\n  status: open\n---\n## Timeline\n\n- {now}: detected.\n"
            )
        }
        Kind::Problem => format!(
            "spec:\n  owner: {team}\n  status: open\n---\n## Root cause\n\nUnder investigation.\n"
        ),
        // The other kinds have their own templates (management_spec, process_spec).
        _ => return Err(TemplateError::Needs("no template for this kind")),
    };
    Ok(spec)
}

/// The `spec` of a new record of a Plan, Check or Act kind.
fn management_spec(kind: Kind, title: &str, ctx: &Template) -> String {
    let team = &ctx.team;
    let login = &ctx.login;
    let today = ctx.today;
    let later = today.saturating_add(jiff::Span::new().months(3));
    match kind {
        Kind::Objective => format!(
            "spec:\n  owner: {team}\n  measure:\n    metric: p1-mttr\n    unit: hours\n    target: 4\n    direction: at-most   # at-least, at-most\n  due: {later}\n  status: planned        # planned, on-track, at-risk, achieved, missed, dropped\n  # services: []\n  # results: [{{date: {today}, value: 5}}]\n"
        ),
        Kind::Risk => format!(
            "spec:\n  owner: {team}\n  likelihood: 2          # 1 (rare) to 5 (almost certain)\n  impact: 2              # 1 (negligible) to 5 (severe)\n  treatment: accept      # accept, mitigate, transfer, avoid\n  # affects: [service:NAME]\n  # actions: [improvement:NAME]\n  status: open\n  lastReviewed: {today}\n  reviewEvery: 6mo\n"
        ),
        Kind::Audit => format!(
            "spec:\n  type: internal         # internal, external, certification\n  status: planned        # planned, done\n  date: {later}\n  scope:\n    requirements: [\"8.5.1\"]\n  auditors: [{login}]     # independent of the auditees\n  # auditees: [TEAM]\n  # findings:\n  #   - {{id: F1, type: minor, requirement: \"8.5.1\", text: What was found}}\n---\n# {title}\n\nThe audit plan, then the report.\n"
        ),
        Kind::ManagementReview => format!(
            "spec:\n  date: {later}\n  status: planned        # planned, held\n  attendees: [{login}]\n  # inputs:\n  #   - {{topic: previous-actions, notes: ...}}\n  # actions: [improvement:NAME]\n---\n# {title}\n\nAgenda, then minutes.\n"
        ),
        Kind::Improvement => format!(
            "spec:\n  owner: {team}\n  type: improvement      # correction, corrective-action, improvement\n  # source: [audit:NAME#F1]\n  status: open           # open, in-progress, done, verified, rejected\n  due: {later}\n---\n# {title}\n\nWhat to improve and why.\n"
        ),
        _ => format!(
            "spec:\n  owner: {team}\n  title: {title}\n  requirements:\n    - {{id: \"1\", title: First requirement}}\n    - {{id: \"1.1\", title: A requirement under it, parent: \"1\"}}\n  # evidence:\n  #   - {{requirement: \"1.1\", kind: Incident, within: 12mo, what: incidents handled}}\n  # mappings:\n  #   - {{requirement: \"1.1\", to: \"iso20000-1:8.6.1\"}}\n"
        ),
    }
}

/// The `spec` of a new Release, Customer or Request.
fn process_spec(kind: Kind, ctx: &Template) -> Result<String, TemplateError> {
    let team = &ctx.team;
    let login = &ctx.login;
    let time = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .time();
    let now = ctx.today.to_datetime(time).strftime("%Y-%m-%dT%H:%M:00Z");
    Ok(match kind {
        Kind::Release => {
            let Some(service) = &ctx.service else {
                return Err(TemplateError::Needs(
                    "a Release delivers to at least one Service, and this repository has none yet: create one first (`itsm new service NAME`)",
                ));
            };
            format!(
                "spec:\n  owner: {team}\n  version: 1.0.0\n  services: [{service}]\n  # changes: [CHANGE]\n  status: planned        # planned, built, deployed, rolled-back, cancelled\n  environments: [production]\n  acceptance: |\n    What must hold before it is deployed.\n  backout: |\n    How to back it out.\n"
            )
        }
        Kind::Customer => format!(
            "spec:\n  owner: {team}\n  contacts:\n    - {{name: Contact Name, email: contact@example.com, role: sponsor}}\n  # satisfaction: [{{date: {}, score: 4}}]\n",
            ctx.today
        ),
        _ => {
            let Some((service, offering)) = &ctx.offering else {
                return Err(TemplateError::Needs(
                    "a Request asks for one of a Service's `requests` offerings, and no Service offers any yet: add `requests` to a Service first",
                ));
            };
            format!(
                "spec:\n  service: {service}\n  offering: {offering}\n  requestedBy: {login}\n  requested: \"{now}\"\n  status: open           # open, fulfilled, rejected, cancelled\n"
            )
        }
    })
}

/// The standards `itsm new framework NAME` writes in full: their clauses (and
/// ISO/IEC 27001's Annex A controls), numbers and titles, with evidence rules
/// and mappings to ISO/IEC 20000-1.
pub const STANDARDS: [(&str, &str); 2] = [
    ("iso27001", include_str!("frameworks/iso27001.yaml")),
    ("iso9001", include_str!("frameworks/iso9001.yaml")),
];

fn standard_framework(kind: Kind, name: &str, ctx: &Template) -> Option<String> {
    if kind != Kind::Framework {
        return None;
    }
    let (_, text) = STANDARDS.iter().find(|(n, _)| *n == name)?;
    Some(format!(
        "# yaml-language-server: $schema=../.itsm/schemas/{}\n{}",
        crate::schema::file_name(kind),
        text.replace("  owner: OWNER\n", &format!("  owner: {}\n", ctx.team))
    ))
}

fn title_of(name: &str) -> String {
    name.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The files of a new repository, relative to its root.
pub fn init_files(org: &str, today: Date) -> Vec<(PathBuf, String)> {
    let ctx = Template {
        team: "it-services".into(),
        login: "your-github-login".into(),
        service: Some("website".into()),
        offering: None,
        customer: None,
        today,
    };
    let config = format!(
        "# The itsm repository config. See `itsm schema config`.\nname: {org}\n# github: owner/repo        # for links and the approval gate\nadmins: it-services          # approves records without an owner\ncab: it-services             # change advisory board\necab: it-services            # emergency CAB\nsite: {{out: site, baseUrl: /}}\nexclude: [drafts/**]\n"
    );
    let service = format!(
        "# yaml-language-server: $schema=../.itsm/schemas/service.schema.json\napiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: website\n  title: Website\nspec:\n  owner: it-services\n  lifecycle: production\n  tier: 2\n  type: business\n  sla: standard\n  cis: [web-server]\n  body: |\n    The public website of {org}.\n"
    );
    let policy = format!(
        "---\napiVersion: itsm/v1\nkind: Policy\nmetadata:\n  name: change-management\n  title: Change management\nspec:\n  owner: it-services\n  clauses: [\"8.5.1\"]\n  effective: {today}\n  lastReviewed: {today}\n  reviewEvery: 12mo\n  rules:\n    - id: production-needs-sla\n      kind: Service\n      when: self.spec.lifecycle == 'production'\n      assert: has(self.spec.sla)\n      severity: error\n      message: Services in production need an SLA\n---\n# Change management\n\nEvery change to a production Service or CI is a Change record, reviewed and\napproved in a pull request before it is implemented.\n"
    );
    let mut files = vec![
        (PathBuf::from("itsm.yaml"), config),
        (PathBuf::from("services/website.yaml"), service),
        (PathBuf::from("policies/change-management.md"), policy),
        (
            PathBuf::from(".github/workflows/itsm.yml"),
            WORKFLOW.to_string(),
        ),
        (
            PathBuf::from(".github/workflows/itsm-review.yml"),
            REVIEW_WORKFLOW.to_string(),
        ),
    ];
    let templated = [
        (Kind::Team, "it-services"),
        (Kind::Sla, "standard"),
        (Kind::Ci, "web-server"),
    ];
    files.extend(
        templated
            .iter()
            .filter_map(|(kind, name)| record(*kind, name, &ctx).ok()),
    );
    // The service desk: an issue form to report an incident on the one Service.
    files.extend(crate::intake::forms::for_choices(&["website"], &[]));
    for (name, text) in crate::schema::all() {
        files.push((PathBuf::from(".itsm/schemas").join(name), text.to_string()));
    }
    files
}
