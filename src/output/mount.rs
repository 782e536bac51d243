//! The swap for an output folder that is a mount point (a tmpfs or a bind mount used as a web
//! root). The folder itself cannot be renamed, so the new site is staged inside it (a rename
//! across file systems is impossible, and a staging folder beside it would be on another one)
//! and swapped entry by entry: every top-level entry of the old site is renamed into an old
//! folder inside the mount, then every entry of the staging folder is renamed up. A failed
//! build never reaches the swap, so the old site stays whole; a failed rename puts back what
//! was moved. Readers may see a few missing files for the instant of the renames.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// Names of what builds keep inside a mount point while they run; never part of a site.
pub const PREFIX: &str = ".lectern-";

/// A build's own lock, staging or old folder: never moved aside with the old site.
pub fn is_temporary(name: &str) -> bool {
    name.strip_prefix(PREFIX).is_some_and(|rest| {
        rest == "lock" || rest.starts_with("staging-") || rest.starts_with("old-")
    })
}

/// The mount points strictly inside `dir`, from `/proc/self/mountinfo`: a share bind-mounted
/// from the same disk has the same device number as the folder around it, so only the mount
/// table tells it apart. Empty where there is no such table.
pub fn mounts_inside(dir: &Path) -> Vec<PathBuf> {
    let Ok(dir) = fs::canonicalize(dir) else {
        return Vec::new();
    };
    mount_table()
        .into_iter()
        .filter(|point| point != &dir && point.starts_with(&dir))
        .collect()
}

/// Mount points listed in /proc/self/mountinfo (empty where there is none). The fifth field is
/// the mount point, with spaces and the like written as octal escapes (`\040`).
pub fn mount_table() -> Vec<PathBuf> {
    let Ok(text) = fs::read_to_string("/proc/self/mountinfo") else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(|field| PathBuf::from(unescape_octal(field)))
        .collect()
}

fn unescape_octal(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let code = bytes
            .get(i + 1..i + 4)
            .filter(|_| bytes[i] == b'\\')
            .and_then(|digits| std::str::from_utf8(digits).ok())
            .and_then(|digits| u8::from_str_radix(digits, 8).ok());
        match code {
            Some(byte) => {
                out.push(byte);
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Replace the contents of `target` by those of `staging` (a folder inside it); the old
/// contents end up in `old` (inside it too), to be removed by the caller.
pub fn swap_contents(target: &Path, staging: &Path, old: &Path) -> Result<(), Diagnostic> {
    fs::create_dir(old).map_err(|e| swap_error(target, &e))?;
    let old_entries = entries(target).map_err(|e| swap_error(target, &e))?;
    let moved_out = move_all(target, old, &old_entries).map_err(|(done, e)| {
        let _ = move_back(old, target, &done);
        swap_error(target, &e)
    })?;
    let new_entries = entries(staging).map_err(|e| swap_error(target, &e))?;
    move_all(staging, target, &new_entries).map_err(|(done, e)| {
        let _ = move_back(target, staging, &done);
        let _ = move_back(old, target, &moved_out);
        swap_error(target, &e)
    })?;
    let _ = fs::remove_dir(staging);
    Ok(())
}

/// The entries of `dir` that belong to a site (not a build's temporaries), sorted.
fn entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name();
        if !is_temporary(&name.to_string_lossy()) {
            names.push(PathBuf::from(name));
        }
    }
    names.sort();
    Ok(names)
}

/// Rename each entry from `from` into `to`; on failure, what was moved and the error.
fn move_all(
    from: &Path,
    to: &Path,
    names: &[PathBuf],
) -> Result<Vec<PathBuf>, (Vec<PathBuf>, std::io::Error)> {
    let mut done = Vec::with_capacity(names.len());
    for name in names {
        if let Err(e) = fs::rename(from.join(name), to.join(name)) {
            return Err((done, e));
        }
        done.push(name.clone());
    }
    Ok(done)
}

/// Undo `move_all(to, from, names)` as far as possible.
fn move_back(from: &Path, to: &Path, names: &[PathBuf]) -> std::io::Result<()> {
    for name in names {
        fs::rename(from.join(name), to.join(name))?;
    }
    Ok(())
}

fn swap_error(target: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "cannot replace the contents of {} (a mount point) with the new site: {error}",
        target.display()
    ))
    .with_help("check the permissions of the mounted folder and that it is not mounted read-only; the previous site was put back")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_table_escapes_are_decoded() {
        assert_eq!(unescape_octal(r"/srv/web\040root"), "/srv/web root");
        assert_eq!(unescape_octal(r"/a\\b"), r"/a\\b");
        assert_eq!(unescape_octal(r"/x\04"), r"/x\04");
    }

    #[test]
    fn the_root_is_a_mount_point() {
        if Path::new("/proc/self/mountinfo").exists() {
            assert!(mount_table().iter().any(|m| m == Path::new("/")));
        }
    }

    #[test]
    fn mount_points_are_read_with_their_escapes() {
        assert_eq!(unescape_octal("/srv/a\\040b\\134c"), "/srv/a b\\c");
        assert_eq!(unescape_octal("/plain\\9x"), "/plain\\9x");
        // The root of this process's mounts is inside `/`, never `/` itself.
        assert!(
            mounts_inside(Path::new("/"))
                .iter()
                .all(|m| m != Path::new("/"))
        );
    }

    #[test]
    fn temporaries_are_recognised() {
        assert!(is_temporary(".lectern-lock"));
        assert!(is_temporary(".lectern-staging-12"));
        assert!(is_temporary(".lectern-old-12-0"));
        assert!(!is_temporary(".lectern-output"));
        assert!(!is_temporary("index.html"));
    }

    #[test]
    fn contents_are_swapped_and_temporaries_stay() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path();
        fs::write(target.join("old.html"), "old").unwrap();
        fs::write(target.join(".lectern-lock"), "1").unwrap();
        let staging = target.join(".lectern-staging-1");
        fs::create_dir_all(staging.join("lessons")).unwrap();
        fs::write(staging.join("index.html"), "new").unwrap();
        let old = target.join(".lectern-old-1-0");
        swap_contents(target, &staging, &old).unwrap();
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "new"
        );
        assert!(target.join("lessons").is_dir());
        assert!(!target.join("old.html").exists());
        assert!(old.join("old.html").exists());
        assert!(target.join(".lectern-lock").exists());
        assert!(!staging.exists());
    }
}
