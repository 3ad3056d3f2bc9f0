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

/// Which of `records` the condition `source` holds for, in order; or why it
/// cannot say (not CEL, out of bounds, not a boolean, a bound reached).
pub fn filter(source: &str, records: &[&Record], today: Date) -> Result<Vec<bool>, String> {
    let env = Arc::new(Env::stdlib());
    let outcome = on_big_stack(|| {
        let expression =
            Expression::parse(&env, source).map_err(|e| format!("is not CEL: {}", e.0))?;
        if let Some(why) = expression.refusal() {
            return Err(why.to_string());
        }
        let root = Root::bare(&env, today).map_err(|e| format!("could not be evaluated: {e}"))?;
        let budget = Budget::default();
        records
            .iter()
            .map(|record| holds(&expression, &root, &budget, record))
            .collect()
    });
    outcome.map_err(|e| format!("could not be evaluated: cannot start a thread: {e}"))?
}

fn holds(
    expression: &Expression,
    root: &Root,
    budget: &Budget,
    record: &Record,
) -> Result<bool, String> {
    let this = cel::to_value(RuleView(record)).map_err(|e| e.to_string())?;
    let scope = root.scope(this);
    match expression.evaluate(&scope, budget) {
        Err(bound) => Err(bound.to_string()),
        Ok(Ok(Cel::Bool(b))) => Ok(b),
        // A field the record does not have makes the condition false, as `has()` would.
        Ok(Err(_)) => Ok(false),
        Ok(Ok(_)) => Err(format!(
            "gave something other than true or false on {}",
            record.id
        )),
    }
}
