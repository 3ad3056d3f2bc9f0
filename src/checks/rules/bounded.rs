//! A rule's `when` or `assert`, parsed and evaluated within bounds: its source
//! is bounded before the parser sees it ([`bounds`]), each evaluation is
//! metered ([`meter`]), the evaluations of a run share a total [`Budget`], and
//! the parser and the interpreter run on a thread whose stack holds the
//! deepest expression the bounds let through ([`on_big_stack`]).

use super::meter::{EVAL_TIME, EVAL_UNITS, Exceeded, Meter};
use super::reads::Reads;
use super::regex::{MAX_REGEX_SIZE, regex_size};
use super::{bounds, instrument};
use cel::objects::Value as Cel;
use cel::{Context, Env, ExecutionError, IdedExpr};
use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The cost budget of all the evaluations of a run: `itsm check`, or one side
/// (base or head) of the approval gate.
pub const RUN_UNITS: u64 = 100 * EVAL_UNITS;

/// The wall-clock time all the evaluations of a run may take.
pub const RUN_TIME: Duration = Duration::from_secs(30);

/// The stack of the threads that parse and evaluate rules. The most that
/// parsing and evaluating an expression within the bounds was measured to
/// need is under 3 MiB in a debug build (15 nested brackets) and a tenth of
/// that in a release build; only the part used is ever touched.
pub const STACK_BYTES: usize = 64 << 20;

/// The deepest expression tree, once instrumented: a backstop behind
/// [`bounds::MAX_DEPTH`], which keeps trees under about 2 levels per unit of
/// its depth.
const MAX_TREE_DEPTH: usize = 4 * bounds::MAX_DEPTH;

/// A `when` or an `assert`: its instrumented tree, or why it is refused.
pub struct Expression {
    tree: Result<IdedExpr, String>,
    /// What the expression reads of `self` (nothing when refused).
    reads: Reads,
}

/// Why an expression could not be parsed: it is not CEL.
pub struct Invalid(pub String);

impl Expression {
    /// Parses `source`, unless it is out of bounds. Recurses as deep as the
    /// expression: call it [`on_big_stack`].
    pub fn parse(env: &Env, source: &str) -> Result<Expression, Invalid> {
        if let Err(refusal) = bounds::check(source) {
            return Ok(Expression {
                tree: Err(refusal.to_string()),
                reads: Reads::default(),
            });
        }
        let tree = env
            .parser()
            .parse(source)
            .map_err(|e| Invalid(e.to_string()))?;
        let tree = instrument::instrument(tree);
        let depth = instrument::depth(&tree);
        let refusal = if depth > MAX_TREE_DEPTH {
            Some(format!(
                "nests {depth} levels deep once parsed, more than the {MAX_TREE_DEPTH} a rule may have"
            ))
        } else {
            instrument::patterns(&tree)
                .map(regex_size)
                .max()
                .filter(|&size| size > MAX_REGEX_SIZE)
                .map(|size| format!(
                    "has a `matches` pattern of about {size} automaton states, more than the {MAX_REGEX_SIZE} a rule may use"
                ))
        };
        let reads = Reads::of(&tree);
        Ok(Expression {
            tree: refusal.map_or(Ok(tree), Err),
            reads,
        })
    }

    /// What the expression reads of `self`.
    pub fn reads(&self) -> &Reads {
        &self.reads
    }

    /// Why the expression is refused, if it is.
    pub fn refusal(&self) -> Option<&str> {
        self.tree.as_ref().err().map(String::as_str)
    }

    /// Evaluates the expression against `scope` within the bounds, charging
    /// `budget`. Recurses as deep as the expression: call it [`on_big_stack`].
    pub fn evaluate(
        &self,
        scope: &Scope<'_>,
        budget: &Budget,
    ) -> Result<Result<Cel, ExecutionError>, Bound> {
        let tree = self.tree.as_ref().map_err(|r| Bound::Refused(r.clone()))?;
        let (units, time) = budget.grant()?;
        let (result, spent) = scope.meter.evaluate(tree, &scope.context, units, time);
        budget.spend(spent.units);
        match spent.exceeded {
            None => Ok(result),
            Some(Exceeded::Cost) if units < EVAL_UNITS => Err(Bound::RunCost),
            Some(Exceeded::Cost) => Err(Bound::Cost),
            Some(Exceeded::Time) if time < EVAL_TIME => Err(Bound::RunTime),
            Some(Exceeded::Time) => Err(Bound::Time),
            Some(Exceeded::Pattern) => Err(Bound::Pattern),
        }
    }
}

/// Where an expression is evaluated: a context whose counting functions
/// charge `meter` (see [`Root`](super::Root)).
pub struct Scope<'a> {
    pub(super) context: Context<'a, 'static>,
    pub(super) meter: &'a Meter,
}

/// A bound an expression ran into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bound {
    /// Refused before evaluation (too long, too deep), with why.
    Refused(String),
    /// [`EVAL_UNITS`] on one record.
    Cost,
    /// [`EVAL_TIME`] on one record.
    Time,
    /// A `matches` pattern larger than [`MAX_REGEX_SIZE`].
    Pattern,
    /// [`RUN_UNITS`] over the run.
    RunCost,
    /// [`RUN_TIME`] over the run.
    RunTime,
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Refused(why) => f.write_str(why),
            Bound::Cost => write!(
                f,
                "exceeded the cost budget of {EVAL_UNITS} units for one record"
            ),
            Bound::Time => write!(
                f,
                "exceeded the time limit of {} s for one record",
                EVAL_TIME.as_secs()
            ),
            Bound::Pattern => write!(
                f,
                "gave `matches` a pattern larger than the {MAX_REGEX_SIZE} estimated automaton states a rule may use"
            ),
            Bound::RunCost => write!(
                f,
                "was stopped: the rules together exceeded their budget of {RUN_UNITS} units for a run"
            ),
            Bound::RunTime => write!(
                f,
                "was stopped: the rules together exceeded their time limit of {} s for a run",
                RUN_TIME.as_secs()
            ),
        }
    }
}

/// What the evaluations of a run may still use.
pub struct Budget {
    left: AtomicU64,
    /// Set by the first evaluation.
    deadline: OnceLock<Instant>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            left: AtomicU64::new(RUN_UNITS),
            deadline: OnceLock::new(),
        }
    }
}

impl Budget {
    /// The units and time one evaluation may use.
    fn grant(&self) -> Result<(u64, Duration), Bound> {
        let deadline = *self.deadline.get_or_init(|| Instant::now() + RUN_TIME);
        let time = deadline.saturating_duration_since(Instant::now());
        let units = self.left.load(Ordering::Relaxed);
        if units == 0 {
            return Err(Bound::RunCost);
        }
        if time.is_zero() {
            return Err(Bound::RunTime);
        }
        Ok((units.min(EVAL_UNITS), time.min(EVAL_TIME)))
    }

    fn spend(&self, units: u64) {
        let _ = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                Some(left.saturating_sub(units))
            });
    }
}

/// Runs `f` on a thread with a [`STACK_BYTES`] stack and waits for it. A
/// panic in `f` is resumed here; the error is the thread's failure to start.
pub fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> std::io::Result<T> {
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name("itsm-rules".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, f)?;
        Ok(thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}
