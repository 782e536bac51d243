//! A new, deleted or moved resource (another date, id, grade, course, topic or link), or a new
//! or deleted asset, for `serve`: only the saved files are read; the catalog is assembled again
//! from the records in memory; bodies are rendered again only for those files and for the
//! bodies that link to them; then the pages whose content changed are found by comparing what
//! each page shows before and after (its cards, its listing's items and count), and only those
//! are rendered. The search index replaces the documents whose number now holds another one —
//! numbers run oldest first, so a new resource of today appends one. The result is byte for
//! byte a full build's.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::build::{
    BuildOptions, Site, asset_set, index_topics, missing_fragments, render_page_body,
    render_resource_body, search_document,
};
use crate::catalog::{self, Catalog, Links};
use crate::content::{self, Asset, Content, Resource};
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
    /// Page path → place in the old order.
    index: HashMap<String, usize>,
    topics: Vec<(String, String)>,
}

/// The records that were saved or deleted, as they were, with their bodies.
type Replaced = Vec<(Resource, Rendered)>;

/// The new catalog's places: each resource's page path, and the way back from it.
struct Places {
    paths: Vec<String>,
    index: HashMap<String, usize>,
}

/// The new site's bodies, and which of them were rendered again.
struct Bodies {
    resources: Vec<Rendered>,
    pages: Vec<Rendered>,
    /// Resources (by new place) and free pages whose bodies were rendered again.
    rendered: BTreeSet<usize>,
    rendered_pages: BTreeSet<usize>,
    /// The bodies those resources had, by page path: the index still holds their text.
    previous: HashMap<String, Rendered>,
}

/// Rebuild the site in memory for `changed` (lessons, videos, reviews, video catalogs and
/// assets, saved or deleted) and write only what differs. `None` means "build everything" — any other file, a
/// file with problems, or any warning — and `site` may then be half-updated: replace it with
/// the full build's. Returns the pages written.
pub fn restructure(
    site: &mut Site,
    options: &BuildOptions,
    root: &Path,
    changed: &[PathBuf],
) -> Option<Vec<String>> {
    let saved = reread(site, options, root, changed)?;
    let dirty = &saved.dirty;
    let before = snapshot(site);
    let (replaced, old_bodies) = take_changed(site, dirty);
    let catalog = assemble(site, &saved)?;
    let paths: Vec<String> = catalog
        .resources
        .iter()
        .map(catalog::resource_path)
        .collect();
    let index = paths
        .iter()
        .enumerate()
        .map(|(m, p)| (p.clone(), m))
        .collect();
    let places = Places { paths, index };
    let bodies = render_bodies(site, &catalog, &places, &before, dirty, old_bodies)?;
    if !missing_fragments(&catalog, &bodies.resources, &bodies.pages, None).is_empty() {
        return None;
    }
    let cards = cards_after(site, &catalog, &places, &before, dirty);
    let input = SiteInput {
        config: &site.config,
        catalog: &catalog,
        bodies: &bodies.resources,
        page_bodies: &bodies.pages,
        search_manifest: MANIFEST_PATH,
    };
    let after = plan(&input);
    let wanted = pages_to_render(&after, &catalog, &places, &before, &bodies, &cards, dirty);
    let pages = render_files(&site.theme, &input, &cards, &wanted).ok()?;
    let mut patch = index_patch(site, &catalog, &places, &before, &bodies, &replaced, dirty)?;
    let shown = add_to_patch(
        &mut patch,
        pages,
        site,
        &catalog,
        &places,
        &saved,
        &after,
        before.plan,
    );
    let out = options.out.as_deref()?;
    crate::output::apply_patch(out, &patch, options.swap_lock.as_deref()).ok()?;
    site.catalog = catalog;
    site.bodies = bodies.resources;
    site.page_bodies = bodies.pages;
    site.cards = Some(cards);
    Some(shown)
}

/// Put the pages, the feeds, the assets and the removals in `patch`; returns the files written
/// for the log, the saved resources' own pages first (it names only the first few).
#[allow(clippy::too_many_arguments)] // one call site, every argument a different piece
fn add_to_patch(
    patch: &mut Patch,
    pages: Vec<(String, Vec<u8>)>,
    site: &Site,
    catalog: &Catalog,
    places: &Places,
    saved: &Saved,
    after: &[(String, Shows)],
    before: BTreeMap<String, Shows>,
) -> Vec<String> {
    let own_pages: BTreeSet<String> = (0..catalog.resources.len())
        .filter(|m| saved.dirty.contains(&catalog.resources[*m].origin.file))
        .map(|m| format!("{}index.html", places.paths[m]))
        .collect();
    let mut shown: Vec<String> = pages.iter().map(|(file, _)| file.clone()).collect();
    shown.sort_by_key(|file| !own_pages.contains(file));
    patch.files.extend(pages);
    if let Some(feed) = crate::feeds::atom(&site.config, catalog) {
        patch.files.push(("feed.xml".into(), feed.into_bytes()));
    }
    if let Some(map) = sitemap(&site.config, after) {
        patch.files.push(("sitemap.xml".into(), map.into_bytes()));
    }
    for asset in &saved.assets_in {
        let file = format!("assets/{}", asset.path);
        shown.push(file.clone());
        patch.copies.push((file, asset.source.clone()));
    }
    let assets_out = saved.assets_out.iter().map(|a| format!("assets/{a}"));
    patch.removals.extend(assets_out);
    let now: BTreeSet<&String> = after.iter().map(|(file, _)| file).collect();
    patch
        .removals
        .extend(before.into_keys().filter(|file| !now.contains(file)));
    shown
}

/// Bodies of the new catalog: the saved files' and those linking to any saved or deleted file
/// are rendered again (a link's target may have appeared, moved or gone); the others are kept.
/// `None` on any warning.
fn render_bodies(
    site: &mut Site,
    catalog: &Catalog,
    places: &Places,
    before: &Before,
    dirty: &BTreeSet<String>,
    mut old_bodies: Vec<Option<Rendered>>,
) -> Option<Bodies> {
    let assets = asset_set(catalog);
    let links_dirty = |body: &Rendered| body.linked_sources.iter().any(|s| dirty.contains(s));
    let mut bodies = Bodies {
        resources: Vec::with_capacity(catalog.resources.len()),
        pages: std::mem::take(&mut site.page_bodies),
        rendered: BTreeSet::new(),
        rendered_pages: BTreeSet::new(),
        previous: HashMap::new(),
    };
    for (m, r) in catalog.resources.iter().enumerate() {
        let path = &places.paths[m];
        let old = before.index.get(path).and_then(|o| old_bodies[*o].take());
        match old {
            Some(body) if !links_dirty(&body) => bodies.resources.push(body),
            old => {
                let (body, warnings) = render_resource_body(&site.config, catalog, &assets, r);
                if !warnings.is_empty() {
                    return None;
                }
                bodies.previous.extend(old.map(|old| (path.clone(), old)));
                bodies.rendered.insert(m);
                bodies.resources.push(body);
            }
        }
    }
    for (i, page) in catalog.pages.iter().enumerate() {
        if links_dirty(&bodies.pages[i]) {
            let (body, warnings) = render_page_body(&site.config, catalog, &assets, page);
            if !warnings.is_empty() {
                return None;
            }
            bodies.pages[i] = body;
            bodies.rendered_pages.insert(i);
        }
    }
    Some(bodies)
}

/// The output files whose content changed: pages showing counts, resource pages whose
/// resource, body or linked cards changed, free pages whose body changed, and listing pages
/// that show other cards or another count than before.
fn pages_to_render(
    after: &[(String, Shows)],
    catalog: &Catalog,
    places: &Places,
    before: &Before,
    bodies: &Bodies,
    cards: &[Card],
    dirty: &BTreeSet<String>,
) -> BTreeSet<String> {
    let resource_changed = |m: usize| {
        let Some(&o) = before.index.get(&places.paths[m]) else {
            return true;
        };
        dirty.contains(&catalog.resources[m].origin.file)
            || bodies.rendered.contains(&m)
            || before.cards[o] != cards[m]
            || linked(&before.links[o], &before.cards) != linked(&catalog.links[m], cards)
    };
    after
        .iter()
        .filter(|(file, shows)| match shows {
            Shows::Summary => true,
            Shows::Resource(m) => resource_changed(*m),
            Shows::FreePage(i) => bodies.rendered_pages.contains(i),
            Shows::Listing { .. } => {
                !same_listing(before.plan.get(file), shows, &before.cards, cards)
            }
        })
        .map(|(file, _)| file.clone())
        .collect()
}

/// The search index's part of the patch. A document stays (perhaps under another number) when
/// its file was not saved and its text did not change; the others leave, the new ones arrive.
fn index_patch(
    site: &mut Site,
    catalog: &Catalog,
    places: &Places,
    before: &Before,
    bodies: &Bodies,
    replaced: &Replaced,
    dirty: &BTreeSet<String>,
) -> Option<Patch> {
    let config = &site.config;
    let stays = |m: usize| {
        !dirty.contains(&catalog.resources[m].origin.file)
            && bodies
                .previous
                .get(&places.paths[m])
                .is_none_or(|old| old.text == bodies.resources[m].text)
    };
    let (old_count, new_count) = (before.resources.len(), catalog.resources.len());
    let number_of = |m: usize| new_count - 1 - m;
    let mut moves = Vec::with_capacity(old_count);
    let mut leaving: Vec<(usize, SearchDocument<'_>)> = Vec::new();
    for number in 0..old_count {
        let (_, path) = &before.resources[old_count - 1 - number];
        let now = places.index.get(path).copied();
        if let Some(m) = now.filter(|m| stays(*m)) {
            moves.push(Some(number_of(m) as u32));
            continue;
        }
        moves.push(None);
        let doc = match replaced
            .iter()
            .find(|(r, _)| catalog::resource_path(r) == *path)
        {
            Some((r, body)) => search_document(config, r, body),
            None => {
                let m = now?;
                let body = bodies.previous.get(path).unwrap_or(&bodies.resources[m]);
                search_document(config, &catalog.resources[m], body)
            }
        };
        leaving.push((number, doc));
    }
    let arriving: Vec<(usize, SearchDocument<'_>)> = (0..new_count)
        .filter(|&m| !before.index.contains_key(&places.paths[m]) || !stays(m))
        .map(|m| {
            (
                number_of(m),
                search_document(config, &catalog.resources[m], &bodies.resources[m]),
            )
        })
        .collect();
    let topics = index_topics(catalog);
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
    let state = site.search.as_mut()?;
    let mut index = IndexChanges::default();
    index.add(state.rearrange(config, &topics, &change)?);
    Some(index.into_patch())
}

/// What was saved or deleted: every such file (relative to the root), the records of the
/// resources still there, and the assets that appeared (or were replaced) and went.
struct Saved {
    dirty: BTreeSet<String>,
    fresh: Vec<Resource>,
    assets_in: Vec<Asset>,
    assets_out: Vec<String>,
}

/// Read the saved resources again (against the assets as they are now). `None` when a file is
/// neither a resource (in Markdown or a video catalog) nor an asset, has any problem, was not known before its
/// deletion, or is an asset that a remaining resource's front matter names.
fn reread(site: &Site, options: &BuildOptions, root: &Path, changed: &[PathBuf]) -> Option<Saved> {
    let mut assets = asset_set(&site.catalog);
    let known: BTreeSet<&str> = site
        .catalog
        .resources
        .iter()
        .map(|r| r.origin.file.as_str())
        .collect();
    let mut saved = Saved {
        dirty: BTreeSet::new(),
        fresh: Vec::new(),
        assets_in: Vec::new(),
        assets_out: Vec::new(),
    };
    let mut resources = Vec::new();
    for path in changed {
        let rel = super::relative(root, path)?;
        if let Some(asset) = rel
            .strip_prefix("content/assets/")
            .filter(|_| content::is_asset(&rel))
        {
            if path.is_file() {
                assets.insert(asset.to_string());
                let source = path.clone();
                saved.assets_in.push(Asset {
                    path: asset.to_string(),
                    source,
                });
            } else if path.exists() || !assets.remove(asset) {
                return None;
            } else {
                saved.assets_out.push(asset.to_string());
            }
        } else if path.is_file() {
            resources.push(rel.clone());
        } else if path.exists() || !known.contains(rel.as_str()) {
            return None;
        }
        saved.dirty.insert(rel);
    }
    for rel in resources {
        let (config, drafts) = (&site.config, options.drafts);
        match content::reread_resource(root, &rel, config, &assets, drafts) {
            Some(fresh) => saved.fresh.push(fresh),
            // A video catalog holds many records; anything else is left to a full build.
            None => saved.fresh.extend(content::reread_catalog(
                root, &rel, config, &assets, drafts,
            )?),
        }
    }
    let still_named = site.catalog.resources.iter().any(|r| {
        !saved.dirty.contains(&r.origin.file)
            && r.asset_paths()
                .iter()
                .any(|a| saved.assets_out.iter().any(|gone| gone == a))
    });
    (!still_named).then_some(saved)
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
        index: site
            .catalog
            .resources
            .iter()
            .enumerate()
            .map(|(o, r)| (catalog::resource_path(r), o))
            .collect(),
        topics: index_topics(&site.catalog),
    }
}

/// Move the records out of the site: the saved or deleted ones (with their bodies) aside, the
/// others' bodies by their old place. The records left in `site.catalog` are the unchanged.
fn take_changed(site: &mut Site, dirty: &BTreeSet<String>) -> (Replaced, Vec<Option<Rendered>>) {
    let resources = std::mem::take(&mut site.catalog.resources);
    let bodies = std::mem::take(&mut site.bodies);
    let mut replaced = Vec::new();
    let mut kept_bodies = Vec::with_capacity(bodies.len());
    for (r, body) in resources.into_iter().zip(bodies) {
        if dirty.contains(&r.origin.file) {
            replaced.push((r, body));
            kept_bodies.push(None);
        } else {
            site.catalog.resources.push(r);
            kept_bodies.push(Some(body));
        }
    }
    (replaced, kept_bodies)
}

/// The catalog of the unchanged records and the fresh ones; `None` on any diagnostic.
fn assemble(site: &mut Site, saved: &Saved) -> Option<Catalog> {
    let mut resources = std::mem::take(&mut site.catalog.resources);
    resources.extend(saved.fresh.iter().cloned());
    // A saved file is a record now, and a deleted one is nothing: neither is a draft any more.
    let mut unavailable = site.catalog.unavailable.clone();
    for key in saved
        .dirty
        .iter()
        .filter_map(|rel| content::unavailable_key(rel))
    {
        unavailable.remove(&key);
    }
    let mut assets: BTreeMap<String, Asset> = site
        .catalog
        .assets
        .iter()
        .map(|a| (a.path.clone(), a.clone()))
        .collect();
    for gone in &saved.assets_out {
        assets.remove(gone);
    }
    assets.extend(saved.assets_in.iter().map(|a| (a.path.clone(), a.clone())));
    let content = Content {
        resources,
        pages: site.catalog.pages.clone(),
        assets: assets.into_values().collect(),
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
    places: &Places,
    before: &Before,
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
        .zip(&places.paths)
        .map(|(r, path)| match before.index.get(path) {
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
fn sitemap(config: &crate::config::Config, plan: &[(String, Shows)]) -> Option<String> {
    let mut paths: Vec<String> = plan
        .iter()
        .filter(|(file, _)| file.as_str() != "404.html")
        .filter_map(|(file, _)| file.strip_suffix("index.html").map(str::to_string))
        .collect();
    paths.sort();
    crate::feeds::sitemap(config, &paths)
}
