//! WebVTT captions read into cues, for a video's transcript and chapters (the W3C WebVTT
//! format: a `WEBVTT` header, then blocks separated by blank lines — cues, `NOTE` comments,
//! `STYLE` and `REGION` blocks). A cue's payload keeps its text and the speaker of its first
//! `<v Speaker>` span (another voice's name is written into the text where it starts); other
//! tags are dropped and entities decoded, so what reaches a page is
//! plain text that the template escapes. Problems name the line of the bad cue and say what to
//! do; the reader never panics, whatever the bytes.

/// The most cues one file may hold: a two-hour recording has about 2,000; a file with many
/// more is almost certainly not a transcript, and would make a page of megabytes.
pub const MAX_CUES: usize = 20_000;

/// The largest captions file read, in bytes.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

/// One cue: when it is spoken, by whom (a `<v>` span), and its text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cue {
    /// Milliseconds from the start of the video.
    pub start: u32,
    pub end: u32,
    pub speaker: Option<String>,
    pub text: String,
    /// The line of its timing line in the file, for diagnostics.
    pub line: usize,
    /// The voice speaking at the cue's end, when another than `speaker` took over inside it
    /// (`<v 王老师>…<v 学生>…`): the next cue names its speaker against this one.
    pub last_speaker: Option<String>,
}

/// A problem with a captions file: where, what, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
    pub help: String,
}

impl Problem {
    fn new(line: usize, message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            line,
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Read a WebVTT file (a BOM and CRLF or CR line ends are accepted); its first problem.
pub fn parse(text: &str) -> Result<Vec<Cue>, Problem> {
    parse_all(text).map_err(|mut problems| problems.swap_remove(0))
}

/// At most this many problems of one file are reported: a file saved wrongly as a whole
/// would otherwise give one per cue.
const MAX_PROBLEMS: usize = 20;

/// Read a WebVTT file, reporting every bad cue (up to `MAX_PROBLEMS`), ordered by line, so an
/// editor mends them in one go; a file without its header or too large is one problem.
pub fn parse_all(text: &str) -> Result<Vec<Cue>, Vec<Problem>> {
    if text.len() > MAX_BYTES {
        return Err(vec![Problem::new(
            1,
            format!(
                "the captions file is {:.1} MB, more than the {} MB a transcript may have",
                text.len() as f64 / (1024.0 * 1024.0),
                MAX_BYTES / (1024 * 1024)
            ),
            "split the recording's captions, or link the file as an external URL instead",
        )]);
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // WebVTT allows CRLF, LF and lone CR line ends.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().collect();
    check_header(&lines).map_err(|p| vec![p])?;
    let mut cues = Vec::new();
    let mut problems = Vec::new();
    for block in blocks(&lines) {
        match read_block(&lines, block) {
            Ok(Some(cue)) if cues.len() == MAX_CUES => {
                problems.push(Problem::new(
                    cue.line,
                    format!("more than {MAX_CUES} cues in one captions file"),
                    "a two-hour lesson has about 2,000 cues: check that this is the right file",
                ));
                break;
            }
            Ok(Some(cue)) => cues.push(cue),
            Ok(None) => {}
            Err(problem) => problems.push(problem),
        }
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
    }
    let room = MAX_PROBLEMS.saturating_sub(problems.len());
    problems.extend(order_problems(&cues).take(room));
    if problems.is_empty() {
        return Ok(cues);
    }
    problems.sort_by_key(|p| p.line);
    Err(problems)
}

fn check_header(lines: &[&str]) -> Result<(), Problem> {
    let first = lines.first().copied().unwrap_or("");
    let is_header = first == "WEBVTT"
        || first
            .strip_prefix("WEBVTT")
            .is_some_and(|rest| rest.starts_with([' ', '\t']));
    if is_header {
        return Ok(());
    }
    if looks_like_srt(lines) {
        return Err(Problem::new(
            1,
            "this captions file is SubRip (SRT), not WebVTT",
            "browsers play WebVTT only: convert it (for example `ffmpeg -i captions.srt captions.vtt`, or write `WEBVTT` and a blank line at the top and change the commas in the times to dots) and name the .vtt file in `captions:`",
        ));
    }
    Err(Problem::new(
        1,
        "a WebVTT file must start with the line `WEBVTT`",
        "add `WEBVTT` and a blank line at the top of the file",
    ))
}

/// SRT: a cue number, then `00:00:01,000 --> 00:00:04,000`.
fn looks_like_srt(lines: &[&str]) -> bool {
    let mut content = lines.iter().skip_while(|l| l.trim().is_empty());
    let number = content
        .next()
        .is_some_and(|l| l.trim().parse::<u32>().is_ok());
    let times = content
        .next()
        .is_some_and(|l| l.contains("-->") && l.contains(','));
    number && times
}

/// The blocks after the header, as line ranges (blank lines separate them).
fn blocks(lines: &[&str]) -> Vec<std::ops::Range<usize>> {
    let mut blocks = Vec::new();
    // The header block ends at the first blank line.
    let mut i = lines
        .iter()
        .position(|l| l.is_empty())
        .unwrap_or(lines.len());
    while i < lines.len() {
        while i < lines.len() && lines[i].is_empty() {
            i += 1;
        }
        let start = i;
        let mut timed = false;
        while i < lines.len() && !lines[i].is_empty() {
            // As browsers read it: a line with `-->` after the cue's own timing starts the next
            // cue, although no empty line came first (a line of spaces is not empty, and
            // Windows exporters leave such lines between cues).
            if lines[i].contains("-->") {
                if timed {
                    break;
                }
                timed = true;
            }
            i += 1;
        }
        if start < i {
            blocks.push(start..i);
        }
    }
    blocks
}

/// A cue, or `None` for a comment, style or region block.
fn read_block(lines: &[&str], block: std::ops::Range<usize>) -> Result<Option<Cue>, Problem> {
    let first = lines[block.start];
    if ["NOTE", "STYLE", "REGION"].iter().any(|word| {
        first == *word
            || first.starts_with(&format!("{word} "))
            || first.starts_with(&format!("{word}\t"))
    }) {
        return Ok(None);
    }
    if !first.contains("-->") && looks_like_timing(first) {
        return Err(Problem::new(
            block.start + 1,
            format!(
                "`{}` looks like a cue's times, but not as WebVTT writes them",
                shorten(first)
            ),
            "write them with ASCII characters, `00:00:01.000 --> 00:00:04.000`: two hyphens and `>` between, colons and a dot in each time (a Chinese input method types `：`, `—` and `－`)",
        ));
    }
    // An optional identifier line comes before the timing line.
    let timing_at = if first.contains("-->") {
        block.start
    } else {
        block.start + 1
    };
    let Some(timing) = lines.get(timing_at).filter(|_| timing_at < block.end) else {
        return Err(Problem::new(
            block.start + 1,
            format!("`{}` is neither a cue nor a NOTE", shorten(first)),
            "a cue is a line `00:01:02.000 --> 00:01:05.500` followed by its text; a comment starts with `NOTE`",
        ));
    };
    let line = timing_at + 1;
    let (start, end) = read_timing(timing, line)?;
    let (speaker, text, last_speaker) = read_payload(&lines[timing_at + 1..block.end]);
    Ok(Some(Cue {
        start,
        end,
        speaker,
        text,
        line,
        last_speaker,
    }))
}

/// A line meant as a cue's timing, typed with the wrong characters: `00：00：01.000 ——>`,
/// `00:01.000 -> 00:04.000`, `00:01 → 00:04`.
fn looks_like_timing(line: &str) -> bool {
    let digits = line.chars().filter(char::is_ascii_digit).count();
    let arrow = ["->", "—>", "－>", "→", "=>", "－－", "——"]
        .iter()
        .any(|a| line.contains(a));
    let clock = line.contains(':') || line.contains('：');
    digits >= 4 && clock && arrow
}

/// `00:01:02.000 --> 00:01:05.500 align:start` → (start, end) in milliseconds.
fn read_timing(timing: &str, line: usize) -> Result<(u32, u32), Problem> {
    let help = "write the cue's times as `mm:ss.ttt --> mm:ss.ttt` or `hh:mm:ss.ttt --> hh:mm:ss.ttt` (a dot before the milliseconds)";
    let Some((from, rest)) = timing.split_once("-->") else {
        return Err(Problem::new(
            line,
            format!("`{}` is not a cue timing", shorten(timing)),
            help,
        ));
    };
    let to = rest.split_whitespace().next().unwrap_or("");
    if to.is_empty() {
        return Err(Problem::new(
            line,
            "the cue has a start but no end time",
            help,
        ));
    }
    let not_a_time = |time: &str| {
        let help = match out_of_range(time) {
            true => "minutes and seconds go up to 59: `01:39.000` is 99 seconds",
            false => help,
        };
        Problem::new(
            line,
            format!("`{}` is not a WebVTT time", shorten(time)),
            help,
        )
    };
    let start = timestamp(from.trim()).ok_or_else(|| not_a_time(from.trim()))?;
    let end = timestamp(to).ok_or_else(|| not_a_time(to))?;
    if end < start {
        return Err(Problem::new(
            line,
            "the cue ends before it starts",
            "swap the two times, or correct the end time",
        ));
    }
    Ok((start, end))
}

/// A time written in the right shape with minutes or seconds over 59 (`00:99.000`).
fn out_of_range(text: &str) -> bool {
    let clock = text.split('.').next().unwrap_or("");
    let parts: Vec<&str> = clock.split(':').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[parts.len() - 2..]
            .iter()
            .any(|p| p.parse::<u32>().is_ok_and(|n| n > 59))
}

/// `hh:mm:ss.ttt` or `mm:ss.ttt` → milliseconds.
pub fn timestamp(text: &str) -> Option<u32> {
    let (clock, millis) = text.split_once('.')?;
    if millis.len() != 3 || !millis.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let number = |s: &str, width: usize| {
        (s.len() >= width && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (hours, minutes, seconds) = match parts.as_slice() {
        [m, s] if m.len() == 2 && s.len() == 2 => (0, number(m, 2)?, number(s, 2)?),
        [h, m, s] if m.len() == 2 && s.len() == 2 && h.len() <= 4 => {
            (number(h, 2)?, number(m, 2)?, number(s, 2)?)
        }
        _ => return None,
    };
    if minutes > 59 || seconds > 59 {
        return None;
    }
    let total = (hours * 3600 + minutes * 60 + seconds).checked_mul(1000)?;
    total.checked_add(millis.parse::<u32>().ok()?)
}

/// A cue's text without tags, entities decoded, lines joined; its first voice (the others
/// named in the text); and its last voice, when another.
fn read_payload(lines: &[&str]) -> (Option<String>, String, Option<String>) {
    let mut voices = Voices::default();
    let mut text = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        strip_tags(line, &mut text, &mut voices);
    }
    let last = voices
        .current
        .filter(|last| Some(last) != voices.first.as_ref());
    (voices.first, text.trim().to_string(), last)
}

/// Append `line` without its `<…>` tags to `out`; the first `<v Name>` gives the speaker, and
/// another voice's name is written into the text where it starts.
fn strip_tags(line: &str, out: &mut String, voices: &mut Voices) {
    let mut rest = line;
    while let Some(open) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..open]));
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            // A `<` that opens no tag is text.
            out.push_str(&decode_entities(&rest[open..]));
            return;
        };
        let tag = &after[..close];
        if let Some(name) = voice(tag) {
            voices.starts(name, out);
        }
        rest = &after[close + 1..];
    }
    out.push_str(&decode_entities(rest));
}

/// The voices of one cue: the first is its speaker; a change of voice after it
/// (`<v 学生甲>…</v> <v 学生乙>…`) is named in the text where it starts, as the page names the
/// first.
#[derive(Default)]
struct Voices {
    first: Option<String>,
    current: Option<String>,
}

impl Voices {
    fn starts(&mut self, name: String, out: &mut String) {
        if self.first.is_none() {
            self.first = Some(name.clone());
        } else if self.current.as_ref() != Some(&name) {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            out.push_str(&name);
            out.push_str(match name.chars().any(crate::search::tokenize::is_cjk) {
                true => "：",
                false => ": ",
            });
        }
        self.current = Some(name);
    }
}

/// The speaker a `<v Name>` or `<v.class Name>` tag names; `None` for other tags and a voice
/// without a name.
fn voice(tag: &str) -> Option<String> {
    let name = tag
        .strip_prefix('v')
        .filter(|n| n.starts_with([' ', '\t', '.']))?;
    let name = name.split_once([' ', '\t']).map_or("", |(_, n)| n);
    let name = decode_entities(name.trim());
    (!name.is_empty()).then_some(name)
}

/// The character references WebVTT allows: named ones and `&#…;` numbers.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let decoded = after.find(';').and_then(|semi| {
            let name = &after[1..semi];
            entity(name).map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    let number = |digits: &str, radix| u32::from_str_radix(digits, radix).ok();
    let code = match name {
        "amp" => return Some('&'),
        "lt" => return Some('<'),
        "gt" => return Some('>'),
        "quot" => return Some('"'),
        "apos" => return Some('\''),
        "nbsp" => return Some('\u{a0}'),
        "lrm" => return Some('\u{200e}'),
        "rlm" => return Some('\u{200f}'),
        _ if name.starts_with("#x") || name.starts_with("#X") => number(&name[2..], 16)?,
        _ if name.starts_with('#') => number(&name[1..], 10)?,
        _ => return None,
    };
    // Control characters would make the page (and the feed) ill-formed.
    char::from_u32(code).filter(|c| !c.is_control() || *c == '\t')
}

/// Cues must start in order (the WebVTT rule a player relies on for its active cue).
/// Each cue that starts before the cue above it.
fn order_problems(cues: &[Cue]) -> impl Iterator<Item = Problem> + '_ {
    cues.windows(2)
        .filter(|pair| pair[1].start < pair[0].start)
        .map(|pair| {
            Problem::new(
                pair[1].line,
                format!(
                    "this cue starts at {}, before the cue above it ({})",
                    clock(pair[1].start),
                    clock(pair[0].start)
                ),
                "cues must be in the order they are spoken: move this cue up, or correct its time",
            )
        })
}

/// A WebVTT chapters file (`<track kind="chapters">`): every cue is a chapter, its text the
/// title. Besides what `parse` checks, each chapter needs a title and must start after the one
/// before it (whole seconds, as the chapter list shows them).
pub fn chapters(text: &str) -> Result<Vec<Cue>, Vec<Problem>> {
    let cues = parse_all(text)?;
    let mut problems = Vec::new();
    for (i, cue) in cues.iter().enumerate() {
        if cue.text.trim().is_empty() {
            problems.push(Problem::new(
                cue.line,
                "this chapter has no title",
                "write the chapter's title on the line under its time, e.g. `新授：认识情绪`",
            ));
        }
        if i > 0 && cue.start / 1000 <= cues[i - 1].start / 1000 {
            problems.push(Problem::new(
                cue.line,
                format!(
                    "this chapter starts at {}, not after the chapter above it ({})",
                    clock(cue.start),
                    clock(cues[i - 1].start)
                ),
                "give each chapter a later start time than the one before it",
            ));
        }
    }
    problems.truncate(MAX_PROBLEMS);
    match problems.is_empty() {
        true => Ok(cues),
        false => Err(problems),
    }
}

/// Milliseconds as `m:ss` or `h:mm:ss`, as a transcript shows a time.
pub fn clock(millis: u32) -> String {
    let seconds = millis / 1000;
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Milliseconds as an HTML duration string (`PT1M5S`, `PT1H0M2S`, `PT0S`), for the
/// `datetime` of a `<time>` that shows `clock`'s text: `1:05` alone is no valid time value.
pub fn duration_string(millis: u32) -> String {
    let seconds = millis / 1000;
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("PT{s}S"),
        (0, _) => format!("PT{m}M{s}S"),
        _ => format!("PT{h}H{m}M{s}S"),
    }
}

fn shorten(text: &str) -> String {
    crate::diagnostics::shorten(text, 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "WEBVTT - 情绪ABC课堂实录\n\nNOTE 由教研组整理\n\n1\n00:00:01.000 --> 00:00:04.500 align:start\n<v 李老师>同学们好，今天我们来认识情绪。\n\n00:01:05.250 --> 00:01:09.000\n<v.teacher 李老师>想一想：&lt;生气&gt;的时候\n身体有什么变化？\n\n01:00:00.000 --> 01:00:02.000\n<c.yellow>下课</c>&amp;再见\n";

    #[test]
    fn a_timing_typed_with_chinese_punctuation_is_reported_on_its_own_line() {
        let text = "WEBVTT\n\n00：00：01.000 ——> 00：00：04.000\n全角\n";
        let problem = parse(text).unwrap_err();
        assert_eq!(problem.line, 3, "{problem:?}");
        assert!(problem.message.contains("looks like a cue's times"));
        // an identifier line above a good timing is no such line
        assert!(parse("WEBVTT\n\n第1句 12:30\n00:00:01.000 --> 00:00:04.000\n好\n").is_ok());
    }

    #[test]
    fn a_line_of_spaces_between_cues_does_not_merge_them() {
        // browsers end a cue's text at a line holding `-->`, empty line or not
        let text = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n空白行有空格\n   \n00:00:05.000 --> 00:00:06.000\n第二句\n";
        let cues = parse(text).unwrap();
        assert_eq!(cues.len(), 2, "{cues:?}");
        assert_eq!(
            (cues[0].text.as_str(), cues[1].text.as_str()),
            ("空白行有空格", "第二句")
        );
        assert_eq!((cues[1].start, cues[1].line), (5_000, 6));
    }

    #[test]
    fn durations_are_valid_html_duration_strings() {
        assert_eq!(duration_string(0), "PT0S");
        assert_eq!(duration_string(999), "PT0S");
        assert_eq!(duration_string(65_500), "PT1M5S");
        assert_eq!(duration_string(3_602_000), "PT1H0M2S");
        assert_eq!(clock(3_602_000), "1:00:02");
    }

    #[test]
    fn every_bad_cue_is_reported_in_line_order() {
        let text = "WEBVTT\n\n00:05.000 --> 00:04.000\n倒了\n\n00:09.000 --> 00:10.000\n甲\n\n00:01.000 --> 00:02.000\n乱序\n\n00:99.000 --> 01:40.000\n太长\n";
        let problems = parse_all(text).unwrap_err();
        let found: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0], (3, "the cue ends before it starts"));
        assert!(
            found[1].0 == 9 && found[1].1.contains("before the cue above it"),
            "{found:?}"
        );
        assert!(
            found[2].0 == 12 && found[2].1.contains("is not a WebVTT time"),
            "{found:?}"
        );
        assert_eq!(parse(text).unwrap_err().line, 3, "parse says the first");
        let many = format!("WEBVTT\n\n{}", "0:1 --> 0:2\nx\n\n".repeat(100));
        assert_eq!(parse_all(&many).unwrap_err().len(), MAX_PROBLEMS);
    }

    #[test]
    fn seconds_over_59_say_so_and_a_large_file_its_size() {
        let problem = parse("WEBVTT\n\n00:99.000 --> 01:40.000\n太长\n").unwrap_err();
        assert!(problem.help.contains("go up to 59"), "{problem:?}");
        let shape = parse("WEBVTT\n\n0:1.5 --> 00:02.000\n形状不对\n").unwrap_err();
        assert!(
            shape.help.contains("a dot before the milliseconds"),
            "{shape:?}"
        );
        let big = format!("WEBVTT\n\n{}", "x".repeat(MAX_BYTES + MAX_BYTES / 10));
        let size = parse(&big).unwrap_err();
        assert!(
            size.message.starts_with("the captions file is 8.8 MB"),
            "{size:?}"
        );
    }

    #[test]
    fn a_second_voice_in_a_cue_is_named_where_it_starts() {
        let cues = parse("WEBVTT\n\n00:01.000 --> 00:04.000\n<v 学生甲>我觉得很紧张。</v><v 学生乙>我也是。</v>\n<v 学生甲>那怎么办？\n\n00:05.000 --> 00:06.000\n<v Ms Li>Good.</v> <v Tom>Yes!\n").unwrap();
        assert_eq!(cues[0].speaker.as_deref(), Some("学生甲"));
        assert_eq!(
            cues[0].text,
            "我觉得很紧张。 学生乙：我也是。 学生甲：那怎么办？"
        );
        assert_eq!(cues[1].speaker.as_deref(), Some("Ms Li"));
        assert_eq!(cues[1].text, "Good. Tom: Yes!");
        assert_eq!(cues[0].last_speaker, None, "学生甲 speaks last, as first");
        assert_eq!(cues[1].last_speaker.as_deref(), Some("Tom"));
    }

    #[test]
    fn reads_cues_speakers_and_entities() {
        let cues = parse(SAMPLE).unwrap();
        assert_eq!(cues.len(), 3);
        assert_eq!((cues[0].start, cues[0].end), (1_000, 4_500));
        assert_eq!(cues[0].speaker.as_deref(), Some("李老师"));
        assert_eq!(cues[0].text, "同学们好，今天我们来认识情绪。");
        assert_eq!(cues[1].speaker.as_deref(), Some("李老师"));
        assert_eq!(cues[1].text, "想一想：<生气>的时候 身体有什么变化？");
        assert_eq!(cues[1].line, 9);
        assert_eq!(cues[2].start, 3_600_000);
        assert_eq!(cues[2].text, "下课&再见");
        assert_eq!(clock(cues[1].start), "1:05");
        assert_eq!(clock(cues[2].start), "1:00:00");
    }

    #[test]
    fn accepts_a_bom_crlf_and_lone_cr() {
        let crlf = format!("\u{feff}{}", SAMPLE.replace('\n', "\r\n"));
        assert_eq!(parse(&crlf).unwrap(), parse(SAMPLE).unwrap());
        assert_eq!(
            parse(&SAMPLE.replace('\n', "\r")).unwrap(),
            parse(SAMPLE).unwrap()
        );
    }

    #[test]
    fn hostile_text_stays_text() {
        let vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\n<v <script>alert(1)</script>>&lt;img src=x onerror=alert(1)&gt; javascript:alert(1)\n";
        let cue = &parse(vtt).unwrap()[0];
        // Tags are dropped; what remains is text the template escapes.
        assert!(!cue.text.contains("<script"));
        assert!(cue.text.contains("<img src=x onerror=alert(1)>"));
        assert!(cue.speaker.iter().all(|s| !s.contains('>')));
    }

    #[test]
    fn bad_files_name_the_line_and_the_fix() {
        let srt = "1\n00:00:01,000 --> 00:00:04,000\n你好\n";
        let problem = parse(srt).unwrap_err();
        assert!(problem.message.contains("SRT") && problem.help.contains("ffmpeg"));
        let no_header = "00:01.000 --> 00:02.000\n你好\n";
        assert!(parse(no_header).unwrap_err().message.contains("WEBVTT"));
        let no_end = "WEBVTT\n\n00:01.000 -->\n你好\n";
        let problem = parse(no_end).unwrap_err();
        assert_eq!(problem.line, 3);
        assert!(problem.message.contains("no end"));
        let out_of_order = "WEBVTT\n\n00:05.000 --> 00:06.000\n后\n\n00:01.000 --> 00:02.000\n前\n";
        let problem = parse(out_of_order).unwrap_err();
        assert_eq!(problem.line, 6);
        assert!(problem.message.contains("before the cue above"));
        let bad_time = "WEBVTT\n\n00:61.000 --> 00:62.000\n你好\n";
        assert_eq!(parse(bad_time).unwrap_err().line, 3);
        let backwards = "WEBVTT\n\n00:05.000 --> 00:01.000\n你好\n";
        assert!(
            parse(backwards)
                .unwrap_err()
                .message
                .contains("ends before")
        );
        let stray = "WEBVTT\n\n这一行不是字幕\n";
        assert!(parse(stray).unwrap_err().message.contains("neither a cue"));
    }

    #[test]
    fn limits_hold_without_panicking() {
        let mut many = String::from("WEBVTT\n\n");
        for n in 0..(MAX_CUES + 1) {
            let at = n as u32;
            many.push_str(&format!(
                "{:02}:{:02}:{:02}.000 --> {:02}:{:02}:{:02}.500\n字\n\n",
                at / 3600 % 100,
                at / 60 % 60,
                at % 60,
                at / 3600 % 100,
                at / 60 % 60,
                at % 60
            ));
        }
        assert!(parse(&many).unwrap_err().message.contains("cues"));
        let huge = "x".repeat(MAX_BYTES + 1);
        assert!(parse(&huge).unwrap_err().message.contains("MB"));
        for weird in [
            "",
            "WEBVTT",
            "WEBVTT\n\n-->",
            "WEBVTT\n\n<v>\n",
            "\u{feff}",
            "WEBVTT\n\n99999999:00:00.000 --> 99999999:00:00.000\n",
        ] {
            let _ = parse(weird);
        }
    }

    #[test]
    fn chapters_files_need_titles_and_rising_times() {
        let good = "WEBVTT\n\n00:00.000 --> 05:00.000\n导入：&lt;猜谜&gt;\n\nchapter-2\n00:05:00.000 --> 00:20:00.000\n新授\n";
        let list = chapters(good).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!((list[0].start, list[0].text.as_str()), (0, "导入：<猜谜>"));
        assert_eq!((list[1].start, list[1].line), (300_000, 7));
        let untitled =
            "WEBVTT\n\n00:00.000 --> 05:00.000\n导入\n\n05:00.000 --> 06:00.000\n<b></b>\n";
        let problem = &chapters(untitled).unwrap_err()[0];
        assert_eq!(problem.line, 6);
        assert!(problem.message.contains("no title"), "{}", problem.message);
        let same = "WEBVTT\n\n00:10.000 --> 05:00.000\n导入\n\n00:10.400 --> 06:00.000\n新授\n";
        let problem = &chapters(same).unwrap_err()[0];
        assert_eq!(problem.line, 6);
        assert!(problem.message.contains("not after"), "{}", problem.message);
        let broken = "WEBVTT\n\n00:00.000 --> 05:00.000\n导入\n\n05:00 -> 06:00\n新授\n";
        let line = chapters(broken).unwrap_err()[0].line;
        assert!(
            (6..=7).contains(&line),
            "the bad cue's block, not line {line}"
        );
        assert!(
            chapters("1\n00:00:01,000 --> 00:00:02,000\n导入\n").is_err(),
            "SRT"
        );
    }
}
