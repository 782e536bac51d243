//! A resource page's schema.org metadata (JSON-LD). It is made of a few fields (`Inputs`):
//! a page's digest hashes those, and only a page that is rendered turns them into JSON — most
//! pages are hashed after every save in `serve` and rendered far less often.
//!
//! A lesson is a `LearningResource` (levels, topics taught, time required), a video a
//! `VideoObject` (duration, poster, transcript), a review a `Review` of its lesson or video
//! (with its rating). Addresses are absolute, and given only with an absolute base URL.

use serde::Serialize;
use serde_json::{Value, json};

use crate::catalog::{self, Catalog, Place};
use crate::config::Config;
use crate::content::{Date, Detail, Kind, Link, Resource};

/// The metadata of `resource`, whose page is at `path`.
#[derive(Debug)]
pub struct JsonLd<'a> {
    pub config: &'a Config,
    pub catalog: &'a Catalog,
    pub place: Place,
    pub path: String,
    /// A video's transcript cues (from its captions), empty otherwise.
    pub transcript: &'a [crate::vtt::Cue],
}

/// What a review reviews: its schema.org type, name and page path.
#[derive(Hash)]
struct Reviewed<'a> {
    kind: &'static str,
    name: &'a str,
    path: String,
}

/// Everything the JSON is made from.
#[derive(Hash)]
struct Inputs<'a> {
    kind: &'static str,
    name: &'a str,
    description: &'a str,
    language: &'static str,
    levels: Vec<&'a str>,
    keywords: &'a [String],
    date: Option<Date>,
    /// Base and path, only with an absolute base URL: schema.org wants absolute addresses.
    url: Option<(&'a str, &'a str)>,
    author: &'a str,
    /// A lesson's minutes, a video's seconds.
    minutes: Option<u32>,
    seconds: Option<u32>,
    /// A video's poster, absolute.
    thumbnail: Option<String>,
    /// The transcript is hashed by its length only: the page's view hashes its cues.
    transcript_cues: usize,
    reviewed: Option<Reviewed<'a>>,
    rating: Option<u8>,
    /// The textbook's name and the unit's number and name, for `educationalAlignment`.
    alignment: Option<(&'a str, u32, &'a str)>,
}

impl JsonLd<'_> {
    fn resource(&self) -> &Resource {
        &self.catalog.resources[self.place]
    }

    fn inputs(&self) -> Inputs<'_> {
        let (config, resource) = (self.config, self.resource());
        let base = config.absolute_base_url();
        let absolute = |link: &Link| -> Option<String> {
            if link.is_external() {
                Some(link.href())
            } else {
                base.map(|b| format!("{b}{}", link.href()))
            }
        };
        let mut inputs = Inputs {
            kind: match resource.kind {
                Kind::Lesson => "LearningResource",
                Kind::Video => "VideoObject",
                Kind::Review => "Review",
            },
            name: &resource.title,
            description: &resource.summary,
            language: config.language.code(),
            levels: resource
                .grades
                .iter()
                .filter_map(|g| config.grade(*g))
                .map(|g| g.name.as_str())
                .collect(),
            keywords: &resource.topics,
            date: resource.date,
            url: base.map(|base| (base, self.path.as_str())),
            author: "",
            minutes: None,
            seconds: None,
            thumbnail: None,
            transcript_cues: self.transcript.len(),
            reviewed: None,
            rating: None,
            alignment: super::curriculum::alignment(config, resource)
                .map(|a| (a.textbook, a.unit, a.unit_name)),
        };
        match &resource.detail {
            Detail::Lesson(d) => {
                inputs.author = &d.author;
                inputs.minutes = d.duration_minutes;
            }
            Detail::Video(d) => {
                inputs.author = &d.speaker;
                inputs.seconds = d.duration.map(|d| d.0);
                inputs.thumbnail = d.poster.as_ref().and_then(absolute);
            }
            Detail::Review(d) => {
                inputs.author = &d.reviewer;
                inputs.rating = d.rating;
                let links = &self.catalog.links[self.place];
                inputs.reviewed = links.lesson.or(links.video).map(|m| {
                    let target = &self.catalog.resources[m];
                    Reviewed {
                        kind: if target.kind == Kind::Video {
                            "VideoObject"
                        } else {
                            "LearningResource"
                        },
                        name: &target.title,
                        path: catalog::resource_path(target),
                    }
                });
            }
        }
        inputs
    }

    /// The JSON, escaped so that no text can close the `<script>` element it sits in.
    fn text(&self) -> String {
        let inputs = self.inputs();
        let mut value = json!({
            "@context": "https://schema.org",
            "@type": inputs.kind,
            "name": inputs.name,
            "description": inputs.description,
            "inLanguage": inputs.language,
            "educationalLevel": inputs.levels,
            "keywords": inputs.keywords.join(","),
            "dateCreated": inputs.date.map(|d| d.to_string()),
        });
        let absolute = |path: &str| inputs.url.map(|(base, _)| format!("{base}{path}"));
        if let Some((base, path)) = inputs.url {
            value["url"] = json!(format!("{base}{path}"));
        }
        if !inputs.author.is_empty() {
            value["author"] = json!({ "@type": "Person", "name": inputs.author });
        }
        match inputs.kind {
            "LearningResource" => {
                value["learningResourceType"] = json!("lesson plan");
                value["teaches"] = json!(inputs.keywords);
                if let Some(minutes) = inputs.minutes {
                    value["timeRequired"] = json!(format!("PT{minutes}M"));
                }
                if let Some((textbook, unit, unit_name)) = inputs.alignment {
                    value["educationalAlignment"] = json!({
                        "@type": "AlignmentObject",
                        "alignmentType": "educationalSubject",
                        "educationalFramework": textbook,
                        "targetName": format!("{unit} {unit_name}"),
                    });
                }
            }
            "VideoObject" => {
                if let Some(seconds) = inputs.seconds {
                    value["duration"] = json!(iso_duration(seconds));
                }
                if let Some(thumbnail) = &inputs.thumbnail {
                    value["thumbnailUrl"] = json!(thumbnail);
                }
                if let Some(date) = inputs.date {
                    value["uploadDate"] = json!(date.to_string());
                }
                if !self.transcript.is_empty() {
                    value["transcript"] = json!(transcript_text(self.transcript));
                }
            }
            _ => {
                if let Some(reviewed) = &inputs.reviewed {
                    let mut item = json!({ "@type": reviewed.kind, "name": reviewed.name });
                    if let Some(url) = absolute(&reviewed.path) {
                        item["url"] = json!(url);
                    }
                    value["itemReviewed"] = item;
                }
                if let Some(rating) = inputs.rating {
                    value["reviewRating"] = json!({
                        "@type": "Rating",
                        "ratingValue": rating,
                        "bestRating": 5,
                        "worstRating": 1,
                    });
                }
            }
        }
        strip_nulls(&mut value);
        escape_json_for_script(&value.to_string())
    }
}

/// The most characters of a transcript the metadata repeats: the page shows the whole of it
/// already, and a three-hour lesson's would double the page (150 KiB gzip).
const MAX_TRANSCRIPT_CHARS: usize = 5000;

/// The cues' text, one a line, as many whole cues as fit in `MAX_TRANSCRIPT_CHARS`.
fn transcript_text(cues: &[crate::vtt::Cue]) -> String {
    let mut text = String::new();
    let mut chars = 0;
    for cue in cues {
        let length = cue.text.chars().count() + 1;
        if chars + length > MAX_TRANSCRIPT_CHARS && !text.is_empty() {
            break;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&cue.text);
        chars += length;
    }
    text
}

/// `PT1H2M3S`, `PT12M5S`, `PT45S`.
fn iso_duration(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || seconds == 0 {
        out.push_str(&format!("{s}S"));
    }
    out
}

/// Absent values are left out rather than written as `null`, `""` or `[]`: a resource without
/// a summary or topics says nothing of them, which is what validators expect.
fn strip_nulls(value: &mut Value) {
    if let Value::Object(map) = value {
        map.retain(|_, v| match v {
            Value::Null => false,
            Value::String(s) => !s.is_empty(),
            Value::Array(items) => !items.is_empty(),
            _ => true,
        });
    }
}

impl Serialize for JsonLd<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

impl std::hash::Hash for JsonLd<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.inputs().hash(state);
    }
}

/// JSON made safe inside `<script>`: `<`, `>`, `&` and the JavaScript line separators as
/// `\u` escapes, which JSON reads as the same characters.
pub fn escape_json_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        // Inside a JSON string (where serialised JSON has these), `\uXXXX` means the same.
        // Control characters are included: HTML forbids them even in a script (serde_json
        // leaves DEL and C1 as they are).
        if matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') || c.is_control() {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{MAX_TRANSCRIPT_CHARS, iso_duration, strip_nulls, transcript_text};

    #[test]
    fn a_long_transcript_is_cut_at_a_cue() {
        let cue = |text: &str| crate::vtt::Cue {
            start: 0,
            end: 1,
            speaker: None,
            text: text.to_string(),
            line: 1,
            last_speaker: None,
        };
        let cues: Vec<_> = (0..3000).map(|i| cue(&format!("第{i}句话"))).collect();
        let text = transcript_text(&cues);
        assert!(text.chars().count() <= MAX_TRANSCRIPT_CHARS);
        assert!(text.starts_with("第0句话\n第1句话"));
        assert!(
            text.lines()
                .all(|line| line.starts_with('第') && line.ends_with("句话"))
        );
        assert_eq!(transcript_text(&cues[..2]), "第0句话\n第1句话");
    }

    #[test]
    fn empty_fields_are_left_out() {
        let mut value = serde_json::json!({
            "name": "x", "description": "", "keywords": "", "teaches": [], "dateCreated": null,
            "educationalLevel": ["七年级"], "ratingValue": 0,
        });
        strip_nulls(&mut value);
        assert_eq!(
            value,
            serde_json::json!({ "name": "x", "educationalLevel": ["七年级"], "ratingValue": 0 })
        );
    }

    #[test]
    fn durations_are_iso_8601() {
        assert_eq!(iso_duration(3723), "PT1H2M3S");
        assert_eq!(iso_duration(725), "PT12M5S");
        assert_eq!(iso_duration(45), "PT45S");
        assert_eq!(iso_duration(3600), "PT1H");
        assert_eq!(iso_duration(0), "PT0S");
    }
}
