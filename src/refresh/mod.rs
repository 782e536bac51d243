//! Patching the served site after a save, for `serve`, instead of building it again.
//!
//! One rule decides what to write: the saved files are read again (`saved`), the site is
//! assembled anew from the records in memory and the bodies that can differ are rendered again
//! (`next`), then every page's view is hashed (`theme::pages`) and only the pages whose digest
//! changed are rendered and written; pages that no longer exist are removed. So a field added
//! to a view is picked up with no change here. The search index is patched by moving its
//! documents (`index`). The result is byte for byte what `lectern build` writes
//! (tests/suite/incremental.rs).
//!
//! A save that changes only bodies, no front matter, takes a shorter way (`body`): the
//! catalog stays, and only those bodies' pages and search documents are made again.
//!
//! Everything is computed before anything is committed: the served site, its digests and its
//! cards change only once the patch is on disk. The one exception is the search index's state,
//! which `IndexState::rearrange` changes in place (copying its postings would cost more than
//! the rest of the patch); after any decline `serve` replaces the whole `Served` with a full
//! build's, so a half-rearranged index is never used. A save that cannot be patched is declined
//! with its reason (`Decline`), and `serve` builds everything.

mod body;
mod index;
mod next;
mod saved;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use crate::build::{BuildOptions, Site};
use crate::feeds;
use crate::output::{Patch, apply_patch};
use crate::search::IndexState;
use crate::theme::views::CardMemo;
use crate::theme::{Digests, Pages};

/// The site `serve` is showing, and what it needs to patch it: every output file's digest and
/// the search index's postings. Made by a full build; replaced by the next one.
pub struct Served {
    pub site: Site,
    pub digests: Digests,
    pub index: IndexState,
    /// The cards of the last patch, reused where their record is the same.
    pub cards: CardMemo,
}

impl Served {
    /// What a full build for `serve` hands over (see `build::Handover::Serve`).
    pub fn new(site: Site, digests: Digests, index: IndexState) -> Served {
        Served {
            site,
            digests,
            index,
            cards: CardMemo::default(),
        }
    }
}

/// Why a save was not patched: `serve` builds everything instead (and says why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decline {
    /// `site.yaml` changed: every page may differ.
    SiteConfig,
    /// A template, a theme file or a UI string changed.
    Theme(String),
    /// A hidden or temporary file, which a full build skips.
    Ignored(String),
    /// A file outside the folders Lectern reads.
    NotContent(String),
    /// A file deleted that the site never had.
    Unknown(String),
    /// A folder made, renamed or copied in under content/.
    Folder(String),
    /// A file that is, or lies in a folder that is, a symbolic link: a full build skips it.
    Link(String),
    /// A file, or the site as it now is, has a problem (a full build reports all of them).
    Problem(String),
    /// An asset deleted that a resource's front matter still names.
    AssetStillNamed(String),
    /// The search index outgrew its number of files.
    IndexResized,
    /// The served folder could not be written.
    Write(String),
    /// The last build failed: there is no good site to patch.
    LastBuildFailed,
    /// The watcher lost events (too many changes at once): which files changed is unknown.
    EventsLost,
}

impl std::fmt::Display for Decline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Decline::SiteConfig => write!(f, "site.yaml changed"),
            Decline::Theme(file) => write!(f, "a theme file changed: {file}"),
            Decline::Ignored(file) => write!(f, "{file} is a hidden or temporary file"),
            Decline::NotContent(file) => write!(f, "{file} is not in a folder Lectern reads"),
            Decline::Unknown(file) => write!(f, "{file} was deleted before the site had it"),
            Decline::Folder(file) => write!(f, "the folder {file} was made or renamed"),
            Decline::Link(file) => write!(f, "{file} is a symbolic link, which a build skips"),
            Decline::Problem(what) => write!(f, "{what}"),
            Decline::AssetStillNamed(file) => {
                write!(f, "{file} was deleted but front matter still names it")
            }
            Decline::IndexResized => write!(f, "the search index needs another number of files"),
            Decline::Write(why) => write!(f, "cannot write the served folder: {why}"),
            Decline::LastBuildFailed => write!(f, "the last build failed"),
            Decline::EventsLost => write!(
                f,
                "too many files changed at once for the system to say which"
            ),
        }
    }
}

/// What a refresh wrote: the output files (pages, feeds, assets), the saved resources' own
/// pages first, and whether the search index changed.
#[derive(Debug)]
pub struct Refreshed {
    pub pages: Vec<String>,
    pub search_index: bool,
    /// Taken the short way of a save that changed bodies only (`body`).
    pub bodies_only: bool,
}

/// Patch the served folder `out` for the `changed` files, or say why not. `lock` is the one the
/// server reads under.
pub fn refresh(
    served: &mut Served,
    options: &BuildOptions,
    out: &Path,
    lock: &RwLock<u64>,
    changed: &[PathBuf],
) -> Result<Refreshed, Decline> {
    let root = std::fs::canonicalize(&options.root)
        .map_err(|e| Decline::Problem(format!("cannot read the site folder: {e}")))?;
    let saved = saved::read(&served.site, options, &root, changed)?;
    if let Some(edits) = body::edits(served, &saved) {
        return body::refresh(served, out, lock, edits);
    }
    let next = next::assemble(&served.site, &saved)?;
    let Served {
        site,
        digests: before,
        index,
        cards,
    } = served;
    // Pages and search index are independent: each takes a core while the other waits on
    // its sequential parts.
    let (pages, index_patch) = rayon::join(
        || changed_pages(site, cards, before, &next),
        || index::patch(site, index, &next, &saved),
    );
    let (mut patch, digests, cards) = pages?;
    let index_patch = index_patch?;
    let gone = before.keys().filter(|file| !digests.contains_key(*file));
    patch.removals.extend(gone.cloned());
    saved.add_assets(&mut patch);
    let search_index = !index_patch.files.is_empty();
    let shown = log_order(&patch, &next, &saved);
    merge(&mut patch, index_patch);
    apply_patch(out, &patch, Some(lock)).map_err(|d| Decline::Write(d.message))?;
    next.commit(&mut served.site);
    served.cards = cards;
    served.digests = digests;
    Ok(Refreshed {
        pages: shown,
        search_index,
        bodies_only: false,
    })
}

/// The pages, feed and sitemap whose digest differs from `before`, rendered; every output
/// file's digest; the cards, for the next patch to reuse.
fn changed_pages(
    site: &Site,
    cards: &CardMemo,
    before: &Digests,
    next: &next::Next,
) -> Result<(Patch, Digests, CardMemo), Decline> {
    let input = next.input(site);
    let pages = Pages::reusing(&site.theme, &input, cards);
    let (mut digests, rendered) = pages
        .render_changed(before)
        .map_err(|problem| Decline::Problem(problem.message))?;
    let mut patch = Patch {
        files: rendered,
        ..Patch::default()
    };
    let changed = |file: &str, digest: u64| before.get(file) != Some(&digest);
    for (file, digest, text) in feeds::feeds(input.config, input.catalog, digests.keys(), changed) {
        if let Some(text) = text {
            patch.files.push((file.to_string(), text.into_bytes()));
        }
        digests.insert(file.to_string(), digest);
    }
    Ok((patch, digests, pages.card_memo()))
}

/// The files written and copied, for the log: the saved resources' own pages first (it names
/// only the first few).
fn log_order(patch: &Patch, next: &next::Next, saved: &saved::Saved) -> Vec<String> {
    let own: BTreeSet<String> = next
        .catalog
        .resources
        .iter()
        .filter(|r| saved.dirty.contains(&r.origin.file))
        .map(|r| format!("{}index.html", crate::catalog::resource_path(r)))
        .collect();
    let mut shown: Vec<String> = patch.files.iter().map(|(file, _)| file.clone()).collect();
    shown.sort_by_key(|file| !own.contains(file));
    shown.extend(patch.copies.iter().map(|(file, _)| file.clone()));
    shown
}

fn merge(patch: &mut Patch, other: Patch) {
    patch.moves.extend(other.moves);
    patch.files.extend(other.files);
    patch.removals.extend(other.removals);
    patch.copies.extend(other.copies);
}

/// `path` relative to `root`, `/`-separated; `None` outside it.
fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}
