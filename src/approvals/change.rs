//! The requirements of a touched Change, worked out on both sides of the pull
//! request so that it cannot lower them: the Change's type, risk and impacts
//! at base and at head, the tiers and links of the Services and CIs around it
//! at base, at head and both together; its StandardChange as it is at base.

use super::{Collector, Graphs, NoTeam, owner_of};
use crate::link::{Catalog, Ix};
use crate::model::{Change, ChangeType, CiType, Field, Kind, Record, RecordId, Risk, Tier};
use rustc_hash::{FxHashMap, FxHashSet};

/// One side's version of a touched Change.
struct Version<'a> {
    catalog: &'a Catalog,
    ix: Ix,
    at_base: bool,
}

impl<'a> Version<'a> {
    fn record(&self) -> &'a Record {
        self.catalog.record(self.ix)
    }

    fn change(&self) -> Option<&'a Change> {
        self.record().spec.change()
    }

    fn change_type(&self) -> Option<ChangeType> {
        self.change().and_then(|c| c.change_type)
    }

    /// The type as written (empty when it has none), for messages.
    fn kind(&self) -> &'static str {
        self.change_type().map_or("", ChangeType::as_str)
    }

    /// The records it impacts, by identity.
    fn impacts(&self) -> impl Iterator<Item = &'a RecordId> + '_ {
        let catalog = self.catalog;
        catalog
            .targets(self.ix, Field::Impacts)
            .map(move |t| &catalog.record(t).id)
    }
}

/// A record a Change impacts, the type of the first version that impacts it,
/// and whether only the base version does.
struct Impact<'a> {
    id: &'a RecordId,
    kind: &'static str,
    base_only: bool,
}

/// The Services that make a CI or Service need the CAB, each with how
/// (`None`: at head; else which side's tiers and links).
pub(super) type Tier1 = Vec<(RecordId, Option<&'static str>)>;

/// What [`Collector::change`] remembers across Changes: the tier-1 Services
/// around each impacted record.
#[derive(Default)]
pub(super) struct Memo {
    tier1: FxHashMap<RecordId, Tier1>,
}

impl Collector<'_> {
    /// The requirements of a Change by its type, on each side it exists on:
    /// ECAB for an emergency Change, the owners of its impacts for a normal or
    /// standard one, the CAB for a normal one with high risk or a tier-1
    /// impact; a standard Change at head must stay within its StandardChange
    /// as it is at base.
    pub(super) fn change(&mut self, sides: &Graphs<'_>, id: &RecordId) -> Result<(), NoTeam> {
        let versions: Vec<Version<'_>> = [(sides.head, false), (sides.base, true)]
            .into_iter()
            .filter_map(|(catalog, at_base)| {
                let ix = catalog.find(id.kind, &id.name)?;
                Some(Version {
                    catalog,
                    ix,
                    at_base,
                })
            })
            .collect();
        if let Some(v) = versions
            .iter()
            .find(|v| v.change_type() == Some(ChangeType::Emergency))
        {
            let ecab = self.configured("ecab", &format!("{id} is an emergency Change"))?;
            self.add(&ecab, 1, id, qualify("emergency change", &[base(v)]));
        }
        let owned: Vec<&Version<'_>> = versions
            .iter()
            .filter(|v| {
                matches!(
                    v.change_type(),
                    Some(ChangeType::Normal | ChangeType::Standard)
                )
            })
            .collect();
        for impact in union_of_impacts(&owned) {
            self.impact_owners(sides, id, &impact);
        }
        let normal: Vec<&Version<'_>> = versions
            .iter()
            .filter(|v| v.change_type() == Some(ChangeType::Normal))
            .collect();
        for why in self.cab_reasons(sides, &normal) {
            let cab = self.configured("cab", &format!("{id} needs the CAB ({why})"))?;
            self.add(&cab, 1, id, why);
        }
        match versions.first().filter(|v| !v.at_base) {
            Some(head) if head.change_type() == Some(ChangeType::Standard) => {
                self.standard_scope(sides, head)
            }
            Some(head)
                if !matches!(
                    head.change_type(),
                    Some(ChangeType::Normal | ChangeType::Emergency)
                ) =>
            {
                self.push_problem(format!(
                    "{id} has type `{}`, not standard, normal or emergency",
                    head.kind()
                ))
            }
            _ => {}
        }
        Ok(())
    }

    /// The owner Team of an impacted record, at head and at base.
    fn impact_owners(&mut self, sides: &Graphs<'_>, change: &RecordId, impact: &Impact<'_>) {
        let owner = |c: &Catalog| {
            c.find(impact.id.kind, &impact.id.name)
                .map(|ix| owner_of(c.record(ix)))
        };
        let (at_head, at_base) = (owner(sides.head), owner(sides.base));
        let core = format!("{} change impacting {}", impact.kind, impact.id);
        let quals = [impact.base_only.then_some("the Change at base")];
        if let Some(Some(team)) = &at_head {
            let why = format!("{core} ({})", join("its owner", &quals));
            self.add(team, 1, change, why);
        }
        if let Some(Some(team)) = &at_base
            && at_head.as_ref().is_none_or(|h| h.as_ref() != Some(team))
        {
            let why = format!("{core} ({})", join("its owner at base", &quals));
            self.add(team, 1, change, why);
        }
    }

    /// Why normal versions of a Change need the CAB: high risk, or a tier-1
    /// Service impacted directly or through a CI it reaches (`cis`, then CI
    /// `dependsOn`), on either side.
    fn cab_reasons(&mut self, sides: &Graphs<'_>, normal: &[&Version<'_>]) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(v) = normal
            .iter()
            .find(|v| v.change().and_then(|c| c.risk) == Some(Risk::High))
        {
            out.push(qualify("normal change with high risk", &[base(v)]));
        }
        for impact in union_of_impacts(normal) {
            let change_side = impact.base_only.then_some("the Change at base");
            for (service, how) in self.tier1(sides, impact.id).clone() {
                let core = if &service == impact.id {
                    format!("normal change impacting tier-1 {service}")
                } else {
                    format!(
                        "normal change impacting {}, which tier-1 {service} uses",
                        impact.id
                    )
                };
                // Both from base: say it once.
                let quals = match (change_side, how) {
                    (Some(_), Some(h)) if h.ends_with("at base") && !h.contains("head") => {
                        [Some("at base"), None]
                    }
                    _ => [change_side, how],
                };
                out.push(qualify(&core, &quals));
            }
        }
        out
    }

    /// The tier-1 Services that make a change to `target` need the CAB,
    /// worked out once per record.
    fn tier1(&mut self, sides: &Graphs<'_>, target: &RecordId) -> &Tier1 {
        if !self.memo.tier1.contains_key(target) {
            let found = tier1_around(sides, target, self.same_graph);
            self.memo.tier1.insert(target.clone(), found);
        }
        &self.memo.tier1[target]
    }

    /// A standard Change at head must name a StandardChange that exists at
    /// base with an `appliesTo`; its risk must not exceed that version's
    /// `maxRisk`, and its impacts (as they are at head and at base) must fall
    /// within that version's `appliesTo`. A StandardChange added or changed
    /// in the pull request authorises nothing.
    fn standard_scope(&mut self, sides: &Graphs<'_>, head: &Version<'_>) {
        let change = &head.record().id;
        let Some(sc) = head.catalog.targets(head.ix, Field::StandardChange).next() else {
            self.push_problem(format!(
                "{change} is a standard Change but names no existing StandardChange"
            ));
            return;
        };
        let sc = &head.catalog.record(sc).id;
        let Some(standard) = sides
            .base
            .find(sc.kind, &sc.name)
            .map(|b| sides.base.record(b))
        else {
            self.push_problem(format!(
                "{change} follows {sc}, which does not exist at base: a StandardChange added in the same pull request authorises nothing; merge it first, or make this a normal Change"
            ));
            return;
        };
        let scope = standard.spec.standard_change();
        let applies: Vec<&str> = scope
            .map(|s| s.applies_to().map(|(_, a)| a).collect())
            .unwrap_or_default();
        if applies.is_empty() {
            self.push_problem(format!(
                "{change} follows {sc}, which has no `appliesTo` at base and so authorises nothing: make this a normal Change"
            ));
            return;
        }
        let risk = head.change().and_then(|c| c.risk);
        let max = scope.and_then(|s| s.max_risk);
        if risk.map_or(u8::MAX, rank) > max.map_or(0, rank) {
            let (risk, max) = (written(risk), written(max));
            self.push_problem(format!(
                "{change} is {risk} risk, above the `maxRisk: {max}` of {sc}: make it a normal Change"
            ));
        }
        for target in head.impacts() {
            if let Some(outside) = outside(sides, target, &applies) {
                self.push_problem(format!(
                    "{change} impacts {target}, outside what {sc} applies to ({}){outside}: make it a normal Change",
                    applies.join(", ")
                ));
            }
        }
    }
}

/// The impacts of the given versions (head first), each once.
fn union_of_impacts<'a>(versions: &[&Version<'a>]) -> Vec<Impact<'a>> {
    let mut out: Vec<Impact<'a>> = Vec::new();
    for v in versions {
        for id in v.impacts() {
            if !out.iter().any(|i| i.id == id) {
                out.push(Impact {
                    id,
                    kind: v.kind(),
                    base_only: v.at_base,
                });
            }
        }
    }
    out
}

/// Whether an impacted record falls outside `applies` (a CI by its type, a
/// Service by its name): `Some("")` at head, `Some(" at base, ...")` when
/// only its base version does, `None` when inside on both sides.
fn outside(sides: &Graphs<'_>, target: &RecordId, applies: &[&str]) -> Option<String> {
    let inside = |c: &Catalog| {
        let Some(ix) = c.find(target.kind, &target.name) else {
            return Ok(());
        };
        let r = c.record(ix);
        let what = match target.kind {
            Kind::Ci => r
                .spec
                .ci()
                .and_then(|c| c.ci_type)
                .map_or("", CiType::as_str),
            _ => target.name.as_str(),
        };
        if applies.contains(&what) {
            Ok(())
        } else {
            Err(what.to_string())
        }
    };
    match (inside(sides.head), inside(sides.base)) {
        (Err(_), _) => Some(String::new()),
        (Ok(()), Err(what)) => Some(format!(" at base, where it is a {what}")),
        (Ok(()), Ok(())) => None,
    }
}

/// The tier-1 Services around `target` (itself, for a Service; those that
/// reach it through `cis` and CI `dependsOn`, for a CI), sorted: at head, at
/// base, and through the links of both sides together (tier 1 on either).
fn tier1_around(sides: &Graphs<'_>, target: &RecordId, same_graph: bool) -> Tier1 {
    let tier1 = |c: &Catalog, s: &RecordId| {
        c.find(s.kind, &s.name).is_some_and(|ix| {
            let service = c.record(ix).spec.service();
            service.and_then(|s| s.tier).is_some_and(Tier::is_critical)
        })
    };
    match target.kind {
        Kind::Service if tier1(sides.head, target) => vec![(target.clone(), None)],
        Kind::Service if !same_graph && tier1(sides.base, target) => {
            vec![(target.clone(), Some("tier 1 at base"))]
        }
        Kind::Ci => {
            let at = |catalogs: &[&Catalog]| -> Vec<RecordId> {
                reaching(catalogs, target)
                    .into_iter()
                    .filter(|s| catalogs.iter().any(|c| tier1(c, s)))
                    .collect()
            };
            let head = at(&[sides.head]);
            if same_graph {
                return head.into_iter().map(|s| (s, None)).collect();
            }
            let base = at(&[sides.base]);
            let mut all: Tier1 = at(&[sides.head, sides.base])
                .into_iter()
                .map(|s| {
                    let how = match (head.contains(&s), base.contains(&s)) {
                        (true, _) => None,
                        (false, true) => Some("at base"),
                        (false, false) => Some("at base and head together"),
                    };
                    (s, how)
                })
                .collect();
            all.sort();
            all
        }
        _ => Vec::new(),
    }
}

/// The Services that reach a CI through `cis` and then CI `dependsOn`, by
/// identity, following the links of every catalogue given, sorted.
fn reaching<'a>(catalogs: &[&'a Catalog], ci: &'a RecordId) -> Vec<RecordId> {
    let mut seen: FxHashSet<&'a RecordId> = FxHashSet::default();
    let mut queue = vec![ci];
    let mut services: Vec<RecordId> = Vec::new();
    while let Some(v) = queue.pop() {
        if !seen.insert(v) {
            continue;
        }
        for c in catalogs {
            let Some(ix) = c.find(v.kind, &v.name) else {
                continue;
            };
            services.extend(c.sources(ix, Field::Cis).map(|s| c.record(s).id.clone()));
            queue.extend(
                c.sources(ix, Field::DependsOn)
                    .map(|w| &c.record(w).id)
                    .filter(|w| w.kind == Kind::Ci),
            );
        }
    }
    services.sort();
    services.dedup();
    services
}

/// `Some("the Change at base")` for a base version.
fn base(v: &Version<'_>) -> Option<&'static str> {
    v.at_base.then_some("the Change at base")
}

/// `core`, with the qualifiers that apply in parentheses.
fn qualify(core: &str, quals: &[Option<&str>]) -> String {
    let quals: Vec<&str> = quals.iter().flatten().copied().collect();
    if quals.is_empty() {
        core.to_string()
    } else {
        format!("{core} ({})", quals.join("; "))
    }
}

/// `first`, then the qualifiers that apply, separated by `; `.
fn join(first: &str, quals: &[Option<&str>]) -> String {
    std::iter::once(first)
        .chain(quals.iter().flatten().copied())
        .collect::<Vec<_>>()
        .join("; ")
}

fn rank(risk: Risk) -> u8 {
    match risk {
        Risk::Low => 0,
        Risk::Medium => 1,
        Risk::High => 2,
    }
}

/// A risk as written; empty when there is none.
fn written(risk: Option<Risk>) -> &'static str {
    risk.map_or("", Risk::as_str)
}
