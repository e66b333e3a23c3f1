//! What moderators read: previews, outcomes, lists and reports as
//! [`Reply`] values within Discord's limits (plain data, unit-tested here).
//! Text from files or members (titles, ids, names, questions) is escaped.

use poise::serenity_prelude as serenity;

use super::super::markdown::{cut_lines, embed_url, lines_fitting, lines_within, one_line, plain};
use super::super::reply::{
    cut, Embed, Field, Reply, CONTENT_MAX, DESCRIPTION_MAX, EMBEDS_TOTAL_MAX, FIELD_VALUE_MAX,
    TITLE_MAX,
};
use super::ReloadOutcome;
use crate::corpus::{review, CorpusError, Problem};
use crate::engine::EngineError;
use crate::feedback::Gaps;
use crate::moderation::audit::AuditEntry;
use crate::moderation::live::Reload;
use crate::moderation::store::{
    ChangeMade, Listed, ModerationError, Preview, Version, SYNONYMS_ID,
};
use crate::text::count;

const COLOUR_PREVIEW: u32 = 0xd69e2e;
const COLOUR_INFO: u32 = 0x2b6cb0;
const COLOUR_PROBLEM: u32 = 0xc53030;

/// Non-empty parts as one message content, cut at a line within the limit.
pub fn join_content(parts: &[&str]) -> String {
    let text = parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n\n");
    cut_lines(&text, CONTENT_MAX)
}

/// The embeds of a reply as serenity builds them.
pub fn serenity_embeds(reply: &Reply) -> Vec<serenity::CreateEmbed> {
    reply.embeds.iter().map(Embed::to_serenity).collect()
}

fn field(name: &str, value: String, inline: bool) -> Field {
    Field {
        name: name.to_string(),
        value: if value.is_empty() {
            "—".to_string()
        } else {
            value
        },
        inline,
    }
}

/// The preview of an upload: title (linked), sections, passages, warnings
/// and, for a replacement, what changes.
pub fn preview(question: &str, preview: &Preview) -> Reply {
    let sections: Vec<String> = preview
        .sections
        .iter()
        .map(|s| format!("• {}", one_line(s, 200)))
        .collect();
    let mut fields = vec![
        field("Id", plain(&preview.id, 200), true),
        field("Publisher", plain(&preview.publisher, 200), true),
        field("Passages", preview.passages.to_string(), true),
    ];
    if let Some(changes) = &preview.changes {
        fields.push(field("Changes", one_line(changes, FIELD_VALUE_MAX), false));
    }
    if !preview.warnings.is_empty() {
        let warnings: Vec<String> = preview
            .warnings
            .iter()
            .map(|w| format!("⚠️ {}", one_line(w, 300)))
            .collect();
        fields.push(field(
            "Warnings",
            lines_within(&warnings, FIELD_VALUE_MAX),
            false,
        ));
    }
    let mut embed = Embed {
        title: plain(&preview.title, TITLE_MAX),
        url: embed_url(&preview.url),
        description: String::new(),
        fields,
        footer: None,
        colour: COLOUR_PREVIEW,
    };
    // The sections get what the title and fields leave of the 6,000.
    let room = DESCRIPTION_MAX.min(EMBEDS_TOTAL_MAX.saturating_sub(embed.len()));
    embed.description = format!(
        "**{}:**\n{}",
        count(preview.sections.len(), "section"),
        lines_within(&sections, room.saturating_sub(40))
    );
    Reply {
        content: cut_lines(question, CONTENT_MAX),
        embeds: vec![embed],
        buttons: Vec::new(),
    }
}

/// The exact problems of an upload, one a line.
pub fn problems(intro: &str, problems: &[Problem]) -> Reply {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| format!("• {}", one_line(&p.to_string(), 500)))
        .collect();
    Reply {
        content: cut(intro, CONTENT_MAX),
        embeds: vec![Embed {
            title: format!("{} found", count(problems.len(), "problem")),
            url: None,
            description: lines_within(&lines, DESCRIPTION_MAX),
            fields: Vec::new(),
            footer: None,
            colour: COLOUR_PROBLEM,
        }],
        buttons: Vec::new(),
    }
}

pub const NOTHING_CHANGED: &str = "Nothing changed. Fix these problems and try again:";

/// A store error as the moderator reads it: the exact problems of an upload,
/// or one sentence.
pub fn moderation_error(err: &ModerationError) -> Reply {
    match err {
        ModerationError::Invalid(list) => problems(NOTHING_CHANGED, list),
        ModerationError::Io { .. } => Reply::notice(
            "The change could not be written to disk, so the corpus is as it was. The bot's log has the details.",
        ),
        ModerationError::Unchanged(id) if id == SYNONYMS_ID => {
            Reply::notice("Nothing changed: that is already the synonyms file.")
        }
        other => Reply::notice(&format!("Nothing changed: {}.", plain(&other.to_string(), 1800))),
    }
}

/// An upload that could not be read (too large, a download that failed).
pub fn upload_error(err: &super::upload::UploadError) -> Reply {
    Reply::notice(&format!(
        "Nothing changed: {}.",
        plain(&err.to_string(), 1800)
    ))
}

fn versions(change: &ChangeMade) -> String {
    match (change.old_version, change.new_version) {
        (Some(old), Some(new)) => format!("version {old} → {new}"),
        (None, Some(new)) => format!("version {new}"),
        (Some(old), None) => format!("was version {old}"),
        (None, None) => String::new(),
    }
}

/// What a confirmed change did, and whether it is live.
pub fn changed(
    change: &ChangeMade,
    reload: &ReloadOutcome,
    articles: usize,
    passages: usize,
) -> Reply {
    let done = format!(
        "✅ {} ({}).",
        plain(&change.summary, 1000),
        versions(change)
    );
    let live = match reload {
        Ok(_) => format!(
            "Live now: members are answered from {} and {}.",
            count(articles, "article"),
            count(passages, "passage")
        ),
        Err(err) => format!(
            "⚠️ Saved, but the corpus on disk does not load, so members are still answered from the previous version: {}",
            one_line(&engine_error(err), 1200)
        ),
    };
    // A removal always has an old version: restoring it undoes the removal.
    let undo = match change.old_version {
        Some(old) => format!(
            "Undo with `/faq-admin restore id:{} version:{old}`.",
            change.target
        ),
        None => String::new(),
    };
    Reply::notice(&join_content(&[&done, &live, &undo]))
}

/// One line for the audit channel.
pub fn audit_line(actor_id: u64, actor_name: &str, change: &ChangeMade) -> String {
    let versions = versions(change);
    cut_lines(
        &format!(
            "📝 {} (<@{actor_id}>) — {} `{}`{}: {}",
            plain(actor_name, 100),
            change.action,
            change.target,
            if versions.is_empty() {
                String::new()
            } else {
                format!(" ({versions})")
            },
            one_line(&change.summary, 1500)
        ),
        CONTENT_MAX,
    )
}

/// An engine error in a moderator's words: every problem of the corpus.
pub fn engine_error(err: &EngineError) -> String {
    match err {
        EngineError::Corpus(CorpusError::Invalid(problems)) => problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// The outcome of `/faq-admin reload`.
pub fn reloaded(outcome: &ReloadOutcome, articles: usize, passages: usize) -> Reply {
    match outcome {
        Ok(Reload::Reloaded { elapsed, .. }) => Reply::notice(&format!(
            "✅ Reloaded from disk in {} ms: members are answered from {} and {}.",
            elapsed.as_millis(),
            count(articles, "article"),
            count(passages, "passage")
        )),
        Ok(Reload::Unchanged) => Reply::notice(&format!(
            "Already up to date: members are answered from {} and {}.",
            count(articles, "article"),
            count(passages, "passage")
        )),
        Err(EngineError::Corpus(CorpusError::Invalid(list))) => problems(
            "The corpus on disk does not load, so members are still answered from the previous version. Fix these problems:",
            list,
        ),
        Err(other) => Reply::notice(&format!(
            "The corpus could not be reloaded, so members are still answered from the previous version: {}",
            one_line(&other.to_string(), 1500)
        )),
    }
}

/// `/faq-admin list`: each article, marked when it is due for review on
/// `today` (see [`review::review_due`]).
pub fn list(listed: &[Listed], today: time::Date, review_after_days: u32) -> Reply {
    let lines: Vec<String> = listed
        .iter()
        .map(|a| {
            let reviewed = a
                .reviewed
                .as_deref()
                .map(|d| format!(", reviewed {}", plain(d, 40)))
                .unwrap_or_default();
            let due = review::review_due(&a.dates, today, review_after_days)
                .map(|due| format!(" ⚠️ due for review: {}", plain(&due.to_string(), 80)))
                .unwrap_or_default();
            format!(
                "• `{}` — {} ({}{reviewed}){due}",
                a.id.replace('`', "'"),
                plain(&a.title, 150),
                plain(&a.publisher, 80)
            )
        })
        .collect();
    Reply {
        content: String::new(),
        embeds: vec![Embed {
            title: format!("Articles: {}", listed.len()),
            url: None,
            description: if lines.is_empty() {
                "No articles.".to_string()
            } else {
                lines_within(&lines, DESCRIPTION_MAX)
            },
            fields: Vec::new(),
            footer: Some("/faq-admin show id:… sends an article's file.".to_string()),
            colour: COLOUR_INFO,
        }],
        buttons: Vec::new(),
    }
}

/// `/faq-admin history`: the kept versions and the changes recorded.
pub fn history(target: &str, versions: &[Version], entries: &[AuditEntry]) -> Reply {
    let version_lines: Vec<String> = versions
        .iter()
        .rev()
        .map(|v| {
            format!(
                "**{}** · {} · {}{}",
                v.number,
                v.saved,
                count(v.bytes as usize, "byte"),
                if v.current { " · **current**" } else { "" }
            )
        })
        .collect();
    let change_lines: Vec<String> = entries
        .iter()
        .rev()
        .map(|e| {
            format!(
                "{} · {} by {} · {}",
                e.time,
                e.action,
                plain(&e.actor.name, 60),
                one_line(&e.summary, 200)
            )
        })
        .collect();
    let mut fields = Vec::new();
    if !change_lines.is_empty() {
        fields.push(field(
            "Changes, newest first",
            lines_within(&change_lines, FIELD_VALUE_MAX),
            false,
        ));
    }
    Reply {
        content: String::new(),
        embeds: vec![Embed {
            title: cut(&format!("History of {target}"), TITLE_MAX),
            url: None,
            description: if version_lines.is_empty() {
                "No version kept yet: it has never been changed through /faq-admin or `infusion-faq corpus`.".to_string()
            } else {
                format!(
                    "Versions, newest first:\n{}",
                    lines_within(&version_lines, DESCRIPTION_MAX - 30)
                )
            },
            fields,
            footer: Some(cut(
                &format!("Make a version current again: /faq-admin restore id:{target} version:N"),
                200,
            )),
            colour: COLOUR_INFO,
        }],
        buttons: Vec::new(),
    }
}

/// `/faq-admin gaps`.
/// The gaps report, and how many of its unanswered questions it shows (a
/// long list is cut): those get Teach buttons.
pub fn gaps(gaps: &Gaps) -> (Reply, usize) {
    // Numbered: the Teach N buttons under the report name them so.
    let mut unanswered: Vec<String> = gaps
        .unanswered
        .iter()
        .enumerate()
        .map(|(n, q)| {
            format!(
                "{}. **{}×** {} (last {})",
                n + 1,
                q.count,
                one_line(&q.question, 300),
                q.last_asked
            )
        })
        .collect();
    if gaps.unanswered_without_text > 0 {
        unanswered.push(format!(
            "{}{} without recorded text",
            if unanswered.is_empty() { "" } else { "and " },
            count(gaps.unanswered_without_text as usize, "question")
        ));
    }
    let worst: Vec<String> = gaps
        .worst_passages
        .iter()
        .map(|p| {
            let mut line = format!(
                "**{} 👎 {} 👍** `{}` › {} (passage {})",
                p.unhelpful,
                p.helpful,
                p.article_id.replace('`', "'"),
                one_line(&p.section, 200),
                &p.passage_digest[..p.passage_digest.len().min(12)]
            );
            for q in &p.questions {
                line.push_str(&format!("\n  asked: {}", one_line(q, 200)));
            }
            line
        })
        .collect();
    let room = DESCRIPTION_MAX / 2 - 60;
    let section = |title: &str, lines: &[String], none: &str| {
        if lines.is_empty() {
            format!("**{title}**\n{none}")
        } else {
            format!("**{title}**\n{}", lines_within(lines, room))
        }
    };
    let shown = lines_fitting(&unanswered, room).min(gaps.unanswered.len());
    let reply = Reply {
        content: String::new(),
        embeds: vec![Embed {
            title: format!(
                "Coverage gaps: last {} (since {}, UTC)",
                count(gaps.days as usize, "day"),
                gaps.since
            ),
            url: None,
            description: format!(
                "{}\n\n{}",
                section(
                    "Unanswered questions, most asked first",
                    &unanswered,
                    "None."
                ),
                section(
                    "Passages voted unhelpful, most 👎 first",
                    &worst,
                    "None."
                )
            ),
            fields: Vec::new(),
            footer: Some(
                "Question texts are recorded only in servers listed in [feedback] record_questions_in."
                    .to_string(),
            ),
            colour: COLOUR_INFO,
        }],
        buttons: Vec::new(),
    };
    (reply, shown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::{RatedPassage, UnansweredQuestion};
    use std::path::PathBuf;

    #[test]
    fn the_list_marks_articles_due_for_review() {
        let listed = |id: &str, reviewed: Option<&str>| Listed {
            id: id.into(),
            title: format!("Title of {id}"),
            publisher: "P".into(),
            file: format!("{id}.md"),
            reviewed: reviewed.map(String::from),
            dates: review::Dates {
                reviewed: reviewed.map(String::from),
                ..Default::default()
            },
        };
        let today = review::parse_date("2025-03-01").unwrap();
        let reply = list(
            &[
                listed("fresh", Some("2025-01-01")),
                listed("old", Some("2023-01-10")),
                listed("undated", None),
            ],
            today,
            365,
        );
        let lines: Vec<&str> = reply.embeds[0].description.lines().collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(!lines[0].contains("due for review"), "{}", lines[0]);
        assert!(
            lines[1].ends_with("⚠️ due for review: reviewed 2023-01-10, over 365 days ago"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].ends_with("⚠️ due for review: no review date"),
            "{}",
            lines[2]
        );
    }

    #[test]
    fn a_preview_of_a_huge_article_fits_discords_limits() {
        let preview = Preview {
            id: "a".into(),
            title: "T *x*".repeat(100),
            publisher: "P".into(),
            url: "javascript:alert(1)".into(),
            sections: (0..600)
                .map(|i| format!("Part {i} {}", "x".repeat(100)))
                .collect(),
            passages: 600,
            warnings: vec!["w".repeat(2000); 5],
            changes: Some("c".repeat(3000)),
            base: None,
        };
        let reply = super::preview("Add this article?", &preview);
        assert!(reply.within_limits(), "{reply:?}");
        assert!(reply.embeds[0].url.is_none(), "only http(s) links");
        assert!(reply.embeds[0].title.contains("\\*x\\*"));
    }

    #[test]
    fn problems_are_listed_one_a_line_with_file_and_line() {
        let list = vec![
            Problem::at(&PathBuf::from("new.md"), 2, "id \"Bad Id\" is not a slug"),
            Problem::file(&PathBuf::from("new.md"), "no title"),
        ];
        let reply = problems(NOTHING_CHANGED, &list);
        assert_eq!(
            reply.embeds[0].description,
            "• new.md:2: id \"Bad Id\" is not a slug\n• new.md: no title"
        );
        assert_eq!(reply.embeds[0].title, "2 problems found");
        let many: Vec<Problem> = (0..2000)
            .map(|i| Problem::at(&PathBuf::from("x.md"), i, "bad"))
            .collect();
        assert!(problems(NOTHING_CHANGED, &many).within_limits());
    }

    #[test]
    fn an_unchanged_synonyms_file_is_said_in_a_moderators_words() {
        let said = |id: &str| moderation_error(&ModerationError::Unchanged(id.into())).content;
        assert_eq!(
            said(SYNONYMS_ID),
            "Nothing changed: that is already the synonyms file."
        );
        assert!(
            said("a").starts_with("Nothing changed: that is already the current version of"),
            "{}",
            said("a")
        );
    }

    #[test]
    fn the_gaps_report_fits_and_escapes_questions() {
        let gaps = Gaps {
            days: 30,
            since: "2025-01-01".into(),
            unanswered: (0..50)
                .map(|i| UnansweredQuestion {
                    question: format!("can I *drive* home {i}? {}", "x".repeat(900)),
                    count: 3,
                    last_asked: "2025-01-02".into(),
                })
                .collect(),
            unanswered_without_text: 4,
            worst_passages: (0..50)
                .map(|i| RatedPassage {
                    article_id: format!("a{i}"),
                    section: "S".into(),
                    passage_digest: "0123456789abcdef".into(),
                    helpful: 1,
                    unhelpful: 2,
                    questions: vec!["why _not_".into()],
                })
                .collect(),
        };
        let (reply, shown) = super::gaps(&gaps);
        assert!(reply.within_limits(), "{reply:?}");
        let d = &reply.embeds[0].description;
        assert!(d.contains("can I \\*drive\\* home 0?"), "{d}");
        assert!((1..50).contains(&shown), "a long list is cut: {shown}");
        assert!(d.contains(&format!("{shown}. **3×**")), "{d}");
        assert!(!d.contains(&format!("{}. **3×**", shown + 1)), "{d}");
        assert!(d.contains("Passages voted unhelpful"), "{d}");
    }
}
