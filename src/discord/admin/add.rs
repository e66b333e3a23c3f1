//! `/faq-admin add file:<attachment>`: a new article from a Markdown file in
//! the corpus format → validated → a preview → Confirm → written, versioned,
//! audited and live at once.

use poise::serenity_prelude as serenity;

use super::super::{Context, Error};
use super::{apply, blocking, confirm, say, upload, view, Change};

/// Add an article from a Markdown file: preview, then Confirm
#[poise::command(slash_command)]
pub async fn add(
    ctx: Context<'_>,
    #[description = "The article: a Markdown file in the corpus format (at most 1 MiB)"]
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
    let (name, upload) = (file.filename.clone(), bytes.clone());
    let preview = match blocking(move || store.preview_add(&name, &upload)).await? {
        Ok(preview) => preview,
        Err(err) => {
            say(ctx, super::refusal(ctx, &err)).await?;
            return Ok(());
        }
    };
    let reply = view::preview(
        "**Add this article?** It is live as soon as you confirm.",
        &preview,
    );
    let Some(clicked) = confirm::confirm(ctx, reply, "Add it").await? else {
        return Ok(());
    };
    let outcome = apply(
        ctx,
        Change::Add {
            file_name: file.filename.clone(),
            bytes,
        },
    )
    .await?;
    confirm::finish(ctx, &clicked, &outcome).await
}
