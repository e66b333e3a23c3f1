//! `/faq-admin import url:<link>` or `file:<page saved as .html>`: the page
//! made an article file ([`crate::import`]: fetched safely, main text and
//! metadata extracted) → validated → a preview → Confirm → added like
//! `/faq-admin add` (written, versioned, audited, live at once).

use poise::serenity_prelude as serenity;

use super::super::errors::UserError;
use super::super::markdown::plain;
use super::super::{Context, Error};
use super::{blocking, confirm_and_apply, fetch_attachment, store_call, view, ChangeRequest};
use crate::import::{self, ImportError, MAX_PAGE_BYTES};

/// What a moderator reads when giving neither or both sources.
pub const ONE_SOURCE: &str =
    "Give the article's link (url:) or the page saved as .html (file:), one of the two.";

/// Import an article from its web page (url:) or the saved page (file:)
#[poise::command(slash_command)]
pub async fn import(
    ctx: Context<'_>,
    #[description = "The article's web page (https://…)"] url: Option<String>,
    #[description = "Or the page saved from a browser as .html (at most 2 MiB)"] file: Option<
        serenity::Attachment,
    >,
    #[description = "The new article's id (default: made from publisher and title)"] id: Option<
        String,
    >,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let (html, fetched, undecodable) = match (url, file) {
        (Some(url), None) => match import::fetch_page(&url, &data.admin.import).await {
            Ok(page) => {
                let (html, bad) = import::decode(&page.bytes, page.charset.as_deref());
                (html, Some(page.url), bad)
            }
            Err(err) => return Err(refusal(&err.into())),
        },
        (None, Some(file)) => {
            if !import::is_html_file_name(&file.filename) {
                return Err(refusal(&ImportError::NotHtmlFile(file.filename.clone())));
            }
            let bytes = fetch_attachment(ctx, &file, MAX_PAGE_BYTES).await?;
            let (html, bad) = import::decode(&bytes, None);
            (html, None, bad)
        }
        _ => return Err(UserError::new(ONE_SOURCE).into()),
    };
    let today = import::today();
    let converted =
        blocking(move || import::convert(&html, fetched.as_ref(), id.as_deref(), &today)).await?;
    let mut imported = match converted {
        Ok(imported) => imported,
        Err(err) => return Err(refusal(&err)),
    };
    if undecodable {
        imported.warnings.push(
            "some of the page's bytes are not text in its character set: check the words"
                .to_string(),
        );
    }
    let bytes = imported.markdown.clone().into_bytes();
    let (name, upload) = (imported.file_name.clone(), bytes.clone());
    let mut preview = store_call(ctx, move |store| store.preview_add(&name, &upload)).await?;
    let mut warnings = imported.warnings;
    warnings.append(&mut preview.warnings);
    preview.warnings = warnings;
    let question = view::preview(
        "**Import this article?** Check the sections and warnings against the page; it is live as soon as you confirm.",
        &preview,
    );
    let change = ChangeRequest::Add {
        file_name: imported.file_name,
        bytes,
    };
    confirm_and_apply(ctx, question, "Import it", change).await
}

/// What the moderator reads when the page cannot be imported.
fn refusal(err: &ImportError) -> Error {
    let text = format!("Nothing changed: {}.", plain(&err.to_string(), 1800));
    UserError::new(&text).into()
}
