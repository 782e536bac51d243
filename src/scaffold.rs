//! `lectern new` and `lectern init`: files an editor starts from. Front matter is complete, with
//! a comment on every field, and the result builds at once (except where the editor must name
//! something only they know, which the build then asks for by file and line).

use std::path::{Path, PathBuf};

use crate::config;
use crate::content::{Date, Kind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::slug::slugify;

pub struct NewResource<'a> {
    pub kind: Kind,
    pub title: &'a str,
    pub grade: Option<u8>,
    pub course: Option<&'a str>,
    pub lesson: Option<&'a str>,
}

/// A title with nothing to spell in pinyin or Latin letters (Ω ß) gives `untitled.md`: the
/// next free `untitled-N.md` then, so a second such title is not refused as existing.
fn free_untitled(path: PathBuf) -> PathBuf {
    if !path.exists() || path.file_name() != Some(std::ffi::OsStr::new("untitled.md")) {
        return path;
    }
    (2..)
        .map(|n| path.with_file_name(format!("untitled-{n}.md")))
        .find(|p| !p.exists())
        .unwrap_or(path)
}

/// The ids of `kind` the site already has (lowercased, as the build compares them): a file
/// elsewhere (`lessons/junior/x.md`, a CSV catalog's row) may hold the id a new title spells.
fn taken_ids(content: &crate::content::Content, kind: Kind) -> std::collections::HashSet<String> {
    let records = content.resources.iter().filter(|r| r.kind == kind);
    let broken = content.unavailable.keys().filter(|(k, _)| *k == kind);
    records
        .map(|r| r.id.to_lowercase())
        .chain(broken.map(|(_, id)| id.to_lowercase()))
        .collect()
}

/// `path`, or when another file holds its id, the first `<stem>-N.md` whose id is free: the
/// build would refuse two resources of one id. The same file existing is left to the caller,
/// which refuses it (the editor most likely ran the command twice).
fn free_id(path: PathBuf, taken: &std::collections::HashSet<String>) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if path.exists() || !taken.contains(&stem.to_lowercase()) {
        return path;
    }
    (2..)
        .map(|n| format!("{stem}-{n}"))
        .find(|id| !taken.contains(id) && !path.with_file_name(format!("{id}.md")).exists())
        .map_or(path.clone(), |id| path.with_file_name(format!("{id}.md")))
}

/// Write `content/<kind>/<pinyin-slug>.md`; never overwrite. Returns the new file's path and
/// the fields it guessed.
pub fn new_resource(root: &Path, request: &NewResource<'_>) -> Result<Created, Diagnostic> {
    let mut diagnostics = Diagnostics::new();
    let Some(config) = config::load(root, &mut diagnostics) else {
        return Err(diagnostics
            .into_vec()
            .into_iter()
            .next()
            .unwrap_or_else(|| Diagnostic::error("site.yaml is invalid")));
    };
    let title = request.title.trim();
    if title.is_empty() {
        return Err(Diagnostic::error("the title is empty")
            .with_help("write the title in quotes: lectern new lesson \"情绪管理小课堂\""));
    }
    if let Some((message, help)) = crate::content::title_too_long(title) {
        return Err(Diagnostic::error(message).with_help(help));
    }
    // The site as the build reads it: for the lesson named, and for the ids already taken.
    let content = crate::content::load(root, &config, true, &mut Diagnostics::new());
    // A video or review of a lesson is of the lesson's grades and course unless told otherwise.
    let lesson = match request.lesson {
        Some(lesson) => find_lesson(&content, lesson)?,
        None => None,
    };
    let mut guessed = Vec::new();
    let grades = match (request.grade, &lesson) {
        (Some(grade), _) => vec![grade],
        (None, Some(lesson)) => lesson.grades.clone(),
        (None, None) => {
            guessed.push("grade");
            vec![config.grades.first().map_or(1, |g| g.number)]
        }
    };
    if let Some(grade) = grades.iter().find(|g| config.grade(**g).is_none()) {
        return Err(
            Diagnostic::error(format!("grade {grade} does not exist in this site"))
                .with_help("use a grade from 1 to 12"),
        );
    }
    let course = match (request.course, &lesson) {
        (Some(course), _) => course,
        (None, Some(lesson)) => lesson.course.as_str(),
        (None, None) => {
            guessed.push("course");
            config.courses.first().map_or("", |c| c.slug.as_str())
        }
    };
    // a course by its name (心理健康), as front matter takes it
    let course = config
        .courses
        .iter()
        .find(|c| c.name == course)
        .map_or(course, |c| c.slug.as_str());
    if config.course(course).is_none() {
        let known: Vec<String> = config
            .courses
            .iter()
            .map(|c| format!("{} ({})", c.slug, c.name))
            .collect();
        let help = match config.course_named_like(course) {
            Some(like) => format!("did you mean `--course {}` ({})?", like.slug, like.name),
            None => format!("use one of: {}", known.join(", ")),
        };
        return Err(Diagnostic::error(format!("unknown course `{course}`")).with_help(help));
    }
    let dir = root.join("content").join(request.kind.dir());
    refuse_linked_folder(&dir)?;
    let mut stem = slugify(title);
    // `con.md` would be refused by the build: a page's folder named so cannot exist on Windows.
    if crate::slug::is_windows_device(&stem) {
        stem.push_str("-1");
    }
    let path = free_untitled(dir.join(format!("{stem}.md")));
    let wanted = path.clone();
    let path = free_id(path, &taken_ids(&content, request.kind));
    let id_taken = (path != wanted).then(|| stem.clone());
    if path.exists() {
        return Err(
            Diagnostic::error(format!("{} already exists", path.display())).with_help(
                "Lectern never overwrites a file: choose another title or edit the existing file",
            ),
        );
    }
    let aligned = lesson.as_ref().and_then(|l| l.alignment.as_ref());
    let front = NewFront {
        title,
        grades: &grades,
        course,
        textbook: &textbook_lines(&config, aligned),
        lesson: request.lesson.unwrap_or(""),
    };
    let text = render_new(request.kind, &front);
    std::fs::create_dir_all(&dir)
        .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", dir.display())))?;
    write_new(&path, &text)?;
    Ok(Created {
        path,
        guessed,
        id_taken,
    })
}

/// A file `lectern new` wrote, and the fields it filled in with the site's first grade or
/// course because nothing said which (the editor is asked to check them).
pub struct Created {
    pub path: PathBuf,
    pub guessed: Vec<&'static str>,
    /// The id the title spells, when another file of the kind has it already.
    pub id_taken: Option<String>,
}

/// What a new video or review takes from its lesson.
struct LessonFacts {
    grades: Vec<u8>,
    course: String,
    alignment: Option<crate::content::Alignment>,
}

/// `--lesson ID` must name a lesson of the site (its `slug:`, or its file name without .md), as
/// the build requires: read `content/` as the build does and look the id up. A lesson whose
/// file has errors or is a draft still counts, as the build reports those itself; one with
/// errors has no facts to give.
fn find_lesson(
    content: &crate::content::Content,
    lesson: &str,
) -> Result<Option<LessonFacts>, Diagnostic> {
    if let Some(found) = content
        .resources
        .iter()
        .find(|r| r.kind == Kind::Lesson && r.id == lesson)
    {
        return Ok(Some(LessonFacts {
            grades: found.grades.clone(),
            course: found.course.clone(),
            alignment: found.alignment.clone(),
        }));
    }
    let ids: Vec<&str> = content
        .resources
        .iter()
        .filter(|r| r.kind == Kind::Lesson)
        .map(|r| r.id.as_str())
        .chain(
            content
                .unavailable
                .keys()
                .filter(|(kind, _)| *kind == Kind::Lesson)
                .map(|(_, id)| id.as_str()),
        )
        .collect();
    if ids.contains(&lesson) {
        return Ok(None);
    }
    let help = match crate::diagnostics::suggest(lesson, ids.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None if ids.is_empty() => {
            "the site has no lesson yet: create one with `lectern new lesson \"标题\"`, or leave out --lesson".to_string()
        }
        None => "`--lesson` takes the id of a lesson (its file name without .md)".to_string(),
    };
    Err(Diagnostic::error(format!("lesson `{lesson}` does not exist")).with_help(help))
}

/// The kind folder as a symbolic link: the build skips links inside `content/`, so a file
/// written through one would be outside the site and never published.
fn refuse_linked_folder(dir: &Path) -> Result<(), Diagnostic> {
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Diagnostic::error(format!(
            "{} is a symbolic link: a new file there would be outside the site, and the build skips it",
            dir.display()
        ))
        .with_help("make it a real folder inside the site (move the files into it), then run `lectern new` again"));
    }
    Ok(())
}

/// The address a new video's file holds until its editor writes the real one (the build warns).
pub const PLACEHOLDER_VIDEO_URL: &str = "https://example.org/replace-with-the-video.mp4";

/// Create the file only if it does not exist (no race with another writer either).
fn write_new(path: &Path, text: &str) -> Result<(), Diagnostic> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", path.display())))
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// The commented example of a new file's textbook lines (`textbook_lines`).
const TEXTBOOK_LINES: &str = "# textbook: daofa-7a       # 教材：site.yaml 里 textbooks 的 slug（可选；去掉行首的 # 启用）\n# unit: 1                 # 教材的第几单元（与 textbook 一起写）\n# period: 1               # 单元内的第几课（可选）\n";

/// The textbook lines of a new file: its lesson's place in a textbook, or the example with
/// the site's own first textbook, commented out.
fn textbook_lines(config: &config::Config, aligned: Option<&crate::content::Alignment>) -> String {
    if let Some(a) = aligned {
        let period = a
            .period
            .map(|p| format!("period: {p}\n"))
            .unwrap_or_default();
        return format!("textbook: {}\nunit: {}\n{period}", a.textbook, a.unit);
    }
    match config.textbooks.first() {
        Some(book) => TEXTBOOK_LINES.replacen("daofa-7a", &book.slug, 1),
        None => TEXTBOOK_LINES.to_string(),
    }
}

/// What a new file's front matter is filled in with.
struct NewFront<'a> {
    title: &'a str,
    grades: &'a [u8],
    course: &'a str,
    /// Its `textbook:`/`unit:` lines (`textbook_lines`).
    textbook: &'a str,
    lesson: &'a str,
}

/// Whether a review's title names a 说课 (`《情绪管理》说课稿`), read outside the book-title
/// marks, where the lesson's own title may say 说课 (`《如何说课》评课记录` is a 评课).
fn names_presentation(title: &str) -> bool {
    let mut outside = String::new();
    let mut depth = 0usize;
    for c in title.chars() {
        match c {
            '《' => depth += 1,
            '》' => depth = depth.saturating_sub(1),
            _ if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    match (outside.rfind("说课"), outside.rfind("评课")) {
        (Some(say), Some(review)) => say > review,
        (Some(_), None) => true,
        _ => false,
    }
}

fn render_new(kind: Kind, front: &NewFront<'_>) -> String {
    let NewFront {
        title,
        grades,
        course,
        textbook,
        lesson,
    } = *front;
    let today = Date::today();
    // the lesson a video or review belongs to, or an empty value for the editor to fill in
    let lesson_value = if lesson.is_empty() {
        "\"\"".to_string()
    } else {
        quote(lesson)
    };
    let grade = crate::catalog::grade_value(grades);
    let common = format!(
        "---\ntitle: {}\ngrade: {grade}                 # 年级：7，或 [7, 8]，或 \"7-9\"\ncourse: {course}    # 课程：site.yaml 中的课程代号\ntopics: []               # 专题，如 [情绪管理, 人际交往]\nsummary: \"\"              # 一两句话的摘要，显示在列表和搜索结果中\ndate: {today}\nschool: \"\"               # 学校\n{textbook}",
        quote(title)
    );
    match kind {
        Kind::Lesson => format!(
            "{common}term: 1                  # 学期：1 上学期，2 下学期\nauthor: \"\"               # 执教教师\nduration_minutes: 40\nattachments: []          # 附件：content/assets/ 下的文件，如 [worksheets/qing-xu-ka.pdf]\n---\n\n## 教学目标\n\n\n## 教学重点与难点\n\n- 重点：\n- 难点：\n\n## 教学准备\n\n\n## 教学过程\n\n### 一、导入\n\n### 二、活动\n\n### 三、总结\n\n## 教学反思\n\n"
        ),
        Kind::Video => format!(
            "{common}url: \"{PLACEHOLDER_VIDEO_URL}\"   # 视频地址：http(s) 链接，或 content/assets/ 下的文件\nduration: \"40:00\"        # 时长：\"分:秒\" 或 \"时:分:秒\"\nspeaker: \"\"              # 主讲教师\nlesson: {}               # 对应教学设计的 id（文件名，不含 .md），没有可删去此行\n# captions: captions/replace-me.vtt   # 字幕：content/assets/ 下的 WebVTT 文件，会显示为可点击的课堂实录文字\n# chapters:                # 课堂环节：去掉行首的 # 并改成本课的时间，页面会列出各环节并可跳转\n#   - {{at: \"00:00\", title: 导入}}\n#   - {{at: \"05:00\", title: 新授}}\n#   - {{at: \"25:00\", title: 练习}}\n#   - {{at: \"35:00\", title: 小结}}\n# chapters_file: captions/replace-me.chapters.vtt   # 或者把课堂环节写在 WebVTT 章节文件里（与 chapters: 二选一）\n---\n\n## 视频简介\n\n\n## 文字实录\n\n",
            lesson_value
        ),
        // A title that says 说课 (《…》说课稿) is a 说课, with a 说课稿's parts; else a 评课.
        Kind::Review if names_presentation(title) => format!(
            "{common}lesson: {}               # 所说教学设计的 id（文件名，不含 .md）\nreviewer: \"\"             # 说课人\nkind: 说课                # 说课 或 评课\n---\n\n## 说教材\n\n\n## 说学情\n\n\n## 说教学目标\n\n\n## 说教法与学法\n\n\n## 说教学过程\n\n\n## 说板书设计\n\n\n",
            lesson_value
        ),
        Kind::Review => format!(
            "{common}lesson: {}               # 所评教学设计的 id（文件名，不含 .md）\nreviewer: \"\"             # 评课人\n# rating: 4              # 评分 1–5：评好后去掉行首的 #\nkind: 评课                # 说课 或 评课\n---\n\n## 总体评价\n\n\n## 亮点\n\n\n## 不足与建议\n\n\n",
            lesson_value
        ),
    }
}

/// `lectern init DIR`: a new site that builds and serves at once.
pub fn init(dir: &Path) -> Result<(), Diagnostic> {
    if dir.exists() && !dir.is_dir() {
        return Err(
            Diagnostic::error(format!("{} is a file, not a folder", dir.display()))
                .with_help("choose a new folder name: lectern init my-portal"),
        );
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(
            Diagnostic::error(format!("{} exists and is not empty", dir.display()))
                .with_help("choose a new folder name: lectern init my-portal"),
        );
    }
    for (path, text) in STARTER {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::error(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        write_new(&full, text)?;
    }
    Ok(())
}

const STARTER: &[(&str, &str)] = &[
    (
        "site.yaml",
        concat!(
            include_str!("scaffold/site.yaml"),
            include_str!("scaffold/synonyms.yaml")
        ),
    ),
    (
        "content/lessons/wo-de-qing-xu-ri-ji.md",
        include_str!("scaffold/lesson.md"),
    ),
    (
        "content/videos/wo-de-qing-xu-ri-ji-ke-tang.md",
        include_str!("scaffold/video.md"),
    ),
    // A spreadsheet of videos, one per row: how video lists usually arrive.
    (
        "content/videos/catalog.csv",
        include_str!("scaffold/videos.csv"),
    ),
    (
        "content/reviews/wo-de-qing-xu-ri-ji-ping-ke.md",
        include_str!("scaffold/review.md"),
    ),
    ("content/pages/about.md", include_str!("scaffold/about.md")),
];

#[cfg(test)]
mod tests {
    use super::names_presentation;

    #[test]
    fn a_review_title_names_its_kind_outside_the_book_title() {
        assert!(names_presentation("《情绪管理》说课稿"));
        assert!(names_presentation("情绪管理说课"));
        assert!(!names_presentation("《如何说课》评课记录"));
        assert!(!names_presentation("《情绪管理》评课记录"));
        assert!(!names_presentation("《说课与评课》"));
        assert!(
            !names_presentation("说课评课记录"),
            "评课 last: a 评课 record"
        );
    }
}
