//! Cost allocation as a property: on generated repositories (Services of both
//! types depending on one another, CIs reached through `cis` and `dependsOn`,
//! Supplier contracts, costs per month and per year in two currencies, cycles
//! now and then), the business Services' full costs plus the unallocated costs
//! are the sum of every cost written, exactly, for every currency; and the
//! printed figures add up to the cent. Hand-computed cases are in
//! `tests/cmd/report/cost*.toml`.

mod common;

use common::Rng;
use itsm::report::cost::{self, Allocation};
use num_bigint::BigInt;
use num_rational::BigRational;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

const CURRENCIES: [&str; 2] = ["EUR", "USD"];

/// A generated repository and the sum of its costs per month, per currency,
/// computed here from what was written.
struct Generated {
    dir: tempfile::TempDir,
    expected: BTreeMap<String, BigRational>,
}

#[test]
fn business_costs_plus_unallocated_are_every_cost_to_the_cent() {
    let mut rng = Rng(0x5eed_c057);
    for round in 0..40 {
        let generated = generate(&mut rng, round % 5 == 4);
        let allocation = allocate(generated.dir.path(), 1);
        assert_exact(&allocation, &generated.expected, round);
        assert_printed_adds_up(&allocation, round);
        // Over a quarter: three times every figure, still exact.
        let quarter = allocate(generated.dir.path(), 3);
        let tripled: BTreeMap<String, BigRational> = generated
            .expected
            .iter()
            .map(|(c, a)| (c.clone(), a * BigRational::from_integer(3.into())))
            .collect();
        assert_exact(&quarter, &tripled, round);
        assert_printed_adds_up(&quarter, round);
    }
}

#[test]
fn a_deep_chain_of_technical_services_is_allocated_quickly_and_exactly() {
    // Each technical Service is shared by the next one and a business one:
    // the shares halve 300 times (denominators of 2^300), and a cycle at the
    // end holds its cost back as unallocated.
    let mut files = String::new();
    let n: i64 = 300;
    let month = "{amount: 1, currency: EUR, per: month}";
    for i in 0..n {
        let deps = if i == 0 {
            "[]".to_string()
        } else {
            format!("[t{}]", i - 1)
        };
        files.push_str(&service(&format!("t{i}"), "technical", month, &deps, ""));
        let cent = "{amount: 0.12, currency: EUR, per: year}";
        files.push_str(&service(&format!("b{i}"), "", cent, &format!("[t{i}]"), ""));
    }
    files.push_str(&service("x0", "technical", month, "[x1]", ""));
    files.push_str(&service("x1", "technical", month, "[x0]", ""));
    files.push_str(&service("bx", "business", "", "[x0]", ""));
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[("itsm.yaml", "name: Test\n"), ("all.yaml", &files)],
    );
    team(dir.path());
    let started = std::time::Instant::now();
    let allocation = allocate(dir.path(), 1);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    // n technical Services and the two in the cycle at 1 a month, n business
    // ones at 0.12 a year.
    let expected = BTreeMap::from([(
        "EUR".to_string(),
        BigRational::from_integer((n + 2).into()) + BigRational::new(n.into(), 100.into()),
    )]);
    assert_exact(&allocation, &expected, 0);
    assert_printed_adds_up(&allocation, 0);
}

#[test]
fn over_budget_warns_exactly_when_the_exact_full_cost_exceeds_the_budget() {
    // Budgets a cent below, at, and a cent above each Service's exact full
    // cost (and the Team's): the check's quick float estimate must never
    // decide a case the exact figures decide otherwise.
    let mut rng = Rng(0xb0d6_e7ed);
    for round in 0..25 {
        let generated = generate(&mut rng, round % 5 == 4);
        let dir = generated.dir.path();
        let allocation = allocate(dir, 1);
        let mut all = std::fs::read_to_string(dir.join("all.yaml")).unwrap();
        let mut expected: Vec<String> = Vec::new();
        for s in &allocation.services {
            let full = s.full();
            let Some(currency) = full.currencies().next().map(str::to_string) else {
                continue;
            };
            let (budget, over) = near(&mut rng, full.get(&currency).unwrap());
            if over {
                expected.push(format!("service:{}", s.name));
            }
            let head = format!("name: {}\nspec:\n", s.name);
            let with =
                format!("{head}  budget: {{amount: {budget}, currency: {currency}, per: month}}\n");
            all = all.replacen(&head, &with, 1);
        }
        std::fs::write(dir.join("all.yaml"), all).unwrap();
        let mut owned = BigRational::from_integer(0.into());
        let business = allocation.services.iter().filter(|s| !s.technical);
        for full in business.filter_map(|s| s.full().get("EUR").cloned()) {
            owned += full;
        }
        if owned > BigRational::from_integer(0.into()) {
            let (budget, over) = near(&mut rng, &owned);
            if over {
                expected.push("team:t".to_string());
            }
            let budget = format!("  budget: {{amount: {budget}, currency: EUR, per: month}}\n");
            team_with(dir, &budget);
        }
        let found: Vec<String> = over_budget(dir);
        expected.sort();
        assert_eq!(found, expected, "round {round}");
    }
}

#[test]
fn over_budget_decides_on_exact_figures_where_floats_tie() {
    // A third of 1 EUR and the budget 0.3333333333333333 are the same
    // float, but the third is above the budget: the warning must come.
    let ci = "---\napiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: c\nspec:\n  owner: t\n  type: server\n  environment: production\n  cost: {amount: 1, currency: EUR, per: month}\n";
    let mut files = ci.to_string();
    for i in 0..3 {
        let budget = if i == 0 {
            "  budget: {amount: 0.3333333333333333, currency: EUR, per: month}\n"
        } else {
            "  budget: {amount: 0.34, currency: EUR, per: month}\n"
        };
        let extra = format!("  cis: [c]\n{budget}");
        files.push_str(&service(&format!("s{i}"), "business", "", "[]", &extra));
    }
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[("itsm.yaml", "name: Test\n"), ("all.yaml", &files)],
    );
    team(dir.path());
    assert_eq!(over_budget(dir.path()), ["service:s0"]);
}

fn allocate(dir: &Path, months: u32) -> Allocation {
    let options = itsm::checks::Options {
        today: itsm::time::date("2026-11-21").unwrap(),
    };
    let checked =
        itsm::pipeline::check(dir, &itsm::load::Source::WorkTree, options).expect("loads");
    cost::compute(&checked.catalog, "P", months)
}

/// Business full costs + unallocated = total = what was written, exactly.
fn assert_exact(a: &Allocation, expected: &BTreeMap<String, BigRational>, round: usize) {
    let zero = BigRational::from_integer(BigInt::from(0));
    let currencies: Vec<&str> = a.total.currencies().collect();
    let written: Vec<&str> = expected.keys().map(String::as_str).collect();
    assert_eq!(currencies, written, "round {round}");
    for (currency, want) in expected {
        assert_eq!(a.total.get(currency), Some(want), "round {round}: total");
        let mut sum = a.unallocated.get(currency).cloned().unwrap_or(zero.clone());
        for s in a.services.iter().filter(|s| !s.technical) {
            sum += s.full().get(currency).cloned().unwrap_or(zero.clone());
        }
        assert_eq!(&sum, want, "round {round}: {currency}");
    }
}

/// The printed business totals and the unallocated amount add up to the
/// printed total, each row's parts to its total, and no figure is more than a
/// cent from its exact value.
fn assert_printed_adds_up(a: &Allocation, round: usize) {
    for p in a.printed() {
        let mut sum = p.unallocated.clone();
        for r in &p.services {
            let parts = &r.own + &r.cis + &r.suppliers + &r.dependencies;
            assert_eq!(
                parts, r.total,
                "round {round}: {} in {}",
                r.name, p.currency
            );
            if !r.technical {
                sum += &r.total;
            }
            let exact = a.services.iter().find(|s| s.name == r.name).unwrap().full();
            let exact = exact.get(&p.currency).cloned().unwrap_or_default();
            let printed = BigRational::new(r.total.clone(), 100.into());
            let diff = if printed > exact {
                &printed - &exact
            } else {
                &exact - &printed
            };
            assert!(
                diff < BigRational::new(1.into(), 100.into()),
                "round {round}: {}",
                r.name
            );
        }
        assert_eq!(sum, p.total, "round {round}: {}", p.currency);
    }
}

/// A repository of up to 30 Services, 40 CIs and 8 Suppliers.
fn generate(rng: &mut Rng, cycles: bool) -> Generated {
    let mut expected: BTreeMap<String, BigRational> = BTreeMap::new();
    let mut cost = |rng: &mut Rng| -> String {
        if rng.chance(20) {
            return String::new();
        }
        let cents = rng.below(1_000_000);
        let currency = *rng.pick(&CURRENCIES);
        let year = rng.chance(50);
        let amount = BigRational::new(cents.into(), if year { 1200 } else { 100 }.into());
        *expected
            .entry(currency.to_string())
            .or_insert_with(|| BigRational::from_integer(0.into())) += amount;
        format!(
            "{{amount: {}.{:02}, currency: {currency}, per: {}}}",
            cents / 100,
            cents % 100,
            if year { "year" } else { "month" }
        )
    };
    let (services, cis, suppliers) = (1 + rng.below(30), 1 + rng.below(40), rng.below(8));
    let mut files = String::new();
    for i in 0..cis {
        // Dependencies on CIs of lower number: no cycle, unless asked.
        let deps = refs(rng, "c", if cycles { cis } else { i }, 3);
        let c = cost(rng);
        let _ = write!(
            files,
            "---\napiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: c{i}\nspec:\n  owner: t\n  type: server\n  environment: production\n  dependsOn: {deps}\n{}",
            if c.is_empty() {
                String::new()
            } else {
                format!("  cost: {c}\n")
            }
        );
    }
    for i in 0..suppliers {
        let c = cost(rng);
        let contract = if c.is_empty() {
            String::new()
        } else {
            format!("  contract: {{cost: {c}}}\n")
        };
        let _ = write!(
            files,
            "---\napiVersion: itsm/v1\nkind: Supplier\nmetadata:\n  name: p{i}\nspec:\n  owner: t\n{contract}"
        );
    }
    for i in 0..services {
        let kind = if rng.chance(40) {
            "technical"
        } else if rng.chance(50) {
            "business"
        } else {
            ""
        };
        let c = cost(rng);
        let deps = refs(rng, "s", if cycles { services } else { i }, 3);
        let extra = format!(
            "  cis: {}\n  suppliers: {}\n",
            refs(rng, "c", cis, 3),
            refs(rng, "p", suppliers, 2)
        );
        files.push_str(&service(&format!("s{i}"), kind, &c, &deps, &extra));
    }
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[("itsm.yaml", "name: Test\n"), ("all.yaml", &files)],
    );
    team(dir.path());
    Generated { dir, expected }
}

/// Up to `most` distinct names `PREFIXi` with i below `below`, as a flow list.
fn refs(rng: &mut Rng, prefix: &str, below: usize, most: usize) -> String {
    let mut picked: Vec<usize> = Vec::new();
    if below > 0 {
        for _ in 0..rng.below(most + 1) {
            let i = rng.below(below);
            if !picked.contains(&i) {
                picked.push(i);
            }
        }
    }
    let names: Vec<String> = picked.iter().map(|i| format!("{prefix}{i}")).collect();
    format!("[{}]", names.join(", "))
}

fn service(name: &str, kind: &str, cost: &str, deps: &str, extra: &str) -> String {
    let kind = if kind.is_empty() {
        String::new()
    } else {
        format!("  type: {kind}\n")
    };
    let cost = if cost.is_empty() {
        String::new()
    } else {
        format!("  cost: {cost}\n")
    };
    format!(
        "---\napiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  owner: t\n  lifecycle: development\n  tier: 3\n{kind}{cost}  dependsOn: {deps}\n{extra}"
    )
}

fn team(dir: &Path) {
    team_with(dir, "");
}

fn team_with(dir: &Path, extra: &str) {
    let text = format!(
        "apiVersion: itsm/v1\nkind: Team\nmetadata:\n  name: t\nspec:\n  members: [{{login: alice}}]\n{extra}"
    );
    common::write(dir, &[("team.yaml", &text)]);
}

/// A budget a cent below, at, or a cent above `full` (in cents, floored), as
/// written, and whether `full` exceeds it.
fn near(rng: &mut Rng, full: &BigRational) -> (String, bool) {
    let floor = (full * BigRational::from_integer(100.into()))
        .floor()
        .to_integer();
    let cents = match rng.below(3) {
        0 if floor > BigInt::from(0) => floor - 1,
        1 => floor + 1,
        _ => floor,
    };
    let over = *full > BigRational::new(cents.clone(), 100.into());
    (cost::text(&cents), over)
}

/// The records `itsm check` finds over budget, sorted.
fn over_budget(dir: &Path) -> Vec<String> {
    let options = itsm::checks::Options {
        today: itsm::time::date("2026-11-21").unwrap(),
    };
    let checked =
        itsm::pipeline::check(dir, &itsm::load::Source::WorkTree, options).expect("loads");
    let mut found: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == itsm::diag::Code::OverBudget)
        .filter_map(|d| d.record.clone())
        .collect();
    found.sort();
    found
}

#[test]
fn record_text_is_escaped_for_every_format() {
    // A currency code the schema refuses still reaches the report: it is
    // shown, escaped for where it goes; so is an offering's title.
    let hostile = "\"<b>x</b>|##[error]\\u001b[31m\\u202e\"";
    let dir = tempfile::tempdir().unwrap();
    let svc = service(
        "s",
        "business",
        &format!("{{amount: 1, currency: {hostile}, per: month}}"),
        "[]",
        &format!("  requests:\n    - {{id: o, title: {hostile}, fulfilment: 1d}}\n"),
    );
    let req = "apiVersion: itsm/v1\nkind: Request\nmetadata:\n  name: r\nspec:\n  service: s\n  offering: o\n  requestedBy: bob\n  requested: \"2026-11-02T09:15:00Z\"\n  status: open\n";
    common::write(
        dir.path(),
        &[
            ("itsm.yaml", "name: Test\n"),
            ("s.yaml", &svc),
            ("r.yaml", req),
        ],
    );
    team(dir.path());
    for report in ["cost", "sla"] {
        for format in ["human", "markdown", "json", "csv"] {
            let out = common::itsm(
                dir.path(),
                &[
                    "report",
                    report,
                    "--today",
                    "2026-11-21",
                    "--format",
                    format,
                ],
            );
            assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
            let text = common::stdout(&out);
            let context = format!("report {report} --format {format}:\n{text}");
            // The SLA's CSV has no titles.
            if (report, format) != ("sla", "csv") {
                assert!(text.contains("x"), "{context}");
            }
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{202e}'),
                "{context}"
            );
            assert!(!text.contains("##[error]"), "{context}");
            match format {
                "markdown" => assert!(
                    !text.contains("<b>") && !text.contains("x</b>|"),
                    "{context}"
                ),
                "json" => {
                    serde_json::from_str::<serde_json::Value>(&text).expect(&context);
                }
                "csv" => {
                    let mut rows = csv::Reader::from_reader(text.as_bytes());
                    let width = rows.headers().unwrap().len();
                    for row in rows.records() {
                        assert_eq!(row.expect(&context).len(), width, "{context}");
                    }
                }
                _ => assert!(text.lines().all(|l| !l.contains('\r')), "{context}"),
            }
        }
    }
}
