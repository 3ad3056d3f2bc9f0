//! Backstage catalog entities (`catalog-info.yaml`) to `itsm` records:
//! Components and Systems to Services, Resources to CIs, Groups (with their
//! members and the Users that are members of them) to Teams. What cannot be
//! mapped is reported, never guessed silently: a member's GitHub login comes
//! only from the User's `github.com/user-login` annotation or the login map.

mod records;

use super::NotYaml;
use super::logins::{ANNOTATION, LOGIN_RULE, Login, LoginMap, valid_login};
use crate::model::{Kind, is_valid_name};
use crate::value::Value;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::fmt;

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

impl Entity {
    /// Its identity: kind, namespace (`default` unless given) and name.
    pub fn id(&self) -> Ref {
        Ref::new(&self.kind, self.namespace(), &self.name)
    }

    fn namespace(&self) -> &str {
        str_at(self, &["metadata", "namespace"]).unwrap_or("default")
    }
}

/// A Backstage entity reference, `kind:namespace/name`, in lower case
/// (Backstage compares references case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ref {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl Ref {
    fn new(kind: &str, namespace: &str, name: &str) -> Ref {
        Ref {
            kind: kind.to_lowercase(),
            namespace: namespace.to_lowercase(),
            name: name.to_lowercase(),
        }
    }

    /// Parses `[kind:][namespace/]name`, with the kind and namespace that the
    /// field implies when they are left out.
    pub fn parse(text: &str, default_kind: &str, default_namespace: &str) -> Option<Ref> {
        let text = text.trim();
        let (kind, rest) = text.split_once(':').unwrap_or((default_kind, text));
        let (namespace, name) = rest.split_once('/').unwrap_or((default_namespace, rest));
        let ok = !kind.is_empty()
            && !namespace.is_empty()
            && !name.is_empty()
            && !name.contains(['/', ':']);
        ok.then(|| Ref::new(kind, namespace, name))
    }

    /// A reference as an entity writes it: a string, or `{kind, namespace, name}`.
    fn of(v: &Value, default_kind: &str, default_namespace: &str) -> Option<Ref> {
        if let Some(text) = v.as_str() {
            return Ref::parse(text, default_kind, default_namespace);
        }
        let name = v.get("name")?.as_str().filter(|n| !n.is_empty())?;
        let field = |k: &str, default: &'static str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or(default)
                .to_string()
        };
        let (kind, namespace) = (field("kind", ""), field("namespace", ""));
        Some(Ref::new(
            if kind.is_empty() { default_kind } else { &kind },
            if namespace.is_empty() {
                default_namespace
            } else {
                &namespace
            },
            name,
        ))
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}/{}", self.kind, self.namespace, self.name)
    }
}

/// Reads the Backstage entities of a YAML stream (documents whose `apiVersion`
/// starts with `backstage.io/`); other documents are counted as skipped.
pub fn parse(text: &str, source: &str) -> Result<(Vec<Entity>, usize), NotYaml> {
    let (docs, error) = crate::load::yaml::parse(text);
    if let Some(error) = error {
        return Err(NotYaml {
            file: source.to_string(),
            error,
        });
    }
    let mut entities = Vec::new();
    let mut other = 0;
    for d in docs {
        let v = d.value;
        let is_backstage = v
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|a| a.starts_with("backstage.io/"));
        let kind = v.get("kind").and_then(Value::as_str).map(str::to_string);
        let name = at(&v, &["metadata", "name"])
            .and_then(Value::as_str)
            .map(str::to_string);
        match (is_backstage, kind, name) {
            (true, Some(kind), Some(name)) => entities.push(Entity {
                kind,
                name,
                value: v,
                source: source.to_string(),
            }),
            _ => other += 1,
        }
    }
    Ok((entities, other))
}

/// Options of the conversion.
#[derive(Debug, Default)]
pub struct Options {
    /// The SLA every imported production Service is bound to.
    pub sla: Option<String>,
    /// Logins given with `--login-map`.
    pub logins: LoginMap,
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
    /// Entities whose record is already in the repository (not written; kept as
    /// the target of references).
    pub existing: Vec<String>,
    /// Entities of a kind that is mapped but that were not imported, and why.
    pub skipped: Vec<String>,
    /// Entities with no `itsm` counterpart (API, Domain, Location, Template...).
    pub unmapped: Vec<String>,
    /// Each Team member's GitHub login and where it was read: whose approvals
    /// will count for the Team.
    pub logins: Vec<String>,
    /// Group members left out of their Team for want of a known GitHub login.
    pub no_login: Vec<String>,
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
    let plan = Plan::make(entities, options, exists, &mut c);
    for (i, e) in entities.iter().enumerate() {
        if let Some(name) = plan.chosen.get(&i) {
            let planned = records::build(e, name, &plan, options, &mut c);
            c.records.push(planned);
        } else if target_kind(&e.kind).is_none() && !e.kind.eq_ignore_ascii_case("user") {
            c.unmapped.push(line(e, why_unmapped(&e.kind)));
        }
    }
    plan.unused_logins(&options.logins, &mut c);
    c
}

fn why_unmapped(kind: &str) -> &'static str {
    match kind.to_ascii_lowercase().as_str() {
        "api" => "itsm has no kind for APIs",
        "domain" => "itsm has no kind for Domains",
        "location" => "a Location only points at other files: import those files",
        "template" => "a scaffolder Template is not a service-management record",
        _ => "not a kind itsm maps",
    }
}

/// `component:default/artist-web`, as the entity spells it.
fn entity_ref(e: &Entity) -> String {
    format!(
        "{}:{}/{}",
        e.kind.to_ascii_lowercase(),
        e.namespace(),
        e.name
    )
}

/// A line of a report about an entity: the entity, its file, and what.
fn line(e: &Entity, what: impl fmt::Display) -> String {
    format!("{} ({}): {what}", entity_ref(e), e.source)
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

fn target_kind(backstage: &str) -> Option<Kind> {
    match backstage.to_ascii_lowercase().as_str() {
        "component" | "system" => Some(Kind::Service),
        "resource" => Some(Kind::Ci),
        "group" => Some(Kind::Team),
        _ => None,
    }
}

fn str_at<'v>(e: &'v Entity, path: &[&str]) -> Option<&'v str> {
    at(&e.value, path).and_then(Value::as_str)
}

/// The node at a path of keys in an entity (Backstage's format, not a record).
fn at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, key| v.get(key))
}

/// The references of a list field, each as written and as parsed (`None`
/// when it is not a reference), in the entity's namespace unless they say.
fn refs_at(e: &Entity, path: &[&str], default_kind: &str) -> Vec<(String, Option<Ref>)> {
    at(&e.value, path)
        .and_then(Value::as_seq)
        .unwrap_or_default()
        .iter()
        .map(|v| {
            let written = v
                .as_str()
                .map_or_else(|| v.to_json().to_string(), str::to_string);
            (written, Ref::of(v, default_kind, e.namespace()))
        })
        .collect()
}

/// What a reference names, once the import is planned.
enum Resolved {
    /// An entity being imported, as this record.
    Own(String),
    /// A record already in the repository.
    Existing(String),
    /// Not usable, and why (`was skipped: ...`).
    Unusable(String),
    /// Neither imported nor in the repository: the record to create.
    Missing(String),
}

/// Who owns an entity, as its `spec.owner` says.
enum Owner {
    None,
    Group(Ref),
    /// A User: its first Group.
    ViaUser(Ref, Ref),
    Problem(String),
}

/// A Group member: its User reference, the User entity when it was read, and
/// its login when one is known.
struct Member<'a> {
    user: Ref,
    entity: Option<&'a Entity>,
    login: Option<&'a Login>,
}

/// Which entities are imported under which names, and the Users' logins.
struct Plan<'a> {
    entities: &'a [Entity],
    exists: &'a dyn Fn(Kind, &str) -> bool,
    /// Entity index -> record name, for the entities imported.
    chosen: HashMap<usize, String>,
    own: HashMap<Ref, String>,
    existing: HashMap<Ref, String>,
    skipped: HashMap<Ref, String>,
    /// Record names being written, and from which entity.
    taken: HashMap<(Kind, String), Ref>,
    users: HashMap<Ref, &'a Entity>,
    logins: HashMap<Ref, Login>,
}

impl<'a> Plan<'a> {
    fn make(
        entities: &'a [Entity],
        options: &Options,
        exists: &'a dyn Fn(Kind, &str) -> bool,
        c: &mut Conversion,
    ) -> Plan<'a> {
        let mut plan = Plan {
            entities,
            exists,
            chosen: HashMap::default(),
            own: HashMap::default(),
            existing: HashMap::default(),
            skipped: HashMap::default(),
            taken: HashMap::default(),
            users: HashMap::default(),
            logins: HashMap::default(),
        };
        for u in entities
            .iter()
            .filter(|e| e.kind.eq_ignore_ascii_case("user"))
        {
            plan.users.entry(u.id()).or_insert(u);
        }
        plan.logins = read_logins(entities, &options.logins, c);
        for (i, e) in entities.iter().enumerate() {
            match target_kind(&e.kind) {
                Some(kind) if kind != Kind::Team => {
                    if let Some(name) = plan.choose(e, kind, c) {
                        plan.accept(i, e, kind, name, c);
                    }
                }
                _ => {}
            }
        }
        let owned = plan.owned_groups();
        for (i, e) in entities.iter().enumerate() {
            if target_kind(&e.kind) == Some(Kind::Team)
                && let Some(name) = plan.choose(e, Kind::Team, c)
            {
                let any_login = plan.members(e).iter().any(|m| m.login.is_some());
                if any_login || owned.contains(&e.id()) {
                    plan.accept(i, e, Kind::Team, name, c);
                } else {
                    plan.skip(e, format!("no member has a known GitHub login and nothing imported is owned by it (a Team needs a member who can approve): give its Users a {ANNOTATION} annotation or a --login-map entry and import again"), c);
                }
            }
        }
        plan
    }

    /// The record name of `e`, unless it is not imported (reported).
    fn choose(&mut self, e: &Entity, kind: Kind, c: &mut Conversion) -> Option<String> {
        let id = e.id();
        if self.own.contains_key(&id)
            || self.existing.contains_key(&id)
            || self.skipped.contains_key(&id)
        {
            c.skipped.push(line(e, "given twice: the first one counts"));
            return None;
        }
        let Some(name) = sanitise(&e.name) else {
            self.skip(e, format!("`{}` cannot be made a record name", e.name), c);
            return None;
        };
        if let Some(first) = self.taken.get(&(kind, name.clone())) {
            let why = format!("it would become {}:{name}, as {first} does", kind.id());
            self.skip(e, why, c);
            return None;
        }
        if (self.exists)(kind, &name) {
            c.existing.push(line(
                e,
                format!(
                    "{}:{name} is already in the repository: not written (references to it are kept)",
                    kind.id()
                ),
            ));
            self.existing.insert(id, name);
            return None;
        }
        Some(name)
    }

    fn accept(&mut self, i: usize, e: &Entity, kind: Kind, name: String, c: &mut Conversion) {
        if name != e.name {
            c.assumptions
                .push(format!("{}: named {}:{name}", entity_ref(e), kind.id()));
        }
        self.taken.insert((kind, name.clone()), e.id());
        self.own.insert(e.id(), name.clone());
        self.chosen.insert(i, name);
    }

    fn skip(&mut self, e: &Entity, why: String, c: &mut Conversion) {
        c.skipped.push(line(e, &why));
        self.skipped.insert(e.id(), why);
    }

    /// The Groups that own an entity being imported (directly, or through a
    /// User owner's first Group).
    fn owned_groups(&self) -> HashSet<Ref> {
        self.chosen
            .keys()
            .filter_map(|&i| match self.owner(&self.entities[i]) {
                Owner::Group(g) | Owner::ViaUser(_, g) => Some(g),
                _ => None,
            })
            .collect()
    }

    fn owner(&self, e: &Entity) -> Owner {
        let Some(v) = at(&e.value, &["spec", "owner"]) else {
            return Owner::None;
        };
        let Some(r) = Ref::of(v, "group", e.namespace()) else {
            return Owner::Problem(format!("owner {} is not an entity reference", v.to_json()));
        };
        match r.kind.as_str() {
            "group" => Owner::Group(r),
            "user" => {
                let Some(u) = self.users.get(&r) else {
                    return Owner::Problem(format!(
                        "owner {r} is a User that is not in the imported files; itsm owners are Teams"
                    ));
                };
                match refs_at(u, &["spec", "memberOf"], "group")
                    .into_iter()
                    .find_map(|(_, g)| g)
                {
                    Some(g) => Owner::ViaUser(r, g),
                    None => Owner::Problem(format!(
                        "owner {r} is a User in no Group; itsm owners are Teams"
                    )),
                }
            }
            _ => Owner::Problem(format!("owner {r} is not a Group")),
        }
    }

    fn resolve(&self, r: &Ref) -> Resolved {
        if let Some(n) = self.own.get(r) {
            return Resolved::Own(n.clone());
        }
        if let Some(n) = self.existing.get(r) {
            return Resolved::Existing(n.clone());
        }
        if let Some(why) = self.skipped.get(r) {
            return Resolved::Unusable(format!("was skipped ({why})"));
        }
        let Some(kind) = target_kind(&r.kind) else {
            return Resolved::Unusable(format!("is a {}, which itsm does not import", r.kind));
        };
        let Some(n) = sanitise(&r.name) else {
            return Resolved::Unusable("cannot be made a record name".into());
        };
        if let Some(other) = self.taken.get(&(kind, n.clone())) {
            return Resolved::Unusable(format!(
                "is not imported, and {}:{n} is made from {other}",
                kind.id()
            ));
        }
        if (self.exists)(kind, &n) {
            return Resolved::Existing(n);
        }
        Resolved::Missing(n)
    }

    /// A Group's members: its `spec.members`, then the Users whose `memberOf`
    /// names it, each once.
    fn members(&self, g: &Entity) -> Vec<Member<'_>> {
        let id = g.id();
        let mut refs: Vec<Ref> = refs_at(g, &["spec", "members"], "user")
            .into_iter()
            .filter_map(|(_, r)| r)
            .filter(|r| r.kind == "user")
            .collect();
        for u in self
            .entities
            .iter()
            .filter(|e| e.kind.eq_ignore_ascii_case("user"))
        {
            let member = refs_at(u, &["spec", "memberOf"], "group")
                .into_iter()
                .any(|(_, r)| r.as_ref() == Some(&id));
            if member {
                refs.push(u.id());
            }
        }
        let mut seen = HashSet::default();
        refs.retain(|r| seen.insert(r.clone()));
        refs.into_iter()
            .map(|user| Member {
                entity: self.users.get(&user).copied(),
                login: self.logins.get(&user),
                user,
            })
            .collect()
    }

    /// Reports the login map's entries that made nobody a Team member.
    fn unused_logins(&self, map: &LoginMap, c: &mut Conversion) {
        let mut used = HashSet::default();
        for &i in self.chosen.keys() {
            used.extend(self.members(&self.entities[i]).into_iter().map(|m| m.user));
        }
        for (user, at) in map.users() {
            if !used.contains(user) {
                c.dropped.push(format!(
                    "{at}: {user} is a member of no Group this import writes: entry unused"
                ));
            }
        }
    }
}

/// Every User's login, from the login map or else its annotation; entries of
/// the map for Users not in the files count too (a Group may list them).
fn read_logins(entities: &[Entity], map: &LoginMap, c: &mut Conversion) -> HashMap<Ref, Login> {
    let mut out = HashMap::default();
    for u in entities
        .iter()
        .filter(|e| e.kind.eq_ignore_ascii_case("user"))
    {
        let id = u.id();
        if out.contains_key(&id) {
            continue;
        }
        let annotated = str_at(u, &["metadata", "annotations", ANNOTATION]);
        if let Some(bad) = annotated.filter(|a| !valid_login(a)) {
            c.dropped.push(format!(
                "{id}: its {ANNOTATION} annotation `{bad}` is not a GitHub login ({LOGIN_RULE}): ignored"
            ));
        }
        let annotated = annotated.filter(|a| valid_login(a));
        let login = match (map.get(&id), annotated) {
            (Some(m), Some(a)) if !m.login.eq_ignore_ascii_case(a) => {
                c.assumptions.push(format!(
                    "{id}: {} says {}, its {ANNOTATION} annotation says {a}: {} is used",
                    m.from, m.login, m.login
                ));
                Some(m)
            }
            (Some(m), _) => Some(m),
            (None, Some(a)) => Some(Login {
                login: a.to_string(),
                from: format!("its {ANNOTATION} annotation"),
            }),
            (None, None) => None,
        };
        if let Some(l) = login {
            out.insert(id, l);
        }
    }
    for (user, _) in map.users() {
        if !out.contains_key(user)
            && let Some(l) = map.get(user)
        {
            out.insert(user.clone(), l);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_refs() {
        assert_eq!(sanitise("Artist_Web.v2").as_deref(), Some("artist-web-v2"));
        assert_eq!(sanitise("---"), None);
        assert_eq!(sanitise(&"a".repeat(80)).map(|s| s.len()), Some(63));
        let r = |t: &str, k: &str| Ref::parse(t, k, "ns").map(|r| r.to_string());
        assert_eq!(
            r("group:default/Team-A", "user").as_deref(),
            Some("group:default/team-a")
        );
        assert_eq!(r("team-a", "group").as_deref(), Some("group:ns/team-a"));
        assert_eq!(
            r("resource:artists-db", "component").as_deref(),
            Some("resource:ns/artists-db")
        );
        assert_eq!(r("a/b/c", "user"), None);
        assert_eq!(r("user:", "user"), None);
        let (docs, _) = crate::load::yaml::parse("{kind: Group, name: \"a/b\"}");
        assert_eq!(
            Ref::of(&docs[0].value, "user", "ns").map(|r| r.to_string()),
            Some("group:ns/a/b".into())
        );
    }
}
