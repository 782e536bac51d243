//! What templates see: plain serialisable views built from the catalog, never domain types, so a
//! theme can rely on the names in docs/THEME.md and Lectern can change its model freely.

use serde::Serialize;

use crate::catalog::{self, Catalog};
use crate::config::Config;
use crate::content::{Detail, Kind, Resource};
use crate::markdown::TocEntry;

/// A browse value: stage, grade, course, topic or kind, with the number of resources under it.
#[derive(Clone, Debug, PartialEq, Hash, Serialize)]
pub struct Term {
    pub slug: String,
    pub name: String,
    pub path: String,
    pub count: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grades: Vec<Term>,
}

/// A browse value without its count, where a count would tie a page to the whole corpus: in
/// cards and in the menus of every page. Adding one resource then changes only the pages that
/// list it or count resources — which is what lets `serve` re-render just those (`refresh`).
#[derive(Clone, Debug, PartialEq, Hash, Serialize)]
pub struct TermRef {
    pub slug: String,
    pub name: String,
    pub path: String,
}

impl From<Term> for TermRef {
    fn from(term: Term) -> Self {
        TermRef {
            slug: term.slug,
            name: term.name,
            path: term.path,
        }
    }
}

/// A resource as it appears in lists.
#[derive(Clone, Debug, PartialEq, Hash, Serialize)]
pub struct Card {
    pub id: String,
    pub kind: &'static str,
    pub kind_name: String,
    pub title: String,
    pub summary: String,
    pub path: String,
    pub date: String,
    pub grade_label: String,
    pub grades: Vec<TermRef>,
    pub stage_names: Vec<String>,
    pub course: TermRef,
    pub topics: Vec<TermRef>,
    pub duration: String,
    pub rating: u8,
    pub review_kind: &'static str,
}

/// The UI strings that Rust itself writes into views and the search index, read from the
/// theme's `i18n/<lang>.json` like every other: the singular kind names a card or a search
/// result shows (`card_kind_*`) and the separator of a list of grades (`list_sep`).
#[derive(Clone, Debug, Default, Hash)]
pub struct Labels {
    pub lesson: String,
    pub video: String,
    pub review: String,
    pub list_sep: String,
}

impl Labels {
    pub fn of(&self, kind: Kind) -> &str {
        match kind {
            Kind::Lesson => &self.lesson,
            Kind::Video => &self.video,
            Kind::Review => &self.review,
        }
    }
}

pub fn grade_term(config: &Config, catalog: &Catalog, number: u8) -> Term {
    let name = config
        .grade(number)
        .map(|g| g.name.clone())
        .unwrap_or_else(|| number.to_string());
    Term {
        slug: number.to_string(),
        name,
        path: format!("grades/{number}/"),
        count: catalog.by_grade.get(&number).map_or(0, Vec::len),
        grades: Vec::new(),
    }
}

pub fn course_term(config: &Config, catalog: &Catalog, slug: &str) -> Term {
    let name = config
        .course(slug)
        .map(|c| c.name.clone())
        .unwrap_or_else(|| slug.to_string());
    Term {
        slug: slug.to_string(),
        name,
        path: format!("courses/{slug}/"),
        count: catalog.by_course.get(slug).map_or(0, Vec::len),
        grades: Vec::new(),
    }
}

pub fn stage_terms(config: &Config, catalog: &Catalog) -> Vec<Term> {
    config
        .stages
        .iter()
        .map(|stage| Term {
            slug: stage.slug.clone(),
            name: stage.name.clone(),
            path: format!("stages/{}/", stage.slug),
            count: catalog.by_stage.get(&stage.slug).map_or(0, Vec::len),
            grades: config
                .grades
                .iter()
                .filter(|g| g.stage == stage.slug)
                .map(|g| grade_term(config, catalog, g.number))
                .collect(),
        })
        .collect()
}

pub fn course_terms(config: &Config, catalog: &Catalog) -> Vec<Term> {
    config
        .courses
        .iter()
        .map(|c| course_term(config, catalog, &c.slug))
        .collect()
}

pub fn topic_terms(catalog: &Catalog) -> Vec<Term> {
    catalog.topics.iter().map(topic_term).collect()
}

pub fn kind_terms(labels: &Labels, catalog: &Catalog) -> Vec<Term> {
    Kind::ALL
        .iter()
        .map(|k| Term {
            slug: k.slug().to_string(),
            name: labels.of(*k).to_string(),
            path: format!("{}/", k.dir()),
            count: catalog.by_kind.get(k).map_or(0, Vec::len),
            grades: Vec::new(),
        })
        .collect()
}

/// A value with its hash made once: hashing a page's view hashes each of its cards by this
/// digest, not field by field (a card is on its own page, on listings and on linked pages).
/// Serialised as the value itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Hashed<T> {
    value: T,
    digest: u64,
}

impl<T: std::hash::Hash> Hashed<T> {
    pub fn new(value: T) -> Self {
        use std::hash::Hasher;
        let mut hasher = rustc_hash::FxHasher::default();
        value.hash(&mut hasher);
        Hashed {
            digest: hasher.finish(),
            value,
        }
    }
}

impl<T> std::ops::Deref for Hashed<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> std::hash::Hash for Hashed<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.digest.hash(state);
    }
}

impl<T: Serialize> Serialize for Hashed<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// Cards for every resource, in catalog order; built once and shared by the pages.
/// A card as pages share it.
pub type SharedCard = std::sync::Arc<Hashed<Card>>;

/// Cards of an earlier render, by record. A card is made of its record, the site's settings
/// and UI strings (which stay the same while `serve` patches a site: changing them takes a
/// full build) and its topics' slugs (a new topic can move another's): a card is reused when
/// its record is the same one and its topics' slugs are unchanged.
#[derive(Default)]
pub struct CardMemo(rustc_hash::FxHashMap<*const Resource, (std::sync::Arc<Resource>, SharedCard)>);

// The raw pointers are only compared, and the memo keeps each record alive, so an address is
// never reused for another record while it is a key.
unsafe impl Send for CardMemo {}
unsafe impl Sync for CardMemo {}

impl CardMemo {
    /// The memo of `cards`, the cards of `catalog`'s resources in order.
    pub fn of(catalog: &Catalog, cards: &[SharedCard]) -> CardMemo {
        CardMemo(
            catalog
                .resources
                .iter()
                .zip(cards)
                .map(|(r, card)| (std::sync::Arc::as_ptr(r), (r.clone(), card.clone())))
                .collect(),
        )
    }

    fn get(&self, r: &std::sync::Arc<Resource>, topics: &[TermRef]) -> Option<SharedCard> {
        let (_, card) = self.0.get(&std::sync::Arc::as_ptr(r))?;
        (card.topics == topics).then(|| card.clone())
    }
}

/// Every resource's card, in catalog order (reusing what `memo` has).
pub fn cards(
    config: &Config,
    labels: &Labels,
    catalog: &Catalog,
    memo: &CardMemo,
) -> Vec<SharedCard> {
    use rayon::prelude::*;
    let topic_index = catalog.topic_index();
    catalog
        .resources
        .par_iter()
        .map(|r| {
            let topics: Vec<TermRef> = r
                .topics
                .iter()
                .filter_map(|t| topic_index.get(t.as_str()))
                .map(|i| topic_term(&catalog.topics[*i]).into())
                .collect();
            memo.get(r, &topics).unwrap_or_else(|| {
                std::sync::Arc::new(Hashed::new(card(config, labels, catalog, r, topics)))
            })
        })
        .collect()
}

fn topic_term(t: &crate::catalog::Topic) -> Term {
    Term {
        slug: t.slug.clone(),
        name: t.name.clone(),
        path: format!("topics/{}/", t.slug),
        count: t.resources.len(),
        grades: Vec::new(),
    }
}

fn card(
    config: &Config,
    labels: &Labels,
    catalog: &Catalog,
    r: &Resource,
    topics: Vec<TermRef>,
) -> Card {
    let mut stage_names: Vec<String> = Vec::new();
    for g in &r.grades {
        let stage = config
            .grade(*g)
            .and_then(|g| config.stage(&g.stage))
            .map(|s| s.name.clone());
        if let Some(stage) = stage.filter(|s| !stage_names.contains(s)) {
            stage_names.push(stage);
        }
    }
    let (duration, rating, review_kind) = match &r.detail {
        Detail::Video(v) => (v.duration.map(|d| d.to_string()).unwrap_or_default(), 0, ""),
        Detail::Review(v) => (
            String::new(),
            v.rating.unwrap_or(0),
            v.review_kind.map(|k| k.label()).unwrap_or(""),
        ),
        Detail::Lesson(_) => (String::new(), 0, ""),
    };
    Card {
        id: r.id.clone(),
        kind: r.kind.slug(),
        kind_name: labels.of(r.kind).to_string(),
        title: r.title.clone(),
        summary: r.summary.clone(),
        path: catalog::resource_path(r),
        date: r.date.map(|d| d.to_string()).unwrap_or_default(),
        grade_label: grade_label(config, labels, &r.grades),
        grades: r
            .grades
            .iter()
            .map(|g| grade_term(config, catalog, *g).into())
            .collect(),
        stage_names,
        course: course_term(config, catalog, &r.course).into(),
        topics,
        duration,
        rating,
        review_kind,
    }
}

/// `七年级`; `七年级–九年级` for a run of three or more; `七年级、九年级` otherwise.
pub fn grade_label(config: &Config, labels: &Labels, grades: &[u8]) -> String {
    let name = |g: &u8| {
        config
            .grade(*g)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| g.to_string())
    };
    let contiguous = grades.windows(2).all(|w| w[1] == w[0] + 1);
    match grades {
        [] => String::new(),
        [one] => name(one),
        [first, .., last] if contiguous && grades.len() >= 3 => {
            format!("{}–{}", name(first), name(last))
        }
        many => many
            .iter()
            .map(name)
            .collect::<Vec<_>>()
            .join(&labels.list_sep),
    }
}

/// Where a page is: its path, the way back to the output root, its canonical address. Every
/// page's view starts with it.
#[derive(Debug, Hash, Serialize)]
pub struct Frame {
    pub root: String,
    pub page_path: String,
    pub canonical: String,
}

/// The home page (`index.html`).
#[derive(Debug, Hash, Serialize)]
pub struct HomeView<'a> {
    #[serde(flatten)]
    pub frame: Frame,
    pub stages: Vec<Term>,
    pub courses: Vec<Term>,
    pub topics: Vec<Term>,
    pub recent: Vec<&'a Hashed<Card>>,
    pub counts: KindCounts,
}

#[derive(Debug, Hash, Serialize)]
pub struct KindCounts {
    pub lesson: usize,
    pub video: usize,
    pub review: usize,
    pub total: usize,
}

/// A lesson, video or review page (`lesson.html`, `video.html`, `review.html`).
#[derive(Debug, Hash, Serialize)]
pub struct ResourceView<'a> {
    #[serde(flatten)]
    pub frame: Frame,
    /// schema.org metadata, already escaped for a `<script>` element.
    pub json_ld: super::json_ld::JsonLd<'a>,
    pub page: ResourcePage<'a>,
}

/// A rendered body's HTML: serialised as the HTML, hashed as the digest made when it was
/// rendered (hashing ten thousand bodies again after every save would cost more than the
/// rest of the patch).
#[derive(Debug)]
pub struct BodyHtml<'a>(pub &'a crate::markdown::Rendered);

impl Serialize for BodyHtml<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.html)
    }
}

impl std::hash::Hash for BodyHtml<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.html_digest.hash(state);
    }
}

/// The `page` of a resource page: its card, its body, and what its kind adds.
#[derive(Debug, Hash, Serialize)]
pub struct ResourcePage<'a> {
    #[serde(flatten)]
    pub card: &'a Hashed<Card>,
    pub content: BodyHtml<'a>,
    pub toc: &'a [TocEntry],
    pub school: &'a str,
    #[serde(flatten)]
    pub detail: DetailView<'a>,
}

/// What only one kind's page shows. Absent values are `None` or empty, never `0` or `""`.
#[derive(Debug, Hash, Serialize)]
#[serde(tag = "detail", rename_all = "lowercase")]
pub enum DetailView<'a> {
    Lesson {
        term: Option<u8>,
        author: &'a str,
        duration_minutes: Option<u32>,
        attachments: Vec<AttachmentView>,
        videos: Vec<&'a Hashed<Card>>,
        reviews: Vec<&'a Hashed<Card>>,
    },
    Video {
        speaker: &'a str,
        media: MediaView,
        poster: Option<LinkView>,
        captions: Option<LinkView>,
        lesson: Option<&'a Hashed<Card>>,
        reviews: Vec<&'a Hashed<Card>>,
    },
    Review {
        reviewer: &'a str,
        lesson: Option<&'a Hashed<Card>>,
        video: Option<&'a Hashed<Card>>,
    },
}

/// A lesson's attachment. `href` is ready for the page (the root prefixed to a local file);
/// `print_url` is the address printed under it on paper.
#[derive(Debug, Hash, Serialize)]
pub struct AttachmentView {
    pub name: String,
    pub href: String,
    pub print_url: String,
    pub ext: String,
    pub external: bool,
}

/// A video's media: `kind` is `file` for what a `<video>` element plays, `link` for a page
/// elsewhere. `src` is ready for the page.
#[derive(Debug, Hash, Serialize)]
pub struct MediaView {
    pub kind: &'static str,
    pub src: String,
    pub mime: &'static str,
    pub external: bool,
}

/// A poster or a captions file, `src` ready for the page.
#[derive(Debug, Hash, Serialize)]
pub struct LinkView {
    pub src: String,
    pub external: bool,
}

/// A link's address as a page at `root` must write it: external ones as they are, local
/// files under the root.
pub fn page_href(link: &crate::content::Link, root: &str) -> String {
    if link.is_external() {
        link.href()
    } else {
        format!("{root}{}", link.href())
    }
}

/// Media a `<video>` element can play directly, by file extension.
pub fn media_view(link: &crate::content::Link, root: &str) -> MediaView {
    let mime = match link.extension().as_str() {
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "ogv" => "video/ogg",
        "mov" => "video/quicktime",
        "m3u8" => "application/vnd.apple.mpegurl",
        "mp3" => "audio/mpeg",
        _ => "",
    };
    MediaView {
        kind: if mime.is_empty() { "link" } else { "file" },
        src: page_href(link, root),
        mime,
        external: link.is_external(),
    }
}

pub fn link_view(link: &crate::content::Link, root: &str) -> LinkView {
    LinkView {
        src: page_href(link, root),
        external: link.is_external(),
    }
}

/// A free page (`page.html`).
#[derive(Debug, Hash, Serialize)]
pub struct FreePageView<'a> {
    #[serde(flatten)]
    pub frame: Frame,
    pub page: FreePage<'a>,
}

#[derive(Debug, Hash, Serialize)]
pub struct FreePage<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub content: BodyHtml<'a>,
    pub toc: &'a [TocEntry],
    pub path: String,
}

/// One page of a listing (`list.html`).
#[derive(Debug, Hash, Serialize)]
pub struct ListingView<'a> {
    #[serde(flatten)]
    pub frame: Frame,
    pub listing: Listing<'a>,
    pub pagination: Pagination,
    pub breadcrumbs: Vec<Crumb>,
}

#[derive(Debug, Hash, Serialize)]
pub struct Listing<'a> {
    pub title: String,
    pub facet: Facet,
    pub value: Term,
    pub items: Vec<&'a Hashed<Card>>,
    pub total: usize,
    pub search_href: String,
}

/// `pages` is a window, not every page: the first, the last and two either side of the
/// current one, with a gap entry where pages are left out — so a listing of n pages costs O(n)
/// to make, not O(n²).
#[derive(Debug, Hash, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total_pages: usize,
    pub prev: String,
    pub next: String,
    pub pages: Vec<PageLink>,
}

/// One entry of a listing's page list: a page, or a gap (`…`) where pages are left out.
#[derive(Debug, Hash, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub path: String,
    pub current: bool,
    pub gap: bool,
}

#[derive(Debug, Hash, Serialize)]
pub struct Crumb {
    pub name: String,
    pub path: String,
}

/// The index of one facet's values (`terms.html`: `stages/`, `grades/`, `courses/`, `topics/`).
#[derive(Debug, Hash, Serialize)]
pub struct TermsView {
    #[serde(flatten)]
    pub frame: Frame,
    pub terms: Terms,
}

#[derive(Debug, Hash, Serialize)]
pub struct Terms {
    pub title: String,
    pub facet: Facet,
    pub items: Vec<Term>,
}

/// The search page (`search.html`): where the index is, and the facets without JavaScript.
#[derive(Debug, Hash, Serialize)]
pub struct SearchView {
    #[serde(flatten)]
    pub frame: Frame,
    pub search: SearchFacets,
}

#[derive(Debug, Hash, Serialize)]
pub struct SearchFacets {
    pub manifest: String,
    pub stages: Vec<Term>,
    pub grades: Vec<Term>,
    pub courses: Vec<Term>,
    pub kinds: Vec<Term>,
    pub topics: Vec<Term>,
}

/// `404.html`: served for missing URLs at any depth, so its `root` is the base URL.
#[derive(Debug, Hash, Serialize)]
pub struct NotFoundView {
    #[serde(flatten)]
    pub frame: Frame,
}

/// A browse facet: what a listing or a term index is of. Serialised as its URL key
/// (`search/?grade=7`), which templates and `search.js` also use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Facet {
    Stage,
    Grade,
    Course,
    Topic,
    Kind,
}

impl Facet {
    /// The output folder of the facet's term index.
    pub fn terms_dir(self) -> &'static str {
        match self {
            Facet::Stage => "stages",
            Facet::Grade => "grades",
            Facet::Course => "courses",
            Facet::Topic => "topics",
            Facet::Kind => "",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Facet::Stage => "stage",
            Facet::Grade => "grade",
            Facet::Course => "course",
            Facet::Topic => "topic",
            Facet::Kind => "kind",
        }
    }
}

/// The variables shared by every page: the site, the UI strings, the menus, the theme's
/// asset version. Hashed once per render; a page's digest includes it.
#[derive(Debug, Serialize)]
pub struct Globals<'a> {
    pub site: SiteView<'a>,
    pub t: &'a serde_json::Map<String, serde_json::Value>,
    pub nav: Nav,
    pub asset_version: &'a str,
    pub build: BuildInfo,
}

#[derive(Debug, Hash, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'static str,
    pub base_url: &'a str,
}

/// Menus name browse values without counts: they are on every page (see `TermRef`).
#[derive(Debug, Hash, Serialize)]
pub struct Nav {
    pub stages: Vec<TermRef>,
    pub courses: Vec<TermRef>,
    pub kinds: Vec<TermRef>,
    pub pages: Vec<NavPage>,
}

#[derive(Debug, Hash, Serialize)]
pub struct NavPage {
    pub title: String,
    pub path: String,
}

#[derive(Debug, Hash, Serialize)]
pub struct BuildInfo {
    pub generator: &'static str,
}
