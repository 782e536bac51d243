//! Helpers shared by the integration tests: copy a fixture into a temp dir, run the real
//! `lectern` binary (with a wall-clock limit), and read a built site back as files.
//!
//! Every module of the suite uses only what it needs (`use crate::common::…`).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every run of the binary is killed after this long (the test then fails).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// `tests/fixtures/<rel>` in the repository.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The repository root (the project's own sample portal lives there).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copy a folder recursively (files and folders only; symlinks are not expected in fixtures).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()))
    {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

/// A temp dir holding a copy of `tests/fixtures/sites/<name>` as `<tmp>/site`.
pub struct SiteCopy {
    pub tmp: tempfile::TempDir,
    pub root: PathBuf,
}

impl SiteCopy {
    /// `<tmp>/<name>`: a sibling of the site, good for `--out`.
    pub fn beside(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// Write a file (creating folders) relative to the site root.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        write_file(&self.root.join(rel), bytes.as_ref());
    }
}

pub fn copy_site(name: &str) -> SiteCopy {
    copy_site_from(&fixture(&format!("sites/{name}")))
}

pub fn copy_site_from(source: &Path) -> SiteCopy {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    copy_dir(source, &root);
    SiteCopy { tmp, root }
}

/// An empty site folder in a temp dir (write site.yaml and content yourself).
pub fn empty_site() -> SiteCopy {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    SiteCopy { tmp, root }
}

pub fn write_file(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    /// Peak resident memory of the child in KiB, sampled from /proc while it ran (Linux;
    /// 0 elsewhere). A lower bound: a peak reached between two samples may be missed.
    pub peak_rss_kib: u64,
}

impl Run {
    /// Panic with the whole output unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout,
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "the binary panicked:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn success(&self) -> &Self {
        self.expect_code(0)
    }

    /// Lines of stderr starting with `warning:`.
    pub fn warnings(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("warning"))
            .collect()
    }

    pub fn notes(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("note:"))
            .collect()
    }
}

/// Run `lectern <args>` with the default time limit.
pub fn lectern<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    lectern_with_timeout(args, DEFAULT_TIMEOUT)
}

/// Run `lectern <args>`; kill it and panic if it runs longer than `limit`.
pub fn lectern_with_timeout<I, S>(args: I, limit: Duration) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("NO_COLOR", "1")
        .spawn()
        .expect("spawn lectern");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_thread = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let mut peak_rss_kib = 0;
    let status = loop {
        peak_rss_kib = peak_rss_kib.max(peak_rss(child.id()));
        if let Some(status) = child.try_wait().expect("wait for lectern") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let stderr =
                String::from_utf8_lossy(&err_thread.join().unwrap_or_default()).into_owned();
            panic!(
                "lectern {:?} did not finish within {:?}; killed.\n--- stderr ---\n{}",
                args,
                limit,
                tail(&stderr, 4000)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&out_thread.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_thread.join().unwrap_or_default()).into_owned();
    Run {
        code: status.code(),
        stdout,
        stderr,
        elapsed: started.elapsed(),
        peak_rss_kib,
    }
}

/// `VmHWM` (the high-water mark of resident memory) of a running process, in KiB.
fn peak_rss(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn tail(text: &str, max: usize) -> &str {
    let mut start = text.len().saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// `lectern build --root <root> --out <out> <extra…>`.
pub fn build(root: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<std::ffi::OsString> = vec![
        "build".into(),
        "--root".into(),
        root.into(),
        "--out".into(),
        out.into(),
    ];
    args.extend(extra.iter().map(Into::into));
    lectern(args)
}

/// Every file under `dir`, by `/`-separated relative path, with its bytes.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    collect(dir, dir, &mut files);
    files
}

fn collect(base: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            collect(base, &path, files);
        } else {
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.insert(rel, std::fs::read(&path).unwrap());
        }
    }
}

/// The names in `dir` (not recursive), sorted.
pub fn list_dir(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Assert two trees hold the same files with the same bytes; name the first differences.
#[track_caller]
pub fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let only_a: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    let differ: Vec<&String> = a
        .iter()
        .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .collect();
    if only_a.is_empty() && only_b.is_empty() && differ.is_empty() {
        return;
    }
    // Two index generations: say which of their files differ, not just that every name does.
    let generations = [a, b].map(|tree| without_generation(tree));
    let index_differs: Vec<&String> = generations[0]
        .iter()
        .filter(|(k, v)| generations[1].get(*k) != Some(*v))
        .map(|(k, _)| k)
        .chain(
            generations[1]
                .keys()
                .filter(|k| !generations[0].contains_key(*k)),
        )
        .collect();
    panic!(
        "{what}: trees differ\n  only in first: {only_a:?}\n  only in second: {only_b:?}\n  different bytes: {differ:?}\n  index files that differ (generation aside): {index_differs:?}"
    );
}

/// The files under `search/<generation>/`, named without the generation.
fn without_generation(tree: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, &Vec<u8>> {
    tree.iter()
        .filter_map(|(k, v)| {
            let rest = k.strip_prefix("search/")?;
            let (_, inside) = rest.split_once('/')?;
            Some((inside.to_string(), v))
        })
        .collect()
}

/// Paths of the HTML files of a tree.
pub fn html_files(tree: &BTreeMap<String, Vec<u8>>) -> impl Iterator<Item = (&String, String)> {
    tree.iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| (k, String::from_utf8_lossy(v).into_owned()))
}

/// Parse an HTML page.
pub fn parse_html(text: &str) -> scraper::Html {
    scraper::Html::parse_document(text)
}

pub fn selector(css: &str) -> scraper::Selector {
    scraper::Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

/// The `href` values of `<a>` elements in a page.
pub fn link_hrefs(html: &str) -> Vec<String> {
    let doc = parse_html(html);
    doc.select(&selector("a[href]"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect()
}

/// Resolve a relative URL found in the page at `page` (a path relative to the output root,
/// e.g. `lessons/a/index.html`) into a file path relative to the output root.
/// `None` for what is not a local file reference (external, mailto, fragment-only, empty).
/// `Err` when the URL climbs above the output root.
pub fn resolve_local(page: &str, url: &str) -> Option<Result<String, String>> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if url.is_empty()
        || url.starts_with('#')
        || url.starts_with('?')
        || lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
        || url.starts_with("//")
    {
        return None;
    }
    let path = url.split(['#', '?']).next().unwrap_or("");
    let path = percent_decode(path);
    let mut parts: Vec<String> = if path.starts_with('/') {
        Vec::new()
    } else {
        let mut dir: Vec<String> = page.split('/').map(str::to_string).collect();
        dir.pop(); // the page's own file name
        dir
    };
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some(Err(format!("`{url}` climbs above the output root")));
                }
            }
            p => parts.push(p.to_string()),
        }
    }
    let mut target = parts.join("/");
    if path.ends_with('/') || path.is_empty() || path.ends_with("/.") || path == "." {
        if !target.is_empty() {
            target.push('/');
        }
        target.push_str("index.html");
    }
    Some(Ok(target))
}

pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Folders beside `out` that look like Lectern staging or old-output leftovers.
pub fn leftovers_beside(out: &Path) -> Vec<String> {
    let parent = out.parent().expect("out has a parent");
    list_dir(parent)
        .into_iter()
        .filter(|n| n.contains("lectern-staging") || n.contains("lectern-old"))
        .collect()
}
