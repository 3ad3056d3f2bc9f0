//! Policy rules: CEL expressions that make a Policy's prose enforceable.
//!
//! A rule sees `self` (the record: `apiVersion`, `kind`, `metadata`, `spec`; the
//! Markdown body of a `.md` record as `spec.body`), `today` (`"YYYY-MM-DD"`) and
//! `ref(kind, name)` / `ref("kind:name")`, which returns another record, so that
//! a rule on a Service can read its SLA: `ref('sla', self.spec.sla).spec.availability`.

use crate::diag::{Code, Diagnostic, Severity, Target};
use crate::link::{Catalog, Ix};
use crate::model::{Kind, Record};
use crate::value::Value;
use cel::objects::Value as Cel;
use cel::{Context, Env, ExecutionError, Program};
use jiff::civil::Date;
use std::sync::Arc;

/// A compiled rule of a Policy.
pub struct Rule {
    pub policy: Ix,
    /// Position in the Policy's `rules`.
    pub index: usize,
    pub id: String,
    pub kind: Kind,
    pub when: Option<Program>,
    pub assert: Option<Program>,
    pub severity: Severity,
    pub message: String,
    /// An approval requirement the rule adds for pull requests (`approve:`).
    pub approve: Option<Approve>,
}

/// A rule's `approve: {team, count}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approve {
    /// The Team as written; `None` means the matching record's owner.
    pub team: Option<String>,
    /// Distinct members of the Team who must approve (at least 1).
    pub count: u32,
}

/// Compiles the rules of every Policy; a rule that does not compile is reported
/// (`schema`, at the expression) and skipped.
pub fn compile(catalog: &Catalog, env: &Env, diags: &mut Vec<Diagnostic>) -> Vec<Rule> {
    let mut rules = Vec::new();
    for policy in catalog.of_kind(Kind::Policy) {
        let record = catalog.record(policy);
        let Some(Value::Seq(items)) = record.get("/spec/rules") else {
            continue;
        };
        for (index, item) in items.iter().enumerate() {
            let text = |key: &str| item.get(key).and_then(Value::as_str);
            let (Some(id), Some(kind)) = (text("id"), text("kind").and_then(Kind::from_name))
            else {
                continue;
            };
            let mut program = |key: &str| {
                let source = text(key)?;
                match env.compile(source) {
                    Ok(p) => Some(Ok(p)),
                    Err(e) => {
                        let d = Diagnostic::new(
                            Code::Schema,
                            format!("rule `{id}`: `{key}` is not a valid CEL expression: {}", first_line(&e.to_string())),
                        )
                        .with_help("rules are written in CEL (https://cel.dev), e.g. `self.spec.tier == 1`")
                        .with_record(&record.id)
                        .at(record.file, record.doc, format!("/spec/rules/{index}/{key}"), Target::Value);
                        diags.push(d);
                        Some(Err(()))
                    }
                }
            };
            let (when, assert) = (program("when"), program("assert"));
            if matches!(when, Some(Err(()))) || matches!(assert, Some(Err(()))) {
                continue;
            }
            rules.push(Rule {
                policy,
                index,
                id: id.to_string(),
                kind,
                when: when.and_then(Result::ok),
                assert: assert.and_then(Result::ok),
                severity: if text("severity") == Some("warning") {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                message: text("message")
                    .unwrap_or("the rule does not hold")
                    .to_string(),
                approve: item.get("approve").map(|a| Approve {
                    team: a.get("team").and_then(Value::as_str).map(str::to_string),
                    count: a
                        .get("count")
                        .and_then(Value::as_i64)
                        .map_or(1, |c| c.clamp(1, u32::MAX as i64) as u32),
                }),
            });
        }
    }
    rules
}

/// Evaluates every rule with an `assert` on every record of its kind.
pub fn run(catalog: &Arc<Catalog>, today: Date, diags: &mut Vec<Diagnostic>) {
    let env = Arc::new(Env::stdlib());
    let rules: Vec<Rule> = compile(catalog, &env, diags)
        .into_iter()
        .filter(|r| r.assert.is_some())
        .collect();
    if rules.is_empty() {
        return;
    }
    let root = root_context(catalog, &env, today);
    for kind in Kind::ALL {
        let of_kind: Vec<&Rule> = rules.iter().filter(|r| r.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        for ix in catalog.of_kind(kind) {
            let record = catalog.record(ix);
            let Ok(this) = cel::to_value(RuleView(record)) else {
                continue;
            };
            let mut scope = root.new_inner_scope();
            scope.add_variable_from_value("self", this);
            for rule in &of_kind {
                if let Some(d) = evaluate(catalog, rule, &scope, ix) {
                    diags.push(d);
                }
            }
        }
    }
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
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len() + 1))?;
        for (k, v) in self.0.iter().filter(|(k, _)| &**k != "body") {
            map.serialize_entry(&**k, v)?;
        }
        map.serialize_entry("body", self.1)?;
        map.end()
    }
}

/// The context shared by every evaluation: `today` and `ref`.
pub fn root_context(
    catalog: &Arc<Catalog>,
    env: &Arc<Env>,
    today: Date,
) -> Context<'static, 'static> {
    let mut root = Context::with_env(env.clone());
    root.add_variable_from_value("today", today.to_string());
    let catalog = catalog.clone();
    let _ = root.add_function(
        "ref",
        move |cel::extractors::Arguments(args): cel::extractors::Arguments| lookup(&catalog, &args),
    );
    root
}

fn lookup(catalog: &Catalog, args: &[Cel]) -> Result<Cel, ExecutionError> {
    let text = |v: &Cel| match v {
        Cel::String(s) => Ok(s.to_string()),
        other => Err(ExecutionError::function_error(
            "ref",
            format!("expected a string, got {other:?}"),
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
        Ok(ix) => cel::to_value(RuleView(catalog.record(ix)))
            .map_err(|e| ExecutionError::function_error("ref", e.to_string())),
        Err(_) => Err(ExecutionError::function_error(
            "ref",
            format!("no record `{reference}`"),
        )),
    }
}

/// Whether a rule's `when` holds for the record in `scope` (`self` set); a rule
/// without `when` always holds. The error says why it could not be evaluated.
pub fn when_holds(rule: &Rule, scope: &Context<'_, '_>) -> Result<bool, String> {
    match rule.when.as_ref().map(|w| w.execute(scope)) {
        None | Some(Ok(Cel::Bool(true))) => Ok(true),
        Some(Ok(Cel::Bool(false))) => Ok(false),
        Some(Ok(other)) => Err(format!("`when` gave {other:?}, not true or false")),
        Some(Err(e)) => Err(format!("`when` could not be evaluated: {e}")),
    }
}

fn evaluate(catalog: &Catalog, rule: &Rule, scope: &Context<'_, '_>, ix: Ix) -> Option<Diagnostic> {
    let record = catalog.record(ix);
    let policy = &catalog.record(rule.policy).id;
    if let Some(when) = &rule.when {
        match when.execute(scope) {
            Ok(Cel::Bool(true)) => {}
            Ok(Cel::Bool(false)) => return None,
            Ok(other) => {
                return Some(failure(
                    rule,
                    policy,
                    record,
                    format!("`when` gave {other:?}, not true or false"),
                ));
            }
            Err(e) => {
                return Some(failure(
                    rule,
                    policy,
                    record,
                    format!("`when` could not be evaluated: {e}"),
                ));
            }
        }
    }
    let outcome = rule.assert.as_ref()?.execute(scope);
    let reason = match outcome {
        Ok(Cel::Bool(true)) => return None,
        Ok(Cel::Bool(false)) => {
            let d = Diagnostic::new(Code::Rule, format!("[{}] {}", rule.id, rule.message))
                .with_severity(rule.severity)
                .with_help(format!("required by rule `{}` of {policy}", rule.id));
            return Some(
                d.with_record(&record.id)
                    .at(record.file, record.doc, "", Target::Value),
            );
        }
        Ok(other) => format!("`assert` gave {other:?}, not true or false"),
        Err(e) => format!("`assert` could not be evaluated: {e}"),
    };
    Some(failure(rule, policy, record, reason))
}

fn failure(
    rule: &Rule,
    policy: &crate::model::RecordId,
    record: &Record,
    reason: String,
) -> Diagnostic {
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
