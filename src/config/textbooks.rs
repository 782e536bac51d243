//! `textbooks:` in `site.yaml` — the textbooks a site's resources may be aligned to, each with
//! its units in order (人教版 道德与法治 七年级上册 → 第一单元 少年有梦 …). Optional: a site
//! without them has no textbook pages and nothing else changes. Checked here against the
//! site's courses and grades; a resource's `textbook:`/`unit:` are checked in `content`.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::{Config, Course, Grade, is_slug};
use crate::diagnostics::suggest;
use crate::yaml::value_line;

/// A textbook (教材, one volume: 册) as the site declares it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Textbook {
    pub slug: String,
    pub name: String,
    pub course: String,
    pub grade: u8,
    /// 人教版, 部编版… (empty when not given).
    pub edition: String,
    /// 1 (上册, autumn) or 2 (下册, spring).
    pub term: Option<u8>,
    pub units: Vec<Unit>,
}

/// One unit (单元) of a textbook, in the book's order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Unit {
    pub number: u32,
    pub name: String,
    /// The unit's lessons (课) by name, in order, when the site lists them: a resource's
    /// `period: n` names the n-th.
    pub lessons: Vec<String>,
}

impl Textbook {
    pub fn unit(&self, number: u32) -> Option<&Unit> {
        self.units.iter().find(|u| u.number == number)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTextbook {
    slug: String,
    name: String,
    course: String,
    /// `7`, or as front matter takes it: `七年级`, `高一`
    grade: crate::content::GradeSpec,
    #[serde(default)]
    edition: String,
    #[serde(default)]
    term: Option<u8>,
    units: Vec<RawUnit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    number: u32,
    name: String,
    #[serde(default)]
    lessons: Vec<String>,
}

/// The longest name of a textbook, a unit or a unit's lesson: each is repeated on the pages
/// of the resources aligned to it.
const MAX_NAME_CHARS: usize = 100;

/// A problem in `textbooks:`, with the line it is on.
pub(super) struct Problem {
    pub line: usize,
    pub message: String,
    pub help: String,
    /// The value at fault as written on that line (a slug), for the column; `None`: the line.
    pub value: Option<String>,
}

/// The textbooks, checked against the site's courses and grades: slugs ASCII and unique, a
/// known course and grade, term 1 or 2, at least one unit, unit numbers unique. `text` is the
/// whole `site.yaml`, for the lines of the problems.
pub(super) fn validate(
    raw: Vec<RawTextbook>,
    courses: &[Course],
    grades: &[Grade],
    text: &str,
    problems: &mut Vec<Problem>,
) -> Vec<Textbook> {
    let start = crate::yaml::key_line(text, 1, "textbooks").unwrap_or(1);
    let mut seen = BTreeSet::new();
    let mut books = Vec::with_capacity(raw.len());
    // Textbooks come in order: each one's slug is looked for after the previous one's, so a
    // slug written twice is reported at its second place.
    let mut from = start;
    for raw in raw {
        let line = value_line(text, from, "slug", &raw.slug).unwrap_or(from);
        from = line + 1;
        let mut problem = |message: String, help: String| {
            problems.push(Problem {
                line,
                message,
                help,
                value: Some(raw.slug.trim().to_string()),
            })
        };
        let slug = raw.slug.trim().to_string();
        if !is_slug(&slug) {
            problem(
                format!(
                    "textbook slug `{slug}` is not ASCII lower-case letters, digits and hyphens"
                ),
                "the slug becomes the address textbooks/<slug>/: write it like `pep-daofa-7a`"
                    .into(),
            );
        } else if !seen.insert(slug.clone()) {
            problem(
                format!("textbook slug `{slug}` appears twice"),
                "give each textbook its own slug".into(),
            );
        } else if crate::slug::is_windows_device(&slug) {
            problem(
                format!(
                    "textbook slug `{slug}` is a device name on Windows: a portal copied onto a Windows PC cannot hold its folder"
                ),
                "choose another slug, such as one with a word added".into(),
            );
        }
        if raw.name.chars().count() > MAX_NAME_CHARS {
            problem(
                format!("textbook `{slug}`'s name is over {MAX_NAME_CHARS} characters"),
                "a textbook's name is on every page of its resources: write it as its cover does, e.g. `人教版 道德与法治 七年级上册`".into(),
            );
        }
        if raw.name.trim().is_empty() {
            problem(
                format!("textbook `{slug}` has an empty name"),
                "write its name as teachers know it, e.g. `name: 人教版 道德与法治 七年级上册`"
                    .into(),
            );
        }
        // A wrong course, grade or term is reported at its own line of the entry.
        let mut at_field = |key: &str, value: Option<String>, message: String, help: String| {
            problems.push(Problem {
                line: field_line(text, line, key).unwrap_or(line),
                message,
                help,
                value,
            })
        };
        let course = raw.course.trim().to_string();
        if !courses.iter().any(|c| c.slug == course) {
            at_field(
                "course",
                Some(course.clone()),
                format!("textbook `{slug}` names unknown course `{course}`"),
                course_help(&course, courses),
            );
        }
        let grade = match raw.grade.0.as_slice() {
            [one] => u8::try_from(*one)
                .ok()
                .filter(|g| grades.iter().any(|x| x.number == *g)),
            _ => None,
        };
        if grade.is_none() {
            let named = match raw.grade.0.as_slice() {
                [one] => format!("grade {one}, which the site does not have"),
                _ => "more than one grade".to_string(),
            };
            at_field(
                "grade",
                None,
                format!("textbook `{slug}` names {named}"),
                "a textbook is of one grade: write a grade listed under `grades`, e.g. `grade: 7` or `grade: 七年级`".into(),
            );
        }
        if raw.term.is_some_and(|t| !(1..=2).contains(&t)) {
            at_field(
                "term",
                None,
                format!("textbook `{slug}` has term {}", raw.term.unwrap_or(0)),
                "write `term: 1` (上册, autumn) or `term: 2` (下册, spring), or leave it out"
                    .into(),
            );
        }
        let units = units(&slug, raw.units, text, line, problems);
        books.push(Textbook {
            slug,
            name: raw.name.trim().to_string(),
            course,
            grade: grade.unwrap_or(0),
            edition: raw.edition.trim().to_string(),
            term: raw.term,
            units,
        });
    }
    books
}

/// The line of `key:` within the textbook entry whose slug is on `slug_line` (both 1-based):
/// the lines from the entry's `-` to the next line indented no deeper than it.
fn field_line(text: &str, slug_line: usize, key: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut start = slug_line.checked_sub(1)?;
    while !lines.get(start)?.trim_start().starts_with('-') {
        start = start.checked_sub(1)?;
    }
    let item_indent = indent(lines[start]);
    let end = (start + 1..lines.len())
        .find(|&i| {
            let l = lines[i];
            let content = l.trim_start();
            !content.is_empty() && !content.starts_with('#') && indent(l) <= item_indent
        })
        .unwrap_or(lines.len());
    let written = format!("{key}:");
    (start..end)
        .find(|&i| {
            let l = lines[i];
            l.match_indices(&written)
                .any(|(at, _)| at == 0 || matches!(l.as_bytes()[at - 1], b' ' | b'{' | b',' | b'-'))
        })
        .map(|i| i + 1)
}

fn course_help(course: &str, courses: &[Course]) -> String {
    let by_name = courses.iter().find(|c| c.name == course);
    let near = by_name
        .map(|c| c.slug.as_str())
        .or_else(|| suggest(course, courses.iter().map(|c| c.slug.as_str())));
    match near {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!(
            "use a course slug listed under `courses`: {}",
            courses
                .iter()
                .map(|c| c.slug.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn units(
    slug: &str,
    raw: Vec<RawUnit>,
    text: &str,
    book_line: usize,
    problems: &mut Vec<Problem>,
) -> Vec<Unit> {
    if raw.is_empty() {
        problems.push(Problem {
            line: book_line,
            message: format!("textbook `{slug}` has no units"),
            help: "list its units in order: `units: [{ number: 1, name: 少年有梦 }]`".into(),
            value: None,
        });
    }
    let mut seen = BTreeSet::new();
    let mut units = Vec::with_capacity(raw.len());
    // Each unit is looked for after the one before it.
    let mut after = book_line;
    for unit in raw {
        let line =
            value_line(text, after + 1, "number", &unit.number.to_string()).unwrap_or(book_line);
        after = after.max(line);
        let mut problem = |message: String, help: &str| {
            problems.push(Problem {
                line,
                message,
                help: help.into(),
                value: None,
            })
        };
        if unit.number == 0 {
            problem(
                format!("textbook `{slug}` has a unit numbered 0"),
                "number the units from 1, as the book does",
            );
        } else if !seen.insert(unit.number) {
            problem(
                format!("textbook `{slug}` lists unit {} twice", unit.number),
                "give each unit its own number",
            );
        }
        let too_long = std::iter::once(&unit.name)
            .chain(&unit.lessons)
            .any(|name| name.chars().count() > MAX_NAME_CHARS);
        if too_long {
            problem(
                format!(
                    "unit {} of textbook `{slug}` has a name over {MAX_NAME_CHARS} characters",
                    unit.number
                ),
                "a unit's and its lessons' names are on the pages of their resources: write them as the book's contents page does",
            );
        }
        if unit.name.trim().is_empty() {
            problem(
                format!(
                    "unit {} of textbook `{slug}` has an empty name",
                    unit.number
                ),
                "write the unit's title, e.g. `name: 成长的节拍`",
            );
        }
        units.push(Unit {
            number: unit.number,
            name: unit.name.trim().to_string(),
            lessons: unit.lessons.iter().map(|l| l.trim().to_string()).collect(),
        });
    }
    // The book's order, whatever order site.yaml lists them in.
    units.sort_by_key(|u| u.number);
    units
}

/// The first line at or after `from` where `key:` is followed by `value` (a textbook's `slug:`,
/// a unit's `number:`), in block or flow style.
impl Config {
    pub fn textbook(&self, slug: &str) -> Option<&Textbook> {
        self.textbooks.iter().find(|t| t.slug == slug)
    }

    /// The textbooks of one course, in the order `site.yaml` lists them.
    pub fn course_textbooks<'a>(&'a self, course: &'a str) -> impl Iterator<Item = &'a Textbook> {
        self.textbooks.iter().filter(move |t| t.course == course)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, parse};
    use crate::diagnostics::Diagnostics;

    const BASE: &str = "title: T\ncourses:\n  - { slug: morality-law, name: 道德与法治 }\n  - { slug: mental-health, name: 心理健康 }\n";

    fn parse_with(textbooks: &str) -> (Option<Config>, Diagnostics) {
        let mut d = Diagnostics::new();
        let config = parse(&format!("{BASE}{textbooks}"), &mut d);
        (config, d)
    }

    #[test]
    fn textbooks_are_optional_and_their_units_in_the_books_order() {
        let (config, d) = parse_with("");
        assert!(!d.has_errors());
        assert!(config.unwrap().textbooks.is_empty());
        let (config, d) = parse_with(
            "textbooks:\n  - slug: daofa-7a\n    name: 人教版 道德与法治 七年级上册\n    course: morality-law\n    grade: 7\n    term: 1\n    edition: 人教版\n    units:\n      - { number: 2, name: 友谊的天空 }\n      - { number: 1, name: 少年有梦, lessons: [中学时代, 少年有梦] }\n",
        );
        assert!(!d.has_errors(), "{:?}", d.sorted());
        let config = config.unwrap();
        let book = config.textbook("daofa-7a").unwrap();
        assert_eq!(book.units[1].name, "友谊的天空");
        assert_eq!(book.unit(1).unwrap().lessons, ["中学时代", "少年有梦"]);
        assert_eq!(config.course_textbooks("morality-law").count(), 1);
        assert_eq!(config.course_textbooks("mental-health").count(), 0);
        // the grade as front matter takes it
        for (written, number) in [("七年级", 7), ("高一", 10)] {
            let text = format!(
                "textbooks:\n  - {{ slug: a, name: A, course: morality-law, grade: {written}, units: [{{ number: 1, name: U }}] }}\n"
            );
            let (config, d) = parse_with(&text);
            assert!(!d.has_errors(), "{written}: {:?}", d.sorted());
            assert_eq!(config.unwrap().textbooks[0].grade, number);
        }
        let (_, d) = parse_with(
            "textbooks:\n  - { slug: a, name: A, course: morality-law, grade: \"7-8\", units: [{ number: 1, name: U }] }\n",
        );
        assert!(format!("{:?}", d.sorted()).contains("more than one grade"));
    }

    #[test]
    fn bad_textbooks_are_reported_at_their_lines_with_suggestions() {
        let (config, d) = parse_with(
            "textbooks:\n  - slug: Daofa 7A\n    name: 七上\n    course: moralty-law\n    grade: 13\n    term: 3\n    units: []\n  - slug: xl-7\n    name: 心理健康 七年级\n    course: mental-health\n    grade: 7\n    units:\n      - { number: 1, name: 认识自我 }\n      - { number: 1, name: \"\" }\n",
        );
        assert!(config.is_none());
        let all = d.sorted();
        let find = |text: &str| {
            all.iter()
                .find(|d| d.message.contains(text))
                .unwrap_or_else(|| panic!("no `{text}` in {all:?}"))
        };
        assert_eq!(find("is not ASCII").line, Some(6));
        let course = find("unknown course `moralty-law`");
        assert_eq!(course.help.as_deref(), Some("did you mean `morality-law`?"));
        find("grade 13");
        find("term 3");
        find("has no units");
        let twice = find("lists unit 1 twice");
        assert_eq!(twice.line, Some(18));
        find("unit 1 of textbook `xl-7` has an empty name");
    }

    #[test]
    fn a_chinese_slug_before_another_textbook_is_an_error_not_a_crash() {
        // Finding the second textbook's line once cut the first one's Chinese slug mid-character.
        let (config, d) = parse_with(
            "textbooks:\n  - { slug: 道法, name: x, course: morality-law, grade: 7, units: [{ number: 1, name: A }] }\n  - { slug: ab, name: y, course: morality-law, grade: 7, units: [{ number: 1, name: A }] }\n",
        );
        assert!(config.is_none());
        let all = d.sorted();
        let not_ascii = all.iter().find(|d| d.message.contains("is not ASCII"));
        assert_eq!(not_ascii.and_then(|d| d.line), Some(6), "{all:?}");
    }

    #[test]
    fn a_second_textbook_is_reported_at_its_own_line() {
        let (config, d) = parse_with(
            "textbooks:\n  - { slug: ab, name: x, course: morality-law, grade: 7, units: [{ number: 1, name: A }] }\n  - { slug: ab, name: y, course: nope, grade: 99, units: [{ number: 1, name: A }] }\n",
        );
        assert!(config.is_none());
        let all = d.sorted();
        for text in ["appears twice", "unknown course `nope`", "grade 99"] {
            let found = all.iter().find(|d| d.message.contains(text));
            assert_eq!(found.and_then(|d| d.line), Some(7), "{text}: {all:?}");
        }
    }

    #[test]
    fn a_misspelt_nested_key_is_matched_against_its_own_block() {
        for (yaml, near) in [
            ("search:\n  ofline: true\n", "offline"),
            ("budget: { pagekb: 1 }\n", "page_kb"),
        ] {
            let (config, d) = parse_with(yaml);
            assert!(config.is_none());
            let all = d.sorted();
            let help = all.iter().find_map(|d| d.help.clone()).unwrap_or_default();
            assert_eq!(help, format!("did you mean `{near}`?"), "{all:?}");
        }
    }

    #[test]
    fn unknown_textbook_keys_get_did_you_mean() {
        let (config, d) = parse_with(
            "textbooks:\n  - slug: a\n    name: A\n    course: mental-health\n    grade: 7\n    unit: []\n",
        );
        assert!(config.is_none());
        let all = d.sorted();
        assert!(all.iter().any(|d| d.message.contains("unit")), "{all:?}");
    }
}
