//! Listings: every facet value's resources, page by page (`grades/7/`, `grades/7/page/2/`…),
//! each page with its cards, a window of links to the other pages, and its crumbs.

use super::page_views::*;
use super::pages::{SiteInput, frame};
use super::views::*;
use crate::catalog::Place;
use crate::content::Kind;

/// Every listing: its facet, its value and the resources under it.
pub(super) fn listings<'a>(
    input: &SiteInput<'a>,
    labels: &Labels,
) -> Vec<(Facet, Term, &'a [Place])> {
    let (config, catalog) = (input.config, input.catalog);
    let mut listings: Vec<(Facet, Term, &'a [Place])> = Vec::new();
    for (number, docs) in &catalog.by_grade {
        listings.push((Facet::Grade, grade_term(config, catalog, *number), docs));
    }
    for (slug, docs) in &catalog.by_course {
        listings.push((Facet::Course, course_term(config, catalog, slug), docs));
    }
    for stage in stage_terms(config, catalog) {
        if let Some(docs) = catalog.by_stage.get(&stage.slug) {
            listings.push((Facet::Stage, stage, docs));
        }
    }
    for (term, topic) in topic_terms(catalog).into_iter().zip(&catalog.topics) {
        listings.push((Facet::Topic, term, &topic.resources));
    }
    // The folder of a kind lists it even when it is empty.
    for (kind, term) in Kind::ALL.into_iter().zip(kind_terms(labels, catalog)) {
        let docs = catalog.by_kind.get(&kind).map(Vec::as_slice).unwrap_or(&[]);
        listings.push((Facet::Kind, term, docs));
    }
    listings
}

/// Page `k` of a listing: the first at the value's own path, the others under `page/<k>/`.
fn listing_page_path(value: &Term, k: usize) -> String {
    if k <= 1 {
        value.path.clone()
    } else {
        format!("{}page/{k}/", value.path)
    }
}

pub(super) fn listing<'c>(
    input: &SiteInput<'_>,
    cards: &'c [SharedCard],
    facet: Facet,
    value: &Term,
    docs: &[Place],
    page: usize,
) -> ListingView<'c> {
    let config = input.config;
    let size = config.page_size;
    let total_pages = docs.len().div_ceil(size).max(1);
    let page_path = |k: usize| listing_page_path(value, k);
    let path = page_path(page);
    let search_value = match facet {
        Facet::Topic => crate::url::encode_component(&value.name),
        _ => value.slug.clone(),
    };
    let listing = Listing {
        title: value.name.clone(),
        facet,
        value: value.clone(),
        items: docs
            .iter()
            .skip((page - 1) * size)
            .take(size)
            .map(|n| &*cards[*n])
            .collect(),
        total: docs.len(),
        search_href: format!("search/?{}={search_value}", facet.key()),
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
        pages: page_window(page, total_pages)
            .into_iter()
            .map(|(k, gap)| PageLink {
                number: k,
                path: if gap { String::new() } else { page_path(k) },
                current: k == page,
                gap,
            })
            .collect(),
    };
    ListingView {
        frame: frame(config, &path),
        listing,
        pagination,
        breadcrumbs: listing_crumbs(input, facet, value),
        textbooks: match facet {
            Facet::Course => super::curriculum::course_textbooks(input, &value.slug),
            _ => Vec::new(),
        },
    }
}

/// The page numbers a listing page links to, as (number, is a gap): the first and the last,
/// two either side of `current`, and a gap where a run of pages is left out.
fn page_window(current: usize, total: usize) -> Vec<(usize, bool)> {
    let near = current.saturating_sub(2).max(1)..=(current + 2).min(total);
    let mut window = Vec::new();
    if *near.start() > 1 {
        window.push((1, false));
        if *near.start() > 2 {
            window.push((near.start() - 1, true));
        }
    }
    window.extend(near.clone().map(|k| (k, false)));
    if *near.end() < total {
        if *near.end() + 1 < total {
            window.push((near.end() + 1, true));
        }
        window.push((total, false));
    }
    window
}

/// The crumbs after 首页 (which the template writes): a grade's stage, then the value.
fn listing_crumbs(input: &SiteInput<'_>, facet: Facet, value: &Term) -> Vec<Crumb> {
    let mut crumbs = Vec::new();
    if facet == Facet::Grade {
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

#[cfg(test)]
mod tests {
    use super::page_window;

    fn shown(current: usize, total: usize) -> String {
        page_window(current, total)
            .iter()
            .map(|(k, gap)| {
                if *gap {
                    "…".to_string()
                } else {
                    k.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_listing_links_to_a_window_of_its_pages() {
        assert_eq!(shown(1, 1), "1");
        assert_eq!(shown(1, 3), "1 2 3");
        assert_eq!(shown(1, 10), "1 2 3 … 10");
        assert_eq!(shown(4, 10), "1 2 3 4 5 6 … 10");
        assert_eq!(shown(5, 10), "1 … 3 4 5 6 7 … 10");
        assert_eq!(shown(10, 10), "1 … 8 9 10");
        assert_eq!(shown(7, 10), "1 … 5 6 7 8 9 10");
        // Every page of a 100,000-page listing links to at most nine.
        assert!(page_window(50_000, 100_000).len() <= 9);
    }
}
