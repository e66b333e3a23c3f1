//! `/faq-admin list`: the articles on disk, with their ids, titles,
//! publishers and review dates.

use super::super::{Context, Error};
use super::{blocking, say, view};

/// List the articles with their ids
#[poise::command(slash_command)]
pub async fn list(ctx: Context<'_>) -> Result<(), Error> {
    let store = ctx.data().admin.store.clone();
    let reply = match blocking(move || store.list()).await? {
        Ok(listed) => view::list(&listed),
        Err(err) => super::refusal(ctx, &err),
    };
    say(ctx, reply).await?;
    Ok(())
}
