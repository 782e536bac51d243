//! Which pages the site has and what each template receives. Every page is rendered in parallel
//! and handed to a sink (the output stage decides where bytes go); nothing is kept in memory.

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::Context;

use super::Theme;
use super::views::*;
use crate::catalog::{self, Catalog};
use crate::config::Config;
use crate::content::{Detail, Kind};
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;

/// Receives each rendered page: its path relative to the output root, and its bytes.
pub type PageSink<'a> = dyn Fn(&str, Vec<u8>) -> Result<(), Diagnostic> + Sync + 'a;

/// Everything the pages are made from.
pub struct SiteInput<'a> {
    pub config: &'a Config,
    pub catalog: &'a Catalog,
    /// Rendered bodies of `catalog.resources`, same order.
    pub bodies: &'a [Rendered],
    /// Rendered bodies of `catalog.pages`, same order.
    pub page_bodies: &'a [Rendered],
    /// Path of the search manifest relative to the output root.
    pub search_manifest: &'a str,
}

enum Job<'a> {
    Home,
    Resource(usize),
    FreePage(usize),
    Listing {
        facet: &'static str,
        value: Term,
        docs: &'a [usize],
        page: usize,
    },
    Terms {
        facet: &'static str,
        title: String,
        items: Vec<Term>,
    },
    Search,
    NotFound,
}

/// Render every page into `sink`. Returns the problems (template errors, write failures).
pub fn render_site(
    theme: &mut Theme,
    input: &SiteInput<'_>,
    sink: &PageSink<'_>,
) -> Vec<Diagnostic> {
    let (config, catalog) = (input.config, input.catalog);
    theme.set_globals(&globals(theme, config, catalog));
    let cards = cards(config, catalog);
    let jobs = jobs(input);
    let theme = &*theme;
    let mut problems: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|job| {
            let (path, template, context) = context_for(job, input, &cards, theme);
            match theme.render(template, &context) {
                Ok(html) => sink(&path, html.into_bytes()).err(),
                Err(problem) => Some(problem),
            }
        })
        .collect();
    problems.sort_by(|a, b| a.message.cmp(&b.message));
    problems.dedup_by(|a, b| a.message == b.message && a.line == b.line);
    problems
}

fn globals(theme: &Theme, config: &Config, catalog: &Catalog) -> Vec<(&'static str, Value)> {
    vec![
        (
            "site",
            json!({ "title": config.title, "description": config.description, "language": config.language.code(), "base_url": config.base_url }),
        ),
        ("t", Value::Object(theme.strings.clone())),
        (
            "nav",
            json!({
                "stages": refs(stage_terms(config, catalog)),
                "courses": refs(course_terms(config, catalog)),
                "kinds": refs(kind_terms(config, catalog)),
                "pages": catalog.pages.iter().map(|p| json!({ "title": p.title, "path": catalog::page_path(p) })).collect::<Vec<_>>(),
            }),
        ),
        ("asset_version", Value::String(theme.asset_version.clone())),
        (
            "build",
            json!({ "generator": concat!("Lectern ", env!("CARGO_PKG_VERSION")) }),
        ),
    ]
}

/// Menus name browse values without counts: they are on every page (see `TermRef`).
fn refs(terms: Vec<Term>) -> Vec<TermRef> {
    terms.into_iter().map(TermRef::from).collect()
}

fn jobs<'a>(input: &SiteInput<'a>) -> Vec<Job<'a>> {
    let (config, catalog) = (input.config, input.catalog);
    let mut jobs = vec![Job::Home, Job::Search, Job::NotFound];
    jobs.extend((0..catalog.resources.len()).map(Job::Resource));
    jobs.extend((0..catalog.pages.len()).map(Job::FreePage));
    let mut listings: Vec<(&'static str, Term, &'a [usize])> = Vec::new();
    for (number, docs) in &catalog.by_grade {
        listings.push(("grade", grade_term(config, catalog, *number), docs));
    }
    for (slug, docs) in &catalog.by_course {
        listings.push(("course", course_term(config, catalog, slug), docs));
    }
    for stage in stage_terms(config, catalog) {
        if let Some(docs) = catalog.by_stage.get(&stage.slug) {
            listings.push(("stage", stage, docs));
        }
    }
    for (term, topic) in topic_terms(catalog).into_iter().zip(&catalog.topics) {
        listings.push(("topic", term, &topic.resources));
    }
    for term in kind_terms(config, catalog) {
        let kind = Kind::ALL.into_iter().find(|k| k.slug() == term.slug);
        let docs = kind
            .and_then(|k| catalog.by_kind.get(&k))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        listings.push(("kind", term, docs));
    }
    for (facet, value, docs) in listings {
        let pages = docs.len().div_ceil(config.page_size).max(1);
        for page in 1..=pages {
            jobs.push(Job::Listing {
                facet,
                value: value.clone(),
                docs,
                page,
            });
        }
    }
    let en = config.language == crate::config::Language::En;
    let title = |zh: &str, english: &str| {
        if en {
            english.to_string()
        } else {
            zh.to_string()
        }
    };
    jobs.push(Job::Terms {
        facet: "stage",
        title: title("学段", "Stages"),
        items: stage_terms(config, catalog),
    });
    jobs.push(Job::Terms {
        facet: "grade",
        title: title("年级", "Grades"),
        items: config
            .grades
            .iter()
            .map(|g| grade_term(config, catalog, g.number))
            .collect(),
    });
    jobs.push(Job::Terms {
        facet: "course",
        title: title("课程", "Courses"),
        items: course_terms(config, catalog),
    });
    jobs.push(Job::Terms {
        facet: "topic",
        title: title("专题", "Topics"),
        items: topic_terms(catalog),
    });
    jobs
}

/// One resource's page alone (for `serve` after an edit that changes nothing other pages show).
/// `render_site` must have run on this theme before: it set the global context.
pub fn render_resource(
    theme: &Theme,
    input: &SiteInput<'_>,
    cards: &[Card],
    n: usize,
) -> Result<(String, Vec<u8>), Diagnostic> {
    let (path, template, context) = resource_context(n, input, cards);
    theme
        .render(template, &context)
        .map(|html| (path, html.into_bytes()))
}

/// Every page that shows resource `n`'s card: its own, the resources linked to it, the home
/// page and the listing pages it is on (for `serve`, after an edit that changed the card but not
/// where the resource is listed).
pub fn render_showing(
    theme: &Theme,
    input: &SiteInput<'_>,
    cards: &[Card],
    n: usize,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let links = &input.catalog.links;
    let mentions = |m: usize| {
        let l = &links[m];
        m == n
            || l.lesson == Some(n)
            || l.video == Some(n)
            || l.videos.contains(&n)
            || l.reviews.contains(&n)
    };
    let size = input.config.page_size;
    let shows = |job: &Job<'_>| match job {
        Job::Home => true,
        Job::Resource(m) => mentions(*m),
        Job::Listing { docs, page, .. } => docs
            .iter()
            .skip((page - 1) * size)
            .take(size)
            .any(|d| *d == n),
        _ => false,
    };
    jobs(input)
        .iter()
        .filter(|job| shows(job))
        .map(|job| render_job(theme, input, cards, job))
        .collect()
}

/// One page: its output file and bytes.
fn render_job(
    theme: &Theme,
    input: &SiteInput<'_>,
    cards: &[Card],
    job: &Job<'_>,
) -> Result<(String, Vec<u8>), Diagnostic> {
    let (path, template, context) = context_for(job, input, cards, theme);
    theme
        .render(template, &context)
        .map(|html| (path, html.into_bytes()))
}

/// What one page is made from, as far as resources go: enough for `serve` to tell which pages
/// an edit changes without rendering any (`refresh`).
#[derive(Clone, Debug, PartialEq)]
pub enum Shows {
    /// Counts or lists drawn from the whole catalog (home, term indexes, search, 404).
    Summary,
    /// Resource `n`'s page: its card, its body, the cards of the resources linked to it.
    Resource(usize),
    /// Free page `i`: its body.
    FreePage(usize),
    /// A page of a listing: its value (with its count), the resources on it, the page count.
    Listing {
        value: Term,
        items: Vec<usize>,
        total_pages: usize,
    },
}

/// Every page of the site: its output file, and what it shows.
pub fn plan(input: &SiteInput<'_>) -> Vec<(String, Shows)> {
    let size = input.config.page_size;
    jobs(input)
        .iter()
        .map(|job| {
            let shows = match job {
                Job::Resource(n) => Shows::Resource(*n),
                Job::FreePage(i) => Shows::FreePage(*i),
                Job::Listing {
                    value, docs, page, ..
                } => Shows::Listing {
                    value: value.clone(),
                    items: docs
                        .iter()
                        .skip((page - 1) * size)
                        .take(size)
                        .copied()
                        .collect(),
                    total_pages: docs.len().div_ceil(size).max(1),
                },
                Job::Home | Job::Terms { .. } | Job::Search | Job::NotFound => Shows::Summary,
            };
            (job_file(job, input), shows)
        })
        .collect()
}

/// Render the pages whose output files are in `files`, in parallel (for `serve`).
/// `render_site` must have run on this theme before: it set the global context.
pub fn render_files(
    theme: &Theme,
    input: &SiteInput<'_>,
    cards: &[Card],
    files: &std::collections::BTreeSet<String>,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let jobs: Vec<Job<'_>> = jobs(input)
        .into_iter()
        .filter(|job| files.contains(&job_file(job, input)))
        .collect();
    jobs.par_iter()
        .map(|job| render_job(theme, input, cards, job))
        .collect()
}

/// The output file of a job, without building its context.
fn job_file(job: &Job<'_>, input: &SiteInput<'_>) -> String {
    let catalog = input.catalog;
    match job {
        Job::Home => "index.html".into(),
        Job::Resource(n) => format!(
            "{}index.html",
            catalog::resource_path(&catalog.resources[*n])
        ),
        Job::FreePage(i) => format!("{}index.html", catalog::page_path(&catalog.pages[*i])),
        Job::Listing { value, page, .. } => {
            format!("{}index.html", listing_page_path(value, *page))
        }
        Job::Terms { facet, .. } => format!("{}/index.html", terms_dir(facet)),
        Job::Search => "search/index.html".into(),
        Job::NotFound => "404.html".into(),
    }
}

/// Page `k` of a listing: the first at the value's own path, the others under `page/<k>/`.
fn listing_page_path(value: &Term, k: usize) -> String {
    if k <= 1 {
        value.path.clone()
    } else {
        format!("{}page/{k}/", value.path)
    }
}

/// `../` once per folder level of `path`: the way back to the output root.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

fn base_context(config: &Config, page_path: &str) -> Context {
    let mut context = Context::new();
    context.insert("root", &root_of(page_path));
    context.insert("page_path", page_path);
    context.insert("canonical", &format!("{}{}", config.base_url, page_path));
    context
}

/// The output file, template and context of one job.
fn context_for(
    job: &Job<'_>,
    input: &SiteInput<'_>,
    cards: &[Card],
    _theme: &Theme,
) -> (String, &'static str, Context) {
    let (config, catalog) = (input.config, input.catalog);
    match job {
        Job::Home => {
            let mut c = base_context(config, "");
            c.insert("stages", &stage_terms(config, catalog));
            c.insert("courses", &course_terms(config, catalog));
            c.insert(
                "topics",
                &topic_terms(catalog)
                    .into_iter()
                    .take(40)
                    .collect::<Vec<_>>(),
            );
            c.insert("recent", &cards.iter().take(12).collect::<Vec<_>>());
            let count = |k: Kind| catalog.by_kind.get(&k).map_or(0, Vec::len);
            c.insert("counts", &json!({ "lesson": count(Kind::Lesson), "video": count(Kind::Video), "review": count(Kind::Review), "total": catalog.resources.len() }));
            ("index.html".into(), "index.html", c)
        }
        Job::Resource(n) => resource_context(*n, input, cards),
        Job::FreePage(i) => {
            let page = &catalog.pages[*i];
            let path = catalog::page_path(page);
            let body = &input.page_bodies[*i];
            let mut c = base_context(config, &path);
            c.insert("page", &json!({ "title": page.title, "summary": page.summary, "content": body.html, "toc": body.toc, "path": path }));
            (format!("{path}index.html"), "page.html", c)
        }
        Job::Listing {
            facet,
            value,
            docs,
            page,
        } => listing_context(input, cards, facet, value, docs, *page),
        Job::Terms {
            facet,
            title,
            items,
        } => {
            let path = format!("{}/", terms_dir(facet));
            let mut c = base_context(config, &path);
            c.insert(
                "terms",
                &json!({ "title": title, "facet": facet, "items": items }),
            );
            (format!("{path}index.html"), "terms.html", c)
        }
        Job::Search => {
            let mut c = base_context(config, "search/");
            c.insert("search", &json!({
                "manifest": input.search_manifest,
                "stages": stage_terms(config, catalog),
                "grades": config.grades.iter().map(|g| grade_term(config, catalog, g.number)).collect::<Vec<_>>(),
                "courses": course_terms(config, catalog),
                "kinds": kind_terms(config, catalog),
                "topics": topic_terms(catalog),
            }));
            ("search/index.html".into(), "search.html", c)
        }
        Job::NotFound => {
            // 404.html is served for missing URLs at any depth: only absolute links work there.
            let mut c = base_context(config, "404.html");
            c.insert("root", &config.base_url);
            ("404.html".into(), "404.html", c)
        }
    }
}

fn terms_dir(facet: &str) -> &'static str {
    match facet {
        "stage" => "stages",
        "grade" => "grades",
        "course" => "courses",
        _ => "topics",
    }
}

fn listing_context(
    input: &SiteInput<'_>,
    cards: &[Card],
    facet: &'static str,
    value: &Term,
    docs: &[usize],
    page: usize,
) -> (String, &'static str, Context) {
    let config = input.config;
    let size = config.page_size;
    let total_pages = docs.len().div_ceil(size).max(1);
    let page_path = |k: usize| listing_page_path(value, k);
    let path = page_path(page);
    let items: Vec<&Card> = docs
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|n| &cards[*n])
        .collect();
    let search_key = if facet == "topic" { "topic" } else { facet };
    let search_value = if facet == "topic" {
        crate::url::encode_component(&value.name)
    } else {
        value.slug.clone()
    };
    let listing = Listing {
        title: value.name.clone(),
        facet,
        value: value.clone(),
        items,
        total: docs.len(),
        search_href: format!("search/?{search_key}={search_value}"),
    };
    let pagination = Pagination {
        current: page,
        total_pages,
        prev: if page > 1 {
            page_path(page - 1)
        } else {
            String::new()
        },
        next: if page < total_pages {
            page_path(page + 1)
        } else {
            String::new()
        },
        pages: (1..=total_pages)
            .map(|k| PageLink {
                number: k,
                path: page_path(k),
                current: k == page,
            })
            .collect(),
    };
    let mut c = base_context(config, &path);
    c.insert("listing", &listing);
    c.insert("pagination", &pagination);
    c.insert("breadcrumbs", &listing_crumbs(input, facet, value));
    (format!("{path}index.html"), "list.html", c)
}

fn listing_crumbs(input: &SiteInput<'_>, facet: &str, value: &Term) -> Vec<Crumb> {
    let en = input.config.language == crate::config::Language::En;
    let mut crumbs = vec![Crumb {
        name: if en { "Home".into() } else { "首页".into() },
        path: String::new(),
    }];
    if facet == "grade" {
        let stage = value
            .slug
            .parse::<u8>()
            .ok()
            .and_then(|n| input.config.grade(n))
            .and_then(|g| input.config.stage(&g.stage));
        if let Some(stage) = stage {
            crumbs.push(Crumb {
                name: stage.name.clone(),
                path: format!("stages/{}/", stage.slug),
            });
        }
    }
    crumbs.push(Crumb {
        name: value.name.clone(),
        path: value.path.clone(),
    });
    crumbs
}

fn resource_context(
    n: usize,
    input: &SiteInput<'_>,
    cards: &[Card],
) -> (String, &'static str, Context) {
    let (config, catalog) = (input.config, input.catalog);
    let resource = &catalog.resources[n];
    let links = &catalog.links[n];
    let body = &input.bodies[n];
    let card = cards[n].clone();
    let mut view = ResourcePage {
        content: body.html.clone(),
        toc: body.toc.clone(),
        school: resource.school.clone(),
        term: 0,
        author: String::new(),
        duration_minutes: 0,
        attachments: Vec::new(),
        videos: links.videos.iter().map(|v| cards[*v].clone()).collect(),
        reviews: links.reviews.iter().map(|v| cards[*v].clone()).collect(),
        speaker: String::new(),
        media: None,
        poster: None,
        captions: None,
        lesson: links.lesson.map(|l| cards[l].clone()),
        reviewer: String::new(),
        video: links.video.map(|v| cards[v].clone()),
        card,
    };
    let template = match &resource.detail {
        Detail::Lesson(d) => {
            view.term = d.term.unwrap_or(0);
            view.author = d.author.clone();
            view.duration_minutes = d.duration_minutes.unwrap_or(0);
            view.attachments = d
                .attachments
                .iter()
                .map(|a| AttachmentView {
                    name: a.file_name(),
                    href: a.href(),
                    ext: a.extension(),
                    external: a.is_external(),
                })
                .collect();
            "lesson.html"
        }
        Detail::Video(d) => {
            view.speaker = d.speaker.clone();
            view.media = Some(media_view(&d.url));
            view.poster = d.poster.as_ref().map(link_view);
            view.captions = d.captions.as_ref().map(link_view);
            "video.html"
        }
        Detail::Review(d) => {
            view.reviewer = d.reviewer.clone();
            "review.html"
        }
    };
    let path = catalog::resource_path(resource);
    let mut c = base_context(config, &path);
    c.insert("json_ld", &json_ld(config, resource, &path));
    c.insert("page", &view);
    (format!("{path}index.html"), template, c)
}

/// schema.org metadata, escaped so no text can close the `<script>` element it sits in.
fn json_ld(config: &Config, resource: &crate::content::Resource, path: &str) -> String {
    let kind = match resource.kind {
        Kind::Video => "VideoObject",
        _ => "LearningResource",
    };
    let value = json!({
        "@context": "https://schema.org",
        "@type": kind,
        "name": resource.title,
        "description": resource.summary,
        "url": format!("{}{}", config.base_url, path),
        "inLanguage": config.language.code(),
        "educationalLevel": resource.grades.iter().filter_map(|g| config.grade(*g)).map(|g| g.name.clone()).collect::<Vec<_>>(),
        "keywords": resource.topics.join(","),
        "dateCreated": resource.date.map(|d| d.to_string()),
    });
    escape_json_for_script(&value.to_string())
}

pub fn escape_json_for_script(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}
