//! The theme: the Tera environment (the default theme embedded in the binary, overridden file by
//! file by the site's `themes/<name>/` and `templates/`), the UI strings, and the static files.
//! The only module that talks to Tera.

pub mod curriculum;
pub mod json_ld;
mod listing;
pub mod page_views;
pub mod pages;
pub mod qr;
pub mod views;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use tera::{Context, Tera};
use walkdir::WalkDir;

pub use pages::{Digests, PageSink, Pages, Rendering, SiteInput};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};

#[derive(rust_embed::Embed)]
#[folder = "themes/default/"]
struct DefaultTheme;

/// Templates every theme must end up with (from the default theme or an override).
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "base.html",
    "index.html",
    "lesson.html",
    "video.html",
    "review.html",
    "page.html",
    "list.html",
    "terms.html",
    "search.html",
    "404.html",
];

struct TemplateSource {
    text: String,
    /// Shown in diagnostics: a path relative to the site root, or `(built-in) templates/x.html`.
    shown_as: String,
}

pub struct Theme {
    tera: Tera,
    sources: Arc<BTreeMap<String, TemplateSource>>,
    /// Files for `public/static/`, by path relative to it.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// The UI strings (`t` in templates).
    pub strings: serde_json::Map<String, Value>,
    pub asset_version: String,
}

/// One file of a theme, wherever it came from.
struct ThemeFile {
    bytes: Vec<u8>,
    shown_as: String,
}

pub fn load(root: &Path, config: &Config, diagnostics: &mut Diagnostics) -> Option<Theme> {
    let mut files: BTreeMap<String, ThemeFile> = BTreeMap::new();
    for path in DefaultTheme::iter() {
        if let Some(file) = DefaultTheme::get(&path) {
            let shown_as = format!("(built-in theme) {path}");
            files.insert(
                path.to_string(),
                ThemeFile {
                    bytes: file.data.into_owned(),
                    shown_as,
                },
            );
        }
    }
    let theme_dir = root.join("themes").join(&config.theme);
    if config.theme != "default" && !theme_dir.is_dir() {
        let text =
            std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
        let line = crate::yaml::key_line(&text, 1, "theme").unwrap_or(1);
        diagnostics.push(
            Diagnostic::error(format!("theme `{}` not found", config.theme))
                .in_file(crate::config::CONFIG_FILE)
                .at_line(&text, line, 1)
                .with_help(format!(
                    "create themes/{}/ or remove `theme:` to use the default theme",
                    config.theme
                )),
        );
        return None;
    }
    overlay(root, &theme_dir, "", &mut files, diagnostics);
    overlay(
        root,
        &root.join("templates"),
        "templates/",
        &mut files,
        diagnostics,
    );
    build(files, config, diagnostics)
}

/// Files under `dir` replace the theme's files of the same path (under `prefix`).
fn overlay(
    root: &Path,
    dir: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, ThemeFile>,
    diagnostics: &mut Diagnostics,
) {
    if !dir.is_dir() {
        return;
    }
    for entry in WalkDir::new(dir).follow_links(false).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        // Not followed, as links in content/ are not (one could lead outside the site): said,
        // since an override that silently does nothing looks like a bug of the theme.
        if entry.file_type().is_symlink() && entry.depth() > 0 {
            let shown = entry.path().strip_prefix(root).unwrap_or(entry.path());
            diagnostics.push(
                Diagnostic::warning(format!(
                    "{} is a symbolic link, which the build does not follow",
                    shown.display()
                ))
                .with_help("copy the file itself into the theme folder"),
            );
            continue;
        }
        if !entry.file_type().is_file()
            || crate::content::is_ignored(&entry.file_name().to_string_lossy())
        {
            continue;
        }
        let Ok(inner) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let inner: Vec<String> = inner
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let path = format!("{prefix}{}", inner.join("/"));
        let shown_as = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        match std::fs::read(entry.path()) {
            Ok(bytes) => {
                files.insert(path, ThemeFile { bytes, shown_as });
            }
            Err(error) => diagnostics.push(
                Diagnostic::error(format!("cannot read theme file: {error}")).in_file(&shown_as),
            ),
        }
    }
}

/// A site's template that nothing renders: not a name of the theme's (`Lesson.html`,
/// `lesson.htm`, `partial/card.html`) and named by no other template. Its editor expects it
/// to change the pages, and it changes nothing.
fn unused_templates(sources: &BTreeMap<String, TemplateSource>) -> Vec<Diagnostic> {
    let theirs: Vec<String> = DefaultTheme::iter()
        .filter_map(|path| path.strip_prefix("templates/").map(str::to_string))
        .collect();
    let named = |name: &str| {
        let (double, single) = (format!("\"{name}\""), format!("'{name}'"));
        sources
            .values()
            .any(|s| s.text.contains(&double) || s.text.contains(&single))
    };
    sources
        .iter()
        .filter(|(name, source)| {
            !source.shown_as.starts_with("(built-in theme)")
                && !theirs.contains(name)
                && !named(name)
        })
        .map(|(name, source)| {
            let help = match crate::diagnostics::suggest(name, theirs.iter().map(String::as_str)) {
                Some(near) => format!("did you mean `{near}`? A template replaces the theme's of the same name"),
                None => "a template replaces the theme's of the same name (`lesson.html`, `partials/card.html`…), or is included by one: rename it, or include it".to_string(),
            };
            Diagnostic::warning(format!("template `{name}` is used by no page: the theme has no template of that name and no template includes it"))
                .in_file(&source.shown_as)
                .with_help(help)
        })
        .collect()
}

fn build(
    files: BTreeMap<String, ThemeFile>,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> Option<Theme> {
    let mut sources = BTreeMap::new();
    let mut static_files = BTreeMap::new();
    let mut i18n: BTreeMap<String, ThemeFile> = BTreeMap::new();
    let mut search_modules: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    // Templates that are there but unreadable: reported as that, not as missing too.
    let mut unreadable = Vec::new();
    for (path, file) in files {
        if let Some(name) = path.strip_prefix("templates/") {
            match String::from_utf8(file.bytes) {
                Ok(text) => {
                    sources.insert(
                        name.to_string(),
                        TemplateSource {
                            text,
                            shown_as: file.shown_as,
                        },
                    );
                }
                Err(_) => {
                    unreadable.push(name.to_string());
                    diagnostics.push(
                        Diagnostic::error("template is not UTF-8")
                            .in_file(&file.shown_as)
                            .with_help("re-save it as UTF-8"),
                    );
                }
            }
        } else if let Some(name) = path.strip_prefix("static/") {
            static_files.insert(name.to_string(), lean_static(name, file.bytes));
        } else if let Some(name) = path.strip_prefix("i18n/") {
            i18n.insert(name.to_string(), file);
        } else if path.starts_with(crate::search::script::MODULES_DIR) && path.ends_with(".js") {
            search_modules.insert(path, file.bytes);
        }
    }
    add_search_script(&mut static_files, &search_modules);
    diagnostics.extend(unused_templates(&sources));
    let strings = load_strings(&i18n, config, diagnostics)?;
    for required in REQUIRED_TEMPLATES {
        if !sources.contains_key(*required) && !unreadable.iter().any(|u| u == required) {
            diagnostics.push(Diagnostic::error(format!("template `{required}` is missing from the theme")).with_help("add it to the theme's templates/ folder, or remove the override that hides it"));
        }
    }
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_without_controls);
    let adding = tera.add_raw_templates(
        sources
            .iter()
            .map(|(name, s)| (name.as_str(), s.text.as_str())),
    );
    if let Err(error) = adding {
        diagnostics.push(template_diagnostic(&error, &sources));
        return None;
    }
    let asset_version =
        crate::digest::short_hash(static_files.values().flat_map(|b| b.iter().copied()));
    Some(Theme {
        tera,
        sources: Arc::new(sources),
        static_files,
        strings,
        asset_version,
    })
}

/// A theme's `.css` or `.js` file without its comment-only lines, blank lines and indentation
/// (`search::script::lean`), as the joined search script is. A script holding a backtick is
/// left whole: a template literal may span lines that only look like comments. Not UTF-8: as it is.
fn lean_static(name: &str, bytes: Vec<u8>) -> Vec<u8> {
    use crate::search::script::{lean, lean_css};
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => return error.into_bytes(),
    };
    if name.ends_with(".css") {
        lean_css(&text).into_bytes()
    } else if name.ends_with(".js") && !has_template_literal(&text) {
        lean(&text).into_bytes()
    } else {
        text.into_bytes()
    }
}

/// Whether a line of code (not a comment line) holds a backtick: a template literal may start there.
fn has_template_literal(script: &str) -> bool {
    script
        .lines()
        .map(str::trim_start)
        .any(|line| line.contains('`') && !["//", "/*", "*"].iter().any(|c| line.starts_with(c)))
}

/// `static/search.js` joined from the theme's search modules, and `static/suggest.js` from those
/// marked for it — unless the theme ships that file of its own, which then replaces the script
/// whole (docs/THEME.md).
fn add_search_script(
    static_files: &mut BTreeMap<String, Vec<u8>>,
    modules: &BTreeMap<String, Vec<u8>>,
) {
    use crate::search::script::{join_modules, join_suggest_modules};
    if modules.is_empty() {
        return;
    }
    let modules = || modules.iter().map(|(p, b)| (p.as_str(), b.as_slice()));
    if !static_files.contains_key("search.js") {
        static_files.insert("search.js".to_string(), join_modules(modules()));
    }
    if !static_files.contains_key("suggest.js") {
        static_files.insert("suggest.js".to_string(), join_suggest_modules(modules()));
    }
}

fn load_strings(
    i18n: &BTreeMap<String, ThemeFile>,
    config: &Config,
    diagnostics: &mut Diagnostics,
) -> Option<serde_json::Map<String, Value>> {
    let wanted = format!("{}.json", config.language.code());
    let Some(file) = i18n.get(&wanted).or_else(|| i18n.get("zh-CN.json")) else {
        return Some(serde_json::Map::new());
    };
    match serde_json::from_slice::<serde_json::Map<String, Value>>(&file.bytes) {
        Ok(map) => Some(map),
        Err(error) => {
            let text = String::from_utf8_lossy(&file.bytes);
            diagnostics.push(
                Diagnostic::error(format!("invalid JSON in UI strings: {error}"))
                    .in_file(&file.shown_as)
                    .at_line(&text, error.line().max(1), error.column().max(1))
                    .with_help("the file must be one JSON object of \"key\": \"text\" pairs"),
            );
            None
        }
    }
}

/// A Tera error as a diagnostic at the template's file and line.
fn template_diagnostic(
    error: &tera::Error,
    sources: &BTreeMap<String, TemplateSource>,
) -> Diagnostic {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(tera_error) = e.downcast_ref::<tera::Error>()
            && let tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) =
                tera_error.kind()
        {
            let span = report.span();
            let source = sources.get(report.filename());
            let shown = source
                .map(|s| s.shown_as.as_str())
                .unwrap_or(report.filename());
            let mut d =
                Diagnostic::error(format!("template error: {}", report.message())).in_file(shown);
            if let Some(source) = source {
                d = d.at_line(&source.text, span.start_line.max(1), span.start_col + 1);
            }
            return d.with_help(syntax_help(report.message(), source, span.start_line));
        }
        current = e.source();
    }
    report_diagnostic(&error.to_string(), sources)
}

/// A Tera error whose report is only text (an unknown filter, test or function): its first line
/// is the message and a ` --> name:line:column` line the place, which is the template's file.
fn report_diagnostic(report: &str, sources: &BTreeMap<String, TemplateSource>) -> Diagnostic {
    let mut lines = report.lines();
    let first = lines.next().unwrap_or_default();
    let message = first.trim().strip_prefix("error: ").unwrap_or(first.trim());
    let mut d = Diagnostic::error(format!("template error: {message}"));
    let place = lines.find_map(|l| l.trim_start().strip_prefix("--> "));
    let parsed = place.and_then(|p| {
        let mut parts = p.trim().rsplitn(3, ':');
        let column = parts.next()?.parse::<usize>().ok()?;
        let line = parts.next()?.parse::<usize>().ok()?;
        Some((parts.next()?, line, column))
    });
    if let Some((name, line, column)) = parsed {
        match sources.get(name) {
            Some(source) => {
                d = d
                    .in_file(&source.shown_as)
                    .at_line(&source.text, line.max(1), column)
            }
            None => d = d.in_file(name),
        }
    } else if let Some((source, line)) = cycle_place(message, sources) {
        d = d.in_file(&source.shown_as).at_line(&source.text, line, 1);
    }
    d.with_help(report_help(message))
}

/// What to do about a syntax error. Tera calls an `{% end… %}` that closes the wrong tag (an
/// `{% if %}` left open before `{% endblock %}`) an unknown tag: say which tag is open.
fn syntax_help(message: &str, source: Option<&TemplateSource>, line: usize) -> String {
    let closing = source
        .and_then(|s| s.text.lines().nth(line.saturating_sub(1)))
        .and_then(|l| l.split("{%").nth(1))
        .map(|tag| tag.trim_start_matches('-').trim())
        .filter(|tag| tag.starts_with("end"));
    match closing {
        Some(tag) if message.starts_with("Unknown tag") => format!(
            "`{{% {} %}}` closes a tag that is not the last one opened: an `{{% if %}}`, `{{% for %}}` or `{{% block %}}` above it needs its `{{% endif %}}`, `{{% endfor %}}` or `{{% endblock %}}` first",
            tag.trim_end_matches("%}").trim_end_matches('-').trim()
        ),
        _ => "fix the template; the Tera 2 syntax is described at keats.github.io/tera".to_string(),
    }
}

/// A circular include or extend has no place in Tera's report: the template it names, at the
/// line of its `include` or `extends` of itself or of the one before it in the chain.
fn cycle_place<'s>(
    message: &str,
    sources: &'s BTreeMap<String, TemplateSource>,
) -> Option<(&'s TemplateSource, usize)> {
    if !message.starts_with("Circular") {
        return None;
    }
    let name = message.split('\'').nth(1)?;
    let source = sources.get(name)?;
    let (double, single) = (format!("\"{name}\""), format!("'{name}'"));
    let line = source
        .text
        .lines()
        .position(|l| l.contains(&double) || l.contains(&single))
        .map_or(1, |i| i + 1);
    Some((source, line))
}

/// What to do about an error Tera reports only as text.
fn report_help(message: &str) -> &'static str {
    if message.starts_with("Circular extend") {
        "a template cannot extend itself: an override of `page.html` replaces the theme's, so extend `base.html` as the theme's does"
    } else if message.starts_with("Circular include") {
        "a template includes itself, directly or through another: remove the include that closes the circle"
    } else if message.contains("is not defined in any parent") {
        "a block must have the name it has in the template extended (`{% block content %}` in base.html)"
    } else if message.contains("not found") {
        "check the template's name in the include or extends: it is relative to templates/ (`partials/card.html`)"
    } else {
        "fix the template: a filter, test or function it names must exist (the Tera 2 syntax and its built-in filters are described at keats.github.io/tera)"
    }
}

impl Theme {
    /// A renderer whose every page sees `globals` (the site, the UI strings, the menus). The
    /// theme itself never changes: each render of the site makes its own.
    pub fn renderer(&self, globals: &impl serde::Serialize) -> Renderer {
        let mut tera = self.tera.clone();
        if let Ok(context) = Context::from_serialize(globals) {
            tera.global_context().extend(context);
        }
        Renderer {
            tera,
            sources: self.sources.clone(),
            strings: self.strings.clone(),
            labels: self.labels(),
        }
    }

    /// A UI string by key; the key itself when the theme lacks it, so a missing string shows.
    pub fn text<'s>(&'s self, key: &'s str) -> &'s str {
        text(&self.strings, key)
    }

    /// The UI strings that Rust writes into views and the search index.
    pub fn labels(&self) -> views::Labels {
        views::Labels {
            lesson: self.text("card_kind_lesson").to_string(),
            video: self.text("card_kind_video").to_string(),
            review: self.text("card_kind_review").to_string(),
            list_sep: self.text("list_sep").to_string(),
            presentation: self.text("review_kind_presentation").to_string(),
            critique: self.text("review_kind_critique").to_string(),
        }
    }
}

/// The built-in theme's UI strings in Chinese, for what is shown before any site's theme
/// has loaded (`serve`'s notices while its first build fails).
pub fn builtin_strings() -> serde_json::Map<String, Value> {
    DefaultTheme::get("i18n/zh-CN.json")
        .and_then(|file| serde_json::from_slice(&file.data).ok())
        .unwrap_or_default()
}

pub fn text<'s>(strings: &'s serde_json::Map<String, Value>, key: &'s str) -> &'s str {
    strings.get(key).and_then(Value::as_str).unwrap_or(key)
}

/// Renders pages with one set of globals (see `Theme::renderer`).
pub struct Renderer {
    tera: Tera,
    sources: Arc<BTreeMap<String, TemplateSource>>,
    strings: serde_json::Map<String, Value>,
    labels: views::Labels,
}

/// Tera's HTML escaping, minus the control characters HTML forbids: YAML lets a title say
/// `"a\u0001b"`, which would otherwise make the page invalid.
fn escape_without_controls(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Bytes first: controls are below 0x20, 0x7F, or after 0xC2 (C1); most text has none.
    let suspect = input.bytes().any(|b| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0C | b'\r')) || b == 0x7F || b == 0xC2
    });
    let forbidden = crate::content::forbidden_control;
    if !suspect || !input.chars().any(forbidden) {
        return tera::escape_html(input, out);
    }
    let clean: String = input.chars().filter(|c| !forbidden(*c)).collect();
    tera::escape_html(&clean, out)
}

/// A page's rendering that stops making progress: a template loop that writes nothing never
/// reaches the 64 MiB limit, and would hold a build for hours. An exiting command (`build`,
/// `check`, `pack`) watches the renders (`watch`); none has finished for a minute while one
/// runs means a loop does not end, and the command stops with that said. The output folder is
/// untouched: the swap had not happened, and the next build removes the staging folder.
pub mod stall {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    static ACTIVE: AtomicUsize = AtomicUsize::new(0);
    /// Milliseconds since the epoch of the last page finished (or of a first one started).
    static LAST: AtomicU64 = AtomicU64::new(0);
    static TEMPLATE: Mutex<String> = Mutex::new(String::new());

    fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    }

    /// One page being rendered, from `start` until dropped.
    pub struct Rendering;

    impl Rendering {
        pub fn start(template: &str) -> Rendering {
            if ACTIVE.fetch_add(1, Ordering::SeqCst) == 0 {
                LAST.store(now(), Ordering::SeqCst);
            }
            if let Ok(mut name) = TEMPLATE.lock() {
                name.clear();
                name.push_str(template);
            }
            Rendering
        }
    }

    impl Drop for Rendering {
        fn drop(&mut self) {
            LAST.store(now(), Ordering::SeqCst);
            ACTIVE.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Watch the renders from a thread of its own; `stop` is called once, on a stall of
    /// `limit`, with the template of a page still rendering.
    pub fn watch(limit: Duration, stop: fn(&str)) {
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(500));
                let idle = now().saturating_sub(LAST.load(Ordering::SeqCst));
                if ACTIVE.load(Ordering::SeqCst) > 0 && idle > limit.as_millis() as u64 {
                    let template = TEMPLATE.lock().map(|t| t.clone()).unwrap_or_default();
                    stop(&template);
                    return;
                }
            }
        });
    }
}

/// What a page's buffer starts at: most pages of the sample portal and the benchmark corpus
/// are 8–24 KB, so one or two doublings at most.
const PAGE_CAPACITY: usize = 16 * 1024;

/// No page is this large unless a template loops without end (two nested `range`s pass
/// Tera's own limit on one): the page is refused before it takes the machine's memory. The
/// largest real pages (a three-hour transcript, a lesson at the body limit) are a few MB.
const MAX_PAGE_BYTES: usize = 64 << 20;
/// A page being rendered, refusing to grow past `MAX_PAGE_BYTES`; `overflowed` once it did.
struct BoundedPage {
    bytes: Vec<u8>,
    overflowed: bool,
}

impl std::io::Write for BoundedPage {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_PAGE_BYTES {
            self.overflowed = true;
            return Err(std::io::Error::other("the page is over the size limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The error of a page that outgrew `MAX_PAGE_BYTES`: its template (where the loop is, or
/// what it includes).
fn runaway(template: &str, sources: &BTreeMap<String, TemplateSource>) -> Diagnostic {
    let shown = sources
        .get(template)
        .map_or(template, |s| s.shown_as.as_str());
    Diagnostic::error(format!(
        "template `{template}` wrote more than {} MiB for one page, so the build stopped it",
        MAX_PAGE_BYTES >> 20
    ))
    .in_file(shown)
    .with_help("a loop in this template, or in one it includes or extends, runs far too long (two nested `range`s?): make it end")
}

impl Renderer {
    pub fn render(
        &self,
        template: &str,
        view: &impl serde::Serialize,
    ) -> Result<Vec<u8>, Diagnostic> {
        let context = pages::context_of(view)?;
        // Bytes, not tera's `render`: that checks the finished page is UTF-8 once more (its
        // pieces are `str` already), ~3% of a 10k build, and grows its buffer from the size of
        // the template alone.
        let mut page = BoundedPage {
            bytes: Vec::with_capacity(PAGE_CAPACITY),
            overflowed: false,
        };
        let _watched = stall::Rendering::start(template);
        match self.tera.render_to(template, &context, &mut page) {
            Ok(()) => Ok(page.bytes),
            Err(_) if page.overflowed => Err(runaway(template, &self.sources)),
            Err(e) => Err(template_diagnostic(&e, &self.sources)),
        }
    }

    pub fn text<'s>(&'s self, key: &'s str) -> &'s str {
        text(&self.strings, key)
    }

    pub fn labels(&self) -> &views::Labels {
        &self.labels
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules() -> BTreeMap<String, Vec<u8>> {
        BTreeMap::from([("search/10-a.js".to_string(), b"a();\n".to_vec())])
    }

    #[test]
    fn search_script_is_joined_from_the_modules() {
        let mut files = BTreeMap::new();
        add_search_script(&mut files, &modules());
        let script = String::from_utf8(files["search.js"].clone()).unwrap();
        assert!(script.contains("var LecternSearch = {") && script.ends_with("a();\n"));
    }

    #[test]
    fn suggest_script_holds_only_the_marked_modules() {
        let mark = crate::search::script::SUGGEST_MARK;
        let mut modules = modules();
        let marked = format!("{mark}\nb();\n");
        modules.insert("search/20-b.js".to_string(), marked.into_bytes());
        let mut files = BTreeMap::new();
        add_search_script(&mut files, &modules);
        let suggest = String::from_utf8(files["suggest.js"].clone()).unwrap();
        assert!(suggest.contains("var LecternSearch = {") && suggest.ends_with("b();\n"));
        assert!(
            !suggest.contains("a();") && !suggest.contains(mark),
            "{suggest}"
        );
        let search = String::from_utf8(files["search.js"].clone()).unwrap();
        assert!(search.contains("a();") && search.contains("b();"));
    }

    #[test]
    fn static_scripts_and_styles_are_lean_but_template_literals_stay_whole() {
        let lean =
            |name: &str, text: &str| String::from_utf8(lean_static(name, text.into())).unwrap();
        assert_eq!(lean("a.js", "// why\n  go();\n"), "go();\n");
        assert_eq!(lean("a.css", "/* why */\n  a { }\n"), "a { }\n");
        let template = "var s = `\n// text\n`;\n";
        assert_eq!(lean("a.js", template), template);
        assert_eq!(lean("a.js", "/* `x` */\n  go();\n"), "go();\n");
        assert_eq!(lean("a.svg", "  <svg/>\n"), "  <svg/>\n");
        assert_eq!(lean_static("a.js", vec![0xff, b'\n']), [0xff, b'\n']);
    }

    #[test]
    fn a_text_only_tera_report_becomes_file_line_and_message() {
        let sources = BTreeMap::from([(
            "404.html".to_string(),
            TemplateSource {
                text: "a\nb\n{{ x | nosuch }}\n".to_string(),
                shown_as: "themes/default/templates/404.html".to_string(),
            },
        )]);
        let report =
            "error: Unknown filter `nosuch`\n --> 404.html:3:8\n  |\n3 | {{ x | nosuch }}\n";
        let d = report_diagnostic(report, &sources);
        let text = format!("{d:?}");
        assert!(
            text.contains("template error: Unknown filter `nosuch`"),
            "{text}"
        );
        assert!(!text.contains("-->"), "{text}");
        assert!(text.contains("themes/default/templates/404.html"), "{text}");
    }

    #[test]
    fn a_theme_search_script_replaces_the_modules_whole() {
        let mut files = BTreeMap::from([("search.js".to_string(), b"mine();".to_vec())]);
        add_search_script(&mut files, &modules());
        assert_eq!(files["search.js"], b"mine();");
    }
}
