//! "Find answer": a message context-menu command (Apps → Find answer on any
//! message) that answers that message's text, so anyone can answer someone
//! else's question. The answer is public and links the message it answers.

use poise::serenity_prelude as serenity;

use super::answer::{answer, engine_question, Carrier, Door, Question};
use super::errors::UserError;
use super::render::Echo;
use super::{Context, Error};

const NO_TEXT: &str = "That message has no question in words for me to answer.";

/// Answer this message's question from the articles
#[poise::command(
    context_menu_command = "Find answer",
    install_context = "Guild",
    interaction_context = "Guild|BotDm"
)]
pub async fn find_answer(
    ctx: Context<'_>,
    #[description = "The message to answer"] message: serenity::Message,
) -> Result<(), Error> {
    if engine_question(&message.content).is_empty() {
        return Err(UserError::new(NO_TEXT).into());
    }
    let guild = ctx
        .guild_id()
        .or(message.guild_id)
        .map_or_else(|| "@me".to_string(), |g| g.to_string());
    let link = format!(
        "https://discord.com/channels/{guild}/{}/{}",
        message.channel_id, message.id
    );
    let question = Question {
        door: Door::FindAnswer,
        text: &message.content,
        asker: ctx.author().id,
        guild: ctx.guild_id(),
        channel: ctx.channel_id(),
        echo: Echo::Message {
            text: &message.content,
            link: &link,
        },
    };
    let carrier = Carrier::Interaction {
        ctx,
        private: false,
    };
    answer(ctx.data(), question, carrier).await?;
    Ok(())
}
