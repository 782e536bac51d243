//! Patching the index after one document changed, for `serve`: the same bytes a full build
//! would write, at the cost of the terms that changed.
//!
//! Postings hold each document's own weighted term frequencies (see `index`), so an edit touches
//! only the posting lists of terms whose frequency in that document changed, the document's
//! record, and the facet file (its length). The generation is a hash of the per-file hashes, so
//! it follows without reading the other files again. A patch that would change the number of
//! buckets (the index grew past a size step) is refused: the caller builds everything instead.

use std::collections::{BTreeMap, BTreeSet};

use super::codec::decode_varints;
use super::index::{
    Bucket, FACETS, FacetColumns, PostingList, SearchDocument, bucket_count, bucket_json,
    bucket_of, bucket_path, content_hash, doc_terms, generation, manifest, manifest_files, record,
    record_path,
};
use super::offline;
use crate::config::Config;

/// What a full build leaves behind for patching: every posting list, the facet columns and
/// the hash of every file under the generation folder.
pub struct IndexState {
    pub(super) buckets: Vec<Bucket>,
    pub(super) bucket_count: u32,
    /// Sum of the posting lists' size estimates: decides the bucket count.
    pub(super) estimate: usize,
    pub(super) columns: FacetColumns,
    /// Every document's record, for the offline scripts that group them.
    pub(super) records: Vec<Vec<u8>>,
    pub(super) hashes: BTreeMap<String, u64>,
    pub(super) generation: String,
}

/// The files to write after an edit. The generation folder `search/<from>/` must first be
/// renamed to `search/<to>/` (when they differ); then `files` (relative to that folder) are
/// written over it, and `outside` (the manifest and its script, relative to the output root).
pub struct IndexPatch {
    pub from: String,
    pub to: String,
    pub files: Vec<(String, Vec<u8>)>,
    pub outside: Vec<(String, Vec<u8>)>,
}

impl IndexState {
    pub fn generation(&self) -> &str {
        &self.generation
    }

    /// Document `n` changed from `old` to `new` (same place in the document order). `None` when
    /// a full build is needed. On `None` the state may be half-updated: build everything anew.
    pub fn update(
        &mut self,
        config: &Config,
        topics: &[(String, String)],
        n: usize,
        old: &SearchDocument<'_>,
        new: &SearchDocument<'_>,
    ) -> Option<IndexPatch> {
        if n >= self.columns.lengths.len() {
            return None;
        }
        let before = doc_terms(old).into_map();
        let fresh = doc_terms(new);
        let length_code = fresh.length_code;
        let after = fresh.into_map();
        let mut touched = BTreeSet::new();
        let terms: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        for term in terms {
            let tf = after.get(term).copied();
            if before.get(term).copied() != tf {
                touched.insert(self.set_posting(term, n as u32, tf)?);
            }
        }
        if bucket_count(self.estimate) != self.bucket_count {
            return None;
        }
        self.columns.set(config, topics, n, new, length_code);
        let mut changed: Vec<(String, Vec<u8>)> = touched
            .into_iter()
            .map(|b| (bucket_path(b as u32), bucket_json(&self.buckets[b])))
            .collect();
        changed.push((FACETS.into(), self.columns.json()));
        self.records[n] = record(config, new);
        changed.push((record_path(n), self.records[n].clone()));
        if config.search.offline {
            let scripts = self.offline_scripts(&changed);
            changed.extend(scripts);
        }
        Some(self.patch(config, topics, changed))
    }

    /// Set document `n`'s frequency for `term` (`None`: the document no longer has it).
    /// Returns the bucket it lives in.
    fn set_posting(&mut self, term: &str, n: u32, tf: Option<u32>) -> Option<usize> {
        let bucket = bucket_of(term, self.bucket_count);
        let lists = &mut self.buckets[bucket];
        let mut pairs = match lists.remove(term) {
            Some(list) => {
                self.estimate -= list.size_estimate(term);
                decode(&list)?
            }
            None => Vec::new(),
        };
        match (pairs.binary_search_by_key(&n, |p| p.0), tf) {
            (Ok(i), Some(tf)) => pairs[i].1 = tf,
            (Ok(i), None) => {
                pairs.remove(i);
            }
            (Err(i), Some(tf)) => pairs.insert(i, (n, tf)),
            (Err(_), None) => {}
        }
        if !pairs.is_empty() {
            let mut list = PostingList::default();
            for (doc, tf) in pairs {
                list.add(doc, tf);
            }
            self.estimate += list.size_estimate(term);
            lists.insert(term.to_string(), list);
        }
        Some(bucket)
    }

    /// The offline scripts carrying any of `changed`, made again from the current files.
    fn offline_scripts(&self, changed: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
        let names: BTreeSet<String> = changed
            .iter()
            .filter_map(|(path, _)| offline::script_of(path))
            .collect();
        names
            .into_iter()
            .map(|name| {
                let paths = offline::member_paths(&name, self.bucket_count, self.records.len());
                let members: Vec<(String, Vec<u8>)> = paths
                    .into_iter()
                    .map(|path| {
                        let bytes = self.current(&path);
                        (path, bytes)
                    })
                    .collect();
                let script =
                    offline::script(members.iter().map(|(p, b)| (p.as_str(), b.as_slice())));
                (name, script)
            })
            .collect()
    }

    /// The current bytes of an index file that the state can make again.
    fn current(&self, path: &str) -> Vec<u8> {
        let number = |prefix: &str| {
            path.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(".json"))
                .and_then(|n| n.parse::<usize>().ok())
        };
        if let Some(bucket) = number("p/") {
            bucket_json(&self.buckets[bucket])
        } else if let Some(n) = number("d/") {
            self.records[n].clone()
        } else if path == FACETS {
            self.columns.json()
        } else {
            super::variants::json()
        }
    }

    /// Keep the files that really changed, and name the new generation.
    fn patch(
        &mut self,
        config: &Config,
        topics: &[(String, String)],
        changed: Vec<(String, Vec<u8>)>,
    ) -> IndexPatch {
        let from = self.generation.clone();
        let mut kept = Vec::new();
        for (path, bytes) in changed {
            let hash = content_hash(&bytes);
            if self.hashes.insert(path.clone(), hash) != Some(hash) {
                kept.push((path, bytes));
            }
        }
        self.generation = generation(&self.hashes);
        let to = self.generation.clone();
        let outside = if from == to {
            Vec::new()
        } else {
            manifest_files(
                config,
                manifest(
                    config,
                    topics,
                    self.columns.lengths.len(),
                    self.bucket_count,
                    &to,
                ),
            )
        };
        IndexPatch {
            from,
            to,
            files: kept,
            outside,
        }
    }
}

/// A posting list back as (document, frequency) pairs.
fn decode(list: &PostingList) -> Option<Vec<(u32, u32)>> {
    let values = decode_varints(&list.encoded)?;
    let mut pairs = Vec::with_capacity(values.len() / 2);
    let mut doc = 0u32;
    for (i, pair) in values.chunks_exact(2).enumerate() {
        doc = if i == 0 {
            pair[0]
        } else {
            doc.checked_add(pair[0])?
        };
        pairs.push((doc, pair[1]));
    }
    Some(pairs)
}
