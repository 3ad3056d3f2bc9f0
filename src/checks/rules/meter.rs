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
use cel::{Context, DeclarationError, Env, ExecutionError, FunctionContext, IdedExpr};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64};
use std::sync::{Arc, Mutex, PoisonError};
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

/// The meter of the evaluations in one root context: the counting functions
/// registered there ([`register`]) charge it, and [`Meter::evaluate`] arms it
/// for one evaluation at a time. The run that builds the context owns it (no
/// state hidden in the thread); its fields are atomics only because the `cel`
/// crate wants its native functions `Send + Sync`.
pub struct Meter {
    origin: Instant,
    /// Held by the evaluation that runs: one at a time per meter.
    running: Mutex<()>,
    armed: AtomicBool,
    left: AtomicU64,
    /// Nanoseconds after `origin`.
    deadline: AtomicU64,
    /// 0, or the code of the [`Exceeded`] the evaluation ran into.
    exceeded: AtomicU8,
}

impl Meter {
    pub fn new() -> Arc<Meter> {
        Arc::new(Meter {
            origin: Instant::now(),
            running: Mutex::new(()),
            armed: AtomicBool::new(false),
            left: AtomicU64::new(0),
            deadline: AtomicU64::new(0),
            exceeded: AtomicU8::new(0),
        })
    }

    /// Evaluates an [instrumented](super::instrument) expression within `units`
    /// and `time`; `context` is one whose counting functions charge this meter.
    pub fn evaluate(
        &self,
        expr: &IdedExpr,
        context: &Context<'_, '_>,
        units: u64,
        time: Duration,
    ) -> (Result<cel::Value, ExecutionError>, Spent) {
        let _running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        self.left.store(units, Relaxed);
        self.deadline.store(self.nanos(time), Relaxed);
        self.exceeded.store(0, Relaxed);
        self.armed.store(true, Relaxed);
        let result = cel::Value::resolve(expr, context);
        self.armed.store(false, Relaxed);
        let spent = Spent {
            units: units - self.left.load(Relaxed),
            exceeded: self.exceeded(),
        };
        (result, spent)
    }

    /// Charges `units` to the evaluation running. Fails once the budget or
    /// the time is exhausted, and whenever no evaluation is running.
    pub fn charge(&self, units: u64) -> Result<(), ExecutionError> {
        if !self.armed.load(Relaxed) {
            return Err(stopped());
        }
        if self.exceeded().is_none() {
            let left = self.left.load(Relaxed);
            if units > left {
                self.left.store(0, Relaxed);
                self.exceed(Exceeded::Cost);
            } else {
                self.left.store(left - units, Relaxed);
                if self.nanos(Duration::ZERO) >= self.deadline.load(Relaxed) {
                    self.exceed(Exceeded::Time);
                }
            }
        }
        match self.exceeded() {
            None => Ok(()),
            Some(_) => Err(stopped()),
        }
    }

    /// Stops the evaluation running for `why` (unless it stopped already):
    /// every later charge fails.
    fn exceed(&self, why: Exceeded) -> ExecutionError {
        let code = match why {
            Exceeded::Cost => 1,
            Exceeded::Time => 2,
            Exceeded::Pattern => 3,
        };
        let _already_stopped = self.exceeded.compare_exchange(0, code, Relaxed, Relaxed);
        stopped()
    }

    fn exceeded(&self) -> Option<Exceeded> {
        match self.exceeded.load(Relaxed) {
            0 => None,
            1 => Some(Exceeded::Cost),
            2 => Some(Exceeded::Time),
            _ => Some(Exceeded::Pattern),
        }
    }

    /// What is left of the budget of the evaluation running.
    fn left(&self) -> u64 {
        self.left.load(Relaxed)
    }

    /// Now plus `after`, in nanoseconds after `origin` (saturating).
    fn nanos(&self, after: Duration) -> u64 {
        let at = self.origin.elapsed().saturating_add(after);
        u64::try_from(at.as_nanos()).unwrap_or(u64::MAX)
    }
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
/// be written in CEL), charging `meter`. Fails only if the standard library
/// declares one of their names.
pub fn register(
    context: &mut Context<'_, '_>,
    env: &Arc<Env>,
    meter: &Arc<Meter>,
) -> Result<(), DeclarationError> {
    context.add_function(COST, passing(meter, |v, cap| 1 + units(v, cap)))?;
    context.add_function(LEN, passing(meter, |v, _| 1 + text_units(v)))?;
    context.add_function(RANGE, range(meter))?;
    context.add_function(MATCHES, matches(meter, env.clone()))
}

/// A native function, as the crate calls them.
type Native = Box<
    dyn for<'c, 'k> Fn(&mut FunctionContext<'c, 'k>) -> Result<CowVal<'c, 'k>, ExecutionError>
        + Send
        + Sync,
>;

/// `@cost(v)` / `@len(v)`: charges `measure(v)`, gives `v` back untouched.
fn passing(meter: &Arc<Meter>, measure: fn(&dyn Val, u64) -> u64) -> Native {
    let meter = meter.clone();
    Box::new(move |ftx| {
        let value = std::mem::take(&mut ftx.args)
            .into_iter()
            .next()
            .ok_or(ExecutionError::MissingArgumentOrTarget)?;
        meter.charge(measure(value.as_ref(), meter.left().saturating_add(1)))?;
        Ok(value)
    })
}

/// `@range(r, n)`: a comprehension over `r` whose body has `n` nodes.
fn range(meter: &Arc<Meter>) -> Native {
    let meter = meter.clone();
    Box::new(move |ftx| {
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
        meter.charge(items.saturating_mul(per_item))?;
        meter.charge(units(range.as_ref(), meter.left().saturating_add(1)))?;
        Ok(range)
    })
}

/// `@matches(s, p)`: `s.matches(p)`, charged for compiling `p` and running it
/// over `s`, and refused when `p` is too large a pattern.
fn matches(meter: &Arc<Meter>, env: Arc<Env>) -> Native {
    let meter = meter.clone();
    Box::new(move |ftx| {
        let args = std::mem::take(&mut ftx.args);
        if let [subject, pattern] = args.as_slice()
            && let (BuiltinRef::String(s), BuiltinRef::String(p)) =
                (subject.as_builtin(), pattern.as_builtin())
        {
            let size = regex_size(p.inner());
            if size > MAX_REGEX_SIZE {
                return Err(meter.exceed(Exceeded::Pattern));
            }
            // compiling: about 1 µs per state; matching: at worst every
            // state for every byte
            let scan = (s.inner().len() as u64 / 64 + 1).saturating_mul(size / 64 + 1);
            meter.charge(size.saturating_mul(10).saturating_add(scan))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A meter charges only while it evaluates: a counting function called
    /// outside an evaluation (or after it) fails, and each evaluation starts
    /// from its own budget, whatever the one before it spent.
    #[test]
    fn a_meter_charges_only_while_it_evaluates() {
        let env = Arc::new(Env::stdlib());
        let meter = Meter::new();
        let mut context = Context::with_env(env.clone());
        register(&mut context, &env, &meter).unwrap();
        assert!(meter.charge(1).is_err());
        let tree = super::super::instrument::instrument(
            env.parser()
                .parse("[1, 2, 3].map(x, x + 1).size()")
                .unwrap(),
        );
        let (first, spent) = meter.evaluate(&tree, &context, 2, Duration::from_secs(60));
        assert!(first.is_err());
        assert_eq!(spent.exceeded, Some(Exceeded::Cost));
        let (second, spent) = meter.evaluate(&tree, &context, EVAL_UNITS, Duration::from_secs(60));
        assert_eq!(second, Ok(cel::Value::Int(3)));
        assert_eq!(spent.exceeded, None);
        assert!(meter.charge(1).is_err());
    }
}
