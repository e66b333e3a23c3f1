//! `/ask question:<text> [private:<bool>]`: answers with the engine's
//! verdict; `private` makes the reply ephemeral (only the member sees it).

use super::answer::{answer, Carrier, Door, Question};
use super::render::Echo;
use super::{Context, Error};

/// Ask about MS infusion therapies: answers quote trusted articles (not medical advice)
#[poise::command(
    slash_command,
    install_context = "Guild",
    interaction_context = "Guild|BotDm"
)]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "Your question, e.g. How long does an Ocrevus infusion take?"]
    #[max_length = 6000]
    question: String,
    #[description = "Only you see the answer (default: no)"] private: Option<bool>,
) -> Result<(), Error> {
    let question = Question {
        door: Door::Ask,
        text: &question,
        asker: ctx.author().id,
        guild: ctx.guild_id(),
        channel: ctx.channel_id(),
        echo: Echo::Question(&question),
    };
    let private = private.unwrap_or(false);
    answer(ctx.data(), question, Carrier::Interaction { ctx, private }).await?;
    Ok(())
}
