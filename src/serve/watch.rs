//! Watching the site folder: notify with a debouncer, or our own poller with `--poll`; editor
//! temporaries and the output folder ignored. Sends "something changed" to the rebuild loop.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use rustc_hash::FxHashMap;

use crate::diagnostics::Diagnostic;

type NativeWatcher = Debouncer<notify::RecommendedWatcher, RecommendedCache>;

/// Keeps the watcher alive; dropping it stops watching.
#[allow(dead_code)] // held, never read: dropping it stops watching
pub enum Watching {
    /// Shared with the thread that adds folders created after the start.
    Native(Arc<Mutex<NativeWatcher>>),
    Poll(Poller),
}

/// Short: an editor's save is one burst of events; a longer wait only delays the reload.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// How often `--poll` looks at every watched file.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// What the site's build reads: the file and the folders watched recursively.
const WATCHED: [&str; 4] = ["site.yaml", "content", "themes", "templates"];

pub fn start(
    root: &Path,
    ignore: Vec<PathBuf>,
    poll: bool,
    changed: Sender<Vec<PathBuf>>,
) -> Result<Watching, Diagnostic> {
    if poll {
        return Ok(Watching::Poll(Poller::start(root, ignore, changed)));
    }
    let root_for_filter = root.to_path_buf();
    // A `templates/` or `themes/` folder made while serving is seen (the root is watched), but
    // not what is saved inside it until it is watched too: the handler hands it to a thread
    // that adds the watch (the debouncer cannot be borrowed from its own callback).
    let (new_folders, new_folder) = mpsc::channel::<PathBuf>();
    let changed_for_handler = changed.clone();
    let handler = move |result: DebounceEventResult| {
        let paths = changed_paths(&root_for_filter, &ignore, result);
        for path in &paths {
            if path.parent() == Some(root_for_filter.as_path()) && path.is_dir() {
                let _ = new_folders.send(path.clone());
            }
        }
        if !paths.is_empty() {
            let _ = changed_for_handler.send(paths);
        }
    };
    let failed = |e: notify::Error| {
        Diagnostic::error(format!("cannot watch {} for changes: {e}", root.display()))
            .with_help("on network drives, WSL or Docker volumes, run `lectern serve --poll`; on Linux you may also raise fs.inotify.max_user_watches")
    };
    let mut watcher = new_debouncer(DEBOUNCE, None, handler).map_err(failed)?;
    // The root itself (not recursive) sees site.yaml replaced by an atomic save and new folders.
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(failed)?;
    for path in WATCHED.iter().skip(1).map(|p| root.join(p)) {
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(failed)?;
        }
    }
    let watching = Arc::new(Mutex::new(watcher));
    let adder = Arc::downgrade(&watching);
    std::thread::spawn(move || {
        for folder in new_folder {
            let Some(watcher) = adder.upgrade() else {
                return;
            };
            let added = watcher
                .lock()
                .map(|mut w| w.watch(&folder, RecursiveMode::Recursive));
            if let Ok(Err(e)) = added {
                super::say!("warning: cannot watch {}: {e}", folder.display());
            }
            // Whatever was saved in it before the watch began: one more rebuild reads it.
            let _ = changed.send(vec![folder]);
        }
    });
    Ok(Watching::Native(watching))
}

/// `--poll`: every half second, the size and modification time of every watched file. Not
/// notify's poll watcher, which compares modification times in whole seconds (two saves within
/// a second look like one) or else reads every file each time — too much on a network drive.
pub struct Poller {
    stop: Arc<AtomicBool>,
    looks: Arc<Mutex<Looks>>,
}

/// What a poll sees of one file.
type Stamp = (u64, Option<SystemTime>);

/// The files as last seen, and those the rebuild loop added since the current look began.
#[derive(Default)]
struct Looks {
    seen: FxHashMap<PathBuf, Stamp>,
    remembered: Vec<PathBuf>,
}

impl Poller {
    fn start(root: &Path, ignore: Vec<PathBuf>, changed: Sender<Vec<PathBuf>>) -> Poller {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let root = root.to_path_buf();
        let looks = Arc::new(Mutex::new(Looks {
            seen: stamps(&root, &ignore),
            remembered: Vec::new(),
        }));
        let shared = looks.clone();
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                std::thread::sleep(POLL_INTERVAL);
                if let Ok(mut looks) = shared.lock() {
                    looks.remembered.clear();
                }
                let now = stamps(&root, &ignore);
                let Ok(mut looks) = shared.lock() else {
                    return;
                };
                let differ = differences(&looks.seen, &now);
                let mut next = now;
                // Added during this look, which may have missed them: kept, so the next look
                // reports them if they are gone.
                for path in std::mem::take(&mut looks.remembered) {
                    next.entry(path).or_insert(MISSING);
                }
                looks.seen = next;
                drop(looks);
                if !differ.is_empty() && changed.send(differ).is_err() {
                    return;
                }
            }
        });
        Poller { stop, looks }
    }

    /// What the rebuild loop tells this poller.
    pub fn memory(&self) -> PollMemory {
        PollMemory(self.looks.clone())
    }
}

/// A handle on a poller's last look, for the rebuild loop.
pub struct PollMemory(Arc<Mutex<Looks>>);

impl PollMemory {
    /// Files a build read: a poll compares two looks half a second apart, so a file saved just
    /// after one and deleted before the next is never reported, yet a build running between
    /// them may have read it, and the served site would keep its page for good. Added to what
    /// was seen, such a file is reported gone at the next look.
    pub fn remember(&self, paths: impl Iterator<Item = PathBuf>) {
        let Ok(mut looks) = self.0.lock() else {
            return;
        };
        for path in paths {
            if !looks.seen.contains_key(&path) {
                let stamp = std::fs::metadata(&path)
                    .map(|m| (m.len(), m.modified().ok()))
                    .unwrap_or(MISSING);
                looks.seen.insert(path.clone(), stamp);
                looks.remembered.push(path);
            }
        }
    }
}

/// The stamp of a file remembered but not found: any later look differs from it.
const MISSING: Stamp = (u64::MAX, None);

impl Drop for Poller {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Every relevant file under the watched names, with its stamp.
fn stamps(root: &Path, ignore: &[PathBuf]) -> FxHashMap<PathBuf, Stamp> {
    let mut stamps = FxHashMap::default();
    for top in WATCHED {
        // The same files `is_relevant` lets through, without its per-path work: this runs over
        // every file twice a second.
        let walk = walkdir::WalkDir::new(root.join(top))
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| {
                !ignore.iter().any(|i| e.path().starts_with(i))
                    && (e.depth() == 0
                        || !crate::content::is_ignored(&e.file_name().to_string_lossy()))
            });
        for entry in walk.flatten() {
            if entry.file_type().is_file() {
                let stamp = entry
                    .metadata()
                    .map(|m| (m.len(), m.modified().ok()))
                    .unwrap_or((0, None));
                stamps.insert(entry.into_path(), stamp);
            }
        }
    }
    stamps
}

/// Files added, removed, or with another size or modification time.
fn differences(
    before: &FxHashMap<PathBuf, Stamp>,
    after: &FxHashMap<PathBuf, Stamp>,
) -> Vec<PathBuf> {
    let changed = after
        .iter()
        .filter(|(path, stamp)| before.get(*path) != Some(stamp))
        .map(|(path, _)| path.clone());
    let removed = before
        .keys()
        .filter(|path| !after.contains_key(*path))
        .cloned();
    let mut paths: Vec<PathBuf> = changed.chain(removed).collect();
    paths.sort();
    paths
}

/// The files an update must read for a batch of events. When the system dropped events (a
/// `git checkout` of thousands of files overflows Linux's inotify queue) or the watcher
/// failed, which files changed is unknown: the site folder itself stands for "everything",
/// and the update rebuilds the whole site (`refresh::Decline::EventsLost`).
fn changed_paths(root: &Path, ignore: &[PathBuf], result: DebounceEventResult) -> Vec<PathBuf> {
    let events = match result {
        Ok(events) if !events.iter().any(|e| e.need_rescan()) => events,
        _ => return vec![root.to_path_buf()],
    };
    events
        .iter()
        .filter(|e| changes_content(&e.kind))
        .flat_map(|e| e.paths.iter())
        .filter(|p| is_relevant(root, ignore, p))
        .cloned()
        .collect()
}

/// Reading a file (our own rebuild does) must not look like a change, or we would loop.
fn changes_content(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::{MetadataKind, ModifyKind};
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
        // Some backends report a save as a newer modification time.
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(_) | EventKind::Other => false,
    }
}

/// Editor temporaries, hidden files and the output folders never trigger a rebuild.
fn is_relevant(root: &Path, ignore: &[PathBuf], path: &Path) -> bool {
    if ignore.iter().any(|i| path.starts_with(i)) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let top = parts.next().unwrap_or_default();
    if !WATCHED.contains(&top.as_ref()) {
        return false;
    }
    !rel.components()
        .any(|c| crate::content::is_ignored(&c.as_os_str().to_string_lossy()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_events_or_a_failed_watcher_ask_for_everything() {
        use notify_debouncer_full::DebouncedEvent;
        use notify_debouncer_full::notify::event::{CreateKind, Event, EventKind, Flag};
        let root = PathBuf::from("/s");
        let saved = |path: &str| {
            DebouncedEvent::new(
                Event::new(EventKind::Create(CreateKind::File)).add_path(PathBuf::from(path)),
                std::time::Instant::now(),
            )
        };
        let lost = DebouncedEvent::new(
            Event::new(EventKind::Other).set_flag(Flag::Rescan),
            std::time::Instant::now(),
        );
        assert_eq!(
            changed_paths(&root, &[], Ok(vec![saved("/s/content/a.md")])),
            [PathBuf::from("/s/content/a.md")]
        );
        assert_eq!(
            changed_paths(&root, &[], Ok(vec![saved("/s/content/a.md"), lost])),
            std::slice::from_ref(&root)
        );
        let failed = notify_debouncer_full::notify::Error::generic("queue overflow");
        assert_eq!(changed_paths(&root, &[], Err(vec![failed])), [root]);
    }

    #[test]
    fn a_poll_sees_additions_removals_and_same_size_saves() {
        let t = |ns| Some(SystemTime::UNIX_EPOCH + Duration::from_nanos(ns));
        let before = FxHashMap::from_iter([
            (PathBuf::from("/s/a.md"), (10, t(1_000_000_001))),
            (PathBuf::from("/s/b.md"), (10, t(5))),
            (PathBuf::from("/s/gone.md"), (1, t(5))),
        ]);
        let after = FxHashMap::from_iter([
            // saved again within the same second, same size: only the nanoseconds differ
            (PathBuf::from("/s/a.md"), (10, t(1_000_000_002))),
            (PathBuf::from("/s/b.md"), (10, t(5))),
            (PathBuf::from("/s/new.md"), (3, t(7))),
        ]);
        assert_eq!(
            differences(&before, &after),
            ["/s/a.md", "/s/gone.md", "/s/new.md"].map(PathBuf::from)
        );
        assert!(differences(&after, &after).is_empty());
    }

    /// A file that came and went between two looks, but that a build read: remembered, it is
    /// reported at the next look.
    #[test]
    fn a_remembered_file_is_reported_when_it_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content/pages")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let poller = Poller::start(&root, Vec::new(), tx);
        let brief = root.join("content/pages/brief.md");
        std::fs::write(&brief, "---\ntitle: x\n---\n").unwrap();
        poller.memory().remember(std::iter::once(brief.clone()));
        std::fs::remove_file(&brief).unwrap();
        let reported = rx.recv_timeout(POLL_INTERVAL * 6).expect("no report");
        assert_eq!(reported, [brief]);
    }

    #[test]
    fn saves_count_and_reads_do_not() {
        use notify::EventKind;
        use notify::event::{AccessKind, DataChange, MetadataKind, ModifyKind};
        let data = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let new_mtime = EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime));
        let touched = EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any));
        assert!(changes_content(&data) && changes_content(&new_mtime));
        assert!(!changes_content(&touched));
        assert!(!changes_content(&EventKind::Access(AccessKind::Any)));
    }

    #[test]
    fn ignores_temporaries_and_output() {
        let root = Path::new("/site");
        let ignore = vec![PathBuf::from("/site/public")];
        assert!(is_relevant(
            root,
            &ignore,
            Path::new("/site/content/lessons/a.md")
        ));
        assert!(is_relevant(root, &ignore, Path::new("/site/site.yaml")));
        assert!(!is_relevant(
            root,
            &ignore,
            Path::new("/site/content/lessons/.a.md.swp")
        ));
        assert!(!is_relevant(
            root,
            &ignore,
            Path::new("/site/content/lessons/a.md~")
        ));
        assert!(!is_relevant(root, &ignore, Path::new("/site/content/4913")));
        assert!(!is_relevant(
            root,
            &ignore,
            Path::new("/site/public/index.html")
        ));
        assert!(!is_relevant(root, &ignore, Path::new("/site/README.md")));
    }
}
