//! `/sources`: lists the corpus articles with their links and dates.

use tracing::info;

use super::render;
use super::{place, Context};
use crate::engine::DISCLAIMER;

/// List the articles the answers quote, with their links and dates
#[poise::command(
    slash_command,
    install_context = "Guild",
    interaction_context = "Guild|BotDm"
)]
pub async fn sources(ctx: Context<'_>) -> anyhow::Result<()> {
    let reply = {
        let engine = ctx.data().engine.engine();
        render::sources(&engine.corpus().articles, DISCLAIMER)
    };
    ctx.send(reply.to_poise(false)).await?;
    let (guild, channel) = place(ctx.guild_id(), ctx.channel_id());
    info!(door = "sources", guild_id = %guild, channel_id = %channel, "listed sources");
    Ok(())
}
