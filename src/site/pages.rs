//! What each page shows, computed from the catalogue, then rendered with the
//! theme. Every string from a record reaches the templates as plain text (they
//! escape it); only HTML built here (escaped) or by [`markdown`] is marked safe.

use super::graph_svg::{self, Node};
use super::theme::Theme;
use super::view::{Availability, ExternalLink, Fact, Item, Link, RECORD_ROOT, RecordView, Section};
use super::{File, Options, markdown, native, page_path, search};
use crate::diag::{Diagnostic, Severity};
use crate::html::esc;
use crate::link::{Catalog, Ix};
use crate::model::{Field, Kind, Record, Reference};
use crate::time::{Duration, date, instant};
use crate::value::Value;
use anyhow::Result;
use jiff::civil::Date;
use minijinja::Value as V;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Records per page of a kind's list.
const PER_PAGE: usize = 500;
/// Entries of a transitive list before it is cut ("and N more").
const LIST_LIMIT: usize = 100;
/// Nodes of a Service's graph.
const GRAPH_LIMIT: usize = 80;
/// Nodes of the whole-catalogue graph.
const WHOLE_GRAPH_LIMIT: usize = 400;

/// Renders every page and asset, handing each file to `sink` as soon as it is
/// ready (pages render in parallel); returns how many files there were.
pub fn render(
    catalog: &Catalog,
    diagnostics: &[Diagnostic],
    options: &Options,
    theme: &Theme,
    sink: &(dyn Fn(File) -> Result<()> + Sync),
) -> Result<usize> {
    let sla = sla_rows(catalog, options.today);
    let (n, _) = render_some(catalog, diagnostics, options, theme, &sla, None, sink)?;
    Ok(n)
}

/// Availability per Service name over its SLA's current window, as `itsm report sla`.
pub(super) type SlaRows = std::collections::HashMap<String, crate::report::sla::ServiceSla>;

pub(super) fn sla_rows(catalog: &Catalog, today: Date) -> SlaRows {
    crate::report::sla::compute(catalog, None, today)
        .services
        .into_iter()
        .map(|s| (s.service.clone(), s))
        .collect()
}

/// What to render of a site whose other pages are known (for `itsm serve`).
pub(super) struct Only<'a> {
    /// The records whose pages are rendered.
    pub records: &'a [Ix],
    /// The pages of the kind lists rendered (by path); all when `None`.
    pub lists: Option<&'a HashSet<String>>,
    /// The search index, when already known.
    pub search: Option<String>,
}

/// The records each rendered page read: record pages by record, list pages by path.
#[derive(Default)]
pub(super) struct Reads {
    pub records: Vec<(Ix, Vec<Ix>)>,
    pub lists: Vec<(String, Vec<Ix>)>,
}

/// Renders the pages of `only` (every page when `None`) and every other page
/// and asset. With `only`, also returns for each record page and list page the
/// records it read (itself, its neighbours, what it links to: every record
/// whose content or links the page shows), to know which pages a change touches.
pub(super) fn render_some(
    catalog: &Catalog,
    diagnostics: &[Diagnostic],
    options: &Options,
    theme: &Theme,
    sla: &SlaRows,
    only: Option<Only<'_>>,
    sink: &(dyn Fn(File) -> Result<()> + Sync),
) -> Result<(usize, Reads)> {
    let links: Vec<OnceLock<Link>> = (0..catalog.repo.records.len())
        .map(|_| OnceLock::new())
        .collect();
    let site = V::from_serialize(site_info(catalog, options.today));
    let cx = Cx {
        catalog: Tracked(catalog),
        today: options.today,
        sla,
        theme,
        layout: native::Layout::new(theme, &site)?,
        site,
        links: &links,
    };
    let track = only.is_some();
    let (only, lists, search_index) = match only {
        Some(o) => (Some(o.records), o.lists, o.search),
        None => (None, None, None),
    };
    let page = |i: Ix| -> Result<Option<PageReads>> {
        if catalog.record(i).id.name.is_empty() {
            return Ok(None);
        }
        if !track {
            sink(cx.record_page(i)?)?;
            return Ok(None);
        }
        let (file, reads) = tracked(|| cx.record_page(i));
        sink(file?)?;
        Ok(Some((i, reads)))
    };
    let record_pages = || -> Result<Vec<Option<PageReads>>> {
        match only {
            None => (0..catalog.repo.records.len() as Ix)
                .into_par_iter()
                .map(page)
                .collect(),
            Some(ixs) => ixs.par_iter().map(|i| page(*i)).collect(),
        }
    };
    // The other pages render beside the record pages (some are large: the
    // catalogue, the search index).
    let (pages, (singles, lists)) = rayon::join(record_pages, || {
        rayon::join(
            || cx.other_pages(diagnostics, search_index),
            || cx.kind_lists(track, lists),
        )
    });
    let pages = pages?;
    let records = if track {
        pages.iter().flatten().count()
    } else {
        catalog
            .repo
            .records
            .iter()
            .filter(|r| !r.id.name.is_empty())
            .count()
    };
    let mut n = records;
    for f in singles? {
        sink(f)?;
        n += 1;
    }
    let mut list_reads = Vec::new();
    for (f, reads) in lists? {
        if track {
            list_reads.push((f.path.clone(), reads));
        }
        sink(f)?;
        n += 1;
    }
    Ok((
        n,
        Reads {
            records: pages.into_iter().flatten().collect(),
            lists: list_reads,
        },
    ))
}

/// A record page and the records it read.
type PageReads = (Ix, Vec<Ix>);

/// Runs `f` noting the records it reads (on this thread), sorted and without repeats.
fn tracked<T>(f: impl FnOnce() -> T) -> (T, Vec<Ix>) {
    READS.with(|r| *r.borrow_mut() = Some(Vec::new()));
    let out = f();
    let mut reads = READS.with(|r| r.borrow_mut().take()).unwrap_or_default();
    reads.sort_unstable();
    reads.dedup();
    (out, reads)
}

thread_local! {
    /// The records read by the record page being rendered on this thread, when tracked.
    static READS: std::cell::RefCell<Option<Vec<Ix>>> = const { std::cell::RefCell::new(None) };
}

fn note(ix: Ix) {
    READS.with(|r| {
        if let Some(v) = r.borrow_mut().as_mut() {
            v.push(ix);
        }
    });
}

/// The catalogue as the pages see it: every record looked at, and every record
/// whose links are followed, is noted (when a page is tracked).
#[derive(Clone, Copy)]
struct Tracked<'a>(&'a Catalog);

impl std::ops::Deref for Tracked<'_> {
    type Target = Catalog;
    fn deref(&self) -> &Catalog {
        self.0
    }
}

impl<'a> Tracked<'a> {
    fn record(self, ix: Ix) -> &'a Record {
        note(ix);
        self.0.record(ix)
    }

    fn targets(self, from: Ix, field: Field) -> impl Iterator<Item = Ix> + 'a {
        note(from);
        self.0.targets(from, field)
    }

    fn sources(self, to: Ix, field: Field) -> impl Iterator<Item = Ix> + 'a {
        note(to);
        self.0.sources(to, field)
    }

    fn find(self, kind: Kind, name: &str) -> Option<Ix> {
        let found = self.0.find(kind, name);
        if let Some(ix) = found {
            note(ix);
        }
        found
    }

    fn resolve(self, text: &str, accepts: &[Kind]) -> Result<Ix, crate::link::RefError> {
        let found = self.0.resolve(text, accepts);
        if let Ok(ix) = found {
            note(ix);
        }
        found
    }

    /// The links into `ix`.
    fn inc(self, ix: Ix) -> &'a [crate::link::Link] {
        note(ix);
        &self.0.inc[ix as usize]
    }

    /// The links out of `ix`.
    fn out(self, ix: Ix) -> &'a [crate::link::Link] {
        note(ix);
        &self.0.out[ix as usize]
    }
}

struct Cx<'a> {
    catalog: Tracked<'a>,
    today: Date,
    /// Availability per Service name over its SLA's current window, as `itsm report sla`.
    sla: &'a SlaRows,
    theme: &'a Theme,
    /// What every page shows of the site (built once, shared by every page).
    site: V,
    /// The default layout around record pages, when the theme keeps it.
    layout: Option<native::Layout>,
    /// The link to each record, made the first time a page shows it: a record
    /// is linked from many pages.
    links: &'a [OnceLock<Link>],
}

#[derive(Serialize, Clone)]
struct SiteInfo {
    name: String,
    today: String,
    github: Option<String>,
    kinds: Vec<KindInfo>,
}

#[derive(Serialize, Clone)]
struct KindInfo {
    id: &'static str,
    name: &'static str,
    plural: &'static str,
    path: String,
    count: usize,
}

fn site_info(catalog: &Catalog, today: Date) -> SiteInfo {
    let mut counts = [0usize; Kind::ALL.len()];
    for r in &catalog.repo.records {
        counts[r.id.kind.index()] += 1;
    }
    SiteInfo {
        name: catalog.repo.config.name.clone(),
        today: today.to_string(),
        github: catalog.repo.config.github.clone(),
        kinds: Kind::ALL
            .iter()
            .map(|k| KindInfo {
                id: k.id(),
                name: k.name(),
                plural: plural(*k),
                path: format!("{}/index.html", k.id()),
                count: counts[k.index()],
            })
            .collect(),
    }
}

fn plural(k: Kind) -> &'static str {
    match k {
        Kind::Team => "Teams",
        Kind::Service => "Services",
        Kind::Sla => "SLAs",
        Kind::Ci => "CIs",
        Kind::Supplier => "Suppliers",
        Kind::Policy => "Policies",
        Kind::StandardChange => "Standard changes",
        Kind::Change => "Changes",
        Kind::Incident => "Incidents",
        Kind::Problem => "Problems",
    }
}

impl<'a> Cx<'a> {
    /// Every page and asset other than the record pages and the kind lists,
    /// each rendered on its own (in parallel). `search_index` is the index when
    /// already known.
    fn other_pages(
        &self,
        diagnostics: &[Diagnostic],
        search_index: Option<String>,
    ) -> Result<Vec<File>> {
        type Job<'j> = Box<dyn FnOnce() -> Result<Vec<File>> + Send + 'j>;
        let catalog = self.catalog.0;
        let jobs: Vec<Job<'_>> = vec![
            Box::new(|| Ok(vec![self.home(diagnostics)?])),
            Box::new(|| Ok(vec![self.catalogue()?])),
            Box::new(|| Ok(vec![self.changes()?])),
            Box::new(|| Ok(vec![self.coverage(diagnostics)?])),
            Box::new(|| Ok(vec![self.whole_graph()?])),
            Box::new(|| Ok(vec![self.search_page()?])),
            Box::new(|| self.theme.assets()),
            Box::new(move || {
                Ok(vec![File {
                    path: "assets/search-index.js".into(),
                    bytes: search_index
                        .unwrap_or_else(|| search::index(catalog))
                        .into_bytes(),
                }])
            }),
        ];
        let files: Vec<Vec<File>> = jobs
            .into_par_iter()
            .map(|job| job())
            .collect::<Result<_>>()?;
        Ok(files.into_iter().flatten().collect())
    }

    /// The link to record `ix`, made once per render.
    fn link(&self, ix: Ix) -> &'a Link {
        let r = self.catalog.record(ix);
        let links: &'a [OnceLock<Link>] = self.links;
        links[ix as usize].get_or_init(|| Link {
            path: page_path(&r.id).into(),
            title: r.title().into(),
            id: r.id.to_string().into(),
            kind: r.id.kind.name(),
        })
    }

    fn page(&self, path: String, template: &str, title: &str, extra: V) -> Result<File> {
        let depth = path.matches('/').count();
        let ctx = minijinja::context! {
            site => self.site.clone(),
            root => "../".repeat(depth),
            title => title,
            path => &path,
            ..extra
        };
        let html = self.theme.render(template, ctx)?;
        Ok(File {
            path,
            bytes: html.into_bytes(),
        })
    }

    // ---- record pages -------------------------------------------------------

    fn record_page(&self, ix: Ix) -> Result<File> {
        let r = self.catalog.record(ix);
        let prefix = RECORD_ROOT;
        let mut sections = match r.id.kind {
            Kind::Service => self.service_sections(ix),
            Kind::Ci => self.ci_sections(ix),
            _ => Vec::new(),
        };
        sections.extend(self.incoming_sections(ix));
        let graph = match r.id.kind {
            Kind::Service => self.service_graph(ix, prefix),
            _ => String::new(),
        };
        let body = r
            .body()
            .map(|b| self.markdown(b, prefix))
            .unwrap_or_default();
        let file = &self.catalog.repo.files.get(r.file).path;
        let view = RecordView {
            id: r.id.to_string(),
            kind: r.id.kind.name(),
            kind_id: r.id.kind.id(),
            kind_plural: plural(r.id.kind),
            name: &r.id.name,
            title: r.title(),
            description: r.str("/metadata/description"),
            labels: string_map(r.get("/metadata/labels")),
            annotations: string_map(r.get("/metadata/annotations")),
            links: links(r),
            facts: self.facts(r, prefix),
            sections,
            body_html: V::from_safe_string(body),
            graph_svg: V::from_safe_string(graph),
            availability: self.availability(ix),
            source: file,
            edit_url: self
                .catalog
                .repo
                .config
                .github
                .as_ref()
                .map(|g| format!("https://github.com/{g}/blob/HEAD/{file}")),
        };
        let path = page_path(&r.id);
        if let Some(layout) = &self.layout {
            return Ok(File {
                path,
                bytes: layout.record_page(&view).into_bytes(),
            });
        }
        let extra = minijinja::context! { record => V::from_serialize(&view) };
        self.page(path, "record.html", r.title(), extra)
    }

    fn markdown(&self, text: &str, prefix: &str) -> String {
        markdown::render(text, &|kind, name| {
            self.catalog
                .find(kind, name)
                .map(|ix| format!("{prefix}{}", page_path(&self.catalog.record(ix).id)))
        })
    }

    /// The spec fields in document order; references as links, Markdown rendered.
    fn facts(&self, r: &Record, prefix: &str) -> Vec<Fact> {
        let Some(spec) = r.get("/spec").and_then(Value::as_map) else {
            return Vec::new();
        };
        spec.iter()
            .filter(|(k, _)| &**k != "body" && &**k != "rules")
            .map(|(k, v)| {
                let html = if MARKDOWN_FIELDS.contains(&&**k) {
                    match v.as_str() {
                        Some(s) => self.markdown(s, prefix),
                        None => self.value_html(r, k, v, prefix),
                    }
                } else {
                    self.value_html(r, k, v, prefix)
                };
                Fact {
                    label: label(k),
                    html: V::from_safe_string(html),
                }
            })
            .chain(self.rules_fact(r))
            .collect()
    }

    fn rules_fact(&self, r: &Record) -> Option<Fact> {
        let rules = r.get("/spec/rules")?.as_seq()?;
        let mut html = String::from("<ul class=\"rules\">");
        for rule in rules {
            let s = |k: &str| rule.get(k).and_then(Value::as_str).unwrap_or("");
            html.push_str(&format!(
                "<li><code>{}</code> ({} on {}): {}",
                esc(s("id")),
                esc(s("severity")),
                esc(s("kind")),
                esc(s("message"))
            ));
            if !s("when").is_empty() {
                html.push_str(&format!("<br>when <code>{}</code>", esc(s("when"))));
            }
            if !s("assert").is_empty() {
                html.push_str(&format!("<br>assert <code>{}</code>", esc(s("assert"))));
            }
            html.push_str("</li>");
        }
        html.push_str("</ul>");
        Some(Fact {
            label: "Rules".into(),
            html: V::from_safe_string(html),
        })
    }

    fn value_html(&self, r: &Record, key: &str, v: &Value, prefix: &str) -> String {
        let accepts =
            r.id.kind
                .ref_fields()
                .iter()
                .find(|f| f.path.len() == 2 && f.path[1] == key)
                .map(|f| f.accepts);
        let reference = |s: &str| -> String {
            match accepts.and_then(|a| self.catalog.resolve(s, a).ok()) {
                Some(ix) => {
                    let l = self.link(ix);
                    format!(
                        "<a href=\"{}{}\">{}</a>",
                        esc(prefix),
                        esc(&l.path),
                        esc(&l.title)
                    )
                }
                None => esc(s),
            }
        };
        match v {
            Value::Str(s) => reference(s),
            Value::Seq(items) => items
                .iter()
                .map(|i| match i.as_str() {
                    Some(s) => reference(s),
                    None => plain(i),
                })
                .collect::<Vec<_>>()
                .join(", "),
            Value::Map(entries) => {
                let mut html = String::from("<dl class=\"sub\">");
                for (k, v) in entries.iter() {
                    let inner = if key == "review" && &**k == "notes" {
                        v.as_str()
                            .map_or_else(|| plain(v), |s| self.markdown(s, prefix))
                    } else {
                        plain(v)
                    };
                    html.push_str(&format!("<dt>{}</dt><dd>{inner}</dd>", esc(&label(k))));
                }
                html.push_str("</dl>");
                html
            }
            other => plain(other),
        }
    }

    /// Records that refer to this one, grouped by what they say about it.
    fn incoming_sections(&self, ix: Ix) -> Vec<Section<'a>> {
        let kind = self.catalog.record(ix).id.kind;
        let mut groups: Vec<((Kind, Field), Vec<Ix>)> = Vec::new();
        for l in self.catalog.inc(ix) {
            let from_kind = self.catalog.record(l.from).id.kind;
            if handled(kind, from_kind, l.field) {
                continue;
            }
            let key = (from_kind, l.field);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => {
                    if !v.contains(&l.from) {
                        v.push(l.from)
                    }
                }
                None => groups.push((key, vec![l.from])),
            }
        }
        groups
            .into_iter()
            .map(|((from_kind, field), ixs)| {
                self.section(incoming_title(from_kind, field), ixs, |_| String::new())
            })
            .collect()
    }

    fn section(&self, title: String, mut ixs: Vec<Ix>, note: impl Fn(Ix) -> String) -> Section<'a> {
        ixs.sort_by(|a, b| {
            self.catalog
                .record(*a)
                .id
                .name
                .cmp(&self.catalog.record(*b).id.name)
        });
        let more = ixs.len().saturating_sub(LIST_LIMIT);
        ixs.truncate(LIST_LIMIT);
        Section {
            title,
            items: ixs
                .into_iter()
                .map(|i| Item {
                    link: self.link(i),
                    note: note(i),
                })
                .collect(),
            more,
            cut: false,
        }
    }

    /// A section listing records reached transitively, marked when the walk stopped early.
    fn reached(
        &self,
        title: &str,
        found: &[(Ix, Option<Ix>)],
        note: impl Fn(Ix) -> String,
    ) -> Section<'a> {
        let mut s = self.section(title.into(), found.iter().map(|(i, _)| *i).collect(), note);
        if found.len() > LIST_LIMIT {
            s.cut = true;
            s.more = 0;
        }
        s
    }

    fn service_sections(&self, ix: Ix) -> Vec<Section<'a>> {
        let c = self.catalog;
        let deps = reach(ix, |v| c.targets(v, Field::DependsOn).collect());
        let dependents = reach(ix, |v| {
            c.sources(v, Field::DependsOn)
                .filter(|s| c.record(*s).id.kind == Kind::Service)
                .collect()
        });
        let cis: Vec<Ix> = c.targets(ix, Field::Cis).collect();
        let under = reach_from(&cis, |v| c.targets(v, Field::DependsOn).collect());
        let suppliers: Vec<Ix> = c.targets(ix, Field::Suppliers).collect();
        let mut changes: Vec<Ix> = c.sources(ix, Field::Impacts).collect();
        for ci in &cis {
            changes.extend(c.sources(*ci, Field::Impacts));
        }
        dedup(&mut changes);
        let incidents: Vec<Ix> = c.sources(ix, Field::Services).collect();
        let mut problems: Vec<Ix> = incidents
            .iter()
            .flat_map(|i| {
                c.targets(*i, Field::Problem)
                    .chain(c.sources(*i, Field::Incidents))
            })
            .filter(|p| c.record(*p).id.kind == Kind::Problem)
            .collect();
        dedup(&mut problems);
        let via = |found: &[(Ix, Option<Ix>)]| {
            let map: FxHashMap<Ix, Option<Ix>> = found.iter().copied().collect();
            move |i: Ix| match map.get(&i).copied().flatten() {
                Some(p) => format!("via {}", c.record(p).title()),
                None => "direct".to_string(),
            }
        };
        let status = |i: Ix| {
            let r = c.record(i);
            r.str("/spec/status").unwrap_or("").to_string()
        };
        let mut out = vec![
            self.reached("Depends on (transitively)", &deps, via(&deps)),
            self.reached(
                "Depended on by (transitively)",
                &dependents,
                via(&dependents),
            ),
            self.reached("Configuration items", &under, via(&under)),
            self.section("Suppliers".into(), suppliers, |_| String::new()),
            self.section("Changes".into(), changes, status),
            self.section("Incidents".into(), incidents, |i| {
                let r = c.record(i);
                format!(
                    "{} {}",
                    r.str("/spec/priority").unwrap_or(""),
                    r.str("/spec/impact").unwrap_or("")
                )
            }),
            self.section("Problems".into(), problems, status),
        ];
        out.retain(|s| !s.items.is_empty() || s.title.starts_with("Depend"));
        out
    }

    fn ci_sections(&self, ix: Ix) -> Vec<Section<'a>> {
        let c = self.catalog;
        // CIs that depend on this one (transitively), then the Services using any of them.
        let above = reach(ix, |v| {
            c.sources(v, Field::DependsOn)
                .filter(|s| c.record(*s).id.kind == Kind::Ci)
                .collect()
        });
        let mut cis: Vec<Ix> = vec![ix];
        cis.extend(above.iter().map(|(i, _)| *i));
        let mut services: Vec<Ix> = cis
            .iter()
            .flat_map(|ci| c.sources(*ci, Field::Cis))
            .collect();
        dedup(&mut services);
        let deps = reach(ix, |v| c.targets(v, Field::DependsOn).collect());
        let mut supports = self.section("Supports (Services)".into(), services, |_| String::new());
        supports.cut |= above.len() > LIST_LIMIT;
        vec![
            supports,
            self.reached("Depends on (transitively)", &deps, |_| String::new()),
            self.reached("Depended on by (transitively)", &above, |_| String::new()),
        ]
    }

    /// The Service's availability over its SLA's current window: the figures of
    /// `itsm report sla` (outages merged, clipped, within support hours).
    fn availability(&self, ix: Ix) -> Option<Availability> {
        let c = self.catalog;
        let row = self.sla.get(&*c.record(ix).id.name)?;
        let sla = c.targets(ix, Field::Sla).next()?;
        let incidents = row
            .incidents
            .iter()
            .filter(|i| i.outage_seconds > 0)
            .filter_map(|i| c.find(Kind::Incident, &i.incident))
            .map(|i| self.link(i).clone())
            .collect();
        Some(Availability {
            window: row.window.clone(),
            support_hours: row.support_hours.clone(),
            from: row.period.start.to_string(),
            to: row.period.end.yesterday().ok()?.to_string(),
            outage_minutes: format!("{:.0}", row.outage_seconds as f64 / 60.0),
            percent: format!("{:.3}", row.availability),
            target: Some(format!("{}", row.target)),
            met: row.met,
            sla: self.link(sla).clone(),
            incidents,
        })
    }

    // ---- graphs -------------------------------------------------------------

    fn service_graph(&self, ix: Ix, prefix: &str) -> String {
        let c = self.catalog;
        let mut set: Vec<Ix> = vec![ix];
        let mut seen: FxHashSet<Ix> = FxHashSet::from_iter([ix]);
        let mut add = |v: Ix, set: &mut Vec<Ix>| {
            if set.len() < GRAPH_LIMIT && seen.insert(v) {
                set.push(v);
            }
        };
        for (v, _) in reach(ix, |v| c.targets(v, Field::DependsOn).collect()) {
            add(v, &mut set);
        }
        for (v, _) in reach(ix, |v| {
            c.sources(v, Field::DependsOn)
                .filter(|s| c.record(*s).id.kind == Kind::Service)
                .collect()
        }) {
            add(v, &mut set);
        }
        let cis: Vec<Ix> = c.targets(ix, Field::Cis).collect();
        for ci in &cis {
            add(*ci, &mut set);
        }
        for ci in &cis {
            for d in c.targets(*ci, Field::DependsOn) {
                add(d, &mut set);
            }
        }
        self.draw(&set, Some(ix), prefix)
    }

    fn draw(&self, set: &[Ix], focus: Option<Ix>, prefix: &str) -> String {
        let c = self.catalog;
        let pos: FxHashMap<Ix, usize> = set.iter().enumerate().map(|(i, v)| (*v, i)).collect();
        let mut edges = Vec::new();
        for (i, v) in set.iter().enumerate() {
            for l in c.out(*v) {
                if matches!(l.field, Field::DependsOn | Field::Cis)
                    && let Some(&j) = pos.get(&l.to)
                {
                    edges.push((i, j));
                }
            }
        }
        let nodes: Vec<Node> = set
            .iter()
            .map(|v| {
                let r = c.record(*v);
                let note = match r.id.kind {
                    Kind::Service => format!(
                        "Service · tier {}",
                        r.get("/spec/tier").and_then(Value::as_i64).unwrap_or(0)
                    ),
                    _ => format!("CI · {}", r.str("/spec/type").unwrap_or("")),
                };
                Node {
                    label: r.title().to_string(),
                    note,
                    href: format!("{prefix}{}", page_path(&r.id)),
                    class: if Some(*v) == focus {
                        "focus"
                    } else if r.id.kind == Kind::Service {
                        "service"
                    } else {
                        "ci"
                    },
                }
            })
            .collect();
        graph_svg::render(&nodes, &edges)
    }

    fn whole_graph(&self) -> Result<File> {
        let c = self.catalog;
        let services: Vec<Ix> = c.of_kind(Kind::Service).collect();
        let cis: Vec<Ix> = c.of_kind(Kind::Ci).collect();
        let (set, note) = if services.len() + cis.len() <= WHOLE_GRAPH_LIMIT {
            ([services, cis].concat(), String::new())
        } else if services.len() <= WHOLE_GRAPH_LIMIT {
            (
                services,
                format!(
                    "{} CIs are left out to keep the graph readable; each Service's page shows its own.",
                    cis.len()
                ),
            )
        } else {
            (
                Vec::new(),
                format!(
                    "The catalogue has {} Services and {} CIs, too many for one readable graph: each Service's page shows its own.",
                    services.len(),
                    cis.len()
                ),
            )
        };
        let svg = self.draw(&set, None, "");
        self.page(
            "graph.html".into(),
            "graph.html",
            "Dependency graph",
            minijinja::context! { graph_svg => V::from_safe_string(svg), note => note },
        )
    }

    // ---- site pages ---------------------------------------------------------

    fn home(&self, diagnostics: &[Diagnostic]) -> Result<File> {
        let c = self.catalog;
        const LIFECYCLES: [&str; 5] = [
            "planned",
            "development",
            "production",
            "deprecated",
            "retired",
        ];
        let mut tiers = [[0usize; 5]; 4];
        for s in c.of_kind(Kind::Service) {
            let r = c.record(s);
            let tier = r.get("/spec/tier").and_then(Value::as_i64).unwrap_or(0);
            let life = r
                .str("/spec/lifecycle")
                .and_then(|l| LIFECYCLES.iter().position(|x| *x == l));
            if let (1..=4, Some(l)) = (tier, life) {
                tiers[(tier - 1) as usize][l] += 1;
            }
        }
        let problems: Vec<Item> = c
            .of_kind(Kind::Problem)
            .filter(|p| c.record(*p).str("/spec/status") != Some("resolved"))
            .take(50)
            .map(|p| Item {
                link: self.link(p),
                note: c.record(p).str("/spec/status").unwrap_or("").to_string(),
            })
            .collect();
        let upcoming: Vec<ChangeRow> = self.upcoming().into_iter().take(15).collect();
        let (reviews, reviews_total) = self.reviews_due();
        let warnings: Vec<Warning> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .take(200)
            .map(|d| self.warning(d))
            .collect();
        let warning_count = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        self.page(
            "index.html".into(),
            "home.html",
            &c.repo.config.name,
            minijinja::context! {
                lifecycles => LIFECYCLES,
                tiers => tiers,
                open_problems => V::from_serialize(&problems),
                upcoming => V::from_serialize(&upcoming),
                reviews => V::from_serialize(&reviews),
                reviews_total => reviews_total,
                warnings => V::from_serialize(&warnings),
                warning_count => warning_count,
                records => c.repo.records.len(),
            },
        )
    }

    fn warning(&self, d: &Diagnostic) -> Warning {
        let c = self.catalog;
        let file = d.location.file.map(|f| c.repo.files.get(f).path.clone());
        let record = d
            .record
            .as_deref()
            .and_then(|id| c.resolve(id, &Kind::ALL).ok())
            .map(|ix| self.link(ix));
        Warning {
            code: d.code.as_str(),
            message: d.message.clone(),
            at: match (file, d.location.span) {
                (Some(f), Some(s)) => format!("{f}:{}", s.line),
                (Some(f), None) => f,
                _ => String::new(),
            },
            record: record.cloned(),
        }
    }

    /// Reviews overdue or due within 60 days (Policies, SLAs, Supplier contracts).
    fn reviews_due(&self) -> (Vec<Review>, usize) {
        let c = self.catalog;
        let horizon = self
            .today
            .checked_add(jiff::ToSpan::days(60))
            .unwrap_or(self.today);
        let mut due: Vec<(Date, Ix)> = c
            .repo
            .records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let base = match r.id.kind {
                    Kind::Policy | Kind::Sla => "/spec",
                    Kind::Supplier => "/spec/contract",
                    _ => return None,
                };
                let last = r.str(&format!("{base}/lastReviewed")).and_then(date)?;
                let every = r
                    .str(&format!("{base}/reviewEvery"))
                    .and_then(Duration::parse)?;
                let next = every.after(last)?;
                (next <= horizon).then_some((next, i as Ix))
            })
            .collect();
        due.sort();
        let total = due.len();
        let rows = due
            .into_iter()
            .take(50)
            .map(|(d, i)| Review {
                link: self.link(i).clone(),
                due: d.to_string(),
                overdue: d < self.today,
            })
            .collect();
        (rows, total)
    }

    /// Changes whose window has not ended, soonest first.
    fn upcoming(&self) -> Vec<ChangeRow> {
        let start_of_today = self
            .today
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .ok();
        let mut rows: Vec<(jiff::Timestamp, ChangeRow)> = self
            .catalog
            .of_kind(Kind::Change)
            .filter_map(|ch| {
                let r = self.catalog.record(ch);
                let status = r.str("/spec/status").unwrap_or("proposed");
                if matches!(status, "cancelled" | "implemented" | "rolled-back") {
                    return None;
                }
                let end = r.str("/spec/window/end").and_then(instant)?;
                let start = r.str("/spec/window/start").and_then(instant)?;
                (Some(end) >= start_of_today).then(|| (start, self.change_row(ch)))
            })
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.link.id.cmp(&b.1.link.id)));
        rows.into_iter().map(|(_, r)| r).collect()
    }

    fn change_row(&self, ch: Ix) -> ChangeRow {
        let r = self.catalog.record(ch);
        let s = |p: &str| r.str(p).unwrap_or("").to_string();
        ChangeRow {
            link: self.link(ch).clone(),
            kind: s("/spec/type"),
            risk: s("/spec/risk"),
            status: s("/spec/status"),
            start: r.str("/spec/window/start").map(when).unwrap_or_default(),
            end: r.str("/spec/window/end").map(when).unwrap_or_default(),
            impacts: self
                .catalog
                .targets(ch, Field::Impacts)
                .map(|i| self.link(i).clone())
                .collect(),
        }
    }

    fn catalogue(&self) -> Result<File> {
        let c = self.catalog;
        let mut rows: Vec<ServiceRow> = c
            .of_kind(Kind::Service)
            .map(|s| {
                let r = c.record(s);
                let sla = c.targets(s, Field::Sla).next();
                ServiceRow {
                    link: self.link(s).clone(),
                    name: r.id.name.clone(),
                    description: r.str("/metadata/description").unwrap_or("").to_string(),
                    owner: c
                        .targets(s, Field::Owner)
                        .next()
                        .map(|o| self.link(o).clone()),
                    tier: r.get("/spec/tier").and_then(Value::as_i64).unwrap_or(0),
                    lifecycle: r.str("/spec/lifecycle").unwrap_or("").to_string(),
                    kind: r.str("/spec/type").unwrap_or("").to_string(),
                    sla: sla.map(|i| self.link(i).clone()),
                    target: sla
                        .and_then(|i| c.record(i).get("/spec/availability"))
                        .and_then(Value::as_f64)
                        .map(|a| format!("{a}%")),
                    labels: string_map(r.get("/metadata/labels"))
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                }
            })
            .collect();
        rows.sort_by(|a, b| a.tier.cmp(&b.tier).then(a.link.title.cmp(&b.link.title)));
        self.page(
            "catalogue.html".into(),
            "catalogue.html",
            "Service catalogue",
            minijinja::context! { services => V::from_serialize(&rows) },
        )
    }

    fn changes(&self) -> Result<File> {
        let c = self.catalog;
        let upcoming = self.upcoming();
        let mut months: Vec<(String, Vec<ChangeRow>)> = Vec::new();
        for row in upcoming.into_iter().take(LIST_LIMIT) {
            let month = row.start.get(..7).unwrap_or("").to_string();
            match months.last_mut() {
                Some((m, rows)) if *m == month => rows.push(row),
                _ => months.push((month, vec![row])),
            }
        }
        const TYPES: [&str; 3] = ["standard", "normal", "emergency"];
        const STATUSES: [&str; 5] = [
            "proposed",
            "scheduled",
            "implemented",
            "rolled-back",
            "cancelled",
        ];
        let mut matrix = [[0usize; 5]; 3];
        let mut recent: Vec<(String, Ix)> = Vec::new();
        for ch in c.of_kind(Kind::Change) {
            let r = c.record(ch);
            let t = r
                .str("/spec/type")
                .and_then(|t| TYPES.iter().position(|x| *x == t));
            let s = r
                .str("/spec/status")
                .or(Some("proposed"))
                .and_then(|s| STATUSES.iter().position(|x| *x == s));
            if let (Some(t), Some(s)) = (t, s) {
                matrix[t][s] += 1;
            }
            let start = r
                .str("/spec/window/start")
                .and_then(instant)
                .map(|t| t.to_string());
            recent.push((start.unwrap_or_default(), ch));
        }
        recent.sort_by(|a, b| b.0.cmp(&a.0));
        let register: Vec<ChangeRow> = recent
            .iter()
            .take(LIST_LIMIT)
            .map(|(_, ch)| self.change_row(*ch))
            .collect();
        let total = recent.len();
        self.page(
            "changes.html".into(),
            "changes.html",
            "Changes",
            minijinja::context! {
                months => V::from_serialize(&months),
                types => TYPES,
                statuses => STATUSES,
                matrix => matrix,
                register => V::from_serialize(&register),
                total => total,
            },
        )
    }

    /// The coverage page, from the evidence model of `itsm report coverage`.
    fn coverage(&self, diagnostics: &[Diagnostic]) -> Result<File> {
        let cov = crate::report::coverage::compute(self.catalog.0, diagnostics, self.today);
        let links = |ids: &[String]| -> Vec<Link> {
            ids.iter()
                .filter_map(|id| {
                    let r = Reference::parse(id);
                    let kind = Kind::from_id(r.kind?)?;
                    self.catalog
                        .find(kind, r.name)
                        .map(|ix| self.link(ix).clone())
                })
                .collect()
        };
        let rows: Vec<ClauseRow> = cov
            .clauses
            .iter()
            .map(|c| ClauseRow {
                number: c.number,
                title: c.title,
                depth: c.level.saturating_sub(1),
                status: c.status.as_str(),
                from_sub_clauses: c.from_sub_clauses,
                policies: links(&c.declared_by),
                evidence: c
                    .evidence
                    .iter()
                    .map(|e| EvidenceRow {
                        what: e.what,
                        count: e.count,
                        records: links(&e.records),
                    })
                    .collect(),
                findings: c
                    .findings
                    .iter()
                    .filter_map(|i| cov.findings.get(*i))
                    .map(|f| f.message.clone())
                    .collect(),
            })
            .collect();
        self.page(
            "coverage.html".into(),
            "coverage.html",
            "ISO/IEC 20000-1:2018 coverage",
            minijinja::context! {
                clauses => V::from_serialize(&rows),
                evidenced => cov.summary.evidenced,
                partial => cov.summary.partial,
                gaps => cov.summary.gap,
                findings => cov.findings.len(),
            },
        )
    }

    fn search_page(&self) -> Result<File> {
        self.page(
            "search.html".into(),
            "search.html",
            "Search",
            minijinja::context! {},
        )
    }

    /// The pages listing each kind's records (those of `only` when given), with
    /// the records each read when `track`.
    fn kind_lists(
        &self,
        track: bool,
        only: Option<&HashSet<String>>,
    ) -> Result<Vec<(File, Vec<Ix>)>> {
        let c = self.catalog;
        let mut jobs: Vec<(Kind, usize, usize, Vec<Ix>)> = Vec::new();
        for kind in Kind::ALL {
            let mut ixs: Vec<Ix> = c
                .of_kind(kind)
                .filter(|i| !c.record(*i).id.name.is_empty())
                .collect();
            ixs.sort_by(|a, b| c.record(*a).id.name.cmp(&c.record(*b).id.name));
            let pages = ixs.len().div_ceil(PER_PAGE).max(1);
            for (n, chunk) in ixs.chunks(PER_PAGE).enumerate() {
                jobs.push((kind, n + 1, pages, chunk.to_vec()));
            }
            if ixs.is_empty() {
                jobs.push((kind, 1, 1, Vec::new()));
            }
        }
        let page_name = |n: usize| {
            if n == 1 {
                "index.html".to_string()
            } else {
                format!("index-{n}.html")
            }
        };
        jobs.retain(|(kind, n, _, _)| {
            only.is_none_or(|o| o.contains(&format!("{}/{}", kind.id(), page_name(*n))))
        });
        jobs.par_iter()
            .map(|(kind, n, pages, ixs)| {
                let (file, reads) = if track {
                    tracked(|| self.kind_list(*kind, *n, *pages, ixs))
                } else {
                    (self.kind_list(*kind, *n, *pages, ixs), Vec::new())
                };
                Ok((file?, reads))
            })
            .collect()
    }

    fn kind_list(&self, kind: Kind, n: usize, pages: usize, ixs: &[Ix]) -> Result<File> {
        let c = self.catalog;
        let (kind, n, pages) = (&kind, &n, &pages);
        {
            {
                let rows: Vec<KindRow> = ixs
                    .iter()
                    .map(|i| {
                        let r = c.record(*i);
                        KindRow {
                            link: self.link(*i).clone(),
                            name: r.id.name.clone(),
                            description: r.str("/metadata/description").unwrap_or("").to_string(),
                            owner: c
                                .targets(*i, Field::Owner)
                                .next()
                                .map(|o| self.link(o).clone()),
                            state: [
                                "/spec/lifecycle",
                                "/spec/status",
                                "/spec/type",
                                "/spec/window",
                            ]
                            .iter()
                            .find_map(|p| r.str(p))
                            .unwrap_or("")
                            .to_string(),
                        }
                    })
                    .collect();
                let page_name = |n: usize| {
                    if n == 1 {
                        "index.html".to_string()
                    } else {
                        format!("index-{n}.html")
                    }
                };
                self.page(
                    format!("{}/{}", kind.id(), page_name(*n)),
                    "kind.html",
                    plural(*kind),
                    minijinja::context! {
                        kind => kind.name(),
                        kind_id => kind.id(),
                        rows => V::from_serialize(&rows),
                        page => n, pages => pages,
                        prev => (*n > 1).then(|| page_name(n - 1)),
                        next => (n < pages).then(|| page_name(n + 1)),
                    },
                )
            }
        }
    }
}

const MARKDOWN_FIELDS: &[&str] = &["plan", "backout", "workaround"];

/// Incoming links a kind's own sections already show.
fn handled(kind: Kind, from: Kind, field: Field) -> bool {
    match kind {
        Kind::Service => matches!(
            (from, field),
            (Kind::Service, Field::DependsOn)
                | (Kind::Change, Field::Impacts)
                | (Kind::Incident, Field::Services)
        ),
        Kind::Ci => matches!(
            (from, field),
            (Kind::Ci, Field::DependsOn) | (Kind::Service, Field::Cis)
        ),
        _ => false,
    }
}

fn incoming_title(from: Kind, field: Field) -> String {
    let p = plural(from);
    match field {
        Field::Owner => format!("Owns: {p}"),
        Field::Sla => format!("{p} under this SLA"),
        Field::Approver => format!("Approves: {p}"),
        Field::RuleTeam => "Policy rules requiring its approval".into(),
        Field::Impacts => "Changes".into(),
        Field::StandardChange => "Changes made under it".into(),
        Field::Supplier | Field::Suppliers => format!("Supplies: {p}"),
        Field::Fix => "Fixes problems".into(),
        Field::Problem | Field::Problems | Field::Incidents | Field::Services => {
            format!("Related {}", p.to_lowercase())
        }
        Field::Cis => format!("Used by {}", p.to_lowercase()),
        Field::DependsOn => format!("Depended on by {}", p.to_lowercase()),
    }
}

/// Breadth-first from `start` along `next`: each record reached with the record
/// it was reached through (`None` for a direct neighbour). At most [`LIST_LIMIT`] + 1.
fn reach(start: Ix, next: impl Fn(Ix) -> Vec<Ix>) -> Vec<(Ix, Option<Ix>)> {
    let mut seen: FxHashSet<Ix> = FxHashSet::from_iter([start]);
    let first = next(start)
        .into_iter()
        .filter(|v| seen.insert(*v))
        .map(|v| (v, None))
        .collect();
    walk(seen, first, next)
}

/// Like [`reach`], from several records that are listed themselves as direct.
fn reach_from(starts: &[Ix], next: impl Fn(Ix) -> Vec<Ix>) -> Vec<(Ix, Option<Ix>)> {
    let seen: FxHashSet<Ix> = starts.iter().copied().collect();
    walk(seen, starts.iter().map(|s| (*s, None)).collect(), next)
}

/// Goes on breadth-first from the records in `out` (`seen` holds every record
/// listed or not to be listed), until more than [`LIST_LIMIT`] are listed.
fn walk(
    mut seen: FxHashSet<Ix>,
    mut out: Vec<(Ix, Option<Ix>)>,
    next: impl Fn(Ix) -> Vec<Ix>,
) -> Vec<(Ix, Option<Ix>)> {
    let mut head = 0;
    while head < out.len() && out.len() <= LIST_LIMIT {
        let (v, _) = out[head];
        head += 1;
        for w in next(v) {
            if seen.insert(w) {
                out.push((w, Some(v)));
            }
        }
    }
    out
}

fn dedup(v: &mut Vec<Ix>) {
    let mut seen = FxHashSet::default();
    v.retain(|i| seen.insert(*i));
}

/// `camelCase` as `Camel case`.
fn label(key: &str) -> String {
    let mut out = String::new();
    for (i, ch) in key.chars().enumerate() {
        if i == 0 {
            out.extend(ch.to_uppercase());
        } else if ch.is_uppercase() {
            out.push(' ');
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    match out.as_str() {
        "Rto" => "RTO".into(),
        "Sla" => "SLA".into(),
        "Cis" => "CIs".into(),
        "Rpo" => "RPO".into(),
        _ => out,
    }
}

/// A value as escaped text (lists joined, maps as `key: value`).
fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => esc(s),
        Value::Seq(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| format!("{}: {}", esc(k), plain(v)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn string_map(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_map)
        .unwrap_or_default()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                v.as_str().map_or_else(|| plain(v), str::to_string),
            )
        })
        .collect()
}

fn links(r: &Record) -> Vec<ExternalLink> {
    r.get("/metadata/links")
        .and_then(Value::as_seq)
        .unwrap_or_default()
        .iter()
        .map(|l| {
            let url = l.get("url").and_then(Value::as_str).unwrap_or("");
            ExternalLink {
                title: l
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or(url)
                    .to_string(),
                url: safe_url(url).then(|| url.to_string()),
            }
        })
        .collect()
}

/// Whether a URL from a record may be a link: http, https or mailto only.
pub(super) fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s))
}

/// An instant as `YYYY-MM-DD HH:MM UTC`.
fn when(s: &str) -> String {
    instant(s)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| s.to_string())
}

#[derive(Serialize)]
struct Warning {
    code: &'static str,
    message: String,
    at: String,
    record: Option<Link>,
}

#[derive(Serialize)]
struct Review {
    link: Link,
    due: String,
    overdue: bool,
}

#[derive(Serialize)]
struct ChangeRow {
    link: Link,
    kind: String,
    risk: String,
    status: String,
    start: String,
    end: String,
    impacts: Vec<Link>,
}

#[derive(Serialize)]
struct ServiceRow {
    link: Link,
    name: String,
    description: String,
    owner: Option<Link>,
    tier: i64,
    lifecycle: String,
    kind: String,
    sla: Option<Link>,
    target: Option<String>,
    labels: String,
}

#[derive(Serialize)]
struct ClauseRow {
    number: &'static str,
    title: &'static str,
    depth: usize,
    status: &'static str,
    /// The status comes from the sub-clauses.
    from_sub_clauses: bool,
    /// Policies declaring the clause (or a clause above it).
    policies: Vec<Link>,
    evidence: Vec<EvidenceRow>,
    findings: Vec<String>,
}

/// Records found for one need of a clause.
#[derive(Serialize)]
struct EvidenceRow {
    what: &'static str,
    count: usize,
    /// The first records found.
    records: Vec<Link>,
}

#[derive(Serialize)]
struct KindRow {
    link: Link,
    name: String,
    description: String,
    owner: Option<Link>,
    state: String,
}
