//! The quick path for the commonest save: a resource's body edited, its front matter as it
//! was. Nothing but that body's page and its search document can change then — cards,
//! listings, links, feeds and the catalog's order are all made of front matter — so the
//! catalog is not assembled again and no other page's view is hashed: on 100,000 resources
//! each of those costs several hundred milliseconds. The result is the same as the general
//! path's (`next`, then every page's digest), which tests/suite/incremental.rs checks against
//! full builds.

use std::sync::Arc;

use crate::bodies::{self, Bodies};
use crate::catalog::Place;
use crate::content::Resource;
use crate::markdown::Rendered;
use crate::output::{Patch, apply_patch};
use crate::search::{self, DocNumber, Rearrangement};
use crate::theme::Pages;

use super::next::first_problem;
use super::saved::Saved;
use super::{Decline, Refreshed, Served};

/// A saved resource whose front matter is unchanged: its place and its new record.
pub struct BodyEdit {
    place: Place,
    record: Resource,
}

/// The edits, when every saved file is a Markdown resource file (one record) whose text
/// before the body is byte for byte what it was, so that it parses to the same record; `None`
/// otherwise.
pub fn edits(served: &Served, saved: &Saved) -> Option<Vec<BodyEdit>> {
    let catalog = &served.site.catalog;
    let nothing_else = saved.pages.is_empty()
        && saved.unavailable.is_empty()
        && saved.draft_pages.is_empty()
        && saved.assets_in.is_empty()
        && saved.assets_out.is_empty()
        && saved.resources.len() == saved.dirty.len();
    if !nothing_else {
        return None;
    }
    let mut edits = Vec::new();
    for record in &saved.resources {
        // Not a row of a CSV or YAML catalog: their records share a file and have no body.
        let file = &record.origin.file;
        let one_record = record.origin.row.is_none()
            && file.ends_with(".md")
            && catalog.source_paths.get(file) == Some(&crate::catalog::resource_path(record));
        // Its place, found by the catalog's order (a scan of every record's file name would
        // cost more than the rest of the patch on a large site).
        let at = catalog
            .resources
            .binary_search_by(|r| crate::catalog::document_order(r, record))
            .ok()?;
        let before = &catalog.resources[at];
        let same = one_record
            && before.origin.file == *file
            && before.kind == record.kind
            && before.id == record.id
            && before.body_line == record.body_line
            && head(before).is_some_and(|h| Some(h) == head(record));
        if !same {
            return None;
        }
        edits.push(BodyEdit {
            place: Place::new(at),
            record: record.clone(),
        });
    }
    Some(edits)
}

/// A record's file text before its body: its front matter, delimiters included.
fn head(r: &Resource) -> Option<&str> {
    r.origin.text.get(..r.body_span.start)
}

/// Patch the served folder for body edits: their bodies rendered and checked, their pages
/// written if they changed, their search documents replaced.
pub fn refresh(
    served: &mut Served,
    out: &std::path::Path,
    lock: &std::sync::RwLock<u64>,
    edits: Vec<BodyEdit>,
) -> Result<Refreshed, Decline> {
    let bodies = render(served, &edits)?;
    let places: Vec<Place> = edits.iter().map(|e| e.place).collect();
    let (mut patch, digests) = pages(served, &places, &bodies)?;
    let index_patch = index(served, &edits, &bodies)?;
    let shown = patch.files.iter().map(|(file, _)| file.clone()).collect();
    let search_index = !index_patch.files.is_empty();
    patch.moves.extend(index_patch.moves);
    patch.files.extend(index_patch.files);
    patch.removals.extend(index_patch.removals);
    apply_patch(out, &patch, Some(lock)).map_err(|d| Decline::Write(d.message))?;
    let site = &mut served.site;
    for (edit, body) in edits.into_iter().zip(bodies) {
        site.catalog.resources[edit.place] = Arc::new(edit.record);
        site.bodies[edit.place] = body;
    }
    served.digests.extend(digests);
    Ok(Refreshed {
        pages: shown,
        search_index,
        bodies_only: true,
    })
}

/// The edited bodies, rendered; declined on any problem (a full build reports it), theirs or
/// a `#fragment` link elsewhere that their headings no longer answer.
fn render(served: &Served, edits: &[BodyEdit]) -> Result<Vec<Arc<Rendered>>, Decline> {
    let site = &served.site;
    let assets = bodies::asset_set(&site.catalog);
    let mut made = Vec::with_capacity(edits.len());
    for edit in edits {
        let (body, mut problems) =
            bodies::render_resource_body(&site.config, &site.catalog, &assets, &edit.record);
        let text = &edit.record.origin.text;
        problems.extend(bodies::late_times(&site.catalog, edit.place, &body, text));
        first_problem(problems)?;
        made.push(Arc::new(body));
    }
    let mut all = Bodies {
        resources: site.bodies.clone(),
        pages: site.page_bodies.clone(),
    };
    for (edit, body) in edits.iter().zip(&made) {
        all.resources[edit.place] = Arc::clone(body);
    }
    first_problem(bodies::missing_fragments(&site.catalog, &all))?;
    Ok(made)
}

/// The edited resources' pages whose digest changed, and their digests. The served catalog
/// stands for the next one: only the edited records' bodies differ, and no view reads a
/// record's file text.
fn pages(
    served: &Served,
    places: &[Place],
    bodies: &[Arc<Rendered>],
) -> Result<(Patch, Vec<(String, u64)>), Decline> {
    let site = &served.site;
    let input = site.input();
    let pages = Pages::for_resources(&site.theme, &input, &served.cards, places);
    let written = std::sync::Mutex::new(Vec::new());
    let sink = |file: &str, bytes: Vec<u8>| {
        if let Ok(mut written) = written.lock() {
            written.push((file.to_string(), bytes));
        }
        Ok(())
    };
    let mut digests = Vec::new();
    for (place, body) in places.iter().zip(bodies) {
        // Rendered only when its digest differs, as the general path does.
        let (file, digest, problem) = pages.render_resource_where(
            *place,
            body,
            &|file, digest| served.digests.get(file) != Some(&digest),
            &sink,
        );
        if let Some(problem) = problem {
            return Err(Decline::Problem(problem.message));
        }
        digests.push((file, digest));
    }
    let files = written.into_inner().unwrap_or_default();
    Ok((
        Patch {
            files,
            ..Patch::default()
        },
        digests,
    ))
}

/// The search index with the edited documents replaced (same numbers), as files to write.
fn index(
    served: &mut Served,
    edits: &[BodyEdit],
    bodies: &[Arc<Rendered>],
) -> Result<Patch, Decline> {
    let site = &served.site;
    let labels = site.theme.labels();
    let kind_name = |kind| labels.of(kind).to_string();
    let count = site.catalog.resources.len();
    let leaving: Vec<(usize, search::SearchDocument<'_>)> = edits
        .iter()
        .map(|e| {
            let r = &site.catalog.resources[e.place];
            let doc = search::document(&site.config, r, &site.bodies[e.place], &kind_name(r.kind));
            (DocNumber::of(e.place, count).get(), doc)
        })
        .collect();
    let arriving: Vec<(usize, search::SearchDocument<'_>)> = edits
        .iter()
        .zip(bodies)
        .map(|(e, body)| {
            let doc = search::document(&site.config, &e.record, body, &kind_name(e.record.kind));
            (DocNumber::of(e.place, count).get(), doc)
        })
        .collect();
    let mut moves: Vec<Option<u32>> = (0..count as u32).map(Some).collect();
    for (n, _) in &leaving {
        moves[*n] = None;
    }
    let change = Rearrangement {
        removed: leaving.iter().map(|(n, d)| (*n, d)).collect(),
        moves,
        added: arriving.iter().map(|(n, d)| (*n, d)).collect(),
        doc_count: count,
        topics_by_doc: None,
    };
    let topics = search::index_topics(&site.catalog);
    let rearranged = served
        .index
        .rearrange(&site.config, &topics, &change)
        .ok_or(Decline::IndexResized)?;
    Ok(super::index::into_patch(rearranged))
}
