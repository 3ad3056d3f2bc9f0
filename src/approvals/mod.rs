//! The approval gate: from the records a pull request touches, who must approve
//! ([`requirements`]); from the pull request's reviews, whether they did
//! ([`review::evaluate`]); and the approval matrix for people and machines
//! ([`render`]).

pub mod render;
pub mod review;

use crate::checks::rules::{self, Rule};
use crate::diff::{RecordDiff, Touch};
use crate::link::{Catalog, Ix};
use crate::model::{Field, Kind, Record, RecordId, Reference};
use crate::value::Value;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One required approval: `count` distinct members of `team`, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub team: String,
    pub count: u32,
    pub reasons: Vec<Reason>,
}

/// Why a Team must approve: the record and the rule that asks for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub record: String,
    pub why: String,
}

/// Everything the gate requires, plus problems that fail it outright
/// (a standard Change outside its StandardChange).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Requirements {
    /// One per Team, sorted by Team name.
    pub list: Vec<Requirement>,
    pub problems: Vec<String>,
}

/// The repository on both sides of a pull request.
pub struct Sides<'a> {
    pub base: &'a Arc<Catalog>,
    pub head: &'a Arc<Catalog>,
}

/// Works out who must approve the records `diff` touches. `Err` means the gate
/// cannot be decided (say, `itsm.yaml` names no `cab` but a Change needs one).
///
/// Records added or modified are judged at head, removed ones at base; a
/// modified record whose owner changed needs the old and the new owner. The
/// `admins`, `cab` and `ecab` Teams are read from `itsm.yaml` at base, and so is
/// Team membership: a Team that does not exist at base has no one who can
/// approve, so its requirements go to `admins`. A change to `itsm.yaml` needs
/// `admins` too (it names the Teams that approve).
pub fn requirements(
    sides: &Sides<'_>,
    diff: &RecordDiff,
    today: Date,
) -> Result<Requirements, String> {
    let mut c = Collector {
        config: &sides.base.repo.config,
        teams: BTreeMap::new(),
        problems: Vec::new(),
    };
    for (touch, entry) in diff.touched() {
        let (at_base, at_head) = (
            find(sides.base, &entry.record),
            find(sides.head, &entry.record),
        );
        match touch {
            Touch::Removed => {
                if let Some(b) = at_base {
                    c.owner(sides.base.record(b), "owner of the removed record")?;
                }
            }
            Touch::Added | Touch::Modified => {
                let Some(h) = at_head else { continue };
                let record = sides.head.record(h);
                let what = format!("owner of the {touch} record");
                c.owner(record, &what)?;
                if let Some(b) = at_base.map(|b| sides.base.record(b))
                    && owner_of(b) != owner_of(record)
                {
                    c.owner(b, "owner of the modified record before this change")?;
                }
                if record.id.kind == Kind::Change {
                    c.change(sides, h)?;
                }
            }
        }
    }
    if sides.base.repo.config_value != sides.head.repo.config_value {
        let admins = c.configured("admins", "itsm.yaml changed")?;
        let why = "the repository config changed (it names admins, cab and ecab)".to_string();
        c.add(&admins, 1, &crate::config::CONFIG_FILE, why);
    }
    policy_rules(sides, diff, today, &mut c)?;
    c.finish(sides.base)
}

/// Gathers requirements, merging those of one Team.
struct Collector<'a> {
    config: &'a crate::config::Config,
    teams: BTreeMap<String, Requirement>,
    problems: Vec<String>,
}

impl Collector<'_> {
    fn add(&mut self, team: &str, count: u32, record: &dyn std::fmt::Display, why: String) {
        let req = self
            .teams
            .entry(team.to_string())
            .or_insert_with(|| Requirement {
                team: team.to_string(),
                count,
                reasons: Vec::new(),
            });
        req.count = req.count.max(count);
        let reason = Reason {
            record: record.to_string(),
            why,
        };
        if !req.reasons.contains(&reason) {
            req.reasons.push(reason);
        }
    }

    /// A Team named in `itsm.yaml` (`admins`, `cab`, `ecab`), or why there is none.
    fn configured(&self, key: &str, needed_for: &str) -> Result<String, String> {
        let value = match key {
            "admins" => &self.config.admins,
            "cab" => &self.config.cab,
            _ => &self.config.ecab,
        };
        value.as_deref().map(team_name).ok_or_else(|| {
            format!("itsm.yaml (at base) names no `{key}` Team, but {needed_for}: add `{key}: TEAM` to itsm.yaml")
        })
    }

    /// The owner Team of a record (a Team: itself; no owner: `admins`).
    fn owner(&mut self, record: &Record, what: &str) -> Result<(), String> {
        match owner_of(record) {
            Some(team) => self.add(&team, 1, &record.id, what.to_string()),
            None => {
                let admins = self.configured("admins", &format!("{} has no owner", record.id))?;
                self.add(&admins, 1, &record.id, format!("{what} (no owner: admins)"));
            }
        }
        Ok(())
    }

    /// The requirements of a Change by its type, judged at head.
    fn change(&mut self, sides: &Sides<'_>, ix: Ix) -> Result<(), String> {
        let head = sides.head;
        let change = head.record(ix);
        let kind = change.str("/spec/type").unwrap_or_default();
        let risk = change.str("/spec/risk").unwrap_or_default();
        let impacts: Vec<Ix> = head.targets(ix, Field::Impacts).collect();
        match kind {
            "emergency" => {
                let ecab =
                    self.configured("ecab", &format!("{} is an emergency Change", change.id))?;
                self.add(&ecab, 1, &change.id, "emergency change".into());
            }
            "normal" | "standard" => {
                for &t in &impacts {
                    let target = head.record(t);
                    if let Some(team) = owner_of(target) {
                        let why = format!("{kind} change impacting {} (its owner)", target.id);
                        self.add(&team, 1, &change.id, why);
                    }
                }
                if kind == "standard" {
                    self.standard_scope(sides, ix);
                } else {
                    for why in cab_reasons(head, risk, &impacts) {
                        let cab = self
                            .configured("cab", &format!("{} needs the CAB ({why})", change.id))?;
                        self.add(&cab, 1, &change.id, why);
                    }
                }
            }
            other => self.problems.push(format!(
                "{} has type `{other}`, not standard, normal or emergency",
                change.id
            )),
        }
        Ok(())
    }

    /// A standard Change must stay within its StandardChange (at head, and at
    /// base too when the StandardChange existed there).
    fn standard_scope(&mut self, sides: &Sides<'_>, ix: Ix) {
        let head = sides.head;
        let change = head.record(ix);
        let Some(sc) = head.targets(ix, Field::StandardChange).next() else {
            self.problems.push(format!(
                "{} is a standard Change but names no existing StandardChange",
                change.id
            ));
            return;
        };
        let standard = head.record(sc);
        let mut versions = vec![standard];
        if let Some(b) = find(sides.base, &standard.id) {
            versions.push(sides.base.record(b));
        }
        let risk = change.str("/spec/risk").unwrap_or_default();
        for version in versions {
            let max = version.str("/spec/maxRisk").unwrap_or_default();
            if rank(risk).unwrap_or(u8::MAX) > rank(max).unwrap_or(0) {
                self.push_problem(format!(
                    "{} is {risk} risk, above the `maxRisk: {max}` of {}: make it a normal Change",
                    change.id, standard.id
                ));
            }
            let applies: Vec<&str> = match version.get("/spec/appliesTo") {
                Some(Value::Seq(items)) => items.iter().filter_map(Value::as_str).collect(),
                _ => continue,
            };
            for t in head.targets(ix, Field::Impacts) {
                let target = head.record(t);
                let inside = match target.id.kind {
                    Kind::Ci => applies.contains(&target.str("/spec/type").unwrap_or_default()),
                    _ => applies.contains(&target.id.name.as_str()),
                };
                if !inside {
                    self.push_problem(format!(
                        "{} impacts {}, outside what {} applies to ({}): make it a normal Change",
                        change.id,
                        target.id,
                        standard.id,
                        applies.join(", ")
                    ));
                }
            }
        }
    }

    fn push_problem(&mut self, problem: String) {
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    /// Moves requirements of Teams unknown at base to `admins`, and sorts.
    fn finish(mut self, base: &Catalog) -> Result<Requirements, String> {
        let unknown: Vec<String> = self
            .teams
            .keys()
            .filter(|t| base.find(Kind::Team, t).is_none())
            .cloned()
            .collect();
        for team in unknown {
            let admins = self.configured(
                "admins",
                &format!("team:{team} does not exist at base and cannot approve"),
            )?;
            if admins == team {
                continue;
            }
            if let Some(req) = self.teams.remove(&team) {
                for r in req.reasons {
                    let why = format!(
                        "{} (team:{team} does not exist at base: admins approve for it)",
                        r.why
                    );
                    self.add(&admins, req.count, &r.record, why);
                }
            }
        }
        Ok(Requirements {
            list: self.teams.into_values().collect(),
            problems: self.problems,
        })
    }
}

/// Why a normal Change needs the CAB: high risk, or a tier-1 Service impacted
/// directly or through a CI it reaches (`cis`, then CI `dependsOn`).
fn cab_reasons(head: &Catalog, risk: &str, impacts: &[Ix]) -> Vec<String> {
    let mut out = Vec::new();
    if risk == "high" {
        out.push("normal change with high risk".to_string());
    }
    let tier1 = |s: Ix| head.record(s).get("/spec/tier").and_then(Value::as_i64) == Some(1);
    for &t in impacts {
        let target = head.record(t);
        match target.id.kind {
            Kind::Service if tier1(t) => {
                out.push(format!("normal change impacting tier-1 {}", target.id));
            }
            Kind::Ci => {
                for s in services_reaching(head, t).into_iter().filter(|s| tier1(*s)) {
                    out.push(format!(
                        "normal change impacting {}, which tier-1 {} uses",
                        target.id,
                        head.record(s).id
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// The Services that reach a CI through `cis` and then CI `dependsOn`, by name.
fn services_reaching(catalog: &Catalog, ci: Ix) -> Vec<Ix> {
    let mut seen = rustc_hash::FxHashSet::default();
    let mut queue = vec![ci];
    let mut services = Vec::new();
    while let Some(v) = queue.pop() {
        if !seen.insert(v) {
            continue;
        }
        services.extend(catalog.sources(v, Field::Cis));
        queue.extend(
            catalog
                .sources(v, Field::DependsOn)
                .filter(|w| catalog.record(*w).id.kind == Kind::Ci),
        );
    }
    services.sort_by(|a, b| catalog.record(*a).id.cmp(&catalog.record(*b).id));
    services.dedup();
    services
}

/// Adds the requirements of Policy rules with `approve` whose kind and `when`
/// match a touched record. The rules of base and of head both apply, so that a
/// pull request cannot drop a rule to escape it; a modified record is tried in
/// both its versions; a `when` that cannot be evaluated counts as matching.
fn policy_rules(
    sides: &Sides<'_>,
    diff: &RecordDiff,
    today: Date,
    c: &mut Collector<'_>,
) -> Result<(), String> {
    let env = Arc::new(cel::Env::stdlib());
    let mut discard = Vec::new();
    let mut all: Vec<(Rule, &Arc<Catalog>)> = Vec::new();
    for side in [sides.base, sides.head] {
        let compiled = rules::compile(side, &env, &mut discard);
        all.extend(
            compiled
                .into_iter()
                .filter(|r| r.approve.is_some())
                .map(|r| (r, side)),
        );
    }
    if all.is_empty() {
        return Ok(());
    }
    let contexts = [
        rules::root_context(sides.base, &env, today),
        rules::root_context(sides.head, &env, today),
    ];
    for (touch, entry) in diff.touched() {
        let mut versions = Vec::new();
        if touch != Touch::Added {
            versions.extend(find(sides.base, &entry.record).map(|ix| (0, sides.base.record(ix))));
        }
        if touch != Touch::Removed {
            versions.extend(find(sides.head, &entry.record).map(|ix| (1, sides.head.record(ix))));
        }
        for (side, record) in versions {
            let Ok(this) = cel::to_value(rules::RuleView(record)) else {
                continue;
            };
            let mut scope = contexts[side].new_inner_scope();
            scope.add_variable_from_value("self", this);
            for (rule, rule_side) in all.iter().filter(|(r, _)| r.kind == record.id.kind) {
                let Some(approve) = &rule.approve else {
                    continue;
                };
                let policy = &rule_side.record(rule.policy).id;
                let why = match rules::when_holds(rule, &scope) {
                    Ok(false) => continue,
                    Ok(true) => format!("rule `{}` of {policy}", rule.id),
                    Err(e) => format!("rule `{}` of {policy} ({e}; counted as matching)", rule.id),
                };
                match approve
                    .team
                    .as_deref()
                    .map(team_name)
                    .or_else(|| owner_of(record))
                {
                    Some(team) => c.add(&team, approve.count, &record.id, why),
                    None => {
                        let admins =
                            c.configured("admins", &format!("{} has no owner", record.id))?;
                        c.add(
                            &admins,
                            approve.count,
                            &record.id,
                            format!("{why} (no owner: admins)"),
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

/// The owner Team's name: a Team owns itself; `None` for records without one.
pub fn owner_of(record: &Record) -> Option<String> {
    if record.id.kind == Kind::Team {
        return Some(record.id.name.clone());
    }
    record.str("/spec/owner").map(team_name)
}

/// `team:payments` or `payments` -> `payments`.
fn team_name(text: &str) -> String {
    Reference::parse(text).name.to_string()
}

fn find(catalog: &Catalog, id: &RecordId) -> Option<Ix> {
    catalog.find(id.kind, &id.name)
}

fn rank(risk: &str) -> Option<u8> {
    match risk {
        "low" => Some(0),
        "medium" => Some(1),
        "high" => Some(2),
        _ => None,
    }
}

/// The logins of a Team's members at a revision, lower-cased; `None` when the
/// Team does not exist there.
pub fn members(catalog: &Catalog, team: &str) -> Option<Vec<String>> {
    let ix = catalog.find(Kind::Team, team)?;
    let logins = match catalog.record(ix).get("/spec/members") {
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(|m| m.get("login").and_then(Value::as_str))
            .map(str::to_ascii_lowercase)
            .collect(),
        _ => Vec::new(),
    };
    Some(logins)
}

/// Why the records at head cannot be judged, if they cannot: files that do not
/// parse, records that break their schema, unknown kinds, duplicate names and
/// references that do not resolve hide or misname what a pull request touches,
/// so the gate fails closed on them. Other errors (an expired CI, a failing
/// Policy assertion) do not change who must approve; `itsm check` reports them.
pub fn undecidable(head: &crate::pipeline::Checked, rev: &str) -> Option<String> {
    use crate::diag::Code;
    let blocking: Vec<&crate::diag::Diagnostic> = head
        .diagnostics
        .iter()
        .filter(|d| {
            matches!(
                d.code,
                Code::YamlSyntax
                    | Code::Schema
                    | Code::UnknownKind
                    | Code::DuplicateName
                    | Code::UnresolvedRef
                    | Code::WrongKindRef
                    | Code::Symlink
                    | Code::Submodule
                    | Code::NonUtf8Path
            )
        })
        .collect();
    let first = blocking.first()?;
    let files = &head.catalog.repo.files;
    let place = match (first.location.file, first.location.span) {
        (Some(f), Some(s)) => format!("{}:{}:{}: ", files.get(f).path, s.line, s.col),
        (Some(f), None) => format!("{}: ", files.get(f).path),
        _ => String::new(),
    };
    Some(format!(
        "the records at `{rev}` have {} error{} that keep the gate from deciding who must approve (first: {place}{}[{}] {}); fix them (`itsm check --rev {rev}` lists them all) and run the gate again",
        blocking.len(),
        if blocking.len() == 1 { "" } else { "s" },
        first.severity.as_str(),
        first.code,
        first.message
    ))
}
