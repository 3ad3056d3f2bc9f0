//! itsm: IT service management kept as code.
//!
//! The pipeline: [`load`] -> [`schema`] -> [`link`] -> [`checks`] -> [`output`].

pub mod diag;
pub mod load;
pub mod model;
pub mod source;
pub mod config;
pub mod schema;
pub mod link;
pub mod time;
pub mod value;
pub mod checks;
pub mod output;
pub mod pipeline;
pub mod scaffold;
