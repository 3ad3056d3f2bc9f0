//! A CEL condition on records outside a Policy: a Framework evidence rule's
//! `where`. The record is `self`, the date of the report `today`; there is no
//! `ref`. Bounded like a rule (the condition is untrusted input too).

use super::RuleView;
use super::bounded::{Budget, Expression, on_big_stack};
use super::meter;
use crate::model::Record;
use cel::objects::Value as Cel;
use cel::{Context, Env};
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
        let mut root = Context::with_env(env.clone());
        root.add_variable_from_value("today", today.to_string());
        meter::register(&mut root, &env);
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
    root: &Context<'_, '_>,
    budget: &Budget,
    record: &Record,
) -> Result<bool, String> {
    let this = cel::to_value(RuleView(record)).map_err(|e| e.to_string())?;
    let mut scope = root.new_inner_scope();
    scope.add_variable_from_value("self", this);
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
