//! The whole site model: resources in document order (newest first), their resolved
//! cross-references, and the browse indexes (stage, grade, course, topic, kind). Pure data;
//! no I/O. Every map here is ordered, so what is built from it is reproducible.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use rustc_hash::FxHashMap;
use std::sync::Arc;

use crate::config::Config;
use crate::content::{Asset, Content, Detail, Kind, Page, Resource, Unavailable};
use crate::diagnostics::{Diagnostic, Diagnostics, suggest};

/// A resource's place in the catalog's order (newest first): its index into `resources`,
/// `links`, the bodies and the cards. Not its search document number, which counts the other
/// way (`search::DocNumber::of`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place(usize);

impl Place {
    pub fn new(index: usize) -> Place {
        Place(index)
    }

    pub fn get(self) -> usize {
        self.0
    }
}

impl<T> std::ops::Index<Place> for [T] {
    type Output = T;
    fn index(&self, place: Place) -> &T {
        &self[place.0]
    }
}

impl<T> std::ops::Index<Place> for Vec<T> {
    type Output = T;
    fn index(&self, place: Place) -> &T {
        &self[place.0]
    }
}

impl<T> std::ops::IndexMut<Place> for Vec<T> {
    fn index_mut(&mut self, place: Place) -> &mut T {
        &mut self[place.0]
    }
}

/// A topic with its ASCII slug and the resources that carry it.
#[derive(Clone, Debug)]
pub struct Topic {
    pub name: String,
    pub slug: String,
    pub resources: Vec<Place>,
}

/// Resolved links of one resource.
#[derive(Clone, Debug, Default)]
pub struct Links {
    pub lesson: Option<Place>,
    pub video: Option<Place>,
    pub videos: Vec<Place>,
    pub reviews: Vec<Place>,
}

#[derive(Debug)]
pub struct Catalog {
    /// Document order: date (newest first), then kind, then id.
    pub resources: Vec<Arc<Resource>>,
    pub links: Vec<Links>,
    pub pages: Vec<Page>,
    /// Sorted by path.
    pub assets: Vec<Asset>,
    /// Most used first, then by name.
    pub topics: Vec<Topic>,
    pub by_grade: BTreeMap<u8, Vec<Place>>,
    pub by_course: BTreeMap<String, Vec<Place>>,
    pub by_stage: BTreeMap<String, Vec<Place>>,
    pub by_kind: BTreeMap<Kind, Vec<Place>>,
    /// Textbook slug → its aligned resources, in catalog order (empty without `textbooks:`).
    pub by_textbook: BTreeMap<String, Vec<Place>>,
    /// Source file (relative to root) → page path (relative to the output root), for Markdown links.
    pub source_paths: FxHashMap<String, String>,
    /// Every resource's and free page's path (`lessons/a/`, `about/`), for `/`-rooted links:
    /// a catalog file holds many resources, so `source_paths` cannot list them all.
    pub page_paths: rustc_hash::FxHashSet<String>,
    /// A video's page path → its `duration:` in seconds, for checking time links (`#t=`).
    pub video_durations: FxHashMap<String, u32>,
    /// The first page of every grade's, course's, stage's and topic's listing (`grades/7/`),
    /// for checking links to them.
    pub listing_paths: rustc_hash::FxHashSet<String>,
    /// Resource files that did not become records (drafts), kept so `serve` can assemble the
    /// catalog again after an edit without reading every file.
    pub unavailable: BTreeMap<(Kind, String), Unavailable>,
    /// Free pages left out as drafts, by file (`Content::draft_pages`).
    pub draft_pages: std::collections::BTreeSet<String>,
    /// Bodies of resource files whose front matter has errors (`Content::broken_bodies`).
    pub broken_bodies: Vec<crate::content::BrokenBody>,
    /// How files were read (`Content::notes`), for `lectern build --timings`.
    pub notes: Vec<String>,
}

/// The catalog's order: date (newest first), then kind, then id — one place per record,
/// since a kind's ids are unique.
pub fn document_order(a: &Resource, b: &Resource) -> std::cmp::Ordering {
    b.date
        .cmp(&a.date)
        .then(a.kind.cmp(&b.kind))
        .then(a.id.cmp(&b.id))
}

/// Folders of the output that a free page may not take.
pub const RESERVED: &[&str] = &[
    "lessons",
    "videos",
    "reviews",
    "grades",
    "courses",
    "topics",
    "stages",
    "search",
    "static",
    "assets",
    "page",
    "404",
    "feed",
    "sitemap",
    "index",
    "textbooks",
    "coverage",
];

pub fn assemble(config: &Config, content: Content, diagnostics: &mut Diagnostics) -> Catalog {
    let Content {
        mut resources,
        mut pages,
        assets,
        mut unavailable,
        draft_pages,
        broken_bodies,
        broken_refs,
        notes,
    } = content;
    resources.sort_by(|a, b| document_order(a, b));
    let resources = drop_duplicates(resources, &mut unavailable, diagnostics);
    diagnostics.extend(crate::content::align::alignment_warnings(
        config, &resources,
    ));
    // Weighted pages first, lightest first; then the others by address (as Hugo and Zola).
    pages.sort_by(|a, b| {
        let weight = |p: &Page| (p.weight.is_none(), p.weight);
        weight(a).cmp(&weight(b)).then(a.path.cmp(&b.path))
    });
    let pages = check_pages(pages, diagnostics);
    diagnostics.extend(menu_overflow(&pages));
    // Links and browse indexes read the same records: one core each.
    let mut link_problems = Diagnostics::new();
    let (links, indexes) = rayon::join(
        || resolve_links(&resources, &broken_refs, &unavailable, &mut link_problems),
        || index(config, &resources, &pages),
    );
    diagnostics.extend(link_problems.sorted());
    diagnostics.extend(filed_apart(config, &resources, &links));
    diagnostics.extend(topic_spellings(&indexes.topics, &resources));
    diagnostics.extend(numbered_topic_addresses(&indexes.topics, &resources));
    Catalog {
        links,
        pages,
        assets,
        topics: indexes.topics,
        by_grade: indexes.by_grade,
        by_course: indexes.by_course,
        by_stage: indexes.by_stage,
        by_kind: indexes.by_kind,
        by_textbook: indexes.by_textbook,
        source_paths: indexes.source_paths,
        page_paths: indexes.page_paths,
        video_durations: indexes.video_durations,
        listing_paths: indexes.listing_paths,
        resources,
        unavailable,
        draft_pages,
        broken_bodies,
        notes,
    }
}

pub fn resource_path(resource: &Resource) -> String {
    format!("{}/{}/", resource.kind.dir(), resource.id)
}

pub fn page_path(page: &Page) -> String {
    format!("{}/", page.path)
}

/// Two files with one id would write one page: an error, and neither is kept. Which one a
/// review's `video:` meant is unknown, so the id counts as broken (as a file with errors):
/// checks against either (its grade, its length) would only mislead.
fn drop_duplicates(
    resources: Vec<Arc<Resource>>,
    unavailable: &mut BTreeMap<(Kind, String), crate::content::Unavailable>,
    diagnostics: &mut Diagnostics,
) -> Vec<Arc<Resource>> {
    // Keyed by the lower-cased id: `A` and `a` are one folder once the portal is unzipped on
    // Windows or macOS.
    let mut by_file: Vec<usize> = (0..resources.len()).collect();
    // Report against the file that sorts later, so the message is stable.
    by_file.sort_by(|a, b| {
        let (a, b) = (&resources[*a].origin, &resources[*b].origin);
        a.file.cmp(&b.file).then(a.yaml.start.cmp(&b.yaml.start))
    });
    let mut first: FxHashMap<(Kind, Cow<str>), usize> = FxHashMap::default();
    let mut dropped = vec![false; resources.len()];
    for n in by_file {
        let resource = &resources[n];
        match first.entry((resource.kind, lower_case(&resource.id))) {
            std::collections::hash_map::Entry::Occupied(kept) => {
                let kept_at = *kept.get();
                diagnostics.push(duplicate(resource, &resources[kept_at]));
                dropped[n] = true;
                dropped[kept_at] = true;
                for gone in [resource, &resources[kept_at]] {
                    unavailable.insert(
                        (gone.kind, gone.id.clone()),
                        crate::content::Unavailable::Broken,
                    );
                }
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(n);
            }
        }
    }
    // Still in the catalog's order: only the duplicates leave.
    resources
        .into_iter()
        .zip(dropped)
        .filter_map(|(r, dropped)| (!dropped).then_some(r))
        .collect()
}

/// `text` in lower case, copied only when it has capitals (ids rarely do).
fn lower_case(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_uppercase) {
        Cow::Owned(text.to_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

/// The error for `resource`, whose id `kept` already has.
fn duplicate(resource: &Resource, kept: &Resource) -> Diagnostic {
    let id = &kept.id;
    // a catalog's entry is named by its line: a second one in the same file is otherwise lost
    let file = match kept.origin.file.ends_with(".md") {
        true => kept.origin.file.clone(),
        false => format!("{}:{}", kept.origin.file, kept.origin.yaml_line),
    };
    let message = if *id == resource.id {
        format!(
            "duplicate {} id `{}`: {} also has it",
            resource.kind.slug(),
            resource.id,
            file
        )
    } else {
        format!(
            "{} ids `{}` and `{id}` ({file}) differ only in case",
            resource.kind.slug(),
            resource.id
        )
    };
    resource.origin.at_key(
        address_key(&resource.origin),
        Diagnostic::error(message).with_help("ids come from file names (or `slug:`/`id:`) and must be unique per kind, ignoring case: rename one of the two"),
    )
}

fn check_pages(pages: Vec<Page>, diagnostics: &mut Diagnostics) -> Vec<Page> {
    // Compared ignoring case: on a USB stick (FAT32), Windows or macOS, `About/` and `about/`
    // are one folder, and one page would overwrite the other.
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut kept = Vec::new();
    for page in pages {
        let folder = page.path.to_lowercase();
        let key = address_key(&page.origin);
        let top = folder.split('/').next().unwrap_or("");
        if RESERVED.contains(&top) {
            diagnostics.push(
                page.origin.at_key(
                    key,
                    Diagnostic::error(format!(
                        "the page address `{}/` is taken by Lectern",
                        page.path
                    ))
                    .with_help("rename the file or add `slug: another-name` (addresses that differ only in case count as the same)"),
                ),
            );
        } else if let Some(other) = seen.get(&folder) {
            diagnostics.push(
                page.origin.at_key(
                    key,
                    Diagnostic::error(format!(
                        "two pages would be written to `{}/`: {} and {}",
                        page.path, other, page.origin.file
                    ))
                    .with_help("give one of them another file name or `slug:` (addresses that differ only in case count as the same)"),
                ),
            );
        } else {
            seen.insert(folder, page.origin.file.clone());
            kept.push(page);
        }
    }
    kept
}

/// How many free pages every page's footer lists: each is repeated on every page of the site.
pub const MENU_PAGES: usize = 12;

/// A warning when more pages ask to be in the footer than it lists, at the first left out.
fn menu_overflow(pages: &[Page]) -> Option<Diagnostic> {
    let mut menu = pages.iter().filter(|p| p.in_menu);
    let first_out = menu.nth(MENU_PAGES)?;
    let count = MENU_PAGES + 1 + menu.count();
    Some(first_out.origin.at_key(
        "title",
        Diagnostic::warning(format!(
            "{count} pages ask to be in the footer, which lists the first {MENU_PAGES} (by weight, then address): this page and those after it are left out of it"
        ))
        .with_help("give the pages that matter most a `weight:`, and put the others in a folder whose index.md lists them, or mark them `menu: false`"),
    ))
}

/// Where a record's address comes from: a catalog row's `id` cell, its `id:` or `slug:`
/// line, or else the file name (reported at the title).
fn address_key(origin: &crate::content::Origin) -> &'static str {
    if origin.row.is_some() {
        return "id";
    }
    ["id", "slug"]
        .into_iter()
        .find(|key| origin.has_key(key))
        .unwrap_or("title")
}

fn resolve_links(
    resources: &[Arc<Resource>],
    broken_refs: &[crate::content::BrokenRefs],
    unavailable: &BTreeMap<(Kind, String), Unavailable>,
    diagnostics: &mut Diagnostics,
) -> Vec<Links> {
    let mut ids: FxHashMap<(Kind, &str), Place> = FxHashMap::default();
    for (n, r) in resources.iter().enumerate() {
        ids.insert((r.kind, r.id.as_str()), Place(n));
    }
    let lesson_ids: Vec<&str> = resources
        .iter()
        .filter(|r| r.kind == Kind::Lesson)
        .map(|r| r.id.as_str())
        .collect();
    let video_ids: Vec<&str> = resources
        .iter()
        .filter(|r| r.kind == Kind::Video)
        .map(|r| r.id.as_str())
        .collect();
    let mut links = vec![Links::default(); resources.len()];
    let mut find = |origin: &crate::content::Origin,
                    kind: Kind,
                    key: &str,
                    id: &str,
                    candidates: &[&str]|
     -> Option<Place> {
        let found = ids.get(&(kind, id)).copied();
        match unavailable.get(&(kind, id.to_string())) {
            // Its own errors are reported already; a second one here would only mislead.
            Some(Unavailable::Broken) if found.is_none() => return None,
            Some(Unavailable::Draft) if found.is_none() => {
                diagnostics.push(origin.at_key(key, Diagnostic::warning(format!("{} `{id}` is a draft: the link to it is left out", kind.slug())).with_help("build with --drafts to include drafts, or remove `draft: true` from it")));
                return None;
            }
            _ => {}
        }
        if found.is_none() {
            let help = match suggest(id, candidates.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "`{key}:` takes the id of a {} (its file name without .md)",
                    kind.slug()
                ),
            };
            diagnostics.push(origin.at_key(
                key,
                Diagnostic::error(format!("{} `{id}` does not exist", kind.slug())).with_help(help),
            ));
        }
        found
    };
    for (n, r) in resources.iter().enumerate() {
        match &r.detail {
            Detail::Video(v) => {
                links[n].lesson = v
                    .lesson
                    .as_deref()
                    .and_then(|id| find(&r.origin, Kind::Lesson, "lesson", id, &lesson_ids))
            }
            Detail::Review(v) => {
                links[n].lesson = v
                    .lesson
                    .as_deref()
                    .and_then(|id| find(&r.origin, Kind::Lesson, "lesson", id, &lesson_ids));
                links[n].video = v
                    .video
                    .as_deref()
                    .and_then(|id| find(&r.origin, Kind::Video, "video", id, &video_ids));
            }
            Detail::Lesson(_) => {}
        }
    }
    // A record with errors of its own is not linked, but what it names is checked all the same.
    for refs in broken_refs {
        if let Some(id) = &refs.lesson {
            find(&refs.origin, Kind::Lesson, "lesson", id, &lesson_ids);
        }
        if let Some(id) = &refs.video {
            find(&refs.origin, Kind::Video, "video", id, &video_ids);
        }
    }
    // A review of a video is also a review of that video's lesson.
    for n in 0..resources.len() {
        if resources[n].kind == Kind::Review && links[n].lesson.is_none() {
            links[n].lesson = links[n].video.and_then(|v| links[v.0].lesson);
        }
    }
    for n in 0..resources.len() {
        let (lesson, video, kind) = (links[n].lesson, links[n].video, resources[n].kind);
        match kind {
            Kind::Video => {
                if let Some(l) = lesson {
                    links[l.0].videos.push(Place(n));
                }
            }
            Kind::Review => {
                if let Some(l) = lesson {
                    links[l.0].reviews.push(Place(n));
                }
                if let Some(v) = video {
                    links[v.0].reviews.push(Place(n));
                }
            }
            Kind::Lesson => {}
        }
    }
    links
}

/// A warning for each video or review filed under other grades or another course than the
/// lesson (or, for a review that names one, the video) it belongs to: the coverage map, the
/// grade and course pages and `stats` count it where its lesson is not.
fn filed_apart(config: &Config, resources: &[Arc<Resource>], links: &[Links]) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for (r, link) in resources.iter().zip(links) {
        let (key, of) = match (&r.detail, link.video, link.lesson) {
            (Detail::Review(d), Some(video), _) if d.video.is_some() => ("video", video),
            (Detail::Video(_) | Detail::Review(_), _, Some(lesson)) => ("lesson", lesson),
            _ => continue,
        };
        let other = &resources[of.0];
        let what = format!("{} `{}`", other.kind.slug(), other.id);
        if !r.grades.iter().any(|g| other.grades.contains(g)) {
            let grades = grade_names(config, &other.grades);
            let warning = Diagnostic::warning(format!(
                "this {} is filed under {}, but its {what} is for {grades}: the coverage map and the grade pages count them apart",
                r.kind.slug(),
                grade_names(config, &r.grades),
            ))
            .with_help(format!("write the {}'s grade here: `grade: {}`", other.kind.slug(), grade_value(&other.grades)));
            warnings.push(r.origin.at_key("grade", warning));
        }
        if r.course != other.course {
            let warning = Diagnostic::warning(format!(
                "this {}'s course is `{}`, but its {what} is of course `{}`: the coverage map and the course pages count them apart",
                r.kind.slug(),
                r.course,
                other.course
            ))
            .with_help(format!("write `course: {}` here, or link the {key} of this course", other.course));
            warnings.push(r.origin.at_key("course", warning));
        }
    }
    warnings
}

/// `grade 7 (七年级)` or `grades 7, 8 (七年级, 八年级)`, for a diagnostic.
fn grade_names(config: &Config, grades: &[u8]) -> String {
    let names: Vec<&str> = grades
        .iter()
        .filter_map(|g| config.grade(*g).map(|g| g.name.as_str()))
        .collect();
    let numbers: Vec<String> = grades.iter().map(u8::to_string).collect();
    let word = if grades.len() == 1 { "grade" } else { "grades" };
    format!("{word} {} ({})", numbers.join(", "), names.join(", "))
}

/// Grades as front matter takes them: `7` or `[7, 8]` (also for `lectern new`).
pub fn grade_value(grades: &[u8]) -> String {
    match grades {
        [one] => one.to_string(),
        many => format!(
            "[{}]",
            many.iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The browse indexes and the source → page map of a catalog's records.
struct Indexes {
    topics: Vec<Topic>,
    by_grade: BTreeMap<u8, Vec<Place>>,
    by_course: BTreeMap<String, Vec<Place>>,
    by_stage: BTreeMap<String, Vec<Place>>,
    by_kind: BTreeMap<Kind, Vec<Place>>,
    by_textbook: BTreeMap<String, Vec<Place>>,
    source_paths: FxHashMap<String, String>,
    page_paths: rustc_hash::FxHashSet<String>,
    video_durations: FxHashMap<String, u32>,
    listing_paths: rustc_hash::FxHashSet<String>,
}

fn index(config: &Config, resources: &[Arc<Resource>], pages: &[Page]) -> Indexes {
    let mut topics: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    let mut ix = Indexes {
        topics: Vec::new(),
        by_grade: BTreeMap::new(),
        by_course: BTreeMap::new(),
        by_stage: BTreeMap::new(),
        by_kind: BTreeMap::new(),
        by_textbook: BTreeMap::new(),
        source_paths: FxHashMap::default(),
        page_paths: Default::default(),
        video_durations: FxHashMap::default(),
        listing_paths: Default::default(),
    };
    for (n, r) in resources.iter().enumerate() {
        let n = Place(n);
        ix.by_kind.entry(r.kind).or_default().push(n);
        push_under(&mut ix.by_course, &r.course, n);
        if let Some(a) = &r.alignment {
            push_under(&mut ix.by_textbook, &a.textbook, n);
        }
        let mut stages: Vec<&str> = Vec::new();
        for g in &r.grades {
            ix.by_grade.entry(*g).or_default().push(n);
            if let Some(grade) = config.grade(*g)
                && !stages.contains(&grade.stage.as_str())
            {
                stages.push(&grade.stage);
            }
        }
        for stage in stages {
            push_under(&mut ix.by_stage, stage, n);
        }
        for t in &r.topics {
            push_under(&mut topics, t, n);
        }
        ix.source_paths
            .insert(r.origin.file.clone(), resource_path(r));
        ix.page_paths.insert(resource_path(r));
        if let Detail::Video(video) = &r.detail
            && let Some(duration) = video.duration
        {
            ix.video_durations.insert(resource_path(r), duration.0);
        }
    }
    for p in pages {
        ix.source_paths.insert(p.origin.file.clone(), page_path(p));
        ix.page_paths.insert(page_path(p));
    }
    ix.topics = topic_slugs(topics);
    // The listings `theme::listing` makes: values with resources (a stage only if site.yaml names it).
    let grades = ix.by_grade.keys().map(|g| format!("grades/{g}/"));
    let courses = ix.by_course.keys().map(|c| format!("courses/{c}/"));
    let stages = config
        .stages
        .iter()
        .filter(|s| ix.by_stage.contains_key(&s.slug))
        .map(|s| format!("stages/{}/", s.slug));
    let topics = ix.topics.iter().map(|t| format!("topics/{}/", t.slug));
    ix.listing_paths = grades.chain(courses).chain(stages).chain(topics).collect();
    ix
}

/// `map[key].push(place)`, copying the key only the first time it is seen.
fn push_under(map: &mut BTreeMap<String, Vec<Place>>, key: &str, place: Place) {
    match map.get_mut(key) {
        Some(list) => list.push(place),
        None => {
            map.insert(key.to_string(), vec![place]);
        }
    }
}

/// Two topics whose names read alike in pinyin (情绪, 清虚) share an address, and the less used
/// takes a number (`qing-xu-2`), which moves when a topic is added or removed: a
/// warning at the numbered topic's first use. Spellings of one name are `topic_spellings`'.
fn numbered_topic_addresses(topics: &[Topic], resources: &[Arc<Resource>]) -> Vec<Diagnostic> {
    let fold = |name: &str| -> String { name.chars().map(crate::search::tokenize::fold).collect() };
    let mut by_base: BTreeMap<String, Vec<&Topic>> = BTreeMap::new();
    for topic in topics {
        by_base
            .entry(crate::slug::slugify(&topic.name))
            .or_default()
            .push(topic);
    }
    let mut warnings = Vec::new();
    for group in by_base.values_mut().filter(|g| g.len() > 1) {
        // in the order `topic_slugs` numbers them: the most used keeps the plain address
        group.sort_by(|a, b| (b.resources.len().cmp(&a.resources.len())).then(a.name.cmp(&b.name)));
        let first = group[0];
        for numbered in &group[1..] {
            let Some(used) = numbered.resources.first().and_then(|p| resources.get(p.0)) else {
                continue;
            };
            if fold(&numbered.name) == fold(&first.name) {
                continue;
            }
            warnings.push(used.origin.at_key(
                "topics",
                Diagnostic::warning(format!(
                    "topic `{}` reads like `{}` in pinyin, so its page is topics/{}/, whose number may change as topics come and go",
                    numbered.name, first.name, numbered.slug
                ))
                .with_help("if links to this topic page must last, give the topic a name that reads differently"),
            ));
        }
    }
    warnings
}

/// Topics written two ways — traditional or simplified characters, full-width letters, case
/// (考試焦慮 and 考试焦虑, PPT and ppt) — are two topics with two pages where the editor meant
/// one: a warning at the first use of each rarer spelling.
fn topic_spellings(topics: &[Topic], resources: &[Arc<Resource>]) -> Vec<Diagnostic> {
    let fold = |name: &str| -> String { name.chars().map(crate::search::tokenize::fold).collect() };
    let mut by_folded: BTreeMap<String, Vec<&Topic>> = BTreeMap::new();
    for topic in topics {
        by_folded.entry(fold(&topic.name)).or_default().push(topic);
    }
    let mut warnings = Vec::new();
    for (folded, group) in by_folded.iter_mut().filter(|(_, g)| g.len() > 1) {
        // The most used spelling; between equals, the folded one (simplified, lower case).
        group.sort_by_key(|t| (std::cmp::Reverse(t.resources.len()), t.name != *folded));
        let common = group[0];
        for other in &group[1..] {
            let Some(first) = other.resources.first().and_then(|p| resources.get(p.0)) else {
                continue;
            };
            warnings.push(first.origin.at_key(
                "topics",
                Diagnostic::warning(format!(
                    "topic `{}` is also written `{}` (in {} resource(s)): the two spellings make two topic pages",
                    other.name,
                    common.name,
                    common.resources.len()
                ))
                .with_help(format!("write `{}` here too, if it is the same topic", common.name)),
            ));
        }
    }
    warnings
}

/// Slugs in name order, with `-2`, `-3` … when two names give the same pinyin.
fn topic_slugs(topics: BTreeMap<String, Vec<Place>>) -> Vec<Topic> {
    let mut list: Vec<(String, Vec<Place>)> = topics.into_iter().collect();
    // Most used first: of two topics that read alike, the established one keeps the plain
    // address its shared links use, and a newcomer (《情绪管理》 beside 情绪管理) is numbered.
    list.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let mut taken = BTreeSet::new();
    list.into_iter()
        .map(|(name, resources)| {
            let mut base = crate::slug::slugify(&name);
            // `con`, `aux`…: no Windows PC could hold the topic's folder.
            if crate::slug::is_windows_device(&base) {
                base.push_str("-topic");
            }
            let mut slug = base.clone();
            let mut k = 2;
            while !taken.insert(slug.clone()) {
                slug = format!("{base}-{k}");
                k += 1;
            }
            Topic {
                name,
                slug,
                resources,
            }
        })
        .collect()
}

impl Catalog {
    /// The asset at `path` (relative to content/assets/). Assets are sorted by path
    /// (`content::load`, `refresh::next`).
    pub fn asset(&self, path: &str) -> Option<&crate::content::Asset> {
        let at = self
            .assets
            .binary_search_by(|a| a.path.as_str().cmp(path))
            .ok()?;
        Some(&self.assets[at])
    }

    /// A warning for each lesson attachment larger than the site allows (`max_attachment_mb`),
    /// at the lesson's `attachments` key.
    pub fn large_attachments(&self, config: &Config) -> Vec<Diagnostic> {
        let limit = config.max_attachment_mb.saturating_mul(1_000_000);
        let mut warnings = Vec::new();
        for r in &self.resources {
            let crate::content::Detail::Lesson(lesson) = &r.detail else {
                continue;
            };
            for link in &lesson.attachments {
                let crate::content::Link::Asset(path) = link else {
                    continue;
                };
                let Some(asset) = self.asset(path).filter(|a| a.size > limit) else {
                    continue;
                };
                let message = format!(
                    "attachment `{path}` is {}, more than the {} MB this site allows",
                    crate::content::human_size(asset.size),
                    config.max_attachment_mb
                );
                warnings.push(r.origin.at_key(
                    "attachments",
                    Diagnostic::warning(message).with_help(
                        "teachers download it over school networks and phones: compress it, split it, or link to it on a file service; `max_attachment_mb` in site.yaml sets the limit",
                    ),
                ));
            }
        }
        warnings
    }

    /// The video a review's cited times link to: its own `video:`, else its lesson's first.
    pub fn review_video(&self, place: Place) -> Option<Place> {
        if self.resources[place].kind != Kind::Review {
            return None;
        }
        let links = &self.links[place];
        links.video.or_else(|| {
            links
                .lesson
                .and_then(|l| self.links[l].videos.first().copied())
        })
    }

    /// How many videos the lesson has whose first a review's times link to, when the review
    /// names no video of its own and that lesson has more than one: the link is a guess.
    pub fn review_video_guessed_among(&self, place: Place) -> Option<usize> {
        let links = &self.links[place];
        if links.video.is_some() {
            return None;
        }
        let videos = self.links[links.lesson?].videos.len();
        (videos > 1).then_some(videos)
    }

    /// Every resource's place, in order.
    pub fn places(&self) -> impl DoubleEndedIterator<Item = Place> + use<> {
        (0..self.resources.len()).map(Place)
    }

    pub fn topic(&self, name: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.name == name)
    }

    /// Topic name → index into `topics`, for building many pages.
    pub fn topic_index(&self) -> FxHashMap<&str, usize> {
        self.topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_used_of_topics_alike_in_pinyin_keeps_the_plain_address() {
        let topics = BTreeMap::from([
            ("《情绪管理》".to_string(), vec![Place(3)]),
            ("情绪管理".to_string(), vec![Place(0), Place(1)]),
        ]);
        let slugs: Vec<(String, String)> = topic_slugs(topics)
            .into_iter()
            .map(|t| (t.name, t.slug))
            .collect();
        assert_eq!(
            slugs,
            [
                ("情绪管理".to_string(), "qing-xu-guan-li".to_string()),
                ("《情绪管理》".to_string(), "qing-xu-guan-li-2".to_string()),
            ]
        );
    }
}
