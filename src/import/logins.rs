//! GitHub logins of Backstage Users, taken only from the `github.com/user-login`
//! annotation or an explicit login map, never guessed from a User's name: a name
//! that happens to be someone else's GitHub login would let that account approve
//! for the Team (Team `members[].login` is whom the approval gate trusts).

use super::NotYaml;
use super::backstage::Ref;
use crate::diag::Target;
use crate::load::{locate, yaml};
use crate::value::Value;
use rustc_hash::FxHashMap as HashMap;

/// The annotation Backstage documents for a User's GitHub login.
pub const ANNOTATION: &str = "github.com/user-login";

/// What a valid login looks like, for messages.
pub const LOGIN_RULE: &str =
    "letters, digits and single hyphens, not first or last, at most 39 characters";

/// Whether `s` is a GitHub login:
/// `^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$`.
pub fn valid_login(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=39).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
        && !s.contains("--")
}

/// The logins given with `--login-map FILE`: Backstage User reference to GitHub login.
#[derive(Debug, Default)]
pub struct LoginMap {
    entries: HashMap<Ref, MapEntry>,
    /// In file order, for reports.
    order: Vec<Ref>,
}

#[derive(Debug)]
struct MapEntry {
    login: String,
    /// `file:line:col` of the entry.
    at: String,
}

/// A member's login and where it was read.
#[derive(Debug, Clone)]
pub struct Login {
    pub login: String,
    /// `its github.com/user-login annotation`, `the login map (logins.yaml:3:1)`.
    pub from: String,
}

impl LoginMap {
    /// Reads a login map: one YAML mapping whose keys are User references
    /// (`user:default/jane.smith`, `default/jane.smith` or `jane.smith`, in the
    /// namespace `default` unless given) and whose values are GitHub logins.
    /// Every problem is returned, each with its position.
    pub fn parse(text: &str, source: &str) -> Result<LoginMap, Vec<MapError>> {
        let (docs, error) = yaml::parse(text);
        if let Some(error) = error {
            return Err(vec![MapError::Yaml(NotYaml {
                file: source.to_string(),
                error,
            })]);
        }
        let map = match docs.as_slice() {
            [] => Some(&[][..]),
            [d] if d.value.is_null() => Some(&[][..]),
            [d] => d.value.as_map(),
            _ => None,
        };
        let Some(map) = map else {
            return Err(vec![MapError::NotAMapping {
                file: source.to_string(),
            }]);
        };
        let pointers: Vec<String> = map
            .iter()
            .map(|(k, _)| {
                let mut p = String::new();
                locate::push_segment(&mut p, k);
                p
            })
            .collect();
        let requests: Vec<locate::Request<'_>> = pointers
            .iter()
            .map(|p| (0, p.as_str(), Target::Key))
            .collect();
        let positions = locate::locate(text, &requests);
        let mut out = LoginMap::default();
        let mut errors = Vec::new();
        for ((key, value), pos) in map.iter().zip(positions) {
            let at = pos.map_or_else(
                || source.to_string(),
                |p| format!("{source}:{}:{}", p.line, p.col),
            );
            match entry(key, value) {
                Ok((user, _)) if out.entries.contains_key(&user) => {
                    let also = out.entries[&user].at.clone();
                    errors.push(MapError::Twice { at, user, also });
                }
                Ok((user, login)) => {
                    out.order.push(user.clone());
                    out.entries.insert(user, MapEntry { login, at });
                }
                Err(why) => errors.push(MapError::Entry { at, why }),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// The login mapped to `user`.
    pub fn get(&self, user: &Ref) -> Option<Login> {
        self.entries.get(user).map(|e| Login {
            login: e.login.clone(),
            from: format!("the login map ({})", e.at),
        })
    }

    /// The mapped Users, in file order, with where each is mapped.
    pub fn users(&self) -> impl Iterator<Item = (&Ref, &str)> {
        self.order.iter().map(|r| (r, self.entries[r].at.as_str()))
    }
}

/// A problem of a login map, with where it is.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    #[error(transparent)]
    Yaml(NotYaml),
    #[error(
        "{file}: expected one mapping of Backstage User references to GitHub logins, e.g. `user:default/jane.smith: janesmith`"
    )]
    NotAMapping { file: String },
    #[error("{at}: {user} is mapped twice (also at {also})")]
    Twice { at: String, user: Ref, also: String },
    /// `at` is `file:line:col` of the entry.
    #[error("{at}: {why}")]
    Entry { at: String, why: EntryError },
}

/// What is wrong with one entry of a login map.
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    #[error(
        "`{0}` is not a User reference (`user:default/jane.smith`, `default/jane.smith` or `jane.smith`)"
    )]
    NotAUser(String),
    #[error("{0}: the GitHub login must be a string (quote it)")]
    NotAString(Ref),
    #[error("{user}: `{login}` is not a GitHub login ({LOGIN_RULE})")]
    NotALogin { user: Ref, login: String },
}

fn entry(key: &str, value: &Value) -> Result<(Ref, String), EntryError> {
    let user = Ref::parse(key, "user", "default")
        .filter(|r| r.kind == "user")
        .ok_or_else(|| EntryError::NotAUser(key.to_string()))?;
    let Some(login) = value.as_str() else {
        return Err(EntryError::NotAString(user));
    };
    if !valid_login(login) {
        let login = login.to_string();
        return Err(EntryError::NotALogin { user, login });
    }
    Ok((user, login.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_follow_githubs_rules() {
        for ok in ["a", "A1", "jane-smith", "x-y-z", &"a".repeat(39)] {
            assert!(valid_login(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "jane.smith",
            "jane_smith",
            "é",
            "user:x",
            &"a".repeat(40),
        ] {
            assert!(!valid_login(bad), "{bad}");
        }
    }

    fn shown(parsed: Result<LoginMap, Vec<MapError>>) -> Vec<String> {
        parsed
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_login_map_is_checked_entry_by_entry() {
        let map = LoginMap::parse(
            "user:default/Jane.Smith: janesmith\nother/bob: bob-j\nguest: octo\n",
            "m.yaml",
        )
        .unwrap();
        let jane = Ref::parse("jane.smith", "user", "default").unwrap();
        assert_eq!(map.get(&jane).unwrap().login, "janesmith");
        assert_eq!(map.get(&jane).unwrap().from, "the login map (m.yaml:1:1)");
        let bob = Ref::parse("user:other/bob", "user", "default").unwrap();
        assert_eq!(map.get(&bob).unwrap().login, "bob-j");
        assert!(
            map.get(&Ref::parse("bob", "user", "default").unwrap())
                .is_none()
        );
        let errors = shown(LoginMap::parse(
            "group:ops: a\njane: -bad\njoe: 12\nJane: x\nx/y/z: a\n",
            "m.yaml",
        ));
        assert_eq!(
            errors,
            [
                "m.yaml:1:1: `group:ops` is not a User reference (`user:default/jane.smith`, `default/jane.smith` or `jane.smith`)",
                "m.yaml:2:1: user:default/jane: `-bad` is not a GitHub login (letters, digits and single hyphens, not first or last, at most 39 characters)",
                "m.yaml:3:1: user:default/joe: the GitHub login must be a string (quote it)",
                "m.yaml:5:1: `x/y/z` is not a User reference (`user:default/jane.smith`, `default/jane.smith` or `jane.smith`)",
            ]
        );
        assert_eq!(
            shown(LoginMap::parse("jane: a\nuser:default/JANE: b\n", "m.yaml")),
            ["m.yaml:2:1: user:default/jane is mapped twice (also at m.yaml:1:1)"]
        );
        assert_eq!(
            shown(LoginMap::parse("- a\n", "m.yaml")),
            [
                "m.yaml: expected one mapping of Backstage User references to GitHub logins, e.g. `user:default/jane.smith: janesmith`"
            ]
        );
        assert_eq!(shown(LoginMap::parse("a: [\n", "m.yaml")).len(), 1);
        assert!(
            LoginMap::parse("", "m.yaml")
                .unwrap()
                .users()
                .next()
                .is_none()
        );
    }
}
