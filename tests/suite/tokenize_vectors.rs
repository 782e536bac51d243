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

#[derive(serde::Deserialize)]
struct PinyinVectors {
    texts: Vec<PinyinText>,
    queries: Vec<PinyinQuery>,
    keys: Vec<SuggestKey>,
}

#[derive(serde::Deserialize)]
struct PinyinText {
    text: String,
    index: Vec<String>,
    spelled: String,
}

#[derive(serde::Deserialize)]
struct PinyinQuery {
    query: String,
    terms: Vec<String>,
}

#[derive(serde::Deserialize)]
struct SuggestKey {
    text: String,
    key: String,
}

/// The pinyin half of the shared vectors (`tests/js/pinyin.test.js` checks the query side and
/// the suggestion keys in the browser's code).
#[test]
fn rust_pinyin_matches_shared_vectors() {
    use lectern::search::{pinyin, suggest};
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/pinyin.json"
    ))
    .unwrap();
    let vectors: PinyinVectors = serde_json::from_str(&text).unwrap();
    assert!(vectors.texts.len() >= 10 && vectors.queries.len() >= 15);
    for v in vectors.texts {
        let mut index = Vec::new();
        pinyin::index_terms(&v.text, |t| index.push(t.to_string()));
        index.sort();
        index.dedup();
        assert_eq!(index, v.index, "pinyin index terms of {:?}", v.text);
        assert_eq!(
            pinyin::spelled(&v.text),
            v.spelled,
            "syllables of {:?}",
            v.text
        );
    }
    for v in vectors.queries {
        assert_eq!(
            pinyin::query_terms(&v.query),
            v.terms,
            "pinyin query terms of {:?}",
            v.query
        );
    }
    for v in vectors.keys {
        assert_eq!(
            suggest::key_of(&v.text).unwrap_or_default(),
            v.key,
            "suggestion key of {:?}",
            v.text
        );
    }
}
