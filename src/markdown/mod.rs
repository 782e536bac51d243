//! Markdown → HTML with pulldown-cmark: tables (wrapped so they scroll on phones), footnotes,
//! strikethrough, task lists, unique CJK-safe heading ids and a table of contents, highlighted
//! code. Raw HTML is shown as text unless the site opts in; links are filtered and rewritten
//! (see `links`). Also yields the plain text the search index is built from.

mod highlight;
pub mod links;
pub mod math;
pub mod times;

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

pub use highlight::{escape, stylesheet};
pub use links::{LinkContext, Resolved};

use crate::diagnostics::Diagnostic;

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    /// The next entry is this one's first sub-heading: its list opens inside this item.
    pub opens_sublist: bool,
    /// This entry ends a list of sub-headings: that list and its parent item close after it.
    pub closes_sublist: bool,
}

/// Marks where the table of contents nests: an h3 after an h2 is a list inside the h2's item,
/// so assistive technology announces the nesting a class name only drew. An h3 before any
/// h2 stays at the top level.
fn nest_toc(toc: &mut [TocEntry]) {
    let mut depths = Vec::with_capacity(toc.len());
    let mut under_section = false;
    for entry in toc.iter() {
        if entry.level <= 2 {
            under_section = true;
            depths.push(0);
        } else {
            depths.push(usize::from(under_section));
        }
    }
    for (index, entry) in toc.iter_mut().enumerate() {
        let next_depth = depths.get(index + 1).copied().unwrap_or(0);
        entry.opens_sublist = next_depth > depths[index];
        entry.closes_sublist = next_depth < depths[index];
    }
}

/// One rendered body.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub html: String,
    /// A hash of `html`, made once: pages that show the body hash this instead of the HTML
    /// (see `theme::pages`).
    pub html_digest: u64,
    pub toc: Vec<TocEntry>,
    /// Visible text, blocks separated by newlines: what search indexes.
    pub text: String,
    /// Heading ids, for checking `#fragment` links.
    pub anchors: Vec<String>,
    /// Whether it shows a code block: only then does its page load the code colours.
    pub has_code: bool,
    /// Links with a fragment into a page of this site, checked after every page is rendered.
    pub fragment_links: Vec<FragmentLink>,
    /// The Markdown files and assets this body links to (relative to the site root, found or
    /// not): the body renders differently when one of them appears, moves or goes (`refresh`).
    pub linked_sources: Vec<String>,
    /// A video's cues, read from its captions file (`bodies`); empty for everything else.
    /// Search indexes them beside `text`, cue by cue (its records carry their times).
    pub transcript: Vec<crate::vtt::Cue>,
    /// A video's chapters read from its `chapters_file:` (`bodies`); empty for everything
    /// else (a `chapters:` list stays in the video's record).
    pub chapters: Vec<crate::content::Chapter>,
    /// A review's cited times (`[12:34]`), in seconds, linked to `times::PLACEHOLDER`.
    pub cited_times: Vec<u32>,
}

/// `[text](other.md#section)`: where it points, and where it is written.
#[derive(Clone, Debug)]
pub struct FragmentLink {
    pub page_path: String,
    pub fragment: String,
    pub line: usize,
    pub column: usize,
    /// The part of its line the diagnostic shows when it finds no heading (checked after
    /// every body is rendered, when a streaming build no longer holds the file's text), and
    /// the character that part starts at. Not the whole line: a Word-made table of contents
    /// puts 20,000 links on one line of 500 KB.
    pub snippet: String,
    pub snippet_start: usize,
}

/// Where the body sits in its file, for warnings with line numbers.
pub struct SourceSpan<'a> {
    pub file: &'a str,
    pub file_text: &'a str,
    pub first_line: usize,
}

pub struct RenderOptions<'a> {
    pub raw_html: bool,
    /// Link times cited as `[12:34]` to the video (reviews: see `times`).
    pub time_links: bool,
    pub links: LinkContext<'a>,
    pub span: SourceSpan<'a>,
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_MATH
}

/// Render one body; its problems (dropped links are warnings, missing targets errors) go to
/// `warnings`.
pub fn render(body: &str, options: &RenderOptions<'_>, warnings: &mut Vec<Diagnostic>) -> Rendered {
    let mut state = State::new(body, options);
    let mut events: Vec<Event<'_>> = Vec::new();
    let before = warnings.len();
    for (event, range) in Parser::new_ext(body, parser_options()).into_offset_iter() {
        state.offset = range.start;
        state.handle(event, &mut events, warnings);
    }
    if options.time_links {
        for (offset, written, why) in times::malformed_in_source(body) {
            state.offset = offset;
            warnings.push(match why {
                times::NoMoment::OutOfRange => state.warn(
                    format!("`{written}` is not a time: minutes and seconds go up to 59, so it is not linked to the video"),
                    "write the moment as minutes:seconds, e.g. `[01:01]` for 61 seconds, or `[1:02:03]` with hours",
                ),
                times::NoMoment::Backwards => state.warn(
                    format!("`{written}` does not end after it starts, so it is not linked to the video"),
                    "write the earlier time first, e.g. `【12:05-13:40】`: the link opens the video at the start",
                ),
            });
        }
    }
    limit_warnings(warnings, before, options.span.file);
    let (events, cited_times) = if options.time_links {
        times::link_times(events)
    } else {
        (events, Vec::new())
    };
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html.shrink_to_fit();
    // The text lives as long as the site (search indexes it, `serve` compares it): no slack.
    let mut text = state.text;
    text.shrink_to_fit();
    let mut toc = state.toc;
    nest_toc(&mut toc);
    Rendered {
        html_digest: digest(&html),
        html,
        toc,
        text,
        anchors: state.anchors,
        has_code: state.has_code,
        fragment_links: state.fragment_links,
        linked_sources: state.linked_sources,
        transcript: Vec::new(),
        chapters: Vec::new(),
        cited_times,
    }
}

/// In text the parser did not read as a link: the target of a `[…](…)` whose path has a
/// space (and no `"title"` after it, which is a space CommonMark allows).
fn spaced_link_target(text: &str) -> Option<&str> {
    text.match_indices("](").find_map(|(i, _)| {
        let rest = &text[i + 2..];
        let target = &rest[..rest.find(')')?];
        let space = target.find([' ', '\u{3000}'])?;
        let after = target[space..].trim_start();
        let titled = after.starts_with(['"', '\'', '(']);
        let bracketed = target.starts_with('<');
        // quotes or brackets inside: not a file name with a space, and `](<…>)` would not mend it
        let markup = target.contains(['"', '<', '>', '(']);
        (text[..i].contains('[') && !titled && !bracketed && !markup && !target.trim().is_empty())
            .then_some(target)
    })
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2fa1f}')
}

fn digest(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    text.hash(&mut hasher);
    hasher.finish()
}

struct State<'a, 'o> {
    body: &'a str,
    options: &'o RenderOptions<'o>,
    line_starts: Vec<usize>,
    /// The last column counted: (its line's start, byte offset, column), so the columns of many
    /// links on one long line are counted on from the last, not each from the line's start.
    last_column: std::cell::Cell<(usize, usize, usize)>,
    offset: usize,
    toc: Vec<TocEntry>,
    text: String,
    anchors: Vec<String>,
    has_code: bool,
    used_ids: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    /// Buffered events of the heading being read, with its level and explicit id.
    heading: Option<(HeadingLevel, Option<String>, Vec<Event<'a>>)>,
    /// The code block being read: language and text.
    code: Option<(String, String)>,
    /// Inside an image: whether its description (alt text) has any text yet.
    image_described: Option<bool>,
    /// For each open link or image: was it dropped?
    dropped_links: Vec<bool>,
    fragment_links: Vec<FragmentLink>,
    linked_sources: Vec<String>,
    /// A `$` the parser left as text, where it was and the text after it: a formula whose
    /// braces do not pair up, or which is never closed, is not read as one at all.
    stray_dollar: Option<(usize, String)>,
    /// Inside a raw element whose text no reader sees (`<script>`, a `hidden` element): its
    /// name and how many elements of that name are open, so `<div hidden><div>…</div>` ends
    /// at the right `</div>`.
    unread_html: Option<(String, u32)>,
    /// The plain text of the block being read and where it starts: a link whose path has a
    /// space is left as text by the parser (`![图](a b.png)`), and is looked for at its end.
    loose_text: Option<(usize, String)>,
    /// Where an indented code block starts (`CodeBlockKind::Indented`).
    indented_at: Option<usize>,
    /// For each open list item: where it starts, and whether it has anything in it yet.
    items: Vec<(usize, bool)>,
}

impl<'a, 'o> State<'a, 'o> {
    fn new(body: &'a str, options: &'o RenderOptions<'o>) -> Self {
        let line_starts = std::iter::once(0)
            .chain(body.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        State {
            body,
            options,
            line_starts,
            last_column: std::cell::Cell::new((0, 0, 1)),
            offset: 0,
            toc: Vec::new(),
            text: String::new(),
            anchors: Vec::new(),
            has_code: false,
            used_ids: THEME_IDS.iter().map(|id| id.to_string()).collect(),
            next_suffix: HashMap::new(),
            heading: None,
            image_described: None,
            code: None,
            dropped_links: Vec::new(),
            fragment_links: Vec::new(),
            linked_sources: Vec::new(),
            unread_html: None,
            stray_dollar: None,
            loose_text: None,
            indented_at: None,
            items: Vec::new(),
        }
    }

    fn line(&self) -> usize {
        let index = self
            .line_starts
            .partition_point(|start| *start <= self.offset);
        self.options.span.first_line + index.saturating_sub(1)
    }

    /// (line in the file, column in characters) of the current event.
    fn position(&self) -> (usize, usize) {
        let line = self.line();
        let start = self.line_starts[line - self.options.span.first_line];
        let offset = self.offset.min(self.body.len());
        let (cached_start, cached_offset, cached_column) = self.last_column.get();
        let (from, column_there) = if cached_start == start && cached_offset <= offset {
            (cached_offset, cached_column)
        } else {
            (start, 1)
        };
        let column = column_there + self.body[from..offset].chars().count();
        self.last_column.set((start, offset, column));
        (line, column)
    }

    /// (line, column) of the current event and the part of its line a diagnostic shows
    /// (`diagnostics::snippet`), cut around the event without reading the rest of the line.
    fn snippet_here(&self) -> (usize, usize, String, usize) {
        let (line, column) = self.position();
        let line_start = self.line_starts[line - self.options.span.first_line];
        let offset = self.offset.min(self.body.len());
        let before = self.body[line_start..offset]
            .char_indices()
            .rev()
            .take(crate::diagnostics::SNIPPET_BEFORE)
            .last()
            .map_or(offset, |(i, _)| line_start + i);
        let skipped = column - 1 - self.body[before..offset].chars().count();
        let snippet: String = self.body[before..]
            .chars()
            .take_while(|c| *c != '\n')
            .take(crate::diagnostics::SNIPPET_CHARS)
            .collect();
        let snippet = snippet
            .strip_suffix('\r')
            .map(str::to_string)
            .unwrap_or(snippet);
        (line, column, snippet, skipped)
    }

    fn warn(&self, message: String, help: &str) -> Diagnostic {
        self.locate(Diagnostic::warning(message), help)
    }

    /// A link that leads nowhere: an error, since a broken page is what `check` is for.
    fn broken(&self, message: String, help: &str) -> Diagnostic {
        self.locate(Diagnostic::error(message), help)
    }

    fn locate(&self, diagnostic: Diagnostic, help: &str) -> Diagnostic {
        let (line, column, snippet, snippet_start) = self.snippet_here();
        diagnostic
            .in_file(self.options.span.file)
            .at_snippet(snippet, snippet_start, line, column)
            .with_help(help)
    }

    fn handle(
        &mut self,
        event: Event<'a>,
        out: &mut Vec<Event<'a>>,
        warnings: &mut Vec<Diagnostic>,
    ) {
        if let Some((_, code)) = &mut self.code {
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.finish_code(out, warnings),
                _ => {}
            }
            return;
        }
        self.watch_unlinked(&event, warnings);
        self.watch_empty_items(&event, warnings);
        let event = self.filter(event, warnings);
        let Some(event) = event else { return };
        self.watch_description(&event, warnings);
        self.collect_text(&event);
        if let Some((_, _, buffered)) = &mut self.heading {
            if let Event::End(TagEnd::Heading(_)) = event {
                self.finish_heading(out, warnings);
            } else {
                buffered.push(event);
            }
            return;
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                self.heading = Some((level, id.map(|i| i.to_string()), Vec::new()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase(),
                    CodeBlockKind::Indented => {
                        self.indented_at = Some(self.offset);
                        String::new()
                    }
                };
                self.code = Some((lang, String::new()));
            }
            Event::Start(Tag::Table(_)) => {
                // Focusable, so that a table wider than a phone scrolls from the keyboard too.
                out.push(Event::Html(
                    "<div class=\"table-wrap\" tabindex=\"0\">".into(),
                ));
                out.push(event);
            }
            Event::End(TagEnd::Table) => {
                out.push(event);
                out.push(Event::Html("</div>\n".into()));
            }
            other => out.push(other),
        }
    }

    /// An image with no description (`![](x.png)`): a screen reader says only "image", and a
    /// page that cannot load it (a slow link, a copy without it) shows nothing in its place.
    fn watch_description(&mut self, event: &Event<'a>, warnings: &mut Vec<Diagnostic>) {
        match event {
            Event::Start(Tag::Image { .. }) => self.image_described = Some(false),
            Event::Text(t) | Event::Code(t) if !t.trim().is_empty() => {
                if let Some(described) = &mut self.image_described {
                    *described = true;
                }
            }
            Event::End(TagEnd::Image) if self.image_described.take() == Some(false) => {
                warnings.push(self.warn(
                    "the image has no description: a screen reader says only \"image\", and where it cannot load nothing stands in its place".into(),
                    "write what it shows between the brackets: `![学生分组讨论的照片](images/讨论.jpg)`",
                ));
            }
            _ => {}
        }
    }

    fn finish_code(&mut self, out: &mut Vec<Event<'a>>, warnings: &mut Vec<Diagnostic>) {
        let Some((lang, code)) = self.code.take() else {
            return;
        };
        if let Some(at) = self.indented_at.take()
            && code.chars().any(is_cjk)
        {
            let now = std::mem::replace(&mut self.offset, at);
            warnings.push(self.warn(
                "this text is indented by a tab or four spaces, so it shows as code: grey, in a typewriter font, without wrapping".into(),
                "remove the tab or spaces before it (for a first-line indent, type two full-width spaces `　　`); code is written between two ``` lines",
            ));
            self.offset = now;
        }
        let (html, fallback) = highlight::code_block(&code, &lang);
        self.has_code = true;
        if fallback.is_some() {
            warnings.push(self.warn(
                "code block too large to highlight: shown as plain text".into(),
                "split very long code into smaller blocks",
            ));
        }
        push_text(&mut self.text, &code);
        self.text.push('\n');
        out.push(Event::Html(html.into()));
    }

    /// Raw HTML → text (unless allowed); links and images → checked and rewritten.
    fn filter(&mut self, event: Event<'a>, warnings: &mut Vec<Diagnostic>) -> Option<Event<'a>> {
        self.watch_dollars(&event, warnings);
        match event {
            Event::Html(html) | Event::InlineHtml(html) if !self.options.raw_html => {
                Some(Event::Text(html))
            }
            // A task list's box shows a state, it is no form field to fill in: hidden from
            // assistive technology, which reads the item's text (axe: no unlabelled field).
            Event::TaskListMarker(done) => Some(Event::InlineHtml(
                match done {
                    true => "<input type=\"checkbox\" disabled checked aria-hidden=\"true\"> ",
                    false => "<input type=\"checkbox\" disabled aria-hidden=\"true\"> ",
                }
                .into(),
            )),
            // A footnote's label becomes an id and a link to it: `[^注 1]` must not give
            // `id="注 1"`, which no address can reach and HTML forbids.
            Event::FootnoteReference(label) => Some(Event::FootnoteReference(footnote_id(label))),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let id = footnote_id(label);
                self.anchors.push(id.to_string());
                Some(Event::Start(Tag::FootnoteDefinition(id)))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let href = self.check_url(&dest_url, warnings)?;
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url: href,
                    title,
                    id,
                }))
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let src = self.check_url(&dest_url, warnings)?;
                self.warn_foreign_image(&src, warnings);
                Some(Event::Start(Tag::Image {
                    link_type,
                    dest_url: src,
                    title,
                    id,
                }))
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                let dropped = self.dropped_links.pop().unwrap_or(false);
                (!dropped).then_some(event)
            }
            Event::InlineMath(latex) => {
                Some(Event::InlineHtml(self.formula(&latex, false, warnings)))
            }
            Event::DisplayMath(latex) => Some(Event::Html(self.formula(&latex, true, warnings))),
            other => Some(other),
        }
    }

    /// Follows the `$` signs the parser did not read as formulas (it needs paired braces and a
    /// closing `$`): text after one that reads as LaTeX (`\\frac`, `^{`) is a broken formula,
    /// which would otherwise be published as its source without a word.
    fn watch_dollars(&mut self, event: &Event<'a>, warnings: &mut Vec<Diagnostic>) {
        match event {
            Event::Text(t) if t.as_ref() == "$" => {
                let escaped = self.body[..self.offset.min(self.body.len())].ends_with('\\')
                    || self.body[self.offset.min(self.body.len())..].starts_with("\\$");
                if escaped {
                    return;
                }
                match self.stray_dollar.take() {
                    // `$$`: the opening of a display formula.
                    Some((at, between)) if between.is_empty() => {
                        self.stray_dollar = Some((at, between))
                    }
                    Some((at, between)) => self.check_stray(at, &between, warnings),
                    None => self.stray_dollar = Some((self.offset, String::new())),
                }
            }
            Event::Text(t) => {
                if let Some((_, between)) = &mut self.stray_dollar {
                    between.push_str(t);
                }
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => {
                if let Some((at, between)) = self.stray_dollar.take() {
                    self.check_stray(at, &between, warnings);
                }
            }
            _ => {}
        }
    }

    /// Collects a block's plain text, and at its end looks in it for a link or image the parser
    /// left as text because its path has a space: the page would show `![图](图片 1.png)`.
    fn watch_unlinked(&mut self, event: &Event<'a>, warnings: &mut Vec<Diagnostic>) {
        match event {
            Event::Text(t) => {
                let at = self.offset;
                self.loose_text
                    .get_or_insert_with(|| (at, String::new()))
                    .1
                    .push_str(t);
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => {
                if let Some((at, text)) = self.loose_text.take() {
                    self.check_unlinked(at, &text, warnings);
                }
            }
            _ => {}
        }
    }

    /// A list item with nothing in it (`1. ` or `- ` left from `lectern new`'s skeleton, or
    /// a line half deleted): the page shows an empty bullet or number.
    fn watch_empty_items(&mut self, event: &Event<'a>, warnings: &mut Vec<Diagnostic>) {
        match event {
            Event::Start(Tag::Item) => self.items.push((self.offset, false)),
            Event::End(TagEnd::Item) => {
                if let Some((at, false)) = self.items.pop() {
                    let now = std::mem::replace(&mut self.offset, at);
                    warnings.push(self.warn(
                        "an empty list item: the page shows a bullet or number with nothing after it".into(),
                        "write the item's text after the `-` or number, or delete the line",
                    ));
                    self.offset = now;
                }
            }
            Event::Text(t)
            | Event::Code(t)
            | Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t)
                if !t.trim().is_empty() =>
            {
                self.mark_item_filled()
            }
            Event::Start(_)
            | Event::TaskListMarker(_)
            | Event::FootnoteReference(_)
            | Event::Rule => self.mark_item_filled(),
            _ => {}
        }
    }

    fn mark_item_filled(&mut self) {
        if let Some(item) = self.items.last_mut() {
            item.1 = true;
        }
    }

    /// The destination of the link or image starting here, as written in the source.
    fn written_destination(&self) -> Option<String> {
        let rest = self.body.get(self.offset..)?;
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let open = line.find("](")? + 2;
        let close = open + line[open..].find(')')?;
        Some(line[open..close].trim().to_string())
    }

    fn check_unlinked(&mut self, at: usize, text: &str, warnings: &mut Vec<Diagnostic>) {
        let Some(target) = spaced_link_target(text) else {
            return;
        };
        let written = format!("]({target})");
        let found = self.body[at.min(self.body.len())..]
            .find(&written)
            .map_or(at, |i| at + i + 2);
        let now = std::mem::replace(&mut self.offset, found);
        let message = format!(
            "`{}` is shown as text, not as a link or image: its path has a space",
            crate::diagnostics::shorten(&written[1..], 60)
        );
        let help = format!(
            "put the path in angle brackets, `](<{}>)`, or rename the file without spaces (letters, digits and `-` are safest)",
            crate::diagnostics::shorten(target, 60)
        );
        let path_like = target.contains('/') || target.contains('.');
        warnings.push(if path_like {
            self.broken(message, &help)
        } else {
            self.warn(message, &help)
        });
        self.offset = now;
    }

    fn check_stray(&mut self, at: usize, between: &str, warnings: &mut Vec<Diagnostic>) {
        let command = between
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b'\\' && w[1].is_ascii_alphabetic());
        if !(command || between.contains("^{") || between.contains("_{")) {
            return;
        }
        let now = std::mem::replace(&mut self.offset, at);
        warnings.push(self.broken(
            "a formula is not read as one: its braces `{}` do not pair up, or its closing `$` is missing".into(),
            "close every `{` with `}` and end the formula with `$` (`$$` for a display formula); a `$` meant as money is written `\\$`",
        ));
        self.offset = now;
    }

    /// A formula's MathML; its source as code, and an error, when it does not parse.
    fn formula(
        &mut self,
        latex: &str,
        display: bool,
        warnings: &mut Vec<Diagnostic>,
    ) -> CowStr<'a> {
        push_text(&mut self.text, latex);
        self.text.push(' ');
        match math::to_mathml(latex, display) {
            // A display formula scrolls sideways in its own box when wider than the screen;
            // focusable, so that the keyboard scrolls it too (as a table's box). A span: the
            // formula sits in a paragraph.
            Ok(mathml) if display => {
                format!("<span class=\"math-scroll\" tabindex=\"0\">{mathml}</span>").into()
            }
            Ok(mathml) => mathml.into(),
            Err(what) => {
                warnings.push(self.broken(
                    format!("formula does not parse: {what}"),
                    "write LaTeX math between `$…$` (inline) or `$$…$$` (display), e.g. `$\\frac{a}{b}$`; a `$` meant as money is written `\\$`",
                ));
                let class = if display {
                    "math-error math-error--block"
                } else {
                    "math-error"
                };
                format!("<code class=\"{class}\">{}</code>", escape(latex)).into()
            }
        }
    }

    /// An image from another site: every visit asks that site for it (it learns who reads the
    /// page, and may be unreachable from a school's network), and it is not in `lectern pack`.
    fn warn_foreign_image(&self, src: &str, warnings: &mut Vec<Diagnostic>) {
        let lower = src.trim().to_ascii_lowercase();
        if lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//") {
            warnings.push(self.warn(
                format!("the image `{}` is on another site: each visit asks that site for it, and offline copies lack it", crate::diagnostics::shorten(src, 80)),
                "save the image under content/assets/images/ and link it from there: `![说明](../../assets/images/图.png)`",
            ));
        }
    }

    fn check_url(&mut self, url: &str, warnings: &mut Vec<Diagnostic>) -> Option<CowStr<'a>> {
        let on_the_site;
        let url = match links::preview_path(url) {
            Some(path) => {
                warnings.push(self.warn(
                    format!(
                        "the link `{}` goes to the preview on your own computer (`lectern serve`), which no visitor can open: it is linked as `{path}`",
                        crate::diagnostics::shorten(url, 80)
                    ),
                    "write the page's path from the site's root instead, e.g. `/lessons/<id>/` or `/videos/<id>/#t=754`",
                ));
                on_the_site = path.to_string();
                on_the_site.as_str()
            }
            None => url,
        };
        if let Some(problem) = self.options.links.time_link_problem(url) {
            warnings.push(self.warn(
                problem,
                "link a video's page with its time (`/videos/<id>/#t=754`), or a review's cited time `【12:34】`",
            ));
        }
        if let Some((page_path, fragment)) = self.options.links.fragment_target(url) {
            let (line, column, snippet, snippet_start) = self.snippet_here();
            self.fragment_links.push(FragmentLink {
                page_path,
                fragment,
                line,
                column,
                snippet,
                snippet_start,
            });
        }
        if let Some(source) = self.options.links.linked_source(url)
            && !self.linked_sources.contains(&source)
        {
            self.linked_sources.push(source);
        }
        match self.options.links.resolve(url) {
            Resolved::Keep(href) => {
                self.dropped_links.push(false);
                Some(href.into())
            }
            Resolved::Forbidden(scheme) => {
                // `file:///C:/…`, `C:\…`: a file on the editor's own computer, an image or a
                // handout the page would lose without a word: an error, as a missing asset is
                if scheme == "file" || scheme.len() == 1 {
                    warnings.push(self.broken(
                        format!("`{scheme}:` is a file on your own computer, which no visitor can open"),
                        "copy the file under content/assets/ and link it from there, e.g. `[学案](../assets/worksheets/学案.pdf)` or `![图](../assets/images/图1.png)`",
                    ));
                } else {
                    warnings.push(self.warn(
                        format!("link with `{scheme}:` address removed"),
                        "links may only use http(s), mailto, tel, relative paths or #anchors",
                    ));
                }
                self.dropped_links.push(true);
                None
            }
            Resolved::Missing(href) => {
                // Markdown reads `\.` as an escaped dot: a Windows path is quoted as written.
                let written = self.written_destination().filter(|w| w.contains('\\'));
                let href = written.unwrap_or(href);
                let help = self.options.links.missing_hint(&href);
                warnings.push(self.broken(
                    format!("link target `{href}` does not exist"),
                    help.as_deref().unwrap_or_else(|| missing_help(&href)),
                ));
                self.dropped_links.push(false);
                Some(href.into())
            }
            Resolved::Draft(href) => {
                warnings.push(self.warn(
                    format!(
                        "link target `{href}` is a draft: the link is left out, its text stays"
                    ),
                    "build with --drafts to include drafts, or remove `draft: true` from it",
                ));
                self.dropped_links.push(true);
                None
            }
            Resolved::NoListing(href) => {
                warnings.push(self.warn(
                    format!("link target `{href}` is a listing this site does not make"),
                    "a grade, course, stage or topic has a page only when some resource has it: check the number or name (a topic's address is in its page's link)",
                ));
                self.dropped_links.push(false);
                Some(href.into())
            }
        }
    }

    fn collect_text(&mut self, event: &Event<'a>) {
        match event {
            Event::Text(t) | Event::Code(t) => push_text(&mut self.text, t),
            Event::SoftBreak | Event::HardBreak => self.text.push(' '),
            // A site with raw HTML shows its text: search it too, without the tags.
            Event::Html(t) | Event::InlineHtml(t) => self.collect_html_text(t),
            // A nested list starts inside its parent item: keep their words apart.
            Event::Start(Tag::List(_) | Tag::Item) | Event::End(TagEnd::List(_)) => {
                self.text.push('\n');
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) => {
                self.text.push('\n');
            }
            _ => {}
        }
    }

    /// The text of raw HTML as a reader sees it: tags become spaces, and the contents of
    /// `UNREAD_ELEMENTS` and of elements marked `hidden` are left out (they may span several
    /// events).
    fn collect_html_text(&mut self, html: &str) {
        let mut rest = html;
        while !rest.is_empty() {
            let Some(open) = rest.find('<') else {
                if self.unread_html.is_none() {
                    push_text(&mut self.text, rest);
                }
                return;
            };
            if self.unread_html.is_none() {
                push_text(&mut self.text, &rest[..open]);
            }
            let tag_end = rest[open..].find('>').map_or(rest.len(), |i| open + i + 1);
            self.follow_unread(&rest[open..tag_end]);
            self.text.push(' ');
            rest = &rest[tag_end..];
        }
    }

    /// Keeps `unread_html` up to date with one tag.
    fn follow_unread(&mut self, tag: &str) {
        let Some((closing, name)) = element_of(tag) else {
            return;
        };
        match &mut self.unread_html {
            Some((open, depth)) if open.eq_ignore_ascii_case(name) => {
                if closing {
                    *depth -= 1;
                } else if !opens_nothing(name, tag) && !is_raw_text(name) {
                    *depth += 1;
                }
                if *depth == 0 {
                    self.unread_html = None;
                }
            }
            Some(_) => {}
            None if !closing => {
                let unread = UNREAD_ELEMENTS.iter().any(|e| name.eq_ignore_ascii_case(e))
                    || (has_hidden_attribute(tag) && !opens_nothing(name, tag));
                if unread {
                    self.unread_html = Some((name.to_string(), 1));
                }
            }
            None => {}
        }
    }

    fn finish_heading(&mut self, out: &mut Vec<Event<'a>>, warnings: &mut Vec<Diagnostic>) {
        let Some((level, explicit_id, inner)) = self.heading.take() else {
            return;
        };
        let asked = explicit_id.as_deref().map(heading_id);
        let title: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let empty = title.trim().is_empty()
            && !inner
                .iter()
                .any(|e| matches!(e, Event::Start(Tag::Image { .. })));
        if empty {
            warnings.push(self.warn(
                "the heading is empty: it shows as a blank line, and as an empty entry in the table of contents".into(),
                "write the heading's text after the `#`, or delete the line",
            ));
        }
        let base = explicit_id
            .map(|i| heading_id(&i))
            .unwrap_or_else(|| heading_id(&title));
        let id = self.unique_id(base);
        if let Some(asked) = asked.filter(|asked| *asked != id) {
            let taken_by = if THEME_IDS.contains(&asked.as_str()) {
                "the page itself uses it"
            } else {
                "an earlier heading has it"
            };
            warnings.push(self.warn(
                format!("the heading id `{asked}` is taken ({taken_by}): this heading's id is `{id}`"),
                &format!("choose another id, such as `{{#{asked}-section}}`; a link to `#{asked}` would not land here"),
            ));
        }
        let level_number = level as u8;
        let open = format!("<h{level_number} id=\"{}\">", escape(&id));
        out.push(Event::Html(open.into()));
        out.extend(inner);
        // The "#" link after the heading is the theme's script's (static/site.js): 70 bytes a
        // heading in every page otherwise.
        out.push(Event::Html(format!("</h{level_number}>\n").into()));
        if (2..=3).contains(&level_number) && !empty {
            self.toc.push(TocEntry {
                level: level_number,
                id: id.clone(),
                title: title.trim().to_string(),
                opens_sublist: false,
                closes_sublist: false,
            });
        }
        self.anchors.push(id);
    }

    /// `base`, or `base-1`, `base-2` … (never one of `THEME_IDS`) — remembering the last suffix per base, so a thousand
    /// equal headings cost a thousand steps, not half a million.
    fn unique_id(&mut self, base: String) -> String {
        let mut n = self.next_suffix.get(&base).copied().unwrap_or(0);
        let mut id = if n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        while !self.used_ids.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.next_suffix.insert(base, n + 1);
        id
    }
}

/// At most this many link problems per file; a file with thousands of broken links gets one
/// more line saying how many were left out.
/// How to fix a link to a missing target, by the kind of link.
fn missing_help(href: &str) -> &'static str {
    if href.starts_with('/') {
        "a link starting with `/` goes from the site's root (under base_url): `/lessons/<id>/`, `/assets/<file>`; check the id or the file name"
    } else if href.contains(".md") || href.contains(".markdown") {
        "check the path: it is relative to this Markdown file"
    } else {
        "check the path: it is relative to this Markdown file, and only files under content/assets/ are published"
    }
}

pub(crate) const MAX_WARNINGS_PER_FILE: usize = 50;

fn limit_warnings(warnings: &mut Vec<Diagnostic>, before: usize, file: &str) {
    let added = warnings.len() - before;
    if added > MAX_WARNINGS_PER_FILE {
        // The summary is as severe as the worst problem it hides.
        let hides_errors = warnings[before + MAX_WARNINGS_PER_FILE..]
            .iter()
            .any(Diagnostic::is_error);
        warnings.truncate(before + MAX_WARNINGS_PER_FILE);
        let more = added - MAX_WARNINGS_PER_FILE;
        let message = format!("… and {more} more link problems in this file are not shown");
        let mut summary = if hides_errors {
            Diagnostic::error(message)
        } else {
            Diagnostic::warning(message)
        }
        .in_file(file)
        .with_help("fix the ones above and run `lectern check` again");
        // At the last one shown, and worded to sort after it: listed after them.
        if let Some(last) = warnings.last() {
            summary.line = last.line;
            summary.column = last.column;
        }
        warnings.push(summary);
    }
}

/// Search text is capped per document: a 20 MB lesson should not make a 20 MB index entry.
const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;

/// A footnote label as an id: `fn-` before it, so no heading or id of the theme shares it
/// (`[^main]`, or `[^a]` under `## a`), and white space as `-`. The same label gives the same
/// id at its reference and its definition.
fn footnote_id(label: CowStr<'_>) -> CowStr<'_> {
    let words: Vec<&str> = label.split_whitespace().collect();
    format!("fn-{}", words.join("-")).into()
}

fn push_text(text: &mut String, piece: &str) {
    if text.len() < MAX_TEXT_BYTES {
        text.push_str(piece);
    }
}

/// Raw HTML elements whose text a reader does not see (a browser with script shows no
/// `<noscript>`, and `<template>` is never shown): not searchable.
const UNREAD_ELEMENTS: &[&str] = &["script", "style", "template", "noscript"];

/// The element a tag (`<script src=…>`, `</style>`) opens or closes: (closing, its name).
fn element_of(tag: &str) -> Option<(bool, &str)> {
    let inner = tag.strip_prefix('<')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let end = inner
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(inner.len());
    Some((closing, &inner[..end]))
}

/// `<script>` and `<style>` hold raw text: a `<script>` written inside one's text opens nothing.
fn is_raw_text(name: &str) -> bool {
    name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style")
}

/// Elements that hold no text of their own (`<img hidden>` hides nothing after it), and tags
/// closed where they open (`<div hidden/>` in XHTML style).
fn opens_nothing(name: &str, tag: &str) -> bool {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    VOID.iter().any(|v| name.eq_ignore_ascii_case(v)) || tag.ends_with("/>")
}

/// Whether a start tag carries the `hidden` attribute (a browser shows nothing inside it),
/// reading attribute names outside quoted values.
fn has_hidden_attribute(tag: &str) -> bool {
    let inner = tag
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/');
    let mut chars = inner.char_indices().peekable();
    // Skip the element's name.
    while chars.next_if(|(_, c)| !c.is_whitespace()).is_some() {}
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = chars.peek() else {
            return false;
        };
        while chars
            .next_if(|(_, c)| !c.is_whitespace() && *c != '=')
            .is_some()
        {}
        let end = chars.peek().map_or(inner.len(), |(i, _)| *i);
        if inner[start..end].eq_ignore_ascii_case("hidden") {
            return true;
        }
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        if chars.next_if(|(_, c)| *c == '=').is_some() {
            skip_attribute_value(&mut chars);
        }
    }
}

/// Skips an attribute's value: quoted (`"…"`, `'…'`) or bare.
fn skip_attribute_value(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) {
    while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
    match chars.peek().map(|(_, c)| *c) {
        Some(quote @ ('"' | '\'')) => {
            chars.next();
            while chars.next_if(|(_, c)| *c != quote).is_some() {}
            chars.next();
        }
        _ => while chars.next_if(|(_, c)| !c.is_whitespace()).is_some() {},
    }
}

/// Ids the default theme gives elements of a page that shows a body (and that its scripts add):
/// a heading never takes one, or a link to it would land on the theme's element (`## main`).
pub(crate) const THEME_IDS: &[&str] = &[
    "main",
    "site-title",
    "header-q",
    "header-q-suggestions",
    "details-title",
    "toc-title",
    "chapters-title",
    "transcript-title",
    "attachments-title",
    "course-textbooks-title",
    "page-children-title",
];

/// A heading id that keeps Chinese: lower-case letters, digits and CJK, `-` between words.
pub fn heading_id(title: &str) -> String {
    let mut id = String::new();
    for c in title.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' {
            id.push(c);
        } else if (c.is_whitespace() || c == '-') && !id.ends_with('-') {
            id.push('-');
        }
        if id.len() > 80 {
            break;
        }
    }
    let id = id.trim_matches('-').to_string();
    if id.is_empty() {
        "section".to_string()
    } else {
        id
    }
}

#[cfg(test)]
mod tests;
