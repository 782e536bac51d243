//! A resource's `textbook:`, `unit:` and `period:` checked against the textbooks `site.yaml`
//! declares: an unknown textbook or unit is an error with "did you mean"; a textbook of
//! another course, grade or term is a warning, made once the records are assembled
//! (`alignment_warnings`). Only reads the config: the pages are `theme`'s.

use super::model::{Alignment, Ordinal};
use super::parse::Place;
use crate::config::Textbook;
use crate::diagnostics::{Diagnostic, suggest};

pub(super) fn alignment(
    place: &Place<'_>,
    problems: &mut Vec<Diagnostic>,
    textbook: Option<String>,
    unit: Option<Ordinal>,
    period: Option<Ordinal>,
) -> Option<Alignment> {
    let textbook = textbook
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let Some(slug) = textbook else {
        if unit.is_some() || period.is_some() {
            let key = if unit.is_some() { "unit" } else { "period" };
            problems.push(place.problem(
                key,
                format!("`{key}:` is given without `textbook:`"),
                "name the textbook too: `textbook: <a textbook slug from site.yaml>`",
            ));
        }
        return None;
    };
    let Some(book) = place.config.textbook(&slug) else {
        problems.push(place.problem(
            "textbook",
            format!("unknown textbook `{slug}`"),
            textbook_help(place, &slug),
        ));
        return None;
    };
    let unit = match unit {
        Some(Ordinal::Name(name)) => match book.units.iter().find(|u| u.name == name) {
            Some(found) => Some(found.number),
            None => {
                // 生命的思索 for 生命的思考: the unit it most likely means, else them all
                let near = suggest(&name, book.units.iter().map(|u| u.name.as_str()))
                    .and_then(|near| book.units.iter().find(|u| u.name == near));
                let help = match near {
                    Some(unit) => format!(
                        "did you mean unit {} ({})? Write `unit: {}` or its name as site.yaml has it",
                        unit.number, unit.name, unit.number
                    ),
                    None => format!(
                        "write the unit's number or its name as site.yaml has it: {}",
                        unit_list(book)
                    ),
                };
                problems.push(place.problem(
                    "unit",
                    format!("textbook `{slug}` has no unit named `{name}`"),
                    help,
                ));
                return None;
            }
        },
        Some(Ordinal::Number(n)) => Some(n),
        None => None,
    };
    let Some(unit) = unit else {
        // A `unit:` whose value was refused has its own error already.
        if !place.origin.has_key("unit") {
            problems.push(place.problem(
                "textbook",
                format!("textbook `{slug}` is given without `unit:`"),
                format!("add the unit's number: {}", unit_list(book)),
            ));
        }
        return None;
    };
    let Some(found) = book.unit(unit) else {
        problems.push(place.problem(
            "unit",
            format!("textbook `{slug}` has no unit {unit}"),
            unit_help(book, unit),
        ));
        return None;
    };
    let period = match period {
        Some(Ordinal::Name(name)) => match found.lessons.iter().position(|l| *l == name) {
            Some(i) => Some(i as u32 + 1),
            None => {
                let help = if found.lessons.is_empty() {
                    "write the lesson's number within the unit, from 1".to_string()
                } else {
                    format!(
                        "write the lesson's number or its name as site.yaml lists it: {}",
                        found
                            .lessons
                            .iter()
                            .enumerate()
                            .map(|(i, l)| format!("{} {l}", i + 1))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                problems.push(place.problem(
                    "period",
                    format!("unit {unit} ({}) has no lesson named `{name}`", found.name),
                    help,
                ));
                return None;
            }
        },
        Some(Ordinal::Number(n)) => Some(n),
        None => None,
    };
    if let Some(p) = period {
        let listed = found.lessons.len();
        if p == 0 || (listed > 0 && p as usize > listed) {
            let help = if listed > 0 {
                format!(
                    "unit {unit} ({}) lists {listed} lessons: write a number from 1 to {listed}",
                    found.name
                )
            } else {
                "number the lessons of a unit from 1".to_string()
            };
            problems.push(place.problem(
                "period",
                format!("there is no lesson {p} in unit {unit}"),
                help,
            ));
            return None;
        }
    }
    Some(Alignment {
        textbook: slug,
        unit,
        period,
    })
}

/// Warnings for each resource aligned to a textbook that is not of its own course, grade or
/// term: the textbook's page would list it beside lessons of another year. Made over the
/// assembled records (a record parsed without errors carries no warnings with it).
pub fn alignment_warnings(
    config: &crate::config::Config,
    resources: &[std::sync::Arc<super::Resource>],
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for r in resources {
        let Some(book) = r
            .alignment
            .as_ref()
            .and_then(|a| config.textbook(&a.textbook))
        else {
            continue;
        };
        if book.course != r.course {
            let warning = Diagnostic::warning(format!(
                "textbook `{}` is for course `{}`, but this resource's course is `{}`",
                book.slug, book.course, r.course
            ))
            .with_help("align the resource to a textbook of its own course, or correct `course:`");
            warnings.push(r.origin.at_key("textbook", warning));
        }
        if !r.grades.contains(&book.grade) {
            let warning = Diagnostic::warning(format!(
                "textbook `{}` is for grade {}, but this resource is for grade {}",
                book.slug,
                book.grade,
                r.grades.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")
            ))
            .with_help(format!(
                "align the resource to a textbook of its own grade, or include grade {} in `grade:`",
                book.grade
            ));
            warnings.push(r.origin.at_key("textbook", warning));
        }
        let term = match &r.detail {
            super::Detail::Lesson(d) => d.term,
            _ => None,
        };
        if let (Some(book_term), Some(term)) = (book.term, term)
            && book_term != term
        {
            let warning = Diagnostic::warning(format!(
                "textbook `{}` is for term {book_term} ({}), but this lesson says `term: {term}`",
                book.slug,
                if book_term == 1 {
                    "上学期"
                } else {
                    "下学期"
                }
            ))
            .with_help(format!(
                "write `term: {book_term}`, or align the lesson to the other term's textbook"
            ));
            warnings.push(r.origin.at_key("term", warning));
        }
    }
    warnings
}

fn textbook_help(place: &Place<'_>, slug: &str) -> String {
    let books = &place.config.textbooks;
    if books.is_empty() {
        return "the site declares no textbooks: list them under `textbooks:` in site.yaml, or remove `textbook:`".into();
    }
    let by_name = books
        .iter()
        .find(|b| b.name == slug)
        .map(|b| b.slug.as_str());
    match by_name.or_else(|| suggest(slug, books.iter().map(|b| b.slug.as_str()))) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!(
            "use a textbook slug from site.yaml: {}",
            books
                .iter()
                .map(|b| b.slug.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// "did you mean" for a unit number: the nearest unit the book has, and every unit.
fn unit_help(book: &Textbook, unit: u32) -> String {
    let nearest = book
        .units
        .iter()
        .min_by_key(|u| (u.number.abs_diff(unit), u.number));
    match nearest {
        Some(near) => format!(
            "did you mean unit {} ({})? {}",
            near.number,
            near.name,
            unit_list(book)
        ),
        None => unit_list(book),
    }
}

fn unit_list(book: &Textbook) -> String {
    let units: Vec<String> = book
        .units
        .iter()
        .map(|u| format!("{} {}", u.number, u.name))
        .collect();
    format!("`{}` has units {}", book.slug, units.join(", "))
}
