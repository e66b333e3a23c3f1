//! `/faq-admin restore id:<id> version:<n>`: makes a kept version current
//! again (as a new version, so the restore itself can be undone), audited
//! and live at once. `id:synonyms` restores the synonyms file.

use super::super::{Context, Error};
use super::{apply, say, ChangeRequest};

/// Make a kept version of an article (or id:synonyms) current again
#[poise::command(slash_command)]
pub async fn restore(
    ctx: Context<'_>,
    #[description = "The article's id, or synonyms for the synonyms file"]
    #[max_length = 100]
    id: String,
    #[description = "The version number (see /faq-admin history)"]
    #[min = 1]
    version: u32,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    // The store takes id:synonyms as the synonyms file.
    let outcome = apply(ctx, ChangeRequest::Restore { id, version }).await?;
    say(ctx, outcome).await?;
    Ok(())
}
