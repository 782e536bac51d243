//! The bytes a visitor pays, printed at the end of every build: gzip sizes (level 6, what a
//! web server's gzip sends) of
//! - the home page's first view: `index.html` and the stylesheets and scripts it loads;
//! - the search page's first query: `search/index.html`, its stylesheets and scripts, and the
//!   index files it fetches for the most used topic (`search::first_query`) — manifest, facet
//!   columns, postings and ten records (`search::query_files`);
//! - the heaviest page: the largest HTML file, with its stylesheets and scripts.
//!
//! Images, fonts and video are not counted. `site.yaml`'s `budget:` turns an overrun into a
//! warning (with `--strict`, a failed build). Read back from the staging folder once every file
//! is written and before the swap (`build::build_weighed`), so it measures exactly what will be
//! served, and a `--strict` build over budget leaves the old site in place.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::BudgetConfig;
use crate::diagnostics::Diagnostic;

/// Files and their gzip bytes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cost {
    pub files: usize,
    pub gzip: u64,
}

impl Cost {
    pub fn kib(&self) -> f64 {
        self.gzip as f64 / 1024.0
    }
}

#[derive(Clone, Debug, Default)]
pub struct Weight {
    pub first_view: Cost,
    /// The query and what it costs.
    pub search: Option<(String, Cost)>,
    /// The heaviest page (path relative to the output) and its first view.
    pub heaviest: Option<(String, Cost)>,
}

/// Measures the built output `out`; `heaviest_page` (relative to `out`) is the largest HTML
/// page, which the build notes as it writes the pages.
pub fn measure(out: &Path, heaviest_page: Option<&str>) -> Weight {
    let mut gzip = GzipMemo::default();
    let mut weight = Weight {
        first_view: gzip.cost(&first_view(out, &out.join("index.html"))),
        ..Weight::default()
    };
    let search_page = out.join("search/index.html");
    if search_page.is_file()
        && let Some(query) = crate::search::first_query(out)
        && let Ok(index_files) = crate::search::query_files(out, &query)
    {
        let mut files = first_view(out, &search_page);
        files.extend(index_files);
        weight.search = Some((query, gzip.cost(&files)));
    }
    if let Some(page) = heaviest_page.map(|page| out.join(page)) {
        let name = page
            .strip_prefix(out)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        weight.heaviest = Some((name, gzip.cost(&first_view(out, &page))));
    }
    weight
}

/// The one line the build prints.
pub fn line(weight: &Weight) -> String {
    let mut text = format!(
        "Visitor pays (gzip): home {:.1} KiB",
        weight.first_view.kib()
    );
    if let Some((query, c)) = &weight.search {
        text.push_str(&format!(", search “{query}” {:.1} KiB", c.kib()));
    }
    if let Some((page, c)) = &weight.heaviest {
        text.push_str(&format!(", heaviest page {page} {:.1} KiB", c.kib()));
    }
    crate::diagnostics::neutralised(&text)
}

/// A warning for every figure over its budget.
pub fn over_budget(weight: &Weight, budget: &BudgetConfig) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut check = |what: &str, key: &str, cost: Option<&Cost>, limit: Option<f64>| {
        if let (Some(cost), Some(limit)) = (cost, limit)
            && cost.kib() > limit
        {
            out.push(
                Diagnostic::warning(format!(
                    "{what} costs {:.1} KiB gzip, over the budget of {limit} KiB (`budget: {{ {key}: {limit} }}`)",
                    cost.kib()
                ))
                .in_file(crate::config::CONFIG_FILE)
                .with_help(format!(
                    "make it lighter (fewer or smaller scripts, styles, topics, a shorter page), or raise `{key}` in site.yaml"
                )),
            );
        }
    };
    check(
        "the home page's first view",
        "first_view_kb",
        Some(&weight.first_view),
        budget.first_view_kb,
    );
    check(
        "the search page's first query",
        "search_kb",
        weight.search.as_ref().map(|(_, c)| c),
        budget.search_kb,
    );
    if let Some((page, c)) = &weight.heaviest {
        check(
            &format!("the heaviest page ({page})"),
            "page_kb",
            Some(c),
            budget.page_kb,
        );
    }
    out
}

/// `page` and the same-site stylesheets and scripts it references, each once.
fn first_view(out: &Path, page: &Path) -> Vec<PathBuf> {
    let Ok(html) = std::fs::read_to_string(page) else {
        return Vec::new();
    };
    let folder = page.parent().unwrap_or(out);
    let mut seen = BTreeSet::new();
    let mut files = vec![page.to_path_buf()];
    for href in assets(&html) {
        if let Some(path) = resolve(out, folder, &href)
            && path.is_file()
            && seen.insert(path.clone())
        {
            files.push(path);
        }
    }
    files
}

/// The `href` of `<link rel="stylesheet">` and `<link rel="preload">` and the `src` of
/// `<script>`, in order.
fn assets(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in html.match_indices('<') {
        let rest = &html[at + 1..];
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..tag_end];
        let attribute = if tag.starts_with("script ") {
            "src"
        } else if tag.starts_with("link ")
            && (attr(tag, "rel").is_some_and(|r| r == "stylesheet" || r == "preload"))
        {
            "href"
        } else {
            continue;
        };
        if let Some(value) = attr(tag, attribute) {
            found.push(value.replace("&amp;", "&"));
        }
    }
    found
}

/// The value of `name="…"` in a tag's text.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// A relative reference from a page in `folder` as a file under `out`; `None` for other sites,
/// `data:` and paths leaving the output.
fn resolve(out: &Path, folder: &Path, href: &str) -> Option<PathBuf> {
    let clean = href.split(['?', '#']).next()?;
    if clean.is_empty() || clean.contains(':') || clean.starts_with("//") {
        return None;
    }
    let mut path = if clean.starts_with('/') {
        out.to_path_buf()
    } else {
        folder.to_path_buf()
    };
    for part in clean.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if path == out || !path.pop() {
                    return None;
                }
            }
            name => path.push(name),
        }
    }
    path.starts_with(out).then_some(path)
}

/// Gzip sizes by file: the three figures share their stylesheets and scripts.
#[derive(Default)]
struct GzipMemo(std::collections::HashMap<PathBuf, u64>);

impl GzipMemo {
    /// The files' gzip sizes, each compressed on its own as a server sends it.
    fn cost(&mut self, files: &[PathBuf]) -> Cost {
        let gzip = files.iter().map(|file| self.gzip_len(file)).sum();
        Cost {
            files: files.len(),
            gzip,
        }
    }

    fn gzip_len(&mut self, file: &Path) -> u64 {
        if let Some(len) = self.0.get(file) {
            return *len;
        }
        let len = std::fs::read(file).map_or(0, |bytes| gzip_len(&bytes));
        self.0.insert(file.to_path_buf(), len);
        len
    }
}

pub fn gzip_len(bytes: &[u8]) -> u64 {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    let _ = encoder.write_all(bytes);
    encoder.finish().map_or(0, |v| v.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_loads_its_styles_and_scripts() {
        let html = r#"<link rel="icon" href="a.svg"><link rel="stylesheet" href="../static/site.css?v=1"><script src="../static/s.js?v=1&amp;x" defer></script><script type="application/ld+json">{}</script><link rel="preload" href="../search/manifest.json" as="fetch">"#;
        assert_eq!(
            assets(html),
            [
                "../static/site.css?v=1",
                "../static/s.js?v=1&x",
                "../search/manifest.json"
            ]
        );
    }

    #[test]
    fn references_resolve_inside_the_output_only() {
        let out = Path::new("/o");
        let folder = Path::new("/o/search");
        assert_eq!(
            resolve(out, folder, "../static/site.css?v=2"),
            Some(PathBuf::from("/o/static/site.css"))
        );
        assert_eq!(resolve(out, folder, "../../etc/passwd"), None);
        assert_eq!(resolve(out, folder, "https://cdn.example/x.js"), None);
        assert_eq!(resolve(out, folder, "//cdn.example/x.js"), None);
    }

    #[test]
    fn an_overrun_is_a_warning_naming_its_key() {
        let weight = Weight {
            first_view: Cost {
                files: 3,
                gzip: 200 * 1024,
            },
            search: Some((
                "情绪".into(),
                Cost {
                    files: 9,
                    gzip: 1024,
                },
            )),
            heaviest: None,
        };
        let budget = BudgetConfig {
            first_view_kb: Some(100.0),
            search_kb: Some(50.0),
            page_kb: Some(1.0),
        };
        let warnings = over_budget(&weight, &budget);
        assert_eq!(warnings.len(), 1);
        assert!(format!("{:?}", warnings[0]).contains("first_view_kb"));
        assert!(line(&weight).contains("search “情绪” 1.0 KiB"));
    }
}
