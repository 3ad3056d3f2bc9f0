//! The approval gate: from the records a pull request touches and the protected
//! files it changes, who must approve ([`requirements`]); from the pull
//! request's reviews, whether they did ([`review::evaluate`]); and the approval
//! matrix for people and machines ([`render`]); the whole gate as one call
//! ([`gate()`]).

mod change;
pub mod gate;
pub mod render;
pub mod review;

pub use gate::{Decided, GateError, Inputs, Saved, gate};

use crate::checks::rules::{self, Rule};
use crate::diff::{ChangedPaths, RecordDiff, Touch};
use crate::link::{Catalog, Ix};
use crate::model::{Kind, Record, RecordId, Reference};
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

/// `itsm.yaml` at base names no Team for a role the pull request needs, so
/// the gate cannot be decided.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "itsm.yaml (at base) names no `{key}` Team, but {needed_for}: add `{key}: TEAM` to itsm.yaml"
)]
pub struct NoTeam {
    pub key: &'static str,
    pub needed_for: String,
}

/// The repository on both sides of a pull request.
pub struct Sides<'a> {
    pub base: &'a Arc<Catalog>,
    pub head: &'a Arc<Catalog>,
}

/// The catalogues on both sides of a pull request, as the rules of a Change
/// read them (both the same for a catalogue on its own).
struct Graphs<'a> {
    base: &'a Catalog,
    head: &'a Catalog,
}

/// Who must approve a Change to `catalog`'s Change `ix` by the approval
/// gate's rules for its type, risk and impacts (as [`requirements`] works
/// them out for a pull request that touches it, without the owner of the
/// record itself or Policy rules): ECAB for an emergency Change, the owners
/// of its impacts, the CAB for a normal one with high risk or a tier-1 impact.
pub fn change_requirements(catalog: &Catalog, ix: Ix) -> Result<Requirements, NoTeam> {
    let mut c = Collector {
        config: &catalog.repo.config,
        teams: BTreeMap::new(),
        problems: Vec::new(),
        memo: change::Memo::default(),
        same_graph: true,
    };
    let graphs = Graphs {
        base: catalog,
        head: catalog,
    };
    c.change(&graphs, &catalog.record(ix).id)?;
    c.finish(catalog)
}

/// Works out who must approve what a pull request changes: the records
/// `diff` touches and the protected files among `paths`. `Err` means the gate
/// cannot be decided (say, `itsm.yaml` names no `cab` but a Change needs one).
///
/// Requirements are worked out on both sides and the union applies: a
/// record's owner at base and at head; a Change's type, risk and impacts, and
/// the tiers and links around it, at base and at head. Authority is read at
/// base only: the `admins`, `cab` and `ecab` of `itsm.yaml`, Team membership
/// (a Team that does not exist at base has no one who can approve, so its
/// requirements go to `admins`) and StandardChanges. Policy rules of both
/// sides apply (head rules may add requirements, never remove them).
pub fn requirements(
    sides: &Sides<'_>,
    diff: &RecordDiff,
    paths: &ChangedPaths,
    today: Date,
) -> Result<Requirements, NoTeam> {
    let mut c = Collector {
        config: &sides.base.repo.config,
        teams: BTreeMap::new(),
        problems: Vec::new(),
        memo: change::Memo::default(),
        same_graph: !diff
            .touched()
            .any(|(_, e)| matches!(e.record.kind, Kind::Service | Kind::Ci)),
    };
    for (touch, entry) in diff.touched() {
        let (at_base, at_head) = (
            find(sides.base, &entry.record).map(|b| sides.base.record(b)),
            find(sides.head, &entry.record).map(|h| sides.head.record(h)),
        );
        if let Some(record) = at_head.filter(|_| touch != Touch::Removed) {
            c.owner(record, &format!("owner of the {touch} record"))?;
        }
        match (at_base, at_head) {
            (Some(b), _) if touch == Touch::Removed => {
                c.owner(b, "owner of the removed record")?;
            }
            (Some(b), Some(h)) if owner_of(b) != owner_of(h) => {
                c.owner(b, "owner of the modified record before this change")?;
            }
            _ => {}
        }
        if entry.record.kind == Kind::Change {
            let graphs = Graphs {
                base: sides.base,
                head: sides.head,
            };
            c.change(&graphs, &entry.record)?;
        }
    }
    c.protected_files(sides, paths)?;
    policy_rules(sides, diff, today, &mut c)?;
    c.finish(sides.base)
}

/// Gathers requirements, merging those of one Team.
struct Collector<'a> {
    config: &'a crate::config::Config,
    teams: BTreeMap<String, Requirement>,
    problems: Vec<String>,
    memo: change::Memo,
    /// No Service or CI is touched: tiers and links are the same on both sides.
    same_graph: bool,
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
    fn configured(&self, key: &'static str, needed_for: &str) -> Result<String, NoTeam> {
        let value = match key {
            "admins" => &self.config.admins,
            "cab" => &self.config.cab,
            _ => &self.config.ecab,
        };
        value.as_deref().map(team_name).ok_or_else(|| NoTeam {
            key,
            needed_for: needed_for.to_string(),
        })
    }

    /// The owner Team of a record (a Team: itself; no owner: `admins`).
    fn owner(&mut self, record: &Record, what: &str) -> Result<(), NoTeam> {
        match owner_of(record) {
            Some(team) => self.add(&team, 1, &record.id, what.to_string()),
            None => {
                let admins = self.configured("admins", &format!("{} has no owner", record.id))?;
                self.add(&admins, 1, &record.id, format!("{what} (no owner: admins)"));
            }
        }
        Ok(())
    }

    /// `admins` for every protected file that changed: `itsm.yaml` (it names
    /// the Teams that approve), the theme (what the site publishes),
    /// `.github/` (what CI runs) and the `protected:` globs of base and head.
    fn protected_files(&mut self, sides: &Sides<'_>, paths: &ChangedPaths) -> Result<(), NoTeam> {
        let globs = crate::config::Globs::new(
            sides
                .base
                .repo
                .config
                .protected
                .iter()
                .chain(&sides.head.repo.config.protected),
        );
        for (top, rel) in paths.iter() {
            let Some(why) = protection(top, rel, &globs) else {
                continue;
            };
            let path = rel.unwrap_or(top);
            let admins =
                self.configured("admins", &format!("the protected file {path} changed"))?;
            self.add(&admins, 1, &path, why);
        }
        Ok(())
    }

    fn push_problem(&mut self, problem: String) {
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    /// Moves requirements of Teams unknown at base to `admins`, and sorts.
    fn finish(mut self, base: &Catalog) -> Result<Requirements, NoTeam> {
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

/// Why a changed file needs `admins`, if it is protected: `top` is its path
/// from the top of the work tree, `rel` from the root (when inside it).
fn protection(top: &str, rel: Option<&str>, globs: &crate::config::Globs) -> Option<String> {
    let under = |path: &str, dir: &str| {
        path.strip_prefix(dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    if under(top, ".github") || rel.is_some_and(|r| under(r, ".github")) {
        return Some(
            "a protected file changed: `.github/` holds the workflows that run the gate".into(),
        );
    }
    let rel = rel?;
    if rel == crate::config::CONFIG_FILE {
        return Some("the repository config changed (it names admins, cab and ecab)".into());
    }
    if under(rel, "theme") {
        return Some(
            "a protected file changed: `theme/` holds the templates and assets the site publishes"
                .into(),
        );
    }
    let glob = globs.matching(rel)?;
    Some(format!(
        "a protected file changed: it matches `{glob}` under `protected:` in itsm.yaml"
    ))
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
) -> Result<(), NoTeam> {
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
    // a root that cannot be built leaves every `when` unevaluated: matching
    let roots = [
        rules::Root::new(sides.base, &env, today),
        rules::Root::new(sides.head, &env, today),
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
            match &roots[side] {
                Ok(root) => apply_rules(&all, record, Ok(&root.scope(this)), c)?,
                Err(e) => apply_rules(&all, record, Err(e), c)?,
            }
        }
    }
    Ok(())
}

/// Adds what the rules for `record`'s kind ask, where their `when` holds in
/// `scope` (or why there is no scope to evaluate them in).
fn apply_rules(
    all: &[(Rule, &Arc<Catalog>)],
    record: &Record,
    scope: Result<&rules::Scope<'_>, &cel::DeclarationError>,
    c: &mut Collector<'_>,
) -> Result<(), NoTeam> {
    for (rule, rule_side) in all.iter().filter(|(r, _)| r.kind == record.id.kind) {
        let Some(approve) = &rule.approve else {
            continue;
        };
        let policy = &rule_side.record(rule.policy).id;
        let holds = match scope {
            Ok(scope) => rules::when_holds(rule, scope),
            Err(e) => Err(rules::Unevaluated::NoContext(e.clone())),
        };
        let why = match holds {
            Ok(false) => continue,
            Ok(true) => format!("rule `{}` of {policy}", rule.id),
            Err(e) => format!("rule `{}` of {policy} ({e}; counted as matching)", rule.id),
        };
        let team = approve.team.as_deref().map(team_name);
        match team.or_else(|| owner_of(record)) {
            Some(team) => c.add(&team, approve.count, &record.id, why),
            None => {
                let admins = c.configured("admins", &format!("{} has no owner", record.id))?;
                let why = format!("{why} (no owner: admins)");
                c.add(&admins, approve.count, &record.id, why);
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
    record.spec.owner().map(|owner| owner.name().to_string())
}

/// `team:payments` or `payments` -> `payments`.
fn team_name(text: &str) -> String {
    Reference::parse(text).name.to_string()
}

fn find(catalog: &Catalog, id: &RecordId) -> Option<Ix> {
    catalog.find(id.kind, &id.name)
}

/// The logins of a Team's members at a revision, lower-cased; `None` when the
/// Team does not exist there.
pub fn members(catalog: &Catalog, team: &str) -> Option<Vec<String>> {
    let ix = catalog.find(Kind::Team, team)?;
    let logins = match catalog.record(ix).spec.team() {
        Some(team) => team
            .members
            .iter()
            .filter_map(|m| m.login.as_deref())
            .map(str::to_ascii_lowercase)
            .collect(),
        None => Vec::new(),
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
