//! Writes a synthetic ITSM repository in the contract's record format, for the benchmarks and tests.
//!
//! ```text
//! cargo run --release --example gen_corpus -- OUT N [--seed S] [--errors K] [--git]
//! ```
//!
//! OUT (a new or empty folder) gets `itsm.yaml` and exactly N records (at
//! least 100), of every kind, in the mix of [`KINDS`]: per 1,000 records 10
//! Teams, 80 Services, 30 Suppliers, 100 Changes, 60 Incidents, 20 Problems,
//! 4 SLAs, 6 Policies (with CEL rules) and 5 StandardChanges in all, and CIs
//! for the rest (about 700). Policies, StandardChanges, Incidents, Problems,
//! a quarter of the Services and a fifth of the Changes are Markdown records.
//! The corpus checks clean (`itsm check --today 2026-11-21`: no error, no
//! warning) unless `--errors K` adds K records in `broken/`: the k-th
//! raises exactly one diagnostic, of the code `ERRORS[k % 13].0` (see
//! [`ERRORS`]). `--git` makes OUT a git repository with one commit on
//! `main` (objects in one pack, index matching the work tree).
//!
//! Same arguments, same bytes (and with `--git` the same commit id). Each
//! record draws from its own random stream (seed, kind, index), so records
//! can be written in parallel and a new kind changes no other kind's records
//! except through the counts (CIs take what the other kinds leave).
//!
//! To add a kind, add a row to [`KINDS`]: how many (a share of N), how its
//! records are named, and a function that writes record `i`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;
use itsm::model::Kind;
use rayon::prelude::*;

/// The command line.
#[derive(Parser, Debug, Clone)]
#[command(about = "Write a synthetic ITSM repository (valid unless --errors)")]
pub struct Options {
    /// Folder to write (must be new or empty).
    pub out: PathBuf,
    /// Number of records (at least 100), not counting the `--errors` records.
    pub records: usize,
    /// Seed of the random choices: same seed, same bytes.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Add this many records with deliberate errors, in `broken/`.
    #[arg(long, default_value_t = 0)]
    pub errors: usize,
    /// Make OUT a git repository with one commit.
    #[arg(long)]
    pub git: bool,
}

fn main() -> ExitCode {
    let options = Options::parse();
    match generate(&options) {
        Ok(summary) => {
            println!("{}: {summary}", options.out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Writes the corpus of `options`; returns a one-line summary of the counts.
pub fn generate(options: &Options) -> Result<String> {
    if options.records < 100 {
        bail!("N must be at least 100 (got {})", options.records);
    }
    let out = &options.out;
    if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        bail!(
            "{} is not empty: remove it or name a new folder",
            out.display()
        );
    }
    let corpus = Corpus::new(options.records, options.seed);
    let mut records = corpus.records();
    records.extend((0..options.errors).map(|k| broken(&corpus, k)));
    records.push(Record::new("itsm.yaml".into(), CONFIG.into()));
    write_files(out, &records)?;
    if options.git {
        commit(out, &mut records).context("cannot make the git repository")?;
    }
    Ok(corpus.summary(options.errors))
}

const CONFIG: &str = "name: Synthetic IT services\ngithub: example/itsm\n\
admins: team-0000\ncab: team-0001\necab: team-0002\n";

/// One kind of record in the mix: how many, how named, how written.
pub struct KindGen {
    pub kind: Kind,
    count: Count,
    name: fn(usize) -> String,
    write: fn(&Corpus, usize, &mut Rng) -> Record,
}

/// How many records of a kind a corpus of N holds.
#[derive(Clone, Copy)]
enum Count {
    /// `per_mille` of N, at least `min`.
    Share { per_mille: usize, min: usize },
    /// Always this many.
    Fixed(usize),
    /// What the other kinds leave of N, at least `min`.
    Rest { min: usize },
}

/// The mix. Order matters only for [`Corpus::records`]'s output order.
pub static KINDS: &[KindGen] = &[
    KindGen {
        kind: Kind::Team,
        count: Count::Share {
            per_mille: 10,
            min: 3,
        },
        name: |i| format!("team-{i:04}"),
        write: team,
    },
    KindGen {
        kind: Kind::Sla,
        count: Count::Fixed(SLAS.len()),
        name: |i| SLAS[i].0.to_string(),
        write: sla,
    },
    KindGen {
        kind: Kind::Supplier,
        count: Count::Share {
            per_mille: 30,
            min: 1,
        },
        name: |i| format!("supplier-{i:04}"),
        write: supplier,
    },
    KindGen {
        kind: Kind::Ci,
        count: Count::Rest {
            min: CI_TYPES.len(),
        },
        name: |i| format!("ci-{i:06}"),
        write: ci,
    },
    KindGen {
        kind: Kind::Service,
        count: Count::Share {
            per_mille: 80,
            min: 5,
        },
        name: |i| format!("svc-{i:05}"),
        write: service,
    },
    KindGen {
        kind: Kind::Policy,
        count: Count::Fixed(POLICIES.len()),
        name: |i| POLICIES[i].name.to_string(),
        write: policy,
    },
    KindGen {
        kind: Kind::StandardChange,
        count: Count::Fixed(STANDARD_CHANGES.len()),
        name: |i| STANDARD_CHANGES[i].0.to_string(),
        write: standard_change,
    },
    KindGen {
        kind: Kind::Change,
        count: Count::Share {
            per_mille: 100,
            min: 1,
        },
        name: |i| format!("chg-{i:06}"),
        write: change,
    },
    KindGen {
        kind: Kind::Incident,
        count: Count::Share {
            per_mille: 60,
            min: 1,
        },
        name: |i| format!("inc-{i:06}"),
        write: incident,
    },
    KindGen {
        kind: Kind::Problem,
        count: Count::Share {
            per_mille: 20,
            min: 1,
        },
        name: |i| format!("prb-{i:06}"),
        write: problem,
    },
];

/// The counts of a corpus and its seed: what every writer may look up.
pub struct Corpus {
    seed: u64,
    counts: Vec<usize>,
}

impl Corpus {
    fn new(n: usize, seed: u64) -> Corpus {
        let fixed = |c: Count| match c {
            Count::Share { per_mille, min } => (n * per_mille / 1000).max(min),
            Count::Fixed(k) => k,
            Count::Rest { .. } => 0,
        };
        let taken: usize = KINDS.iter().map(|k| fixed(k.count)).sum();
        let counts = KINDS
            .iter()
            .map(|k| match k.count {
                Count::Rest { min } => n.saturating_sub(taken).max(min),
                c => fixed(c),
            })
            .collect();
        Corpus { seed, counts }
    }

    /// How many records of `kind`.
    pub fn count(&self, kind: Kind) -> usize {
        KINDS
            .iter()
            .position(|k| k.kind == kind)
            .map_or(0, |i| self.counts[i])
    }

    /// The name of record `i` of `kind`.
    pub fn name(&self, kind: Kind, i: usize) -> String {
        let row = KINDS.iter().find(|k| k.kind == kind);
        row.map_or_else(String::new, |k| (k.name)(i))
    }

    /// A random record of `kind` drawn with `rng`.
    fn any(&self, kind: Kind, rng: &mut Rng) -> String {
        self.name(kind, rng.below(self.count(kind)))
    }

    /// Every record, kind by kind, made in parallel.
    fn records(&self) -> Vec<Record> {
        let jobs: Vec<(usize, usize)> = (0..KINDS.len())
            .flat_map(|k| (0..self.counts[k]).map(move |i| (k, i)))
            .collect();
        jobs.into_par_iter()
            .map(|(k, i)| {
                let row = &KINDS[k];
                (row.write)(self, i, &mut Rng::new(self.seed, row.kind.name(), i))
            })
            .collect()
    }

    fn summary(&self, errors: usize) -> String {
        let total: usize = self.counts.iter().sum();
        let mut s = format!("{} records (", total + errors);
        for (row, n) in KINDS.iter().zip(&self.counts) {
            let _ = write!(s, "{n} {}, ", row.kind.id());
        }
        let _ = write!(s, "{errors} with errors)");
        s
    }
}

/// A file to write: its path below OUT and its text.
pub struct Record {
    pub path: String,
    pub text: String,
}

impl Record {
    fn new(path: String, text: String) -> Record {
        Record { path, text }
    }

    /// A `.yaml` record in the kind's folder.
    fn yaml(kind: Kind, name: &str, metadata: &str, spec: &str) -> Record {
        let text = format!("{}spec:\n{spec}", envelope(kind, name, metadata));
        Record::new(format!("{}/{name}.yaml", kind.folder()), text)
    }

    /// A `.md` record in the kind's folder: front matter, then `body`.
    fn markdown(kind: Kind, name: &str, metadata: &str, spec: &str, body: &str) -> Record {
        let envelope = envelope(kind, name, metadata);
        let text = format!("---\n{envelope}spec:\n{spec}---\n{body}");
        Record::new(format!("{}/{name}.md", kind.folder()), text)
    }
}

fn envelope(kind: Kind, name: &str, metadata: &str) -> String {
    format!(
        "apiVersion: itsm/v1\nkind: {}\nmetadata:\n  name: {name}\n{metadata}",
        kind.name()
    )
}

// ---------------------------------------------------------------- the kinds

fn team(c: &Corpus, t: usize, rng: &mut Rng) -> Record {
    let name = c.name(Kind::Team, t);
    let mut spec = String::from("  members:\n");
    for m in 0..3 + rng.below(4) {
        let role = if m == 0 { ", role: lead" } else { "" };
        let _ = writeln!(
            spec,
            "    - {{login: {}, name: User {t}-{m}, email: {}@example.com{role}}}",
            login(t, m),
            login(t, m)
        );
    }
    let _ = write!(
        spec,
        "  githubTeam: example/{name}\n  email: {name}@example.com\n  chat: \"#{name}\"\n"
    );
    let meta = format!("  title: Team {t}\n");
    Record::yaml(Kind::Team, &name, &meta, &spec)
}

/// The GitHub login of member `m` of team `t` (member 0 always exists).
fn login(t: usize, m: usize) -> String {
    format!("user-{t:04}-{m}")
}

/// The SLAs, one per service tier: name, availability.
const SLAS: &[(&str, &str)] = &[
    ("platinum", "99.99"),
    ("gold", "99.95"),
    ("silver", "99.9"),
    ("bronze", "99.5"),
];

fn sla(_: &Corpus, i: usize, rng: &mut Rng) -> Record {
    let (name, availability) = SLAS[i];
    let hours = if i < 2 { "24x7" } else { "business" };
    let spec = format!(
        "  owner: team-0000\n  customer: Internal\n  availability: {availability}\n  window: monthly\n\
         \x20 supportHours: {hours}\n  response: {{p1: 15m, p2: 1h, p3: 4h, p4: 1d}}\n\
         \x20 resolution: {{p1: 4h, p2: 8h, p3: 3d, p4: 2w}}\n  effective: 2025-01-01\n\
         \x20 lastReviewed: {}\n  reviewEvery: 12mo\n",
        date(past(rng, 300))
    );
    let meta = format!("  title: {} service level\n", capitalised(name));
    if i == SLAS.len() - 1 {
        return Record::markdown(Kind::Sla, name, &meta, &spec, &body(rng, 2));
    }
    let spec = format!("{spec}  body: |\n{}", indent(&body(rng, 1), 4));
    Record::yaml(Kind::Sla, name, &meta, &spec)
}

fn supplier(c: &Corpus, s: usize, rng: &mut Rng) -> Record {
    let name = c.name(Kind::Supplier, s);
    let spec = format!(
        "  owner: {}\n  contract:\n    reference: C-{s:05}\n    start: {}\n    end: {}\n\
         \x20   lastReviewed: {}\n    reviewEvery: 12mo\n    cost: {{amount: {}, currency: EUR, per: year}}\n\
         \x20 provides: [{}]\n  contact: {name}@supplier.example\n",
        c.name(Kind::Team, s % c.count(Kind::Team)),
        date(TODAY - 400 - rng.below(280)),
        date(TODAY + 60 + rng.below(1000)),
        date(past(rng, 300)),
        (s % 40 + 1) * 1200,
        rng.pick(&["Hosting", "Licences", "Support", "Network, Hosting"]),
    );
    let meta = format!("  title: Supplier {s}\n");
    Record::yaml(Kind::Supplier, &name, &meta, &spec)
}

/// The CI types; CI `i` has type `CI_TYPES[i % 12]`.
const CI_TYPES: &[&str] = &[
    "application",
    "server",
    "virtual-machine",
    "container",
    "database",
    "network",
    "storage",
    "cloud-service",
    "saas",
    "certificate",
    "endpoint",
    "other",
];

fn ci(c: &Corpus, i: usize, rng: &mut Rng) -> Record {
    let (cis, name) = (c.count(Kind::Ci), c.name(Kind::Ci, i));
    let kind = CI_TYPES[i % CI_TYPES.len()];
    let environment = match rng.below(20) {
        0 | 1 => "staging",
        2 => "dr",
        3 => "test",
        _ => "production",
    };
    let mut spec = format!(
        "  owner: {}\n  type: {kind}\n  environment: {environment}\n  lifecycle: {}\n",
        c.name(Kind::Team, i % c.count(Kind::Team)),
        rng.pick(&[
            "active",
            "active",
            "active",
            "active",
            "maintenance",
            "planned"
        ]),
    );
    // Depends only on CIs further on: no cycle.
    let mut deps: Vec<usize> = (0..rng.below(3))
        .filter(|_| i + 1 < cis)
        .map(|_| i + 1 + rng.below(cis - i - 1))
        .collect();
    deps.sort_unstable();
    deps.dedup();
    list(
        &mut spec,
        "dependsOn",
        deps.iter().map(|&d| c.name(Kind::Ci, d)),
    );
    if rng.chance(20) {
        let _ = writeln!(spec, "  supplier: {}", c.any(Kind::Supplier, rng));
    }
    if kind == "certificate" {
        let _ = writeln!(spec, "  expires: {}", date(TODAY + 45 + rng.below(700)));
    }
    let _ = writeln!(
        spec,
        "  attributes: {{cpu: {}, region: eu-{}{}}}",
        1 + rng.below(64),
        i % 4,
        if kind == "database" {
            ", backup: daily"
        } else {
            ""
        }
    );
    if i % 10 < 7 {
        let per = if i.is_multiple_of(10) {
            "year"
        } else {
            "month"
        };
        let _ = writeln!(
            spec,
            "  cost: {{amount: {}.5, currency: EUR, per: {per}}}",
            i % 97 * 3 + 1
        );
    }
    let meta = format!("  labels: {{zone: z{}}}\n", i % 3);
    let mut record = Record::yaml(Kind::Ci, &name, &meta, &spec);
    record.path = format!("cis/{:03}/{name}.yaml", i / 1000);
    record
}

/// Costs, budgets and capacity of Service `s`, from its number alone (no
/// draw, so the rest of the corpus stays as it was): within budget and
/// below every threshold, so the corpus still checks clean.
fn resources(spec: &mut String, s: usize) {
    if s.is_multiple_of(3) {
        let _ = writeln!(
            spec,
            "  cost: {{amount: {}.25, currency: EUR, per: month}}",
            s % 50 * 10 + 5
        );
    }
    if s.is_multiple_of(7) {
        spec.push_str("  budget: {amount: 100000000, currency: EUR, per: month}\n");
    }
    if s % 10 == 1 {
        let _ = writeln!(
            spec,
            "  capacity:\n    - {{metric: requests, unit: rps, limit: 1000, current: {}, measured: {}, forecast: [{{date: {}, value: 500}}]}}",
            100 + s % 300,
            date(TODAY - 1),
            date(TODAY + 90),
        );
    }
}

/// Tier of Service `s` (1 = most critical); its SLA is `SLAS[tier - 1]`.
fn tier(s: usize) -> usize {
    1 + s % 4
}

/// Lifecycle of Service `s`: a few are not in production (nothing depends on them).
fn lifecycle(s: usize) -> &'static str {
    match s % 50 {
        24 => "development",
        49 => "deprecated",
        _ => "production",
    }
}

fn service(c: &Corpus, s: usize, rng: &mut Rng) -> Record {
    let (services, cis) = (c.count(Kind::Service), c.count(Kind::Ci));
    let name = c.name(Kind::Service, s);
    let mut spec = format!(
        "  owner: {}\n  lifecycle: {}\n  tier: {}\n  type: {}\n  sla: {}\n",
        c.name(Kind::Team, s % c.count(Kind::Team)),
        lifecycle(s),
        tier(s),
        if s.is_multiple_of(5) {
            "business"
        } else {
            "technical"
        },
        SLAS[tier(s) - 1].0,
    );
    // At most two dependencies, further on, more critical and in production:
    // no cycle, every SLA feasible, no retired dependency.
    let better: Vec<usize> = (s + 1..services.min(s + 40))
        .filter(|&d| tier(d) < tier(s) && lifecycle(d) == "production")
        .collect();
    let mut deps: Vec<usize> = (0..rng.below(3).min(better.len()))
        .map(|_| *rng.pick(&better))
        .collect();
    deps.sort_unstable();
    deps.dedup();
    list(
        &mut spec,
        "dependsOn",
        deps.iter().map(|&d| c.name(Kind::Service, d)),
    );
    // Every CI belongs to one Service: no orphan.
    let mine = s * cis / services..(s + 1) * cis / services;
    list(&mut spec, "cis", mine.map(|i| c.name(Kind::Ci, i)));
    if rng.chance(30) {
        list(
            &mut spec,
            "suppliers",
            [c.any(Kind::Supplier, rng)].into_iter(),
        );
    }
    if s.is_multiple_of(5) {
        spec.push_str("  customers: [Retail, Wholesale]\n");
    }
    let rto = ["1h", "4h", "1d", "3d"][tier(s) - 1];
    let _ = write!(
        spec,
        "  support: {{hours: {}, channel: \"#{name}\", escalation: \"PagerDuty: {name}\"}}\n\
         \x20 continuity:\n    rto: {rto}\n    rpo: 15m\n    tests:\n\
         \x20     - {{date: {}, result: passed, rtoAchieved: {rto}, rpoAchieved: 15m}}\n",
        if tier(s) <= 2 { "24x7" } else { "business" },
        date(TODAY - 30 - s % 300),
    );
    resources(&mut spec, s);
    let meta = format!(
        "  title: Service {s}\n  description: Synthetic service number {s}.\n  links:\n\
         \x20   - {{title: Runbook, url: \"https://runbooks.example.com/{name}\"}}\n"
    );
    if s % 4 == 3 {
        return Record::markdown(Kind::Service, &name, &meta, &spec, &body(rng, 3));
    }
    let spec = format!("{spec}  body: |\n{}", indent(&body(rng, 2), 4));
    Record::yaml(Kind::Service, &name, &meta, &spec)
}

/// A Policy: name, title, ISO/IEC 20000-1 clauses, rules.
pub struct PolicyGen {
    name: &'static str,
    title: &'static str,
    clauses: &'static str,
    rules: &'static str,
}

/// The Policies; every record of the corpus passes their rules.
const POLICIES: &[PolicyGen] = &[
    PolicyGen {
        name: "change-management-policy",
        title: "Change management policy",
        clauses: r#"["8.5.1", "8.5.3"]"#,
        rules: r#"    - id: high-risk-changes-need-window
      kind: Change
      when: "self.spec.risk == 'high'"
      assert: "has(self.spec.window)"
      severity: error
      message: High-risk changes must declare an implementation window
    - id: emergency-changes-cite-incident
      kind: Change
      when: "self.spec.type == 'emergency'"
      assert: "has(self.spec.incidents) && size(self.spec.incidents) > 0"
      severity: error
      message: Emergency changes must list the incident they respond to
    - id: high-risk-changes-two-cab-approvals
      kind: Change
      when: "self.spec.type == 'normal' && self.spec.risk == 'high'"
      approve: {team: team-0001, count: 2}
      message: High-risk normal changes need two CAB approvals
"#,
    },
    PolicyGen {
        name: "service-level-management-policy",
        title: "Service level management policy",
        clauses: r#"["8.3.3"]"#,
        rules: r#"    - id: tier1-needs-strong-sla
      kind: Service
      when: "self.spec.tier == 1 && self.spec.lifecycle == 'production'"
      assert: "has(self.spec.sla) && ref('sla', self.spec.sla).spec.availability >= 99.9"
      severity: error
      message: Tier-1 production services need an SLA of at least 99.9%
    - id: production-services-have-support
      kind: Service
      when: "self.spec.lifecycle == 'production'"
      assert: "has(self.spec.support) && has(self.spec.support.channel)"
      severity: warning
      message: Production services name a support channel
"#,
    },
    PolicyGen {
        name: "configuration-management-policy",
        title: "Configuration management policy",
        clauses: r#"["8.2.5", "8.2.6"]"#,
        rules: r#"    - id: production-databases-declare-backup
      kind: CI
      when: "self.spec.type == 'database' && self.spec.environment == 'production'"
      assert: "has(self.spec.attributes) && has(self.spec.attributes.backup)"
      severity: error
      message: Production databases declare their backup in attributes.backup
    - id: certificates-expire
      kind: CI
      when: "self.spec.type == 'certificate'"
      assert: "has(self.spec.expires)"
      severity: warning
      message: Certificates record when they expire
"#,
    },
    PolicyGen {
        name: "incident-management-policy",
        title: "Incident and problem management policy",
        clauses: r#"["8.6.1", "8.6.3"]"#,
        rules: r#"    - id: closed-incidents-are-resolved
      kind: Incident
      when: "self.spec.status == 'closed'"
      assert: "has(self.spec.resolved)"
      severity: error
      message: A closed incident records when it was resolved
"#,
    },
    PolicyGen {
        name: "supplier-management-policy",
        title: "Supplier management policy",
        clauses: r#"["8.3.4", "8.3.4.1"]"#,
        rules: r#"    - id: suppliers-have-contract-reference
      kind: Supplier
      assert: "has(self.spec.contract) && has(self.spec.contract.reference)"
      severity: warning
      message: Every supplier contract has a reference
"#,
    },
    PolicyGen {
        name: "service-management-policy",
        title: "Service management policy",
        clauses: r#"["5.2", "8.1", "9.4"]"#,
        rules: "",
    },
];

fn policy(_: &Corpus, p: usize, rng: &mut Rng) -> Record {
    let policy = &POLICIES[p];
    let mut spec = format!(
        "  owner: team-0000\n  approver: team-0001\n  clauses: {}\n  effective: 2025-03-01\n\
         \x20 lastReviewed: {}\n  reviewEvery: 12mo\n",
        policy.clauses,
        date(past(rng, 300)),
    );
    if !policy.rules.is_empty() {
        let _ = write!(spec, "  rules:\n{}", policy.rules);
    }
    let meta = format!("  title: {}\n", policy.title);
    let body = format!("# {}\n\n{}", policy.title, body(rng, 5));
    Record::markdown(Kind::Policy, policy.name, &meta, &spec, &body)
}

/// The StandardChanges: name, maxRisk, appliesTo (CI types or Service names).
const STANDARD_CHANGES: &[(&str, &str, &[&str])] = &[
    ("restart-workload", "low", &["application", "container"]),
    ("os-patch", "medium", &["server", "virtual-machine"]),
    ("db-minor-patch", "medium", &["database"]),
    ("certificate-renewal", "low", &["certificate"]),
    (
        "feature-flag-toggle",
        "low",
        &["svc-00000", "svc-00001", "svc-00002"],
    ),
];

fn standard_change(_: &Corpus, i: usize, rng: &mut Rng) -> Record {
    let (name, risk, applies) = STANDARD_CHANGES[i];
    let spec = format!(
        "  owner: team-0000\n  maxRisk: {risk}\n  appliesTo: [{}]\n",
        applies.join(", ")
    );
    let meta = format!("  title: {}\n", capitalised(&name.replace('-', " ")));
    let body = format!(
        "# Procedure\n\n1. Open the Change record.\n2. Follow the runbook.\n3. Verify.\n\n{}",
        body(rng, 2)
    );
    Record::markdown(Kind::StandardChange, name, &meta, &spec, &body)
}

fn change(c: &Corpus, i: usize, rng: &mut Rng) -> Record {
    let name = c.name(Kind::Change, i);
    let spec = match i % 10 {
        0..=5 => normal_change(c, i, rng),
        6..=8 => standard_change_use(c, i, rng),
        _ => emergency_change(c, rng),
    };
    let meta = format!("  title: Change {i}\n");
    if i % 5 == 4 {
        return Record::markdown(Kind::Change, &name, &meta, &spec, &body(rng, 2));
    }
    Record::yaml(Kind::Change, &name, &meta, &spec)
}

fn normal_change(c: &Corpus, i: usize, rng: &mut Rng) -> String {
    let risk = rng.pick(&["low", "medium", "high"]);
    let (status, day) = match rng.below(10) {
        0..=6 => ("implemented", past(rng, 600)),
        7 | 8 => ("scheduled", TODAY + 1 + rng.below(90)),
        _ => (*rng.pick(&["cancelled", "rolled-back"]), past(rng, 300)),
    };
    let mut spec = format!(
        "  type: normal\n  risk: {risk}\n  impacts: [ci:{}, service:{}]\n  requestedBy: {}\n\
         \x20 status: {status}\n{}  plan: Apply the change.\n  backout: Revert it.\n",
        c.any(Kind::Ci, rng),
        c.any(Kind::Service, rng),
        login(i % c.count(Kind::Team), 0),
        window(day),
    );
    if status == "implemented" && rng.chance(30) {
        let _ = writeln!(
            spec,
            "  review: {{date: {}, outcome: successful}}",
            date(day + 3)
        );
    }
    if rng.chance(10) {
        list(
            &mut spec,
            "problems",
            [c.any(Kind::Problem, rng)].into_iter(),
        );
    }
    spec
}

/// A standard Change within its StandardChange's risk and scope.
fn standard_change_use(c: &Corpus, i: usize, rng: &mut Rng) -> String {
    let (standard, _, applies) = STANDARD_CHANGES[rng.below(STANDARD_CHANGES.len())];
    let target = rng.pick(applies);
    let impact = match CI_TYPES.iter().position(|t| t == target) {
        // A CI of that type: CI `n` has type `CI_TYPES[n % 12]`.
        Some(t) => {
            let of_type = (c.count(Kind::Ci) - t).div_ceil(CI_TYPES.len());
            format!(
                "ci:{}",
                c.name(Kind::Ci, t + CI_TYPES.len() * rng.below(of_type))
            )
        }
        None => format!("service:{target}"),
    };
    let (status, day) = if rng.chance(80) {
        ("implemented", past(rng, 600))
    } else {
        ("scheduled", TODAY + 1 + rng.below(60))
    };
    format!(
        "  type: standard\n  risk: low\n  standardChange: {standard}\n  impacts: [{impact}]\n\
         \x20 requestedBy: {}\n  status: {status}\n{}",
        login(i % c.count(Kind::Team), 0),
        window(day),
    )
}

fn emergency_change(c: &Corpus, rng: &mut Rng) -> String {
    let day = past(rng, 600);
    format!(
        "  type: emergency\n  risk: {}\n  impacts: [service:{}]\n  requestedBy: {}\n\
         \x20 status: implemented\n{}  backout: Roll back to the previous release.\n\
         \x20 review: {{date: {}, outcome: successful, notes: Restored service.}}\n  incidents: [{}]\n",
        rng.pick(&["medium", "high"]),
        c.any(Kind::Service, rng),
        login(rng.below(c.count(Kind::Team)), 0),
        window(day),
        date(day + 2),
        c.any(Kind::Incident, rng),
    )
}

/// `  window: {start, end}` from 22:00 on `day` to 01:00 the day after.
fn window(day: usize) -> String {
    format!(
        "  window: {{start: \"{}T22:00:00Z\", end: \"{}T01:00:00Z\"}}\n",
        date(day),
        date(day + 1)
    )
}

fn incident(c: &Corpus, i: usize, rng: &mut Rng) -> Record {
    let name = c.name(Kind::Incident, i);
    let open = rng.chance(10);
    let day = if open {
        TODAY - 1 - rng.below(10)
    } else {
        past(rng, 600)
    };
    let (h, m) = (rng.below(20), rng.below(60));
    let mut spec = format!(
        "  priority: p{}\n  services: [{}]\n  started: \"{}T{h:02}:{m:02}:00Z\"\n  impact: {}\n",
        1 + rng.below(4),
        c.any(Kind::Service, rng),
        date(day),
        rng.pick(&["outage", "degraded", "degraded", "none"]),
    );
    if open {
        spec.push_str("  status: open\n");
    } else {
        let _ = write!(
            spec,
            "  resolved: \"{}T{:02}:{m:02}:00Z\"\n  status: {}\n",
            date(day),
            h + 1 + rng.below(4),
            rng.pick(&["closed", "closed", "closed", "resolved"]),
        );
    }
    if rng.chance(30) {
        let _ = writeln!(spec, "  problem: {}", c.any(Kind::Problem, rng));
    }
    let meta = format!("  title: Incident {i}\n");
    let body = format!(
        "## Timeline\n\n{}\n## Impact\n\n{}",
        body(rng, 2),
        body(rng, 1)
    );
    Record::markdown(Kind::Incident, &name, &meta, &spec, &body)
}

fn problem(c: &Corpus, p: usize, rng: &mut Rng) -> Record {
    let name = c.name(Kind::Problem, p);
    let status = ["open", "known-error", "resolved"][p % 3];
    let mut spec = format!("  owner: {}\n  status: {status}\n", c.any(Kind::Team, rng));
    let incidents: Vec<String> = (0..1 + rng.below(3))
        .map(|_| c.any(Kind::Incident, rng))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    list(&mut spec, "incidents", incidents.into_iter());
    match status {
        "known-error" => spec.push_str("  workaround: Restart the affected workload.\n"),
        "resolved" => {
            let _ = writeln!(spec, "  fix: {}", c.any(Kind::Change, rng));
        }
        _ => {}
    }
    let meta = format!("  title: Problem {p}\n");
    let body = format!("## Root cause\n\n{}", body(rng, 2));
    Record::markdown(Kind::Problem, &name, &meta, &spec, &body)
}

// ---------------------------------------------------------------- errors

/// Writes a broken record named by the second argument.
type Breaker = fn(&Corpus, &str) -> String;

/// The deliberate errors of `--errors K`: record `k` (in `broken/`) raises
/// exactly one diagnostic, of code `ERRORS[k % ERRORS.len()].0`.
pub static ERRORS: &[(&str, Breaker)] = &[
    ("schema", |_, name| {
        bad_service(name, "planned", "  tier: 9\n")
    }),
    ("unresolved-ref", |_, name| {
        bad_service(name, "planned", "  tier: 4\n  sla: no-such-sla\n")
    }),
    ("wrong-kind-ref", |_, name| {
        bad_service(name, "planned", "  tier: 4\n  dependsOn: [ci:ci-000000]\n")
    }),
    ("duplicate-name", |_, name| {
        let one = bad_service(name, "planned", "  tier: 4\n");
        format!("{one}---\n{one}")
    }),
    ("dependency-cycle", |_, name| {
        bad_service(
            name,
            "planned",
            &format!("  tier: 4\n  dependsOn: [{name}]\n"),
        )
    }),
    ("missing-sla", |_, name| {
        let support = format!("  tier: 4\n  support: {{channel: \"#{name}\"}}\n");
        bad_service(name, "production", &support)
    }),
    ("invalid-window", |c, name| {
        let w = "  window: {start: \"2026-03-02T10:00:00Z\", end: \"2026-03-01T10:00:00Z\"}\n";
        bad_change(c, name, "normal", "low", w)
    }),
    ("expired", |_, name| {
        let spec = "  owner: team-0000\n  contract: {reference: C-0, start: 2024-01-01, end: 2026-01-31}\n";
        format!("{}spec:\n{spec}", envelope(Kind::Supplier, name, ""))
    }),
    ("standard-change-scope", |c, name| {
        let extra = "  standardChange: restart-workload\n";
        bad_change(c, name, "standard", "medium", extra)
    }),
    ("rule", |c, name| bad_change(c, name, "normal", "high", "")),
    ("yaml-syntax", |_, name| {
        format!("apiVersion: itsm/v1\nkind: Service\nmetadata: {{name: {name}\n")
    }),
    ("unknown-kind", |_, name| {
        format!("apiVersion: itsm/v1\nkind: Widget\nmetadata:\n  name: {name}\nspec: {{}}\n")
    }),
    ("schema", |_, name| {
        bad_service(name, "planned", "  tier: 4\n  ownr: team-0001\n")
    }),
];

/// Record `k` of `--errors`: `broken/bad-NNNNN.yaml`.
fn broken(c: &Corpus, k: usize) -> Record {
    let name = format!("bad-{k:05}");
    let text = (ERRORS[k % ERRORS.len()].1)(c, &name);
    Record::new(format!("broken/{name}.yaml"), text)
}

/// A Service with `lines` added to its spec (valid but for them).
fn bad_service(name: &str, lifecycle: &str, lines: &str) -> String {
    let spec = format!("  owner: team-0000\n  lifecycle: {lifecycle}\n{lines}");
    format!("{}spec:\n{spec}", envelope(Kind::Service, name, ""))
}

/// A Change impacting the first CI (an application), valid but for its arguments.
fn bad_change(c: &Corpus, name: &str, kind: &str, risk: &str, extra: &str) -> String {
    let spec = format!(
        "  type: {kind}\n  risk: {risk}\n  impacts: [ci:{}]\n  requestedBy: {}\n\
         \x20 backout: Revert it.\n{extra}",
        c.name(Kind::Ci, 0),
        login(0, 0),
    );
    format!("{}spec:\n{spec}", envelope(Kind::Change, name, ""))
}

// ---------------------------------------------------------------- text

const LOREM: &[&str] = &[
    "Handles requests from the storefront and the mobile apps.",
    "Owned end to end by the team named above; paged through the on-call rotation.",
    "Depends on the services listed below and on the configuration items that run it.",
    "Changes go through the pipeline; the runbook says how to roll back.",
    "Capacity is reviewed every quarter against the forecast.",
    "Monitoring alerts on error rate and latency at the edge.",
];

/// `paras` paragraphs of filler Markdown, the odd one a list.
fn body(rng: &mut Rng, paras: usize) -> String {
    let mut out = String::new();
    for p in 0..paras {
        for s in 0..3 {
            let sentence = rng.pick(LOREM);
            if p % 3 == 2 {
                let _ = writeln!(out, "- {sentence}");
            } else {
                out.push_str(sentence);
                out.push(if s == 2 { '\n' } else { ' ' });
            }
        }
        out.push('\n');
    }
    out
}

fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    let mut out = String::new();
    for line in text.trim_end().lines() {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// `  field: [a, b]` when `items` is not empty.
fn list(spec: &mut String, field: &str, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.collect();
    if !items.is_empty() {
        let _ = writeln!(spec, "  {field}: [{}]", items.join(", "));
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

// ---------------------------------------------------------------- dates

/// `--today` of the checks, 2026-11-21, in days since 2025-01-01.
const TODAY: usize = 365 + 324;

/// A day in the `within` days before yesterday.
fn past(rng: &mut Rng, within: usize) -> usize {
    TODAY - 2 - rng.below(within)
}

/// `YYYY-MM-DD` of `day` days after 2025-01-01.
fn date(mut day: usize) -> String {
    let mut year = 2025;
    loop {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let len = if leap { 366 } else { 365 };
        if day < len {
            let months = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ];
            let mut month = 0;
            while day >= months[month] {
                day -= months[month];
                month += 1;
            }
            return format!("{year}-{:02}-{:02}", month + 1, day + 1);
        }
        day -= len;
        year += 1;
    }
}

// ---------------------------------------------------------------- randomness

/// SplitMix64: small, fast, and the same on every platform and version.
pub struct Rng(u64);

impl Rng {
    /// The stream of record `i` of `kind` for `seed`.
    fn new(seed: u64, kind: &str, i: usize) -> Rng {
        // FNV-1a of the kind's name: stable whatever order the kinds are in.
        let kind = kind.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        let mut rng =
            Rng(seed ^ kind.rotate_left(17) ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------- output

/// Writes every record under `out`, folders first, files in parallel.
fn write_files(out: &Path, records: &[Record]) -> Result<()> {
    let folders: std::collections::BTreeSet<&str> = records
        .iter()
        .filter_map(|r| r.path.rsplit_once('/').map(|(dir, _)| dir))
        .collect();
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for dir in folders {
        let dir = out.join(dir);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    records.par_iter().try_for_each(|r| {
        let path = out.join(&r.path);
        std::fs::write(&path, &r.text).with_context(|| format!("cannot write {}", path.display()))
    })
}

/// Makes `out` a git repository whose one commit, on `main`, holds every record.
/// Objects go to one pack; the index gets each file's stat, so `git status` is clean.
fn commit(out: &Path, records: &mut [Record]) -> Result<()> {
    let repo =
        git2::Repository::init_opts(out, git2::RepositoryInitOptions::new().initial_head("main"))?;
    let odb = repo.odb()?;
    let mempack = odb.add_new_mempack_backend(1000)?;
    records.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    let mut index = repo.index()?;
    for r in records.iter() {
        let id = odb.write(git2::ObjectType::Blob, r.text.as_bytes())?;
        index.add(&index_entry(&out.join(&r.path), &r.path, id)?)?;
    }
    let tree = repo.find_tree(index.write_tree()?)?;
    let time = git2::Time::new(1_795_262_400, 0); // 2026-11-21T12:00:00Z
    let sig = git2::Signature::new("gen_corpus", "gen_corpus@example.com", &time)?;
    let commit = repo.commit(None, &sig, &sig, "Synthetic corpus", &tree, &[])?;
    let mut pack = git2::Buf::new();
    mempack.dump(&repo, &mut pack)?;
    let mut writer = odb.packwriter()?;
    std::io::Write::write_all(&mut writer, &pack)?;
    writer.commit()?;
    mempack.reset()?;
    repo.reference("refs/heads/main", commit, true, "gen_corpus")?;
    index.write()?;
    Ok(())
}

/// The index entry of the file at `path`, with its stat as git records it.
fn index_entry(path: &Path, rel: &str, id: git2::Oid) -> Result<git2::IndexEntry> {
    let meta = std::fs::metadata(path)?;
    let mut entry = git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: meta.len() as u32,
        id,
        flags: 0,
        flags_extended: 0,
        path: rel.as_bytes().to_vec(),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        entry.ctime = git2::IndexTime::new(meta.ctime() as i32, meta.ctime_nsec() as u32);
        entry.mtime = git2::IndexTime::new(meta.mtime() as i32, meta.mtime_nsec() as u32);
        (entry.dev, entry.ino) = (meta.dev() as u32, meta.ino() as u32);
        (entry.uid, entry.gid) = (meta.uid(), meta.gid());
    }
    Ok(entry)
}
