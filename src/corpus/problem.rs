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

/// 1-based line number of a byte offset in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
