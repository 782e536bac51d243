//! One build at a time per output folder, and the clean-up after builds that were killed.
//!
//! The lock is a file beside the output folder (inside it for a mount point) holding the
//! builder's process id, locked with the operating system's advisory lock: the kernel releases
//! it when the holder dies, however it dies, so a stale lock cannot block anyone. A second
//! build waits for the first and says whom it waits for. The file is removed when the build
//! ends; a waiter that then holds the lock of a removed file tries again on the new one.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

pub struct OutputLock {
    file: File,
    path: PathBuf,
}

impl OutputLock {
    /// Lock `path` (creating it), waiting for another build that holds it.
    pub fn acquire(path: &Path, out: &Path) -> Result<OutputLock, Diagnostic> {
        loop {
            let mut file = open(path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    say_waiting(&mut file, out);
                    file.lock().map_err(|e| lock_error(path, &e))?;
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(lock_error(path, &e)),
            }
            // The holder we waited for removed its file: ours is no longer the one at `path`.
            if same_file(&file, path) {
                let _ = file.set_len(0);
                let _ = write!(file, "{}", std::process::id());
                return Ok(OutputLock {
                    file,
                    path: path.to_path_buf(),
                });
            }
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked, so no one can lock this file after us and think it holds
        // the lock of the file at `path`.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

fn open(path: &Path) -> Result<File, Diagnostic> {
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).read(true).write(true);
    // Never through a symbolic link: one planted at the lock's name (committed to a site's
    // repository) would have the build write its process id over the file it points at.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    options.open(path).map_err(|e| {
        if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            Diagnostic::error(format!(
                "{} is a symbolic link, where Lectern keeps the lock of its output folder",
                path.display()
            ))
            .with_help("remove the link (Lectern makes this file itself while it builds, and removes it after)")
        } else {
            lock_error(path, &e)
        }
    })
}

fn lock_error(path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "cannot lock the output folder with {}: {error}",
        path.display()
    ))
    .with_help("Lectern writes the new site beside the output folder (inside it when it is a mount point), so that folder must be writable: check the permissions, the free space, and that the disk is not mounted read-only")
}

/// One line on stderr: a build that seems to hang should say why.
fn say_waiting(file: &mut File, out: &Path) {
    let mut holder = String::new();
    let _ = file.read_to_string(&mut holder);
    let holder = match holder.trim() {
        "" => "another build".to_string(),
        pid => format!("another build (process {pid})"),
    };
    // Never panic over a closed stderr: the build itself does not need the line.
    let _ = writeln!(
        std::io::stderr(),
        "note: waiting for {holder}, which is writing into {}",
        out.display()
    );
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// Remove the staging and old folders that builds left in `dir` when they were killed: those
/// named `<prefix>staging-<pid>` or `<prefix>old-<pid>-<n>` whose process is gone. A live
/// process's folders are never touched (it may be `serve` removing its old site, or a build
/// that writes elsewhere with the same prefix).
pub fn remove_stale(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = owner(&name, prefix) else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && pid != std::process::id() && is_gone(pid) {
            super::remove_in_parallel(&entry.path());
        }
    }
}

/// The process id in a staging or old folder's name.
fn owner(name: &str, prefix: &str) -> Option<u32> {
    let rest = name.strip_prefix(prefix)?;
    let digits = rest
        .strip_prefix("staging-")
        .or_else(|| rest.strip_prefix("old-").and_then(|r| r.split('-').next()))?;
    digits.parse().ok()
}

/// The process is known to be gone. Where processes cannot be listed, none is.
pub(crate) fn is_gone(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_read_from_names() {
        let prefix = ".public.lectern-";
        assert_eq!(owner(".public.lectern-staging-42", prefix), Some(42));
        assert_eq!(owner(".public.lectern-old-42-3", prefix), Some(42));
        assert_eq!(owner(".public.lectern-lock", prefix), None);
        assert_eq!(owner(".other.lectern-staging-42", prefix), None);
        assert_eq!(owner(".public.lectern-staging-x", prefix), None);
    }

    #[test]
    fn a_second_lock_waits_for_the_first_and_the_file_goes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.lectern-lock");
        let first = OutputLock::acquire(&path, dir.path()).unwrap();
        let contender = File::open(&path).unwrap();
        assert!(contender.try_lock().is_err(), "the lock is held");
        drop(first);
        assert!(!path.exists(), "the lock file is removed with the lock");
        let second = OutputLock::acquire(&path, dir.path()).unwrap();
        drop(second);
    }
}
