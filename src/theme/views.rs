//! What templates see: plain serialisable views built from the catalog, never domain types, so a
//! theme can rely on the names in docs/THEME.md and Lectern can change its model freely. This
//! file holds the pieces many pages share (terms, cards, the strings Rust writes);
//! `page_views.rs` the view of each template.

use serde::Serialize;

use crate::catalog::{self, Catalog};
use crate::config::Config;
use crate::content::{Detail, Kind, Resource};

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
    pub review_kind: String,
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
    /// 说课 and 评课 (`review_kind_presentation`, `review_kind_critique`).
    pub presentation: String,
    pub critique: String,
}

impl Labels {
    pub fn review_kind(&self, kind: crate::content::ReviewKind) -> &str {
        match kind {
            crate::content::ReviewKind::Presentation => &self.presentation,
            crate::content::ReviewKind::Critique => &self.critique,
        }
    }

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
        .map(|r| card_of(config, labels, catalog, memo, &topic_index, r))
        .collect()
}

/// One resource's card (reusing what `memo` has); `topic_index` is `catalog.topic_index()`.
pub fn card_of(
    config: &Config,
    labels: &Labels,
    catalog: &Catalog,
    memo: &CardMemo,
    topic_index: &rustc_hash::FxHashMap<&str, usize>,
    r: &std::sync::Arc<Resource>,
) -> SharedCard {
    let topics: Vec<TermRef> = r
        .topics
        .iter()
        .filter_map(|t| topic_index.get(t.as_str()))
        .map(|i| topic_term(&catalog.topics[*i]).into())
        .collect();
    memo.get(r, &topics).unwrap_or_else(|| {
        std::sync::Arc::new(Hashed::new(card(config, labels, catalog, r, topics)))
    })
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
        Detail::Video(v) => (
            v.duration.map(|d| d.to_string()).unwrap_or_default(),
            0,
            String::new(),
        ),
        Detail::Review(v) => (
            String::new(),
            v.rating.unwrap_or(0),
            v.review_kind
                .map_or(String::new(), |k| labels.review_kind(k).to_string()),
        ),
        Detail::Lesson(_) => (String::new(), 0, String::new()),
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
