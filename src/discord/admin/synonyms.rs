//! `/faq-admin synonyms [file:<attachment>]`: without a file, sends the
//! synonyms file as it is; with one, validates it → a preview (groups
//! before and after) → Confirm → replaced (the old version kept), audited,
//! live at once.

use std::path::Path;

use poise::serenity_prelude as serenity;

use super::super::markdown::plain;
use super::super::reply::Reply;
use super::super::{Context, Error};
use super::{confirm_and_apply, fetch_upload, store_call, ChangeRequest};
use crate::corpus::{parse_synonyms, SYNONYMS_FILE};
use crate::text::count;

/// Send the synonyms file, or replace it with an uploaded one (then Confirm)
#[poise::command(slash_command)]
pub async fn synonyms(
    ctx: Context<'_>,
    #[description = "A new synonyms.toml (at most 1 MiB); leave empty to get the current one"]
    file: Option<serenity::Attachment>,
) -> Result<(), Error> {
    let Some(file) = file else {
        let current = store_call(ctx, |store| store.synonyms()).await?;
        let groups_now = parse_synonyms(Path::new(SYNONYMS_FILE), &current)
            .map(|s| s.groups.len())
            .unwrap_or(0);
        let text = format!(
            "{}: {} ({}). Edit it and upload it with `/faq-admin synonyms file:…` to replace it.",
            SYNONYMS_FILE,
            count(groups_now, "group"),
            count(current.len(), "byte")
        );
        let reply = Reply::notice(&text)
            .to_poise(true)
            .attachment(serenity::CreateAttachment::bytes(current, SYNONYMS_FILE));
        ctx.send(reply).await?;
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let bytes = fetch_upload(ctx, &file).await?;
    let (name, upload) = (file.filename.clone(), bytes.clone());
    let preview = store_call(ctx, move |store| store.preview_synonyms(&name, &upload)).await?;
    let question = format!(
        "**Replace the synonyms file** with {}: {} (now {}), {} naming a drug or another distinct thing? The current file is kept: `restore id:synonyms` brings it back.",
        plain(&file.filename, 200),
        count(preview.groups, "group"),
        preview.groups_now,
        preview.entities
    );
    confirm_and_apply(
        ctx,
        Reply::notice(&question),
        "Replace it",
        ChangeRequest::Synonyms { bytes },
    )
    .await
}
