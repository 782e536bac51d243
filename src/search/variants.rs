//! Traditional → simplified folding, one character at a time, so a lesson written in 繁體
//! is found by a query in 简体 and the other way round. The table comes from OpenCC's t2s data
//! (through ferrous-opencc), built once on first use, and is also written into the index for
//! the browser, which loads it only when a query term is missing from the index.

use std::sync::OnceLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

/// The ranges whose characters are looked up: CJK Extension A, the Unified Ideographs and the
/// Compatibility Ideographs (the supplementary planes are left as they are).
const RANGES: [(u32, u32); 3] = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)];
const FIRST: u32 = 0x3400;
const LAST: u32 = 0xFAFF;

struct Table {
    /// Dense map over FIRST..=LAST: 0 = unchanged, else the simplified character.
    dense: Vec<u32>,
    /// (traditional, simplified) pairs in code-point order.
    pairs: Vec<(char, char)>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build_table)
}

/// Convert every character of the ranges in one call, each on its own line so that OpenCC's
/// phrase dictionaries cannot join neighbours, and keep the one-to-one changes.
fn build_table() -> Table {
    let mut dense = vec![0u32; (LAST - FIRST + 1) as usize];
    let mut pairs = Vec::new();
    let Ok(converter) = OpenCC::from_config(BuiltinConfig::T2s) else {
        return Table { dense, pairs };
    };
    let chars: Vec<char> = RANGES
        .iter()
        .flat_map(|(a, b)| (*a..=*b).filter_map(char::from_u32))
        .collect();
    let input: String = chars.iter().flat_map(|c| [*c, '\n']).collect();
    let output = converter.convert(&input);
    let lines: Vec<&str> = output.split('\n').collect();
    if lines.len() < chars.len() {
        return Table { dense, pairs };
    }
    for (from, line) in chars.iter().zip(lines) {
        let mut converted = line.chars();
        if let (Some(to), None) = (converted.next(), converted.next())
            && to != *from
            && crate::search::tokenize::is_cjk(to)
        {
            dense[(*from as u32 - FIRST) as usize] = to as u32;
            pairs.push((*from, to));
        }
    }
    Table { dense, pairs }
}

/// The simplified form of a CJK character, or the character itself.
pub fn simplified(c: char) -> char {
    let code = c as u32;
    if !(FIRST..=LAST).contains(&code) {
        return c;
    }
    match table().dense[(code - FIRST) as usize] {
        0 => c,
        to => char::from_u32(to).unwrap_or(c),
    }
}

/// The table for the browser: `{ "from": "…", "to": "…" }`, two strings of equal length.
pub fn json() -> Vec<u8> {
    let pairs = &table().pairs;
    let from: String = pairs.iter().map(|(f, _)| *f).collect();
    let to: String = pairs.iter().map(|(_, t)| *t).collect();
    serde_json::json!({ "from": from, "to": to })
        .to_string()
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_traditional_to_simplified() {
        assert_eq!(simplified('緒'), '绪');
        assert_eq!(simplified('體'), '体');
        assert_eq!(simplified('學'), '学');
        assert_eq!(simplified('情'), '情');
        assert_eq!(simplified('a'), 'a');
        assert!(table().pairs.len() > 2000, "{}", table().pairs.len());
    }
}
