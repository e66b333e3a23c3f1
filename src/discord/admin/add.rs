//! `/faq-admin add file:<attachment>`: a new article from a Markdown file in
//! the corpus format → validated → a preview → Confirm → written, versioned,
//! audited and live at once.

use poise::serenity_prelude as serenity;

use super::super::{Context, Error};
use super::{confirm_and_apply, fetch_upload, store_call, view, ChangeRequest};

/// Add an article from a Markdown file: preview, then Confirm
#[poise::command(slash_command)]
pub async fn add(
    ctx: Context<'_>,
    #[description = "The article: a Markdown file in the corpus format (at most 1 MiB)"]
    file: serenity::Attachment,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let bytes = fetch_upload(ctx, &file).await?;
    let (name, upload) = (file.filename.clone(), bytes.clone());
    let preview = store_call(ctx, move |store| store.preview_add(&name, &upload)).await?;
    let question = view::preview(
        "**Add this article?** It is live as soon as you confirm.",
        &preview,
    );
    let change = ChangeRequest::Add {
        file_name: file.filename,
        bytes,
    };
    confirm_and_apply(ctx, question, "Add it", change).await
}
