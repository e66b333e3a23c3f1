//! `/faq-admin`: moderators keep the corpus current from Discord, through
//! the same [`change::apply`] as `infusion-faq corpus …` (validated,
//! versioned, audited) and the live engine the bot answers from (a change
//! is live as soon as it is confirmed). One subcommand per file.
//!
//! Who: the command is registered with `default_member_permissions` = Manage
//! Server, so Discord only shows it to those members (a server admin may
//! grant it to others under Integrations), and [`is_moderator`] checks again
//! when it runs: Manage Server (or Administrator), or one of the roles in
//! `[discord] moderator_roles`. Every reply is ephemeral.
//!
//! Blocking work (the store, index rebuilds, the feedback database) runs on
//! the blocking pool; one corpus change at a time per process.

pub mod add;
pub mod confirm;
pub mod gaps;
pub mod history;
pub mod import;
pub mod list;
pub mod purge;
pub mod reload;
pub mod remove;
pub mod replace;
pub mod restore;
pub mod show;
pub mod synonyms;
pub mod teach;
pub mod upload;
pub mod view;

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use tracing::{info, warn};

use super::errors::UserError;
use super::reply::Reply;
use super::{place, Context, Error};
use crate::moderation::change::{self, Applied, ChangeRequest};
use crate::moderation::live::Reload;
use crate::moderation::store::{CorpusStore, ModerationError};
use crate::moderation::Actor;

/// What a member without the permission reads.
pub const NOT_A_MODERATOR: &str =
    "Only moderators can use /faq-admin: members with the Manage Server permission or a moderator role.";

/// The moderators' side of the bot's state (the engine they change is
/// [`super::Data::engine`]).
pub struct Admin {
    pub store: CorpusStore,
    /// One corpus change at a time in this process (the store numbers
    /// versions by what is on disk).
    changes: Arc<Mutex<()>>,
    /// Downloads of uploaded files (bounded in time and size by
    /// [`upload::fetch`]; the client only bounds connecting); it never
    /// carries the bot token.
    pub downloads: reqwest::Client,
    pub pending: confirm::Pending,
    /// How `/faq-admin import` fetches pages (`[import]`).
    pub import: crate::import::ImportConfig,
}

impl Admin {
    pub fn new(corpus: &Path, download_timeout: std::time::Duration) -> anyhow::Result<Admin> {
        let downloads = reqwest::Client::builder()
            .connect_timeout(download_timeout)
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .context("cannot set up the HTTP client for uploads")?;
        Ok(Admin {
            store: CorpusStore::new(corpus),
            changes: Arc::new(Mutex::new(())),
            downloads,
            pending: confirm::Pending::default(),
            import: crate::import::ImportConfig::default(),
        })
    }
}

/// Moderators: add, replace or remove articles, history, restore, feedback gaps
#[poise::command(
    slash_command,
    rename = "faq-admin",
    default_member_permissions = "MANAGE_GUILD",
    install_context = "Guild",
    interaction_context = "Guild",
    check = "is_moderator",
    subcommands(
        "add::add",
        "import::import",
        "replace::replace",
        "remove::remove",
        "list::list",
        "show::show",
        "reload::reload",
        "history::history",
        "restore::restore",
        "synonyms::synonyms",
        "gaps::gaps",
        "purge::purge"
    ),
    subcommand_required
)]
pub async fn faq_admin(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Whether the member running the command may: Manage Server (or
/// Administrator), or a moderator role. Never in a DM.
pub async fn is_moderator(ctx: Context<'_>) -> Result<bool, Error> {
    let poise::Context::Application(app) = ctx else {
        return Ok(false);
    };
    Ok(member_may_moderate(
        app.interaction.member.as_deref(),
        &ctx.data().settings.moderator_roles,
    ))
}

/// The rule of [`is_moderator`], on the member Discord sent with the
/// interaction (its permissions are resolved in the channel).
pub fn member_may_moderate(member: Option<&serenity::Member>, roles: &HashSet<u64>) -> bool {
    let Some(member) = member else {
        return false;
    };
    let permissions = member.permissions.unwrap_or_default();
    permissions.manage_guild()
        || permissions.administrator()
        || member.roles.iter().any(|role| roles.contains(&role.get()))
}

/// Who is acting, for the audit log.
pub fn actor(ctx: Context<'_>) -> Actor {
    let author = ctx.author();
    Actor {
        id: author.id.to_string(),
        name: author.name.clone(),
    }
}

/// Sends an ephemeral reply (a follow-up after a defer).
pub async fn say(ctx: Context<'_>, reply: Reply) -> Result<poise::ReplyHandle<'_>, Error> {
    Ok(ctx.send(reply.to_poise(true)).await?)
}

/// Runs `work` on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .context("a moderation task stopped")
}

/// Downloads an uploaded corpus file (at most 1 MiB); one that cannot be
/// read is a [`UserError`] saying why.
pub async fn fetch_upload(ctx: Context<'_>, file: &serenity::Attachment) -> Result<Vec<u8>, Error> {
    fetch_attachment(ctx, file, upload::MAX_UPLOAD_BYTES).await
}

/// Downloads an attachment of at most `limit` bytes; one that cannot be
/// read is a [`UserError`] saying why.
pub async fn fetch_attachment(
    ctx: Context<'_>,
    file: &serenity::Attachment,
    limit: usize,
) -> Result<Vec<u8>, Error> {
    let data = ctx.data();
    upload::fetch(
        &data.admin.downloads,
        file,
        data.settings.download_timeout,
        limit,
    )
    .await
    .map_err(|err| UserError::reply(view::upload_error(&err)).into())
}

/// Runs `call` on the corpus store on the blocking pool; a refusal is a
/// [`UserError`] saying why.
pub async fn store_call<T: Send + 'static>(
    ctx: Context<'_>,
    call: impl FnOnce(&CorpusStore) -> Result<T, ModerationError> + Send + 'static,
) -> Result<T, Error> {
    let store = ctx.data().admin.store.clone();
    blocking(move || call(&store))
        .await?
        .map_err(|err| UserError::reply(refusal(ctx, &err)).into())
}

/// Shows `question` with Confirm (labelled `button`) and Cancel; once
/// confirmed, makes the change ([`apply`]) and shows the outcome in place
/// of the preview.
pub async fn confirm_and_apply(
    ctx: Context<'_>,
    question: Reply,
    button: &str,
    request: ChangeRequest,
) -> Result<(), Error> {
    confirm_and_apply_by(ctx, question, button, request, confirm::window()).await
}

/// [`confirm_and_apply`] within a command's window ending at `deadline`.
pub async fn confirm_and_apply_by(
    ctx: Context<'_>,
    question: Reply,
    button: &str,
    request: ChangeRequest,
    deadline: std::time::Instant,
) -> Result<(), Error> {
    let Some(clicked) = confirm::confirm_by(ctx, question, button, deadline).await? else {
        return Ok(());
    };
    let outcome = apply(ctx, request).await?;
    confirm::finish(ctx, &clicked, &outcome).await
}

/// Makes the change ([`change::apply`]: through the store, then the engine
/// reloaded so it is live at once), announces it in the audit channel, and
/// says what happened (a refusal included: it replaces the preview).
pub async fn apply(ctx: Context<'_>, request: ChangeRequest) -> Result<Reply, Error> {
    let data = ctx.data();
    let actor = actor(ctx);
    let store = data.admin.store.clone();
    let live = Arc::clone(&data.engine);
    let lock = Arc::clone(&data.admin.changes);
    let outcome = blocking(move || {
        let _one_at_a_time = lock.lock().unwrap_or_else(|p| p.into_inner());
        change::apply(&store, request, &actor, || live.reload())
    })
    .await?;
    let (guild, _) = place(ctx.guild_id(), ctx.channel_id());
    match outcome {
        Ok(Applied { made, live: reload }) => {
            info!(
                action = made.action,
                target = %made.target,
                new_version = made.new_version,
                actor_id = %ctx.author().id,
                guild_id = %guild,
                "corpus changed from Discord"
            );
            announce(
                ctx,
                &view::audit_line(ctx.author().id.get(), &ctx.author().name, &made),
            )
            .await;
            let engine = data.engine.engine();
            Ok(view::changed(
                &made,
                &reload,
                engine.corpus().articles.len(),
                engine.passages().len(),
            ))
        }
        Err(err) => Ok(refusal(ctx, &err)),
    }
}

/// What the moderator reads for a store error; a disk error is logged with
/// its chain and summarised.
pub fn refusal(ctx: Context<'_>, err: &ModerationError) -> Reply {
    if let ModerationError::Io { .. } = err {
        let (guild, channel) = place(ctx.guild_id(), ctx.channel_id());
        warn!(
            command = %ctx.command().qualified_name,
            guild_id = %guild,
            channel_id = %channel,
            error = %err,
            "corpus change failed"
        );
    }
    view::moderation_error(err)
}

/// Posts one line to the audit channel, if the config names one. A failure
/// is logged; the change stands.
pub async fn announce(ctx: Context<'_>, line: &str) {
    let Some(channel) = ctx.data().settings.audit_channel else {
        return;
    };
    let message = Reply::notice(line).to_message();
    if let Err(err) = serenity::ChannelId::new(channel)
        .send_message(ctx.http(), message)
        .await
    {
        warn!(
            channel_id = channel,
            error = %super::redact(&err.to_string()),
            "cannot post to the audit channel"
        );
    }
}

/// The reload outcome of a change, for [`view::changed`].
pub type ReloadOutcome = Result<Reload, crate::engine::EngineError>;
