//! Confirm / Cancel under a preview. The command that shows the preview
//! waits (at most `confirm_timeout_seconds`) for the moderator's click,
//! which the event handler hands over through [`Pending`]; after the
//! timeout the preview says it expired and nothing changed. At most
//! [`PENDING_MAX`] previews wait at once: nothing queues without bound.

use std::collections::HashMap;
use std::sync::Mutex;

use poise::serenity_prelude as serenity;
use tokio::sync::oneshot;
use tracing::info;

use super::super::errors::UserError;
use super::super::reply::{self, Button, ButtonStyle, Reply};
use super::super::{Context, Data, Error};
use super::{say, view};
use crate::text::duration;

/// Custom ids of the Confirm and Cancel buttons start with this.
pub const PREFIX: &str = "fa:";
/// Previews waiting for a click, at most.
pub const PENDING_MAX: usize = 16;

pub const BUSY: &str = "Too many changes are waiting for confirmation. Confirm or cancel one, or wait for it to expire, then try again.";
pub const CANCELLED: &str = "Cancelled: nothing changed.";
pub const SAVING: &str = "Saving…";
pub const GONE: &str =
    "This preview has expired or was already answered: nothing changed. Run the command again to start over.";
pub const NOT_YOURS: &str = "Only the moderator who started this change can confirm or cancel it.";

/// The previews waiting for a click, by the id of the command interaction
/// that showed them.
#[derive(Debug, Default)]
pub struct Pending {
    waiters: Mutex<HashMap<u64, Waiter>>,
}

#[derive(Debug)]
struct Waiter {
    moderator: u64,
    /// What its components say after the prefix (`ok`, `no`, `pick`): a
    /// click on an earlier step's button under the same nonce is not its.
    accepts: Vec<String>,
    click: oneshot::Sender<serenity::ComponentInteraction>,
}

impl Pending {
    fn register(
        &self,
        nonce: u64,
        moderator: u64,
    ) -> Option<oneshot::Receiver<serenity::ComponentInteraction>> {
        let mut waiters = self.waiters.lock().unwrap_or_else(|p| p.into_inner());
        if waiters.len() >= PENDING_MAX {
            return None;
        }
        let (tx, rx) = oneshot::channel();
        waiters.insert(
            nonce,
            Waiter {
                moderator,
                accepts: Vec::new(),
                click: tx,
            },
        );
        Some(rx)
    }

    fn accept(&self, nonce: u64, what: &str) {
        let mut waiters = self.waiters.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(waiter) = waiters.get_mut(&nonce) {
            waiter.accepts.push(what.to_string());
        }
    }

    fn forget(&self, nonce: u64) {
        self.waiters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&nonce);
    }
}

/// A command waiting for a click on one of its messages' components
/// (custom ids `fa:<what>:<nonce>`, the nonce its interaction's id). The
/// waiter is forgotten however the command ends.
pub struct Wait<'a> {
    pending: &'a Pending,
    nonce: u64,
    click: oneshot::Receiver<serenity::ComponentInteraction>,
}

impl<'a> Wait<'a> {
    /// Starts waiting for the moderator running `ctx`; a [`UserError`]
    /// when too many are waiting.
    pub fn start(ctx: Context<'a>) -> Result<Wait<'a>, Error> {
        let data = ctx.data();
        let nonce = nonce(ctx);
        let click = data
            .admin
            .pending
            .register(nonce, ctx.author().id.get())
            .ok_or_else(|| UserError::new(BUSY))?;
        Ok(Wait {
            pending: &data.admin.pending,
            nonce,
            click,
        })
    }

    /// The custom id of a component whose click this wait receives.
    pub fn custom_id(&self, what: &str) -> String {
        self.pending.accept(self.nonce, what);
        format!("{PREFIX}{what}:{}", self.nonce)
    }

    /// The click, or `None` after `timeout`.
    pub async fn click(
        mut self,
        timeout: std::time::Duration,
    ) -> Option<serenity::ComponentInteraction> {
        match tokio::time::timeout(timeout, &mut self.click).await {
            Ok(Ok(clicked)) => Some(clicked),
            Ok(Err(_)) => None,
            Err(_) => {
                // A click may have been handed over just as the time ran out.
                self.pending.forget(self.nonce);
                self.click.try_recv().ok()
            }
        }
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        self.pending.forget(self.nonce);
    }
}

/// What poise's `Context::id()` returns; that method is only there with
/// poise's `chrono` feature, which would switch serenity's timestamps to
/// chrono for this one line.
fn nonce(ctx: Context<'_>) -> u64 {
    match ctx {
        poise::Context::Application(app) => app.interaction.id.get(),
        poise::Context::Prefix(prefix) => prefix.msg.id.get(),
    }
}

/// What a component's custom id says after the prefix: `fa:teach2:…` →
/// `teach2`.
pub fn what(custom_id: &str) -> &str {
    custom_id
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.split(':').next())
        .unwrap_or("")
}

/// Shows `preview` with Confirm (labelled `action`) and Cancel, and waits.
/// Returns the Confirm click, already acknowledged ("Saving…", buttons
/// gone); `None` when cancelled or expired (the moderator has been told);
/// a [`UserError`] when too many are waiting.
pub async fn confirm(
    ctx: Context<'_>,
    preview: Reply,
    action: &str,
) -> Result<Option<serenity::ComponentInteraction>, Error> {
    confirm_by(ctx, preview, action, window()).await
}

/// How long a command may talk to Discord through its own interaction:
/// 15 minutes after it was run, less a minute's margin.
pub const WINDOW: std::time::Duration = std::time::Duration::from_secs(14 * 60);

/// The end of the window of a command running now (called as it starts).
pub fn window() -> std::time::Instant {
    std::time::Instant::now() + WINDOW
}

/// The wait for a click: `confirm_timeout_seconds`, or less when the
/// command's window ends sooner (a flow of several steps, as teaching is).
pub fn wait_for(ctx: Context<'_>, deadline: std::time::Instant) -> std::time::Duration {
    ctx.data()
        .settings
        .confirm_timeout
        .min(deadline.saturating_duration_since(std::time::Instant::now()))
}

/// [`confirm`] within a command's window ending at `deadline`.
pub async fn confirm_by(
    ctx: Context<'_>,
    mut preview: Reply,
    action: &str,
    deadline: std::time::Instant,
) -> Result<Option<serenity::ComponentInteraction>, Error> {
    let wait = Wait::start(ctx)?;
    let timeout = wait_for(ctx, deadline);
    preview.content = view::join_content(&[
        &preview.content,
        &format!(
            "This preview expires in {}: nothing changes unless you confirm.",
            duration(timeout)
        ),
    ]);
    preview.buttons = vec![
        Button::new(wait.custom_id("ok"), action, ButtonStyle::Success),
        Button::new(wait.custom_id("no"), "Cancel", ButtonStyle::Secondary),
    ];
    let handle = say(ctx, preview.clone()).await?;
    let Some(clicked) = wait.click(timeout).await else {
        preview.buttons.clear();
        preview.content = format!(
            "⌛ This preview expired after {}: nothing changed. Run the command again to start over.",
            duration(timeout)
        );
        handle.edit(ctx, preview.to_poise(true)).await?;
        info!(command = %ctx.command().qualified_name, "preview expired");
        return Ok(None);
    };
    let confirmed = what(&clicked.data.custom_id) == "ok";
    let text = if confirmed { SAVING } else { CANCELLED };
    let update = serenity::CreateInteractionResponseMessage::new()
        .content(text)
        .components(Vec::new())
        .allowed_mentions(reply::no_mentions());
    clicked
        .create_response(
            ctx.http(),
            serenity::CreateInteractionResponse::UpdateMessage(update),
        )
        .await?;
    info!(command = %ctx.command().qualified_name, confirmed, "preview answered");
    Ok(confirmed.then_some(clicked))
}

/// Shows the outcome of a confirmed change in place of "Saving…".
pub async fn finish(
    ctx: Context<'_>,
    clicked: &serenity::ComponentInteraction,
    outcome: &Reply,
) -> Result<(), Error> {
    let mut edit = serenity::EditInteractionResponse::new()
        .content(&outcome.content)
        .allowed_mentions(reply::no_mentions());
    if !outcome.embeds.is_empty() {
        edit = edit.embeds(view::serenity_embeds(outcome));
    }
    clicked.edit_response(ctx.http(), edit).await?;
    Ok(())
}

/// A Confirm or Cancel click: handed to the command waiting for it, else
/// the stale preview is told it expired.
pub async fn on_click(
    ctx: &serenity::Context,
    data: &Data,
    interaction: &serenity::ComponentInteraction,
) -> anyhow::Result<()> {
    let nonce = interaction
        .data
        .custom_id
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(_, n)| n.parse::<u64>().ok());
    let clicked = what(&interaction.data.custom_id);
    // Whose click it is, looked up once.
    let claim = match nonce {
        None => Claim::Gone,
        Some(nonce) => {
            let mut waiters = data
                .admin
                .pending
                .waiters
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            match waiters.get(&nonce) {
                Some(w) if w.moderator != interaction.user.id.get() => Claim::NotYours,
                // A button of an earlier step of the same command (a Teach
                // button while its Confirm waits): stale, and left alone.
                Some(w) if !w.accepts.iter().any(|a| a == clicked) => Claim::Gone,
                Some(_) => waiters.remove(&nonce).map_or(Claim::Gone, Claim::Mine),
                None => Claim::Gone,
            }
        }
    };
    let not_yours = matches!(claim, Claim::NotYours);
    let unclaimed = match claim {
        Claim::Mine(waiter) => match waiter.click.send(interaction.clone()) {
            Ok(()) => return Ok(()),
            // The command stopped waiting just now: the preview is gone.
            Err(click) => click,
        },
        Claim::NotYours | Claim::Gone => interaction.clone(),
    };
    let response = if not_yours {
        // Someone else's preview (it is ephemeral, so this is rare).
        serenity::CreateInteractionResponse::Message(
            serenity::CreateInteractionResponseMessage::new()
                .content(NOT_YOURS)
                .ephemeral(true)
                .allowed_mentions(reply::no_mentions()),
        )
    } else {
        serenity::CreateInteractionResponse::UpdateMessage(
            serenity::CreateInteractionResponseMessage::new()
                .content(GONE)
                .components(Vec::new())
                .allowed_mentions(reply::no_mentions()),
        )
    };
    unclaimed.create_response(&ctx.http, response).await?;
    Ok(())
}

/// Whose a Confirm or Cancel click is.
enum Claim {
    /// The waiting preview of the moderator who clicked: taken from [`Pending`].
    Mine(Waiter),
    /// Another moderator's preview, still waiting.
    NotYours,
    /// No preview waits for it (expired, answered, or an unknown id).
    Gone,
}
