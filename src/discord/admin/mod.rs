//! `/faq-admin`: moderators keep the corpus current from Discord, through
//! the same [`CorpusStore`] as `infusion-faq corpus …` (validated,
//! versioned, audited) and the [`LiveEngine`] the bot answers from (a change
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
pub mod upload;
pub mod view;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use tracing::{info, warn};

use super::render::Reply;
use super::{place, Context, Error};
use crate::moderation::live::{LiveEngine, Reload};
use crate::moderation::store::{CorpusStore, ModerationError};
use crate::moderation::Actor;

/// What a member without the permission reads.
pub const NOT_A_MODERATOR: &str =
    "Only moderators can use /faq-admin: members with the Manage Server permission or a moderator role.";

/// The moderators' side of the bot's state.
pub struct Admin {
    pub live: Arc<LiveEngine>,
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
    pub fn new(
        live: Arc<LiveEngine>,
        download_timeout: std::time::Duration,
    ) -> anyhow::Result<Admin> {
        let store = CorpusStore::new(&live.paths().corpus);
        let downloads = reqwest::Client::builder()
            .connect_timeout(download_timeout)
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .context("cannot set up the HTTP client for uploads")?;
        Ok(Admin {
            live,
            store,
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

/// Downloads an uploaded file; `None` when it could not be read (the
/// moderator has been told why).
pub async fn fetch_upload(
    ctx: Context<'_>,
    file: &serenity::Attachment,
) -> Result<Option<Vec<u8>>, Error> {
    let data = ctx.data();
    match upload::fetch(&data.admin.downloads, file, data.settings.download_timeout).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) => {
            say(ctx, view::upload_error(&err)).await?;
            Ok(None)
        }
    }
}

/// Runs `call` on the corpus store on the blocking pool; `None` when the
/// store refused (the moderator has been told why).
pub async fn store_call<T: Send + 'static>(
    ctx: Context<'_>,
    call: impl FnOnce(&CorpusStore) -> Result<T, ModerationError> + Send + 'static,
) -> Result<Option<T>, Error> {
    let store = ctx.data().admin.store.clone();
    match blocking(move || call(&store)).await? {
        Ok(value) => Ok(Some(value)),
        Err(err) => {
            say(ctx, refusal(ctx, &err)).await?;
            Ok(None)
        }
    }
}

/// Shows `question` with Confirm (labelled `button`) and Cancel; once
/// confirmed, makes `change` ([`apply`]) and shows the outcome in place of
/// the preview.
pub async fn confirm_and_apply(
    ctx: Context<'_>,
    question: Reply,
    button: &str,
    change: Change,
) -> Result<(), Error> {
    let Some(clicked) = confirm::confirm(ctx, question, button).await? else {
        return Ok(());
    };
    let outcome = apply(ctx, change).await?;
    confirm::finish(ctx, &clicked, &outcome).await
}

/// A corpus change, made once confirmed.
#[derive(Debug, Clone)]
pub enum Change {
    Add {
        file_name: String,
        bytes: Vec<u8>,
    },
    Replace {
        id: String,
        file_name: String,
        bytes: Vec<u8>,
        /// The previewed version's digest: a newer one is not overwritten.
        base: Option<String>,
    },
    Remove {
        id: String,
    },
    /// An article's version, or the synonyms file's (id
    /// [`crate::moderation::store::SYNONYMS_ID`]).
    Restore {
        id: String,
        version: u32,
    },
    Synonyms {
        bytes: Vec<u8>,
    },
}

/// Makes `change` through the store, reloads the engine so it is live at
/// once, announces it in the audit channel, and says what happened.
pub async fn apply(ctx: Context<'_>, change: Change) -> Result<Reply, Error> {
    let data = ctx.data();
    let actor = actor(ctx);
    let store = data.admin.store.clone();
    let live = Arc::clone(&data.admin.live);
    let lock = Arc::clone(&data.admin.changes);
    let outcome = blocking(move || {
        let _one_at_a_time = lock.lock().unwrap_or_else(|p| p.into_inner());
        let changed = match change {
            Change::Add { file_name, bytes } => store.add(&file_name, &bytes, &actor),
            Change::Replace {
                id,
                file_name,
                bytes,
                base,
            } => store.replace(&id, &file_name, &bytes, base.as_deref(), &actor),
            Change::Remove { id } => store.remove(&id, &actor),
            Change::Restore { id, version } => store.restore(&id, version, &actor),
            Change::Synonyms { bytes } => store.replace_synonyms(&bytes, &actor),
        }?;
        // Made: live at once.
        Ok::<_, ModerationError>((changed, live.reload()))
    })
    .await?;
    let (guild, _) = place(ctx.guild_id(), ctx.channel_id());
    match outcome {
        Ok((changed, reload)) => {
            info!(
                action = changed.action,
                target = %changed.target,
                new_version = changed.new_version,
                actor_id = %ctx.author().id,
                guild_id = %guild,
                "corpus changed from Discord"
            );
            announce(
                ctx,
                &view::audit_line(ctx.author().id.get(), &ctx.author().name, &changed),
            )
            .await;
            let engine = data.admin.live.engine();
            Ok(view::changed(
                &changed,
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
