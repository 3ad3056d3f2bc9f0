//! itsm: IT service management kept as code.
//!
//! The pipeline: [`load`] -> [`schema`] -> [`link`] -> [`checks`] -> [`output`].

pub mod approvals;
pub mod audit;
pub mod capacity;
pub mod checks;
pub mod config;
pub mod cost;
pub mod diag;
pub mod diff;
pub mod export;
pub mod framework;
pub mod freeze;
pub mod github;
pub mod html;
pub mod impact;
pub mod import;
pub mod intake;
pub mod iso20000;
pub mod link;
pub mod load;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod site;
pub mod source;
pub mod suggest;
pub mod time;
pub mod value;
