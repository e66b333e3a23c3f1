//! `/faq-admin history id:<id>`: the kept versions of an article (or of the
//! synonyms file, `id:synonyms`) and the changes recorded in the audit log.

use super::super::{Context, Error};
use super::{say, store_call, view};

/// The kept versions of an article (or id:synonyms) and who changed it
#[poise::command(slash_command)]
pub async fn history(
    ctx: Context<'_>,
    #[description = "The article's id, or synonyms for the synonyms file"]
    #[max_length = 100]
    id: String,
) -> Result<(), Error> {
    let target = id.clone();
    let (versions, entries) = store_call(ctx, move |store| {
        let versions = store.history(&target)?;
        let entries: Vec<_> = store
            .audit()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.target == target)
            .collect();
        Ok((versions, entries))
    })
    .await?;
    say(ctx, view::history(&id, &versions, &entries)).await?;
    Ok(())
}
