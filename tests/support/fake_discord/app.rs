//! `spawn_app()`: the real bot (the library's `serve`) in-process, pointed
//! at a fresh fake Discord through `api_url`, on a copy of the shipped
//! corpus with its own index folder. Helpers send what members do and wait
//! for what the bot answers.

use std::path::{Path, PathBuf};

use infusion_faq::config::{Config, Secret};
use serde_json::{json, Value};

use super::payloads::{self, Member, Place, APP_ID};
use super::{schema, FakeDiscord, Request};

/// A well-formed token the fake accepts.
pub const TOKEN: &str = "OTAwMDAwMDAwMDAwMDAwMDAx.GfAkEt.fake-token-for-tests-0123456789abcdef";

/// An interaction the test sent.
#[derive(Debug, Clone)]
pub struct Interaction {
    pub id: u64,
    pub token: String,
}

impl Interaction {
    pub fn callback_path(&self) -> String {
        format!("/api/v10/interactions/{}/{}/callback", self.id, self.token)
    }

    pub fn followup_path(&self) -> String {
        format!("/api/v10/webhooks/{APP_ID}/{}", self.token)
    }
}

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
    fn new_interaction(&self) -> Interaction {
        let id = self.fake.id();
        Interaction {
            id,
            token: format!("interaction-token-{id}"),
        }
    }

    /// `/ask question:<question> [private:<private>]`.
    pub async fn ask(
        &self,
        who: Member,
        place: Place,
        question: &str,
        private: Option<bool>,
    ) -> Interaction {
        let interaction = self.new_interaction();
        let mut options = vec![json!({"name": "question", "type": 3, "value": question})];
        if let Some(private) = private {
            options.push(json!({"name": "private", "type": 5, "value": private}));
        }
        let payload = payloads::slash_command(
            interaction.id,
            &interaction.token,
            ("ask", self.fake.command_id("ask")),
            Value::Array(options),
            place,
            who,
        );
        self.fake.dispatch("INTERACTION_CREATE", payload).await;
        interaction
    }

    /// `/faq-admin <sub> …`: `options` are the subcommand's, as Discord
    /// sends them; `attachments` the files they name (from
    /// [`FakeDiscord::attachment`]).
    pub async fn admin(
        &self,
        who: Member,
        place: Place,
        sub: &str,
        options: Value,
        attachments: &[Value],
    ) -> Interaction {
        let interaction = self.new_interaction();
        let mut payload = payloads::slash_command(
            interaction.id,
            &interaction.token,
            ("faq-admin", self.fake.command_id("faq-admin")),
            json!([{"name": sub, "type": 1, "options": options}]),
            place,
            who,
        );
        if !attachments.is_empty() {
            let resolved: serde_json::Map<String, Value> = attachments
                .iter()
                .map(|a| (a["id"].as_str().unwrap_or_default().to_string(), a.clone()))
                .collect();
            payload["data"]["resolved"] = json!({ "attachments": resolved });
        }
        self.fake.dispatch("INTERACTION_CREATE", payload).await;
        interaction
    }

    /// A click on the button `custom_id` of `message` (a message payload,
    /// e.g. from [`payloads::bot_message`]).
    pub async fn click(
        &self,
        who: Member,
        place: Place,
        custom_id: &str,
        message: Value,
    ) -> Interaction {
        let interaction = self.new_interaction();
        let payload = payloads::component(
            interaction.id,
            &interaction.token,
            custom_id,
            message,
            place,
            who,
        );
        self.fake.dispatch("INTERACTION_CREATE", payload).await;
        interaction
    }

    /// The folder holding the corpus, the index and the feedback database.
    pub fn dir(&self) -> &Path {
        self._dir.path()
    }

    /// `/sources`.
    pub async fn sources(&self, who: Member, place: Place) -> Interaction {
        let interaction = self.new_interaction();
        let payload = payloads::slash_command(
            interaction.id,
            &interaction.token,
            ("sources", self.fake.command_id("sources")),
            json!([]),
            place,
            who,
        );
        self.fake.dispatch("INTERACTION_CREATE", payload).await;
        interaction
    }

    /// Apps → "Find answer" on `target` (a message payload).
    pub async fn find_answer(&self, who: Member, place: Place, target: Value) -> Interaction {
        let interaction = self.new_interaction();
        let payload = payloads::message_command(
            interaction.id,
            &interaction.token,
            ("Find answer", self.fake.command_id("Find answer")),
            target,
            place,
            who,
        );
        self.fake.dispatch("INTERACTION_CREATE", payload).await;
        interaction
    }

    /// A message payload (not sent); `mention_bot` puts `<@bot>` first.
    pub fn message(&self, place: Place, author: Member, text: &str, mention_bot: bool) -> Value {
        let (content, mentions) = if mention_bot {
            (format!("<@{APP_ID}> {text}"), vec![payloads::bot_user()])
        } else {
            (text.to_string(), vec![])
        };
        payloads::message(self.fake.id(), place, author, &content, &mentions)
    }

    /// A member posts a message; returns its id.
    pub async fn post(&self, place: Place, author: Member, text: &str, mention_bot: bool) -> u64 {
        let message = self.message(place, author, text, mention_bot);
        let id = message["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("message id");
        self.fake.dispatch("MESSAGE_CREATE", message).await;
        id
    }

    /// The interaction's first response (the callback).
    pub async fn callback(&self, interaction: &Interaction) -> Request {
        self.fake
            .wait_for_call("POST", &interaction.callback_path())
            .await
    }

    /// The interaction's first follow-up.
    pub async fn followup(&self, interaction: &Interaction) -> Request {
        self.fake
            .wait_for_call("POST", &interaction.followup_path())
            .await
    }

    /// The bot's reply to the message `id`.
    pub async fn reply_to(&self, id: u64) -> Request {
        self.fake
            .wait_for(&format!("a reply to message {id}"), |calls| {
                calls.iter().find(|r| replies_to(r, id)).cloned()
            })
            .await
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
        let problems = schema::problems(&requests);
        assert!(
            problems.is_empty(),
            "the bot sent what Discord would refuse:\n{}",
            problems.join("\n")
        );
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

/// Whether a call is a channel message replying to message `id`.
pub fn replies_to(request: &Request, id: u64) -> bool {
    request.method == "POST"
        && request.path.starts_with("/api/v10/channels/")
        && request
            .body
            .as_ref()
            .is_some_and(|b| b["message_reference"]["message_id"] == json!(id.to_string()))
}
