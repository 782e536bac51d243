//! The one place that knows our YAML library (serde-saphyr). Everything else asks for a typed value
//! and gets back either the value or a diagnostic located in the *file* (not in the YAML block), with
//! a "did you mean" for misspelt keys.
//!
//! Why serde-saphyr: serde_yaml is archived upstream and serde_yml has open advisories; serde-saphyr
//! is maintained, pure Rust, reports line and column, rejects duplicate keys and limits alias bombs.

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};

use crate::diagnostics::{Diagnostic, suggest_field};

/// A YAML block inside a file: `text` starts at line `first_line` (1-based) of `file_text`.
pub struct YamlSource<'a> {
    pub file: &'a str,
    pub file_text: &'a str,
    pub text: &'a str,
    pub first_line: usize,
    /// What the block describes, for messages: "lesson front matter", "site.yaml".
    pub what: &'a str,
}

/// Parse `source` into `T`. `fields` lists the keys `T` accepts, for "did you mean" help.
pub fn parse<T: DeserializeOwned>(
    source: &YamlSource<'_>,
    fields: &[&str],
) -> Result<T, Diagnostic> {
    if let Some(diagnostic) = too_large(source).or_else(|| find_tab_indentation(source)) {
        return Err(diagnostic);
    }
    serde_saphyr::from_str_with_options::<T>(source.text, parse_options(source.text))
        .map_err(|error| to_diagnostic(source, &error, fields))
}

/// Parse `source` into `T`, reporting every problem of the block, not only the first: unknown
/// keys are found before `T` sees them, and a key whose value `T` rejects is set aside and the
/// rest parsed again. `None` when no `T` could be made (a syntax error, a bad required field).
pub fn parse_each<T: DeserializeOwned>(
    source: &YamlSource<'_>,
    fields: &[&str],
) -> (Option<T>, Vec<Diagnostic>) {
    parse_each_with(source, fields, &[])
}

/// `parse_each`, where a required key that is missing or was set aside for its own error is
/// given a stand-in value from `stand_ins` (`("grade", "7")`): a `T` is made, so the caller's
/// checks of the other keys run and the editor hears of every problem at once. Such a `T`
/// always comes with the error that called for the stand-in, and must not be published.
pub fn parse_each_with<T: DeserializeOwned>(
    source: &YamlSource<'_>,
    fields: &[&str],
    stand_ins: &[(&str, String)],
) -> (Option<T>, Vec<Diagnostic>) {
    if let Some(value) = parse_plain_block(source, fields) {
        return (Some(value), Vec::new());
    }
    let keys = match top_level_keys(source) {
        Some(keys) if find_tab_indentation(source).is_none() && too_large(source).is_none() => keys,
        // Not a plain `key: value` block (or a syntax error): one diagnostic, as `parse` gives.
        _ => {
            return match parse(source, fields) {
                Ok(value) => (Some(value), Vec::new()),
                Err(diagnostic) => (None, vec![diagnostic]),
            };
        }
    };
    let mut block = Block::new(source.text, keys);
    let mut problems = unknown_keys(source, &mut block, fields);
    let suggested: Vec<String> = problems
        .iter()
        .filter_map(|p| {
            let help = p.help.as_deref()?;
            quoted_after(help, "did you mean `").or_else(|| quoted_after(help, "and type `"))
        })
        .collect();
    let options = parse_options(source.text);
    loop {
        if block.all_set_aside() {
            // Nothing left to parse; an "empty" error now would only repeat the above.
            return (None, problems);
        }
        let error = match serde_saphyr::from_str_with_options::<T>(&block.text, options.clone()) {
            Ok(value) => return (Some(value), problems),
            Err(error) => error,
        };
        let diagnostic = to_diagnostic(source, &error, fields);
        // A required key set aside for its own error is "missing" now, and a misspelt one was
        // just suggested: either way, already reported.
        let missing = quoted_after(&diagnostic.message, "missing field `");
        if let Some(key) = missing {
            let explained = block.is_set_aside(&key) || suggested.contains(&key);
            // A required key that is not there is missing whichever other key is set aside:
            // said once (it had been said once per line of the block).
            if !explained {
                problems.push(diagnostic);
            }
            match stand_ins.iter().find(|(name, _)| *name == key) {
                Some((_, value)) if !block.stood_in(&key) => {
                    block.stand_in(&key, value);
                    continue;
                }
                _ => return (None, problems),
            }
        }
        let owner = error
            .location()
            .and_then(|l| block.owner_of(l.line() as usize));
        problems.push(diagnostic);
        match owner {
            Some(key) => block.set_aside(&key),
            None => return (None, problems),
        }
    }
}

/// One diagnostic per top-level key that `fields` does not list; those keys are set aside.
fn unknown_keys(source: &YamlSource<'_>, block: &mut Block, fields: &[&str]) -> Vec<Diagnostic> {
    let unknown: Vec<Key> = block
        .keys
        .iter()
        .filter(|k| !fields.contains(&k.name.as_str()))
        .cloned()
        .collect();
    unknown
        .into_iter()
        .map(|key| {
            block.set_aside(&key.name);
            let (message, help) = match invisible_in(&key.name, fields) {
                Some((field, hidden)) => (
                    format!(
                        "the key `{field}` holds an invisible character (U+{:04X}), so it is not the field `{field}`",
                        u32::from(hidden)
                    ),
                    format!("delete the key and type `{field}` again"),
                ),
                None => (
                    format!("unknown field `{}` in {}", key.name, source.what),
                    match suggest_field(&key.name, fields) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!("the allowed keys are: {}", fields.join(", ")),
                    },
                ),
            };
            Diagnostic::error(message)
                .in_file(source.file)
                .at_line(
                    source.file_text,
                    source.first_line + key.line - 1,
                    key.column,
                )
                .underline(key.name.chars().count())
                .with_help(help)
        })
        .collect()
}

/// A key that is a field once its invisible characters are gone (`ti\u{200B}tle`, pasted from
/// a web page): the field and the first such character. Shown as is, the key reads `title` and
/// "unknown field `title`" would make no sense to anyone.
fn invisible_in(key: &str, fields: &[&str]) -> Option<(String, char)> {
    let hidden = |c: char| matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}');
    let first = key.chars().find(|c| hidden(*c))?;
    let visible: String = key.chars().filter(|c| !hidden(*c)).collect();
    fields
        .contains(&visible.as_str())
        .then_some((visible, first))
}

#[derive(Clone)]
struct Key {
    name: String,
    /// 1-based, in the block.
    line: usize,
    column: usize,
}

/// The block's text with some top-level keys blanked out (their lines kept, empty, so that
/// line numbers still match the file).
struct Block {
    text: String,
    keys: Vec<Key>,
    set_aside: Vec<String>,
    /// Required keys given a stand-in value (`parse_each_with`).
    stood_in: Vec<String>,
}

impl Block {
    fn new(text: &str, keys: Vec<Key>) -> Self {
        Block {
            text: text.to_string(),
            keys,
            set_aside: Vec::new(),
            stood_in: Vec::new(),
        }
    }

    fn stood_in(&self, name: &str) -> bool {
        self.stood_in.iter().any(|k| k == name)
    }

    /// `name: value` added after the block's last line (so no line number moves).
    fn stand_in(&mut self, name: &str, value: &str) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.text.push_str(&format!("{name}: {value}\n"));
        self.stood_in.push(name.to_string());
    }

    fn all_set_aside(&self) -> bool {
        !self.keys.is_empty() && self.set_aside.len() == self.keys.len()
    }

    fn is_set_aside(&self, name: &str) -> bool {
        self.set_aside.iter().any(|k| k == name)
    }

    /// The key whose value spans `line` (1-based, in the block).
    fn owner_of(&self, line: usize) -> Option<String> {
        let key = self.keys.iter().rev().find(|k| k.line <= line)?;
        (!self.is_set_aside(&key.name)).then(|| key.name.clone())
    }

    /// Blank the lines from `name`'s line to the line before the next key.
    fn set_aside(&mut self, name: &str) {
        let Some(index) = self.keys.iter().position(|k| k.name == name) else {
            return;
        };
        let first = self.keys[index].line;
        let next = self.keys.get(index + 1).map_or(usize::MAX, |k| k.line);
        self.text = self
            .text
            .split_inclusive('\n')
            .enumerate()
            .map(|(i, line)| {
                let blank = (first..next).contains(&(i + 1));
                if blank {
                    &line[line.trim_end_matches('\n').len()..]
                } else {
                    line
                }
            })
            .collect();
        self.set_aside.push(name.to_string());
    }
}

/// The common case in one parse: a block of `key: value` lines, every key one of `fields`,
/// that `T` accepts. It gives what the full path below would (no unknown key to report, the
/// same parse of the same text) without first parsing the block for its keys, a second parse
/// that was a tenth of reading a large site. `None` sends anything else down the full path.
fn parse_plain_block<T: DeserializeOwned>(source: &YamlSource<'_>, fields: &[&str]) -> Option<T> {
    let plain = source.text.lines().all(|line| {
        if line.trim().is_empty() || line.starts_with([' ', '#']) {
            return true;
        }
        line.split_once(':')
            .is_some_and(|(name, _)| fields.contains(&name))
    });
    if !plain || too_large(source).is_some() || find_tab_indentation(source).is_some() {
        return None;
    }
    serde_saphyr::from_str_with_options::<T>(source.text, parse_options(source.text)).ok()
}

/// The top-level keys of a block-style mapping, in order, each on its own line; `None` for
/// anything else (a list, flow style, a syntax error), which `parse` then reports as before.
fn top_level_keys(source: &YamlSource<'_>) -> Option<Vec<Key>> {
    let keys = serde_saphyr::from_str_with_options::<Keys>(source.text, parse_options(source.text))
        .ok()?
        .0;
    let one_per_line = keys.windows(2).all(|w| w[0].line < w[1].line);
    (one_per_line && keys.iter().all(|k| k.column == 1)).then_some(keys)
}

struct Keys(Vec<Key>);

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(KeysVisitor)
    }
}

struct KeysVisitor;

impl<'de> Visitor<'de> for KeysVisitor {
    type Value = Keys;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a set of `key: value` lines")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
        let mut keys = Vec::new();
        while let Some(key) = map.next_key::<serde_saphyr::Spanned<String>>()? {
            map.next_value::<IgnoredAny>()?;
            keys.push(Key {
                name: key.value,
                line: key.referenced.line() as usize,
                column: key.referenced.column() as usize,
            });
        }
        Ok(Keys(keys))
    }
}

/// The largest YAML text read at once: one front matter block or one whole video catalog.
/// serde-saphyr stops at 64 MiB of scalar text anyway; saying so first names the real limit.
pub const MAX_YAML_BYTES: usize = 64 * 1024 * 1024;

/// serde-saphyr's options with its budget sized to `text`. Its default node and event counts
/// (250,000 and 1,000,000) are fixed, so a plain catalog of ~17,800 entries hit them and was
/// told it used too many aliases. Every node and event of plain YAML is spelt by at least one
/// byte of text, so counts proportional to the size never refuse plain YAML; what aliases
/// expand into is limited apart from these (alias limits, replayed events), so bombs still
/// stop early.
fn parse_options(text: &str) -> serde_saphyr::options::Options {
    let mut options = serde_saphyr::options::Options::default();
    options.with_snippet = false;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = budget.max_nodes.max(text.len() + 1);
    budget.max_events = budget.max_events.max(2 * text.len() + 2);
    // Without aliases the scalars are at most the text; a few shared values (`school: &s …`,
    // `*s` on every entry) add little. A flood (a 60 KB value repeated 5,000 times) stops
    // within a megabyte or two of copying, not at the 64 MiB default after seconds of it.
    budget.max_total_scalar_bytes = budget
        .max_total_scalar_bytes
        .min(2 * text.len() + (1 << 20));
    options.budget = Some(budget);
    options
}

/// The size limit, checked before parsing.
fn too_large(source: &YamlSource<'_>) -> Option<Diagnostic> {
    let size = source.text.len();
    (size > MAX_YAML_BYTES).then(|| {
        Diagnostic::error(format!(
            "the {} is {} MiB, over the limit of {} MiB for one YAML text (file size limit)",
            source.what,
            size.div_ceil(1024 * 1024),
            MAX_YAML_BYTES / (1024 * 1024)
        ))
        .in_file(source.file)
        .with_help("split it into several files (a video catalog may be any number of files under content/videos/)")
    })
}

/// YAML forbids tabs for indentation; saphyr's message for it is cryptic, so we say it first.
fn find_tab_indentation(source: &YamlSource<'_>) -> Option<Diagnostic> {
    source.text.lines().enumerate().find_map(|(i, line)| {
        let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
        indent.contains('\t').then(|| {
            let line_no = source.first_line + i;
            let column = indent.find('\t').map(|b| indent[..b].chars().count() + 1);
            Diagnostic::error(format!(
                "tab character used for indentation in {}",
                source.what
            ))
            .in_file(source.file)
            .at_line(source.file_text, line_no, column.unwrap_or(1))
            .with_help("YAML allows only spaces for indentation: replace the tab with two spaces")
        })
    })
}

fn to_diagnostic(
    source: &YamlSource<'_>,
    error: &serde_saphyr::Error,
    fields: &[&str],
) -> Diagnostic {
    let message = clean_message(error);
    let (line, column) = error
        .location()
        .map(|l| (l.line() as usize, l.column() as usize))
        .filter(|(l, _)| *l > 0)
        .unwrap_or((1, 1));
    // Past the block's last line is the end of the block (the parser says so of a missing key,
    // also after `parse_each_with` added stand-in lines).
    let line = line.min(source.text.lines().count().max(1));
    let line_in_file = source.first_line + line - 1;
    if let Some(diagnostic) = unclosed_quote(source, line) {
        return diagnostic;
    }
    if (message.starts_with("expected mapping") || message.contains("expected ':'"))
        && let Some(diagnostic) = colon_without_space(source)
    {
        return diagnostic;
    }
    let mut diagnostic = Diagnostic::error(format!("{message} in {}", source.what))
        .in_file(source.file)
        .at_line(source.file_text, line_in_file, column);
    if let Some(unknown) = quoted_after(&message, "unknown field `") {
        diagnostic = diagnostic.underline(unknown.chars().count());
        // A nested block (`search:`, `budget:`, a course) has keys of its own, which serde
        // names; `fields` are the block's top-level keys.
        let nested = expected_fields(error);
        let allowed: Vec<&str> = if nested.is_empty() {
            fields.to_vec()
        } else {
            nested.iter().map(String::as_str).collect()
        };
        diagnostic = match suggest_field(&unknown, &allowed) {
            Some(near) => diagnostic.with_help(format!("did you mean `{near}`?")),
            None => diagnostic.with_help(format!("the allowed keys are: {}", allowed.join(", "))),
        };
    } else if let Some(missing) = quoted_after(&message, "missing field `") {
        // In a `{ … }` on one line (a unit, a course), the key goes inside the braces.
        let help = if source_line(source, line_in_file).contains('{') {
            format!("add `{missing}: …` inside the braces `{{ … }}`")
        } else {
            format!("add a line `{missing}: …` to the {}", source.what)
        };
        diagnostic = diagnostic.with_help(help);
    } else if message.starts_with("several YAML documents") {
        diagnostic = diagnostic.with_help(
            "a catalog is one list: remove the `---` lines between entries and start each entry with `- `",
        );
    } else if message.contains("duplicate") {
        diagnostic = diagnostic.with_help("each key may appear only once: remove one of them");
    } else if message.starts_with(crate::config::BAD_SYNONYM) {
        diagnostic = diagnostic.with_help(crate::config::SYNONYM_HELP);
    } else if let Some(help) = budget_help(&message) {
        diagnostic = diagnostic.with_help(help);
    } else if message.starts_with("non-finite float") {
        diagnostic = diagnostic
            .with_help("write an ordinary number such as `100`: `.nan` and `.inf` are not numbers Lectern can use");
    } else if source.what.ends_with("catalog")
        && (message.starts_with("expected sequence") || message.contains("expected a list"))
        && line == 1
    {
        // The whole file is one entry, not a list of them.
        diagnostic = diagnostic.with_help(
            "a catalog is a list of entries: start each with `- `, e.g. `- id: qing-xu-ke` and its other keys indented under it",
        );
    } else if let Some(variant) = quoted_after(&message, "unknown variant `") {
        let spaced = if variant.trim() != variant {
            format!("(`{variant}` has a space at its start or end) ")
        } else {
            String::new()
        };
        diagnostic = diagnostic.with_help(match expected_variants(error) {
            Some(variants) => format!("{spaced}write one of: {variants}"),
            None => format!("{spaced}check the spelling of `{}`", variant.trim()),
        });
    } else if message.starts_with("empty value")
        && slip_help(&message, source_line(source, line_in_file), column).is_none()
    {
        let (key, _) = key_and_value_at(source_line(source, line_in_file), 1);
        diagnostic = diagnostic.with_help(format!(
            "write the value after `{key}:` on the same line, or delete the line if the field is optional"
        ));
    } else if message.starts_with("unexpected end of input") && source.text.trim().is_empty() {
        diagnostic = diagnostic.with_help(format!(
            "the {} between the two `---` lines is empty: write its fields there (title, grade, course …), one `key: value` per line",
            source.what
        ));
    } else if let Some(help) = slip_help(&message, source_line(source, line_in_file), column) {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

/// Line `line` (1-based, in the file) of the file's text.
fn source_line<'t>(source: &YamlSource<'t>, line: usize) -> &'t str {
    source
        .file_text
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
}

/// The mend for an item of a block list (`  - …`) that YAML read otherwise: one holding `: `
/// (read as a pair), an address pasted with its share code, a `-` with no space after it.
fn list_item_help(line: &str) -> Option<String> {
    let trimmed = line.trim_start();
    let item = trimmed.strip_prefix('-')?;
    if !item.starts_with([' ', '\t']) {
        // `-压力` under `topics:`: indented, or at the start of the line (YAML allows both), but
        // not `---` and not a key (`-x: 1`)
        let listed = line.starts_with([' ', '\t']) || !item.contains(':');
        return (listed && !item.is_empty() && !item.starts_with('-')).then(|| {
            format!(
                "put a space after the `-` of a list item: `- {}`",
                shorten(item.trim())
            )
        });
    }
    let item = item.trim();
    if let Some((address, code)) = crate::diagnostics::share_code_parts(item) {
        return Some(format!(
            "the link is the address alone: write `- {address}`, and put `{code}` in the text, where readers see it"
        ));
    }
    (item.contains(": ") && !item.starts_with(['"', '\'', '{'])).then(|| {
        format!(
            "an item that holds `: ` must be in quotes: `- \"{}\"`",
            shorten(item)
        )
    })
}

/// How to mend the slips editors make most, which the parser words in its own terms.
/// `column` (1-based, in characters) is where the parser stopped: on a line holding a
/// `{ key: value, … }`, the key and value there are the ones the help names.
fn slip_help(message: &str, line: &str, column: usize) -> Option<String> {
    if let Some(help) = list_item_help(line) {
        return Some(help);
    }
    let (key, value) = key_and_value_at(line, column);
    let value = shorten(value);
    if line.contains(['\u{3000}', '\u{a0}']) {
        return Some(
            "the line holds a full-width space (　) or a non-breaking space (pasted from a web page or WeChat), which YAML does not read as a space: replace it with an ordinary space".to_string(),
        );
    }
    if let Some(help) = crate::diagnostics::share_code_help(key, &value) {
        return Some(help);
    }
    if line.contains('：') && !line.contains(':') {
        return Some(format!(
            "write the colon after `{key}` as `:` (the ASCII colon, then a space): a Chinese input method types `：`"
        ));
    }
    // `  grade: 7` under `title: 心理课`: an indented line continues the value above it, and
    // then its `: ` is out of place
    if message.starts_with("mapping values are not allowed")
        && line.starts_with([' ', '\t'])
        && let Some((indented, _)) = line.trim_start().split_once(':')
        && !indented.is_empty()
        && indented
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Some(format!(
            "the line is indented: remove the spaces before `{indented}:`, so that it starts at the beginning of the line like the keys above it"
        ));
    }
    if message.starts_with("mapping values are not allowed") {
        return Some(format!(
            "a value that holds `: ` must be in quotes: `{key}: \"{value}\"`"
        ));
    }
    if message.starts_with("expected sequence") || message.contains("expected a list") {
        let item = match value.contains(": ") {
            true => format!("\"{value}\""),
            false => value.to_string(),
        };
        return Some(format!(
            "`{key}` is a list: write `{key}: [{item}]`, or one `- item` per line under it"
        ));
    }
    if message.starts_with("invalid boolean") {
        return Some(format!(
            "`{key}` is yes or no: write `{key}: true` or `{key}: false`"
        ));
    }
    if message.contains("anchor") || message.contains("alias") {
        return Some(format!(
            "in YAML a value starting with `*` or `&` refers to another value: put it in quotes, `{key}: \"{value}\"`"
        ));
    }
    // `[情绪管理, [压力, 焦虑]]`: quoting it would make topics of the brackets
    if message.starts_with("expected a single value")
        && let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']'))
        && inner.contains('[')
    {
        return Some(format!(
            "a list cannot hold another list: write the items in one list, `{key}: [{}]`",
            inner.replace(['[', ']'], "")
        ));
    }
    if message.starts_with("expected a single value")
        && value.starts_with('[')
        && value.find(']').is_some_and(|end| end + 1 < value.len())
    {
        return Some(format!(
            "in YAML a value starting with `[` is a list: put the whole value in quotes, `{key}: \"{value}\"`"
        ));
    }
    if message.starts_with("unexpected character") {
        return Some(format!(
            "a value starting with `@`, `` ` ``, `%` or `|` must be in quotes: `{key}: \"{value}\"`"
        ));
    }
    if message.contains("block sequence entries are not allowed") {
        return Some(format!(
            "write a list as `{key}: [a, b]`, or put each `- item` on a line of its own under `{key}:`"
        ));
    }
    // `[a: b]`: the item holding `: ` was read as a pair, where the list wants a text
    if message.starts_with("expected a single value")
        && let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']'))
        && inner.contains(": ")
    {
        return Some(format!(
            "an item that holds `: ` must be in quotes: `{key}: [\"{}\"]`",
            inner.trim()
        ));
    }
    if message.starts_with("expected a single value") {
        return Some(format!(
            "`{key}` takes one value, not a list: write it as one text, e.g. `{key}: {}`",
            value
                .trim_matches(['[', ']'])
                .replace(", ", "、")
                .replace(',', "、")
        ));
    }
    if message.contains("not a whole number") || message.contains("expected a whole number") {
        // 100000000000000000000 is a whole number, only too big to hold
        let digits = value.trim().trim_start_matches('+');
        if digits.len() > 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Some(format!(
                "`{key}` is a whole number, but {digits} is far too big for it: write a smaller one"
            ));
        }
        let example = match key {
            "term" => "`term: 1` (autumn term) or `term: 2` (spring term)".to_string(),
            "rating" => "`rating: 5`".to_string(),
            "grade" => "`grade: 7`".to_string(),
            "duration_minutes" => "`duration_minutes: 40`".to_string(),
            // a page's weight may be negative, to come before the others
            "weight" => return Some("`weight` is a whole number: write it like `weight: 10` (or `weight: -1`), without quotes".to_string()),
            _ => format!("`{key}: 1`"),
        };
        return Some(format!(
            "`{key}` is a whole number: write it like {example}, without quotes, units or a minus sign"
        ));
    }
    if message.starts_with("empty value") && value.starts_with('#') {
        return Some(format!(
            "in YAML `#` starts a comment, so `{key}` is empty: put the value in quotes, `{key}: \"{value}\"`"
        ));
    }
    None
}

/// The key and value at `column` of `line`: `title: x` → (`title`, `x`); in
/// `- { number: -1, name: 第五 }` at the `-1` → (`number`, `-1`).
fn key_and_value_at(line: &str, column: usize) -> (&str, &str) {
    let flow = line
        .trim_start()
        .trim_start_matches('-')
        .trim_start()
        .starts_with('{');
    if !flow {
        let key = line.split([':', '：']).next().unwrap_or("").trim();
        let key = key.trim_start_matches('-').trim();
        return (key, line.split_once(':').map_or("", |(_, v)| v.trim()));
    }
    let at = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    // The last `key:` that starts before the column, and its value up to the next `,` or `}`.
    let Some(colon) = line[..at].rfind(':').or_else(|| line.find(':')) else {
        return ("", "");
    };
    let key = line[..colon]
        .rsplit(['{', ',', ' '])
        .find(|k| !k.is_empty())
        .unwrap_or("");
    let rest = &line[colon + 1..];
    let value = rest[..rest.find([',', '}']).unwrap_or(rest.len())].trim();
    (key.trim(), value)
}

/// A value echoed in a help line, cut short: the help says how to write it, not what it was.
fn shorten(value: &str) -> String {
    crate::diagnostics::shorten(value, 40)
}

/// `title:情绪` (no space after the colon) is one plain text to YAML, not a key and its
/// value, and the parser only says it expected a mapping: point at that line.
fn colon_without_space(source: &YamlSource<'_>) -> Option<Diagnostic> {
    let (index, key, value) = source.text.lines().enumerate().find_map(|(i, line)| {
        let (key, value) = line.split_once(':')?;
        let plain_key = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let glued = value.chars().next().is_some_and(|c| !c.is_whitespace());
        (plain_key && glued && !value.starts_with("//")).then_some((i, key, value))
    })?;
    Some(
        Diagnostic::error(format!(
            "`{key}:` needs a space after the colon, in {}",
            source.what
        ))
        .in_file(source.file)
        .at_line(
            source.file_text,
            source.first_line + index,
            key.chars().count() + 2,
        )
        .with_help(format!("write `{key}: {}`", shorten(value.trim()))),
    )
}

/// A quoted value left open (`title: "认识我的情绪`) runs into the lines after it, and the
/// parser only notices there, often lines later. Before an error at `error_line` (in the block),
/// find the value whose quote does not close where a value can end, and point at it instead.
fn unclosed_quote(source: &YamlSource<'_>, error_line: usize) -> Option<Diagnostic> {
    let lines: Vec<&str> = source.text.lines().collect();
    let upto = error_line.min(lines.len());
    let (index, key, column, quote) = lines[..upto].iter().enumerate().find_map(|(i, line)| {
        let (key, column, quote) = opening_quote(line)?;
        (!closes_cleanly(&lines[i..upto], column, quote)).then_some((i, key, column, quote))
    })?;
    let line_in_file = source.first_line + index;
    let value = lines[index][column..].trim_end();
    Some(
        Diagnostic::error(format!(
            "the value of `{key}` opens a quote ({quote}) that is never closed, in {}",
            source.what
        ))
        .in_file(source.file)
        .at_line(
            source.file_text,
            line_in_file,
            lines[index][..column].chars().count() + 1,
        )
        .with_help(format!(
            "add the closing {quote} at the end of the value: `{key}: {value}{quote}`"
        )),
    )
}

/// (key, byte offset of the quote, quote) of a `key: "value` line.
fn opening_quote(line: &str) -> Option<(&str, usize, char)> {
    let (key, rest) = line.split_once(':')?;
    let key = key.trim().trim_start_matches("- ");
    // Inside a flow collection (`- {at: "00:00", title: 导入}`) a quote closes before `,` or
    // `}`: this check is for block values only.
    if key.is_empty() || key.contains(['"', '\'', '#', '{', '[', ',']) {
        return None;
    }
    let value = rest.trim_start();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    Some((key, line.len() - value.len(), quote))
}

/// Does the quote opened at byte `column` of `lines[0]` close, followed by nothing but a
/// comment or the end of the line, within `lines`?
fn closes_cleanly(lines: &[&str], column: usize, quote: char) -> bool {
    let mut text = lines.join("\n");
    text.drain(..column + 1);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let escaped_pair = match quote {
            '"' => c == '\\',
            _ => c == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\''),
        };
        if escaped_pair {
            chars.next();
        } else if c == quote {
            let after = text[i + 1..].split('\n').next().unwrap_or("").trim_start();
            return after.is_empty() || after.starts_with('#');
        }
    }
    false
}

/// saphyr's message without its own location suffix and without the list of expected fields
/// (we give a better help line).
/// The field names serde lists after "expected one of" (or "expected") for an unknown field.
fn expected_fields(error: &serde_saphyr::Error) -> Vec<String> {
    let options = serde_saphyr::render_options! {
        snippets: serde_saphyr::SnippetMode::Off,
    };
    let rendered = error.render_with_options(options);
    let first = rendered.lines().next().unwrap_or("");
    let Some(at) = first.find(", expected ") else {
        return Vec::new();
    };
    let list = &first[at + ", expected ".len()..];
    let list = list.strip_prefix("one of ").unwrap_or(list);
    let list = list.find(" at line ").map_or(list, |end| &list[..end]);
    list.split(", ")
        .map(|name| name.trim().trim_matches('`').to_string())
        .filter(|name| !name.is_empty() && !name.contains(' '))
        .collect()
}

/// The values serde lists after "expected one of" for an unknown variant, as written there.
fn expected_variants(error: &serde_saphyr::Error) -> Option<String> {
    let options = serde_saphyr::render_options! {
        snippets: serde_saphyr::SnippetMode::Off,
    };
    let rendered = error.render_with_options(options);
    let first = rendered.lines().next()?;
    let list = first.split_once("expected one of ")?.1;
    let list = list.split(" at line ").next()?.trim_end_matches('.');
    (!list.is_empty()).then(|| list.to_string())
}

fn clean_message(error: &serde_saphyr::Error) -> String {
    let options = serde_saphyr::render_options! {
        snippets: serde_saphyr::SnippetMode::Off,
    };
    let rendered = error.render_with_options(options);
    let first = rendered.lines().next().unwrap_or("invalid YAML").trim();
    let first = match first.find(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    let first = match first.find(", expected one of") {
        Some(i) => &first[..i],
        None => first,
    };
    humanize(first.trim_end_matches('.'))
}

/// saphyr speaks to Rust programmers ("use Option<String>", "invalid u32"); editors need words.
fn humanize(message: &str) -> String {
    let mut text = message.to_string();
    for cut in [
        ", set DuplicateKeyPolicy in Options if acceptable",
        "; use Option<String>",
    ] {
        text = text.replace(cut, "");
    }
    if text.starts_with("multiple YAML documents") {
        return "several YAML documents (`---` lines) in one file".to_string();
    }
    if text.starts_with("cannot deserialize null") {
        return "empty value (~ or null) where text or a number is needed".to_string();
    }
    let words = [
        ("invalid type: ", "wrong kind of value: "),
        ("string scalar", "a single value"),
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected u8", "expected a whole number"),
        ("invalid i64", "not a whole number"),
        ("invalid u64", "not a whole number"),
        ("invalid u32", "not a whole number (or too large)"),
        ("invalid u8", "not a whole number (or too large)"),
        ("a sequence", "a list"),
        ("a map", "a set of `key: value` lines"),
        ("duplicate mapping key", "duplicate key"),
    ];
    for (from, to) in words {
        text = text.replace(from, to);
    }
    breached_limit(&text).map_or(text, str::to_string)
}

/// Which of serde-saphyr's limits a message reports, in words that name it. Its messages
/// end in the breach (`budget breached: Depth { depth: 65 }`, `alias replay limit exceeded`).
fn breached_limit(message: &str) -> Option<&'static str> {
    let is_limit = [
        "breached",
        "replay",
        "alias expansion",
        "too large or too complex",
    ]
    .iter()
    .any(|m| message.contains(m));
    if !is_limit {
        return None;
    }
    let has = |words: &[&str]| words.iter().any(|w| message.contains(w));
    // Node and event counts grow with the text (`parse_options`) and the text is at most
    // `MAX_YAML_BYTES` (`too_large`), so only what aliases replay can exceed those counts or
    // the scalar bytes: those breaches are the aliases limit too.
    Some(if has(&["Anchors"]) {
        "anchors limit: more than 50,000 anchors (&name)"
    } else if has(&["Depth {"]) {
        "nesting limit: lists and maps nested more than 64 deep"
    } else if has(&["Documents"]) {
        "documents limit: more than 1,024 YAML documents (--- lines) in one file"
    } else {
        "aliases limit: the YAML's aliases (*name) expand into too many values"
    })
}

/// How to get under the limit `message` names.
fn budget_help(message: &str) -> Option<&'static str> {
    let help = if message.starts_with("aliases") || message.starts_with("anchors") {
        "this YAML expands too much: write the values out plainly instead of repeating aliases (*name) of anchors (&name)"
    } else if message.starts_with("nesting") {
        "flatten the structure: a field is a value, a list or a `key: value` set, a few levels deep"
    } else if message.starts_with("size") || message.starts_with("documents") {
        "split the file into several files"
    } else {
        return None;
    };
    Some(help)
}

fn quoted_after(message: &str, prefix: &str) -> Option<String> {
    let start = message.find(prefix)? + prefix.len();
    let rest = &message[start..];
    rest.find('`').map(|end| rest[..end].to_string())
}

/// Line (1-based, in the file) of a top-level `key:` in a YAML block, for errors found after parsing.
pub fn key_line(source_text: &str, first_line: usize, key: &str) -> Option<usize> {
    source_text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?;
        rest.trim_start().starts_with(':').then_some(first_line + i)
    })
}

/// The first line, from line `from` on, where `key: value` is written (block or flow style,
/// quoted or not): where a list's entry with that value is.
pub fn value_line(text: &str, from: usize, key: &str, value: &str) -> Option<usize> {
    let value = value.trim();
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find_map(|(i, line)| {
            let at = line.find(&format!("{key}:"))?;
            let rest = line[at + key.len() + 1..].trim_start();
            // `strip_prefix`, not slicing at the value's length: the line may hold another,
            // non-ASCII value whose bytes that length would cut in two.
            let after = rest.trim_start_matches(['"', '\'']).strip_prefix(value)?;
            let next = after.chars().next();
            next.is_none_or(|c| matches!(c, ' ' | ',' | '}' | '"' | '\'' | '#'))
                .then_some(i + 1)
        })
}

/// Where `entry:` is written inside the top-level block `block:` of `text` — on the block's
/// own line (flow style, `{ entry: … }`) or on a line under it, quoted or not: (line, column),
/// both from 1. The block ends at the next top-level key.
pub fn entry_place(text: &str, block: &str, entry: &str) -> Option<(usize, usize)> {
    let start = key_line(text, 1, block)?;
    text.lines()
        .enumerate()
        .skip(start - 1)
        .take_while(|(i, line)| {
            *i + 1 == start || line.trim().is_empty() || line.starts_with([' ', '\t', '#', '}'])
        })
        .find_map(|(i, line)| {
            line.match_indices(entry).find_map(|(at, _)| {
                let before = line[..at].chars().last();
                let starts =
                    before.is_none_or(|c| matches!(c, ' ' | '\t' | '{' | ',' | '"' | '\''));
                let after = line[at + entry.len()..].trim_start_matches(['"', '\'']);
                (starts && after.trim_start().starts_with(':'))
                    .then(|| (i + 1, line[..at].chars().count() + 1))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_and_value_of_a_help_are_those_at_the_column() {
        assert_eq!(key_and_value_at("title: 情绪", 8), ("title", "情绪"));
        assert_eq!(key_and_value_at("  - slug: a b", 11), ("slug", "a b"));
        let unit = "      - { number: -1, name: 第五 }";
        assert_eq!(key_and_value_at(unit, 19), ("number", "-1"));
        assert_eq!(key_and_value_at(unit, 31), ("name", "第五"));
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Front {
        title: String,
        grade: u32,
        #[serde(default)]
        term: Option<u32>,
    }

    const FIELDS: &[&str] = &["title", "grade", "term"];

    fn source(text: &str) -> YamlSource<'_> {
        YamlSource {
            file: "a.md",
            file_text: text,
            text,
            first_line: 1,
            what: "front matter",
        }
    }

    #[test]
    fn every_unknown_key_and_bad_value_is_reported() {
        let text = "titel: x\ntitle: y\ngrade: 7\nterm: autumn\nzzz: 1\n";
        let (front, problems) = parse_each::<Front>(&source(text), FIELDS);
        let lines: Vec<_> = problems.iter().map(|p| p.line.unwrap()).collect();
        assert_eq!(lines, [1, 5, 4], "{problems:?}");
        assert!(problems[0].help.as_deref() == Some("did you mean `title`?"));
        assert!(front.is_some_and(|f| f.grade == 7 && f.term.is_none()));
    }

    #[test]
    fn a_key_with_an_invisible_character_says_so() {
        let text = "ti\u{200B}tle: x\ngrade: 7\n";
        let (_, problems) = parse_each::<Front>(&source(text), FIELDS);
        // one error: not a second one for `title` missing
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .message
                .contains("`title` holds an invisible character (U+200B)"),
            "{}",
            problems[0].message
        );
        assert_eq!(
            problems[0].help.as_deref(),
            Some("delete the key and type `title` again")
        );
    }

    #[test]
    fn the_slips_editors_make_most_get_a_mend() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Lesson {
            title: String,
            grade: u32,
            #[serde(default)]
            topics: Vec<String>,
            #[serde(default)]
            draft: bool,
        }
        let fields = &["title", "grade", "topics", "draft"];
        let help = |text: &str| {
            let (_, problems) = parse_each::<Lesson>(&source(text), fields);
            problems[0].help.clone().unwrap_or_default()
        };
        assert!(
            help("title: x\ngrade：5\n").contains("ASCII colon"),
            "{}",
            help("title: x\ngrade：5\n")
        );
        assert!(help("title: a: b\ngrade: 5\n").contains("`title: \"a: b\"`"));
        assert!(help("title: x\ngrade: 5\ntopics: 情绪管理\n").contains("`topics: [情绪管理]`"));
        assert!(help("title: x\ngrade: 5\ndraft: yes please\n").contains("`draft: true`"));
        assert!(help("title: x\ngrade: 100000000000000000000\n").contains("far too big"));
        // slips of text pasted from WeChat or a web page, or typed as a title is in Word
        assert!(help("title: x\ngrade:\u{3000}5\n").contains("full-width space"));
        assert!(help("title: [重要]认识情绪\ngrade: 5\n").contains("`title: \"[重要]认识情绪\"`"));
        assert!(help("title: @全体老师\ngrade: 5\n").contains("`title: \"@全体老师\"`"));
        assert!(help("title: x\ngrade: 5\ntopics: - 情绪管理\n").contains("a line of its own"));
        assert!(help("title: x\ngrade: 上学期\n").contains("`grade: 7`"));
        // an item holding `: `, with and without the brackets
        let bare = help("title: x\ngrade: 5\ntopics: 时间: 管理\n");
        assert!(bare.contains("`topics: [\"时间: 管理\"]`"), "{bare}");
        let item = help("title: x\ngrade: 5\ntopics:\n  - 主题: 情绪\n");
        assert!(item.contains("`- \"主题: 情绪\"`"), "{item}");
        let dashed = help("title: x\ngrade: 5\ntopics:\n  - 情绪\n  -人际交往\n");
        assert!(dashed.contains("`- 人际交往`"), "{dashed}");
        let indented = help("title: 心理课\n  grade: 7\n");
        assert!(
            indented.contains("remove the spaces before `grade:`"),
            "{indented}"
        );
        let listed = help("title: x\ngrade: 5\ntopics: [时间: 管理]\n");
        assert!(listed.contains("`topics: [\"时间: 管理\"]`"), "{listed}");
    }

    #[test]
    fn more_slips_get_a_mend_and_a_long_value_is_cut_in_the_help() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Lesson {
            title: String,
            #[serde(default)]
            author: Option<String>,
            #[serde(default)]
            topics: Vec<String>,
        }
        let fields = &["title", "author", "topics"];
        let first = |text: &str| {
            let (_, problems) = parse_each::<Lesson>(&source(text), fields);
            assert_eq!(problems.len(), 1, "{problems:?}");
            let p = &problems[0];
            (
                p.message.clone(),
                p.line,
                p.help.clone().unwrap_or_default(),
            )
        };
        let (message, line, help) = first("author: 王老师\ntitle:情绪\n");
        assert!(
            message.starts_with("`title:` needs a space after the colon"),
            "{message}"
        );
        assert_eq!((line, help.as_str()), (Some(2), "write `title: 情绪`"));
        assert!(
            first("title: *甲\n")
                .2
                .contains("put it in quotes, `title: \"*甲\"`")
        );
        assert!(
            first("title: x\nauthor: [张三, 李四]\n")
                .2
                .contains("`author: 张三、李四`")
        );
        assert!(
            first("title: #井号开头\n")
                .2
                .contains("`#` starts a comment")
        );
        let nested = first("title: x\ntopics: [情绪管理, [压力, 焦虑]]\n").2;
        assert!(
            nested.contains("cannot hold another list")
                && nested.contains("[情绪管理, 压力, 焦虑]"),
            "{nested}"
        );
        let dash = first("title: x\ntopics:\n-压力\n").2;
        assert!(dash.contains("`- 压力`"), "{dash}");
        let long = format!("title: x\ntopics: {}\n", "长".repeat(5000));
        let help = first(&long).2;
        assert!(help.chars().count() < 200 && help.contains('…'), "{help}");
    }

    #[test]
    fn a_number_that_is_not_a_whole_one_says_how_to_write_it() {
        let (_, problems) = parse_each::<Front>(&source("title: x\ngrade: -3\n"), FIELDS);
        let help = problems[0].help.clone().unwrap_or_default();
        assert!(help.contains("`grade` is a whole number"), "{problems:?}");
    }

    #[test]
    fn a_missing_required_key_is_said_once() {
        let (front, problems) = parse_each::<Front>(
            &source("grade: 5\nb: 1\nc: 2\nd: 3\n"),
            &["title", "grade", "b", "c", "d"],
        );
        assert!(front.is_none());
        let missing: Vec<_> = problems
            .iter()
            .filter(|p| p.message.contains("missing field"))
            .collect();
        assert_eq!(missing.len(), 1, "{problems:?}");
    }

    #[test]
    fn stand_ins_let_every_other_key_be_checked() {
        let stand_ins = [("title", "\"-\"".to_string()), ("grade", "7".to_string())];
        // Both required keys missing: both said, and a Front made from stand-ins
        let (front, problems) = parse_each_with::<Front>(&source("term: 1\n"), FIELDS, &stand_ins);
        assert!(front.is_some_and(|f| f.term == Some(1)));
        let missing: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(missing.len(), 2, "{missing:?}");
        assert!(
            problems.iter().all(|p| p.is_error() && p.line == Some(1)),
            "{problems:?}"
        );
        // A bad required value: said once, and the others still read
        let (front, problems) = parse_each_with::<Front>(
            &source("title: x\ngrade: seven\nterm: 2\n"),
            FIELDS,
            &stand_ins,
        );
        assert!(front.is_some_and(|f| f.title == "x" && f.term == Some(2)));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(2));
        // Without a stand-in, as before: no Front
        let (front, _) = parse_each_with::<Front>(&source("term: 1\n"), FIELDS, &stand_ins[..1]);
        assert!(front.is_none());
    }

    #[test]
    fn a_bad_required_value_is_not_also_missing() {
        let (front, problems) = parse_each::<Front>(&source("title: x\ngrade: seven\n"), FIELDS);
        assert!(front.is_none());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(2));
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        let text = "title: \"情绪\ngrade: 7\nsummary: \"x\"  # note\n";
        let (_, problems) = parse_each::<Front>(&source(text), FIELDS);
        assert_eq!(problems[0].line, Some(1), "{problems:?}");
        assert!(problems[0].message.contains("never closed"));
        // A quoted value continued on the next line is valid YAML.
        let ok = "title: \"情\n  绪\"\ngrade: 7\n";
        assert!(parse_each::<Front>(&source(ok), FIELDS).0.is_some());
    }

    #[test]
    fn a_quote_closed_inside_a_flow_collection_is_not_called_open() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Chapter {
            at: String,
            title: String,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Video {
            chapters: Vec<Chapter>,
            grade: u32,
        }
        let text =
            "chapters:\n  - {at: \"00:00\", title: 导入}\n  - {at: 31, title: [x]}\ngrade: 7\n";
        let (_, problems) = parse_each::<Video>(&source(text), &["chapters", "grade"]);
        assert!(!problems.is_empty());
        assert!(
            !problems[0].message.contains("never closed"),
            "{problems:?}"
        );
        assert_eq!(problems[0].line, Some(3), "{problems:?}");
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Entry {
        id: String,
        title: String,
        grade: u32,
    }

    fn catalog(text: &str) -> YamlSource<'_> {
        YamlSource {
            what: "video catalog",
            ..source(text)
        }
    }

    #[test]
    fn a_plain_catalog_is_not_limited_by_the_alias_budget() {
        let text: String = (0..25_000)
            .map(|i| format!("- id: v{i}\n  title: 视频 {i}\n  grade: 7\n"))
            .collect();
        let entries = parse::<Vec<Entry>>(&catalog(&text), &["id", "title", "grade"]);
        assert_eq!(entries.map(|e| e.len()).ok(), Some(25_000));
    }

    #[test]
    fn an_alias_bomb_fails_fast_and_names_the_aliases_limit() {
        let mut text = String::from("- &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (name, previous) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip("abcdefgh".chars())
        {
            let refs = vec![format!("*{previous}"); 9].join(", ");
            text.push_str(&format!("- &{name} [{refs}]\n"));
        }
        let started = std::time::Instant::now();
        let problem = parse::<Vec<Vec<serde::de::IgnoredAny>>>(&catalog(&text), &[]).unwrap_err();
        // a guard against the blow-up (minutes), not a speed target: a debug build on a busy
        // machine takes seconds
        assert!(started.elapsed().as_secs() < 30);
        assert!(problem.message.starts_with("aliases limit"), "{problem:?}");
        assert!(
            problem
                .help
                .unwrap()
                .contains("write the values out plainly")
        );
    }
}
