//! The coverage-gaps report: the most asked unanswered questions and the
//! passages voted unhelpful, over the last days, in one guild or all.

use rusqlite::{params, Transaction};
use serde::Serialize;

use super::clock::date;
use super::error::Result;
use super::records::normalize_question;
use super::store::{guild_to_sql, FeedbackStore};

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

impl FeedbackStore {
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
