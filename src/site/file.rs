//! The files of the site: where each record's page goes, and the files as
//! they are rendered.

use super::write::WriteError;
use crate::model::{RecordId, is_valid_name};

/// One file of the site: its path relative to the site root (`/`-separated) and
/// its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Where each file goes as soon as it is rendered (called from several threads).
pub type Sink<'s> = &'s (dyn Fn(File) -> Result<(), WriteError> + Sync);

/// Runs `render` with a sink that keeps the files: they come back sorted by path.
pub(super) fn collect<T, E>(
    render: impl FnOnce(Sink<'_>) -> Result<T, E>,
) -> Result<(Vec<File>, T), E> {
    let files = std::sync::Mutex::new(Vec::new());
    let out = render(&|f| {
        files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok(())
    })?;
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    Ok((files, out))
}

/// The path of a record's page, relative to the site root. Names are validated
/// by the schema; anything else is encoded so that it stays one path component.
pub fn page_path(id: &RecordId) -> String {
    format!("{}/{}.html", id.kind.id(), file_stem(&id.name))
}

/// A name as a safe file name: valid names unchanged, other bytes as `_xx`
/// (and a Windows device name, which the schemas refuse, behind a `_`).
pub fn file_stem(name: &str) -> String {
    if is_valid_name(name) && !is_device_name(name) {
        return name.to_string();
    }
    let mut out = String::from("_");
    for b in name.bytes() {
        if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' {
            out.push(b as char);
        } else {
            out.push_str(&format!("_{b:02x}"));
        }
    }
    out
}

/// Whether `name` is one Windows keeps for a device (`con`, `nul`, `com1`, ...):
/// no file can have it there, whatever its extension.
pub fn is_device_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let numbered = |prefix: &str| {
        lower
            .strip_prefix(prefix)
            .is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit())
    };
    ["con", "prn", "aux", "nul"].contains(&lower.as_str()) || numbered("com") || numbered("lpt")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    #[test]
    fn page_paths_are_one_component() {
        assert_eq!(
            page_path(&RecordId::new(Kind::Service, "ledger")),
            "service/ledger.html"
        );
        assert_eq!(
            page_path(&RecordId::new(Kind::StandardChange, "../../x")),
            "standard-change/__2e_2e_2f_2e_2e_2fx.html"
        );
        assert_eq!(file_stem("a/b"), "_a_2fb");
        assert_eq!(file_stem("con"), "_con");
        assert_eq!(file_stem("com1"), "_com1");
        assert_eq!(file_stem("com10"), "com10");
        assert_eq!(file_stem("console"), "console");
    }
}
