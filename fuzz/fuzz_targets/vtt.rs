//! Any bytes as a video's WebVTT captions file, through `lectern::vtt::parse` as a build reads
//! it. Invariants: cues come in the order they start, none ends before it starts, there are at
//! most `MAX_CUES`; a cue's line is a line of the file; a problem names a line of the file and
//! says how to fix it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    // Line ends as the reader counts them: CRLF, LF or a lone CR.
    let lines = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .count()
        .max(1);
    match lectern::vtt::parse(&text) {
        Ok(cues) => {
            assert!(cues.len() <= lectern::vtt::MAX_CUES);
            for pair in cues.windows(2) {
                assert!(
                    pair[0].start <= pair[1].start,
                    "cues out of order: {pair:?}"
                );
            }
            for cue in &cues {
                assert!(cue.start <= cue.end, "a cue ends before it starts: {cue:?}");
                assert!(
                    cue.line >= 1 && cue.line <= lines,
                    "cue line {} of {lines}",
                    cue.line
                );
                let _ = lectern::vtt::clock(cue.start);
            }
        }
        Err(problem) => {
            assert!(
                problem.line >= 1 && problem.line <= lines,
                "problem line {} of {lines}: {problem:?}",
                problem.line
            );
            assert!(!problem.message.is_empty() && !problem.help.is_empty());
        }
    }
});
