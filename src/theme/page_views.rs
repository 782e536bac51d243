//! The view of each template: one struct per template, made by `pages`, serialised for Tera
//! and hashed for the page's digest (docs/THEME.md describes them for theme authors).

use serde::Serialize;

use super::views::{Card, Hashed, Term, TermRef};
use crate::markdown::TocEntry;

/// Where a page is: its path, the way back to the output root, its canonical address. Every
/// page's view starts with it.
#[derive(Debug, Hash, Serialize)]
pub struct Frame {
    pub root: String,
    pub page_path: String,
    pub canonical: String,
}

/// The home page (`index.html`).
#[derive(Debug, Hash, Serialize)]
pub struct HomeView<'a> {
    #[serde(flatten)]
    pub frame: Frame,
    pub stages: Vec<Term>,
    pub courses: Vec<Term>,
    pub topics: Vec<Term>,
    pub recent: Vec<&'a Hashed<Card>>,
    pub counts: KindCounts,
}

#[derive(Debug, Hash, Serialize)]
pub struct KindCounts {
    pub lesson: usize,
    pub video: usize,
    pub review: usize,
    pub total: usize,
}

/// A lesson, video or review page (`lesson.html`, `video.html`, `review.html`).
#[derive(Debug, Hash, Serialize)]
pub struct ResourceView<'a> {
    #[serde(flatten)]
    pub frame: Frame,
    /// schema.org metadata, already escaped for a `<script>` element.
    pub json_ld: super::json_ld::JsonLd<'a>,
    pub page: ResourcePage<'a>,
}

/// A rendered body's HTML: serialised as the HTML, hashed as the digest made when it was
/// rendered (hashing ten thousand bodies again after every save would cost more than the
/// rest of the patch). A review's cited times link to its video, whose address only the page
/// knows (`markdown::times`): `video` is that address relative to the page, if it has one.
///
/// `taken` is the body's HTML when it was moved out of the body for this one page (a build
/// that exits frees each body's HTML as soon as its page is written: see `Pages::spending`);
/// `None` reads it from `body`. Either way the page is the same.
#[derive(Debug)]
pub struct BodyHtml<'a> {
    pub body: &'a crate::markdown::Rendered,
    pub video: Option<String>,
    pub taken: Option<String>,
}

impl<'a> BodyHtml<'a> {
    pub fn new(body: &'a crate::markdown::Rendered) -> Self {
        BodyHtml {
            body,
            video: None,
            taken: None,
        }
    }

    fn html(&self) -> &str {
        self.taken.as_deref().unwrap_or(&self.body.html)
    }
}

impl Serialize for BodyHtml<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.body.cited_times.is_empty() {
            return serializer.serialize_str(self.html());
        }
        // Only the attribute is replaced: the same words in text are escaped (`&quot;`) and
        // never match. Without a video the times are plain text (`bodies` warns): a `#t=`
        // link on a page without a player would go nowhere.
        let html = match self.video.as_deref() {
            Some(video) => {
                let placeholder = format!("href=\"{}", crate::markdown::times::PLACEHOLDER);
                self.html()
                    .replace(&placeholder, &format!("href=\"{video}"))
            }
            None => crate::markdown::times::unlink(self.html()),
        };
        serializer.serialize_str(&html)
    }
}

impl std::hash::Hash for BodyHtml<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.body.html_digest.hash(state);
        self.video.hash(state);
    }
}

/// The `page` of a resource page: its card, its body, and what its kind adds.
#[derive(Debug, Hash, Serialize)]
pub struct ResourcePage<'a> {
    #[serde(flatten)]
    pub card: &'a Hashed<Card>,
    pub content: BodyHtml<'a>,
    /// It shows code: the page loads the code colours (`syntax.css`).
    pub has_code: bool,
    pub toc: &'a [TocEntry],
    pub school: &'a str,
    /// Its unit in a textbook of the site, if it is aligned to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alignment: Option<super::curriculum::AlignmentView<'a>>,
    /// The QR code of the page's absolute address; `None` with a relative base URL.
    pub qr: Option<super::qr::Qr>,
    /// The absolute address of the poster other apps show (`og:image`): the video's own, or
    /// for a lesson or review its video's; `None` without one or without an absolute address.
    pub og_image: Option<String>,
    #[serde(flatten)]
    pub detail: DetailView<'a>,
}

/// The QR code of a lesson's video page, printed beside the lesson's own.
#[derive(Debug, Hash, Serialize)]
pub struct VideoQr<'a> {
    pub title: &'a str,
    pub qr: super::qr::Qr,
}

/// What only one kind's page shows. Absent values are `None` or empty, never `0` or `""`.
#[derive(Debug, Hash, Serialize)]
#[serde(tag = "detail", rename_all = "lowercase")]
pub enum DetailView<'a> {
    Lesson {
        term: Option<u8>,
        author: &'a str,
        duration_minutes: Option<u32>,
        attachments: Vec<AttachmentView>,
        videos: Vec<&'a Hashed<Card>>,
        reviews: Vec<&'a Hashed<Card>>,
        /// The code of the first video's page, for the printed lesson plan.
        video_qr: Option<VideoQr<'a>>,
        /// The title as a CSS string's contents (every character that could end the string
        /// or the `<style>` element escaped), for the printed page's margin.
        print_title: String,
    },
    Video {
        speaker: &'a str,
        media: MediaView,
        poster: Option<LinkView>,
        captions: Option<LinkView>,
        /// The language the captions are written in, as their text shows it (`zh-CN`, `en`),
        /// else the site's: an English portal may carry Chinese captions.
        captions_lang: &'a str,
        /// The language of the chapters' titles, by the same rule.
        chapters_lang: &'a str,
        /// `videos/<id>/chapters.vtt`, relative to the page, when the video has chapters.
        chapters_track: Option<String>,
        chapters: Vec<MomentView<'a>>,
        transcript: Vec<MomentView<'a>>,
        lesson: Option<&'a Hashed<Card>>,
        reviews: Vec<&'a Hashed<Card>>,
    },
    Review {
        reviewer: &'a str,
        lesson: Option<&'a Hashed<Card>>,
        video: Option<&'a Hashed<Card>>,
    },
}

/// A moment of a video: a chapter or a transcript cue. `at` is in whole seconds (for the
/// `#t=` link), `time` as the page shows it (`1:05`), `datetime` the same as a valid HTML
/// duration (`PT1M5S`) for `<time datetime>`.
#[derive(Debug, Hash, Serialize)]
pub struct MomentView<'a> {
    pub at: u32,
    pub time: String,
    pub datetime: String,
    pub speaker: Option<&'a str>,
    pub text: &'a str,
}

/// A video's `chapters.vtt`, for `<track kind="chapters">`.
#[derive(Debug, Hash)]
pub struct ChaptersTrack<'a> {
    pub chapters: &'a [crate::content::Chapter],
    /// The video's duration in seconds, where the last chapter ends.
    pub end: Option<u32>,
}

impl ChaptersTrack<'_> {
    /// The WebVTT text: one cue a chapter, to the next chapter's start (the last to the end of
    /// the video, or an hour after its start when the duration is not known).
    pub fn to_vtt(&self) -> String {
        let mut vtt = String::from("WEBVTT\n");
        for (i, chapter) in self.chapters.iter().enumerate() {
            let start = chapter.at.0;
            let end = self
                .chapters
                .get(i + 1)
                .map(|next| next.at.0)
                .or(self.end.filter(|end| *end > start))
                .unwrap_or(start + 3600);
            let title = cue_text(&chapter.title);
            vtt.push_str(&format!(
                "\n{}\n{} --> {}\n{}\n",
                i + 1,
                vtt_time(start),
                vtt_time(end),
                title
            ));
        }
        vtt
    }
}

/// A chapter title as WebVTT cue text: one line, with `&`, `<` and `>` as character
/// references, so a player shows the title as the page does (cue text is markup, and a
/// `>` escaped also keeps a `-->` from reading as a timing line).
fn cue_text(title: &str) -> String {
    let mut text = String::with_capacity(title.len());
    for c in title.chars() {
        match c {
            '&' => text.push_str("&amp;"),
            '<' => text.push_str("&lt;"),
            '>' => text.push_str("&gt;"),
            '\n' | '\r' => text.push(' '),
            c => text.push(c),
        }
    }
    text
}

fn vtt_time(seconds: u32) -> String {
    format!(
        "{:02}:{:02}:{:02}.000",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// A lesson's attachment. `href` is ready for the page (the root prefixed to a local file);
/// `print_url` is the address printed under it on paper; `size` a local file's size
/// (`1.2 MB`), empty for a link.
#[derive(Debug, Hash, Serialize)]
pub struct AttachmentView {
    pub name: String,
    pub href: String,
    pub print_url: String,
    pub ext: String,
    pub external: bool,
    pub size: String,
}

/// `text` inside a CSS string (`"…"`): letters, digits and non-ASCII characters as they
/// are, every other character as a `\hex ` escape — so no quote, backslash, `<` or newline
/// can end the string or the `<style>` element.
pub fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == ' ' || (!c.is_ascii() && !c.is_control()) {
            out.push(c);
        } else {
            out.push_str(&format!("\\{:x} ", c as u32));
        }
    }
    out
}

/// A video's media: `kind` is `file` for what a `<video>` element plays, `link` for a page
/// elsewhere. `src` is ready for the page.
#[derive(Debug, Hash, Serialize)]
pub struct MediaView {
    pub kind: &'static str,
    pub src: String,
    pub mime: &'static str,
    pub external: bool,
}

/// A poster or a captions file, `src` ready for the page.
#[derive(Debug, Hash, Serialize)]
pub struct LinkView {
    pub src: String,
    pub external: bool,
}

/// A link's address as a page at `root` must write it: external ones as they are, local
/// files under the root.
pub fn page_href(link: &crate::content::Link, root: &str) -> String {
    if link.is_external() {
        link.href()
    } else {
        format!("{root}{}", link.href())
    }
}

/// Media a `<video>` element can play directly, by file extension.
pub fn media_view(link: &crate::content::Link, root: &str) -> MediaView {
    let mime = match link.extension().as_str() {
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "ogv" => "video/ogg",
        // A phone's .mov is H.264 in a QuickTime box, which Chromium (and so WeChat's browser)
        // plays when asked as MP4 but never tries when told `video/quicktime`.
        "mov" => "video/mp4",
        "m3u8" => "application/vnd.apple.mpegurl",
        "mp3" => "audio/mpeg",
        "m4a" | "aac" => "audio/mp4",
        "wav" => "audio/wav",
        "ogg" | "oga" | "opus" => "audio/ogg",
        "flac" => "audio/flac",
        _ => "",
    };
    MediaView {
        kind: if mime.is_empty() { "link" } else { "file" },
        src: page_href(link, root),
        mime,
        external: link.is_external(),
    }
}

pub fn link_view(link: &crate::content::Link, root: &str) -> LinkView {
    LinkView {
        src: page_href(link, root),
        external: link.is_external(),
    }
}

/// A free page (`page.html`).
#[derive(Debug, Hash, Serialize)]
pub struct FreePageView<'a> {
    #[serde(flatten)]
    pub frame: Frame,
    pub page: FreePage<'a>,
}

#[derive(Debug, Hash, Serialize)]
pub struct FreePage<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub content: BodyHtml<'a>,
    /// It shows code: the page loads the code colours (`syntax.css`).
    pub has_code: bool,
    pub toc: &'a [TocEntry],
    pub path: String,
    /// The pages of the folders above it, outermost first (`guide/` for `guide/advanced/tips/`).
    pub parents: Vec<NavPage>,
    /// The pages one level below it, when it is a folder's page (`guide/index.md`).
    pub children: Vec<NavPage>,
}

/// One page of a listing (`list.html`).
#[derive(Debug, Hash, Serialize)]
pub struct ListingView<'a> {
    #[serde(flatten)]
    pub frame: Frame,
    pub listing: Listing<'a>,
    pub pagination: Pagination,
    pub breadcrumbs: Vec<Crumb>,
    /// A course's textbooks (empty elsewhere and without `textbooks:`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub textbooks: Vec<super::curriculum::TextbookRef>,
}

#[derive(Debug, Hash, Serialize)]
pub struct Listing<'a> {
    pub title: String,
    pub facet: Facet,
    pub value: Term,
    pub items: Vec<&'a Hashed<Card>>,
    pub total: usize,
    pub search_href: String,
}

/// `pages` is a window, not every page: the first, the last and two either side of the
/// current one, with a gap entry where pages are left out — so a listing of n pages costs O(n)
/// to make, not O(n²).
#[derive(Debug, Hash, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total_pages: usize,
    pub prev: String,
    pub next: String,
    pub pages: Vec<PageLink>,
}

/// One entry of a listing's page list: a page, or a gap (`…`) where pages are left out.
#[derive(Debug, Hash, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub path: String,
    pub current: bool,
    pub gap: bool,
}

#[derive(Debug, Hash, Serialize)]
pub struct Crumb {
    pub name: String,
    pub path: String,
}

/// The index of one facet's values (`terms.html`: `stages/`, `grades/`, `courses/`, `topics/`).
#[derive(Debug, Hash, Serialize)]
pub struct TermsView {
    #[serde(flatten)]
    pub frame: Frame,
    pub terms: Terms,
}

#[derive(Debug, Hash, Serialize)]
pub struct Terms {
    pub title: String,
    pub facet: Facet,
    pub items: Vec<Term>,
}

/// The search page (`search.html`): where the index is, and the facets without JavaScript.
#[derive(Debug, Hash, Serialize)]
pub struct SearchView {
    #[serde(flatten)]
    pub frame: Frame,
    pub search: SearchFacets,
}

#[derive(Debug, Hash, Serialize)]
pub struct SearchFacets {
    pub manifest: String,
    /// The index has its offline scripts beside it (`search.offline`): the page may be opened
    /// from disk, where a preload of the manifest could only fail.
    pub offline: bool,
    pub stages: Vec<Term>,
    pub grades: Vec<Term>,
    pub courses: Vec<Term>,
    pub kinds: Vec<Term>,
    pub topics: Vec<Term>,
    /// The site's textbooks (absent without `textbooks:`, and then so is their facet).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub textbooks: Vec<super::curriculum::TextbookRef>,
}

/// `404.html`: served for missing URLs at any depth, so its `root` is the base URL.
#[derive(Debug, Hash, Serialize)]
pub struct NotFoundView {
    #[serde(flatten)]
    pub frame: Frame,
}

/// A browse facet: what a listing or a term index is of. Serialised as its URL key
/// (`search/?grade=7`), which templates and `search.js` also use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Facet {
    Stage,
    Grade,
    Course,
    Topic,
    Kind,
}

impl Facet {
    /// The output folder of the facet's term index.
    pub fn terms_dir(self) -> &'static str {
        match self {
            Facet::Stage => "stages",
            Facet::Grade => "grades",
            Facet::Course => "courses",
            Facet::Topic => "topics",
            Facet::Kind => "",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Facet::Stage => "stage",
            Facet::Grade => "grade",
            Facet::Course => "course",
            Facet::Topic => "topic",
            Facet::Kind => "kind",
        }
    }
}

/// The variables shared by every page: the site, the UI strings, the menus, the theme's
/// asset version. Hashed once per render; a page's digest includes it.
#[derive(Debug, Serialize)]
pub struct Globals<'a> {
    pub site: SiteView<'a>,
    pub t: &'a serde_json::Map<String, serde_json::Value>,
    pub nav: Nav,
    pub asset_version: &'a str,
    pub build: BuildInfo,
}

#[derive(Debug, Hash, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'static str,
    pub base_url: &'a str,
}

/// Menus name browse values without counts: they are on every page (see `TermRef`).
#[derive(Debug, Hash, Serialize)]
pub struct Nav {
    pub stages: Vec<TermRef>,
    pub courses: Vec<TermRef>,
    pub kinds: Vec<TermRef>,
    pub pages: Vec<NavPage>,
}

#[derive(Debug, Hash, Serialize)]
pub struct NavPage {
    pub title: String,
    pub path: String,
}

#[derive(Debug, Hash, Serialize)]
pub struct BuildInfo {
    pub generator: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Chapter, Duration};

    /// What a phone records and teachers upload plays in the page's player: a .mov asked for
    /// as MP4, recordings of sound as audio; anything else is a link.
    #[test]
    fn phone_recordings_and_sound_files_play_in_the_page() {
        use crate::content::Link;
        let view = |path: &str| media_view(&Link::Asset(path.into()), "../../");
        assert_eq!(
            (
                view("课堂/IMG_0001.MOV").kind,
                view("课堂/IMG_0001.MOV").mime
            ),
            ("file", "video/mp4")
        );
        for (path, mime) in [
            ("a.m4a", "audio/mp4"),
            ("b.wav", "audio/wav"),
            ("c.ogg", "audio/ogg"),
        ] {
            assert_eq!((view(path).kind, view(path).mime), ("file", mime), "{path}");
        }
        let external = media_view(
            &Link::External("https://v.example.org/watch?id=1".into()),
            "",
        );
        assert_eq!(external.kind, "link");
    }

    /// Chapter titles are cue text: markup characters are escaped so players show them as
    /// written, and no title can break a cue or start a timing line.
    #[test]
    fn chapter_titles_are_escaped_cue_text() {
        let chapters = [
            Chapter {
                at: Duration(0),
                title: "A & B <i>x</i> &lt;".to_string(),
            },
            Chapter {
                at: Duration(65),
                title: "一 --> 二\n\n三".to_string(),
            },
        ];
        let track = ChaptersTrack {
            chapters: &chapters,
            end: Some(120),
        };
        assert_eq!(
            track.to_vtt(),
            "WEBVTT\n\n1\n00:00:00.000 --> 00:01:05.000\nA &amp; B &lt;i&gt;x&lt;/i&gt; &amp;lt;\n\n\
             2\n00:01:05.000 --> 00:02:00.000\n一 --&gt; 二  三\n"
        );
    }
}
