//! Policy rules: CEL expressions that make a Policy's prose enforceable.
//!
//! A rule sees `self` (the record: `apiVersion`, `kind`, `metadata`, `spec`; the
//! Markdown body of a `.md` record as `spec.body`), `today` (`"YYYY-MM-DD"`) and
//! `ref(kind, name)` / `ref("kind:name")`, which returns another record, so that
//! a rule on a Service can read its SLA: `ref('sla', self.spec.sla).spec.availability`.
//!
//! Rules are untrusted input: each is bounded in size and depth before it is
//! parsed and in cost and time while it runs (see [`bounded`]); a rule out of
//! bounds is a `rule` error at the rule, never a crash or a stall.

mod bounded;
mod bounds;
pub mod condition;
mod instrument;
mod meter;
mod reads;
mod regex;

pub use bounded::{Bound, Expression, RUN_TIME, RUN_UNITS, Scope};
pub use bounds::{MAX_DEPTH, MAX_SOURCE_BYTES};
pub use meter::{EVAL_TIME, EVAL_UNITS};
pub use regex::MAX_REGEX_SIZE;

use crate::diag::{Code, Diagnostic, Severity, Target};
use crate::link::{Catalog, Ix};
use crate::model::spec::policy::{Rule as PolicyRule, RuleSeverity};
use crate::model::{Kind, Node, Record, RecordId};
use crate::value::Value;
use bounded::{Budget, on_big_stack};
use cel::objects::Value as Cel;
use cel::{Context, Env, ExecutionError};
use jiff::civil::Date;
use meter::Meter;
use reads::{Part, Reads};
use std::sync::Arc;

/// A compiled rule of a Policy.
pub struct Rule {
    pub policy: Ix,
    /// Position in the Policy's `rules`.
    pub index: usize,
    pub id: String,
    pub kind: Kind,
    pub when: Option<Expression>,
    pub assert: Option<Expression>,
    pub severity: Severity,
    pub message: String,
    /// An approval requirement the rule adds for pull requests (`approve:`).
    pub approve: Option<Approve>,
    /// Shared by the rules compiled together: what their evaluations may use.
    budget: Arc<Budget>,
}

/// A rule's `approve: {team, count}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approve {
    /// The Team as written; `None` means the matching record's owner.
    pub team: Option<String>,
    /// Distinct members of the Team who must approve (at least 1).
    pub count: u32,
}

/// Compiles the rules of every Policy. A rule that is not valid CEL is reported
/// (`schema`, at the expression) and skipped; one out of bounds is reported
/// (`rule`, at the expression) and kept, refused: it is never evaluated, and
/// the approval gate counts it as matching.
pub fn compile(catalog: &Catalog, env: &Env, diags: &mut Vec<Diagnostic>) -> Vec<Rule> {
    let budget = Arc::new(Budget::default());
    let compiled = on_big_stack(|| {
        let mut rules = Vec::new();
        for policy in catalog.of_kind(Kind::Policy) {
            let Some(spec) = catalog.record(policy).spec.policy() else {
                continue;
            };
            for (index, item) in spec.rules.iter().enumerate() {
                let Some(item) = &item.0 else {
                    continue;
                };
                let at = At {
                    catalog,
                    policy,
                    index,
                };
                rules.extend(compile_one(at, item, env, &budget, diags));
            }
        }
        rules
    });
    compiled.unwrap_or_else(|e| {
        diags.push(Diagnostic::new(
            Code::Rule,
            format!("the Policy rules were not evaluated: cannot start a thread for them: {e}"),
        ));
        Vec::new()
    })
}

/// Where a rule is: its Policy and its position in the Policy's `rules`.
#[derive(Clone, Copy)]
struct At<'a> {
    catalog: &'a Catalog,
    policy: Ix,
    index: usize,
}

impl At<'_> {
    /// A diagnostic at the rule's `key` in its Policy.
    fn diagnostic(self, code: Code, message: String, help: &str, key: &'static str) -> Diagnostic {
        let record = self.catalog.record(self.policy);
        Diagnostic::new(code, message)
            .with_help(help)
            .with_record(&record.id)
            .at(
                record.file,
                record.doc,
                Node::Rule(self.index, key),
                Target::Value,
            )
    }
}

fn compile_one(
    at: At<'_>,
    item: &PolicyRule,
    env: &Env,
    budget: &Arc<Budget>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Rule> {
    let (Some(id), Some(kind)) = (item.id.as_deref(), item.kind) else {
        return None;
    };
    let mut parse = |key: &'static str, source: Option<&str>| -> Result<Option<Expression>, ()> {
        let Some(source) = source else {
            return Ok(None);
        };
        match Expression::parse(env, source) {
            Ok(e) => {
                if let Some(why) = e.refusal() {
                    let message = format!("[{id}] `{key}` {why}");
                    diags.push(at.diagnostic(Code::Rule, message, BOUNDS_HELP, key));
                }
                Ok(Some(e))
            }
            Err(bounded::Invalid(e)) => {
                let message = format!(
                    "rule `{id}`: `{key}` is not a valid CEL expression: {}",
                    clip(&Shown(first_line(&e)))
                );
                let help = "rules are written in CEL (https://cel.dev), e.g. `self.spec.tier == 1`";
                diags.push(at.diagnostic(Code::Schema, message, help, key));
                Err(())
            }
        }
    };
    let when = parse("when", item.when.as_deref());
    let assert = parse("assert", item.assert.as_deref());
    Some(Rule {
        policy: at.policy,
        index: at.index,
        id: id.to_string(),
        kind,
        when: when.ok()?,
        assert: assert.ok()?,
        severity: if item.severity == Some(RuleSeverity::Warning) {
            Severity::Warning
        } else {
            Severity::Error
        },
        message: item
            .message
            .as_deref()
            .unwrap_or("the rule does not hold")
            .to_string(),
        approve: item.approve.as_ref().map(|a| Approve {
            team: a.team.as_ref().map(|t| t.as_written().to_string()),
            count: a.count.map_or(1, |c| c.clamp(1, u32::MAX as i64) as u32),
        }),
        budget: budget.clone(),
    })
}

const BOUNDS_HELP: &str = "rules are bounded so that no Policy can stall or crash a check (the guide, chapter \"Policy rules\": docs/src/policy-rules.md): simplify the rule, or split it into several";

/// Evaluates every rule with an `assert` on every record of its kind.
pub fn run(catalog: &Arc<Catalog>, today: Date, diags: &mut Vec<Diagnostic>) {
    let env = Arc::new(Env::stdlib());
    let rules: Vec<Rule> = compile(catalog, &env, diags)
        .into_iter()
        .filter(|r| r.assert.is_some() && !r.refused())
        .collect();
    if rules.is_empty() {
        return;
    }
    let evaluated = on_big_stack(|| {
        let mut found = Vec::new();
        evaluate_all(catalog, &env, today, &rules, &mut found);
        found
    });
    match evaluated {
        Ok(found) => diags.extend(found),
        Err(e) => diags.push(Diagnostic::new(
            Code::Rule,
            format!("the Policy rules were not evaluated: cannot start a thread for them: {e}"),
        )),
    }
}

impl Rule {
    /// Whether an expression of the rule is out of bounds (reported when compiled).
    fn refused(&self) -> bool {
        [&self.when, &self.assert]
            .into_iter()
            .flatten()
            .any(|e| e.refusal().is_some())
    }
}

/// A rule that ran into a bound: it is not evaluated again in the run.
struct Overrun {
    key: &'static str,
    bound: Bound,
    record: RecordId,
    skipped: usize,
}

fn evaluate_all(
    catalog: &Arc<Catalog>,
    env: &Arc<Env>,
    today: Date,
    rules: &[Rule],
    diags: &mut Vec<Diagnostic>,
) {
    let root = match Root::new(catalog, env, today) {
        Ok(root) => root,
        Err(e) => {
            diags.push(Diagnostic::new(
                Code::Rule,
                format!("the Policy rules were not evaluated: {e}"),
            ));
            return;
        }
    };
    let mut overruns: Vec<Option<Overrun>> = rules.iter().map(|_| None).collect();
    for kind in Kind::ALL {
        let of_kind: Vec<usize> = (0..rules.len())
            .filter(|&i| rules[i].kind == kind)
            .collect();
        if of_kind.is_empty() {
            continue;
        }
        let mut reads = Reads::default();
        for e in of_kind
            .iter()
            .flat_map(|&i| [&rules[i].when, &rules[i].assert])
        {
            reads.merge(e.as_ref().map_or(&Reads::default(), Expression::reads));
        }
        for ix in catalog.of_kind(kind) {
            let record = catalog.record(ix);
            let Ok(this) = cel::to_value(Projected(record, &reads)) else {
                continue;
            };
            let scope = root.scope(this);
            for &i in &of_kind {
                if let Some(overrun) = &mut overruns[i] {
                    overrun.skipped += 1;
                    continue;
                }
                match evaluate(catalog, &rules[i], &scope, ix) {
                    Ok(finding) => diags.extend(finding),
                    Err(overrun) => overruns[i] = Some(overrun),
                }
            }
        }
    }
    for (rule, overrun) in rules.iter().zip(overruns) {
        if let Some(o) = overrun {
            diags.push(overrun_diagnostic(catalog, rule, o));
        }
    }
}

fn overrun_diagnostic(catalog: &Catalog, rule: &Rule, o: Overrun) -> Diagnostic {
    let at = At {
        catalog,
        policy: rule.policy,
        index: rule.index,
    };
    let rest = match o.skipped {
        0 => String::new(),
        n => format!("; it was not evaluated on the {n} record(s) after it"),
    };
    let message = format!(
        "[{}] `{}` {} (on {}){rest}",
        rule.id, o.key, o.bound, o.record
    );
    at.diagnostic(Code::Rule, message, BOUNDS_HELP, o.key)
}

/// The record as rules see it: with the Markdown body of a `.md` record in `spec.body`.
pub struct RuleView<'a>(pub &'a Record);

impl serde::Serialize for RuleView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (Some(body), Value::Map(entries)) = (&self.0.body, &*self.0.value) else {
            return self.0.value.serialize(s);
        };
        let mut map = s.serialize_map(Some(entries.len()))?;
        for (k, v) in entries.iter() {
            match (&**k, v) {
                ("spec", Value::Map(spec)) => map.serialize_entry(&**k, &WithBody(spec, body))?,
                _ => map.serialize_entry(&**k, v)?,
            }
        }
        map.end()
    }
}

struct WithBody<'a>(&'a [(crate::value::Text, Value)], &'a str);

impl serde::Serialize for WithBody<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Only(self.0, None, Some(self.1)).serialize(s)
    }
}

/// The record as rules see it ([`RuleView`]), with only the parts `reads` names.
struct Projected<'a>(&'a Record, &'a Reads);

impl serde::Serialize for Projected<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (record, reads) = (self.0, self.1);
        let Value::Map(entries) = &*record.value else {
            return RuleView(record).serialize(s);
        };
        if reads.is_whole() {
            return RuleView(record).serialize(s);
        }
        let kept = || {
            entries
                .iter()
                .filter_map(|(k, v)| Some((&**k, v, reads.part(k)?)))
        };
        let mut map = s.serialize_map(Some(kept().count()))?;
        for (k, v, part) in kept() {
            let body = record.body.as_deref().filter(|_| k == "spec");
            match (v, part, body) {
                (Value::Map(inner), Part::Fields(names), _) => {
                    map.serialize_entry(k, &Only(inner, Some(names), body))?
                }
                (Value::Map(inner), Part::Whole, Some(body)) => {
                    map.serialize_entry(k, &WithBody(inner, body))?
                }
                _ => map.serialize_entry(k, v)?,
            }
        }
        map.end()
    }
}

/// A map's entries (those `names` names, when given), with `body` in place of
/// its own `body` entry when given.
struct Only<'a>(
    &'a [(crate::value::Text, Value)],
    Option<&'a std::collections::BTreeSet<String>>,
    Option<&'a str>,
);

impl serde::Serialize for Only<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Only(entries, names, body) = *self;
        let named = |k: &str| names.is_none_or(|n| n.contains(k));
        let kept = || {
            entries
                .iter()
                .filter(move |(k, _)| named(k) && !(body.is_some() && &**k == "body"))
        };
        let body = body.filter(|_| named("body"));
        let mut map = s.serialize_map(Some(kept().count() + usize::from(body.is_some())))?;
        for (k, v) in kept() {
            map.serialize_entry(&**k, v)?;
        }
        if let Some(body) = body {
            map.serialize_entry("body", body)?;
        }
        map.end()
    }
}

/// What every evaluation of a run starts from: a context with `today`, `ref`
/// and the functions that meter an evaluation, and the [`Meter`] those charge.
/// The run that builds it owns both, and drops them with it.
pub struct Root {
    context: Context<'static, 'static>,
    meter: Arc<Meter>,
}

impl Root {
    /// The root context of a run over `catalog`. Fails only if the standard
    /// library declares a name of ours (`ref`, the counting functions).
    pub fn new(
        catalog: &Arc<Catalog>,
        env: &Arc<Env>,
        today: Date,
    ) -> Result<Root, cel::DeclarationError> {
        let Root { mut context, meter } = Root::bare(env, today)?;
        let (catalog, charged) = (catalog.clone(), meter.clone());
        context.add_function(
            "ref",
            move |cel::extractors::Arguments(args): cel::extractors::Arguments| {
                lookup(&catalog, &charged, &args)
            },
        )?;
        Ok(Root { context, meter })
    }

    /// A root context with `today` and the counting functions, no `ref`
    /// (for conditions on records outside a Policy).
    pub fn bare(env: &Arc<Env>, today: Date) -> Result<Root, cel::DeclarationError> {
        let meter = Meter::new();
        let mut context = Context::with_env(env.clone());
        context.add_variable_from_value("today", today.to_string());
        meter::register(&mut context, env, &meter)?;
        Ok(Root { context, meter })
    }

    /// The scope of one evaluation, with `self` set to `this`.
    pub fn scope(&self, this: Cel) -> Scope<'_> {
        let mut context = self.context.new_inner_scope();
        context.add_variable_from_value("self", this);
        Scope {
            context,
            meter: &self.meter,
        }
    }
}

fn lookup(catalog: &Catalog, meter: &Meter, args: &[Cel]) -> Result<Cel, ExecutionError> {
    let text = |v: &Cel| match v {
        Cel::String(s) => Ok(s.to_string()),
        other => Err(ExecutionError::function_error(
            "ref",
            format!("expected a string, got {}", clip(other)),
        )),
    };
    let (kinds, reference): (Vec<Kind>, String) = match args {
        [full] => (Kind::ALL.to_vec(), text(full)?),
        [kind, name] => {
            let kind = text(kind)?;
            let kind = Kind::parse_loose(&kind).ok_or_else(|| {
                ExecutionError::function_error("ref", format!("`{kind}` is not a kind"))
            })?;
            (vec![kind], text(name)?)
        }
        _ => {
            return Err(ExecutionError::function_error(
                "ref",
                "takes (kind, name) or (\"kind:name\")",
            ));
        }
    };
    let found = if kinds.len() > 1 && !reference.contains(':') {
        Err(crate::link::RefError::NeedsFullForm)
    } else {
        catalog.resolve(&reference, &kinds)
    };
    match found {
        Ok(ix) => {
            // refused once the budget is spent; paid for its size once built
            meter.charge(1)?;
            let value = cel::to_value(RuleView(catalog.record(ix)))
                .map_err(|e| ExecutionError::function_error("ref", e.to_string()))?;
            meter.charge(meter::value_units(&value))?;
            Ok(value)
        }
        Err(_) => Err(ExecutionError::function_error(
            "ref",
            format!("no record `{reference}`"),
        )),
    }
}

/// Whether a rule's `when` holds for the record in `scope` (`self` set); a rule
/// without `when` always holds. The error says why it could not be evaluated,
/// a bound it ran into included. Runs on a thread of its own, whose stack holds
/// the deepest rule the bounds let through.
pub fn when_holds(rule: &Rule, scope: &Scope<'_>) -> Result<bool, Unevaluated> {
    let Some(when) = &rule.when else {
        return Ok(true);
    };
    let outcome = on_big_stack(|| verdict("when", when.evaluate(scope, &rule.budget)))
        .map_err(Unevaluated::Thread)?;
    outcome.map_err(|bound| Unevaluated::Bound("when", bound))?
}

/// Why a rule's `when` or `assert` gave no verdict on a record. The cause is
/// part of the message (rules' findings show it on one line).
#[derive(Debug, thiserror::Error)]
pub enum Unevaluated {
    #[error("`when` could not be evaluated: cannot start a thread: {0}")]
    Thread(std::io::Error),
    /// No context to evaluate it in ([`Root::new`] failed).
    #[error("`when` could not be evaluated: {0}")]
    NoContext(cel::DeclarationError),
    #[error("`{0}` {1}")]
    Bound(&'static str, Bound),
    /// The value, clipped for the message.
    #[error("`{0}` gave {1}, not true or false")]
    NotBool(&'static str, String),
    /// The interpreter's error, clipped for the message.
    #[error("`{0}` could not be evaluated: {1}")]
    Failed(&'static str, String),
}

/// A bool, or why the result is not one.
fn verdict(
    key: &'static str,
    outcome: Result<Result<Cel, ExecutionError>, Bound>,
) -> Result<Result<bool, Unevaluated>, Bound> {
    Ok(match outcome? {
        Ok(Cel::Bool(b)) => Ok(b),
        Ok(other) => Err(Unevaluated::NotBool(key, clip(&other))),
        Err(e) => Err(Unevaluated::Failed(key, clip(&Shown(e)))),
    })
}

/// The finding of a rule on the record in `scope`, if any; the bound it ran
/// into, if it did.
fn evaluate(
    catalog: &Catalog,
    rule: &Rule,
    scope: &Scope<'_>,
    ix: Ix,
) -> Result<Option<Diagnostic>, Overrun> {
    let record = catalog.record(ix);
    let policy = &catalog.record(rule.policy).id;
    let overrun = |key, bound| Overrun {
        key,
        bound,
        record: record.id.clone(),
        skipped: 0,
    };
    if let Some(when) = &rule.when {
        match verdict("when", when.evaluate(scope, &rule.budget)) {
            Err(bound) => return Err(overrun("when", bound)),
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => return Ok(None),
            Ok(Err(reason)) => return Ok(Some(failure(rule, policy, record, reason))),
        }
    }
    let Some(assert) = &rule.assert else {
        return Ok(None);
    };
    match verdict("assert", assert.evaluate(scope, &rule.budget)) {
        Err(bound) => Err(overrun("assert", bound)),
        Ok(Ok(true)) => Ok(None),
        Ok(Ok(false)) => {
            let d = Diagnostic::new(Code::Rule, format!("[{}] {}", rule.id, rule.message))
                .with_severity(rule.severity)
                .with_help(format!("required by rule `{}` of {policy}", rule.id));
            Ok(Some(d.with_record(&record.id).at(
                record.file,
                record.doc,
                "",
                Target::Value,
            )))
        }
        Ok(Err(reason)) => Ok(Some(failure(rule, policy, record, reason))),
    }
}

/// The longest rendering of a value or an error that goes into a message.
const SHOWN_BYTES: usize = 300;

/// `{value:?}`, cut after [`SHOWN_BYTES`] (a rule may produce a huge value).
fn clip(value: &dyn std::fmt::Debug) -> String {
    struct Cut(String);
    impl std::fmt::Write for Cut {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            let room = SHOWN_BYTES.saturating_sub(self.0.len());
            if s.len() <= room {
                self.0.push_str(s);
                return Ok(());
            }
            let end = (0..=room)
                .rev()
                .find(|&i| s.is_char_boundary(i))
                .unwrap_or(0);
            self.0.push_str(&s[..end]);
            Err(std::fmt::Error)
        }
    }
    let mut cut = Cut(String::new());
    if std::fmt::write(&mut cut, format_args!("{value:?}")).is_err() {
        cut.0.push_str("...");
    }
    cut.0
}

/// Shows a value with `Display` through [`clip`].
struct Shown<T>(T);

impl<T: std::fmt::Display> std::fmt::Debug for Shown<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

fn failure(rule: &Rule, policy: &RecordId, record: &Record, reason: Unevaluated) -> Diagnostic {
    Diagnostic::new(
        Code::Rule,
        format!("[{}] {}: {reason}", rule.id, rule.message),
    )
    .with_severity(rule.severity)
    .with_help(format!(
        "fix the record, or guard the rule in {policy} (e.g. `has(self.spec.sla) && ...`)"
    ))
    .with_record(&record.id)
    .at(record.file, record.doc, "", Target::Value)
}

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim()
}

#[cfg(test)]
mod tests {
    use super::bounded::{Budget, on_big_stack};
    use super::*;

    const SERVICE: &str = "---\napiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\n  labels: {domain: web}\nspec:\n  owner: t\n  tier: 1\n  lifecycle: production\n  cis: [c1, c2]\n  support: {hours: 24x7, channel: '#shop'}\n  body: written\n---\n# Shop\n\nRunbook.\n";

    fn record() -> Record {
        let mut parser = crate::load::yaml::Parser::default();
        let mut records = crate::load::parse_records(&mut parser, "shop.md".into(), SERVICE.into());
        records.remove(0)
    }

    /// `source` on the record seen whole, and seen as far as `source` reads it.
    fn both(source: &str, record: &Record) -> [Result<Result<Cel, ExecutionError>, Bound>; 2] {
        let env = Arc::new(Env::stdlib());
        let today = Date::constant(2026, 11, 21);
        on_big_stack(|| {
            let Ok(e) = Expression::parse(&env, source) else {
                panic!("not CEL: {source}");
            };
            let Ok(root) = Root::bare(&env, today) else {
                panic!("no root");
            };
            let budget = Budget::default();
            let whole = cel::to_value(RuleView(record)).expect("whole");
            let seen = cel::to_value(Projected(record, e.reads())).expect("projected");
            [whole, seen].map(|this| e.evaluate(&root.scope(this), &budget))
        })
        .expect("thread")
    }

    /// A rule sees the same values, errors and bounds on the part of a
    /// record it reads as on the whole record.
    #[test]
    fn a_projected_record_evaluates_as_the_whole() {
        let record = record();
        for source in [
            "self.spec.tier == 1 && self.metadata.name == 'shop'",
            "has(self.spec.sla) || has(self.spec.support.hours)",
            "has(self.status) || has(self.spec)",
            "self.spec.body.startsWith('# Shop')",
            "size(self.spec) + size(self.metadata.labels)",
            "self.spec",
            "self.spec.support",
            "self.metadata.labels.domain + self.spec.support.channel",
            "self.spec.cis.all(c, c.startsWith('c')) && self.spec.cis[1] == 'c2'",
            "self.spec.missing == 1",
            "self.nothing.at.all",
            "self['spec']['tier'] == 1",
            "[self].map(r, r.spec.tier)",
            "self.spec.cis.map(self, self + '!')",
            "self.?spec.?tier.orValue(0) == 1",
            "self == self",
            "size(self)",
            "self.spec.cis.map(c, c + self.kind).size()",
        ] {
            let [whole, seen] = both(source, &record);
            assert_eq!(whole, seen, "{source}");
        }
    }

    /// What is converted of the record is only what the rules of its kind read.
    #[test]
    fn a_projection_keeps_only_what_is_read() {
        let record = record();
        let env = Env::stdlib();
        let json = |source: &str| {
            let Ok(e) = Expression::parse(&env, source) else {
                panic!("not CEL: {source}");
            };
            serde_json::to_value(Projected(&record, e.reads())).expect("json")
        };
        assert_eq!(
            json("self.spec.tier == 1 && has(self.spec.sla)"),
            serde_json::json!({"spec": {"tier": 1}})
        );
        assert_eq!(
            json("self.spec.body.size() > 0 && self.metadata.labels.domain == 'web'"),
            serde_json::json!({"spec": {"body": "# Shop\n\nRunbook.\n"}, "metadata": {"labels": {"domain": "web"}}})
        );
        assert_eq!(json("size(self.metadata) > 0")["metadata"]["name"], "shop");
        assert_eq!(json("[self].size() == 1")["spec"]["owner"], "t");
    }
}
