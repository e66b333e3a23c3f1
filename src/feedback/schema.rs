//! The feedback database's tables, and the migrations that bring an older
//! file up to them (refusing a newer one, or another program's database).

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::error::{FeedbackError, Result};

/// The schema this code writes; stored in SQLite's `user_version` pragma.
/// Raise it, and add a step to [`migrate`], whenever the schema changes.
pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE votes (
    id             INTEGER PRIMARY KEY,
    day            TEXT    NOT NULL,  -- UTC date of the vote, YYYY-MM-DD
    guild_id       INTEGER,           -- NULL: a direct message
    article_id     TEXT    NOT NULL,
    section        TEXT    NOT NULL,  -- heading path of the quoted passage
    passage_digest TEXT    NOT NULL,  -- hex SHA-256 of the passage's text
    helpful        INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    question       TEXT,              -- as asked: 👎 only, only where recorded
    CHECK (question IS NULL OR helpful = 0)
);
CREATE INDEX votes_by_day ON votes (day);
CREATE INDEX votes_by_passage ON votes (article_id, section, passage_digest);

CREATE TABLE unanswered (
    id         INTEGER PRIMARY KEY,
    day        TEXT NOT NULL,         -- UTC date of the verdict, YYYY-MM-DD
    guild_id   INTEGER,               -- NULL: a direct message
    question   TEXT,                  -- as asked, only where recorded
    normalized TEXT,                  -- lower case, single spaces: the grouping key
    CHECK ((question IS NULL) = (normalized IS NULL))
);
CREATE INDEX unanswered_by_day ON unanswered (day);
CREATE INDEX unanswered_by_question ON unanswered (normalized) WHERE normalized IS NOT NULL;
";

/// Brings the schema up to [`SCHEMA_VERSION`], refusing a newer one.
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let err = |cause| FeedbackError::Open {
        path: path.to_path_buf(),
        cause,
    };
    // IMMEDIATE: two processes opening a new file at once do not both
    // create the schema.
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(err)?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(err)?;
    if version > SCHEMA_VERSION {
        return Err(FeedbackError::TooNew {
            path: path.to_path_buf(),
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    if version < 1 {
        let existing: Option<String> = tx
            .query_row(
                "SELECT name FROM sqlite_schema WHERE type = 'table' LIMIT 1",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(err)?;
        if let Some(table) = existing {
            return Err(FeedbackError::NotFeedback {
                path: path.to_path_buf(),
                table,
            });
        }
        tx.execute_batch(SCHEMA).map_err(err)?;
    }
    // Later versions: `if version < 2 { ALTER TABLE … }` here.
    if version != SCHEMA_VERSION {
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(err)?;
    }
    tx.commit().map_err(err)
}
