//! A CEL condition on records outside a Policy: a Framework evidence rule's
//! `where`. The record is `self`, the date of the report `today`; there is no
//! `ref`. Bounded like a rule (the condition is untrusted input too).

use super::bounded::{Budget, Expression, on_big_stack};
use super::{Root, RuleView};
use crate::model::Record;
use cel::Env;
use cel::objects::Value as Cel;
use jiff::civil::Date;
use std::sync::Arc;

/// Why a condition says nothing: the texts of the errors below it (kept as
/// text so that a report can keep the verdict and show it more than once).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unevaluable {
    #[error("is not CEL: {0}")]
    NotCel(String),
    /// Out of bounds before it runs (too long, too deep), or while it runs.
    #[error("{0}")]
    Bounded(String),
    #[error("gave something other than true or false on {0}")]
    NotBoolean(String),
    #[error("could not be evaluated: {0}")]
    Failed(String),
}

/// Which of `records` the condition `source` holds for, in order; or why it
/// cannot say (not CEL, out of bounds, not a boolean, a bound reached).
pub fn filter(source: &str, records: &[&Record], today: Date) -> Result<Vec<bool>, Unevaluable> {
    let env = Arc::new(Env::stdlib());
    let outcome = on_big_stack(|| {
        let expression = Expression::parse(&env, source).map_err(|e| Unevaluable::NotCel(e.0))?;
        if let Some(why) = expression.refusal() {
            return Err(Unevaluable::Bounded(why.to_string()));
        }
        let root = Root::bare(&env, today).map_err(|e| Unevaluable::Failed(e.to_string()))?;
        let budget = Budget::default();
        records
            .iter()
            .map(|record| holds(&expression, &root, &budget, record))
            .collect()
    });
    outcome.map_err(|e| Unevaluable::Failed(format!("cannot start a thread: {e}")))?
}

fn holds(
    expression: &Expression,
    root: &Root,
    budget: &Budget,
    record: &Record,
) -> Result<bool, Unevaluable> {
    let this = cel::to_value(RuleView(record)).map_err(|e| Unevaluable::Failed(e.to_string()))?;
    let scope = root.scope(this);
    match expression.evaluate(&scope, budget) {
        Err(bound) => Err(Unevaluable::Bounded(bound.to_string())),
        Ok(Ok(Cel::Bool(b))) => Ok(b),
        // A field the record does not have makes the condition false, as `has()` would.
        Ok(Err(_)) => Ok(false),
        Ok(Ok(_)) => Err(Unevaluable::NotBoolean(record.id.to_string())),
    }
}
