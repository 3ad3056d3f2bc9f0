//! The repository config, `itsm.yaml` at the root.

use crate::value::Value;
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
        if let Some(Value::Seq(items)) = value.get("exclude") {
            config.exclude = items.iter().filter_map(|v| text(Some(v))).collect();
        }
        config
    }

    /// The site output folder as a relative path with `/` separators, without `./`.
    pub fn site_dir(&self) -> String {
        self.site_out
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_string()
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
}
