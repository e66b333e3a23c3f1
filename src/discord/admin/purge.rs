//! `/faq-admin purge what:<…> [days]`: deletes recorded feedback of this
//! server — question texts older than some days, all question texts, or
//! (after a Confirm) every vote and count too — and says exactly what was
//! deleted.

use std::sync::Arc;

use tracing::info;

use super::super::errors::UserError;
use super::super::markdown::plain;
use super::super::reply::Reply;
use super::super::{Context, Error};
use super::{announce, blocking, confirm, say};
use crate::feedback::PurgeScope;

/// What to delete.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum What {
    #[name = "Question texts older than some days"]
    OldQuestions,
    #[name = "All question texts"]
    AllQuestions,
    #[name = "Everything: votes and counts too"]
    Everything,
}

/// Delete recorded question texts (or all feedback) of this server
#[poise::command(slash_command)]
pub async fn purge(
    ctx: Context<'_>,
    #[description = "What to delete"] what: What,
    #[description = "With \"older than some days\": texts recorded more than this many days ago"]
    #[max = 3650]
    days: Option<u32>,
) -> Result<(), Error> {
    let scope = match (what, days) {
        (What::OldQuestions, Some(days)) => PurgeScope::QuestionsOlderThan(days),
        (What::OldQuestions, None) => {
            return Err(UserError::new(
                "Say how many days: e.g. `/faq-admin purge what:Question texts older than some days days:30`.",
            )
            .into());
        }
        (What::AllQuestions, _) => PurgeScope::AllQuestions,
        (What::Everything, _) => PurgeScope::Everything,
    };
    let clicked = if scope == PurgeScope::Everything {
        let question = Reply::notice(
            "**Delete every vote, every unanswered-question count and every recorded question text of this server?** This cannot be undone.",
        );
        match confirm::confirm(ctx, question, "Delete everything").await? {
            Some(clicked) => Some(clicked),
            None => return Ok(()),
        }
    } else {
        None
    };
    let store = Arc::clone(ctx.data().feedback.store());
    let guild = ctx.guild_id().map(|g| g.get());
    let report = blocking(move || store.purge(scope, guild)).await??;
    info!(
        question_texts = report.question_texts,
        votes = report.votes,
        unanswered = report.unanswered,
        actor_id = %ctx.author().id,
        "feedback purged from Discord"
    );
    let text = format!("{} in this server.", report.sentence(scope, None));
    announce(
        ctx,
        &format!(
            "🧹 {} (<@{}>) — purge: {text}",
            plain(&ctx.author().name, 100),
            ctx.author().id
        ),
    )
    .await;
    let reply = Reply::notice(&format!("✅ {text}"));
    match clicked {
        Some(clicked) => confirm::finish(ctx, &clicked, &reply).await,
        None => {
            say(ctx, reply).await?;
            Ok(())
        }
    }
}
