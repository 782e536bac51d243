//! Query words the browser reads before ranking (`search/45-query.js`): grade and stage words
//! (七年级, 初一, 高中, grade 7), which boost a grade instead of matching digits in text, and the
//! single characters a query falls back to when the index never saw them in a pair. The browser
//! does this work; this copy exists so the shared vectors (`tests/fixtures/query-words.json`)
//! prove that both sides read a query alike, and it follows the script's regular expressions
//! step by step.

use super::tokenize::Run;

/// A query's grade and stage words, taken out of its text.
#[derive(Debug, PartialEq, Eq)]
pub struct GradeWords {
    /// The query with each grade or stage word replaced by a space.
    pub rest: String,
    /// Grades 1–12 named, ascending.
    pub grades: Vec<u8>,
    /// Stage words as typed (小学, 初中, 高中), in order.
    pub stages: Vec<String>,
    /// The term a grade word names with it (七年级上册, 七上, 高一下学期): 1 or 2; 0 for none.
    pub term: u8,
}

const STAGES: [(&str, u8); 3] = [("小学", 1), ("初中", 7), ("高中", 10)];

fn numeral(c: char) -> Option<u8> {
    "一二三四五六七八九"
        .chars()
        .position(|n| n == c)
        .map(|i| i as u8 + 1)
}

/// The script's `[^\u3400-\u9fff]` boundary: a character that is not a common CJK one.
fn is_boundary(c: Option<&char>) -> bool {
    c.is_none_or(|c| !matches!(*c as u32, 0x3400..=0x9FFF))
}

fn at(chars: &[char], i: usize, word: &str) -> bool {
    word.chars()
        .enumerate()
        .all(|(k, w)| chars.get(i + k) == Some(&w))
}

/// `十[一二]?|[一二三四五六七八九]|1[0-2]|[1-9]` at `i`, in the regex's order of preference:
/// (value, length) candidates.
fn numerals_at(chars: &[char], i: usize) -> Vec<(u8, usize)> {
    let mut out = Vec::new();
    let c = chars.get(i).copied();
    let next = chars.get(i + 1).copied();
    if c == Some('十') {
        if let Some(n @ 1..=2) = next.and_then(numeral) {
            out.push((10 + n, 2));
        }
        out.push((10, 1));
    }
    if let Some(n) = c.and_then(numeral) {
        out.push((n, 1));
    }
    if c == Some('1')
        && let Some(d @ '0'..='2') = next
    {
        out.push((10 + (d as u8 - b'0'), 2));
    }
    if let Some(d @ '1'..='9') = c {
        out.push((d as u8 - b'0', 1));
    }
    out
}

/// `(小学|初中|高中)?(numeral)(年级|年級)` at `i`: (grade, length).
fn grade_at(chars: &[char], i: usize) -> Option<(u8, usize)> {
    let stage = STAGES.iter().find(|(word, _)| at(chars, i, word));
    let starts = stage
        .map(|s| (Some(*s), i + 2))
        .into_iter()
        .chain([(None, i)]);
    for (stage, from) in starts {
        for (n, len) in numerals_at(chars, from) {
            if at(chars, from + len, "年级") || at(chars, from + len, "年級") {
                let grade = match stage {
                    Some((word, first)) if n <= 3 && word != "小学" => n + first - 1,
                    _ => n,
                };
                let end = from + len + 2;
                let term = term_at(chars, end).or_else(|| {
                    let bare = matches!(chars.get(end), Some('上' | '下'))
                        && is_boundary(chars.get(end + 1));
                    bare.then_some(1)
                });
                return Some((grade, end + term.unwrap_or(0) - i));
            }
        }
    }
    None
}

/// The script's `TERM`, `[上下](?:册|冊|学期|學期)|全一[册冊]`, at `i`: its length.
fn term_at(chars: &[char], i: usize) -> Option<usize> {
    if matches!(chars.get(i), Some('上' | '下')) {
        if matches!(chars.get(i + 1), Some('册' | '冊')) {
            return Some(2);
        }
        if at(chars, i + 1, "学期") || at(chars, i + 1, "學期") {
            return Some(3);
        }
    }
    (at(chars, i, "全一") && matches!(chars.get(i + 2), Some('册' | '冊'))).then_some(3)
}

/// The script's `VOLUME_RE` at `i`: a junior grade's volume (七上, 八下册) as (grade, length);
/// not in 七上八下 (an idiom), nor after 十, 第 or a digit, nor before 午来去面边.
fn volume_at(chars: &[char], i: usize) -> Option<(u8, usize)> {
    let grade = match chars.get(i) {
        Some('七') => 7,
        Some('八') => 8,
        Some('九') => 9,
        _ => return None,
    };
    let after_idiom = i >= 2 && at(chars, i - 2, "七上八下");
    let before = i.checked_sub(1).and_then(|b| chars.get(b));
    if at(chars, i, "七上八下")
        || after_idiom
        || matches!(before, Some('十' | '第'))
        || before.is_some_and(char::is_ascii_digit)
        || !matches!(chars.get(i + 1), Some('上' | '下'))
    {
        return None;
    }
    let len = if matches!(chars.get(i + 2), Some('册' | '冊')) {
        3
    } else {
        2
    };
    let next = chars.get(i + len);
    (!matches!(next, Some('午' | '来' | '去' | '面' | '边'))).then_some((grade, len))
}

/// `([初高])([一二三])` at `i`: the grade it names.
fn short_numeral_at(chars: &[char], i: usize) -> Option<u8> {
    let offset = match chars.get(i) {
        Some('初') => 6,
        Some('高') => 9,
        _ => return None,
    };
    let n = chars
        .get(i + 1)
        .copied()
        .and_then(numeral)
        .filter(|n| *n <= 3)?;
    Some(n + offset)
}

/// `(^|[^CJK])([初高])([一二三])(?:TERM|(?![点些下样般]))` at `i` (the boundary already
/// checked): (grade, length).
fn short_grade_at(chars: &[char], i: usize) -> Option<(u8, usize)> {
    let grade = short_numeral_at(chars, i)?;
    if let Some(term) = term_at(chars, i + 2) {
        return Some((grade, 2 + term));
    }
    let next = chars.get(i + 2).copied();
    (!matches!(next, Some('点' | '些' | '下' | '样' | '般'))).then_some((grade, 2))
}

/// `([初高])([一二三])(?=学生|新生|的)` at `i`: grade (适合初三学生, 一节高二的课).
fn short_grade_in_context_at(chars: &[char], i: usize) -> Option<u8> {
    let grade = short_numeral_at(chars, i)?;
    (at(chars, i + 2, "学生") || at(chars, i + 2, "新生") || at(chars, i + 2, "的"))
        .then_some(grade)
}

/// `(^|[^CJK])(?:小学)?(低中|中高|[低中高])(?:年级|年級|年段|学段)` at `i` (the boundary
/// already checked): (first grade, last grade, length).
fn band_at(chars: &[char], i: usize) -> Option<(u8, u8, usize)> {
    let from = if at(chars, i, "小学") { i + 2 } else { i };
    let bands: [(&str, u8, u8); 5] = [
        ("低中", 1, 4),
        ("中高", 3, 6),
        ("低", 1, 2),
        ("中", 3, 4),
        ("高", 5, 6),
    ];
    for (word, first, last) in bands {
        let end = from + word.chars().count();
        if at(chars, from, word)
            && ["年级", "年級", "年段", "学段"]
                .iter()
                .any(|s| at(chars, end, s))
        {
            return Some((first, last, end + 2 - i));
        }
    }
    None
}

fn is_ascii_word(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
}

/// `1[0-2]|[1-9]` at `i` followed by a word boundary (JavaScript's ASCII `\b`).
fn latin_number_at(chars: &[char], i: usize) -> Option<(u8, usize)> {
    numerals_at(chars, i)
        .into_iter()
        .filter(|(_, len)| chars[i..i + len].iter().all(char::is_ascii_digit))
        .find(|(_, len)| !is_ascii_word(chars.get(i + len)))
}

/// `\bgrade\s*N\b|\bN(st|nd|rd|th)?\s*grade\b` at `i`: (grade, length).
fn latin_grade_at(chars: &[char], i: usize) -> Option<(u8, usize)> {
    if i > 0 && is_ascii_word(chars.get(i - 1)) {
        return None;
    }
    let spaces = |mut j: usize| {
        while chars.get(j).is_some_and(|c| c.is_whitespace()) {
            j += 1;
        }
        j
    };
    if at(chars, i, "grade") {
        let j = spaces(i + 5);
        if let Some((n, len)) = latin_number_at(chars, j) {
            return Some((n, j + len - i));
        }
    }
    for (n, len) in numerals_at(chars, i) {
        if !chars[i..i + len].iter().all(char::is_ascii_digit) {
            continue;
        }
        let after = i + len;
        let suffixed = ["st", "nd", "rd", "th"]
            .iter()
            .find(|s| at(chars, after, s))
            .map(|_| after + 2);
        for end in suffixed.into_iter().chain([after]) {
            let j = spaces(end);
            if at(chars, j, "grade") && !is_ascii_word(chars.get(j + 5)) {
                return Some((n, j + 5 - i));
            }
        }
    }
    None
}

/// One pass of the script's `replace`: `found(chars, i)` gives the length of a match at `i`
/// (after its one-character boundary, when it has one) and records it; a match becomes a space.
fn replace(chars: &[char], mut found: impl FnMut(&[char], usize) -> Option<usize>) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        match found(chars, i) {
            Some(len) => {
                out.push(' ');
                i += len;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// The script's `SELF_RE`: a teacher introducing themselves (我是一名初中心理老师) becomes what
/// lies between, spaced (` 初中心理 `): it names the stage and the course; the rest is no word
/// a resource holds.
fn drop_self_intro(chars: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some((middle, end)) = self_intro_at(chars, i) {
            out.push(' ');
            out.extend_from_slice(&chars[middle]);
            out.push(' ');
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// `(?:我是|我们是|作为)(?:一[名位个])?([CJK]{0,10}?)(?:老师|教师)们?` at `i`: the range of the
/// middle, and where the match ends.
fn self_intro_at(chars: &[char], i: usize) -> Option<(std::ops::Range<usize>, usize)> {
    let opener = ["我是", "我们是", "作为"]
        .into_iter()
        .find(|w| at(chars, i, w))?;
    let mut start = i + opener.chars().count();
    if chars.get(start) == Some(&'一') && matches!(chars.get(start + 1), Some('名' | '位' | '个'))
    {
        start += 2;
    }
    for len in 0..=10 {
        let j = start + len;
        if at(chars, j, "老师") || at(chars, j, "教师") {
            let end = if chars.get(j + 2) == Some(&'们') {
                j + 3
            } else {
                j + 2
            };
            return Some((start..j, end));
        }
        if is_boundary(chars.get(j)) {
            return None;
        }
    }
    None
}

/// The grade and stage words of a folded query (see `GradeWords`).
pub fn grade_words(folded: &str) -> GradeWords {
    let mut grades: Vec<u8> = Vec::new();
    let mut stages: Vec<String> = Vec::new();
    let mut term = 0;
    // A grade word's text holds 上 or 下 only as its term (上册, 上学期, 七上).
    let mut volume = |written: &[char]| {
        if written.contains(&'上') {
            term = 1;
        } else if written.contains(&'下') {
            term = 2;
        }
    };
    let mut grade = |n: u8| {
        if (1..=12).contains(&n) && !grades.contains(&n) {
            grades.push(n);
        }
    };
    let chars: Vec<char> = folded.chars().collect();
    let chars = drop_self_intro(&chars);
    let chars = replace(&chars, |c, i| {
        let (n, len) = grade_at(c, i)?;
        grade(n);
        volume(&c[i..i + len]);
        Some(len)
    });
    let chars = replace(&chars, |c, i| {
        let (n, len) = volume_at(c, i)?;
        grade(n);
        volume(&c[i..i + len]);
        Some(len)
    });
    let chars = replace(&chars, |c, i| {
        if !(i == 0 || is_boundary(c.get(i - 1))) {
            return None;
        }
        let (first, last, len) = band_at(c, i)?;
        (first..=last).for_each(&mut grade);
        Some(len)
    });
    let chars = replace(&chars, |c, i| {
        let boundary = i == 0 || is_boundary(c.get(i - 1));
        let (n, len) = short_grade_at(c, i).filter(|_| boundary)?;
        grade(n);
        volume(&c[i..i + len]);
        Some(len)
    });
    let chars = replace(&chars, |c, i| {
        let n = short_grade_in_context_at(c, i)?;
        grade(n);
        Some(2)
    });
    let chars = replace(&chars, |c, i| {
        if !(i == 0 || is_boundary(c.get(i - 1))) {
            return None;
        }
        let (word, _) = STAGES.iter().find(|(word, _)| at(c, i, word))?;
        if !stages.iter().any(|s| s == word) {
            stages.push(word.to_string());
        }
        // 高中生 is the stage too when nothing CJK, or 的, follows (高中生物 is 高中 + 生物)
        let student = c.get(i + 2) == Some(&'生')
            && (is_boundary(c.get(i + 3)) || c.get(i + 3) == Some(&'的'));
        Some(if student { 3 } else { 2 })
    });
    let chars = replace(&chars, |c, i| {
        latin_grade_at(c, i).map(|(n, len)| (grade(n), len).1)
    });
    grades.sort_unstable();
    GradeWords {
        rest: chars.into_iter().collect(),
        grades,
        stages,
        term,
    }
}

/// The words that ask or request rather than name, longest first where one starts another
/// (the script's `QUESTION_RE` without its last alternative, a final 吗 or 呢).
const QUESTION_WORDS: [&str; 42] = [
    "下周要上",
    "下星期要上",
    "明天要上",
    "下周",
    "下星期",
    "可以参考的",
    "可以参考",
    "供参考的",
    "供参考",
    "公开课",
    "示范课",
    "优质课",
    "观摩课",
    "研讨课",
    "怎么办",
    "怎么样",
    "怎么做",
    "怎么",
    "怎样",
    "如何",
    "有没有",
    "有哪些",
    "哪些",
    "请问",
    "我想找",
    "我想要",
    "我要找",
    "帮我找",
    "想找",
    "请推荐",
    "推荐",
    "关于",
    "有关",
    "针对",
    "适用于",
    "适合",
    "面向",
    "找一节",
    "找一堂",
    "找一份",
    "找一篇",
    "一些",
];

/// A folded query without its question words (怎么办, 如何, 有没有, 请问, a 吗 or 呢 not before
/// another CJK character), each replaced by a space; a query of nothing else is left as it is.
pub fn drop_question_words(folded: &str) -> String {
    let chars: Vec<char> = folded.chars().collect();
    let rest = replace(&chars, |c, i| {
        if let Some(w) = QUESTION_WORDS.iter().find(|w| at(c, i, w)) {
            return Some(w.chars().count());
        }
        // 一节, 几节, 一份, 一堂, 一篇 (how many), but not in 第一节 (the script's `ONE_RE`)
        if matches!(c[i], '一' | '几')
            && matches!(c.get(i + 1), Some('节' | '堂' | '份' | '篇'))
            && (i == 0 || c[i - 1] != '第')
        {
            return Some(2);
        }
        (matches!(c[i], '吗' | '呢') && is_boundary(c.get(i + 1))).then_some(1)
    });
    if names_something(&rest) {
        rest.into_iter().collect()
    } else {
        folded.to_string()
    }
}

/// Words naming a kind of resource, found where no CJK character follows (the script's
/// `KIND_RE`, first group), with the kind's index (0 lesson, 1 video, 2 review).
const KIND_WORDS: [(&str, u8); 9] = [
    ("课堂视频", 1),
    ("课堂实录", 1),
    ("课堂录像", 1),
    ("微课", 1),
    ("评课记录", 2),
    ("说课稿", 2),
    ("评课稿", 2),
    ("教学设计", 0),
    ("教案", 0),
];

/// …and those found only after a character that is not CJK, since they also end other words
/// (短视频, 听说课); 说课 not before 稿, 评课 not before 记录 or 稿 (the long forms above).
const SHORT_KIND_WORDS: [(&str, u8); 5] = [
    ("视频", 1),
    ("实录", 1),
    ("录像", 1),
    ("说课", 2),
    ("评课", 2),
];

/// A folded query's kind words: (the query with each replaced by a space, kind indexes
/// ascending). A query of nothing else keeps them as text and names no kind.
pub fn kind_words(folded: &str) -> (String, Vec<u8>) {
    let mut kinds: Vec<u8> = Vec::new();
    let chars = split_kind_and(folded.chars().collect());
    let rest = replace(&chars, |c, i| {
        // not where a CJK character follows: 微课制作 is a subject
        let long = KIND_WORDS
            .iter()
            .find(|(w, _)| at(c, i, w) && is_boundary(c.get(i + w.chars().count())));
        let short = || {
            let boundary = i == 0 || is_boundary(c.get(i - 1));
            let (w, k) = SHORT_KIND_WORDS.iter().find(|(w, _)| at(c, i, w))?;
            let end = i + w.chars().count();
            let longer = match *w {
                "说课" => at(c, end, "稿"),
                "评课" => at(c, end, "记录") || at(c, end, "稿"),
                _ => false,
            };
            (boundary && !longer).then_some((*w, *k))
        };
        let (word, kind) = long.copied().or_else(short)?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
        Some(word.chars().count())
    });
    let rest = tail_kind_word(rest, &mut kinds);
    if !names_something(&rest) {
        return (folded.to_string(), Vec::new());
    }
    kinds.sort_unstable();
    (rest.into_iter().collect(), kinds)
}

/// 教学设计和评课, 教案与课件: a 和, 与, 及 or 或 right after a kind word and before a CJK
/// character becomes a space, so both words stand apart (the script's `KIND_AND_RE`).
fn split_kind_and(mut chars: Vec<char>) -> Vec<char> {
    let words = KIND_WORDS
        .iter()
        .chain(SHORT_KIND_WORDS.iter())
        .map(|(w, _)| *w);
    let ends: Vec<usize> = (0..chars.len())
        .filter_map(|i| {
            let word = words.clone().find(|w| at(&chars, i, w))?;
            Some(i + word.chars().count())
        })
        .collect();
    for end in ends {
        if matches!(chars.get(end), Some('和' | '与' | '及' | '或'))
            && !is_boundary(chars.get(end + 1))
        {
            chars[end] = ' ';
        }
    }
    chars
}

/// A short kind word ending the query right after a CJK character (考试焦虑视频), except as the
/// end of 短视频 or 听说课: replaced by a space (the script's `TAIL_KIND_RE`).
fn tail_kind_word(mut rest: Vec<char>, kinds: &mut Vec<u8>) -> Vec<char> {
    let end = rest.len() - rest.iter().rev().take_while(|c| c.is_whitespace()).count();
    let is_cjk = |c: char| matches!(c as u32, 0x3400..=0x9FFF);
    for (word, kind) in SHORT_KIND_WORDS {
        let len = word.chars().count();
        if end < len + 1 || !at(&rest, end - len, word) {
            continue;
        }
        let before = rest[end - len - 1];
        if !is_cjk(before) || before == '短' || before == '听' {
            return rest;
        }
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
        rest.truncate(end - len);
        rest.push(' ');
        return rest;
    }
    rest
}

/// The script's `/[\u3400-\u9fff\w]/`: whether a text has a CJK or an ASCII word character.
fn names_something(chars: &[char]) -> bool {
    chars
        .iter()
        .any(|c| matches!(*c as u32, 0x3400..=0x9FFF) || c.is_ascii_alphanumeric() || *c == '_')
}

/// The single characters of a query's CJK pairs that the index never saw in a pair with their
/// neighbours, once each, in order. `terms` are the query's terms with their run number
/// (`query_runs`); `has(term)` says whether the index holds a term.
pub fn fallback_chars(terms: &[(String, usize)], has: impl Fn(&str) -> bool) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for (i, (term, run)) in terms.iter().enumerate() {
        let chars: Vec<char> = term.chars().collect();
        if chars.len() != 2 || !super::tokenize::is_cjk(chars[0]) || has(term) {
            continue;
        }
        let neighbour_missing = |j: Option<usize>| {
            j.and_then(|j| terms.get(j))
                .filter(|(_, r)| r == run)
                .is_none_or(|(t, _)| !has(t))
        };
        let left = neighbour_missing(i.checked_sub(1));
        let right = neighbour_missing(Some(i + 1));
        for (wanted, c) in [(left, chars[0]), (right, chars[1])] {
            if wanted && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

/// A word of ASCII letters then digits, or digits then letters (`unit3`, `3a`), as its two
/// parts (the script's `wordParts`): a query's word the index lacks is also tried so.
pub fn word_parts(term: &str) -> Option<(String, String)> {
    let cut =
        term.find(|c: char| c.is_ascii_digit() != term.starts_with(|c: char| c.is_ascii_digit()))?;
    let (a, b) = term.split_at(cut);
    let letters = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_lowercase());
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    ((letters(a) && digits(b)) || (digits(a) && letters(b))).then(|| (a.to_string(), b.to_string()))
}

/// A query's terms with the number of the run each comes from (the script's `group`).
pub fn query_runs(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut run = 0;
    // The same terms as `tokenize::query_terms`, run by run.
    super::tokenize::runs(text, |r| {
        let terms: Vec<String> = match r {
            Run::Word(w) => vec![w],
            Run::Cjk(chars) if chars.len() == 1 => vec![chars[0].to_string()],
            Run::Cjk(chars) => chars.windows(2).map(|w| w.iter().collect()).collect(),
        };
        out.extend(terms.into_iter().map(|t| (t, run)));
        run += 1;
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_words_become_grades_and_leave_the_rest() {
        let g = grade_words("7年级 情绪");
        assert_eq!(g.grades, [7]);
        assert_eq!(g.rest.trim(), "情绪");
        assert_eq!(grade_words("初中二年级").grades, [8]);
        assert_eq!(grade_words("高三 考试").grades, [12]);
        assert_eq!(grade_words("小学三年级").grades, [3]);
        assert_eq!(grade_words("grade 10").grades, [10]);
        assert_eq!(grade_words("9th grade").grades, [9]);
        assert_eq!(grade_words("高中心理").stages, ["高中"]);
    }

    #[test]
    fn grade_like_text_inside_words_is_left_alone() {
        for text in ["提高一点注意力", "grade13", "最高一"] {
            let g = grade_words(text);
            assert!(g.grades.is_empty() && g.stages.is_empty(), "{text}: {g:?}");
            assert_eq!(g.rest, text);
        }
    }

    #[test]
    fn characters_never_seen_in_a_pair_fall_back() {
        let has = |t: &str| ["校园", "欺凌"].contains(&t);
        assert_eq!(fallback_chars(&query_runs("校园霸凌"), has), ['霸', '凌']);
        assert_eq!(
            fallback_chars(&query_runs("校园欺凌"), has),
            Vec::<char>::new()
        );
    }
}
