//! The search index: built at build time from the same text the pages show, written as JSON
//! files that a small browser script reads (format: docs/SEARCH-INDEX.md), and patched in place
//! by `serve` when one resource changes. The only module that knows the index format.

pub mod codec;
mod incremental;
mod index;
mod offline;
pub mod script;
pub mod tokenize;
pub mod variants;

pub use incremental::{IndexPatch, IndexState, Rearrangement};
pub use index::{IndexFile, SearchDocument, build};

/// Where the manifest lives, relative to the output root.
pub const MANIFEST_PATH: &str = "search/manifest.json";

/// `manifest.json`'s `version`: the browser refuses any other.
pub const FORMAT_VERSION: u32 = 4;
