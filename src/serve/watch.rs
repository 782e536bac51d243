//! Watching the site folder: notify with a debouncer (or polling with `--poll`), editor
//! temporaries and the output folder ignored. Sends "something changed" to the rebuild loop.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer, new_debouncer_opt,
};

use crate::diagnostics::Diagnostic;

/// Keeps the watcher alive; dropping it stops watching.
#[allow(dead_code)] // held, never read: dropping the debouncer stops watching
pub enum Watching {
    Native(Debouncer<notify::RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<notify::PollWatcher, NoCache>),
}

/// Short: an editor's save is one burst of events; a longer wait only delays the reload.
const DEBOUNCE: Duration = Duration::from_millis(30);

pub fn start(
    root: &Path,
    ignore: Vec<PathBuf>,
    poll: bool,
    changed: Sender<Vec<PathBuf>>,
) -> Result<Watching, Diagnostic> {
    let root_for_filter = root.to_path_buf();
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| changes_content(&e.kind))
            .flat_map(|e| e.paths.iter())
            .filter(|p| is_relevant(&root_for_filter, &ignore, p))
            .cloned()
            .collect();
        if !paths.is_empty() {
            let _ = changed.send(paths);
        }
    };
    let failed = |e: notify::Error| {
        Diagnostic::error(format!("cannot watch {} for changes: {e}", root.display()))
            .with_help("on network drives, WSL or Docker volumes, run `lectern serve --poll`; on Linux you may also raise fs.inotify.max_user_watches")
    };
    let watch_paths = ["site.yaml", "content", "themes", "templates"].map(|p| root.join(p));
    if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
        let mut debouncer = new_debouncer_opt::<_, notify::PollWatcher, NoCache>(
            DEBOUNCE, None, handler, NoCache, config,
        )
        .map_err(failed)?;
        for path in watch_paths.iter().filter(|p| p.exists()) {
            debouncer
                .watch(path, RecursiveMode::Recursive)
                .map_err(failed)?;
        }
        Ok(Watching::Poll(debouncer))
    } else {
        let mut debouncer = new_debouncer(DEBOUNCE, None, handler).map_err(failed)?;
        // The root itself (not recursive) sees site.yaml replaced by an atomic save and new folders.
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(failed)?;
        for path in watch_paths.iter().skip(1).filter(|p| p.is_dir()) {
            debouncer
                .watch(path, RecursiveMode::Recursive)
                .map_err(failed)?;
        }
        Ok(Watching::Native(debouncer))
    }
}

/// Reading a file (our own rebuild does) must not look like a change, or we would loop.
fn changes_content(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
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
    if !matches!(
        top.as_ref(),
        "site.yaml" | "content" | "themes" | "templates"
    ) {
        return false;
    }
    !rel.components()
        .any(|c| crate::content::is_ignored(&c.as_os_str().to_string_lossy()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
