//! A one-line progress display for long builds, shown only when stderr is a terminal (and not
//! in CI): the stage and how many pages are done. Line-oriented logs stay clean.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Default)]
pub struct Progress {
    stage: Mutex<&'static str>,
    done: AtomicUsize,
}

impl Progress {
    pub fn stage(&self, name: &'static str) {
        if let Ok(mut stage) = self.stage.lock() {
            *stage = name;
        }
        self.done.store(0, Ordering::Relaxed);
    }

    pub fn tick(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    fn line(&self) -> String {
        let stage = self.stage.lock().map(|s| *s).unwrap_or("");
        match self.done.load(Ordering::Relaxed) {
            0 => format!("  {stage}…"),
            n => format!("  {stage}… {n}"),
        }
    }
}

/// Draws the progress line until dropped.
pub struct Display {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// A progress display if stderr is an interactive terminal, else nothing.
pub fn start(progress: &Arc<Progress>) -> Option<Display> {
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let (progress, stopping) = (progress.clone(), stop.clone());
    let thread = std::thread::spawn(move || {
        // Short builds finish before anything is drawn.
        std::thread::sleep(Duration::from_millis(300));
        while !stopping.load(Ordering::Relaxed) {
            let _ = write!(std::io::stderr(), "\r\x1b[K{}", progress.line());
            std::thread::sleep(Duration::from_millis(120));
        }
        let _ = write!(std::io::stderr(), "\r\x1b[K");
    });
    Some(Display {
        stop,
        thread: Some(thread),
    })
}

impl Drop for Display {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
