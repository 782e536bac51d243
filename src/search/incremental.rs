//! Patching the index after documents changed, left or arrived, for `serve`: the same bytes a
//! full build would write, at the cost of the terms that changed.
//!
//! Postings hold each document's own weighted term frequencies (see `index`), so an edit touches
//! only the posting lists of terms whose frequency in that document changed, the document's
//! record, and the facet file (its length); a new document of today takes the next number and
//! is appended to its terms' lists. When documents move to other numbers (one added among the
//! older ones, or deleted), every posting list is renumbered, which decodes and encodes the
//! lists but reads no document. The generation is a hash of the per-file hashes, so it follows
//! without reading the other files again. A patch that would change the number of buckets (the
//! index grew past a size step) is refused: the caller builds everything instead.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::codec::decode_postings;
use super::index::{
    Bucket, FacetColumns, PostingList, RECORDS_PER_FILE, SearchDocument, TranscriptPart,
    bucket_count, bucket_json, bucket_of, bucket_path, content_hash, doc_terms, generation,
    manifest, manifest_files, record_file, record_file_count, record_file_path, record_files,
};
use super::offline;
use crate::config::Config;

/// What a full build leaves behind for patching: every posting list, the facet columns and
/// the hash of every file under the generation folder.
pub struct IndexState {
    pub(super) buckets: Vec<Bucket>,
    /// Every bucket's file as written: the offline scripts group sixteen, and a new document
    /// touches most buckets, so serialising each only when it changes matters.
    pub(super) bucket_bytes: Vec<Vec<u8>>,
    pub(super) bucket_count: u32,
    /// Sum of the posting lists' size estimates: decides the bucket count.
    pub(super) estimate: usize,
    pub(super) columns: FacetColumns,
    /// Every document's record, for the offline scripts that group them.
    pub(super) records: Vec<Vec<u8>>,
    /// Every transcript part file, with the number of documents that list it.
    pub(super) parts: Parts,
    pub(super) hashes: BTreeMap<String, u64>,
    pub(super) generation: String,
    /// The kinds' display names, for the manifest of a new generation.
    pub(super) kind_names: [String; 3],
    /// The titles behind the suggestion files, and those files.
    pub(super) suggest: super::suggest::SuggestState,
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

/// Transcript part files by name, each with its bytes and how many documents list it: a
/// part is named by its content, so it stays while any document lists it, whatever their
/// numbers.
#[derive(Default)]
pub(crate) struct Parts(BTreeMap<String, (Vec<u8>, usize)>);

impl Parts {
    pub(super) fn add(&mut self, part: TranscriptPart) {
        self.0.entry(part.name).or_insert((part.bytes, 0)).1 += 1;
    }

    /// One document less lists `name`.
    fn release(&mut self, name: &str) {
        match self.0.get_mut(name) {
            Some((_, users)) if *users > 1 => *users -= 1,
            Some(_) => {
                self.0.remove(name);
            }
            None => {}
        }
    }

    /// After documents left (`gone`) and arrived (`came`): the part files to write (new ones)
    /// and the names of those to remove (listed by no document now).
    fn exchange(
        &mut self,
        gone: Vec<TranscriptPart>,
        came: Vec<TranscriptPart>,
    ) -> (Vec<(String, Vec<u8>)>, Vec<String>) {
        let before: BTreeSet<String> = gone
            .iter()
            .chain(&came)
            .map(|p| p.name.clone())
            .filter(|name| self.0.contains_key(name))
            .collect();
        // Arrivals first, so a part that a document keeps through an edit is never dropped.
        for part in came.iter().cloned() {
            self.add(part);
        }
        for part in &gone {
            self.release(&part.name);
        }
        let mut written = BTreeMap::new();
        for part in came {
            if !before.contains(&part.name) && self.0.contains_key(&part.name) {
                written.insert(part.path(), part.bytes);
            }
        }
        let removed: BTreeSet<String> = gone
            .into_iter()
            .map(|p| p.name)
            .filter(|name| before.contains(name) && !self.0.contains_key(name))
            .collect();
        (written.into_iter().collect(), removed.into_iter().collect())
    }
}

/// How the documents of the index change (for `IndexState::rearrange`).
pub struct Rearrangement<'d, 'a> {
    /// Documents that leave, at their old numbers.
    pub removed: Vec<(usize, &'d SearchDocument<'a>)>,
    /// For every old number, the number its document has now; `None` for those that leave.
    /// Kept documents must stay in the same order (their numbers only shift).
    pub moves: Vec<Option<u32>>,
    /// Documents that arrive, at their new numbers (the numbers no kept document takes).
    pub added: Vec<(usize, &'d SearchDocument<'a>)>,
    /// How many documents the index holds afterwards.
    pub doc_count: usize,
    /// When the topic list changed (it is most used first, so a new resource can reorder it):
    /// every document's topics, by new number, to code them again.
    pub topics_by_doc: Option<Vec<&'d [String]>>,
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
        let count = self.records.len();
        if n >= count {
            return None;
        }
        let moves = (0..count as u32)
            .map(|k| (k != n as u32).then_some(k))
            .collect();
        let change = Rearrangement {
            removed: vec![(n, old)],
            moves,
            added: vec![(n, new)],
            doc_count: count,
            topics_by_doc: None,
        };
        self.rearrange(config, topics, &change)
    }

    /// Documents leave, keep their place or move to another number, and arrive (see
    /// `Rearrangement`). Only the terms of the documents that leave or arrive are looked at,
    /// unless some kept document moves: then every posting list is renumbered (decoded and
    /// encoded again, without reading any document). `None` (a full build is needed) when the
    /// change is inconsistent or the bucket count would change; the state may then be
    /// half-updated.
    pub fn rearrange(
        &mut self,
        config: &Config,
        topics: &[(String, String)],
        change: &Rearrangement<'_, '_>,
    ) -> Option<IndexPatch> {
        let old_count = self.records.len();
        if change.moves.len() != old_count || !fills_every_number(change) {
            return None;
        }
        let touched = self.rearrange_postings(change)?;
        if bucket_count(self.estimate) != self.bucket_count {
            return None;
        }
        self.rearrange_documents(config, topics, change);
        let gone = change
            .removed
            .iter()
            .flat_map(|(_, d)| record_files(config, d).1)
            .collect();
        let came = change
            .added
            .iter()
            .flat_map(|(_, d)| record_files(config, d).1)
            .collect();
        let (new_parts, gone_parts) = self.parts.exchange(gone, came);
        let mut changed = self.serialise_buckets(touched);
        // A number's record changed unless the document that held it still does (new
        // documents take only numbers that no kept one holds).
        let stayed = |n: usize| change.moves.get(n).copied().flatten() == Some(n as u32);
        let kept_files = record_file_count(change.doc_count);
        // A record file changed when one of its numbers did, or when it lost its last ones.
        let record_files_changed: BTreeSet<usize> = (0..change.doc_count)
            .filter(|n| !stayed(*n))
            .chain(change.doc_count..old_count)
            .map(|n| n / RECORDS_PER_FILE)
            .filter(|k| *k < kept_files)
            .collect();
        changed.extend(
            record_files_changed
                .into_iter()
                .map(|k| (record_file_path(k), self.record_file(k))),
        );
        changed.extend(self.columns.files());
        changed.extend(self.suggest.refresh(topics));
        let mut removed: Vec<String> = (kept_files..record_file_count(old_count))
            .map(record_file_path)
            .collect();
        if config.search.offline {
            let scripts = self.offline_scripts(changed.iter().map(|(p, _)| p).chain(&removed));
            let (kept, emptied): (Vec<_>, Vec<_>) =
                scripts.into_iter().partition(|(_, members)| *members > 0);
            removed.extend(emptied.into_iter().map(|(name, _)| name.0));
            changed.extend(kept.into_iter().map(|(script, _)| script));
            // A part is its own script (the generic rule of `offline::script_of`).
            for (path, bytes) in &new_parts {
                if let Some(name) = offline::script_of(path) {
                    changed.push((name, offline::script([(path.as_str(), bytes.as_slice())])));
                }
            }
            removed.extend(
                gone_parts
                    .iter()
                    .filter_map(|name| offline::script_of(&format!("{name}.json"))),
            );
        }
        changed.extend(new_parts);
        removed.extend(gone_parts.into_iter().map(|name| format!("{name}.json")));
        for path in &removed {
            self.hashes.remove(path);
        }
        let mut patch = self.patch(config, topics, changed);
        patch.removed = removed;
        Some(patch)
    }

    /// The posting lists after `change`; returns the buckets touched.
    fn rearrange_postings(&mut self, change: &Rearrangement<'_, '_>) -> Option<BTreeSet<usize>> {
        let renumbered = change
            .moves
            .iter()
            .enumerate()
            .any(|(k, to)| to.is_some_and(|to| to as usize != k));
        if renumbered {
            // Every list renumbered (which drops the postings of the documents that leave),
            // then the new documents' terms added at their numbers.
            let mut touched = self.renumber(&change.moves)?;
            let into: Vec<_> = change
                .added
                .iter()
                .map(|(n, d)| (*n, None, Some(*d)))
                .collect();
            touched.extend(self.edit_postings(&into)?);
            return Some(touched);
        }
        // Nothing moves: a document replaced in place costs only the terms that differ.
        type Pair<'d, 'a> = (
            Option<&'d SearchDocument<'a>>,
            Option<&'d SearchDocument<'a>>,
        );
        let mut at: BTreeMap<usize, Pair<'_, '_>> = BTreeMap::new();
        for (n, d) in &change.removed {
            at.entry(*n).or_default().0 = Some(*d);
        }
        for (n, d) in &change.added {
            at.entry(*n).or_default().1 = Some(*d);
        }
        let both: Vec<_> = at
            .into_iter()
            .map(|(n, (old, new))| (n, old, new))
            .collect();
        self.edit_postings(&both)
    }

    /// Records and facet columns after `change` (`fills_every_number` holds).
    fn rearrange_documents(
        &mut self,
        config: &Config,
        topics: &[(String, String)],
        change: &Rearrangement<'_, '_>,
    ) {
        let old_records = std::mem::take(&mut self.records);
        self.records = vec![Vec::new(); change.doc_count];
        for (record, to) in old_records.into_iter().zip(&change.moves) {
            if let Some(to) = to {
                self.records[*to as usize] = record;
            }
        }
        self.columns.rearrange(&change.moves, change.doc_count);
        self.suggest.rearrange(&change.moves, change.doc_count);
        for (n, doc) in &change.added {
            self.suggest.set(*n, doc.title);
            let length = doc_terms(doc).length_code;
            self.columns.set(config, topics, *n, doc, length);
            self.records[*n] = record_files(config, doc).0;
        }
        if let Some(per_doc) = &change.topics_by_doc {
            self.columns.retopic(config, topics, per_doc);
        }
    }

    /// The touched buckets' files, made again (in parallel) and kept for the offline scripts.
    fn serialise_buckets(&mut self, touched: BTreeSet<usize>) -> Vec<(String, Vec<u8>)> {
        let touched: Vec<usize> = touched.into_iter().collect();
        let serialised: Vec<Vec<u8>> = touched
            .par_iter()
            .map(|b| bucket_json(&self.buckets[*b]))
            .collect();
        let mut files = Vec::with_capacity(touched.len());
        for (b, bytes) in touched.into_iter().zip(serialised) {
            files.push((bucket_path(b as u32), bytes.clone()));
            self.bucket_bytes[b] = bytes;
        }
        files
    }

    /// For each (number, document there before, document there after): set the frequencies
    /// of the terms that differ. Returns the buckets touched.
    fn edit_postings(
        &mut self,
        changes: &[(
            usize,
            Option<&SearchDocument<'_>>,
            Option<&SearchDocument<'_>>,
        )],
    ) -> Option<BTreeSet<usize>> {
        let mut by_term: BTreeMap<String, Vec<(u32, Option<u32>)>> = BTreeMap::new();
        for (number, old, new) in changes {
            let before = old.map(|d| doc_terms(d).into_map()).unwrap_or_default();
            let after = new.map(|d| doc_terms(d).into_map()).unwrap_or_default();
            for term in before.keys().chain(after.keys()) {
                let tf = after.get(term).copied();
                if before.get(term).copied() != tf {
                    by_term
                        .entry(term.clone())
                        .or_default()
                        .push((*number as u32, tf));
                }
            }
        }
        let mut touched = BTreeSet::new();
        for (term, mut edits) in by_term {
            edits.sort_unstable();
            edits.dedup();
            touched.insert(self.set_postings(&term, &edits)?);
        }
        Some(touched)
    }

    /// Give every posting its document's new number (`moves`, by old number; `None`: the
    /// document is gone and its postings must be too). Returns the buckets that changed.
    /// A resource dated in the past renumbers every newer one, so nearly every list: the
    /// buckets are done in parallel (the pages of the patch take the other core first).
    fn renumber(&mut self, moves: &[Option<u32>]) -> Option<BTreeSet<usize>> {
        // Numbers below the first that moves stay: a list ending before it is left as it is.
        let first_moved = moves
            .iter()
            .enumerate()
            .position(|(n, to)| *to != Some(n as u32))
            .unwrap_or(moves.len()) as u32;
        let outcomes: Vec<Option<(bool, usize)>> = self
            .buckets
            .par_iter_mut()
            .map(|bucket| renumber_bucket(bucket, moves, first_moved))
            .collect();
        let mut touched = BTreeSet::new();
        let mut estimate = 0;
        for (b, outcome) in outcomes.into_iter().enumerate() {
            let (changed, size) = outcome?;
            if changed {
                touched.insert(b);
            }
            estimate += size;
        }
        self.estimate = estimate;
        Some(touched)
    }

    /// Apply `edits` (document, new frequency or `None`: no longer has it; ascending) to one
    /// term's posting list. Returns the bucket it lives in.
    fn set_postings(&mut self, term: &str, edits: &[(u32, Option<u32>)]) -> Option<usize> {
        let bucket = bucket_of(term, self.bucket_count);
        let lists = &mut self.buckets[bucket];
        // Documents past the list's last one (a new resource of today): append, no decoding.
        if let Some(list) = lists.get_mut(term)
            && edits
                .iter()
                .all(|(doc, tf)| tf.is_some() && *doc > list.last)
        {
            self.estimate -= list.size_estimate(term);
            for (doc, tf) in edits {
                list.add(*doc, tf.unwrap_or_default());
            }
            list.settle();
            self.estimate += list.size_estimate(term);
            return Some(bucket);
        }
        let pairs = match lists.remove(term) {
            Some(list) => {
                self.estimate -= list.size_estimate(term);
                decode(&list)?
            }
            None => Vec::new(),
        };
        let merged = merge(&pairs, edits);
        if !merged.is_empty() {
            let list = PostingList::from_pairs(&merged);
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
                let paths = offline::member_paths(
                    &name,
                    self.bucket_count,
                    record_file_count(self.records.len()),
                );
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

    /// Record file `k` as it is now.
    fn record_file(&self, k: usize) -> Vec<u8> {
        let first = (k * RECORDS_PER_FILE).min(self.records.len());
        let end = (first + RECORDS_PER_FILE).min(self.records.len());
        record_file(&self.records[first..end])
    }

    /// The current bytes of an index file that the state can make again.
    fn current(&self, path: &str) -> Vec<u8> {
        let number = |prefix: &str| {
            path.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(".json"))
                .and_then(|n| n.parse::<usize>().ok())
        };
        if let Some(bucket) = number("p/") {
            self.bucket_bytes[bucket].clone()
        } else if let Some(k) = number("d/") {
            self.record_file(k)
        } else if let Some((_, bytes)) = self.columns.files().into_iter().find(|(p, _)| p == path) {
            bytes
        } else if let Some(bytes) = self.suggest.written.get(path) {
            bytes.clone()
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
                    &self.kind_names,
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

/// One bucket's lists renumbered (see `IndexState::renumber`): whether any changed, and the
/// bucket's size estimate after.
fn renumber_bucket(
    bucket: &mut Bucket,
    moves: &[Option<u32>],
    first_moved: u32,
) -> Option<(bool, usize)> {
    let mut changed = false;
    let mut estimate = 0;
    let mut emptied = Vec::new();
    for (term, list) in bucket.iter_mut() {
        if list.df > 0 && list.last < first_moved {
            estimate += list.size_estimate(term);
            continue;
        }
        let mut pairs = Vec::new();
        for (doc, tf) in decode(list)? {
            if let Some(to) = *moves.get(doc as usize)? {
                pairs.push((to, tf));
            }
        }
        let renumbered = PostingList::from_pairs(&pairs);
        if renumbered.encoded != list.encoded {
            changed = true;
            *list = renumbered;
        }
        if list.df == 0 {
            emptied.push(term.clone());
        } else {
            estimate += list.size_estimate(term);
        }
    }
    for term in emptied {
        bucket.remove(&term);
    }
    Some((changed, estimate))
}

/// Kept and new documents take every number below the new count exactly once.
fn fills_every_number(change: &Rearrangement<'_, '_>) -> bool {
    let mut taken = vec![false; change.doc_count];
    let numbers = change.moves.iter().flatten().map(|n| *n as usize);
    for n in numbers.chain(change.added.iter().map(|(n, _)| *n)) {
        match taken.get_mut(n) {
            Some(slot) if !*slot => *slot = true,
            _ => return false,
        }
    }
    taken.into_iter().all(|t| t)
}

/// A posting list back as (document, frequency) pairs.
fn decode(list: &PostingList) -> Option<Vec<(u32, u32)>> {
    decode_postings(&list.encoded)
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
