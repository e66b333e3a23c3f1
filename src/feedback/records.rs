//! What the bot writes: 👍 / 👎 votes on quoted passages and "no answer"
//! verdicts, each question text only when given, cut to a limit.

use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

use super::clock::date;
use super::error::Result;
use super::store::{guild_to_sql, FeedbackStore};

/// Longest question text stored, in characters; longer ones are cut.
pub const MAX_QUESTION_CHARS: usize = 1_000;

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

/// The hex SHA-256 of a passage's text: a stable id that survives the
/// passage moving within its article, and changes when its words change.
pub fn passage_digest(text: &str) -> String {
    crate::storage::hex(&Sha256::digest(text.as_bytes()))
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

impl FeedbackStore {
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
}

/// The text to store for a question: trimmed, at most
/// [`MAX_QUESTION_CHARS`]; none when blank.
pub(super) fn question_text(question: &str) -> Option<String> {
    let trimmed = question.trim();
    if normalize_question(trimmed).is_empty() {
        return None;
    }
    Some(trimmed.chars().take(MAX_QUESTION_CHARS).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passage_digest_is_the_hex_sha256_of_the_text() {
        assert_eq!(
            passage_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(passage_digest("abc"), passage_digest("abc "));
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
}
