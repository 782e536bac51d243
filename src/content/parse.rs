//! Front matter → typed records. Each kind has its own strict schema (`deny_unknown_fields`), then
//! values are checked against the site: grades exist, the course is known, links point at real
//! files or http(s) addresses. Problems are pushed as diagnostics at the key's line.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::Deserialize;

use super::model::*;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, suggest};
use crate::yaml::{self, YamlSource};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFront {
    title: String,
    grade: GradeSpec,
    course: String,
    #[serde(default, deserialize_with = "topic_list")]
    topics: Vec<String>,
    #[serde(default)]
    summary: String,
    date: Option<Date>,
    #[serde(default)]
    draft: bool,
    slug: Option<String>,
    #[serde(default, deserialize_with = "term_number")]
    term: Option<i64>,
    #[serde(default)]
    author: String,
    #[serde(default)]
    school: String,
    duration_minutes: Option<u32>,
    #[serde(default)]
    attachments: Vec<String>,
    textbook: Option<String>,
    unit: Option<Ordinal>,
    period: Option<Ordinal>,
}

const LESSON_FIELDS: &[&str] = &[
    "title",
    "grade",
    "course",
    "topics",
    "summary",
    "date",
    "draft",
    "slug",
    "term",
    "author",
    "school",
    "duration_minutes",
    "attachments",
    "textbook",
    "unit",
    "period",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VideoFront {
    pub(super) id: Option<String>,
    pub(super) title: String,
    pub(super) grade: GradeSpec,
    pub(super) course: String,
    #[serde(default, deserialize_with = "topic_list")]
    pub(super) topics: Vec<String>,
    #[serde(default)]
    pub(super) summary: String,
    pub(super) date: Option<Date>,
    #[serde(default)]
    pub(super) draft: bool,
    pub(super) slug: Option<String>,
    pub(super) url: String,
    pub(super) duration: Option<Duration>,
    pub(super) poster: Option<String>,
    #[serde(default)]
    pub(super) speaker: String,
    #[serde(default)]
    pub(super) school: String,
    pub(super) captions: Option<String>,
    pub(super) lesson: Option<String>,
    #[serde(default)]
    pub(super) chapters: Vec<ChapterFront>,
    pub(super) textbook: Option<String>,
    pub(super) unit: Option<Ordinal>,
    pub(super) period: Option<Ordinal>,
    /// A WebVTT chapters file under content/assets/, instead of a `chapters:` list.
    pub(super) chapters_file: Option<String>,
}

/// One entry of `chapters:`: `{at: "05:20", title: 新授}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChapterFront {
    pub(super) at: Duration,
    pub(super) title: String,
}

pub(super) const VIDEO_FIELDS: &[&str] = &[
    "title",
    "grade",
    "course",
    "topics",
    "summary",
    "date",
    "draft",
    "slug",
    "url",
    "duration",
    "poster",
    "speaker",
    "school",
    "captions",
    "lesson",
    "chapters",
    "chapters_file",
    "textbook",
    "unit",
    "period",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewFront {
    title: String,
    grade: GradeSpec,
    course: String,
    #[serde(default, deserialize_with = "topic_list")]
    topics: Vec<String>,
    #[serde(default)]
    summary: String,
    date: Option<Date>,
    #[serde(default)]
    draft: bool,
    slug: Option<String>,
    lesson: Option<String>,
    video: Option<String>,
    #[serde(default)]
    reviewer: String,
    #[serde(default)]
    school: String,
    rating: Option<i64>,
    kind: Option<ReviewKind>,
    textbook: Option<String>,
    unit: Option<Ordinal>,
    period: Option<Ordinal>,
}

const REVIEW_FIELDS: &[&str] = &[
    "title", "grade", "course", "topics", "summary", "date", "draft", "slug", "lesson", "video",
    "reviewer", "school", "rating", "kind", "textbook", "unit", "period",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageFront {
    title: String,
    #[serde(default)]
    summary: String,
    slug: Option<String>,
    #[serde(default)]
    draft: bool,
    weight: Option<i64>,
    /// Whether the footer lists it (a page of a folder is reached from its folder's page).
    menu: Option<bool>,
}

const PAGE_FIELDS: &[&str] = &["title", "summary", "slug", "draft", "weight", "menu"];

/// What every record shares, checked once.
struct Common {
    title: String,
    grades: Vec<u8>,
    course: String,
    topics: Vec<String>,
    summary: String,
    date: Option<Date>,
    school: String,
    alignment: Option<Alignment>,
}

/// Everything a parser needs to know about one record's place.
pub(super) struct Place<'a> {
    pub config: &'a Config,
    pub assets: &'a BTreeSet<String>,
    pub origin: Origin,
    pub stem: String,
    /// The body as a byte range of `origin.text`.
    pub body_span: std::ops::Range<usize>,
    pub body_line: usize,
}

impl Place<'_> {
    fn yaml_source(&self) -> YamlSource<'_> {
        YamlSource {
            file: &self.origin.file,
            file_text: &self.origin.text,
            text: &self.origin.text[self.origin.yaml.clone()],
            first_line: self.origin.yaml_line,
            what: "front matter",
        }
    }

    pub(super) fn problem(
        &self,
        key: &str,
        message: String,
        help: impl Into<String>,
    ) -> Diagnostic {
        self.origin
            .at_key(key, Diagnostic::error(message).with_help(help))
    }

    /// `problem`, at the value itself where it has a line of its own (a list's entry).
    pub(super) fn problem_at(
        &self,
        key: &str,
        value: &str,
        message: String,
        help: impl Into<String>,
    ) -> Diagnostic {
        self.origin
            .at_value(key, value, Diagnostic::error(message).with_help(help))
    }
}

/// This record's front matter as `T`, with the problems found on the way (every unknown key,
/// every rejected value); `fields` feed the "did you mean" of unknown keys. `Err` when no `T`
/// could be made.
fn parse_front<T: serde::de::DeserializeOwned>(
    place: &Place<'_>,
    fields: &[&str],
) -> Result<(T, Vec<Diagnostic>), Vec<Diagnostic>> {
    // A title, grade or address that is missing or wrong is said, and the rest of the front
    // matter still checked with a stand-in for it (the error keeps the record out of the site).
    // Not the course: a stand-in course could make a textbook's course seem to differ.
    let grade = place.config.grades.first().map_or(1, |g| g.number);
    let stand_ins = [
        ("title", "\"-\"".to_string()),
        ("grade", grade.to_string()),
        ("url", "\"https://example.org/stand-in.mp4\"".to_string()),
    ];
    match yaml::parse_each_with(&place.yaml_source(), fields, &stand_ins) {
        (Some(front), problems) => Ok((front, problems)),
        (None, problems) => Err(problems),
    }
}

/// Outcome of reading one record: it (`None` for a draft) with its warnings, or why not. A
/// resource may come with errors too, made with stand-ins where its fields were wrong: it is
/// never published, only what it names is checked (`BrokenRefs`).
pub(super) type Parsed<T> = Result<(Option<T>, Vec<Diagnostic>), Vec<Diagnostic>>;

pub(super) fn lesson(place: Place<'_>, drafts: bool) -> Parsed<Resource> {
    let (front, mut problems): (LessonFront, _) = parse_front(&place, LESSON_FIELDS)?;
    if front.draft && !drafts {
        return skip_draft(problems);
    }
    let common = common(&place, &mut problems, shared_fields!(front));
    let term = small_number(
        &place,
        &mut problems,
        "term",
        front.term,
        1..=2,
        "write `term: 1` (autumn term) or `term: 2` (spring term)",
    );
    if front.attachments.len() > MAX_ATTACHMENTS {
        problems.push(place.problem(
            "attachments",
            format!(
                "{} attachments, more than the {MAX_ATTACHMENTS} one lesson may have",
                front.attachments.len()
            ),
            "attach the files a teacher needs for this lesson; put a collection in one zip file",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = front.attachments.iter().find(|a| !seen.insert(a.trim())) {
        problems.push(
            place.origin.at_value(
                "attachments",
                twice,
                Diagnostic::warning(format!("the attachment `{twice}` is listed twice"))
                    .with_help("list each file once"),
            ),
        );
    }
    let attachments = front
        .attachments
        .iter()
        .filter_map(|a| check_link(&place, "attachments", a, &mut problems))
        .collect();
    let author = checked_name(&place, &mut problems, "author", front.author);
    let detail = Detail::Lesson(LessonDetail {
        term,
        author,
        duration_minutes: front.duration_minutes,
        attachments,
    });
    finish(
        place,
        Kind::Lesson,
        named(front.slug, "slug"),
        common,
        detail,
        problems,
    )
}

pub(super) fn video(place: Place<'_>, drafts: bool, front: Option<VideoFront>) -> Parsed<Resource> {
    let (front, mut problems) = match front {
        Some(front) => (front, Vec::new()),
        None => {
            let (front, mut problems): (VideoFront, _) = parse_front(&place, VIDEO_FIELDS)?;
            if front.id.is_some() {
                problems.push(place.problem(
                    "id",
                    "`id` is only for entries of a video catalog (.yaml)".into(),
                    "a Markdown video's id is its file name; use `slug:` to choose another",
                ));
            }
            (front, problems)
        }
    };
    if front.draft && !drafts {
        return skip_draft(problems);
    }
    let common = common(&place, &mut problems, shared_fields!(front));
    let url = check_link(&place, "url", &front.url, &mut problems);
    if front.url.trim() == crate::scaffold::PLACEHOLDER_VIDEO_URL {
        problems.push(place.origin.at_value(
            "url",
            &front.url,
            Diagnostic::warning("the video's address is still the example `lectern new` wrote: its page would show a player that plays nothing")
                .with_help("write the video's address: an http(s) link, or a file under content/assets/ such as `media/课堂实录.mp4`"),
        ));
    }
    for (key, value) in [
        ("captions", &front.captions),
        ("chapters_file", &front.chapters_file),
    ] {
        let external = value.as_deref().map(str::trim).filter(|v| {
            let lower = v.to_ascii_lowercase();
            lower.starts_with("http://") || lower.starts_with("https://")
        });
        if let Some(value) = external {
            problems.push(place.origin.at_value(
                key,
                value,
                Diagnostic::warning(format!("`{key}` is on another site: browsers refuse a captions file from another site, so the page would have none"))
                    .with_help("save the .vtt file under content/assets/captions/ and name it here: `captions: captions/课堂实录.vtt`"),
            ));
        }
    }
    let poster = front
        .poster
        .as_deref()
        .and_then(|p| check_link(&place, "poster", p, &mut problems));
    // A video kept with the site, its poster on another site: each visit asks that site, and
    // the offline copy has the video without its picture. (A video elsewhere is elsewhere.)
    let local_video = !front.url.trim().to_ascii_lowercase().starts_with("http");
    if let Some(Link::External(address)) = &poster
        && local_video
    {
        problems.push(place.origin.at_value(
            "poster",
            address,
            Diagnostic::warning("the video is kept with the site but its poster image is on another site: each visit asks that site for it, and offline copies lack it")
                .with_help("save the image under content/assets/posters/ and name it here: `poster: posters/课堂.jpg`"),
        ));
    }
    let captions = front
        .captions
        .as_deref()
        .and_then(|c| check_link(&place, "captions", c, &mut problems));
    let lesson = front
        .lesson
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    let chapters_file = chapters_file(&place, front.chapters_file, &front.chapters, &mut problems);
    let chapters = chapters(&place, front.chapters, front.duration, &mut problems);
    let speaker = checked_name(&place, &mut problems, "speaker", front.speaker);
    let Some(url) = url else {
        return Err(problems);
    };
    let detail = Detail::Video(VideoDetail {
        url,
        duration: front.duration,
        poster,
        speaker,
        captions,
        lesson,
        chapters,
        chapters_file,
    });
    // a catalog's row is named by its `id` cell, unless its `slug` cell says otherwise
    let given = named(front.slug, "slug").or(named(front.id, "id"));
    finish(place, Kind::Video, given, common, detail, problems)
}

pub(super) fn review(place: Place<'_>, drafts: bool) -> Parsed<Resource> {
    let (front, mut problems): (ReviewFront, _) = parse_front(&place, REVIEW_FIELDS)?;
    if front.draft && !drafts {
        return skip_draft(problems);
    }
    let common = common(&place, &mut problems, shared_fields!(front));
    let rating = small_number(
        &place,
        &mut problems,
        "rating",
        front.rating,
        1..=5,
        "a rating is a whole number from 1 to 5",
    );
    let lesson = front
        .lesson
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    let video = front
        .video
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    if lesson.is_none() && video.is_none() {
        problems.push(place.problem(
            "lesson",
            "a review must name the lesson or the video it reviews".into(),
            "add `lesson: <lesson id>` (the lesson's file name without .md) or `video: <video id>`",
        ));
    }
    let reviewer = checked_name(&place, &mut problems, "reviewer", front.reviewer);
    let detail = Detail::Review(ReviewDetail {
        lesson,
        video,
        reviewer,
        rating,
        review_kind: front.kind,
    });
    finish(
        place,
        Kind::Review,
        named(front.slug, "slug"),
        common,
        detail,
        problems,
    )
}

pub(super) fn page(place: Place<'_>, drafts: bool) -> Parsed<Page> {
    let (front, mut problems): (PageFront, _) = parse_front(&place, PAGE_FIELDS)?;
    if front.draft && !drafts {
        return skip_draft(problems);
    }
    // `guide/index.md` is the page of its folder, `guide/`.
    let folder_page = front.slug.is_none() && place.stem == "index";
    let slug = if folder_page {
        place.stem.clone()
    } else {
        choose_id(&place, named(front.slug, "slug"), &mut problems)
    };
    let path = page_path(&place, &slug, folder_page, &mut problems);
    let title = without_stray_controls(&place, &mut problems, "title", front.title);
    let summary = without_stray_controls(&place, &mut problems, "summary", front.summary);
    if shows_nothing(&title) {
        problems.push(place.problem(
            "title",
            "the title is empty".into(),
            "write a title: `title: 关于本资源库`",
        ));
    }
    check_title(&place, &mut problems, &title);
    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }
    let in_menu = front.menu.unwrap_or(!path.contains('/'));
    let page = Page {
        slug,
        path,
        origin: place.origin,
        title: title.trim().to_string(),
        summary: summary.trim().to_string(),
        weight: front.weight,
        in_menu,
        body_span: place.body_span,
        body_line: place.body_line,
    };
    Ok((Some(page), problems))
}

/// How deep a free page may sit in folders under `content/pages/`.
const MAX_PAGE_FOLDERS: usize = 8;

/// A free page's address below the site's root, without its final `/`: its folders under
/// `content/pages/`, then its slug (`guide/advanced/tips`), or only the folders for an
/// `index.md` (`guide`). Each folder becomes part of the address, so it must be one too.
fn page_path(
    place: &Place<'_>,
    slug: &str,
    folder_page: bool,
    problems: &mut Vec<Diagnostic>,
) -> String {
    let inside = place
        .origin
        .file
        .strip_prefix("content/pages/")
        .unwrap_or(&place.origin.file);
    let mut parts: Vec<&str> = inside.split('/').collect();
    parts.pop(); // the file name
    // Each page's breadcrumbs link every folder above it: a tree thousands deep would write
    // gigabytes of them.
    if parts.len() > MAX_PAGE_FOLDERS {
        problems.push(place.problem(
            "title",
            format!(
                "this page is {} folders deep in content/pages/: at most {MAX_PAGE_FOLDERS} are allowed",
                parts.len()
            ),
            "move it into a folder nearer the top: a teacher finds a page a few clicks from the home page",
        ));
        return parts.join("/");
    }
    for folder in &parts {
        if !is_id(folder) || crate::slug::is_windows_device(folder) {
            problems.push(place.problem(
                "title",
                format!("the folder `{folder}` of this page cannot be part of its address"),
                format!(
                    "a page's folders become its address, which must be ASCII letters, digits, `-` and `_` (and no Windows device name): rename the folder, e.g. `{}`",
                    folder_suggestion(folder)
                ),
            ));
        }
    }
    if folder_page && parts.is_empty() {
        problems.push(place.problem(
            "title",
            "content/pages/index.md would take the home page's address".into(),
            "the home page is made by Lectern: give this page a name of its own, e.g. rename it to about.md",
        ));
    }
    if !folder_page {
        parts.push(slug);
    }
    parts.join("/")
}

/// A folder name that can be an address: its pinyin or letters, never a Windows device name.
fn folder_suggestion(folder: &str) -> String {
    let mut name = crate::slug::slugify(folder);
    if crate::slug::is_windows_device(&name) {
        name.push_str("-1");
    }
    name
}

/// A draft that is not built: nothing, unless its front matter has problems, which are
/// reported as for any file.
fn skip_draft<T>(problems: Vec<Diagnostic>) -> Parsed<T> {
    if problems.iter().any(Diagnostic::is_error) {
        Err(problems)
    } else {
        Ok((None, problems))
    }
}

/// A small whole number that must lie in `range` (term, rating); out of range is an error.
fn small_number(
    place: &Place<'_>,
    problems: &mut Vec<Diagnostic>,
    key: &str,
    value: Option<i64>,
    range: std::ops::RangeInclusive<i64>,
    help: &str,
) -> Option<u8> {
    let value = value?;
    if range.contains(&value) {
        return u8::try_from(value).ok();
    }
    problems.push(place.problem(key, format!("{key} {value} is out of range"), help));
    None
}

/// The longest title, in characters. A title is repeated on every page that shows its card
/// (every listing of each of its topics, grades and courses, the home page, its links): a
/// title of megabytes would make a site of gigabytes.
pub const MAX_TITLE_CHARS: usize = 200;
/// The most topics one resource may have: each topic's listing shows the card with all of
/// them, so the output grows with the square of a resource's topic count.
pub const MAX_TOPICS: usize = 50;
/// The longest topic name, in characters (it names a folder and is on every card that has it).
pub const MAX_TOPIC_CHARS: usize = 50;
/// The longest summary: it is the page's description, its share card's, its metadata's and its
/// search record's, so a summary of megabytes would be on the page four times.
pub const MAX_SUMMARY_CHARS: usize = 1000;
/// The most chapters one video may list (each is a link on its page and in its search record).
pub const MAX_CHAPTERS: usize = 500;
/// The most attachments one lesson may list.
pub const MAX_ATTACHMENTS: usize = 100;
/// The longest name of a person or a school.
pub const MAX_NAME_CHARS: usize = 100;

/// A date more than about a month after `today`: a slip of the year (2052, 2204), not a lesson
/// planned for next week.
fn far_ahead(date: Date, today: Date) -> bool {
    let month_on = match today.month {
        12 => Date {
            year: today.year.saturating_add(1),
            month: 1,
            day: today.day.min(28),
        },
        m => Date {
            year: today.year,
            month: m + 1,
            day: today.day.min(28),
        },
    };
    date > month_on
}

/// A title of spaces and zero-width characters only (pasted from a web page) is empty on screen:
/// a heading and a card link nobody could see or click.
fn shows_nothing(title: &str) -> bool {
    title.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// Unicode's direction controls: the embeddings and overrides U+202A–U+202E and the isolates
/// U+2066–U+2069. One in a title shows the text after it reversed, on every card and in the
/// search results (U+202E then `gpj.exe` reads `exe.jpg`): a way to make a resource look like
/// another, and never needed in a Chinese portal's names. The marks U+200E and U+200F only
/// place neutral characters, and stay.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character a name or a summary never means: a direction control, or a control character
/// other than a line break or a tab (a NUL from a broken export: dropped by HTML, kept by JSON,
/// so the page and the search result would say different things).
fn is_stray_control(c: char) -> bool {
    is_direction_control(c) || (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// `value` without stray controls, with a warning at `key` when it had any (a warning, not an
/// error: what is left is the text the editor meant).
fn without_stray_controls(
    place: &Place<'_>,
    problems: &mut Vec<Diagnostic>,
    key: &str,
    value: String,
) -> String {
    let Some(control) = value.chars().find(|c| is_stray_control(*c)) else {
        return value;
    };
    let what = if is_direction_control(control) {
        "an invisible direction control (U+{code}), which shows the text after it reversed"
    } else {
        "an invisible control character (U+{code}), which a page cannot show"
    };
    let code = format!("{:04X}", u32::from(control));
    problems.push(place.origin.at_key(
        key,
        Diagnostic::warning(format!("`{key}` holds {}", what.replace("{code}", &code)))
            .with_help("it is left out of the site; delete it from the file (it comes with text copied from some web pages and exports)"),
    ));
    value.chars().filter(|c| !is_stray_control(*c)).collect()
}

/// What is wrong with a title that is too long, and how to fix it; `None` for one that fits.
/// Shared with `lectern new`, so that it never writes a file the build then rejects.
pub fn title_too_long(title: &str) -> Option<(String, &'static str)> {
    let chars = title.trim().chars().count();
    (chars > MAX_TITLE_CHARS).then(|| {
        (
            format!("the title is {chars} characters long, more than the {MAX_TITLE_CHARS} a title may have"),
            "shorten the title and move the rest into `summary:` or the body",
        )
    })
}

fn check_title(place: &Place<'_>, problems: &mut Vec<Diagnostic>, title: &str) {
    if let Some((message, help)) = title_too_long(title) {
        problems.push(place.problem("title", message, help));
    }
    check_cut_by_comment(place, problems, "title", title);
}

/// `title: 第3课 #心理健康`: YAML reads ` #` as the start of a comment, so the value is cut
/// there without a word (a hashtag copied from WeChat). A quoted value is whole.
fn check_cut_by_comment(place: &Place<'_>, problems: &mut Vec<Diagnostic>, key: &str, value: &str) {
    let source = place.yaml_source();
    let Some(line) = source.text.lines().find(|line| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    }) else {
        return;
    };
    let written = line.split_once(':').map_or("", |(_, v)| v.trim_start());
    let quoted = written.starts_with(['"', '\'']);
    if let Some(cut) = written.find(" #").filter(|_| !quoted) {
        let comment = written[cut..].trim();
        problems.push(
            place.origin.at_value(
                key,
                value,
                Diagnostic::warning(format!(
                    "`{key}` ends before `{}`: in YAML ` #` starts a comment",
                    crate::diagnostics::shorten(comment, 30)
                ))
                .with_help(format!(
                    "to keep it, put the whole value in quotes: `{key}: \"{}\"`",
                    crate::diagnostics::shorten(written, 60)
                )),
            ),
        );
    }
}

fn check_summary(place: &Place<'_>, problems: &mut Vec<Diagnostic>, summary: &str) {
    let chars = summary.trim().chars().count();
    if chars > MAX_SUMMARY_CHARS {
        problems.push(place.problem(
            "summary",
            format!("the summary is {chars} characters long, more than the {MAX_SUMMARY_CHARS} a summary may have"),
            "keep the summary to a few sentences a teacher reads on a card; move the rest into the body",
        ));
    }
}

/// A person's or a school's name (`author`, `speaker`, `reviewer`, `school`), without stray
/// controls, with a problem when it is too long.
fn checked_name(
    place: &Place<'_>,
    problems: &mut Vec<Diagnostic>,
    key: &str,
    name: String,
) -> String {
    let name = without_stray_controls(place, problems, key, name);
    let chars = name.trim().chars().count();
    if chars > MAX_NAME_CHARS {
        problems.push(place.problem(
            key,
            format!(
                "`{key}` is {chars} characters long, more than the {MAX_NAME_CHARS} a name may have"
            ),
            "write the name only; put other words in the summary or the body",
        ));
    }
    name
}

fn check_topics(place: &Place<'_>, problems: &mut Vec<Diagnostic>, topics: &[String]) {
    if topics.len() > MAX_TOPICS {
        problems.push(place.problem(
            "topics",
            format!(
                "{} topics, more than the {MAX_TOPICS} one resource may have",
                topics.len()
            ),
            "keep the few topics a teacher would search by; put other words in the summary or the body",
        ));
    }
    if let Some(long) = topics
        .iter()
        .find(|t| t.trim().chars().count() > MAX_TOPIC_CHARS)
    {
        let chars = long.trim().chars().count();
        problems.push(place.problem(
            "topics",
            format!("a topic is {chars} characters long, more than the {MAX_TOPIC_CHARS} a topic may have"),
            "a topic is a short tag such as `情绪管理`: shorten it",
        ));
    }
}

/// The fields every kind's front matter has, moved out of it for `common`.
struct SharedFields {
    title: String,
    grade: GradeSpec,
    course: String,
    topics: Vec<String>,
    summary: String,
    date: Option<Date>,
    school: String,
    textbook: Option<String>,
    unit: Option<Ordinal>,
    period: Option<Ordinal>,
}

/// Each kind has its own strict struct (serde cannot flatten with `deny_unknown_fields`), but
/// the shared fields have the same names in all of them.
macro_rules! shared_fields {
    ($front:expr) => {
        SharedFields {
            title: $front.title,
            grade: $front.grade,
            course: $front.course,
            topics: $front.topics,
            summary: $front.summary,
            date: $front.date,
            school: $front.school,
            textbook: $front.textbook,
            unit: $front.unit,
            period: $front.period,
        }
    };
}
use shared_fields;

fn common(place: &Place<'_>, problems: &mut Vec<Diagnostic>, fields: SharedFields) -> Common {
    let SharedFields {
        title,
        grade,
        course,
        topics,
        summary,
        date,
        school,
        textbook,
        unit,
        period,
    } = fields;
    let config = place.config;
    let title = without_stray_controls(place, problems, "title", title);
    let summary = without_stray_controls(place, problems, "summary", summary);
    let school = checked_name(place, problems, "school", school);
    let topics: Vec<String> = topics
        .into_iter()
        .map(|t| without_stray_controls(place, problems, "topics", t))
        .collect();
    if let Some(date) = date.filter(|d| far_ahead(*d, Date::today())) {
        problems.push(place.origin.at_key(
            "date",
            Diagnostic::warning(format!(
                "the date {date} is in the future: the resource would head the newest resources until then"
            ))
            .with_help(format!(
                "write the day the lesson was taught or written, e.g. `date: {}`",
                Date::today()
            )),
        ));
    }
    if shows_nothing(&title) {
        problems.push(place.problem(
            "title",
            "the title is empty".into(),
            "write a title, e.g. `title: 我的情绪小怪兽`",
        ));
    }
    check_title(place, problems, &title);
    check_topics(place, problems, &topics);
    check_summary(place, problems, &summary);
    let mut grades = Vec::new();
    for g in grade.0 {
        match u8::try_from(g).ok().filter(|g| config.grade(*g).is_some()) {
            Some(g) => grades.push(g),
            None => {
                let known: Vec<String> =
                    config.grades.iter().map(|g| g.number.to_string()).collect();
                problems.push(place.problem(
                    "grade",
                    format!("grade {g} does not exist"),
                    format!("use one of the site's grades: {}", known.join(", ")),
                ));
            }
        }
    }
    grades.sort_unstable();
    grades.dedup();
    if grades.is_empty() && !problems.iter().any(|p| p.message.starts_with("grade")) {
        problems.push(place.problem(
            "grade",
            "no grade given".into(),
            "write `grade: 7`, `grade: [7, 8]` or `grade: \"7-9\"`",
        ));
    }
    // A zero-width space or joiner pasted with the text is invisible in the editor and in the
    // error ("unknown course `mental-health`"): a course is a name, never made of them.
    let mut course: String = course
        .trim()
        .chars()
        .filter(|c| !is_invisible(*c))
        .collect();
    // A course written by its name (心理健康), as a teacher knows it, is that course.
    if config.course(&course).is_none()
        && let Some(named) = config.courses.iter().find(|c| c.name == course)
    {
        course = named.slug.clone();
    }
    if config.course(&course).is_none() {
        let slugs = config.courses.iter().map(|c| c.slug.as_str());
        let help = match (config.course_named_like(&course), suggest(&course, slugs)) {
            (Some(like), _) => format!("did you mean `{}` ({})?", like.name, like.slug),
            (None, Some(near)) => format!("did you mean `{near}`?"),
            (None, None) => format!(
                "use a course of site.yaml, by its slug or its name: {}",
                config
                    .courses
                    .iter()
                    .map(|c| format!("{} ({})", c.slug, c.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        problems.push(place.problem("course", format!("unknown course `{course}`"), help));
    }
    let mut seen = BTreeSet::new();
    let topics = topics
        .iter()
        .map(|t| config.canonical_topic(t.trim()).to_string())
        .filter(|t| !t.is_empty() && seen.insert(t.clone()))
        .collect();
    let alignment = super::align::alignment(place, problems, textbook, unit, period);
    Common {
        alignment,
        title: title.trim().to_string(),
        grades,
        course,
        topics,
        summary: summary.trim().to_string(),
        date,
        school: school.trim().to_string(),
    }
}

/// An id given in the front matter or a catalog's cell, with the key (column) that gave it.
type GivenId = Option<(String, &'static str)>;

fn named(value: Option<String>, key: &'static str) -> GivenId {
    value.map(|v| (v, key))
}

fn finish(
    place: Place<'_>,
    kind: Kind,
    slug: GivenId,
    common: Common,
    detail: Detail,
    mut problems: Vec<Diagnostic>,
) -> Parsed<Resource> {
    let id = choose_id(&place, slug, &mut problems);
    let resource = Resource {
        kind,
        id,
        origin: place.origin,
        title: common.title,
        grades: common.grades,
        course: common.course,
        topics: common.topics,
        summary: common.summary,
        date: common.date,
        school: common.school,
        alignment: common.alignment,
        body_span: place.body_span,
        body_line: place.body_line,
        detail,
    };
    Ok((Some(resource), problems))
}

/// The id: `slug:` if given, else the file stem; it becomes a URL path, so it must be ASCII.
fn choose_id(place: &Place<'_>, given: GivenId, problems: &mut Vec<Diagnostic>) -> String {
    let (id, key) = match given {
        Some((id, key)) => (id.trim().to_string(), key),
        None => (place.stem.clone(), "title"),
    };
    if is_id(&id) && crate::slug::is_windows_device(&id) {
        let help = match key {
            "slug" | "id" => format!(
                "choose another, e.g. `{key}: {}-1`",
                id.to_ascii_lowercase()
            ),
            _ => format!(
                "rename the file, or add `slug: {}-1`",
                id.to_ascii_lowercase()
            ),
        };
        let message = format!(
            "`{id}` is a device name on Windows: a portal copied onto a Windows PC cannot hold its page's folder"
        );
        problems.push(place.problem(key, message, help));
        return id;
    }
    if is_id(&id) {
        return id;
    }
    let suggestion = crate::slug::slugify(&id);
    let table = place.origin.file.to_ascii_lowercase().ends_with(".csv");
    let help = if table {
        format!(
            "ids become URL paths: write this row's id (its `id` cell, or `slug` if the table has that column) with ASCII letters, digits, `-` and `_`, e.g. `{suggestion}`"
        )
    } else if key == "slug" || key == "id" {
        format!(
            "ids become URL paths: use ASCII letters, digits, `-` and `_`, e.g. `{key}: {suggestion}`"
        )
    } else {
        format!(
            "ids become URL paths: rename the file to `{suggestion}.md`, or add `slug: {suggestion}`"
        )
    };
    problems.push(place.problem(key, format!("`{id}` cannot be used as an id"), help));
    id
}

pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 120
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A video's `chapters_file:`: a WebVTT file under content/assets/ (read with the body, by
/// `bodies`), and not beside a `chapters:` list.
fn chapters_file(
    place: &Place<'_>,
    file: Option<String>,
    list: &[ChapterFront],
    problems: &mut Vec<Diagnostic>,
) -> Option<String> {
    let file = file
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())?;
    if !list.is_empty() {
        problems.push(place.problem(
            "chapters_file",
            "a video has either a `chapters:` list or a `chapters_file:`, not both".into(),
            "keep one of them: the list in the front matter, or the WebVTT file",
        ));
        return None;
    }
    match check_link(place, "chapters_file", &file, problems)? {
        Link::Asset(path) => Some(path),
        Link::External(_) => {
            problems.push(place.problem(
                "chapters_file",
                format!("`{file}` is not a file of the portal"),
                "put the WebVTT chapters file under content/assets/ and name it from there, e.g. `chapters_file: captions/lesson.chapters.vtt`",
            ));
            None
        }
    }
}

/// A video's chapters, in order, each within its duration.
fn chapters(
    place: &Place<'_>,
    list: Vec<ChapterFront>,
    duration: Option<Duration>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Chapter> {
    if list.len() > MAX_CHAPTERS {
        problems.push(place.problem(
            "chapters",
            format!("{} chapters, more than the {MAX_CHAPTERS} one video may have", list.len()),
            "chapters mark the parts of a lesson (导入, 新授, 小结); put a line-by-line record in a captions file (`captions:`)",
        ));
        return Vec::new();
    }
    let mut chapters: Vec<Chapter> = Vec::with_capacity(list.len());
    for front in list {
        let title = front.title.trim().to_string();
        let at = front.at;
        if title.is_empty() {
            problems.push(place.problem(
                "chapters",
                format!("the chapter at {at} has no title"),
                "give every chapter a title: `- {at: \"05:20\", title: 新授}`",
            ));
        } else if chapters.last().is_some_and(|last| last.at.0 >= at.0) {
            // At the chapter's own line (found by its title), not at `chapters:`.
            problems.push(place.problem_at(
                "chapters",
                &title,
                format!("the chapter `{title}` at {at} does not come after the one before it"),
                "list the chapters in the order they happen in the video, each at a later time",
            ));
        } else if duration.is_some_and(|d| at.0 >= d.0) {
            let d = duration.unwrap_or(at);
            problems.push(
                place.origin.at_value(
                    "chapters",
                    &title,
                    Diagnostic::warning(format!(
                        "the chapter `{title}` at {at} starts after the video ends ({d})"
                    ))
                    .with_help("correct the chapter's time or the video's `duration:`"),
                ),
            );
        } else {
            chapters.push(Chapter { at, title });
        }
    }
    chapters
}

fn check_link(
    place: &Place<'_>,
    key: &str,
    value: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<Link> {
    let value = value.trim();
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        if value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
        {
            let help = crate::diagnostics::share_code_help(key, value)
                .unwrap_or_else(|| "percent-encode spaces as %20".to_string());
            problems.push(place.problem_at(
                key,
                value,
                format!("the address `{value}` contains spaces or quotes"),
                help,
            ));
            return None;
        }
        let host = value.split_once("://").map_or("", |(_, rest)| {
            rest.split(['/', '?', '#']).next().unwrap_or("")
        });
        if host.is_empty() || host.contains('@') {
            problems.push(place.problem_at(
                key,
                value,
                format!("the address `{value}` names no plain host"),
                "write the whole address, e.g. `https://example.org/file.pdf`",
            ));
            return None;
        }
        return Some(Link::External(value.to_string()));
    }
    // `ftp://`, `smb://`, `file://`: an address of another kind, not a path that leaves assets/
    let other_scheme = lower.split_once("://").is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    if lower.contains(':') && !lower.contains('/')
        || other_scheme
        || lower.starts_with("javascript:")
        || lower.starts_with("data:")
    {
        problems.push(place.problem_at(
            key,
            value,
            format!("`{value}` is not an http(s) address or a file"),
            "use an https:// address or a file under content/assets/",
        ));
        return None;
    }
    let path = value.trim_start_matches("./").trim_start_matches('/');
    let path = path.strip_prefix("content/").unwrap_or(path);
    let path = path.strip_prefix("assets/").unwrap_or(path);
    if path.contains('\\') {
        let fixed = path.replace('\\', "/");
        problems.push(place.problem_at(
            key,
            value,
            format!("`{value}` is written with `\\`, as Windows writes paths"),
            format!("write `/` between folders: `{fixed}`"),
        ));
        return None;
    }
    if path.split('/').any(|part| part == ".." || part.is_empty()) {
        problems.push(place.problem_at(
            key,
            value,
            format!("`{value}` leaves content/assets/"),
            "name a file inside content/assets/, e.g. `worksheets/emotions.pdf`",
        ));
        return None;
    }
    // by its published name, as the browser's address bar shows it (a scan: only on a miss)
    if !place.assets.contains(path)
        && let Some(file) = crate::url::asset_published_as(place.assets, path)
    {
        return Some(Link::Asset(file.clone()));
    }
    if !place.assets.contains(path) {
        let near = suggest(path, place.assets.iter().map(String::as_str));
        let help = match near {
            _ if looks_like_host(value) => {
                format!("an address on the web starts with `https://`: `https://{value}`")
            }
            Some(near) => format!("did you mean `{near}`?"),
            None => "put the file under content/assets/ and write its path relative to that folder"
                .to_string(),
        };
        problems.push(place.problem_at(
            key,
            value,
            format!("file `{value}` not found in content/assets/"),
            help,
        ));
        return None;
    }
    Some(Link::Asset(path.to_string()))
}

/// `www.example.org/v.mp4`, `v.qq.com/x`: a web address written without its `https://`.
fn looks_like_host(value: &str) -> bool {
    let host = value.split('/').next().unwrap_or("").to_ascii_lowercase();
    let top = host.rsplit('.').next().unwrap_or("");
    host.starts_with("www.")
        || (host.matches('.').count() >= 1
            && value.contains('/')
            && ["com", "cn", "net", "org", "edu", "gov", "tv", "io"].contains(&top))
}

/// Keep `Arc` in scope for callers building origins.
pub(super) fn shared(text: String) -> Arc<str> {
    Arc::from(text)
}

#[cfg(test)]
mod tests {
    use super::looks_like_host;

    #[test]
    fn a_web_address_without_its_scheme_is_told_from_a_file() {
        assert!(looks_like_host("www.example.org/v.mp4"));
        assert!(looks_like_host("v.qq.com/x/page/abc.html"));
        assert!(!looks_like_host("videos/ke.mp4"));
        assert!(!looks_like_host("worksheets/情绪卡.pdf"));
        assert!(!looks_like_host("ke.mp4"));
    }
}
