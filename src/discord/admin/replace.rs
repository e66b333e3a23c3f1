//! `/faq-admin replace id:<id> file:<attachment>`: a new version of an
//! article → validated (same id) → a preview with what changes → Confirm →
//! written (the old version kept for `restore`), audited, live at once.

use poise::serenity_prelude as serenity;

use super::super::{Context, Error};
use super::{confirm_and_apply, fetch_upload, store_call, view, ChangeRequest};

/// Replace an article with a new version of its file: preview, then Confirm
#[poise::command(slash_command)]
pub async fn replace(
    ctx: Context<'_>,
    #[description = "The article's id (see /faq-admin list)"]
    #[max_length = 100]
    id: String,
    #[description = "The new version: a Markdown file with the same id (at most 1 MiB)"]
    file: serenity::Attachment,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let bytes = fetch_upload(ctx, &file).await?;
    let (target, name, upload) = (id.clone(), file.filename.clone(), bytes.clone());
    let preview = store_call(ctx, move |store| {
        store.preview_replace(&target, &name, &upload)
    })
    .await?;
    let question = view::preview(
        "**Replace this article?** The current version is kept: `restore` brings it back.",
        &preview,
    );
    let change = ChangeRequest::Replace {
        id,
        file_name: file.filename,
        bytes,
        base: preview.base.clone(),
    };
    confirm_and_apply(ctx, question, "Replace it", change).await
}
