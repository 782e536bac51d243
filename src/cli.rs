//! Command-line parsing, diagnostics printing and exit codes: 0 success, 1 the site has errors,
//! 2 wrong usage. Glue only; the work is in the pipeline modules.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::build::{self, BuildOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};

#[derive(Parser, Debug)]
#[command(
    name = "lectern",
    version,
    about = "Build a searchable static portal of lesson plans, classroom videos and lecture reviews."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site into public/ (or --out DIR).
    Build {
        /// The site folder (holding site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: ROOT/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Address the site is served from, e.g. https://example.org/portal/.
        #[arg(long)]
        base_url: Option<String>,
        /// Include resources marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
    },
    /// Check the site for every problem a build would find, without writing anything.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        drafts: bool,
        #[arg(long)]
        strict: bool,
        /// `human` (default) or `json` (one diagnostic per line, for editors and CI).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Preview the site: build, serve on 127.0.0.1, rebuild and reload the browser on every save.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but 127.0.0.1 exposes the preview to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Poll for changes instead of using file-system events (network drives, WSL, Docker).
        #[arg(long)]
        poll: bool,
        /// Serve under this path or URL, e.g. /portal/.
        #[arg(long)]
        base_url: Option<String>,
        #[arg(long)]
        drafts: bool,
    },
    /// Create a new lesson, video or review with complete front matter.
    New {
        kind: NewKind,
        /// The title, e.g. "情绪管理小课堂"; the file name is its pinyin.
        title: String,
        /// The grade: 7, or as written in Chinese, 七年级, 高一.
        #[arg(long, value_parser = grade_argument)]
        grade: Option<u8>,
        /// The course: its slug from site.yaml, or its name (心理健康).
        #[arg(long)]
        course: Option<String>,
        /// For videos and reviews: the id of the lesson they belong to.
        #[arg(long)]
        lesson: Option<String>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new site in DIR with a site.yaml and one example of each kind.
    Init { dir: PathBuf },
    /// Count the resources per grade × course × kind, per topic and per textbook unit (the
    /// figures of the coverage/ page).
    Stats {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        drafts: bool,
        /// `human` (a table, default) or `json` (stable field names, for scripts).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Build the site and pack it as one zip whose search works from file:// after unzipping.
    Pack {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The zip to write [default: ROOT/public.zip]; not inside the output folder.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Leave local video and audio files (under content/assets/) out of the zip.
        #[arg(long)]
        without_media: bool,
        #[arg(long)]
        strict: bool,
    },
}

/// How long no page may finish rendering while one is rendering (see `theme::stall`): a
/// minute, or `LECTERN_RENDER_STALL_SECS` (the tests wait less).
fn render_stall() -> std::time::Duration {
    let seconds = std::env::var("LECTERN_RENDER_STALL_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    std::time::Duration::from_secs(seconds)
}

/// A page has rendered too long without end: say which template, and stop (exit 1).
fn stalled(template: &str) {
    let diagnostic = crate::diagnostics::Diagnostic::error(format!(
        "template `{template}` has rendered one page for over {} s without finishing, so the build stopped",
        render_stall().as_secs()
    ))
    .with_help("a loop in this template, or in one it includes or extends, does not end (two nested `range`s?): make it end");
    eprintln!("{}", diagnostic.render());
    std::process::exit(1);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum NewKind {
    Lesson,
    Video,
    Review,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    if matches!(
        cli.command,
        Command::Build { .. } | Command::Check { .. } | Command::Pack { .. }
    ) {
        crate::theme::stall::watch(render_stall(), stalled);
    }
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            drafts,
            strict,
            timings,
        } => {
            let options = BuildOptions {
                root,
                out,
                base_url,
                drafts,
                ..BuildOptions::default()
            };
            run_build(&options, strict, timings)
        }
        Command::Check {
            root,
            drafts,
            strict,
            format,
        } => {
            let options = BuildOptions {
                root,
                drafts,
                ..BuildOptions::default()
            };
            run_check(&options, strict, format)
        }
        Command::Serve {
            root,
            port,
            bind,
            poll,
            base_url,
            drafts,
        } => {
            let options = crate::serve::ServeOptions {
                root,
                port,
                bind,
                poll,
                base_url,
                drafts,
            };
            report_outcome(crate::serve::run(options))
        }
        Command::New {
            kind,
            title,
            grade,
            course,
            lesson,
            root,
        } => {
            let kind = match kind {
                NewKind::Lesson => crate::content::Kind::Lesson,
                NewKind::Video => crate::content::Kind::Video,
                NewKind::Review => crate::content::Kind::Review,
            };
            let request = crate::scaffold::NewResource {
                kind,
                title: &title,
                grade,
                course: course.as_deref(),
                lesson: lesson.as_deref(),
            };
            let unnamed_review = kind == crate::content::Kind::Review && lesson.is_none();
            report_outcome(crate::scaffold::new_resource(&root, &request).map(|created| {
                crate::say!("Created {}", created.path.display());
                if let Some(id) = &created.id_taken {
                    crate::say!("(`{id}` is the id of another {} of the site, so this one has a number added)", kind.slug());
                }
                if !created.guessed.is_empty() {
                    let fields: Vec<String> =
                        created.guessed.iter().map(|f| format!("`{f}:`")).collect();
                    crate::say!("Check {} in it: they were filled in with the first grade or course of site.yaml (`--grade N --course SLUG` sets them).", fields.join(" and "));
                }
                if unnamed_review {
                    // A review of nothing does not build: say so before `serve` shows the box.
                    crate::say!("Next: write the id of the lesson it reviews after `lesson:` (or of the video, after `video:`); until then the site does not build. `--lesson ID` fills it in.\n下一步：在 `lesson:` 后填写所评教学设计的 id（或在 `video:` 后填写视频的 id），否则站点无法生成。");
                }
            }))
        }
        Command::Stats {
            root,
            drafts,
            format,
        } => {
            let options = BuildOptions {
                root,
                drafts,
                ..BuildOptions::default()
            };
            run_stats(&options, format)
        }
        Command::Pack {
            root,
            out,
            without_media,
            strict,
        } => run_pack(root, out, !without_media, strict),
        Command::Init { dir } => report_outcome(crate::scaffold::init(&dir).map(|()| {
            let (command, installed) = invoked_as();
            crate::say!(
                "Created a new site in {}. Next:\n  cd {}\n  {command} serve",
                dir.display(),
                shell_word(&dir.display().to_string())
            );
            if !installed {
                crate::say!("{}", install_hint(&command));
            }
        })),
    }
}

/// How to run this binary again after a `cd`, and whether that is the bare name: `lectern` when
/// the shell found it on the PATH, else its full path (`cargo run`, `./target/release/lectern`),
/// since a hint the user cannot paste is worse than none.
fn invoked_as() -> (String, bool) {
    let arg0 = std::env::args_os().next().unwrap_or_default();
    let by_path = std::path::Path::new(&arg0).components().count() > 1;
    let exe = std::env::current_exe().ok().filter(|_| by_path);
    match exe {
        Some(exe) => (shell_word(&exe.display().to_string()), false),
        None => ("lectern".to_string(), true),
    }
}

/// How to type just `lectern`: from Cargo's target folder, install it from the source; a
/// release binary elsewhere goes into a folder on the PATH.
fn install_hint(command: &str) -> String {
    let built_here = command.contains("/target/release/") || command.contains("/target/debug/");
    match built_here {
        true => "(To type just `lectern`, run `cargo install --path .` in Lectern's source folder.)".into(),
        false => "(To type just `lectern`, copy it into a folder on your PATH, such as ~/.local/bin or /usr/local/bin.)".into(),
    }
}

/// `text` as one shell word: quoted when it holds spaces or quotes.
fn shell_word(text: &str) -> String {
    if text
        .chars()
        .any(|c| c.is_whitespace() || "'\"$`\\".contains(c))
    {
        format!("'{}'", text.replace('\'', "'\\''"))
    } else {
        text.to_string()
    }
}

fn run_build(options: &BuildOptions, strict: bool, timings: bool) -> ExitCode {
    let mut diagnostics = Diagnostics::new();
    if let Err(d) = build::site_root(&options.root) {
        diagnostics.push(d);
        return finish(&diagnostics, Format::Human, strict);
    }
    let progress = std::sync::Arc::new(crate::progress::Progress::default());
    let options = &BuildOptions {
        progress: Some(progress.clone()),
        ..options.clone()
    };
    let display = crate::progress::start(&progress);
    // The bytes a visitor pays, measured before the swap: over a `budget:` in site.yaml, a
    // warning. Under --strict any warning stops the build before the swap, with the old site
    // still in place (one pass: the new site is complete in the staging folder, then dropped).
    let mut weighing = build::Weighing {
        strict,
        weight: None,
    };
    let report = build::build_weighed(options, Some(&mut weighing), &mut diagnostics);
    drop(display);
    if let Some(weight) = &weighing.weight {
        crate::say!("{}", crate::weight::line(weight));
    }
    let code = finish(&diagnostics, Format::Human, strict);
    if let Some(report) = report {
        let mut err = std::io::stderr().lock();
        if timings {
            for (stage, took) in &report.timings {
                let _ = writeln!(err, "  {stage:<14} {:>8.1} ms", took.as_secs_f64() * 1000.0);
            }
            for note in &report.notes {
                let _ = writeln!(err, "  {}", crate::diagnostics::neutralised(note));
            }
        }
        let _ = writeln!(
            err,
            "Built {} {} into {} pages ({} files) in {:.2} s → {}",
            report.resources,
            if report.resources == 1 {
                "resource"
            } else {
                "resources"
            },
            report.pages,
            report.files,
            report.elapsed.as_secs_f64(),
            report.out.display()
        );
        if !report.kept.is_empty() {
            let _ = writeln!(err, "{}", kept_line(&report.kept));
        }
        if !report.replaced.is_empty() {
            let _ = writeln!(
                err,
                "Replaced {} file(s) put into the output folder by hand with the site's own pages of the same name: {}",
                report.replaced.len(),
                named_few(&report.replaced)
            );
        }
    }
    code
}

/// The files put into the output folder by hand that a build kept, the first few by name.
fn kept_line(kept: &[String]) -> String {
    format!(
        "Kept {} file(s) put into the output folder by hand, not made by Lectern: {} (delete one there to drop it)",
        kept.len(),
        named_few(kept)
    )
}

/// The first few paths, then how many more.
fn named_few(paths: &[String]) -> String {
    const NAMED: usize = 3;
    let names: Vec<String> = paths
        .iter()
        .take(NAMED)
        .map(|k| crate::diagnostics::neutralised(k))
        .collect();
    match paths.len().saturating_sub(NAMED) {
        0 => names.join(", "),
        n => format!("{} and {n} more", names.join(", ")),
    }
}

/// `lectern pack`: a build as `lectern build` makes it, then the zip.
fn run_pack(root: PathBuf, zip: Option<PathBuf>, with_media: bool, strict: bool) -> ExitCode {
    let out = root.join("public");
    let zip = zip.unwrap_or_else(|| root.join("public.zip"));
    // Refused before building: a wrong --out should not cost a build.
    if let Err(diagnostic) = crate::pack::check_out(&root, &out, &zip) {
        crate::say!("{}", diagnostic.render());
        return ExitCode::from(2);
    }
    let options = BuildOptions {
        root,
        out: Some(out.clone()),
        ..BuildOptions::default()
    };
    let code = run_build(&options, strict, false);
    if code != ExitCode::SUCCESS {
        return code;
    }
    match crate::pack::pack(&out, &zip, with_media) {
        Ok(packed) => {
            if !packed.links_skipped.is_empty() {
                let warning = Diagnostic::warning(format!(
                    "{} symbolic link(s) put into the output folder by hand are not packed: {}",
                    packed.links_skipped.len(),
                    crate::diagnostics::shorten(&packed.links_skipped.join(", "), 200)
                ))
                .with_help("a link may lead anywhere on this computer; to pack what it holds, copy the files into the output folder instead of linking them");
                crate::say!("{}", warning.render());
            }
            crate::say!(
                "Packed {} files into {} ({:.1} MB{}); unzip it anywhere and open index.html",
                packed.entries,
                packed.path.display(),
                packed.bytes as f64 / 1_000_000.0,
                if packed.media_skipped > 0 {
                    format!(", {} media files left out", packed.media_skipped)
                } else {
                    String::new()
                }
            );
            ExitCode::SUCCESS
        }
        Err(message) => report_outcome(Err(Diagnostic::error(message))),
    }
}

fn run_check(options: &BuildOptions, strict: bool, format: Format) -> ExitCode {
    let mut diagnostics = Diagnostics::new();
    match build::site_root(&options.root) {
        Ok(_) => {
            build::check(options, &mut diagnostics);
        }
        Err(d) => diagnostics.push(d),
    }
    let code = finish(&diagnostics, format, strict);
    if code == ExitCode::SUCCESS && format == Format::Human && diagnostics.is_empty() {
        crate::say!("No problems found.");
    }
    code
}

/// `lectern stats`: the coverage figures on stdout; problems that stop the site loading are
/// reported as `check` reports them (exit 1), warnings on stderr.
fn run_stats(options: &BuildOptions, format: Format) -> ExitCode {
    let mut diagnostics = Diagnostics::new();
    let loaded = match build::site_root(&options.root) {
        Ok(_) => build::load_catalog(options, &mut diagnostics),
        Err(d) => {
            diagnostics.push(d);
            None
        }
    };
    let Some((config, catalog)) = loaded else {
        return finish(&diagnostics, Format::Human, false);
    };
    let code = finish(&diagnostics, Format::Human, false);
    let figures = crate::coverage::figures(&config, &catalog);
    let text = match format {
        Format::Human => crate::coverage::text_table(&config, &figures),
        Format::Json => serde_json::to_string_pretty(&figures).unwrap_or_default() + "\n",
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    code
}

/// Print every diagnostic, then the summary; decide the exit status.
/// Diagnostics a terminal shows in full: a sheet of 100,000 rows with one mistake in each
/// column would otherwise scroll a teacher's window for minutes. JSON gives every one.
const MAX_SHOWN: usize = 200;

fn finish(diagnostics: &Diagnostics, format: Format, strict: bool) -> ExitCode {
    let all = diagnostics.sorted();
    let mut err = std::io::stderr().lock();
    match format {
        Format::Human => {
            let shown = shown_first(&all);
            for diagnostic in &shown {
                let _ = writeln!(err, "{}", diagnostic.render());
            }
            if shown.len() < all.len() {
                let _ = writeln!(
                    err,
                    "… and {} more not shown: mend the ones above and run again, or list them all with `lectern check --format json`\n",
                    all.len() - shown.len()
                );
            }
        }
        // JSON lines go to stdout, where editors and CI read them.
        Format::Json => {
            let mut out = std::io::stdout().lock();
            for diagnostic in &all {
                let _ = writeln!(
                    out,
                    "{}",
                    serde_json::to_string(diagnostic).unwrap_or_default()
                );
            }
        }
    }
    let errors = all.iter().filter(|d| d.is_error()).count();
    let warnings = all.iter().filter(|d| d.is_warning()).count();
    let failed = errors > 0 || (strict && warnings > 0);
    if failed && format == Format::Human {
        let _ = writeln!(err, "{}", summary(errors, warnings, strict));
    } else if warnings > 0 && format == Format::Human {
        let _ = writeln!(err, "{warnings} warning{}", plural(warnings));
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The diagnostics to show in full, in their order: all of them, or when there are more than
/// MAX_SHOWN, the errors before the warnings and notes, so that no error hides behind them.
fn shown_first(all: &[Diagnostic]) -> Vec<&Diagnostic> {
    if all.len() <= MAX_SHOWN {
        return all.iter().collect();
    }
    let errors = all.iter().filter(|d| d.is_error());
    let others = all.iter().filter(|d| !d.is_error());
    errors.chain(others).take(MAX_SHOWN).collect()
}

fn summary(errors: usize, warnings: usize, strict: bool) -> String {
    let mut text = format!("error: the site has {errors} error{}", plural(errors));
    if warnings > 0 {
        text.push_str(&format!(" and {warnings} warning{}", plural(warnings)));
    }
    if strict && errors == 0 {
        text.push_str(" (--strict makes warnings fail)");
    }
    text
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn report_outcome(outcome: Result<(), Diagnostic>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(diagnostic) => {
            crate::say!("{}", diagnostic.render());
            ExitCode::from(1)
        }
    }
}

/// `--grade 7`, `--grade 七年级`: one grade, read as front matter reads it.
fn grade_argument(text: &str) -> Result<u8, String> {
    let grades = crate::content::GradeSpec::from_cell(text)?.0;
    match grades.as_slice() {
        [one] => u8::try_from(*one).map_err(|_| format!("`{text}` is not a grade")),
        _ => Err(format!(
            "`{text}` is not one grade: a new file takes one, e.g. --grade 7"
        )),
    }
}
