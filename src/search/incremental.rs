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
    /// Files of the folder to remove (records and scripts past the last document).
    pub removed: Vec<String>,
    pub outside: Vec<(String, Vec<u8>)>,
}

/// Document `number` held `old` and now holds `new` (`None`: no document there).
pub struct DocChange<'d, 'a> {
    pub number: usize,
    pub old: Option<&'d SearchDocument<'a>>,
    pub new: Option<&'d SearchDocument<'a>>,
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
        let count = self.columns.lengths.len();
        if n >= count {
            return None;
        }
        let change = DocChange {
            number: n,
            old: Some(old),
            new: Some(new),
        };
        self.replace(config, topics, &[change], count)
    }

    /// The documents at `changes`' numbers are replaced, and the index now holds `doc_count`
    /// documents: numbers past it must be among the changes, with no new document. Costs the
    /// terms of the changed documents only. `None` (a full build is needed) when the bucket
    /// count would change; the state may then be half-updated.
    pub fn replace(
        &mut self,
        config: &Config,
        topics: &[(String, String)],
        changes: &[DocChange<'_, '_>],
        doc_count: usize,
    ) -> Option<IndexPatch> {
        let old_count = self.records.len();
        let mut by_term: BTreeMap<String, Vec<(u32, Option<u32>)>> = BTreeMap::new();
        let mut lengths = Vec::new();
        for change in changes {
            if change.new.is_some() != (change.number < doc_count)
                || change.number >= doc_count.max(old_count)
            {
                return None;
            }
            let before = change
                .old
                .map(|d| doc_terms(d).into_map())
                .unwrap_or_default();
            let fresh = change.new.map(doc_terms);
            lengths.extend(fresh.as_ref().map(|f| (change.number, f.length_code)));
            let after = fresh.map(|f| f.into_map()).unwrap_or_default();
            for term in before.keys().chain(after.keys()) {
                let tf = after.get(term).copied();
                if before.get(term).copied() != tf {
                    by_term
                        .entry(term.clone())
                        .or_default()
                        .push((change.number as u32, tf));
                }
            }
        }
        let mut touched = BTreeSet::new();
        for (term, mut edits) in by_term {
            edits.sort_unstable();
            edits.dedup();
            touched.insert(self.set_postings(&term, &edits)?);
        }
        if bucket_count(self.estimate) != self.bucket_count {
            return None;
        }
        self.columns.resize(doc_count);
        self.records.resize(doc_count, Vec::new());
        let mut changed: Vec<(String, Vec<u8>)> = touched
            .into_iter()
            .map(|b| (bucket_path(b as u32), bucket_json(&self.buckets[b])))
            .collect();
        for change in changes {
            if let Some(new) = change.new {
                let length = lengths.iter().find(|(n, _)| *n == change.number)?.1;
                self.columns.set(config, topics, change.number, new, length);
                self.records[change.number] = record(config, new);
                changed.push((
                    record_path(change.number),
                    self.records[change.number].clone(),
                ));
            }
        }
        changed.push((FACETS.into(), self.columns.json()));
        let mut removed: Vec<String> = (doc_count..old_count).map(record_path).collect();
        if config.search.offline {
            let scripts = self.offline_scripts(changed.iter().map(|(p, _)| p).chain(&removed));
            let (kept, emptied): (Vec<_>, Vec<_>) =
                scripts.into_iter().partition(|(_, members)| *members > 0);
            removed.extend(emptied.into_iter().map(|(name, _)| name.0));
            changed.extend(kept.into_iter().map(|(script, _)| script));
        }
        for path in &removed {
            self.hashes.remove(path);
        }
        let mut patch = self.patch(config, topics, changed);
        patch.removed = removed;
        Some(patch)
    }

    /// The topic list's order changed (it is most used first): give every document the
    /// indexes of its topics (`per_doc`, in document number order) in the new list.
    pub fn retopic(&mut self, config: &Config, topics: &[(String, String)], per_doc: &[&[String]]) {
        self.columns.retopic(config, topics, per_doc);
    }

    /// Apply `edits` (document, new frequency or `None`: no longer has it; ascending) to one
    /// term's posting list. Returns the bucket it lives in.
    fn set_postings(&mut self, term: &str, edits: &[(u32, Option<u32>)]) -> Option<usize> {
        let bucket = bucket_of(term, self.bucket_count);
        let lists = &mut self.buckets[bucket];
        let pairs = match lists.remove(term) {
            Some(list) => {
                self.estimate -= list.size_estimate(term);
                decode(&list)?
            }
            None => Vec::new(),
        };
        let merged = merge(&pairs, edits);
        if !merged.is_empty() {
            let mut list = PostingList::default();
            for (doc, tf) in merged {
                list.add(doc, tf);
            }
            self.estimate += list.size_estimate(term);
            lists.insert(term.to_string(), list);
        }
        Some(bucket)
    }

    /// The offline scripts carrying any of `paths`, made again from the current files, each with
    /// its number of members (0: the script is gone, its documents are).
    fn offline_scripts<'p>(
        &self,
        paths: impl Iterator<Item = &'p String>,
    ) -> Vec<((String, Vec<u8>), usize)> {
        let names: BTreeSet<String> = paths.filter_map(|path| offline::script_of(path)).collect();
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
                ((name, script), members.len())
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
            removed: Vec::new(),
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

/// A posting list's (document, frequency) pairs with `edits` applied; both ascending.
fn merge(pairs: &[(u32, u32)], edits: &[(u32, Option<u32>)]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(pairs.len() + edits.len());
    let (mut i, mut j) = (0, 0);
    loop {
        match (pairs.get(i), edits.get(j)) {
            (Some(&(doc, _)), Some(&(edited, tf))) if edited <= doc => {
                out.extend(tf.map(|tf| (edited, tf)));
                j += 1;
                if edited == doc {
                    i += 1;
                }
            }
            (Some(&pair), _) => {
                out.push(pair);
                i += 1;
            }
            (None, Some(&(edited, tf))) => {
                out.extend(tf.map(|tf| (edited, tf)));
                j += 1;
            }
            (None, None) => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::merge;

    #[test]
    fn merging_edits_into_a_posting_list() {
        let pairs = [(1, 5), (4, 2), (9, 1)];
        let edits = [
            (0, Some(3)),
            (4, None),
            (9, Some(7)),
            (12, Some(1)),
            (13, None),
        ];
        assert_eq!(merge(&pairs, &edits), [(0, 3), (1, 5), (9, 7), (12, 1)]);
        assert_eq!(merge(&[], &[(2, Some(1))]), [(2, 1)]);
        assert_eq!(merge(&pairs, &[]), pairs);
    }
}
