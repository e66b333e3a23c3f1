//! `/faq-admin replace id:<id> file:<attachment>`: a new version of an
//! article → validated (same id) → a preview with what changes → Confirm →
//! written (the old version kept for `restore`), audited, live at once.

use poise::serenity_prelude as serenity;

use super::super::{Context, Error};
use super::{apply, blocking, confirm, say, upload, view, Change};

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
    let data = ctx.data();
    let bytes =
        match upload::fetch(&data.admin.downloads, &file, data.settings.download_timeout).await {
            Ok(bytes) => bytes,
            Err(err) => {
                say(ctx, view::upload_error(&err)).await?;
                return Ok(());
            }
        };
    let store = data.admin.store.clone();
    let (target, name, upload) = (id.clone(), file.filename.clone(), bytes.clone());
    let preview = match blocking(move || store.preview_replace(&target, &name, &upload)).await? {
        Ok(preview) => preview,
        Err(err) => {
            say(ctx, super::refusal(ctx, &err)).await?;
            return Ok(());
        }
    };
    let reply = view::preview(
        "**Replace this article?** The current version is kept: `restore` brings it back.",
        &preview,
    );
    let Some(clicked) = confirm::confirm(ctx, reply, "Replace it").await? else {
        return Ok(());
    };
    let outcome = apply(
        ctx,
        Change::Replace {
            id,
            file_name: file.filename.clone(),
            bytes,
        },
    )
    .await?;
    confirm::finish(ctx, &clicked, &outcome).await
}
