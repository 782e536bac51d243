//! Turning a file's bytes into text and splitting the YAML front matter from the Markdown body,
//! keeping the file's own line numbers for both halves.

use crate::diagnostics::{Diagnostic, line_col};

/// UTF-16 without a byte-order mark: in its first bytes, one of each pair is zero (ASCII text
/// such as `WEBVTT` or `---`), which UTF-8 text never has.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64) & !1];
    if head.len() < 8 {
        return false;
    }
    let zeros = |offset: usize| {
        head.iter()
            .skip(offset)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let pairs = head.len() / 2;
    zeros(0) * 4 >= pairs * 3 || zeros(1) * 4 >= pairs * 3
}

/// Where GBK text seems to have been read as UTF-8: the byte offset of the first run of two or
/// more characters from UTF-8's two-byte range (Latin-1 to Arabic), in a text with none above
/// it (no Chinese), whose bytes GB18030 reads as Chinese. 目录 saved as GBK is C4 BF C2 BC, which
/// is also valid UTF-8, for `Ŀ¼`: about a fifth of the common characters pair up like this, so a
/// short GBK file can pass as UTF-8.
pub fn misread_gbk(text: &str) -> Option<(usize, String)> {
    let two_byte = |c: char| ('\u{80}'..='\u{7ff}').contains(&c);
    let mut run_start = None;
    let mut found = None;
    for (i, c) in text.char_indices() {
        if c as u32 >= 0x800 {
            return None;
        }
        match (two_byte(c), run_start) {
            (true, None) => run_start = Some(i),
            (true, Some(start)) => {
                found.get_or_insert(start);
            }
            (false, _) => run_start = None,
        }
    }
    let start = found?;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    let as_gbk = encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(line.as_bytes())?;
    as_gbk
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        .then(|| (start, as_gbk.trim().to_string()))
}

/// Bytes → text: UTF-8 (with or without BOM) only; CRLF and lone CR become LF, so lines count
/// the same as in the editor.
pub fn decode_text(file: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Diagnostic::error("file is saved as UTF-16, not UTF-8")
            .in_file(file)
            .at_line_only(1)
            .with_help("re-save the file as UTF-8 (in your editor: Save As → Encoding: UTF-8) / 请将文件另存为 UTF-8 编码"));
    }
    if looks_like_utf16(bytes) {
        return Err(Diagnostic::error("file is saved as UTF-16 (without a byte-order mark), not UTF-8")
            .in_file(file)
            .at_line_only(1)
            .with_help("re-save the file as UTF-8 (in your editor: Save As → Encoding: UTF-8) / 请将文件另存为 UTF-8 编码"));
    }
    // A zip (.docx, .xlsx, WPS) or an OLE file (.doc, .xls) with its name changed.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Diagnostic::error(
            "file is a Word, WPS or Excel document with its name changed, not text",
        )
        .in_file(file)
        .at_line_only(1)
        .with_help("renaming a document does not convert it: copy its text into a new .md file (`lectern new lesson` writes one to fill in) / 请把文档内容复制到 .md 文件中"));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let (line, column) = line_col(valid, valid.len());
            return Err(Diagnostic::error(
                "file is not valid UTF-8 (it looks like another encoding, such as GBK/GB18030 from a Windows editor)",
            )
            .in_file(file)
            .at_line_only(line)
            .with_help(format!(
                "the first bad byte is at line {line}, column {column}; re-save the file as UTF-8 / 请将文件另存为 UTF-8 编码"
            )));
        }
    };
    if let Some(offset) = text.find('\0') {
        let (line, _) = line_col(text, offset);
        return Err(
            Diagnostic::error("file contains a NUL byte: it is not a text file")
                .in_file(file)
                .at_line_only(line)
                .with_help("binary files belong under content/assets/"),
        );
    }
    if let Some((offset, c)) = text.char_indices().find(|(_, c)| forbidden_control(*c)) {
        let (line, column) = line_col(text, offset);
        return Err(Diagnostic::error(format!(
            "file contains an invisible control character U+{:04X} at line {line}, column {column}",
            c as u32
        ))
        .in_file(file)
        .at_line_only(line)
        .with_help("delete it (it usually comes with text pasted from another program): a web page cannot carry it"));
    }
    Ok(normalise_newlines(text))
}

/// A control character HTML forbids: all but tab, line feed, form feed and carriage return.
pub fn forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\x0C' | '\r')
}

fn normalise_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The two halves of a content file, as byte ranges of the decoded text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    pub yaml: std::ops::Range<usize>,
    /// File line (1-based) of the first YAML line.
    pub yaml_line: usize,
    pub body: std::ops::Range<usize>,
    pub body_line: usize,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// A first line that looks like `---` but is not: dashes a Chinese input method types
/// (`———`, `－－－`), or `---` after an invisible character pasted with it.
fn look_alike_fence(file: &str, text: &str, first_line: &str) -> Option<Diagnostic> {
    let line = first_line.trim();
    let visible: String = line
        .chars()
        .filter(|c| !super::model::is_invisible(*c))
        .collect();
    let message = if visible == "---" && visible != line {
        "the first line is `---` after an invisible character (pasted with it), so it does not open the front matter".to_string()
    } else if line.chars().count() >= 2
        && line
            .chars()
            .all(|c| matches!(c, '—' | '－' | '–' | '一' | '-' | '─' | '━'))
        && line.chars().any(|c| c != '-')
    {
        format!(
            "the first line `{line}` is not `---`: it is written with dashes a Chinese input method types"
        )
    } else {
        return None;
    };
    Some(
        Diagnostic::error(message)
            .in_file(file)
            .at_line(text, 1, 1)
            .with_help("delete the line and type three ASCII hyphens `---` with the input method switched to English (the same for the closing line)"),
    )
}

/// Find the front matter: a `---` line first, the YAML, a closing `---` (or `...`) line.
pub fn split(file: &str, text: &str) -> Result<Split, Diagnostic> {
    let first_line = text.lines().next().unwrap_or("");
    if !is_fence(first_line) {
        if let Some(diagnostic) = look_alike_fence(file, text, first_line) {
            return Err(diagnostic);
        }
        let later = text.lines().position(is_fence);
        // Fields above the first `---`: the opening line is what is missing.
        let fields_first = later.is_some_and(|index| {
            text.lines().take(index).any(|line| {
                let key = line.split([':', '：']).next().unwrap_or("");
                line.contains([':', '：'])
                    && !key.is_empty()
                    && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        });
        let diagnostic = match later {
            Some(_) if fields_first => Diagnostic::error("the front matter has no opening `---` line")
                .in_file(file)
                .at_line(text, 1, 1)
                .with_help("add a line `---` at the very top of the file, above `title:` and the other fields"),
            Some(index) => Diagnostic::error("front matter must start on the first line of the file")
                .in_file(file)
                .at_line(text, index + 1, 1)
                .with_help("move this `---` line and the fields after it to the very top of the file"),
            None => Diagnostic::error("missing front matter")
                .in_file(file)
                .at_line(text, 1, 1)
                .with_help("start the file with a `---` line, the fields (title, grade, course …), and another `---` line"),
        };
        return Err(diagnostic);
    }
    let yaml_start = first_line.len() + 1;
    let mut offset = yaml_start.min(text.len());
    for (line_no, line) in (2..).zip(text[offset..].split_inclusive('\n')) {
        let content = line.strip_suffix('\n').unwrap_or(line);
        if is_fence(content) || content.trim_end() == "..." {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: yaml_start.min(offset)..offset,
                yaml_line: 2,
                body: body_start..text.len(),
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error("front matter is not closed")
        .in_file(file)
        .at_line(text, 1, 1)
        .with_help("add a line `---` after the last field of the front matter"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_typed_in_chinese_and_an_invisible_character_before_the_fence_are_named() {
        for (text, said) in [
            ("———\ntitle: x\n———\n", "Chinese input method"),
            ("－－－\ntitle: x\n－－－\n", "Chinese input method"),
            ("\u{200B}---\ntitle: x\n---\n", "invisible character"),
        ] {
            let error = split("a.md", text).unwrap_err();
            assert!(error.message.contains(said), "{text:?}: {}", error.message);
        }
        assert!(split("a.md", "---\ntitle: x\n---\n").is_ok());
    }

    #[test]
    fn a_renamed_word_document_is_named_as_one() {
        let error = decode_text("a.md", b"PK\x03\x04\x14\x00rest").unwrap_err();
        assert!(error.message.contains("Word"), "{}", error.message);
    }

    #[test]
    fn gbk_bytes_that_pass_as_utf8_are_found_and_read_back() {
        // 目录 in GBK is C4 BF C2 BC, which is UTF-8 for `Ŀ¼`.
        let text = std::str::from_utf8(b"---\ntitle: \xc4\xbf\xc2\xbc\n---\n").unwrap();
        let (offset, as_gbk) = misread_gbk(text).expect("found");
        assert_eq!(&text[offset..offset + 4], "Ŀ¼");
        assert_eq!(as_gbk, "title: 目录");
        // Real UTF-8: Chinese text, a lone accent, an English text.
        assert_eq!(misread_gbk("title: 目录 Ŀ¼"), None);
        assert_eq!(misread_gbk("title: Café au lait"), None);
        assert_eq!(misread_gbk("plain ASCII"), None);
    }

    #[test]
    fn splits_and_keeps_lines() {
        let text = "---\ntitle: a\n---\n\nbody\n";
        let s = split("a.md", text).unwrap();
        assert_eq!(&text[s.yaml.clone()], "title: a\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(&text[s.body.clone()], "\nbody\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_named() {
        for bytes in [
            "WEBVTT\n\n00:01.000 --> 00:02.000\n中文"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
            "---\ntitle: 情绪\n---\n"
                .encode_utf16()
                .flat_map(u16::to_be_bytes)
                .collect(),
        ] {
            let error = decode_text("a.vtt", &bytes).unwrap_err();
            assert!(
                error.message.contains("UTF-16 (without a byte-order mark)"),
                "{}",
                error.message
            );
        }
        assert!(decode_text("a.md", "---\ntitle: 情绪管理与压力\n---\n".as_bytes()).is_ok());
    }

    #[test]
    fn empty_front_matter_and_missing_close() {
        let s = split("a.md", "---\n---\n").unwrap();
        assert!(s.yaml.is_empty());
        let e = split("a.md", "---\ntitle: a\n").unwrap_err();
        assert!(e.message.contains("not closed"));
        let e = split("a.md", "# hi\n---\ntitle: a\n---\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        // the fields first, then the closing line: the opening line is what is missing
        let e = split("a.md", "title: a\ngrade: 7\n---\n\n正文\n").unwrap_err();
        assert!(e.message.contains("no opening `---`"), "{}", e.message);
        assert_eq!(e.line, Some(1));
        assert!(e.help.unwrap_or_default().contains("at the very top"));
    }

    #[test]
    fn decoding_rejects_gbk_and_accepts_bom_crlf() {
        let gbk = b"---\r\ntitle: \xc7\xe9\xd0\xf7\r\n---\r\n";
        let e = decode_text("a.md", gbk).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.help.unwrap().contains("UTF-8"));
        let ok = decode_text("a.md", "\u{feff}---\r\ntitle: 情绪\r\n---\r\n".as_bytes()).unwrap();
        assert_eq!(ok, "---\ntitle: 情绪\n---\n");
    }
}
