//! How well the library covers the curriculum: resources counted per grade × course × kind,
//! per topic, and per textbook unit (with the units that have no lesson plan). One source for
//! the `coverage/` page (`theme`) and `lectern stats` (`cli`), so both show the same figures.
//! Reads the catalog only; writes nothing.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::content::Kind;
use crate::diagnostics::neutralised;

/// Resources of each kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Counts {
    pub lesson: usize,
    pub video: usize,
    pub review: usize,
}

impl Counts {
    pub fn add(&mut self, kind: Kind) {
        match kind {
            Kind::Lesson => self.lesson += 1,
            Kind::Video => self.video += 1,
            Kind::Review => self.review += 1,
        }
    }

    pub fn get(&self, kind: Kind) -> usize {
        match kind {
            Kind::Lesson => self.lesson,
            Kind::Video => self.video,
            Kind::Review => self.review,
        }
    }

    pub fn total(&self) -> usize {
        self.lesson + self.video + self.review
    }
}

/// Every figure, in the site's order: grades and courses as `site.yaml` lists them, topics as
/// the catalog orders them (most used first), textbooks and units as declared. Serialised as
/// the JSON of `lectern stats --format json`: field names are part of that output.
#[derive(Debug, Hash, Serialize)]
pub struct Figures {
    pub total: Counts,
    pub grades: Vec<GradeRow>,
    pub topics: Vec<TopicCount>,
    pub textbooks: Vec<TextbookFigures>,
}

/// One grade's row: a cell per course (every course, the empty ones too).
#[derive(Debug, Hash, Serialize)]
pub struct GradeRow {
    pub number: u8,
    pub name: String,
    pub stage: String,
    pub courses: Vec<Cell>,
}

#[derive(Debug, Hash, Serialize)]
pub struct Cell {
    pub course: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Hash, Serialize)]
pub struct TopicCount {
    pub name: String,
    pub slug: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Hash, Serialize)]
pub struct TextbookFigures {
    pub slug: String,
    pub name: String,
    pub course: String,
    pub grade: u8,
    /// 1 (上册) or 2 (下册); absent for a book of the whole year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<u8>,
    /// 人教版, 统编版… (empty when not given).
    pub edition: String,
    pub units: Vec<UnitFigures>,
    /// Numbers of the units no lesson plan is aligned to, in the book's order.
    pub units_without_lessons: Vec<u32>,
}

#[derive(Debug, Hash, Serialize)]
pub struct UnitFigures {
    pub number: u32,
    pub name: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// The figures of a site. One pass over the resources; a resource of several grades counts
/// in each of its grades' rows (as the grade pages and search's grade filter list it).
pub fn figures(config: &Config, catalog: &Catalog) -> Figures {
    let course_index = |slug: &str| config.courses.iter().position(|c| c.slug == slug);
    let grade_index = |n: u8| config.grades.iter().position(|g| g.number == n);
    let mut matrix = vec![vec![Counts::default(); config.courses.len()]; config.grades.len()];
    let mut total = Counts::default();
    for r in &catalog.resources {
        total.add(r.kind);
        let Some(c) = course_index(&r.course) else {
            continue;
        };
        for g in r.grades.iter().filter_map(|g| grade_index(*g)) {
            matrix[g][c].add(r.kind);
        }
    }
    let grades = config
        .grades
        .iter()
        .zip(matrix)
        .map(|(grade, row)| GradeRow {
            number: grade.number,
            name: grade.name.clone(),
            stage: grade.stage.clone(),
            courses: config
                .courses
                .iter()
                .zip(row)
                .map(|(course, counts)| Cell {
                    course: course.slug.clone(),
                    counts,
                })
                .collect(),
        })
        .collect();
    let kinds_of = |places: &[crate::catalog::Place]| {
        let mut counts = Counts::default();
        for n in places {
            counts.add(catalog.resources[*n].kind);
        }
        counts
    };
    let topics = catalog
        .topics
        .iter()
        .map(|t| TopicCount {
            name: t.name.clone(),
            slug: t.slug.clone(),
            counts: kinds_of(&t.resources),
        })
        .collect();
    let textbooks = config
        .textbooks
        .iter()
        .map(|book| textbook_figures(book, catalog))
        .collect();
    Figures {
        total,
        grades,
        topics,
        textbooks,
    }
}

fn textbook_figures(book: &crate::config::Textbook, catalog: &Catalog) -> TextbookFigures {
    let mut units: Vec<UnitFigures> = book
        .units
        .iter()
        .map(|u| UnitFigures {
            number: u.number,
            name: u.name.clone(),
            counts: Counts::default(),
        })
        .collect();
    for n in catalog.by_textbook.get(&book.slug).into_iter().flatten() {
        let r = &catalog.resources[*n];
        let unit = r.alignment.as_ref().map(|a| a.unit);
        if let Some(u) = units.iter_mut().find(|u| Some(u.number) == unit) {
            u.counts.add(r.kind);
        }
    }
    let units_without_lessons = units
        .iter()
        .filter(|u| u.counts.lesson == 0)
        .map(|u| u.number)
        .collect();
    TextbookFigures {
        slug: book.slug.clone(),
        name: book.name.clone(),
        course: book.course.clone(),
        grade: book.grade,
        term: book.term,
        edition: book.edition.clone(),
        units,
        units_without_lessons,
    }
}

/// The figures as a text table for a terminal: grade × course cells as `lessons/videos/reviews`
/// (`-` for none), then topics, then each textbook's units without a lesson plan.
pub fn text_table(config: &Config, figures: &Figures) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header = vec!["grade".to_string()];
    header.extend(config.courses.iter().map(|c| c.slug.clone()));
    rows.push(header);
    for row in &figures.grades {
        let mut line = vec![format!("{} {}", row.number, row.name)];
        line.extend(row.courses.iter().map(|cell| cell_text(&cell.counts)));
        rows.push(line);
    }
    let t = &figures.total;
    let mut out = format!(
        "{}: {}, {}, {}\n\nPer grade and course (lessons/videos/reviews, - = none):\n",
        counted(t.total(), "resource"),
        counted(t.lesson, "lesson"),
        counted(t.video, "video"),
        counted(t.review, "review")
    );
    out.push_str(&aligned(&rows));
    if !figures.topics.is_empty() {
        out.push_str("\nPer topic (lessons/videos/reviews):\n");
        let rows: Vec<Vec<String>> = figures
            .topics
            .iter()
            .map(|t| vec![t.name.clone(), cell_text(&t.counts)])
            .collect();
        out.push_str(&aligned(&rows));
    }
    for book in &figures.textbooks {
        let name = neutralised(&book.name);
        out.push_str(&format!("\nTextbook {name} ({}):\n", book.slug));
        let rows: Vec<Vec<String>> = book
            .units
            .iter()
            .map(|u| {
                let gap = if u.counts.lesson == 0 {
                    "no lesson plan"
                } else {
                    ""
                };
                vec![
                    format!("unit {}", u.number),
                    u.name.clone(),
                    cell_text(&u.counts),
                    gap.to_string(),
                ]
            })
            .collect();
        out.push_str(&aligned(&rows));
    }
    out
}

/// `1 lesson`, `3 lessons`.
fn counted(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ => format!("{n} {noun}s"),
    }
}

fn cell_text(c: &Counts) -> String {
    if c.total() == 0 {
        "-".to_string()
    } else {
        format!("{}/{}/{}", c.lesson, c.video, c.review)
    }
}

/// Rows as columns padded to their widest cell (CJK characters count two columns).
fn aligned(rows: &[Vec<String>]) -> String {
    let width = unicode_width::UnicodeWidthStr::width;
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|s| width(neutralised(s).as_str()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        // Names come from the site's files: no control characters reach the terminal.
        let row: Vec<String> = row.iter().map(|c| neutralised(c)).collect();
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i].saturating_sub(width(cell.as_str())) + 2;
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_of_one_are_singular() {
        assert_eq!(super::counted(1, "lesson"), "1 lesson");
        assert_eq!(super::counted(0, "video"), "0 videos");
        assert_eq!(super::counted(3, "resource"), "3 resources");
    }
}
