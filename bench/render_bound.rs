//! The render bound of `bench/scale.sh`: what any static site generator must at least do with a
//! corpus — read every Markdown file, render its body with pulldown-cmark (the options Lectern
//! uses) and write one HTML file for it — and nothing more: no templates, listings, search
//! index, links or checks. Files are spread over the cores as Lectern spreads its pages.
//!
//!     cargo run --release --example render_bound -- CONTENT_DIR OUT_DIR
//!
//! Prints the number of files and bytes written.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, content, out] = &args[..] else {
        eprintln!("usage: render_bound CONTENT_DIR OUT_DIR");
        std::process::exit(2);
    };
    let (content, out) = (Path::new(content), Path::new(out));
    let files: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let folders: std::collections::BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|f| f.strip_prefix(content).ok()?.parent().map(|p| out.join(p)))
        .collect();
    for folder in &folders {
        fs::create_dir_all(folder).expect("create the output folder");
    }
    let bytes = AtomicU64::new(0);
    files.par_iter().for_each(|file| {
        let text = fs::read_to_string(file).expect("read a Markdown file");
        let html = render(body(&text));
        let rel = file
            .strip_prefix(content)
            .expect("inside the content folder");
        fs::write(out.join(rel).with_extension("html"), &html).expect("write an HTML file");
        bytes.fetch_add(html.len() as u64, Ordering::Relaxed);
    });
    println!("{} files, {} bytes", files.len(), bytes.into_inner());
}

/// The text after the front matter (`---` … `---`), or all of it.
fn body(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text;
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[end + 5..],
        None => text,
    }
}

fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html, Parser::new_ext(markdown, options));
    html
}
