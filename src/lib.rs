//! Lectern: a static site generator for curriculum and teaching resources.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! `config::load → content::load → catalog::assemble → markdown::render_all → theme → search → output`.

// A `Diagnostic` is the error of most fallible steps; it travels only on the error path, once
// per problem, so its size does not matter and boxing it would only add noise.
#![allow(clippy::result_large_err)]

/// `eprintln!` that never panics: a command whose stderr pipe is gone (`lectern init x 2>&1 |
/// head -c1`, or a server whose parent died) must still finish its work and exit normally.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}
pub(crate) use say;

pub mod bodies;
pub mod build;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod content;
pub mod coverage;
pub mod diagnostics;
pub mod digest;
pub mod feeds;
pub mod markdown;
pub mod output;
pub mod pack;
pub mod progress;
pub mod refresh;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod slug;
pub mod theme;
pub mod url;
pub mod vtt;
pub mod weight;
pub mod yaml;
