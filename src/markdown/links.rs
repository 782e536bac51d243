//! Where a link in a Markdown body goes. Only http(s), mailto, tel, relative and fragment links
//! survive; relative `.md` links become the target's page, links into `content/assets/` become
//! the copied asset, and `/`-rooted links become relative so the site works under any sub-path.

use std::collections::{BTreeMap, BTreeSet};

use crate::content::{Kind, Unavailable};

/// What the renderer needs to know about the page it is rendering.
pub struct LinkContext<'a> {
    /// The Markdown file, relative to the site root (`content/lessons/g7/a.md`).
    pub source_file: &'a str,
    /// Where the page lands, relative to the output root (`lessons/a/`).
    pub page_path: &'a str,
    /// Source file → page path for every page of the site.
    pub source_paths: &'a rustc_hash::FxHashMap<String, String>,
    /// Every resource's and free page's path (`lessons/a/`).
    pub page_paths: &'a rustc_hash::FxHashSet<String>,
    /// Files under `content/assets/`, relative to it.
    pub assets: &'a BTreeSet<String>,
    /// Resources left out of the build: drafts, and files with errors of their own.
    pub unavailable: &'a BTreeMap<(Kind, String), Unavailable>,
    /// Free pages left out of the build as drafts, by file (`content/pages/notice.md`).
    pub draft_pages: &'a BTreeSet<String>,
    /// A video's page path → its length in seconds, where its `duration:` says.
    pub video_durations: &'a rustc_hash::FxHashMap<String, u32>,
    /// The first page of each grade's, course's, stage's and topic's listing (`grades/7/`).
    pub listing_paths: &'a rustc_hash::FxHashSet<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// Use this href.
    Keep(String),
    /// A scheme we do not allow (javascript:, data:, file: …): drop the link, keep its text.
    Forbidden(String),
    /// A relative link to a file that is not there (the href is kept as written).
    Missing(String),
    /// A link to a draft, which this build leaves out: drop the link, keep its text.
    Draft(String),
    /// A link to a grade's, course's, stage's or topic's listing the site does not make
    /// (`grades/13/`, or a grade without resources): kept, with a warning.
    NoListing(String),
}

/// Why a link to this site leads nowhere.
#[derive(Debug, PartialEq, Eq)]
enum Gone {
    Missing,
    Draft,
    /// A resource whose file has errors, reported on their own: no second complaint.
    Broken,
    /// A listing page the site does not make.
    NoListing,
}

impl LinkContext<'_> {
    pub fn resolve(&self, url: &str) -> Resolved {
        let url = url.trim();
        if url.is_empty() || url.starts_with('#') {
            return Resolved::Keep(url.to_string());
        }
        if let Some(scheme) = scheme(url) {
            return match scheme.as_str() {
                "http" | "https" | "mailto" | "tel" => Resolved::Keep(url.to_string()),
                other => Resolved::Forbidden(other.to_string()),
            };
        }
        if url.starts_with("//") {
            return Resolved::Keep(url.to_string());
        }
        let (path, suffix) = split_suffix(url);
        let site_target = if let Some(rooted) = path.strip_prefix('/') {
            self.resolve_rooted(rooted)
        } else {
            self.resolve_relative(path)
        };
        match site_target {
            Some(Ok(target)) => Resolved::Keep(format!("{}{}{}", self.up(), target, suffix)),
            Some(Err(Gone::Missing)) => Resolved::Missing(url.to_string()),
            Some(Err(Gone::Draft)) => Resolved::Draft(url.to_string()),
            Some(Err(Gone::NoListing)) => Resolved::NoListing(url.to_string()),
            Some(Err(Gone::Broken)) => Resolved::Keep(url.to_string()),
            None => Resolved::Keep(url.to_string()),
        }
    }

    /// For a link with a `#fragment` to a page of this site: (that page's path, the fragment),
    /// so the fragment can be checked once every page's heading ids are known.
    pub fn fragment_target(&self, url: &str) -> Option<(String, String)> {
        let (path, fragment) = url.trim().split_once('#')?;
        if fragment.is_empty() {
            return None;
        }
        let fragment = crate::url::decode_lenient(fragment);
        // `#t=754` is a time link (a video's moment, DESIGN §4), not a heading.
        if fragment.starts_with("t=") {
            return None;
        }
        let target = self.page_of(path)?;
        Some((target, fragment))
    }

    /// The page of this site a link's path (before `#`) leads to, when it is a resource's or a
    /// free page's (their headings are known): the current page for an empty path.
    fn page_of(&self, path: &str) -> Option<String> {
        // A query (`/videos/x/?from=wechat#t=30`) does not change the page.
        let path = path.split_once('?').map_or(path, |(page, _)| page);
        if path.is_empty() {
            return Some(self.page_path.to_string());
        }
        if scheme(path).is_some() || path.starts_with("//") {
            return None;
        }
        let target = match path.strip_prefix('/') {
            Some(rooted) => {
                let decoded = crate::url::decode_lenient(rooted);
                let folder = decoded.strip_suffix("index.html").unwrap_or(&decoded);
                let page = format!("{}/", folder.trim_end_matches('/'));
                self.page_paths.contains(&page).then_some(page)?
            }
            None => match self.resolve_relative(path) {
                Some(Ok(target)) if !target.starts_with("assets/") => target,
                _ => return None,
            },
        };
        Some(target)
    }

    /// What is wrong with a time link (`#t=…`, DESIGN §4), if anything: a time no player reads,
    /// or a page of this site that has no player (a lesson, a review, a free page).
    pub fn time_link_problem(&self, url: &str) -> Option<String> {
        let (path, fragment) = url.trim().split_once('#')?;
        let time = crate::url::decode_lenient(fragment);
        let time = time.strip_prefix("t=")?;
        let Some(seconds) = crate::url::time_fragment_seconds(time) else {
            return Some(format!(
                "`#t={time}` is not a time: write seconds (`#t=754`) or minutes and seconds (`#t=12:34`)"
            ));
        };
        let page = self.page_of(path)?;
        if !page.starts_with("videos/") {
            return Some(format!(
                "`{page}` has no video player: a time link (`#t=…`) there goes to the top of the page"
            ));
        }
        let end = *self.video_durations.get(&page)?;
        (seconds > f64::from(end)).then(|| {
            format!(
                "`#t={time}` is after the end of the video `{page}` ({}): the player would stop at its end",
                crate::vtt::clock(end * 1000)
            )
        })
    }

    /// The Markdown file or asset a relative link names (`../g8/b.md` →
    /// `content/lessons/g8/b.md`), whether it exists or not.
    pub fn linked_source(&self, url: &str) -> Option<String> {
        let (path, _) = split_suffix(url.trim());
        if path.is_empty() || path.starts_with("//") || scheme(path).is_some() {
            return None;
        }
        if let Some(rooted) = path.strip_prefix('/') {
            return rooted_source(&crate::url::decode_lenient(rooted)).map(|s| self.source_of(s));
        }
        if let Some(page) = self.page_relative_resource(path) {
            return Some(format!("page:{page}"));
        }
        if let Some(asset) = self.page_relative_asset(path) {
            return Some(self.source_of(format!("content/assets/{asset}")));
        }
        let joined = normalise(&format!(
            "{}/{}",
            self.source_dir(),
            crate::url::decode_lenient(path)
        ))?;
        let markdown = joined.ends_with(".md") || joined.ends_with(".markdown");
        (markdown || joined.starts_with("content/assets/")).then_some(joined)
    }

    /// `content/assets/<published name>` → the file published under that name; anything else
    /// as it is.
    fn source_of(&self, source: String) -> String {
        match source.strip_prefix("content/assets/") {
            Some(asset) => match self.asset_named(asset) {
                Some(file) => format!("content/assets/{file}"),
                None => source,
            },
            None => source,
        }
    }

    fn source_dir(&self) -> &str {
        self.source_file
            .rsplit_once('/')
            .map(|(d, _)| d)
            .unwrap_or("")
    }

    /// What the editor more likely meant by a link that leads nowhere: the path with `/` for a
    /// Windows `\\`, or a file of that name (in any case) in another folder.
    pub fn missing_hint(&self, href: &str) -> Option<String> {
        if href.contains('\\') {
            let fixed = href.replace('\\', "/");
            return Some(match self.resolve(&fixed) {
                Resolved::Keep(_) => format!("write `/` between folders, not `\\`: `{fixed}`"),
                _ => "write `/` between folders, not `\\` (a Windows path); the path is relative to this Markdown file".to_string(),
            });
        }
        let (path, suffix) = split_suffix(href);
        let decoded = crate::url::decode_lenient(path);
        let name = decoded
            .trim_end_matches('/')
            .rsplit('/')
            .next()?
            .to_lowercase();
        if !name.contains('.') {
            return None;
        }
        let same_name =
            |file: &&str| file.rsplit('/').next().map(str::to_lowercase) == Some(name.clone());
        let assets: Vec<String> = self
            .assets
            .iter()
            .map(|a| format!("content/assets/{a}"))
            .collect();
        let found = self
            .source_paths
            .keys()
            .map(String::as_str)
            .chain(assets.iter().map(String::as_str))
            .filter(same_name)
            .min()?;
        let relative = relative_path(self.source_dir(), found);
        Some(format!(
            "did you mean `{relative}{suffix}`? A path goes from this file's folder, and capitals count"
        ))
    }

    /// `../` repeated once per folder of the current page.
    fn up(&self) -> String {
        "../".repeat(self.page_path.matches('/').count())
    }

    /// `/assets/x.png` or `/lessons/x/`: relative to the site's root, which is the base URL's
    /// path (a link `/lessons/x/` on a site under `/portal/` goes to `/portal/lessons/x/`), so
    /// a body works under any sub-path. Assets and the pages of resources and free pages are
    /// checked; listing pages (`/grades/7/`, `/search/`) are made later and pass unchecked.
    fn resolve_rooted(&self, rooted: &str) -> Option<Result<String, Gone>> {
        if rooted.contains("..") {
            return Some(Err(Gone::Missing));
        }
        let decoded = crate::url::decode_lenient(rooted);
        if let Some(asset) = decoded.strip_prefix("assets/") {
            return Some(
                self.asset_named(asset)
                    .map(|a| published(&a))
                    .ok_or(Gone::Missing),
            );
        }
        let folder = decoded.strip_suffix("index.html").unwrap_or(&decoded);
        let page = format!("{}/", folder.trim_end_matches('/'));
        if self.is_missing_listing(&page) {
            return Some(Err(Gone::NoListing));
        }
        let is_resource = ["lessons/", "videos/", "reviews/"]
            .iter()
            .any(|kind| page.starts_with(kind));
        if is_resource && !self.page_paths.contains(&page) {
            let (folder, id) = page.trim_end_matches('/').split_once('/')?;
            let kind = Kind::ALL.into_iter().find(|k| k.dir() == folder)?;
            return Some(Err(self.gone(kind, id)));
        }
        Some(Ok(rooted.to_string()))
    }

    /// A path relative to the Markdown file: resolve it inside the site, then map it.
    fn resolve_relative(&self, path: &str) -> Option<Result<String, Gone>> {
        let dir = self.source_dir();
        let Some(joined) = normalise(&format!("{dir}/{}", crate::url::decode_lenient(path))) else {
            return Some(Err(Gone::Missing));
        };
        if joined.ends_with(".md") || joined.ends_with(".markdown") {
            return Some(match self.source_paths.get(&joined) {
                Some(page) => Ok(page.clone()),
                None if self.draft_pages.contains(&joined) => Err(Gone::Draft),
                None => Err(crate::content::unavailable_key(&joined)
                    .map_or(Gone::Missing, |(kind, id)| self.gone(kind, &id))),
            });
        }
        if let Some(asset) = joined.strip_prefix("content/assets/") {
            return Some(
                self.asset_named(asset)
                    .map(|a| published(&a))
                    .ok_or(Gone::Missing),
            );
        }
        // A resource's page written as the browser reads it, from this page's address
        // (`../../videos/x/`): its page must exist, as a `.md` link's must.
        if let Some(page) = self.page_relative_resource(path) {
            return Some(if self.page_paths.contains(&page) {
                Ok(page)
            } else {
                let mut parts = page.split('/');
                let kind = match parts.next() {
                    Some("lessons") => Kind::Lesson,
                    Some("videos") => Kind::Video,
                    _ => Kind::Review,
                };
                Err(self.gone(kind, parts.next().unwrap_or_default()))
            });
        }
        // An asset written as the browser reads it, from this page (`../../assets/a.pdf`).
        if let Some(asset) = self.page_relative_asset(path) {
            return Some(
                self.asset_named(&asset)
                    .map(|a| published(&a))
                    .ok_or(Gone::Missing),
            );
        }
        // A grade's, course's, stage's or topic's listing, written as the browser reads it.
        if let Some(page) = self.page_relative_folder(path)
            && self.is_missing_listing(&page)
        {
            return Some(Err(Gone::NoListing));
        }
        // A file (it has an extension) outside content/assets/ is never published. Any other
        // relative link (to a listing's later page, `../../grades/7/page/2/`, say) is left as
        // written.
        let name = joined.rsplit('/').next().unwrap_or("");
        let page = name.ends_with(".html") || name.ends_with(".htm");
        if name.contains('.') && !page {
            return Some(Err(Gone::Missing));
        }
        None
    }

    /// The file of content/assets/ that `asset` names: itself, or the file published under that
    /// name (`xue-an-1ac2b7/qing-xu-ka-c62fb1.pdf` for `学案/情绪卡.pdf`), as an editor copies it
    /// from the browser's address bar. Only a miss scans the assets.
    fn asset_named(&self, asset: &str) -> Option<String> {
        if self.assets.contains(asset) {
            return Some(asset.to_string());
        }
        crate::url::asset_published_as(self.assets, asset).cloned()
    }

    /// `grades/13/` and the like: the first page of a listing the site does not make. Deeper
    /// pages (`grades/7/page/2/`) and the listings' own index pages are not judged.
    fn is_missing_listing(&self, page: &str) -> bool {
        value_folder(page, &["grades", "courses", "stages", "topics"])
            && !self.listing_paths.contains(page)
    }

    /// A link's path resolved from this page's address, as the browser resolves it
    /// (`../../videos/x/` from `lessons/a/` → `videos/x`); `None` above the site's root.
    fn resolved_from_page(&self, path: &str) -> Option<String> {
        normalise(&format!(
            "{}{}",
            self.page_path,
            crate::url::decode_lenient(path)
        ))
    }

    /// `../../grades/7/` (or `…/7/index.html`) from this page's address, as a folder path:
    /// `grades/7/`; `None` for a file.
    fn page_relative_folder(&self, path: &str) -> Option<String> {
        let decoded = crate::url::decode_lenient(path);
        if !(decoded.ends_with('/') || decoded.ends_with("index.html")) {
            return None;
        }
        let target = self.resolved_from_page(path)?;
        let target = target.strip_suffix("/index.html").unwrap_or(&target);
        Some(format!("{target}/"))
    }

    /// `../../assets/docs/a.pdf` from this page's address: `docs/a.pdf`, the asset it names.
    fn page_relative_asset(&self, path: &str) -> Option<String> {
        let target = self.resolved_from_page(path)?;
        target
            .strip_prefix("assets/")
            .filter(|asset| !asset.is_empty())
            .map(str::to_string)
    }

    /// `../../videos/x/` (or `…/x/index.html`) from this page's address, when it names a
    /// resource's page: `videos/x/`.
    fn page_relative_resource(&self, path: &str) -> Option<String> {
        self.page_relative_folder(path)
            .filter(|folder| value_folder(folder, &["lessons", "videos", "reviews"]))
    }

    /// Why the resource `kind`/`id` has no page in this build.
    fn gone(&self, kind: Kind, id: &str) -> Gone {
        match self.unavailable.get(&(kind, id.to_string())) {
            Some(Unavailable::Draft) => Gone::Draft,
            Some(Unavailable::Broken) => Gone::Broken,
            None => Gone::Missing,
        }
    }
}

/// `<facet>/<value>/`, one of `facets`: a resource's page, or a listing's first page.
fn value_folder(folder: &str, facets: &[&str]) -> bool {
    let mut parts = folder.split('/');
    let facet = parts.next().unwrap_or("");
    let value = parts.next().unwrap_or("");
    facets.contains(&facet)
        && !value.is_empty()
        && parts.next() == Some("")
        && parts.next().is_none()
}

/// The lower-cased scheme of an absolute URL, if it has one. Control characters and spaces
/// inside the scheme are removed first, as browsers do (`java\tscript:`).
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let end = cleaned.find(['/', '?', '#']).unwrap_or(cleaned.len());
    let colon = cleaned[..end].find(':')?;
    Some(cleaned[..colon].to_ascii_lowercase())
}

fn split_suffix(url: &str) -> (&str, &str) {
    match url.find(['?', '#']) {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    }
}

/// A file of content/assets/ as a link from the site's root: `assets/…`, encoded.
fn published(asset: &str) -> String {
    format!(
        "assets/{}",
        crate::url::encode_path(&crate::url::published_asset(asset))
    )
}

/// The path from folder `from` to `to`, both relative to the site root.
fn relative_path(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    let to: Vec<&str> = to.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = "../".repeat(from.len() - common);
    path.push_str(&to[common..].join("/"));
    path
}

/// The page path of a link to `lectern serve` on the editor's own computer
/// (`http://127.0.0.1:1111/lessons/x/`): `/lessons/x/`, as the link should be written.
pub fn preview_path(url: &str) -> Option<&str> {
    let url = url.trim();
    let scheme_len = ["http://", "https://"]
        .iter()
        .find(|scheme| {
            url.get(..scheme.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
        })?
        .len();
    let rest = &url[scheme_len..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest[..authority_end].to_ascii_lowercase();
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority.as_str(),
    };
    let local = matches!(host, "localhost" | "[::1]")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified());
    if !local {
        return None;
    }
    let path = &rest[authority_end..];
    // A preview under a sub-path (`serve --base-url /portal/`): the site's part starts at its
    // first section (`/portal/lessons/x/` → `/lessons/x/`).
    let section = SECTIONS
        .iter()
        .filter_map(|s| path.find(&format!("/{s}/")))
        .min();
    Some(match section {
        Some(start) => &path[start..],
        None if path.is_empty() => "/",
        None => path,
    })
}

/// The output's top-level folders a link to the local preview may name.
const SECTIONS: [&str; 11] = [
    "lessons",
    "videos",
    "reviews",
    "assets",
    "grades",
    "courses",
    "stages",
    "topics",
    "search",
    "textbooks",
    "coverage",
];

/// Resolve `.` and `..`; `None` when the path climbs out of the site root.
fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// What a link from the site's root (`/assets/x.png`, `/lessons/x/`) depends on: the asset's
/// file, or the page — named `page:<path>`, since a page's file is known only to the catalog
/// (`refresh` matches it against the pages of the saved files).
fn rooted_source(rooted: &str) -> Option<String> {
    if rooted.contains("..") {
        return None;
    }
    if let Some(asset) = rooted.strip_prefix("assets/") {
        return Some(format!("content/assets/{asset}"));
    }
    let folder = rooted.strip_suffix("index.html").unwrap_or(rooted);
    Some(format!("page:{}/", folder.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context<'a>(
        paths: &'a rustc_hash::FxHashMap<String, String>,
        assets: &'a BTreeSet<String>,
    ) -> LinkContext<'a> {
        LinkContext {
            source_file: "content/lessons/g7/a.md",
            page_path: "lessons/a/",
            source_paths: paths,
            page_paths: PAGES.get_or_init(|| {
                ["lessons/b/".to_string(), "videos/v/".to_string()]
                    .into_iter()
                    .collect()
            }),
            assets,
            unavailable: UNAVAILABLE.get_or_init(|| {
                BTreeMap::from([
                    ((Kind::Lesson, "dr".to_string()), Unavailable::Draft),
                    ((Kind::Lesson, "bad".to_string()), Unavailable::Broken),
                ])
            }),
            draft_pages: DRAFT_PAGES.get_or_init(|| {
                ["content/pages/notice.md".to_string()]
                    .into_iter()
                    .collect()
            }),
            video_durations: DURATIONS
                .get_or_init(|| [("videos/v/".to_string(), 600)].into_iter().collect()),
            listing_paths: LISTINGS.get_or_init(|| ["grades/7/".to_string()].into_iter().collect()),
        }
    }

    static LISTINGS: std::sync::OnceLock<rustc_hash::FxHashSet<String>> =
        std::sync::OnceLock::new();

    #[test]
    fn links_to_listings_the_site_does_not_make_are_told() {
        let (paths, assets) = (Default::default(), BTreeSet::new());
        let c = context(&paths, &assets);
        for missing in [
            "/grades/13/",
            "../../grades/13/",
            "../../topics/no-such/",
            "/courses/x/index.html",
        ] {
            assert_eq!(
                c.resolve(missing),
                Resolved::NoListing(missing.into()),
                "{missing}"
            );
        }
        for fine in [
            "/grades/7/",
            "../../grades/7/",
            "../../grades/7/page/2/",
            "../../topics/",
            "/search/",
        ] {
            assert!(matches!(c.resolve(fine), Resolved::Keep(_)), "{fine}");
        }
    }

    static DURATIONS: std::sync::OnceLock<rustc_hash::FxHashMap<String, u32>> =
        std::sync::OnceLock::new();

    #[test]
    fn a_time_link_past_the_video_end_is_a_problem() {
        let (paths, assets) = (Default::default(), BTreeSet::new());
        let links = context(&paths, &assets);
        assert_eq!(links.time_link_problem("/videos/v/#t=600"), None);
        assert_eq!(links.time_link_problem("/videos/v/#t=9:59"), None);
        let late = links.time_link_problem("/videos/v/#t=1:00:00").unwrap();
        assert!(
            late.contains("after the end of the video `videos/v/` (10:00)"),
            "{late}"
        );
        assert!(links.time_link_problem("/videos/v/#t=601").is_some());
        // a video without a duration, or another site's, is not checked
        assert_eq!(links.time_link_problem("/videos/w/#t=99:00:00"), None);
        assert_eq!(
            links.time_link_problem("https://example.org/v#t=99:00:00"),
            None
        );
    }

    static PAGES: std::sync::OnceLock<rustc_hash::FxHashSet<String>> = std::sync::OnceLock::new();
    static UNAVAILABLE: std::sync::OnceLock<BTreeMap<(Kind, String), Unavailable>> =
        std::sync::OnceLock::new();
    static DRAFT_PAGES: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();

    #[test]
    fn rooted_and_file_links_are_checked() {
        let paths = rustc_hash::FxHashMap::default();
        let assets: BTreeSet<String> = ["img/x.svg".to_string()].into();
        let c = context(&paths, &assets);
        for missing in [
            "/assets/nope.png",
            "/lessons/no-such/",
            "/videos/x/index.html",
            "nope.png",
            "../../assets/nope.pdf",
            // written as the browser reads it, from the page lessons/a/
            "../../videos/nope/",
            "../../videos/nope/index.html#t=5",
            "../b-not/",
            "../../assets/img/nope.svg",
        ] {
            assert_eq!(
                c.resolve(missing),
                Resolved::Missing(missing.into()),
                "{missing}"
            );
        }
        for fine in [
            "/assets/img/x.svg",
            "/lessons/b/",
            "/lessons/b",
            "/grades/7/",
            "../../grades/7/",
            "notes.html",
            "../b/",
            "../../lessons/b/",
            "../../videos/v/#t=30",
            // an asset as the browser reads it, from the page lessons/a/
            "../../assets/img/x.svg",
        ] {
            assert!(matches!(c.resolve(fine), Resolved::Keep(_)), "{fine}");
        }
    }

    #[test]
    fn a_draft_is_no_missing_file_and_a_broken_file_is_not_blamed_twice() {
        let paths = rustc_hash::FxHashMap::default();
        let assets = BTreeSet::new();
        let c = context(&paths, &assets);
        assert_eq!(c.resolve("dr.md"), Resolved::Draft("dr.md".into()));
        // a free page that is a draft, too
        let page = "../../pages/notice.md";
        assert_eq!(c.resolve(page), Resolved::Draft(page.into()));
        assert_eq!(
            c.resolve("/lessons/dr/"),
            Resolved::Draft("/lessons/dr/".into())
        );
        assert_eq!(c.resolve("bad.md#x"), Resolved::Keep("bad.md#x".into()));
        assert_eq!(c.resolve("gone.md"), Resolved::Missing("gone.md".into()));
        assert_eq!(
            c.resolve("/lessons/gone/"),
            Resolved::Missing("/lessons/gone/".into())
        );
        assert_eq!(c.resolve("../dr/"), Resolved::Draft("../dr/".into()));
    }

    #[test]
    fn an_asset_linked_by_its_published_name_is_that_asset() {
        let paths = rustc_hash::FxHashMap::default();
        let assets: BTreeSet<String> = ["学案/情绪卡.pdf".to_string()].into();
        let c = context(&paths, &assets);
        let published = crate::url::published_asset("学案/情绪卡.pdf").into_owned();
        let expected = Resolved::Keep(format!("../../assets/{published}"));
        assert_eq!(c.resolve(&format!("/assets/{published}")), expected);
        assert_eq!(c.resolve(&format!("../../assets/{published}")), expected);
        assert_eq!(
            c.linked_source(&format!("/assets/{published}")),
            Some("content/assets/学案/情绪卡.pdf".into()),
            "serve follows the file itself"
        );
        let other = published.replace(".pdf", "x.pdf");
        assert!(matches!(
            c.resolve(&format!("/assets/{other}")),
            Resolved::Missing(_)
        ));
    }

    #[test]
    fn rewrites_and_filters() {
        let mut paths = rustc_hash::FxHashMap::default();
        paths.insert(
            "content/lessons/g8/b.md".to_string(),
            "lessons/b/".to_string(),
        );
        let assets: BTreeSet<String> = ["img/x.svg".to_string()].into();
        let c = context(&paths, &assets);
        assert_eq!(
            c.resolve("../g8/b.md#goal"),
            Resolved::Keep("../../lessons/b/#goal".into())
        );
        assert_eq!(
            c.resolve("../../assets/img/x.svg"),
            Resolved::Keep("../../assets/img/x.svg".into())
        );
        assert_eq!(
            c.resolve("/grades/7/"),
            Resolved::Keep("../../grades/7/".into())
        );
        assert_eq!(
            c.resolve("https://e.org/a"),
            Resolved::Keep("https://e.org/a".into())
        );
        assert_eq!(
            c.resolve("JavaScript:alert(1)"),
            Resolved::Forbidden("javascript".into())
        );
        assert_eq!(
            c.resolve("java\tscript:alert(1)"),
            Resolved::Forbidden("javascript".into())
        );
        assert_eq!(
            c.resolve("data:text/html,x"),
            Resolved::Forbidden("data".into())
        );
        assert_eq!(
            c.resolve("../g8/missing.md"),
            Resolved::Missing("../g8/missing.md".into())
        );
        assert_eq!(
            c.resolve("../../../../../etc/passwd.md"),
            Resolved::Missing("../../../../../etc/passwd.md".into())
        );
        assert_eq!(c.resolve("#top"), Resolved::Keep("#top".into()));
        assert_eq!(
            c.linked_source("../g8/missing.md#x"),
            Some("content/lessons/g8/missing.md".into())
        );
        assert_eq!(
            c.linked_source("../../assets/img/x.svg"),
            Some("content/assets/img/x.svg".into())
        );
        assert_eq!(c.linked_source("https://e.org/a.md"), None);
    }

    #[test]
    fn a_missing_link_gets_the_file_of_that_name_elsewhere_or_forward_slashes() {
        let paths: rustc_hash::FxHashMap<String, String> = [(
            "content/lessons/junior/qing-chun.md".to_string(),
            "lessons/qing-chun/".to_string(),
        )]
        .into_iter()
        .collect();
        let assets: BTreeSet<String> = ["images/ya-li.svg".to_string()].into_iter().collect();
        let context = context(&paths, &assets);
        let hint = |href: &str| context.missing_hint(href).unwrap_or_default();
        assert!(hint("qing-chun.md#goal").contains("`../junior/qing-chun.md#goal`"));
        assert!(hint("../../assets/images/Ya-Li.SVG").contains("`../../assets/images/ya-li.svg`"));
        assert!(
            hint("..\\..\\assets\\images\\ya-li.svg").contains("`../../assets/images/ya-li.svg`")
        );
        assert!(hint("a\\b.md").contains("not `\\`"));
        assert_eq!(context.missing_hint("nothing-like-it.md"), None);
        assert_eq!(context.missing_hint("folder/"), None);
    }

    #[test]
    fn a_link_to_the_preview_server_names_its_path_on_the_site() {
        assert_eq!(
            preview_path("http://127.0.0.1:1111/portal/lessons/x/"),
            Some("/lessons/x/")
        );
        assert_eq!(
            preview_path("http://127.0.0.1:1111/lessons/x/"),
            Some("/lessons/x/")
        );
        assert_eq!(
            preview_path("HTTP://localhost:8080/videos/v/#t=754"),
            Some("/videos/v/#t=754")
        );
        assert_eq!(preview_path("http://[::1]:1111"), Some("/"));
        assert_eq!(
            preview_path("http://0.0.0.0/search/?q=情绪"),
            Some("/search/?q=情绪")
        );
        assert_eq!(preview_path("https://example.org/lessons/x/"), None);
        assert_eq!(preview_path("https://localhost.example.org/"), None);
        assert_eq!(preview_path("http://127.0.0.1.example.org/"), None);
    }
}
