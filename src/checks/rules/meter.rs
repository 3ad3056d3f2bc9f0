//! Meters the evaluation of a rule: a cost budget and a deadline that stop it.
//!
//! The `cel` crate's interpreter has no step hook, cost tracker or way to be
//! interrupted, and a thread cannot be killed. So the expression tree is
//! rewritten once, at compile time ([`instrument`](super::instrument)), to call counting
//! functions of ours before every operation whose work or memory grows with
//! its operands: a comprehension is charged for its range (its length times
//! the size of its body, plus the range's size), `==`, `in`, `+`, the
//! elements of list and map literals and the arguments of functions for the
//! size of their values, and `matches` for its pattern and subject. A charge
//! past the budget, or made after the deadline, fails, and so does every later
//! one: the evaluation stops at its next charge, whatever the rule does with
//! the error, and nothing big is built or walked without being paid for first.
//!
//! A unit is about one step of the interpreter, one element of a value, or 64
//! bytes of a string; [`EVAL_UNITS`] bounds both time and memory.

use super::regex::{MAX_REGEX_SIZE, regex_size};
use cel::common::types::CelInt;
use cel::common::value::{BuiltinRef, CowVal, Val};
use cel::{Context, Env, ExecutionError, FunctionContext, IdedExpr};
use std::cell::Cell;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The cost budget of one evaluation of a `when` or an `assert` on one record.
pub const EVAL_UNITS: u64 = 1_000_000;

/// The wall-clock time one evaluation may take.
pub const EVAL_TIME: Duration = Duration::from_secs(2);

/// Which bound an evaluation ran into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exceeded {
    Cost,
    Time,
    /// A `matches` pattern larger than [`MAX_REGEX_SIZE`].
    Pattern,
}

/// What an evaluation cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spent {
    pub units: u64,
    pub exceeded: Option<Exceeded>,
}

/// Evaluates an [instrumented](super::instrument) expression within `units`
/// and `time`.
pub fn evaluate(
    expr: &IdedExpr,
    context: &Context<'_, '_>,
    units: u64,
    time: Duration,
) -> (Result<cel::Value, ExecutionError>, Spent) {
    let meter = Meter {
        left: units,
        deadline: Instant::now() + time,
        exceeded: None,
    };
    let outer = METER.replace(Some(meter));
    let result = cel::Value::resolve(expr, context);
    let meter = METER.replace(outer).unwrap_or(Meter {
        left: 0,
        deadline: Instant::now(),
        exceeded: Some(Exceeded::Cost),
    });
    let spent = Spent {
        units: units - meter.left,
        exceeded: meter.exceeded,
    };
    (result, spent)
}

/// Charges `units` to the evaluation running on this thread. Fails once the
/// budget or the time is exhausted, and whenever no evaluation is metered.
pub fn charge(units: u64) -> Result<(), ExecutionError> {
    let mut meter = METER.get().ok_or_else(stopped)?;
    if meter.exceeded.is_none() {
        if units > meter.left {
            meter.left = 0;
            meter.exceeded = Some(Exceeded::Cost);
        } else {
            meter.left -= units;
            if Instant::now() >= meter.deadline {
                meter.exceeded = Some(Exceeded::Time);
            }
        }
        METER.set(Some(meter));
    }
    match meter.exceeded {
        None => Ok(()),
        Some(_) => Err(stopped()),
    }
}

/// Stops the evaluation on this thread for `why`: every later charge fails.
fn exceed(why: Exceeded) -> ExecutionError {
    if let Some(mut meter) = METER.get() {
        meter.exceeded.get_or_insert(why);
        METER.set(Some(meter));
    }
    stopped()
}

/// What is left of the budget of the evaluation on this thread.
fn left() -> u64 {
    METER.get().map_or(0, |m| m.left)
}

#[derive(Clone, Copy)]
struct Meter {
    left: u64,
    deadline: Instant,
    exceeded: Option<Exceeded>,
}

thread_local! {
    static METER: Cell<Option<Meter>> = const { Cell::new(None) };
}

fn stopped() -> ExecutionError {
    ExecutionError::function_error("rule", "stopped: a bound of the rule was exceeded")
}

/// `@cost(v)`: charges the size of `v`, gives it back.
pub const COST: &str = "@cost";
/// `@len(v)`: charges the length of a string `v` (what `size` reads).
pub const LEN: &str = "@len";
/// `@range(r, n)`: charges a comprehension over `r` whose body has `n` nodes.
pub const RANGE: &str = "@range";
/// `@matches(s, p)`: `s.matches(p)`, charged, and refused for a huge `p`.
pub const MATCHES: &str = "@matches";

/// Registers the counting functions [`instrument`](super::instrument) calls (their names cannot
/// be written in CEL).
pub fn register(context: &mut Context<'_, '_>, env: &Arc<Env>) {
    let _ = context.add_function(COST, passing(|v, cap| 1 + units(v, cap)));
    let _ = context.add_function(LEN, passing(|v, _| 1 + text_units(v)));
    let _ = context.add_function(RANGE, range());
    let _ = context.add_function(MATCHES, matches(env.clone()));
}

/// A native function, as the crate calls them.
type Native = Box<
    dyn for<'c, 'k> Fn(&mut FunctionContext<'c, 'k>) -> Result<CowVal<'c, 'k>, ExecutionError>
        + Send
        + Sync,
>;

/// `@cost(v)` / `@len(v)`: charges `measure(v)`, gives `v` back untouched.
fn passing(measure: fn(&dyn Val, u64) -> u64) -> Native {
    Box::new(move |ftx| {
        let value = std::mem::take(&mut ftx.args)
            .into_iter()
            .next()
            .ok_or(ExecutionError::MissingArgumentOrTarget)?;
        charge(measure(value.as_ref(), left().saturating_add(1)))?;
        Ok(value)
    })
}

/// `@range(r, n)`: a comprehension over `r` whose body has `n` nodes.
fn range() -> Native {
    Box::new(|ftx| {
        let mut args = std::mem::take(&mut ftx.args).into_iter();
        let (Some(range), Some(body)) = (args.next(), args.next()) else {
            return Err(ExecutionError::MissingArgumentOrTarget);
        };
        let per_item = body
            .downcast_ref::<CelInt>()
            .map_or(1, |n| *n.inner())
            .max(1) as u64;
        let items = match range.as_builtin() {
            BuiltinRef::List(l) => l.inner().len(),
            BuiltinRef::Map(m) => m.inner().len(),
            _ => 0,
        } as u64;
        charge(items.saturating_mul(per_item))?;
        charge(units(range.as_ref(), left().saturating_add(1)))?;
        Ok(range)
    })
}

/// `@matches(s, p)`: `s.matches(p)`, charged for compiling `p` and running it
/// over `s`, and refused when `p` is too large a pattern.
fn matches(env: Arc<Env>) -> Native {
    Box::new(move |ftx| {
        let args = std::mem::take(&mut ftx.args);
        if let [subject, pattern] = args.as_slice()
            && let (BuiltinRef::String(s), BuiltinRef::String(p)) =
                (subject.as_builtin(), pattern.as_builtin())
        {
            let size = regex_size(p.inner());
            if size > MAX_REGEX_SIZE {
                return Err(exceed(Exceeded::Pattern));
            }
            // compiling: about 1 µs per state; matching: at worst every
            // state for every byte
            let scan = (s.inner().len() as u64 / 64 + 1).saturating_mul(size / 64 + 1);
            charge(size.saturating_mul(10).saturating_add(scan))?;
        }
        match env.find_overload("matches", &args) {
            Some(op) => op(args),
            None => Err(ExecutionError::no_such_overload(
                "matches",
                args.iter()
                    .map(|a| a.get_type().name().to_owned())
                    .collect(),
            )),
        }
    })
}

/// The units of a value: one per scalar, element and entry, one per 64 bytes
/// of text; the walk stops past `cap`.
pub fn units(value: &dyn Val, cap: u64) -> u64 {
    let mut total = 0u64;
    let mut todo = vec![value];
    while let Some(v) = todo.pop() {
        total = total.saturating_add(1 + text_units(v));
        if total > cap {
            break;
        }
        match v.as_builtin() {
            BuiltinRef::List(l) => todo.extend(l.inner().iter().map(|b| b.as_ref())),
            BuiltinRef::Map(m) => {
                for (k, v) in m.inner() {
                    todo.push(k.inner());
                    todo.push(v.as_ref());
                }
            }
            BuiltinRef::Optional(o) => todo.extend(o.inner()),
            _ => {}
        }
    }
    total
}

/// [`units`] of a value built outside the interpreter (a record `ref` returns).
pub fn value_units(value: &cel::Value) -> u64 {
    use cel::Value as V;
    let mut total = 0u64;
    let mut todo = vec![value];
    while let Some(v) = todo.pop() {
        total = total.saturating_add(1);
        match v {
            V::String(s) => total = total.saturating_add(s.len() as u64 / 64),
            V::Bytes(b) => total = total.saturating_add(b.len() as u64 / 64),
            V::List(l) => todo.extend(l.iter()),
            V::Map(m) => {
                total = total.saturating_add(m.map.len() as u64);
                todo.extend(m.map.values());
            }
            _ => {}
        }
    }
    total
}

/// One unit per 64 bytes of a string or bytes value.
fn text_units(value: &dyn Val) -> u64 {
    match value.as_builtin() {
        BuiltinRef::String(s) => s.inner().len() as u64 / 64,
        BuiltinRef::Bytes(b) => b.inner().len() as u64 / 64,
        _ => 0,
    }
}
