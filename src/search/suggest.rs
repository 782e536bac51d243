//! Suggestions as you type (docs/SEARCH-INDEX.md, "Suggestions"): the titles and topics, with
//! their syllables, in small files keyed by what a prefix starts with, so the first keystroke
//! fetches one file of a few kilobytes.
//!
//! An entry lies in the file of its text's first character — `sg<letter or digit>` for ASCII,
//! else `sgh<n>`, `n = fnv1a32(character) mod HASH_SHARDS` — and, when its syllables start with
//! another letter (a Chinese title), also in that letter's file, where its syllables come with
//! it. Every file exists, empty or not, so the set of files never changes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::tokenize::{fnv1a32, fold, is_cjk};

/// How many files hold the entries whose first character is not ASCII.
pub const HASH_SHARDS: u32 = 32;

/// One title or topic: its text as written, and its syllables (`pinyin::spelled`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub text: String,
    pub spelled: String,
}

impl Entry {
    pub fn new(text: &str) -> Entry {
        Entry {
            text: text.to_string(),
            spelled: super::pinyin::spelled(text),
        }
    }
}

/// The key of the file for the first character of `text` that is a letter, digit or CJK
/// character (folded as the tokenizer folds), or `None` when it has none.
pub fn key_of(text: &str) -> Option<String> {
    let c = text
        .chars()
        .map(fold)
        .find(|c| is_cjk(*c) || c.is_alphanumeric())?;
    Some(if c.is_ascii_alphanumeric() {
        c.to_string()
    } else {
        let mut buf = [0u8; 4];
        format!("h{}", fnv1a32(c.encode_utf8(&mut buf)) % HASH_SHARDS)
    })
}

/// Every file's path under `search/<gen>/`.
fn all_keys() -> Vec<String> {
    ('a'..='z')
        .chain('0'..='9')
        .map(|c| c.to_string())
        .chain((0..HASH_SHARDS).map(|n| format!("h{n}")))
        .collect()
}

pub fn path_of(key: &str) -> String {
    format!("sg{key}.json")
}

/// The suggestion files: topics (most used first), then titles in the order given (newest
/// first), each text once.
pub fn files(topics: &[Entry], titles: &[&Entry]) -> BTreeMap<String, Vec<u8>> {
    let mut shards: BTreeMap<String, (Vec<Value>, Vec<Value>)> = all_keys()
        .into_iter()
        .map(|k| (k, (Vec::new(), Vec::new())))
        .collect();
    let mut place = |entry: &Entry, topic: bool| {
        let Some(key) = key_of(&entry.text) else {
            return;
        };
        let spoken = key_of(&entry.spelled).filter(|k| *k != key && k.len() == 1);
        let ascii = key.len() == 1;
        let mut put = |key: &str, value: Value| {
            if let Some((t, r)) = shards.get_mut(key) {
                if topic { t } else { r }.push(value);
            }
        };
        if ascii {
            put(&key, json!([entry.text, entry.spelled]));
        } else {
            put(&key, json!([entry.text]));
        }
        if let Some(letter) = spoken {
            put(&letter, json!([entry.text, entry.spelled]));
        }
    };
    let mut seen = BTreeSet::new();
    for topic in topics {
        if seen.insert(("t", topic.text.as_str())) {
            place(topic, true);
        }
    }
    for title in titles {
        if seen.insert(("r", title.text.as_str())) {
            place(title, false);
        }
    }
    shards
        .into_iter()
        .map(|(key, (t, r))| {
            (
                path_of(&key),
                json!({ "t": t, "r": r }).to_string().into_bytes(),
            )
        })
        .collect()
}

/// What `serve` keeps to make the files again after a patch: every document's title entry,
/// by document number.
pub struct SuggestState {
    pub(super) titles: Vec<Entry>,
    /// The files as last written, by path.
    pub(super) written: BTreeMap<String, Vec<u8>>,
    /// The topics those files were made with.
    topics: Vec<(String, String)>,
    /// Whether a title changed, came, went or moved since: the files may differ.
    stale: bool,
}

impl SuggestState {
    pub fn new(titles: Vec<Entry>, topics: &[(String, String)]) -> SuggestState {
        let mut state = SuggestState {
            titles,
            written: BTreeMap::new(),
            topics: topics.to_vec(),
            stale: false,
        };
        state.written = state.files(topics);
        state
    }

    /// Make the files again; returns those whose bytes changed. Nothing to make when no
    /// title and no topic changed (a body edited): on a large site making them all costs
    /// most of an index patch.
    pub(super) fn refresh(&mut self, topics: &[(String, String)]) -> Vec<(String, Vec<u8>)> {
        if !self.stale && self.topics == topics {
            return Vec::new();
        }
        let mut changed = Vec::new();
        for (path, bytes) in self.files(topics) {
            if self.written.get(&path) != Some(&bytes) {
                self.written.insert(path.clone(), bytes.clone());
                changed.push((path, bytes));
            }
        }
        self.topics = topics.to_vec();
        self.stale = false;
        changed
    }

    /// The files for these topics (as (name, slug), most used first).
    pub fn files(&self, topics: &[(String, String)]) -> BTreeMap<String, Vec<u8>> {
        let topics: Vec<Entry> = topics.iter().map(|(name, _)| Entry::new(name)).collect();
        // Newest first: the highest document number first.
        let titles: Vec<&Entry> = self.titles.iter().rev().collect();
        files(&topics, &titles)
    }

    /// `count` documents, each old one at its new number (`moves`, by old number; `None`:
    /// gone); the new ones are set next by `set`.
    pub(super) fn rearrange(&mut self, moves: &[Option<u32>], count: usize) {
        let kept_in_place = moves.iter().enumerate().all(|(n, to)| match to {
            Some(to) => *to as usize == n,
            None => true,
        });
        if count == self.titles.len() && kept_in_place {
            return; // the documents that leave are replaced at their numbers by `set`
        }
        self.stale = true;
        let mut out = vec![
            Entry {
                text: String::new(),
                spelled: String::new()
            };
            count
        ];
        for (old, entry) in std::mem::take(&mut self.titles).into_iter().enumerate() {
            if let Some(slot) = moves
                .get(old)
                .copied()
                .flatten()
                .and_then(|to| out.get_mut(to as usize))
            {
                *slot = entry;
            }
        }
        self.titles = out;
    }

    pub(super) fn set(&mut self, n: usize, title: &str) {
        if let Some(slot) = self.titles.get_mut(n)
            && slot.text != title
        {
            *slot = Entry::new(title);
            self.stale = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(files: &BTreeMap<String, Vec<u8>>, key: &str) -> Value {
        serde_json::from_slice(&files[&path_of(key)]).unwrap()
    }

    #[test]
    fn a_chinese_title_lies_under_its_character_and_its_letter() {
        let topic = Entry::new("情绪管理");
        let title = Entry::new("《防溺水》安全教育");
        let latin = Entry::new("Python 入门");
        let files = files(&[topic], &[&title, &latin]);
        assert_eq!(files.len(), 36 + HASH_SHARDS as usize);
        let q = parse(&files, "q");
        assert_eq!(q["t"], json!([["情绪管理", "qing xu guan li"]]));
        let h = key_of("情").unwrap();
        assert_eq!(parse(&files, &h)["t"], json!([["情绪管理"]]));
        assert_eq!(key_of("《防溺水》"), key_of("防"));
        assert_eq!(
            parse(&files, "f")["r"],
            json!([["《防溺水》安全教育", "fang ni shui an quan jiao yu"]])
        );
        assert_eq!(
            parse(&files, "p")["r"],
            json!([["Python 入门", "python ru men"]])
        );
        assert_eq!(parse(&files, "z"), json!({ "t": [], "r": [] }));
    }

    #[test]
    fn each_text_once_in_the_order_given() {
        let (a, b) = (Entry::new("心理委员"), Entry::new("心理健康"));
        let files = files(&[], &[&a, &b, &a]);
        assert_eq!(
            parse(&files, "x")["r"],
            json!([
                ["心理委员", "xin li wei yuan"],
                ["心理健康", "xin li jian kang"]
            ])
        );
    }
}
