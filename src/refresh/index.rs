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
    let old = &site.catalog;
    let new = &next.catalog;
    let (old_count, new_count) = (old.resources.len(), new.resources.len());
    // Kind and id name a resource's page.
    let new_places: rustc_hash::FxHashMap<(Kind, &str), Place> = new
        .places()
        .map(|m| ((new.resources[m].kind, new.resources[m].id.as_str()), m))
        .collect();
    // A kept document's record and body are the same ones (shared), or its text is unchanged.
    let stays = |o: Place, m: Place| {
        let (r, body) = (&new.resources[m], &next.bodies.resources[m]);
        !saved.dirty.contains(&r.origin.file)
            && (Arc::ptr_eq(body, &site.bodies[o]) || body.text == site.bodies[o].text)
    };
    let mut moves = vec![None; old_count];
    let mut kept = vec![false; new_count];
    let mut leaving = Vec::new();
    for o in old.places() {
        let r = &old.resources[o];
        let number = DocNumber::of(o, old_count);
        match new_places.get(&(r.kind, r.id.as_str())) {
            Some(&m) if stays(o, m) => {
                moves[number.get()] = Some(DocNumber::of(m, new_count).get() as u32);
                kept[m] = true;
            }
            _ => {
                let doc = search::document(&site.config, r, &site.bodies[o], &kind_name(r.kind));
                leaving.push((number.get(), doc));
            }
        }
    }
    let arriving: Vec<(usize, SearchDocument<'_>)> = new
        .places()
        .filter(|m| !kept[*m])
        .map(|m| {
            let r = &new.resources[m];
            let doc = search::document(
                &site.config,
                r,
                &next.bodies.resources[m],
                &kind_name(r.kind),
            );
            (DocNumber::of(m, new_count).get(), doc)
        })
        .collect();
    let old_topics = search::index_topics(old);
    let topics = search::index_topics(new);
    let change = Rearrangement {
        removed: leaving.iter().map(|(n, d)| (*n, d)).collect(),
        moves,
        added: arriving.iter().map(|(n, d)| (*n, d)).collect(),
        doc_count: new_count,
        topics_by_doc: (topics != old_topics).then(|| {
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

/// The index's files as a change of the output folder: the generation folder renamed, its
/// files written and removed, the manifest beside it.
fn into_patch(index: IndexPatch) -> Patch {
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
