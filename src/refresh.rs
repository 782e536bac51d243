//! Re-rendering only what an edit changed, for `serve`. When a saved lesson, video or review
//! changes nothing that any other page shows (its card, its links, the feed), only its own page
//! is rendered again and replaced in place: milliseconds, even in a 10,000-resource portal.
//! Everything else — a new or deleted file, site.yaml, a template, a changed title — and the
//! search index are left to the full build that `serve` runs right after.

use std::path::{Path, PathBuf};

use crate::build::{BuildOptions, Site, asset_set, render_resource_body};
use crate::content::{self, Detail, Resource};
use crate::search::MANIFEST_PATH;
use crate::theme::pages::{SiteInput, render_resource};
use crate::theme::views;

/// Re-render the pages of `changed` files if that is enough; `None` means "build everything".
/// Returns the paths of the pages it replaced.
pub fn refresh(
    site: &mut Site,
    options: &BuildOptions,
    changed: &[PathBuf],
) -> Option<Vec<String>> {
    let out = options.out.as_deref()?;
    let root = std::fs::canonicalize(&options.root).ok()?;
    let mut touched = Vec::new();
    for path in changed {
        let rel = relative(&root, path)?;
        let n = site
            .catalog
            .resources
            .iter()
            .position(|r| r.origin.file == rel)?;
        let assets = asset_set(&site.catalog);
        let fresh = content::reread_resource(&root, &rel, &site.config, &assets, options.drafts)?;
        if !same_for_other_pages(&site.catalog.resources[n], &fresh) {
            return None;
        }
        let (rendered, warnings) =
            render_resource_body(&site.config, &site.catalog, &assets, &fresh);
        if !warnings.is_empty() {
            return None;
        }
        site.catalog.resources[n] = fresh;
        site.bodies[n] = rendered;
        touched.push(n);
    }
    let cards = site
        .cards
        .get_or_insert_with(|| views::cards(&site.config, &site.catalog));
    let input = SiteInput {
        config: &site.config,
        catalog: &site.catalog,
        bodies: &site.bodies,
        page_bodies: &site.page_bodies,
        search_manifest: MANIFEST_PATH,
    };
    let mut pages = Vec::new();
    for n in touched {
        let (path, bytes) = render_resource(&site.theme, &input, cards, n).ok()?;
        crate::output::replace_file(out, &path, &bytes, options.swap_lock.as_deref()).ok()?;
        pages.push(path);
    }
    Some(pages)
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// Everything another page shows of a resource: its card (title, summary, date, grades, course,
/// topics, duration, rating, kind of review), its links, and the feed's author line.
fn same_for_other_pages(old: &Resource, new: &Resource) -> bool {
    let shared = old.kind == new.kind
        && old.id == new.id
        && old.title == new.title
        && old.summary == new.summary
        && old.date == new.date
        && old.grades == new.grades
        && old.course == new.course
        && old.topics == new.topics
        && old.school == new.school;
    shared
        && match (&old.detail, &new.detail) {
            (Detail::Lesson(a), Detail::Lesson(b)) => a.author == b.author,
            (Detail::Video(a), Detail::Video(b)) => {
                a.duration == b.duration && a.lesson == b.lesson && a.speaker == b.speaker
            }
            (Detail::Review(a), Detail::Review(b)) => {
                a.rating == b.rating
                    && a.review_kind == b.review_kind
                    && a.lesson == b.lesson
                    && a.video == b.video
                    && a.reviewer == b.reviewer
            }
            _ => false,
        }
}
