//! The index for a portal opened from disk (a USB stick, `file://`), where browsers refuse
//! `fetch` and XHR: the same JSON files, wrapped in scripts that the search page loads with
//! `<script src>`. Local reads are cheap and requests are not, so the scripts group files:
//! `BUCKETS_PER_SCRIPT` postings buckets or `RECORD_FILES_PER_SCRIPT` record files to a script.
//!
//! A script is `LecternSearchBundle({"p/64.json":{…},"p/65.json":{…}});` — the key is the file's
//! path under `search/<gen>/` (or `manifest.json`), the value its JSON unchanged.
//!
//! A build writes them only when `site.yaml` asks (`search: { offline: true }`): online they are
//! dead weight, half the index. `lectern pack` makes them from a built output instead
//! (`package_scripts`), for the offline package.

use std::collections::BTreeMap;

/// Postings buckets per offline script.
pub const BUCKETS_PER_SCRIPT: u32 = 16;
/// Record files (`d/<k>.json`, `RECORDS_PER_FILE` records each) per offline script: 256 records.
pub const RECORD_FILES_PER_SCRIPT: usize = 32;
/// The manifest's twin, beside it.
pub const MANIFEST_SCRIPT: &str = "search/manifest.js";

/// The offline script (path under `search/<gen>/`) that carries the index file `path`.
pub fn script_of(path: &str) -> Option<String> {
    let number = |prefix: &str| {
        path.strip_prefix(prefix)?
            .strip_suffix(".json")?
            .parse::<usize>()
            .ok()
    };
    if let Some(bucket) = number("p/") {
        return Some(format!(
            "offline/p-{}.js",
            bucket / BUCKETS_PER_SCRIPT as usize
        ));
    }
    if let Some(record) = number("d/") {
        return Some(format!("offline/d-{}.js", record / RECORD_FILES_PER_SCRIPT));
    }
    let name = path.strip_suffix(".json")?;
    (!name.contains('/')).then(|| format!("offline/{name}.js"))
}

/// One script carrying `members` (path, JSON bytes), in the order given.
pub fn script<'a>(members: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<u8> {
    let mut out = b"LecternSearchBundle({".to_vec();
    for (i, (path, json)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(serde_json::Value::from(path).to_string().as_bytes());
        out.push(b':');
        push_script_safe(&mut out, json);
    }
    out.extend_from_slice(b"});\n");
    out
}

/// JSON is JavaScript except for U+2028 and U+2029, which end a string literal in older
/// engines: escape them (they can only occur inside JSON strings).
fn push_script_safe(out: &mut Vec<u8>, json: &[u8]) {
    let mut rest = json;
    while let Some(at) = rest
        .windows(3)
        .position(|w| w == "\u{2028}".as_bytes() || w == "\u{2029}".as_bytes())
    {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(if rest[at + 2] == 0xA8 {
            b"\\u2028"
        } else {
            b"\\u2029"
        });
        rest = &rest[at + 3..];
    }
    out.extend_from_slice(rest);
}

/// Every offline script for the index files `files` (path under `search/<gen>/` → bytes).
pub fn scripts(files: &BTreeMap<String, Vec<u8>>) -> Vec<(String, Vec<u8>)> {
    let mut grouped: BTreeMap<String, Vec<(&str, &[u8])>> = BTreeMap::new();
    for (path, bytes) in files {
        if let Some(name) = script_of(path) {
            grouped
                .entry(name)
                .or_default()
                .push((path.as_str(), bytes.as_slice()));
        }
    }
    grouped
        .into_iter()
        .map(|(name, members)| (name, script(members)))
        .collect()
}

/// The offline scripts for the index already written under `out` (a build's output folder),
/// as (path relative to `out`, bytes): `search/manifest.js` and every `search/<gen>/offline/*.js`,
/// exactly what a build with `search: { offline: true }` writes.
pub fn package_scripts(out: &std::path::Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let read = |path: &std::path::Path| {
        std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let manifest_path = out.join(super::MANIFEST_PATH);
    let manifest = read(&manifest_path)?;
    let generation = serde_json::from_slice::<serde_json::Value>(&manifest)
        .ok()
        .and_then(|m| m["gen"].as_str().map(str::to_string))
        .filter(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_alphanumeric()))
        .ok_or_else(|| {
            format!(
                "{} has no index generation (`gen`)",
                manifest_path.display()
            )
        })?;
    let folder = out.join("search").join(&generation);
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&folder).sort_by_file_name() {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", folder.display()))?;
        let Ok(relative) = entry.path().strip_prefix(&folder) else {
            continue;
        };
        let relative = relative.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_file() && relative.ends_with(".json") {
            files.insert(relative, read(entry.path())?);
        }
    }
    let mut out_files: Vec<(String, Vec<u8>)> = scripts(&files)
        .into_iter()
        .map(|(name, bytes)| (format!("search/{generation}/{name}"), bytes))
        .collect();
    out_files.push((
        MANIFEST_SCRIPT.to_string(),
        script([("manifest.json", manifest.as_slice())]),
    ));
    Ok(out_files)
}

/// The index files script `name` carries, in path order (as `scripts` writes them), for an
/// index of `buckets` buckets and `record_files` record files.
pub fn member_paths(name: &str, buckets: u32, record_files: usize) -> Vec<String> {
    let range = |prefix: &str, per: usize, total: usize| {
        let k: Option<usize> = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(".js"))
            .and_then(|k| k.parse().ok());
        k.map(|k| (k * per..((k + 1) * per).min(total)).collect::<Vec<usize>>())
    };
    let mut paths: Vec<String> =
        if let Some(list) = range("offline/p-", BUCKETS_PER_SCRIPT as usize, buckets as usize) {
            list.into_iter().map(|b| format!("p/{b}.json")).collect()
        } else if let Some(list) = range("offline/d-", RECORD_FILES_PER_SCRIPT, record_files) {
            list.into_iter().map(|n| format!("d/{n}.json")).collect()
        } else {
            name.strip_prefix("offline/")
                .and_then(|n| n.strip_suffix(".js"))
                .map(|n| vec![format!("{n}.json")])
                .unwrap_or_default()
        };
    paths.sort();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_map_to_grouped_scripts() {
        assert_eq!(script_of("p/0.json").unwrap(), "offline/p-0.js");
        assert_eq!(script_of("p/15.json").unwrap(), "offline/p-0.js");
        assert_eq!(script_of("p/16.json").unwrap(), "offline/p-1.js");
        assert_eq!(script_of("d/31.json").unwrap(), "offline/d-0.js");
        assert_eq!(script_of("d/32.json").unwrap(), "offline/d-1.js");
        assert_eq!(script_of("facets.json").unwrap(), "offline/facets.js");
        assert_eq!(script_of("offline/p-0.js"), None);
        assert_eq!(script_of("p/x.json"), None);
        assert_eq!(
            member_paths("offline/p-1.js", 18, 0),
            ["p/16.json", "p/17.json"]
        );
        assert_eq!(member_paths("offline/d-0.js", 1, 11).len(), 11);
        assert_eq!(member_paths("offline/d-0.js", 1, 11)[2], "d/10.json");
        assert_eq!(member_paths("offline/facets.js", 1, 1), ["facets.json"]);
    }

    #[test]
    fn scripts_wrap_json_and_escape_line_separators() {
        let mut files = BTreeMap::new();
        files.insert("p/1.json".to_string(), br#"{"a":[1,"BB"]}"#.to_vec());
        files.insert(
            "p/0.json".to_string(),
            "{\"\u{2028}\u{2029}\":[1,\"AB\"]}".as_bytes().to_vec(),
        );
        let all = scripts(&files);
        assert_eq!(all.len(), 1);
        let (name, bytes) = &all[0];
        assert_eq!(name, "offline/p-0.js");
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(
            text,
            "LecternSearchBundle({\"p/0.json\":{\"\\u2028\\u2029\":[1,\"AB\"]},\"p/1.json\":{\"a\":[1,\"BB\"]}});\n"
        );
        let inner = text
            .strip_prefix("LecternSearchBundle(")
            .and_then(|t| t.strip_suffix(");\n"))
            .unwrap();
        let value: serde_json::Value = serde_json::from_str(inner).unwrap();
        assert!(value["p/0.json"].get("\u{2028}\u{2029}").is_some());
    }
}
