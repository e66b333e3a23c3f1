//! Questions asked in messages: mentioning the bot in a configured channel
//! gets a reply to that message, and direct messages are answered when
//! enabled. Messages from bots (the bot itself included) are ignored.

use std::time::Instant;

use poise::serenity_prelude as serenity;
use tracing::info;

use super::answer::{ask_engine, engine_question, rate_limit_note, with_feedback, EMPTY_QUESTION};
use super::rate_limit::Decision;
use super::render::{Echo, Reply};
use super::{place, Data};

/// Why a message is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    Mention,
    Dm,
}

impl Door {
    fn name(self) -> &'static str {
        match self {
            Door::Mention => "mention",
            Door::Dm => "dm",
        }
    }
}

/// Whether a message is a question for the bot, and through which door.
pub fn door(message: &serenity::Message, bot: serenity::UserId, data: &Data) -> Option<Door> {
    if message.author.bot || message.author.id == bot || message.webhook_id.is_some() {
        return None;
    }
    match message.guild_id {
        None => data.settings.answer_dms.then_some(Door::Dm),
        Some(_) => (data
            .settings
            .mention_channels
            .contains(&message.channel_id.get())
            && mentions(message, bot))
        .then_some(Door::Mention),
    }
}

/// Whether the message mentions the bot itself (not a role, not @everyone).
fn mentions(message: &serenity::Message, bot: serenity::UserId) -> bool {
    message.mentions.iter().any(|user| user.id == bot)
        || message.content.contains(&format!("<@{bot}>"))
        || message.content.contains(&format!("<@!{bot}>"))
}

/// Answers a message if it is a question for the bot.
pub async fn on_message(
    ctx: &serenity::Context,
    message: &serenity::Message,
    bot: serenity::UserId,
    data: &Data,
) -> anyhow::Result<()> {
    let Some(door) = door(message, bot, data) else {
        return Ok(());
    };
    let started = Instant::now();
    let (guild, channel) = place(message.guild_id, message.channel_id);
    // The question without mentions, the bot's included.
    let question = engine_question(&message.content);
    let reply = if question.is_empty() {
        info!(door = door.name(), verdict = "empty", guild_id = %guild, channel_id = %channel, "question skipped");
        Reply::notice(EMPTY_QUESTION)
    } else {
        match data.limiter.check(message.author.id.get(), started) {
            Decision::Allowed => {
                let verdict = ask_engine(data, question.clone()).await?;
                info!(
                    door = door.name(),
                    verdict = verdict.label(),
                    passages = verdict.hits().len(),
                    latency_ms = started.elapsed().as_secs_f64() * 1000.0,
                    guild_id = %guild,
                    channel_id = %channel,
                    "answered"
                );
                let guild_id = message.guild_id.map(|g| g.get());
                with_feedback(data, guild_id, &question, &verdict, Echo::None).await
            }
            // One note per burst; the rest of the burst is dropped quietly,
            // so that the bot cannot be used to flood a channel.
            Decision::Limited { retry_after, first } => {
                info!(door = door.name(), verdict = "rate_limited", guild_id = %guild, channel_id = %channel, "question refused");
                if !first {
                    return Ok(());
                }
                Reply::notice(&rate_limit_note(data, retry_after))
            }
        }
    };
    let reference = serenity::MessageReference::from(message).fail_if_not_exists(false);
    message
        .channel_id
        .send_message(&ctx.http, reply.to_message().reference_message(reference))
        .await?;
    Ok(())
}
