//! A new, deleted or moved resource (another date, id, grade, course, topic or link), for
//! `serve`: only the saved files are read; the catalog is assembled again from the records in
//! memory; bodies are rendered again only for those files and for the bodies that link to them;
//! then the pages whose content changed are found by comparing what each page shows before and
//! after (its cards, its listing's items and count), and only those are rendered. The search
//! index replaces the documents whose number now holds another one — numbers run oldest first,
//! so a new resource of today appends one. The result is byte for byte a full build's.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::build::{
    BuildOptions, Site, asset_set, index_topics, missing_fragments, render_resource_body,
    search_document,
};
use crate::catalog::{self, Catalog, Links};
use crate::content::{self, Content, Resource};
use crate::diagnostics::Diagnostics;
use crate::markdown::Rendered;
use crate::output::Patch;
use crate::search::{MANIFEST_PATH, Rearrangement, SearchDocument};
use crate::theme::pages::{Shows, SiteInput, plan, render_files};
use crate::theme::views::{self, Card};

use super::IndexChanges;

/// What the served site was made from, kept aside while the new one is assembled.
struct Before {
    /// Output file → what it showed.
    plan: BTreeMap<String, Shows>,
    cards: Vec<Card>,
    links: Vec<Links>,
    /// Each resource's (file, page path), in the old order. The page path is what names a
    /// resource: a video catalog file holds many.
    resources: Vec<(String, String)>,
    topics: Vec<(String, String)>,
}

/// Rebuild the site in memory for `changed` (all of them lessons, videos or reviews, saved or
/// deleted) and write only what differs. `None` means "build everything" — any other file, a
/// file with problems, or any warning — and `site` may then be half-updated: replace it with
/// the full build's. Returns the pages written.
pub fn restructure(
    site: &mut Site,
    options: &BuildOptions,
    root: &Path,
    changed: &[PathBuf],
) -> Option<Vec<String>> {
    let (dirty, fresh) = reread(site, options, root, changed)?;
    let before = snapshot(site);
    let (removed, removed_bodies, mut old_bodies) = take_changed(site, &dirty);
    let catalog = assemble(site, fresh, &dirty)?;
    let paths: Vec<String> = catalog
        .resources
        .iter()
        .map(catalog::resource_path)
        .collect();
    let new_index: HashMap<&str, usize> = paths
        .iter()
        .enumerate()
        .map(|(m, p)| (p.as_str(), m))
        .collect();
    let old_index: HashMap<&str, usize> = before
        .resources
        .iter()
        .enumerate()
        .map(|(o, (_, p))| (p.as_str(), o))
        .collect();
    let assets = asset_set(&catalog);
    let links_dirty = |body: &Rendered| body.linked_sources.iter().any(|s| dirty.contains(s));
    // Bodies: the saved files and those linking to any of them are rendered again.
    let mut bodies = Vec::with_capacity(catalog.resources.len());
    let mut rerendered: BTreeSet<usize> = BTreeSet::new();
    let mut replaced_bodies: HashMap<String, Rendered> = HashMap::new();
    for (m, r) in catalog.resources.iter().enumerate() {
        let old = old_index
            .get(paths[m].as_str())
            .and_then(|o| old_bodies[*o].take());
        match old {
            Some(body) if !links_dirty(&body) => bodies.push(body),
            old => {
                let (body, warnings) = render_resource_body(&site.config, &catalog, &assets, r);
                if !warnings.is_empty() {
                    return None;
                }
                if let Some(old) = old {
                    replaced_bodies.insert(paths[m].clone(), old);
                }
                rerendered.insert(m);
                bodies.push(body);
            }
        }
    }
    let mut page_bodies = std::mem::take(&mut site.page_bodies);
    let mut rerendered_pages = BTreeSet::new();
    for (i, page) in catalog.pages.iter().enumerate() {
        if links_dirty(&page_bodies[i]) {
            let (body, warnings) =
                crate::build::render_page_body(&site.config, &catalog, &assets, page);
            if !warnings.is_empty() {
                return None;
            }
            page_bodies[i] = body;
            rerendered_pages.insert(i);
        }
    }
    if !missing_fragments(&catalog, &bodies, &page_bodies, None).is_empty() {
        return None;
    }
    let cards = cards_after(site, &catalog, &paths, &before, &old_index, &dirty);
    let input = SiteInput {
        config: &site.config,
        catalog: &catalog,
        bodies: &bodies,
        page_bodies: &page_bodies,
        search_manifest: MANIFEST_PATH,
    };
    let after = plan(&input);
    let resource_changed = |m: usize| {
        let Some(&o) = old_index.get(paths[m].as_str()) else {
            return true;
        };
        dirty.contains(&catalog.resources[m].origin.file)
            || rerendered.contains(&m)
            || before.cards[o] != cards[m]
            || linked(&before.links[o], &before.cards) != linked(&catalog.links[m], &cards)
    };
    let render: BTreeSet<String> = after
        .iter()
        .filter(|(file, shows)| match shows {
            Shows::Summary => true,
            Shows::Resource(m) => resource_changed(*m),
            Shows::FreePage(i) => rerendered_pages.contains(i),
            Shows::Listing { .. } => {
                !same_listing(before.plan.get(file), shows, &before.cards, &cards)
            }
        })
        .map(|(file, _)| file.clone())
        .collect();
    let pages = render_files(&site.theme, &input, &cards, &render).ok()?;
    let now: BTreeSet<&String> = after.iter().map(|(file, _)| file).collect();
    let gone: Vec<String> = before
        .plan
        .keys()
        .filter(|file| !now.contains(file))
        .cloned()
        .collect();
    // The search index: every number whose document is not the same one, unchanged.
    let topics = index_topics(&catalog);
    let state = site.search.as_mut()?;
    let (old_count, new_count) = (before.resources.len(), catalog.resources.len());
    // A document stays (perhaps under another number) when its file was not saved and its
    // text did not change; the others leave, and the saved ones arrive.
    let stays = |path: &str, m: usize| {
        let file = &catalog.resources[m].origin.file;
        !dirty.contains(file)
            && replaced_bodies
                .get(path)
                .is_none_or(|old| old.text == bodies[m].text)
    };
    let number_of = |m: usize| new_count - 1 - m;
    let mut moves = Vec::with_capacity(old_count);
    let mut leaving: Vec<(usize, SearchDocument<'_>)> = Vec::new();
    for number in 0..old_count {
        let (_, path) = &before.resources[old_count - 1 - number];
        match new_index.get(path.as_str()) {
            Some(&m) if stays(path, m) => moves.push(Some(number_of(m) as u32)),
            kept => {
                moves.push(None);
                let doc = match removed
                    .iter()
                    .position(|r| catalog::resource_path(r) == *path)
                {
                    Some(k) => search_document(&site.config, &removed[k], &removed_bodies[k]),
                    None => {
                        let m = *kept?;
                        let body = replaced_bodies.get(path).unwrap_or(&bodies[m]);
                        search_document(&site.config, &catalog.resources[m], body)
                    }
                };
                leaving.push((number, doc));
            }
        }
    }
    let arriving: Vec<(usize, SearchDocument<'_>)> = (0..new_count)
        .filter(|&m| !old_index.contains_key(paths[m].as_str()) || !stays(&paths[m], m))
        .map(|m| {
            (
                number_of(m),
                search_document(&site.config, &catalog.resources[m], &bodies[m]),
            )
        })
        .collect();
    let change = Rearrangement {
        removed: leaving.iter().map(|(n, d)| (*n, d)).collect(),
        moves,
        added: arriving.iter().map(|(n, d)| (*n, d)).collect(),
        doc_count: new_count,
        topics_by_doc: (topics != before.topics).then(|| {
            catalog
                .resources
                .iter()
                .rev()
                .map(|r| r.topics.as_slice())
                .collect()
        }),
    };
    let mut index = IndexChanges::default();
    index.add(state.rearrange(&site.config, &topics, &change)?);
    let mut patch: Patch = index.into_patch();
    let shown: Vec<String> = pages.iter().map(|(file, _)| file.clone()).collect();
    patch.files.extend(pages);
    patch.files.push((
        "feed.xml".into(),
        crate::feeds::atom(&site.config, &catalog).into_bytes(),
    ));
    patch.files.push((
        "sitemap.xml".into(),
        sitemap(&site.config, &after).into_bytes(),
    ));
    patch.removals.extend(gone);
    drop(change);
    crate::output::apply_patch(
        options.out.as_deref()?,
        &patch,
        options.swap_lock.as_deref(),
    )
    .ok()?;
    site.catalog = catalog;
    site.bodies = bodies;
    site.page_bodies = page_bodies;
    site.cards = Some(cards);
    Some(shown)
}

/// The saved files as relative paths, and the records of those that still exist. `None` when
/// one is not a resource in Markdown, has any problem, or was not a resource before its deletion.
fn reread(
    site: &Site,
    options: &BuildOptions,
    root: &Path,
    changed: &[PathBuf],
) -> Option<(BTreeSet<String>, Vec<Resource>)> {
    let assets = asset_set(&site.catalog);
    let known: BTreeSet<&str> = site
        .catalog
        .resources
        .iter()
        .map(|r| r.origin.file.as_str())
        .collect();
    let mut dirty = BTreeSet::new();
    let mut fresh = Vec::new();
    for path in changed {
        let rel = super::relative(root, path)?;
        if path.is_file() {
            fresh.push(content::reread_resource(
                root,
                &rel,
                &site.config,
                &assets,
                options.drafts,
            )?);
        } else if path.exists() || !known.contains(rel.as_str()) {
            return None;
        }
        dirty.insert(rel);
    }
    Some((dirty, fresh))
}

fn snapshot(site: &mut Site) -> Before {
    let input = site.input();
    Before {
        plan: plan(&input).into_iter().collect(),
        cards: site
            .cards
            .take()
            .unwrap_or_else(|| views::cards(&site.config, &site.catalog)),
        links: std::mem::take(&mut site.catalog.links),
        resources: site
            .catalog
            .resources
            .iter()
            .map(|r| (r.origin.file.clone(), catalog::resource_path(r)))
            .collect(),
        topics: index_topics(&site.catalog),
    }
}

/// Move the records out of the site: the changed ones (with their bodies) aside, the others'
/// bodies indexed by their old place. The records left in `site.catalog` are the unchanged.
fn take_changed(
    site: &mut Site,
    dirty: &BTreeSet<String>,
) -> (Vec<Resource>, Vec<Rendered>, Vec<Option<Rendered>>) {
    let resources = std::mem::take(&mut site.catalog.resources);
    let bodies = std::mem::take(&mut site.bodies);
    let mut removed = Vec::new();
    let mut removed_bodies = Vec::new();
    let mut kept_bodies = Vec::with_capacity(bodies.len());
    for (r, body) in resources.into_iter().zip(bodies) {
        if dirty.contains(&r.origin.file) {
            removed.push(r);
            removed_bodies.push(body);
            kept_bodies.push(None);
        } else {
            site.catalog.resources.push(r);
            kept_bodies.push(Some(body));
        }
    }
    (removed, removed_bodies, kept_bodies)
}

/// The catalog of the unchanged records and the fresh ones; `None` on any diagnostic.
fn assemble(site: &mut Site, fresh: Vec<Resource>, dirty: &BTreeSet<String>) -> Option<Catalog> {
    let mut resources = std::mem::take(&mut site.catalog.resources);
    resources.extend(fresh);
    // A saved file is a record now, and a deleted one is nothing: neither is a draft any more.
    let mut unavailable = site.catalog.unavailable.clone();
    for key in dirty.iter().filter_map(|rel| content::unavailable_key(rel)) {
        unavailable.remove(&key);
    }
    let content = Content {
        resources,
        pages: site.catalog.pages.clone(),
        assets: site.catalog.assets.clone(),
        unavailable,
    };
    let mut diagnostics = Diagnostics::new();
    let catalog = catalog::assemble(&site.config, content, &mut diagnostics);
    diagnostics.is_empty().then_some(catalog)
}

/// Every resource's card: an unsaved resource keeps its old one, unless a topic's slug moved
/// (topic slugs are made unique across the portal, so a new topic can change another's).
fn cards_after(
    site: &Site,
    catalog: &Catalog,
    paths: &[String],
    before: &Before,
    old_index: &HashMap<&str, usize>,
    dirty: &BTreeSet<String>,
) -> Vec<Card> {
    let old_slugs: HashMap<&str, &str> = before
        .topics
        .iter()
        .map(|(n, s)| (n.as_str(), s.as_str()))
        .collect();
    let same_slugs = catalog
        .topics
        .iter()
        .all(|t| old_slugs.get(t.name.as_str()).is_none_or(|s| *s == t.slug));
    catalog
        .resources
        .iter()
        .zip(paths)
        .map(|(r, path)| match old_index.get(path.as_str()) {
            Some(&o) if same_slugs && !dirty.contains(&r.origin.file) => before.cards[o].clone(),
            _ => views::card_of(&site.config, catalog, r),
        })
        .collect()
}

/// The cards a resource page shows of the resources linked to it.
fn linked<'c>(links: &Links, cards: &'c [Card]) -> [Vec<&'c Card>; 4] {
    let each = |list: &[usize]| list.iter().map(|n| &cards[*n]).collect::<Vec<_>>();
    [
        links.lesson.iter().map(|n| &cards[*n]).collect(),
        links.video.iter().map(|n| &cards[*n]).collect(),
        each(&links.videos),
        each(&links.reviews),
    ]
}

/// Does a listing page show the same as before: value and count, page count, and cards?
fn same_listing(before: Option<&Shows>, after: &Shows, old_cards: &[Card], cards: &[Card]) -> bool {
    let (
        Some(Shows::Listing {
            value: v0,
            items: i0,
            total_pages: p0,
        }),
        Shows::Listing {
            value: v1,
            items: i1,
            total_pages: p1,
        },
    ) = (before, after)
    else {
        return false;
    };
    v0 == v1
        && p0 == p1
        && i0.len() == i1.len()
        && i0.iter().zip(i1).all(|(a, b)| old_cards[*a] == cards[*b])
}

/// `sitemap.xml` of the planned pages, as `build` writes it.
fn sitemap(config: &crate::config::Config, plan: &[(String, Shows)]) -> String {
    let mut paths: Vec<String> = plan
        .iter()
        .filter(|(file, _)| file.as_str() != "404.html")
        .filter_map(|(file, _)| file.strip_suffix("index.html").map(str::to_string))
        .collect();
    paths.sort();
    crate::feeds::sitemap(config, &paths)
}
