//! What the index takes of each resource: its text and facets as a `SearchDocument`, with the
//! names a teacher may type (kind, 说课/评课, grade, stage and course names) as labels.

use crate::catalog::Catalog;
use crate::config::{Config, Textbook};
use crate::content::{Alignment, Detail, Resource};
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
        review_kind: match &r.detail {
            Detail::Review(d) => d.review_kind.map(|k| k.label()),
            _ => None,
        },
        seconds: match &r.detail {
            Detail::Video(d) => d.duration.map(|d| d.0),
            _ => None,
        },
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
    // What a lesson's page shows of its length: 40分钟. Not its term: 上学期 holds 上学
    // (going to school), which 学生不想上学 would then find in every autumn lesson.
    if let Detail::Lesson(d) = &r.detail {
        labels.extend(d.duration_minutes.map(|m| format!("{m}分钟")));
    }
    // The textbook's and the unit's names: 生命的思考 finds what is aligned to that unit.
    if let Some(a) = &r.alignment
        && let Some(book) = config.textbook(&a.textbook)
    {
        labels.push(book.name.clone());
        labels.extend(alignment_words(book, a));
    }
    labels
}

/// How a teacher names a place in a textbook: the unit's name and its number as written in
/// the book's headings and in a request (第三单元, 第3单元, Unit 3), the volume (上册/下册)
/// when the book's name leaves it out, and the lesson (第二课 师生之间) when a period is given.
fn alignment_words(book: &Textbook, a: &Alignment) -> Vec<String> {
    let mut words = ordinal_words(a.unit, "单元", "Unit");
    let volume = match book.term {
        Some(1) => Some("上册"),
        Some(2) => Some("下册"),
        _ => None,
    };
    words.extend(
        volume
            .filter(|v| !book.name.contains(v))
            .map(str::to_string),
    );
    let Some(unit) = book.unit(a.unit) else {
        return words;
    };
    words.push(unit.name.clone());
    if let Some(period) = a.period {
        words.extend(ordinal_words(period, "课", "Lesson"));
        let nth = (period as usize).checked_sub(1);
        words.extend(nth.and_then(|i| unit.lessons.get(i)).cloned());
    }
    words
}

/// 第3单元, 第三单元 and Unit 3 for (3, "单元", "Unit").
fn ordinal_words(n: u32, measure: &str, english: &str) -> Vec<String> {
    let mut words = vec![format!("第{n}{measure}")];
    words.extend(chinese_numeral(n).map(|cn| format!("第{cn}{measure}")));
    words.push(format!("{english} {n}"));
    words
}

/// 1–99 in Chinese numerals as textbooks write them (三, 十二, 二十, 二十一).
fn chinese_numeral(n: u32) -> Option<String> {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (tens, ones) = ((n / 10) as usize, (n % 10) as usize);
    match (tens, ones) {
        (0, 0) => None,
        (0, _) => Some(DIGITS[ones].to_string()),
        (1, _) => Some(format!("十{}", DIGITS[ones])),
        (2..=9, _) => Some(format!("{}十{}", DIGITS[tens], DIGITS[ones])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_are_written_as_textbooks_write_them() {
        let written: Vec<_> = [1, 3, 10, 12, 20, 21, 99]
            .map(|n| chinese_numeral(n).unwrap())
            .into();
        assert_eq!(
            written,
            ["一", "三", "十", "十二", "二十", "二十一", "九十九"]
        );
        assert_eq!(chinese_numeral(0), None);
        assert_eq!(chinese_numeral(100), None);
        assert_eq!(
            ordinal_words(3, "单元", "Unit"),
            ["第3单元", "第三单元", "Unit 3"]
        );
    }
}
