//! The pipeline, read top to bottom:
//! config → content → catalog → markdown → theme → search → output.
//! Diagnostics are collected along the way; nothing is written unless the site has no errors.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::catalog::{self, Catalog};
use crate::config::{self, Config};
use crate::content::{self, Detail};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, LinkContext, RenderOptions, Rendered, SourceSpan};
use crate::output::{self, Staging};
use crate::search::{self, SearchDocument};
use crate::theme::{self, render_site};

#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; `<root>/public` when `None`.
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Where to report the current stage, for the terminal progress line.
    pub progress: Option<std::sync::Arc<crate::progress::Progress>>,
    /// Held for writing while the new site is swapped in (`serve` reads under it).
    pub swap_lock: Option<std::sync::Arc<std::sync::RwLock<u64>>>,
    /// Keep what `serve` needs to patch the site after an edit (the search index's postings).
    pub incremental: bool,
}

/// What a finished build did.
#[derive(Clone, Debug, Default)]
pub struct BuildReport {
    pub resources: usize,
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    pub out: PathBuf,
    /// Seconds per stage, in order, for `--timings`.
    pub timings: Vec<(&'static str, Duration)>,
}

/// A site read and checked, ready to render.
pub struct Site {
    pub config: Config,
    pub catalog: Catalog,
    pub bodies: Vec<Rendered>,
    pub page_bodies: Vec<Rendered>,
    pub theme: theme::Theme,
    /// Every resource's card, kept by `serve` between page refreshes.
    pub cards: Option<Vec<theme::views::Card>>,
    /// The search index's postings, kept by `serve` to patch the index after an edit.
    pub search: Option<search::IndexState>,
}

impl Site {
    /// What the pages are made from, as the theme takes it.
    pub fn input(&self) -> theme::pages::SiteInput<'_> {
        theme::pages::SiteInput {
            config: &self.config,
            catalog: &self.catalog,
            bodies: &self.bodies,
            page_bodies: &self.page_bodies,
            search_manifest: search::MANIFEST_PATH,
        }
    }
}

/// Read and check everything (`lectern check` stops here, plus a dry render).
pub fn load(
    options: &BuildOptions,
    diagnostics: &mut Diagnostics,
    timings: &mut Vec<(&'static str, Duration)>,
) -> Option<Site> {
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, timings: &mut Vec<(&'static str, Duration)>| {
        timings.push((name, clock.elapsed()));
        clock = Instant::now();
    };
    let mut config = config::load(&options.root, diagnostics)?;
    if let Some(base_url) = &options.base_url {
        match config::check_base_url(base_url) {
            Ok(()) => config.base_url = config::normalise_base_url(base_url),
            Err(why) => {
                diagnostics.push(Diagnostic::error(why).with_help(
                    "pass --base-url https://example.org/portal/ or --base-url /portal/",
                ));
                return None;
            }
        }
    }
    lap("config", timings);
    stage(options, "reading content");
    let content = content::load(&options.root, &config, options.drafts, diagnostics);
    lap("content", timings);
    stage(options, "linking resources");
    let catalog = catalog::assemble(&config, content, diagnostics);
    lap("catalog", timings);
    stage(options, "rendering Markdown");
    let (bodies, page_bodies) = render_markdown(&config, &catalog, diagnostics);
    lap("markdown", timings);
    stage(options, "loading the theme");
    let theme = theme::load(&options.root, &config, diagnostics);
    lap("theme", timings);
    let theme = theme?;
    (!diagnostics.has_errors()).then_some(Site {
        config,
        catalog,
        bodies,
        page_bodies,
        theme,
        cards: None,
        search: None,
    })
}

fn render_markdown(
    config: &Config,
    catalog: &Catalog,
    diagnostics: &mut Diagnostics,
) -> (Vec<Rendered>, Vec<Rendered>) {
    let assets = asset_set(catalog);
    let resources: Vec<(Rendered, Vec<Diagnostic>)> = catalog
        .resources
        .par_iter()
        .map(|r| render_resource_body(config, catalog, &assets, r))
        .collect();
    let pages: Vec<(Rendered, Vec<Diagnostic>)> = catalog
        .pages
        .par_iter()
        .map(|p| render_page_body(config, catalog, &assets, p))
        .collect();
    let mut split = |list: Vec<(Rendered, Vec<Diagnostic>)>| {
        list.into_iter()
            .map(|(rendered, warnings)| {
                diagnostics.extend(warnings);
                rendered
            })
            .collect::<Vec<_>>()
    };
    let bodies = split(resources);
    let page_bodies = split(pages);
    check_fragments(catalog, &bodies, &page_bodies, diagnostics);
    (bodies, page_bodies)
}

fn stage(options: &BuildOptions, name: &'static str) {
    if let Some(progress) = &options.progress {
        progress.stage(name);
    }
}

pub fn asset_set(catalog: &Catalog) -> BTreeSet<String> {
    catalog.assets.iter().map(|a| a.path.clone()).collect()
}

/// One Markdown body: (file, file text, body, first line of the body), rendered for the page
/// at `page_path`, with its warnings.
fn render_body(
    config: &Config,
    catalog: &Catalog,
    assets: &BTreeSet<String>,
    source: (&str, &str, &str, usize),
    page_path: &str,
) -> (Rendered, Vec<Diagnostic>) {
    let (file, text, body, body_line) = source;
    let options = RenderOptions {
        raw_html: config.raw_html,
        links: LinkContext {
            source_file: file,
            page_path,
            source_paths: &catalog.source_paths,
            assets,
        },
        span: SourceSpan {
            file,
            file_text: text,
            first_line: body_line,
        },
    };
    let mut warnings = Vec::new();
    let rendered = markdown::render(body, &options, &mut warnings);
    (rendered, warnings)
}

/// A resource's body, rendered for its page.
pub fn render_resource_body(
    config: &Config,
    catalog: &Catalog,
    assets: &BTreeSet<String>,
    r: &crate::content::Resource,
) -> (Rendered, Vec<Diagnostic>) {
    render_body(
        config,
        catalog,
        assets,
        (&r.origin.file, &r.origin.text, &r.body, r.body_line),
        &catalog::resource_path(r),
    )
}

/// A free page's body, rendered for its page.
pub fn render_page_body(
    config: &Config,
    catalog: &Catalog,
    assets: &BTreeSet<String>,
    p: &crate::content::Page,
) -> (Rendered, Vec<Diagnostic>) {
    render_body(
        config,
        catalog,
        assets,
        (&p.origin.file, &p.origin.text, &p.body, p.body_line),
        &catalog::page_path(p),
    )
}

/// `[x](other.md#section)` must name a heading that exists on that page.
fn check_fragments(
    catalog: &Catalog,
    bodies: &[Rendered],
    page_bodies: &[Rendered],
    diagnostics: &mut Diagnostics,
) {
    diagnostics.extend(missing_fragments(catalog, bodies, page_bodies, None));
}

/// Warnings for fragment links that name no heading: all of them, or (`near` = resource `n`)
/// only those written in resource `n` or pointing at its page — what an edit of it can change.
pub fn missing_fragments(
    catalog: &Catalog,
    bodies: &[Rendered],
    page_bodies: &[Rendered],
    near: Option<usize>,
) -> Vec<Diagnostic> {
    let resource_pages = catalog
        .resources
        .iter()
        .map(catalog::resource_path)
        .zip(bodies);
    let free_pages = catalog
        .pages
        .iter()
        .map(catalog::page_path)
        .zip(page_bodies);
    let pages: std::collections::HashMap<String, &Rendered> =
        resource_pages.chain(free_pages).collect();
    let near_path = near.map(|n| catalog::resource_path(&catalog.resources[n]));
    let sources = catalog
        .resources
        .iter()
        .map(|r| &r.origin)
        .zip(bodies)
        .chain(catalog.pages.iter().map(|p| &p.origin).zip(page_bodies))
        .enumerate();
    let mut problems = Vec::new();
    for (i, (origin, body)) in sources {
        let mut lines: Option<Vec<&str>> = None;
        for link in &body.fragment_links {
            let concerned = match (near, &near_path) {
                (Some(n), Some(path)) => i == n || link.page_path == *path,
                _ => true,
            };
            let known = pages
                .get(&link.page_path)
                .is_some_and(|page| page.anchors.contains(&link.fragment));
            if concerned && !known {
                problems.push(
                    Diagnostic::warning(format!("link to `#{}` on {} finds no such heading", link.fragment, link.page_path))
                        .in_file(&origin.file)
                        .at_source_line(lines.get_or_insert_with(|| origin.text.lines().collect()).get(link.line - 1).copied().unwrap_or(""), link.line, link.column)
                        .with_help("heading ids are the heading text in lower case with spaces as `-`; or give the heading an id: `## 标题 {#my-id}`"),
                );
            }
        }
    }
    problems
}

/// `lectern build`: check, render, index, and swap the new site in.
pub fn build(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<BuildReport> {
    build_keeping(options, diagnostics).map(|(report, _)| report)
}

/// `build`, handing back the site it built, so `serve` can re-render single pages later.
pub fn build_keeping(
    options: &BuildOptions,
    diagnostics: &mut Diagnostics,
) -> Option<(BuildReport, Site)> {
    let started = Instant::now();
    let mut timings = Vec::new();
    let mut site = load(options, diagnostics, &mut timings)?;
    let out_dir = options
        .out
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    let target = match output::check_target(&options.root, &out_dir) {
        Ok(target) => target,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return None;
        }
    };
    let staging = match Staging::create(&target) {
        Ok(staging) => staging,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return None;
        }
    };
    let clock = Instant::now();
    stage(options, "writing pages");
    let written = write_site(&mut site, &staging, diagnostics, &mut timings, options);
    timings.push(("render+write", clock.elapsed()));
    let written = written?;
    let clock = Instant::now();
    // A swap lock means `serve`, which goes on running: it removes the old site in the
    // background. `lectern build` exits next, so it removes it before returning.
    match staging.commit_locked(options.swap_lock.as_deref()) {
        Ok(replaced) if options.swap_lock.is_some() => replaced.remove_in_background(),
        Ok(replaced) => replaced.remove(),
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return None;
        }
    }
    timings.push(("swap", clock.elapsed()));
    let report = BuildReport {
        resources: site.catalog.resources.len(),
        pages: written.0,
        files: written.1,
        elapsed: started.elapsed(),
        out: target,
        timings,
    };
    Some((report, site))
}

/// `lectern check`: everything `build` validates, templates rendered, nothing written.
pub fn check(options: &BuildOptions, diagnostics: &mut Diagnostics) -> bool {
    let mut timings = Vec::new();
    let Some(mut site) = load(options, diagnostics, &mut timings) else {
        return false;
    };
    let input = theme::pages::SiteInput {
        config: &site.config,
        catalog: &site.catalog,
        bodies: &site.bodies,
        page_bodies: &site.page_bodies,
        search_manifest: search::MANIFEST_PATH,
    };
    let problems = render_site(&mut site.theme, &input, &|_, _| Ok(()));
    let ok = problems.is_empty();
    diagnostics.extend(problems);
    ok && !diagnostics.has_errors()
}

/// Pages, search index, static files, assets and feeds into the staging folder.
/// Returns (pages, files) written.
fn write_site(
    site: &mut Site,
    staging: &Staging,
    diagnostics: &mut Diagnostics,
    timings: &mut Vec<(&'static str, Duration)>,
    options: &BuildOptions,
) -> Option<(usize, usize)> {
    let progress = options.progress.as_deref();
    let page_count = std::sync::atomic::AtomicUsize::new(0);
    let paths = std::sync::Mutex::new(Vec::new());
    let sink = |path: &str, bytes: Vec<u8>| {
        page_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Some(progress) = progress {
            progress.tick();
        }
        if let Some(dir) = path.strip_suffix("index.html")
            && path != "404.html"
        {
            paths.lock().map(|mut p| p.push(dir.to_string())).ok();
        }
        staging.write(path, &bytes)
    };
    let Site {
        config,
        catalog,
        bodies,
        page_bodies,
        theme,
        search: kept_index,
        ..
    } = site;
    let input = theme::pages::SiteInput {
        config,
        catalog,
        bodies,
        page_bodies,
        search_manifest: search::MANIFEST_PATH,
    };
    let ((problems, pages_took), ((index_files, index_state), search_took)) = rayon::join(
        || {
            let clock = Instant::now();
            (render_site(theme, &input, &sink), clock.elapsed())
        },
        || {
            let clock = Instant::now();
            let index = search_index(config, catalog, bodies, options.incremental);
            (index, clock.elapsed())
        },
    );
    timings.push(("pages", pages_took));
    timings.push(("search index", search_took));
    *kept_index = index_state;
    diagnostics.extend(problems);
    let index_errors: Vec<Diagnostic> = index_files
        .par_iter()
        .filter_map(|f| staging.write(&f.path, &f.bytes).err())
        .collect();
    diagnostics.extend(index_errors);
    let mut files = index_files.len();
    let mut write = |path: &str, bytes: &[u8]| {
        files += 1;
        if let Err(d) = staging.write(path, bytes) {
            diagnostics.push(d);
        }
    };
    write("static/syntax.css", markdown::stylesheet().as_bytes());
    for (path, bytes) in &theme.static_files {
        write(&format!("static/{path}"), bytes);
    }
    let mut page_paths = paths.into_inner().unwrap_or_default();
    page_paths.sort();
    write(
        "sitemap.xml",
        crate::feeds::sitemap(config, &page_paths).as_bytes(),
    );
    write("feed.xml", crate::feeds::atom(config, catalog).as_bytes());
    let copy_errors: Vec<Diagnostic> = catalog
        .assets
        .par_iter()
        .filter_map(|a| staging.copy(&format!("assets/{}", a.path), &a.source).err())
        .collect();
    diagnostics.extend(copy_errors);
    let pages = page_count.into_inner();
    (!diagnostics.has_errors()).then_some((pages, files + pages + catalog.assets.len()))
}

fn search_index(
    config: &Config,
    catalog: &Catalog,
    bodies: &[Rendered],
    keep: bool,
) -> (Vec<search::IndexFile>, Option<search::IndexState>) {
    let docs: Vec<SearchDocument<'_>> = catalog
        .resources
        .iter()
        .zip(bodies)
        .rev()
        .map(|(r, body)| search_document(config, r, body))
        .collect();
    let kind_names =
        crate::content::Kind::ALL.map(|k| crate::theme::views::kind_name(k, config.language));
    search::build(config, kind_names, &index_topics(catalog), &docs, keep)
}

/// The search index's number for resource `n` of `count`: the index numbers oldest first (the
/// catalog's order reversed), so a new resource — usually the newest — takes the next number
/// and every other document keeps its own.
pub fn search_number(count: usize, n: usize) -> usize {
    count - 1 - n
}

/// The topics in the index's order (most used first), as (name, slug).
pub fn index_topics(catalog: &Catalog) -> Vec<(String, String)> {
    catalog
        .topics
        .iter()
        .map(|t| (t.name.clone(), t.slug.clone()))
        .collect()
}

/// What the search index takes of a resource and its rendered body.
pub fn search_document<'a>(
    config: &Config,
    r: &'a crate::content::Resource,
    body: &'a Rendered,
) -> SearchDocument<'a> {
    let mut people = vec![r.school.as_str()];
    match &r.detail {
        Detail::Lesson(d) => people.push(&d.author),
        Detail::Video(d) => people.push(&d.speaker),
        Detail::Review(d) => people.push(&d.reviewer),
    }
    SearchDocument {
        labels: labels(config, r),
        path: catalog::resource_path(r),
        title: &r.title,
        kind: r.kind.slug(),
        grades: &r.grades,
        course: &r.course,
        topics: &r.topics,
        date: r.date.map(|d| d.to_string()).unwrap_or_default(),
        summary: &r.summary,
        people,
        body: &body.text,
    }
}

/// Kind, 说课/评课, grade, stage and course names of a resource, for search.
fn labels(config: &Config, r: &crate::content::Resource) -> Vec<String> {
    let mut labels = vec![crate::theme::views::kind_name(r.kind, config.language).to_string()];
    if let Detail::Review(d) = &r.detail
        && let Some(kind) = d.review_kind
    {
        labels.push(kind.label().to_string());
    }
    for grade in r.grades.iter().filter_map(|g| config.grade(*g)) {
        labels.push(grade.name.clone());
        if let Some(stage) = config
            .stage(&grade.stage)
            .filter(|s| !labels.contains(&s.name))
        {
            labels.push(stage.name.clone());
        }
    }
    labels.extend(config.course(&r.course).map(|c| c.name.clone()));
    labels
}

/// The site root given on the command line, checked.
pub fn site_root(root: &Path) -> Result<PathBuf, Diagnostic> {
    if root.join(config::CONFIG_FILE).is_file() {
        Ok(root.to_path_buf())
    } else {
        Err(Diagnostic::error(format!("no {} in {}", config::CONFIG_FILE, root.display()))
            .with_help("run Lectern in a site folder, pass --root DIR, or create a site with `lectern init DIR`"))
    }
}
