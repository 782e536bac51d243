//! The site after the save, assembled beside the served one without touching it: the records
//! of unsaved files are shared (`Arc`), the catalog is assembled again, and a body is rendered
//! again only when its file was saved or it links to a saved or deleted file (a link's target
//! may have appeared, moved or gone).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use std::sync::Arc;

use crate::bodies::{self, Bodies, asset_set};
use crate::build::Site;
use crate::catalog::{self, Catalog};
use crate::content::{Asset, Content, Kind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Rendered;
use crate::search::MANIFEST_PATH;
use crate::theme::SiteInput;

use super::Decline;
use super::saved::Saved;

/// The next site's catalog and bodies.
pub struct Next {
    pub catalog: Catalog,
    pub bodies: Bodies,
}

impl Next {
    pub fn input<'a>(&'a self, site: &'a Site) -> SiteInput<'a> {
        SiteInput {
            config: &site.config,
            catalog: &self.catalog,
            bodies: &self.bodies.resources,
            page_bodies: &self.bodies.pages,
            search_manifest: MANIFEST_PATH,
        }
    }

    /// Make this the served site.
    pub fn commit(self, site: &mut Site) {
        site.catalog = self.catalog;
        site.bodies = self.bodies.resources;
        site.page_bodies = self.bodies.pages;
    }
}

/// The site as it is after `saved`; declined on any problem a full build would report.
pub fn assemble(site: &Site, saved: &Saved) -> Result<Next, Decline> {
    let mut diagnostics = Diagnostics::new();
    // A warning is a full build's to report (the patch declines): one about a saved file too.
    diagnostics.extend(crate::content::saved_file_warnings(
        &saved.assets_in,
        saved.dirty.iter(),
    ));
    let content = content(site, saved);
    let catalog = catalog::assemble(&site.config, content, &mut diagnostics);
    first_problem(diagnostics.sorted())?;
    let bodies = render_bodies(site, &catalog, saved)?;
    first_problem(bodies::missing_fragments(&catalog, &bodies))?;
    first_problem(bodies::times_past_the_end(&catalog, &bodies))?;
    Ok(Next { catalog, bodies })
}

/// The content a full build would read now: the unsaved records and the saved ones.
fn content(site: &Site, saved: &Saved) -> Content {
    let old = &site.catalog;
    let unsaved = |file: &str| !saved.dirty.contains(file);
    let mut resources: Vec<Arc<crate::content::Resource>> = old
        .resources
        .iter()
        .filter(|r| unsaved(&r.origin.file))
        .cloned()
        .collect();
    resources.extend(saved.resources.iter().cloned().map(Arc::new));
    let mut pages: Vec<crate::content::Page> = old
        .pages
        .iter()
        .filter(|p| unsaved(&p.origin.file))
        .cloned()
        .collect();
    pages.extend(saved.pages.iter().cloned());
    // A saved file is a record now, or a draft again, and a deleted one is nothing.
    let mut unavailable = old.unavailable.clone();
    for key in saved
        .dirty
        .iter()
        .filter_map(|rel| crate::content::unavailable_key(rel))
    {
        unavailable.remove(&key);
    }
    unavailable.extend(saved.unavailable.iter().cloned());
    let mut draft_pages = old.draft_pages.clone();
    draft_pages.retain(|file| !saved.dirty.contains(file));
    draft_pages.extend(saved.draft_pages.iter().cloned());
    let mut assets: BTreeMap<String, Asset> = old
        .assets
        .iter()
        .map(|a| (a.path.clone(), a.clone()))
        .collect();
    for gone in &saved.assets_out {
        assets.remove(gone);
    }
    assets.extend(saved.assets_in.iter().map(|a| (a.path.clone(), a.clone())));
    Content {
        resources,
        pages,
        assets: assets.into_values().collect(),
        unavailable,
        draft_pages,
        // A broken file declines the patch: a full build renders these.
        broken_bodies: Vec::new(),
        broken_refs: Vec::new(),
        // Only `lectern build --timings` prints them.
        notes: Vec::new(),
    }
}

/// Bodies of the next catalog: kept (shared) where nothing they depend on was saved.
fn render_bodies(site: &Site, catalog: &Catalog, saved: &Saved) -> Result<Bodies, Decline> {
    let assets = asset_set(catalog);
    let old = &site.catalog;
    // The pages of saved or deleted files, before and after: a body linking to one from the
    // site's root (`/lessons/x/`) names it as `page:lessons/x/` among its sources.
    let dirty_pages: std::collections::BTreeSet<String> = old
        .resources
        .iter()
        .chain(&catalog.resources)
        .filter(|r| saved.dirty.contains(&r.origin.file))
        .map(|r| format!("page:{}", catalog::resource_path(r)))
        .collect();
    let keep = |file: &str, body: &Arc<Rendered>| {
        !saved.dirty.contains(file)
            && !body
                .linked_sources
                .iter()
                .any(|s| saved.dirty.contains(s) || dirty_pages.contains(s))
    };
    // By kind and id, which name a record (a video catalog file holds many).
    let kept_bodies: FxHashMap<(Kind, &str), (&str, &Arc<Rendered>)> = old
        .resources
        .iter()
        .zip(&site.bodies)
        .filter(|(r, body)| keep(&r.origin.file, body))
        .map(|(r, body)| ((r.kind, r.id.as_str()), (r.origin.file.as_str(), body)))
        .collect();
    let mut resources = Vec::with_capacity(catalog.resources.len());
    for r in &catalog.resources {
        let kept = kept_bodies
            .get(&(r.kind, r.id.as_str()))
            .filter(|(file, _)| *file == r.origin.file);
        match kept {
            Some((_, body)) => resources.push(Arc::clone(body)),
            None => {
                let (body, problems) =
                    bodies::render_resource_body(&site.config, catalog, &assets, r);
                first_problem(problems)?;
                resources.push(Arc::new(body));
            }
        }
    }
    let mut pages = Vec::with_capacity(catalog.pages.len());
    for page in &catalog.pages {
        let kept = old
            .pages
            .iter()
            .zip(&site.page_bodies)
            .find(|(p, body)| p.origin.file == page.origin.file && keep(&p.origin.file, body));
        match kept {
            Some((_, body)) => pages.push(body.clone()),
            None => {
                let (body, problems) =
                    bodies::render_page_body(&site.config, catalog, &assets, page);
                first_problem(problems)?;
                pages.push(Arc::new(body));
            }
        }
    }
    Ok(Bodies { resources, pages })
}

pub(super) fn first_problem(problems: Vec<Diagnostic>) -> Result<(), Decline> {
    match problems.into_iter().next() {
        Some(problem) => Err(Decline::Problem(describe(&problem))),
        None => Ok(()),
    }
}

fn describe(problem: &Diagnostic) -> String {
    match (&problem.file, problem.line) {
        (Some(file), Some(line)) => format!("{file}:{line}: {}", problem.message),
        (Some(file), None) => format!("{file}: {}", problem.message),
        _ => problem.message.clone(),
    }
}
