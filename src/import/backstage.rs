//! Backstage catalog entities (`catalog-info.yaml`) to `itsm` records:
//! Components and Systems to Services, Resources to CIs, Groups (with their
//! members and the Users that are members of them) to Teams. What cannot be
//! mapped is reported, never guessed silently.

use crate::model::{Kind, is_valid_name};
use crate::value::Value;
use rustc_hash::FxHashMap as HashMap;
use serde_json::{Map, Value as Json, json};

/// A Backstage entity read from a file.
#[derive(Debug, Clone)]
pub struct Entity {
    /// `Component`, `Group`...
    pub kind: String,
    pub name: String,
    pub value: Value,
    /// The file it was read from, as given.
    pub source: String,
}

/// Reads the Backstage entities of a YAML stream (documents whose `apiVersion`
/// starts with `backstage.io/`); other documents are counted as skipped.
pub fn parse(text: &str, source: &str) -> Result<(Vec<Entity>, usize), String> {
    let (docs, error) = crate::load::yaml::parse(text);
    if let Some(e) = error {
        return Err(format!(
            "{source}:{}:{}: {}",
            e.pos.line, e.pos.col, e.message
        ));
    }
    let mut entities = Vec::new();
    let mut other = 0;
    for d in docs {
        let v = d.value;
        let is_backstage = v
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|a| a.starts_with("backstage.io/"));
        let (Some(kind), Some(name)) = (
            v.get("kind").and_then(Value::as_str).map(str::to_string),
            v.pointer("/metadata/name")
                .and_then(Value::as_str)
                .map(str::to_string),
        ) else {
            other += 1;
            continue;
        };
        if !is_backstage {
            other += 1;
            continue;
        }
        entities.push(Entity {
            kind,
            name,
            value: v,
            source: source.to_string(),
        });
    }
    Ok((entities, other))
}

/// Options of the conversion.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The SLA every imported production Service is bound to.
    pub sla: Option<String>,
}

/// A record to write.
#[derive(Debug, Clone)]
pub struct Planned {
    pub kind: Kind,
    pub name: String,
    /// From which entity (`component:default/artist-web`).
    pub from: String,
    pub text: String,
}

/// The conversion: records to write and everything worth telling.
#[derive(Debug, Default)]
pub struct Conversion {
    pub records: Vec<Planned>,
    /// Entities with no `itsm` counterpart (API, Domain, Location, Template...).
    pub unmapped: Vec<String>,
    /// Values chosen because the entity did not say (tier, environment...).
    pub assumptions: Vec<String>,
    /// Fields and references left out.
    pub dropped: Vec<String>,
}

/// Converts entities. `exists(kind, name)` tells which records the repository
/// already has (references to them are kept; new records of those names are not made).
pub fn convert(
    entities: &[Entity],
    options: &Options,
    exists: &dyn Fn(Kind, &str) -> bool,
) -> Conversion {
    let mut c = Conversion::default();
    let names = Names::of(entities, exists, &mut c);
    for e in entities {
        match e.kind.as_str() {
            "Component" | "System" | "Resource" | "Group" => {
                let Some(name) = names.own.get(&key(e)).cloned() else {
                    continue;
                };
                let record = match e.kind.as_str() {
                    "Component" => service(e, &name, &names, options, &mut c),
                    "System" => system(e, &name, entities, &names, options, &mut c),
                    "Resource" => Some(ci(e, &name, &names, &mut c)),
                    _ => Some(team(e, &name, &names.users, &mut c)),
                };
                if let Some((kind, value)) = record {
                    c.records.push(Planned {
                        kind,
                        name,
                        from: entity_ref(e),
                        text: super::to_yaml(&value),
                    });
                }
            }
            "User" => {}
            other => c.unmapped.push(unmapped(
                e,
                match other {
                    "API" => "itsm has no kind for APIs",
                    "Domain" => "itsm has no kind for Domains",
                    "Location" => "a Location only points at other files: import those files",
                    "Template" => "a scaffolder Template is not a service-management record",
                    _ => "not a kind itsm maps",
                },
            )),
        }
    }
    for u in &names.users {
        if member_login(u).is_none() {
            c.dropped.push(format!(
                "{}: `{}` is not a GitHub login and has no github.com/user-login annotation: not added to any Team",
                entity_ref(u),
                u.name
            ));
        }
    }
    c
}

/// `component:default/artist-web`.
fn entity_ref(e: &Entity) -> String {
    let ns = e
        .value
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("default");
    format!("{}:{ns}/{}", e.kind.to_ascii_lowercase(), e.name)
}

/// A line of "Not mapped": the entity, its file, and why.
fn unmapped(e: &Entity, why: impl std::fmt::Display) -> String {
    format!("{} ({}): {why}", entity_ref(e), e.source)
}

/// Identity of an entity for lookups: lower-case kind and name.
fn key(e: &Entity) -> (String, String) {
    (e.kind.to_ascii_lowercase(), e.name.to_ascii_lowercase())
}

/// A valid record name from a Backstage name: lower case, other characters to
/// hyphens, at most 63 characters.
pub fn sanitise(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut s = out.trim_matches('-').to_string();
    s.truncate(63);
    let s = s.trim_end_matches('-').to_string();
    is_valid_name(&s).then_some(s)
}

/// The `itsm` name of every mapped entity, and of referenced entities that
/// already exist in the repository.
struct Names<'a> {
    /// (kind, name) of an entity -> record name.
    own: HashMap<(String, String), String>,
    exists: &'a dyn Fn(Kind, &str) -> bool,
    users: Vec<&'a Entity>,
}

impl<'a> Names<'a> {
    fn of(
        entities: &'a [Entity],
        exists: &'a dyn Fn(Kind, &str) -> bool,
        c: &mut Conversion,
    ) -> Self {
        let users: Vec<&Entity> = entities.iter().filter(|e| e.kind == "User").collect();
        let mut own = HashMap::default();
        let mut taken: HashMap<(Kind, String), String> = HashMap::default();
        for e in entities {
            let Some(kind) = target_kind(&e.kind) else {
                continue;
            };
            let Some(name) = sanitise(&e.name) else {
                c.unmapped.push(unmapped(
                    e,
                    format!("`{}` cannot be made a record name", e.name),
                ));
                continue;
            };
            if let Some(first) = taken.get(&(kind, name.clone())) {
                c.unmapped.push(unmapped(
                    e,
                    format!("becomes {}:{name}, as {first} does: skipped", kind.id()),
                ));
                continue;
            }
            if kind == Kind::Team && members(e, &users, &mut Vec::new()).is_empty() {
                c.unmapped.push(unmapped(
                    e,
                    "no member with a GitHub login; a Team needs at least one: not written",
                ));
                continue;
            }
            if exists(kind, &name) {
                c.unmapped.push(unmapped(
                    e,
                    format!(
                        "{}:{name} already exists in the repository: skipped",
                        kind.id()
                    ),
                ));
                continue;
            }
            if name != e.name {
                c.assumptions
                    .push(format!("{}: named {}:{name}", entity_ref(e), kind.id()));
            }
            taken.insert((kind, name.clone()), entity_ref(e));
            own.insert(key(e), name);
        }
        Names { own, exists, users }
    }

    /// The `itsm` name a Backstage reference resolves to, if the entity is imported
    /// or the record exists in the repository.
    fn resolve(&self, kind: &str, name: &str) -> Option<String> {
        if let Some(n) = self.own.get(&(kind.to_string(), name.to_ascii_lowercase())) {
            return Some(n.clone());
        }
        let target = target_kind(kind)?;
        let n = sanitise(name)?;
        (self.exists)(target, &n).then_some(n)
    }
}

fn target_kind(backstage: &str) -> Option<Kind> {
    match backstage.to_ascii_lowercase().as_str() {
        "component" | "system" => Some(Kind::Service),
        "resource" => Some(Kind::Ci),
        "group" => Some(Kind::Team),
        _ => None,
    }
}

/// Parses an entity reference `[kind:][namespace/]name`.
fn parse_ref<'r>(text: &'r str, default_kind: &'r str) -> (String, &'r str) {
    let (kind, rest) = match text.split_once(':') {
        Some((k, rest)) => (k.to_ascii_lowercase(), rest),
        None => (default_kind.to_string(), text),
    };
    let name = rest.rsplit_once('/').map_or(rest, |(_, n)| n);
    (kind, name)
}

fn str_at<'v>(e: &'v Entity, pointer: &str) -> Option<&'v str> {
    e.value.pointer(pointer).and_then(Value::as_str)
}

fn list_at<'v>(e: &'v Entity, pointer: &str) -> Vec<&'v str> {
    e.value
        .pointer(pointer)
        .and_then(Value::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .collect()
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
    if let Some(t) = title.or_else(|| str_at(e, "/metadata/title")) {
        metadata.insert("title".into(), t.into());
    }
    if let Some(d) = str_at(e, "/metadata/description") {
        metadata.insert("description".into(), d.into());
    }
    for field in ["labels", "annotations"] {
        let entries: Map<String, Json> = e
            .value
            .pointer(&format!("/metadata/{field}"))
            .and_then(Value::as_map)
            .unwrap_or_default()
            .iter()
            .filter_map(|(k, v)| Some((k.to_string(), Json::from(v.as_str()?))))
            .collect();
        let mut entries = entries;
        if field == "annotations" {
            entries.insert("backstage.io/source-entity".into(), entity_ref(e).into());
        }
        if !entries.is_empty() {
            metadata.insert(field.into(), Json::Object(entries));
        }
    }
    let links: Vec<Json> = e
        .value
        .pointer("/metadata/links")
        .and_then(Value::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|l| {
            let url = l.get("url").and_then(Value::as_str)?;
            if !(url.starts_with("http:")
                || url.starts_with("https:")
                || url.starts_with("mailto:"))
            {
                return None;
            }
            let title = l.get("title").and_then(Value::as_str).unwrap_or(url);
            Some(json!({"title": title, "url": url}))
        })
        .collect();
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
fn owner(e: &Entity, names: &Names<'_>, c: &mut Conversion) -> Option<String> {
    let users = &names.users;
    let text = str_at(e, "/spec/owner")?;
    let (kind, name) = parse_ref(text, "group");
    let group = match kind.as_str() {
        "group" => name.to_string(),
        "user" => {
            let user = users.iter().find(|u| u.name.eq_ignore_ascii_case(name));
            let first = user.and_then(|u| list_at(u, "/spec/memberOf").first().copied());
            let Some(first) = first else {
                c.dropped.push(format!(
                    "{}: owner {text} is a User in no Group; itsm owners are Teams: set spec.owner",
                    entity_ref(e)
                ));
                return None;
            };
            let (_, g) = parse_ref(first, "group");
            c.assumptions.push(format!(
                "{}: owner {text} is a User: owned by its first Group, {g}",
                entity_ref(e)
            ));
            g.to_string()
        }
        _ => {
            c.dropped
                .push(format!("{}: owner {text} is not a Group", entity_ref(e)));
            return None;
        }
    };
    match names.resolve("group", &group) {
        Some(team) => Some(team),
        None => {
            let team = sanitise(&group)?;
            c.dropped.push(format!(
                "{}: owner group {group} is neither imported nor in the repository: create team:{team} (itsm check reports it until then)",
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
                .pointer(&format!("/metadata/{field}"))
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
    match str_at(e, "/spec/lifecycle") {
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

/// Service references from `dependsOn`: Components to `dependsOn`, Resources to `cis`.
fn depends(e: &Entity, names: &Names<'_>, c: &mut Conversion) -> (Vec<String>, Vec<String>) {
    let (mut services, mut cis) = (Vec::new(), Vec::new());
    for text in list_at(e, "/spec/dependsOn") {
        let (kind, name) = parse_ref(text, "component");
        let resolved = match kind.as_str() {
            "component" | "system" => names.resolve(&kind, name).map(|n| (true, n)),
            "resource" => names.resolve(&kind, name).map(|n| (false, n)),
            _ => None,
        };
        match resolved {
            Some((true, n)) => services.push(n),
            Some((false, n)) => cis.push(n),
            None => c.dropped.push(format!(
                "{}: dependsOn {text} is neither imported nor in the repository: left out",
                entity_ref(e)
            )),
        }
    }
    (services, cis)
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

fn service(
    e: &Entity,
    name: &str,
    names: &Names<'_>,
    options: &Options,
    c: &mut Conversion,
) -> Option<(Kind, Json)> {
    let mut record = envelope(Kind::Service, e, name, None, c);
    let owner = owner(e, names, c);
    let lifecycle = lifecycle(e, c);
    let tier = tier(e, c);
    let (depends, cis) = depends(e, names, c);
    sla_note(e, lifecycle, options, c);
    report_spec(e, &["owner", "lifecycle", "dependsOn", "system"], c);
    let mut spec = service_spec(owner, lifecycle, tier, options, depends, cis);
    spec.insert("type".into(), "technical".into());
    record.insert("spec".into(), Json::Object(spec));
    Some((Kind::Service, Json::Object(record)))
}

/// A System: a business Service that depends on its Components and uses its Resources.
fn system(
    e: &Entity,
    name: &str,
    entities: &[Entity],
    names: &Names<'_>,
    options: &Options,
    c: &mut Conversion,
) -> Option<(Kind, Json)> {
    let mut record = envelope(Kind::Service, e, name, None, c);
    let owner = owner(e, names, c);
    let part_of = |kind: &str| -> Vec<String> {
        entities
            .iter()
            .filter(|x| x.kind == kind)
            .filter(|x| {
                str_at(x, "/spec/system")
                    .map(|s| parse_ref(s, "system").1)
                    .is_some_and(|s| s.eq_ignore_ascii_case(&e.name))
            })
            .filter_map(|x| names.own.get(&key(x)).cloned())
            .collect()
    };
    let components = part_of("Component");
    let resources = part_of("Resource");
    // The most live lifecycle of its Components.
    let lives: Vec<&str> = entities
        .iter()
        .filter(|x| {
            x.kind == "Component"
                && names
                    .own
                    .get(&key(x))
                    .is_some_and(|n| components.contains(n))
        })
        .filter_map(|x| str_at(x, "/spec/lifecycle"))
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
    let mut spec = service_spec(owner, lifecycle, tier, options, components, resources);
    spec.insert("type".into(), "business".into());
    record.insert("spec".into(), Json::Object(spec));
    Some((Kind::Service, Json::Object(record)))
}

fn ci(e: &Entity, name: &str, names: &Names<'_>, c: &mut Conversion) -> (Kind, Json) {
    let mut record = envelope(Kind::Ci, e, name, None, c);
    let mut spec = Map::new();
    if let Some(o) = owner(e, names, c) {
        spec.insert("owner".into(), o.into());
    }
    let given = str_at(e, "/spec/type").unwrap_or("");
    let ci_type = match given.to_ascii_lowercase().as_str() {
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
    };
    spec.insert("type".into(), ci_type.into());
    spec.insert("environment".into(), environment(e, c).into());
    let mut deps = Vec::new();
    for text in list_at(e, "/spec/dependsOn") {
        let (kind, n) = parse_ref(text, "resource");
        match (kind.as_str(), names.resolve(&kind, n)) {
            ("resource", Some(n)) => deps.push(Json::from(n)),
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
    (Kind::Ci, Json::Object(record))
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

/// A User's GitHub login: the `github.com/user-login` annotation, else its name
/// when that is a valid login.
fn member_login(u: &Entity) -> Option<String> {
    match str_at(u, "/metadata/annotations/github.com~1user-login") {
        Some(l) if valid_login(l) => Some(l.to_string()),
        _ => valid_login(&u.name).then(|| u.name.clone()),
    }
}

/// Whether `s` is a GitHub login (`^[A-Za-z0-9][A-Za-z0-9-]{0,38}$`).
fn valid_login(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 39
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
}

fn team(e: &Entity, name: &str, users: &[&Entity], c: &mut Conversion) -> (Kind, Json) {
    let display = str_at(e, "/spec/profile/displayName");
    let mut record = envelope(Kind::Team, e, name, display, c);
    let mut spec = Map::new();
    spec.insert(
        "members".into(),
        Json::Array(members(e, users, &mut c.assumptions)),
    );
    if let Some(mail) = str_at(e, "/spec/profile/email") {
        spec.insert("email".into(), mail.into());
    }
    report_spec(e, &["members", "profile"], c);
    record.insert("spec".into(), Json::Object(spec));
    (Kind::Team, Json::Object(record))
}

/// A Group's members with a GitHub login: `spec.members`, then the Users that
/// name the Group in `memberOf`.
fn members(e: &Entity, users: &[&Entity], assumptions: &mut Vec<String>) -> Vec<Json> {
    let mut names: Vec<String> = list_at(e, "/spec/members")
        .into_iter()
        .map(|m| parse_ref(m, "user").1.to_ascii_lowercase())
        .collect();
    for u in users {
        let is_member = list_at(u, "/spec/memberOf")
            .iter()
            .any(|g| parse_ref(g, "group").1.eq_ignore_ascii_case(&e.name));
        if is_member {
            names.push(u.name.to_ascii_lowercase());
        }
    }
    let mut seen: Vec<String> = Vec::new();
    let mut members = Vec::new();
    for m in names {
        if seen.contains(&m) {
            continue;
        }
        seen.push(m.clone());
        let user = users.iter().find(|u| u.name.eq_ignore_ascii_case(&m));
        let login = match user {
            Some(u) => member_login(u),
            None => {
                let login = valid_login(&m).then(|| m.clone());
                if login.is_some() {
                    assumptions.push(format!(
                        "{}: member {m} has no User entity: its name is taken as the GitHub login",
                        entity_ref(e)
                    ));
                }
                login
            }
        };
        let Some(login) = login else {
            continue;
        };
        let mut member = Map::new();
        member.insert("login".into(), login.into());
        if let Some(u) = user {
            if let Some(n) = str_at(u, "/spec/profile/displayName") {
                member.insert("name".into(), n.into());
            }
            if let Some(mail) = str_at(u, "/spec/profile/email") {
                member.insert("email".into(), mail.into());
            }
        }
        members.push(Json::Object(member));
    }
    members
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_refs() {
        assert_eq!(sanitise("Artist_Web.v2").as_deref(), Some("artist-web-v2"));
        assert_eq!(sanitise("---"), None);
        assert_eq!(sanitise(&"a".repeat(80)).map(|s| s.len()), Some(63));
        assert_eq!(
            parse_ref("group:default/team-a", "user"),
            ("group".into(), "team-a")
        );
        assert_eq!(parse_ref("team-a", "group"), ("group".into(), "team-a"));
        assert_eq!(
            parse_ref("resource:artists-db", "component"),
            ("resource".into(), "artists-db")
        );
    }
}
