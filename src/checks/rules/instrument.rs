//! Rewrites a rule's expression tree so that evaluating it pays for its work:
//! calls to the counting functions of [`meter`](super::meter) go before every
//! operation whose work or memory grows with its operands.

use super::meter::{COST, LEN, MATCHES, RANGE};
use cel::IdedExpr;
use cel::common::ast::{
    CallExpr, ComprehensionExpr, EntryExpr, Expr, IdedEntryExpr, ListExpr, LiteralValue, operators,
};

/// Rewrites an expression to charge its evaluation (see the module's doc).
/// Recurses once per level: run it where the depth is known to be bounded.
pub fn instrument(expr: IdedExpr) -> IdedExpr {
    let IdedExpr { id, expr } = expr;
    let expr = match expr {
        Expr::Call(call) => return instrument_call(id, call),
        Expr::Comprehension(c) => Expr::Comprehension(Box::new(instrument_comprehension(*c))),
        Expr::List(list) => Expr::List(ListExpr {
            elements: list.elements.into_iter().map(costed).collect(),
            optional_indices: list.optional_indices,
        }),
        Expr::Map(mut map) => {
            map.entries = map.entries.into_iter().map(instrument_entry).collect();
            Expr::Map(map)
        }
        Expr::Struct(mut s) => {
            s.entries = s.entries.into_iter().map(instrument_entry).collect();
            Expr::Struct(s)
        }
        Expr::Select(mut select) => {
            *select.operand = instrument(std::mem::take(&mut *select.operand));
            Expr::Select(select)
        }
        other => other,
    };
    IdedExpr { id, expr }
}

fn instrument_entry(mut entry: IdedEntryExpr) -> IdedEntryExpr {
    match &mut entry.expr {
        EntryExpr::MapEntry(e) => {
            e.key = costed(std::mem::take(&mut e.key));
            e.value = costed(std::mem::take(&mut e.value));
        }
        EntryExpr::StructField(f) => f.value = costed(std::mem::take(&mut f.value)),
    }
    entry
}

fn instrument_call(id: u64, mut call: CallExpr) -> IdedExpr {
    let name = call.func_name.as_str();
    let arity = call.args.len() + usize::from(call.target.is_some());
    if name == "matches" && arity == 2 {
        let mut args: Vec<IdedExpr> = call.target.take().map(|t| *t).into_iter().collect();
        args.append(&mut call.args);
        return node(
            id,
            native(MATCHES, args.into_iter().map(instrument).collect()),
        );
    }
    let args = std::mem::take(&mut call.args);
    call.args = match name {
        operators::EQUALS
        | operators::NOT_EQUALS
        | operators::LESS
        | operators::LESS_EQUALS
        | operators::GREATER
        | operators::GREATER_EQUALS
        | operators::IN
        | operators::ADD => operands(args),
        operators::INDEX | operators::OPT_INDEX => {
            let mut args = args.into_iter();
            args.next()
                .map(instrument)
                .into_iter()
                .chain(args.map(costed))
                .collect()
        }
        operators::LOGICAL_AND
        | operators::LOGICAL_OR
        | operators::LOGICAL_NOT
        | operators::CONDITIONAL
        | operators::NEGATE
        | operators::SUBSTRACT
        | operators::MULTIPLY
        | operators::DIVIDE
        | operators::MODULO
        | operators::NOT_STRICTLY_FALSE
        | operators::OPT_SELECT => args.into_iter().map(instrument).collect(),
        "size" => args.into_iter().map(|a| wrap(LEN, instrument(a))).collect(),
        _ => args.into_iter().map(costed).collect(),
    };
    if let Some(target) = call.target.take() {
        let target = instrument(*target);
        let target = if call.func_name == "size" {
            wrap(LEN, target)
        } else if names_a_namespace(&target) {
            target
        } else {
            wrap(COST, target)
        };
        call.target = Some(Box::new(target));
    }
    node(id, Expr::Call(call))
}

/// The operands of `==`, `in`, `+` ...: charged for their size, except the
/// accumulator of a comprehension (`@result`) and the `[x]` that `map` and
/// `filter` append to it, so that the interpreter still appends in place.
fn operands(args: Vec<IdedExpr>) -> Vec<IdedExpr> {
    let accumulates =
        matches!(args.first(), Some(IdedExpr { expr: Expr::Ident(n), .. }) if n.starts_with('@'));
    args.into_iter()
        .map(|a| match &a.expr {
            Expr::Ident(n) if n.starts_with('@') => a,
            Expr::List(_) if accumulates => instrument(a),
            _ => costed(a),
        })
        .collect()
}

/// Whether `target` spells a function namespace (`optional` in
/// `optional.of(x)`): the interpreter must see it as written.
fn names_a_namespace(target: &IdedExpr) -> bool {
    let mut e = &target.expr;
    loop {
        match e {
            Expr::Ident(name) => return name == "optional",
            Expr::Select(s) if !s.test => e = &s.operand.expr,
            _ => return false,
        }
    }
}

fn instrument_comprehension(mut c: ComprehensionExpr) -> ComprehensionExpr {
    c.loop_cond = instrument(std::mem::take(&mut c.loop_cond));
    c.loop_step = instrument(std::mem::take(&mut c.loop_step));
    c.result = instrument(std::mem::take(&mut c.result));
    let per_item = nodes(&c.loop_cond) + nodes(&c.loop_step) + 1;
    let range = instrument(std::mem::take(&mut c.iter_range));
    let per_item = node(
        0,
        Expr::Literal(LiteralValue::Int((per_item as i64).into())),
    );
    c.iter_range = node(0, native(RANGE, vec![range, per_item]));
    c
}

fn costed(expr: IdedExpr) -> IdedExpr {
    wrap(COST, instrument(expr))
}

fn wrap(function: &str, expr: IdedExpr) -> IdedExpr {
    match expr.expr {
        Expr::Literal(_) => expr,
        _ => node(0, native(function, vec![expr])),
    }
}

fn native(function: &str, args: Vec<IdedExpr>) -> Expr {
    Expr::Call(CallExpr {
        func_name: function.to_string(),
        target: None,
        args,
    })
}

fn node(id: u64, expr: Expr) -> IdedExpr {
    IdedExpr { id, expr }
}

/// The number of nodes of an expression.
pub fn nodes(expr: &IdedExpr) -> usize {
    let mut count = 0;
    walk(expr, |_, _| count += 1);
    count
}

/// The depth of an expression tree (a lone literal is 1).
pub fn depth(expr: &IdedExpr) -> usize {
    let mut deepest = 0;
    walk(expr, |_, d| deepest = deepest.max(d));
    deepest
}

/// The patterns of the `matches` calls written as literals.
pub fn patterns(expr: &IdedExpr) -> impl Iterator<Item = &str> {
    let mut found = Vec::new();
    walk(expr, |e, _| {
        if let Expr::Call(call) = &e.expr
            && call.func_name == MATCHES
            && let Some(IdedExpr {
                expr: Expr::Literal(LiteralValue::String(p)),
                ..
            }) = call.args.get(1)
        {
            found.push(p.inner());
        }
    });
    found.into_iter()
}

/// Visits every node with its depth, without recursing.
fn walk<'e>(expr: &'e IdedExpr, mut visit: impl FnMut(&'e IdedExpr, usize)) {
    walk_where(expr, |e, d| {
        visit(e, d);
        true
    });
}

/// Visits the nodes with their depth, without recursing, below a node only
/// when `visit` returns true for it.
pub(super) fn walk_where<'e>(
    expr: &'e IdedExpr,
    mut visit: impl FnMut(&'e IdedExpr, usize) -> bool,
) {
    let mut todo = vec![(expr, 1)];
    while let Some((e, d)) = todo.pop() {
        if !visit(e, d) {
            continue;
        }
        let mut push = |c: &'e IdedExpr| todo.push((c, d + 1));
        match &e.expr {
            Expr::Call(call) => {
                call.target.iter().for_each(|t| push(t));
                call.args.iter().for_each(&mut push);
            }
            Expr::Comprehension(c) => {
                for part in [
                    &c.iter_range,
                    &c.accu_init,
                    &c.loop_cond,
                    &c.loop_step,
                    &c.result,
                ] {
                    push(part);
                }
            }
            Expr::List(l) => l.elements.iter().for_each(push),
            Expr::Map(m) => entries(&m.entries, push),
            Expr::Struct(s) => entries(&s.entries, push),
            Expr::Select(s) => push(&s.operand),
            Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
        }
    }
}

fn entries<'e>(entries: &'e [IdedEntryExpr], mut push: impl FnMut(&'e IdedExpr)) {
    for entry in entries {
        match &entry.expr {
            EntryExpr::MapEntry(e) => {
                push(&e.key);
                push(&e.value);
            }
            EntryExpr::StructField(f) => push(&f.value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::meter::{self, EVAL_UNITS, Exceeded, Meter};
    use super::*;
    use cel::{Context, Env};
    use std::sync::Arc;
    use std::time::Duration;

    fn context(env: &Arc<Env>) -> (Context<'static, 'static>, Arc<Meter>) {
        let meter = Meter::new();
        let mut ctx = Context::with_env(env.clone());
        meter::register(&mut ctx, env, &meter).unwrap();
        let record: serde_json::Value = serde_json::json!({
            "metadata": {"name": "shop"},
            "spec": {"tier": 1, "members": [{"login": "a"}, {"login": "b"}], "body": "# Title\nText"}
        });
        ctx.add_variable("self", record).unwrap();
        (ctx, meter)
    }

    /// Instrumenting changes nothing a rule can see: same value, same error.
    #[test]
    fn instrumented_expressions_evaluate_as_written() {
        let env = Arc::new(Env::stdlib());
        let (ctx, meter) = context(&env);
        for source in [
            "self.spec.tier == 1 && self.metadata.name == 'shop'",
            "has(self.spec.sla) || self.spec.members.size() == 2",
            "self.spec.members.all(m, m.login.size() == 1)",
            "self.spec.members.exists(m, m.login == 'b')",
            "self.spec.members.exists_one(m, m.login in ['a', 'z'])",
            "self.spec.members.map(m, m.login + '!')",
            "self.spec.members.map(m, m.login != 'a', m.login)",
            "self.spec.members.filter(m, m.login > 'a').size()",
            "[1, 2, 3].map(x, [x, x * 2]).filter(l, l[1] > 2)",
            "{'a': [1, 2], 'b': {'c': 'd'}}.b.c + string(size(self.spec.body))",
            "self.spec.body.startsWith('#') && self.spec.body.contains('Text')",
            "self.spec.body.matches('^# [A-Z][a-z]+') && matches('abc', 'b')",
            "optional.of(self.spec.tier).orValue(0) + optional.none().orValue(5)",
            "self.?spec.?missing.orValue('none')",
            "[1, 2, 3][?5].orValue(7)",
            "self.spec.members[0].login",
            "type(self.spec.tier) == int && dyn(1) == 1",
            "int('42') + 1 == 43 && double(1) / 2.0 == 0.5 && -(3) % 2 == -1",
            "size('πέντε') == 5 && 'ab' < 'b'",
            "self.spec.nope == 1",
            "[1, 'a'].all(x, x > 0)",
            "[0, 1].exists(x, 1 / x == 1)",
            "[0, 1].all(x, 1 / x == 1)",
            "{'a': 1}.all(k, k == 'a')",
            "self.spec.tier ? 1 : 2",
            "'x'.matches('(')",
            "[1, 2] + [3] == [1, 2, 3] && 'a' + 'b' == 'ab'",
        ] {
            let plain = env.compile(source).unwrap().execute(&ctx);
            let tree = instrument(env.parser().parse(source).unwrap());
            let (metered, spent) = meter.evaluate(&tree, &ctx, EVAL_UNITS, Duration::from_secs(60));
            assert_eq!(metered, plain, "{source}");
            assert_eq!(spent.exceeded, None, "{source}");
            assert!(
                spent.units > 0 || !source.contains('('),
                "{source} cost nothing"
            );
        }
    }

    #[test]
    fn comprehensions_pay_for_their_range_up_front() {
        let env = Arc::new(Env::stdlib());
        let (ctx, meter) = context(&env);
        let list = format!("[{}]", vec!["1"; 1000].join(","));
        let source = format!("{list}.map(a, {list}.map(b, {list}.map(c, a))).size() > 0");
        let tree = instrument(env.parser().parse(&source).unwrap());
        let start = std::time::Instant::now();
        let (result, spent) = meter.evaluate(&tree, &ctx, EVAL_UNITS, Duration::from_secs(60));
        assert!(result.is_err());
        assert_eq!(spent.exceeded, Some(Exceeded::Cost));
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn a_spent_deadline_stops_the_evaluation() {
        let env = Arc::new(Env::stdlib());
        let (ctx, meter) = context(&env);
        let tree = instrument(env.parser().parse("[1, 2].all(x, x > 0) || true").unwrap());
        let (result, spent) = meter.evaluate(&tree, &ctx, EVAL_UNITS, Duration::ZERO);
        // `|| true` absorbs the error: the meter, not the result, says it stopped
        assert_eq!(result, Ok(cel::Value::Bool(true)));
        assert_eq!(spent.exceeded, Some(Exceeded::Time));
    }

    #[test]
    fn once_exhausted_every_charge_fails() {
        let env = Arc::new(Env::stdlib());
        let (ctx, meter) = context(&env);
        let source =
            "[1, 2, 3].exists(x, [1, 2, 3, 4, 5, 6, 7, 8, 9].map(y, y + x).size() == 0 || true)";
        let tree = instrument(env.parser().parse(source).unwrap());
        let (_, spent) = meter.evaluate(&tree, &ctx, 50, Duration::from_secs(60));
        assert_eq!(spent.exceeded, Some(Exceeded::Cost));
        assert_eq!(spent.units, 50);
    }

    #[test]
    fn trees_are_measured_without_recursion() {
        let env = Env::stdlib();
        let tree = env.parser().parse("a.b + c[0]").unwrap();
        assert_eq!(nodes(&tree), 6);
        assert_eq!(depth(&tree), 3);
    }
}
