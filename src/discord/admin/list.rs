//! `/faq-admin list`: the articles on disk, with their ids, titles,
//! publishers and review dates, those due for review marked.

use super::super::{Context, Error};
use super::{say, store_call, view};

/// List the articles with their ids
#[poise::command(slash_command)]
pub async fn list(ctx: Context<'_>) -> Result<(), Error> {
    let listed = store_call(ctx, |store| store.list()).await?;
    let after_days = ctx.data().settings.review_after_days;
    let today = crate::corpus::review::today();
    say(ctx, view::list(&listed, today, after_days)).await?;
    Ok(())
}
