//! The one place that knows our YAML library (serde-saphyr). Everything else asks for a typed value
//! and gets back either the value or a diagnostic located in the *file* (not in the YAML block), with
//! a "did you mean" for misspelt keys.
//!
//! Why serde-saphyr: serde_yaml is archived upstream and serde_yml has open advisories; serde-saphyr
//! is maintained, pure Rust, reports line and column, rejects duplicate keys and limits alias bombs.

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, suggest};

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
    if let Some(diagnostic) = find_tab_indentation(source) {
        return Err(diagnostic);
    }
    let mut options = serde_saphyr::options::Options::default();
    options.with_snippet = false;
    serde_saphyr::from_str_with_options::<T>(source.text, options)
        .map_err(|error| to_diagnostic(source, &error, fields))
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
    let line_in_file = source.first_line + line - 1;
    let mut diagnostic = Diagnostic::error(format!("{message} in {}", source.what))
        .in_file(source.file)
        .at_line(source.file_text, line_in_file, column);
    if let Some(unknown) = quoted_after(&message, "unknown field `") {
        diagnostic = diagnostic.underline(unknown.chars().count());
        diagnostic = match suggest(&unknown, fields.iter().copied()) {
            Some(near) => diagnostic.with_help(format!("did you mean `{near}`?")),
            None => diagnostic.with_help(format!("the allowed keys are: {}", fields.join(", "))),
        };
    } else if let Some(missing) = quoted_after(&message, "missing field `") {
        diagnostic =
            diagnostic.with_help(format!("add a line `{missing}: …` to the {}", source.what));
    } else if message.contains("duplicate") {
        diagnostic = diagnostic.with_help("each key may appear only once: remove one of them");
    } else if message.contains("budget") || message.contains("alias") {
        diagnostic = diagnostic.with_help(
            "this YAML expands too much (aliases or nesting): write the values out plainly",
        );
    }
    diagnostic
}

/// saphyr's message without its own location suffix and without the list of expected fields
/// (we give a better help line).
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
    if text.contains("budget breached") {
        return "the YAML is too large or expands too much (aliases, nesting or very long values)"
            .to_string();
    }
    text
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
