//! Every Markdown body of the site rendered for its page, and the `#fragment` links between
//! them checked once all are rendered; a video's body also carries the transcript read from
//! its local WebVTT captions. Between the catalog and the pages in the pipeline.

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;

use crate::catalog::{self, Catalog};
use crate::config::Config;
use crate::content::{Detail, Link, Page, Resource};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, LinkContext, RenderOptions, Rendered, SourceSpan};

/// Bodies of the resources and of the free pages, in the catalog's orders.
pub struct Bodies {
    pub resources: Vec<Arc<Rendered>>,
    pub pages: Vec<Arc<Rendered>>,
}

/// Render every body (in parallel) and check the fragment links between them.
pub fn render_all(config: &Config, catalog: &Catalog, diagnostics: &mut Diagnostics) -> Bodies {
    let pages = render_page_bodies(config, catalog, diagnostics);
    render_resources_beside(config, catalog, pages, diagnostics)
}

/// Render the resources' bodies beside the free pages' (rendered already) and check the
/// fragment links between them all.
pub fn render_resources_beside(
    config: &Config,
    catalog: &Catalog,
    pages: Vec<Arc<Rendered>>,
    diagnostics: &mut Diagnostics,
) -> Bodies {
    let assets = asset_set(catalog);
    let resources: Vec<(Rendered, Vec<Diagnostic>)> = catalog
        .resources
        .par_iter()
        .map(|r| render_resource_body(config, catalog, &assets, r))
        .collect();
    let resources = resources
        .into_iter()
        .map(|(rendered, warnings)| {
            diagnostics.extend(warnings);
            Arc::new(rendered)
        })
        .collect();
    let bodies = Bodies { resources, pages };
    diagnostics.extend(missing_fragments(catalog, &bodies));
    diagnostics.extend(broken_body_problems(config, catalog, &assets));
    diagnostics.extend(times_past_the_end(catalog, &bodies));
    bodies
}

/// The problems of the bodies whose files' front matter has errors (`BrokenBody`), rendered
/// as if their pages existed: the whole file's problems come in one run.
fn broken_body_problems(
    config: &Config,
    catalog: &Catalog,
    assets: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    catalog
        .broken_bodies
        .par_iter()
        .flat_map(|b| {
            let body = b.text.get(b.body_span.clone()).unwrap_or("");
            let page = format!("{}/{}/", b.kind.dir(), b.id);
            let source = (b.file.as_str(), &*b.text, body, b.body_line);
            render_body(config, catalog, assets, source, &page, false).1
        })
        .collect()
}

/// The free pages' bodies only, for a build that renders each resource's body with its page
/// (`build::write_site_streamed`); the fragment links are checked once those are rendered too.
pub fn render_page_bodies(
    config: &Config,
    catalog: &Catalog,
    diagnostics: &mut Diagnostics,
) -> Vec<Arc<Rendered>> {
    let assets = asset_set(catalog);
    let pages: Vec<(Rendered, Vec<Diagnostic>)> = catalog
        .pages
        .par_iter()
        .map(|p| render_page_body(config, catalog, &assets, p))
        .collect();
    pages
        .into_iter()
        .map(|(rendered, warnings)| {
            diagnostics.extend(warnings);
            Arc::new(rendered)
        })
        .collect()
}

/// Stand-ins for the resources' bodies before they are rendered: empty, but for a video's
/// chapters read from its `chapters_file:`, which other pages need first (its `chapters.vtt`,
/// the list of pages). The file's problems are reported when the body itself is rendered.
pub fn chapter_stubs(catalog: &Catalog) -> Vec<Arc<Rendered>> {
    let empty = Arc::new(Rendered::default());
    catalog
        .resources
        .iter()
        .map(|r| match &r.detail {
            Detail::Video(video) if video.chapters_file.is_some() => {
                let mut stub = Rendered::default();
                if let Some(file) = &video.chapters_file {
                    add_chapters(catalog, file, video.duration, &mut stub, &mut Vec::new());
                }
                Arc::new(stub)
            }
            _ => Arc::clone(&empty),
        })
        .collect()
}

/// What the checks after the pages (`missing_fragments`, `times_past_the_end`) and `Site`
/// keep of a rendered body: all but its HTML, text and transcript.
pub fn slim(mut body: Rendered) -> Rendered {
    body.html = String::new();
    body.text = String::new();
    body.transcript = Vec::new();
    body
}

/// A warning for each review that cites a time (`[12:34]`) after its video's end.
pub fn times_past_the_end(catalog: &Catalog, bodies: &Bodies) -> Vec<Diagnostic> {
    catalog
        .places()
        .flat_map(|place| {
            let text = &catalog.resources[place].origin.text;
            late_times(catalog, place, &bodies.resources[place], text)
        })
        .collect()
}

/// `times_past_the_end` for the resource at `place` (`file_text` is its file's text): nothing
/// unless it is a review whose video has a `duration:`.
pub fn late_times(
    catalog: &Catalog,
    place: catalog::Place,
    body: &Rendered,
    file_text: &str,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if body.cited_times.is_empty() {
        return problems;
    }
    let Some(video) = catalog.review_video(place) else {
        // a video named but broken (its own errors, a duplicate id) is reported already; so is
        // a lesson named but broken, whose videos are unknown until it is mended
        let broken = |kind, id: &String| {
            catalog.unavailable.get(&(kind, id.clone()))
                == Some(&crate::content::Unavailable::Broken)
        };
        let named_broken = match &catalog.resources[place].detail {
            crate::content::Detail::Review(d) => match (&d.video, &d.lesson) {
                (Some(video), _) => broken(crate::content::Kind::Video, video),
                (None, Some(lesson)) => broken(crate::content::Kind::Lesson, lesson),
                (None, None) => false,
            },
            _ => false,
        };
        if !named_broken {
            problems.push(no_video(catalog, place, file_text));
        }
        return problems;
    };
    if let Some(count) = catalog.review_video_guessed_among(place) {
        problems.push(guessed_video(catalog, place, video, count, file_text));
    }
    let Detail::Video(detail) = &catalog.resources[video].detail else {
        return problems;
    };
    let Some(end) = detail.duration.map(|d| d.0) else {
        return problems;
    };
    let review = &catalog.resources[place];
    let source = file_text.get(review.body_span.clone()).unwrap_or("");
    let mut places = crate::markdown::times::cited_in_source(source).into_iter();
    for late in body.cited_times.iter().filter(|t| **t > end) {
        let mut warning = Diagnostic::warning(format!(
            "the review cites {}, after the end of its video ({})",
            crate::vtt::clock(late * 1000),
            crate::vtt::clock(end * 1000)
        ))
        .in_file(&review.origin.file)
        .with_help("correct the time, or the video's `duration:`");
        // Cited in order, so the next place with the same time is this one.
        if let Some((_, offset)) = places.by_ref().find(|(seconds, _)| seconds == late) {
            warning = at_offset(warning, review, source, offset, file_text);
        }
        problems.push(warning);
    }
    problems
}

/// A review citing times whose lesson has several videos, none named: the times link to the
/// first, which a new video of that lesson can change without the review changing.
fn guessed_video(
    catalog: &Catalog,
    place: catalog::Place,
    video: catalog::Place,
    count: usize,
    file_text: &str,
) -> Diagnostic {
    let review = &catalog.resources[place];
    let chosen = &catalog.resources[video];
    let warning = Diagnostic::warning(format!(
        "the review's times link to `{}`, the first of its lesson's {count} videos",
        chosen.id
    ))
    .in_file(&review.origin.file)
    .with_help(format!(
        "name the video the times are from: `video: {}` (or another of them)",
        chosen.id
    ));
    at_first_time(warning, review, file_text)
}

/// `warning` pointed at the review's first cited time, if its source shows one.
fn at_first_time(warning: Diagnostic, review: &Resource, file_text: &str) -> Diagnostic {
    let source = file_text.get(review.body_span.clone()).unwrap_or("");
    match crate::markdown::times::cited_in_source(source).first() {
        Some((_, offset)) => at_offset(warning, review, source, *offset, file_text),
        None => warning,
    }
}

/// `warning` pointed at byte `offset` of the review's body `source`: its line in the file and
/// its column there, in characters.
fn at_offset(
    warning: Diagnostic,
    review: &Resource,
    source: &str,
    offset: usize,
    file_text: &str,
) -> Diagnostic {
    let before = &source[..offset];
    let line = review.body_line + before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    warning.at_line(file_text, line, column)
}

/// A review citing times with no video to play them (none named, its lesson has none, or
/// that video is a draft): its page shows the times as plain text, and says why here.
fn no_video(catalog: &Catalog, place: catalog::Place, file_text: &str) -> Diagnostic {
    let review = &catalog.resources[place];
    let warning = Diagnostic::warning(
        "the review cites times, but it has no video to play them: they are shown as plain text",
    )
    .in_file(&review.origin.file)
    .with_help("name its video with `video: <id>`, or give its lesson a video");
    at_first_time(warning, review, file_text)
}

pub fn asset_set(catalog: &Catalog) -> BTreeSet<String> {
    catalog.assets.iter().map(|a| a.path.clone()).collect()
}

/// One Markdown body: (file, file text, body, first line of the body), rendered for the page
/// at `page_path`, with its warnings.
fn render_body(
    config: &Config,
    catalog: &Catalog,
    assets: &BTreeSet<String>,
    source: (&str, &str, &str, usize),
    page_path: &str,
    time_links: bool,
) -> (Rendered, Vec<Diagnostic>) {
    let (file, text, body, body_line) = source;
    let options = RenderOptions {
        raw_html: config.raw_html,
        time_links,
        links: LinkContext {
            source_file: file,
            page_path,
            source_paths: &catalog.source_paths,
            page_paths: &catalog.page_paths,
            assets,
            unavailable: &catalog.unavailable,
            draft_pages: &catalog.draft_pages,
            video_durations: &catalog.video_durations,
            listing_paths: &catalog.listing_paths,
        },
        span: SourceSpan {
            file,
            file_text: text,
            first_line: body_line,
        },
    };
    let mut warnings = Vec::new();
    let rendered = markdown::render(body, &options, &mut warnings);
    (rendered, warnings)
}

/// A resource's body, rendered for its page.
pub fn render_resource_body(
    config: &Config,
    catalog: &Catalog,
    assets: &BTreeSet<String>,
    r: &Resource,
) -> (Rendered, Vec<Diagnostic>) {
    render_resource_body_of(config, catalog, assets, r, &r.origin.text)
}

/// `render_resource_body` from the file's text `file_text`, which a streaming build keeps
/// apart from the resource (`build::stream`), to drop it as soon as the body is rendered.
pub fn render_resource_body_of(
    config: &Config,
    catalog: &Catalog,
    assets: &BTreeSet<String>,
    r: &Resource,
    file_text: &str,
) -> (Rendered, Vec<Diagnostic>) {
    let body = file_text.get(r.body_span.clone()).unwrap_or("");
    let (mut rendered, mut problems) = render_body(
        config,
        catalog,
        assets,
        (&r.origin.file, file_text, body, r.body_line),
        &catalog::resource_path(r),
        r.kind == crate::content::Kind::Review,
    );
    if let Detail::Video(video) = &r.detail
        && let Some(Link::Asset(captions)) = &video.captions
    {
        add_transcript(
            catalog,
            captions,
            video.duration,
            &mut rendered,
            &mut problems,
        );
    }
    if let Detail::Video(video) = &r.detail
        && let Some(file) = &video.chapters_file
    {
        add_chapters(catalog, file, video.duration, &mut rendered, &mut problems);
    }
    (rendered, problems)
}

/// A video's WebVTT file under content/assets/, read, and recorded among the body's sources
/// so that `serve` renders the page again when the file is saved. `None` when it is not
/// there (the front matter's check already said so) or cannot be read (said here).
fn read_asset(
    catalog: &Catalog,
    path: &str,
    rendered: &mut Rendered,
    problems: &mut Vec<Diagnostic>,
) -> Option<(String, String)> {
    let file = format!("content/assets/{path}");
    rendered.linked_sources.push(file.clone());
    // Assets are sorted by path (content::load, refresh::next).
    let at = catalog
        .assets
        .binary_search_by(|a| a.path.as_str().cmp(path))
        .ok()?;
    match std::fs::read(&catalog.assets[at].source) {
        // UTF-8 only, as Markdown: a GBK file read leniently became a transcript (and search
        // words) of replacement characters, with nothing said.
        Ok(bytes) => match crate::content::decode_text(&file, &bytes) {
            Ok(text) => Some((file, text)),
            Err(problem) => {
                problems.push(problem);
                None
            }
        },
        Err(error) => {
            problems.push(
                Diagnostic::error(format!("cannot read the WebVTT file: {error}")).in_file(&file),
            );
            None
        }
    }
}

/// The chapters of `chapters_file:`, in the same list (and `chapters.vtt` track) as a
/// `chapters:` list's; a chapter after the video's end is warned about and left out, as in
/// the list.
fn add_chapters(
    catalog: &Catalog,
    path: &str,
    duration: Option<crate::content::Duration>,
    rendered: &mut Rendered,
    problems: &mut Vec<Diagnostic>,
) {
    let Some((file, text)) = read_asset(catalog, path, rendered, problems) else {
        return;
    };
    let cues = match crate::vtt::chapters(&text) {
        Ok(cues) => cues,
        Err(found) => {
            problems.extend(found.into_iter().map(|p| vtt_error(p, &file, &text)));
            return;
        }
    };
    let end = duration.map(|d| d.0);
    for cue in cues {
        let at = crate::content::Duration(cue.start / 1000);
        if end.is_some_and(|end| at.0 >= end) {
            problems.push(
                Diagnostic::warning(format!(
                    "this chapter starts at {}, after the video ends ({})",
                    crate::vtt::clock(cue.start),
                    crate::vtt::clock(end.unwrap_or(0).saturating_mul(1000))
                ))
                .in_file(&file)
                .at_line(&text, cue.line, 1)
                .with_help("correct the chapter's time, or the video's `duration:`"),
            );
            continue;
        }
        let title = cue.text.split_whitespace().collect::<Vec<_>>().join(" ");
        rendered
            .chapters
            .push(crate::content::Chapter { at, title });
    }
}

/// The cues of the captions file `content/assets/<captions>`: on the page as its transcript,
/// for search (cue by cue, beside the body's text: `search::documents`), and among its sources, so that `serve` renders the page
/// again when the file is saved.
fn add_transcript(
    catalog: &Catalog,
    captions: &str,
    duration: Option<crate::content::Duration>,
    rendered: &mut Rendered,
    problems: &mut Vec<Diagnostic>,
) {
    let Some((file, text)) = read_asset(catalog, captions, rendered, problems) else {
        return;
    };
    match crate::vtt::parse_all(&text) {
        Ok(cues) => {
            problems.extend(cues_past_end(&cues, duration, &file, &text));
            rendered.transcript = cues;
        }
        Err(found) => problems.extend(found.into_iter().map(|p| vtt_error(p, &file, &text))),
    }
}

/// A captions or chapters file's problem as an error at its line.
fn vtt_error(problem: crate::vtt::Problem, file: &str, text: &str) -> Diagnostic {
    Diagnostic::error(problem.message)
        .in_file(file)
        .at_line(text, problem.line, 1)
        .with_help(problem.help)
}

/// A warning for the first cue that starts after the video's `duration:`.
fn cues_past_end(
    cues: &[crate::vtt::Cue],
    duration: Option<crate::content::Duration>,
    file: &str,
    text: &str,
) -> Option<Diagnostic> {
    let end = duration?.0.checked_mul(1000)?;
    let cue = cues.iter().find(|c| c.start > end)?;
    Some(
        Diagnostic::warning(format!(
            "this cue starts at {}, after the video's duration ({})",
            crate::vtt::clock(cue.start),
            crate::vtt::clock(end)
        ))
        .in_file(file)
        .at_line(text, cue.line, 1)
        .with_help("correct the cue's time, or the video's `duration:` in its front matter"),
    )
}

/// A free page's body, rendered for its page.
pub fn render_page_body(
    config: &Config,
    catalog: &Catalog,
    assets: &BTreeSet<String>,
    p: &Page,
) -> (Rendered, Vec<Diagnostic>) {
    render_body(
        config,
        catalog,
        assets,
        (&p.origin.file, &p.origin.text, p.body(), p.body_line),
        &catalog::page_path(p),
        false,
    )
}

/// `[x](other.md#section)` must name a heading that exists on that page: a warning for each
/// fragment link that names none.
pub fn missing_fragments(catalog: &Catalog, bodies: &Bodies) -> Vec<Diagnostic> {
    let all = || bodies.resources.iter().chain(&bodies.pages);
    if all().all(|body| body.fragment_links.is_empty()) {
        return Vec::new();
    }
    let resource_pages = catalog
        .resources
        .iter()
        .map(|r| catalog::resource_path(r))
        .zip(&bodies.resources);
    let free_pages = catalog
        .pages
        .iter()
        .map(catalog::page_path)
        .zip(&bodies.pages);
    let pages: rustc_hash::FxHashMap<String, &Arc<Rendered>> =
        resource_pages.chain(free_pages).collect();
    let sources = catalog
        .resources
        .iter()
        .map(|r| &r.origin)
        .zip(&bodies.resources)
        .chain(catalog.pages.iter().map(|p| &p.origin).zip(&bodies.pages));
    let mut problems = Vec::new();
    for (origin, body) in sources {
        let mut missing = body.fragment_links.iter().filter(|link| {
            // The theme's own ids (`#transcript-title`) are on every page that shows a body.
            !(crate::markdown::THEME_IDS.contains(&link.fragment.as_str())
                || pages
                    .get(&link.page_path)
                    .is_some_and(|page| page.anchors.contains(&link.fragment)))
        });
        let limit = crate::markdown::MAX_WARNINGS_PER_FILE;
        let mut last_line = None;
        for link in missing.by_ref().take(limit) {
            last_line = Some((link.line, link.column));
            problems.push(
                Diagnostic::error(format!("link to `#{}` on {} finds no such heading", link.fragment, link.page_path))
                    .in_file(&origin.file)
                    .at_snippet(link.snippet.clone(), link.snippet_start, link.line, link.column)
                    .with_help("heading ids are the heading text in lower case with spaces as `-`; or give the heading an id: `## 标题 {#my-id}`"),
            );
        }
        let more = missing.count();
        if more > 0 {
            // At the last one shown, and worded to sort after it: listed after them.
            let mut summary = Diagnostic::error(format!(
                "… and {more} more links to headings in this file find none"
            ))
            .in_file(&origin.file)
            .with_help("fix the ones above and run `lectern check` again");
            if let Some((line, column)) = last_line {
                summary = summary.at_line_only(line);
                summary.column = Some(column);
            }
            problems.push(summary);
        }
    }
    problems
}
