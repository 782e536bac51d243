//! A CSV video catalog (`content/videos/*.csv`): the header row names the fields of a YAML
//! catalog entry, and each row becomes a `VideoFront` that goes through the very checks a YAML
//! entry goes through (`parse::video`). Only the cells' own syntax is read here: list cells
//! (`7|8`, `导入、新授`), dates, durations, `true`/`false`. Diagnostics point at
//! `file:row:column` in spreadsheet terms and name the column.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::csv::{self, Record};
use super::model::*;
use super::parse::{self, ChapterFront, VideoFront};
use super::{FileOutcome, Found};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, suggest_field};

/// Columns a catalog cannot do without: a YAML entry without them is refused too.
const REQUIRED: &[&str] = &["id", "title", "grade", "course", "url"];

/// What a catalog is checked against.
pub(super) struct SiteRefs<'a> {
    pub config: &'a Config,
    pub assets: &'a BTreeSet<String>,
    pub drafts: bool,
}

/// Read the catalog's bytes into records (or diagnostics) in `outcome`, with a note of the
/// encoding they were read as.
pub(super) fn read(found: &Found, bytes: &[u8], site: &SiteRefs<'_>, outcome: &mut FileOutcome) {
    let file = found.rel.as_str();
    let (text, encoding) = match csv::decode(bytes) {
        Ok(decoded) => decoded,
        Err((message, help)) => {
            let problem = Diagnostic::error(message).with_help(help);
            outcome
                .diagnostics
                .push(problem.in_file(file).at_line_only(csv::problem_line(bytes)));
            return;
        }
    };
    outcome.note = Some(format!("{file}: read as {}", encoding.name()));
    // The rows before a structural problem (a quote left open) are read and checked as usual:
    // an editor mends a whole sheet in one round, not one error per build.
    let (records, broken) = csv::read(&text);
    if let Some(error) = broken {
        let problem = Diagnostic::error(error.message).with_help(error.help);
        outcome
            .diagnostics
            .push(at_cell(problem, file, error.row, error.column));
        if records.is_empty() {
            return;
        }
    }
    let Some((first, rows)) = records.split_first() else {
        outcome.diagnostics.push(
            Diagnostic::warning("the CSV catalog is empty")
                .in_file(file)
                .with_help("its first row names the columns: id,title,grade,course,url,…"),
        );
        return;
    };
    if let Some(problem) = title_row(first, rows) {
        outcome
            .diagnostics
            .push(at_cell(problem, file, first.row, 1));
        return;
    }
    let header = Header::read(first, file, &mut outcome.diagnostics);
    if header.missing_required {
        return;
    }
    let text: Arc<str> = Arc::from(text);
    for record in rows.iter().filter(|r| !r.is_blank()) {
        read_row(record, &header, file, &text, site, outcome);
    }
}

/// `diagnostic` at a spreadsheet cell.
fn at_cell(diagnostic: Diagnostic, file: &str, row: usize, column: usize) -> Diagnostic {
    let mut diagnostic = diagnostic.in_file(file).at_line_only(row);
    diagnostic.column = Some(column);
    diagnostic
}

/// The header row: each column's field name, checked against the fields a video has.
struct Header {
    columns: Arc<[String]>,
    /// A required field has no column: no row can become a video.
    missing_required: bool,
}

/// A sheet with a title row above its header (`2024年春季课堂视频登记表` in a merged cell):
/// the first row holds one or two cells and no field, the next names fields.
fn title_row(first: &Record, rows: &[Record]) -> Option<Diagnostic> {
    let fields = fields();
    let filled: Vec<&str> = first
        .cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    let names_fields = |record: &Record| {
        record
            .cells
            .iter()
            .filter(|c| fields.contains(&column_field(c, &fields).as_str()))
            .count()
    };
    let next = rows.iter().find(|r| !r.is_blank())?;
    (filled.len() <= 2 && names_fields(first) == 0 && names_fields(next) >= 2).then(|| {
        Diagnostic::error(format!(
            "row {} is a title (`{}`), and the column names are on row {}",
            first.row,
            crate::diagnostics::shorten(filled.first().copied().unwrap_or(""), 30),
            next.row
        ))
        .with_help("delete the title row in the spreadsheet, so that the first row names the columns (id, title, grade, course, url …), and save again as CSV")
    })
}

impl Header {
    fn read(record: &Record, file: &str, problems: &mut Vec<Diagnostic>) -> Header {
        let fields = fields();
        let columns: Vec<String> = record
            .cells
            .iter()
            .map(|c| column_field(c, &fields))
            .collect();
        if let Some(separator) = other_separator(&columns, &fields) {
            let shown = match separator {
                '\t' => "tabs (制表符)".to_string(),
                other => format!("`{other}`"),
            };
            let problem = Diagnostic::error(format!(
                "the columns are separated by {shown}, not by commas"
            ))
            .with_help("save the sheet again as \"CSV UTF-8 (逗号分隔)\": a CSV catalog separates its cells with commas (a European Excel writes semicolons)");
            problems.push(at_cell(problem, file, record.row, 1));
            return Header {
                columns: columns.into(),
                missing_required: true,
            };
        }
        // field → the column that named it first, as written
        let mut seen: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
        // Columns of the teacher's own: one warning each, unless a sheet has many (a 200-column
        // export would print 200), then one naming them.
        let mut unread = Vec::new();
        for (index, name) in columns.iter().enumerate() {
            let problem = if name.is_empty() {
                None
            } else if !fields.contains(&name.as_str()) {
                let problem = unknown_column(name, &fields);
                if !problem.is_error() {
                    unread.push((index, problem));
                    continue;
                }
                Some(problem)
            } else if let Some(first) = seen.get(name.as_str()) {
                let written = record.cells[index].trim();
                let message = if *first == written {
                    format!("the column `{name}` appears twice")
                } else {
                    format!("the columns `{first}` and `{written}` both name the field `{name}`")
                };
                Some(
                    Diagnostic::error(message)
                        .with_help("keep one column per field: merge the two and delete the other"),
                )
            } else {
                seen.insert(name.as_str(), record.cells[index].trim());
                None
            };
            if let Some(problem) = problem {
                problems.push(at_cell(problem, file, record.row, index + 1));
            }
        }
        problems.extend(unread_columns(unread, &columns, file, record.row));
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|f| !columns.iter().any(|c| c == f))
            .collect();
        for field in &missing {
            let problem = Diagnostic::error(format!("the header has no `{field}` column"))
                .with_help(format!(
                    "add a column named `{field}`: every video needs one (the header must name {})",
                    REQUIRED.join(", ")
                ));
            problems.push(at_cell(problem, file, record.row, 1));
        }
        Header {
            columns: columns.into(),
            missing_required: !missing.is_empty(),
        }
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// The field a header cell names: the cell itself, or the field it stands for when it names one
/// in other capitals (`ID`, `URL`, `Title`, as Excel users write headers) or in Chinese (`标题`,
/// `年级`, `链接`: a sheet made on a Chinese Windows).
fn column_field(cell: &str, fields: &[&str]) -> String {
    let name = cell.trim();
    let lower = name.to_ascii_lowercase();
    if let Some(field) = fields.iter().find(|f| **f == lower) {
        return field.to_string();
    }
    crate::diagnostics::chinese_field(name, fields)
        .unwrap_or(name)
        .to_string()
}

/// The separator of a header row read as one cell because its cells are separated by
/// something else (`id;title;grade`, or tabs): two field names or more on either side of it.
fn other_separator(columns: &[String], fields: &[&str]) -> Option<char> {
    let [only] = columns else {
        return None;
    };
    [';', '\t', '；'].into_iter().find(|separator| {
        only.split(*separator)
            .filter(|name| fields.contains(&name.trim()))
            .count()
            >= 2
    })
}

fn fields() -> Vec<&'static str> {
    let mut fields = vec!["id"];
    fields.extend_from_slice(parse::VIDEO_FIELDS);
    fields
}

/// A column the catalog does not know (`column_field` has read capitals and Chinese names): an
/// error when it looks like a field misspelt (`speeker`), else a warning — sheets teachers share carry columns of
/// their own (备注, 序号), and those are left unread.
fn unknown_column(name: &str, fields: &[&str]) -> Diagnostic {
    if let Some(near) = suggest_field(name, fields).filter(|near| misspelt(name, near)) {
        return Diagnostic::error(format!("unknown column `{name}`"))
            .with_help(format!("did you mean `{near}`?"));
    }
    if let Some((chinese, field)) = crate::diagnostics::near_chinese_field(name, fields) {
        return Diagnostic::error(format!("unknown column `{name}`"))
            .with_help(format!("did you mean `{chinese}` ({field})?"));
    }
    Diagnostic::warning(format!("column `{name}` is not read: a video catalog has no such field"))
        .with_help(format!(
            "the columns a video catalog knows: {} (or by their Chinese names: {}); rename the column if it is one of them, or leave it (its cells are ignored)",
            fields.join(", "),
            crate::diagnostics::chinese_names(fields).join("、")
        ))
}

/// The warnings for the columns no field reads: each apart when they are few, else one.
fn unread_columns(
    unread: Vec<(usize, Diagnostic)>,
    columns: &[String],
    file: &str,
    row: usize,
) -> Vec<Diagnostic> {
    const APART: usize = 3;
    if unread.len() <= APART {
        return unread
            .into_iter()
            .map(|(index, problem)| at_cell(problem, file, row, index + 1))
            .collect();
    }
    let names: Vec<String> = unread
        .iter()
        .take(10)
        .map(|(index, _)| format!("`{}`", columns[*index]))
        .collect();
    let more = unread.len().saturating_sub(10);
    let listed = match more {
        0 => names.join(", "),
        more => format!("{} and {more} more", names.join(", ")),
    };
    let first = unread[0].0;
    let problem = Diagnostic::warning(format!(
        "{} columns are not read, a video catalog has no such fields: {listed}",
        unread.len()
    ))
    .with_help("rename a column if it is a field (id, title, grade, course, url, topics, summary, date…), or leave them: their cells are ignored");
    vec![at_cell(problem, file, row, first + 1)]
}

/// Whether the column `name` is `field` misspelt or named in Chinese (`speeker`, `grades`,
/// `标题`), not a word of its own that happens to look alike (`time` is no `title`, `note` no
/// `date`): one letter off, two in a longer name.
fn misspelt(name: &str, field: &str) -> bool {
    let ascii = name.is_ascii();
    let distance = strsim::osa_distance(&name.to_ascii_lowercase(), field);
    !ascii || distance <= 1 || (name.len() >= 6 && distance <= 2)
}

/// One row → one video, or diagnostics.
fn read_row(
    record: &Record,
    header: &Header,
    file: &str,
    text: &Arc<str>,
    site: &SiteRefs<'_>,
    outcome: &mut FileOutcome,
) {
    if record.cells.len() != header.columns.len() {
        outcome.diagnostics.push(cell_count(record, header, file));
        return;
    }
    if let Some(problem) = unnamed_cell(record, header, file) {
        outcome.diagnostics.push(problem);
    }
    let origin = Origin {
        file: file.to_string(),
        text: text.clone(),
        yaml: 0..0,
        yaml_line: record.line,
        row: Some(TableRow {
            row: record.row,
            columns: header.columns.clone(),
        }),
    };
    let mut cells = Cells {
        record,
        header,
        origin: &origin,
        problems: Vec::new(),
    };
    let front = cells.front();
    let broken = cells.problems;
    let place = parse::Place {
        config: site.config,
        assets: site.assets,
        stem: front.id.clone().unwrap_or_default(),
        body_span: 0..0,
        body_line: record.line,
        origin: origin.clone(),
    };
    let parsed = parse::video(place, site.drafts, Some(front));
    if broken.is_empty() {
        return super::collect_resource(parsed, outcome);
    }
    // A cell already reported stands in for its default value: leave out what the checks
    // said about that default. What the row names is checked all the same.
    let columns: BTreeSet<Option<usize>> = broken.iter().map(|d| d.column).collect();
    outcome.diagnostics.extend(broken);
    let (resource, problems) = match parsed {
        Ok((resource, problems)) => (resource, problems),
        Err(problems) => (None, problems),
    };
    let new = problems
        .into_iter()
        .filter(|p| !columns.contains(&p.column));
    outcome.diagnostics.extend(new);
    outcome
        .broken_refs
        .extend(resource.and_then(super::BrokenRefs::of));
}

fn cell_count(record: &Record, header: &Header, file: &str) -> Diagnostic {
    let (has, wants) = (record.cells.len(), header.columns.len());
    let problem = Diagnostic::error(format!(
        "this row has {has} cells but the header has {wants} columns"
    ))
    .with_help("a cell that holds a comma must be in quotes (\"a,b\"); look for a comma too many or too few");
    at_cell(problem, file, record.row, has.min(wants) + 1)
}

/// Text under a column with no name would be lost without a word. (Excel leaves empty
/// columns with empty names at the end of a sheet that once had more: those are fine.)
fn unnamed_cell(record: &Record, header: &Header, file: &str) -> Option<Diagnostic> {
    let index = header
        .columns
        .iter()
        .zip(&record.cells)
        .position(|(name, cell)| name.is_empty() && !cell.trim().is_empty())?;
    let problem = Diagnostic::error("this cell is under a column with no name")
        .with_help("name the column in the header row (row 1), or empty the cell");
    Some(at_cell(problem, file, record.row, index + 1))
}

/// The cells of one row, read by field name; a cell that cannot be read becomes a problem.
struct Cells<'a> {
    record: &'a Record,
    header: &'a Header,
    origin: &'a Origin,
    problems: Vec<Diagnostic>,
}

impl Cells<'_> {
    fn front(&mut self) -> VideoFront {
        VideoFront {
            id: Some(self.required("id")),
            title: self.required("title"),
            grade: self
                .parsed("grade", GradeSpec::from_cell, GRADE_HELP)
                .unwrap_or(GradeSpec(Vec::new())),
            course: self.required("course"),
            topics: super::model::topic_names(self.text("topics")),
            summary: self.text("summary").to_string(),
            date: self.parsed("date", Date::parse, DATE_HELP),
            draft: self.parsed("draft", draft, DRAFT_HELP).unwrap_or(false),
            slug: self.optional("slug"),
            url: self.required("url"),
            duration: self.parsed("duration", Duration::parse, DURATION_HELP),
            poster: self.optional("poster"),
            speaker: self.text("speaker").to_string(),
            school: self.text("school").to_string(),
            captions: self.optional("captions"),
            lesson: self.optional("lesson"),
            chapters: self
                .parsed("chapters", chapters, CHAPTERS_HELP)
                .unwrap_or_default(),
            textbook: self.optional("textbook"),
            unit: Ordinal::from_text(self.text("unit")),
            period: Ordinal::from_text(self.text("period")),
            chapters_file: self.optional("chapters_file"),
        }
    }

    /// The cell under `name`, trimmed; empty when there is no such column.
    fn text(&self, name: &str) -> &str {
        let cell = self
            .header
            .index(name)
            .and_then(|i| self.record.cells.get(i));
        cell.map_or("", |c| c.trim())
    }

    fn optional(&self, name: &str) -> Option<String> {
        Some(self.text(name).to_string()).filter(|t| !t.is_empty())
    }

    fn required(&mut self, name: &str) -> String {
        let text = self.text(name).to_string();
        if text.is_empty() {
            let message = "the cell is empty".to_string();
            self.problem(name, message, required_help(name));
        }
        text
    }

    /// An empty cell is `None`; anything else must parse.
    fn parsed<T>(
        &mut self,
        name: &str,
        parse: impl Fn(&str) -> Result<T, String>,
        help: &str,
    ) -> Option<T> {
        let text = self.text(name);
        if text.is_empty() {
            return None;
        }
        match parse(text) {
            Ok(value) => Some(value),
            Err(message) => {
                self.problem(name, message, help);
                None
            }
        }
    }

    fn problem(&mut self, name: &str, message: String, help: &str) {
        let problem = Diagnostic::error(message).with_help(help);
        self.problems.push(self.origin.at_key(name, problem));
    }
}

/// The items of a list cell: separated by `|` or `、`, blanks dropped.
fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(['|', '、'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

const GRADE_HELP: &str = "write one grade `7`, a range `7-9`, or a list `7|8` (or `7、8`)";
const DATE_HELP: &str = "write the date as YYYY-MM-DD, e.g. 2024-09-01 (in Excel, format the column as text so it keeps that form)";
const DRAFT_HELP: &str = "write `true` or `false`, or leave the cell empty";
const DURATION_HELP: &str = "write \"mm:ss\" or \"h:mm:ss\", e.g. 40:12";
const CHAPTERS_HELP: &str = "write each chapter as a time, a space and its title, separated by `|`: `05:20 导入|12:00 新授`";

fn required_help(name: &str) -> &'static str {
    match name {
        "id" => {
            "give every row an id of ASCII letters, digits, `-` and `_`: it becomes the video's address"
        }
        "grade" => GRADE_HELP,
        "course" => "write a course slug from site.yaml",
        "url" => "write an https:// address or a file under content/assets/",
        _ => "fill in the cell: every video needs it",
    }
}

/// `true`/`false` in any case: Excel writes `TRUE`.
fn draft(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("`{text}` is not `true` or `false`")),
    }
}

/// `05:20 导入|12:00 新授` → chapters (their order and times are checked by `parse::video`).
fn chapters(text: &str) -> Result<Vec<ChapterFront>, String> {
    split_list(text)
        .map(|item| {
            let (at, title) = item.split_once(char::is_whitespace).unwrap_or((item, ""));
            let title = title.trim();
            if title.is_empty() {
                return Err(format!("the chapter `{item}` has no title"));
            }
            let at = Duration::parse(at)?;
            Ok(ChapterFront {
                at,
                title: title.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_cells_split_on_bars_and_enumeration_commas() {
        let items: Vec<&str> = split_list(" 情绪 | 自我认识、 合作 ||").collect();
        assert_eq!(items, ["情绪", "自我认识", "合作"]);
        assert_eq!(GradeSpec::from_cell("7|8、9").unwrap().0, vec![7, 8, 9]);
        assert_eq!(GradeSpec::from_cell("7-9").unwrap().0, vec![7, 8, 9]);
        assert!(GradeSpec::from_cell("七").is_err());
    }

    #[test]
    fn chapters_cells() {
        let list = chapters("05:20 导入|12:00　新授").unwrap();
        assert_eq!(list[1].at, Duration(720));
        assert_eq!(list[1].title, "新授");
        assert!(chapters("05:20").err().unwrap().contains("no title"));
        assert!(chapters("5分 导入").is_err());
    }

    #[test]
    fn draft_cells_accept_excel_capitals() {
        assert_eq!(draft("TRUE"), Ok(true));
        assert_eq!(draft("false"), Ok(false));
        assert!(draft("是").is_err());
    }
}
