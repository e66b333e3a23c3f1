//! A problem found in the corpus, located by file and line, and the error that
//! carries every problem found in one pass.

use std::fmt;
use std::path::{Path, PathBuf};

/// One thing wrong with one corpus file, phrased for a moderator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    /// 1-based line; `None` when the problem concerns the whole file.
    pub line: Option<usize>,
    pub message: String,
}

impl Problem {
    pub fn at(path: &Path, line: usize, message: impl Into<String>) -> Self {
        Problem {
            path: path.to_path_buf(),
            line: Some(line),
            message: message.into(),
        }
    }

    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        Problem {
            path: path.to_path_buf(),
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// Why a corpus could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("cannot read the corpus folder {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", summarize(.0))]
    Invalid(Vec<Problem>),
}

fn summarize(problems: &[Problem]) -> String {
    match problems {
        [] => "the corpus is invalid".to_string(),
        [one] => format!("the corpus has a problem: {one}"),
        [first, rest @ ..] => format!(
            "the corpus has {} problems; the first: {first} (run `infusion-faq check` for all)",
            rest.len() + 1
        ),
    }
}

/// Where each line of a text starts, found once, so that locating a heading
/// or a term is a binary search rather than a count from the top (which made
/// checking a long file quadratic).
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        LineIndex { starts }
    }

    /// 1-based line number of a byte offset.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

/// A small TOML corpus file (`what`: "the synonyms file") read as `T`: at
/// most `cap` bytes, UTF-8, parsed; each problem names `path`, and its line
/// where toml gives one. Returns the text too, to locate later problems.
pub(super) fn parse_toml_file<'a, T: serde::de::DeserializeOwned>(
    path: &Path,
    bytes: &'a [u8],
    cap: usize,
    what: &str,
) -> Result<(T, &'a str), Vec<Problem>> {
    if bytes.len() > cap {
        return Err(vec![Problem::file(
            path,
            format!(
                "{what} is {} KiB; at most {} KiB is accepted",
                bytes.len() / 1024,
                cap / 1024
            ),
        )]);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| vec![Problem::file(path, format!("{what} is not UTF-8 text"))])?;
    let raw = toml::from_str(text).map_err(|err| {
        let (line, message) = crate::toml_error::locate(&err, text);
        vec![Problem::at(path, line, message)]
    })?;
    Ok((raw, text))
}

/// A problem with the whole file when it holds more than `max` `things`
/// ("groups", "taught questions").
pub(super) fn at_most(
    path: &Path,
    found: usize,
    max: usize,
    things: &str,
) -> Result<(), Vec<Problem>> {
    if found <= max {
        return Ok(());
    }
    Err(vec![Problem::file(
        path,
        format!("the file has {found} {things}; at most {max} are accepted"),
    )])
}

/// Asserts that parsing each text of `table` fails with a problem at its
/// line whose message contains its needle (the corpus files' tests).
#[cfg(test)]
pub(super) fn assert_problems_at<T: std::fmt::Debug>(
    table: &[(&str, usize, &str)],
    parse: impl Fn(&str) -> Result<T, Vec<Problem>>,
) {
    for (text, line, needle) in table {
        let problems = parse(text).expect_err(text);
        assert!(
            problems
                .iter()
                .any(|p| p.line == Some(*line) && p.message.contains(needle)),
            "{text:?}: wanted line {line} {needle:?}, got {problems:?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_found_from_one_index() {
        let lines = LineIndex::new("a\nbc\n\nd");
        let found: Vec<usize> = [0, 1, 2, 4, 5, 6, 7, 99].map(|o| lines.line(o)).to_vec();
        assert_eq!(found, [1, 1, 2, 2, 3, 4, 4, 4]);
    }
}
