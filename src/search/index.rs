//! Building the index: count terms per field per document (in parallel), invert them into posting
//! lists of weighted term frequencies, and write manifest, facet columns, postings buckets and one
//! small record per document.
//!
//! Nothing in a posting depends on any other document (no corpus-wide average length, no
//! quantisation against a maximum): the browser does the BM25 length normalisation from the
//! `lengths` facet column. So an edited document changes only its own postings, its record and
//! the facet file — which is what lets `serve` patch the index (`super::incremental`) and still
//! end on exactly the bytes of a full build.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::{Value, json};

use super::codec::{
    DENSE_MARK, append_dense, decode_postings, dense_wins, encode_dense, encode_sparse, escape_len,
    push_varint, varint_len,
};
use super::tokenize::{Term, fnv1a32, index_terms};
use crate::config::Config;

/// Field weights: title and topics count most, then the summary, names, and the body. Integers,
/// so that weighted counts are exact and the same in every build.
const TITLE: u32 = 8;
const TOPICS: u32 = 6;
const SUMMARY: u32 = 3;
const PEOPLE: u32 = 2;
const BODY: u32 = 1;
/// A transcript counts like the body, but each term's weighted frequency from it stops at
/// this: a classroom dialogue repeats its words (同学们, 情绪 forty times), and without the cap
/// a long recording would outrank a resource whose title or topics name the word. Below the
/// title's weight, so one title occurrence outweighs any transcript.
pub(super) const TRANSCRIPT_TF_CAP: u32 = 4;
/// The body saturates too, and sooner: a term's weighted frequency from the body stops at
/// this, so a title or topic that names the word clearly beats a body that mentions it many
/// times (weights no longer tie at eight body mentions = one title).
pub(super) const BODY_TF_CAP: u32 = 2;
// The promises above, checked when the crate compiles.
const _: () = assert!(TRANSCRIPT_TF_CAP < TITLE && BODY_TF_CAP < SUMMARY && BODY_TF_CAP < TOPICS);
/// A record carries its cues' texts up to this many characters (whole cues): enough for a
/// classroom lesson's captions, and a bound on what one result costs to fetch.
pub(super) const TRANSCRIPT_CHARS: usize = 8000;
/// A longer transcript is cut into chunks of this many characters (whole cues): the record
/// carries the first, the others are part files that the browser fetches only for a shown
/// result whose match lies in them (`PART_MARK` says which). Small, so that such a match costs
/// little; a record with parts is small too, since a match in it is one place among many.
pub(super) const PART_CHARS: usize = 2000;
/// Transcript part files are named this, then 10 hex digits of their content's hash: named by
/// content, they stay when documents are renumbered, and two equal parts are one file.
pub(super) const PART_PREFIX: &str = "tr";
/// A posting list under `#term` says which transcript parts of each document hold `term`:
/// its "frequency" is a mask, bit k for part k + 1 (the record's `r[k]`), the last bit for
/// every part from `PART_BITS` on. The browser reads it from the bucket it loaded for `term`
/// (`bucket_of` ignores the mark) and fetches only those parts. `#` is a separator, so no
/// index or query term starts with it.
pub(super) const PART_MARK: char = '#';
/// A review marked 说课 or 评课 (`kind:` in its front matter) holds the term `@说课` or `@评课`
/// (tf 1): the browser reads it when a query names one of the two, to put that kind of review
/// first. Its label alone cannot tell them apart, since a review's body often says both words.
/// `@` is a separator, so no index or query term starts with it.
pub(super) const KIND_MARK: char = '@';
/// Stored in the place of a term frequency but never capped (`TF_CAP` caps real ones): 30
/// bits, so that the browser's 32-bit integer operations read it, and a two-hour transcript's
/// parts (about 15 of `PART_CHARS`) each have their own.
pub(super) const PART_BITS: usize = 30;
/// BM25 parameters, written into the manifest and into the browser script (as its defaults).
pub(super) const K1: f64 = 1.2;
pub(super) const B: f64 = 0.75;
/// Weighted term frequencies are stored up to this (two varint characters); BM25 saturates
/// long before it.
pub(super) const TF_CAP: u32 = 1023;
/// Document lengths are stored as `round(LENGTH_STEPS × log2(length)) − LENGTH_FLOOR`, held to
/// 0..=63: one character per document (the alphabet's), within 9 % of the true length — BM25's
/// length normalisation needs no more (Lucene keeps its norms in a byte), and every search
/// downloads the column. Lengths from 2^4 to 2^19.75 weighted terms stay apart.
pub(super) const LENGTH_STEPS: f64 = 4.0;
pub(super) const LENGTH_FLOOR: u32 = 16;
/// The largest length code: one alphabet character.
const LENGTH_CODE_MAX: u32 = 63;
/// Grades 1..=MAX_GRADE fit the facet column's grade mask.
pub(super) const MAX_GRADE: u8 = 12;
/// A grade code from this up is a mask of several grades; below it, one grade g as g − 1.
pub(super) const MANY_GRADES: u32 = 16;
/// Aim for postings files of about this many bytes.
const BUCKET_TARGET_BYTES: usize = 12 * 1024;

/// What the index needs of one resource, in the index's order (oldest first).
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
    /// The course's display name: spelled in pinyin for search, like the title.
    pub course_name: String,
    /// The body's visible text.
    pub body: &'a str,
    /// A video's cues, from its captions (empty for everything else).
    pub transcript: &'a [crate::vtt::Cue],
    /// A video's chapter titles, from its `chapters:` list or `chapters_file:`: shown on its
    /// page, so searchable like its body.
    pub chapters: Vec<&'a str>,
    /// The slug of the textbook it is aligned to, if any.
    pub textbook: Option<&'a str>,
    /// A review's kind as its front matter names it (说课 or 评课): see `KIND_MARK`.
    pub review_kind: Option<&'static str>,
    /// A video's length in seconds, when its entry gives one: a result shows it as its card
    /// does (a teacher looking for a ten-minute 微课 sees which is one).
    pub seconds: Option<u32>,
}

/// One file of the index, relative to the output root.
pub struct IndexFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Documents are indexed in chunks, so the per-document term lists never all exist at once.
const CHUNK_DOCS: usize = 512;

/// The index's files, and — when `keep` — what `serve` needs to patch them later.
/// `kind_names` are the kinds' display names in `Kind::ALL` order: the manifest carries them
/// for the facets, but the words belong to the theme.
/// Where `build` may write the bulk of the index (postings and records) as it makes them,
/// under a path relative to the index folder, before the folder's name (the generation, a hash
/// of every file) is known; `build` then names that folder in its result.
pub type EarlyWriter<'w> = &'w (dyn Fn(&str, &[u8]) + Sync);

/// What `build` made: the files it did not write early (each with its full output path), the
/// state `serve` keeps, and the index folder's name.
pub struct Built {
    pub files: Vec<IndexFile>,
    pub state: Option<super::IndexState>,
    pub generation: String,
}

pub fn build(
    config: &Config,
    kind_names: [&str; 3],
    topics: &[(String, String)],
    docs: &[SearchDocument<'_>],
    keep: bool,
    early: Option<EarlyWriter<'_>>,
) -> Built {
    // `serve` keeps the bytes to patch them, and the offline twins are made from them: only an
    // exiting online build hands postings and records over as they are made (~40 MB on 10k
    // resources that were otherwise all in memory at once).
    let early = early.filter(|_| !keep && !config.search.offline);
    let (postings, lengths) = invert(docs);
    let mut made = Made::new(early);
    // Without `keep`, the postings go before the records are made: less memory at the peak.
    let kept_buckets = made.postings(postings, keep);
    let columns = FacetColumns::new(config, topics, docs, lengths);
    made.records(config, docs, 0, keep);
    made.finish(config, kind_names, topics, docs, columns, kept_buckets)
}

/// The index of a build that streams (`lectern build` without offline scripts): documents
/// come a chunk at a time, in document-number order, each chunk with its bodies, which are
/// dropped once it is counted and its records are written; the rest is made at `finish` from
/// the documents without their bodies. The files are those `build` makes of the same documents.
pub struct IndexStream<'w> {
    inverter: Inverter,
    made: Made<'w>,
}

impl<'w> IndexStream<'w> {
    /// A stream writing postings and records through `write`. `None` when the index must be
    /// made whole (`search.offline`: the offline scripts are made from every file's bytes).
    pub fn new(config: &Config, documents: usize, write: EarlyWriter<'w>) -> Option<Self> {
        (!config.search.offline).then(|| IndexStream {
            inverter: Inverter::new(documents),
            made: Made::new(Some(write)),
        })
    }

    /// The next documents in number order, with their bodies.
    pub fn add(&mut self, config: &Config, docs: &[SearchDocument<'_>]) {
        let first = self.inverter.lengths.len();
        self.inverter.add(docs);
        self.made.records(config, docs, first, false);
    }

    /// The rest of the index; `docs` are every document (bodies not needed), in number order.
    pub fn finish(
        self,
        config: &Config,
        kind_names: [&str; 3],
        topics: &[(String, String)],
        docs: &[SearchDocument<'_>],
    ) -> Built {
        let (postings, lengths) = self.inverter.finish();
        let mut made = self.made;
        made.postings(postings, false);
        let columns = FacetColumns::new(config, topics, docs, lengths);
        made.finish(config, kind_names, topics, docs, columns, None)
    }
}

/// The index's files as they are made: written early (their hashes kept for the generation)
/// or held in `files`.
struct Made<'w> {
    early: Option<EarlyWriter<'w>>,
    files: BTreeMap<String, Vec<u8>>,
    early_hashes: Vec<(String, u64)>,
    parts: super::incremental::Parts,
    bucket_count: u32,
    estimate: usize,
    /// The records of the record file not yet complete (it starts at `pending_first`).
    pending: Vec<Vec<u8>>,
    pending_first: usize,
    /// Every document's record, for `serve` (when `keep`).
    kept_records: Vec<Vec<u8>>,
}

impl<'w> Made<'w> {
    fn new(early: Option<EarlyWriter<'w>>) -> Self {
        Made {
            early,
            files: BTreeMap::new(),
            early_hashes: Vec::new(),
            parts: super::incremental::Parts::default(),
            bucket_count: 0,
            estimate: 0,
            pending: Vec::new(),
            pending_first: 0,
            kept_records: Vec::new(),
        }
    }

    /// The postings files; their buckets, for `serve`, when `keep`.
    fn postings(
        &mut self,
        postings: Vec<(String, PostingList)>,
        keep: bool,
    ) -> Option<Vec<Bucket>> {
        let mut postings = postings;
        postings.par_iter_mut().for_each(|(_, list)| list.settle());
        self.estimate = postings.iter().map(|(t, p)| p.size_estimate(t)).sum();
        self.bucket_count = bucket_count(self.estimate);
        let grouped = group(postings, self.bucket_count);
        match self.early {
            Some(write) => {
                let hashes: Vec<(String, u64)> = grouped
                    .par_iter()
                    .enumerate()
                    .map(|(b, bucket)| {
                        written_early(write, bucket_path(b as u32), bucket_json(bucket))
                    })
                    .collect();
                self.early_hashes.extend(hashes);
            }
            None => {
                let files: Vec<(String, Vec<u8>)> = grouped
                    .par_iter()
                    .enumerate()
                    .map(|(b, bucket)| (bucket_path(b as u32), bucket_json(bucket)))
                    .collect();
                self.files.extend(files);
            }
        }
        keep.then_some(grouped)
    }

    /// The records (and transcript parts) of `docs`, numbered from `first` (the number after
    /// the last call's documents). Complete record files are written now; the rest waits for
    /// the next documents or `flush_records`.
    fn records(&mut self, config: &Config, docs: &[SearchDocument<'_>], first: usize, keep: bool) {
        debug_assert_eq!(first, self.pending_first + self.pending.len());
        let made: Vec<(Vec<u8>, Vec<TranscriptPart>)> =
            docs.par_iter().map(|d| record_files(config, d)).collect();
        let mut records = std::mem::take(&mut self.pending);
        records.reserve(made.len());
        let mut parts = Vec::new();
        for (record, doc_parts) in made {
            if keep {
                self.kept_records.push(record.clone());
            }
            records.push(record);
            parts.extend(doc_parts);
        }
        let whole = records.len() / RECORDS_PER_FILE * RECORDS_PER_FILE;
        self.pending = records.split_off(whole);
        let first_file = self.pending_first / RECORDS_PER_FILE;
        self.pending_first += whole;
        let mut files: Vec<(String, Vec<u8>)> = records
            .par_chunks(RECORDS_PER_FILE)
            .enumerate()
            .map(|(k, chunk)| (record_file_path(first_file + k), record_file(chunk)))
            .collect();
        for part in parts {
            if keep {
                files.push((part.path(), part.bytes.clone()));
                self.parts.add(part);
            } else {
                files.push((part.path(), part.bytes));
            }
        }
        self.add_files(files);
    }

    /// The last, short record file.
    fn flush_records(&mut self) {
        if !self.pending.is_empty() {
            let path = record_path(self.pending_first);
            let bytes = record_file(&std::mem::take(&mut self.pending));
            self.add_files(vec![(path, bytes)]);
        }
    }

    /// Writes files early (in parallel), or holds them for `finish`.
    fn add_files(&mut self, files: Vec<(String, Vec<u8>)>) {
        match self.early {
            Some(write) => {
                let hashes: Vec<(String, u64)> = files
                    .into_par_iter()
                    .map(|(path, bytes)| written_early(write, path, bytes))
                    .collect();
                self.early_hashes.extend(hashes);
            }
            None => self.files.extend(files),
        }
    }

    /// Facets, suggestions, offline scripts and manifest; the generation named; what `serve`
    /// keeps when `kept_buckets` is given.
    fn finish(
        mut self,
        config: &Config,
        kind_names: [&str; 3],
        topics: &[(String, String)],
        docs: &[SearchDocument<'_>],
        columns: FacetColumns,
        kept_buckets: Option<Vec<Bucket>>,
    ) -> Built {
        self.flush_records();
        let Made {
            mut files,
            early_hashes,
            parts,
            bucket_count,
            estimate,
            kept_records,
            ..
        } = self;
        let keep = kept_buckets.is_some();
        let kind_names = kind_names.map(str::to_string);
        files.extend(columns.files());
        // Only fetched by a browser whose query has a term the index lacks (a 繁體 query).
        files.insert("t2s.json".into(), super::variants::json());
        let titles: Vec<super::suggest::Entry> = docs
            .par_iter()
            .map(|d| super::suggest::Entry::new(d.title))
            .collect();
        let suggest = super::suggest::SuggestState::new(titles, topics);
        files.extend(suggest.written.iter().map(|(p, b)| (p.clone(), b.clone())));
        let records: Option<Vec<Vec<u8>>> = keep.then_some(kept_records);
        let bucket_bytes: Vec<Vec<u8>> = if keep {
            (0..bucket_count)
                .map(|b| files[&bucket_path(b)].clone())
                .collect()
        } else {
            Vec::new()
        };
        if config.search.offline {
            let scripts = super::offline::scripts(&files);
            files.extend(scripts);
        }
        let mut hashes: BTreeMap<String, u64> = files
            .par_iter()
            .map(|(path, bytes)| (path.clone(), content_hash(bytes)))
            .collect();
        hashes.extend(early_hashes);
        let generation = generation(&hashes);
        let mut out: Vec<IndexFile> = files
            .into_iter()
            .map(|(path, bytes)| IndexFile {
                path: format!("search/{generation}/{path}"),
                bytes,
            })
            .collect();
        let manifest = manifest(
            config,
            &kind_names,
            topics,
            docs.len(),
            bucket_count,
            &generation,
        );
        out.extend(
            manifest_files(config, manifest)
                .into_iter()
                .map(|(path, bytes)| IndexFile { path, bytes }),
        );
        let state = kept_buckets
            .zip(records)
            .map(|(buckets, records)| super::IndexState {
                buckets,
                bucket_bytes,
                bucket_count,
                estimate,
                columns,
                records,
                parts,
                hashes,
                generation: generation.clone(),
                kind_names,
                suggest,
            });
        Built {
            files: out,
            state,
            generation,
        }
    }
}

/// Hands a file to the early writer; its path and hash, for the generation.
fn written_early(write: EarlyWriter<'_>, path: String, bytes: Vec<u8>) -> (String, u64) {
    write(&path, &bytes);
    let hash = content_hash(&bytes);
    (path, hash)
}

pub(super) const FACETS: &str = "facets.json";
/// The topics column, apart: every query needs the other columns to rank, but only the
/// filter panel needs the topics, and on a phone that panel starts closed.
pub(super) const TOPICS_FILE: &str = "topics.json";

/// `search/manifest.json` and its offline twin `search/manifest.js`.
pub(super) fn manifest_files(config: &Config, manifest: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    let script = config
        .search
        .offline
        .then(|| super::offline::script([("manifest.json", manifest.as_slice())]));
    let mut files = vec![(super::MANIFEST_PATH.to_string(), manifest)];
    files.extend(script.map(|bytes| (super::offline::MANIFEST_SCRIPT.to_string(), bytes)));
    files
}

pub(super) fn bucket_path(bucket: u32) -> String {
    format!("p/{bucket}.json")
}

/// Records per `d/<k>.json` file: ten results cost about the bytes of ten lone records (a
/// record without its body excerpt is ~260 bytes, and a file's JSON overhead is shared), while a
/// 10,000-resource index has 1,250 record files instead of 10,000.
pub const RECORDS_PER_FILE: usize = 8;

/// The file holding document `n`'s record.
pub(super) fn record_path(n: usize) -> String {
    record_file_path(n / RECORDS_PER_FILE)
}

pub(super) fn record_file_path(k: usize) -> String {
    format!("d/{k}.json")
}

/// How many record files `doc_count` documents take.
pub(super) fn record_file_count(doc_count: usize) -> usize {
    doc_count.div_ceil(RECORDS_PER_FILE)
}

/// A record file: its documents' records as a JSON array, in document order.
pub(super) fn record_file(records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(records.iter().map(|r| r.len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (i, record) in records.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(record);
    }
    out.push(b']');
    out
}

/// A fast 64-bit hash of a file's bytes (FxHash, many bytes a step): `serve` hashes every file
/// a patch writes, some of them megabytes.
pub(super) fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

/// The index's generation: a hash of every file's name and content hash, so it can be
/// recomputed after a patch without reading the unchanged files again.
pub(super) fn generation(hashes: &BTreeMap<String, u64>) -> String {
    crate::digest::short_hash(
        hashes
            .iter()
            .flat_map(|(path, hash)| path.bytes().chain(hash.to_le_bytes())),
    )
}

/// Calls `each(text, weight)` for every field of a document but the body and transcript
/// (counted apart, each saturating on its own: `doc_terms`).
fn fields(doc: &SearchDocument<'_>, mut each: impl FnMut(&str, u32)) {
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
}

/// Calls `each(text, weight)` for every field that is also indexed as pinyin and initials
/// (docs/SEARCH-INDEX.md, "Pinyin terms"): the names a teacher may type without a Chinese
/// keyboard — title, topics, people and the course — not the body, to keep the index small.
fn pinyin_fields(doc: &SearchDocument<'_>, mut each: impl FnMut(&str, u32, Spoken)) {
    each(doc.title, TITLE, Spoken::Words);
    for topic in doc.topics {
        each(topic, TOPICS, Spoken::Words);
    }
    // People's names, not the school's (`documents::document` puts the school first): a long
    // name on every document, which would cost more index than it is worth typing in pinyin.
    for person in doc.people.iter().skip(1) {
        each(person, PEOPLE, Spoken::Names);
    }
    each(&doc.course_name, PEOPLE, Spoken::Words);
}

/// How a field is read aloud: names start with surnames, which some characters read otherwise.
#[derive(Clone, Copy)]
enum Spoken {
    Words,
    Names,
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

/// One document's terms with their weighted frequencies (capped at `TF_CAP`), and its length
/// code for the `lengths` column.
pub(super) struct DocTerms {
    cjk: Vec<(u64, u32)>,
    words: Vec<(Box<str>, u32)>,
    pub length_code: u32,
}

pub(super) fn doc_terms(doc: &SearchDocument<'_>) -> DocTerms {
    let mut counts = TermCounts::default();
    fields(doc, |text, weight| counts.add(text, weight));
    pinyin_fields(doc, |text, weight, spoken| {
        counts.add_pinyin(text, weight, spoken)
    });
    // The body and the transcript are counted apart (each term's frequency is capped per field)
    // in one scratch table per thread, whose capacity outlives the document: a fresh table per
    // field cost ~5% of a build in allocation and rehashing.
    FIELD_SCRATCH.with_borrow_mut(|scratch| {
        scratch.add(doc.body, BODY);
        for chapter in &doc.chapters {
            scratch.add(chapter, BODY);
        }
        counts.merge(scratch, BODY_TF_CAP);
        // The speaker too, which the page shows before the cue's words (学生甲：…).
        for cue in doc.transcript {
            if let Some(speaker) = &cue.speaker {
                scratch.add(speaker, BODY);
            }
            scratch.add(&cue.text, BODY);
        }
        counts.merge(scratch, TRANSCRIPT_TF_CAP);
    });
    let part_masks = part_masks(doc.transcript);
    DocTerms {
        cjk: counts
            .cjk
            .into_iter()
            .map(|(k, tf)| (k, tf.min(TF_CAP)))
            .collect(),
        words: counts
            .words
            .into_iter()
            .map(|(w, tf)| (w, tf.min(TF_CAP)))
            .chain(part_masks)
            .chain(
                doc.review_kind
                    .map(|kind| (format!("{KIND_MARK}{kind}").into_boxed_str(), 1)),
            )
            .collect(),
        length_code: length_code(counts.length),
    }
}

/// `#term` → the mask of the transcript parts holding `term` (see `PART_MARK`); nothing for a
/// transcript that fits in its record.
fn part_masks(cues: &[crate::vtt::Cue]) -> FxHashMap<Box<str>, u32> {
    let mut masks: FxHashMap<Box<str>, u32> = FxHashMap::default();
    // Bytes bound characters: a transcript of at most this many bytes is one chunk.
    if cues.iter().map(|c| c.text.len() + 1).sum::<usize>() <= TRANSCRIPT_CHARS {
        return masks;
    }
    for (part, (texts, _)) in cue_chunks(cues).iter().enumerate().skip(1) {
        let bit = 1u32 << (part - 1).min(PART_BITS - 1);
        index_terms(texts, |term| {
            let text = match term {
                Term::Uni(a) => a.to_string(),
                Term::Bi(a, b) => [a, b].iter().collect(),
                Term::Word(w) => w.into_string(),
            };
            let key: Box<str> = format!("{PART_MARK}{text}").into();
            *masks.entry(key).or_insert(0) |= bit;
        });
    }
    masks
}

thread_local! {
    /// `doc_terms`'s table for one field at a time (see there).
    static FIELD_SCRATCH: std::cell::RefCell<TermCounts> = std::cell::RefCell::new(TermCounts::default());
}

/// Weighted term counts of some texts, and their weighted length.
#[derive(Default)]
struct TermCounts {
    cjk: FxHashMap<u64, u32>,
    words: FxHashMap<Box<str>, u32>,
    length: u64,
}

impl TermCounts {
    /// Adds another field's counts, each term's frequency from it capped at `cap`; its whole
    /// length counts.
    /// Empties `other`, keeping its capacity for the next field.
    fn merge(&mut self, other: &mut TermCounts, cap: u32) {
        self.length += std::mem::take(&mut other.length);
        for (key, tf) in other.cjk.drain() {
            *self.cjk.entry(key).or_insert(0) += tf.min(cap);
        }
        for (word, tf) in other.words.drain() {
            *self.words.entry(word).or_insert(0) += tf.min(cap);
        }
    }

    fn add(&mut self, text: &str, weight: u32) {
        index_terms(text, |term| {
            self.length += u64::from(weight);
            match pack(&term) {
                Some(key) => *self.cjk.entry(key).or_insert(0) += weight,
                None => {
                    if let Term::Word(w) = term {
                        *self.words.entry(w).or_insert(0) += weight;
                    }
                }
            }
        });
    }
}

impl TermCounts {
    /// Pinyin terms count like the field's characters, but add nothing to the document's
    /// length: the length normalisation (and so every ranking without pinyin) stays as it was.
    fn add_pinyin(&mut self, text: &str, weight: u32, spoken: Spoken) {
        let mut count = |term: &str| match self.words.get_mut(term) {
            Some(tf) => *tf += weight,
            None => {
                self.words.insert(term.into(), weight);
            }
        };
        match spoken {
            Spoken::Words => super::pinyin::index_terms(text, count),
            Spoken::Names => super::pinyin::index_name_terms(text, &mut count),
        }
    }
}

impl DocTerms {
    /// Every term as text with its frequency (for patching one document's postings).
    pub(super) fn into_map(self) -> BTreeMap<String, u32> {
        self.cjk
            .into_iter()
            .map(|(k, tf)| (unpack(k), tf))
            .chain(self.words.into_iter().map(|(w, tf)| (w.into_string(), tf)))
            .collect()
    }
}

fn length_code(length: u64) -> u32 {
    let steps = ((length.max(1) as f64).log2() * LENGTH_STEPS).round() as u32;
    steps.saturating_sub(LENGTH_FLOOR).min(LENGTH_CODE_MAX)
}

/// A length code as its one character of the `lengths` column.
fn length_char(code: u32) -> char {
    char::from(super::codec::ALPHABET[code.min(LENGTH_CODE_MAX) as usize])
}

/// A posting list: `df` and the encoded `(doc delta, tf)` pairs, in the form its bucket file
/// writes (docs/SEARCH-INDEX.md "p/<bucket>.json": the shorter of sparse and dense). Both
/// forms' lengths are kept as documents are added, so the choice needs no decoding, and `add`
/// appends to either form in place (a new resource of today costs `serve` no decoding).
#[derive(Default)]
pub(super) struct PostingList {
    pub df: u32,
    /// The last document added (meaningless while `df` is 0).
    pub last: u32,
    pub encoded: String,
    /// The sparse form's length, and the dense form's escapes' length.
    sparse_len: usize,
    escapes_len: usize,
}

impl PostingList {
    /// Append a document; documents must arrive in ascending order. Call `settle` after the
    /// last one of a batch.
    pub(super) fn add(&mut self, doc: u32, tf: u32) {
        let before = self.df as usize;
        let gap = self.count(doc, tf);
        if self.is_dense() {
            append_dense(&mut self.encoded, before, doc, tf);
        } else {
            push_varint(&mut self.encoded, gap);
            push_varint(&mut self.encoded, tf);
        }
    }

    /// Counts posting `(doc, tf)` into `df`, `last` and both forms' lengths; its document gap.
    fn count(&mut self, doc: u32, tf: u32) -> u32 {
        let gap = if self.df == 0 { doc } else { doc - self.last };
        self.sparse_len += varint_len(gap) + varint_len(tf);
        self.escapes_len += escape_len(tf);
        self.df += 1;
        self.last = doc;
        gap
    }

    /// The list with these pairs (documents ascending), in its written form.
    pub(super) fn from_pairs(pairs: &[(u32, u32)]) -> PostingList {
        let mut list = PostingList::default();
        for &(doc, tf) in pairs {
            list.count(doc, tf);
        }
        list.encoded = if list.dense_wins() {
            encode_dense(pairs)
        } else {
            encode_sparse(pairs)
        };
        list
    }

    fn is_dense(&self) -> bool {
        self.encoded.starts_with(DENSE_MARK)
    }

    /// Whether the dense form is shorter (ties stay sparse), from the kept lengths.
    fn dense_wins(&self) -> bool {
        dense_wins(
            self.last,
            self.df as usize,
            self.sparse_len,
            self.escapes_len,
        )
    }

    /// Rewrite the list in the other form when that one became the shorter.
    pub(super) fn settle(&mut self) {
        if self.dense_wins() == self.is_dense() {
            return;
        }
        if let Some(pairs) = decode_postings(&self.encoded) {
            *self = PostingList::from_pairs(&pairs);
        }
    }

    /// What the list adds to a bucket file, roughly: sizes the buckets.
    pub(super) fn size_estimate(&self, term: &str) -> usize {
        term.len() + 10 + self.encoded.len()
    }
}

/// Term → posting list, sorted by term, and each document's length code.
fn invert(docs: &[SearchDocument<'_>]) -> (Vec<(String, PostingList)>, Vec<u32>) {
    let mut inverter = Inverter::new(docs.len());
    for chunk in docs.chunks(CHUNK_DOCS) {
        inverter.add(chunk);
    }
    inverter.finish()
}

/// Posting lists made from documents given a chunk at a time, in document-number order. Terms
/// are split between threads by key, so each thread owns its maps and no lock is needed.
struct Inverter {
    cjk_maps: Vec<FxHashMap<u64, PostingList>>,
    word_map: FxHashMap<Box<str>, PostingList>,
    lengths: Vec<u32>,
}

impl Inverter {
    fn new(documents: usize) -> Self {
        let parts = rayon::current_num_threads().max(1);
        Inverter {
            cjk_maps: (0..parts).map(|_| FxHashMap::default()).collect(),
            word_map: FxHashMap::default(),
            lengths: Vec::with_capacity(documents),
        }
    }

    /// The next documents (numbered on from the last ones added).
    fn add(&mut self, chunk: &[SearchDocument<'_>]) {
        let first = self.lengths.len() as u32;
        let chunk_terms: Vec<DocTerms> = chunk.par_iter().map(doc_terms).collect();
        let parts = self.cjk_maps.len();
        self.cjk_maps
            .par_iter_mut()
            .enumerate()
            .for_each(|(part, map)| {
                for (offset, doc) in chunk_terms.iter().enumerate() {
                    for (key, tf) in &doc.cjk {
                        if (*key as usize) % parts == part {
                            map.entry(*key).or_default().add(first + offset as u32, *tf);
                        }
                    }
                }
            });
        for (offset, doc) in chunk_terms.into_iter().enumerate() {
            self.lengths.push(doc.length_code);
            for (word, tf) in doc.words {
                self.word_map
                    .entry(word)
                    .or_default()
                    .add(first + offset as u32, tf);
            }
        }
    }

    fn finish(self) -> (Vec<(String, PostingList)>, Vec<u32>) {
        let mut list: Vec<(String, PostingList)> = self
            .cjk_maps
            .into_iter()
            .flat_map(|map| map.into_iter().map(|(k, p)| (unpack(k), p)))
            .chain(self.word_map.into_iter().map(|(w, p)| (w.into_string(), p)))
            .collect();
        list.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        (list, self.lengths)
    }
}

/// The power of two nearest (by ratio) to `estimate / BUCKET_TARGET_BYTES`: a bucket averages
/// between 0.7 and 1.4 times the target. Rounding up instead would halve the average and double
/// the files (4,096 of them for 10,000 resources) to save a query a few KB.
pub(super) fn bucket_count(estimate: usize) -> u32 {
    let (estimate, target) = (estimate as u128, BUCKET_TARGET_BYTES as u128);
    let up = estimate.div_ceil(target).clamp(1, 8192).next_power_of_two();
    // up / ratio < ratio / (up / 2)  ⇔  up² · target² < 2 · estimate²
    let nearest = if up == 1 || up * up * target * target < 2 * estimate * estimate {
        up
    } else {
        up / 2
    };
    nearest as u32
}

/// A term's bucket; `#term` (transcript parts, `PART_MARK`) lives beside `term`.
pub(super) fn bucket_of(term: &str, buckets: u32) -> usize {
    (fnv1a32(term.strip_prefix(PART_MARK).unwrap_or(term)) % buckets) as usize
}

/// One map per bucket, term → posting list.
pub(super) type Bucket = BTreeMap<String, PostingList>;

fn group(postings: Vec<(String, PostingList)>, buckets: u32) -> Vec<Bucket> {
    let mut grouped: Vec<Bucket> = (0..buckets).map(|_| Bucket::new()).collect();
    for (term, list) in postings {
        grouped[bucket_of(&term, buckets)].insert(term, list);
    }
    grouped
}

/// `{"term":[df,"postings"],…}`, terms in code point order.
pub(super) fn bucket_json(bucket: &Bucket) -> Vec<u8> {
    let mut out = String::with_capacity(bucket.iter().map(|(t, p)| p.size_estimate(t)).sum());
    out.push('{');
    for (i, (term, list)) in bucket.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(term.clone()).to_string());
        out.push_str(&format!(":[{},\"{}\"]", list.df, list.encoded));
    }
    out.push('}');
    out.into_bytes()
}

/// Per-document facet columns (docs/SEARCH-INDEX.md, "facets.json"), kept as numbers so `serve`
/// can change one document's entries and encode the file again.
pub(super) struct FacetColumns {
    kind_course: Vec<u32>,
    grades: Vec<u32>,
    /// Indexes into the manifest's topic list.
    topics: Vec<Vec<u32>>,
    pub lengths: Vec<u32>,
    /// 0 for none, else 1 + the index into the manifest's textbook list. Written only when the
    /// site declares textbooks, so a site without them gets the same file as before.
    textbooks: Vec<u32>,
    has_textbooks: bool,
}

impl FacetColumns {
    fn new(
        config: &Config,
        topics: &[(String, String)],
        docs: &[SearchDocument<'_>],
        lengths: Vec<u32>,
    ) -> Self {
        let codes = FacetCodes::new(config, topics);
        let mut columns = FacetColumns {
            kind_course: Vec::with_capacity(docs.len()),
            grades: Vec::with_capacity(docs.len()),
            topics: Vec::with_capacity(docs.len()),
            lengths,
            textbooks: Vec::with_capacity(docs.len()),
            has_textbooks: !config.textbooks.is_empty(),
        };
        for doc in docs {
            columns.kind_course.push(codes.kind_course(doc));
            columns.grades.push(grade_code(doc.grades));
            columns.topics.push(codes.topics(doc));
            columns.textbooks.push(codes.textbook(doc));
        }
        columns
    }

    /// `count` documents, each old one at its new number (`moves`, by old number; `None`:
    /// gone). The places left are set next, by `set`.
    pub(super) fn rearrange(&mut self, moves: &[Option<u32>], count: usize) {
        fn moved<T: Clone + Default>(column: &mut Vec<T>, moves: &[Option<u32>], count: usize) {
            let mut out = vec![T::default(); count];
            for (old, value) in std::mem::take(column).into_iter().enumerate() {
                if let Some(slot) = moves
                    .get(old)
                    .copied()
                    .flatten()
                    .and_then(|to| out.get_mut(to as usize))
                {
                    *slot = value;
                }
            }
            *column = out;
        }
        moved(&mut self.kind_course, moves, count);
        moved(&mut self.grades, moves, count);
        moved(&mut self.topics, moves, count);
        moved(&mut self.lengths, moves, count);
        moved(&mut self.textbooks, moves, count);
    }

    /// Every document's topic indexes again, from its topics (in document number order).
    pub(super) fn retopic(
        &mut self,
        config: &Config,
        topics: &[(String, String)],
        per_doc: &[&[String]],
    ) {
        let codes = FacetCodes::new(config, topics);
        self.topics = per_doc.iter().map(|t| codes.topic_indexes(t)).collect();
    }

    /// Give document `n` the facets of `doc`.
    pub(super) fn set(
        &mut self,
        config: &Config,
        topics: &[(String, String)],
        n: usize,
        doc: &SearchDocument<'_>,
        length_code: u32,
    ) {
        let codes = FacetCodes::new(config, topics);
        self.kind_course[n] = codes.kind_course(doc);
        self.grades[n] = grade_code(doc.grades);
        self.topics[n] = codes.topics(doc);
        self.lengths[n] = length_code;
        self.textbooks[n] = codes.textbook(doc);
    }

    /// `facets.json` and `topics.json`, in b64 varints (the lengths in one alphabet character
    /// each): small, because every search downloads the first, and every search whose filter
    /// panel is open the second.
    pub(super) fn files(&self) -> [(String, Vec<u8>); 2] {
        let column = |values: &[u32]| {
            let mut text = String::with_capacity(values.len() * 2);
            for v in values {
                push_varint(&mut text, *v);
            }
            text
        };
        let mut facets = json!({
            "kind_course": column(&self.kind_course),
            "grades": column(&self.grades),
            "lengths": self.lengths.iter().map(|&code| length_char(code)).collect::<String>(),
        });
        if self.has_textbooks {
            facets["textbooks"] = Value::String(column(&self.textbooks));
        }
        let topics = json!({ "topics": self.topic_column() });
        [
            (FACETS.to_string(), facets.to_string().into_bytes()),
            (TOPICS_FILE.to_string(), topics.to_string().into_bytes()),
        ]
    }

    /// Per document: 0 without topics, else each topic's (index + 1) × 2, + 1 when another follows.
    fn topic_column(&self) -> String {
        let mut text = String::with_capacity(self.topics.len() * 3);
        for indexes in &self.topics {
            if indexes.is_empty() {
                push_varint(&mut text, 0);
            }
            for (i, index) in indexes.iter().enumerate() {
                let more = u32::from(i + 1 < indexes.len());
                push_varint(&mut text, (index + 1) * 2 + more);
            }
        }
        text
    }
}

/// Course and topic numbering of the facet columns.
struct FacetCodes<'a> {
    course_index: HashMap<&'a str, u32>,
    topic_index: HashMap<&'a str, u32>,
    textbook_index: HashMap<&'a str, u32>,
}

impl<'a> FacetCodes<'a> {
    fn new(config: &'a Config, topics: &'a [(String, String)]) -> Self {
        FacetCodes {
            course_index: config
                .courses
                .iter()
                .enumerate()
                .map(|(i, c)| (c.slug.as_str(), i as u32))
                .collect(),
            topic_index: topics
                .iter()
                .enumerate()
                .map(|(i, (name, _))| (name.as_str(), i as u32))
                .collect(),
            textbook_index: config
                .textbooks
                .iter()
                .enumerate()
                .map(|(i, t)| (t.slug.as_str(), i as u32 + 1))
                .collect(),
        }
    }

    fn textbook(&self, doc: &SearchDocument<'_>) -> u32 {
        doc.textbook
            .and_then(|t| self.textbook_index.get(t).copied())
            .unwrap_or(0)
    }

    fn kind_course(&self, doc: &SearchDocument<'_>) -> u32 {
        let kind = crate::content::Kind::ALL
            .iter()
            .position(|k| k.slug() == doc.kind)
            .unwrap_or(0) as u32;
        let course = self.course_index.get(doc.course).copied().unwrap_or(0);
        course * crate::content::Kind::ALL.len() as u32 + kind
    }

    fn topics(&self, doc: &SearchDocument<'_>) -> Vec<u32> {
        self.topic_indexes(doc.topics)
    }

    fn topic_indexes(&self, topics: &[String]) -> Vec<u32> {
        topics
            .iter()
            .filter_map(|t| self.topic_index.get(t.as_str()).copied())
            .collect()
    }
}

/// One grade g → g − 1 (one character); several → MANY_GRADES + their 12-bit mask.
fn grade_code(grades: &[u8]) -> u32 {
    let valid: Vec<u8> = grades
        .iter()
        .copied()
        .filter(|g| (1..=MAX_GRADE).contains(g))
        .collect();
    match valid.as_slice() {
        [one] => u32::from(*one) - 1,
        many => MANY_GRADES + many.iter().fold(0u32, |mask, g| mask | 1 << (g - 1)),
    }
}

/// One file of a transcript's later cues (`{"v": …, "w": …}`), named by its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct TranscriptPart {
    /// `PART_PREFIX` and the hash: the file is `<name>.json` under `search/<gen>/`.
    pub name: String,
    pub bytes: Vec<u8>,
}

impl TranscriptPart {
    pub(super) fn path(&self) -> String {
        format!("{}.json", self.name)
    }
}

/// A document's record, and the files of its transcript's cues that the record has no room
/// for (listed in the record as `r`, in order).
pub(super) fn record_files(
    config: &Config,
    doc: &SearchDocument<'_>,
) -> (Vec<u8>, Vec<TranscriptPart>) {
    let mut record = json!({
        "u": doc.path, "t": doc.title, "k": doc.kind, "g": doc.grades, "c": doc.course,
        "p": doc.topics, "d": doc.date, "s": doc.summary,
    });
    if let Some(seconds) = doc.seconds {
        record["l"] = json!(seconds);
    }
    let excerpt = collapse_whitespace(doc.body, config.search.excerpt_chars);
    if !excerpt.is_empty() {
        record["x"] = Value::String(excerpt);
    }
    let mut chunks = cue_chunks(doc.transcript).into_iter();
    let mut parts = Vec::new();
    if let Some((texts, starts)) = chunks.next() {
        record["v"] = Value::String(texts);
        record["w"] = Value::String(starts);
        parts = chunks
            .map(|(texts, starts)| {
                let bytes = json!({ "v": texts, "w": starts }).to_string().into_bytes();
                let name = format!(
                    "{PART_PREFIX}{}",
                    crate::digest::short_hash(bytes.iter().copied())
                );
                TranscriptPart { name, bytes }
            })
            .collect();
    }
    if !parts.is_empty() {
        let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        record["r"] = json!(names);
    }
    (record.to_string().into_bytes(), parts)
}

/// A transcript in chunks of whole cues: one when it fits in `TRANSCRIPT_CHARS`, else each up
/// to `PART_CHARS` (a cue longer than a chunk is cut to it). A chunk holds the cues' texts, one
/// line each (`v`), and their start times in whole seconds as b64 varints (`w`, one a cue,
/// absolute so that cues out of order still read right). No second copy of anything and no
/// per-cue JSON: a line break and one or two characters are all a cue costs beyond its text.
fn cue_chunks(cues: &[crate::vtt::Cue]) -> Vec<(String, String)> {
    let texts: Vec<String> = cues
        .iter()
        .map(|c| collapse_whitespace(&c.text, TRANSCRIPT_CHARS))
        .collect();
    let total: usize = texts.iter().map(|t| t.chars().count() + 1).sum();
    let limit = if total <= TRANSCRIPT_CHARS + 1 {
        TRANSCRIPT_CHARS
    } else {
        PART_CHARS
    };
    let mut chunks = Vec::new();
    let (mut lines, mut starts, mut chars) = (String::new(), String::new(), 0);
    for (cue, text) in cues.iter().zip(texts) {
        let text: String = text.chars().take(limit).collect();
        let length = text.chars().count() + 1;
        if !starts.is_empty() && chars + length > limit + 1 {
            chunks.push((std::mem::take(&mut lines), std::mem::take(&mut starts)));
            chars = 0;
        }
        chars += length;
        if !starts.is_empty() {
            lines.push('\n');
        }
        lines.push_str(&text);
        push_varint(&mut starts, cue.start / 1000);
    }
    if !starts.is_empty() {
        chunks.push((lines, starts));
    }
    chunks
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

/// `search.synonyms` for the browser: folded word → the folded words it also looks for. In the
/// manifest, not the index files, so editing the list changes no postings.
fn synonyms(config: &Config) -> Value {
    let fold = |w: &str| -> String { w.chars().map(super::tokenize::fold).collect() };
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // A topic's other name (topic_aliases) finds the topic, which its resources carry instead.
    let aliases = config
        .topic_aliases
        .iter()
        .map(|(alias, topic)| (alias.clone(), topic.clone()));
    for (word, other) in config.search.synonym_pairs().into_iter().chain(aliases) {
        let others = map.entry(fold(&word)).or_default();
        let other = fold(&other);
        if !others.contains(&other) {
            others.push(other);
        }
    }
    json!(map)
}

pub(super) fn manifest(
    config: &Config,
    kind_names: &[String; 3],
    topics: &[(String, String)],
    doc_count: usize,
    buckets: u32,
    generation: &str,
) -> Vec<u8> {
    let kinds: Vec<Value> = crate::content::Kind::ALL
        .iter()
        .zip(kind_names)
        .map(|(k, name)| json!({ "slug": k.slug(), "name": name }))
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
    let mut manifest = json!({
        "version": super::FORMAT_VERSION, "gen": generation, "doc_count": doc_count, "buckets": buckets,
        "records_per_file": RECORDS_PER_FILE,
        "k1": K1, "b": B, "length_steps": LENGTH_STEPS, "length_floor": LENGTH_FLOOR,
        "kinds": kinds, "stages": stages, "grades": grades, "courses": courses, "topics": topics,
        "synonyms": synonyms(config),
    });
    if !config.topic_aliases.is_empty() {
        // A link's `topic=` may use another name of a topic.
        manifest["topic_aliases"] = json!(config.topic_aliases);
    }
    if !config.textbooks.is_empty() {
        // grade and units: a query naming a book's unit (七年级上册 第二单元) is offered its page
        manifest["textbooks"] = config
            .textbooks
            .iter()
            .map(|t| {
                let units: Vec<Value> = t.units.iter().map(|u| json!([u.number, u.name])).collect();
                let mut book =
                    json!({ "slug": t.slug, "name": t.name, "grade": t.grade, "units": units });
                if let Some(term) = t.term {
                    book["term"] = json!(term);
                }
                book
            })
            .collect();
    }
    if config.search.offline {
        manifest["offline"] = json!({
            "buckets_per_file": super::offline::BUCKETS_PER_SCRIPT,
            "records_per_file": super::offline::RECORD_FILES_PER_SCRIPT,
        });
    }
    manifest.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lists grown document by document, settled now and then (as `serve` appends a new
    /// resource's postings), are written exactly as the whole list would be.
    #[test]
    fn a_list_appended_to_in_either_form_equals_the_list_written_whole() {
        let mut next = super::super::codec::test_random(11);
        let mut dense_seen = 0;
        for _ in 0..300 {
            let mut list = PostingList::default();
            let mut pairs = Vec::new();
            let mut doc = next(20) as u32;
            let spread = 1 + next(60);
            for _ in 0..1 + next(120) {
                let tf = [1, 1, 2, 2, 3, 5, 8, 300][next(8) as usize];
                list.add(doc, tf);
                pairs.push((doc, tf));
                if next(4) == 0 {
                    list.settle();
                    dense_seen += usize::from(list.is_dense());
                    assert_eq!(list.encoded, super::super::codec::encode_postings(&pairs));
                }
                doc += 1 + next(spread) as u32;
            }
            list.settle();
            assert_eq!(list.encoded, super::super::codec::encode_postings(&pairs));
            assert_eq!(PostingList::from_pairs(&pairs).encoded, list.encoded);
        }
        assert!(dense_seen > 50, "the dense form was tried: {dense_seen}");
    }

    #[test]
    fn the_bucket_count_is_the_power_of_two_nearest_by_ratio() {
        let kib = 1024;
        assert_eq!(bucket_count(0), 1);
        assert_eq!(bucket_count(5 * kib), 1);
        // 11.87 × the target: 16 is nearer than 8 by ratio (the switch is at 8√2 ≈ 11.31)
        assert_eq!(bucket_count(1187 * 12 * kib / 100), 16);
        assert_eq!(bucket_count(1120 * 12 * kib / 100), 8);
        assert_eq!(bucket_count(1208 * 12 * kib), 1024);
        assert_eq!(bucket_count(1500 * 12 * kib), 2048);
        assert_eq!(bucket_count(usize::MAX / 2), 8192);
    }

    #[test]
    fn bucket_json_matches_serde_and_escapes_terms() {
        let mut bucket = Bucket::new();
        for (term, doc, tf) in [("情绪", 3, 9), ("a\"b", 1, 1), ("\u{1}", 0, 2)] {
            let mut list = PostingList::default();
            list.add(doc, tf);
            bucket.insert(term.to_string(), list);
        }
        let ours: Value = serde_json::from_slice(&bucket_json(&bucket)).unwrap();
        let expected = json!({ "情绪": [1, "DJ"], "a\"b": [1, "BB"], "\u{1}": [1, "AC"] });
        assert_eq!(ours, expected);
    }

    #[test]
    fn length_codes_grow_with_the_log_of_the_length() {
        assert_eq!(length_code(0), 0);
        assert_eq!(length_code(16), 0);
        assert_eq!(length_code(32), 4);
        assert_eq!(length_code(1024), 24);
        assert!(
            length_code(1300) > length_code(1024),
            "a quarter doubling apart"
        );
        assert_eq!(length_code(u64::MAX), 63, "one character at most");
    }

    fn cue(start: u32, text: &str) -> crate::vtt::Cue {
        crate::vtt::Cue {
            start,
            end: start + 1000,
            speaker: Some("王老师".into()),
            text: text.into(),
            line: 1,
            last_speaker: None,
        }
    }

    fn video<'a>(body: &'a str, transcript: &'a [crate::vtt::Cue]) -> SearchDocument<'a> {
        SearchDocument {
            path: "videos/v/".into(),
            title: "与考试焦虑和平相处",
            kind: "video",
            grades: &[12],
            course: "mental-health",
            topics: &[],
            date: String::new(),
            summary: "",
            people: vec![],
            labels: vec![],
            course_name: String::new(),
            body,
            transcript,
            chapters: vec!["考前锦囊"],
            textbook: None,
            review_kind: None,
            seconds: Some(2385),
        }
    }

    #[test]
    fn a_review_of_a_named_kind_holds_its_marked_term() {
        let mut review = video("这节课的说课和评课都很精彩", &[]);
        review.review_kind = Some("说课");
        let terms = doc_terms(&review).into_map();
        assert_eq!(terms["@说课"], 1);
        assert!(
            !terms.contains_key("@评课"),
            "the body's words are not its kind"
        );
        assert!(terms.contains_key("评课"), "the body is indexed as before");
        let plain = doc_terms(&video("说课", &[])).into_map();
        assert!(plain.keys().all(|t| !t.starts_with(KIND_MARK)));
    }

    #[test]
    fn a_record_carries_its_cues_as_lines_and_start_seconds() {
        let mut problems = crate::diagnostics::Diagnostics::new();
        let config = crate::config::parse(
            "title: T\ncourses:\n  - { slug: mental-health, name: 心理健康 }\n",
            &mut problems,
        )
        .unwrap();
        let cues = [
            cue(5_000, "同学们好。"),
            cue(754_900, "橡皮筋\n  拉得太紧，就断了。"),
        ];
        let rec: Value =
            serde_json::from_slice(&record_files(&config, &video("正文", &cues)).0).unwrap();
        assert!(rec.get("x").is_none(), "no excerpt by default");
        assert_eq!(rec["l"], 2385, "the video's length in seconds");
        let mut with_excerpt = config.clone();
        with_excerpt.search.excerpt_chars = 600;
        let rec_x: Value =
            serde_json::from_slice(&record_files(&with_excerpt, &video("正文", &cues)).0).unwrap();
        assert_eq!(rec_x["x"], "正文", "the transcript is not in the excerpt");
        assert_eq!(rec["v"], "同学们好。\n橡皮筋 拉得太紧，就断了。");
        let mut starts = String::new();
        push_varint(&mut starts, 5);
        push_varint(&mut starts, 754);
        assert_eq!(rec["w"], starts.as_str());
        assert!(rec.get("r").is_none(), "no parts for a short transcript");
        let plain: Value =
            serde_json::from_slice(&record_files(&config, &video("正文", &[])).0).unwrap();
        assert!(plain.get("v").is_none() && plain.get("w").is_none());
    }

    #[test]
    fn a_transcript_goes_in_chunks_of_whole_cues_and_the_rest_into_named_parts() {
        // 21 characters a cue with its line break: 1,000 cues do not fit in a record.
        let mut cues: Vec<_> = (0..1000).map(|i| cue(i * 1000, &"字".repeat(20))).collect();
        cues.push(cue(7_200_000, "最后一句：蒲公英。"));
        let chunks = cue_chunks(&cues);
        let lines: Vec<usize> = chunks.iter().map(|(t, _)| t.lines().count()).collect();
        let per = (PART_CHARS + 1) / 21;
        assert_eq!(
            lines[..2],
            [per, per],
            "whole cues up to {PART_CHARS} characters"
        );
        assert_eq!(lines.iter().sum::<usize>(), 1001);
        let last = super::super::codec::decode_varints(&chunks.last().unwrap().1).unwrap();
        assert_eq!(last.last(), Some(&7200));
        let fits: Vec<_> = (0..300).map(|i| cue(i * 1000, &"字".repeat(20))).collect();
        assert_eq!(
            cue_chunks(&fits).len(),
            1,
            "6,300 characters stay in the record"
        );
        let huge = [cue(0, &"字".repeat(3 * TRANSCRIPT_CHARS))];
        assert_eq!(cue_chunks(&huge)[0].0.chars().count(), TRANSCRIPT_CHARS);
        let two = [huge[0].clone(), cue(1000, "再见")];
        assert_eq!(cue_chunks(&two)[0].0.chars().count(), PART_CHARS);

        let config = crate::config::parse(
            "title: T\ncourses:\n  - { slug: mental-health, name: 心理健康 }\n",
            &mut crate::diagnostics::Diagnostics::new(),
        )
        .unwrap();
        let (record, parts) = record_files(&config, &video("", &cues));
        let rec: Value = serde_json::from_slice(&record).unwrap();
        let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(rec["r"], json!(names));
        assert_eq!(parts.len(), chunks.len() - 1);
        assert!(
            names
                .iter()
                .all(|n| n.starts_with(PART_PREFIX) && n.len() == 12)
        );
        let part: Value = serde_json::from_slice(&parts.last().unwrap().bytes).unwrap();
        assert_eq!(
            part["v"].as_str().unwrap().lines().last(),
            Some("最后一句：蒲公英。")
        );
        assert_eq!(part["w"], chunks.last().unwrap().1.as_str());
        assert_eq!(
            rec["v"],
            chunks[0].0.as_str(),
            "the record holds the first chunk"
        );
        assert_eq!(
            parts,
            record_files(&config, &video("", &cues)).1,
            "named by content"
        );
    }

    #[test]
    fn marked_terms_say_which_parts_hold_a_term() {
        // 1,501 characters a cue: one cue a chunk.
        let long = "同学们".repeat(500);
        let mut cues: Vec<_> = (0..7).map(|i| cue(i * 1000, &long)).collect();
        cues[4].text.push_str("鲸鱼");
        cues.push(cue(9_000, "鲸鱼 python"));
        // Chunks: cue 0 (the record), 1, 2, 3, 4 (part 4), 5, 6 and 7 (part 6).
        let terms = doc_terms(&video("", &cues)).into_map();
        assert_eq!(terms["#鲸鱼"], 0b101000, "parts 4 and 6");
        assert_eq!(terms["#鲸"], 0b101000);
        assert_eq!(terms["#python"], 0b100000);
        assert_eq!(terms["#同学"], 0b111111);
        assert_eq!(terms["鲸鱼"], 2, "the term itself is counted as before");
        let short = doc_terms(&video("", &cues[..1])).into_map();
        assert!(
            short.keys().all(|t| !t.starts_with(PART_MARK)),
            "no parts, no masks"
        );
        assert_eq!(bucket_of("#鲸鱼", 64), bucket_of("鲸鱼", 64));
        // Parts from the thirtieth on share the last bit.
        let mut many: Vec<_> = (0..40).map(|i| cue(i * 1000, &long)).collect();
        many[39].text.push_str("鲸鱼");
        assert_eq!(
            doc_terms(&video("", &many)).into_map()["#鲸鱼"],
            1 << (PART_BITS - 1)
        );
    }

    #[test]
    fn many_body_mentions_stay_below_one_title() {
        let body = "鲸鱼".repeat(40);
        let terms = doc_terms(&video(&body, &[])).into_map();
        assert_eq!(terms["鲸鱼"], BODY_TF_CAP);
        assert_eq!(doc_terms(&video("鲸鱼", &[])).into_map()["鲸鱼"], 1);
        let titled = doc_terms(&video(&body, &[])).into_map()["考试"];
        assert_eq!(titled, TITLE, "the title's word keeps its full weight");
        assert!(
            doc_terms(&video(&body, &[])).length_code > doc_terms(&video("鲸鱼", &[])).length_code,
            "every body mention adds to the length"
        );
    }

    #[test]
    fn transcript_terms_count_like_the_body_but_stop_below_a_title() {
        let cues: Vec<_> = (0..30).map(|i| cue(i * 1000, "鲸鱼游过来了")).collect();
        let terms = doc_terms(&video("", &cues)).into_map();
        assert_eq!(terms["鲸鱼"], TRANSCRIPT_TF_CAP);
        let once = doc_terms(&video("", &cues[..1])).into_map();
        assert_eq!(once["鲸鱼"], 1);
        let longer = doc_terms(&video("", &cues)).length_code;
        assert!(
            longer > doc_terms(&video("", &cues[..1])).length_code,
            "every cue adds to the length"
        );
    }

    #[test]
    fn chapter_titles_and_speakers_are_searchable_as_the_page_shows_them() {
        let mut spoken = cue(0, "大家好");
        spoken.speaker = Some("学生甲".into());
        let terms = doc_terms(&video("", std::slice::from_ref(&spoken))).into_map();
        for term in ["学生", "生甲", "锦囊", "考前"] {
            assert!(terms.contains_key(term), "{term} missing");
        }
    }
}
