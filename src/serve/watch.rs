//! Watching the site folder: notify with a debouncer (or polling with `--poll`), editor
//! temporaries and the output folder ignored. Sends "something changed" to the rebuild loop.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer, new_debouncer_opt,
};

use crate::diagnostics::Diagnostic;

/// The watcher, shared with the thread that adds folders created after the start.
enum Watcher {
    Native(Debouncer<notify::RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<notify::PollWatcher, NoCache>),
}

impl Watcher {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Watcher::Native(d) => d.watch(path, mode),
            Watcher::Poll(d) => d.watch(path, mode),
        }
    }
}

/// Keeps the watcher alive; dropping it stops watching.
#[allow(dead_code)] // held, never read: dropping the debouncer stops watching
pub struct Watching(Arc<Mutex<Watcher>>);

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
    let root_for_filter = root.to_path_buf();
    // A `templates/` or `themes/` folder made while serving is seen (the root is watched), but
    // not what is saved inside it until it is watched too: the handler hands it to a thread
    // that adds the watch (the debouncer cannot be borrowed from its own callback).
    let (new_folders, new_folder) = mpsc::channel::<PathBuf>();
    let changed_for_handler = changed.clone();
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| changes_content(&e.kind))
            .flat_map(|e| e.paths.iter())
            .filter(|p| is_relevant(&root_for_filter, &ignore, p))
            .cloned()
            .collect();
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
    let mut watcher = if poll {
        // Modification times are compared in whole seconds, so two saves within a second would
        // look like one: compare the contents too (a hash of every watched file each poll).
        let config = notify::Config::default()
            .with_poll_interval(POLL_INTERVAL)
            .with_compare_contents(true);
        Watcher::Poll(
            new_debouncer_opt::<_, notify::PollWatcher, NoCache>(
                DEBOUNCE, None, handler, NoCache, config,
            )
            .map_err(failed)?,
        )
    } else {
        Watcher::Native(new_debouncer(DEBOUNCE, None, handler).map_err(failed)?)
    };
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
    Ok(Watching(watching))
}

/// Reading a file (our own rebuild does) must not look like a change, or we would loop.
fn changes_content(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::{MetadataKind, ModifyKind};
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
        // The poll watcher reports a save as a newer modification time.
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
    fn saves_count_and_reads_do_not() {
        use notify::EventKind;
        use notify::event::{AccessKind, DataChange, MetadataKind, ModifyKind};
        let data = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let polled = EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime));
        let touched = EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any));
        assert!(changes_content(&data) && changes_content(&polled));
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
