//! Building the index: count terms per field per document (in parallel), weigh them BM25F-style
//! into quantised impacts, and write manifest, facet columns, postings buckets and one small
//! record per document.

use std::collections::HashMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::{Value, json};

use super::codec::push_varint;
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
    /// What the page shows about it as labels: kind, 说课/评课, grade, stage and course names —
    /// so 七年级 or 说课 in a query finds what is labelled so.
    pub labels: Vec<String>,
    /// The body's visible text (with the transcript).
    pub body: &'a str,
}

/// One file of the index, relative to the output root.
pub struct IndexFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Documents are indexed in chunks, so the per-document term lists never all exist at once.
const CHUNK_DOCS: usize = 512;

pub fn build(
    config: &Config,
    topics: &[(String, String)],
    docs: &[SearchDocument<'_>],
) -> Vec<IndexFile> {
    let postings = invert(docs);
    let buckets = bucket_count(&postings);
    let mut files = write_buckets(&postings, buckets);
    drop(postings);
    files.push(IndexFile {
        path: "facets.json".into(),
        bytes: facets(config, topics, docs),
    });
    // Only fetched by a browser whose query has a term the index lacks (a 繁體 query).
    files.push(IndexFile {
        path: "t2s.json".into(),
        bytes: super::variants::json(),
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

/// Calls `each(text, weight)` for every field of a document.
fn fields(doc: &SearchDocument<'_>, mut each: impl FnMut(&str, f32)) {
    each(doc.title, TITLE);
    for topic in doc.topics {
        each(topic, TOPICS);
    }
    each(doc.summary, SUMMARY);
    for person in &doc.people {
        each(person, PEOPLE);
    }
    for label in &doc.labels {
        each(label, PEOPLE);
    }
    each(doc.body, BODY);
}

/// The BM25 length of a document: weighted count of its index terms.
fn doc_length(doc: &SearchDocument<'_>) -> f32 {
    let mut length = 0.0;
    fields(doc, |text, weight| index_terms(text, |_| length += weight));
    length
}

/// A CJK term packed in a `u64`: bit 42 marks a bigram, the characters sit in bits 21–41 and
/// 0–20. Packing keeps the hot counting loop free of allocation.
fn pack(term: &Term) -> Option<u64> {
    match term {
        Term::Uni(a) => Some(u64::from(*a as u32)),
        Term::Bi(a, b) => Some(1 << 42 | u64::from(*a as u32) << 21 | u64::from(*b as u32)),
        Term::Word(_) => None,
    }
}

fn unpack(key: u64) -> String {
    let char_at =
        |shift: u32| char::from_u32(((key >> shift) & 0x1F_FFFF) as u32).unwrap_or('\u{FFFD}');
    if key >> 42 & 1 == 1 {
        [char_at(21), char_at(0)].iter().collect()
    } else {
        char_at(0).to_string()
    }
}

/// One document's terms with their impacts (1–31).
struct Impacts {
    cjk: Vec<(u64, u8)>,
    words: Vec<(Box<str>, u8)>,
}

fn impacts(doc: &SearchDocument<'_>, average: f32) -> Impacts {
    let mut cjk: FxHashMap<u64, f32> = FxHashMap::default();
    let mut words: FxHashMap<Box<str>, f32> = FxHashMap::default();
    let mut length = 0.0;
    fields(doc, |text, weight| {
        index_terms(text, |term| {
            length += weight;
            match pack(&term) {
                Some(key) => *cjk.entry(key).or_insert(0.0) += weight,
                None => {
                    if let Term::Word(w) = term {
                        *words.entry(w).or_insert(0.0) += weight;
                    }
                }
            }
        });
    });
    let norm = K1 * (1.0 - B + B * length / average);
    let impact = |tf: f32| (31.0 * tf / (tf + norm)).round().clamp(1.0, 31.0) as u8;
    Impacts {
        cjk: cjk.into_iter().map(|(k, tf)| (k, impact(tf))).collect(),
        words: words.into_iter().map(|(w, tf)| (w, impact(tf))).collect(),
    }
}

/// A posting list being encoded as documents arrive in ascending order.
#[derive(Default)]
struct PostingList {
    df: u32,
    last: u32,
    encoded: String,
}

impl PostingList {
    fn add(&mut self, doc: u32, impact: u8) {
        push_varint(
            &mut self.encoded,
            if self.df == 0 { doc } else { doc - self.last },
        );
        push_varint(&mut self.encoded, u32::from(impact));
        self.df += 1;
        self.last = doc;
    }
}

/// Term → posting list, sorted by term. Terms are split between threads by key, so each
/// thread owns its maps and no lock is needed.
fn invert(docs: &[SearchDocument<'_>]) -> Vec<(String, PostingList)> {
    let total: f32 = docs.par_iter().map(doc_length).sum();
    let average = (total / docs.len().max(1) as f32).max(1.0);
    let parts = rayon::current_num_threads().max(1);
    let mut cjk_maps: Vec<FxHashMap<u64, PostingList>> =
        (0..parts).map(|_| FxHashMap::default()).collect();
    let mut word_map: FxHashMap<Box<str>, PostingList> = FxHashMap::default();
    for (chunk_number, chunk) in docs.chunks(CHUNK_DOCS).enumerate() {
        let first = (chunk_number * CHUNK_DOCS) as u32;
        let chunk_impacts: Vec<Impacts> = chunk.par_iter().map(|d| impacts(d, average)).collect();
        cjk_maps.par_iter_mut().enumerate().for_each(|(part, map)| {
            for (offset, doc) in chunk_impacts.iter().enumerate() {
                for (key, impact) in &doc.cjk {
                    if (*key as usize) % parts == part {
                        map.entry(*key)
                            .or_default()
                            .add(first + offset as u32, *impact);
                    }
                }
            }
        });
        for (offset, doc) in chunk_impacts.into_iter().enumerate() {
            for (word, impact) in doc.words {
                word_map
                    .entry(word)
                    .or_default()
                    .add(first + offset as u32, impact);
            }
        }
    }
    let mut list: Vec<(String, PostingList)> = cjk_maps
        .into_iter()
        .flat_map(|map| map.into_iter().map(|(k, p)| (unpack(k), p)))
        .chain(word_map.into_iter().map(|(w, p)| (w.into_string(), p)))
        .collect();
    list.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    list
}

fn bucket_count(postings: &[(String, PostingList)]) -> u32 {
    let estimate: usize = postings
        .iter()
        .map(|(t, p)| t.len() + 10 + p.encoded.len())
        .sum();
    (estimate / BUCKET_TARGET_BYTES)
        .clamp(1, 8192)
        .next_power_of_two() as u32
}

fn write_buckets(postings: &[(String, PostingList)], buckets: u32) -> Vec<IndexFile> {
    let mut grouped: Vec<Vec<usize>> = vec![Vec::new(); buckets as usize];
    for (i, (term, _)) in postings.iter().enumerate() {
        grouped[(fnv1a32(term) % buckets) as usize].push(i);
    }
    grouped
        .par_iter()
        .enumerate()
        .map(|(b, members)| {
            let mut map = serde_json::Map::new();
            for i in members {
                let (term, list) = &postings[*i];
                map.insert(term.clone(), json!([list.df, list.encoded]));
            }
            IndexFile {
                path: format!("p/{b}.json"),
                bytes: Value::Object(map).to_string().into_bytes(),
            }
        })
        .collect()
}

/// Per-document facet columns, as b64 varints (docs/SEARCH-INDEX.md, "facets.json"): small
/// because every search downloads them, to draw live counts and to filter.
fn facets(config: &Config, topics: &[(String, String)], docs: &[SearchDocument<'_>]) -> Vec<u8> {
    let topic_index: HashMap<&str, u32> = topics
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.as_str(), i as u32))
        .collect();
    let course_index: HashMap<&str, u32> = config
        .courses
        .iter()
        .enumerate()
        .map(|(i, c)| (c.slug.as_str(), i as u32))
        .collect();
    let kind_index = |kind: &str| {
        crate::content::Kind::ALL
            .iter()
            .position(|k| k.slug() == kind)
            .unwrap_or(0) as u32
    };
    let (mut kind_course, mut grades, mut topic_column) =
        (String::new(), String::new(), String::new());
    for doc in docs {
        let course = course_index.get(doc.course).copied().unwrap_or(0);
        push_varint(&mut kind_course, course * 3 + kind_index(doc.kind));
        push_varint(&mut grades, grade_code(doc.grades));
        let indexes: Vec<u32> = doc
            .topics
            .iter()
            .filter_map(|t| topic_index.get(t.as_str()).copied())
            .collect();
        if indexes.is_empty() {
            push_varint(&mut topic_column, 0);
        }
        for (i, index) in indexes.iter().enumerate() {
            let more = u32::from(i + 1 < indexes.len());
            push_varint(&mut topic_column, (index + 1) * 2 + more);
        }
    }
    json!({ "kind_course": kind_course, "grades": grades, "topics": topic_column })
        .to_string()
        .into_bytes()
}

/// One grade g → g − 1 (one character); several → 16 + their 12-bit mask.
fn grade_code(grades: &[u8]) -> u32 {
    let valid: Vec<u8> = grades
        .iter()
        .copied()
        .filter(|g| (1..=12).contains(g))
        .collect();
    match valid.as_slice() {
        [one] => u32::from(*one) - 1,
        many => 16 + many.iter().fold(0u32, |mask, g| mask | 1 << (g - 1)),
    }
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
        "version": 2, "gen": generation, "doc_count": doc_count, "buckets": buckets, "k1": f64::from(K1 * 100.0).round() / 100.0,
        "kinds": kinds, "stages": stages, "grades": grades, "courses": courses, "topics": topics,
    })
    .to_string()
    .into_bytes()
}
