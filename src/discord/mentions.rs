//! Questions asked in messages: mentioning the bot in a configured channel
//! gets a reply to that message, and direct messages are answered when
//! enabled. Messages from bots (the bot itself included) are ignored.

use poise::serenity_prelude as serenity;

use super::answer::{answer, Carrier, Door, Question};
use super::render::Echo;
use super::{Data, Error};

/// Whether a message is a question for the bot, and through which door
/// ([`Door::Mention`] or [`Door::Dm`]).
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
) -> Result<(), Error> {
    let Some(door) = door(message, bot, data) else {
        return Ok(());
    };
    let question = Question {
        door,
        // Mentions, the bot's included, are stripped by the pipeline.
        text: &message.content,
        asker: message.author.id,
        guild: message.guild_id,
        channel: message.channel_id,
        echo: Echo::None,
    };
    answer(data, question, Carrier::Message { ctx, message }).await?;
    Ok(())
}
