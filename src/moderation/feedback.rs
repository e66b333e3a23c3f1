//! Members' feedback and the coverage-gaps report: 👍 / 👎 votes on quoted
//! passages and "no answer" verdicts, kept in an embedded SQLite database.
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

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The schema this code writes; stored in SQLite's `user_version` pragma.
/// Raise it, and add a step to [`migrate`], whenever the schema changes.
pub const SCHEMA_VERSION: i64 = 1;

/// Longest question text stored, in characters; longer ones are cut.
pub const MAX_QUESTION_CHARS: usize = 1_000;

/// How long a call waits for another process holding the write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

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

/// One 👍 or 👎 on one quoted passage. There is deliberately no field for
/// who voted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    /// The guild the answer was given in; `None`: a direct message.
    pub guild_id: Option<u64>,
    pub article_id: String,
    /// The passage's heading path, as cited (e.g. "Side effects > Infusion reactions").
    pub section: String,
    /// Stable id of the quoted text: [`passage_digest`] of it.
    pub passage_digest: String,
    /// 👍 (`true`) or 👎 (`false`).
    pub helpful: bool,
    /// The question answered. Pass it only when the guild records questions;
    /// it is stored only for 👎 votes.
    pub question: Option<String>,
}

/// The most asked unanswered questions, grouped by their normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnansweredQuestion {
    /// The text as last asked.
    pub question: String,
    /// How often it (or the same words in other case or spacing) went unanswered.
    pub count: u64,
    /// UTC date, YYYY-MM-DD.
    pub last_asked: String,
}

/// A quoted passage and its votes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatedPassage {
    pub article_id: String,
    pub section: String,
    pub passage_digest: String,
    pub helpful: u64,
    pub unhelpful: u64,
    /// Distinct questions recorded with its 👎 votes, most recent first (at
    /// most [`QUESTIONS_PER_PASSAGE`]); empty where questions are not recorded.
    pub questions: Vec<String>,
}

/// Questions shown with each rated passage in [`Gaps`], at most.
pub const QUESTIONS_PER_PASSAGE: usize = 3;

/// What the articles fail to answer, over a span of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gaps {
    /// Days covered, ending today (UTC).
    pub days: u32,
    /// The first day covered, YYYY-MM-DD.
    pub since: String,
    /// Most often unanswered first (then most recent, then alphabetical).
    pub unanswered: Vec<UnansweredQuestion>,
    /// "No answer" verdicts whose text was not recorded (or has expired).
    pub unanswered_without_text: u64,
    /// Passages with at least one 👎: most 👎 first, then the lowest share of
    /// 👍, then by article, section and digest.
    pub worst_passages: Vec<RatedPassage>,
}

/// What [`FeedbackStore::purge`] deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurgeScope {
    /// Question texts recorded more than this many days ago (today is day
    /// 0); the votes and the counts of unanswered questions stay.
    QuestionsOlderThan(u32),
    /// Every question text; the votes and counts stay.
    AllQuestions,
    /// Every vote and every unanswered record, with their texts.
    Everything,
}

/// Exactly what a purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    /// Question texts deleted, from votes and unanswered records together.
    pub question_texts: u64,
    /// Votes deleted.
    pub votes: u64,
    /// "No answer" records deleted.
    pub unanswered: u64,
}

impl fmt::Display for PurgeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "deleted {}, {} and {}",
            plural(self.question_texts, "question text", "question texts"),
            plural(self.votes, "vote", "votes"),
            plural(self.unanswered, "no-answer record", "no-answer records"),
        )
    }
}

impl PurgeReport {
    /// The report as one sentence, without its full stop: "Deleted 2
    /// question texts, 0 votes and 0 no-answer records (question texts more
    /// than 30 days old)". `place` ("all servers", "server 42") joins the
    /// parenthesis. The bot and the command line both say it this way.
    pub fn sentence(&self, scope: PurgeScope, place: Option<&str>) -> String {
        let mut text = self.to_string();
        if let Some(first) = text.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        match place {
            Some(place) => format!("{text} ({}, {place})", scope.describe()),
            None => format!("{text} ({})", scope.describe()),
        }
    }
}

impl PurgeScope {
    /// What the scope deletes: "question texts more than 1 day old", "all
    /// question texts", "all votes and no-answer records".
    pub fn describe(self) -> String {
        match self {
            PurgeScope::QuestionsOlderThan(days) => format!(
                "question texts more than {} old",
                plural(u64::from(days), "day", "days")
            ),
            PurgeScope::AllQuestions => "all question texts".to_string(),
            PurgeScope::Everything => "all votes and no-answer records".to_string(),
        }
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Where "now" comes from: the system clock, or a test's.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> SystemTime + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(SystemTime::now))
    }

    /// A clock reading `now()`; tests move time by changing what it returns.
    pub fn from_fn(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    /// Days since 1970-01-01 (UTC).
    fn today(&self) -> i64 {
        let now = (self.0)();
        let secs = match now.duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_secs() as i64,
            Err(e) => -(e.duration().as_secs_f64().ceil() as i64),
        };
        secs.div_euclid(86_400)
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

/// The hex SHA-256 of a passage's text: a stable id that survives the
/// passage moving within its article, and changes when its words change.
pub fn passage_digest(text: &str) -> String {
    use std::fmt::Write as _;
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The grouping key of a question: lower case, whitespace collapsed to single
/// spaces, trailing `?`, `!` and `.` removed.
pub fn normalize_question(question: &str) -> String {
    let lower = question.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    words
        .join(" ")
        .trim_end_matches(['?', '!', '.', ' '])
        .to_string()
}

/// The feedback database. Cheap calls, safe to share (`Arc<FeedbackStore>`).
#[derive(Debug)]
pub struct FeedbackStore {
    conn: Mutex<Connection>,
    /// For error messages; `:memory:` for an in-memory store.
    path: PathBuf,
    clock: Clock,
}

impl FeedbackStore {
    /// Opens the database at `path`, creating the file, its folder and the
    /// schema on first use.
    pub fn open(path: &Path) -> Result<FeedbackStore> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|cause| FeedbackError::CreateFolder {
                path: parent.to_path_buf(),
                cause,
            })?;
        }
        let open_err = |cause| FeedbackError::Open {
            path: path.to_path_buf(),
            cause,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        // WAL: readers never block the writer.
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(open_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(FeedbackError::NoWal {
                path: path.to_path_buf(),
                mode,
            });
        }
        Self::with_connection(conn, path.to_path_buf())
    }

    /// A private database in memory, for tests.
    pub fn in_memory() -> Result<FeedbackStore> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|cause| FeedbackError::Open {
            path: path.clone(),
            cause,
        })?;
        Self::with_connection(conn, path)
    }

    /// The store on an open connection (a file's or the in-memory one):
    /// `synchronous = FULL` (a committed vote survives a power cut) and
    /// `secure_delete` (deleted text is overwritten), then the schema
    /// brought up to date.
    fn with_connection(mut conn: Connection, path: PathBuf) -> Result<FeedbackStore> {
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;")
            .map_err(|cause| FeedbackError::Open {
                path: path.clone(),
                cause,
            })?;
        migrate(&mut conn, &path)?;
        Ok(FeedbackStore {
            conn: Mutex::new(conn),
            path,
            clock: Clock::system(),
        })
    }

    /// The same store reading "now" from `clock`.
    pub fn with_clock(mut self, clock: Clock) -> FeedbackStore {
        self.clock = clock;
        self
    }

    /// The file this store writes (`:memory:` for [`FeedbackStore::in_memory`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records one 👍 or 👎. Its question is kept only for a 👎.
    pub fn record_vote(&self, vote: &Vote) -> Result<()> {
        self.record_votes(std::slice::from_ref(vote))
    }

    /// Records the votes of one click (one per quoted passage) in one
    /// transaction: one flush to disk, and all of them or none. Each
    /// question is kept only for a 👎.
    pub fn record_votes(&self, votes: &[Vote]) -> Result<()> {
        if votes.is_empty() {
            return Ok(());
        }
        let day = date(self.clock.today());
        let mut conn = self.lock();
        let write = |conn: &mut Connection| -> rusqlite::Result<()> {
            // IMMEDIATE: take the write lock before the first insert.
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO votes (day, guild_id, article_id, section, passage_digest, helpful, question)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                for vote in votes {
                    let question = if vote.helpful {
                        None
                    } else {
                        vote.question.as_deref().and_then(question_text)
                    };
                    insert.execute(params![
                        day,
                        vote.guild_id.map(guild_to_sql),
                        vote.article_id,
                        vote.section,
                        vote.passage_digest,
                        vote.helpful,
                        question
                    ])?;
                }
            }
            tx.commit()
        };
        write(&mut conn).map_err(|e| self.db_err(e))
    }

    /// Counts one "no answer" verdict, with its text only when given.
    pub fn record_unanswered(&self, guild_id: Option<u64>, question: Option<&str>) -> Result<()> {
        let day = date(self.clock.today());
        let text = question.and_then(question_text);
        let normalized = text.as_deref().map(normalize_question);
        let conn = self.lock();
        conn.execute(
            "INSERT INTO unanswered (day, guild_id, question, normalized) VALUES (?1, ?2, ?3, ?4)",
            params![day, guild_id.map(guild_to_sql), text, normalized],
        )
        .map_err(|e| self.db_err(e))?;
        Ok(())
    }

    /// Deletes question texts recorded more than `older_than_days` days ago
    /// (today is day 0), in every guild; the counts stay. Returns how many
    /// texts were deleted. The bot calls it periodically with the configured
    /// `retention_days`.
    pub fn expire_questions(&self, older_than_days: u32) -> Result<usize> {
        let report = self.purge(PurgeScope::QuestionsOlderThan(older_than_days), None)?;
        Ok(report.question_texts as usize)
    }

    /// The coverage-gaps report over the last `days` days, today included
    /// (0 is taken as 1), for one guild or (`None`) all of them; each list
    /// holds at most `limit` entries.
    pub fn gaps(&self, guild_id: Option<u64>, days: u32, limit: usize) -> Result<Gaps> {
        let days = days.max(1);
        let since = date(self.clock.today() - i64::from(days) + 1);
        let mut conn = self.lock();
        let read = || -> rusqlite::Result<Gaps> {
            // One snapshot for the whole report, whatever other processes write.
            let tx = conn.transaction()?;
            let gaps = read_gaps(&tx, days, since, guild_id.map(guild_to_sql), limit)?;
            tx.finish()?;
            Ok(gaps)
        };
        read().map_err(|e| self.db_err(e))
    }

    /// Deletes what `scope` names, in one guild or (`None`) all of them, and
    /// reports exactly what went. Deleted text is overwritten on disk.
    pub fn purge(&self, scope: PurgeScope, guild_id: Option<u64>) -> Result<PurgeReport> {
        let guild = guild_id.map(guild_to_sql);
        // Texts from days before `before` go; `None`: all of them.
        let before = match scope {
            PurgeScope::QuestionsOlderThan(days) => {
                Some(date(self.clock.today() - i64::from(days)))
            }
            PurgeScope::AllQuestions | PurgeScope::Everything => None,
        };
        let mut conn = self.lock();
        let err = |e| self.db_err(e);
        // IMMEDIATE: take the write lock first, so a read-then-write never
        // meets another process's write half-way.
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        let report = purge_in(&tx, scope, guild, before.as_deref()).map_err(err)?;
        tx.commit().map_err(err)?;
        if report != PurgeReport::default() {
            // Copy the committed pages into the database file and empty the
            // write-ahead log, whose older page images still hold the text.
            // Only a read in progress in another process can stop it; the
            // log is then overwritten by later writes instead.
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        Ok(report)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic elsewhere while holding the lock rolled its transaction
        // back on drop; the connection itself is still sound.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn db_err(&self, cause: rusqlite::Error) -> FeedbackError {
        FeedbackError::Database {
            path: self.path.clone(),
            cause,
        }
    }
}

/// The [`Gaps`] report from `since` on, in one guild or (`None`) all.
fn read_gaps(
    tx: &Transaction<'_>,
    days: u32,
    since: String,
    guild: Option<i64>,
    limit: usize,
) -> rusqlite::Result<Gaps> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let unanswered = tx
        .prepare_cached(
            "SELECT normalized, COUNT(*), MAX(day),
                    (SELECT question FROM unanswered AS latest
                      WHERE latest.normalized = u.normalized AND latest.day >= ?1
                        AND (?2 IS NULL OR latest.guild_id = ?2)
                      ORDER BY latest.day DESC, latest.id DESC LIMIT 1)
               FROM unanswered AS u
              WHERE normalized IS NOT NULL AND day >= ?1 AND (?2 IS NULL OR guild_id = ?2)
              GROUP BY normalized
              ORDER BY COUNT(*) DESC, MAX(day) DESC, normalized
              LIMIT ?3",
        )?
        .query_map(params![since, guild, limit], |row| {
            Ok(UnansweredQuestion {
                question: row.get(3)?,
                count: row.get::<_, i64>(1)? as u64,
                last_asked: row.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    let unanswered_without_text: i64 = tx.query_row(
        "SELECT COUNT(*) FROM unanswered
          WHERE question IS NULL AND day >= ?1 AND (?2 IS NULL OR guild_id = ?2)",
        params![since, guild],
        |row| row.get(0),
    )?;

    let mut worst_passages = tx
        .prepare_cached(
            "SELECT article_id, section, passage_digest,
                    SUM(helpful) AS up, SUM(1 - helpful) AS down
               FROM votes
              WHERE day >= ?1 AND (?2 IS NULL OR guild_id = ?2)
              GROUP BY article_id, section, passage_digest
             HAVING down > 0
              ORDER BY down DESC, CAST(up AS REAL) / (up + down),
                       article_id, section, passage_digest
              LIMIT ?3",
        )?
        .query_map(params![since, guild, limit], |row| {
            Ok(RatedPassage {
                article_id: row.get(0)?,
                section: row.get(1)?,
                passage_digest: row.get(2)?,
                helpful: row.get::<_, i64>(3)? as u64,
                unhelpful: row.get::<_, i64>(4)? as u64,
                questions: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    let mut questions = tx.prepare_cached(
        "SELECT question FROM votes
          WHERE article_id = ?1 AND section = ?2 AND passage_digest = ?3
            AND question IS NOT NULL AND day >= ?4 AND (?5 IS NULL OR guild_id = ?5)
          ORDER BY day DESC, id DESC",
    )?;
    for passage in &mut worst_passages {
        let mut rows = questions.query(params![
            passage.article_id,
            passage.section,
            passage.passage_digest,
            since,
            guild
        ])?;
        let mut seen = std::collections::HashSet::new();
        while let Some(row) = rows.next()? {
            let question: String = row.get(0)?;
            if seen.insert(normalize_question(&question)) {
                passage.questions.push(question);
                if passage.questions.len() == QUESTIONS_PER_PASSAGE {
                    break;
                }
            }
        }
    }

    Ok(Gaps {
        days,
        since,
        unanswered,
        unanswered_without_text: unanswered_without_text as u64,
        worst_passages,
    })
}

fn purge_in(
    tx: &Transaction<'_>,
    scope: PurgeScope,
    guild: Option<i64>,
    before: Option<&str>,
) -> rusqlite::Result<PurgeReport> {
    let mut report = PurgeReport::default();
    match scope {
        PurgeScope::QuestionsOlderThan(_) | PurgeScope::AllQuestions => {
            let filter = "question IS NOT NULL AND (?1 IS NULL OR guild_id = ?1)
                          AND (?2 IS NULL OR day < ?2)";
            let votes = tx.execute(
                &format!("UPDATE votes SET question = NULL WHERE {filter}"),
                params![guild, before],
            )?;
            let unanswered = tx.execute(
                &format!("UPDATE unanswered SET question = NULL, normalized = NULL WHERE {filter}"),
                params![guild, before],
            )?;
            report.question_texts = (votes + unanswered) as u64;
        }
        PurgeScope::Everything => {
            let texts: i64 = tx.query_row(
                "SELECT (SELECT COUNT(*) FROM votes
                          WHERE question IS NOT NULL AND (?1 IS NULL OR guild_id = ?1))
                      + (SELECT COUNT(*) FROM unanswered
                          WHERE question IS NOT NULL AND (?1 IS NULL OR guild_id = ?1))",
                params![guild],
                |row| row.get(0),
            )?;
            report.question_texts = texts as u64;
            report.votes = tx.execute(
                "DELETE FROM votes WHERE ?1 IS NULL OR guild_id = ?1",
                params![guild],
            )? as u64;
            report.unanswered = tx.execute(
                "DELETE FROM unanswered WHERE ?1 IS NULL OR guild_id = ?1",
                params![guild],
            )? as u64;
        }
    }
    Ok(report)
}

/// Brings the schema up to [`SCHEMA_VERSION`], refusing a newer one.
fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
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

/// The text to store for a question: trimmed, at most
/// [`MAX_QUESTION_CHARS`]; none when blank.
fn question_text(question: &str) -> Option<String> {
    let trimmed = question.trim();
    if normalize_question(trimmed).is_empty() {
        return None;
    }
    Some(trimmed.chars().take(MAX_QUESTION_CHARS).collect())
}

/// Discord ids are `u64`; SQLite integers are `i64`. The bits are kept, so
/// every id round-trips and equality still holds.
fn guild_to_sql(id: u64) -> i64 {
    id as i64
}

/// A UTC calendar date, YYYY-MM-DD, from days since 1970-01-01.
fn date(days: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// 2025-03-10 00:00 UTC.
    const DAY_ONE: u64 = 1_741_564_800;

    /// A clock tests move by whole days.
    #[derive(Clone)]
    struct FakeClock(Arc<AtomicU64>);

    impl FakeClock {
        fn new() -> FakeClock {
            FakeClock(Arc::new(AtomicU64::new(DAY_ONE + 12 * 3600)))
        }

        fn clock(&self) -> Clock {
            let secs = self.0.clone();
            Clock::from_fn(move || UNIX_EPOCH + Duration::from_secs(secs.load(Ordering::SeqCst)))
        }

        fn advance_days(&self, days: u64) {
            self.0.fetch_add(days * 86_400, Ordering::SeqCst);
        }
    }

    fn store() -> (FeedbackStore, FakeClock) {
        let clock = FakeClock::new();
        let store = FeedbackStore::in_memory()
            .unwrap()
            .with_clock(clock.clock());
        (store, clock)
    }

    fn vote(guild: Option<u64>, passage: &str, helpful: bool, question: Option<&str>) -> Vote {
        Vote {
            guild_id: guild,
            article_id: format!("article-{passage}"),
            section: format!("Section {passage}"),
            passage_digest: passage_digest(passage),
            helpful,
            question: question.map(str::to_string),
        }
    }

    fn count(store: &FeedbackStore, sql: &str) -> i64 {
        store.lock().query_row(sql, [], |row| row.get(0)).unwrap()
    }

    fn column_names(store: &FeedbackStore) -> Vec<String> {
        let conn = store.lock();
        let mut stmt = conn
            .prepare(
                "SELECT t.name || '.' || c.name FROM sqlite_schema AS t, pragma_table_info(t.name) AS c
                  WHERE t.type = 'table' ORDER BY 1",
            )
            .unwrap();
        let names = stmt
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<Vec<String>>>()
            .unwrap();
        names
    }

    #[test]
    fn passage_digest_is_the_hex_sha256_of_the_text() {
        assert_eq!(
            passage_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(passage_digest("abc"), passage_digest("abc "));
    }

    #[test]
    fn days_are_utc_calendar_dates() {
        for (days, expected) in [
            (0, "1970-01-01"),
            (-1, "1969-12-31"),
            (11_016, "2000-02-29"),
            (11_017, "2000-03-01"),
            (19_722, "2023-12-31"),
            (20_157, "2025-03-10"),
        ] {
            assert_eq!(date(days), expected, "day {days}");
        }
        let clock = Clock::from_fn(|| UNIX_EPOCH + Duration::from_secs(DAY_ONE + 86_399));
        assert_eq!(date(clock.today()), "2025-03-10");
    }

    #[test]
    fn questions_group_by_lower_case_single_spaced_text() {
        for (asked, key) in [
            ("How long does Ocrevus take?", "how long does ocrevus take"),
            (
                "  how   long\tdoes OCREVUS take ?? ",
                "how long does ocrevus take",
            ),
            ("Ça fait mal ?", "ça fait mal"),
            ("???", ""),
        ] {
            assert_eq!(normalize_question(asked), key, "{asked:?}");
        }
    }

    #[test]
    fn the_votes_of_one_click_are_recorded_all_or_none() {
        let (store, _clock) = store();
        // The second passage's insert fails: the first is not kept either.
        store
            .lock()
            .execute_batch(
                "CREATE TEMP TRIGGER refuse BEFORE INSERT ON votes
                  WHEN NEW.article_id = 'article-broken'
                  BEGIN SELECT RAISE(ABORT, 'refused'); END;",
            )
            .unwrap();
        let votes = [
            vote(Some(1), "p", false, Some("why?")),
            vote(Some(1), "broken", false, Some("why?")),
        ];
        let err = store.record_votes(&votes).unwrap_err().to_string();
        assert!(err.contains("refused"), "{err}");
        assert_eq!(count(&store, "SELECT COUNT(*) FROM votes"), 0);
        let votes = [
            vote(Some(1), "p", false, Some("why?")),
            vote(Some(1), "q", true, Some("why?")),
        ];
        store.record_votes(&votes).unwrap();
        assert_eq!(count(&store, "SELECT COUNT(*) FROM votes"), 2);
        assert_eq!(
            count(&store, "SELECT COUNT(question) FROM votes"),
            1,
            "the question is kept with the 👎 only"
        );
        store.record_votes(&[]).unwrap();
        assert_eq!(count(&store, "SELECT COUNT(*) FROM votes"), 2);
    }

    #[test]
    fn votes_carry_no_user_id() {
        let (store, _) = store();
        store
            .record_vote(&vote(Some(42), "p", false, Some("why?")))
            .unwrap();
        store.record_unanswered(Some(42), Some("What?")).unwrap();
        // Every column there is: a new one must be added here, consciously.
        assert_eq!(
            column_names(&store),
            [
                "unanswered.day",
                "unanswered.guild_id",
                "unanswered.id",
                "unanswered.normalized",
                "unanswered.question",
                "votes.article_id",
                "votes.day",
                "votes.guild_id",
                "votes.helpful",
                "votes.id",
                "votes.passage_digest",
                "votes.question",
                "votes.section",
            ]
        );
        let row: (String, i64, String, String, String, bool, String) = store
            .lock()
            .query_row(
                "SELECT day, guild_id, article_id, section, passage_digest, helpful, question FROM votes",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
            )
            .unwrap();
        assert_eq!(
            row,
            (
                "2025-03-10".to_string(),
                42,
                "article-p".to_string(),
                "Section p".to_string(),
                passage_digest("p"),
                false,
                "why?".to_string()
            )
        );
    }

    #[test]
    fn a_question_text_is_stored_only_when_given_and_only_for_thumbs_down() {
        // (helpful, question given, text stored)
        for (helpful, question, stored) in [
            (false, Some("Does it hurt?"), true),
            (false, None, false),
            (false, Some("   "), false),
            (true, Some("Does it hurt?"), false),
            (true, None, false),
        ] {
            let (store, _) = store();
            store
                .record_vote(&vote(Some(1), "p", helpful, question))
                .unwrap();
            assert_eq!(count(&store, "SELECT COUNT(*) FROM votes"), 1);
            assert_eq!(
                count(&store, "SELECT COUNT(question) FROM votes"),
                i64::from(stored),
                "helpful {helpful}, question {question:?}"
            );
        }
        for (question, stored) in [
            (Some("Does it hurt?"), true),
            (None, false),
            (Some(""), false),
        ] {
            let (store, _) = store();
            store.record_unanswered(Some(1), question).unwrap();
            assert_eq!(count(&store, "SELECT COUNT(*) FROM unanswered"), 1);
            assert_eq!(
                count(&store, "SELECT COUNT(question) FROM unanswered"),
                i64::from(stored),
                "question {question:?}"
            );
        }
    }

    #[test]
    fn a_long_question_is_cut_to_the_limit() {
        let (store, _) = store();
        let long = "é".repeat(MAX_QUESTION_CHARS + 50);
        store.record_unanswered(None, Some(&long)).unwrap();
        let gaps = store.gaps(None, 1, 10).unwrap();
        assert_eq!(
            gaps.unanswered[0].question.chars().count(),
            MAX_QUESTION_CHARS
        );
    }

    #[test]
    fn gaps_list_the_most_often_unanswered_questions_first() {
        let (store, clock) = store();
        store
            .record_unanswered(Some(1), Some("Can I drive home?"))
            .unwrap();
        clock.advance_days(1);
        for q in [
            "can i  DRIVE home",
            "Is the infusion painful?",
            "Can I drive home?",
        ] {
            store.record_unanswered(Some(1), Some(q)).unwrap();
        }
        store.record_unanswered(Some(1), None).unwrap();
        let gaps = store.gaps(None, 30, 10).unwrap();
        assert_eq!(
            gaps.unanswered,
            vec![
                UnansweredQuestion {
                    question: "Can I drive home?".into(),
                    count: 3,
                    last_asked: "2025-03-11".into(),
                },
                UnansweredQuestion {
                    question: "Is the infusion painful?".into(),
                    count: 1,
                    last_asked: "2025-03-11".into(),
                },
            ]
        );
        assert_eq!(gaps.unanswered_without_text, 1);
        assert_eq!(gaps.since, "2025-02-10");
        assert_eq!(store.gaps(None, 30, 1).unwrap().unanswered.len(), 1);
    }

    #[test]
    fn gaps_list_the_most_thumbs_down_first_then_the_lowest_share_of_thumbs_up() {
        let (store, _) = store();
        // (passage, 👍, 👎)
        for (passage, up, down) in [
            ("a", 5, 2),
            ("b", 0, 2),
            ("c", 9, 0),
            ("d", 1, 3),
            ("e", 0, 1),
        ] {
            for _ in 0..up {
                store.record_vote(&vote(None, passage, true, None)).unwrap();
            }
            for _ in 0..down {
                store
                    .record_vote(&vote(None, passage, false, None))
                    .unwrap();
            }
        }
        let gaps = store.gaps(None, 7, 10).unwrap();
        let order: Vec<(&str, u64, u64)> = gaps
            .worst_passages
            .iter()
            .map(|p| (p.section.as_str(), p.helpful, p.unhelpful))
            .collect();
        assert_eq!(
            order,
            [
                ("Section d", 1, 3),
                ("Section b", 0, 2),
                ("Section a", 5, 2),
                ("Section e", 0, 1),
            ],
            "a passage nobody disliked is not among the worst"
        );
        assert_eq!(gaps.worst_passages[0].article_id, "article-d");
        assert_eq!(gaps.worst_passages[0].passage_digest, passage_digest("d"));
    }

    #[test]
    fn gaps_show_the_latest_distinct_questions_of_a_disliked_passage() {
        let (store, clock) = store();
        for q in ["first?", "second?", "SECOND", "third?", "fourth?"] {
            store.record_vote(&vote(None, "p", false, Some(q))).unwrap();
            clock.advance_days(1);
        }
        let gaps = store.gaps(None, 30, 10).unwrap();
        assert_eq!(
            gaps.worst_passages[0].questions,
            ["fourth?", "third?", "SECOND"]
        );
    }

    #[test]
    fn gaps_cover_only_the_last_days_asked() {
        let (store, clock) = store();
        store.record_unanswered(None, Some("old question")).unwrap();
        store.record_vote(&vote(None, "old", false, None)).unwrap();
        clock.advance_days(7);
        store.record_unanswered(None, Some("new question")).unwrap();
        store.record_unanswered(None, None).unwrap();
        // (days, unanswered texts, without text, worst passages)
        for (days, texts, without, passages) in
            [(0, 1, 1, 0), (1, 1, 1, 0), (7, 1, 1, 0), (8, 2, 1, 1)]
        {
            let gaps = store.gaps(None, days, 10).unwrap();
            assert_eq!(
                (
                    gaps.unanswered.len(),
                    gaps.unanswered_without_text,
                    gaps.worst_passages.len()
                ),
                (texts, without, passages),
                "over {days} days"
            );
        }
    }

    #[test]
    fn gaps_for_one_guild_leave_the_others_out() {
        let (store, _) = store();
        store.record_unanswered(Some(1), Some("in one")).unwrap();
        store.record_unanswered(Some(2), Some("in two")).unwrap();
        store.record_unanswered(None, Some("in a message")).unwrap();
        store.record_vote(&vote(Some(2), "p", false, None)).unwrap();
        // A guild id above i64::MAX still round-trips.
        store
            .record_unanswered(Some(u64::MAX), Some("in max"))
            .unwrap();
        let questions = |guild| -> Vec<String> {
            let gaps = store.gaps(guild, 30, 10).unwrap();
            let mut q: Vec<String> = gaps.unanswered.into_iter().map(|u| u.question).collect();
            q.sort();
            q
        };
        assert_eq!(questions(Some(1)), ["in one"]);
        assert_eq!(questions(Some(u64::MAX)), ["in max"]);
        assert_eq!(
            questions(None),
            ["in a message", "in max", "in one", "in two"]
        );
        assert!(store
            .gaps(Some(1), 30, 10)
            .unwrap()
            .worst_passages
            .is_empty());
        assert_eq!(store.gaps(Some(2), 30, 10).unwrap().worst_passages.len(), 1);
    }

    #[test]
    fn expiry_deletes_question_texts_past_the_retention_and_keeps_the_counts() {
        let (store, clock) = store();
        store.record_unanswered(Some(1), Some("day one")).unwrap();
        store
            .record_vote(&vote(Some(1), "p", false, Some("disliked on day one")))
            .unwrap();
        clock.advance_days(30);
        store
            .record_unanswered(Some(1), Some("day thirty-one"))
            .unwrap();
        // Day one is 30 days old: not older than 30.
        assert_eq!(store.expire_questions(30).unwrap(), 0);
        clock.advance_days(1);
        assert_eq!(store.expire_questions(30).unwrap(), 2);
        assert_eq!(
            store.expire_questions(30).unwrap(),
            0,
            "nothing left to expire"
        );
        let gaps = store.gaps(None, 365, 10).unwrap();
        let texts: Vec<&str> = gaps
            .unanswered
            .iter()
            .map(|u| u.question.as_str())
            .collect();
        assert_eq!(texts, ["day thirty-one"]);
        assert_eq!(
            gaps.unanswered_without_text, 1,
            "the expired one still counts"
        );
        assert_eq!(gaps.worst_passages[0].unhelpful, 1, "the vote stays");
        assert!(gaps.worst_passages[0].questions.is_empty());
        assert_eq!(count(&store, "SELECT COUNT(normalized) FROM unanswered"), 1);
    }

    #[test]
    fn purge_reports_exactly_what_it_deleted() {
        // (scope, guild, expected report, texts / votes / unanswered rows left)
        let cases = [
            (
                PurgeScope::QuestionsOlderThan(5),
                None,
                (2, 0, 0),
                (3, 4, 4),
            ),
            (
                PurgeScope::QuestionsOlderThan(5),
                Some(1),
                (1, 0, 0),
                (4, 4, 4),
            ),
            (
                PurgeScope::QuestionsOlderThan(10),
                None,
                (0, 0, 0),
                (5, 4, 4),
            ),
            (PurgeScope::AllQuestions, None, (5, 0, 0), (0, 4, 4)),
            (PurgeScope::AllQuestions, Some(2), (2, 0, 0), (3, 4, 4)),
            (PurgeScope::Everything, None, (5, 4, 4), (0, 0, 0)),
            (PurgeScope::Everything, Some(1), (3, 2, 2), (2, 2, 2)),
            (PurgeScope::Everything, Some(3), (0, 0, 0), (5, 4, 4)),
        ];
        for (scope, guild, (texts, votes, unanswered), left) in cases {
            let (store, clock) = store();
            for guild in [1, 2] {
                store
                    .record_unanswered(Some(guild), Some("old question"))
                    .unwrap();
                store
                    .record_vote(&vote(Some(guild), "p", true, None))
                    .unwrap();
            }
            clock.advance_days(7);
            store
                .record_unanswered(Some(1), Some("new question"))
                .unwrap();
            store.record_unanswered(Some(2), None).unwrap();
            store
                .record_vote(&vote(Some(1), "p", false, Some("new dislike")))
                .unwrap();
            store
                .record_vote(&vote(Some(2), "p", false, Some("new dislike")))
                .unwrap();

            let report = store.purge(scope, guild).unwrap();
            assert_eq!(
                report,
                PurgeReport {
                    question_texts: texts,
                    votes,
                    unanswered
                },
                "{scope:?} in {guild:?}"
            );
            let now = (
                count(&store, "SELECT (SELECT COUNT(question) FROM votes) + (SELECT COUNT(question) FROM unanswered)"),
                count(&store, "SELECT COUNT(*) FROM votes"),
                count(&store, "SELECT COUNT(*) FROM unanswered"),
            );
            assert_eq!(now, left, "{scope:?} in {guild:?} leaves");
        }
    }

    #[test]
    fn a_purge_report_reads_as_a_sentence() {
        let report = PurgeReport {
            question_texts: 1,
            votes: 0,
            unanswered: 2,
        };
        assert_eq!(
            report.to_string(),
            "deleted 1 question text, 0 votes and 2 no-answer records"
        );
        assert_eq!(
            report.sentence(PurgeScope::QuestionsOlderThan(1), None),
            "Deleted 1 question text, 0 votes and 2 no-answer records (question texts more than 1 day old)"
        );
        assert_eq!(
            report.sentence(PurgeScope::QuestionsOlderThan(30), Some("all servers")),
            "Deleted 1 question text, 0 votes and 2 no-answer records (question texts more than 30 days old, all servers)"
        );
        assert_eq!(PurgeScope::AllQuestions.describe(), "all question texts");
        assert_eq!(
            PurgeScope::Everything.describe(),
            "all votes and no-answer records"
        );
    }

    #[test]
    fn purged_text_is_gone_from_the_files_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feedback.sqlite3");
        let store = FeedbackStore::open(&path).unwrap();
        let secret = "zebra-crossing-secret-question";
        store.record_unanswered(Some(1), Some(secret)).unwrap();
        store
            .record_vote(&vote(Some(1), "p", false, Some(secret)))
            .unwrap();
        let on_disk = || -> bool {
            ["", "-wal", "-journal"].iter().any(|suffix| {
                let mut file = path.as_os_str().to_owned();
                file.push(suffix);
                std::fs::read(PathBuf::from(file))
                    .map(|bytes| bytes.windows(secret.len()).any(|w| w == secret.as_bytes()))
                    .unwrap_or(false)
            })
        };
        assert!(on_disk(), "the test looks in the right files");
        let report = store.purge(PurgeScope::AllQuestions, None).unwrap();
        assert_eq!(report.question_texts, 2);
        assert!(!on_disk(), "the purged text is still readable on disk");
    }

    #[test]
    fn data_survives_closing_and_reopening_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/folder/feedback.sqlite3");
        {
            let store = FeedbackStore::open(&path).unwrap();
            store
                .record_vote(&vote(Some(7), "p", false, Some("why so?")))
                .unwrap();
            store
                .record_unanswered(Some(7), Some("Unknown thing?"))
                .unwrap();
        }
        let store = FeedbackStore::open(&path).unwrap();
        let gaps = store.gaps(Some(7), 1, 10).unwrap();
        assert_eq!(gaps.unanswered[0].question, "Unknown thing?");
        assert_eq!(gaps.worst_passages[0].questions, ["why so?"]);
    }

    #[test]
    fn open_creates_the_folder_and_a_durable_write_ahead_logged_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/feedback.sqlite3");
        let store = FeedbackStore::open(&path).unwrap();
        assert!(path.is_file());
        assert_eq!(store.path(), path);
        let conn = store.lock();
        let pragma = |name: &str| -> String {
            conn.query_row(&format!("PRAGMA {name}"), [], |row| {
                row.get::<_, rusqlite::types::Value>(0).map(|v| match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })
            })
            .unwrap()
        };
        // synchronous: 2 is FULL.
        for (name, expected) in [
            ("journal_mode", "wal"),
            ("synchronous", "2"),
            ("secure_delete", "1"),
            ("user_version", "1"),
        ] {
            assert_eq!(pragma(name), expected, "PRAGMA {name}");
        }
    }

    #[test]
    fn a_database_from_a_newer_version_is_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feedback.sqlite3");
        FeedbackStore::open(&path).unwrap();
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = FeedbackStore::open(&path).unwrap_err().to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains("newer"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn a_file_that_is_not_a_feedback_database_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        for (name, contents) in [
            ("text.sqlite3", None),
            ("other.sqlite3", Some("CREATE TABLE things (x);")),
        ] {
            let path = dir.path().join(name);
            match contents {
                None => {
                    std::fs::write(&path, "this is not a database, just text ".repeat(50)).unwrap()
                }
                Some(sql) => Connection::open(&path).unwrap().execute_batch(sql).unwrap(),
            }
            let err = FeedbackStore::open(&path).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!(
                    "cannot open the feedback database {}",
                    path.display()
                )),
                "{err}"
            );
            assert!(!err.contains('\n'), "{err}");
        }
    }

    #[test]
    fn several_threads_share_one_store() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(FeedbackStore::open(&dir.path().join("f.sqlite3")).unwrap());
        let threads: Vec<_> = (0..8u64)
            .map(|t| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for i in 0..25 {
                        store
                            .record_vote(&vote(Some(t), "p", i % 2 == 0, None))
                            .unwrap();
                        store
                            .record_unanswered(Some(t), Some("shared question"))
                            .unwrap();
                        store.gaps(Some(t), 1, 5).unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let gaps = store.gaps(None, 1, 10).unwrap();
        assert_eq!(gaps.unanswered[0].count, 200);
        let p = &gaps.worst_passages[0];
        assert_eq!((p.helpful, p.unhelpful), (104, 96));
    }

    #[test]
    fn two_stores_on_one_file_both_write() {
        // The bot and the command line open the same file at once.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.sqlite3");
        let bot = Arc::new(FeedbackStore::open(&path).unwrap());
        let cli = Arc::new(FeedbackStore::open(&path).unwrap());
        let writers: Vec<_> = [bot.clone(), cli.clone()]
            .into_iter()
            .map(|store| {
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        store.record_unanswered(None, Some("q")).unwrap();
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        assert_eq!(bot.gaps(None, 1, 1).unwrap().unanswered[0].count, 100);
        assert_eq!(
            cli.purge(PurgeScope::Everything, None).unwrap().unanswered,
            100
        );
    }
}
