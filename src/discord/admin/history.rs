//! `/faq-admin history id:<id>`: the kept versions of an article (or of the
//! synonyms file, `id:synonyms`) and the changes recorded in the audit log.

use super::super::{Context, Error};
use super::{blocking, say, view};

/// The kept versions of an article (or id:synonyms) and who changed it
#[poise::command(slash_command)]
pub async fn history(
    ctx: Context<'_>,
    #[description = "The article's id, or synonyms for the synonyms file"]
    #[max_length = 100]
    id: String,
) -> Result<(), Error> {
    let store = ctx.data().admin.store.clone();
    let target = id.clone();
    let found = blocking(move || {
        let versions = store.history(&target)?;
        let entries: Vec<_> = store
            .audit()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.target == target)
            .collect();
        Ok::<_, crate::moderation::store::ModerationError>((versions, entries))
    })
    .await?;
    let reply = match found {
        Ok((versions, entries)) => view::history(&id, &versions, &entries),
        Err(err) => super::refusal(ctx, &err),
    };
    say(ctx, reply).await?;
    Ok(())
}
