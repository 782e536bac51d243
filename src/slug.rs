//! ASCII slugs for URL paths and file names: Chinese becomes toneless pinyin, one syllable per
//! character (`情绪管理` → `qing-xu-guan-li`), because portals are zipped and copied onto school
//! PCs whose tools mangle non-ASCII file names.

use pinyin::ToPinyin;

/// Whether Windows reserves `name` (any case, with any extension) for a device: a folder or
/// file of that name cannot exist on a school's Windows PC, so a portal copied there loses it.
pub fn is_windows_device(name: &str) -> bool {
    let stem = name
        .split('.')
        .next()
        .unwrap_or(name)
        .trim_end()
        .to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit()
            && stem.as_bytes()[3] != b'0')
}

/// `text` as an ASCII slug: Latin letters and digits lowercased (full-width ones folded), Chinese
/// as toneless pinyin read as search reads it (`search::pinyin::readings`: 重庆 `chong-qing`,
/// 银行 `yin-hang`), one syllable per word, everything else a separator.
pub fn slugify(text: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut latin = String::new();
    let mut han: Vec<char> = Vec::new();
    for c in text.chars().map(fold_width) {
        if c.is_ascii_alphanumeric() {
            push_han(&mut words, &mut han);
            latin.push(c.to_ascii_lowercase());
            continue;
        }
        if let Some(plain) = unaccented(c) {
            push_han(&mut words, &mut han);
            latin.push_str(plain);
            continue;
        }
        if !latin.is_empty() {
            words.push(std::mem::take(&mut latin));
        }
        if c.to_pinyin().is_some() {
            han.push(c);
        } else {
            push_han(&mut words, &mut han);
        }
    }
    push_han(&mut words, &mut han);
    if !latin.is_empty() {
        words.push(latin);
    }
    let mut slug = words.join("-");
    slug.truncate(80);
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() {
        "untitled".to_string()
    } else {
        slug
    }
}

/// A Latin letter with a mark (`é`, `ü`, pinyin's `ǎ`) or a ligature (`æ`, `ß`) as the plain
/// ASCII a reader would write for it, lowercased: `Émotions à l'école` is `emotions-a-l-ecole`,
/// not `motions-l-cole`. `None` for anything else.
fn unaccented(c: char) -> Option<&'static str> {
    const GROUPS: [(&str, &str); 16] = [
        ("àáâãäåāăąǎÀÁÂÃÄÅĀĂĄǍ", "a"),
        ("çćĉċčÇĆĈĊČ", "c"),
        ("ďđĎĐ", "d"),
        ("èéêëēĕėęěÈÉÊËĒĔĖĘĚ", "e"),
        ("ĝğġģĜĞĠĢ", "g"),
        ("ìíîïĩīĭįıǐÌÍÎÏĨĪĬĮİǏ", "i"),
        ("ĺļľŀłĹĻĽĿŁ", "l"),
        ("ñńņňÑŃŅŇ", "n"),
        ("òóôõöøōŏőǒÒÓÔÕÖØŌŎŐǑ", "o"),
        ("ŕŗřŔŖŘ", "r"),
        ("śŝşšŚŜŞŠ", "s"),
        ("ţťŧŢŤŦ", "t"),
        ("ùúûüũūŭůűųǔÙÚÛÜŨŪŬŮŰŲǓ", "u"),
        // pinyin's ü with a tone, written v as the pinyin of 绿 is (lv)
        ("ǖǘǚǜǕǗǙǛ", "v"),
        ("ýÿŷÝŸŶ", "y"),
        ("źżžŹŻŽ", "z"),
    ];
    match c {
        'ß' => return Some("ss"),
        'æ' | 'Æ' => return Some("ae"),
        'œ' | 'Œ' => return Some("oe"),
        _ => {}
    }
    GROUPS
        .iter()
        .find(|(letters, _)| letters.contains(c))
        .map(|(_, plain)| *plain)
}

/// A full-width letter, digit or sign (`Ａ`, `３`) as its ASCII form, as a Chinese input
/// method's full-width mode types it.
fn fold_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    }
}

/// The pinyin of a run of Chinese characters, a syllable a word.
fn push_han(words: &mut Vec<String>, han: &mut Vec<char>) {
    if han.is_empty() {
        return;
    }
    let readings = crate::search::pinyin::readings(han);
    for (c, reading) in han.iter().zip(readings) {
        let syllable = match reading {
            Some(r) => r.to_string(),
            // `ü` is written `v`, as pinyin keyboards do, so the slug stays ASCII.
            None => c
                .to_pinyin()
                .map_or(String::new(), |py| py.plain().replace('ü', "v")),
        };
        if !syllable.is_empty() {
            words.push(syllable);
        }
    }
    han.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_device_names_in_any_case_and_with_an_extension() {
        for name in ["con", "CON", "aux.md", "Nul", "com1", "LPT9.txt", "prn "] {
            assert!(is_windows_device(name), "{name}");
        }
        for name in ["con-1", "com0", "console", "lpt", "auxiliary"] {
            assert!(!is_windows_device(name), "{name}");
        }
    }

    #[test]
    fn chinese_becomes_pinyin() {
        assert_eq!(slugify("情绪管理小课堂"), "qing-xu-guan-li-xiao-ke-tang");
        assert_eq!(slugify("防溺水"), "fang-ni-shui");
        assert_eq!(slugify("ADHD 与 注意力"), "adhd-yu-zhu-yi-li");
        assert_eq!(slugify("Python3编程"), "python3-bian-cheng");
        assert_eq!(slugify("！！"), "untitled");
        assert_eq!(slugify("考试焦虑"), "kao-shi-jiao-lv");
        assert!(slugify("绿女略").is_ascii());
        assert_eq!(slugify("重庆的银行"), "chong-qing-de-yin-hang");
        assert_eq!(slugify("ＡＢＣ全角字母"), "abc-quan-jiao-zi-mu");
        assert_eq!(slugify("第１课"), "di-1-ke");
    }

    #[test]
    fn latin_letters_with_marks_lose_only_the_mark() {
        assert_eq!(slugify("Émotions à l'école"), "emotions-a-l-ecole");
        assert_eq!(slugify("Qíng xù guǎn lǐ"), "qing-xu-guan-li");
        assert_eq!(slugify("lǜsè 绿色"), "lvse-lv-se");
        assert_eq!(slugify("Müller"), "muller");
        assert_eq!(slugify("Straße Œuvre"), "strasse-oeuvre");
        assert_eq!(slugify("café.pdf"), "cafe-pdf");
    }
}
