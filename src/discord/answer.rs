//! The one answer pipeline: a question from any [`Door`] (`/ask`, "Find
//! answer", a mention, a DM) goes through [`answer`]: Discord syntax
//! stripped, an empty question or a member over the rate limit refused
//! (a [`UserError`]), the engine run off the async threads, the feedback
//! side (a "no answer" counted, 👍 / 👎 buttons), the reply carried out
//! through the door it came in by, and one log line. An interaction is
//! deferred when the answer is not ready in time, so the first response
//! always beats Discord's 3-second deadline.
//!
//! Privacy: the log line holds the door, the verdict, the latency and
//! guild/channel ids; never the question text, nor who asked.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use regex::Regex;
use tracing::info;

use super::errors::UserError;
use super::rate_limit::Decision;
use super::render::{self, Echo};
use super::reply::Reply;
use super::{place, Context, Data, Error};
use crate::engine::Verdict;

/// The way a question reached the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// `/ask question:<text>`.
    Ask,
    /// The "Find answer" message command, on anyone's message.
    FindAnswer,
    /// A message mentioning the bot in a configured channel.
    Mention,
    /// A direct message.
    Dm,
}

impl Door {
    /// As the log writes it.
    pub fn name(self) -> &'static str {
        match self {
            Door::Ask => "ask",
            Door::FindAnswer => "find_answer",
            Door::Mention => "mention",
            Door::Dm => "dm",
        }
    }
}

/// How the reply goes back out: the door's half of the work.
pub enum Carrier<'a> {
    /// An interaction (`/ask`, "Find answer"), answered within Discord's
    /// deadline; `private`: only the member sees the answer.
    Interaction { ctx: Context<'a>, private: bool },
    /// A reply to the member's message (a mention or a DM).
    Message {
        ctx: &'a serenity::Context,
        message: &'a serenity::Message,
    },
}

impl Carrier<'_> {
    /// How long the answer may take before the door is deferred; `None`:
    /// defer at once (`defer_after_ms = 0`).
    fn deadline(&self, data: &Data) -> Option<Duration> {
        match self {
            Carrier::Interaction { .. } if !data.settings.defer_after.is_zero() => {
                Some(data.settings.defer_after)
            }
            Carrier::Interaction { .. } => None,
            // A message has no deadline: its reply can come when it is ready.
            Carrier::Message { .. } => Some(Duration::MAX),
        }
    }

    /// Tells Discord the answer is on its way.
    async fn defer(&self) -> Result<(), Error> {
        match self {
            Carrier::Interaction { ctx, private: true } => ctx.defer_ephemeral().await?,
            Carrier::Interaction { ctx, .. } => ctx.defer().await?,
            Carrier::Message { .. } => {}
        }
        Ok(())
    }

    async fn send(&self, reply: &Reply) -> Result<(), Error> {
        match self {
            Carrier::Interaction { ctx, private } => {
                ctx.send(reply.to_poise(*private)).await?;
            }
            Carrier::Message { ctx, message } => {
                let reference =
                    serenity::MessageReference::from(*message).fail_if_not_exists(false);
                message
                    .channel_id
                    .send_message(&ctx.http, reply.to_message().reference_message(reference))
                    .await?;
            }
        }
        Ok(())
    }

    fn private(&self) -> bool {
        matches!(self, Carrier::Interaction { private: true, .. })
    }
}

/// A question on its way in.
pub struct Question<'a> {
    pub door: Door,
    /// As the member wrote it, Discord syntax and all.
    pub text: &'a str,
    pub asker: serenity::UserId,
    pub guild: Option<serenity::GuildId>,
    pub channel: serenity::ChannelId,
    /// What the reply shows of the question.
    pub echo: Echo<'a>,
}

/// What became of a question that was not refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The verdict went out.
    Answered,
    /// A message over the rate limit again within a burst already told:
    /// nothing is sent, so that the bot cannot be used to flood a channel.
    Dropped,
}

/// Takes a question from its door to its outcome; a refusal is a
/// [`UserError`] for the one place that shows it.
pub async fn answer(
    data: &Data,
    question: Question<'_>,
    carrier: Carrier<'_>,
) -> Result<Outcome, Error> {
    let started = Instant::now();
    let door = question.door.name();
    let (guild, channel) = place(question.guild, question.channel);
    let text = engine_question(question.text);
    if text.is_empty() {
        info!(door, verdict = "empty", guild_id = %guild, channel_id = %channel, "question skipped");
        return Err(UserError::new(EMPTY_QUESTION).into());
    }
    if let Decision::Limited { retry_after, first } =
        data.limiter.check(question.asker.get(), started)
    {
        info!(door, verdict = "rate_limited", guild_id = %guild, channel_id = %channel, "question refused");
        // An interaction is always answered; a message burst gets one note.
        if !first && matches!(carrier, Carrier::Message { .. }) {
            return Ok(Outcome::Dropped);
        }
        return Err(UserError::new(&rate_limit_note(data, retry_after)).into());
    }
    // The verdict and its feedback side (a no-answer is counted before the
    // reply, which may wait for the database) race the deadline together:
    // when both are not done in time, the interaction is deferred.
    let guild_id = question.guild.map(|g| g.get());
    let task = async {
        let verdict = ask_engine(data, text.clone()).await?;
        let reply = with_feedback(data, guild_id, &text, &verdict, question.echo).await;
        anyhow::Ok((verdict, reply))
    };
    tokio::pin!(task);
    let ready = match carrier.deadline(data) {
        Some(deadline) => tokio::time::timeout(deadline, &mut task).await.ok(),
        None => None,
    };
    let deferred = ready.is_none();
    let (verdict, reply) = match ready {
        Some(answered) => answered?,
        None => {
            // Not ready in time: tell Discord we are on it, then follow up.
            carrier.defer().await?;
            task.await?
        }
    };
    carrier.send(&reply).await?;
    info!(
        door,
        verdict = verdict.label(),
        passages = verdict.hits().len(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        deferred,
        private = carrier.private(),
        guild_id = %guild,
        channel_id = %channel,
        "answered"
    );
    Ok(Outcome::Answered)
}

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

/// The verdict on a question: the engine's, unless a benchmark's
/// [`Shortcut`] stands in for it.
async fn ask_engine(data: &Data, question: String) -> anyhow::Result<Verdict> {
    match &data.shortcut {
        None => run_engine(data, question).await,
        Some(Shortcut::Constant(verdict)) => Ok(verdict.clone()),
        Some(Shortcut::Replay(seen)) => {
            let lock = || seen.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(verdict) = lock().get(&question).cloned() {
                return Ok(verdict);
            }
            let verdict = run_engine(data, question.clone()).await?;
            lock().insert(question, verdict.clone());
            Ok(verdict)
        }
    }
}

/// Benchmarks only (hidden `serve` flags): verdicts that stand in for the
/// engine's, so that a run can measure the rest of the bot alone.
pub enum Shortcut {
    /// One verdict for every question.
    Constant(Verdict),
    /// Each distinct question's first verdict, replayed.
    Replay(Mutex<HashMap<String, Verdict>>),
}

/// Runs the engine on the blocking pool, with the engine current right now
/// (a swapped-in engine serves the next question; this one finishes on the
/// old). At most two questions per core run at a time: the engine is pure
/// CPU, and more threads would only add switches and malloc arenas.
async fn run_engine(data: &Data, question: String) -> anyhow::Result<Verdict> {
    let _slot = data
        .engine_slots
        .acquire()
        .await
        .context("the answer engine is closed")?;
    let engine = data.engine.engine();
    tokio::task::spawn_blocking(move || engine.ask(&question))
        .await
        .context("the answer engine stopped")
}

/// The reply to a verdict with its feedback side: a "no answer" is counted
/// (its text only where the guild records questions) before the reply
/// goes out, and quoted passages get 👍 / 👎 buttons.
async fn with_feedback(
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
fn rate_limit_note(data: &Data, retry_after: Duration) -> String {
    let seconds = retry_after.as_secs().max(1);
    format!(
        "You're asking quickly: members can ask {} questions every {} seconds, so that everyone gets answers. Please try again in {}.",
        data.settings.rate_limit_questions,
        data.settings.rate_limit_seconds,
        crate::text::count(seconds as usize, "second")
    )
}

pub const EMPTY_QUESTION: &str =
    "Please type a question about MS infusion therapies, e.g. \"How long does an Ocrevus infusion take?\"";

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
