//! `spawn_app()`: the real bot (the library's `serve`) in-process, pointed
//! at a fresh fake Discord through `api_url`, on a copy of the shipped
//! corpus with its own index folder. It derefs to the fake, whose helpers
//! say what members do and what the bot answers (see `members`).

use std::ops::Deref;
use std::path::{Path, PathBuf};

use infusion_faq::config::{Config, Secret};
use serde_json::Value;

use super::super::common::{copy_corpus, vector_cache};
use super::payloads;
use super::{schema, FakeDiscord, Request};

/// A well-formed token the fake accepts.
pub const TOKEN: &str = "OTAwMDAwMDAwMDAwMDAwMDAx.GfAkEt.fake-token-for-tests-0123456789abcdef";

pub struct TestApp {
    pub fake: FakeDiscord,
    pub config: Config,
    pub corpus: PathBuf,
    _dir: tempfile::TempDir,
    bot: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// The test configuration: commands in the test guild, mentions answered in
/// [`payloads::MENTION_CHANNEL`], DMs answered, 5 questions per 30 s, no
/// review reminder.
pub fn test_config(fake: &FakeDiscord, dir: &Path) -> Config {
    let mut config = Config {
        corpus: dir.join("corpus"),
        index: dir.join("index"),
        ..Config::default()
    };
    config.discord.token = Some(Secret::new(TOKEN));
    config.discord.api_url = Some(fake.url());
    config.discord.guilds = vec![payloads::GUILD];
    config.discord.mention_channels = vec![payloads::MENTION_CHANNEL];
    config.discord.answer_dms = true;
    config.feedback.database = dir.join("feedback.sqlite3");
    // No review reminder in the audit channel unless a test asks for one
    // (the shipped articles are undated, so always due).
    config.discord.review_reminder_interval_ms = 0;
    // One vector cache for the whole test run: the corpus is embedded once.
    config.engine.vector_cache = Some(vector_cache());
    config
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], after `configure` changed the config (whose corpus
/// folder already holds the copy, so it may add articles).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
    let fake = FakeDiscord::start(TOKEN).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = test_config(&fake, dir.path());
    copy_corpus(&config.corpus);
    configure(&mut config);
    let mut bot = tokio::spawn(infusion_faq::discord::serve(
        config.clone(),
        infusion_faq::discord::BenchAnswers::Engine,
    ));
    // Ready when the commands are registered (poise does it on READY).
    tokio::select! {
        _ = fake.wait_for_registration() => {}
        stopped = &mut bot => panic!("the bot stopped while starting: {stopped:?}"),
    }
    TestApp {
        fake,
        corpus: config.corpus.clone(),
        config,
        _dir: dir,
        bot,
    }
}

/// What members do and what the bot answered: the fake's (see `members`).
impl Deref for TestApp {
    type Target = FakeDiscord;

    fn deref(&self) -> &FakeDiscord {
        &self.fake
    }
}

impl TestApp {
    /// Calls that mention this message or interaction in any way.
    pub fn calls_about(&self, id: u64) -> Vec<Request> {
        let needle = id.to_string();
        self.fake
            .requests()
            .into_iter()
            .filter(|r| {
                r.path.contains(&needle)
                    || r.body
                        .as_ref()
                        .is_some_and(|b| b.to_string().contains(&needle))
            })
            .collect()
    }

    /// The REST calls made after the start-up ones (token check, owner
    /// lookup, gateway URL, command registration).
    pub fn calls_after_start(&self) -> Vec<Request> {
        self.fake
            .requests()
            .into_iter()
            .filter(|r| {
                let start_up = matches!(
                    (r.method.as_str(), r.path.as_str()),
                    ("GET", "/api/v10/users/@me")
                        | ("GET", "/api/v10/oauth2/applications/@me")
                        | ("GET", "/api/v10/gateway")
                ) || r.is_registration();
                !start_up
            })
            .collect()
    }

    /// Checks every recorded call against Discord's spec and limits, that
    /// every call carried the token and none leaked it elsewhere, and stops the bot.
    pub async fn finish(self) {
        let requests = self.fake.requests();
        schema::assert_valid(&requests);
        for request in &requests {
            assert_eq!(
                request.authorization.as_deref(),
                Some(format!("Bot {TOKEN}").as_str()),
                "{}",
                request.line()
            );
            let body = request
                .body
                .as_ref()
                .map(Value::to_string)
                .unwrap_or_default();
            assert!(
                !request.path.contains(TOKEN) && !body.contains(TOKEN),
                "the token leaked into {}",
                request.line()
            );
        }
        assert!(
            !self.bot.is_finished(),
            "the bot stopped: {:?}",
            self.bot.await
        );
        self.bot.abort();
    }
}
