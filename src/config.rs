//! `site.yaml`: the site's title, address, language, grades and stages, courses and topic aliases.
//! Parsed strictly (unknown keys are errors), validated, and filled in with defaults (the Chinese
//! 6-3-3 school system). Owns no I/O beyond reading that one file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::yaml::{self, YamlSource};

mod textbooks;
pub use textbooks::{Textbook, Unit};

pub const CONFIG_FILE: &str = "site.yaml";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    ZhCn,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::En => "en",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Stage {
    pub slug: String,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct Grade {
    pub number: u8,
    pub name: String,
    pub stage: String,
}

#[derive(Clone, Debug)]
pub struct Course {
    pub slug: String,
    pub name: String,
    pub description: String,
}

/// The validated configuration every later stage reads.
#[derive(Clone, Debug)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute URL or absolute path, always ending with `/`.
    pub base_url: String,
    /// Where the pages' QR codes lead (a phone that scans one opens that page): the base URL
    /// when it names a host; in `serve`, the preview's network address, or none when the
    /// preview is only on this computer (a phone cannot open 127.0.0.1).
    pub qr_base_url: Option<String>,
    pub language: Language,
    pub theme: String,
    pub raw_html: bool,
    pub page_size: usize,
    /// Attachments larger than this many megabytes (10^6 bytes) are warned about.
    pub max_attachment_mb: u64,
    pub stages: Vec<Stage>,
    pub grades: Vec<Grade>,
    pub courses: Vec<Course>,
    /// alias → canonical topic name.
    pub topic_aliases: BTreeMap<String, String>,
    pub search: SearchConfig,
    /// The textbooks resources may be aligned to (`textbook:`/`unit:`), in the order listed;
    /// empty when the site declares none.
    pub textbooks: Vec<Textbook>,
    pub budget: BudgetConfig,
}

/// `budget:` — the most a visitor should pay, in KiB of gzip, for the home page's first view,
/// the search page's first query and the heaviest page (`crate::weight`). Over it: a warning
/// (an error with `--strict`). Unset: no limit.
/// Read from `RawBudget` and checked (`check_budget`): each limit positive and finite.
#[derive(Clone, Debug, Default)]
pub struct BudgetConfig {
    pub first_view_kb: Option<f64>,
    pub search_kb: Option<f64>,
    pub page_kb: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Characters of body text kept per document for result snippets. 0 by default: a result
    /// whose match lies in the body has its snippet from the page itself, fetched once the
    /// results are drawn, and a record without 600 characters of body is a seventh of the size.
    pub excerpt_chars: usize,
    /// Also write the index as `<script>` files into `public/`, so search works in that folder
    /// opened from disk (`file://`). Off by default: it doubles `search/`, and `lectern pack`
    /// adds the scripts to the offline package whatever this says.
    pub offline: bool,
    /// Words a query also looks for (see `Synonym`); `None`: the default list.
    pub synonyms: Option<Vec<Synonym>>,
}

/// One entry of `search.synonyms`: a YAML list `[紧张, 焦虑]` is a two-way group (each word also
/// finds the others), a string `霸凌 -> 欺凌` (or `→`) is one way (the left finds the right, which
/// may list several words separated by commas). Checked by `synonym_pairs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Synonym {
    Group(Vec<String>),
    OneWay(String),
}

/// The shapes a `search.synonyms` entry may take, said by every message about a bad one.
pub const SYNONYM_HELP: &str = "write a group as `- [紧张, 焦虑]` (each word also finds the others) or one way as `- 霸凌 -> 欺凌` (the left finds the right)";

/// The start of every message about a bad `search.synonyms` entry (`yaml` adds `SYNONYM_HELP`).
pub const BAD_SYNONYM: &str = "bad entry in `search.synonyms`";

/// By hand rather than `#[serde(untagged)]`: a number or a map in the list would otherwise be
/// "data did not match any variant of untagged enum", which tells an editor nothing.
impl<'de> Deserialize<'de> for Synonym {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SynonymVisitor)
    }
}

struct SynonymVisitor;

fn not_a_synonym<E: serde::de::Error>(found: std::fmt::Arguments<'_>) -> E {
    E::custom(format!(
        "{BAD_SYNONYM}: {found} is neither a list of words nor a string `word -> other word`"
    ))
}

impl<'de> serde::de::Visitor<'de> for SynonymVisitor {
    type Value = Synonym;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of words or a string `word -> other word`")
    }
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Synonym, E> {
        Ok(Synonym::OneWay(text.to_string()))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Synonym, A::Error> {
        let mut words = Vec::new();
        while let Some(SynonymWord(word)) = seq.next_element()? {
            words.push(word);
        }
        Ok(Synonym::Group(words))
    }
    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Synonym, E> {
        Err(not_a_synonym(format_args!("the number `{n}`")))
    }
    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Synonym, E> {
        Err(not_a_synonym(format_args!("the number `{n}`")))
    }
    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Synonym, E> {
        Err(not_a_synonym(format_args!("the number `{n}`")))
    }
    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Synonym, E> {
        Err(not_a_synonym(format_args!("`{b}`")))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Synonym, E> {
        Err(not_a_synonym(format_args!("an empty entry")))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Synonym, E> {
        self.visit_unit()
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<Synonym, A::Error> {
        Err(not_a_synonym(format_args!(
            "a `key: value` map (a `:` in a word needs quotes)"
        )))
    }
}

/// One word of a synonym group: text only, so that a number says so instead of failing the
/// whole entry without a reason.
struct SynonymWord(String);

impl<'de> Deserialize<'de> for SynonymWord {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SynonymWordVisitor)
    }
}

struct SynonymWordVisitor;

fn not_a_word<E: serde::de::Error>(found: std::fmt::Arguments<'_>) -> E {
    E::custom(format!(
        "{BAD_SYNONYM}: a group lists words, and {found} is not one (quote it, `\"{found}\"`, to search for it as a word)"
    ))
}

impl<'de> serde::de::Visitor<'de> for SynonymWordVisitor {
    type Value = SynonymWord;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a word")
    }
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<SynonymWord, E> {
        Ok(SynonymWord(text.to_string()))
    }
    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<SynonymWord, E> {
        Err(not_a_word(format_args!("{n}")))
    }
    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<SynonymWord, E> {
        Err(not_a_word(format_args!("{n}")))
    }
    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<SynonymWord, E> {
        Err(not_a_word(format_args!("{n}")))
    }
    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<SynonymWord, E> {
        Err(not_a_word(format_args!("{b}")))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<SynonymWord, E> {
        Err(E::custom(format!(
            "{BAD_SYNONYM}: a group has an empty word"
        )))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<SynonymWord, E> {
        self.visit_unit()
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<SynonymWord, A::Error> {
        Err(serde::de::Error::custom(format!(
            "{BAD_SYNONYM}: a group lists words, not lists: write each group as its own `- [...]` line"
        )))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<SynonymWord, A::Error> {
        Err(serde::de::Error::custom(format!(
            "{BAD_SYNONYM}: a group lists words, not `key: value` maps (a `:` in a word needs quotes)"
        )))
    }
}

/// The synonym list a site without `search.synonyms` gets, the same text `lectern init`
/// writes into a new site.yaml.
pub const DEFAULT_SYNONYMS: &str = include_str!("scaffold/synonyms.yaml");

impl SearchConfig {
    /// Every (word, other word) pair the synonyms give, in order, without repeats: what a query
    /// holding `word` also looks for.
    pub fn synonym_pairs(&self) -> Vec<(String, String)> {
        let defaults;
        let entries = match &self.synonyms {
            Some(entries) => entries,
            None => {
                defaults = default_synonyms();
                &defaults
            }
        };
        let mut pairs: Vec<(String, String)> = Vec::new();
        for entry in entries {
            for pair in synonym_entry_pairs(entry).unwrap_or_default() {
                if !pairs.contains(&pair) {
                    pairs.push(pair);
                }
            }
        }
        pairs
    }
}

fn default_synonyms() -> Vec<Synonym> {
    #[derive(Deserialize)]
    struct List {
        synonyms: Vec<Synonym>,
    }
    let text = format!("synonyms:\n{DEFAULT_SYNONYMS}");
    let source = YamlSource {
        file: CONFIG_FILE,
        file_text: &text,
        text: &text,
        first_line: 1,
        what: "the default synonyms",
    };
    // A test checks that the default list parses and every entry is valid.
    yaml::parse::<List>(&source, &["synonyms"])
        .map(|l| l.synonyms)
        .unwrap_or_default()
}

/// The pairs of one entry, or what is wrong with it.
fn synonym_entry_pairs(entry: &Synonym) -> Result<Vec<(String, String)>, String> {
    let word = |w: &str| -> Result<String, String> {
        let w = w.trim();
        if w.chars().any(char::is_alphanumeric) {
            Ok(w.to_string())
        } else {
            Err(format!("`{w}` has no letters or characters to search for"))
        }
    };
    match entry {
        Synonym::Group(words) => {
            let words: Vec<String> = words.iter().map(|w| word(w)).collect::<Result<_, _>>()?;
            if words.len() < 2 {
                return Err("a synonym group needs at least two words".into());
            }
            Ok(words
                .iter()
                .flat_map(|a| {
                    words
                        .iter()
                        .filter(move |b| *b != a)
                        .map(move |b| (a.clone(), b.clone()))
                })
                .collect())
        }
        Synonym::OneWay(text) => {
            let (from, to) = text
                .split_once("->")
                .or_else(|| text.split_once('→'))
                .ok_or_else(|| {
                    format!("`{text}` is neither a list of words nor `word -> other word`")
                })?;
            let from = word(from)?;
            let to: Vec<String> = to
                .split([',', '，', '、'])
                .map(word)
                .collect::<Result<_, _>>()?;
            Ok(to
                .into_iter()
                .filter(|t| *t != from)
                .map(|t| (from.clone(), t))
                .collect())
        }
    }
}

/// Body characters a search record may carry (`search.excerpt_chars`): more would make every
/// query download pages' worth of text.
pub const MAX_EXCERPT_CHARS: usize = 2000;

/// Teachers download attachments over school networks and phones: larger files get a warning.
pub const DEFAULT_MAX_ATTACHMENT_MB: u64 = 50;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    raw_html: bool,
    #[serde(default)]
    page_size: Option<usize>,
    #[serde(default)]
    max_attachment_mb: Option<u64>,
    #[serde(default)]
    stages: Option<Vec<RawStage>>,
    #[serde(default)]
    grades: Option<Vec<RawGrade>>,
    courses: Vec<RawCourse>,
    #[serde(default)]
    topic_aliases: BTreeMap<String, String>,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    textbooks: Vec<textbooks::RawTextbook>,
    #[serde(default)]
    budget: RawBudget,
}

/// `budget:` as written: any scalar per key, so a value that is not a number gets our own
/// diagnostic (with its line and a help) rather than the parser's bare "invalid floating point".
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawBudget {
    first_view_kb: Option<BudgetValue>,
    search_kb: Option<BudgetValue>,
    page_kb: Option<BudgetValue>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum BudgetValue {
    Number(f64),
    Other(serde::de::IgnoredAny),
}

const FIELDS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "raw_html",
    "page_size",
    "max_attachment_mb",
    "stages",
    "grades",
    "courses",
    "topic_aliases",
    "search",
    "textbooks",
    "budget",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    slug: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrade {
    number: u8,
    name: String,
    stage: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCourse {
    slug: String,
    name: String,
    #[serde(default)]
    description: String,
}

/// Read and validate `<root>/site.yaml`. `None` when it is missing or invalid (diagnostics say why).
pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> Option<Config> {
    let path = root.join(CONFIG_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            diagnostics.push(
                Diagnostic::error(format!("cannot read {CONFIG_FILE}: {error}"))
                    .in_file(CONFIG_FILE)
                    .with_help("run Lectern in a site folder, pass --root DIR, or create a site with `lectern init DIR`"),
            );
            return None;
        }
    };
    let text = match crate::content::decode_text(CONFIG_FILE, &bytes) {
        Ok(text) => text,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return None;
        }
    };
    parse(&text, diagnostics)
}

/// Parse and validate the text of a `site.yaml`.
pub fn parse(text: &str, diagnostics: &mut Diagnostics) -> Option<Config> {
    let source = YamlSource {
        file: CONFIG_FILE,
        file_text: text,
        text,
        first_line: 1,
        what: CONFIG_FILE,
    };
    let errors_before = diagnostics.error_count();
    let (raw, problems) = yaml::parse_each::<RawConfig>(&source, FIELDS);
    diagnostics.extend(problems);
    let raw = raw?;
    let config = validate(raw, text, diagnostics);
    (diagnostics.error_count() == errors_before).then_some(config)
}

/// Longest site title, stage, grade and course name, and description (characters): the title
/// and the names are on every page (a 1 MB title made 700 MB of output), so a longer one is a
/// paste gone wrong, not a name.
const MAX_SITE_TITLE_CHARS: usize = 100;
const MAX_LABEL_CHARS: usize = 50;
const MAX_DESCRIPTION_CHARS: usize = 1000;

/// Each name and description of site.yaml over its limit, as a problem at its key.
fn check_name_lengths(
    title: &str,
    description: &str,
    stages: &[Stage],
    grades: &[Grade],
    courses: &[Course],
    problem: &mut impl FnMut(&str, String, &str),
) {
    let over = |text: &str, limit: usize| text.chars().count() > limit;
    if over(title, MAX_SITE_TITLE_CHARS) {
        problem(
            "title",
            format!(
                "the site's title is over {MAX_SITE_TITLE_CHARS} characters; it is on every page"
            ),
            "shorten `title:` and move the rest into `description:`",
        );
    }
    if over(description, MAX_DESCRIPTION_CHARS) {
        problem(
            "description",
            format!("the site's description is over {MAX_DESCRIPTION_CHARS} characters"),
            "shorten `description:` to a sentence or two; longer text belongs in a page under content/pages/",
        );
    }
    let names = stages
        .iter()
        .map(|s| ("stages", &s.name))
        .chain(grades.iter().map(|g| ("grades", &g.name)))
        .chain(courses.iter().map(|c| ("courses", &c.name)));
    for (key, name) in names.filter(|(_, name)| over(name, MAX_LABEL_CHARS)) {
        let start: String = name.chars().take(12).collect();
        problem(
            key,
            format!(
                "the name `{start}…` under `{key}` is over {MAX_LABEL_CHARS} characters; it is on every page that lists it"
            ),
            "shorten the name",
        );
    }
    for course in courses
        .iter()
        .filter(|c| over(&c.description, MAX_DESCRIPTION_CHARS))
    {
        problem(
            "courses",
            format!(
                "course `{}`'s description is over {MAX_DESCRIPTION_CHARS} characters",
                course.slug
            ),
            "shorten the description to a sentence or two",
        );
    }
}

fn validate(raw: RawConfig, text: &str, diagnostics: &mut Diagnostics) -> Config {
    let mut problem = |key: &str, message: String, help: &str| {
        let line = yaml::key_line(text, 1, key).unwrap_or(1);
        diagnostics.push(
            Diagnostic::error(message)
                .in_file(CONFIG_FILE)
                .at_line(text, line, 1)
                .with_help(help),
        );
    };
    let language = match raw.language.as_deref() {
        None | Some("zh-CN") | Some("zh") | Some("zh-Hans") => Language::ZhCn,
        Some("en") | Some("en-US") | Some("en-GB") => Language::En,
        Some(other) => {
            problem(
                "language",
                format!("unsupported language `{other}`"),
                "use `zh-CN` (the default) or `en`",
            );
            Language::ZhCn
        }
    };
    let base_url = raw.base_url.unwrap_or_else(|| "/".into());
    if let Err(why) = check_base_url(&base_url) {
        problem(
            "base_url",
            why,
            "write an absolute URL such as `https://example.org/portal/`, or `/`",
        );
    }
    let stages = match raw.stages {
        Some(stages) => stages
            .into_iter()
            .map(|s| Stage {
                slug: s.slug,
                name: s.name,
            })
            .collect(),
        None => default_stages(language),
    };
    let grades = match raw.grades {
        Some(grades) => grades
            .into_iter()
            .map(|g| Grade {
                number: g.number,
                name: g.name,
                stage: g.stage,
            })
            .collect(),
        None => default_grades(language),
    };
    let courses: Vec<Course> = raw
        .courses
        .into_iter()
        .map(|c| Course {
            slug: c.slug,
            name: c.name,
            description: c.description,
        })
        .collect();
    let mut entry_problems = Vec::new();
    check_unique_slugs(
        "stages",
        stages.iter().map(|s| s.slug.as_str()),
        text,
        &mut entry_problems,
    );
    check_unique_slugs(
        "courses",
        courses.iter().map(|c| c.slug.as_str()),
        text,
        &mut entry_problems,
    );
    check_grades(&grades, &stages, &mut problem);
    check_name_lengths(
        &raw.title,
        &raw.description,
        &stages,
        &grades,
        &courses,
        &mut problem,
    );
    if courses.is_empty() {
        problem(
            "courses",
            "`courses` is empty".into(),
            "list at least one course: `- { slug: mental-health, name: 心理健康 }`",
        );
    }
    if raw.search.excerpt_chars > MAX_EXCERPT_CHARS {
        problem(
            "search",
            format!(
                "`search.excerpt_chars` is {}: a result's record may carry at most {MAX_EXCERPT_CHARS} characters of its body",
                raw.search.excerpt_chars
            ),
            "every search downloads ten records: 600 shows a body match at once; 0 (the default) takes the snippet from the page",
        );
    }
    if raw.page_size == Some(0) {
        problem(
            "page_size",
            "`page_size` must be at least 1".into(),
            "remove it to use the default of 24",
        );
    }
    let theme = raw.theme.unwrap_or_else(|| "default".into());
    if !is_slug(&theme) {
        problem(
            "theme",
            format!("theme name `{theme}` is not a plain folder name"),
            "use letters, digits and hyphens, naming a folder under themes/",
        );
    }
    let textbooks =
        textbooks::validate(raw.textbooks, &courses, &grades, text, &mut entry_problems);
    for p in entry_problems {
        // at the value where the line shows it (`slug: 班会`), else at the line
        let column = p
            .value
            .as_deref()
            .filter(|v| !v.is_empty())
            .and_then(|v| {
                let line = text.lines().nth(p.line.checked_sub(1)?)?;
                line.find(v).map(|at| line[..at].chars().count() + 1)
            })
            .unwrap_or(1);
        diagnostics.push(
            Diagnostic::error(p.message)
                .in_file(CONFIG_FILE)
                .at_line(text, p.line, column)
                .with_help(p.help),
        );
    }
    check_topic_aliases(&raw.topic_aliases, text, diagnostics);
    check_synonyms(
        raw.search.synonyms.as_deref().unwrap_or_default(),
        text,
        diagnostics,
    );
    let budget = check_budget(raw.budget, text, diagnostics);
    let base_url = normalise_base_url(&base_url);
    let qr_base_url = is_absolute(&base_url).then(|| base_url.clone());
    Config {
        title: raw.title,
        description: raw.description,
        base_url,
        qr_base_url,
        language,
        theme,
        raw_html: raw.raw_html,
        page_size: raw.page_size.unwrap_or(24).max(1),
        max_attachment_mb: raw.max_attachment_mb.unwrap_or(DEFAULT_MAX_ATTACHMENT_MB),
        stages,
        grades,
        courses,
        topic_aliases: raw.topic_aliases,
        search: raw.search,
        textbooks,
        budget,
    }
}

/// Each `budget:` limit, which must be a positive, finite number of KiB; a bad one is an error at
/// its own line of site.yaml.
fn check_budget(raw: RawBudget, text: &str, diagnostics: &mut Diagnostics) -> BudgetConfig {
    let mut limit = |key: &str, value: Option<BudgetValue>| {
        let why = match value? {
            BudgetValue::Number(kib) if kib.is_finite() && kib > 0.0 => return Some(kib),
            BudgetValue::Number(kib) if kib.is_nan() => "is not a number (NaN)".to_string(),
            BudgetValue::Number(kib) if kib.is_infinite() => "is infinite".to_string(),
            BudgetValue::Number(kib) => format!("is {kib}, not above zero"),
            BudgetValue::Other(_) => "is not a number".to_string(),
        };
        let start = yaml::key_line(text, 1, "budget").unwrap_or(1);
        let (line, column) = yaml::entry_place(text, "budget", key).unwrap_or((start, 1));
        diagnostics.push(
            Diagnostic::error(format!("`budget.{key}` {why}"))
                .in_file(CONFIG_FILE)
                .at_line(text, line, column)
                .underline(key.len())
                .with_help(format!(
                    "write a positive number of KiB, e.g. `{key}: 100`, or remove it for no limit"
                )),
        );
        None
    };
    BudgetConfig {
        first_view_kb: limit("first_view_kb", raw.first_view_kb),
        search_kb: limit("search_kb", raw.search_kb),
        page_kb: limit("page_kb", raw.page_kb),
    }
}

/// `topic_aliases` maps a name once, to the topic pages use: an empty name, or an alias whose
/// topic is itself an alias (a chain, or a cycle that would swap topics round), is an error
/// at the alias's own line of site.yaml.
fn check_topic_aliases(
    aliases: &BTreeMap<String, String>,
    text: &str,
    diagnostics: &mut Diagnostics,
) {
    let mut report = |alias: &str, message: String, help: String| {
        diagnostics.push(
            Diagnostic::error(message)
                .in_file(CONFIG_FILE)
                .at_line(text, alias_line(text, alias), 1)
                .with_help(help),
        );
    };
    for (alias, topic) in aliases {
        if alias.trim().is_empty() {
            report(
                alias,
                format!("an alias in `topic_aliases` is empty (it maps to `{topic}`)"),
                "write the name editors use before the `:`, e.g. `情绪调节: 情绪管理`, or remove the line".into(),
            );
            continue;
        }
        if topic.trim().is_empty() {
            report(
                alias,
                format!("the alias `{alias}` in `topic_aliases` maps to an empty topic"),
                format!(
                    "write the topic `{alias}` stands for after the `:`, e.g. `{alias}: 情绪管理`, or remove the line"
                ),
            );
            continue;
        }
        let Some(next) = aliases.get(topic) else {
            continue;
        };
        // Follow the chain to a topic that is no alias, or back to a name already seen.
        let mut path = vec![alias.as_str(), topic.as_str()];
        let mut current = next.as_str();
        while !path.contains(&current) {
            path.push(current);
            match aliases.get(current) {
                Some(following) => current = following,
                None => break,
            }
        }
        if path.contains(&current) && aliases.contains_key(current) {
            // A cycle: report it once, at its first name in order, and only from inside it.
            let start = path.iter().position(|p| *p == current).unwrap_or(0);
            let cycle = &path[start..];
            if cycle.first() != Some(&alias.as_str()) || cycle.iter().any(|p| p < &alias.as_str()) {
                continue;
            }
            let round = cycle
                .iter()
                .chain(cycle.first())
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(" → ");
            report(
                alias,
                format!("`topic_aliases` goes round in a circle: {round}"),
                "an alias maps a name to the topic pages use, and that topic must not be an alias itself: keep one entry, e.g. `情绪调节: 情绪管理`, and remove the others".into(),
            );
        } else {
            report(
                alias,
                format!(
                    "the alias `{alias}` maps to `{topic}`, which is itself an alias (of `{next}`)"
                ),
                format!("aliases are not followed twice: write `{alias}: {current}`"),
            );
        }
    }
}

/// The line of `alias`'s entry under `topic_aliases:` (the key's own line where the entry is
/// not found).
fn alias_line(text: &str, alias: &str) -> usize {
    let start = yaml::key_line(text, 1, "topic_aliases").unwrap_or(1);
    yaml::entry_place(text, "topic_aliases", alias).map_or(start, |(line, _)| line)
}

/// Each bad `search.synonyms` entry, at its own line of site.yaml.
fn check_synonyms(entries: &[Synonym], text: &str, diagnostics: &mut Diagnostics) {
    let start = yaml::key_line(text, 1, "search").unwrap_or(1);
    for entry in entries {
        let Err(why) = synonym_entry_pairs(entry) else {
            continue;
        };
        let first = match entry {
            Synonym::Group(words) => words.first().map(String::as_str).unwrap_or("["),
            Synonym::OneWay(text) => text.as_str(),
        };
        let line = text
            .lines()
            .enumerate()
            .skip(start)
            .find(|(_, l)| l.trim_start().starts_with('-') && l.contains(first.trim()))
            .map_or(start, |(i, _)| i + 1);
        diagnostics.push(
            Diagnostic::error(format!("{BAD_SYNONYM}: {why}"))
                .in_file(CONFIG_FILE)
                .at_line(text, line, 1)
                .with_help(SYNONYM_HELP),
        );
    }
}

/// Each slug checked where it is written: the search for an entry's `slug:` starts after the
/// previous one's, so a slug written twice is reported at its second place.
fn check_unique_slugs<'a>(
    key: &str,
    slugs: impl Iterator<Item = &'a str>,
    text: &str,
    problems: &mut Vec<textbooks::Problem>,
) {
    let mut seen = BTreeSet::new();
    let mut from = yaml::key_line(text, 1, key).unwrap_or(1);
    for slug in slugs {
        let line = yaml::value_line(text, from, "slug", slug).unwrap_or(from);
        from = line + 1;
        let (message, help) = if !is_slug(slug) {
            (
                format!(
                    "slug `{slug}` in `{key}` is not ASCII lower-case letters, digits and hyphens"
                ),
                "slugs become URL paths: write them like `mental-health`",
            )
        } else if !seen.insert(slug) {
            (
                format!("slug `{slug}` appears twice in `{key}`"),
                "give each entry its own slug",
            )
        } else if crate::slug::is_windows_device(slug) {
            (
                format!(
                    "slug `{slug}` in `{key}` is a device name on Windows: a portal copied onto a Windows PC cannot hold its folder"
                ),
                "choose another slug, such as one with a word added",
            )
        } else {
            continue;
        };
        problems.push(textbooks::Problem {
            line,
            message,
            help: help.into(),
            value: Some(slug.to_string()),
        });
    }
}

fn check_grades(grades: &[Grade], stages: &[Stage], problem: &mut impl FnMut(&str, String, &str)) {
    let mut seen = BTreeSet::new();
    for grade in grades {
        if !(1..=12).contains(&grade.number) {
            problem(
                "grades",
                format!("grade number {} is out of range", grade.number),
                "grades are numbered 1 to 12",
            );
        } else if !seen.insert(grade.number) {
            problem(
                "grades",
                format!("grade {} is listed twice", grade.number),
                "list each grade once",
            );
        }
        if !stages.iter().any(|s| s.slug == grade.stage) {
            problem(
                "grades",
                format!(
                    "grade {} names unknown stage `{}`",
                    grade.number, grade.stage
                ),
                "use a slug listed under `stages`",
            );
        }
    }
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A base URL is `/`-rooted path or an http(s) URL; nothing that could smuggle markup.
impl Config {
    /// The base URL when it names a host (`https://…`): the sitemap protocol, Atom and
    /// schema.org need absolute addresses, which a path-only base such as `/` or `/portal/`
    /// cannot give. `None` for those.
    pub fn absolute_base_url(&self) -> Option<&str> {
        is_absolute(&self.base_url).then_some(&self.base_url)
    }
}

/// A base URL that names a host (`https://…`), not a path only.
fn is_absolute(base_url: &str) -> bool {
    let lower = base_url.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

pub fn check_base_url(url: &str) -> Result<(), String> {
    let lower = url.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://"))
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        let (scheme, rest) = url.split_once("://").unwrap_or((url, ""));
        return Err(format!(
            "base_url `{url}` writes its scheme in capitals: write `{}://{rest}`",
            scheme.to_ascii_lowercase()
        ));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .map(|r| r.split_once('/').map(|(_, p)| p).unwrap_or(""));
    if url.starts_with("//") {
        return Err(format!(
            "base_url `{url}` starts with `//`, which browsers read as another host: write a path such as `/portal/` or a whole URL such as `https://example.org/portal/`"
        ));
    }
    let host = url
        .split_once("://")
        .map(|(_, r)| r.split('/').next().unwrap_or(""));
    if host.is_some_and(|h| h.is_empty() || h.contains('@')) {
        return Err(format!(
            "base_url `{url}` has no plain host name: write it as `https://example.org/` with the site's host"
        ));
    }
    let path = match rest {
        Some(path) => path,
        None if url.starts_with('/') => url,
        None => {
            return Err(format!(
                "base_url `{url}` is neither an http(s) URL nor a path starting with `/`"
            ));
        }
    };
    let bad = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "\"'<>\\`".contains(*c));
    if let Some(c) = bad {
        return Err(format!(
            "base_url `{url}` contains {}, which an address cannot hold: write it percent-encoded (a space is %20) or leave it out",
            match c {
                ' ' | '\u{3000}' => "a space".to_string(),
                c if c.is_control() || c.is_whitespace() =>
                    format!("the character U+{:04X}", c as u32),
                c => format!("`{c}`"),
            }
        ));
    }
    if path.contains("..") || url.contains('?') || url.contains('#') {
        return Err(format!(
            "base_url `{url}` contains characters that are not allowed in it"
        ));
    }
    Ok(())
}

/// The base URL ending in `/`, in ASCII (`crate::url::ascii_base_url`): a Chinese host or
/// path would otherwise reach the sitemap, the feed and the QR codes raw, where the sitemap
/// protocol and many phone scanners take only ASCII.
pub fn normalise_base_url(url: &str) -> String {
    let url = crate::url::ascii_base_url(url);
    if url.ends_with('/') {
        url
    } else {
        format!("{url}/")
    }
}

fn default_stages(language: Language) -> Vec<Stage> {
    let names = match language {
        Language::ZhCn => ["小学", "初中", "高中"],
        Language::En => ["Primary", "Junior secondary", "Senior secondary"],
    };
    ["primary", "junior", "senior"]
        .iter()
        .zip(names)
        .map(|(slug, name)| Stage {
            slug: slug.to_string(),
            name: name.to_string(),
        })
        .collect()
}

fn default_grades(language: Language) -> Vec<Grade> {
    const ZH: [&str; 12] = [
        "一年级",
        "二年级",
        "三年级",
        "四年级",
        "五年级",
        "六年级",
        "七年级",
        "八年级",
        "九年级",
        "高一",
        "高二",
        "高三",
    ];
    (1..=12u8)
        .map(|number| Grade {
            number,
            name: match language {
                Language::ZhCn => ZH[usize::from(number) - 1].to_string(),
                Language::En => format!("Grade {number}"),
            },
            stage: match number {
                1..=6 => "primary",
                7..=9 => "junior",
                _ => "senior",
            }
            .to_string(),
        })
        .collect()
}

impl Config {
    pub fn grade(&self, number: u8) -> Option<&Grade> {
        self.grades.iter().find(|g| g.number == number)
    }

    pub fn course(&self, slug: &str) -> Option<&Course> {
        self.courses.iter().find(|c| c.slug == slug)
    }

    /// The one course whose name holds what was written, is held in it, or is shortened to it
    /// (`心理健康课`, `心理` for 心理健康; `道法` for 道德与法治): what an editor most likely meant
    /// by a course that is none.
    pub fn course_named_like(&self, written: &str) -> Option<&Course> {
        let written = written.trim();
        // 道法课, 心理课: the course, and the word for a lesson of it
        let written = written
            .strip_suffix('课')
            .filter(|w| w.chars().count() >= 2)
            .unwrap_or(written);
        if written.chars().count() < 2 || written.is_ascii() {
            return None;
        }
        let shortened = |name: &str| {
            let mut rest = name.chars();
            written.chars().all(|w| rest.any(|n| n == w))
        };
        // 道德与法制: one character of a name of three or more mistyped (a homophone, mostly)
        let one_off = |name: &str| {
            let (a, b): (Vec<char>, Vec<char>) =
                (written.chars().collect(), name.chars().collect());
            a.len() == b.len()
                && a.len() >= 3
                && a.iter().zip(&b).filter(|(x, y)| x != y).count() == 1
        };
        let mut like = self.courses.iter().filter(|c| {
            c.name.contains(written)
                || written.contains(c.name.as_str())
                || shortened(&c.name)
                || one_off(&c.name)
        });
        let first = like.next()?;
        like.next().is_none().then_some(first)
    }

    pub fn stage(&self, slug: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.slug == slug)
    }

    /// The canonical spelling of a topic, after aliases.
    pub fn canonical_topic<'a>(&'a self, topic: &'a str) -> &'a str {
        self.topic_aliases
            .get(topic)
            .map(String::as_str)
            .unwrap_or(topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Config {
        let mut d = Diagnostics::new();
        let config = parse(text, &mut d);
        assert!(!d.has_errors(), "{:?}", d.sorted());
        config.unwrap()
    }

    const SITE: &str = "title: T\ncourses:\n  - { slug: mental-health, name: 心理健康 }\n";

    #[test]
    fn a_course_written_by_a_name_like_its_own_is_found() {
        let config = parse_ok(
            "title: T\ncourses:\n  - { slug: mental-health, name: 心理健康 }\n  - { slug: morality-law, name: 道德与法治 }\n  - { slug: life, name: 生命与健康 }\n",
        );
        let like = |w: &str| config.course_named_like(w).map(|c| c.slug.as_str());
        assert_eq!(like("心理健康课"), Some("mental-health"));
        assert_eq!(like("心理"), Some("mental-health"));
        assert_eq!(like("道法"), Some("morality-law"));
        assert_eq!(like("道法课"), Some("morality-law"));
        assert_eq!(
            like("道德与法制"),
            Some("morality-law"),
            "one character mistyped"
        );
        assert_eq!(like("生命与建康"), Some("life"));
        assert_eq!(like("健康"), None, "two courses are named so");
        assert_eq!(like("数学"), None);
        assert_eq!(like("心"), None, "one character says too little");
    }

    #[test]
    fn a_site_title_or_name_pasted_far_too_long_is_an_error() {
        let long = "长".repeat(5000);
        for text in [
            format!("title: {long}\ncourses:\n  - {{ slug: a, name: 心理健康 }}\n"),
            format!("title: T\ndescription: {long}\ncourses:\n  - {{ slug: a, name: 心理健康 }}\n"),
            format!("title: T\ncourses:\n  - {{ slug: a, name: {long} }}\n"),
        ] {
            let mut d = Diagnostics::new();
            let _ = parse(&text, &mut d);
            let errors = format!("{:?}", d.sorted());
            assert!(d.has_errors() && errors.contains("characters"), "{errors}");
        }
    }

    #[test]
    fn excerpt_chars_default_to_none_and_have_a_ceiling() {
        assert_eq!(parse_ok(SITE).search.excerpt_chars, 0);
        let kept = parse_ok(&format!("{SITE}search:\n  excerpt_chars: 600\n"));
        assert_eq!(kept.search.excerpt_chars, 600);
        let mut d = Diagnostics::new();
        let _ = parse(
            &format!("{SITE}search:\n  excerpt_chars: 100000000\n"),
            &mut d,
        );
        let errors = format!("{:?}", d.sorted());
        assert!(
            d.has_errors() && errors.contains("at most 2000"),
            "{errors}"
        );
    }

    #[test]
    fn synonyms_default_to_the_list_init_writes() {
        let c = parse_ok(SITE);
        let pairs = c.search.synonym_pairs();
        assert!(pairs.len() >= 30, "{}", pairs.len());
        let has = |a: &str, b: &str| pairs.contains(&(a.to_string(), b.to_string()));
        assert!(
            has("紧张", "焦虑") && has("焦虑", "紧张"),
            "a group goes both ways"
        );
        assert!(
            has("霸凌", "欺凌") && !has("欺凌", "霸凌"),
            "an arrow goes one way"
        );
        assert!(
            default_synonyms()
                .iter()
                .all(|e| synonym_entry_pairs(e).is_ok())
        );
        assert_eq!(
            default_synonyms().len(),
            DEFAULT_SYNONYMS
                .lines()
                .filter(|l| l.trim_start().starts_with('-'))
                .count()
        );
        let none = parse_ok(&format!("{SITE}search:\n  synonyms: []\n"));
        assert!(
            none.search.synonym_pairs().is_empty(),
            "an empty list turns them off"
        );
        let own = parse_ok(&format!(
            "{SITE}search:\n  synonyms:\n    - [甲, 乙, 丙]\n    - 丁 → 戊，己\n"
        ));
        assert_eq!(own.search.synonym_pairs().len(), 8);
    }

    #[test]
    fn a_bad_synonym_is_reported_at_its_line() {
        for (entry, why) in [
            ("[孤单]", "at least two words"),
            ("只有一个词", "neither a list"),
            ("霸凌 -> ！", "no letters"),
            // Shapes serde alone rejected with "did not match any variant of untagged enum".
            ("[焦虑, 7]", "7 is not one (quote it"),
            ("1", "the number `1` is neither a list"),
            ("true", "`true` is neither a list"),
            ("{紧张: 焦虑}", "a `key: value` map"),
            ("[[紧张, 焦虑], [难过, 伤心]]", "not lists"),
            ("[紧张, ~]", "an empty word"),
        ] {
            let mut d = Diagnostics::new();
            let text = format!("{SITE}search:\n  synonyms:\n    - [紧张, 焦虑]\n    - {entry}\n");
            assert!(parse(&text, &mut d).is_none(), "{entry}");
            let all = d.sorted();
            assert_eq!(all.len(), 1, "{all:?}");
            assert_eq!(all[0].line, Some(7), "{entry}: {all:?}");
            assert!(all[0].message.contains(why), "{}", all[0].message);
            assert!(
                all[0].message.starts_with(BAD_SYNONYM),
                "{}",
                all[0].message
            );
            assert_eq!(all[0].help.as_deref(), Some(SYNONYM_HELP), "{entry}");
        }
    }

    #[test]
    fn bad_topic_aliases_are_reported_at_their_lines() {
        let aliases = |entries: &str| {
            let mut d = Diagnostics::new();
            let text = format!("{SITE}topic_aliases:\n  情绪调节: 情绪管理\n{entries}");
            assert!(parse(&text, &mut d).is_none(), "{entries}");
            d.sorted()
        };
        let cycle = aliases("  情绪管理: 情绪调节\n");
        assert_eq!(cycle.len(), 1, "a cycle is reported once: {cycle:?}");
        assert!(
            cycle[0]
                .message
                .contains("`情绪管理` → `情绪调节` → `情绪管理`"),
            "{}",
            cycle[0].message
        );
        assert_eq!(cycle[0].line, Some(6));
        assert!(cycle[0].help.as_deref().unwrap().contains("keep one entry"));
        let itself = aliases("  压力: 压力\n");
        assert!(itself[0].message.contains("`压力` → `压力`"), "{itself:?}");
        assert_eq!(itself[0].line, Some(6));
        let chain = aliases("  调节情绪: 情绪调节\n");
        assert_eq!(chain.len(), 1, "{chain:?}");
        assert!(
            chain[0]
                .message
                .contains("which is itself an alias (of `情绪管理`)")
        );
        assert_eq!(
            chain[0].help.as_deref(),
            Some("aliases are not followed twice: write `调节情绪: 情绪管理`")
        );
        let empty_key = aliases("  \"\": 情绪管理\n");
        assert!(empty_key[0].message.contains("is empty"), "{empty_key:?}");
        assert_eq!(empty_key[0].line, Some(6));
        let empty_topic = aliases("  压力: \"  \"\n");
        assert!(
            empty_topic[0].message.contains("maps to an empty topic"),
            "{empty_topic:?}"
        );
        assert_eq!(empty_topic[0].line, Some(6));
        // An inline map points at its key's line.
        let mut d = Diagnostics::new();
        let inline = format!("{SITE}topic_aliases: {{情绪调节: 情绪管理, 情绪管理: 情绪调节}}\n");
        assert!(parse(&inline, &mut d).is_none());
        assert_eq!(d.sorted()[0].line, Some(4));
        let fine = parse_ok(&format!(
            "{SITE}topic_aliases:\n  情绪调节: 情绪管理\n  调节情绪: 情绪管理\n"
        ));
        assert_eq!(fine.canonical_topic("调节情绪"), "情绪管理");
    }

    #[test]
    fn defaults_to_chinese_six_three_three() {
        let c = parse_ok("title: T\ncourses:\n  - { slug: mental-health, name: 心理健康 }\n");
        assert_eq!(c.grades.len(), 12);
        assert_eq!(c.grade(7).unwrap().name, "七年级");
        assert_eq!(c.grade(10).unwrap().stage, "senior");
        assert_eq!(c.base_url, "/");
        assert_eq!(c.language, Language::ZhCn);
    }

    #[test]
    fn unknown_key_gets_a_suggestion_and_the_line() {
        let mut d = Diagnostics::new();
        assert!(parse("title: T\ncourse:\n  - { slug: a, name: A }\n", &mut d).is_none());
        let all = d.sorted();
        assert_eq!(all[0].line, Some(2), "{all:?}");
        assert_eq!(all[0].help.as_deref(), Some("did you mean `courses`?"));
    }

    #[test]
    fn rejects_bad_base_url_and_duplicate_course() {
        let mut d = Diagnostics::new();
        for bad in [
            "//evil.example/",
            "///evil.example",
            "https:///x/",
            "https://a@evil.example/",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
        let space = check_base_url("https://example.org/资源 库/").unwrap_err();
        assert!(
            space.contains("a space") && space.contains("%20"),
            "{space}"
        );
        let capitals = check_base_url("HTTPS://X.ORG/").unwrap_err();
        assert!(capitals.contains("write `https://X.ORG/`"), "{capitals}");
        let text = "title: T\nbase_url: javascript:alert(1)\ncourses:\n  - { slug: a, name: A }\n  - { slug: a, name: B }\n";
        assert!(parse(text, &mut d).is_none());
        let messages: Vec<_> = d.sorted().into_iter().map(|d| d.message).collect();
        assert!(
            messages.iter().any(|m| m.contains("base_url")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("appears twice")),
            "{messages:?}"
        );
    }

    #[test]
    fn a_slug_written_twice_is_reported_at_its_second_place() {
        // the one problem of `text` whose message holds `needle`
        let problem = |text: &str, needle: &str| {
            let mut d = Diagnostics::new();
            assert!(parse(text, &mut d).is_none());
            d.sorted()
                .into_iter()
                .find(|d| d.message.contains(needle))
                .unwrap()
        };
        let twice = problem(
            "title: T\ncourses:\n  - slug: a\n    name: A\n  - { slug: ab, name: AB }\n  - slug: \"a\"\n    name: B\n",
            "appears twice",
        );
        assert_eq!(twice.line, Some(6), "{twice:?}");
        assert_eq!(twice.column, Some(12), "at the slug: {twice:?}");
        let chinese = problem(
            "title: T\ncourses:\n  - { slug: 班会, name: 主题班会 }\n",
            "not ASCII",
        );
        assert_eq!(
            (chinese.line, chinese.column),
            (Some(3), Some(13)),
            "{chinese:?}"
        );
    }
}
