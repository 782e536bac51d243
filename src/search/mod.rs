//! The search index: built at build time from the same text the pages show, written as JSON
//! files that a small browser script reads (format: docs/SEARCH-INDEX.md). The only module that
//! knows the index format.

pub mod codec;
mod index;
pub mod tokenize;
pub mod variants;

pub use index::{IndexFile, SearchDocument, build};

/// Where the manifest lives, relative to the output root.
pub const MANIFEST_PATH: &str = "search/manifest.json";
