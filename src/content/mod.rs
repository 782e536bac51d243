//! Walks `content/`, reads every file once, and turns it into typed records: lessons, videos
//! (Markdown files, YAML and CSV catalogs), reviews, free pages and assets. Never writes anything,
//! never follows a symlink out of the site, and one bad file never hides the others: each
//! problem becomes a diagnostic and the walk goes on.

mod active;
pub mod align;
mod csv;
mod frontmatter;
pub mod model;
mod parse;
mod table;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

pub use frontmatter::{decode_text, forbidden_control};
pub use model::*;
pub use parse::{is_id, title_too_long};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};

pub const CONTENT_DIR: &str = "content";

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Content {
    /// Shared, so that `serve` can assemble the site again after a save without copying them.
    pub resources: Vec<std::sync::Arc<Resource>>,
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    /// Resources whose file exists but did not become a record, by (kind, file stem): references
    /// to them should not add a second, misleading "does not exist" error.
    pub unavailable: BTreeMap<(Kind, String), Unavailable>,
    /// Free pages left out as drafts, by file: a link to one is a warning, not an error.
    pub draft_pages: BTreeSet<String>,
    /// Bodies of resource files whose front matter has errors (see `BrokenBody`).
    pub broken_bodies: Vec<BrokenBody>,
    /// What records with errors name (see `BrokenRefs`).
    pub broken_refs: Vec<BrokenRefs>,
    /// What the build may say about how it read files (`lectern build --timings`): which
    /// encoding each CSV catalog was read as.
    pub notes: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// The file has errors (already reported).
    Broken,
    /// `draft: true` and drafts are not being built.
    Draft,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileRole {
    Resource(Kind),
    VideoCatalog,
    /// `content/videos/*.csv`: the same entries as a YAML catalog, one per row.
    CsvCatalog,
    Page,
    Asset,
}

struct Found {
    role: FileRole,
    path: PathBuf,
    /// Relative to the site root, `/`-separated.
    rel: String,
}

/// The site folder as an editor knows it: `.` is the folder the command ran in.
fn display_root(root: &Path) -> String {
    match root.to_str() {
        Some("" | ".") => "this folder".to_string(),
        _ => root.display().to_string(),
    }
}

pub fn load(root: &Path, config: &Config, drafts: bool, diagnostics: &mut Diagnostics) -> Content {
    let content_dir = root.join(CONTENT_DIR);
    if content_dir.exists() && !content_dir.is_dir() {
        // Building on would replace the portal with an empty one.
        diagnostics.push(
            Diagnostic::error("content is a file, not a folder")
                .in_file(CONTENT_DIR)
                .with_help("rename or remove the file `content` and put lessons, videos and reviews in a folder content/"),
        );
        return Content::default();
    }
    if !content_dir.is_dir() {
        // An error, not an empty portal: a folder moved away (a sync tool, a branch switch, the
        // wrong --root) would otherwise replace the published site with one of no resources.
        diagnostics.push(
            Diagnostic::error(format!("there is no content/ folder in {}", display_root(root)))
                .with_help("check `--root` (the folder holding site.yaml and content/), or create content/lessons/, content/videos/ and content/reviews/ and put Markdown files there"),
        );
        return Content::default();
    }
    let found = walk(root, &content_dir, diagnostics);
    let mut assets: Vec<Asset> = found
        .iter()
        .filter(|f| f.role == FileRole::Asset)
        .map(|f| {
            let path = f.rel.trim_start_matches("content/assets/").to_string();
            Asset::new(path, f.path.clone())
        })
        .collect();
    // By path, as `serve` keeps them, so an asset is found by binary search.
    assets.sort_by(|a, b| a.path.cmp(&b.path));
    diagnostics.extend(assets_differing_in_case(&assets));
    diagnostics.extend(found.iter().filter_map(|f| name_windows_refuses(&f.rel)));
    diagnostics.extend(active::check(&assets));
    let asset_paths: BTreeSet<String> = assets.iter().map(|a| a.path.clone()).collect();
    let outcomes: Vec<FileOutcome> = found
        .par_iter()
        .filter(|f| f.role != FileRole::Asset)
        .map(|f| read_one(f, config, &asset_paths, drafts))
        .collect();
    let mut content = Content {
        assets,
        ..Content::default()
    };
    for outcome in outcomes {
        diagnostics.extend(outcome.diagnostics);
        content
            .resources
            .extend(outcome.resources.into_iter().map(std::sync::Arc::new));
        content.pages.extend(outcome.pages);
        content.unavailable.extend(outcome.unavailable);
        content.draft_pages.extend(outcome.draft_page);
        content.broken_bodies.extend(outcome.broken_body);
        content.broken_refs.extend(outcome.broken_refs);
        content.notes.extend(outcome.note);
    }
    content
}

/// Assets whose paths differ only in case: one folder on a USB stick (FAT32), Windows or
/// macOS, where the last copied overwrites the other.
fn assets_differing_in_case(assets: &[Asset]) -> Vec<Diagnostic> {
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    let mut published: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    let mut problems = Vec::new();
    for asset in assets {
        // `情绪卡.pdf` is published as `qing-xu-ka.pdf` (DESIGN §4: ASCII paths), as is a
        // `qing-xu-ka.pdf` beside it: one would overwrite the other.
        let name = crate::url::published_asset(&asset.path);
        if let Some(other) = published.insert(name.to_string(), &asset.path) {
            problems.push(
                Diagnostic::error(format!(
                    "content/assets/{other} and content/assets/{} are both published as assets/{name}",
                    asset.path
                ))
                .in_file(&format!("content/assets/{}", asset.path))
                .with_help("rename one of the two"),
            );
            continue;
        }
        if let Some(other) = seen.insert(name.to_lowercase(), &asset.path) {
            problems.push(
                Diagnostic::warning(format!(
                    "content/assets/{other} and content/assets/{} differ only in case: copied to a USB stick, Windows or macOS, one overwrites the other",
                    asset.path
                ))
                .in_file(&format!("content/assets/{}", asset.path))
                .with_help("rename one of the two"),
            );
        }
    }
    problems
}

/// What a full build warns about the saved `files` and new `assets` on their own (an asset a
/// browser would run as a page, a name Windows refuses): `serve` checks its saves with it.
pub fn saved_file_warnings<'a>(
    assets: &[Asset],
    files: impl Iterator<Item = &'a String>,
) -> Vec<Diagnostic> {
    let mut warnings = active::check(assets);
    warnings.extend(files.filter_map(|rel| name_windows_refuses(rel)));
    warnings
}

/// A file under content/ whose published name Windows cannot store — characters it forbids, a
/// name ending in a dot or space, or a device name such as CON or LPT1 (with any extension, as
/// Windows counts it): a portal unzipped or copied onto a school's Windows PC loses that file.
fn name_windows_refuses(rel: &str) -> Option<Diagnostic> {
    let inside = rel.strip_prefix("content/")?;
    let lower = inside.to_ascii_lowercase();
    let published = match inside.strip_prefix("assets/") {
        // An asset named in Chinese is published under its pinyin name: that is the name a
        // Windows PC must store (`为什么?.pdf` becomes `wei-shen-me-….pdf`).
        Some(asset) => crate::url::published_asset(asset),
        None => std::borrow::Cow::Borrowed(
            [".md", ".markdown"]
                .iter()
                .find(|ext| lower.ends_with(*ext))
                .map_or(inside, |ext| &inside[..inside.len() - ext.len()]),
        ),
    };
    let why = published.split('/').find_map(windows_trouble)?;
    // A free page's folders are its address, which must be ASCII; elsewhere Chinese is fine.
    let help = match inside.starts_with("pages/") {
        true => {
            "rename it with ASCII letters, digits, `-` and `_`: a page's folders are part of its address"
        }
        false => "rename it with letters, digits, `-` and `_` (Chinese is fine)",
    };
    Some(
        Diagnostic::warning(format!("{why}: Windows cannot store the file or folder it is published as (a portal unzipped or copied onto a Windows PC loses it)"))
            .in_file(rel)
            .with_help(help),
    )
}

fn windows_trouble(part: &str) -> Option<String> {
    if let Some(c) = part.chars().find(|c| "<>:\"|?*\\".contains(*c)) {
        return Some(format!("the name holds `{c}`"));
    }
    if part.ends_with('.') || part.ends_with(' ') {
        return Some("the name ends in a dot or a space".to_string());
    }
    let stem = part.split('.').next().unwrap_or(part).trim_end();
    crate::slug::is_windows_device(part).then(|| {
        format!(
            "`{}` is a device name on Windows",
            stem.to_ascii_uppercase()
        )
    })
}

/// Every file under content/, classified; hidden files, editor backups and symlinks are skipped.
fn walk(root: &Path, content_dir: &Path, diagnostics: &mut Diagnostics) -> Vec<Found> {
    let mut found = Vec::new();
    let walker = WalkDir::new(content_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    for entry in walker
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_string_lossy().as_ref()))
    {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                diagnostics.push(Diagnostic::error(format!(
                    "cannot read a folder in content/: {error}"
                )));
                continue;
            }
        };
        let rel = relative(root, entry.path());
        // `content/` itself may be a link (content shared by several sites): the site's owner
        // made it, and it is followed. Links inside it come with the content and are skipped.
        if entry.depth() > 0 && entry.file_type().is_symlink() {
            diagnostics.push(
                Diagnostic::warning(
                    "symbolic link skipped: Lectern never follows links out of the site",
                )
                .in_file(&rel)
                .with_help("copy the file into content/ instead of linking it"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let inside = entry
            .path()
            .strip_prefix(content_dir)
            .unwrap_or(entry.path());
        if let Some(problem) = unpublishable_name(inside) {
            diagnostics.push(
                Diagnostic::error(format!("file name not publishable: {problem}"))
                    .in_file(&rel)
                    .with_help("rename the file (and its folders) with letters, digits, `-`, `_` and `.`; Chinese names are fine"),
            );
            continue;
        }
        match classify(&rel) {
            Some(role) => found.push(Found { role, path: entry.into_path(), rel }),
            None if rel.to_ascii_lowercase().ends_with(".md.txt") => diagnostics.push(
                Diagnostic::warning("file ignored: its name ends in `.md.txt`, not `.md` (Notepad adds `.txt` when saving)")
                    .in_file(&rel)
                    .with_help(format!("rename it to `{}`", rel.rsplit('/').next().unwrap_or("").trim_end_matches(".txt").trim_end_matches(".TXT"))),
            ),
            None => diagnostics.push(ignored_file(&rel)),
        }
    }
    found
}

/// Why a file under content/ is not read, and what to do: a spreadsheet or a Word document
/// saved in place, a Markdown file named `.txt`, or a file in no folder Lectern reads.
fn ignored_file(rel: &str) -> Diagnostic {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let in_kind_folder = [
        "content/lessons/",
        "content/videos/",
        "content/reviews/",
        "content/pages/",
    ]
    .iter()
    .any(|folder| rel.starts_with(folder));
    let (message, help) = match extension.as_str() {
        "xlsx" | "xls" | "et" | "ods" if rel.starts_with("content/videos/") => (
            "file ignored: a spreadsheet is read only as CSV".to_string(),
            format!("open it in Excel or WPS and choose 另存为 (Save As) → \"CSV UTF-8 (逗号分隔)\", as `{stem}.csv`"),
        ),
        "docx" | "doc" | "wps" | "pdf" if in_kind_folder => (
            "file ignored: a Word, WPS or PDF document is not read as a lesson".to_string(),
            "copy its text into a .md file (`lectern new lesson` writes one to fill in), or put the document under content/assets/ and link it as an attachment".to_string(),
        ),
        "txt" | "mdown" if in_kind_folder => (
            format!("file ignored: its name ends in `.{extension}`, and Lectern reads `.md` files"),
            format!("rename it to `{stem}.md`"),
        ),
        _ => (
            "file ignored: it is not in a folder Lectern reads".to_string(),
            "lessons go in content/lessons/, videos in content/videos/, reviews in content/reviews/, pages in content/pages/ (all .md; video catalogs as .yaml or .csv directly in content/videos/), other files in content/assets/".to_string(),
        ),
    };
    Diagnostic::warning(message).in_file(rel).with_help(help)
}

/// One content file read again alone, for `serve`: what a full build's walk takes of it.
pub struct Reread {
    pub resources: Vec<Resource>,
    pub pages: Vec<Page>,
    /// The file is a draft (or otherwise not a record): where `Content::unavailable` notes it.
    pub unavailable: Option<((Kind, String), Unavailable)>,
    /// The file, when it is a free page that is a draft.
    pub draft_page: Option<String>,
}

/// Read a lesson, video, review, video catalog or free page again. `None` when `rel` is none
/// of these; `Err` with its first problem when it has any (a full build reports them all).
pub fn reread(
    root: &Path,
    rel: &str,
    config: &Config,
    assets: &BTreeSet<String>,
    drafts: bool,
) -> Option<Result<Reread, Diagnostic>> {
    let role = classify(rel).filter(|role| *role != FileRole::Asset)?;
    let outcome = read_again(root, rel, role, config, assets, drafts);
    Some(match outcome.diagnostics.into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(Reread {
            resources: outcome.resources,
            pages: outcome.pages,
            unavailable: outcome.unavailable,
            draft_page: outcome.draft_page,
        }),
    })
}

/// Where `Content::unavailable` would note the resource file `rel` (a draft, a broken file).
pub fn unavailable_key(rel: &str) -> Option<(Kind, String)> {
    match classify(rel)? {
        FileRole::Resource(kind) => Some((kind, stem(rel))),
        _ => None,
    }
}

/// One file read again, as the walk would have found it.
fn read_again(
    root: &Path,
    rel: &str,
    role: FileRole,
    config: &Config,
    assets: &BTreeSet<String>,
    drafts: bool,
) -> FileOutcome {
    let found = Found {
        role,
        path: root.join(rel),
        rel: rel.to_string(),
    };
    read_one(&found, config, assets, drafts)
}

/// Is `rel` (relative to the site root) a file copied from `content/assets/`?
pub fn is_asset(rel: &str) -> bool {
    classify(rel) == Some(FileRole::Asset)
}

/// Editor temporaries and hidden files: `.#x`, `x~`, `x.swp`, `4913` (vim's probe), `*.tmp`.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name == "4913"
        // Office's lock file beside an open document (~$教案.docx), Windows' thumbnail cache
        // and folder settings: none of them is the editor's to publish.
        || name.starts_with("~$")
        || name.eq_ignore_ascii_case("thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
        || [".swp", ".swx", ".tmp", ".bak", ".crdownload", ".part"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Why a path under content/ cannot be published under its own name, if it cannot. A name
/// that is not UTF-8 would be written with U+FFFD, so two such files would land on one; a
/// backslash separates folders on Windows; control characters break addresses.
pub fn unpublishable_name(path: &Path) -> Option<&'static str> {
    for part in path.components() {
        let Some(name) = part.as_os_str().to_str() else {
            return Some("it is not valid UTF-8 (saved on another system?)");
        };
        if name.contains('\\') {
            return Some("it holds a backslash `\\`, a folder separator on Windows");
        }
        if name.chars().any(char::is_control) {
            return Some("it holds a control character");
        }
        if name.chars().any(is_direction_mark) {
            return Some(
                "it holds an invisible direction mark, which shows the name out of order (a `.exe` can look like a `.jpg`)",
            );
        }
    }
    None
}

/// Unicode's bidirectional embeddings, overrides and isolates: invisible, and they reorder
/// what follows them, so a file name can show an extension it does not have.
fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn classify(rel: &str) -> Option<FileRole> {
    let inside = rel.strip_prefix("content/")?;
    let (top, rest) = inside.split_once('/')?;
    // Extensions in any case: Windows tools save `教案.MD` and `目录.CSV`.
    let lower = rest.to_ascii_lowercase();
    let markdown = lower.ends_with(".md") || lower.ends_with(".markdown");
    let yaml = (lower.ends_with(".yaml") || lower.ends_with(".yml")) && !rest.contains('/');
    let csv = lower.ends_with(".csv") && !rest.contains('/');
    match top {
        "assets" => Some(FileRole::Asset),
        "lessons" if markdown => Some(FileRole::Resource(Kind::Lesson)),
        "videos" if markdown => Some(FileRole::Resource(Kind::Video)),
        "videos" if yaml => Some(FileRole::VideoCatalog),
        "videos" if csv => Some(FileRole::CsvCatalog),
        "reviews" if markdown => Some(FileRole::Resource(Kind::Review)),
        "pages" if markdown => Some(FileRole::Page),
        _ => None,
    }
}

#[derive(Default)]
struct FileOutcome {
    resources: Vec<Resource>,
    pages: Vec<Page>,
    diagnostics: Vec<Diagnostic>,
    unavailable: Option<((Kind, String), Unavailable)>,
    /// The file, when it is a free page left out as a draft.
    draft_page: Option<String>,
    /// Its body, when it is a resource file whose front matter has errors.
    broken_body: Option<BrokenBody>,
    /// What its records with errors name.
    broken_refs: Vec<BrokenRefs>,
    /// See `Content::notes`.
    note: Option<String>,
}

fn read_one(
    found: &Found,
    config: &Config,
    assets: &BTreeSet<String>,
    drafts: bool,
) -> FileOutcome {
    match std::fs::read(&found.path) {
        Ok(bytes) => read_text(found, &bytes, config, assets, drafts),
        Err(error) => FileOutcome {
            diagnostics: vec![
                Diagnostic::error(format!("cannot read the file: {error}")).in_file(&found.rel),
            ],
            ..FileOutcome::default()
        },
    }
}

/// What one content file's bytes became: its records and its problems.
#[derive(Debug, Default)]
pub struct FileRead {
    pub resources: Vec<Resource>,
    pub pages: Vec<Page>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Read one content file from its bytes exactly as a build does (decoding, front matter split,
/// YAML, typed parse, checks against the site), without touching the disk. `None` when `rel`
/// is not a lesson, video, review, video catalog or free page. Public for the fuzzer
/// (`fuzz/fuzz_targets/front_matter.rs` and `video_catalog.rs`), so that it runs the code a
/// build runs rather than a copy of it.
pub fn read_bytes(
    rel: &str,
    bytes: &[u8],
    config: &Config,
    assets: &BTreeSet<String>,
    drafts: bool,
) -> Option<FileRead> {
    let role = classify(rel).filter(|role| *role != FileRole::Asset)?;
    let found = Found {
        role,
        path: PathBuf::from(rel),
        rel: rel.to_string(),
    };
    let outcome = read_text(&found, bytes, config, assets, drafts);
    Some(FileRead {
        resources: outcome.resources,
        pages: outcome.pages,
        diagnostics: outcome.diagnostics,
    })
}

/// The part of `read_one` after the disk: bytes → records or diagnostics.
/// A GBK file that also passes as UTF-8 would be published as `Ŀ¼` for 目录 without a word.
fn misread_gbk_warning(file: &str, text: &str) -> Option<Diagnostic> {
    let (offset, as_gbk) = frontmatter::misread_gbk(text)?;
    let line = text[..offset].matches('\n').count() + 1;
    let misread = text[offset..].lines().next().unwrap_or("").trim();
    Some(
        Diagnostic::warning(format!(
            "line {line} reads `{}`: the file seems to be saved as GBK, not UTF-8 (as GBK it reads `{}`)",
            crate::diagnostics::shorten(misread, 30),
            crate::diagnostics::shorten(&as_gbk, 30)
        ))
        .in_file(file)
        .at_line_only(line)
        .with_help("re-save the file as UTF-8 (in your editor: Save As → Encoding: UTF-8) / 请将文件另存为 UTF-8 编码"),
    )
}

fn read_text(
    found: &Found,
    bytes: &[u8],
    config: &Config,
    assets: &BTreeSet<String>,
    drafts: bool,
) -> FileOutcome {
    let mut outcome = FileOutcome::default();
    if found.role == FileRole::CsvCatalog {
        let site = table::SiteRefs {
            config,
            assets,
            drafts,
        };
        table::read(found, bytes, &site, &mut outcome);
        return outcome;
    }
    let text = match decode_text(&found.rel, bytes) {
        Ok(text) => {
            if let Some(warning) = misread_gbk_warning(&found.rel, &text) {
                outcome.diagnostics.push(warning);
            }
            parse::shared(text)
        }
        Err(diagnostic) => {
            outcome.diagnostics.push(diagnostic);
            note_broken(found, &mut outcome);
            return outcome;
        }
    };
    if found.role == FileRole::VideoCatalog {
        read_catalog(found, text, config, assets, drafts, &mut outcome);
        return outcome;
    }
    let split = match frontmatter::split(&found.rel, &text) {
        Ok(split) => split,
        Err(diagnostic) => {
            outcome.diagnostics.push(diagnostic);
            note_broken(found, &mut outcome);
            return outcome;
        }
    };
    let body = BrokenBody {
        kind: Kind::Lesson,
        id: stem(&found.rel),
        file: found.rel.clone(),
        text: text.clone(),
        body_span: split.body.clone(),
        body_line: split.body_line,
    };
    let place = parse::Place {
        config,
        assets,
        stem: stem(&found.rel),
        body_span: split.body.clone(),
        body_line: split.body_line,
        origin: Origin {
            file: found.rel.clone(),
            text: text.clone(),
            yaml: split.yaml,
            yaml_line: split.yaml_line,
            row: None,
        },
    };
    match found.role {
        FileRole::Resource(Kind::Lesson) => {
            collect_resource(parse::lesson(place, drafts), &mut outcome)
        }
        FileRole::Resource(Kind::Video) => {
            collect_resource(parse::video(place, drafts, None), &mut outcome)
        }
        FileRole::Resource(Kind::Review) => {
            collect_resource(parse::review(place, drafts), &mut outcome)
        }
        FileRole::Page => collect(
            parse::page(place, drafts),
            &mut outcome.pages,
            &mut outcome.diagnostics,
        ),
        FileRole::VideoCatalog | FileRole::CsvCatalog | FileRole::Asset => {}
    }
    if found.role == FileRole::Page
        && outcome.pages.is_empty()
        && !outcome.diagnostics.iter().any(Diagnostic::is_error)
    {
        outcome.draft_page = Some(found.rel.clone());
    }
    if let FileRole::Resource(kind) = found.role
        && outcome.resources.is_empty()
    {
        let why = if outcome.diagnostics.iter().any(Diagnostic::is_error) {
            outcome.broken_body = Some(BrokenBody { kind, ..body });
            Unavailable::Broken
        } else {
            Unavailable::Draft
        };
        outcome.unavailable = Some(((kind, stem(&found.rel)), why));
    }
    outcome
}

/// A resource file that cannot be read as one (not UTF-8, no front matter): noted, so that a
/// reference to it does not add "does not exist" to the error already given.
fn note_broken(found: &Found, outcome: &mut FileOutcome) {
    if let FileRole::Resource(kind) = found.role {
        outcome.unavailable = Some(((kind, stem(&found.rel)), Unavailable::Broken));
    }
}

/// A resource read: kept with its warnings; or, when it came with errors, not kept, its errors
/// reported and what it names noted (`BrokenRefs`).
fn collect_resource(parsed: parse::Parsed<Resource>, outcome: &mut FileOutcome) {
    match parsed {
        Ok((Some(resource), problems)) if problems.iter().any(Diagnostic::is_error) => {
            outcome.diagnostics.extend(problems);
            outcome.broken_refs.extend(BrokenRefs::of(resource));
        }
        parsed => collect(parsed, &mut outcome.resources, &mut outcome.diagnostics),
    }
}

fn collect<T>(parsed: parse::Parsed<T>, into: &mut Vec<T>, diagnostics: &mut Vec<Diagnostic>) {
    match parsed {
        Ok((item, warnings)) => {
            into.extend(item);
            diagnostics.extend(warnings);
        }
        Err(problems) => diagnostics.extend(problems),
    }
}

fn stem(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(name)
        .to_string()
}

/// A catalog is a YAML list of video entries, each with an `id`; each becomes a `Video`.
fn read_catalog(
    found: &Found,
    text: std::sync::Arc<str>,
    config: &Config,
    assets: &BTreeSet<String>,
    drafts: bool,
    outcome: &mut FileOutcome,
) {
    let source = crate::yaml::YamlSource {
        file: &found.rel,
        file_text: &text,
        text: &text,
        first_line: 1,
        what: "video catalog",
    };
    let mut fields = vec!["id"];
    fields.extend_from_slice(parse::VIDEO_FIELDS);
    let entries: Vec<parse::VideoFront> = match crate::yaml::parse(&source, &fields) {
        Ok(entries) => entries,
        Err(diagnostic) => {
            outcome.diagnostics.push(diagnostic);
            return;
        }
    };
    if entries.is_empty() {
        // Said here, or only its videos' absence would be (links to them, a review's video).
        outcome.diagnostics.push(
            Diagnostic::warning("the video catalog is empty")
                .in_file(&found.rel)
                .with_help("list its videos, each starting with `- id: …`, or delete the file"),
        );
        return;
    }
    let ranges = entry_ranges(&text);
    for (index, front) in entries.into_iter().enumerate() {
        let (yaml, yaml_line) = ranges.get(index).cloned().unwrap_or((0..text.len(), 1));
        let origin = Origin {
            file: found.rel.clone(),
            text: text.clone(),
            yaml,
            yaml_line,
            row: None,
        };
        let Some(id) = front.id.clone() else {
            outcome.diagnostics.push(
                origin.at_key(
                    "title",
                    Diagnostic::error(format!(
                        "entry {} of the video catalog has no `id`",
                        index + 1
                    ))
                    .with_help(
                        "add `id: <ascii-name>` to the entry; it becomes the video's address",
                    ),
                ),
            );
            continue;
        };
        let place = parse::Place {
            config,
            assets,
            stem: id,
            body_span: 0..0,
            body_line: yaml_line,
            origin,
        };
        collect_resource(parse::video(place, drafts, Some(front)), outcome);
    }
}

/// Byte ranges and first lines of the top-level `- ` items of a YAML list written in block style.
fn entry_ranges(text: &str) -> Vec<(std::ops::Range<usize>, usize)> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if line.starts_with("- ") || line.trim_end() == "-" {
            starts.push((offset, index + 1));
        }
        offset += line.len();
    }
    let mut ranges = Vec::new();
    for (i, (start, line)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map(|(s, _)| *s).unwrap_or(text.len());
        ranges.push((*start..end, *line));
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ignored_file_says_what_it_looks_like_and_what_to_do() {
        let said = |rel: &str| {
            let d = ignored_file(rel);
            format!("{} / {}", d.message, d.help.unwrap_or_default())
        };
        assert!(said("content/videos/登记表.xlsx").contains("`登记表.csv`"));
        assert!(said("content/lessons/g7/教案.docx").contains("Word"));
        assert!(said("content/lessons/plain.txt").contains("rename it to `plain.md`"));
        assert!(said("content/notes.txt").contains("not in a folder Lectern reads"));
    }

    #[test]
    fn names_windows_refuses_are_found() {
        for bad in [
            "content/assets/a?.pdf",
            "content/assets/a:b.pdf",
            "content/assets/CON.pdf",
            "content/assets/sub/lpt1",
            "content/assets/trailing. ",
            "content/assets/dot./x.png",
            "content/lessons/con.md",
            "content/lessons/g7/Aux.md",
        ] {
            assert!(name_windows_refuses(bad).is_some(), "{bad}");
        }
        for fine in [
            "content/assets/问卷.pdf",
            // published as its pinyin name, which has no `?`
            "content/assets/问卷?.pdf",
            "content/assets/为什么？/x.pdf",
            "content/assets/console.pdf",
            "content/assets/com10.txt",
            "content/assets/com0.txt",
            "content/lessons/conflict.md",
            "content/lessons/a.b.md",
        ] {
            assert!(name_windows_refuses(fine).is_none(), "{fine}");
        }
    }

    #[test]
    fn classifies_paths() {
        assert_eq!(
            classify("content/lessons/g7/a.md"),
            Some(FileRole::Resource(Kind::Lesson))
        );
        assert_eq!(
            classify("content/videos/catalog.yaml"),
            Some(FileRole::VideoCatalog)
        );
        assert_eq!(classify("content/videos/sub/catalog.yaml"), None);
        assert_eq!(
            classify("content/videos/list.CSV"),
            Some(FileRole::CsvCatalog)
        );
        assert_eq!(classify("content/assets/a/b.pdf"), Some(FileRole::Asset));
        assert_eq!(classify("content/readme.md"), None);
        assert!(
            unpublishable_name(Path::new("content/assets/rlo\u{202e}gpj.exe"))
                .is_some_and(|why| why.contains("direction mark"))
        );
        assert_eq!(
            classify("content/lessons/upper.MD"),
            Some(FileRole::Resource(Kind::Lesson))
        );
        assert_eq!(
            classify("content/videos/list.YML"),
            Some(FileRole::VideoCatalog)
        );
    }

    #[test]
    fn ignores_editor_files() {
        for name in [
            "a.md~",
            ".#a.md",
            "a.md.swp",
            "4913",
            ".hidden",
            "x.tmp",
            "~$教案.docx",
            "Thumbs.db",
            "desktop.ini",
        ] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("a.md"));
    }
}
