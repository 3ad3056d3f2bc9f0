//! The records made from imported entities: each Backstage field mapped to its
//! `itsm` field, and every value chosen, reference left out or field dropped
//! reported.

use super::{
    Conversion, Entity, Member, Options, Owner, Plan, Planned, Ref, Resolved, entity_ref, refs_at,
    str_at,
};
use crate::import::logins::ANNOTATION;
use crate::model::Kind;
use crate::value::Value;
use rustc_hash::FxHashSet as HashSet;
use serde_json::{Map, Value as Json, json};

/// The record of an entity chosen for import, as `name`.
pub(super) fn build(
    e: &Entity,
    name: &str,
    plan: &Plan<'_>,
    options: &Options,
    c: &mut Conversion,
) -> Planned {
    let (kind, value, header) = match e.kind.to_ascii_lowercase().as_str() {
        "component" => (Kind::Service, service(e, name, plan, options, c), ""),
        "system" => (Kind::Service, system(e, name, plan, options, c), ""),
        "resource" => (Kind::Ci, ci(e, name, plan, c), ""),
        _ => team(e, name, plan, c),
    };
    Planned {
        kind,
        name: name.to_string(),
        from: entity_ref(e),
        text: format!("{header}{}", crate::import::to_yaml(&value)),
    }
}

/// The envelope: metadata mapped field by field; the rest reported.
fn envelope(
    kind: Kind,
    e: &Entity,
    name: &str,
    title: Option<&str>,
    c: &mut Conversion,
) -> Map<String, Json> {
    let mut metadata = Map::new();
    metadata.insert("name".into(), name.into());
    if let Some(t) = title.or_else(|| str_at(e, &["metadata", "title"])) {
        metadata.insert("title".into(), t.into());
    }
    if let Some(d) = str_at(e, &["metadata", "description"]) {
        metadata.insert("description".into(), d.into());
    }
    for field in ["labels", "annotations"] {
        let mut entries = string_entries(e, field, c);
        if field == "annotations" {
            entries.insert("backstage.io/source-entity".into(), entity_ref(e).into());
        }
        if !entries.is_empty() {
            metadata.insert(field.into(), Json::Object(entries));
        }
    }
    let links = links(e, c);
    if !links.is_empty() {
        metadata.insert("links".into(), Json::Array(links));
    }
    let mut dropped: Vec<&str> = e
        .value
        .get("metadata")
        .and_then(Value::as_map)
        .unwrap_or_default()
        .iter()
        .map(|(k, _)| &**k)
        .filter(|k| {
            !matches!(
                *k,
                "name" | "namespace" | "title" | "description" | "labels" | "annotations" | "links"
            )
        })
        .collect();
    dropped.sort_unstable();
    if !dropped.is_empty() {
        c.dropped.push(format!(
            "{}: metadata.{} not mapped",
            entity_ref(e),
            dropped.join(", metadata.")
        ));
    }
    let mut record = Map::new();
    record.insert("apiVersion".into(), "itsm/v1".into());
    record.insert("kind".into(), kind.name().into());
    record.insert("metadata".into(), Json::Object(metadata));
    record
}

/// The string entries of `metadata.<field>` (labels, annotations); the others reported.
fn string_entries(e: &Entity, field: &str, c: &mut Conversion) -> Map<String, Json> {
    let mut entries = Map::new();
    let all = e
        .value
        .get("metadata")
        .and_then(|m| m.get(field))
        .and_then(Value::as_map)
        .unwrap_or_default();
    for (k, v) in all {
        match v.as_str() {
            Some(s) => {
                entries.insert(k.to_string(), s.into());
            }
            None => c.dropped.push(format!(
                "{}: metadata.{field}.{k} is not a string: left out",
                entity_ref(e)
            )),
        }
    }
    entries
}

/// `metadata.links` with a web or mail address; the others reported.
fn links(e: &Entity, c: &mut Conversion) -> Vec<Json> {
    let all = e
        .value
        .get("metadata")
        .and_then(|m| m.get("links"))
        .and_then(Value::as_seq)
        .unwrap_or_default();
    let mut out = Vec::new();
    for l in all {
        let url = l.get("url").and_then(Value::as_str).unwrap_or("");
        if !["http:", "https:", "mailto:"]
            .iter()
            .any(|scheme| url.starts_with(scheme))
        {
            c.dropped.push(format!(
                "{}: link `{url}` is not an http(s) or mailto address: left out",
                entity_ref(e)
            ));
            continue;
        }
        let title = l.get("title").and_then(Value::as_str).unwrap_or(url);
        out.push(json!({"title": title, "url": url}));
    }
    out
}

/// Reports the spec fields of `e` that are not in `mapped`.
fn report_spec(e: &Entity, mapped: &[&str], c: &mut Conversion) {
    let mut left: Vec<&str> = e
        .value
        .get("spec")
        .and_then(Value::as_map)
        .unwrap_or_default()
        .iter()
        .map(|(k, _)| &**k)
        .filter(|k| !mapped.contains(k))
        .collect();
    left.sort_unstable();
    if !left.is_empty() {
        c.dropped.push(format!(
            "{}: spec.{} not mapped",
            entity_ref(e),
            left.join(", spec.")
        ));
    }
}

/// The owner Team: a Group reference (or a User's first Group).
fn owner(e: &Entity, plan: &Plan<'_>, c: &mut Conversion) -> Option<String> {
    let group = match plan.owner(e) {
        Owner::None => return None,
        Owner::Group(g) => g,
        Owner::ViaUser(user, g) => {
            c.assumptions.push(format!(
                "{}: owner {user} is a User: owned by its first Group, {g}",
                entity_ref(e)
            ));
            g
        }
        Owner::Problem(why) => {
            c.dropped.push(format!(
                "{}: {why}: spec.owner not set (set it to the owning Team)",
                entity_ref(e)
            ));
            return None;
        }
    };
    match plan.resolve(&group) {
        Resolved::Own(team) => Some(team),
        Resolved::Existing(team) => {
            c.assumptions.push(format!(
                "{}: owner {group} is team:{team}, already in the repository",
                entity_ref(e)
            ));
            Some(team)
        }
        Resolved::Unusable(why) => {
            c.dropped.push(format!(
                "{}: owner {group} {why}: spec.owner not set (set it to the owning Team; itsm check reports it until then)",
                entity_ref(e)
            ));
            None
        }
        Resolved::Missing(team) => {
            c.dropped.push(format!(
                "{}: owner {group} is neither imported nor in the repository: create team:{team} (itsm check reports it until then)",
                entity_ref(e)
            ));
            Some(team)
        }
    }
}

/// The values of the first label, then the first annotation, named `key` or
/// ending in `/key` (e.g. `example.com/tier`).
fn labelled<'e>(e: &'e Entity, key: &'e str) -> impl Iterator<Item = &'e str> + 'e {
    ["labels", "annotations"]
        .into_iter()
        .filter_map(move |field| {
            e.value
                .get("metadata")
                .and_then(|m| m.get(field))
                .and_then(Value::as_map)
                .unwrap_or_default()
                .iter()
                .find(|(k, _)| &**k == key || k.strip_suffix(key).is_some_and(|p| p.ends_with('/')))
                .and_then(|(_, v)| v.as_str())
        })
}

/// A tier from a `tier` label or annotation (or one ending in `/tier`), else 3.
fn tier(e: &Entity, c: &mut Conversion) -> i64 {
    let found = labelled(e, "tier")
        .filter_map(|v| v.trim_start_matches(['t', 'T']).parse::<i64>().ok())
        .find(|t| (1..=4).contains(t));
    if let Some(t) = found {
        return t;
    }
    c.assumptions.push(format!(
        "{}: tier 3 (no `tier` label or annotation of 1 to 4)",
        entity_ref(e)
    ));
    3
}

fn lifecycle(e: &Entity, c: &mut Conversion) -> &'static str {
    match str_at(e, &["spec", "lifecycle"]) {
        Some("production") => "production",
        Some("deprecated") => "deprecated",
        Some("experimental") => "development",
        other => {
            c.assumptions.push(format!(
                "{}: lifecycle {} mapped to development",
                entity_ref(e),
                other.unwrap_or("(none)")
            ));
            "development"
        }
    }
}

/// Service references from `dependsOn`: Components and Systems to `dependsOn`,
/// Resources to `cis`.
fn depends(e: &Entity, plan: &Plan<'_>, c: &mut Conversion) -> (Vec<String>, Vec<String>) {
    let (mut services, mut cis) = (Vec::new(), Vec::new());
    for (text, r) in refs_at(e, &["spec", "dependsOn"], "component") {
        let Some(r) = r else {
            c.dropped.push(format!(
                "{}: dependsOn {text} is not an entity reference: left out",
                entity_ref(e)
            ));
            continue;
        };
        let list = match r.kind.as_str() {
            "component" | "system" => &mut services,
            "resource" => &mut cis,
            _ => {
                c.dropped.push(format!(
                    "{}: dependsOn {r} is not a Component, System or Resource: left out",
                    entity_ref(e)
                ));
                continue;
            }
        };
        if let Some(n) = reference(e, "dependsOn", &r, plan, c) {
            list.push(n);
        }
    }
    (services, cis)
}

/// The record a reference of `e`'s `field` names, if it is imported or in the
/// repository; reported otherwise.
fn reference(
    e: &Entity,
    field: &str,
    r: &Ref,
    plan: &Plan<'_>,
    c: &mut Conversion,
) -> Option<String> {
    match plan.resolve(r) {
        Resolved::Own(n) => Some(n),
        Resolved::Existing(n) => {
            c.assumptions.push(format!(
                "{}: {field} {r} is {n}, already in the repository",
                entity_ref(e)
            ));
            Some(n)
        }
        Resolved::Unusable(why) => {
            c.dropped
                .push(format!("{}: {field} {r} {why}: left out", entity_ref(e)));
            None
        }
        Resolved::Missing(_) => {
            c.dropped.push(format!(
                "{}: {field} {r} is neither imported nor in the repository: left out",
                entity_ref(e)
            ));
            None
        }
    }
}

fn service_spec(
    owner: Option<String>,
    lifecycle: &str,
    tier: i64,
    options: &Options,
    depends: Vec<String>,
    cis: Vec<String>,
) -> Map<String, Json> {
    let mut spec = Map::new();
    if let Some(o) = owner {
        spec.insert("owner".into(), o.into());
    }
    spec.insert("lifecycle".into(), lifecycle.into());
    spec.insert("tier".into(), tier.into());
    if lifecycle == "production"
        && let Some(sla) = &options.sla
    {
        spec.insert("sla".into(), sla.clone().into());
    }
    if !depends.is_empty() {
        spec.insert("dependsOn".into(), depends.into());
    }
    if !cis.is_empty() {
        spec.insert("cis".into(), cis.into());
    }
    spec
}

fn sla_note(e: &Entity, lifecycle: &str, options: &Options, c: &mut Conversion) {
    if lifecycle == "production" && options.sla.is_none() {
        c.dropped.push(format!(
            "{}: a production Service needs an SLA: pass --sla NAME or add spec.sla (itsm check reports missing-sla until then)",
            entity_ref(e)
        ));
    }
}

fn service(e: &Entity, name: &str, plan: &Plan<'_>, options: &Options, c: &mut Conversion) -> Json {
    let mut record = envelope(Kind::Service, e, name, None, c);
    let owner = owner(e, plan, c);
    let lifecycle = lifecycle(e, c);
    let tier = tier(e, c);
    let (depends, cis) = depends(e, plan, c);
    sla_note(e, lifecycle, options, c);
    report_spec(e, &["owner", "lifecycle", "dependsOn", "system"], c);
    let mut spec = service_spec(owner, lifecycle, tier, options, depends, cis);
    spec.insert("type".into(), "technical".into());
    record.insert("spec".into(), Json::Object(spec));
    Json::Object(record)
}

/// A System: a business Service that depends on its Components and uses its Resources.
fn system(e: &Entity, name: &str, plan: &Plan<'_>, options: &Options, c: &mut Conversion) -> Json {
    let mut record = envelope(Kind::Service, e, name, None, c);
    let owner = owner(e, plan, c);
    let id = e.id();
    // The imported Components and Resources whose `spec.system` is this System.
    let parts = |kind: &str| -> Vec<(&Entity, String)> {
        let mut found: Vec<(usize, &Entity, String)> = plan
            .chosen
            .iter()
            .map(|(&i, n)| (i, &plan.entities[i], n.clone()))
            .filter(|(_, x, _)| x.kind.eq_ignore_ascii_case(kind))
            .filter(|(_, x, _)| {
                x.value
                    .get("spec")
                    .and_then(|s| s.get("system"))
                    .and_then(|v| Ref::of(v, "system", x.namespace()))
                    .is_some_and(|s| s == id)
            })
            .collect();
        found.sort_by_key(|(i, _, _)| *i);
        found.into_iter().map(|(_, x, n)| (x, n)).collect()
    };
    let components = parts("component");
    let resources: Vec<String> = parts("resource").into_iter().map(|(_, n)| n).collect();
    // The most live lifecycle of its Components.
    let lives: Vec<&str> = components
        .iter()
        .filter_map(|(x, _)| str_at(x, &["spec", "lifecycle"]))
        .collect();
    let lifecycle = if lives.contains(&"production") {
        "production"
    } else if lives.contains(&"experimental") || lives.is_empty() {
        "development"
    } else {
        "deprecated"
    };
    c.assumptions.push(format!(
        "{}: lifecycle {lifecycle}, from its Components (Systems have none)",
        entity_ref(e)
    ));
    let tier = tier(e, c);
    sla_note(e, lifecycle, options, c);
    report_spec(e, &["owner"], c);
    let components = components.into_iter().map(|(_, n)| n).collect();
    let mut spec = service_spec(owner, lifecycle, tier, options, components, resources);
    spec.insert("type".into(), "business".into());
    record.insert("spec".into(), Json::Object(spec));
    Json::Object(record)
}

fn ci(e: &Entity, name: &str, plan: &Plan<'_>, c: &mut Conversion) -> Json {
    let mut record = envelope(Kind::Ci, e, name, None, c);
    let mut spec = Map::new();
    if let Some(o) = owner(e, plan, c) {
        spec.insert("owner".into(), o.into());
    }
    spec.insert("type".into(), ci_type(e, c).into());
    spec.insert("environment".into(), environment(e, c).into());
    let mut deps = Vec::new();
    for (text, r) in refs_at(e, &["spec", "dependsOn"], "resource") {
        match r {
            Some(r) if r.kind == "resource" => {
                if let Some(n) = reference(e, "dependsOn", &r, plan, c) {
                    deps.push(Json::from(n));
                }
            }
            _ => c.dropped.push(format!(
                "{}: dependsOn {text} left out (a CI depends on CIs, imported or in the repository)",
                entity_ref(e)
            )),
        }
    }
    if !deps.is_empty() {
        spec.insert("dependsOn".into(), Json::Array(deps));
    }
    report_spec(e, &["owner", "type", "dependsOn", "system"], c);
    record.insert("spec".into(), Json::Object(spec));
    Json::Object(record)
}

fn ci_type(e: &Entity, c: &mut Conversion) -> &'static str {
    let given = str_at(e, &["spec", "type"]).unwrap_or("");
    match given.to_ascii_lowercase().as_str() {
        "database" | "db" => "database",
        "s3-bucket" | "bucket" | "storage" | "object-storage" => "storage",
        "server" => "server",
        "vm" | "virtual-machine" => "virtual-machine",
        "container" | "kubernetes-cluster" | "cluster" => "container",
        "network" | "vpc" | "load-balancer" | "dns" => "network",
        "certificate" => "certificate",
        "saas" => "saas",
        "cloud-service" | "queue" | "topic" | "cache" => "cloud-service",
        _ => {
            c.assumptions.push(format!(
                "{}: resource type `{given}` mapped to CI type other",
                entity_ref(e)
            ));
            "other"
        }
    }
}

/// Written at the top of a Team none of whose members has a known login.
const NO_LOGIN_HEADER: &str = "\
# No member of this Group has a known GitHub login: fill in each member's `login`
# (the GitHub account whose approvals count for this Team) before merging.
# `itsm check` reports this file until then.
";

/// A Team: the members with a known login. A Group none of whose members has
/// one is imported only when imported records are owned by it: then with its
/// members and no logins, so that `itsm check` fails on the file until someone
/// fills them in, rather than the owned records failing on a missing Team.
fn team(e: &Entity, name: &str, plan: &Plan<'_>, c: &mut Conversion) -> (Kind, Json, &'static str) {
    let display = str_at(e, &["spec", "profile", "displayName"]);
    let mut record = envelope(Kind::Team, e, name, display, c);
    let team = format!("team:{name}");
    let members = plan.members(e);
    let mut list = Vec::new();
    let mut seen = HashSet::default();
    for m in &members {
        match m.login {
            Some(l) if !seen.insert(l.login.to_ascii_lowercase()) => c.assumptions.push(format!(
                "{team}: {} has the login {} of another member: listed once",
                m.user, l.login
            )),
            Some(l) => {
                c.logins
                    .push(format!("{team}: {} is {} (from {})", l.login, m.user, l.from));
                list.push(member(m, Some(&l.login)));
            }
            None => c.no_login.push(format!(
                "{team}: {} has no known GitHub login (no valid {ANNOTATION} annotation, no --login-map entry): not made a member",
                m.user
            )),
        }
    }
    let mut header = "";
    if list.is_empty() {
        list = members.iter().map(|m| member(m, None)).collect();
        header = NO_LOGIN_HEADER;
        c.no_login.push(format!(
            "{team} ({}): no member has a known GitHub login, and imported records are owned by it: written with {} member{} and no login; fill in each `login` in {}/{name}.yaml (itsm check reports it until then)",
            entity_ref(e),
            list.len(),
            if list.len() == 1 { "" } else { "s" },
            Kind::Team.folder()
        ));
    }
    let mut spec = Map::new();
    spec.insert("members".into(), Json::Array(list));
    if let Some(mail) = str_at(e, &["spec", "profile", "email"]) {
        spec.insert("email".into(), mail.into());
    }
    report_spec(e, &["members", "profile"], c);
    record.insert("spec".into(), Json::Object(spec));
    (Kind::Team, Json::Object(record), header)
}

/// A member entry: the login when known, the User's profile name and e-mail
/// (or its reference, so that whoever fills in the login knows who it is).
fn member(m: &Member<'_>, login: Option<&str>) -> Json {
    let mut out = Map::new();
    if let Some(l) = login {
        out.insert("login".into(), l.into());
    }
    let profile = |field: &str| {
        m.entity
            .and_then(|u| str_at(u, &["spec", "profile", field]))
    };
    match profile("displayName") {
        Some(n) => {
            out.insert("name".into(), n.into());
        }
        None if login.is_none() => {
            out.insert("name".into(), m.user.to_string().into());
        }
        None => {}
    }
    if let Some(mail) = profile("email") {
        out.insert("email".into(), mail.into());
    }
    Json::Object(out)
}

fn environment(e: &Entity, c: &mut Conversion) -> &'static str {
    const ENVS: [&str; 5] = ["production", "staging", "test", "development", "dr"];
    let found =
        labelled(e, "environment").find_map(|v| ENVS.iter().find(|x| x.eq_ignore_ascii_case(v)));
    if let Some(env) = found {
        return env;
    }
    c.assumptions.push(format!(
        "{}: environment production (no `environment` label or annotation)",
        entity_ref(e)
    ));
    "production"
}
