//! Pinyin and initials for search (docs/SEARCH-INDEX.md, "Pinyin terms"): computed here, at
//! build time, so the browser needs no character-to-pinyin table — only the list of syllables
//! (`SYLLABLES`, shared through the script's constants) to cut a typed `qingxu` into `qing xu`.
//!
//! Two index terms, both with a `'`, which the tokenizer treats as a separator, so they can
//! never be a word of the text:
//! - a pair of adjacent syllables, `qing'xu` (情绪) — as character bigrams are for Chinese;
//! - three adjacent initials after a `'`, `'qxg` (情绪管) — typed initials (`qxgl`) are cut
//!   into these, so `qxgl` needs `'qxg` and `'xgl`;
//! - two adjacent initials after a `'`, `'xl` (心理), for a query of just two initials.
//!
//! Polyphones: the `pinyin` crate gives one reading per character; `WORDS` lists school words
//! whose reading differs from it (重复, 长度, 银行, 音乐, 睡觉…). A word found in a run takes its
//! listed readings.

use std::collections::HashMap;
use std::sync::OnceLock;

use pinyin::ToPinyin;

use super::tokenize::{Run, runs};

/// Every toneless syllable a query may be cut into (`ü` written `v`), space-separated.
pub const SYLLABLES: &str = "a ai an ang ao \
ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu \
ca cai can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua \
chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo \
da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo \
e ei en eng er fa fan fang fei fen feng fo fou fu \
ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo \
ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo \
ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun \
ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo \
la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun \
luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu \
na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nun nuo \
nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu \
qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun \
ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo \
sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua \
shuai shuan shuang shui shun shuo si song sou su suan sui sun suo \
ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo \
wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun \
ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun \
za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou \
zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo";

/// The longest syllable, in letters.
const LONGEST_SYLLABLE: usize = 6;

/// Most letters of a query tried as pinyin; a longer one is searched as words only.
pub const MAX_PINYIN_LETTERS: usize = 64;

/// School words whose reading differs from the per-character default of the `pinyin` crate
/// (or would, for a character with several common readings), with their syllables.
const WORDS: &[(&str, &str)] = &[
    ("重复", "chong fu"),
    ("重新", "chong xin"),
    ("重叠", "chong die"),
    ("重阳", "chong yang"),
    ("重要", "zhong yao"),
    ("长大", "zhang da"),
    ("成长", "cheng zhang"),
    ("生长", "sheng zhang"),
    ("校长", "xiao zhang"),
    ("家长", "jia zhang"),
    ("班长", "ban zhang"),
    ("长度", "chang du"),
    ("长期", "chang qi"),
    ("长处", "chang chu"),
    ("特长", "te chang"),
    ("擅长", "shan chang"),
    ("长江", "chang jiang"),
    ("长城", "chang cheng"),
    ("长跑", "chang pao"),
    ("长方形", "chang fang xing"),
    ("漫长", "man chang"),
    ("延长", "yan chang"),
    ("行为", "xing wei"),
    ("银行", "yin hang"),
    ("行业", "hang ye"),
    ("行列", "hang lie"),
    ("朝气", "zhao qi"),
    ("朝阳", "zhao yang"),
    ("音乐", "yin yue"),
    ("乐器", "yue qi"),
    ("乐曲", "yue qu"),
    ("乐队", "yue dui"),
    ("乐谱", "yue pu"),
    ("声乐", "sheng yue"),
    ("快乐", "kuai le"),
    ("觉得", "jue de"),
    ("睡觉", "shui jiao"),
    ("午觉", "wu jiao"),
    ("数学", "shu xue"),
    ("教学", "jiao xue"),
    ("教育", "jiao yu"),
    ("了解", "liao jie"),
    ("角色", "jue se"),
    ("调节", "tiao jie"),
    ("调整", "tiao zheng"),
    ("调控", "tiao kong"),
    ("调适", "tiao shi"),
    ("协调", "xie tiao"),
    ("调皮", "tiao pi"),
    ("传记", "zhuan ji"),
    ("便宜", "pian yi"),
    ("出差", "chu chai"),
    ("参差", "cen ci"),
    ("暖和", "nuan huo"),
    ("归还", "gui huan"),
    ("还原", "huan yuan"),
    ("首都", "shou du"),
    ("着急", "zhao ji"),
    ("睡着", "shui zhao"),
    ("会计", "kuai ji"),
    ("西藏", "xi zang"),
    ("薄弱", "bo ruo"),
    ("模样", "mu yang"),
    ("反省", "fan xing"),
    ("供给", "gong ji"),
    ("率领", "shuai ling"),
    ("坦率", "tan shuai"),
    ("人参", "ren shen"),
    ("投降", "tou xiang"),
    ("处理", "chu li"),
    ("相处", "xiang chu"),
    // places in school names and titles, whose characters read otherwise elsewhere
    ("重庆", "chong qing"),
    ("长沙", "chang sha"),
    ("长春", "chang chun"),
    ("长治", "chang zhi"),
    ("长安", "chang an"),
    ("长宁", "chang ning"),
    ("长白山", "chang bai shan"),
    ("厦门", "xia men"),
    ("蚌埠", "beng bu"),
    ("六安", "lu an"),
    ("丽水", "li shui"),
    ("乐山", "le shan"),
    ("乐清", "yue qing"),
    ("番禺", "pan yu"),
    ("单县", "shan xian"),
];

/// The longest word of `WORDS`, in characters.
const LONGEST_WORD: usize = 3;

/// Surnames read otherwise than the character's everyday reading (曾 is céng in 曾经, but the
/// teacher 曾丽 is Zēng Lì). A person's name is indexed under both readings: people type
/// either.
const SURNAMES: &[(char, &str)] = &[
    ('曾', "zeng"),
    ('单', "shan"),
    ('仇', "qiu"),
    ('区', "ou"),
    ('解', "xie"),
    ('朴', "piao"),
    ('查', "zha"),
    ('翟', "zhai"),
    ('盖', "ge"),
    ('缪', "miao"),
    ('覃', "qin"),
    ('召', "shao"),
    ('种', "chong"),
    ('秘', "bi"),
];

fn words() -> &'static HashMap<String, Vec<&'static str>> {
    static WORDS_MAP: OnceLock<HashMap<String, Vec<&'static str>>> = OnceLock::new();
    WORDS_MAP.get_or_init(|| {
        WORDS
            .iter()
            .map(|(word, readings)| (word.to_string(), readings.split(' ').collect()))
            .collect()
    })
}

/// The first characters of the words of `WORDS`.
fn first_chars() -> &'static std::collections::HashSet<char> {
    static SET: OnceLock<std::collections::HashSet<char>> = OnceLock::new();
    SET.get_or_init(|| WORDS.iter().filter_map(|(w, _)| w.chars().next()).collect())
}

fn syllables() -> &'static std::collections::HashSet<&'static str> {
    static SET: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| SYLLABLES.split(' ').collect())
}

/// One character's default reading: toneless, `ü` as `v`; `None` when it has none, or one
/// outside `SYLLABLES` (嗯 n), which no query can be cut into.
fn reading(c: char) -> Option<&'static str> {
    let plain = c.to_pinyin()?.plain();
    let plain = match plain {
        "lü" => "lv",
        "nü" => "nv",
        "lüe" => "lve",
        "nüe" => "nve",
        other => other,
    };
    syllables().get(plain).copied()
}

/// The reading of each character of a (folded) CJK run, polyphones resolved by `WORDS`
/// (longest word first, left to right).
pub fn readings(chars: &[char]) -> Vec<Option<&'static str>> {
    let mut out: Vec<Option<&'static str>> = chars.iter().map(|c| reading(*c)).collect();
    let table = words();
    let mut i = 0;
    while i < chars.len() {
        let mut step = 1;
        // Most characters start no listed word: no string is made for them.
        let longest = if first_chars().contains(&chars[i]) {
            LONGEST_WORD
        } else {
            1
        };
        for len in (2..=longest.min(chars.len() - i)).rev() {
            let word: String = chars[i..i + len].iter().collect();
            if let Some(found) = table.get(&word) {
                for (k, r) in found.iter().enumerate() {
                    out[i + k] = Some(*r);
                }
                step = len;
                break;
            }
        }
        i += step;
    }
    out
}

/// Calls `each` with every pinyin index term of `text` (each occurrence, in order): syllable
/// pairs `a'b` and initial triples `'abc` within each CJK run. One buffer serves every term.
pub fn index_terms(text: &str, mut each: impl FnMut(&str)) {
    let mut term = String::with_capacity(16);
    runs(text, |run| {
        if let Run::Cjk(chars) = run {
            terms_of_readings(&readings(&chars), &mut term, &mut each);
        }
    });
}

/// `index_terms` for people's names (`张明、曾丽`): where a name starts with a surname of
/// `SURNAMES`, the terms of its first syllables are given with the surname's reading as well,
/// where they differ from the everyday reading's (a term counted twice would weigh double).
pub fn index_name_terms(names: &str, mut each: impl FnMut(&str)) {
    let mut term = String::with_capacity(16);
    runs(names, |run| {
        let Run::Cjk(chars) = run else {
            return;
        };
        let read = readings(&chars);
        terms_of_readings(&read, &mut term, &mut each);
        let Some((_, surname)) = SURNAMES.iter().find(|(c, _)| *c == chars[0]) else {
            return;
        };
        let everyday = read[0].unwrap_or("");
        let Some(Some(second)) = read.get(1) else {
            return;
        };
        if *surname != everyday {
            each(&format!("{surname}'{second}"));
        }
        let initial = |s: &str| s.chars().next();
        if initial(surname) != initial(everyday) {
            each(&format!(
                "'{}",
                [surname, second]
                    .iter()
                    .filter_map(|s| initial(s))
                    .collect::<String>()
            ));
        }
        if let Some(Some(third)) = read.get(2)
            && surname.chars().next() != everyday.chars().next()
        {
            let initials: String = [surname, second, third]
                .iter()
                .filter_map(|s| s.chars().next())
                .collect();
            each(&format!("'{initials}"));
        }
    });
}

/// The pairs, initial pairs and initial triples of one run's readings.
fn terms_of_readings(read: &[Option<&str>], term: &mut String, each: &mut impl FnMut(&str)) {
    for i in 0..read.len().saturating_sub(1) {
        if let (Some(a), Some(b)) = (read[i], read[i + 1]) {
            term.clear();
            term.push_str(a);
            term.push('\'');
            term.push_str(b);
            each(term);
            term.clear();
            term.push('\'');
            term.extend([a, b].iter().filter_map(|s| s.chars().next()));
            each(term);
            if let Some(Some(c)) = read.get(i + 2) {
                term.clear();
                term.push('\'');
                term.extend([a, b, c].iter().filter_map(|s| s.chars().next()));
                each(term);
            }
        }
    }
}

/// The syllables of `text` for suggestions: a CJK character's reading, or a word run as it is
/// (lower-cased); `None` for a character without a reading. Space-separated.
pub fn spelled(text: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    runs(text, |run| match run {
        Run::Word(w) => parts.push(w),
        Run::Cjk(chars) => {
            for (c, r) in chars.iter().zip(readings(&chars)) {
                parts.push(r.map_or_else(|| c.to_string(), str::to_string));
            }
        }
    });
    parts.join(" ")
}

/// The pieces of a query that is only ASCII letters and separators (`qing xu`, `xi'an`), or
/// `None` for any other query (Chinese, digits) or one with more than `MAX_PINYIN_LETTERS`.
fn letter_pieces(query: &str) -> Option<Vec<String>> {
    let mut pieces = Vec::new();
    let mut ok = true;
    let mut letters = 0;
    runs(query, |run| match run {
        Run::Word(w) if w.bytes().all(|b| b.is_ascii_lowercase()) => {
            letters += w.len();
            pieces.push(w);
        }
        _ => ok = false,
    });
    (ok && !pieces.is_empty() && letters <= MAX_PINYIN_LETTERS).then_some(pieces)
}

/// Cuts `letters` into syllables: the longest syllable first at each place, backtracking
/// when the rest cannot be cut. `None` when no cut exists.
pub fn segment(letters: &str) -> Option<Vec<&str>> {
    let set = syllables();
    let mut failed = vec![false; letters.len() + 1];
    fn go<'a>(
        s: &'a str,
        at: usize,
        set: &std::collections::HashSet<&str>,
        failed: &mut [bool],
        out: &mut Vec<&'a str>,
    ) -> bool {
        if at == s.len() {
            return true;
        }
        if failed[at] {
            return false;
        }
        for len in (1..=LONGEST_SYLLABLE.min(s.len() - at)).rev() {
            let piece = &s[at..at + len];
            if set.contains(piece) {
                out.push(piece);
                if go(s, at + len, set, failed, out) {
                    return true;
                }
                out.pop();
            }
        }
        failed[at] = true;
        false
    }
    let mut out = Vec::new();
    go(letters, 0, set, &mut failed, &mut out).then_some(out)
}

/// The pinyin terms a query is also tried as (browser side; here for tests and the shared
/// vectors): when it is only ASCII letters and cuts into syllables (each piece between
/// separators on its own), its syllable pairs; when it cannot be cut, its initial triples
/// (`qxgl` → `'qxg`, `'xgl`). Empty for any other query, or one syllable alone.
pub fn query_terms(query: &str) -> Vec<String> {
    let Some(pieces) = letter_pieces(query) else {
        return Vec::new();
    };
    let mut cut: Vec<&str> = Vec::new();
    for piece in &pieces {
        match segment(piece) {
            Some(syllables) => cut.extend(syllables),
            None => {
                let letters: Vec<char> = pieces.concat().chars().collect();
                // Two initials (`xl`, 心理) are one pair; more are cut into triples, which
                // narrow far better than pairs.
                let width = if letters.len() == 2 { 2 } else { 3 };
                return letters
                    .windows(width)
                    .map(|w| format!("'{}", w.iter().collect::<String>()))
                    .collect();
            }
        }
    }
    cut.windows(2)
        .map(|w| format!("{}'{}", w[0], w[1]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        index_terms(text, |t| out.push(t.to_string()));
        out
    }

    #[test]
    fn pairs_of_syllables_and_pairs_and_triples_of_initials() {
        assert_eq!(
            terms("情绪管理"),
            [
                "qing'xu", "'qx", "'qxg", "xu'guan", "'xg", "'xgl", "guan'li", "'gl"
            ]
        );
        assert_eq!(terms("心理 ABC"), ["xin'li", "'xl"]);
        assert!(terms("abc 3").is_empty());
    }

    #[test]
    fn polyphones_take_the_school_reading() {
        let spell = |t: &str| spelled(t);
        assert_eq!(spell("重要的重复"), "zhong yao de chong fu");
        assert_eq!(spell("长大与长度"), "zhang da yu chang du");
        assert_eq!(spell("重庆长大的孩子"), "chong qing zhang da de hai zi");
        assert_eq!(spell("长沙市"), "chang sha shi");
        assert_eq!(spell("行为和银行"), "xing wei he yin hang");
        assert_eq!(spell("音乐让人快乐"), "yin yue rang ren kuai le");
        assert_eq!(spell("觉得想睡觉"), "jue de xiang shui jiao");
        assert_eq!(spell("朝气"), "zhao qi");
        assert_eq!(spell("绿色 Python"), "lv se python");
    }

    #[test]
    fn a_surname_is_read_as_a_surname_too() {
        let mut out = Vec::new();
        index_name_terms("曾丽华", |t| out.push(t.to_string()));
        assert!(out.contains(&"zeng'li".to_string()), "{out:?}");
        assert!(out.contains(&"'zlh".to_string()), "{out:?}");
        assert!(out.contains(&"'zl".to_string()), "{out:?}");
        assert!(out.contains(&"li'hua".to_string()), "{out:?}");
        let everyday = terms("曾丽华");
        assert!(
            everyday.iter().all(|t| out.contains(t)),
            "the everyday reading stays"
        );
        let mut plain = Vec::new();
        index_name_terms("王芳", |t| plain.push(t.to_string()));
        assert_eq!(plain, terms("王芳"), "other names as before");
        let mut two = Vec::new();
        index_name_terms("王芳、单明", |t| two.push(t.to_string()));
        assert!(
            two.contains(&"shan'ming".to_string()),
            "each name of a list: {two:?}"
        );
        for (c, reading) in SURNAMES {
            assert!(syllables().contains(reading), "{c}: {reading}");
        }
    }

    #[test]
    fn queries_cut_into_syllables_or_initials() {
        assert_eq!(query_terms("qingxu"), ["qing'xu"]);
        assert_eq!(query_terms("Qing Xu"), ["qing'xu"]);
        assert_eq!(query_terms("fangnishui"), ["fang'ni", "ni'shui"]);
        assert_eq!(query_terms("qxgl"), ["'qxg", "'xgl"]);
        assert_eq!(query_terms("xl"), ["'xl"], "two initials are a pair");
        assert_eq!(query_terms("x l"), ["'xl"]);
        assert_eq!(query_terms("xi'an"), ["xi'an"]);
        assert!(query_terms("qing").is_empty(), "one syllable: words only");
        assert!(query_terms("情绪").is_empty());
        assert!(query_terms("abc3").is_empty());
    }

    #[test]
    fn every_word_reading_is_a_syllable() {
        for (word, readings) in WORDS {
            let read: Vec<&str> = readings.split(' ').collect();
            assert_eq!(read.len(), word.chars().count(), "{word}");
            assert!(word.chars().count() <= LONGEST_WORD, "{word}");
            for r in read {
                assert!(syllables().contains(r), "{word}: {r}");
            }
        }
        for s in SYLLABLES.split(' ') {
            assert!(s.len() <= LONGEST_SYLLABLE && s.bytes().all(|b| b.is_ascii_lowercase()));
        }
    }
}
