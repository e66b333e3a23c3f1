//! `spawn_app()`: the real bot (the library's `serve`) in-process, pointed
//! at a fresh fake Discord through `api_url`, on a copy of the shipped
//! corpus with its own index folder. Its helpers for what members do and
//! what the bot answers are the fake's (see `members`).

use std::path::{Path, PathBuf};

use infusion_faq::config::{Config, Secret};
use serde_json::Value;

use super::payloads::{self, Member, Place};
use super::{schema, FakeDiscord, Interaction, Request};

/// A well-formed token the fake accepts.
pub const TOKEN: &str = "OTAwMDAwMDAwMDAwMDAwMDAx.GfAkEt.fake-token-for-tests-0123456789abcdef";

pub struct TestApp {
    pub fake: FakeDiscord,
    pub config: Config,
    pub corpus: PathBuf,
    _dir: tempfile::TempDir,
    bot: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// The shipped corpus's folder.
pub fn shipped_corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Copies the shipped corpus (files only) into `to`.
pub fn copy_corpus(to: &Path) {
    std::fs::create_dir_all(to).expect("create the corpus copy");
    for entry in std::fs::read_dir(shipped_corpus()).expect("read corpus/") {
        let entry = entry.expect("corpus entry");
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy a corpus file");
        }
    }
}

/// The test configuration: commands in the test guild, mentions answered in
/// [`payloads::MENTION_CHANNEL`], DMs answered, 5 questions per 30 s.
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
    // One vector cache for the whole test run: the corpus is embedded once.
    config.engine.vector_cache = Some(Path::new(env!("CARGO_TARGET_TMPDIR")).join("vectors"));
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
    let mut bot = tokio::spawn(infusion_faq::discord::serve(config.clone()));
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

impl TestApp {
    // What members do, through the fake (see `members`).

    pub async fn ask(
        &self,
        who: Member,
        place: Place,
        question: &str,
        private: Option<bool>,
    ) -> Interaction {
        self.fake.ask(who, place, question, private).await
    }

    pub async fn admin(
        &self,
        who: Member,
        place: Place,
        sub: &str,
        options: Value,
        attachments: &[Value],
    ) -> Interaction {
        self.fake.admin(who, place, sub, options, attachments).await
    }

    pub async fn click(
        &self,
        who: Member,
        place: Place,
        custom_id: &str,
        message: Value,
    ) -> Interaction {
        self.fake.click(who, place, custom_id, message).await
    }

    pub async fn sources(&self, who: Member, place: Place) -> Interaction {
        self.fake.sources(who, place).await
    }

    pub async fn find_answer(&self, who: Member, place: Place, target: Value) -> Interaction {
        self.fake.find_answer(who, place, target).await
    }

    pub fn message(&self, place: Place, author: Member, text: &str, mention_bot: bool) -> Value {
        self.fake.message(place, author, text, mention_bot)
    }

    pub async fn post(&self, place: Place, author: Member, text: &str, mention_bot: bool) -> u64 {
        self.fake.post(place, author, text, mention_bot).await
    }

    pub async fn callback(&self, interaction: &Interaction) -> Request {
        self.fake.callback(interaction).await
    }

    pub async fn followup(&self, interaction: &Interaction) -> Request {
        self.fake.followup(interaction).await
    }

    pub async fn reply_to(&self, id: u64) -> Request {
        self.fake.reply_to(id).await
    }

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
