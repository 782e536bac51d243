//! A free page saved with its title, slug and weight unchanged (all that every page's menu
//! shows of it), or a file under `content/assets/` replaced by another of the same name, for
//! `serve`: the page alone is rendered again, the asset copied. Nothing else depends on either.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::build::{BuildOptions, Site, asset_set, missing_fragments, render_page_body};
use crate::catalog;
use crate::content;
use crate::output::{Patch, apply_patch};
use crate::theme::pages::render_files;
use crate::theme::views;

use super::{Refreshed, relative};

/// Are all of `changed` free pages or assets that the site already has, still there?
pub fn applies(site: &Site, root: &Path, changed: &[PathBuf]) -> bool {
    changed.iter().all(|path| {
        let Some(rel) = relative(root, path) else {
            return false;
        };
        let known_page = site.catalog.pages.iter().any(|p| p.origin.file == rel);
        let known_asset = content::is_asset(&rel)
            && rel
                .strip_prefix("content/assets/")
                .is_some_and(|a| site.catalog.assets.iter().any(|known| known.path == a));
        path.is_file() && (known_page || known_asset)
    })
}

/// Patch the output for `changed` (see `applies`); `None`: build everything.
pub fn refresh(
    site: &mut Site,
    options: &BuildOptions,
    root: &Path,
    changed: &[PathBuf],
) -> Option<Refreshed> {
    let out = options.out.as_deref()?;
    let assets = asset_set(&site.catalog);
    let mut patch = Patch::default();
    let mut pages = BTreeSet::new();
    for path in changed {
        let rel = relative(root, path)?;
        if let Some(asset) = rel.strip_prefix("content/assets/") {
            patch.copies.push((format!("assets/{asset}"), path.clone()));
            continue;
        }
        let i = site
            .catalog
            .pages
            .iter()
            .position(|p| p.origin.file == rel)?;
        let fresh = content::reread_page(root, &rel, &site.config, options.drafts)?;
        let old = &site.catalog.pages[i];
        if (&fresh.slug, &fresh.title, fresh.weight) != (&old.slug, &old.title, old.weight) {
            return None;
        }
        let (body, warnings) = render_page_body(&site.config, &site.catalog, &assets, &fresh);
        if !warnings.is_empty() {
            return None;
        }
        pages.insert(format!("{}index.html", catalog::page_path(&fresh)));
        site.catalog.pages[i] = fresh;
        site.page_bodies[i] = body;
    }
    if !missing_fragments(&site.catalog, &site.bodies, &site.page_bodies, None).is_empty() {
        return None;
    }
    let cards = site
        .cards
        .take()
        .unwrap_or_else(|| views::cards(&site.config, &site.catalog));
    let input = site.input();
    let rendered = render_files(&site.theme, &input, &cards, &pages);
    site.cards = Some(cards);
    patch.files.extend(rendered.ok()?);
    apply_patch(out, &patch, options.swap_lock.as_deref()).ok()?;
    let written = patch.files.into_iter().map(|(path, _)| path);
    Some(Refreshed {
        pages: written
            .chain(patch.copies.into_iter().map(|(path, _)| path))
            .collect(),
        search_index: false,
    })
}
