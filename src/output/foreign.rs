//! Files a host put into the output folder by hand (`public/robots.txt`, an `uploads/` folder):
//! Lectern did not make them, so a build must not delete them. Each build's marker records
//! the files that build made, as a hash of each path; any other file of the old site was put
//! there by hand, and is carried into the new site. A file's times are no guide: a deploy
//! script may write one in the clock tick of the build, and a host may touch or edit the
//! site's own pages. A marker from before this record (no list) falls back to times.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use walkdir::WalkDir;

use super::{MARKER, Staging, mount};
use crate::diagnostics::Diagnostic;

/// The first line of every marker.
pub const MARKER_TEXT: &str =
    "This folder is written by Lectern (lectern build). It is replaced on every build.\n";
const MADE_HEADING: &str = "Files Lectern made here, by a hash of each path (any other file was put here by hand, and the next build keeps it):\n";

/// What a build did with the files put into the old site by hand (paths for people to read).
#[derive(Debug, Default)]
pub struct Carried {
    /// Carried into the new site.
    pub kept: Vec<String>,
    /// Left out: the new site makes a file of that name.
    pub replaced: Vec<String>,
    /// The kept files' paths, relative to the site: not made by the new build either.
    pub kept_paths: HashSet<PathBuf>,
}

/// The marker of the site staged in `dir`: every file in it but the marker and `kept` (the
/// files carried over by hand) was made by this build.
pub fn marker_text(dir: &Path, kept: &HashSet<PathBuf>) -> String {
    let made = files_under(dir)
        .filter(|rel| !kept.contains(rel))
        .map(|rel| path_hash(&rel))
        .collect();
    marker_from(made)
}

fn marker_from(mut made: Vec<u64>) -> String {
    made.sort_unstable();
    made.dedup();
    let mut text = String::with_capacity(MARKER_TEXT.len() + MADE_HEADING.len() + made.len() * 17);
    text.push_str(MARKER_TEXT);
    text.push_str(MADE_HEADING);
    for hash in made {
        text.push_str(&format!("{hash:016x}\n"));
    }
    text
}

/// `serve`'s patch to a finished site: the files it wrote are the site's, those it removed
/// are gone, so its marker says what a full build's would. (The index's generation folder
/// is renamed by a patch; paths in it hash without its name, `path_hash`.)
pub fn patch_marker<'p>(
    out: &Path,
    written: impl Iterator<Item = &'p str>,
    removed: impl Iterator<Item = &'p str>,
) -> std::io::Result<()> {
    let path = out.join(MARKER);
    // No marker, or one without the list: nothing to keep up to date.
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(());
    };
    let Some(mut made) = made_list(&text) else {
        return Ok(());
    };
    made.extend(written.map(|rel| path_hash(Path::new(rel))));
    for rel in removed {
        made.remove(&path_hash(Path::new(rel)));
    }
    fs::write(&path, marker_from(made.into_iter().collect()))
}

/// Carries the files of `old` (the site being replaced) that Lectern did not make into the
/// staging folder, unless the new site makes a file at the same place. A folder of `old` on
/// another file system (a share mounted inside it) stops the build: the old site is removed
/// after the swap, and a mount cannot be carried.
pub fn carry(old: &Path, staging: &Staging) -> Result<Carried, Diagnostic> {
    let Some(marker) = read_marker(old) else {
        return Ok(Carried::default());
    };
    if let Some(inner) = mount::mounts_inside(old).first() {
        let rel = inner.strip_prefix(old).unwrap_or(inner);
        return Err(mounted_inside(old, rel));
    }
    let device = device_of(old);
    let mut carried = Carried::default();
    let walk = WalkDir::new(old)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() != 1 || !is_lecterns_own(e.file_name()));
    for entry in walk.flatten() {
        let Ok(rel) = entry.path().strip_prefix(old) else {
            continue;
        };
        if entry.file_type().is_dir() {
            if device.is_some() && device_of(entry.path()) != device {
                return Err(mounted_inside(old, rel));
            }
            continue;
        }
        if !marker.made_by_hand(rel, entry.path()) {
            continue;
        }
        let shown = rel.to_string_lossy().replace('\\', "/");
        match staging.keep(rel, entry.path()) {
            Ok(true) => {
                carried.kept.push(shown);
                carried.kept_paths.insert(rel.to_path_buf());
            }
            Ok(false) => carried.replaced.push(shown),
            Err(error) => return Err(cannot_keep(old, rel, &error)),
        }
    }
    Ok(carried)
}

/// What the old site's marker says: the hashes of the files that build made, or (a marker
/// from before they were recorded) the time it was written.
struct Marker {
    made: Option<HashSet<u64>>,
    written: Option<SystemTime>,
}

impl Marker {
    fn made_by_hand(&self, rel: &Path, path: &Path) -> bool {
        match &self.made {
            Some(made) => !made.contains(&path_hash(rel)),
            None => {
                let modified = fs::symlink_metadata(path).and_then(|m| m.modified()).ok();
                matches!((modified, self.written), (Some(m), Some(w)) if m > w)
            }
        }
    }
}

/// `None` without a marker (a first build, into an empty folder).
fn read_marker(old: &Path) -> Option<Marker> {
    let path = old.join(MARKER);
    let meta = fs::symlink_metadata(&path).ok().filter(|m| m.is_file())?;
    let text = fs::read_to_string(&path).unwrap_or_default();
    Some(Marker {
        made: made_list(&text),
        written: meta.modified().ok(),
    })
}

/// The hashes after the heading, read line by line (CRLF too: an editor or git may have
/// rewritten the file); `None` without the heading.
fn made_list(text: &str) -> Option<HashSet<u64>> {
    let heading = MADE_HEADING.trim_end();
    let mut lines = text.lines().map(str::trim);
    lines.by_ref().find(|line| *line == heading)?;
    Some(
        lines
            .filter_map(|line| u64::from_str_radix(line, 16).ok())
            .collect(),
    )
}

/// Every file (and link) under `dir`, relative to it, but the marker.
fn files_under(dir: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .filter_map(move |e| e.path().strip_prefix(dir).ok().map(Path::to_path_buf))
        .filter(|rel| rel.as_os_str() != MARKER)
}

/// FNV-1a (64 bits) of a relative path's bytes, `/`-separated: stable across builds and
/// machines, and no name (GBK bytes, a newline) breaks the marker's lines. The search index's
/// generation folder (`search/1f8e7e0788/`) hashes as `search/*/`, since `serve` renames it.
fn path_hash(rel: &Path) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for byte in bytes {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    let mut parts = rel.iter().peekable();
    let mut index = 0;
    while let Some(part) = parts.next() {
        if index > 0 {
            eat(b"/");
        }
        let generation = index == 1
            && rel.iter().next() == Some(std::ffi::OsStr::new("search"))
            && parts.peek().is_some()
            && is_generation(part.as_encoded_bytes());
        eat(if generation {
            b"*"
        } else {
            part.as_encoded_bytes()
        });
        index += 1;
    }
    hash
}

/// The name of the search index's generation folder: ten lower-case hexadecimal digits.
fn is_generation(name: &[u8]) -> bool {
    name.len() == 10 && name.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The marker and a build's temporaries (inside a mount point) are never carried.
fn is_lecterns_own(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name == MARKER || mount::is_temporary(&name)
}

#[cfg(unix)]
fn device_of(path: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(path).ok().map(|m| m.dev())
}

#[cfg(not(unix))]
fn device_of(_: &Path) -> Option<u64> {
    None
}

fn mounted_inside(old: &Path, rel: &Path) -> Diagnostic {
    Diagnostic::error(format!(
        "{} is a mount point inside the output folder: the build replaces the whole folder and would take the mounted files with the old site",
        old.join(rel).display()
    ))
    .with_help("mount the share outside the output folder and put a symbolic link to it there (a link put there by hand is kept); the previous site is unchanged")
}

fn cannot_keep(old: &Path, rel: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "cannot keep {}, which was put into the output folder by hand: {error}",
        old.join(rel).display()
    ))
    .with_help("move it out of the output folder, or check its permissions and the free space; the previous site is unchanged")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_made_list_is_read_with_crlf_and_without_its_heading_it_is_none() {
        let text = marker_from(vec![0x1f, 0xabc]);
        assert_eq!(made_list(&text), Some(HashSet::from([0x1f, 0xabc])));
        assert_eq!(
            made_list(&text.replace('\n', "\r\n")),
            Some(HashSet::from([0x1f, 0xabc]))
        );
        assert_eq!(made_list(MARKER_TEXT), None);
        assert_eq!(made_list(""), None);
    }

    #[test]
    fn path_hashes_separate_folders_and_take_any_bytes() {
        assert_ne!(path_hash(Path::new("a/bc")), path_hash(Path::new("ab/c")));
        assert_eq!(
            path_hash(Path::new("lessons/x/index.html")),
            path_hash(Path::new("lessons/x/index.html"))
        );
        use std::os::unix::ffi::OsStrExt;
        let gbk = Path::new(std::ffi::OsStr::from_bytes(b"uploads/\xbd\xcc\xb0\xb8.pdf"));
        assert_ne!(path_hash(gbk), path_hash(Path::new("uploads/教案.pdf")));
        assert_eq!(
            path_hash(Path::new("search/1f8e7e0788/p/3.json")),
            path_hash(Path::new("search/0a1b2c3d4e/p/3.json"))
        );
        assert_ne!(
            path_hash(Path::new("search/1f8e7e0788")),
            path_hash(Path::new("search/0a1b2c3d4e"))
        );
    }
}
