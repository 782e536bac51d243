//! Building the index: count terms per field per document (in parallel), weigh them BM25F-style
//! into quantised impacts, and write manifest, facet columns, postings buckets and one small
//! record per document.

use std::collections::HashMap;

use rayon::prelude::*;
use serde_json::{Value, json};

use super::codec::{push_mask12, push_varint};
use super::tokenize::{Term, fnv1a32, index_terms};
use crate::config::Config;

/// Field weights: title and topics count most, then the summary, names, and the body.
const TITLE: f32 = 8.0;
const TOPICS: f32 = 6.0;
const SUMMARY: f32 = 3.0;
const PEOPLE: f32 = 2.0;
const BODY: f32 = 1.0;
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Aim for postings files of about this many bytes.
const BUCKET_TARGET_BYTES: usize = 12 * 1024;

/// What the index needs of one resource, in document order (newest first).
pub struct SearchDocument<'a> {
    pub path: String,
    pub title: &'a str,
    pub kind: &'static str,
    pub grades: &'a [u8],
    pub course: &'a str,
    pub topics: &'a [String],
    pub date: String,
    pub summary: &'a str,
    /// Authors, schools, speakers, reviewers.
    pub people: Vec<&'a str>,
    /// The body's visible text (with the transcript).
    pub body: &'a str,
}

/// One file of the index, relative to the output root.
pub struct IndexFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Weighted term frequencies and length of one document.
struct Counted {
    terms: Vec<(Term, f32)>,
    length: f32,
}

pub fn build(
    config: &Config,
    topics: &[(String, String)],
    docs: &[SearchDocument<'_>],
) -> Vec<IndexFile> {
    let counted: Vec<Counted> = docs.par_iter().map(count_terms).collect();
    let postings = invert(&counted);
    let buckets = bucket_count(&postings);
    let mut files = write_buckets(&postings, buckets, docs.len());
    drop(postings);
    files.push(IndexFile {
        path: "facets.json".into(),
        bytes: facets(config, topics, docs),
    });
    files.par_extend(docs.par_iter().enumerate().map(|(n, d)| IndexFile {
        path: format!("d/{n}.json"),
        bytes: record(config, d),
    }));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let generation = crate::theme::short_hash(
        files
            .iter()
            .flat_map(|f| f.path.bytes().chain(f.bytes.iter().copied())),
    );
    let mut out: Vec<IndexFile> = files
        .into_iter()
        .map(|f| IndexFile {
            path: format!("search/{generation}/{}", f.path),
            bytes: f.bytes,
        })
        .collect();
    out.push(IndexFile {
        path: super::MANIFEST_PATH.into(),
        bytes: manifest(config, topics, docs.len(), buckets, &generation),
    });
    out
}

fn count_terms(doc: &SearchDocument<'_>) -> Counted {
    let mut counts: HashMap<Term, f32> = HashMap::with_capacity(1024);
    let mut length = 0.0;
    let mut add = |text: &str, weight: f32| {
        index_terms(text, |term| {
            *counts.entry(term).or_insert(0.0) += weight;
            length += weight;
        });
    };
    add(doc.title, TITLE);
    for topic in doc.topics {
        add(topic, TOPICS);
    }
    add(doc.summary, SUMMARY);
    for person in &doc.people {
        add(person, PEOPLE);
    }
    add(doc.body, BODY);
    let mut terms: Vec<(Term, f32)> = counts.into_iter().collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Counted { terms, length }
}

/// Term → (document, impact 1–31), documents ascending.
fn invert(counted: &[Counted]) -> Vec<(String, Vec<(u32, u8)>)> {
    let average =
        (counted.iter().map(|c| c.length).sum::<f32>() / counted.len().max(1) as f32).max(1.0);
    let mut postings: HashMap<&Term, Vec<(u32, u8)>> = HashMap::new();
    for (n, doc) in counted.iter().enumerate() {
        let norm = K1 * (1.0 - B + B * doc.length / average);
        for (term, tf) in &doc.terms {
            let weight = tf * (K1 + 1.0) / (tf + norm);
            let impact = (31.0 * weight / (K1 + 1.0)).round().clamp(1.0, 31.0) as u8;
            postings.entry(term).or_default().push((n as u32, impact));
        }
    }
    let mut list: Vec<(String, Vec<(u32, u8)>)> =
        postings.into_iter().map(|(t, p)| (t.text(), p)).collect();
    list.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    list
}

fn bucket_count(postings: &[(String, Vec<(u32, u8)>)]) -> u32 {
    let estimate: usize = postings
        .iter()
        .map(|(t, p)| t.len() + 8 + p.len() * 3)
        .sum();
    (estimate / BUCKET_TARGET_BYTES)
        .clamp(1, 8192)
        .next_power_of_two() as u32
}

fn write_buckets(
    postings: &[(String, Vec<(u32, u8)>)],
    buckets: u32,
    doc_count: usize,
) -> Vec<IndexFile> {
    let mut grouped: Vec<Vec<usize>> = vec![Vec::new(); buckets as usize];
    for (i, (term, _)) in postings.iter().enumerate() {
        grouped[(fnv1a32(term) % buckets) as usize].push(i);
    }
    let _ = doc_count;
    grouped
        .par_iter()
        .enumerate()
        .map(|(b, members)| {
            let mut map = serde_json::Map::new();
            for i in members {
                let (term, list) = &postings[*i];
                map.insert(term.clone(), json!([list.len(), encode_postings(list)]));
            }
            IndexFile {
                path: format!("p/{b}.json"),
                bytes: Value::Object(map).to_string().into_bytes(),
            }
        })
        .collect()
}

fn encode_postings(list: &[(u32, u8)]) -> String {
    let mut text = String::with_capacity(list.len() * 2);
    let mut previous = 0;
    for (i, (doc, impact)) in list.iter().enumerate() {
        push_varint(&mut text, if i == 0 { *doc } else { doc - previous });
        push_varint(&mut text, u32::from(*impact));
        previous = *doc;
    }
    text
}

fn facets(config: &Config, topics: &[(String, String)], docs: &[SearchDocument<'_>]) -> Vec<u8> {
    let topic_index: HashMap<&str, u32> = topics
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.as_str(), i as u32))
        .collect();
    let course_index: HashMap<&str, usize> = config
        .courses
        .iter()
        .enumerate()
        .map(|(i, c)| (c.slug.as_str(), i))
        .collect();
    let (mut kind, mut course, mut grades, mut topic_column) =
        (String::new(), String::new(), String::new(), String::new());
    for doc in docs {
        kind.push(doc.kind.chars().next().unwrap_or('l'));
        let c = course_index.get(doc.course).copied().unwrap_or(0);
        course.push(super::codec::ALPHABET[c % 64] as char);
        let mask = doc
            .grades
            .iter()
            .filter(|g| (1..=12).contains(*g))
            .fold(0u16, |m, g| m | 1 << (g - 1));
        push_mask12(&mut grades, mask);
        let indexes: Vec<u32> = doc
            .topics
            .iter()
            .filter_map(|t| topic_index.get(t.as_str()).copied())
            .collect();
        push_varint(&mut topic_column, indexes.len() as u32);
        for i in indexes {
            push_varint(&mut topic_column, i);
        }
    }
    json!({ "kind": kind, "course": course, "grades": grades, "topics": topic_column })
        .to_string()
        .into_bytes()
}

fn record(config: &Config, doc: &SearchDocument<'_>) -> Vec<u8> {
    let excerpt: String = collapse_whitespace(doc.body, config.search.excerpt_chars);
    json!({
        "u": doc.path, "t": doc.title, "k": doc.kind, "g": doc.grades, "c": doc.course,
        "p": doc.topics, "d": doc.date, "s": doc.summary, "x": excerpt,
    })
    .to_string()
    .into_bytes()
}

fn collapse_whitespace(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut space = false;
    for c in text.chars() {
        if count >= max_chars {
            break;
        }
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            count += 1;
            space = false;
        }
        out.push(c);
        count += 1;
    }
    out
}

fn manifest(
    config: &Config,
    topics: &[(String, String)],
    doc_count: usize,
    buckets: u32,
    generation: &str,
) -> Vec<u8> {
    let kinds: Vec<Value> = crate::content::Kind::ALL
        .iter()
        .map(|k| json!({ "slug": k.slug(), "name": crate::theme::views::kind_name(*k, config.language) }))
        .collect();
    let stages: Vec<Value> = config
        .stages
        .iter()
        .map(|s| json!({ "slug": s.slug, "name": s.name, "grades": config.grades.iter().filter(|g| g.stage == s.slug).map(|g| g.number).collect::<Vec<_>>() }))
        .collect();
    let grades: Vec<Value> = config
        .grades
        .iter()
        .map(|g| json!({ "number": g.number, "name": g.name, "stage": g.stage }))
        .collect();
    let courses: Vec<Value> = config
        .courses
        .iter()
        .map(|c| json!({ "slug": c.slug, "name": c.name }))
        .collect();
    let topics: Vec<Value> = topics
        .iter()
        .map(|(name, slug)| json!({ "name": name, "slug": slug }))
        .collect();
    json!({
        "version": 1, "gen": generation, "doc_count": doc_count, "buckets": buckets, "k1": K1,
        "kinds": kinds, "stages": stages, "grades": grades, "courses": courses, "topics": topics,
    })
    .to_string()
    .into_bytes()
}
