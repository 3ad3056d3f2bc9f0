//! itsm: IT service management kept as code.
//!
//! The pipeline: [`load`] -> [`schema`] -> [`link`] -> [`checks`] -> [`output`].

pub mod checks;
pub mod config;
pub mod diag;
pub mod iso20000;
pub mod link;
pub mod load;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod scaffold;
pub mod schema;
pub mod site;
pub mod source;
pub mod time;
pub mod value;
