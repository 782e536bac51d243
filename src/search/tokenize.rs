//! The tokenizer shared with the browser (`static/search.js`); both follow docs/SEARCH-INDEX.md
//! and are checked against the same vectors (`tests/fixtures/tokenize.json`). Chinese is indexed
//! as character unigrams and bigrams, so any query of one or more characters finds every
//! document containing it — no dictionary that the browser would have to reproduce.

/// Longest word run kept, in characters.
pub const MAX_WORD_CHARS: usize = 32;

/// Full-width ASCII → ASCII, ideographic space → space, then a one-to-one lower-casing;
/// traditional CJK characters → simplified (see `variants`).
pub fn fold(c: char) -> char {
    // Fast paths for the two commonest cases: the result is the same, the work is not.
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if is_cjk(c) {
        return super::variants::simplified(c);
    }
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF
        | 0x3040..=0x30FF | 0xAC00..=0xD7AF)
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A maximal run of CJK characters or of word characters, already folded.
#[derive(Debug, PartialEq, Eq)]
pub enum Run {
    Cjk(Vec<char>),
    Word(String),
}

/// Split folded text into runs; separators are dropped.
pub fn runs(text: &str, mut each: impl FnMut(Run)) {
    let mut cjk: Vec<char> = Vec::new();
    let mut word = String::new();
    let mut word_chars = 0;
    let flush = |cjk: &mut Vec<char>,
                 word: &mut String,
                 word_chars: &mut usize,
                 each: &mut dyn FnMut(Run)| {
        if !cjk.is_empty() {
            each(Run::Cjk(std::mem::take(cjk)));
        }
        if !word.is_empty() {
            each(Run::Word(std::mem::take(word)));
        }
        *word_chars = 0;
    };
    for c in text.chars().map(fold) {
        if is_cjk(c) {
            if !word.is_empty() {
                flush(&mut cjk, &mut word, &mut word_chars, &mut each);
            }
            cjk.push(c);
        } else if is_word(c) {
            if !cjk.is_empty() {
                flush(&mut cjk, &mut word, &mut word_chars, &mut each);
            }
            if word_chars < MAX_WORD_CHARS {
                word.push(c);
                word_chars += 1;
            }
        } else {
            flush(&mut cjk, &mut word, &mut word_chars, &mut each);
        }
    }
    flush(&mut cjk, &mut word, &mut word_chars, &mut each);
}

/// An index term without allocating for the common (CJK) case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    Uni(char),
    Bi(char, char),
    Word(Box<str>),
}

impl Term {
    pub fn text(&self) -> String {
        match self {
            Term::Uni(a) => a.to_string(),
            Term::Bi(a, b) => [*a, *b].iter().collect(),
            Term::Word(w) => w.to_string(),
        }
    }
}

/// Every index term occurrence of `text`, in order (build side).
pub fn index_terms(text: &str, mut each: impl FnMut(Term)) {
    runs(text, |run| match run {
        Run::Word(w) => each(Term::Word(w.into_boxed_str())),
        Run::Cjk(chars) => {
            for (i, c) in chars.iter().enumerate() {
                each(Term::Uni(*c));
                if let Some(next) = chars.get(i + 1) {
                    each(Term::Bi(*c, *next));
                }
            }
        }
    });
}

/// The terms of a query, in order (browser side; here for tests and the vectors).
pub fn query_terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    runs(text, |run| match run {
        Run::Word(w) => terms.push(w),
        Run::Cjk(chars) if chars.len() == 1 => terms.push(chars[0].to_string()),
        Run::Cjk(chars) => terms.extend(chars.windows(2).map(|w| w.iter().collect::<String>())),
    });
    terms
}

/// FNV-1a, 32-bit, over UTF-8: which bucket file holds a term.
pub fn fnv1a32(text: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_index_terms(text: &str) -> Vec<String> {
        let mut terms = Vec::new();
        index_terms(text, |t| terms.push(t.text()));
        terms.sort();
        terms.dedup();
        terms
    }

    #[test]
    fn chinese_unigrams_and_bigrams() {
        assert_eq!(
            all_index_terms("情绪管理"),
            ["情", "情绪", "理", "管", "管理", "绪", "绪管"]
        );
        assert_eq!(query_terms("考试焦虑"), ["考试", "试焦", "焦虑"]);
        assert_eq!(query_terms("梦"), ["梦"]);
    }

    #[test]
    fn traditional_is_indexed_as_simplified() {
        assert_eq!(all_index_terms("考試焦慮"), all_index_terms("考试焦虑"));
        assert_eq!(query_terms("情緒管理"), ["情绪", "绪管", "管理"]);
    }

    #[test]
    fn latin_is_folded() {
        assert_eq!(query_terms("ＡＤＨＤ与Python3"), ["adhd", "与", "python3"]);
        assert_eq!(query_terms("!!! 🙂 。"), Vec::<String>::new());
        assert_eq!(query_terms(&"a".repeat(40)), ["a".repeat(32)]);
    }

    #[test]
    fn fnv_matches_reference_values() {
        assert_eq!(fnv1a32(""), 0x811c9dc5);
        assert_eq!(fnv1a32("a"), 0xe40c292c);
    }
}
