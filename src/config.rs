//! The repository config, `itsm.yaml` at the root.

use crate::diag::{Code, Diagnostic, Target};
use crate::source::FileId;
use crate::value::Value;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// The file that marks a repository root.
pub const CONFIG_FILE: &str = "itsm.yaml";

/// The settings of `itsm.yaml`. Read leniently: a field of the wrong type is
/// reported by the schema stage and falls back to its default here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Site title.
    pub name: String,
    /// `owner/repo` on GitHub.
    pub github: Option<String>,
    /// Team that approves records without an owner.
    pub admins: Option<String>,
    /// Change advisory board.
    pub cab: Option<String>,
    /// Emergency change advisory board.
    pub ecab: Option<String>,
    /// Site output folder, relative to the root.
    pub site_out: String,
    pub base_url: String,
    /// Globs of paths (relative, `/`-separated) to skip.
    pub exclude: Vec<String>,
    /// Globs of paths (relative, `/`-separated) whose changes need `admins` in
    /// the approval gate, beyond the built-in ones.
    pub protected: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            name: "IT services".into(),
            github: None,
            admins: None,
            cab: None,
            ecab: None,
            site_out: "site".into(),
            base_url: "/".into(),
            exclude: Vec::new(),
            protected: Vec::new(),
        }
    }
}

impl Config {
    /// Reads the config from the parsed `itsm.yaml`.
    pub fn from_value(value: &Value) -> Config {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let mut config = Config::default();
        if let Some(name) = text(value.get("name")) {
            config.name = name;
        }
        config.github = text(value.get("github"));
        config.admins = text(value.get("admins"));
        config.cab = text(value.get("cab"));
        config.ecab = text(value.get("ecab"));
        if let Some(site) = value.get("site") {
            if let Some(out) = text(site.get("out")) {
                config.site_out = out;
            }
            if let Some(base) = text(site.get("baseUrl")) {
                config.base_url = base;
            }
        }
        let list = |key: &str| match value.get(key) {
            Some(Value::Seq(items)) => items.iter().filter_map(|v| text(Some(v))).collect(),
            _ => Vec::new(),
        };
        config.exclude = list("exclude");
        config.protected = list("protected");
        config
    }

    /// Reports each `protected:` glob that does not compile as a `schema` error.
    pub fn check_protected(&self, config_file: Option<FileId>, diags: &mut Vec<Diagnostic>) {
        for (i, pattern) in self.protected.iter().enumerate() {
            if let Err(e) = Glob::new(pattern) {
                let mut d = Diagnostic::new(
                    Code::Schema,
                    format!("`{pattern}` is not a valid glob: {}", e.kind()),
                );
                if let Some(file) = config_file {
                    d = d.at(file, 0, format!("/protected/{i}"), Target::Value);
                }
                diags.push(d);
            }
        }
    }

    /// The site output folder as a relative path with `/` separators, without `./`.
    pub fn site_dir(&self) -> String {
        self.site_out
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_string()
    }
}

/// Globs of paths relative to the root, as `protected:` takes them: a path
/// matches when a glob matches it or one of its folders.
pub struct Globs {
    set: GlobSet,
    patterns: Vec<String>,
    /// A glob that does not compile: it matches every path (fail closed).
    invalid: Option<String>,
}

impl Globs {
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a String>) -> Globs {
        let mut builder = GlobSetBuilder::new();
        let (mut kept, mut invalid) = (Vec::new(), None);
        for pattern in patterns {
            match Glob::new(pattern) {
                Ok(glob) => {
                    builder.add(glob);
                    kept.push(pattern.clone());
                }
                Err(_) => {
                    invalid.get_or_insert_with(|| pattern.clone());
                }
            }
        }
        let set = builder.build().unwrap_or_else(|_| {
            invalid.get_or_insert_with(|| kept.join(", "));
            GlobSet::empty()
        });
        Globs {
            set,
            patterns: kept,
            invalid,
        }
    }

    /// The glob that matches `path` or one of its folders (an invalid glob
    /// matches every path).
    pub fn matching(&self, path: &str) -> Option<&str> {
        if let Some(invalid) = &self.invalid {
            return Some(invalid);
        }
        let mut at = path;
        loop {
            if let Some(&i) = self.set.matches(at).first() {
                return self.patterns.get(i).map(String::as_str);
            }
            at = &at[..at.rfind('/')?];
        }
    }
}

/// The nearest folder at or above `start` that holds `itsm.yaml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::parse;

    fn value(text: &str) -> Value {
        parse(text).0.remove(0).value
    }

    #[test]
    fn reads_fields_and_defaults() {
        let c = Config::from_value(&value(
            "{name: Acme, cab: cab, site: {out: ./public/}, exclude: [drafts/**, 3]}",
        ));
        assert_eq!(c.name, "Acme");
        assert_eq!(c.cab.as_deref(), Some("cab"));
        assert_eq!(c.site_dir(), "public");
        assert_eq!(c.base_url, "/");
        assert_eq!(c.exclude, vec!["drafts/**"]);
        assert_eq!(Config::from_value(&Value::Null), Config::default());
    }

    #[test]
    fn protected_globs_match_paths_and_their_folders() {
        let c = Config::from_value(&value("{protected: [scripts, \"ops/*.sh\"]}"));
        let globs = Globs::new(&c.protected);
        assert_eq!(globs.matching("scripts/deploy/run.sh"), Some("scripts"));
        assert_eq!(globs.matching("ops/a.sh"), Some("ops/*.sh"));
        assert_eq!(globs.matching("docs/x.txt"), None);
        assert_eq!(globs.matching("scriptsx"), None);
        let broken = vec!["[".to_string()];
        assert_eq!(Globs::new(&broken).matching("docs/x.txt"), Some("["));
        let mut diags = Vec::new();
        Config::from_value(&value("{protected: [ok, \"[\"]}")).check_protected(None, &mut diags);
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].message.contains("`[` is not a valid glob"),
            "{}",
            diags[0].message
        );
    }
}
