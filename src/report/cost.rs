//! `itsm report cost`: the cost allocation of [`crate::cost`], rendered.

mod render;

pub use crate::cost::*;
pub use render::{render_csv, render_human, render_json, render_markdown};
