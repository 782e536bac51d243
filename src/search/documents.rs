//! What the index takes of each resource: its text and facets as a `SearchDocument`, with the
//! names a teacher may type (kind, 说课/评课, grade, stage and course names) as labels.

use crate::catalog::Catalog;
use crate::config::Config;
use crate::content::{Detail, Resource};
use crate::markdown::Rendered;

use super::SearchDocument;

/// Every resource's document, by document number (the catalog's order reversed: oldest first,
/// so a new resource takes the next number). `kind_name` gives a kind's display name.
pub fn documents<'a>(
    config: &Config,
    catalog: &'a Catalog,
    bodies: &'a [std::sync::Arc<Rendered>],
    kind_name: &dyn Fn(crate::content::Kind) -> String,
) -> Vec<SearchDocument<'a>> {
    super::DocNumber::order(catalog.resources.iter().zip(bodies))
        .map(|(r, body)| document(config, r, body, &kind_name(r.kind)))
        .collect()
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
pub fn document<'a>(
    config: &Config,
    r: &'a Resource,
    body: &'a Rendered,
    kind_name: &str,
) -> SearchDocument<'a> {
    // The school first: the pinyin fields (`index::pinyin_fields`) skip it.
    let mut people = vec![r.school.as_str()];
    match &r.detail {
        Detail::Lesson(d) => people.push(&d.author),
        Detail::Video(d) => people.push(&d.speaker),
        Detail::Review(d) => people.push(&d.reviewer),
    }
    SearchDocument {
        labels: labels(config, r, kind_name),
        course_name: config
            .course(&r.course)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        path: crate::catalog::resource_path(r),
        title: &r.title,
        kind: r.kind.slug(),
        grades: &r.grades,
        course: &r.course,
        topics: &r.topics,
        date: r.date.map(|d| d.to_string()).unwrap_or_default(),
        summary: &r.summary,
        people,
        body: &body.text,
        transcript: &body.transcript,
        chapters: chapter_titles(r, body),
        textbook: r.alignment.as_ref().map(|a| a.textbook.as_str()),
    }
}

/// A video's chapter titles: from its `chapters_file:` (read with the body) or its list.
fn chapter_titles<'a>(r: &'a Resource, body: &'a Rendered) -> Vec<&'a str> {
    let listed = match &r.detail {
        Detail::Video(d) => d.chapters.as_slice(),
        _ => &[],
    };
    let chapters = if body.chapters.is_empty() {
        listed
    } else {
        &body.chapters
    };
    chapters.iter().map(|c| c.title.as_str()).collect()
}

/// Kind, 说课/评课, grade, stage and course names of a resource, for search.
fn labels(config: &Config, r: &Resource, kind_name: &str) -> Vec<String> {
    let mut labels = vec![kind_name.to_string()];
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
    // The textbook's and the unit's names: 生命的思考 finds what is aligned to that unit.
    if let Some(a) = &r.alignment
        && let Some(book) = config.textbook(&a.textbook)
    {
        labels.push(book.name.clone());
        labels.extend(book.unit(a.unit).map(|u| u.name.clone()));
    }
    labels
}
