//! `/faq-admin synonyms [file:<attachment>]`: without a file, sends the
//! synonyms file as it is; with one, validates it → a preview (groups
//! before and after) → Confirm → replaced (the old version kept), audited,
//! live at once.

use std::path::Path;

use poise::serenity_prelude as serenity;

use super::super::render::{plain, Reply};
use super::super::{Context, Error};
use super::{apply, blocking, confirm, say, upload, view, Change};
use crate::corpus::{parse_synonyms, SYNONYMS_FILE};
use crate::moderation::store::{count, ModerationError};

/// Send the synonyms file, or replace it with an uploaded one (then Confirm)
#[poise::command(slash_command)]
pub async fn synonyms(
    ctx: Context<'_>,
    #[description = "A new synonyms.toml (at most 1 MiB); leave empty to get the current one"]
    file: Option<serenity::Attachment>,
) -> Result<(), Error> {
    let data = ctx.data();
    let Some(file) = file else {
        let store = data.admin.store.clone();
        let current = match blocking(move || store.synonyms()).await? {
            Ok(bytes) => bytes,
            Err(err) => {
                say(ctx, super::refusal(ctx, &err)).await?;
                return Ok(());
            }
        };
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
    let preview = match blocking(move || store.preview_synonyms(&name, &upload)).await? {
        Ok(preview) => preview,
        Err(ModerationError::Unchanged(_)) => {
            say(
                ctx,
                Reply::notice("Nothing changed: that is already the synonyms file."),
            )
            .await?;
            return Ok(());
        }
        Err(err) => {
            say(ctx, super::refusal(ctx, &err)).await?;
            return Ok(());
        }
    };
    let question = format!(
        "**Replace the synonyms file** with {}: {} (now {}), {} naming a drug or another distinct thing? The current file is kept: `restore id:synonyms` brings it back.",
        plain(&file.filename, 200),
        count(preview.groups, "group"),
        preview.groups_now,
        preview.entities
    );
    let Some(clicked) = confirm::confirm(ctx, Reply::notice(&question), "Replace it").await? else {
        return Ok(());
    };
    let outcome = apply(ctx, Change::Synonyms { bytes }).await?;
    confirm::finish(ctx, &clicked, &outcome).await
}
