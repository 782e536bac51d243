//! The search index's part of a patch. A document stays (perhaps under another number) when
//! its file was not saved and its text did not change; the others leave, the new ones arrive
//! (`search::IndexState::rearrange`). Numbers run oldest first, so a new resource of today
//! appends one document and an edit in place moves none.

use std::sync::Arc;

use crate::catalog::Place;
use crate::content::Kind;
use crate::output::Patch;
use crate::search::{self, DocNumber, IndexPatch, Rearrangement, SearchDocument};

use super::Decline;
use super::next::Next;
use super::saved::Saved;
use crate::build::Site;
use crate::search::IndexState;

/// Rearrange the index for `next` and return the files to write. On a decline the index state
/// may be half-rearranged: `serve` then replaces it with a full build's.
pub fn patch(
    site: &Site,
    index: &mut IndexState,
    next: &Next,
    saved: &Saved,
) -> Result<Patch, Decline> {
    let labels = site.theme.labels();
    let kind_name = |kind| labels.of(kind).to_string();
    let (old, new) = (&site.catalog, &next.catalog);
    let moved = moves(site, next, saved);
    let leaving: Vec<(usize, SearchDocument<'_>)> = old
        .places()
        .filter(|o| moved.from[DocNumber::of(*o, old.resources.len()).get()].is_none())
        .map(|o| {
            let r = &old.resources[o];
            let doc = search::document(&site.config, r, &site.bodies[o], &kind_name(r.kind));
            (DocNumber::of(o, old.resources.len()).get(), doc)
        })
        .collect();
    let arriving: Vec<(usize, SearchDocument<'_>)> = new
        .places()
        .filter(|m| !moved.kept[*m])
        .map(|m| {
            let r = &new.resources[m];
            let body = &next.bodies.resources[m];
            let doc = search::document(&site.config, r, body, &kind_name(r.kind));
            (DocNumber::of(m, new.resources.len()).get(), doc)
        })
        .collect();
    let topics = search::index_topics(new);
    let change = Rearrangement {
        removed: leaving.iter().map(|(n, d)| (*n, d)).collect(),
        moves: moved.from,
        added: arriving.iter().map(|(n, d)| (*n, d)).collect(),
        doc_count: new.resources.len(),
        topics_by_doc: (topics != search::index_topics(old)).then(|| {
            DocNumber::order(new.resources.iter())
                .map(|r| r.topics.as_slice())
                .collect()
        }),
    };
    let rearranged = index
        .rearrange(&site.config, &topics, &change)
        .ok_or(Decline::IndexResized)?;
    Ok(into_patch(rearranged))
}

/// Which documents stay: for every old number, the new number of its document (`None` when
/// it leaves), and which new places are kept documents.
struct Moves {
    from: Vec<Option<u32>>,
    kept: Vec<bool>,
}

/// A document stays when its resource is still there (same kind and id: its page), its file
/// was not saved, and its body is the same one (shared) or has the same text, cues (their
/// times are in its search record) and chapters from a file (their titles are searchable).
fn moves(site: &Site, next: &Next, saved: &Saved) -> Moves {
    let (old, new) = (&site.catalog, &next.catalog);
    let (old_count, new_count) = (old.resources.len(), new.resources.len());
    let new_places: rustc_hash::FxHashMap<(Kind, &str), Place> = new
        .places()
        .map(|m| ((new.resources[m].kind, new.resources[m].id.as_str()), m))
        .collect();
    let stays = |o: Place, m: Place| {
        let (r, body) = (&new.resources[m], &next.bodies.resources[m]);
        !saved.dirty.contains(&r.origin.file)
            && (Arc::ptr_eq(body, &site.bodies[o])
                || (body.text == site.bodies[o].text
                    && body.transcript == site.bodies[o].transcript
                    && body.chapters == site.bodies[o].chapters))
    };
    let mut moved = Moves {
        from: vec![None; old_count],
        kept: vec![false; new_count],
    };
    for o in old.places() {
        let r = &old.resources[o];
        if let Some(&m) = new_places.get(&(r.kind, r.id.as_str()))
            && stays(o, m)
        {
            moved.from[DocNumber::of(o, old_count).get()] =
                Some(DocNumber::of(m, new_count).get() as u32);
            moved.kept[m] = true;
        }
    }
    moved
}

/// The index's files as a change of the output folder: the generation folder renamed, its
/// files written and removed, the manifest beside it.
pub(super) fn into_patch(index: IndexPatch) -> Patch {
    let mut patch = Patch::default();
    if index.from != index.to {
        patch.moves.push((
            format!("search/{}", index.from),
            format!("search/{}", index.to),
        ));
    }
    let to = index.to;
    let inside = |path: String| format!("search/{to}/{path}");
    patch.files = index
        .files
        .into_iter()
        .map(|(path, bytes)| (inside(path), bytes))
        .collect();
    patch.files.extend(index.outside);
    patch.removals = index.removed.into_iter().map(inside).collect();
    patch
}
