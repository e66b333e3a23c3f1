//! `/faq-admin remove id:<id>`: after a Confirm click, the article leaves the
//! corpus; its versions stay in the history for `restore`.

use super::super::markdown::plain;
use super::super::reply::Reply;
use super::super::{Context, Error};
use super::{confirm_and_apply, store_call, view, ChangeRequest};
use crate::text::count;

/// Remove an article (after a Confirm; restore brings it back)
#[poise::command(slash_command)]
pub async fn remove(
    ctx: Context<'_>,
    #[description = "The article's id (see /faq-admin list)"]
    #[max_length = 100]
    id: String,
) -> Result<(), Error> {
    let data = ctx.data();
    let engine = data.engine.engine();
    let Some(article) = engine.corpus().article(&id).cloned() else {
        // Not served: perhaps on disk but broken, or unknown. Ask the store.
        let target = id.clone();
        store_call(ctx, move |store| store.current(&target)).await?;
        let question = Reply::notice(&format!("**Remove `{id}`?** `restore` brings it back."));
        return confirm_and_apply(ctx, question, "Remove it", ChangeRequest::Remove { id }).await;
    };
    let passages = engine
        .passages()
        .iter()
        .filter(|p| p.article.meta.id == id)
        .count();
    let question = format!(
        "**Remove `{id}`** — {} ({}, {})? Members will no longer be answered from it; `restore` brings it back.",
        plain(&article.meta.title, 300),
        plain(&article.meta.publisher, 100),
        count(passages, "passage")
    );
    drop(engine);
    let question = Reply::notice(&view::join_content(&[&question]));
    confirm_and_apply(ctx, question, "Remove it", ChangeRequest::Remove { id }).await
}
