//! Which pages the site has and what each template receives: one typed view per page
//! (`views`), rendered in parallel and handed to a sink (the output stage decides where bytes
//! go). A page's *digest* hashes its view with the globals every page shares: two renders of
//! views with equal digests give equal bytes, which is how `serve` finds the pages an edit
//! changed without knowing what any template shows (`refresh`).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHasher;
use serde::Serialize;

use super::curriculum::{self, CoverageView, TextbookView, TextbooksView};
use super::listing::{listing, listings};
use super::page_views::*;
use super::views::*;
use super::{Renderer, Theme};
use crate::catalog::{self, Catalog, Place};
use crate::config::Config;
use crate::content::{Detail, Kind, Resource};
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;

use super::qr::Qr;

/// Receives each rendered page: its path relative to the output root, and its bytes.
pub type PageSink<'a> = dyn Fn(&str, Vec<u8>) -> Result<(), Diagnostic> + Sync + 'a;

/// Everything the pages are made from.
pub struct SiteInput<'a> {
    pub config: &'a Config,
    pub catalog: &'a Catalog,
    /// Rendered bodies of `catalog.resources`, same order.
    pub bodies: &'a [Arc<Rendered>],
    /// Rendered bodies of `catalog.pages`, same order.
    pub page_bodies: &'a [Arc<Rendered>],
    /// Path of the search manifest relative to the output root.
    pub search_manifest: &'a str,
}

/// A page rendered for `serve`: its output file and bytes.
pub type RenderedPage = (String, Vec<u8>);

/// Output file → digest of what it was rendered from.
pub type Digests = rustc_hash::FxHashMap<String, u64>;

/// What rendering every page gives besides the pages: the problems, and each page's digest.
pub struct Rendering {
    pub problems: Vec<Diagnostic>,
    pub digests: Digests,
}

impl Rendering {
    /// Both renderings' pages; a problem both report (a template's, on every page) told once.
    pub fn merged(mut self, other: Rendering) -> Rendering {
        self.problems.extend(other.problems);
        self.digests.extend(other.digests);
        once_each(&mut self.problems);
        self
    }
}

/// Problems sorted by message, each (message, line) once: a template's problem comes from
/// every page made with it.
fn once_each(problems: &mut Vec<Diagnostic>) {
    problems.sort_by(|a, b| a.message.cmp(&b.message));
    problems.dedup_by(|a, b| a.message == b.message && a.line == b.line);
}

/// One page to make, before its view is built.
enum Job<'a> {
    Home,
    Resource(Place),
    /// A video's `chapters.vtt`.
    Chapters(Place),
    FreePage(usize),
    Listing {
        facet: Facet,
        value: Term,
        docs: &'a [Place],
        page: usize,
    },
    Terms(Facet),
    Search,
    NotFound,
    /// `textbooks/<slug>/`: index into `config.textbooks`.
    Textbook(usize),
    Textbooks,
    Coverage,
}

/// A page's view, one variant per template.
#[derive(Hash)]
enum View<'a> {
    Home(HomeView<'a>),
    Resource(&'static str, Box<ResourceView<'a>>),
    Chapters(ChaptersTrack<'a>),
    FreePage(FreePageView<'a>),
    Listing(ListingView<'a>),
    Terms(TermsView),
    Search(SearchView),
    NotFound(NotFoundView),
    Textbook(TextbookView<'a>),
    Textbooks(TextbooksView),
    Coverage(CoverageView),
}

impl View<'_> {
    fn template(&self) -> &'static str {
        match self {
            View::Home(_) => "index.html",
            View::Resource(template, _) => template,
            // Made in Rust, not by a template: the name only keeps its digest apart.
            View::Chapters(_) => "chapters.vtt",
            View::FreePage(_) => "page.html",
            View::Listing(_) => "list.html",
            View::Terms(_) => "terms.html",
            View::Search(_) => "search.html",
            View::NotFound(_) => "404.html",
            View::Textbook(_) => "textbook.html",
            View::Textbooks(_) => "textbooks.html",
            View::Coverage(_) => "coverage.html",
        }
    }

    fn render(&self, renderer: &Renderer) -> Result<Vec<u8>, Diagnostic> {
        let template = self.template();
        match self {
            View::Home(v) => renderer.render(template, v),
            View::Resource(_, v) => renderer.render(template, v),
            View::Chapters(track) => Ok(track.to_vtt().into_bytes()),
            View::FreePage(v) => renderer.render(template, v),
            View::Listing(v) => renderer.render(template, v),
            View::Terms(v) => renderer.render(template, v),
            View::Search(v) => renderer.render(template, v),
            View::NotFound(v) => renderer.render(template, v),
            View::Textbook(v) => renderer.render(template, v),
            View::Textbooks(v) => renderer.render(template, v),
            View::Coverage(v) => renderer.render(template, v),
        }
    }
}

/// The pages of a site, ready to render: the jobs, every resource's card, and the renderer
/// holding the globals.
pub struct Pages<'a> {
    input: &'a SiteInput<'a>,
    jobs: Vec<Job<'a>>,
    cards: Vec<SharedCard>,
    renderer: Renderer,
    globals_digest: u64,
    /// The coverage figures (`coverage/`, `textbooks/`), counted once.
    figures: crate::coverage::Figures,
    /// The resources' body HTML moved out of their bodies, each taken by its page (see
    /// `spending`); empty when the pages read it from the bodies.
    html: Vec<std::sync::Mutex<Option<String>>>,
}

impl<'a> Pages<'a> {
    pub fn new(theme: &Theme, input: &'a SiteInput<'a>) -> Pages<'a> {
        Self::reusing(theme, input, &CardMemo::default())
    }

    /// Pages whose cards are taken from `memo` where they are the same.
    pub fn reusing(theme: &Theme, input: &'a SiteInput<'a>, memo: &CardMemo) -> Pages<'a> {
        let labels = theme.labels();
        let cards = cards(input.config, &labels, input.catalog, memo);
        Self::made_of(theme, input, jobs(input, &labels), cards)
    }

    /// Pages of these jobs and cards, with the renderer holding the globals.
    fn made_of(
        theme: &Theme,
        input: &'a SiteInput<'a>,
        jobs: Vec<Job<'a>>,
        cards: Vec<SharedCard>,
    ) -> Pages<'a> {
        let globals = globals(theme, input, &theme.labels());
        let mut hasher = FxHasher::default();
        serde_json::to_string(&globals)
            .unwrap_or_default()
            .hash(&mut hasher);
        Pages {
            input,
            jobs,
            cards,
            renderer: theme.renderer(&globals),
            globals_digest: hasher.finish(),
            figures: crate::coverage::figures(input.config, input.catalog),
            html: Vec::new(),
        }
    }

    /// Pages that can render only the resources at `places` (`render_resource`): only their
    /// cards and their linked resources' are made, and no other page is listed. For `serve`
    /// when a save changed bodies only: every card and job of a large site cost more than
    /// the rest of the patch. The pages are those `reusing` makes.
    pub fn for_resources(
        theme: &Theme,
        input: &'a SiteInput<'a>,
        memo: &CardMemo,
        places: &[Place],
    ) -> Pages<'a> {
        let labels = theme.labels();
        let catalog = input.catalog;
        let topic_index = catalog.topic_index();
        let needed: std::collections::BTreeSet<Place> = places
            .iter()
            .flat_map(|n| {
                let links = &catalog.links[*n];
                std::iter::once(*n)
                    .chain(links.lesson)
                    .chain(links.video)
                    .chain(links.videos.iter().copied())
                    .chain(links.reviews.iter().copied())
            })
            .collect();
        let made: rustc_hash::FxHashMap<Place, SharedCard> = needed
            .iter()
            .map(|n| {
                let r = &catalog.resources[*n];
                let card =
                    super::views::card_of(input.config, &labels, catalog, memo, &topic_index, r);
                (*n, card)
            })
            .collect();
        // The other places are never read (only `places`' pages are rendered): any card fills them.
        let cards = match made.values().next() {
            Some(filler) => catalog
                .places()
                .map(|n| made.get(&n).unwrap_or(filler).clone())
                .collect(),
            None => Vec::new(),
        };
        Self::made_of(theme, input, Vec::new(), cards)
    }

    /// Pages that take each resource's body HTML from `html` (in catalog order; `None` reads
    /// the body's own) and drop it once the page is made: a build that exits holds the HTML of
    /// the pages being rendered, not of every body at once. The pages are the same.
    pub fn spending(mut self, html: Vec<Option<String>>) -> Self {
        self.html = html.into_iter().map(std::sync::Mutex::new).collect();
        self
    }

    /// Resource `n`'s body HTML, if it was moved here and not taken yet.
    fn take_html(&self, n: Place) -> Option<String> {
        let slot = self.html.get(n.get())?;
        slot.lock().ok()?.take()
    }

    /// The cards of this render, to be reused by the next (`serve`).
    pub fn card_memo(&self) -> CardMemo {
        CardMemo::of(self.input.catalog, &self.cards)
    }

    /// Render every page into `sink`.
    pub fn render_all(&self, sink: &PageSink<'_>) -> Rendering {
        self.render_where(|_, _| true, sink)
    }

    /// Render only the pages whose digest differs from `before` (for `serve`): every page's
    /// digest, and the pages rendered.
    pub fn render_changed(
        &self,
        before: &Digests,
    ) -> Result<(Digests, Vec<RenderedPage>), Diagnostic> {
        let pages = std::sync::Mutex::new(Vec::new());
        let sink = |file: &str, bytes: Vec<u8>| {
            if let Ok(mut pages) = pages.lock() {
                pages.push((file.to_string(), bytes));
            }
            Ok(())
        };
        let changed = |file: &str, digest: u64| before.get(file) != Some(&digest);
        let rendering = self.render_where(changed, &sink);
        match rendering.problems.into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok((rendering.digests, pages.into_inner().unwrap_or_default())),
        }
    }

    /// Every page but the resources' own (`render_resource` makes those, each given its body):
    /// for a build that renders each resource's body with its page.
    pub fn render_all_but_resources(&self, sink: &PageSink<'_>) -> Rendering {
        let jobs = self
            .jobs
            .iter()
            .filter(|job| !matches!(job, Job::Resource(_)));
        Self::gathered(
            jobs.collect::<Vec<_>>()
                .par_iter()
                .map(|job| self.made(self.view(job), &|_, _| true, sink))
                .collect(),
        )
    }

    /// The page of the resource at `n`, made with `body` (which `input.bodies` need not hold):
    /// its file, digest and problem, as `render_all` would give them.
    pub fn render_resource(
        &self,
        n: Place,
        body: &Rendered,
        sink: &PageSink<'_>,
    ) -> (String, u64, Option<Diagnostic>) {
        self.render_resource_where(n, body, &|_, _| true, sink)
    }

    /// `render_resource`, rendering the page only when `wanted` (by file and digest).
    pub fn render_resource_where(
        &self,
        n: Place,
        body: &Rendered,
        wanted: &(dyn Fn(&str, u64) -> bool + Sync),
        sink: &PageSink<'_>,
    ) -> (String, u64, Option<Diagnostic>) {
        let path = catalog::resource_path(&self.input.catalog.resources[n]);
        let (template, view) = resource(self.input, &self.cards, n, body, &path);
        let view = View::Resource(template, Box::new(view));
        self.made((format!("{path}index.html"), view), wanted, sink)
    }

    /// The problems and digests of pages made one by one (`render_resource`).
    pub fn gathered(results: Vec<(String, u64, Option<Diagnostic>)>) -> Rendering {
        let mut problems = Vec::new();
        let mut digests = Digests::default();
        for (file, digest, problem) in results {
            problems.extend(problem);
            digests.insert(file, digest);
        }
        once_each(&mut problems);
        Rendering { problems, digests }
    }

    /// One page's file and digest, rendered into `sink` when `wanted`, and its problem.
    fn made(
        &self,
        (file, view): (String, View<'_>),
        wanted: &(dyn Fn(&str, u64) -> bool + Sync),
        sink: &PageSink<'_>,
    ) -> (String, u64, Option<Diagnostic>) {
        let digest = self.digest(&view);
        let problem = if wanted(&file, digest) {
            match view.render(&self.renderer) {
                Ok(html) => sink(&file, html).err(),
                Err(problem) => Some(problem),
            }
        } else {
            None
        };
        (file, digest, problem)
    }

    /// Every page's digest; the pages `wanted` (by file and digest) rendered into `sink`.
    fn render_where(
        &self,
        wanted: impl Fn(&str, u64) -> bool + Sync,
        sink: &PageSink<'_>,
    ) -> Rendering {
        let results: Vec<(String, u64, Option<Diagnostic>)> = self
            .jobs
            .par_iter()
            .map(|job| self.made(self.view(job), &wanted, sink))
            .collect();
        Self::gathered(results)
    }

    fn digest(&self, view: &View<'_>) -> u64 {
        let mut hasher = FxHasher::default();
        self.globals_digest.hash(&mut hasher);
        view.template().hash(&mut hasher);
        view.hash(&mut hasher);
        hasher.finish()
    }

    /// The output file and view of one job.
    fn view(&self, job: &Job<'a>) -> (String, View<'_>) {
        let (input, cards) = (self.input, &self.cards);
        let (config, catalog) = (input.config, input.catalog);
        match job {
            Job::Home => ("index.html".into(), View::Home(home(input, cards))),
            Job::Resource(n) => {
                let path = catalog::resource_path(&catalog.resources[*n]);
                let (template, mut view) = resource(input, cards, *n, &input.bodies[*n], &path);
                view.page.content.taken = self.take_html(*n);
                (
                    format!("{path}index.html"),
                    View::Resource(template, Box::new(view)),
                )
            }
            Job::Chapters(n) => {
                let r = &catalog.resources[*n];
                let path = catalog::resource_path(r);
                let (chapters, end) = match &r.detail {
                    Detail::Video(d) => {
                        (chapters_of(d, &input.bodies[*n]), d.duration.map(|d| d.0))
                    }
                    _ => (&[][..], None),
                };
                let track = ChaptersTrack { chapters, end };
                (format!("{path}chapters.vtt"), View::Chapters(track))
            }
            Job::FreePage(i) => {
                let page = &catalog.pages[*i];
                let path = catalog::page_path(page);
                let body = &input.page_bodies[*i];
                let view = FreePageView {
                    frame: frame(config, &path),
                    page: FreePage {
                        title: &page.title,
                        summary: &page.summary,
                        content: BodyHtml::new(body),
                        has_code: body.has_code,
                        toc: &body.toc,
                        path: path.clone(),
                        parents: page_parents(catalog, page),
                        children: page_children(catalog, page),
                    },
                };
                (format!("{path}index.html"), View::FreePage(view))
            }
            Job::Listing {
                facet,
                value,
                docs,
                page,
            } => {
                let view = listing(input, cards, *facet, value, docs, *page);
                let file = format!("{}index.html", view.frame.page_path);
                (file, View::Listing(view))
            }
            Job::Terms(facet) => {
                let path = format!("{}/", facet.terms_dir());
                let view = TermsView {
                    frame: frame(config, &path),
                    terms: terms(input, &self.renderer, *facet),
                };
                (format!("{path}index.html"), View::Terms(view))
            }
            Job::Search => {
                let view = SearchView {
                    frame: frame(config, "search/"),
                    search: search_facets(input, &self.renderer),
                };
                ("search/index.html".into(), View::Search(view))
            }
            Job::NotFound => {
                // 404.html is served for missing URLs at any depth: only absolute links work there.
                let mut frame = frame(config, "404.html");
                frame.root = config.base_url.clone();
                ("404.html".into(), View::NotFound(NotFoundView { frame }))
            }
            Job::Textbook(i) => {
                let view = curriculum::textbook(input, cards, &config.textbooks[*i]);
                let file = format!("{}index.html", view.frame.page_path);
                (file, View::Textbook(view))
            }
            Job::Textbooks => {
                let view = curriculum::textbooks(input, &self.figures);
                ("textbooks/index.html".into(), View::Textbooks(view))
            }
            Job::Coverage => {
                let view = curriculum::coverage(input, self.renderer.labels(), &self.figures);
                ("coverage/index.html".into(), View::Coverage(view))
            }
        }
    }
}

fn globals<'t>(theme: &'t Theme, input: &'t SiteInput<'_>, labels: &Labels) -> Globals<'t> {
    let (config, catalog) = (input.config, input.catalog);
    let refs = |terms: Vec<Term>| terms.into_iter().map(TermRef::from).collect();
    Globals {
        site: SiteView {
            title: &config.title,
            description: &config.description,
            language: config.language.code(),
            base_url: &config.base_url,
        },
        t: &theme.strings,
        nav: Nav {
            // Only stages with resources have pages to link to (as with grades).
            stages: refs(
                stage_terms(config, catalog)
                    .into_iter()
                    .filter(|stage| stage.count > 0)
                    .collect(),
            ),
            courses: refs(course_terms(config, catalog)),
            kinds: refs(kind_terms(labels, catalog)),
            pages: catalog
                .pages
                .iter()
                .filter(|p| p.in_menu)
                .take(catalog::MENU_PAGES)
                .map(nav_page)
                .collect(),
        },
        asset_version: &theme.asset_version,
        build: BuildInfo {
            generator: concat!("Lectern ", env!("CARGO_PKG_VERSION")),
        },
    }
}

/// A video's chapters: from its `chapters_file:` (read with its body) or its `chapters:` list.
fn chapters_of<'c>(
    video: &'c crate::content::VideoDetail,
    body: &'c Rendered,
) -> &'c [crate::content::Chapter] {
    if video.chapters_file.is_some() {
        &body.chapters
    } else {
        &video.chapters
    }
}

fn jobs<'a>(input: &SiteInput<'a>, labels: &Labels) -> Vec<Job<'a>> {
    let (config, catalog) = (input.config, input.catalog);
    let mut jobs = vec![Job::Home, Job::Search, Job::NotFound, Job::Coverage];
    if !config.textbooks.is_empty() {
        jobs.push(Job::Textbooks);
        jobs.extend((0..config.textbooks.len()).map(Job::Textbook));
    }
    jobs.extend(catalog.places().map(Job::Resource));
    let has_chapters = |n: &Place| match &catalog.resources[*n].detail {
        Detail::Video(d) => !chapters_of(d, &input.bodies[*n]).is_empty(),
        _ => false,
    };
    jobs.extend(catalog.places().filter(has_chapters).map(Job::Chapters));
    jobs.extend((0..catalog.pages.len()).map(Job::FreePage));
    for (facet, value, docs) in listings(input, labels) {
        let pages = docs.len().div_ceil(config.page_size).max(1);
        for page in 1..=pages {
            jobs.push(Job::Listing {
                facet,
                value: value.clone(),
                docs,
                page,
            });
        }
    }
    jobs.extend(
        [Facet::Stage, Facet::Grade, Facet::Course, Facet::Topic]
            .into_iter()
            .map(Job::Terms),
    );
    jobs
}

/// `../` once per folder level of `path`: the way back to the output root.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

pub(super) fn frame(config: &Config, page_path: &str) -> Frame {
    Frame {
        root: root_of(page_path),
        page_path: page_path.to_string(),
        canonical: format!("{}{}", config.base_url, page_path),
    }
}

fn home<'c>(input: &SiteInput<'_>, cards: &'c [SharedCard]) -> HomeView<'c> {
    let (config, catalog) = (input.config, input.catalog);
    let count = |k: Kind| catalog.by_kind.get(&k).map_or(0, Vec::len);
    HomeView {
        frame: frame(config, ""),
        stages: stage_terms(config, catalog),
        courses: course_terms(config, catalog),
        topics: topic_terms(catalog).into_iter().take(40).collect(),
        recent: cards.iter().take(12).map(|c| &**c).collect(),
        counts: KindCounts {
            lesson: count(Kind::Lesson),
            video: count(Kind::Video),
            review: count(Kind::Review),
            total: catalog.resources.len(),
        },
    }
}

fn terms(input: &SiteInput<'_>, renderer: &Renderer, facet: Facet) -> Terms {
    let (config, catalog) = (input.config, input.catalog);
    let (title_key, items) = match facet {
        Facet::Stage => ("nav_stages", stage_terms(config, catalog)),
        Facet::Grade => (
            "terms_grades",
            config
                .grades
                .iter()
                .map(|g| grade_term(config, catalog, g.number))
                .collect(),
        ),
        Facet::Course => ("nav_courses", course_terms(config, catalog)),
        Facet::Topic | Facet::Kind => ("nav_topics", topic_terms(catalog)),
    };
    Terms {
        title: renderer.text(title_key).to_string(),
        facet,
        items,
    }
}

fn search_facets(input: &SiteInput<'_>, renderer: &Renderer) -> SearchFacets {
    let (config, catalog) = (input.config, input.catalog);
    SearchFacets {
        manifest: input.search_manifest.to_string(),
        offline: config.search.offline,
        stages: stage_terms(config, catalog),
        grades: config
            .grades
            .iter()
            .map(|g| grade_term(config, catalog, g.number))
            .collect(),
        courses: course_terms(config, catalog),
        kinds: kind_terms(renderer.labels(), catalog),
        topics: topic_terms(catalog),
        textbooks: config
            .textbooks
            .iter()
            .map(|book| curriculum::textbook_ref(config, catalog, book))
            .collect(),
    }
}

fn resource<'c>(
    input: &'c SiteInput<'_>,
    cards: &'c [SharedCard],
    n: Place,
    body: &'c Rendered,
    path: &str,
) -> (&'static str, ResourceView<'c>) {
    let (config, catalog) = (input.config, input.catalog);
    let resource: &'c Resource = &catalog.resources[n];
    let links = &catalog.links[n];
    let frame = frame(config, path);
    let root = frame.root.clone();
    let card = |m: &Place| &*cards[*m];
    let base = config.qr_base_url.as_deref();
    let (template, detail) = match &resource.detail {
        Detail::Lesson(d) => (
            "lesson.html",
            DetailView::Lesson {
                term: d.term,
                author: &d.author,
                duration_minutes: d.duration_minutes,
                attachments: d
                    .attachments
                    .iter()
                    .map(|a| attachment_view(config, catalog, a, &root))
                    .collect(),
                videos: links.videos.iter().map(card).collect(),
                reviews: links.reviews.iter().map(card).collect(),
                print_title: css_string(&resource.title),
                video_qr: links.videos.first().and_then(|v| {
                    let video = &catalog.resources[*v];
                    let qr = Qr::of(base, &catalog::resource_path(video))?;
                    Some(VideoQr {
                        title: &video.title,
                        qr,
                    })
                }),
            },
        ),
        Detail::Video(d) => (
            "video.html",
            DetailView::Video {
                speaker: &d.speaker,
                media: media_view(&d.url, &root),
                poster: d.poster.as_ref().map(|l| link_view(l, &root)),
                captions: d.captions.as_ref().map(|l| link_view(l, &root)),
                chapters_lang: text_language(chapters_of(d, body).iter().map(|c| c.title.as_str()))
                    .unwrap_or(config.language.code()),
                captions_lang: captions_language(&body.transcript)
                    .unwrap_or(config.language.code()),
                chapters_track: (!chapters_of(d, body).is_empty())
                    .then(|| "chapters.vtt".to_string()),
                chapters: chapters_of(d, body).iter().map(chapter_view).collect(),
                transcript: transcript(&body.transcript),
                lesson: links.lesson.as_ref().map(card),
                reviews: links.reviews.iter().map(card).collect(),
            },
        ),
        Detail::Review(d) => (
            "review.html",
            DetailView::Review {
                reviewer: &d.reviewer,
                lesson: links.lesson.as_ref().map(card),
                video: links.video.as_ref().map(card),
            },
        ),
    };
    let view = ResourceView {
        json_ld: super::json_ld::JsonLd {
            config,
            catalog,
            place: n,
            path: path.to_string(),
            transcript: &body.transcript,
        },
        page: ResourcePage {
            card: &cards[n],
            content: BodyHtml {
                body,
                taken: None,
                video: catalog
                    .review_video(n)
                    .map(|v| format!("{root}{}", catalog::resource_path(&catalog.resources[v]))),
            },
            has_code: body.has_code,
            toc: &body.toc,
            school: &resource.school,
            alignment: curriculum::alignment(config, resource),
            qr: Qr::of(base, path),
            og_image: og_image(config, catalog, n),
            detail,
        },
        frame,
    };
    (template, view)
}

/// The poster of the resource's video (its own for a video, else its lesson's first or its
/// review's), as an absolute address.
fn og_image(config: &Config, catalog: &Catalog, n: Place) -> Option<String> {
    let video = match catalog.resources[n].kind {
        Kind::Video => Some(n),
        Kind::Lesson => catalog.links[n].videos.first().copied(),
        Kind::Review => catalog.review_video(n),
    }?;
    let Detail::Video(detail) = &catalog.resources[video].detail else {
        return None;
    };
    let poster = detail.poster.as_ref()?;
    // WeChat and most link previews draw no SVG: a share card without a picture beats a broken one.
    let path = poster.href();
    let path = path.split(['?', '#']).next().unwrap_or("");
    if path.to_ascii_lowercase().ends_with(".svg") {
        return None;
    }
    if poster.is_external() {
        return Some(poster.href());
    }
    Some(format!("{}{}", config.absolute_base_url()?, poster.href()))
}

fn chapter_view(chapter: &crate::content::Chapter) -> MomentView<'_> {
    MomentView {
        at: chapter.at.0,
        time: crate::vtt::clock(chapter.at.0.saturating_mul(1000)),
        datetime: crate::vtt::duration_string(chapter.at.0.saturating_mul(1000)),
        speaker: None,
        text: &chapter.title,
    }
}

/// The language of a transcript's text, from its first cues: Chinese when they hold at least
/// a quarter as many Han characters as Latin letters (a character is about a word, an English
/// word about five letters: a Chinese lesson quoting English words stays Chinese), else
/// English; `None` when it cannot tell (no cues, digits only, other scripts).
fn captions_language(cues: &[crate::vtt::Cue]) -> Option<&'static str> {
    text_language(cues.iter().take(200).map(|cue| cue.text.as_str()))
}

/// The language of some texts, by the rule of `captions_language`.
fn text_language<'t>(texts: impl Iterator<Item = &'t str>) -> Option<&'static str> {
    let (mut han, mut latin) = (0usize, 0usize);
    for c in texts.flat_map(str::chars) {
        if crate::search::tokenize::is_cjk(c) {
            han += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    match (han, latin) {
        (0, 0) => None,
        (han, latin) if han * 4 >= latin => Some("zh-CN"),
        _ => Some("en"),
    }
}

/// The cues as the page lists them; a cue names its speaker only when the speaker changes.
fn transcript(cues: &[crate::vtt::Cue]) -> Vec<MomentView<'_>> {
    let mut previous: Option<&str> = None;
    cues.iter()
        .map(|cue| {
            let speaker = cue.speaker.as_deref();
            let changed = speaker.is_some() && speaker != previous;
            // a cue another voice took over names the next cue's speaker against that voice
            previous = cue.last_speaker.as_deref().or(speaker).or(previous);
            MomentView {
                at: cue.start / 1000,
                time: crate::vtt::clock(cue.start),
                datetime: crate::vtt::duration_string(cue.start),
                speaker: speaker.filter(|_| changed),
                text: &cue.text,
            }
        })
        .collect()
}

fn attachment_view(
    config: &Config,
    catalog: &Catalog,
    a: &crate::content::Link,
    root: &str,
) -> AttachmentView {
    let size = match a {
        crate::content::Link::Asset(path) => catalog
            .asset(path)
            .map(|asset| crate::content::human_size(asset.size))
            .unwrap_or_default(),
        crate::content::Link::External(_) => String::new(),
    };
    let print_url = if a.is_external() {
        a.href()
    } else {
        format!("{}{}", config.base_url, a.href())
    };
    AttachmentView {
        name: a.file_name(),
        href: page_href(a, root),
        print_url,
        ext: a.extension(),
        external: a.is_external(),
        size,
    }
}

/// A value the templates read, as Tera takes it.
pub(super) fn context_of<T: Serialize>(view: &T) -> Result<tera::Context, Diagnostic> {
    tera::Context::from_serialize(view)
        .map_err(|e| Diagnostic::error(format!("cannot pass a page's values to its template: {e}")))
}

fn nav_page(page: &crate::content::Page) -> NavPage {
    NavPage {
        title: page.title.clone(),
        path: catalog::page_path(page),
    }
}

/// The pages of the folders above `page`, outermost first.
fn page_parents(catalog: &catalog::Catalog, page: &crate::content::Page) -> Vec<NavPage> {
    let folders: Vec<&str> = page.path.split('/').collect();
    (1..folders.len())
        .filter_map(|depth| {
            let above = folders[..depth].join("/");
            catalog.pages.iter().find(|p| p.path == above).map(nav_page)
        })
        .collect()
}

/// The pages below `page` with no page between (`guide/x`, `guide/y/` and, when `guide/a/`
/// has no page, `guide/a/b` below `guide`), in the footer's order; for a page that is no
/// folder's, none.
fn page_children(catalog: &catalog::Catalog, page: &crate::content::Page) -> Vec<NavPage> {
    if !page.origin.file.ends_with("/index.md") {
        return Vec::new();
    }
    let below = |p: &crate::content::Page, above: &str| {
        p.path.len() > above.len() + 1
            && p.path.starts_with(above)
            && p.path.as_bytes()[above.len()] == b'/'
    };
    let under = |p: &&crate::content::Page| below(p, &page.path);
    catalog
        .pages
        .iter()
        .filter(under)
        .filter(|p| {
            !catalog
                .pages
                .iter()
                .filter(under)
                .any(|q| below(p, &q.path))
        })
        .map(nav_page)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::captions_language;

    fn cues(texts: &[&str]) -> Vec<crate::vtt::Cue> {
        texts
            .iter()
            .map(|text| crate::vtt::Cue {
                start: 0,
                end: 1000,
                speaker: None,
                text: text.to_string(),
                line: 1,
                last_speaker: None,
            })
            .collect()
    }

    #[test]
    fn a_cue_names_its_speaker_against_the_voice_that_spoke_last() {
        let mut cues = cues(&["同学们好。 学生：老师好！", "大家说说。", "好。"]);
        cues[0].speaker = Some("王老师".into());
        cues[0].last_speaker = Some("学生".into());
        cues[1].speaker = Some("王老师".into());
        cues[2].speaker = Some("王老师".into());
        let shown: Vec<Option<&str>> = super::transcript(&cues).iter().map(|m| m.speaker).collect();
        assert_eq!(shown, [Some("王老师"), Some("王老师"), None]);
    }

    #[test]
    fn captions_are_in_the_language_their_text_is_in() {
        assert_eq!(
            captions_language(&cues(&["同学们好", "今天我们学习情绪"])),
            Some("zh-CN")
        );
        assert_eq!(
            captions_language(&cues(&["我们用 ABC model 来看 emotion"])),
            Some("zh-CN"),
            "a Chinese lesson quoting English words"
        );
        assert_eq!(
            captions_language(&cues(&["Good morning, class."])),
            Some("en")
        );
        assert_eq!(
            captions_language(&cues(&["Today we talk about 情绪 and feelings"])),
            Some("en")
        );
        assert_eq!(captions_language(&cues(&["12:30", "♪"])), None);
        assert_eq!(captions_language(&[]), None);
    }
}
