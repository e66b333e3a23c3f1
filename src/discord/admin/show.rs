//! `/faq-admin show id:<id>`: the article's current file, attached as it is
//! on disk (byte for byte), with a one-line summary.

use poise::serenity_prelude as serenity;

use super::super::markdown::plain;
use super::super::reply::Reply;
use super::super::{Context, Error};
use super::store_call;
use crate::text::count;

/// Send an article's current file
#[poise::command(slash_command)]
pub async fn show(
    ctx: Context<'_>,
    #[description = "The article's id (see /faq-admin list)"]
    #[max_length = 100]
    id: String,
) -> Result<(), Error> {
    let target = id.clone();
    let (path, bytes) = store_call(ctx, move |store| store.current(&target)).await?;
    let name = path
        .file_name()
        .map_or_else(|| format!("{id}.md"), |n| n.to_string_lossy().into_owned());
    let text = format!(
        "`{}`: {} ({}), as it is in the corpus folder.",
        id.replace('`', "'"),
        plain(&name, 200),
        count(bytes.len(), "byte")
    );
    let reply = Reply::notice(&text)
        .to_poise(true)
        .attachment(serenity::CreateAttachment::bytes(bytes, name));
    ctx.send(reply).await?;
    Ok(())
}
