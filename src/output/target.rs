//! Which output folders Lectern may replace, and how. Only three things may stand at the output
//! path: nothing, an empty folder, or a folder Lectern wrote (it holds the marker). Anything
//! else (a file, a FIFO, a socket, a device node, a foreign folder) is refused, because the
//! swap would move it aside and delete it. A symbolic link is written through: the folder it
//! points at is checked and replaced, and the link keeps pointing at the new site. A mount
//! point cannot be renamed, so its contents are replaced instead (see `mount.rs`).

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::Diagnostic;

use super::MARKER;

/// A checked output folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The real folder (a symlink resolved), absolute.
    pub path: PathBuf,
    /// The folder is a mount point: its contents are replaced, not the folder.
    pub mount: bool,
}

/// Refuse output folders that would destroy something: the site, its content, an ancestor of
/// the site, `/`, the home folder, anything that is not a folder, or a non-empty folder
/// Lectern did not create.
pub fn check_target(root: &Path, out: &Path) -> Result<Target, Diagnostic> {
    let root = fs::canonicalize(root).map_err(|e| {
        Diagnostic::error(format!(
            "cannot open the site folder {}: {e}",
            root.display()
        ))
    })?;
    let out = absolute(out)?;
    let path = through_link(&out)?;
    let checked = check_place(&root, &path).and_then(|()| classify(&path));
    let mount = checked.map_err(|refused| name_the_link(refused, &out, &path))?;
    Ok(Target { path, mount })
}

/// Check again, under the lock, that the folder is still one we may replace: another program
/// may have put something there since `check_target`.
pub fn recheck(target: &Target) -> Result<(), Diagnostic> {
    match classify(&target.path) {
        Ok(mount) if mount == target.mount => Ok(()),
        Ok(_) => Err(refusal(
            &target.path,
            "it was mounted or unmounted during the build",
        )),
        Err(refused) => Err(refused),
    }
}

/// A refusal of the folder a link points at names the link too: that is what the user typed.
fn name_the_link(mut refused: Diagnostic, link: &Path, path: &Path) -> Diagnostic {
    if link != path {
        refused.message = format!(
            "{} ({} is a symbolic link to it)",
            refused.message,
            link.display()
        );
    }
    refused
}

fn refusal(out: &Path, why: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "refusing to write the site into {}: {why}",
        out.display()
    ))
    .with_help("choose an empty folder, or the default `public/` inside the site (--out DIR)")
}

/// A symbolic link at `out` is followed to the folder it names (a web root published through a
/// link stays a link); a link to nowhere is refused rather than made into a folder.
fn through_link(out: &Path) -> Result<PathBuf, Diagnostic> {
    let is_link = fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(out.to_path_buf());
    }
    fs::canonicalize(out).map_err(|e| {
        refusal(
            out,
            &format!("it is a symbolic link that cannot be followed ({e})"),
        )
        .with_help("create the folder the link points at, remove the link, or choose another --out")
    })
}

/// The site, its sources, its ancestors, `/` and the home folder are never output folders.
fn check_place(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if out.parent().is_none() || Some(out) == home.as_deref() {
        return Err(refusal(out, "it is / or your home folder"));
    }
    if root.starts_with(out) {
        return Err(refusal(out, "it is the site folder or contains it"));
    }
    for protected in ["content", "themes", "templates"] {
        if out.starts_with(root.join(protected)) {
            return Err(refusal(
                out,
                &format!("it is inside the site's {protected}/ folder"),
            ));
        }
    }
    Ok(())
}

/// What stands at `path`: `Ok(mount)` for nothing, an empty folder or our folder (`mount` says
/// whether it is a mount point); `Err` for everything else.
fn classify(path: &Path) -> Result<bool, Diagnostic> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(refusal(path, &format!("it cannot be inspected ({e})"))),
    };
    if !meta.is_dir() {
        return Err(refusal(path, &format!("it is {}", kind_of(&meta))));
    }
    if !is_ours(path) && !is_empty(path)? {
        // A marker that is there but is no plain file (a folder, a link) is named as the cause.
        let why = match fs::symlink_metadata(path.join(MARKER)) {
            Ok(marker) => {
                let kind = marker.file_type();
                let what = if kind.is_dir() {
                    "a folder"
                } else if kind.is_symlink() {
                    "a symbolic link"
                } else {
                    "a special file"
                };
                format!(
                    "it is not empty, and its {MARKER} is {what}, not the plain file Lectern writes"
                )
            }
            Err(_) => "it is not empty and was not written by Lectern".to_string(),
        };
        return Err(refusal(path, &why));
    }
    Ok(is_mount_point(path))
}

/// "a file", "a named pipe (FIFO)"…, for the refusal.
fn kind_of(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a named pipe (FIFO), not a folder";
        }
        if kind.is_socket() {
            return "a socket, not a folder";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device, not a folder";
        }
    }
    if meta.file_type().is_symlink() {
        "a symbolic link, not a folder"
    } else if meta.is_file() {
        "a file"
    } else {
        "not a folder"
    }
}

/// Lectern wrote it: the marker is a plain file (a link named like the marker proves nothing).
fn is_ours(path: &Path) -> bool {
    fs::symlink_metadata(path.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// Empty, not counting what builds leave inside a mount point while they run (their lock,
/// staging and old folders), which the build cleans up itself.
fn is_empty(path: &Path) -> Result<bool, Diagnostic> {
    let entries =
        fs::read_dir(path).map_err(|e| refusal(path, &format!("it cannot be listed ({e})")))?;
    Ok(entries
        .flatten()
        .all(|e| super::mount::is_temporary(&e.file_name().to_string_lossy())))
}

/// A folder another file system is mounted on (or bind-mounted on): renaming it fails with
/// "Device or resource busy". A different device from its parent's says so, and so does the
/// mount table (a bind mount from the same file system keeps the device).
pub fn is_mount_point(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let device = |p: &Path| fs::metadata(p).map(|m| m.dev()).ok();
        if let Some(parent) = path.parent()
            && device(path) != device(parent)
        {
            return true;
        }
    }
    super::mount::mount_table().iter().any(|m| m == path)
}

/// `out` made absolute without requiring it to exist (its parent is canonicalised when present).
fn absolute(out: &Path) -> Result<PathBuf, Diagnostic> {
    let cwd = std::env::current_dir()
        .map_err(|e| Diagnostic::error(format!("cannot read the current folder: {e}")))?;
    let joined = cwd.join(out);
    let mut clean = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    if let (Some(parent), Some(name)) = (clean.parent(), clean.file_name())
        && let Ok(parent) = fs::canonicalize(parent)
    {
        return Ok(parent.join(name));
    }
    Ok(clean)
}
