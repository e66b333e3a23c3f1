//! The Discord bot: start-up, the poise framework, error handling and the
//! shared state. It is a thin layer over the answer engine: every feature
//! file turns verdicts into messages and nothing here ranks anything.
//!
//! A question's path: a door's handler ([`ask`], [`find_answer`],
//! [`mentions`]) hands it to [`answer::answer`], the one pipeline (rate
//! limit, engine, feedback side, reply, log line); a refusal comes back as
//! an [`errors::UserError`], which [`on_error`] shows.
//!
//! - [`answer`] — the answer pipeline, whatever the door
//! - [`ask`] — `/ask question:<text> [private:<bool>]`
//! - [`find_answer`] — the "Find answer" message context-menu command
//! - [`mentions`] — mentions in configured channels, and DMs
//! - [`sources`] — `/sources`
//! - [`admin`] — `/faq-admin …`, the moderators' commands
//! - [`feedback`] — 👍 / 👎 under answers, and "no answer" counts
//! - [`render`] — verdict → content and embeds
//! - [`reply`] — the message model and Discord's limits
//! - [`markdown`] — escaping member and article text, cutting it to fit
//! - [`rate_limit`] — the per-member rate limit
//! - [`review`] — the weekly audit-channel line of articles due for review
//! - [`errors`] — what a member or moderator is told, shown in one place
//!
//! Privacy: at the `info` level the bot logs the door a question came
//! through, the verdict, the latency and guild/channel ids; never the
//! question text, nor who asked. The token is never logged.

pub mod admin;
pub mod answer;
pub mod ask;
pub mod errors;
pub mod feedback;
pub mod find_answer;
pub mod markdown;
pub mod mentions;
pub mod rate_limit;
pub mod render;
pub mod reply;
pub mod review;
pub mod sources;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context as _};
use poise::serenity_prelude as serenity;
use tracing::{error, info, warn};

use crate::config::{Config, DiscordConfig, TOKEN_ENV};
use crate::feedback::FeedbackStore;
use crate::moderation::live::LiveEngine;
use rate_limit::RateLimiter;
use reply::Reply;

/// Errors of commands and handlers: a [`errors::UserError`] is shown as it
/// is; for any other the member sees [`SORRY`], the log the chain.
pub type Error = anyhow::Error;
/// The poise context of this bot's commands.
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// What a member reads when answering failed.
pub const SORRY: &str =
    "Sorry, something went wrong while answering. Please try again in a moment.";

/// The bot's settings, checked once at start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub guilds: Vec<u64>,
    pub mention_channels: HashSet<u64>,
    pub answer_dms: bool,
    pub rate_limit_questions: u32,
    pub rate_limit_seconds: u64,
    pub defer_after: Duration,
    pub api_url: Option<String>,
    /// Roles whose members may use `/faq-admin` without Manage Server.
    pub moderator_roles: HashSet<u64>,
    pub audit_channel: Option<u64>,
    /// `None`: the corpus folder is not watched.
    pub watch_debounce: Option<Duration>,
    pub confirm_timeout: Duration,
    pub download_timeout: Duration,
    /// `review_after_days` (a top-level key, set by [`serve_with_engine`]).
    pub review_after_days: u32,
    /// How often the articles due for review are posted to the audit
    /// channel; `None`: never.
    pub review_reminder_interval: Option<Duration>,
    /// For the bot benchmark only (hidden `serve` flags): answers that
    /// leave the engine out, so that a run can tell the engine's share of a
    /// reply's time from the rest of the bot's.
    pub bench: BenchAnswers,
}

/// How the bot gets its verdicts: from the engine, or (benchmarks only)
/// without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BenchAnswers {
    /// Every question is asked of the engine.
    #[default]
    Engine,
    /// `--constant-answer`: every question gets one verdict computed at
    /// start, an answer of one passage.
    Constant,
    /// `--replay-answers`: each distinct question's verdict is computed by
    /// the engine the first time, then replayed; the replies (their
    /// passages, buttons, the "not covered" counts) are the real bot's,
    /// only the engine's work is left out.
    Replay,
}

/// The longest a preview may wait: Discord lets the bot edit its reply for
/// 15 minutes after the command.
pub const CONFIRM_TIMEOUT_MAX_SECONDS: u64 = 840;

impl Settings {
    /// Checks the `[discord]` section; errors are one sentence.
    pub fn from_config(discord: &DiscordConfig) -> anyhow::Result<Settings> {
        if discord.guilds.contains(&0)
            || discord.mention_channels.contains(&0)
            || discord.moderator_roles.contains(&0)
            || discord.audit_channel == Some(0)
        {
            bail!("[discord] guilds, mention_channels, moderator_roles and audit_channel hold Discord ids, which are never 0");
        }
        if !(1..=CONFIRM_TIMEOUT_MAX_SECONDS).contains(&discord.confirm_timeout_seconds) {
            bail!("[discord] confirm_timeout_seconds must be between 1 and {CONFIRM_TIMEOUT_MAX_SECONDS} (Discord lets the bot edit its reply for 15 minutes)");
        }
        if discord.download_timeout_ms == 0 {
            bail!("[discord] download_timeout_ms must be at least 1");
        }
        if discord.rate_limit_questions > 0 && discord.rate_limit_seconds == 0 {
            bail!("[discord] rate_limit_seconds must be at least 1 (or set rate_limit_questions = 0 to turn the limit off)");
        }
        let api_url = match discord.api_url.as_deref().map(str::trim) {
            None => None,
            Some(url) => {
                let rest = url
                    .strip_prefix("http://")
                    .or_else(|| url.strip_prefix("https://"));
                match rest {
                    Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
                        Some(url.trim_end_matches('/').to_string())
                    }
                    _ => bail!(
                        "[discord] api_url {url:?} is not a base URL like \"http://127.0.0.1:3000\""
                    ),
                }
            }
        };
        Ok(Settings {
            guilds: discord.guilds.clone(),
            mention_channels: discord.mention_channels.iter().copied().collect(),
            answer_dms: discord.answer_dms,
            rate_limit_questions: discord.rate_limit_questions,
            rate_limit_seconds: discord.rate_limit_seconds,
            defer_after: Duration::from_millis(discord.defer_after_ms),
            api_url,
            moderator_roles: discord.moderator_roles.iter().copied().collect(),
            audit_channel: discord.audit_channel,
            watch_debounce: (discord.watch_debounce_ms > 0)
                .then(|| Duration::from_millis(discord.watch_debounce_ms)),
            confirm_timeout: Duration::from_secs(discord.confirm_timeout_seconds),
            download_timeout: Duration::from_millis(discord.download_timeout_ms),
            review_after_days: crate::corpus::review::DEFAULT_REVIEW_AFTER_DAYS,
            review_reminder_interval: (discord.review_reminder_interval_ms > 0)
                .then(|| Duration::from_millis(discord.review_reminder_interval_ms)),
            bench: BenchAnswers::Engine,
        })
    }

    /// Message intents only when messages are answered (Message Content is
    /// privileged: it must be switched on in the Developer Portal).
    pub fn intents(&self) -> serenity::GatewayIntents {
        let mut intents = serenity::GatewayIntents::empty();
        if !self.mention_channels.is_empty() {
            intents |= serenity::GatewayIntents::GUILD_MESSAGES;
        }
        if self.answer_dms {
            intents |= serenity::GatewayIntents::DIRECT_MESSAGES;
        }
        if !intents.is_empty() {
            intents |= serenity::GatewayIntents::MESSAGE_CONTENT;
        }
        intents
    }
}

/// State shared by every command and handler.
pub struct Data {
    pub limiter: RateLimiter,
    pub settings: Settings,
    /// Questions the engine may work on at once (two per core).
    pub engine_slots: tokio::sync::Semaphore,
    /// The engine questions are answered from; a rebuilt one is swapped in
    /// while serving.
    pub engine: Arc<LiveEngine>,
    /// Votes and unanswered questions.
    pub feedback: feedback::Feedback,
    /// The moderators' commands' state: the corpus store, uploads, previews
    /// waiting for Confirm.
    pub admin: admin::Admin,
    /// Benchmarks only: the verdicts that stand in for the engine's.
    pub shortcut: Option<answer::Shortcut>,
}

impl Data {
    pub fn new(
        live: Arc<LiveEngine>,
        settings: Settings,
        feedback: feedback::Feedback,
    ) -> anyhow::Result<Data> {
        Ok(Data {
            admin: admin::Admin::new(&live.paths().corpus, settings.download_timeout)?,
            shortcut: None,
            engine: live,
            feedback,
            limiter: RateLimiter::new(
                settings.rate_limit_questions,
                Duration::from_secs(settings.rate_limit_seconds),
            ),
            settings,
            engine_slots: tokio::sync::Semaphore::new(
                2 * std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
        })
    }
}

/// The bot token from the config, checked for shape. Errors never show it.
pub fn bot_token(discord: &DiscordConfig) -> anyhow::Result<String> {
    let Some(token) = &discord.token else {
        bail!("no Discord bot token: set the environment variable {TOKEN_ENV} (or `token` under [discord] in the config file)");
    };
    let token = token.expose().trim();
    let token = token.strip_prefix("Bot ").unwrap_or(token);
    if serenity::utils::token::validate(token).is_err()
        || !token.chars().all(|c| c.is_ascii_graphic())
    {
        bail!("the Discord bot token is malformed: it is three dot-separated parts, as copied from the Developer Portal (Bot → Reset Token)");
    }
    Ok(token.to_string())
}

/// `infusion-faq serve`: opens the live engine (rebuilding the index if it
/// is missing or stale), the feedback database and the corpus watcher, and
/// runs the bot until Ctrl-C or SIGTERM, or until Discord ends the session
/// for good (e.g. a rejected token).
pub async fn serve(config: Config, bench: BenchAnswers) -> anyhow::Result<()> {
    // Check what needs no network first: a bad token or setting fails fast.
    let token = bot_token(&config.discord)?;
    let mut settings = Settings::from_config(&config.discord)?;
    settings.bench = bench;
    let paths = config.paths();
    let engine_settings = config.engine.clone();
    let live = tokio::task::spawn_blocking(move || LiveEngine::open(paths, engine_settings))
        .await
        .context("the engine build stopped")?
        .context("cannot open the answer engine")?;
    let database = config.feedback.database.clone();
    let store = tokio::task::spawn_blocking(move || FeedbackStore::open(&database))
        .await
        .context("opening the feedback database stopped")??;
    // Changes on disk (an editor, `git pull`, another bot process) go live.
    // Without a watcher (e.g. inotify exhausted) the bot still serves, and
    // `/faq-admin reload` still picks changes up.
    let _watcher = match settings.watch_debounce.map(|debounce| live.watch(debounce)) {
        Some(Ok(watcher)) => Some(watcher),
        Some(Err(err)) => {
            warn!(error = %err, "cannot watch the corpus folder; changes on disk go live with /faq-admin reload");
            None
        }
        None => None,
    };
    serve_with_engine(&config, &token, settings, live, Arc::new(store)).await
}

/// Runs the bot with a checked token ([`bot_token`]) and settings
/// ([`Settings::from_config`]) on a live engine (which reloads swap while it
/// serves) and a feedback store.
pub async fn serve_with_engine(
    config: &Config,
    token: &str,
    mut settings: Settings,
    live: Arc<LiveEngine>,
    feedback_store: Arc<FeedbackStore>,
) -> anyhow::Result<()> {
    let mut http = serenity::HttpBuilder::new(token).default_allowed_mentions(reply::no_mentions());
    if let Some(url) = &settings.api_url {
        // serenity only honours a proxy with its own rate limiter off; the
        // proxy (twilight-http-proxy, a test's fake) does the rate limiting.
        http = http.proxy(url).ratelimiter_disabled(true);
    }
    let http = http.build();
    let me = http.get_current_user().await.map_err(|err| match &err {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response))
            if response.status_code.as_u16() == 401 =>
        {
            anyhow::anyhow!("Discord rejected the bot token (401 Unauthorized): check {TOKEN_ENV}")
        }
        _ => anyhow::anyhow!("cannot reach Discord: {}", redact(&err.to_string())),
    })?;
    info!(bot_id = %me.id, api_url = settings.api_url.as_deref().unwrap_or("https://discord.com"), "token accepted");

    settings.review_after_days = config.review_after_days;
    let intents = settings.intents();
    let guilds = settings.guilds.clone();
    let corpus_dir = live.paths().corpus.clone();
    let reminder = (settings.audit_channel, settings.review_reminder_interval);
    let feedback = feedback::Feedback::new(Arc::clone(&feedback_store), config.feedback.clone());
    let shortcut = match settings.bench {
        BenchAnswers::Engine => None,
        BenchAnswers::Constant => {
            warn!("benchmark mode: every question gets one constant verdict");
            Some(answer::Shortcut::Constant(
                live.engine().ask("How often is Tysabri given?"),
            ))
        }
        BenchAnswers::Replay => {
            warn!("benchmark mode: each question's first verdict is replayed");
            Some(answer::Shortcut::Replay(Default::default()))
        }
    };
    let mut data = Data::new(live, settings, feedback)?;
    data.admin.import = config.import.clone();
    data.shortcut = shortcut;
    // Recorded question texts past their retention are deleted hourly.
    let expiry = tokio::spawn(feedback::expire_periodically(
        feedback_store,
        config.feedback.retention_days,
    ));
    let _stop_expiry = AbortOnDrop(expiry);
    let options = poise::FrameworkOptions {
        commands: vec![
            ask::ask(),
            find_answer::find_answer(),
            sources::sources(),
            admin::faq_admin(),
        ],
        on_error: |error| Box::pin(on_error(error)),
        event_handler: |framework, event| Box::pin(on_event(framework, event)),
        allowed_mentions: Some(reply::no_mentions()),
        // The rate limit is ours ([`RateLimiter`], pruned as windows pass);
        // poise's cooldown tracker would remember every member forever.
        manual_cooldowns: true,
        prefix_options: poise::PrefixFrameworkOptions {
            prefix: None,
            mention_as_prefix: false,
            ..Default::default()
        },
        ..Default::default()
    };
    let framework = poise::Framework::builder()
        .options(options)
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                register_commands(ctx, &framework.options().commands, &guilds).await;
                info!(bot_id = %ready.user.id, guilds = ready.guilds.len(), "connected to the gateway");
                Ok(data)
            })
        })
        .build();
    let mut client = serenity::ClientBuilder::new_with_http(http, intents)
        .framework(framework)
        .await
        .context("cannot start the Discord client")?;
    let shards = client.shard_manager.clone();
    // The articles due for review, posted to the audit channel weekly.
    let _stop_reminder = match reminder {
        (Some(channel), Some(interval)) => Some(AbortOnDrop(tokio::spawn(
            review::remind_periodically(review::Reminder {
                http: Arc::clone(&client.http),
                channel,
                corpus: corpus_dir,
                state: config.index.join(review::STATE_FILE),
                interval,
                review_after_days: config.review_after_days,
            }),
        ))),
        _ => None,
    };
    tokio::spawn(async move {
        shutdown_signal().await;
        info!("shutting down");
        shards.shutdown_all().await;
    });
    client.start().await.map_err(|err| match err {
        serenity::Error::Gateway(serenity::GatewayError::InvalidAuthentication) => {
            anyhow::anyhow!("Discord rejected the bot token: check {TOKEN_ENV}")
        }
        serenity::Error::Gateway(serenity::GatewayError::DisallowedGatewayIntents) => {
            anyhow::anyhow!("Discord refused the Message Content intent: switch it on in the Developer Portal (Bot → Privileged Gateway Intents), or leave mention_channels empty and answer_dms off")
        }
        other => anyhow::anyhow!("the Discord connection failed: {}", redact(&other.to_string())),
    })
}

/// Registers the commands in each configured guild (instant), else globally.
async fn register_commands(
    ctx: &serenity::Context,
    commands: &[poise::Command<Data, Error>],
    guilds: &[u64],
) {
    if guilds.is_empty() {
        match poise::builtins::register_globally(ctx, commands).await {
            Ok(()) => info!(commands = commands.len(), "commands registered globally"),
            Err(err) => error!(error = %redact(&err.to_string()), "cannot register the commands"),
        }
    }
    for &guild in guilds {
        let id = serenity::GuildId::new(guild);
        match poise::builtins::register_in_guild(ctx, commands, id).await {
            Ok(()) => info!(
                guild_id = guild,
                commands = commands.len(),
                "commands registered in guild"
            ),
            Err(err) => {
                error!(guild_id = guild, error = %redact(&err.to_string()), "cannot register the commands")
            }
        }
    }
}

/// Aborts a background task when the bot stops.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn on_event(
    framework: poise::FrameworkContext<'_, Data, Error>,
    event: &serenity::FullEvent,
) -> Result<(), Error> {
    match event {
        serenity::FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Component(component),
        } => {
            let ctx = framework.serenity_context;
            let id = component.data.custom_id.as_str();
            if id.starts_with(feedback::PREFIX) {
                feedback::on_click(ctx, framework.user_data, component).await
            } else if id.starts_with(admin::confirm::PREFIX) {
                admin::confirm::on_click(ctx, framework.user_data, component).await
            } else {
                Ok(())
            }
        }
        serenity::FullEvent::Message { new_message } => {
            let ctx = framework.serenity_context;
            mentions::on_message(ctx, new_message, framework.bot_id(), framework.user_data).await
        }
        serenity::FullEvent::Resume { .. } => {
            info!("gateway session resumed");
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Logs the error chain (without question text or names) and tells the
/// member, when there is one to tell, a short sentence.
async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            let (guild, channel) = place(ctx.guild_id(), ctx.channel_id());
            if let Some(refusal) = errors::user_error(&error) {
                // Already logged where it was decided, without member text.
                if let Err(err) = ctx.send(refusal.to_reply().to_poise(true)).await {
                    warn!(error = %redact(&err.to_string()), "cannot tell the member");
                }
                return;
            }
            warn!(
                command = %ctx.command().qualified_name,
                guild_id = %guild,
                channel_id = %channel,
                error = %redact(&format!("{error:#}")),
                "command failed"
            );
            if let Err(err) = ctx.send(Reply::notice(SORRY).to_poise(true)).await {
                warn!(error = %redact(&err.to_string()), "cannot tell the member");
            }
        }
        poise::FrameworkError::EventHandler {
            error,
            event,
            framework,
            ..
        } => {
            if let (Some(refusal), serenity::FullEvent::Message { new_message }) =
                (errors::user_error(&error), event)
            {
                // A message's refusal is a reply to it.
                let reference =
                    serenity::MessageReference::from(new_message).fail_if_not_exists(false);
                let message = refusal.to_reply().to_message().reference_message(reference);
                if let Err(err) = new_message
                    .channel_id
                    .send_message(&framework.serenity_context.http, message)
                    .await
                {
                    warn!(error = %redact(&err.to_string()), "cannot tell the member");
                }
                return;
            }
            warn!(
                event = event.snake_case_name(),
                error = %redact(&format!("{error:#}")),
                "event handler failed"
            );
        }
        poise::FrameworkError::CommandCheckFailed {
            error: None, ctx, ..
        } => {
            // The moderator check said no: tell the member, privately.
            let (guild, channel) = place(ctx.guild_id(), ctx.channel_id());
            info!(
                command = %ctx.command().qualified_name,
                guild_id = %guild,
                channel_id = %channel,
                "moderator command refused"
            );
            if let Err(err) = ctx
                .send(Reply::notice(admin::NOT_A_MODERATOR).to_poise(true))
                .await
            {
                warn!(error = %redact(&err.to_string()), "cannot tell the member");
            }
        }
        poise::FrameworkError::Setup { error, .. } => {
            error!(error = %redact(&format!("{error:#}")), "start-up failed");
        }
        other => {
            // Other framework errors can quote the member's input: log their
            // kind only.
            let command = other
                .ctx()
                .map(|ctx| ctx.command().qualified_name.to_string())
                .unwrap_or_default();
            warn!(
                command,
                kind = framework_error_kind(&other),
                "interaction not handled"
            );
            if let Some(ctx) = other.ctx() {
                let _ = ctx.send(Reply::notice(SORRY).to_poise(true)).await;
            }
        }
    }
}

fn framework_error_kind(error: &poise::FrameworkError<'_, Data, Error>) -> &'static str {
    use poise::FrameworkError as E;
    match error {
        E::ArgumentParse { .. } => "argument_parse",
        E::CommandStructureMismatch { .. } => "command_structure_mismatch",
        E::CommandPanic { .. } => "command_panic",
        E::UnknownInteraction { .. } => "unknown_interaction",
        E::MissingBotPermissions { .. } => "missing_bot_permissions",
        E::MissingUserPermissions { .. } => "missing_user_permissions",
        _ => "other",
    }
}

/// Ids for the log: ("dm" or the guild id, the channel id).
pub fn place(guild: Option<serenity::GuildId>, channel: serenity::ChannelId) -> (String, String) {
    (
        guild.map_or_else(|| "dm".to_string(), |g| g.to_string()),
        channel.to_string(),
    )
}

/// Hides interaction and webhook tokens that error messages may carry in URLs.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = ["/interactions/", "/webhooks/"]
        .iter()
        .filter_map(|m| rest.find(m).map(|i| (i, m.len())))
        .min()
    {
        let (i, len) = at;
        out.push_str(&rest[..i + len]);
        rest = &rest[i + len..];
        // Keep the id, hide the token after it.
        let id_end = rest.find('/').unwrap_or(rest.len());
        out.push_str(&rest[..id_end]);
        rest = &rest[id_end..];
        if let Some(after) = rest.strip_prefix('/') {
            let token_end = after
                .find(|c: char| c == '/' || c == '?' || c == ')' || c.is_whitespace())
                .unwrap_or(after.len());
            out.push_str("/<token>");
            rest = &after[token_end..];
        }
    }
    out.push_str(rest);
    out
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The log filter of `serve` at a given level: serenity's own spans carry
/// whole gateway events (question text included) and one of its warnings
/// prints a payload it could not read, so below `debug` serenity only logs
/// warnings and its gateway reader only errors.
pub fn log_filter(level: &str) -> String {
    let level = level.trim();
    match level.to_ascii_lowercase().as_str() {
        "info" | "warn" => format!("{level},serenity=warn,serenity::gateway::ws=error"),
        _ => level.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    #[test]
    fn tokens_are_checked_without_ever_being_shown() {
        let mut discord = DiscordConfig::default();
        let err = bot_token(&discord).unwrap_err().to_string();
        assert!(err.contains("DISCORD_TOKEN"), "{err}");
        for bad in ["not-a-token", "a.b", "a.b.c.d", "a.b c.d", "Mz\u{e9}.x.y"] {
            discord.token = Some(Secret::new(bad));
            let err = bot_token(&discord).unwrap_err().to_string();
            assert!(err.contains("malformed") && !err.contains(bad), "{err}");
        }
        discord.token = Some(Secret::new("Bot MTIz.NDU2.Nzg5"));
        assert_eq!(bot_token(&discord).unwrap(), "MTIz.NDU2.Nzg5");
    }

    #[test]
    fn bad_settings_are_one_sentence() {
        let mut discord = DiscordConfig {
            api_url: Some("127.0.0.1:3000".into()),
            ..Default::default()
        };
        let err = Settings::from_config(&discord).unwrap_err().to_string();
        assert!(err.contains("api_url") && !err.contains('\n'), "{err}");
        discord.api_url = Some("http://127.0.0.1:3000/".into());
        let settings = Settings::from_config(&discord).unwrap();
        assert_eq!(settings.api_url.as_deref(), Some("http://127.0.0.1:3000"));
        discord.guilds = vec![0];
        assert!(Settings::from_config(&discord).is_err());
    }

    #[test]
    fn moderator_settings_are_checked() {
        let mut discord = DiscordConfig::default();
        let settings = Settings::from_config(&discord).unwrap();
        assert_eq!(settings.confirm_timeout, Duration::from_secs(300));
        assert_eq!(settings.watch_debounce, Some(Duration::from_millis(500)));
        discord.watch_debounce_ms = 0;
        assert_eq!(
            Settings::from_config(&discord).unwrap().watch_debounce,
            None
        );
        for bad in [0, CONFIRM_TIMEOUT_MAX_SECONDS + 1] {
            discord.confirm_timeout_seconds = bad;
            let err = Settings::from_config(&discord).unwrap_err().to_string();
            assert!(err.contains("confirm_timeout_seconds"), "{err}");
        }
        discord.confirm_timeout_seconds = 60;
        discord.moderator_roles = vec![0];
        assert!(Settings::from_config(&discord).is_err());
        discord.moderator_roles = vec![7];
        discord.audit_channel = Some(0);
        assert!(Settings::from_config(&discord).is_err());
        discord.audit_channel = Some(8);
        discord.download_timeout_ms = 0;
        assert!(Settings::from_config(&discord).is_err());
    }

    #[test]
    fn moderators_have_manage_server_administrator_or_a_moderator_role() {
        let member = |permissions: serenity::Permissions, roles: &[u64]| {
            let mut member = serenity::Member::default();
            member.permissions = Some(permissions);
            member.roles = roles.iter().map(|&r| serenity::RoleId::new(r)).collect();
            member
        };
        let roles: HashSet<u64> = [42].into_iter().collect();
        let plain = serenity::Permissions::SEND_MESSAGES | serenity::Permissions::VIEW_CHANNEL;
        for (m, allowed) in [
            (member(plain, &[]), false),
            (member(plain, &[41]), false),
            (member(plain, &[41, 42]), true),
            (
                member(plain | serenity::Permissions::MANAGE_GUILD, &[]),
                true,
            ),
            (member(serenity::Permissions::ADMINISTRATOR, &[]), true),
        ] {
            assert_eq!(
                admin::member_may_moderate(Some(&m), &roles),
                allowed,
                "{m:?}"
            );
        }
        assert!(!admin::member_may_moderate(None, &roles), "never in a DM");
    }

    #[test]
    fn message_intents_are_asked_for_only_when_messages_are_answered() {
        let mut discord = DiscordConfig::default();
        let settings = Settings::from_config(&discord).unwrap();
        assert!(settings.intents().is_empty());
        discord.answer_dms = true;
        let intents = Settings::from_config(&discord).unwrap().intents();
        assert!(intents.contains(serenity::GatewayIntents::MESSAGE_CONTENT));
        assert!(intents.contains(serenity::GatewayIntents::DIRECT_MESSAGES));
        assert!(!intents.contains(serenity::GatewayIntents::GUILD_MESSAGES));
    }

    #[test]
    fn interaction_tokens_are_redacted_from_errors() {
        let text = "error sending request for url (http://x/api/v10/interactions/123/aW50ZXJhY3Rpb24/callback): boom; /webhooks/9/tok?wait=true";
        assert_eq!(
            redact(text),
            "error sending request for url (http://x/api/v10/interactions/123/<token>/callback): boom; /webhooks/9/<token>?wait=true"
        );
        assert_eq!(redact("nothing here"), "nothing here");
    }
}
