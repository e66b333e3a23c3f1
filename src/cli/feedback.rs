//! `gaps` and `purge`: the feedback store ([`crate::feedback`]) from the
//! command line, at the path
//! `[feedback] database` of the config. Output goes to the writer given.

use std::io::Write;

use anyhow::Result;

use crate::config::Config;
use crate::feedback::{FeedbackStore, Gaps, PurgeScope};

/// `gaps`: the most frequent unanswered questions and the worst-rated
/// passages over the last `days` days, as text or one JSON object. No
/// database yet is not an error: nothing has been recorded.
pub fn gaps(
    config: &Config,
    days: u32,
    guild: Option<u64>,
    limit: usize,
    json: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let path = &config.feedback.database;
    let store = if path.exists() {
        FeedbackStore::open(path)?
    } else if json {
        // The same (empty) shape, so scripts need no special case.
        FeedbackStore::in_memory()?
    } else {
        writeln!(
            out,
            "No feedback recorded yet (no database at {}).",
            path.display()
        )?;
        return Ok(());
    };
    let gaps = store.gaps(guild, days, limit)?;
    if json {
        writeln!(out, "{}", serde_json::to_string(&gaps)?)?;
    } else {
        // Members' words: no control character reaches the terminal.
        write!(
            out,
            "{}",
            super::plain::printable(&render_gaps(&gaps, guild))
        )?;
    }
    Ok(())
}

/// `purge`: deletes what `scope` names (in one guild or all) and says
/// exactly what went.
pub fn purge(
    config: &Config,
    scope: PurgeScope,
    guild: Option<u64>,
    out: &mut dyn Write,
) -> Result<()> {
    let path = &config.feedback.database;
    if !path.exists() {
        writeln!(
            out,
            "No feedback recorded yet (no database at {}): nothing to delete.",
            path.display()
        )?;
        return Ok(());
    }
    let report = FeedbackStore::open(path)?.purge(scope, guild)?;
    writeln!(
        out,
        "{} from {}.",
        report.sentence(scope, Some(&scope_name(guild))),
        path.display()
    )?;
    Ok(())
}

fn scope_name(guild: Option<u64>) -> String {
    match guild {
        Some(id) => format!("server {id}"),
        None => "all servers".to_string(),
    }
}

/// The plain-text report.
pub fn render_gaps(gaps: &Gaps, guild: Option<u64>) -> String {
    let mut text = format!(
        "Coverage gaps over the last {} (since {}, UTC), {}\n\n",
        crate::text::count(gaps.days as usize, "day"),
        gaps.since,
        scope_name(guild)
    );
    if gaps.unanswered.is_empty() && gaps.unanswered_without_text == 0 {
        text.push_str("No unanswered questions.\n");
    } else {
        text.push_str("Unanswered questions, most asked first:\n");
        for q in &gaps.unanswered {
            text.push_str(&format!(
                "  {:>4}×  {}  (last asked {})\n",
                q.count, q.question, q.last_asked
            ));
        }
        if gaps.unanswered_without_text > 0 {
            text.push_str(&format!(
                "  {}{} unanswered without recorded text (see [feedback] record_questions_in)\n",
                if gaps.unanswered.is_empty() {
                    ""
                } else {
                    "and "
                },
                gaps.unanswered_without_text
            ));
        }
    }
    text.push('\n');
    if gaps.worst_passages.is_empty() {
        text.push_str("No passage was voted unhelpful.\n");
    } else {
        text.push_str("Passages voted unhelpful, most 👎 first:\n");
        for p in &gaps.worst_passages {
            text.push_str(&format!(
                "  {:>4} 👎 {:>4} 👍  {} › {}  (passage {})\n",
                p.unhelpful,
                p.helpful,
                p.article_id,
                p.section,
                &p.passage_digest[..p.passage_digest.len().min(12)]
            ));
            for q in &p.questions {
                text.push_str(&format!("              asked: {q}\n"));
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::{RatedPassage, UnansweredQuestion};

    fn gaps() -> Gaps {
        Gaps {
            days: 30,
            since: "2025-02-09".into(),
            unanswered: vec![UnansweredQuestion {
                question: "Can I drive home?".into(),
                count: 3,
                last_asked: "2025-03-10".into(),
            }],
            unanswered_without_text: 2,
            worst_passages: vec![RatedPassage {
                article_id: "ocrevus".into(),
                section: "After the infusion".into(),
                passage_digest: "0123456789abcdef".into(),
                helpful: 1,
                unhelpful: 4,
                questions: vec!["how long do i wait?".into()],
            }],
        }
    }

    #[test]
    fn the_report_lists_questions_and_passages_with_their_counts() {
        let text = render_gaps(&gaps(), Some(42));
        for expected in [
            "last 30 days (since 2025-02-09, UTC), server 42",
            "     3×  Can I drive home?  (last asked 2025-03-10)",
            "and 2 unanswered without recorded text",
            "     4 👎    1 👍  ocrevus › After the infusion  (passage 0123456789ab)",
            "asked: how long do i wait?",
        ] {
            assert!(
                text.contains(expected),
                "{expected:?} missing from:\n{text}"
            );
        }
    }

    #[test]
    fn an_empty_report_says_so() {
        let empty = Gaps {
            unanswered: vec![],
            unanswered_without_text: 0,
            worst_passages: vec![],
            ..gaps()
        };
        let text = render_gaps(&empty, None);
        assert!(text.contains("all servers"), "{text}");
        assert!(text.contains("No unanswered questions."), "{text}");
        assert!(text.contains("No passage was voted unhelpful."), "{text}");
    }
}
