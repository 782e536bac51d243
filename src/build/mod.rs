//! The pipeline, read top to bottom:
//! config → content → catalog → bodies (Markdown) → theme → pages ∥ search → output.
//! Diagnostics are collected along the way; nothing is written unless the site has no errors.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::bodies;
use crate::catalog::{self, Catalog};
use crate::config::{self, Config};
use crate::content;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Rendered;
use crate::output::{self, Staging};
use crate::search::{self, IndexState};
use crate::theme::{self, Digests, Pages, SiteInput};

mod stream;
use stream::write_site_streamed;

#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; `<root>/public` when `None`.
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    /// Where QR codes lead, when not the base URL's host (`serve`: see `Config::qr_base_url`).
    pub qr_base_url: QrBase,
    pub drafts: bool,
    /// Where to report the current stage, for the terminal progress line.
    pub progress: Option<Arc<crate::progress::Progress>>,
}

/// Where a build's QR codes lead.
#[derive(Clone, Debug, Default)]
pub enum QrBase {
    /// The base URL, when it names a host (`build`).
    #[default]
    FromBaseUrl,
    /// This address, or no codes at all (`serve`).
    Given(Option<String>),
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
    pub timings: Timings,
    /// How files were read (which encoding each CSV catalog was read as), for `--timings`.
    pub notes: Vec<String>,
    /// The largest HTML page written (relative to `out`), for the weight line.
    pub heaviest_page: Option<String>,
    /// Files put into the output folder by hand, kept in the new site (relative to `out`).
    pub kept: Vec<String>,
    /// Files put there by hand where the new site makes its own, which took their place.
    pub replaced: Vec<String>,
}

/// Seconds per stage, in order.
pub type Timings = Vec<(&'static str, Duration)>;

/// A site read and checked, ready to render.
pub struct Site {
    pub config: Config,
    pub catalog: Catalog,
    pub bodies: Vec<Arc<Rendered>>,
    pub page_bodies: Vec<Arc<Rendered>>,
    pub theme: theme::Theme,
    /// The resources' bodies are not rendered yet: `bodies` holds stand-ins
    /// (`bodies::chapter_stubs`) and `write_site_streamed` renders each body with its page.
    pub streaming: bool,
    /// While `streaming`: each resource's file text, taken out of the catalog (its
    /// `origin.text` is empty), so that the streaming build drops it once the body is rendered.
    /// Empty otherwise.
    pub sources: Vec<std::sync::Mutex<Option<Arc<str>>>>,
}

impl Site {
    /// What the pages are made from, as the theme takes it.
    pub fn input(&self) -> SiteInput<'_> {
        SiteInput {
            config: &self.config,
            catalog: &self.catalog,
            bodies: &self.bodies,
            page_bodies: &self.page_bodies,
            search_manifest: search::MANIFEST_PATH,
        }
    }
}

/// How a finished build hands its output over. `lectern build` swaps the new site in and
/// removes the old one before it exits; `serve` swaps under the lock its readers hold, removes
/// the old site in the background and keeps what it needs to patch the site later.
#[derive(Clone, Copy)]
pub enum Handover<'a> {
    Exit,
    Serve(&'a RwLock<u64>),
}

/// What a build wrote, for `serve` to patch it later.
pub struct Written {
    pub pages: usize,
    pub files: usize,
    /// Every page's digest (see `theme::pages`), and the feed's and the sitemap's.
    pub digests: Digests,
    /// The search index's postings (only for `Handover::Serve`).
    pub index: Option<IndexState>,
    /// The largest HTML page, relative to the output.
    pub heaviest_page: Option<String>,
}

/// Read and check everything (`lectern check` stops here, plus a dry render).
pub fn load(
    options: &BuildOptions,
    diagnostics: &mut Diagnostics,
    timings: &mut Timings,
) -> Option<Site> {
    load_for(options, false, diagnostics, timings)
}

/// `load`, leaving the resources' bodies to be rendered with their pages when `stream` is
/// asked for and the site allows it (see `streams`). `None` when anything has an error.
fn load_for(
    options: &BuildOptions,
    stream: bool,
    diagnostics: &mut Diagnostics,
    timings: &mut Timings,
) -> Option<Site> {
    let site = load_any(options, stream, diagnostics, timings)?;
    if !diagnostics.has_errors() {
        return Some(site);
    }
    // `serve` shows the content's errors at once; the templates' come with the next save.
    if !stream {
        return None;
    }
    // Not built, but its pages are rendered for nothing, so that a template's errors are
    // reported in this run beside the content's, not after the next fix.
    let input = site.input();
    let rendering = Pages::new(&site.theme, &input).render_all(&|_, _| Ok(()));
    diagnostics.extend(rendering.problems);
    None
}

/// The site as far as it could be read: `None` only when site.yaml or the theme could not be
/// loaded; records and bodies with errors are left out (their errors are in `diagnostics`).
fn load_any(
    options: &BuildOptions,
    stream: bool,
    diagnostics: &mut Diagnostics,
    timings: &mut Timings,
) -> Option<Site> {
    let mut lap = Lap::start(options, timings);
    let config = configure(options, diagnostics)?;
    lap.next("config", "reading content");
    let content = content::load(&options.root, &config, options.drafts, diagnostics);
    lap.next("content", "linking resources");
    let mut catalog = catalog::assemble(&config, content, diagnostics);
    diagnostics.extend(catalog.large_attachments(&config));
    // A site with errors already is not built: render every body now, so that its link and
    // anchor errors are reported with the others in this one run, not after the next fix.
    let mut streaming = stream && streams(&config) && !diagnostics.has_errors();
    let (bodies, page_bodies) = if streaming {
        lap.next("catalog", "rendering pages' Markdown");
        let pages = bodies::render_page_bodies(&config, &catalog, diagnostics);
        if diagnostics.has_errors() {
            // A free page's broken link: no build now, so every body is rendered, as above.
            streaming = false;
            let all = bodies::render_resources_beside(&config, &catalog, pages, diagnostics);
            (all.resources, all.pages)
        } else {
            (bodies::chapter_stubs(&catalog), pages)
        }
    } else {
        lap.next("catalog", "rendering Markdown");
        let bodies = bodies::render_all(&config, &catalog, diagnostics);
        (bodies.resources, bodies.pages)
    };
    lap.next("markdown", "loading the theme");
    let errors_before = diagnostics.error_count();
    let theme = theme::load(&options.root, &config, diagnostics);
    // A theme with errors of its own renders no page worth checking: each would only repeat them.
    let theme = theme.filter(|_| diagnostics.error_count() == errors_before);
    lap.next("theme", "");
    let sources = match streaming {
        true => take_sources(&mut catalog),
        false => Vec::new(),
    };
    Some(Site {
        config,
        catalog,
        bodies,
        page_bodies,
        theme: theme?,
        streaming,
        sources,
    })
}

/// Whether an exiting build renders each resource's body with its page and indexes it at
/// once, holding a chunk of bodies at a time instead of all (`write_site_streamed`). Not with
/// `search.offline`: the offline scripts are made from the whole index's bytes.
fn streams(config: &Config) -> bool {
    !config.search.offline
}

/// The configuration and catalog only, for `lectern stats`: no Markdown, no theme.
pub fn load_catalog(
    options: &BuildOptions,
    diagnostics: &mut Diagnostics,
) -> Option<(Config, catalog::Catalog)> {
    // Not `configure`: its warning about the base URL concerns what a build writes.
    let config = config::load(&options.root, diagnostics)?;
    let content = content::load(&options.root, &config, options.drafts, diagnostics);
    let catalog = catalog::assemble(&config, content, diagnostics);
    (!diagnostics.has_errors()).then_some((config, catalog))
}

/// The bytes-a-visitor-pays check of `lectern build` (`crate::weight`), made on the staging
/// folder before the swap: an overrun of `budget:` is a warning, and with `strict` it stops the
/// build there, so a failing `--strict` build leaves the output folder as it was. With `strict`
/// any other warning stops the build before the swap too.
#[derive(Debug, Default)]
pub struct Weighing {
    pub strict: bool,
    /// The figures measured (also when the budget stopped the build), for the weight line.
    pub weight: Option<crate::weight::Weight>,
}

/// `lectern build`: check, render, index, and swap the new site in.
pub fn build(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<BuildReport> {
    build_weighed(options, None, diagnostics)
}

/// `lectern build` with the visitor's bytes measured and checked against `budget:` (when
/// `weighing` is given) before the swap.
pub fn build_weighed(
    options: &BuildOptions,
    weighing: Option<&mut Weighing>,
    diagnostics: &mut Diagnostics,
) -> Option<BuildReport> {
    build_inner(options, Handover::Exit, weighing, diagnostics).map(|(report, site, written)| {
        // Freeing a big site's records and digests takes tens of milliseconds that nobody waits
        // for: a process about to exit need not see it through.
        std::thread::spawn(move || drop((site, written)));
        report
    })
}

/// A build handed over as `handover` says, returning the site and what was written.
pub fn build_with(
    options: &BuildOptions,
    handover: Handover<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<(BuildReport, Site, Written)> {
    build_inner(options, handover, None, diagnostics)
}

fn build_inner(
    options: &BuildOptions,
    handover: Handover<'_>,
    weighing: Option<&mut Weighing>,
    diagnostics: &mut Diagnostics,
) -> Option<(BuildReport, Site, Written)> {
    let started = Instant::now();
    let mut timings = Timings::new();
    let keep_index = matches!(handover, Handover::Serve(_));
    let mut site = load_for(options, !keep_index, diagnostics, &mut timings)?;
    let staging = stage_target(options, diagnostics)?;
    let clock = Instant::now();
    stage(options, "writing pages");
    let written = if site.streaming {
        write_site_streamed(&mut site, &staging, options, &mut timings, diagnostics)
    } else {
        // A build that exits needs no body's HTML after its page: the pages take it and drop
        // it. `serve` keeps it, to render pages again when an edit changes them.
        let html = if keep_index {
            Vec::new()
        } else {
            drop_sources(&mut site.catalog);
            take_html(&mut site.bodies)
        };
        write_site(
            &site,
            html,
            &staging,
            keep_index,
            options,
            &mut timings,
            diagnostics,
        )
    };
    timings.push(("render+write", clock.elapsed()));
    let written = written?;
    // `--strict`: a warning stops the build here, the new site staged but not swapped in.
    if weighing.as_ref().is_some_and(|w| w.strict) && diagnostics.warning_count() > 0 {
        return None;
    }
    if let Some(weighing) = weighing {
        let clock = Instant::now();
        let within = weigh(&staging, &site.config, &written, weighing, diagnostics);
        timings.push(("weight", clock.elapsed()));
        // Dropping the staging folder removes it: the output folder is untouched.
        within?;
    }
    let clock = Instant::now();
    let out = staging.target().to_path_buf();
    let (kept, replaced) = swap_in(staging, handover, diagnostics)?;
    timings.push(("swap", clock.elapsed()));
    let report = BuildReport {
        resources: site.catalog.resources.len(),
        pages: written.pages,
        files: written.files,
        elapsed: started.elapsed(),
        out,
        timings,
        notes: site.catalog.notes.clone(),
        heaviest_page: written.heaviest_page.clone(),
        kept,
        replaced,
    };
    Some((report, site, written))
}

/// Measures the staged site and reports every figure over `budget:`; `None` when `--strict`
/// makes an overrun stop the build.
fn weigh(
    staging: &Staging,
    config: &Config,
    written: &Written,
    weighing: &mut Weighing,
    diagnostics: &mut Diagnostics,
) -> Option<()> {
    let weight = crate::weight::measure(staging.dir(), written.heaviest_page.as_deref());
    let over = crate::weight::over_budget(&weight, &config.budget);
    weighing.weight = Some(weight);
    let refused = weighing.strict && !over.is_empty();
    diagnostics.extend(over);
    (!refused).then_some(())
}

/// `lectern check`: everything `build` validates, templates rendered, nothing written.
pub fn check(options: &BuildOptions, diagnostics: &mut Diagnostics) -> bool {
    let Some(mut site) = load_for(options, true, diagnostics, &mut Timings::new()) else {
        return false;
    };
    if site.streaming {
        return stream::check_streamed(&mut site, diagnostics);
    }
    let input = site.input();
    let rendering = Pages::new(&site.theme, &input).render_all(&|_, _| Ok(()));
    let ok = rendering.problems.is_empty();
    diagnostics.extend(rendering.problems);
    ok && !diagnostics.has_errors()
}

/// `site.yaml`, with `--base-url` applied.
fn configure(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<Config> {
    let mut config = config::load(&options.root, diagnostics)?;
    if let Some(base_url) = &options.base_url {
        if let Err(why) = config::check_base_url(base_url) {
            diagnostics.push(
                Diagnostic::error(why).with_help(
                    "pass --base-url https://example.org/portal/ or --base-url /portal/",
                ),
            );
            return None;
        }
        config.base_url = config::normalise_base_url(base_url);
        config.qr_base_url = config.absolute_base_url().map(String::from);
    }
    if let QrBase::Given(qr_base_url) = &options.qr_base_url {
        config.qr_base_url = qr_base_url.clone();
    }
    let given = options.base_url.is_some();
    diagnostics.extend(crate::feeds::base_url_note(&config, given));
    Some(config)
}

/// The staging folder beside the checked output folder.
fn stage_target(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<Staging> {
    let out_dir = options
        .out
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    let staged = output::check_target(&options.root, &out_dir).and_then(|t| Staging::create(&t));
    staged.map_err(|d| diagnostics.push(d)).ok()
}

/// Swaps the new site in; returns the files put into the old one by hand that it kept, and
/// those it replaced with its own.
fn swap_in(
    mut staging: Staging,
    handover: Handover<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<(Vec<String>, Vec<String>)> {
    let lock = match handover {
        Handover::Exit => None,
        Handover::Serve(lock) => Some(lock),
    };
    // `serve`'s own folder is private: nobody adds files to it by hand.
    let carried = match lock {
        None => match staging.carry_foreign() {
            Ok(carried) => (carried.kept.clone(), carried.replaced.clone()),
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                return None;
            }
        },
        Some(_) => Default::default(),
    };
    match staging.commit_locked(lock) {
        // `serve` goes on running: the old site goes in the background, pages reload at once.
        Ok(replaced) if lock.is_some() => replaced.remove_in_background(),
        Ok(replaced) => replaced.remove(),
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return None;
        }
    }
    Some(carried)
}

/// Every resource's file text dropped (a build that exits): it was needed to parse the
/// resource, render its body and point diagnostics at its lines, all done in `load`; after it
/// a resource is its fields and its rendered body. A record shared elsewhere keeps its text.
fn drop_sources(catalog: &mut Catalog) {
    let empty: Arc<str> = Arc::from("");
    for resource in &mut catalog.resources {
        if let Some(resource) = Arc::get_mut(resource) {
            resource.origin.text = Arc::clone(&empty);
            resource.body_span = 0..0;
        }
    }
}

/// Every resource's file text moved out of it (see `Site::sources`); `None` for a record
/// shared elsewhere, which keeps its own (the streaming build then reads that).
fn take_sources(catalog: &mut Catalog) -> Vec<std::sync::Mutex<Option<Arc<str>>>> {
    let empty: Arc<str> = Arc::from("");
    catalog
        .resources
        .iter_mut()
        .map(|resource| {
            let text = Arc::get_mut(resource)
                .map(|r| std::mem::replace(&mut r.origin.text, Arc::clone(&empty)));
            std::sync::Mutex::new(text)
        })
        .collect()
}

/// Each body's HTML moved out of it (`None` for a body shared elsewhere, which keeps its own).
fn take_html(bodies: &mut [Arc<Rendered>]) -> Vec<Option<String>> {
    bodies
        .iter_mut()
        .map(|body| Arc::get_mut(body).map(|body| std::mem::take(&mut body.html)))
        .collect()
}

/// Pages, search index, static files, assets and feeds into the staging folder. Pages are
/// written as they are rendered, the index files as soon as the index is made: neither is
/// held until the other is done.
fn write_site(
    site: &Site,
    html: Vec<Option<String>>,
    staging: &Staging,
    keep_index: bool,
    options: &BuildOptions,
    timings: &mut Timings,
    diagnostics: &mut Diagnostics,
) -> Option<Written> {
    let heaviest = HeaviestPage::default();
    let sink = page_sink(staging, options.progress.as_deref(), &heaviest);
    let input = site.input();
    let labels = site.theme.labels();
    let ((rendering, pages_took), (((index_count, index_problems), index), search_took)) =
        rayon::join(
            || {
                timed(|| {
                    Pages::new(&site.theme, &input)
                        .spending(html)
                        .render_all(&sink)
                })
            },
            || timed(|| write_search_index(site, &labels, keep_index, staging)),
        );
    timings.push(("pages", pages_took));
    timings.push(("search index", search_took));
    let Rendering { problems, digests } = rendering;
    diagnostics.extend(problems);
    diagnostics.extend(index_problems);
    drop(sink);
    finish_site(site, staging, digests, index_count, heaviest, diagnostics).map(|mut written| {
        written.index = index;
        written
    })
}

/// Static files, feeds and assets, after the pages (`digests`) and the index (`index_files`
/// written); `None` when something failed.
fn finish_site(
    site: &Site,
    staging: &Staging,
    mut digests: Digests,
    index_files: usize,
    heaviest: HeaviestPage,
    diagnostics: &mut Diagnostics,
) -> Option<Written> {
    let pages = digests.len();
    let mut files = output::Files::new(staging);
    files.write(
        "static/syntax.css",
        crate::markdown::stylesheet().as_bytes(),
    );
    for (path, bytes) in &site.theme.static_files {
        files.write(&format!("static/{path}"), bytes);
    }
    let feeds = crate::feeds::feeds(&site.config, &site.catalog, digests.keys(), |_, _| true);
    for (path, digest, text) in feeds {
        files.write(path, text.unwrap_or_default().as_bytes());
        digests.insert(path.to_string(), digest);
    }
    files.copy_assets(&site.catalog.assets);
    let (count, problems) = files.finish();
    diagnostics.extend(problems);
    (!diagnostics.has_errors()).then_some(Written {
        pages,
        files: count + index_files + pages,
        digests,
        index: None,
        heaviest_page: heaviest.take(),
    })
}

/// The page sink of a build: each page written into `staging` as it comes, noted for the
/// progress line and the heaviest page.
fn page_sink<'s>(
    staging: &'s Staging,
    progress: Option<&'s crate::progress::Progress>,
    heaviest: &'s HeaviestPage,
) -> impl Fn(&str, Vec<u8>) -> Result<(), Diagnostic> + Sync + 's {
    move |path: &str, bytes: Vec<u8>| {
        if let Some(progress) = progress {
            progress.tick();
        }
        heaviest.note(path, bytes.len());
        staging.write(path, &bytes)
    }
}

/// The largest HTML page as the pages are written (the weight line reports it; finding it
/// afterwards meant a walk over every output file). Equal sizes go to the first path in order.
#[derive(Default)]
struct HeaviestPage(std::sync::Mutex<Option<(usize, String)>>);

impl HeaviestPage {
    fn note(&self, path: &str, size: usize) {
        if !path.ends_with(".html") {
            return;
        }
        let Ok(mut heaviest) = self.0.lock() else {
            return;
        };
        let heavier = match heaviest.as_ref() {
            None => true,
            Some((most, first)) => size > *most || (size == *most && path < first.as_str()),
        };
        if heavier {
            *heaviest = Some((size, path.to_string()));
        }
    }

    fn take(self) -> Option<String> {
        self.0.into_inner().ok().flatten().map(|(_, path)| path)
    }
}

use crate::theme::Rendering;

/// Where the search index's postings and records go as they are made, before the index
/// folder's name (a hash of all its files) is known. Not a hex name, so never a generation.
const EARLY_INDEX: &str = "search/_early";

/// The search index, written into `staging`: the files written, what failed, and what `serve`
/// keeps (with `keep`).
fn write_search_index(
    site: &Site,
    labels: &theme::views::Labels,
    keep: bool,
    staging: &Staging,
) -> ((usize, Vec<Diagnostic>), Option<IndexState>) {
    let kind_name = |kind| labels.of(kind).to_string();
    let docs = search::documents(&site.config, &site.catalog, &site.bodies, &kind_name);
    let topics = search::index_topics(&site.catalog);
    let kind_names = crate::content::Kind::ALL.map(|kind| labels.of(kind));
    let early = EarlyIndex::new(staging);
    let write_early = |rel: &str, bytes: &[u8]| early.write(rel, bytes);
    let built = search::build(
        &site.config,
        kind_names,
        &topics,
        &docs,
        keep,
        Some(&write_early),
    );
    (early.finish(&built), built.state)
}

/// The index's files written as they are made, into `EARLY_INDEX`, renamed to the index's
/// generation once it is known.
struct EarlyIndex<'s> {
    staging: &'s Staging,
    count: std::sync::atomic::AtomicUsize,
    problems: std::sync::Mutex<Vec<Diagnostic>>,
}

impl<'s> EarlyIndex<'s> {
    fn new(staging: &'s Staging) -> Self {
        EarlyIndex {
            staging,
            count: std::sync::atomic::AtomicUsize::new(0),
            problems: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        self.count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Err(problem) = self.staging.write(&format!("{EARLY_INDEX}/{rel}"), bytes)
            && let Ok(mut problems) = self.problems.lock()
        {
            problems.push(problem);
        }
    }

    /// The early files moved under the generation and the rest of `built` written: how many
    /// files the index has, and what failed.
    fn finish(self, built: &search::Built) -> (usize, Vec<Diagnostic>) {
        let mut files = output::Files::new(self.staging);
        let early = self.count.into_inner();
        if early > 0 {
            files.add_written(early, self.problems.into_inner().unwrap_or_default());
            files.rename(EARLY_INDEX, &format!("search/{}", built.generation));
        }
        files.write_all(built.files.iter().map(|f| (f.path.as_str(), &f.bytes[..])));
        files.finish()
    }
}

fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let clock = Instant::now();
    let value = work();
    (value, clock.elapsed())
}

fn stage(options: &BuildOptions, name: &'static str) {
    if let Some(progress) = &options.progress {
        progress.stage(name);
    }
}

/// The stages' stopwatch: each `next` records the stage that ended and names the next one on
/// the progress line.
struct Lap<'a> {
    options: &'a BuildOptions,
    timings: &'a mut Timings,
    clock: Instant,
}

impl<'a> Lap<'a> {
    fn start(options: &'a BuildOptions, timings: &'a mut Timings) -> Self {
        Lap {
            options,
            timings,
            clock: Instant::now(),
        }
    }

    fn next(&mut self, ended: &'static str, starting: &'static str) {
        self.timings.push((ended, self.clock.elapsed()));
        self.clock = Instant::now();
        if !starting.is_empty() {
            stage(self.options, starting);
        }
    }
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
