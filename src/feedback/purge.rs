//! Deleting recorded feedback: question texts past some days (the hourly
//! expiry too), all texts, or everything; and the sentence that says exactly
//! what went, which the bot and the command line both use.

use std::fmt;

use rusqlite::{params, Transaction};
use serde::Serialize;

use super::clock::date;
use super::error::Result;
use super::store::{guild_to_sql, FeedbackStore};
use crate::text::count;

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
            count(self.question_texts as usize, "question text"),
            count(self.votes as usize, "vote"),
            count(self.unanswered as usize, "no-answer record"),
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
                count(days as usize, "day")
            ),
            PurgeScope::AllQuestions => "all question texts".to_string(),
            PurgeScope::Everything => "all votes and no-answer records".to_string(),
        }
    }
}

impl FeedbackStore {
    /// Deletes question texts recorded more than `older_than_days` days ago
    /// (today is day 0), in every guild; the counts stay. Returns how many
    /// texts were deleted. The bot calls it periodically with the configured
    /// `retention_days`.
    pub fn expire_questions(&self, older_than_days: u32) -> Result<usize> {
        let report = self.purge(PurgeScope::QuestionsOlderThan(older_than_days), None)?;
        Ok(report.question_texts as usize)
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
