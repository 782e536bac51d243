//! The search index: built at build time from the same text the pages show, written as JSON
//! files that a small browser script reads (format: docs/SEARCH-INDEX.md), and patched in place
//! by `serve` when one resource changes. The only module that knows the index format.

pub mod codec;
mod cost;
mod documents;
mod incremental;
mod index;
mod offline;
pub mod pinyin;
pub mod query_words;
pub mod script;
pub mod suggest;
pub mod tokenize;
pub mod variants;

pub use cost::{first_query, query_files};
pub use documents::{document, documents, index_topics};
pub use incremental::{IndexPatch, IndexState, Rearrangement};
pub use index::{Built, EarlyWriter, IndexFile, IndexStream, SearchDocument, build};
pub use offline::package_scripts;

/// A document's number in the index: the catalog's order (newest first) reversed, so that a
/// new resource — usually the newest — takes the next number and every other document keeps
/// its own. The one place the two orders meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocNumber(usize);

impl DocNumber {
    /// The number of the resource at `place` in a catalog of `count`.
    pub fn of(place: crate::catalog::Place, count: usize) -> DocNumber {
        DocNumber(count - 1 - place.get())
    }

    pub fn get(self) -> usize {
        self.0
    }

    /// The catalog's items (in its order) in document-number order.
    pub fn order<T, I: DoubleEndedIterator<Item = T>>(catalog_order: I) -> std::iter::Rev<I> {
        catalog_order.rev()
    }
}

/// Where the manifest lives, relative to the output root.
pub const MANIFEST_PATH: &str = "search/manifest.json";

/// `manifest.json`'s `version`: the browser refuses any other.
pub const FORMAT_VERSION: u32 = 7;
