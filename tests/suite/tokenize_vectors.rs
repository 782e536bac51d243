//! The Rust tokenizer agrees with the shared vectors that `tests/js/tokenize.test.js` checks
//! against the browser tokenizer, so the index and the query side cannot drift apart.

use lectern::search::tokenize::{index_terms, query_terms};

#[derive(serde::Deserialize)]
struct Vector {
    input: String,
    query: Vec<String>,
    index: Vec<String>,
}

#[test]
fn rust_tokenizer_matches_shared_vectors() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tokenize.json"
    ))
    .unwrap();
    let vectors: Vec<Vector> = serde_json::from_str(&text).unwrap();
    assert!(vectors.len() >= 30, "expected at least 30 vectors");
    for v in vectors {
        assert_eq!(
            query_terms(&v.input),
            v.query,
            "query terms of {:?}",
            v.input
        );
        let mut index = Vec::new();
        index_terms(&v.input, |t| index.push(t.text()));
        index.sort();
        index.dedup();
        let mut expected = v.index.clone();
        expected.sort();
        assert_eq!(index, expected, "index terms of {:?}", v.input);
    }
}
