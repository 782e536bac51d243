//! Which index files a browser fetches for a first query, read back from a built output — for
//! the bytes-a-visitor-pays line (`crate::weight`). It follows the search page's steps: the
//! manifest, `facets.json`, the postings bucket of every query term, then the records of the
//! ten results it shows. Ranking is the browser's; here the ten are the documents with the
//! highest weighted frequency of the query's first term (newest first among equals), which
//! costs the same bytes as any ten records.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::codec::decode_postings;
use super::index::{bucket_of, record_path};
use super::tokenize::query_terms;

/// Results the search page shows at first (`PAGE_SIZE` in `90-page.js`).
const SHOWN: usize = 10;

/// The query the line measures: the most used topic (first in the manifest's list), else the
/// first course's name. `None` for an empty index.
pub fn first_query(out: &Path) -> Option<String> {
    let manifest = read_manifest(out).ok()?;
    let name = |list: &str| {
        manifest[list]
            .as_array()
            .and_then(|l| l.first())
            .and_then(|t| t["name"].as_str())
            .map(str::to_string)
    };
    name("topics").or_else(|| name("courses"))
}

fn read_manifest(out: &Path) -> Result<Value, String> {
    let path = out.join(super::MANIFEST_PATH);
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// The index files (paths in `out`) that `query` downloads, in the order the page asks.
pub fn query_files(out: &Path, query: &str) -> Result<Vec<PathBuf>, String> {
    let manifest = read_manifest(out)?;
    let generation = manifest["gen"].as_str().unwrap_or_default();
    let buckets = manifest["buckets"].as_u64().unwrap_or(0) as u32;
    let base = out.join("search").join(generation);
    let mut files = vec![
        out.join(super::MANIFEST_PATH),
        base.join(super::index::FACETS),
    ];
    let terms = query_terms(query);
    if buckets == 0 || terms.is_empty() {
        return Ok(files);
    }
    let wanted: BTreeSet<usize> = terms.iter().map(|t| bucket_of(t, buckets)).collect();
    for b in &wanted {
        files.push(base.join(super::index::bucket_path(*b as u32)));
    }
    let first = base.join(super::index::bucket_path(
        bucket_of(&terms[0], buckets) as u32
    ));
    let postings: Value = std::fs::read(&first)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    let mut docs = top_documents(&postings[&terms[0]]);
    docs.truncate(SHOWN);
    let records: BTreeSet<String> = docs.into_iter().map(record_path).collect();
    files.extend(records.into_iter().map(|r| base.join(r)));
    Ok(files)
}

/// `[df, "postings"]` → document numbers by tf, highest first, then newest first.
fn top_documents(entry: &Value) -> Vec<usize> {
    let Some(pairs) = entry[1].as_str().and_then(decode_postings) else {
        return Vec::new();
    };
    let mut scored: Vec<(u32, u32)> = pairs.into_iter().map(|(doc, tf)| (tf, doc)).collect();
    scored.sort_unstable_by(|a, b| b.cmp(a));
    scored.into_iter().map(|(_, d)| d as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_documents_rank_by_tf_then_newest() {
        let mut encoded = String::new();
        for v in [3, 1, 2, 9, 1, 9] {
            super::super::codec::push_varint(&mut encoded, v);
        }
        // documents 3 (tf 1), 5 (tf 9), 6 (tf 9)
        let entry = serde_json::json!([3, encoded]);
        assert_eq!(top_documents(&entry), [6, 5, 3]);
        assert!(top_documents(&Value::Null).is_empty());
    }
}
