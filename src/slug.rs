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

pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    let mut pending_dash = false;
    let push_word = |slug: &mut String, word: &str, pending: &mut bool| {
        if !slug.is_empty() && *pending {
            slug.push('-');
        }
        slug.push_str(word);
        *pending = false;
    };
    let mut latin = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            latin.push(c.to_ascii_lowercase());
            continue;
        }
        if !latin.is_empty() {
            push_word(&mut slug, &latin, &mut pending_dash);
            latin.clear();
        }
        pending_dash = true;
        if let Some(py) = c.to_pinyin() {
            // `ü` is written `v`, as pinyin keyboards do, so the slug stays ASCII.
            let ascii = py.plain().replace('ü', "v");
            push_word(&mut slug, &ascii, &mut pending_dash);
            pending_dash = true;
        }
    }
    if !latin.is_empty() {
        push_word(&mut slug, &latin, &mut pending_dash);
    }
    slug.truncate(80);
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() {
        "untitled".to_string()
    } else {
        slug
    }
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
    }
}
