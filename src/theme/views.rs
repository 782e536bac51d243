//! What templates see: plain serialisable views built from the catalog, never domain types, so a
//! theme can rely on the names in docs/THEME.md and Lectern can change its model freely.

use serde::Serialize;

use crate::catalog::{self, Catalog};
use crate::config::{Config, Language};
use crate::content::{Detail, Kind, Resource};
use crate::markdown::TocEntry;

/// A browse value: stage, grade, course, topic or kind, with the number of resources under it.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Card {
    pub id: String,
    pub kind: &'static str,
    pub kind_name: &'static str,
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

pub fn kind_name(kind: Kind, language: Language) -> &'static str {
    match (kind, language) {
        (Kind::Lesson, Language::ZhCn) => "教学设计",
        (Kind::Video, Language::ZhCn) => "课堂视频",
        (Kind::Review, Language::ZhCn) => "说课评课",
        (Kind::Lesson, Language::En) => "Lesson plan",
        (Kind::Video, Language::En) => "Classroom video",
        (Kind::Review, Language::En) => "Lesson review",
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

pub fn kind_terms(config: &Config, catalog: &Catalog) -> Vec<Term> {
    Kind::ALL
        .iter()
        .map(|k| Term {
            slug: k.slug().to_string(),
            name: kind_name(*k, config.language).to_string(),
            path: format!("{}/", k.dir()),
            count: catalog.by_kind.get(k).map_or(0, Vec::len),
            grades: Vec::new(),
        })
        .collect()
}

/// Cards for every resource, in document order; built once and cloned into lists.
pub fn cards(config: &Config, catalog: &Catalog) -> Vec<Card> {
    let topic_index = catalog.topic_index();
    catalog
        .resources
        .iter()
        .map(|r| {
            let topics = r
                .topics
                .iter()
                .filter_map(|t| topic_index.get(t.as_str()))
                .map(|i| topic_term(&catalog.topics[*i]).into())
                .collect();
            card(config, catalog, r, topics)
        })
        .collect()
}

/// The card of one resource (for `serve`, after an edit).
pub fn card_of(config: &Config, catalog: &Catalog, r: &Resource) -> Card {
    let topics = r
        .topics
        .iter()
        .filter_map(|t| catalog.topic(t))
        .map(|t| topic_term(t).into())
        .collect();
    card(config, catalog, r, topics)
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

fn card(config: &Config, catalog: &Catalog, r: &Resource, topics: Vec<TermRef>) -> Card {
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
        kind_name: kind_name(r.kind, config.language),
        title: r.title.clone(),
        summary: r.summary.clone(),
        path: catalog::resource_path(r),
        date: r.date.map(|d| d.to_string()).unwrap_or_default(),
        grade_label: grade_label(config, &r.grades),
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
pub fn grade_label(config: &Config, grades: &[u8]) -> String {
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
        many => {
            let separator = if config.language == Language::ZhCn {
                "、"
            } else {
                ", "
            };
            many.iter().map(name).collect::<Vec<_>>().join(separator)
        }
    }
}

#[derive(Serialize)]
pub struct AttachmentView {
    pub name: String,
    pub href: String,
    pub ext: String,
    pub external: bool,
}

#[derive(Serialize)]
pub struct MediaView {
    pub kind: &'static str,
    pub src: String,
    pub mime: &'static str,
    pub external: bool,
}

#[derive(Serialize)]
pub struct LinkView {
    pub src: String,
    pub external: bool,
}

/// The `page` of a resource page: its card plus what only the page shows.
#[derive(Serialize)]
pub struct ResourcePage {
    #[serde(flatten)]
    pub card: Card,
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub school: String,
    // lesson
    pub term: u8,
    pub author: String,
    pub duration_minutes: u32,
    pub attachments: Vec<AttachmentView>,
    pub videos: Vec<Card>,
    pub reviews: Vec<Card>,
    // video
    pub speaker: String,
    pub media: Option<MediaView>,
    pub poster: Option<LinkView>,
    pub captions: Option<LinkView>,
    pub lesson: Option<Card>,
    // review
    pub reviewer: String,
    pub video: Option<Card>,
}

/// Media a `<video>` element can play directly, by file extension.
pub fn media_view(link: &crate::content::Link) -> MediaView {
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
        src: link.href(),
        mime,
        external: link.is_external(),
    }
}

pub fn link_view(link: &crate::content::Link) -> LinkView {
    LinkView {
        src: link.href(),
        external: link.is_external(),
    }
}

#[derive(Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total_pages: usize,
    pub prev: String,
    pub next: String,
    pub pages: Vec<PageLink>,
}

#[derive(Serialize)]
pub struct PageLink {
    pub number: usize,
    pub path: String,
    pub current: bool,
}

#[derive(Serialize)]
pub struct Crumb {
    pub name: String,
    pub path: String,
}

#[derive(Serialize)]
pub struct Listing<'a> {
    pub title: String,
    pub facet: &'static str,
    pub value: Term,
    pub items: Vec<&'a Card>,
    pub total: usize,
    pub search_href: String,
}
