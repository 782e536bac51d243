//! Times cited in a review's text — `[12:34]`, `【12:34】`, `[1:02:03]` (a full-width `：`
//! too) — become links to that moment of the review's video. The video is known only to the
//! page (a review's video can change without its file changing), so the body links to a
//! placeholder address, `lectern-video:#t=<seconds>`, that the page replaces
//! (`theme::page_views::BodyHtml`). Times inside links and code are left alone.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// The address a time link has in a rendered body until its page puts the video's in.
pub const PLACEHOLDER: &str = "lectern-video:";

/// Link the cited times in `events`; returns each time cited, in seconds.
pub fn link_times(events: Vec<Event<'_>>) -> (Vec<Event<'_>>, Vec<u32>) {
    let mut out = Vec::with_capacity(events.len());
    let mut cited = Vec::new();
    let mut text = String::new();
    let mut in_link = 0usize;
    for event in events {
        match &event {
            Event::Text(t) if in_link == 0 => {
                text.push_str(t);
                continue;
            }
            Event::Start(Tag::Link { .. }) => in_link += 1,
            Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
            _ => {}
        }
        flush(&mut text, &mut out, &mut cited);
        out.push(event);
    }
    flush(&mut text, &mut out, &mut cited);
    (out, cited)
}

/// The text gathered so far, with its times as links.
fn flush<'a>(text: &mut String, out: &mut Vec<Event<'a>>, cited: &mut Vec<u32>) {
    if text.is_empty() {
        return;
    }
    let mut rest = text.as_str();
    while let Some((start, end, seconds, until)) = next_time(rest) {
        if start > 0 {
            out.push(Event::Text(CowStr::from(rest[..start].to_string())));
        }
        out.push(Event::Html(
            format!("<a class=\"time-link\" href=\"{PLACEHOLDER}#t={seconds}\">").into(),
        ));
        out.push(Event::Text(CowStr::from(rest[start..end].to_string())));
        out.push(Event::Html("</a>".into()));
        cited.push(seconds);
        // A span's end is cited too: one past the video's end is as wrong as a start there.
        cited.extend(until);
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push(Event::Text(CowStr::from(rest.to_string())));
    }
    text.clear();
}

/// A rendered body with its time links taken out, their times left as text.
pub fn unlink(html: &str) -> String {
    let opening = format!("<a class=\"time-link\" href=\"{PLACEHOLDER}#t=");
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(&opening) {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(text_start) = after.find('>').map(|i| i + 1) else {
            break;
        };
        let text_end = after[text_start..]
            .find("</a>")
            .map_or(after.len(), |i| text_start + i);
        out.push_str(&after[text_start..text_end]);
        rest = after.get(text_end + "</a>".len()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Every cited time in a body's source, in seconds, with its byte offset: where a warning
/// about it points (inside links and code too, which are not linked; a warning's place only).
pub fn cited_in_source(source: &str) -> Vec<(u32, usize)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some((start, end, seconds, until)) = next_time(&source[from..]) {
        found.push((seconds, from + start));
        found.extend(until.map(|until| (until, from + start)));
        from += end;
    }
    found
}

/// Why a bracketed time is not linked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoMoment {
    /// `[00:61]`, `【1:75:00】`, or a span with such an end.
    OutOfRange,
    /// `【13:00-12:00】`: a span that ends before it starts.
    Backwards,
}

/// Bracketed times that are no time (`[00:61]`, `【1:75:00】`, `【13:00-12:00】`): (byte offset,
/// as written, why). They stay text, and a review's editor is told why (`markdown::render`).
pub fn malformed_in_source(source: &str) -> Vec<(usize, String, NoMoment)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = source[from..].find(['[', '【', '［']).map(|i| i + from) {
        let Some(bracket) = source[open..].chars().next() else {
            break;
        };
        let close = match bracket {
            '[' => ']',
            '［' => '］',
            _ => '】',
        };
        let inner_start = open + bracket.len_utf8();
        // A time is short: look no further than a few characters for its end.
        let mut window_end = source.len().min(inner_start + 40);
        while !source.is_char_boundary(window_end) {
            window_end -= 1;
        }
        let window = &source[inner_start..window_end];
        if let Some(len) = window.find(close) {
            let inner = &window[..len];
            if let Some(why) = why_no_moment(inner) {
                let end = inner_start + len + close.len_utf8();
                found.push((open, source[open..end].to_string(), why));
            }
        }
        from = inner_start;
    }
    found
}

/// Why text an editor meant as a time or a span of time links to no moment; `None` when it
/// does, or when it was never meant as one.
fn why_no_moment(inner: &str) -> Option<NoMoment> {
    let meant = match split_span(inner) {
        Some((from, to)) => looks_like_time(from) && looks_like_time(to),
        None => looks_like_time(inner),
    };
    if !meant || moment(inner).is_some() {
        return None;
    }
    let backwards = split_span(inner).is_some_and(
        |(from, to)| matches!((seconds(from), seconds(to)), (Some(a), Some(b)) if b <= a),
    );
    Some(if backwards {
        NoMoment::Backwards
    } else {
        NoMoment::OutOfRange
    })
}

/// What joins two times into a span: 【12:05-13:40】, 【12:05～13:40】, 【12:05至13:40】, and the
/// full-width dash a Chinese input method types (【12：05－13：40】).
const SPAN_JOINERS: [char; 9] = ['-', '－', '–', '—', '~', '～', '〜', '至', '到'];

/// A span's two times as written (`12:05 - 13:40` → `12:05`, `13:40`), if `inner` is a span.
fn split_span(inner: &str) -> Option<(&str, &str)> {
    let at = inner.find(SPAN_JOINERS)?;
    let to = inner[at..].trim_start_matches(SPAN_JOINERS);
    Some((inner[..at].trim(), to.trim()))
}

/// A bracket's text as the moment it links to, and a span's end: a time, or a span of two
/// that ends after it starts (a reviewer citing a stretch of the lesson).
fn moment(inner: &str) -> Option<(u32, Option<u32>)> {
    let Some((from, to)) = split_span(inner) else {
        return seconds(inner).map(|start| (start, None));
    };
    let (start, end) = (seconds(from)?, seconds(to)?);
    (end > start).then_some((start, Some(end)))
}

/// Digits in two or three groups, the last of two digits (`00:61`, `1:75:00`): what an editor
/// meant as a time, valid or not.
fn looks_like_time(inner: &str) -> bool {
    let folded: String = inner.chars().map(crate::search::tokenize::fold).collect();
    let parts: Vec<&str> = folded.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts.last().is_some_and(|last| last.len() == 2)
        && parts
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The first cited time in `text`: (byte start, byte end, seconds, a span's end in seconds).
fn next_time(text: &str) -> Option<(usize, usize, u32, Option<u32>)> {
    let mut from = 0;
    while let Some(open) = text[from..].find(['[', '【', '［']).map(|i| i + from) {
        let close = match text[open..].chars().next()? {
            '[' => ']',
            '［' => '］',
            _ => '】',
        };
        let inner_start = open + text[open..].chars().next()?.len_utf8();
        if let Some(len) = text[inner_start..].find(close)
            && let Some((seconds, until)) = moment(&text[inner_start..inner_start + len])
        {
            return Some((open, inner_start + len + close.len_utf8(), seconds, until));
        }
        from = inner_start;
    }
    None
}

/// `12:34` or `1:02:03` (ASCII or full-width digits and colons, as a Chinese input method
/// types them) → seconds.
fn seconds(inner: &str) -> Option<u32> {
    let inner: String = inner
        .chars()
        .map(|c| match c {
            '０'..='９' | '：' => crate::search::tokenize::fold(c),
            _ => c,
        })
        .collect();
    let parts: Vec<&str> = inner.split(':').collect();
    let number = |p: &str| {
        (!p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    let (h, m, s) = match parts.as_slice() {
        [m, s] if s.len() == 2 => (0, number(m)?, number(s)?),
        [h, m, s] if m.len() == 2 && s.len() == 2 => (number(h)?, number(m)?, number(s)?),
        _ => return None,
    };
    (s < 60 && (parts.len() == 2 || m < 60)).then_some(h * 3600 + m * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linked(text: &str) -> (String, Vec<u32>) {
        let (events, cited) = link_times(vec![Event::Text(text.into())]);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        (html, cited)
    }

    #[test]
    fn cited_times_become_links() {
        let (html, cited) =
            linked("导入环节【03:20】的提问，[12:34] 和 [1:02:03]、【5：07】都好。");
        assert_eq!(cited, [200, 754, 3723, 307]);
        assert!(
            html.contains("<a class=\"time-link\" href=\"lectern-video:#t=200\">【03:20】</a>")
        );
        assert!(html.contains("<a class=\"time-link\" href=\"lectern-video:#t=754\">[12:34]</a>"));
        let plain = unlink(&html);
        assert!(
            plain.contains("【03:20】") && plain.contains("[12:34]"),
            "{plain}"
        );
        assert!(
            !plain.contains("time-link") && !plain.contains(PLACEHOLDER),
            "{plain}"
        );
        // As a Chinese input method types them: full-width brackets and digits.
        let (html, cited) = linked("见［05:00］与【１２：３４】。");
        assert_eq!(cited, [300, 754], "{html}");
        assert!(html.contains(">［05:00］</a>"), "{html}");
    }

    #[test]
    fn a_cited_span_links_to_its_start() {
        let (html, cited) =
            linked("导入【12:05-13:40】与［1:00:00 至 1:02:30］、[05:00～06:00]【12：05－13：40】");
        // each span's start and end are cited (the end is checked against the video's length)
        assert_eq!(cited, [725, 820, 3600, 3750, 300, 360, 725, 820], "{html}");
        assert!(
            html.contains("href=\"lectern-video:#t=725\">【12：05－13：40】</a>"),
            "{html}"
        );
        assert!(
            html.contains(
                "<a class=\"time-link\" href=\"lectern-video:#t=725\">【12:05-13:40】</a>"
            ),
            "{html}"
        );
        assert_eq!(cited_in_source("【12:05—13:40】"), [(725, 0), (820, 0)]);
        // a span that ends before it starts is no moment
        assert!(linked("【13:00-12:00】").1.is_empty());
    }

    #[test]
    fn times_out_of_range_are_found_with_their_place() {
        let source = "见[00:61]和【１：７５：００】，[05:00] 与 [a:61]、[1:2]、[100]";
        let found = malformed_in_source(source);
        let written: Vec<&str> = found.iter().map(|(_, w, _)| w.as_str()).collect();
        assert_eq!(written, ["[00:61]", "【１：７５：００】"]);
        assert_eq!(found[0].0, "见".len());
        // spans: an end out of range, an end before the start; a span of no times stays text
        let spans =
            malformed_in_source("【12:61-13:00】【12:00-13:61】【13:00～12:00】[1-2]【第1至3课】");
        let why: Vec<(&str, NoMoment)> = spans.iter().map(|(_, w, y)| (w.as_str(), *y)).collect();
        assert_eq!(
            why,
            [
                ("【12:61-13:00】", NoMoment::OutOfRange),
                ("【12:00-13:61】", NoMoment::OutOfRange),
                ("【13:00～12:00】", NoMoment::Backwards),
            ]
        );
        // A window that ends inside a character (no panic)
        assert!(malformed_in_source(&format!("[{}", "情".repeat(30))).is_empty());
    }

    #[test]
    fn other_brackets_stay_text() {
        for text in [
            "[注]",
            "[12:345]",
            "【第3:2节】",
            "[12:60]",
            "[a:bc]",
            "[",
            "【",
            "[12:34",
        ] {
            let (_, cited) = linked(text);
            assert!(cited.is_empty(), "{text}");
        }
        // Text inside a link is left alone.
        let events = vec![
            Event::Start(Tag::Link {
                link_type: pulldown_cmark::LinkType::Inline,
                dest_url: "x".into(),
                title: "".into(),
                id: "".into(),
            }),
            Event::Text("[12:34]".into()),
            Event::End(TagEnd::Link),
        ];
        assert!(link_times(events).1.is_empty());
    }
}
