//! The pages and index of a build that exits, made a chunk of resources at a time: each
//! resource's body is rendered, its page written and its text indexed (records written) at
//! once, then all but a slim copy of the body is dropped. So a build holds the bodies of one
//! chunk, not of every resource: on 100,000 resources that is the difference between all
//! their HTML and text (over a gigabyte) and a few megabytes. The other pages (listings, home,
//! search…) need no body and render beside the chunks. The output is byte for byte that of
//! `write_site` (`serve`'s way, which keeps every body to render pages again after an edit).

use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use super::{
    BuildOptions, EarlyIndex, HeaviestPage, Site, Timings, Written, finish_site, page_sink,
};
use crate::bodies;
use crate::catalog::Place;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Rendered;
use crate::output::Staging;
use crate::search::{self, DocNumber, IndexStream};
use crate::theme::{PageSink, Pages, Rendering, views::Labels};

/// Resources whose bodies are held at once: enough to keep both cores busy between the
/// chunk's steps, few enough that their HTML and text weigh a few megabytes.
const CHUNK: usize = 256;

/// What the chunks made: the resources' pages (file, digest, problem), the slim bodies in
/// catalog order, and the bodies' warnings.
struct Streamed {
    pages: Vec<(String, u64, Option<Diagnostic>)>,
    bodies: Vec<Arc<Rendered>>,
    problems: Vec<Diagnostic>,
}

/// Pages, index, static files, assets and feeds into the staging folder, each resource's body
/// rendered with its page (`site.streaming`). Afterwards `site.bodies` holds the slim bodies.
pub(super) fn write_site_streamed(
    site: &mut Site,
    staging: &Staging,
    options: &BuildOptions,
    timings: &mut Timings,
    diagnostics: &mut Diagnostics,
) -> Option<Written> {
    let heaviest = HeaviestPage::default();
    let sink = page_sink(staging, options.progress.as_deref(), &heaviest);
    let early = EarlyIndex::new(staging);
    let labels = site.theme.labels();
    let write_early = |rel: &str, bytes: &[u8]| early.write(rel, bytes);
    // `build::streams` leaves out the sites it cannot stream (offline scripts).
    let Some(mut index) =
        IndexStream::new(&site.config, site.catalog.resources.len(), &write_early)
    else {
        diagnostics.push(Diagnostic::error(
            "internal error: a site with offline search scripts was built streaming",
        ));
        return None;
    };
    let (rest, streamed, built) = {
        let input = site.input();
        let pages = Pages::new(&site.theme, &input);
        let (streamed, took) =
            super::timed(|| stream_resources(site, &pages, &sink, &labels, Some(&mut index)));
        timings.push(("resources", took));
        // The other pages need no body: they render beside the end of the index.
        let ((rest, rest_took), (built, index_took)) = rayon::join(
            || super::timed(|| pages.render_all_but_resources(&sink)),
            || super::timed(|| finish_index(site, &labels, index, &streamed.bodies)),
        );
        timings.push(("other pages", rest_took));
        timings.push(("search index", index_took));
        (rest, streamed, built)
    };
    let clock = Instant::now();
    let (digests, _) = gather(site, rest, streamed, diagnostics);
    let (index_files, index_problems) = early.finish(&built);
    diagnostics.extend(index_problems);
    drop(sink);
    let written = finish_site(site, staging, digests, index_files, heaviest, diagnostics);
    timings.push(("finish", clock.elapsed()));
    written
}

/// `lectern check` on a streaming site: every page rendered into a sink that drops it, each
/// resource's body with its page, a chunk at a time. Whether the site is free of errors.
pub(super) fn check_streamed(site: &mut Site, diagnostics: &mut Diagnostics) -> bool {
    let labels = site.theme.labels();
    let discard = |_: &str, _: Vec<u8>| Ok(());
    let (rest, streamed) = {
        let input = site.input();
        let pages = Pages::new(&site.theme, &input);
        let streamed = stream_resources(site, &pages, &discard, &labels, None);
        (pages.render_all_but_resources(&discard), streamed)
    };
    let (_, page_problems) = gather(site, rest, streamed, diagnostics);
    page_problems == 0 && !diagnostics.has_errors()
}

/// The pages' digests and problems (and how many there were), the bodies' warnings, and the
/// checks that need every body, made on their slim copies, which `site.bodies` then holds. (A
/// review's late times were checked with its body, while its file's text was there.)
fn gather(
    site: &mut Site,
    rest: Rendering,
    streamed: Streamed,
    diagnostics: &mut Diagnostics,
) -> (crate::theme::Digests, usize) {
    let Rendering { problems, digests } = rest.merged(Pages::gathered(streamed.pages));
    let page_problems = problems.len();
    diagnostics.extend(problems);
    diagnostics.extend(streamed.problems);
    let all = bodies::Bodies {
        resources: streamed.bodies,
        pages: site.page_bodies.clone(),
    };
    diagnostics.extend(bodies::missing_fragments(&site.catalog, &all));
    site.bodies = all.resources;
    (digests, page_problems)
}

/// Every resource's body rendered, its page written and (given an `index`) its text indexed,
/// a chunk at a time in document-number order (the index numbers documents as they come).
fn stream_resources(
    site: &Site,
    pages: &Pages<'_>,
    sink: &PageSink<'_>,
    labels: &Labels,
    mut index: Option<&mut IndexStream<'_>>,
) -> Streamed {
    let (config, catalog) = (&site.config, &site.catalog);
    let kind_name = |kind| labels.of(kind).to_string();
    let assets = bodies::asset_set(catalog);
    let count = catalog.resources.len();
    let mut made = Streamed {
        pages: Vec::with_capacity(count),
        bodies: site.bodies.clone(),
        problems: Vec::new(),
    };
    let order: Vec<Place> = DocNumber::order(catalog.places()).collect();
    for chunk in order.chunks(CHUNK) {
        let rendered: Vec<(Rendered, Vec<Diagnostic>)> = chunk
            .par_iter()
            .map(|n| render_body(site, &assets, *n))
            .collect();
        // Pages and index side by side: the index's serial steps (merging a chunk's word
        // counts) would otherwise leave a core idle.
        let (chunk_pages, ()) = rayon::join(
            || {
                (chunk.par_iter().zip(&rendered))
                    .map(|(n, (body, _))| pages.render_resource(*n, body, sink))
                    .collect::<Vec<_>>()
            },
            || {
                let Some(index) = index.as_mut() else {
                    return;
                };
                let docs: Vec<search::SearchDocument<'_>> = chunk
                    .iter()
                    .zip(&rendered)
                    .map(|(n, (body, _))| {
                        let r = &catalog.resources[*n];
                        search::document(config, r, body, &kind_name(r.kind))
                    })
                    .collect();
                index.add(config, &docs);
            },
        );
        made.pages.extend(chunk_pages);
        for (n, (body, warnings)) in chunk.iter().zip(rendered) {
            made.problems.extend(warnings);
            made.bodies[n.get()] = Arc::new(bodies::slim(body));
        }
    }
    made
}

/// The index's postings files, facets, suggestions and manifest, once every document is in:
/// the facets and suggestions need every document, but not its body (`bodies` are slim).
fn finish_index(
    site: &Site,
    labels: &Labels,
    index: IndexStream<'_>,
    bodies: &[Arc<Rendered>],
) -> search::Built {
    let kind_name = |kind| labels.of(kind).to_string();
    let docs = search::documents(&site.config, &site.catalog, bodies, &kind_name);
    let topics = search::index_topics(&site.catalog);
    let kind_names = crate::content::Kind::ALL.map(|kind| labels.of(kind));
    index.finish(&site.config, kind_names, &topics, &docs)
}

/// The body of the resource at `n`, from its file's text (`Site::sources`, taken and then
/// dropped here), with its warnings — its late cited times among them (`bodies::late_times`).
fn render_body(
    site: &Site,
    assets: &std::collections::BTreeSet<String>,
    n: Place,
) -> (Rendered, Vec<Diagnostic>) {
    let resource = &site.catalog.resources[n];
    let taken = site
        .sources
        .get(n.get())
        .and_then(|slot| slot.lock().ok()?.take());
    let text: &str = taken.as_deref().unwrap_or(&resource.origin.text);
    let (body, mut problems) =
        bodies::render_resource_body_of(&site.config, &site.catalog, assets, resource, text);
    problems.extend(bodies::late_times(&site.catalog, n, &body, text));
    (body, problems)
}
