//! The typed content model: what a lesson, a video and a review are once their front matter has been
//! checked. Values here are already valid (real dates, grades in range); cross-references are
//! still ids, resolved by `catalog`.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, de};

use crate::diagnostics::Diagnostic;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Lesson,
    Video,
    Review,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Lesson, Kind::Video, Kind::Review];

    /// `lesson` / `video` / `review`: the facet value in search URLs.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Lesson => "lesson",
            Kind::Video => "video",
            Kind::Review => "review",
        }
    }

    /// The folder under `content/` and under `public/`.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Lesson => "lessons",
            Kind::Video => "videos",
            Kind::Review => "reviews",
        }
    }
}

/// `10:00`, `10:00:00`, `10:00:00+08:00`, `10:00:00Z`: a time of day after a date.
fn looks_like_time(text: &str) -> bool {
    let text = text.trim();
    let clock = text
        .split(['+', 'Z', 'z'])
        .next()
        .unwrap_or("")
        .split('.')
        .next()
        .unwrap_or("");
    let parts: Vec<u32> = clock
        .split(':')
        .map(
            |p| match (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) {
                true => p.parse().unwrap_or(99),
                false => 99,
            },
        )
        .collect();
    // hours, minutes, seconds that a clock shows (`25:00` is a mistake, not a time)
    (2..=3).contains(&parts.len()) && parts[0] < 24 && parts[1..].iter().all(|n| *n < 60)
}

/// A calendar date that exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// `2024-03-05`, and the ways a Chinese teacher writes it too: `2024-3-5`, `2024.3.5`,
    /// `2024/3/5`, `2024年3月5日` or `5号` (year, month, day, in that order, as in Chinese),
    /// `20240305`, and a date with a time of day after it (`2024-03-05 10:00`, as Excel
    /// writes it), whose time is left out.
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || {
            format!("`{text}` is not a date written as YYYY-MM-DD: write it as e.g. `2024-09-01`")
        };
        let trimmed = text.trim();
        let trimmed = match trimmed.split_once([' ', 'T']) {
            Some((date, time)) if looks_like_time(time) => date,
            _ => trimmed,
        };
        let digits;
        let trimmed = if trimmed.len() == 8 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            digits = format!("{}-{}-{}", &trimmed[..4], &trimmed[4..6], &trimmed[6..]);
            digits.as_str()
        } else {
            trimmed
        };
        let trimmed = trimmed.strip_suffix(['日', '号']).unwrap_or(trimmed);
        let separator = if trimmed.contains('年') {
            &['年', '月'][..]
        } else {
            &['-', '.', '/'][..]
        };
        let mut parts = trimmed.split(separator);
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
            return Err(bad());
        }
        let (year, month, day) = match (y.parse::<u16>(), m.parse::<u8>(), d.parse::<u8>()) {
            (Ok(y), Ok(m), Ok(d)) => (y, m, d),
            _ => return Err(bad()),
        };
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(format!("the date `{text}` does not exist"));
        }
        Ok(Date { year, month, day })
    }

    /// Today in UTC, for `lectern new`.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days_since_epoch((secs / 86_400) as i64)
    }

    /// Howard Hinnant's civil-from-days algorithm.
    fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).map_err(de::Error::custom)
    }
}

/// `grade:` as written: one grade, a list, or a range `"7-9"`. Checked against the site's grades later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeSpec(pub Vec<i64>);

impl<'de> Deserialize<'de> for GradeSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(GradeVisitor)
    }
}

struct GradeVisitor;

const GRADE_EXPECTED: &str =
    "a grade: an integer such as 7 (or 七年级), a list such as [7, 8], or a range such as \"7-9\"";

impl<'de> de::Visitor<'de> for GradeVisitor {
    type Value = GradeSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(GRADE_EXPECTED)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<GradeSpec, E> {
        Ok(GradeSpec(vec![v]))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<GradeSpec, E> {
        Ok(GradeSpec(vec![i64::try_from(v).unwrap_or(i64::MAX)]))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<GradeSpec, E> {
        GradeSpec::from_cell(v).map_err(E::custom)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<GradeSpec, A::Error> {
        /// One grade of a list: `7` or `七年级`.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Item {
            Number(i64),
            Name(String),
        }
        let mut grades = Vec::new();
        while let Some(item) = seq.next_element::<Item>()? {
            if grades.len() > 64 {
                return Err(de::Error::custom("too many grades in the list"));
            }
            match item {
                Item::Number(n) => grades.push(n),
                Item::Name(name) => {
                    grades.extend(GradeSpec::from_cell(&name).map_err(de::Error::custom)?.0)
                }
            }
        }
        Ok(GradeSpec(grades))
    }
}

impl GradeSpec {
    /// A spreadsheet cell or a text value: `7`, `7-9`, `七年级`, or several of those separated
    /// by `|`, `、` or a comma (`7，8`, typed with a Chinese input method).
    pub fn from_cell(text: &str) -> Result<GradeSpec, String> {
        let mut grades = Vec::new();
        let items: Vec<&str> = text
            .split(['|', '、', '，', ','])
            .filter(|i| !i.trim().is_empty())
            .collect();
        // `七、八年级`: the last grade's 年级 is shared by those before it
        let shared = items
            .last()
            .map(|last| last.trim())
            .filter(|last| last.ends_with("年级") || last.ends_with("年級"));
        for item in items {
            let range = parse_grade_range(item).or_else(|error| match shared {
                Some(_) if !item.contains("年级") => {
                    parse_grade_range(&format!("{}年级", item.trim())).map_err(|_| error)
                }
                _ => Err(error),
            })?;
            grades.extend(range);
            if grades.len() > 64 {
                return Err("too many grades in the list".into());
            }
        }
        Ok(GradeSpec(grades))
    }
}

fn parse_grade_range(written: &str) -> Result<Vec<i64>, String> {
    let written = written.trim();
    // Full-width digits and dashes, as a Chinese input method types them (１-３, 7－9).
    let text: String = written
        .chars()
        .map(|c| match c {
            '\u{ff10}'..='\u{ff19}' | '\u{ff0d}' | '\u{ff5e}' => crate::search::tokenize::fold(c),
            _ => c,
        })
        .collect();
    let bad = || {
        let volume = ["上册", "下册", "上学期", "下学期", "上", "下"]
            .iter()
            .find_map(|v| text.strip_suffix(v).map(|g| (g, v.starts_with('上'))))
            .and_then(|(g, first)| Some((grade_number(g.trim())?, first)));
        if let Some((grade, first)) = volume {
            let term = if first {
                "1` (上学期)"
            } else {
                "2` (下学期)"
            };
            return format!(
                "`{written}` holds the term too: write `grade: {grade}` (a lesson plan takes the term on a line of its own, `term: {term})"
            );
        }
        let stage_grades = match written {
            "小学" => Some("1-6"),
            "初中" => Some("7-9"),
            "高中" => Some("10-12"),
            _ => None,
        };
        if let Some(grades) = stage_grades {
            return format!(
                "`{written}` names a stage, not a grade: write the grades it means, e.g. `grade: \"{grades}\"` (六三制), or one grade's number"
            );
        }
        if written.contains('初') {
            format!(
                "`{written}` is a different grade in a 六三制 and a 五四制 school: write the grade's number (初一 is `grade: 7` where 初中 is grades 7–9, `grade: 6` where it is 6–9)"
            )
        } else {
            format!("`{written}` is not {GRADE_EXPECTED}")
        }
    };
    let number = |s: &str| grade_number(s.trim()).ok_or_else(bad);
    match text.split_once(['-', '–', '—', '~', '〜', '至', '到']) {
        Some((a, b)) => {
            // `7——9`: a Chinese dash is two em dashes
            let b = b.trim_start_matches('—');
            // `七至九年级`: the first grade's 年级 is left to the second's
            let from = match (grade_number(a.trim()), b.trim().strip_suffix("年级")) {
                (None, Some(_)) => number(&format!("{}年级", a.trim()))?,
                _ => number(a)?,
            };
            let to = number(b)?;
            if from > to {
                return Err(format!(
                    "`{written}` runs downwards: write the lower grade first, \"{to}-{from}\""
                ));
            }
            if to - from > 12 {
                return Err(bad());
            }
            Ok((from..=to).collect())
        }
        None => Ok(vec![number(&text)?]),
    }
}

/// A grade as an editor writes it: `7`, `七年级`, `7年级`, `十二年级`, `高一`–`高三` (grades 10–12
/// in every school system). Not 初一: it is grade 7 or 6, by the school system.
fn grade_number(text: &str) -> Option<i64> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(n);
    }
    let text = text.strip_prefix("小学").unwrap_or(text);
    if let Some(n) = text
        .strip_suffix("年级")
        .or_else(|| text.strip_suffix("年級"))
    {
        return small_number(n);
    }
    let senior = text.strip_prefix('高')?;
    small_number(senior)
        .filter(|n| (1..=3).contains(n))
        .map(|n| 9 + n)
}

/// 1–99 in digits or in Chinese numerals as textbooks and timetables write them: `3`, `三`,
/// `十二`, `二十`, `二十一`.
fn small_number(s: &str) -> Option<i64> {
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    let digit = |c: char| {
        "一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|i| i as i64 + 1)
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', d] => digit(*d).map(|d| 10 + d),
        [t, '十'] => digit(*t).map(|t| t * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        [d] => digit(*d),
        _ => None,
    }
}

/// A textbook unit or a lesson within one, as an editor writes it: its number (`3`, `第三单元`,
/// `第3课`, `Unit 3`) or its name (`师长情谊`), which `align` looks up in the textbook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ordinal {
    Number(u32),
    Name(String),
}

impl Ordinal {
    /// A spreadsheet cell or a text value; `None` when empty.
    pub fn from_text(text: &str) -> Option<Ordinal> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let lower = text.to_lowercase();
        let bare = lower
            .trim_start_matches("unit")
            .trim_start_matches("lesson")
            .trim_start_matches('第')
            .trim_end_matches("单元")
            .trim_end_matches("课时")
            .trim_end_matches('课')
            .trim();
        let number = small_number(bare).and_then(|n| u32::try_from(n).ok());
        Some(number.map_or_else(|| Ordinal::Name(text.to_string()), Ordinal::Number))
    }
}

impl<'de> Deserialize<'de> for Ordinal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Ordinal, D::Error> {
        struct Visit;
        impl de::Visitor<'_> for Visit {
            type Value = Ordinal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a unit's or lesson's number, such as 2, or its name")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Ordinal, E> {
                u32::try_from(v)
                    .map(Ordinal::Number)
                    .map_err(|_| E::custom(format!("{v} is too large for a unit or lesson number")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Ordinal, E> {
                u64::try_from(v)
                    .map_err(|_| {
                        E::custom(format!(
                            "{v} is not a unit or lesson number: they count from 1"
                        ))
                    })
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ordinal, E> {
                Ordinal::from_text(v)
                    .ok_or_else(|| E::custom("the value is empty: write a number such as 2"))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

/// `topics:` as a teacher writes it: one text, where `|`, `、` and commas or semicolons
/// separate topics (`情绪管理、人际交往`), or a list, where only what a Chinese input method types
/// for a comma does (`[情绪管理，人际交往]` is one item to YAML; `"3,4年级"` was quoted on
/// purpose); full-width brackets around the whole (`［情绪管理，人际交往］`) are brackets.
pub fn topic_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    // A visitor, not an untagged enum: that would buffer the whole value first, and read a
    // YAML alias bomb further before refusing it.
    struct Topics;
    impl<'de> de::Visitor<'de> for Topics {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of topics, such as [情绪管理, 人际交往]")
        }
        fn visit_str<E: de::Error>(self, text: &str) -> Result<Vec<String>, E> {
            refuse_bullet(text)?;
            Ok(topic_names(text))
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut topics = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                refuse_bullet(&item)?;
                topics.extend(split_topics(&item, &LIST_ITEM_SEPARATORS));
            }
            Ok(topics)
        }
    }
    deserializer.deserialize_any(Topics)
}

/// A list pasted from Word or typed with a Chinese input method (`• 情绪管理`, `－ 情绪管理`):
/// YAML reads such lines as one text, which would become one odd topic.
fn refuse_bullet<E: de::Error>(text: &str) -> Result<(), E> {
    const BULLETS: [char; 10] = ['•', '·', '●', '○', '▪', '■', '◆', '－', '—', '＊'];
    let text = text.trim_start();
    if !text.is_empty() && !text.chars().any(char::is_alphanumeric) {
        return Err(E::custom(format!(
            "the topic `{}` has no word in it: write the topic's name, or delete it",
            crate::diagnostics::shorten(text, 20)
        )));
    }
    if let Some(marker) = list_number(text) {
        return Err(E::custom(format!(
            "`{}` starts with `{marker}`, a number of a pasted list: write the topic alone, `情绪管理`, one per line after `  - `",
            crate::diagnostics::shorten(text, 40)
        )));
    }
    if let Some((before, after)) = text.split_once(" - ")
        && !before.trim().is_empty()
    {
        return Err(E::custom(format!(
            "`{}` is two list items read as one (YAML joins an item indented further than the one above it to that item): put `- {}` at the same indent as `- {}`",
            crate::diagnostics::shorten(text, 40),
            crate::diagnostics::shorten(after.trim(), 20),
            crate::diagnostics::shorten(before.trim(), 20)
        )));
    }
    if let Some(words) = spaced_words(text) {
        return Err(E::custom(format!(
            "the topic `{}` holds spaces: if these are {} topics, separate them with `、` (`{}`); if it is one topic, write it without spaces",
            crate::diagnostics::shorten(text, 40),
            words.len(),
            crate::diagnostics::shorten(&words.join("、"), 40)
        )));
    }
    let Some(bullet) = text.chars().next().filter(|c| BULLETS.contains(c)) else {
        return Ok(());
    };
    let followed_by_space = text[bullet.len_utf8()..].starts_with([' ', '\u{3000}', '\t']);
    if !followed_by_space {
        return Ok(());
    }
    Err(E::custom(format!(
        "`{}` starts with `{bullet}`, which YAML does not read as a list item: write each topic on its own line after an ASCII hyphen and a space, `  - 情绪管理`, or all on one line, `topics: [情绪管理, 压力管理]`",
        crate::diagnostics::shorten(text, 40)
    )))
}

/// The words of a topic written with spaces between Chinese words (`情绪管理 人际交往`, as a
/// teacher separates words); `None` when no space stands between two Chinese characters
/// (`AI 教育` is one topic).
fn spaced_words(text: &str) -> Option<Vec<&str>> {
    let words: Vec<&str> = text
        .split([' ', '\u{3000}', '\t'])
        .filter(|w| !w.is_empty())
        .collect();
    let cjk = |c: Option<char>| c.is_some_and(crate::search::tokenize::is_cjk);
    let between = words
        .windows(2)
        .any(|pair| cjk(pair[0].chars().last()) && cjk(pair[1].chars().next()));
    between.then_some(words)
}

/// The number or mark a pasted list puts before an item: `1.`, `1、`, `(1)`, `（1）`, `①`, `★`.
fn list_number(text: &str) -> Option<&str> {
    let first = text.chars().next()?;
    if matches!(first, '①'..='⑳' | '★' | '☆' | '✓' | '√') {
        return Some(&text[..first.len_utf8()]);
    }
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < 3 {
        let after = &text[digits..];
        if after.starts_with(['.', '、', '．', ')', '）']) && after.chars().count() > 1 {
            return Some(&text[..digits + after.chars().next()?.len_utf8()]);
        }
    }
    let open = text.strip_prefix(['(', '（'])?;
    let digits = open.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && open[digits..].starts_with([')', '）'])).then(|| {
        let close = open[digits..].chars().next().map_or(1, char::len_utf8);
        &text[..text.len() - open.len() + digits + close]
    })
}

/// What separates topics written as one text, in front matter, a YAML catalog or a
/// spreadsheet cell: `|` and `、` as documented, and what a teacher types in Excel or WPS
/// instead — commas and semicolons, full-width or not. Not a slash: `AI/人工智能` is a topic.
const TOPIC_SEPARATORS: [char; 7] = ['|', '｜', '、', '，', ',', '；', ';'];

/// Inside an item of a YAML list, only the full-width separators a Chinese input method types.
const LIST_ITEM_SEPARATORS: [char; 4] = ['｜', '、', '，', '；'];

/// The topics in one written text: `情绪管理、压力管理`, `［情绪管理，压力管理］`, `情绪管理|压力管理`.
pub fn topic_names(text: &str) -> Vec<String> {
    split_topics(text, &TOPIC_SEPARATORS)
}

fn split_topics(item: &str, separators: &[char]) -> Vec<String> {
    let item = item.trim();
    let item = item
        .strip_prefix(['［', '【'])
        .and_then(|rest| rest.strip_suffix(['］', '】']))
        .unwrap_or(item);
    item.split(separators)
        .map(|t| {
            // zero-width characters pasted with a topic would make a second topic that
            // looks the same
            t.chars()
                .filter(|c| !is_invisible(*c))
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Characters that take no room on screen: zero-width space, joiners, word joiner, BOM.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// `term:` as a number (1 autumn, 2 spring) or as a teacher writes it: 上学期, 上册, 上, 秋季
/// (1); 下学期, 下册, 下, 春季 (2). Other text is refused; a number is checked later.
pub fn term_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    struct Term;
    impl<'v> de::Visitor<'v> for Term {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a term: 1 (上学期) or 2 (下学期)")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<i64>, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<i64>, E> {
            Ok(Some(i64::try_from(v).unwrap_or(i64::MAX)))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }
        fn visit_some<V: Deserializer<'v>>(self, d: V) -> Result<Option<i64>, V::Error> {
            d.deserialize_any(Term)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<i64>, E> {
            match v.trim() {
                "上学期" | "上册" | "上" | "秋季" | "秋季学期" | "第一学期" => {
                    Ok(Some(1))
                }
                "下学期" | "下册" | "下" | "春季" | "春季学期" | "第二学期" => {
                    Ok(Some(2))
                }
                other => other.parse::<i64>().map(Some).map_err(|_| {
                    E::custom(format!(
                        "`{other}` is not a term: write `term: 1` (上学期) or `term: 2` (下学期)"
                    ))
                }),
            }
        }
    }
    deserializer.deserialize_any(Term)
}

/// `duration:` — "mm:ss" or "h:mm:ss", kept in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Duration(pub u32);

impl Duration {
    pub fn parse(text: &str) -> Result<Duration, String> {
        let bad = || format!("`{text}` is not a duration written as \"mm:ss\" or \"h:mm:ss\"");
        let parts: Vec<&str> = text.trim().split(':').collect();
        let numbers: Vec<u32> = parts
            .iter()
            .map(|p| p.parse::<u32>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        // Checked: a duration of 99999999 minutes must be refused, not wrap around.
        let seconds = match numbers.as_slice() {
            [m, s] if *s < 60 => m.checked_mul(60).and_then(|x| x.checked_add(*s)),
            [h, m, s] if *m < 60 && *s < 60 => {
                h.checked_mul(3600).and_then(|x| x.checked_add(m * 60 + s))
            }
            _ => None,
        };
        let seconds = seconds.filter(|s| *s <= 100 * 3600).ok_or_else(bad)?;
        Ok(Duration(seconds))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.0 / 3600, self.0 / 60 % 60, self.0 % 60);
        if h > 0 {
            write!(f, "{h}:{m:02}:{s:02}")
        } else {
            write!(f, "{m:02}:{s:02}")
        }
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Duration::parse(&text).map_err(de::Error::custom)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum ReviewKind {
    #[serde(rename = "说课")]
    Presentation,
    #[serde(rename = "评课")]
    Critique,
}

impl ReviewKind {
    pub fn label(self) -> &'static str {
        match self {
            ReviewKind::Presentation => "说课",
            ReviewKind::Critique => "评课",
        }
    }
}

/// Where a record came from, so later stages can point at the right line.
#[derive(Clone, Debug)]
pub struct Origin {
    /// Path relative to the site root, `/`-separated.
    pub file: String,
    /// The whole file.
    pub text: Arc<str>,
    /// The record's YAML (front matter, or one catalog entry) as a byte range of `text`.
    pub yaml: std::ops::Range<usize>,
    /// The file line where `yaml` starts.
    pub yaml_line: usize,
    /// For a row of a CSV catalog: where its cells are, since it has no YAML keys.
    pub row: Option<TableRow>,
}

/// The body of a resource file whose front matter has errors: no record, but its body is
/// still rendered for its own problems (links, headings, images), so that one run reports
/// all of a file's problems, not the body's after the front matter's are fixed.
#[derive(Clone, Debug)]
pub struct BrokenBody {
    pub kind: Kind,
    pub id: String,
    pub file: String,
    pub text: Arc<str>,
    pub body_span: std::ops::Range<usize>,
    pub body_line: usize,
}

/// What a video or review with errors of its own names (`lesson:`, `video:`): checked like a
/// good record's, so that one run also says the lesson it names does not exist.
#[derive(Clone, Debug)]
pub struct BrokenRefs {
    pub origin: Origin,
    pub lesson: Option<String>,
    pub video: Option<String>,
}

impl BrokenRefs {
    /// What `resource` (a record with errors, made with stand-ins) names, if anything.
    pub fn of(resource: Resource) -> Option<BrokenRefs> {
        let (lesson, video) = match resource.detail {
            Detail::Video(d) => (d.lesson, None),
            Detail::Review(d) => (d.lesson, d.video),
            Detail::Lesson(_) => (None, None),
        };
        (lesson.is_some() || video.is_some()).then_some(BrokenRefs {
            origin: resource.origin,
            lesson,
            video,
        })
    }
}

/// A record's place in a CSV catalog.
#[derive(Clone, Debug)]
pub struct TableRow {
    /// The spreadsheet's row number (the header is row 1).
    pub row: usize,
    /// The header's column names, in order.
    pub columns: Arc<[String]>,
}

impl TableRow {
    /// A diagnostic at the cell of column `key` (at the row's first cell when there is no such
    /// column), naming the column so that the editor finds it in the spreadsheet.
    pub fn at_column(&self, key: &str, diagnostic: Diagnostic) -> Diagnostic {
        let column = self.columns.iter().position(|c| c == key);
        let mut diagnostic = diagnostic.at_line_only(self.row);
        diagnostic.column = Some(column.map_or(1, |c| c + 1));
        if column.is_some() {
            diagnostic.message = format!("{} (column `{key}`)", diagnostic.message);
        }
        diagnostic
    }
}

impl Origin {
    /// A diagnostic pointing at `key:` in this record's YAML (or at its first line).
    pub fn at_key(&self, key: &str, diagnostic: Diagnostic) -> Diagnostic {
        if let Some(row) = &self.row {
            return row.at_column(key, diagnostic.in_file(&self.file));
        }
        let block = self.text.get(self.yaml.clone()).unwrap_or("");
        let line = key_line_in_block(block, self.yaml_line, key).unwrap_or(self.yaml_line);
        diagnostic
            .in_file(&self.file)
            .at_line(&self.text, line, 1)
            .underline(key.chars().count())
    }
}

impl Origin {
    /// A diagnostic pointing at `value` of `key:` — the entry of a list (`attachments:`), on its
    /// own line below the key — else at the key.
    pub fn at_value(&self, key: &str, value: &str, diagnostic: Diagnostic) -> Diagnostic {
        let block = self.text.get(self.yaml.clone()).unwrap_or("");
        let value = value.trim();
        let found = (self.row.is_none() && !value.is_empty())
            .then(|| key_line_in_block(block, self.yaml_line, key))
            .flatten()
            .and_then(|key_line| {
                let lines = block.lines().enumerate().skip(key_line - self.yaml_line);
                // The key's own line, then its indented or `- ` entries.
                lines
                    .take_while(|(i, line)| {
                        *i + self.yaml_line == key_line || line.starts_with([' ', '-', '\t'])
                    })
                    .find_map(|(i, line)| {
                        // as written, or inside double quotes with its `\` and `"` escaped
                        let (at, written) = line
                            .find(value)
                            .map(|at| (at, value.chars().count()))
                            .or_else(|| {
                                let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
                                line.find(&escaped).map(|at| (at, escaped.chars().count()))
                            })?;
                        Some((i + self.yaml_line, line[..at].chars().count() + 1, written))
                    })
            });
        match found {
            Some((line, column, written)) => diagnostic
                .in_file(&self.file)
                .at_line(&self.text, line, column)
                .underline(written),
            None => self.at_key(key, diagnostic),
        }
    }

    /// Whether the record's YAML writes `key:` (a value it set aside as bad included).
    pub fn has_key(&self, key: &str) -> bool {
        let block = self.text.get(self.yaml.clone()).unwrap_or("");
        key_line_in_block(block, self.yaml_line, key).is_some()
    }
}

/// Line of `key:` in a block, also inside a catalog entry (`- key:` or indented `key:`).
fn key_line_in_block(block: &str, first_line: usize, key: &str) -> Option<usize> {
    block.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        let rest = trimmed.strip_prefix(key)?;
        rest.trim_start().starts_with(':').then_some(first_line + i)
    })
}

#[derive(Clone, Debug)]
pub struct Resource {
    pub kind: Kind,
    pub id: String,
    pub origin: Origin,
    pub title: String,
    pub grades: Vec<u8>,
    pub course: String,
    pub topics: Vec<String>,
    pub summary: String,
    pub date: Option<Date>,
    pub school: String,
    /// Where it sits in a textbook the site declares (`textbook:`, `unit:`, `period:`).
    pub alignment: Option<Alignment>,
    /// Markdown body, as a byte range of `origin.text` (not a copy: bodies are most of a
    /// site's text), and the file line it starts on.
    pub body_span: std::ops::Range<usize>,
    pub body_line: usize,
    pub detail: Detail,
}

impl Resource {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        self.origin.text.get(self.body_span.clone()).unwrap_or("")
    }
}

impl Resource {
    /// The files under `content/assets/` its front matter names (attachments, a video's file,
    /// poster, captions and chapters file), relative to that folder.
    pub fn asset_paths(&self) -> Vec<&str> {
        let links: Vec<&Link> = match &self.detail {
            Detail::Lesson(d) => d.attachments.iter().collect(),
            Detail::Video(d) => std::iter::once(&d.url)
                .chain(&d.poster)
                .chain(&d.captions)
                .collect(),
            Detail::Review(_) => Vec::new(),
        };
        let mut paths: Vec<&str> = links
            .into_iter()
            .filter_map(|link| match link {
                Link::Asset(path) => Some(path.as_str()),
                Link::External(_) => None,
            })
            .collect();
        if let Detail::Video(d) = &self.detail {
            paths.extend(d.chapters_file.as_deref());
        }
        paths
    }
}

/// A resource's place in a textbook: checked against `site.yaml`, so the textbook and the
/// unit exist (and the period is within the unit's lessons when it lists them).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Alignment {
    pub textbook: String,
    pub unit: u32,
    /// The lesson (课) or period within the unit, from 1.
    pub period: Option<u32>,
}

#[derive(Clone, Debug)]
pub enum Detail {
    Lesson(LessonDetail),
    Video(VideoDetail),
    Review(ReviewDetail),
}

#[derive(Clone, Debug, Default)]
pub struct LessonDetail {
    pub term: Option<u8>,
    pub author: String,
    pub duration_minutes: Option<u32>,
    pub attachments: Vec<Link>,
}

#[derive(Clone, Debug)]
pub struct VideoDetail {
    pub url: Link,
    pub duration: Option<Duration>,
    pub poster: Option<Link>,
    pub speaker: String,
    pub captions: Option<Link>,
    pub lesson: Option<String>,
    /// The named segments of the recording (导入, 新授, 练习, 小结…), in order.
    pub chapters: Vec<Chapter>,
    /// A WebVTT chapters file under content/assets/ (its path there), read with the body:
    /// its chapters are the body's (`Rendered::chapters`), not `chapters`.
    pub chapters_file: Option<String>,
}

/// A named segment of a video, from its start time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Chapter {
    pub at: Duration,
    pub title: String,
}

#[derive(Clone, Debug, Default)]
pub struct ReviewDetail {
    pub lesson: Option<String>,
    pub video: Option<String>,
    pub reviewer: String,
    pub rating: Option<u8>,
    pub review_kind: Option<ReviewKind>,
}

/// A reference to a file or address: a checked http(s) URL, or a file under `content/assets/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    External(String),
    /// Path relative to `content/assets/`, `/`-separated, known to exist.
    Asset(String),
}

impl Link {
    /// Path relative to the site root of the output, or the external URL.
    pub fn href(&self) -> String {
        match self {
            Link::External(url) => url.clone(),
            Link::Asset(path) => format!(
                "assets/{}",
                crate::url::encode_path(&crate::url::published_asset(path))
            ),
        }
    }

    pub fn is_external(&self) -> bool {
        matches!(self, Link::External(_))
    }

    /// The lower-case file extension, if any.
    pub fn extension(&self) -> String {
        let path = match self {
            Link::External(url) => url_path(url),
            Link::Asset(path) => path,
        };
        let name = path.rsplit('/').next().unwrap_or("");
        name.rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default()
    }

    pub fn file_name(&self) -> String {
        let path = match self {
            Link::External(url) if url_path(url).trim_matches('/').is_empty() => {
                return url.clone();
            }
            Link::External(url) => url_path(url),
            Link::Asset(path) => path,
        };
        path.trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(path)
            .to_string()
    }
}

/// The path of an http(s) URL: after the host, before `?` or `#`.
fn url_path(url: &str) -> &str {
    let without_scheme = url.split_once("://").map(|(_, rest)| rest).unwrap_or(url);
    let path = without_scheme
        .find('/')
        .map(|i| &without_scheme[i..])
        .unwrap_or("");
    path.split(['?', '#']).next().unwrap_or("")
}

/// A free page under `content/pages/`.
#[derive(Clone, Debug)]
pub struct Page {
    pub slug: String,
    /// Its address below the site's root, without the final `/`: `about`, `guide/advanced/tips`
    /// (from `content/pages/guide/advanced/tips.md`), `guide` (from `guide/index.md`).
    pub path: String,
    pub origin: Origin,
    pub title: String,
    pub summary: String,
    /// Its place in the footer and in its folder: weighted pages first, lightest first.
    pub weight: Option<i64>,
    /// Listed in the footer: by default the pages at the top of `content/pages/`.
    pub in_menu: bool,
    /// Markdown body, as a byte range of `origin.text`.
    pub body_span: std::ops::Range<usize>,
    pub body_line: usize,
}

impl Page {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        self.origin.text.get(self.body_span.clone()).unwrap_or("")
    }
}

/// A file under `content/assets/`, copied as it is.
#[derive(Clone, Debug)]
pub struct Asset {
    /// Relative to `content/assets/`, `/`-separated.
    pub path: String,
    pub source: std::path::PathBuf,
    /// Size in bytes when the file was found (0 if it could not be read): a lesson shows its
    /// attachments' sizes, and large ones are warned about.
    pub size: u64,
}

/// A file size as people read it: `860 B`, `12 KB`, `1.2 MB`, `3.4 GB` (powers of 1000, one
/// decimal below 10).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if value < 9.95 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

impl Asset {
    pub fn new(path: String, source: std::path::PathBuf) -> Asset {
        let size = std::fs::metadata(&source).map_or(0, |m| m.len());
        Asset { path, source, size }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_as_teachers_write_them() {
        let read = |json: &str| -> Vec<String> {
            let mut de = serde_json::Deserializer::from_str(json);
            topic_list(&mut de).unwrap()
        };
        let both = ["情绪管理", "人际交往"];
        assert_eq!(read(r#"["情绪管理", "人际交往"]"#), both);
        assert_eq!(read(r#""情绪管理、人际交往""#), both);
        assert_eq!(read(r#"["情绪管理，人际交往"]"#), both);
        assert_eq!(read(r#""［情绪管理，人际交往］""#), both);
        assert_eq!(read(r#""情绪管理; 人际交往, ""#), both);
        assert_eq!(read(r#""情绪管理""#), ["情绪管理"]);
        assert_eq!(read("[\"情绪\u{200B}管理\u{FEFF}\"]"), ["情绪管理"]);
        // as a spreadsheet cell has them: bars, commas, semicolons, full-width or not
        for cell in [
            "情绪管理|人际交往",
            "情绪管理｜人际交往",
            "情绪管理,人际交往",
            "情绪管理；人际交往",
        ] {
            assert_eq!(topic_names(cell), both, "{cell}");
        }
        // a slash is part of a topic; a list's item keeps an ASCII comma quoted in it
        assert_eq!(topic_names("AI/人工智能"), ["AI/人工智能"]);
        assert_eq!(
            read(r#"["AI/人工智能", "3,4年级"]"#),
            ["AI/人工智能", "3,4年级"]
        );
    }

    #[test]
    fn a_list_typed_with_word_bullets_is_refused_not_made_one_topic() {
        let read = |json: &str| {
            let mut de = serde_json::Deserializer::from_str(json);
            topic_list(&mut de).map_err(|e| e.to_string())
        };
        // YAML folds `  • 情绪管理\n  • 压力管理` into one text.
        let error = read(r#""• 情绪管理 • 压力管理""#).unwrap_err();
        assert!(error.contains("starts with `•`"), "{error}");
        assert!(read(r#"["－ 情绪管理"]"#).unwrap_err().contains("`－`"));
        // A dot or dash inside a topic, or a bullet with no space after it, is the topic's own.
        assert_eq!(read(r#""·情绪 — 管理""#).unwrap(), ["·情绪 — 管理"]);
        // words separated by spaces, and two list items YAML joined into one
        let spaced = read(r#""情绪管理 人际交往 自我认识""#).unwrap_err();
        assert!(
            spaced.contains("3 topics") && spaced.contains("`情绪管理、人际交往、自我认识`"),
            "{spaced}"
        );
        assert!(
            read(r#"["情绪管理　人际交往"]"#).is_err(),
            "a full-width space"
        );
        assert_eq!(read(r#""AI 教育""#).unwrap(), ["AI 教育"]);
        let joined = read(r#"["情绪管理 - 人际交往"]"#).unwrap_err();
        assert!(
            joined.contains("put `- 人际交往` at the same indent"),
            "{joined}"
        );
        // numbers and marks of a pasted list, and a topic of no word
        for pasted in [
            "1. 情绪管理",
            "2、压力管理",
            "(1)情绪管理",
            "（2）压力",
            "①情绪管理",
            "★情绪管理",
        ] {
            assert!(read(&format!("[\"{pasted}\"]")).is_err(), "{pasted}");
        }
        assert!(read(r#"["•"]"#).unwrap_err().contains("no word"));
        // a topic that is a number, or holds one, stays
        assert_eq!(
            read(r#"["3D打印", "5G", "2024"]"#).unwrap(),
            ["3D打印", "5G", "2024"]
        );
    }

    #[test]
    fn units_and_lessons_as_teachers_write_them() {
        for (text, number) in [
            ("3", 3),
            ("第3单元", 3),
            ("第三单元", 3),
            ("Unit 3", 3),
            ("三", 3),
            ("第十二课", 12),
            ("第二十一课时", 21),
            ("lesson 2", 2),
        ] {
            assert_eq!(
                Ordinal::from_text(text),
                Some(Ordinal::Number(number)),
                "{text}"
            );
        }
        assert_eq!(
            Ordinal::from_text(" 师长情谊 "),
            Some(Ordinal::Name("师长情谊".into()))
        );
        assert_eq!(Ordinal::from_text("  "), None);
    }

    #[test]
    fn terms_as_teachers_write_them() {
        let read = |json: &str| {
            let mut de = serde_json::Deserializer::from_str(json);
            term_number(&mut de)
        };
        assert_eq!(read("1").unwrap(), Some(1));
        assert_eq!(read(r#""上学期""#).unwrap(), Some(1));
        assert_eq!(read(r#""下册""#).unwrap(), Some(2));
        assert_eq!(read(r#""春季""#).unwrap(), Some(2));
        assert_eq!(read("null").unwrap(), None);
        let error = read(r#""寒假""#).unwrap_err().to_string();
        assert!(error.contains("`term: 1` (上学期)"), "{error}");
    }

    #[test]
    fn grades_as_teachers_write_them() {
        for (written, grades) in [
            ("七年级", vec![7]),
            ("7年级", vec![7]),
            ("７年级", vec![7]),
            ("十二年级", vec![12]),
            ("小学三年级", vec![3]),
            ("高一", vec![10]),
            ("高三", vec![12]),
            ("七年级-九年级", vec![7, 8, 9]),
            ("7—9", vec![7, 8, 9]),
            ("7——9", vec![7, 8, 9]),
            ("七年级至九年级", vec![7, 8, 9]),
            ("七至九年级", vec![7, 8, 9]),
        ] {
            assert_eq!(parse_grade_range(written), Ok(grades), "{written}");
        }
        for (written, grades) in [
            ("七、八年级", vec![7, 8]),
            ("七，八，九年级", vec![7, 8, 9]),
            ("7、8年级", vec![7, 8]),
        ] {
            assert_eq!(GradeSpec::from_cell(written).map(|g| g.0), Ok(grades));
        }
        let odd = GradeSpec::from_cell("七、八").unwrap_err();
        assert!(odd.contains("`七`"), "the item as written is named: {odd}");
        let early = parse_grade_range("初一").unwrap_err();
        assert!(
            early.contains("五四制") && early.contains("`grade: 7`"),
            "{early}"
        );
        assert!(parse_grade_range("高四").is_err());
        let volume = parse_grade_range("一年级上").unwrap_err();
        assert!(
            volume.contains("`grade: 1`") && volume.contains("`term: 1`"),
            "{volume}"
        );
        assert!(
            parse_grade_range("八年级下册")
                .unwrap_err()
                .contains("`term: 2`")
        );
        assert!(
            parse_grade_range("初中")
                .unwrap_err()
                .contains("names a stage")
        );
        assert!(parse_grade_range("高中").unwrap_err().contains("\"10-12\""));
        assert!(
            parse_grade_range("三").is_err(),
            "a bare numeral is not a grade"
        );
        let list: GradeSpec = serde_json::from_str(r#"["七年级", 8]"#).unwrap();
        assert_eq!(list.0, [7, 8]);
        let typed: GradeSpec = serde_json::from_str(r#"["7，8"]"#).unwrap();
        assert_eq!(typed.0, [7, 8]);
        let text: GradeSpec = serde_json::from_str(r#""7、8""#).unwrap();
        assert_eq!(text.0, [7, 8]);
    }

    #[test]
    fn grades_typed_full_width_or_downwards_are_read_or_explained() {
        assert_eq!(parse_grade_range("１-３"), Ok(vec![1, 2, 3]));
        assert_eq!(parse_grade_range("７－９"), Ok(vec![7, 8, 9]));
        assert_eq!(GradeSpec::from_cell("１２"), Ok(GradeSpec(vec![12])));
        let down = parse_grade_range("12-1").unwrap_err();
        assert!(
            down.contains("write the lower grade first, \"1-12\""),
            "{down}"
        );
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(860), "860 B");
        assert_eq!(human_size(1_200_000), "1.2 MB");
        assert_eq!(human_size(12_345), "12 KB");
        assert_eq!(human_size(999_999), "1.0 MB");
        assert_eq!(human_size(52_000_000), "52 MB");
    }

    /// Found by the `csv_catalog` fuzz target: minutes this large overflowed (a panic in a
    /// debug build, a wrapped wrong duration in a release build).
    #[test]
    fn durations_too_long_are_refused_without_overflow() {
        assert!(Duration::parse("400000000:000000000000").is_err());
        assert!(Duration::parse("99999999:00").is_err());
        assert!(Duration::parse("4294967295:59:59").is_err());
        assert_eq!(Duration::parse("100:00:00").unwrap().0, 360_000);
        assert!(Duration::parse("100:00:01").is_err());
        assert_eq!(Duration::parse("38:20").unwrap().0, 2_300);
    }

    #[test]
    fn dates_must_exist() {
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(
            Date::parse("2023-02-29")
                .unwrap_err()
                .contains("does not exist")
        );
        assert!(Date::parse("2023-13-01").is_err());
        assert!(Date::parse("23-1-1").is_err());
        for written in [
            "2024-3-5",
            "2024.3.5",
            "2024/03/05",
            "2024年3月5日",
            " 2024年03月05 ",
            "2024年03月05号",
            "20240305",
            "2024-03-05 10:00",
            "2024-03-05T10:00:00+08:00",
            "2024/3/5 8:30:00",
        ] {
            assert_eq!(
                Date::parse(written).map(|d| d.to_string()),
                Ok("2024-03-05".to_string()),
                "{written}"
            );
        }
        assert!(Date::parse("2024年3月").is_err());
        assert!(Date::parse("3/5/2024").is_err(), "not month first");
        assert!(Date::parse("2024-03-05 上午").is_err());
        assert!(Date::parse("2024-03-05 25:00").is_err());
        assert!(Date::parse("2024-03-05 10:00:99").is_err());
        assert!(Date::parse("202435").is_err());
        assert!(Date::parse("x").unwrap_err().contains("`2024-09-01`"));
        assert_eq!(
            Date::from_days_since_epoch(19_723).to_string(),
            "2024-01-01"
        );
    }

    #[test]
    fn grade_ranges_and_durations() {
        assert_eq!(parse_grade_range("7-9").unwrap(), vec![7, 8, 9]);
        assert!(parse_grade_range("9-7").is_err());
        assert_eq!(Duration::parse("25:26").unwrap(), Duration(1526));
        assert_eq!(Duration::parse("1:02:03").unwrap().to_string(), "1:02:03");
        assert!(Duration::parse("12:75").is_err());
    }
}
