//! Answering one question, whatever door it came through: the engine runs
//! off the async threads, the rate limit is checked first, and an
//! interaction is deferred when the answer is not ready in time, so the
//! first response always beats Discord's 3-second deadline.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use regex::Regex;
use tracing::info;

use super::rate_limit::Decision;
use super::render::{self, Echo, Reply};
use super::{place, Context, Data};
use crate::engine::Verdict;

/// Discord syntax that is not part of a question: user, role and channel
/// mentions, `@everyone`/`@here`, custom emoji.
static DISCORD_SYNTAX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|@(?:everyone|here)\b").expect("a constant pattern")
});

/// The question as the engine should read it: the member's words without
/// Discord's mention and emoji syntax.
pub fn engine_question(text: &str) -> String {
    DISCORD_SYNTAX
        .replace_all(text, " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs the engine on the blocking pool, with the engine current right now
/// (a swapped-in engine serves the next question; this one finishes on the
/// old). At most two questions per core run at a time: the engine is pure
/// CPU, and more threads would only add switches and malloc arenas.
pub async fn ask_engine(data: &Data, question: String) -> anyhow::Result<Verdict> {
    let _slot = data
        .engine_slots
        .acquire()
        .await
        .context("the answer engine is closed")?;
    let engine = data.admin.live.engine();
    tokio::task::spawn_blocking(move || engine.ask(&question))
        .await
        .context("the answer engine stopped")
}

/// The reply to a verdict with its feedback side: a "no answer" is counted
/// (its text only where the guild records questions) before the reply
/// goes out, and quoted passages get 👍 / 👎 buttons.
pub async fn with_feedback(
    data: &Data,
    guild: Option<u64>,
    question: &str,
    verdict: &Verdict,
    echo: Echo<'_>,
) -> Reply {
    if let Verdict::NoAnswer { .. } = verdict {
        data.feedback.record_unanswered(guild, question).await;
    }
    let mut reply = render::verdict(verdict, echo);
    reply.buttons = data.feedback.vote_buttons(guild, question, verdict);
    reply
}

/// The polite note for a member over the rate limit.
pub fn rate_limit_note(data: &Data, retry_after: Duration) -> String {
    let seconds = retry_after.as_secs().max(1);
    format!(
        "You're asking quickly: members can ask {} questions every {} seconds, so that everyone gets answers. Please try again in {} second{}.",
        data.settings.rate_limit_questions,
        data.settings.rate_limit_seconds,
        seconds,
        if seconds == 1 { "" } else { "s" }
    )
}

pub const EMPTY_QUESTION: &str =
    "Please type a question about MS infusion therapies, e.g. \"How long does an Ocrevus infusion take?\"";

/// Answers a question asked through an interaction (`/ask`, "Find answer").
/// `private`: only the member sees the answer.
pub async fn answer_interaction(
    ctx: Context<'_>,
    question: &str,
    echo: Echo<'_>,
    private: bool,
    door: &'static str,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let data = ctx.data();
    let (guild, channel) = place(ctx.guild_id(), ctx.channel_id());
    let question = engine_question(question);
    if question.is_empty() {
        ctx.send(Reply::notice(EMPTY_QUESTION).to_poise(true))
            .await?;
        info!(door, verdict = "empty", guild_id = %guild, channel_id = %channel, "question skipped");
        return Ok(());
    }
    if let Decision::Limited { retry_after, .. } =
        data.limiter.check(ctx.author().id.get(), started)
    {
        ctx.send(Reply::notice(&rate_limit_note(data, retry_after)).to_poise(true))
            .await?;
        info!(door, verdict = "rate_limited", guild_id = %guild, channel_id = %channel, "question refused");
        return Ok(());
    }
    // The verdict and its feedback side (a no-answer is counted before the
    // reply, which may wait for the database) race the deadline together:
    // when both are not done in time, the interaction is deferred.
    let guild_id = ctx.guild_id().map(|g| g.get());
    let task = async {
        let verdict = ask_engine(data, question.clone()).await?;
        let reply = with_feedback(data, guild_id, &question, &verdict, echo).await;
        anyhow::Ok((verdict, reply))
    };
    tokio::pin!(task);
    let mut deferred = false;
    let ready = if data.settings.defer_after.is_zero() {
        None
    } else {
        tokio::time::timeout(data.settings.defer_after, &mut task)
            .await
            .ok()
    };
    let (verdict, reply) = match ready {
        Some(answered) => answered?,
        None => {
            // Not ready in time: tell Discord we are on it, then follow up.
            if private {
                ctx.defer_ephemeral().await?;
            } else {
                ctx.defer().await?;
            }
            deferred = true;
            task.await?
        }
    };
    ctx.send(reply.to_poise(private)).await?;
    info!(
        door,
        verdict = verdict.label(),
        passages = verdict.hits().len(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        deferred,
        private,
        guild_id = %guild,
        channel_id = %channel,
        "answered"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_and_emoji_are_not_part_of_the_question() {
        assert_eq!(
            engine_question(
                "@everyone <@123> <@!4> <@&5> <#6> how is <:tysabri:77> Tysabri given? @here"
            ),
            "how is Tysabri given?"
        );
        assert_eq!(
            engine_question("email me@everyoneelse.org"),
            "email me@everyoneelse.org"
        );
        assert_eq!(engine_question(" <@1> "), "");
    }
}
