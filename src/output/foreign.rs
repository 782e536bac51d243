//! Files a host put into the output folder by hand (`public/robots.txt`, an `uploads/` folder):
//! Lectern did not make them, so a build must not delete them. They are found by time — written
//! after the last build wrote its marker — or because the marker lists them as kept before, and
//! are carried into the new site, which then lists them in its own marker.

use std::collections::HashSet;
use std::fs;
use std::path::Path;
use std::time::SystemTime;

use walkdir::WalkDir;

use super::{MARKER, Staging, mount};

/// The first line of every marker; the kept files follow, one per line, after `KEPT_HEADING`.
pub const MARKER_TEXT: &str =
    "This folder is written by Lectern (lectern build). It is replaced on every build.\n";
const KEPT_HEADING: &str =
    "Files put here by hand, which Lectern keeps (delete one here to drop it):\n";

/// The marker's text for a site that keeps `kept`.
pub fn marker_text(kept: &[String]) -> String {
    let mut text = String::from(MARKER_TEXT);
    if !kept.is_empty() {
        text.push_str(KEPT_HEADING);
        for rel in kept {
            text.push_str(rel);
            text.push('\n');
        }
    }
    text
}

/// Carries the files of `old` (the site being replaced) that Lectern did not make into the
/// staging folder, unless the new site makes a file at the same place. Returns the files kept.
pub fn carry(old: &Path, staging: &Staging) -> Vec<String> {
    let Some((built, listed)) = read_marker(old) else {
        return Vec::new();
    };
    let mut kept = Vec::new();
    for entry in WalkDir::new(old)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() != 1 || !is_lecterns_own(e.file_name()))
        .flatten()
    {
        if entry.file_type().is_dir() {
            continue;
        }
        let Some(rel) = relative(old, entry.path()) else {
            continue;
        };
        let changed = entry
            .path()
            .symlink_metadata()
            .ok()
            .and_then(|m| changed_at(&m));
        let foreign = listed.contains(&rel) || changed.is_some_and(|t| t > built);
        if foreign && staging.keep(&rel, entry.path()) {
            kept.push(rel);
        }
    }
    kept
}

/// The old marker's time (when that build finished writing) and the files it lists as kept;
/// `None` without a marker (a first build, into an empty folder).
fn read_marker(old: &Path) -> Option<(SystemTime, HashSet<String>)> {
    let path = old.join(MARKER);
    let built = changed_at(&fs::symlink_metadata(&path).ok()?)?;
    let text = fs::read_to_string(&path).unwrap_or_default();
    let listed = text
        .split_once(KEPT_HEADING)
        .map(|(_, list)| list.lines().map(str::to_string).collect())
        .unwrap_or_default();
    Some((built, listed))
}

/// The marker and a build's temporaries (inside a mount point) are never carried.
fn is_lecterns_own(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name == MARKER || mount::is_temporary(&name)
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.iter().map(|p| p.to_str()).collect();
    Some(parts?.join("/"))
}

/// When a file's contents last changed. Not its status change time: a host's `chown -R` or
/// `chmod -R` of the whole folder would make every page of the old site look put there by
/// hand. A file copied in with its old times kept (`cp -p`, `rsync -a`) is not recognised.
fn changed_at(meta: &fs::Metadata) -> Option<SystemTime> {
    meta.modified().ok()
}
