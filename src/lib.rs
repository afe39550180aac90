//! touchbase: a folder of client notes in, a checked model and a static report site out.
//!
//! The pipeline, one module a stage: `discover` (find note files) → `parse` (front
//! matter and contact log) → `model` (what a note means) → `analyse` (cadence and
//! history as of `today`, pure) → `render` (HTML pages and SVG charts) → `write`
//! (build aside, then swap in). `diag` carries the problems found along the way;
//! `fresh` tells, before any of that, whether the site already is what a build would
//! write.

pub mod analyse;
pub mod config;
pub mod diag;
pub mod diag_zh;
pub mod discover;
pub mod edit;
pub mod fresh;
#[doc(hidden)]
pub mod fuzzing;
pub mod init;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;
pub mod report;
pub mod schema;
pub mod serve;
pub mod suggest;
pub mod timings;
pub mod workspace;
pub mod write;
