//! The saved files, read again alone: lessons, videos, reviews, video catalogs, free pages and
//! assets, saved or deleted. Any other file declines the patch.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::bodies::asset_set;
use crate::build::{BuildOptions, Site};
use crate::config::CONFIG_FILE;
use crate::content::{self, Asset, Kind, Page, Resource, Unavailable};
use crate::output::Patch;

use super::{Decline, relative};

/// What was saved or deleted.
pub struct Saved {
    /// Every saved or deleted file, relative to the site root.
    pub dirty: BTreeSet<String>,
    /// The records of the saved resource files and catalogs.
    pub resources: Vec<Resource>,
    pub pages: Vec<Page>,
    /// Saved files that are drafts now, as `Content::unavailable` notes them.
    pub unavailable: Vec<((Kind, String), Unavailable)>,
    /// Saved free pages that are drafts now.
    pub draft_pages: Vec<String>,
    /// Assets that appeared or were replaced, and those that went.
    pub assets_in: Vec<Asset>,
    pub assets_out: Vec<String>,
}

impl Saved {
    /// Copy the new assets in and remove the deleted ones.
    pub fn add_assets(&self, patch: &mut Patch) {
        for asset in &self.assets_in {
            patch
                .copies
                .push((published(&asset.path), asset.source.clone()));
        }
        let gone = self.assets_out.iter().map(|a| published(a));
        patch.removals.extend(gone);
    }
}

/// Where an asset of content/assets/ is in the output folder.
fn published(path: &str) -> String {
    format!("assets/{}", crate::url::published_asset(path))
}

/// Read every changed file again (resources against the assets as they are now).
pub fn read(
    site: &Site,
    options: &BuildOptions,
    root: &Path,
    changed: &[PathBuf],
) -> Result<Saved, Decline> {
    let mut assets = asset_set(&site.catalog);
    let mut saved = Saved {
        dirty: BTreeSet::new(),
        resources: Vec::new(),
        pages: Vec::new(),
        unavailable: Vec::new(),
        draft_pages: Vec::new(),
        assets_in: Vec::new(),
        assets_out: Vec::new(),
    };
    let mut texts = Vec::new();
    for path in changed {
        let rel =
            relative(root, path).ok_or_else(|| Decline::NotContent(path.display().to_string()))?;
        if rel.is_empty() {
            // The watcher's word for "events were lost" (`serve::watch`).
            return Err(Decline::EventsLost);
        }
        check_readable_here(&rel)?;
        check_not_linked(root, &rel)?;
        if let Some(asset) = rel
            .strip_prefix("content/assets/")
            .filter(|_| content::is_asset(&rel))
        {
            note_asset(&mut saved, &mut assets, asset, path)?;
        } else if path.is_file() {
            texts.push(rel.clone());
        } else if path.is_dir() {
            // a folder made, renamed or copied in: what is inside is read by a full build
            return Err(Decline::Folder(rel));
        } else if path.exists() || !known(site, &rel) {
            return Err(Decline::Unknown(rel));
        }
        saved.dirty.insert(rel);
    }
    for rel in texts {
        read_text(&mut saved, site, options, root, &rel, &assets)?;
    }
    check_assets_unnamed(site, &saved)?;
    Ok(saved)
}

/// Files the patch cannot judge alone: the site's configuration, its theme, what a full
/// build skips.
fn check_readable_here(rel: &str) -> Result<(), Decline> {
    if rel == CONFIG_FILE {
        return Err(Decline::SiteConfig);
    }
    // The folders themselves too (a theme folder removed or put back).
    let theme_folder = ["themes", "templates"].contains(&rel);
    if theme_folder || rel.starts_with("themes/") || rel.starts_with("templates/") {
        return Err(Decline::Theme(rel.to_string()));
    }
    if rel.split('/').any(content::is_ignored) {
        return Err(Decline::Ignored(rel.to_string()));
    }
    if !rel.starts_with("content/") {
        return Err(Decline::NotContent(rel.to_string()));
    }
    if let Some(problem) = content::unpublishable_name(Path::new(rel)) {
        return Err(Decline::Problem(format!("{rel}: {problem}")));
    }
    Ok(())
}

/// A file swapped for a symbolic link (or in a folder that was) is read by the full build,
/// which skips it, never through the link: `serve` must not publish what `build` would not.
/// `content/` itself may be a link, as in a full build.
fn check_not_linked(root: &Path, rel: &str) -> Result<(), Decline> {
    let mut path = root.join("content");
    for part in rel.split('/').skip(1) {
        path.push(part);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Decline::Link(rel.to_string()));
        }
    }
    Ok(())
}

fn note_asset(
    saved: &mut Saved,
    assets: &mut BTreeSet<String>,
    asset: &str,
    path: &Path,
) -> Result<(), Decline> {
    if path.is_file() {
        assets.insert(asset.to_string());
        saved
            .assets_in
            .push(Asset::new(asset.to_string(), path.to_path_buf()));
    } else if path.exists() || !assets.remove(asset) {
        return Err(Decline::Unknown(format!("content/assets/{asset}")));
    } else {
        saved.assets_out.push(asset.to_string());
    }
    Ok(())
}

fn known(site: &Site, rel: &str) -> bool {
    let catalog = &site.catalog;
    catalog.resources.iter().any(|r| r.origin.file == rel)
        || catalog.pages.iter().any(|p| p.origin.file == rel)
        || content::unavailable_key(rel).is_some_and(|key| catalog.unavailable.contains_key(&key))
}

fn read_text(
    saved: &mut Saved,
    site: &Site,
    options: &BuildOptions,
    root: &Path,
    rel: &str,
    assets: &BTreeSet<String>,
) -> Result<(), Decline> {
    let reread = content::reread(root, rel, &site.config, assets, options.drafts)
        .ok_or_else(|| Decline::NotContent(rel.to_string()))?
        .map_err(|problem| Decline::Problem(format!("{rel}: {}", problem.message)))?;
    saved.resources.extend(reread.resources);
    saved.pages.extend(reread.pages);
    saved.unavailable.extend(reread.unavailable);
    saved.draft_pages.extend(reread.draft_page);
    Ok(())
}

/// A deleted asset that a remaining resource's front matter names is an error a full build
/// reports.
fn check_assets_unnamed(site: &Site, saved: &Saved) -> Result<(), Decline> {
    if saved.assets_out.is_empty() {
        return Ok(());
    }
    let named = site.catalog.resources.iter().find_map(|r| {
        if saved.dirty.contains(&r.origin.file) {
            return None;
        }
        r.asset_paths()
            .into_iter()
            .find(|a| saved.assets_out.iter().any(|gone| gone == a))
            .map(str::to_string)
    });
    match named {
        Some(asset) => Err(Decline::AssetStillNamed(format!("content/assets/{asset}"))),
        None => Ok(()),
    }
}
