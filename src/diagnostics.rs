//! Diagnostics: every problem Lectern finds in a site, with the file, line and column where it is,
//! what is wrong and how to fix it. Stages push diagnostics and go on; the CLI prints them all at
//! the end, sorted, like rustc does. Nothing here panics or exits.

use std::fmt::Write as _;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// What a build leaves out by the site's own choice, said once (sitemaps without an
    /// absolute base URL): not a problem to mend, so `--strict` does not fail on it.
    Note,
}

/// One problem, located as precisely as we know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Path relative to the site root, with `/` separators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column, counted in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The text of the offending line, shown under the location.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// How many characters to underline from `column`.
    #[serde(skip)]
    pub span_chars: usize,
    /// Characters of the line left out before `source_line` (for long lines).
    #[serde(skip)]
    pub snippet_start: usize,
}

/// Characters of a source line shown under a diagnostic.
pub(crate) const SNIPPET_CHARS: usize = 160;
/// How many characters of its line a snippet shows before the place it points at.
pub(crate) const SNIPPET_BEFORE: usize = 60;

/// `text` as a message echoes it: at most `max` characters (then `…`), no control characters.
pub fn shorten(text: &str, max: usize) -> String {
    let mut short: String = text.chars().filter(|c| !c.is_control()).take(max).collect();
    if text.chars().filter(|c| !c.is_control()).nth(max).is_some() {
        short.push('…');
    }
    short
}

/// The part of a source line a diagnostic at `column` shows, and the character it starts at.
pub fn snippet(source: &str, column: usize) -> (String, usize) {
    let skip = column.max(1).saturating_sub(SNIPPET_BEFORE + 1);
    (
        source.chars().skip(skip).take(SNIPPET_CHARS).collect(),
        skip,
    )
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message.into())
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message.into())
    }

    pub fn note(message: impl Into<String>) -> Self {
        Self::new(Severity::Note, message.into())
    }

    fn new(severity: Severity, message: String) -> Self {
        Diagnostic {
            severity,
            message,
            file: None,
            line: None,
            column: None,
            help: None,
            source_line: None,
            span_chars: 1,
            snippet_start: 0,
        }
    }

    pub fn in_file(mut self, file: &str) -> Self {
        self.file = Some(file.to_string());
        self
    }

    /// Locate the diagnostic at `line` (1-based) of `text`, the whole file, and show that line.
    pub fn at_line(self, text: &str, line: usize, column: usize) -> Self {
        let source = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
        self.at_source_line(source, line, column)
    }

    /// Locate the diagnostic when the caller already has the line's text. Only a window of a
    /// long line is kept: a thousand warnings on one 400 KB line must not copy it a thousand times.
    pub fn at_source_line(self, source: &str, line: usize, column: usize) -> Self {
        let (snippet, start) = snippet(source, column);
        self.at_snippet(snippet, start, line, column)
    }

    /// `at_source_line` with the snippet `snippet` already cut from the line (`snippet`): what
    /// a check that reports later keeps, rather than the whole line (which may be 1 MB).
    pub fn at_snippet(mut self, snippet: String, start: usize, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column.max(1));
        self.snippet_start = start;
        self.source_line = Some(snippet);
        self
    }

    /// Locate the diagnostic at a line without a source snippet.
    pub fn at_line_only(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn underline(mut self, chars: usize) -> Self {
        self.span_chars = chars.max(1);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// Render in the rustc style, with a snippet when we have the source line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        let _ = writeln!(out, "{label}: {}", neutralised(&self.message));
        let gutter = self.line.map(|l| l.to_string().len()).unwrap_or(1);
        let pad = " ".repeat(gutter);
        if let Some(file) = &self.file {
            let location = match (self.line, self.column) {
                (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
                (Some(l), None) => format!("{file}:{l}"),
                _ => file.clone(),
            };
            let _ = writeln!(out, "{pad}--> {}", neutralised(&location));
        }
        if let (Some(line), Some(source)) = (self.line, &self.source_line) {
            let shown = visible_line(source);
            let column = self
                .column
                .unwrap_or(1)
                .saturating_sub(self.snippet_start)
                .max(1);
            let lead: usize = shown.chars().take(column - 1).map(display_width).sum();
            let marks: usize = shown
                .chars()
                .skip(column - 1)
                .take(self.span_chars)
                .map(display_width)
                .sum::<usize>()
                .max(1);
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{line} | {shown}");
            let _ = writeln!(out, "{pad} | {}{}", " ".repeat(lead), "^".repeat(marks));
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {}", neutralised(help));
        }
        out
    }
}

/// Tabs become one space so the caret lines up; other controls one `�` (see `is_unsafe`);
/// very long lines are cut.
fn visible_line(source: &str) -> String {
    source
        .chars()
        .take(SNIPPET_CHARS)
        .map(|c| match c {
            '\t' => ' ',
            c if is_unsafe(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// `text` with every character a terminal would act on written as an escape (`\u{1b}`):
/// file names and front matter reach diagnostics, and an escape sequence there must not
/// recolour, retitle or rewrite the user's terminal.
pub fn neutralised(text: &str) -> String {
    if !text.chars().any(is_unsafe) {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            c if is_unsafe(c) => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Controls (C0, DEL, C1) and the bidirectional overrides that reorder what is shown.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Terminal columns a character takes (CJK and full-width forms two, combining marks none),
/// from Unicode's East Asian Width tables; control characters count as one.
fn display_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(1)
}

/// The diagnostics of one run, in the order they were found.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// Errors as reported: a problem found twice (a full disk, by every write after it) once.
    pub fn error_count(&self) -> usize {
        self.sorted().iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_warning()).count()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, then line, so the report reads top to bottom; duplicates removed.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut items = self.items.clone();
        items.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
        items.dedup();
        items
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// "did you mean `x`?" for a misspelt name: the closest candidate within a small edit distance.
/// Swapped neighbours (`cuorse`) count as one edit, as a typist makes them (strsim's optimal
/// string alignment distance).
/// A candidate sharing no character with the name is never suggested: for short names the
/// distance alone would offer `id` for `标题` (two edits, within the limit).
pub fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wrong.chars().count() / 3).max(1) + 1;
    candidates
        .into_iter()
        .filter(|c| c.chars().any(|ch| wrong.contains(ch)))
        .map(|c| (strsim::osa_distance(wrong, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// The help for an address pasted with its share code after it, as a cloud drive's share
/// message has it (`https://pan.baidu.com/s/abc 提取码: 1234`): the address alone is the link,
/// the code goes in the text. `None` when `value` is not such an address.
pub fn share_code_help(key: &str, value: &str) -> Option<String> {
    let (address, rest) = share_code_parts(value)?;
    let written = match key {
        "attachments" => format!("[{address}]"),
        _ => address.to_string(),
    };
    Some(format!(
        "the link is the address alone: write `{key}: {written}`, and put `{rest}` in the text, where readers see it"
    ))
}

/// The address and the share code after it, in a value pasted from a cloud drive's message.
pub fn share_code_parts(value: &str) -> Option<(&str, &str)> {
    let value = value.trim().trim_matches(['[', ']', '"', '\'']);
    let (address, rest) = value.split_once(char::is_whitespace)?;
    let lower = address.to_ascii_lowercase();
    let is_address = lower.starts_with("https://") || lower.starts_with("http://");
    let code = ["提取码", "密码", "访问码", "pwd", "code"]
        .iter()
        .any(|word| rest.to_lowercase().contains(word));
    (is_address && code).then_some((address, rest.trim()))
}

/// Chinese names editors give a field (a spreadsheet's column, a front matter key), and the
/// field each stands for.
const CHINESE_FIELDS: &[(&str, &str)] = &[
    ("标题", "title"),
    ("题目", "title"),
    ("课题", "title"),
    ("名称", "title"),
    ("年级", "grade"),
    ("学科", "course"),
    ("科目", "course"),
    ("课程", "course"),
    ("主题", "topics"),
    ("专题", "topics"),
    ("关键词", "topics"),
    ("日期", "date"),
    ("简介", "summary"),
    ("内容简介", "summary"),
    ("摘要", "summary"),
    ("编号", "id"),
    ("链接", "url"),
    ("网址", "url"),
    ("视频地址", "url"),
    ("视频链接", "url"),
    ("时长", "duration"),
    ("视频时长", "duration"),
    ("封面", "poster"),
    ("主讲", "speaker"),
    ("主讲人", "speaker"),
    ("主讲教师", "speaker"),
    ("主讲老师", "speaker"),
    ("执教", "speaker"),
    ("执教教师", "speaker"),
    ("执教老师", "speaker"),
    ("授课教师", "speaker"),
    ("授课老师", "speaker"),
    ("学校", "school"),
    ("字幕", "captions"),
    ("章节", "chapters"),
    ("教材", "textbook"),
    ("单元", "unit"),
    ("课时", "period"),
    ("草稿", "draft"),
];

/// The field a Chinese field name stands for (`标题` → `title`), when `fields` has it.
pub fn chinese_field<'a>(name: &str, fields: &[&'a str]) -> Option<&'a str> {
    CHINESE_FIELDS
        .iter()
        .find(|(chinese, _)| *chinese == name.trim())
        .and_then(|(_, field)| fields.iter().copied().find(|f| f == field))
}

/// A Chinese field name of three characters or more one character off `name` (执教老帅 for
/// 执教老师), with its field, when
/// `fields` has that field: a slip of the input method, not a column of the teacher's own.
pub fn near_chinese_field<'a>(name: &str, fields: &[&'a str]) -> Option<(&'static str, &'a str)> {
    let typed: Vec<char> = name.trim().chars().collect();
    // two characters are too few to call one a slip: 学段 (a stage) is not 学校
    if typed.len() < 3 || !typed.iter().any(|c| !c.is_ascii()) {
        return None;
    }
    CHINESE_FIELDS.iter().find_map(|(chinese, field)| {
        let known: Vec<char> = chinese.chars().collect();
        let differ = known.len() == typed.len()
            && known.iter().zip(&typed).filter(|(a, b)| a != b).count() == 1;
        let field = fields.iter().copied().find(|f| f == field)?;
        differ.then_some((*chinese, field))
    })
}

/// The Chinese names of the `fields` that have one (标题, 年级, …), in the table's order.
pub fn chinese_names(fields: &[&str]) -> Vec<&'static str> {
    CHINESE_FIELDS
        .iter()
        .filter(|(_, field)| fields.contains(field))
        .map(|(chinese, _)| *chinese)
        .collect()
}

/// The field an unknown field name means: its English name when it is a known Chinese one
/// (`标题` → `title`) and `fields` has it, else the closest misspelling (`suggest`).
pub fn suggest_field<'a>(wrong: &str, fields: &[&'a str]) -> Option<&'a str> {
    chinese_field(wrong, fields).or_else(|| suggest(wrong, fields.iter().copied()))
}

/// 1-based (line, column in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_pasted_with_its_share_code_is_told_apart() {
        let help =
            share_code_help("attachments", "https://pan.baidu.com/s/abc 提取码: 1234").unwrap();
        assert!(
            help.contains("`attachments: [https://pan.baidu.com/s/abc]`"),
            "{help}"
        );
        assert!(help.contains("`提取码: 1234` in the text"), "{help}");
        let url = share_code_help("url", "[https://pan.baidu.com/s/x 密码：ab12]").unwrap();
        assert!(url.contains("`url: https://pan.baidu.com/s/x`"), "{url}");
        assert_eq!(share_code_help("attachments", "https://a.org/x y"), None);
        assert_eq!(share_code_help("attachments", "学案.pdf 提取码"), None);
    }

    #[test]
    fn renders_like_rustc() {
        let text = "---\ntitle: x\ngrades: 7\n---\n";
        let d = Diagnostic::error("unknown field `grades` in lesson front matter")
            .in_file("content/lessons/a.md")
            .at_line(text, 3, 1)
            .underline(6)
            .with_help("did you mean `grade`?");
        let shown = d.render();
        assert!(shown.contains("--> content/lessons/a.md:3:1"), "{shown}");
        assert!(shown.contains("3 | grades: 7\n  | ^^^^^^\n"), "{shown}");
        assert!(shown.contains("= help: did you mean `grade`?"), "{shown}");
    }

    #[test]
    fn terminal_escapes_are_shown_not_obeyed() {
        let text = "title: \u{1b}[2J\u{1b}]0;owned\u{7}x\n";
        let d = Diagnostic::error("bad title `\u{1b}[31mred`")
            .in_file("content/lessons/\u{1b}[1mbold\u{202e}.md")
            .at_line(text, 1, 8)
            .with_help("remove \u{9b}1m");
        let shown = d.render();
        assert!(
            !shown.chars().any(|c| c != '\n' && is_unsafe(c)),
            "{shown:?}"
        );
        assert!(shown.contains("bad title `\\u{1b}[31mred`"), "{shown}");
        assert!(
            shown.contains("lessons/\\u{1b}[1mbold\\u{202e}.md:1:8"),
            "{shown}"
        );
        assert!(shown.contains("1 | title: \u{fffd}[2J"), "{shown}");
    }

    #[test]
    fn suggests_close_names_only() {
        let fields = ["grade", "title", "course"];
        assert_eq!(suggest("grades", fields), Some("grade"));
        assert_eq!(suggest("cuorse", fields), Some("course"));
        assert_eq!(suggest("zzzzzz", fields), None);
        // a swap of neighbours is one edit, so short names get their suggestion too
        assert_eq!(suggest("tilte", fields), Some("title"));
        // Within the distance but sharing no character is no suggestion.
        assert_eq!(suggest("标题", ["id", "url"]), None);
        assert_eq!(suggest("ab", ["id"]), None);
        assert_eq!(suggest("ib", ["id"]), Some("id"));
    }

    #[test]
    fn known_chinese_field_names_suggest_their_field() {
        let fields = [
            "id", "title", "grade", "course", "topics", "date", "summary",
        ];
        for (chinese, field) in [
            ("标题", "title"),
            ("年级", "grade"),
            ("学科", "course"),
            ("主题", "topics"),
            ("日期", "date"),
            ("简介", "summary"),
            ("摘要", "summary"),
        ] {
            assert_eq!(suggest_field(chinese, &fields), Some(field), "{chinese}");
        }
        // A translation the fields lack, or an unknown Chinese name: nothing misleading.
        assert_eq!(suggest_field("时长", &fields), None);
        assert_eq!(suggest_field("备注", &fields), None);
        assert_eq!(suggest_field("titel", &fields), Some("title"));
    }

    #[test]
    fn carets_line_up_under_wide_and_combining_characters() {
        let d = Diagnostic::error("x")
            .in_file("a.md")
            .at_line("title: 情e\u{301}x\n", 1, 11)
            .underline(1);
        let shown = d.render();
        // 7 + 2 (情) + 1 (e) + 0 (the accent) columns before the caret
        assert!(shown.contains("\n  |           ^\n"), "{shown}");
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\n情绪x", 9), (2, 3));
        assert_eq!(line_col("ab", 99), (1, 3));
    }
}
