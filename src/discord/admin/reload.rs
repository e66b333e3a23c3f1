//! `/faq-admin reload`: re-reads the corpus folder now (after a `git pull`,
//! say) and swaps in the new engine; a corpus that does not load is refused
//! with its problems and the bot keeps answering from the previous one.

use std::sync::Arc;

use tracing::info;

use super::super::{Context, Error};
use super::{blocking, say, view};

/// Re-read the corpus folder now (the folder is also watched)
#[poise::command(slash_command)]
pub async fn reload(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let live = Arc::clone(&ctx.data().engine);
    let for_reload = Arc::clone(&live);
    let outcome = blocking(move || for_reload.reload()).await?;
    let engine = live.engine();
    info!(
        reloaded = matches!(
            outcome,
            Ok(crate::moderation::live::Reload::Reloaded { .. })
        ),
        ok = outcome.is_ok(),
        "reload from Discord"
    );
    say(
        ctx,
        view::reloaded(
            &outcome,
            engine.corpus().articles.len(),
            engine.passages().len(),
        ),
    )
    .await?;
    Ok(())
}
