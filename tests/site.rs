//! `itsm build`: the catalogue site of example-repo and of small fixtures, built
//! into temporary folders, with the exact linked content of its pages.

mod common;

use common::search::{postings, search_json};
use common::site::{build, example, page, section};

use common::{VALID, files_under, itsm, stderr, stdout, write};
use itsm::diag::{Counts, Diagnostic};
use itsm::load::{self, Source};
use itsm::pipeline;
use itsm::site::Options;
use itsm::site::incremental::Site;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-21";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/site")
        .join(name)
}

/// The value of the pair `label` of a record page's card or details.
fn fact<'a>(html: &'a str, label: &str) -> &'a str {
    let start = html
        .find(&format!("<div><dt>{label}</dt><dd>"))
        .unwrap_or_else(|| panic!("no fact {label}"))
        + label.len()
        + 18;
    let end = html[start..].find("</dd></div>\n").unwrap() + start;
    &html[start..end]
}

#[test]
fn example_repo_has_every_page() {
    let (_tmp, site) = build(&example(), TODAY);
    for rel in [
        "index.html",
        "catalogue.html",
        "changes.html",
        "coverage.html",
        "graph.html",
        "search.html",
        "assets/style.css",
        "assets/search/index.js",
        "service/index.html",
        "policy/index.html",
        "team/payments.html",
        "sla/gold.html",
        "ci/payments-db-prod.html",
        "change/chg-orders-db-pg-16-6.html",
        "incident/inc-2026-1112-tilburg-scanner-outage.html",
        "problem/prb-tilburg-scanner-roaming.html",
        "standard-change/db-minor-version-patch.html",
        "supplier/cobalt-payments.html",
        "policy/change-management-policy.html",
    ] {
        assert!(site.join(rel).is_file(), "{rel} missing");
    }
    // One page per record: 138 records, every kind.
    let records: usize = itsm::model::Kind::ALL
        .iter()
        .map(|k| k.id())
        .map(|k| std::fs::read_dir(site.join(k)).unwrap().count() - 1)
        .sum();
    assert_eq!(records, 138);
    assert!(site.join(".itsm-site").is_file());
}

#[test]
fn service_page_links_everything() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "service/payments.html");
    assert_eq!(
        fact(&html, "Owner"),
        "<a href=\"../team/payments.html\">Payments</a>"
    );
    assert_eq!(
        fact(&html, "SLA"),
        "<a href=\"../sla/gold.html\">Gold — 99.95% monthly, 24x7</a>"
    );
    assert!(
        section(&html, "Suppliers").contains("<tr><td><a href=\"../supplier/cobalt-payments.html\">Cobalt Payments Ltd</a></td><td></td></tr>"),
        "{html}"
    );
    let deps = section(&html, "Depends on (transitively)");
    assert!(deps.contains("<tr><td><a href=\"../service/cloud-platform.html\">Cloud Platform</a></td><td><span class=\"badge production\">production</span></td><td>direct</td></tr>"), "{deps}");
    assert!(
        deps.contains("<a href=\"../service/identity.html\">Customer Identity</a>"),
        "{deps}"
    );
    let up = section(&html, "Depended on by (transitively)");
    for s in ["legacy-gift-cards", "mobile-app", "web-shop"] {
        assert!(up.contains(&format!("../service/{s}.html")), "{s}: {up}");
    }
    let cis = section(&html, "Configuration items");
    assert!(cis.contains("<tr><td><a href=\"../ci/k8s-prod-eu-west.html\">Kubernetes production cluster (eu-west)</a></td><td><span class=\"badge active\">active</span></td><td>via payments-api, production deployment</td></tr>"), "{cis}");
    let incidents = section(&html, "Incidents");
    assert!(
        incidents.contains("../incident/inc-2026-0917-checkout-payment-failures.html"),
        "{incidents}"
    );
    let changes = section(&html, "Changes");
    assert!(
        changes.contains("../change/chg-payments-pgbouncer.html"),
        "{changes}"
    );
    let problems = section(&html, "Problems");
    assert!(
        problems.contains("../problem/prb-payments-db-pool-exhaustion.html"),
        "{problems}"
    );
    assert!(html.contains("<svg class=\"graph\""));
    assert!(html.contains("id=\"availability\""));
}

#[test]
fn team_ci_and_sla_pages_show_their_relations() {
    let (_tmp, site) = build(&example(), TODAY);
    let team = page(&site, "team/payments.html");
    let owned = section(&team, "Owns: Services");
    assert!(
        owned.contains("<a href=\"../service/payments.html\">Payments</a>"),
        "{owned}"
    );
    let cis = section(&team, "Owns: CIs");
    assert!(cis.contains("../ci/payments-db-prod.html"), "{cis}");
    let ci = page(&site, "ci/vpc-eu-west.html");
    let supports = section(&ci, "Supports (Services)");
    assert!(
        supports.contains("<a href=\"../service/payments.html\">Payments</a>"),
        "{supports}"
    );
    let sla = page(&site, "sla/gold.html");
    let under = section(&sla, "Services under this SLA");
    assert!(
        under.contains("<a href=\"../service/payments.html\">Payments</a>"),
        "{under}"
    );
}

#[test]
fn catalogue_home_changes_and_coverage() {
    let (_tmp, site) = build(&example(), TODAY);
    let cat = page(&site, "catalogue.html");
    assert_eq!(cat.matches("<tr data-tier=").count(), 14);
    assert!(cat.contains("<td><a href=\"team/payments.html\">Payments</a></td>"));
    let home = page(&site, "index.html");
    assert!(
        home.contains("<span class=\"num\">43</span><span>CIs</span>"),
        "{home}"
    );
    assert!(
        home.contains("<tr><th>Tier 1</th><td>0</td><td>0</td><td><a href=\"catalogue.html?tier=1&amp;lifecycle=production\" title=\"Tier 1 services in production\">5</a></td><td>0</td><td>0</td></tr>"),
        "{home}"
    );
    let problems = section(&home, "Open problems");
    assert_eq!(problems.matches("<li>").count(), 2, "{problems}");
    // Health counts what needs attention, not only the diagnostics (the
    // warnings: the Change scheduled in the Black Friday freeze, Product
    // Search's capacity, the web shop's budget).
    assert!(
        home.contains("<p class=\"warn\">No errors; 3 warnings; needs attention: <a href=\"#open-incidents\">1 open incident</a>"),
        "{home}"
    );
    let changes = page(&site, "changes.html");
    assert!(changes.contains("<h3>January 2027</h3>"), "{changes}");
    assert!(changes.contains("change/chg-k8s-prod-upgrade-1-31.html"));
    let coverage = page(&site, "coverage.html");
    // 8.5.1.1 (the policy itself) has no evidence rule: the internal audit of
    // clause 8 shows it, so 8.5.1 is evidenced (management-system contract).
    assert!(
        coverage
            .contains("<tr id=\"clause-8.5.1\" class=\"evidenced depth2\"><td>8.5.1</td><td>Change management</td>"),
        "{coverage}"
    );
    assert!(
        coverage.contains("<div>done internal Audits with it in scope: <strong>1</strong> <span class=\"meta\">(</span><a href=\"audit/2026-h2-operations.html\">"),
        "{coverage}"
    );
    assert!(coverage.contains("policy/change-management-policy.html"));
    // The evidence comes from `itsm report coverage`: the records that demonstrate a clause.
    assert!(
        coverage.contains("<td>8.5.1.2</td><td>Change management initiation</td><td><span class=\"badge evidenced\">evidenced</span></td>"),
        "{coverage}"
    );
    assert!(
        coverage.contains("<div>Changes <span class=\"meta\">within 12mo</span>: <strong>6</strong> <span class=\"meta\">(</span><a href=\"change/chg-search-synonyms-winter.html\">"),
        "{coverage}"
    );
    let graph = page(&site, "graph.html");
    let all = graph.find("<svg class=\"graph\" id=\"graph-all\"").unwrap();
    assert_eq!(
        graph[..all].matches("class=\"node ").count(),
        14,
        "the 14 services by default"
    );
    assert_eq!(
        graph[all..].matches("class=\"node ").count(),
        57,
        "14 services and 43 CIs behind the switch"
    );
    let policy = page(&site, "policy/change-management-policy.html");
    assert!(
        policy.contains("<article class=\"body\"><h2>"),
        "policy body rendered from Markdown"
    );
}

#[test]
fn fields_are_escaped_and_markdown_sanitised() {
    let (_tmp, site) = build(&fixture("hostile"), "2026-12-15");
    let html = page(&site, "service/shop.html");
    assert!(!html.contains("<script>"), "{html}");
    assert!(!html.contains("onerror=\""), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(!html.contains("data:text"), "{html}");
    assert!(html.contains("<h1>Shop &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; <span class=\"kind\">Service</span></h1>"));
    assert!(html.contains("<p class=\"lead\">Sells things &lt;img src=x onerror=alert(1)&gt;</p>"));
    assert!(html.contains(
        "<div><dt>Customers</dt><dd>&lt;script&gt;alert(&#39;customer&#39;)&lt;/script&gt;</dd></div>"
    ));
    assert!(html.contains("<span class=\"label\">team: &quot;&gt;&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;</span>"));
    assert!(html.contains(
        "<div><dt>Owner</dt><dd><a href=\"../team/ops.html\">Ops &lt;b&gt;team&lt;/b&gt;</a></dd></div>"
    ));
    // Markdown: record references resolved, unknown ones dropped, dangerous links and raw HTML removed.
    assert!(html.contains("<p>Books go to <a href=\"../service/ledger.html\" rel=\"noopener noreferrer\">the ledger</a>; see also nothing.</p>"), "{html}");
    assert!(html.contains("<p><a rel=\"noopener noreferrer\">click me</a></p>"));
    assert!(html.contains("<img src=\"x\">"));
    assert!(html.contains("<table><thead><tr><th>a</th><th>b</th></tr></thead>"));
    assert!(html.contains("type=\"checkbox\""));
    // Every page: no raw script from a record anywhere (the only scripts are ours).
    for entry in files_under(&site) {
        let text = std::fs::read_to_string(&entry).unwrap();
        if entry.extension().is_some_and(|e| e == "html") {
            for (i, _) in text.match_indices("<script") {
                assert!(
                    text[i..].starts_with("<script src=\""),
                    "{}: {}",
                    entry.display(),
                    &text[i..i + 60]
                );
            }
            assert!(!text.contains("<script>alert"), "{}", entry.display());
            assert!(!text.contains("onerror=\""), "{}", entry.display());
        }
    }
    let team = page(&site, "team/ops.html");
    assert!(team.contains("Mona &lt;script&gt;"), "{team}");
}

#[test]
fn availability_over_the_sla_window() {
    // 30 min + 20 min overlapping by 5: 45 minutes of outage in December (31 days).
    let (_tmp, site) = build(&fixture("hostile"), "2026-12-15");
    let html = page(&site, "service/ledger.html");
    let a = section(&html, "Availability");
    assert!(a.contains("<span class=\"big bad\">99.899%</span>"), "{a}");
    assert!(
        a.contains("over the monthly window 2026-12-01 to 2026-12-31, against the target of 99.9%"),
        "{a}"
    );
    assert!(a.contains("45 minutes of outage (<a href=\"../incident/inc-1.html\">Ledger down</a>, <a href=\"../incident/inc-2.html\">Ledger down again</a>)"), "{a}");
    // In November the outages are outside the window.
    let (_tmp2, site) = build(&fixture("hostile"), "2026-11-15");
    let a = page(&site, "service/ledger.html");
    assert!(a.contains("<span class=\"big ok\">100.000%</span>"));
}

#[test]
fn refuses_on_errors_and_keeps_the_previous_site() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    let o = itsm(repo.path(), &["build", "--today", TODAY]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "built: 38 files in {}\n",
            repo.path().join("site").display()
        )
    );
    let before = page(&repo.path().join("site"), "service/shop.html");
    write(
        repo.path(),
        &[(
            "services/shop.yaml",
            "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\n  title: Changed\nspec:\n  owner: nobody\n  lifecycle: production\n  tier: 1\n  sla: gold\n",
        )],
    );
    let o = itsm(repo.path(), &["build", "--today", TODAY]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(
            "error[unresolved-ref]: service:shop refers to team:nobody, which does not exist"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("the site was not built: fix the errors above and run `itsm build` again\n"),
        "{out}"
    );
    assert_eq!(page(&repo.path().join("site"), "service/shop.html"), before);
    // No temporary folder left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(repo.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".itsm-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_rebuild_replaces_the_site_whole() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    assert_eq!(
        itsm(repo.path(), &["build", "--today", TODAY])
            .status
            .code(),
        Some(0)
    );
    std::fs::remove_file(repo.path().join("cis/web.yaml")).unwrap();
    write(
        repo.path(),
        &[(
            "services/shop.yaml",
            "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 1\n  sla: gold\n",
        )],
    );
    assert_eq!(
        itsm(repo.path(), &["build", "--today", TODAY])
            .status
            .code(),
        Some(0)
    );
    assert!(!repo.path().join("site/ci/web.html").exists());
    assert!(repo.path().join("site/service/shop.html").exists());
}

#[test]
fn never_writes_outside_the_output_folder() {
    // A record named like a path is a schema error: nothing is written.
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    write(
        repo.path(),
        &[(
            "cis/evil.yaml",
            "apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: ../../x\nspec:\n  owner: ops\n  type: application\n  environment: production\n",
        )],
    );
    let o = itsm(repo.path(), &["build", "--today", TODAY]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(!repo.path().join("site").exists());
    assert!(!repo.path().join("x.html").exists());
    assert!(!repo.path().parent().unwrap().join("x.html").exists());

    // The output folder may not hold the repository, nor be a folder it did not write.
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    let o = itsm(repo.path(), &["build", "--out", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds the repository"),
        "{}",
        stderr(&o)
    );
    assert!(repo.path().join("itsm.yaml").is_file());
    write(repo.path(), &[("docs/keep.txt", "mine")]);
    let o = itsm(repo.path(), &["build", "--out", "docs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("was not written by `itsm build`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(repo.path().join("docs/keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn theme_overrides_templates_and_assets() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    write(
        repo.path(),
        &[
            (
                "theme/base.html",
                "<!doctype html><html><head><link rel=\"stylesheet\" href=\"{{ root }}assets/style.css\"><title>{{ title }}</title></head><body><div class=\"acme-brand\">ACME {{ site.name }}</div>{% block content %}{% endblock %}</body></html>\n",
            ),
            ("theme/assets/style.css", "body { color: rebeccapurple; }\n"),
            (
                "theme/assets/logo.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
            ),
        ],
    );
    let o = itsm(repo.path(), &["build", "--today", TODAY]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let site = repo.path().join("site");
    let html = page(&site, "service/shop.html");
    assert!(
        html.contains("<div class=\"acme-brand\">ACME Test</div>"),
        "{html}"
    );
    assert!(
        html.contains("<h1>shop <span class=\"kind\">Service</span></h1>"),
        "the default record template still renders"
    );
    assert_eq!(
        page(&site, "assets/style.css"),
        "body { color: rebeccapurple; }\n"
    );
    assert!(site.join("assets/logo.svg").is_file());
    assert!(site.join("assets/search.js").is_file());
    // A broken template is a clear error (exit 2), and nothing is written.
    write(
        repo.path(),
        &[(
            "theme/record.html",
            "{% extends \"base.html\" %}{% block content %}{{ record.title }{% endblock %}",
        )],
    );
    std::fs::remove_dir_all(&site).unwrap();
    let o = itsm(repo.path(), &["build", "--today", TODAY]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("template record.html"),
        "{}",
        stderr(&o)
    );
    assert!(!site.exists());
}

#[test]
fn search_index_is_sharded_by_the_start_of_each_token() {
    let (_tmp, site) = build(&example(), TODAY);
    let manifest = search_json(
        &page(&site, "assets/search/index.js"),
        "window.ITSM_SEARCH=",
    );
    assert_eq!(manifest["n"], 138);
    assert!(
        manifest["kinds"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(["service", "Services", 10, 14]))
    );
    // Every shard of the manifest is a file and every file a shard of the manifest.
    let mut listed: Vec<String> = manifest["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| format!("t-{}.js", k.as_str().unwrap()))
        .collect();
    let mut files: Vec<String> = std::fs::read_dir(site.join("assets/search"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| f.starts_with("t-"))
        .collect();
    listed.sort();
    files.sort();
    assert_eq!(listed, files);
    // Each token in exactly one shard, the one its first two characters name.
    let mut tokens: HashMap<String, Vec<u64>> = HashMap::new();
    for f in &files {
        let key = &f[2..f.len() - 3];
        let js = page(&site, &format!("assets/search/{f}"));
        assert!(js.len() < 16_000, "{f}: {} bytes", js.len());
        let shard = search_json(&js, &format!("ITSM_SEARCH_PART(\"t-{key}\","));
        for (token, lists) in shard.as_object().unwrap() {
            assert_eq!(itsm::site::search::shard_key(token), key, "{token}");
            let mut records = postings(&lists[0]);
            records.extend(postings(&lists[1]));
            assert!(records.iter().all(|r| *r < 138), "{token}");
            assert!(
                tokens.insert(token.clone(), records).is_none(),
                "{token} twice"
            );
        }
    }
    // Documents: every record once, in kind order, chunks of 50.
    let mut docs = Vec::new();
    for c in 0..3 {
        let d = search_json(
            &page(&site, &format!("assets/search/d-{c}.js")),
            &format!("ITSM_SEARCH_PART(\"d-{c}\","),
        );
        docs.extend(d.as_array().unwrap().iter().map(|row| {
            (
                row[0].as_str().unwrap().to_string(),
                row[1].as_str().unwrap().to_string(),
            )
        }));
    }
    assert_eq!(docs.len(), 138);
    assert!(!site.join("assets/search/d-3.js").exists());
    let found = |token: &str| -> Vec<(String, String)> {
        tokens[token]
            .iter()
            .map(|r| docs[*r as usize].clone())
            .collect()
    };
    // An annotation, a team member's login and name, a clause number.
    assert_eq!(found("pay0001"), [("payments".into(), "Payments".into())]);
    assert_eq!(found("okafor").len(), 4, "{:?}", found("okafor"));
    assert!(found("okafor").contains(&("payments".into(), "Payments".into())));
    assert_eq!(
        found("8.5.1"),
        [(
            "change-management-policy".into(),
            "Change management policy".into()
        )]
    );
    assert_eq!(
        found("8.5.1.3"),
        [(
            "2026-h2-operations".into(),
            "Internal audit 2026 H2, service operation".into()
        )]
    );
}

#[test]
fn search_text_is_json_in_a_script_and_never_closes_it() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    write(
        repo.path(),
        &[(
            "services/shop.yaml",
            "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: shop\n  title: \"</script><script>alert('x')</script>\"\n  description: \"a \\\"quoted\\\" </svg> <b>bold</b>\"\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 1\n  sla: gold\n  cis: [web]\n",
        )],
    );
    let (_tmp, site) = build(repo.path(), TODAY);
    let d = search_json(
        &page(&site, "assets/search/d-0.js"),
        "ITSM_SEARCH_PART(\"d-0\",",
    );
    let shop = d
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[0] == "shop")
        .unwrap();
    assert_eq!(shop[1], "</script><script>alert('x')</script>");
    assert_eq!(shop[2], "a \"quoted\" </svg> <b>bold</b>");
    // The script builds the results as text, never as HTML.
    let js = page(&site, "assets/search.js");
    assert!(!js.contains("innerHTML") && !js.contains("insertAdjacentHTML"));
}

/// A repository of `n` Services (tiers 1 to 4), besides VALID.
fn many_services(n: usize) -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    let docs: Vec<String> = (0..n)
        .map(|i| format!("apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: s-{i:04}\n  title: Service {i}\nspec:\n  owner: ops\n  lifecycle: production\n  tier: {}\n  sla: gold\n", i % 4 + 1))
        .collect();
    write(repo.path(), &[("services/many.yaml", &docs.join("---\n"))]);
    repo
}

#[test]
fn long_lists_are_paged_and_list_every_record_once() {
    let repo = many_services(1100);
    let (_tmp, site) = build(repo.path(), TODAY);
    let names = |files: &[&str], marker: &str| -> Vec<String> {
        files
            .iter()
            .flat_map(|f| {
                let html = page(&site, f);
                html.split(marker)
                    .skip(1)
                    .map(|s| s.split('"').next().unwrap().to_string())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    for (files, marker) in [
        (
            ["catalogue.html", "catalogue-2.html", "catalogue-3.html"],
            "<td data-sort=\"",
        ),
        (
            [
                "service/index.html",
                "service/index-2.html",
                "service/index-3.html",
            ],
            "<td data-sort=\"",
        ),
    ] {
        let mut all = names(&files, marker);
        assert_eq!(all.len(), 1101, "{files:?}");
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 1101, "{files:?}: a record twice");
    }
    assert!(!site.join("catalogue-4.html").exists());
    let second = page(&site, "catalogue-2.html");
    assert!(second.contains("<nav class=\"pager\" aria-label=\"Pages of the catalogue\">Page 2 of 3: <a href=\"catalogue.html\">1</a> <a href=\"catalogue-2.html\" aria-current=\"page\">2</a> <a href=\"catalogue-3.html\">3</a></nav>"), "{}", &second[..3000]);
    assert!(second.contains("(filters and sorting apply to this page)"));
    let index = page(&site, "service/index-3.html");
    assert!(index.contains(
        "<a href=\"index-2.html\">2</a> <a href=\"index-3.html\" aria-current=\"page\">3</a>"
    ));
}

#[test]
fn kind_lists_have_the_columns_and_filters_of_their_kind() {
    let (_tmp, site) = build(&example(), TODAY);
    let incidents = page(&site, "incident/index.html");
    assert!(incidents.contains("<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Priority</th><th scope=\"col\">Status</th><th scope=\"col\">Services</th><th scope=\"col\">Started</th><th scope=\"col\">Impact</th></tr></thead>"), "{incidents}");
    assert!(incidents.contains("<select name=\"priority\" data-filter=\"priority\" aria-label=\"Priority\"><option value=\"\">Any priority</option><option>p1</option>"), "{incidents}");
    let cis = page(&site, "ci/index.html");
    assert!(cis.contains("<th scope=\"col\">Type</th><th scope=\"col\">Environment</th><th scope=\"col\">Lifecycle</th><th scope=\"col\">Supplier</th>"), "{cis}");
    let row = cis
        .split("<tr")
        .find(|r| r.contains("data-sort=\"Payments database (PostgreSQL), production\""))
        .unwrap();
    assert!(row.contains(" data-owner=\"Payments\""), "{row}");
    assert!(
        row.contains("<span class=\"badge production\">production</span>"),
        "{row}"
    );
    let changes = page(&site, "change/index.html");
    assert!(changes.contains("<th scope=\"col\">Type</th><th scope=\"col\">Status</th><th scope=\"col\">Risk</th><th scope=\"col\">Window start</th><th scope=\"col\">Impacts</th>"), "{changes}");
    let services = page(&site, "service/index.html");
    assert!(services.contains("<th scope=\"col\">Owner</th><th scope=\"col\">Tier</th><th scope=\"col\">Lifecycle</th><th scope=\"col\">Type</th><th scope=\"col\">SLA</th>"), "{services}");
    assert!(
        services.contains("<select name=\"label\" data-filter=\"label\" aria-label=\"Label\">"),
        "{services}"
    );
    for kind in [
        "risk",
        "audit",
        "objective",
        "improvement",
        "management-review",
        "request",
        "release",
        "customer",
        "framework",
    ] {
        let html = page(&site, &format!("{kind}/index.html"));
        assert!(
            html.contains("<table class=\"list sortable\" id=\"list\">"),
            "{kind}"
        );
    }
}

#[test]
fn out_defaults_to_the_config_and_rev_reads_git() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    write(
        repo.path(),
        &[(
            "itsm.yaml",
            "name: Test\nadmins: ops\ncab: ops\necab: ops\nsite: {out: public/catalogue}\n",
        )],
    );
    let g = git2::Repository::init(repo.path()).unwrap();
    common::commit_all(&g, "init");
    std::fs::remove_file(repo.path().join("cis/web.yaml")).unwrap();
    let o = itsm(repo.path(), &["build", "--today", TODAY, "--rev", "HEAD"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(repo.path().join("public/catalogue/ci/web.html").is_file());
}

// ---- nothing read or written through a link ----------------------------------

/// The site of VALID rendered in memory with `theme` as the theme folder.
fn render_with_theme(theme: &Path) -> anyhow::Result<Vec<itsm::site::File>> {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    let today = itsm::time::date(TODAY).unwrap();
    let checked = pipeline::check(
        repo.path(),
        &Source::WorkTree,
        itsm::checks::Options { today },
    )
    .unwrap();
    let options = Options {
        today,
        theme: Some(theme.to_path_buf()),
        live_reload: false,
        commit: None,
        evidence: Default::default(),
        github_url: itsm::github::DEFAULT_SERVER_URL.into(),
    };
    Ok(itsm::site::render(
        &checked.catalog,
        &checked.diagnostics,
        &options,
    )?)
}

#[cfg(unix)]
#[test]
fn the_theme_is_read_through_no_link() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        &[
            (
                "secret.html",
                "SECRET-TOKEN {% block content %}{% endblock %}",
            ),
            ("folder/secret.txt", "SECRET-TOKEN"),
        ],
    );
    let secret_file = outside.path().join("secret.html");
    let secret_folder = outside.path().join("folder");
    // Each way a link can sit in the theme: its file, its assets, the folder
    // itself, a folder on the way to an included template.
    type MakeLink<'a> = &'a dyn Fn(&Path);
    let cases: [(&str, MakeLink<'_>); 4] = [
        ("base.html", &|t| {
            symlink(&secret_file, t.join("base.html")).unwrap()
        }),
        ("assets", &|t| {
            symlink(&secret_folder, t.join("assets")).unwrap()
        }),
        ("theme", &|t| {
            std::fs::remove_dir(t).unwrap();
            symlink(&secret_folder, t).unwrap()
        }),
        ("parts", &|t| {
            symlink(outside.path(), t.join("parts")).unwrap();
            let include = "{% extends \"base.html\" %}{% block content %}{% include \"parts/secret.html\" %}{% endblock %}";
            std::fs::write(t.join("home.html"), include).unwrap();
        }),
    ];
    for (name, make) in cases {
        let repo = tempfile::tempdir().unwrap();
        write(repo.path(), VALID);
        let theme = repo.path().join("theme");
        std::fs::create_dir(&theme).unwrap();
        make(&theme);
        let rendered = render_with_theme(&theme);
        let error = format!(
            "{:#}",
            rendered.err().unwrap_or_else(|| panic!("{name}: rendered"))
        );
        assert!(error.contains("is a symbolic link"), "{name}: {error}");
        // And `itsm build` refuses the repository (the check reports the link).
        let out = repo.path().join("site");
        let o = itsm(repo.path(), &["build", "--today", TODAY]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{name}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(
            stdout(&o).contains("error[symlink]"),
            "{name}: {}",
            stdout(&o)
        );
        assert!(!out.exists(), "{name}: nothing written");
    }
}

#[cfg(unix)]
#[test]
fn an_output_folder_that_is_a_link_is_refused() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    let (_tmp, built) = build(repo.path(), TODAY);
    // --out names a link to a site built before: the link and that site stay.
    let link = built.parent().unwrap().join("published");
    std::os::unix::fs::symlink(&built, &link).unwrap();
    let o = itsm(repo.path(), &["build", "--out", link.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("is a symbolic link"), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(built.join("service/shop.html").is_file());
    // site.out below a link inside the repository (hidden, so not checked).
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), repo.path().join(".cache")).unwrap();
    write(
        repo.path(),
        &[(
            "itsm.yaml",
            "name: Test\nadmins: ops\ncab: ops\necab: ops\nsite: {out: .cache/site}\n",
        )],
    );
    let o = itsm(repo.path(), &["build", "--today", TODAY]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("is a symbolic link inside the repository"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn staging_folders_of_interrupted_builds_are_removed_unless_a_build_holds_them() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("site");
    let elsewhere = tempfile::tempdir().unwrap();
    write(elsewhere.path(), &[("keep.txt", "mine")]);
    write(
        parent.path(),
        &[
            (
                ".itsm-build-a1b2c3/service/shop.html",
                "left by a killed build",
            ),
            (".itsm-old-d4e5f6/site/index.html", "left by a killed build"),
            (".itsm-buildings/keep.txt", "not ours"),
        ],
    );
    // Not a folder of ours: a link named like one, and what it points to, stay.
    std::os::unix::fs::symlink(elsewhere.path(), parent.path().join(".itsm-build-link")).unwrap();
    let build_into = |out: &Path| {
        let o = itsm(
            repo.path(),
            &["build", "--today", TODAY, "--out", out.to_str().unwrap()],
        );
        assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    };
    build_into(&out);
    let mut left: Vec<String> = std::fs::read_dir(parent.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".itsm-build-link", ".itsm-buildings", "site"]);
    assert!(elsewhere.path().join("keep.txt").is_file());

    // A build that runs (it holds the folder's lock, shared) keeps its staging folder.
    write(
        parent.path(),
        &[(".itsm-build-running/index.html", "being written")],
    );
    let running = std::fs::File::open(parent.path()).unwrap();
    rustix::fs::flock(&running, rustix::fs::FlockOperation::LockShared).unwrap();
    build_into(&out);
    assert!(
        parent
            .path()
            .join(".itsm-build-running/index.html")
            .is_file()
    );
    drop(running);
    build_into(&out);
    assert!(!parent.path().join(".itsm-build-running").exists());
}

// ---- incremental rendering (`itsm serve`) ----------------------------------

/// Diagnostics, comparable.
fn debug(diags: &[Diagnostic]) -> Vec<String> {
    diags.iter().map(|d| format!("{d:?}")).collect()
}

/// Edits (file, new text or `None` to remove) applied one after the other.
fn edits(root: &Path) -> Vec<(&'static str, Option<String>)> {
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let identity = read("services/identity.yaml");
    let incident = read("incidents/inc-2026-1029-app-login-failures.md");
    let platform = read("services/cloud-platform.yaml");
    let new_service = identity
        .replace("name: identity", "name: identity-two")
        .replace("title: Customer Identity", "title: Identity Two");
    vec![
        // A title: every page that links to it.
        (
            "services/identity.yaml",
            Some(identity.replace("title: Customer Identity", "title: Customer Login")),
        ),
        // A dependency added, then removed.
        (
            "services/identity.yaml",
            Some(identity.replace("  tier: 1\n", "  tier: 1\n  dependsOn: [cloud-platform]\n")),
        ),
        ("services/identity.yaml", Some(identity.clone())),
        // A schema error, then the fix (the next edit writes the file whole).
        (
            "services/identity.yaml",
            Some(identity.replace("  tier: 1\n", "  tier: 9\n  colour: blue\n")),
        ),
        // Another owner.
        (
            "services/identity.yaml",
            Some(identity.replace("owner: team:security", "owner: team:platform")),
        ),
        // An outage longer: the availability of the Services.
        (
            "incidents/inc-2026-1029-app-login-failures.md",
            Some(incident.replace("08:16:00Z", "11:16:00Z")),
        ),
        // A broken save, then the fix.
        (
            "services/cloud-platform.yaml",
            Some(platform.replace("  tier: 1\n", "  tier: [1\n")),
        ),
        (
            "services/cloud-platform.yaml",
            Some(platform.replace("title: Cloud Platform", "title: The Cloud")),
        ),
        // A record added, then removed.
        ("services/identity-two.yaml", Some(new_service)),
        ("services/identity-two.yaml", None),
        // An incident added (a second document in a new file).
        (
            "incidents/inc-copy.md",
            Some(incident.replace("name: inc-2026-1029-app-login-failures", "name: inc-copy")),
        ),
        // Only the Markdown body.
        (
            "incidents/inc-copy.md",
            Some(
                incident
                    .replace("name: inc-2026-1029-app-login-failures", "name: inc-copy")
                    .replace("# Android sign-in", "# Android sign-in (copy)"),
            ),
        ),
    ]
}

#[test]
fn serve_renders_incrementally_what_a_full_render_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    common::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("example-repo"),
        &root,
    );
    let today = jiff::civil::date(2026, 11, 21);
    let check_options = itsm::checks::Options { today };
    let options = Options {
        today,
        theme: Some(root.join("theme")),
        live_reload: true,
        commit: None,
        evidence: Default::default(),
        github_url: itsm::github::DEFAULT_SERVER_URL.into(),
    };
    let mut cache = load::Cache::open(&root).unwrap();
    let first = pipeline::check_cached(&mut cache, check_options);
    let (mut site, rendered) =
        Site::render(first.catalog.clone(), &first.diagnostics, &options).unwrap();
    let total = rendered.pages;
    let mut files: HashMap<String, Vec<u8>> = rendered
        .files
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    let mut changed = HashSet::new();
    let mut partial = 0;
    let mut errors = 0;
    for (step, (path, text)) in edits(&root).into_iter().enumerate() {
        match text {
            Some(t) => std::fs::write(root.join(path), t).unwrap(),
            None => std::fs::remove_file(root.join(path)).unwrap(),
        }
        changed.extend(cache.reread(&[path.to_string()]));
        let checked = pipeline::check_cached(&mut cache, check_options);
        let fresh = pipeline::check(&root, &Source::WorkTree, check_options).unwrap();
        assert_eq!(
            debug(&checked.diagnostics),
            debug(&fresh.diagnostics),
            "step {step}: diagnostics"
        );
        if Counts::of(&checked.diagnostics).errors > 0 {
            assert!([3, 6].contains(&step), "step {step} has errors");
            errors += 1;
            continue;
        }
        let r = site
            .update(checked.catalog, &checked.diagnostics, &options, &changed)
            .unwrap();
        changed.clear();
        if r.full {
            files.clear();
        } else {
            assert!(r.pages < total, "step {step}: {} pages", r.pages);
            partial += 1;
        }
        files.extend(r.files.into_iter().map(|f| (f.path, f.bytes)));
        let full = itsm::site::render(&fresh.catalog, &fresh.diagnostics, &options).unwrap();
        let full: HashMap<String, Vec<u8>> = full.into_iter().map(|f| (f.path, f.bytes)).collect();
        let mut paths: Vec<&String> = full.keys().chain(files.keys()).collect();
        paths.sort();
        paths.dedup();
        for p in paths {
            assert!(
                files.get(p) == full.get(p),
                "step {step}: {p} differs from a full render"
            );
        }
    }
    assert!(partial >= 6, "{partial} partial renders");
    assert_eq!(errors, 2, "the schema error and the broken save");
}

/// A repository with lists longer than a page shows: 120 CIs in a chain under
/// one Service, all owned by one Team, so that lists are cut or say "and N more".
fn long_lists() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    let mut files = Vec::new();
    for i in 0..120 {
        let depends = if i + 1 < 120 {
            format!("\n  dependsOn: [c{:03}]", i + 1)
        } else {
            String::new()
        };
        files.push((
            format!("cis/c{i:03}.yaml"),
            format!("apiVersion: itsm/v1\nkind: CI\nmetadata:\n  name: c{i:03}\n  labels: {{zone: z{}}}\nspec:\n  owner: ops\n  type: server\n  environment: production{depends}\n", i % 3),
        ));
    }
    files.push((
        "services/hub.yaml".to_string(),
        "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: hub\n  description: Everything & more\nspec:\n  owner: ops\n  lifecycle: production\n  tier: 2\n  sla: gold\n  cis: [c000]\n  dependsOn: [shop]\n".to_string(),
    ));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    write(repo.path(), &files);
    repo
}

/// Record pages of the default theme are written without the template engine
/// (`site::native`). With the same templates copied into `theme/`, minijinja
/// renders them: every file of the site must come out the same.
#[test]
fn default_record_pages_are_what_their_templates_give() {
    let theme = tempfile::tempdir().unwrap();
    for (name, text) in itsm::site::theme::TEMPLATES {
        if ["base.html", "record.html"].contains(name) {
            std::fs::write(theme.path().join(name), text).unwrap();
        }
    }
    let long = long_lists();
    let today = jiff::civil::date(2026, 11, 21);
    for repo in [example(), fixture("hostile"), long.path().to_path_buf()] {
        let checked =
            pipeline::check(&repo, &Source::WorkTree, itsm::checks::Options { today }).unwrap();
        assert_eq!(Counts::of(&checked.diagnostics).errors, 0, "{repo:?}");
        for live_reload in [false, true] {
            let render = |theme: Option<PathBuf>| {
                let options = Options {
                    today,
                    theme,
                    live_reload,
                    commit: None,
                    evidence: Default::default(),
                    github_url: itsm::github::DEFAULT_SERVER_URL.into(),
                };
                itsm::site::render(&checked.catalog, &checked.diagnostics, &options).unwrap()
            };
            let native = render(None);
            let templated = render(Some(theme.path().to_path_buf()));
            assert_eq!(native.len(), templated.len());
            for (n, t) in native.iter().zip(&templated) {
                assert_eq!(n.path, t.path);
                assert!(
                    n.bytes == t.bytes,
                    "{repo:?} {}: the native page differs from record.html's:\n{}",
                    n.path,
                    first_difference(&n.bytes, &t.bytes)
                );
            }
        }
    }
}

/// Where two texts part, with some context.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let from = at.saturating_sub(200);
    let show = |t: &[u8]| String::from_utf8_lossy(&t[from..(at + 200).min(t.len())]).into_owned();
    format!("native:\n{}\n--- template:\n{}", show(a), show(b))
}

#[test]
fn management_system_page_shows_the_loop_at_a_glance() {
    let (_tmp, site) = build(&example(), TODAY);
    // Linked from the navigation of every page, record pages included.
    for rel in ["index.html", "risk/certificate-expiry.html"] {
        let root = if rel.contains('/') { "../" } else { "" };
        assert!(
            page(&site, rel).contains(&format!(
                "<a href=\"{root}management-system.html\">Management system</a>"
            )),
            "{rel}"
        );
    }
    let html = page(&site, "management-system.html");
    assert!(html.contains("<title>Management system · Northwind Outfitters IT services</title>"));
    assert!(section(&html, "Last internal audit").contains("<p><a href=\"audit/2026-h2-operations.html\">Internal audit 2026 H2, service operation</a> on 2026-10-07, <strong>45 days ago</strong> (one is due every 12mo).</p>"), "{html}");
    assert!(section(&html, "Last management review").contains("<p><a href=\"management-review/2026-h2.html\">Management review, autumn 2026</a> on 2026-10-21, <strong>31 days ago</strong> (one is due every 12mo).</p>"), "{html}");
    let open = section(&html, "Open findings and actions");
    assert!(open.contains("<li><a href=\"improvement/emergency-change-reviews.html\">improvement:emergency-change-reviews</a> Post-implementation reviews of emergency changes <span class=\"badge in-progress\">in-progress</span> <span class=\"meta\">corrective-action · due 2026-12-15</span></li>"), "{open}");
    assert!(
        open.contains("improvement/payments-failover-drill.html"),
        "{open}"
    );
    assert!(
        !open.contains("db-pool-alerting"),
        "verified: closed\n{open}"
    );
    assert!(section(&html, "Overdue actions").contains("<p class=\"none\">No action overdue.</p>"));
    let risks = section(&html, "Top risks");
    assert!(
        risks.contains("<p>3 risks, 1 above the appetite of 12.</p>"),
        "{risks}"
    );
    assert!(risks.contains("<tr class=\"above\"><td><a href=\"risk/payment-provider-outage.html\">risk:payment-provider-outage</a></td><td>Outage of the primary payment provider</td><td><span class=\"heat high\">15</span> <strong class=\"bad\">above appetite</strong></td><td>mitigate</td><td>open</td><td><a href=\"team/payments.html\">payments</a></td></tr>"), "{risks}");
    let objectives = section(&html, "Objectives");
    let off = &objectives[objectives.find("<h3>Off target</h3>").unwrap()
        ..objectives.find("<h3>On target</h3>").unwrap()];
    assert!(off.contains("<li><a href=\"objective/customer-satisfaction.html\">objective:customer-satisfaction</a> Store staff satisfied with IT support <span class=\"meta\">3.9 of 5 on 2026-09-30, target at-least 4.2 of 5</span></li>"), "{off}");
    assert!(!off.contains("p1-restore"), "{off}");
    assert!(
        objectives.contains("objective/p1-restore-within-4h.html"),
        "{objectives}"
    );
}

#[test]
fn management_system_page_shows_what_is_overdue() {
    let (_tmp, site) = build(&example(), "2027-11-01");
    let html = page(&site, "management-system.html");
    assert!(section(&html, "Last internal audit").contains("on 2026-10-07, <strong class=\"bad\">390 days ago</strong>: overdue (one is due every 12mo).</p>"), "{html}");
    assert!(section(&html, "Last management review").contains("on 2026-10-21, <strong class=\"bad\">376 days ago</strong>: overdue (one is due every 12mo).</p>"), "{html}");
    let overdue = section(&html, "Overdue actions");
    assert!(overdue.contains("<span class=\"meta\">corrective-action · due 2026-12-15</span> <strong class=\"bad\">321 days overdue</strong></li>"), "{overdue}");
    assert!(overdue.contains("<span class=\"meta\">improvement · due 2027-02-28</span> <strong class=\"bad\">246 days overdue</strong></li>"), "{overdue}");
    let actions = page(&site, "actions.html");
    assert!(actions.contains("<tr class=\"overdue\"><td><a href=\"improvement/emergency-change-reviews.html\">improvement:emergency-change-reviews</a></td>"), "{actions}");
    assert!(
        actions.contains(
            "<span class=\"badge in-progress\">in-progress</span> (321 days overdue)</td>"
        ),
        "{actions}"
    );
}

#[test]
fn registers_link_every_record_they_name() {
    let (_tmp, site) = build(&example(), TODAY);
    let actions = page(&site, "actions.html");
    assert!(actions.contains("3 items, 0 overdue."), "{actions}");
    // Overdue first, then open by due date, then closed.
    let order: Vec<usize> = [
        "emergency-change-reviews",
        "payments-failover-drill",
        "db-pool-alerting",
    ]
    .iter()
    .map(|n| {
        actions
            .find(&format!("<tr><td><a href=\"improvement/{n}.html\">"))
            .unwrap()
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{actions}");
    assert!(actions.contains("<td><a href=\"audit/2026-h2-operations.html#F1\">audit:2026-h2-operations#F1</a></td><td><a href=\"team/service-office.html\">service-office</a></td>"), "{actions}");
    assert!(actions.contains("<td><a href=\"problem/prb-payments-db-pool-exhaustion.html\">problem:prb-payments-db-pool-exhaustion</a>, <a href=\"incident/inc-2026-0917-checkout-payment-failures.html\">incident:inc-2026-0917-checkout-payment-failures</a></td>"), "{actions}");
    assert!(
        actions.contains("<td>2026-10-20</td><td>effective</td></tr>"),
        "{actions}"
    );

    let risks = page(&site, "risks.html");
    let heat = section(&risks, "Heat map");
    assert!(heat.contains("<thead><tr><th scope=\"col\">Likelihood \\ impact</th><th scope=\"col\">1</th><th scope=\"col\">2</th><th scope=\"col\">3</th><th scope=\"col\">4</th><th scope=\"col\">5</th></tr></thead>"), "{heat}");
    // Likelihood 3, impact 5: payment-provider-outage, above the appetite of 12.
    assert!(heat.contains("<tr><th scope=\"row\">3</th><td class=\"heat low empty\" title=\"score 3\">0<span class=\"meta\"> (score 3)</span></td><td class=\"heat medium empty\" title=\"score 6\">0<span class=\"meta\"> (score 6)</span></td><td class=\"heat medium empty\" title=\"score 9\">0<span class=\"meta\"> (score 9)</span></td><td class=\"heat high empty\" title=\"score 12\">0<span class=\"meta\"> (score 12)</span></td><td class=\"heat high above\" title=\"score 15\">1<span class=\"meta\"> (score 15, above appetite)</span></td></tr>"), "{heat}");
    assert_eq!(heat.matches(">1<span").count(), 3, "{heat}");
    assert!(risks.contains("<td><a href=\"team/fulfilment.html\">fulfilment</a></td><td><a href=\"service/warehouse-management.html\">service:warehouse-management</a></td><td>-</td><td>2027-05-14</td></tr>"), "{risks}");
    assert!(risks.contains("<tr class=\"above\"><td><a href=\"risk/payment-provider-outage.html\">risk:payment-provider-outage</a><div class=\"desc\">Outage of the primary payment provider</div></td><td><a href=\"team/payments.html\">payments</a></td><td><span class=\"heat high\">15</span> <span class=\"meta\">(3 x 5)</span> <strong class=\"bad\">above appetite</strong></td><td>mitigate</td><td>6</td><td>open</td><td>-</td>"), "{risks}");
    assert!(risks.contains("<td><a href=\"change/chg-keycloak-cert-chain.html\">change:chg-keycloak-cert-chain</a></td>"), "{risks}");

    let objectives = page(&site, "objectives.html");
    assert!(objectives.contains("<tr class=\"off-target\"><td><a href=\"objective/customer-satisfaction.html\">objective:customer-satisfaction</a></td><td>Store staff satisfied with IT support</td><td><a href=\"team/customer-care.html\">customer-care</a></td><td>satisfaction-score</td><td>at-least 4.2 of 5</td><td>3.9 of 5 <span class=\"meta\">on 2026-09-30</span></td><td>down <span class=\"meta\">(was 4)</span></td><td><strong class=\"bad\">no</strong></td><td>2027-06-30</td><td>at-risk</td></tr>"), "{objectives}");
    assert!(objectives.contains("<td>3.6 hours <span class=\"meta\">on 2026-10-31</span></td><td>down <span class=\"meta\">(was 4.4)</span></td><td><span class=\"ok\">yes</span></td>"), "{objectives}");
}

#[test]
fn findings_link_to_their_improvements_and_back() {
    let (_tmp, site) = build(&example(), TODAY);
    let audit = page(&site, "audit/2026-h2-operations.html");
    assert_eq!(
        fact(&audit, "Findings"),
        "<ul class=\"findings\"><li id=\"F1\"><strong>F1</strong> <span class=\"badge minor\">minor</span> on <code>8.5.1.3</code>: An emergency change was implemented without the post-implementation review the change management policy requires within 14 days.<br>records: <a href=\"../change/chg-payments-pool-limit-hotfix.html\">Emergency: cap payments-api connection pool and scale the database</a><br>addressed by: <a href=\"../improvement/emergency-change-reviews.html\">Post-implementation reviews of emergency changes</a></li><li id=\"F2\"><strong>F2</strong> <span class=\"badge observation\">observation</span> on <code>8.6.1</code>: Incident timelines are thorough; priorities are set consistently with the SLA definitions.</li></ul>"
    );
    let improvement = page(&site, "improvement/emergency-change-reviews.html");
    assert_eq!(
        fact(&improvement, "Source"),
        "<a href=\"../audit/2026-h2-operations.html#F1\">Internal audit 2026 H2, service operation (F1)</a>"
    );
}

#[test]
fn management_system_pages_escape_and_exist_only_with_its_records() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    let (_tmp, site) = build(repo.path(), TODAY);
    for rel in [
        "management-system.html",
        "actions.html",
        "risks.html",
        "objectives.html",
    ] {
        assert!(!site.join(rel).exists(), "{rel}");
    }
    assert!(!page(&site, "index.html").contains("management-system.html"));
    write(
        repo.path(),
        &[
            (
                "risks/evil.yaml",
                "apiVersion: itsm/v1\nkind: Risk\nmetadata:\n  name: evil\n  title: \"<script>alert('risk')</script>\"\nspec:\n  owner: ops\n  likelihood: 5\n  impact: 5\n  treatment: mitigate\n  actions: [\"improvement:fix\"]\n  status: open\n",
            ),
            (
                "improvements/fix.yaml",
                "apiVersion: itsm/v1\nkind: Improvement\nmetadata:\n  name: fix\n  title: \"Fix <img src=x onerror=alert(1)>\"\nspec:\n  owner: ops\n  type: corrective-action\n  source: [\"risk:evil\"]\n  status: open\n  due: 2026-12-31\n",
            ),
        ],
    );
    let (_tmp, site) = build(repo.path(), TODAY);
    let html = page(&site, "management-system.html");
    assert!(
        html.contains("<td>&lt;script&gt;alert(&#39;risk&#39;)&lt;/script&gt;</td>"),
        "{html}"
    );
    assert!(
        html.contains("Fix &lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(
        section(&html, "Last internal audit")
            .contains("<p class=\"none\">No internal audit done yet.</p>")
    );
    for rel in [
        "management-system.html",
        "actions.html",
        "risks.html",
        "objectives.html",
    ] {
        let text = page(&site, rel);
        assert!(!text.contains("<script>alert"), "{rel}");
        assert!(!text.contains("<img src=x"), "{rel}");
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "{rel}: no external resource"
        );
    }
}

/// The `<td>` of the calendar's day `date` in `html`.
fn calendar_day<'a>(html: &'a str, date: &str) -> &'a str {
    let at = html
        .find(&format!(" data-date=\"{date}\">"))
        .unwrap_or_else(|| panic!("no day {date}"));
    let start = html[..at].rfind("<td").unwrap();
    let end = html[at..].find("</td>").unwrap() + at;
    &html[start..end]
}

#[test]
fn change_calendar_shows_changes_releases_freezes_and_conflicts() {
    let (_tmp, site) = build(&example(), TODAY);
    let html = page(&site, "changes.html");
    assert!(html.contains("<link rel=\"alternate\" type=\"text/calendar\" title=\"Change calendar\" href=\"changes.ics\">"));
    assert!(html.contains("<a href=\"changes.ics\">Subscribe (iCalendar)</a>"));
    // This month and the months with something scheduled or frozen, in order.
    let months: Vec<&str> = html
        .match_indices("<section class=\"cal-month\" id=\"m-")
        .map(|(i, m)| &html[i + m.len()..i + m.len() + 7])
        .collect();
    assert_eq!(months, ["2026-11", "2026-12", "2027-01", "2027-04"]);
    assert!(html.contains("<p class=\"cal-nav\"><a href=\"#m-2026-12\" rel=\"prev\">&larr; previous month</a> <a href=\"#m-2027-04\" rel=\"next\">next month &rarr;</a></p>"), "{html}");
    // A Change and a Release on one day, each a link with its status.
    assert_eq!(
        calendar_day(&html, "2026-11-05"),
        "<td class=\"cal-day\" data-date=\"2026-11-05\"><span class=\"cal-date\">5</span><ul><li class=\"cal-entry change implemented\"><a href=\"change/chg-search-synonyms-winter.html\" title=\"change:chg-search-synonyms-winter\">Winter synonym set for product search</a> <span class=\"cal-status\">change, implemented</span></li><li class=\"cal-entry release deployed\"><a href=\"release/storefront-2026-11-2.html\" title=\"release:storefront-2026-11-2\">Storefront 2026.11.2 (winter search)</a> <span class=\"cal-status\">release, deployed</span></li></ul>"
    );
    // The Black Friday freeze: its first day says why and until when, the
    // next days are shaded; the Change scheduled in it is there.
    assert!(calendar_day(&html, "2026-11-23").contains("<span class=\"cal-freeze\">Freeze: Black Friday and Cyber Monday peak <span class=\"cal-until\">(to 2026-11-30)</span></span>"));
    let frozen = calendar_day(&html, "2026-11-24");
    assert!(
        frozen.starts_with("<td class=\"cal-day frozen cont\""),
        "{frozen}"
    );
    assert!(frozen.contains("<li class=\"cal-entry change scheduled\"><a href=\"change/chg-storefront-web-2026-47.html\""), "{frozen}");
    assert!(calendar_day(&html, "2027-01-04").contains("(to 2027-01-04 06:00 UTC)"));
    assert!(!calendar_day(&html, "2027-01-05").contains("frozen"));
    // The scanner firmware Change and the WMS Release overlap on Warehouse Management.
    let both = calendar_day(&html, "2027-01-11");
    assert!(both.contains("<li class=\"cal-entry change conflict proposed\"><a href=\"change/chg-scanner-wifi-firmware.html\""), "{both}");
    assert!(
        both.contains(
            "<li class=\"cal-entry release conflict planned\"><a href=\"release/wms-2027-01.html\""
        ),
        "{both}"
    );
    assert!(!calendar_day(&html, "2027-01-12").contains("conflict"));
    let conflicts = &html[html.find("<section class=\"cal-conflicts\"").unwrap()..];
    let conflicts = &conflicts[..conflicts.find("</section>").unwrap()];
    assert_eq!(conflicts.matches("<li>").count(), 1, "{conflicts}");
    assert!(conflicts.contains("<li><a href=\"change/chg-scanner-wifi-firmware.html\">Scanner Wi-Fi roaming fix (controller and scanner firmware)</a> <span class=\"meta\">(2027-01-10 21:00 to 2027-01-11 03:00 UTC)</span> and <a href=\"release/wms-2027-01.html\">Warehouse management, January 2027</a> <span class=\"meta\">(2027-01-11 02:00 to 04:00 UTC)</span> both touch <a href=\"service/warehouse-management.html\">Warehouse Management (Tilburg)</a></li>"), "{conflicts}");
    // The matrix and the register stay.
    assert!(section(&html, "Change register").contains("<h3>Recent changes</h3>"));
}

/// Unescapes an iCalendar TEXT value.
fn ics_text(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            },
            (c, false) => out.push(c),
        }
    }
    out
}

/// The events of an iCalendar feed, read by a real parser, as their properties.
fn ics_events(feed: &str) -> Vec<HashMap<String, String>> {
    for line in feed.split_terminator("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
        assert!(!line.contains(['\r', '\n']), "bare line break in {line:?}");
    }
    assert!(feed.ends_with("END:VCALENDAR\r\n"));
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(feed.as_bytes()));
    let calendar = calendars.next().expect("a calendar").expect("it parses");
    assert!(calendars.next().is_none());
    let head: HashMap<String, String> = calendar
        .properties
        .iter()
        .map(|p| (p.name.clone(), p.value.clone().unwrap_or_default()))
        .collect();
    assert_eq!(head["VERSION"], "2.0");
    assert_eq!(head["PRODID"], "-//itsm//change calendar//EN");
    calendar
        .events
        .iter()
        .map(|e| {
            e.properties
                .iter()
                .map(|p| (p.name.clone(), p.value.clone().unwrap_or_default()))
                .collect()
        })
        .collect()
}

#[test]
fn change_feed_is_icalendar_a_parser_reads() {
    let (_tmp, site) = build(&example(), TODAY);
    let events = ics_events(&page(&site, "changes.ics"));
    // Windows that end from October on (12 Changes and Releases, the
    // rolled-back search Release among them) and the two freezes.
    assert_eq!(events.len(), 14);
    let storefront = events
        .iter()
        .find(|e| e["UID"] == "change:chg-storefront-web-2026-47@northwind.itsm")
        .expect("the storefront change");
    assert_eq!(storefront["DTSTART"], "20261124T080000Z");
    assert_eq!(storefront["DTEND"], "20261124T100000Z");
    assert_eq!(storefront["STATUS"], "CONFIRMED");
    assert_eq!(storefront["URL"], "/change/chg-storefront-web-2026-47.html");
    assert_eq!(
        ics_text(&storefront["SUMMARY"]),
        "Change: storefront-web release 2026.47 (defect fixes only)"
    );
    let wms = events
        .iter()
        .find(|e| e["UID"] == "release:wms-2027-01@northwind.itsm")
        .unwrap();
    assert_eq!(wms["STATUS"], "TENTATIVE");
    assert_eq!(
        ics_text(&wms["DESCRIPTION"]),
        "release:wms-2027-01 (planned)\nTouches: service:warehouse-management"
    );
    let freeze = events
        .iter()
        .find(|e| e["UID"] == "freeze-2@northwind.itsm")
        .unwrap();
    assert_eq!(freeze["DTSTART"], "20261219T000000Z");
    assert_eq!(freeze["DTEND"], "20270104T060000Z");
}

#[test]
fn calendar_and_feed_escape_hostile_titles_and_reasons() {
    let evil = r#"</svg><script>alert(1)</script> \"q\", a;b\\c\r\nBEGIN:VEVENT\nEND:VCALENDAR"#;
    let long = format!("{}{}", "é".repeat(100), "x".repeat(100));
    let change = |name: &str, title: &str, start: &str| {
        format!(
            "apiVersion: itsm/v1\nkind: Change\nmetadata:\n  name: {name}\n  title: \"{title}\"\nspec:\n  type: normal\n  risk: low\n  impacts: [service:shop]\n  requestedBy: octocat\n  backout: Revert.\n  status: scheduled\n  window: {{start: \"{start}\", end: \"2026-12-02T04:00:00Z\"}}\n"
        )
    };
    let repo = common::valid_repo(&[
        (
            "changes/evil.yaml",
            &change("evil", evil, "2026-12-01T22:00:00Z"),
        ),
        (
            "changes/long.yaml",
            &change("long", &long, "2026-12-02T01:00:00Z"),
        ),
    ]);
    std::fs::write(
        repo.path().join("itsm.yaml"),
        "name: \"T, <b>;</b>\"\nadmins: ops\ncab: ops\necab: ops\nfreezes:\n  - {start: 2026-12-24, end: 2026-12-26, reason: \"</svg><script>alert(2)</script>; a, b\"}\n",
    )
    .unwrap();
    let (_tmp, site) = build(repo.path(), TODAY);
    let html = page(&site, "changes.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains(
            "&lt;&#x2f;svg&gt;&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &quot;q&quot;, a;b\\c"
        ) || html
            .contains("&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot;, a;b\\c"),
        "{html}"
    );
    assert!(html.contains("alert(2)&lt;"), "{html}");
    assert_eq!(
        html.matches("<li class=\"cal-entry change conflict scheduled\">")
            .count(),
        3,
        "{html}"
    );
    let events = ics_events(&page(&site, "changes.ics"));
    assert_eq!(events.len(), 3);
    let summaries: Vec<String> = events.iter().map(|e| ics_text(&e["SUMMARY"])).collect();
    let evil_title = "</svg><script>alert(1)</script> \"q\", a;b\\c\nBEGIN:VEVENT\nEND:VCALENDAR";
    assert_eq!(
        summaries,
        [
            format!("Change: {evil_title}"),
            format!("Change: {long}"),
            "Change freeze: </svg><script>alert(2)</script>; a, b".to_string(),
        ]
    );
}
