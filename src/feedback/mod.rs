//! Members' feedback and the coverage-gaps report: 👍 / 👎 votes on quoted
//! passages and "no answer" verdicts, kept in an embedded SQLite database.
//! No Discord types here: the bot records, the command line reports.
//!
//! Privacy comes first:
//! - no user id, name or message id is ever stored: a vote is a passage, a
//!   day, a guild and 👍 or 👎;
//! - a question's text is stored only when the caller passes it (the bot does
//!   so only for guilds listed in `[feedback] record_questions_in`), only for
//!   👎 votes and "no answer" verdicts, and only until
//!   [`FeedbackStore::expire_questions`] or [`FeedbackStore::purge`] deletes
//!   it; the counts stay;
//! - times are UTC calendar days, not instants, so a row cannot be matched to
//!   a message by its timestamp;
//! - deleted text is overwritten (`secure_delete`) and the write-ahead log is
//!   truncated after a purge, so "deleted" means gone from the disk too.
//!
//! Writes are durable (WAL with `synchronous = FULL`). One [`FeedbackStore`]
//! is shared across threads and tasks (calls are short and serialised by a
//! mutex); several processes (the bot and the command line) may open the same
//! file at once.
//!
//! - [`store`] — opening the database, the connection and its lock
//! - [`schema`] — the tables and their migrations
//! - [`records`] — writing votes and "no answer" verdicts
//! - [`gaps`] — the coverage-gaps report
//! - [`purge`] — deleting texts or everything, and saying what went
//! - [`clock`] — UTC calendar days, from the system's clock or a test's
//! - [`error`] — what can go wrong, one sentence each

pub mod clock;
pub mod error;
pub mod gaps;
pub mod purge;
pub mod records;
pub mod schema;
pub mod store;
#[cfg(test)]
mod tests;

pub use clock::Clock;
pub use error::{FeedbackError, Result};
pub use gaps::{Gaps, RatedPassage, UnansweredQuestion, QUESTIONS_PER_PASSAGE};
pub use purge::{PurgeReport, PurgeScope};
pub use records::{normalize_question, passage_digest, Vote, MAX_QUESTION_CHARS};
pub use schema::SCHEMA_VERSION;
pub use store::FeedbackStore;
