//! "Find answer": a message context-menu command (Apps → Find answer on any
//! message) that answers that message's text, so anyone can answer someone
//! else's question. The answer is public and links the message it answers.

use poise::serenity_prelude as serenity;

use super::answer::{answer_interaction, engine_question};
use super::render::{Echo, Reply};
use super::Context;

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
) -> anyhow::Result<()> {
    if engine_question(&message.content).is_empty() {
        ctx.send(Reply::notice(NO_TEXT).to_poise(true)).await?;
        return Ok(());
    }
    let guild = ctx
        .guild_id()
        .or(message.guild_id)
        .map_or_else(|| "@me".to_string(), |g| g.to_string());
    let link = format!(
        "https://discord.com/channels/{guild}/{}/{}",
        message.channel_id, message.id
    );
    let echo = Echo::Message {
        text: &message.content,
        link: &link,
    };
    answer_interaction(ctx, &message.content, echo, false, "find_answer").await
}
