//! A resource page's schema.org metadata (JSON-LD). It is made of a few fields (`Inputs`):
//! a page's digest hashes those, and only a page that is rendered turns them into JSON — most
//! pages are hashed after every save in `serve` and rendered far less often.

use serde::Serialize;
use serde_json::json;

use crate::config::Config;
use crate::content::{Date, Kind, Resource};

/// The metadata of `resource`, whose page is at `path`.
#[derive(Debug)]
pub struct JsonLd<'a> {
    pub config: &'a Config,
    pub resource: &'a Resource,
    pub path: String,
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
}

impl JsonLd<'_> {
    fn inputs(&self) -> Inputs<'_> {
        let (config, resource) = (self.config, self.resource);
        Inputs {
            kind: match resource.kind {
                Kind::Video => "VideoObject",
                _ => "LearningResource",
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
            url: config
                .absolute_base_url()
                .map(|base| (base, self.path.as_str())),
        }
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
        if let Some((base, path)) = inputs.url {
            value["url"] = json!(format!("{base}{path}"));
        }
        escape_json_for_script(&value.to_string())
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
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}
