//! CSV text → rows of cells (RFC 4180: quoted cells, doubled quotes, CRLF or LF, line breaks
//! inside quotes), and the bytes → text step for it (UTF-8, else GB18030 as Excel on a Chinese
//! Windows saves). Knows nothing of videos: `table.rs` gives the cells their meaning.
//!
//! Our own reader rather than the `csv` crate: a diagnostic must name the row and column where a
//! quote opened or a cell grew too big, and the size limit must stop a hostile cell while it is
//! read; that is most of the work either way, and the rest is forty lines.

/// The largest file read as a CSV catalog, as for a YAML catalog.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// The largest cell: a summary is a paragraph; a bigger cell is a paste gone wrong.
pub const MAX_CELL_BYTES: usize = 64 * 1024;

/// Which encoding the bytes were read as, reported on `lectern build --timings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gb18030,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (with BOM)",
            Encoding::Gb18030 => "GB18030",
        }
    }
}

/// A problem that stops the reading of a file, located in spreadsheet terms.
#[derive(Debug, PartialEq, Eq)]
pub struct ReadError {
    pub message: String,
    pub help: String,
    /// 1-based record number (the header is row 1), as a spreadsheet shows it.
    pub row: usize,
    /// 1-based cell number in the row.
    pub column: usize,
}

/// One record: its row number, the file line it starts on, and its cells.
#[derive(Debug, PartialEq, Eq)]
pub struct Record {
    pub row: usize,
    pub line: usize,
    pub cells: Vec<String>,
}

impl Record {
    /// A blank line, or a row of empty cells (Excel writes those for formatted empty rows).
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Valid UTF-8 (a BOM dropped) is UTF-8; anything else must decode as GB18030, which
/// includes GBK, or the file is refused. UTF-8 is tried first because a GB18030 reading of
/// UTF-8 bytes would succeed and give nonsense, while GBK text is almost never valid UTF-8.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), (String, String)> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err((
            format!(
                "the file is {} MiB, over the 64 MiB limit for a catalog",
                bytes.len() >> 20
            ),
            "split it into several catalogs: any number of .csv files may sit in content/videos/"
                .into(),
        ));
    }
    // A workbook renamed to .csv: a zip (.xlsx, .et from WPS) or an OLE file (.xls).
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err((
            "the file is an Excel or WPS workbook (.xlsx/.xls) with its name changed to .csv, not CSV text".into(),
            "open it in Excel or WPS and choose 另存为 (Save As) → \"CSV UTF-8 (逗号分隔)\"; renaming the file does not convert it".into(),
        ));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((
            "the file is saved as UTF-16 (Excel's \"Unicode text\"), not as CSV".into(),
            "in Excel choose Save As → \"CSV UTF-8 (逗号分隔)\" or \"CSV (逗号分隔)\"".into(),
        ));
    }
    let (text, encoding) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (std::str::from_utf8(rest).ok(), Encoding::Utf8Bom),
        None => (std::str::from_utf8(bytes).ok(), Encoding::Utf8),
    };
    let (text, encoding) = match text {
        // Excel on a Chinese Windows saves GBK, and a short GBK file can pass as UTF-8.
        Some(text)
            if encoding == Encoding::Utf8
                && super::frontmatter::misread_gbk(text).is_some()
                && let Ok(gbk) = gb18030(bytes) =>
        {
            (gbk, Encoding::Gb18030)
        }
        Some(text) => (text.to_string(), encoding),
        None if encoding == Encoding::Utf8Bom => return Err(not_utf8_after_bom(bytes)),
        None => {
            check_one_encoding(bytes)?;
            (gb18030(bytes)?, Encoding::Gb18030)
        }
    };
    if text.contains('\0') {
        return Err((
            "the file contains a NUL byte: it is not a CSV text file".into(),
            "save the spreadsheet as CSV (.xlsx files are not read)".into(),
        ));
    }
    Ok((text, encoding))
}

/// A file that is not UTF-8 as a whole but has UTF-8 lines (rows pasted in from another
/// catalog) would be read as GB18030 throughout, and those rows' Chinese published as
/// nonsense (中文 as 涓枃): refused, naming a line of each kind. A line counts as UTF-8 with
/// three or more non-ASCII characters, too many for GBK bytes to form by chance.
fn check_one_encoding(bytes: &[u8]) -> Result<(), (String, String)> {
    const CHARACTERS_TO_TELL: usize = 3;
    let (mut utf8_line, mut other_line) = (None, None);
    for (number, line) in (1..).zip(bytes.split(|b| *b == b'\n')) {
        if line.is_ascii() {
            continue;
        }
        match std::str::from_utf8(line) {
            Ok(text) if text.chars().filter(|c| !c.is_ascii()).count() >= CHARACTERS_TO_TELL => {
                utf8_line.get_or_insert(number);
            }
            Ok(_) => {}
            Err(_) => {
                other_line.get_or_insert(number);
            }
        }
        if let (Some(utf8), Some(other)) = (utf8_line, other_line) {
            return Err((
                format!(
                    "the file mixes two encodings: line {utf8} is UTF-8, line {other} is not (GBK/GB18030?)"
                ),
                "rows were probably pasted in from another file: open it in the spreadsheet, fix the garbled rows, and save it again as \"CSV UTF-8 (逗号分隔)\"".into(),
            ));
        }
    }
    Ok(())
}

/// A file that starts with UTF-8's mark but is not UTF-8 throughout: rows of another
/// encoding were added to it.
fn not_utf8_after_bom(bytes: &[u8]) -> (String, String) {
    let line = bytes
        .split(|b| *b == b'\n')
        .position(|line| std::str::from_utf8(line).is_err())
        .map_or(1, |i| i + 1);
    (
        format!("the file starts as UTF-8, but line {line} is not UTF-8 (GBK/GB18030?)"),
        "rows were probably pasted in from another file: open it in the spreadsheet, fix the garbled rows, and save it again as \"CSV UTF-8 (逗号分隔)\"".into(),
    )
}

/// The line a decoding problem of `decode` is at: the first line that is not UTF-8 (after a
/// BOM), else the first holding a NUL byte, else the first.
pub fn problem_line(bytes: &[u8]) -> usize {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let lines = || bytes.split(|b| *b == b'\n');
    lines()
        .position(|line| std::str::from_utf8(line).is_err())
        .or_else(|| lines().position(|line| line.contains(&0)))
        .map_or(1, |i| i + 1)
}

fn gb18030(bytes: &[u8]) -> Result<String, (String, String)> {
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or_else(|| {
            (
                "the file is neither UTF-8 nor GB18030/GBK text".into(),
                "save it again from the spreadsheet as \"CSV UTF-8 (逗号分隔)\"".into(),
            )
        })
}

/// Every record of `text`, in order, up to the first structural problem, which stops the
/// reading: after an open quote or a stray one no later cell can be trusted. The records before
/// it are whole, and come back with it, so that their own problems are reported in the same run.
pub fn read(text: &str) -> (Vec<Record>, Option<ReadError>) {
    let mut reader = Reader {
        rest: text,
        row: 0,
        line: 1,
    };
    let mut records = Vec::new();
    while !reader.rest.is_empty() {
        match reader.record() {
            Ok(record) => records.push(record),
            Err(error) => return (records, Some(error)),
        }
    }
    (records, None)
}

struct Reader<'a> {
    rest: &'a str,
    /// The current record's row number.
    row: usize,
    /// The file line the reader is on.
    line: usize,
}

impl Reader<'_> {
    fn record(&mut self) -> Result<Record, ReadError> {
        self.row += 1;
        let mut record = Record {
            row: self.row,
            line: self.line,
            cells: Vec::new(),
        };
        loop {
            let column = record.cells.len() + 1;
            let cell = if self.rest.starts_with('"') {
                self.quoted(column)?
            } else {
                self.plain(column)?
            };
            record.cells.push(cell);
            match self.rest.chars().next() {
                Some(',') => self.rest = &self.rest[1..],
                Some(_) => {
                    self.end_of_line();
                    return Ok(record);
                }
                None => return Ok(record),
            }
        }
    }

    /// A cell not in quotes: up to the next comma or line end. A quote inside it is refused,
    /// since it almost always means a cell whose opening quote went missing.
    fn plain(&mut self, column: usize) -> Result<String, ReadError> {
        let end = self.rest.find([',', '\r', '\n']).unwrap_or(self.rest.len());
        let cell = &self.rest[..end];
        self.check_size(cell.len(), column)?;
        if cell.contains('"') {
            return Err(self.error(
                column,
                "a quote `\"` inside a cell that does not start with one",
                "wrap the whole cell in quotes and double the quote inside: \"…\"\"…\"",
            ));
        }
        self.rest = &self.rest[end..];
        Ok(cell.to_string())
    }

    /// A cell in quotes: `""` is one quote; line breaks inside become `\n`.
    fn quoted(&mut self, column: usize) -> Result<String, ReadError> {
        let (opened_row, opened_line) = (self.row, self.line);
        let mut cell = String::new();
        let mut rest = &self.rest[1..];
        loop {
            let Some(at) = rest.find(['"', '\r', '\n']) else {
                return Err(self.open_quote(opened_row, opened_line, column));
            };
            cell.push_str(&rest[..at]);
            self.check_size(cell.len(), column)?;
            let tail = &rest[at..];
            if let Some(after) = tail.strip_prefix("\"\"") {
                cell.push('"');
                rest = after;
            } else if let Some(after) = tail.strip_prefix('"') {
                rest = after;
                break;
            } else {
                rest = self.line_break(tail);
                cell.push('\n');
            }
        }
        self.rest = rest;
        if !(rest.is_empty() || rest.starts_with([',', '\r', '\n'])) {
            return Err(self.error(
                column,
                "text after the closing quote of a cell",
                "a quoted cell ends at its closing quote; write a quote inside it as \"\"",
            ));
        }
        Ok(cell)
    }

    /// Step over one line break (CRLF, LF or a lone CR) at the start of `text`.
    fn line_break<'t>(&mut self, text: &'t str) -> &'t str {
        self.line += 1;
        text.strip_prefix("\r\n")
            .or_else(|| text.strip_prefix('\n'))
            .or_else(|| text.strip_prefix('\r'))
            .unwrap_or(text)
    }

    fn end_of_line(&mut self) {
        self.rest = self.line_break(self.rest);
    }

    fn check_size(&self, bytes: usize, column: usize) -> Result<(), ReadError> {
        if bytes <= MAX_CELL_BYTES {
            return Ok(());
        }
        Err(self.error(
            column,
            "a cell over 64 KiB, the limit for one cell",
            "shorten the cell; if it should not be this long, look for a quote left open before it",
        ))
    }

    fn open_quote(&self, row: usize, line: usize, column: usize) -> ReadError {
        ReadError {
            message: format!("the quote that opens this cell (file line {line}) is never closed"),
            help: "add the closing quote `\"` at the end of the cell".into(),
            row,
            column,
        }
    }

    fn error(&self, column: usize, message: &str, help: &str) -> ReadError {
        ReadError {
            message: message.to_string(),
            help: help.to_string(),
            row: self.row,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Vec<Record> {
        let (records, error) = read(text);
        assert!(error.is_none(), "{:?}", error.map(|e| e.message));
        records
    }

    fn broken(text: &str) -> ReadError {
        read(text).1.expect("a structural error")
    }

    fn cells(text: &str) -> Vec<Vec<String>> {
        whole(text).into_iter().map(|r| r.cells).collect()
    }

    #[test]
    fn reads_plain_and_quoted_cells() {
        assert_eq!(
            cells("a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\n"),
            vec![vec!["a", "b"], vec!["x,1", "say \"hi\""]]
        );
        assert_eq!(cells("a,,\n"), vec![vec!["a", "", ""]]);
        assert_eq!(cells("a\rb"), vec![vec!["a"], vec!["b"]]);
    }

    #[test]
    fn line_breaks_inside_quotes_keep_rows_and_lines_apart() {
        let records = whole("h\n\"one\r\ntwo\"\nnext\n");
        assert_eq!(records[1].cells, vec!["one\ntwo"]);
        assert_eq!((records[2].row, records[2].line), (3, 4));
    }

    #[test]
    fn an_open_quote_names_its_row_and_line() {
        let error = broken("id,title\nx,\"未闭合\nmore\n");
        assert_eq!((error.row, error.column), (2, 2));
        assert!(error.message.contains("never closed"), "{}", error.message);
        assert!(error.message.contains("line 2"), "{}", error.message);
    }

    #[test]
    fn stray_quotes_are_refused() {
        let error = broken("a,b\"c\n");
        assert_eq!((error.row, error.column), (1, 2));
        assert!(broken("\"a\"b,c\n").message.contains("after the closing"));
    }

    #[test]
    fn a_huge_cell_is_refused_while_read() {
        let big = "长".repeat(4 * 1024 * 1024);
        for text in [format!("a\n{big}\n"), format!("a\n\"{big}\"\n")] {
            let error = broken(&text);
            assert_eq!((error.row, error.column), (2, 1));
            assert!(error.message.contains("64 KiB"));
        }
    }

    #[test]
    fn the_rows_before_an_open_quote_come_back_with_it() {
        let (records, error) = read("id,title\nx,one\ny,\"未闭合\nz,three\n");
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].cells, vec!["x", "one"]);
        assert_eq!(error.map(|e| e.row), Some(3));
    }

    #[test]
    fn blank_rows_are_blank() {
        let records = whole("a,b\n\n,\n");
        assert!(!records[0].is_blank());
        assert!(records[1].is_blank() && records[2].is_blank());
    }

    #[test]
    fn decodes_utf8_then_gb18030() {
        let (text, enc) = decode("标题".as_bytes()).unwrap();
        assert_eq!((text.as_str(), enc), ("标题", Encoding::Utf8));
        let bom = [&[0xEF, 0xBB, 0xBF][..], "标题".as_bytes()].concat();
        assert_eq!(decode(&bom).unwrap().1, Encoding::Utf8Bom);
        let (gbk, _, _) = encoding_rs::GB18030.encode("七年级,心理健康");
        let (text, enc) = decode(&gbk).unwrap();
        assert_eq!((text.as_str(), enc), ("七年级,心理健康", Encoding::Gb18030));
        assert!(
            decode(&[0xFF, 0xFE, 0x41, 0])
                .unwrap_err()
                .0
                .contains("UTF-16")
        );
        assert!(decode(b"a,\0").unwrap_err().0.contains("NUL"));
        // GBK whose bytes are also UTF-8 (目录 passes as `Ŀ¼`) is read as GBK.
        let (gbk, _, _) = encoding_rs::GB18030.encode("id,title\nm,目录\n");
        assert!(std::str::from_utf8(&gbk).is_ok());
        let (text, enc) = decode(&gbk).unwrap();
        assert_eq!(
            (text.as_str(), enc),
            ("id,title\nm,目录\n", Encoding::Gb18030)
        );
        let (gbk_row, _, _) = encoding_rs::GB18030.encode("m2,中文标题,七年级");
        let mixed = [
            b"id,title\nm1,\xE4\xB8\xAD\xE6\x96\x87\xE6\xA0\x87\xE9\xA2\x98\n".as_slice(),
            &gbk_row,
        ]
        .concat();
        let (message, _) = decode(&mixed).unwrap_err();
        assert!(
            message.contains("line 2 is UTF-8, line 3 is not"),
            "{message}"
        );
        let with_bom = [b"\xEF\xBB\xBFid,title\n".as_slice(), &gbk_row].concat();
        assert_eq!(problem_line(&mixed), 3);
        assert_eq!(problem_line(b"a,b\nc,\0\n"), 2);
        let (message, _) = decode(&with_bom).unwrap_err();
        assert!(
            message.contains("starts as UTF-8, but line 2 is not"),
            "{message}"
        );
    }
}
