//! Patching the served site after a save, for `serve`, instead of building it again. A saved
//! lesson, video or review whose place in the site is unchanged (kind, id, date, grades,
//! course, topics, links) is re-read alone; then its own page is rendered again — or, when what
//! other pages show of it changed (its title, summary…), also the pages that show its card: the
//! resources linked to it, the home page, the listing pages it is on and the feed — and the
//! search index is patched (the posting lists of the terms whose frequency changed, its record,
//! the facet file). A new, deleted or moved resource or asset, or an edited video catalog, goes
//! to `restructure`; a free page's body or a replaced asset to `pages_and_assets`. The result
//! is the site a full build of the same files writes, byte for byte (tests/suite/incremental.rs).
//! Anything else — site.yaml, a template, a free page's title, a file with problems — is left
//! to a full build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::build::{
    BuildOptions, Site, asset_set, index_topics, missing_fragments, render_resource_body,
    search_document, search_number,
};
use crate::content::{self, Detail, Resource};
use crate::markdown::Rendered;
use crate::output::{Patch, apply_patch};
use crate::search::IndexPatch;
use crate::theme::pages::{render_resource, render_showing};
use crate::theme::views;

mod pages_and_assets;
mod restructure;

/// Newest resources in the feed (see `feeds::atom`).
const FEED_ENTRIES: usize = 30;

/// How far an edit reaches.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Only the resource's own page shows what changed.
    OwnPage,
    /// Its card changed too: every page showing the card.
    Card,
}

/// Patch the output for the `changed` files if that is enough; `None` means "build everything"
/// (and `site` may then be half-updated: replace it with the full build's). Returns the paths
/// of the pages it replaced.
pub fn refresh(site: &mut Site, options: &BuildOptions, changed: &[PathBuf]) -> Option<Refreshed> {
    let root = std::fs::canonicalize(&options.root).ok()?;
    // What a full build skips (hidden files, editor temporaries) only a full build can judge;
    // the watcher never reports such paths, but a caller might.
    let skipped = |path: &PathBuf| {
        relative(&root, path).is_none_or(|rel| rel.split('/').any(content::is_ignored))
    };
    if changed.iter().any(skipped) {
        return None;
    }
    if pages_and_assets::applies(site, &root, changed) {
        return pages_and_assets::refresh(site, options, &root, changed);
    }
    let pages = match edits_in_place(site, options, &root, changed) {
        Some(edits) => patch_in_place(site, options, edits),
        None => restructure::restructure(site, options, &root, changed),
    }?;
    Some(Refreshed {
        pages,
        search_index: true,
    })
}

/// What a refresh wrote: the output files (pages, feeds, assets), and whether it patched the
/// search index too.
#[derive(Debug)]
pub struct Refreshed {
    pub pages: Vec<String>,
    pub search_index: bool,
}

/// One saved resource that stays in its place: its number, new record and body, and reach.
type InPlace = (usize, Resource, Rendered, Reach);

/// The edits, if every changed file is a resource that stays in its place.
fn edits_in_place(
    site: &Site,
    options: &BuildOptions,
    root: &Path,
    changed: &[PathBuf],
) -> Option<Vec<InPlace>> {
    let assets = asset_set(&site.catalog);
    let mut edits = Vec::new();
    for path in changed {
        let rel = relative(root, path)?;
        let n = site
            .catalog
            .resources
            .iter()
            .position(|r| r.origin.file == rel)?;
        let fresh = content::reread_resource(root, &rel, &site.config, &assets, options.drafts)?;
        let reach = reach(&site.catalog.resources[n], &fresh)?;
        let (rendered, warnings) =
            render_resource_body(&site.config, &site.catalog, &assets, &fresh);
        if !warnings.is_empty() {
            return None;
        }
        edits.push((n, fresh, rendered, reach));
    }
    Some(edits)
}

fn patch_in_place(
    site: &mut Site,
    options: &BuildOptions,
    edits: Vec<InPlace>,
) -> Option<Vec<String>> {
    let out = options.out.as_deref()?;
    let mut cards = site
        .cards
        .take()
        .unwrap_or_else(|| views::cards(&site.config, &site.catalog));
    let topics = index_topics(&site.catalog);
    let mut index = IndexChanges::default();
    let mut pages: Vec<(String, Vec<u8>)> = Vec::new();
    for (n, fresh, rendered, reach) in edits {
        let state = site.search.as_mut()?;
        let old_doc = search_document(&site.config, &site.catalog.resources[n], &site.bodies[n]);
        let new_doc = search_document(&site.config, &fresh, &rendered);
        let number = search_number(site.catalog.resources.len(), n);
        index.add(state.update(&site.config, &topics, number, &old_doc, &new_doc)?);
        site.catalog.resources[n] = fresh;
        site.bodies[n] = rendered;
        if !missing_fragments(&site.catalog, &site.bodies, &site.page_bodies, Some(n)).is_empty() {
            return None;
        }
        cards[n] = views::card_of(&site.config, &site.catalog, &site.catalog.resources[n]);
        let input = site.input();
        match reach {
            Reach::OwnPage => pages.push(render_resource(&site.theme, &input, &cards, n).ok()?),
            Reach::Card => {
                pages.extend(render_showing(&site.theme, &input, &cards, n).ok()?);
                if n < FEED_ENTRIES
                    && let Some(feed) = crate::feeds::atom(&site.config, &site.catalog)
                {
                    pages.push(("feed.xml".into(), feed.into_bytes()));
                }
            }
        }
    }
    site.cards = Some(cards);
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    pages.dedup_by(|a, b| a.0 == b.0);
    let shown: Vec<String> = pages.iter().map(|(path, _)| path.clone()).collect();
    let mut patch = index.into_patch();
    patch.files.extend(pages);
    apply_patch(out, &patch, options.swap_lock.as_deref()).ok()?;
    Some(shown)
}

/// Several index patches in a row, merged into one change of the output folder.
#[derive(Default)]
struct IndexChanges {
    from: Option<String>,
    to: String,
    files: BTreeMap<String, Vec<u8>>,
    removed: BTreeSet<String>,
    outside: BTreeMap<String, Vec<u8>>,
}

impl IndexChanges {
    fn add(&mut self, patch: IndexPatch) {
        self.from.get_or_insert(patch.from);
        self.to = patch.to;
        for path in patch.removed {
            self.files.remove(&path);
            self.removed.insert(path);
        }
        for (path, bytes) in patch.files {
            self.removed.remove(&path);
            self.files.insert(path, bytes);
        }
        self.outside.extend(patch.outside);
    }

    fn into_patch(self) -> Patch {
        let mut patch = Patch::default();
        let Some(from) = self.from else {
            return patch;
        };
        if from != self.to {
            patch
                .moves
                .push((format!("search/{from}"), format!("search/{}", self.to)));
        }
        patch.files = self
            .files
            .into_iter()
            .map(|(path, bytes)| (format!("search/{}/{path}", self.to), bytes))
            .collect();
        patch.files.extend(self.outside);
        patch.removals = self
            .removed
            .into_iter()
            .map(|path| format!("search/{}/{path}", self.to))
            .collect();
        patch
    }
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// `None` when the edit moves the resource (other listings, order, links): a full build.
fn reach(old: &Resource, new: &Resource) -> Option<Reach> {
    let same_place = old.kind == new.kind
        && old.id == new.id
        && old.date == new.date
        && old.grades == new.grades
        && old.course == new.course
        && old.topics == new.topics
        && match (&old.detail, &new.detail) {
            (Detail::Lesson(_), Detail::Lesson(_)) => true,
            (Detail::Video(a), Detail::Video(b)) => a.lesson == b.lesson,
            (Detail::Review(a), Detail::Review(b)) => a.lesson == b.lesson && a.video == b.video,
            _ => false,
        };
    if !same_place {
        return None;
    }
    let same_card = old.title == new.title
        && old.summary == new.summary
        && old.school == new.school
        && match (&old.detail, &new.detail) {
            (Detail::Lesson(a), Detail::Lesson(b)) => a.author == b.author,
            (Detail::Video(a), Detail::Video(b)) => {
                a.duration == b.duration && a.speaker == b.speaker
            }
            (Detail::Review(a), Detail::Review(b)) => {
                a.rating == b.rating && a.review_kind == b.review_kind && a.reviewer == b.reviewer
            }
            _ => false,
        };
    Some(if same_card {
        Reach::OwnPage
    } else {
        Reach::Card
    })
}
