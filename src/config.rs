//! The repository config, `itsm.yaml` at the root.

use crate::diag::{Code, Diagnostic, Target};
use crate::freeze::{Freeze, FreezeEntry};
use crate::model::decode::{Decode, spec_struct};
use crate::model::{Ref, Team};
use crate::source::FileId;
use crate::time::Duration;
use crate::value::{Text, Value};
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
    /// How often each requirement a Policy addresses needs a done internal Audit.
    pub audits_every: Duration,
    /// How often a ManagementReview must be held.
    pub management_review_every: Duration,
    /// The highest Risk score (likelihood x impact) accepted without treatment.
    pub risk_appetite: u32,
    /// The currency reports use by default (ISO 4217).
    pub currency: String,
    /// Change freezes, in the order written (those with a start before their end).
    pub freezes: Vec<Freeze>,
}

/// Twelve months: the default audit and management review interval.
const TWELVE_MONTHS: Duration = Duration {
    amount: 12,
    unit: crate::time::Unit::Months,
};

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
            audits_every: TWELVE_MONTHS,
            management_review_every: TWELVE_MONTHS,
            risk_appetite: 12,
            currency: "EUR".into(),
            freezes: Vec::new(),
        }
    }
}

impl Config {
    /// Reads the config from the parsed `itsm.yaml`.
    pub fn from_value(value: &Value) -> Config {
        let file = ConfigFile::decode(value).unwrap_or_default();
        let text = |t: Option<Text>| t.map(|t| t.to_string());
        let written = |r: Option<Ref<Team>>| r.map(|r| r.as_written().to_string());
        let defaults = Config::default();
        let site = file.site.unwrap_or_default();
        let list = |items: Box<[Text]>| items.iter().map(|t| t.to_string()).collect();
        Config {
            name: text(file.name).unwrap_or(defaults.name),
            github: text(file.github),
            admins: written(file.admins),
            cab: written(file.cab),
            ecab: written(file.ecab),
            site_out: text(site.out).unwrap_or(defaults.site_out),
            base_url: text(site.base_url).unwrap_or(defaults.base_url),
            exclude: list(file.exclude),
            protected: list(file.protected),
            audits_every: file
                .audits
                .and_then(|a| a.every)
                .unwrap_or(defaults.audits_every),
            management_review_every: file
                .management_review
                .and_then(|a| a.every)
                .unwrap_or(defaults.management_review_every),
            risk_appetite: file
                .risk
                .and_then(|r| r.appetite)
                .unwrap_or(defaults.risk_appetite),
            currency: text(file.currency).unwrap_or(defaults.currency),
            freezes: crate::freeze::from_entries(&file.freezes),
        }
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

    /// Reports each freeze of `value` (the parsed `itsm.yaml`) whose end is not
    /// after its start as `invalid-window`.
    pub fn check_freezes(value: &Value, config_file: Option<FileId>, diags: &mut Vec<Diagnostic>) {
        if let Some(file) = ConfigFile::decode(value) {
            crate::freeze::check(&file.freezes, config_file, diags);
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

spec_struct! {
    @shared
    /// The repository configuration `itsm.yaml` at the root of an itsm repository (not a record).
    #[schemars(title = "itsm repository config")]
    pub struct ConfigFile {
        /// Site title (e.g. `Acme IT services`).
        "name" => name: Option<Text>,
        /// The GitHub repository as `owner/repo`, for links and the approval gate (e.g.
        /// `acme/itsm`).
        #[schemars(regex(pattern = r"^[A-Za-z0-9-]+/[A-Za-z0-9_.-]+$"))]
        "github" => github: Option<Text>,
        /// The Team that approves records without an owner: a Team name, bare or full form (e.g.
        /// `itsm-office`).
        "admins" => admins: Option<Ref<Team>>,
        /// The change advisory board Team that approves high-risk or tier-1 normal Changes (e.g.
        /// `cab`).
        "cab" => cab: Option<Ref<Team>>,
        /// The emergency change advisory board Team that approves emergency Changes (e.g. `ecab`).
        "ecab" => ecab: Option<Ref<Team>>,
        /// Static site options `{out, baseUrl}` (e.g. `{out: site, baseUrl: /}`).
        "site" => site: Option<SiteOptions>,
        /// Glob patterns, relative to the repository root, of files and folders that discovery
        /// skips (e.g. `[drafts/**, vendor/**]`).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "exclude" => exclude: Box<[Text]>,
        /// Glob patterns, relative to the repository root, of files and folders whose changes the
        /// approval gate sends to `admins`, besides `itsm.yaml`, `theme/` and `.github/` (e.g.
        /// `[scripts/**, Makefile]`); a glob that names a folder covers everything in it.
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        "protected" => protected: Box<[Text]>,
        /// Internal audits: `{every}`, how often each requirement a Policy addresses needs a done
        /// internal Audit with it in scope (default `12mo`; `audit-overdue`).
        "audits" => audits: Option<Every>,
        /// Management reviews: `{every}`, how often one must be held (default `12mo`;
        /// `management-review-overdue`).
        "managementReview" => management_review: Option<Every>,
        /// Risk management: `{appetite}`, the highest score (likelihood x impact) accepted without
        /// an `acceptedBy` (default 12; `risk-acceptance`).
        "risk" => risk: Option<RiskOptions>,
        /// The currency reports use by default, an ISO 4217 code (default `EUR`).
        #[schemars(regex(pattern = r"^[A-Z]{3}$"), extend("default" = "EUR"))]
        "currency" => currency: Option<Text>,
        /// Change freezes: periods `{start, end, reason}` when no Change should be implemented
        /// (`change-in-freeze`), shaded on the site's change calendar (at most 100).
        #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
        #[schemars(length(max = 100))]
        "freezes" => freezes: Box<[FreezeEntry]>,
    }
}

spec_struct! {
    /// How often something must happen.
    pub struct Every {
        /// The interval (default `12mo`).
        #[schemars(extend("default" = "12mo"))]
        "every" => every: Option<Duration>,
    }
}

spec_struct! {
    /// Risk management options.
    pub struct RiskOptions {
        /// The highest Risk score (likelihood x impact, 1 to 25) accepted without an `acceptedBy`
        /// (default 12).
        #[schemars(range(min = 1, max = 25), extend("default" = 12))]
        "appetite" => appetite: Option<u32>,
    }
}

spec_struct! {
    /// The options of the static site.
    pub struct SiteOptions {
        /// Output folder for the generated site, relative to the repository root (default `site`);
        /// discovery skips it.
        #[schemars(extend("default" = "site"))]
        "out" => out: Option<Text>,
        /// URL path the site is served under (default `/`; e.g. `/itsm/` for GitHub Pages).
        #[schemars(extend("default" = "/"))]
        "baseUrl" => base_url: Option<Text>,
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
