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

#[derive(serde::Deserialize)]
struct QueryWords {
    grades: Vec<GradeVector>,
    fallback: Vec<FallbackVector>,
    questions: Vec<QuestionVector>,
    kinds: Vec<KindVector>,
    word_parts: Vec<PartsVector>,
}

#[derive(serde::Deserialize)]
struct PartsVector {
    input: String,
    parts: Option<(String, String)>,
}

#[derive(serde::Deserialize)]
struct KindVector {
    input: String,
    kinds: Vec<u8>,
    rest: Vec<String>,
}

#[derive(serde::Deserialize)]
struct QuestionVector {
    input: String,
    rest: Vec<String>,
}

#[derive(serde::Deserialize)]
struct GradeVector {
    input: String,
    grades: Vec<u8>,
    stages: Vec<String>,
    rest: Vec<String>,
    /// The term named with a grade (1 上, 2 下); absent for none.
    #[serde(default)]
    term: u8,
}

#[derive(serde::Deserialize)]
struct FallbackVector {
    input: String,
    index_has: Vec<String>,
    fallback: Vec<String>,
}

/// Grade words and single-character fallbacks agree with the vectors that
/// `tests/js/query.test.js` checks against the browser's module 45.
#[test]
fn rust_query_words_match_shared_vectors() {
    use lectern::search::query_words::{
        drop_question_words, fallback_chars, grade_words, kind_words, query_runs, word_parts,
    };
    use lectern::search::tokenize::fold;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/query-words.json"
    ))
    .unwrap();
    let vectors: QueryWords = serde_json::from_str(&text).unwrap();
    assert!(vectors.grades.len() >= 20 && vectors.fallback.len() >= 5);
    for v in vectors.grades {
        let folded: String = v.input.chars().map(fold).collect();
        let words = grade_words(&folded);
        assert_eq!(words.grades, v.grades, "grades of {:?}", v.input);
        assert_eq!(words.stages, v.stages, "stages of {:?}", v.input);
        assert_eq!(words.term, v.term, "term of {:?}", v.input);
        assert_eq!(query_terms(&words.rest), v.rest, "rest of {:?}", v.input);
    }
    assert!(vectors.questions.len() >= 5);
    for v in vectors.questions {
        let folded: String = v.input.chars().map(fold).collect();
        assert_eq!(
            query_terms(&drop_question_words(&folded)),
            v.rest,
            "question words of {:?}",
            v.input
        );
    }
    assert!(vectors.kinds.len() >= 5);
    for v in vectors.kinds {
        let folded: String = v.input.chars().map(fold).collect();
        let (rest, kinds) = kind_words(&folded);
        assert_eq!(kinds, v.kinds, "kinds of {:?}", v.input);
        assert_eq!(query_terms(&rest), v.rest, "rest of {:?}", v.input);
    }
    for v in vectors.word_parts {
        assert_eq!(word_parts(&v.input), v.parts, "parts of {:?}", v.input);
    }
    for v in vectors.fallback {
        let has = |t: &str| v.index_has.iter().any(|h| h == t);
        let chars: Vec<String> = fallback_chars(&query_runs(&v.input), has)
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(chars, v.fallback, "fallback of {:?}", v.input);
    }
}
