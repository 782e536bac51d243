//! The curriculum pages: a textbook's units with their resources (`textbooks/<slug>/`), the
//! index of textbooks (`textbooks/`), the coverage map (`coverage/`), and the small views other
//! pages take from them (a course's textbooks, a resource's unit). Views only: the figures
//! come from `crate::coverage`, the rendering from `pages`.

use serde::Serialize;

use super::page_views::Frame;
use super::pages::{SiteInput, frame};
use super::views::*;
use crate::catalog::Place;
use crate::config::{Config, Textbook};
use crate::content::{Kind, Resource};

/// `textbooks/<slug>/` (`textbook.html`).
#[derive(Debug, Hash, Serialize)]
pub struct TextbookView<'a> {
    #[serde(flatten)]
    pub frame: Frame,
    pub textbook: TextbookPage<'a>,
}

#[derive(Debug, Hash, Serialize)]
pub struct TextbookPage<'a> {
    #[serde(flatten)]
    pub book: TextbookRef,
    pub units: Vec<UnitView<'a>>,
    /// Resources aligned to the book.
    pub total: usize,
    /// Units no lesson plan is aligned to (what `textbooks/` and `coverage/` count).
    pub units_without_lessons: usize,
    /// Whether the grade's and the course's listings exist (they do when they list something).
    pub grade_listed: bool,
    pub course_listed: bool,
}

/// A textbook as other pages name it.
#[derive(Clone, Debug, Hash, Serialize)]
pub struct TextbookRef {
    pub slug: String,
    pub name: String,
    pub edition: String,
    pub term: Option<u8>,
    pub course: TermRef,
    pub grade: TermRef,
    pub path: String,
    pub unit_count: usize,
}

/// One unit on its textbook's page: its resources, lessons by period first.
#[derive(Debug, Hash, Serialize)]
pub struct UnitView<'a> {
    pub number: u32,
    pub name: &'a str,
    /// The fragment id of the unit on its textbook's page (`unit-3`).
    pub anchor: String,
    pub lessons: &'a [String],
    pub items: Vec<UnitItem<'a>>,
    pub counts: crate::coverage::Counts,
}

#[derive(Debug, Hash, Serialize)]
pub struct UnitItem<'a> {
    pub period: Option<u32>,
    /// The name of the lesson (课) `period` names, when the unit lists its lessons.
    pub period_name: &'a str,
    pub card: &'a Hashed<Card>,
}

/// `textbooks/` (`textbooks.html`).
#[derive(Debug, Hash, Serialize)]
pub struct TextbooksView {
    #[serde(flatten)]
    pub frame: Frame,
    pub textbooks: Vec<TextbookSummary>,
}

#[derive(Debug, Hash, Serialize)]
pub struct TextbookSummary {
    #[serde(flatten)]
    pub book: TextbookRef,
    pub total: usize,
    pub units_without_lessons: usize,
}

/// A resource's place in its textbook, for its breadcrumbs and facts.
#[derive(Debug, Hash, Serialize)]
pub struct AlignmentView<'a> {
    pub textbook: &'a str,
    pub textbook_path: String,
    pub unit: u32,
    pub unit_name: &'a str,
    /// `textbooks/<slug>/#unit-3`, relative to the root.
    pub unit_path: String,
    pub period: Option<u32>,
    pub period_name: &'a str,
}

/// `coverage/` (`coverage.html`).
#[derive(Debug, Hash, Serialize)]
pub struct CoverageView {
    #[serde(flatten)]
    pub frame: Frame,
    pub coverage: CoveragePage,
}

#[derive(Debug, Hash, Serialize)]
pub struct CoveragePage {
    /// With their counts: a course or grade without resources has no listing to link to.
    pub courses: Vec<Term>,
    pub kinds: Vec<TermRef>,
    pub rows: Vec<CoverageRow>,
    pub total: crate::coverage::Counts,
    pub textbooks: Vec<TextbookGaps>,
}

#[derive(Debug, Hash, Serialize)]
pub struct CoverageRow {
    pub grade: Term,
    pub stage: String,
    pub cells: Vec<CoverageCell>,
}

/// One grade × course cell: a count per kind, each with the search address that lists what
/// it counts (`search/?grade=7&course=…&kind=lesson`, DESIGN §5).
#[derive(Debug, Hash, Serialize)]
pub struct CoverageCell {
    pub course: String,
    pub total: usize,
    pub counts: Vec<KindCount>,
}

#[derive(Debug, Hash, Serialize)]
pub struct KindCount {
    pub kind: &'static str,
    pub count: usize,
    pub href: String,
}

#[derive(Debug, Hash, Serialize)]
pub struct TextbookGaps {
    #[serde(flatten)]
    pub book: TextbookRef,
    /// Units with no lesson plan, in the book's order.
    pub missing: Vec<UnitRef>,
}

#[derive(Debug, Hash, Serialize)]
pub struct UnitRef {
    pub number: u32,
    pub name: String,
    pub path: String,
}

pub fn textbook_path(slug: &str) -> String {
    format!("textbooks/{slug}/")
}

fn unit_anchor(number: u32) -> String {
    format!("unit-{number}")
}

pub fn textbook_ref(
    config: &Config,
    catalog: &crate::catalog::Catalog,
    book: &Textbook,
) -> TextbookRef {
    TextbookRef {
        slug: book.slug.clone(),
        name: book.name.clone(),
        edition: book.edition.clone(),
        term: book.term,
        course: course_term(config, catalog, &book.course).into(),
        grade: grade_term(config, catalog, book.grade).into(),
        path: textbook_path(&book.slug),
        unit_count: book.units.len(),
    }
}

/// The textbooks of a course, for its listing page (empty without `textbooks:`).
pub fn course_textbooks(input: &SiteInput<'_>, course: &str) -> Vec<TextbookRef> {
    let (config, catalog) = (input.config, input.catalog);
    config
        .course_textbooks(course)
        .map(|book| textbook_ref(config, catalog, book))
        .collect()
}

pub fn textbook<'c>(
    input: &'c SiteInput<'_>,
    cards: &'c [SharedCard],
    book: &'c Textbook,
) -> TextbookView<'c> {
    let (config, catalog) = (input.config, input.catalog);
    let places: &[Place] = catalog
        .by_textbook
        .get(&book.slug)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let units: Vec<UnitView<'c>> = book
        .units
        .iter()
        .map(|unit| {
            let mut members: Vec<(usize, &Resource, Place)> = places
                .iter()
                .enumerate()
                .map(|(i, n)| (i, &*catalog.resources[*n], *n))
                .filter(|(_, r, _)| r.alignment.as_ref().is_some_and(|a| a.unit == unit.number))
                .collect();
            // Lessons first, then videos and reviews; by period within a kind (those without
            // one last), then in catalog order.
            members.sort_by_key(|(i, r, _)| {
                let period = r.alignment.as_ref().and_then(|a| a.period);
                (r.kind, period.is_none(), period, *i)
            });
            let mut counts = crate::coverage::Counts::default();
            let items = members
                .into_iter()
                .map(|(_, r, n)| {
                    counts.add(r.kind);
                    let period = r.alignment.as_ref().and_then(|a| a.period);
                    UnitItem {
                        period,
                        period_name: period_name(&unit.lessons, period),
                        card: &cards[n],
                    }
                })
                .collect();
            UnitView {
                number: unit.number,
                name: &unit.name,
                anchor: unit_anchor(unit.number),
                lessons: &unit.lessons,
                items,
                counts,
            }
        })
        .collect();
    let units_without_lessons = units.iter().filter(|u| u.counts.lesson == 0).count();
    TextbookView {
        frame: frame(config, &textbook_path(&book.slug)),
        textbook: TextbookPage {
            book: textbook_ref(config, catalog, book),
            units,
            total: places.len(),
            units_without_lessons,
            grade_listed: catalog.by_grade.contains_key(&book.grade),
            course_listed: catalog.by_course.contains_key(&book.course),
        },
    }
}

fn period_name(lessons: &[String], period: Option<u32>) -> &str {
    period
        .and_then(|p| lessons.get((p as usize).checked_sub(1)?))
        .map_or("", String::as_str)
}

pub fn textbooks(input: &SiteInput<'_>, figures: &crate::coverage::Figures) -> TextbooksView {
    let (config, catalog) = (input.config, input.catalog);
    TextbooksView {
        frame: frame(config, "textbooks/"),
        textbooks: config
            .textbooks
            .iter()
            .zip(&figures.textbooks)
            .map(|(book, f)| TextbookSummary {
                book: textbook_ref(config, catalog, book),
                total: catalog.by_textbook.get(&book.slug).map_or(0, Vec::len),
                units_without_lessons: f.units_without_lessons.len(),
            })
            .collect(),
    }
}

pub fn alignment<'a>(config: &'a Config, resource: &'a Resource) -> Option<AlignmentView<'a>> {
    let a = resource.alignment.as_ref()?;
    let book = config.textbook(&a.textbook)?;
    let unit = book.unit(a.unit)?;
    let textbook_path = textbook_path(&book.slug);
    Some(AlignmentView {
        textbook: &book.name,
        unit_path: format!("{textbook_path}#{}", unit_anchor(unit.number)),
        textbook_path,
        unit: unit.number,
        unit_name: &unit.name,
        period: a.period,
        period_name: period_name(&unit.lessons, a.period),
    })
}

pub fn coverage(
    input: &SiteInput<'_>,
    labels: &Labels,
    figures: &crate::coverage::Figures,
) -> CoverageView {
    let (config, catalog) = (input.config, input.catalog);
    let rows = figures
        .grades
        .iter()
        .map(|row| CoverageRow {
            grade: grade_term(config, catalog, row.number),
            stage: config
                .stage(&row.stage)
                .map_or_else(|| row.stage.clone(), |s| s.name.clone()),
            cells: row
                .courses
                .iter()
                .map(|cell| CoverageCell {
                    course: cell.course.clone(),
                    total: cell.counts.total(),
                    counts: Kind::ALL
                        .iter()
                        .map(|k| KindCount {
                            kind: k.slug(),
                            count: cell.counts.get(*k),
                            href: format!(
                                "search/?grade={}&course={}&kind={}",
                                row.number,
                                cell.course,
                                k.slug()
                            ),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let textbooks = config
        .textbooks
        .iter()
        .zip(&figures.textbooks)
        .map(|(book, f)| TextbookGaps {
            book: textbook_ref(config, catalog, book),
            missing: f
                .units
                .iter()
                .filter(|u| u.counts.lesson == 0)
                .map(|u| UnitRef {
                    number: u.number,
                    name: u.name.clone(),
                    path: format!("{}#{}", textbook_path(&book.slug), unit_anchor(u.number)),
                })
                .collect(),
        })
        .collect();
    CoverageView {
        frame: frame(config, "coverage/"),
        coverage: CoveragePage {
            courses: course_terms(config, catalog),
            kinds: kind_terms(labels, catalog)
                .into_iter()
                .map(TermRef::from)
                .collect(),
            rows,
            total: figures.total,
            textbooks,
        },
    }
}
