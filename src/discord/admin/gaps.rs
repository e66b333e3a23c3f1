//! `/faq-admin gaps [days]`: what the articles fail to answer in this
//! server — the most frequent unanswered questions and the passages voted
//! unhelpful — so that moderators know what to add.

use std::sync::Arc;

use super::super::{Context, Error};
use super::{blocking, say, view};

/// Entries in each list of the report, at most.
const LIMIT: usize = 10;

/// Most frequent unanswered questions and worst-rated passages
#[poise::command(slash_command)]
pub async fn gaps(
    ctx: Context<'_>,
    #[description = "Over how many days, today included (default 30)"]
    #[min = 1]
    #[max = 3650]
    days: Option<u32>,
) -> Result<(), Error> {
    let store = Arc::clone(ctx.data().feedback.store());
    let guild = ctx.guild_id().map(|g| g.get());
    let days = days.unwrap_or(30);
    let report = blocking(move || store.gaps(guild, days, LIMIT)).await??;
    say(ctx, view::gaps(&report)).await?;
    Ok(())
}
