//! Writing the site. Everything goes into a staging folder beside the output folder and is
//! swapped in only when the whole build succeeded, so a failed build leaves the previous
//! `public/` exactly as it was. Every write goes through `Staging::write`, which proves the
//! path stays inside the folder. The only module that writes files.
//!
//! `target` decides which output folders may be replaced, `lock` keeps builds into one folder
//! apart and removes what killed builds left, `mount` swaps the contents of a mount point.

mod foreign;
pub(crate) mod lock;
mod mount;
mod target;

pub use foreign::Carried;
pub use target::{Target, check_target};

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use lock::OutputLock;

/// Marks a folder as Lectern's output, so we only ever replace folders we made.
pub const MARKER: &str = ".lectern-output";

pub struct Staging {
    dir: PathBuf,
    target: Target,
    /// Where this build's lock, staging and old folders live, and their names' prefix: beside
    /// the output folder (`.public.lectern-`), or inside it for a mount point (`.lectern-`).
    place: PathBuf,
    prefix: String,
    committed: bool,
    /// Folders already made: creating them again costs a system call per file.
    made: Mutex<HashSet<PathBuf>>,
    /// Files put into the old site by hand, carried into this one (`carry_foreign`).
    carried: foreign::Carried,
    /// Set once a write finds the disk full: later writes are not tried, since each would fail
    /// the same way and thousands of equal errors would bury the one that says what to do.
    disk_full: AtomicBool,
    /// Held from the staging folder's creation to the swap; released last (fields drop after
    /// `Drop::drop`), so the staging folder is gone before another build may start.
    _lock: OutputLock,
}

/// Writes into a staging folder, counting the files and keeping every failure, so a build
/// reports all the files it could not write, not just the first.
pub struct Files<'s> {
    staging: &'s Staging,
    count: usize,
    problems: Vec<Diagnostic>,
}

impl<'s> Files<'s> {
    pub fn new(staging: &'s Staging) -> Self {
        Files {
            staging,
            count: 0,
            problems: Vec::new(),
        }
    }

    pub fn write(&mut self, rel: &str, bytes: &[u8]) {
        self.count += 1;
        self.problems.extend(self.staging.write(rel, bytes).err());
    }

    /// Many files, written in parallel.
    pub fn write_all<'b>(&mut self, files: impl Iterator<Item = (&'b str, &'b [u8])>) {
        let files: Vec<(&str, &[u8])> = files.collect();
        self.count += files.len();
        let staging = self.staging;
        let problems: Vec<Diagnostic> = files
            .par_iter()
            .filter_map(|(rel, bytes)| staging.write(rel, bytes).err())
            .collect();
        self.problems.extend(problems);
    }

    /// The files under `content/assets/`, copied in parallel under `assets/`.
    pub fn copy_assets(&mut self, assets: &[crate::content::Asset]) {
        self.count += assets.len();
        let staging = self.staging;
        let problems: Vec<Diagnostic> = assets
            .par_iter()
            .filter_map(|a| {
                staging
                    .copy(
                        &format!("assets/{}", crate::url::published_asset(&a.path)),
                        &a.source,
                    )
                    .err()
            })
            .collect();
        self.problems.extend(problems);
    }

    /// Files written by others (in parallel, before this writer was made): counted here.
    pub fn add_written(&mut self, count: usize, problems: Vec<Diagnostic>) {
        self.count += count;
        self.problems.extend(problems);
    }

    /// A folder renamed in the staging folder (`Staging::rename`).
    pub fn rename(&mut self, from: &str, to: &str) {
        self.problems.extend(self.staging.rename(from, to).err());
    }

    /// How many files were written, and what failed.
    pub fn finish(self) -> (usize, Vec<Diagnostic>) {
        (self.count, self.problems)
    }
}

impl Staging {
    /// Lock the output folder, remove what killed builds left there, check the folder again
    /// under the lock, and make the staging folder.
    pub fn create(target: &Target) -> Result<Staging, Diagnostic> {
        let (place, prefix) = temporaries_place(target);
        fs::create_dir_all(&place)
            .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", place.display())))?;
        let lock = OutputLock::acquire(&place.join(format!("{prefix}lock")), &target.path)?;
        lock::remove_stale(&place, &prefix);
        target::recheck(target)?;
        let dir = place.join(format!("{prefix}staging-{}", std::process::id()));
        if dir.exists() {
            let _ = fs::remove_dir_all(&dir);
        }
        fs::create_dir(&dir).map_err(|e| {
            Diagnostic::error(format!(
                "cannot create the staging folder {}: {e}",
                dir.display()
            ))
            .with_help("check the permissions and free space of the output folder's parent")
        })?;
        Ok(Staging {
            dir,
            target: target.clone(),
            place,
            prefix,
            committed: false,
            made: Mutex::new(HashSet::new()),
            carried: foreign::Carried::default(),
            disk_full: AtomicBool::new(false),
            _lock: lock,
        })
    }

    /// The staging folder itself: the new site as it will be served, before the swap.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The output folder this staging folder will replace.
    pub fn target(&self) -> &Path {
        &self.target.path
    }

    /// Write `bytes` at `rel` (a `/`-separated path) inside the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.room_left()?;
        let path = self.inside(rel)?;
        self.make_parent(rel, &path)?;
        fs::write(&path, bytes).map_err(|e| self.failed(rel, &e))
    }

    /// Fails at once when an earlier write found the disk full.
    fn room_left(&self) -> Result<(), Diagnostic> {
        if self.disk_full.load(Ordering::Relaxed) {
            return Err(disk_full_error());
        }
        Ok(())
    }

    /// The diagnostic for a failed write; a full disk is remembered (`disk_full`).
    fn failed(&self, rel: &str, error: &io::Error) -> Diagnostic {
        if error.kind() == io::ErrorKind::StorageFull {
            self.disk_full.store(true, Ordering::Relaxed);
        }
        write_error(rel, error)
    }

    /// Moves a folder written under a provisional name to its final one (the search index's,
    /// named by a hash of its files once they are all made).
    pub fn rename(&self, from: &str, to: &str) -> Result<(), Diagnostic> {
        // After a full disk the folder may never have been made: say the cause, not "no such file".
        self.room_left()?;
        let (from_path, to_path) = (self.inside(from)?, self.inside(to)?);
        self.make_parent(to, &to_path)?;
        fs::rename(&from_path, &to_path).map_err(|e| self.failed(to, &e))
    }

    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), Diagnostic> {
        self.room_left()?;
        let path = self.inside(rel)?;
        self.make_parent(rel, &path)?;
        fs::copy(from, &path)
            .map(|_| ())
            .map_err(|e| self.failed(rel, &e))
    }

    /// Carries the files a host put into the output folder by hand (not made by Lectern) into
    /// the new site, where it makes no file of that name (see `foreign`).
    pub fn carry_foreign(&mut self) -> Result<&foreign::Carried, Diagnostic> {
        self.carried = foreign::carry(&self.target.path, self)?;
        Ok(&self.carried)
    }

    /// Puts `source` (a file or a link of the old site) at `rel`: `false` when the new site
    /// has something there. A hard link where the system allows, a copy otherwise.
    fn keep(&self, rel: &Path, source: &Path) -> io::Result<bool> {
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(io::Error::other("not a plain relative path"));
        }
        let path = self.dir.join(rel);
        if fs::symlink_metadata(&path).is_ok() {
            return Ok(false);
        }
        if let Some(parent) = path.parent()
            && let Err(error) = fs::create_dir_all(parent)
        {
            // The new site has a file where the kept one needs a folder (`index.html/x`).
            return match error.kind() {
                io::ErrorKind::AlreadyExists | io::ErrorKind::NotADirectory => Ok(false),
                _ => Err(error),
            };
        }
        if fs::symlink_metadata(source)?.file_type().is_symlink() {
            copy_link(source, &path)?;
        } else if fs::hard_link(source, &path).is_err() {
            fs::copy(source, &path)?;
        }
        Ok(true)
    }

    fn make_parent(&self, rel: &str, path: &Path) -> Result<(), Diagnostic> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        let known = self
            .made
            .lock()
            .map(|made| made.contains(parent))
            .unwrap_or(false);
        if !known {
            fs::create_dir_all(parent).map_err(|e| self.failed(rel, &e))?;
            if let Ok(mut made) = self.made.lock() {
                made.insert(parent.to_path_buf());
            }
        }
        Ok(())
    }

    /// The one check every write passes: only plain names, so the path cannot leave the folder.
    fn inside(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        check_relative(rel)?;
        Ok(self.dir.join(rel))
    }

    /// Swap the staging folder in place of the target while holding `swap` (if given) for
    /// writing, and count the swap in it: a server that reads files and that number under the
    /// same lock never sees the moment between the renames, nor a page newer than its number.
    /// The replaced site is handed back, to be removed once the lock is released.
    pub fn commit_locked(
        self,
        swap: Option<&std::sync::RwLock<u64>>,
    ) -> Result<Replaced, Diagnostic> {
        let Some(lock) = swap else {
            return self.commit();
        };
        let mut generation = lock
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let replaced = self.commit()?;
        *generation += 1;
        Ok(replaced)
    }

    pub fn commit(mut self) -> Result<Replaced, Diagnostic> {
        let marker = foreign::marker_text(&self.dir, &self.carried.kept_paths);
        self.write(MARKER, marker.as_bytes())?;
        target::recheck(&self.target)?;
        // Unique per swap: `serve` may still be removing the previous one in the background.
        static SWAPS: AtomicU64 = AtomicU64::new(0);
        let old = self.place.join(format!(
            "{}old-{}-{}",
            self.prefix,
            std::process::id(),
            SWAPS.fetch_add(1, Ordering::Relaxed)
        ));
        let replaced = if self.target.mount {
            mount::swap_contents(&self.target.path, &self.dir, &old).map(|()| Some(old))?
        } else {
            self.swap_folder(old)?
        };
        self.committed = true;
        Ok(Replaced(replaced))
    }

    /// Put the staging folder where the output folder is, in one step where the system can
    /// exchange two names (so no instant lacks a site, even if the build is killed there).
    fn swap_folder(&self, old: PathBuf) -> Result<Option<PathBuf>, Diagnostic> {
        let target = &self.target.path;
        if !target.exists() {
            fs::rename(&self.dir, target).map_err(|e| swap_error(target, &e))?;
            return Ok(None);
        }
        match exchange(&self.dir, target) {
            // The staging name now holds the old site: a killed build leaves it for the next
            // build to remove, like any staging folder.
            Ok(()) => {
                let _ = fs::rename(&self.dir, &old);
                Ok(Some(if old.exists() { old } else { self.dir.clone() }))
            }
            Err(_) => self.swap_in_two_steps(old).map(Some),
        }
    }

    /// Where exchanging is not supported: move the old site aside, then the new one in.
    fn swap_in_two_steps(&self, old: PathBuf) -> Result<PathBuf, Diagnostic> {
        let target = &self.target.path;
        fs::rename(target, &old).map_err(|e| {
            Diagnostic::error(format!(
                "cannot move the old {} aside: {e}",
                target.display()
            ))
        })?;
        if let Err(e) = fs::rename(&self.dir, target) {
            let _ = fs::rename(&old, target);
            return Err(swap_error(target, &e));
        }
        Ok(old)
    }
}

#[cfg(unix)]
fn copy_link(link: &Path, to: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(fs::read_link(link)?, to)
}

#[cfg(not(unix))]
fn copy_link(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Where a build keeps its lock, staging and old folders, and their names' prefix.
fn temporaries_place(target: &Target) -> (PathBuf, String) {
    if target.mount {
        return (target.path.clone(), mount::PREFIX.to_string());
    }
    let parent = target.path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let name = target
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    (parent, format!(".{name}.lectern-"))
}

/// Exchange two paths atomically (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are NUL-terminated strings that outlive the call; renameat2 only
    // reads them.
    let status = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

fn swap_error(target: &Path, error: &io::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "cannot move the new site into {}: {error}",
        target.display()
    ))
    .with_help(
        "check the permissions of the output folder's parent; the previous site is unchanged",
    )
}

/// The site a commit replaced, moved aside: nothing links to it any more.
#[must_use = "the replaced site stays on disk until removed"]
pub struct Replaced(Option<PathBuf>);

impl Replaced {
    /// Remove it now (`lectern build`: nothing may be left behind when the command ends).
    pub fn remove(self) {
        if let Some(old) = self.0 {
            remove_in_parallel(&old);
        }
    }

    /// Remove it on another thread (`serve`: ten thousand pages take a second to delete, and
    /// the open pages should not wait for that to reload).
    pub fn remove_in_background(self) {
        if self.0.is_some() {
            std::thread::spawn(move || self.remove());
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Deleting ten thousand page folders one by one is most of a rebuild's time: spread it out.
fn remove_in_parallel(dir: &Path) {
    use rayon::prelude::*;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    // Never into a share mounted inside the old site (from another disk, or bind-mounted from
    // this one): its files are not ours.
    let Ok(dir) = fs::canonicalize(dir) else {
        return;
    };
    let mounts = mount::mounts_inside(&dir);
    for entry in walkdir::WalkDir::new(&dir)
        .follow_links(false)
        .same_file_system(true)
        .into_iter()
        .filter_entry(|e| !mounts.iter().any(|m| m == e.path()))
        .flatten()
    {
        if entry.file_type().is_dir() {
            dirs.push((entry.depth(), entry.into_path()));
        } else {
            files.push(entry.into_path());
        }
    }
    files.par_iter().for_each(|f| {
        let _ = fs::remove_file(f);
    });
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    for (_, d) in dirs {
        let _ = fs::remove_dir(d);
    }
    // Not `remove_dir_all`, which would follow a mount point's contents.
    let _ = fs::remove_dir(&dir);
}

/// Changes to a finished output folder (for `serve`): folders to rename, then files to write.
#[derive(Default)]
pub struct Patch {
    /// (from, to), relative to the output folder.
    pub moves: Vec<(String, String)>,
    /// (path, bytes), relative to the output folder; written after the moves.
    pub files: Vec<(String, Vec<u8>)>,
    /// Files removed last, relative to the output folder, with the folders they leave empty.
    pub removals: Vec<String>,
    /// (path, source): files copied in (assets, perhaps large: copied beside the output
    /// first, renamed into place under the lock).
    pub copies: Vec<(String, PathBuf)>,
}

/// Apply a patch to the served folder, all of it under the swap lock: the folders are renamed,
/// the files written in place (in parallel), the stale files removed, and the generation
/// counted so open pages reload. Every reader of the folder holds the lock for reading, so it
/// sees the folder wholly before or wholly after the patch. Written in place, not renamed over:
/// on ext4, creating a file to rename over another costs about ten times overwriting it (0.4
/// against 0.04 ms here), and a new resource in a big portal rewrites some 1,700 files. If a
/// write fails the folder is left half-patched; the caller then builds everything anew.
pub fn apply_patch(
    out: &Path,
    patch: &Patch,
    swap: Option<&std::sync::RwLock<u64>>,
) -> Result<(), Diagnostic> {
    for rel in patch
        .moves
        .iter()
        .flat_map(|(from, to)| [from, to])
        .chain(patch.files.iter().map(|(path, _)| path))
        .chain(&patch.removals)
        .chain(patch.copies.iter().map(|(path, _)| path))
    {
        check_relative(rel)?;
    }
    let mut copied = Vec::with_capacity(patch.copies.len());
    for (i, (rel, source)) in patch.copies.iter().enumerate() {
        let temporary = out.join(format!(".lectern-copy-{i}"));
        copied.push(temporary.clone());
        if let Err(e) = fs::copy(source, &temporary) {
            remove_temporaries(&copied);
            return Err(write_error(rel, &e));
        }
    }
    let mut generation = swap.map(|lock| {
        lock.write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    });
    let applied = apply_locked(out, patch, &copied);
    if let Some(generation) = generation.as_mut() {
        **generation += 1;
    }
    drop(generation);
    if applied.is_err() {
        remove_temporaries(&copied);
    }
    applied
}

/// Remove what is left of the copies' temporary files (those renamed in are gone already).
fn remove_temporaries(paths: &[PathBuf]) {
    for path in paths {
        let _ = fs::remove_file(path);
    }
}

fn apply_locked(out: &Path, patch: &Patch, copied: &[PathBuf]) -> Result<(), Diagnostic> {
    for (from, to) in &patch.moves {
        fs::rename(out.join(from), out.join(to)).map_err(|e| write_error(to, &e))?;
    }
    for ((rel, _), temporary) in patch.copies.iter().zip(copied) {
        let path = out.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| write_error(rel, &e))?;
        }
        fs::rename(temporary, &path).map_err(|e| write_error(rel, &e))?;
    }
    patch.files.par_iter().try_for_each(|(rel, bytes)| {
        let path = out.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| write_error(rel, &e))?;
        }
        fs::write(&path, bytes).map_err(|e| write_error(rel, &e))
    })?;
    for rel in &patch.removals {
        remove_with_empty_parents(out, rel).map_err(|e| write_error(rel, &e))?;
    }
    let written = patch.files.iter().map(|(rel, _)| rel.as_str());
    let copied = patch.copies.iter().map(|(rel, _)| rel.as_str());
    let removed = patch.removals.iter().map(String::as_str);
    foreign::patch_marker(out, written.chain(copied), removed).map_err(|e| write_error(MARKER, &e))
}

/// Remove `out/rel`, then each parent folder that it left empty (a full build has no empty
/// folders), stopping at `out`.
fn remove_with_empty_parents(out: &Path, rel: &str) -> std::io::Result<()> {
    match fs::remove_file(out.join(rel)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut folder = Path::new(rel).parent();
    while let Some(dir) = folder.filter(|d| !d.as_os_str().is_empty()) {
        // Fails (and so stops) at the first folder that still holds something.
        if fs::remove_dir(out.join(dir)).is_err() {
            break;
        }
        folder = dir.parent();
    }
    Ok(())
}

/// Only plain relative paths (no `..`, no root, no backslash, no NUL) may be written.
fn check_relative(rel: &str) -> Result<(), Diagnostic> {
    let safe = !rel.is_empty()
        && !rel.contains('\\')
        && !rel.contains('\0')
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if safe {
        Ok(())
    } else {
        Err(Diagnostic::error(format!(
            "internal: refusing to write outside the output folder: `{rel}`"
        )))
    }
}

fn write_error(rel: &str, error: &io::Error) -> Diagnostic {
    if error.kind() == io::ErrorKind::StorageFull {
        return disk_full_error();
    }
    Diagnostic::error(format!("cannot write {rel}: {error}"))
        .with_help("check the disk space and the permissions of the output folder")
}

const DISK_FULL: &str =
    "the disk of the output folder is full: the build stopped writing and changed nothing";

/// The same for every file, so that a report (which drops repeats) lists it once.
fn disk_full_error() -> Diagnostic {
    Diagnostic::error(DISK_FULL).with_help(
        "free some space on that disk, or build somewhere else with --out; the last good output is untouched",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_told_once_and_other_failures_each() {
        let full = io::Error::from(io::ErrorKind::StorageFull);
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        let mut all = crate::diagnostics::Diagnostics::new();
        all.extend(
            [("a", &full), ("b", &denied), ("c", &full), ("d", &denied)]
                .map(|(rel, error)| write_error(rel, error)),
        );
        let told: Vec<String> = all.sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(
            told.iter().filter(|m| *m == DISK_FULL).count(),
            1,
            "{told:?}"
        );
        assert_eq!(all.error_count(), 3, "counted as reported: {told:?}");
    }
}
