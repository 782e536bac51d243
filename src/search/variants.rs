//! Traditional → simplified folding, one character at a time, so a lesson written in 繁體
//! is found by a query in 简体 and the other way round. The pairs come from OpenCC's t2s data,
//! generated once into `t2s_table.rs` (`tools/t2s-table`), so the build needs no converter.
//! The table is also written into the index for the browser, which loads it only when a query
//! term is missing from the index.

use std::sync::OnceLock;

#[path = "t2s_table.rs"]
mod t2s_table;

use t2s_table::{SIMPLIFIED, TRADITIONAL};

/// The span of the ranges the table covers: CJK Extension A, the Unified Ideographs and the
/// Compatibility Ideographs (the supplementary planes are left as they are).
const FIRST: u32 = 0x3400;
const LAST: u32 = 0xFAFF;

/// Dense map over FIRST..=LAST: 0 = unchanged, else the simplified character. A lookup per
/// indexed character must be an array access, not a search.
fn dense() -> &'static [u32] {
    static DENSE: OnceLock<Vec<u32>> = OnceLock::new();
    DENSE.get_or_init(|| {
        let mut dense = vec![0u32; (LAST - FIRST + 1) as usize];
        for (from, to) in TRADITIONAL.chars().zip(SIMPLIFIED.chars()) {
            dense[(from as u32 - FIRST) as usize] = to as u32;
        }
        dense
    })
}

/// The simplified form of a CJK character, or the character itself.
pub fn simplified(c: char) -> char {
    let code = c as u32;
    if !(FIRST..=LAST).contains(&code) {
        return c;
    }
    match dense()[(code - FIRST) as usize] {
        0 => c,
        to => char::from_u32(to).unwrap_or(c),
    }
}

/// The table for the browser: `{ "from": "…", "to": "…" }`, two strings of equal length.
pub fn json() -> Vec<u8> {
    serde_json::json!({ "from": TRADITIONAL, "to": SIMPLIFIED })
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
    }

    /// The generated table must be what ferrous-opencc gave at run time before it was dropped:
    /// 3,746 one-to-one pairs, in code-point order, inside the ranges, every one a change
    /// (著 stays: OpenCC keeps it).
    #[test]
    fn generated_table_is_the_runtime_one() {
        let from: Vec<char> = TRADITIONAL.chars().collect();
        let to: Vec<char> = SIMPLIFIED.chars().collect();
        assert_eq!((from.len(), to.len()), (3746, 3746));
        assert!(from.windows(2).all(|w| w[0] < w[1]), "code-point order");
        for (f, t) in from.iter().zip(&to) {
            assert!((FIRST..=LAST).contains(&(*f as u32)), "{f}");
            assert!(f != t && crate::search::tokenize::is_cjk(*t), "{f} → {t}");
        }
        // A sample of OpenCC's t2s conversions, checked one by one.
        let sample = [
            ('緒', '绪'),
            ('慮', '虑'),
            ('試', '试'),
            ('體', '体'),
            ('學', '学'),
            ('課', '课'),
            ('師', '师'),
            ('聽', '听'),
            ('說', '说'),
            ('評', '评'),
            ('視', '视'),
            ('頻', '频'),
            ('網', '网'),
            ('龍', '龙'),
            ('萬', '万'),
            ('與', '与'),
            ('書', '书'),
            ('東', '东'),
            ('㑮', '𫝈'),
            ('鬥', '斗'),
            ('爲', '为'),
            ('裏', '里'),
            ('嚮', '向'),
            ('著', '著'),
            ('情', '情'),
        ];
        for (t, s) in sample {
            assert_eq!(simplified(t), s, "{t}");
        }
        // FNV-1a of the t2s.json that the runtime conversion wrote (the index file's bytes).
        assert_eq!(crate::digest::short_hash(json().into_iter()), OLD_JSON_HASH);
    }

    const OLD_JSON_HASH: &str = "6ef9119c35";
}
