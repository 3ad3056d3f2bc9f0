//! Loading: find the record files, read them (from the working tree or a git
//! revision), parse YAML and front matter, and keep every file in the source map.

pub mod locate;
pub mod yaml;
