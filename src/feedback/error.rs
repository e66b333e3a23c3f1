//! What can go wrong with the feedback database.

use std::path::PathBuf;

/// What can go wrong with the feedback database; each reads as one sentence.
///
/// The underlying error is part of the sentence and deliberately not a
/// `source()`: SQLite's errors repeat themselves down their chain, and the
/// command line prints the whole chain on one line.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    #[error("cannot create the folder {} for the feedback database: {cause}", path.display())]
    CreateFolder {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("cannot open the feedback database {}: {cause}", path.display())]
    Open {
        path: PathBuf,
        cause: rusqlite::Error,
    },
    #[error(
        "cannot open the feedback database {}: it is another program's database (it has a table `{table}` and no feedback tables)",
        path.display()
    )]
    NotFeedback { path: PathBuf, table: String },
    #[error(
        "cannot open the feedback database {}: its file system does not allow write-ahead logging (journal mode {mode})",
        path.display()
    )]
    NoWal { path: PathBuf, mode: String },
    #[error(
        "the feedback database {} has schema version {found}, newer than this program's {known}: upgrade infusion-faq",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("the feedback database {} failed: {cause}", path.display())]
    Database {
        path: PathBuf,
        cause: rusqlite::Error,
    },
}

pub type Result<T, E = FeedbackError> = std::result::Result<T, E>;
