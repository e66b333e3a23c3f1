//! What members do through the fake Discord — slash commands, button
//! clicks, messages — and waiting for what the bot answers. The same for
//! the in-process bot (`app`, which derefs to the fake), the `serve`
//! process (`process`) and the benches.

use std::time::Instant;

use serde_json::{json, Value};

use super::messages::response_data;
use super::payloads::{self, Member, Place, APP_ID};
use super::{FakeDiscord, Request, TIMEOUT};

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

    /// The message the first response created, which the bot edits.
    pub fn original_path(&self) -> String {
        format!("{}/messages/@original", self.followup_path())
    }
}

impl FakeDiscord {
    /// A fresh interaction (id and token) and its payload, which `build`
    /// makes from them.
    fn with_interaction(&self, build: impl FnOnce(u64, &str) -> Value) -> (Interaction, Value) {
        let id = self.id();
        let interaction = Interaction {
            id,
            token: format!("interaction-token-{id}"),
        };
        let payload = build(interaction.id, &interaction.token);
        (interaction, payload)
    }

    /// The slash command `/<name>` with `options`, not sent.
    fn slash_payload(
        &self,
        who: Member,
        place: Place,
        name: &str,
        options: Value,
    ) -> (Interaction, Value) {
        let command = (name, self.command_id(name));
        self.with_interaction(|id, token| {
            payloads::slash_command(id, token, command, options, place, who)
        })
    }

    /// `/ask question:<question> [private:<private>]`, not sent.
    pub fn ask_payload(
        &self,
        who: Member,
        place: Place,
        question: &str,
        private: Option<bool>,
    ) -> (Interaction, Value) {
        let options = payloads::ask_options(question, private);
        self.slash_payload(who, place, "ask", options)
    }

    /// `/faq-admin <sub> …`, not sent: `options` are the subcommand's, as
    /// Discord sends them; `attachments` the files they name (from
    /// [`FakeDiscord::attachment`]).
    pub fn admin_payload(
        &self,
        who: Member,
        place: Place,
        sub: &str,
        options: Value,
        attachments: &[Value],
    ) -> (Interaction, Value) {
        let options = json!([{"name": sub, "type": 1, "options": options}]);
        let (interaction, payload) = self.slash_payload(who, place, "faq-admin", options);
        (
            interaction,
            payloads::with_attachments(payload, attachments),
        )
    }

    /// A click on the button `custom_id` of `message` (a message payload,
    /// e.g. from [`payloads::bot_message`]), not sent.
    pub fn click_payload(
        &self,
        who: Member,
        place: Place,
        custom_id: &str,
        message: Value,
    ) -> (Interaction, Value) {
        self.with_interaction(|id, token| {
            payloads::component(id, token, custom_id, message, place, who)
        })
    }

    /// A choice of `values` in the select menu `custom_id` of `message`.
    pub async fn select(
        &self,
        who: Member,
        place: Place,
        custom_id: &str,
        values: &[&str],
        message: Value,
    ) -> Interaction {
        self.create(self.with_interaction(|id, token| {
            payloads::select(id, token, custom_id, values, message, place, who)
        }))
        .await
    }

    /// Sends an interaction built by one of the `…_payload` helpers.
    async fn create(&self, (interaction, payload): (Interaction, Value)) -> Interaction {
        self.dispatch("INTERACTION_CREATE", payload).await;
        interaction
    }

    /// Sends an interaction and waits for the call `method path` it should
    /// cause; returns when the interaction left the fake (for timing it)
    /// and that call.
    pub async fn send(&self, payload: Value, method: &str, path: &str) -> (Instant, Request) {
        let waiter = self.expect_call(method, path);
        let at = self.dispatch("INTERACTION_CREATE", payload).await;
        let call = tokio::time::timeout(TIMEOUT, waiter)
            .await
            .unwrap_or_else(|_| panic!("timed out waiting for {method} {path}"))
            .expect("the fake records the call");
        (at, call)
    }

    /// `/ask question:<question> [private:<private>]`.
    pub async fn ask(
        &self,
        who: Member,
        place: Place,
        question: &str,
        private: Option<bool>,
    ) -> Interaction {
        self.create(self.ask_payload(who, place, question, private))
            .await
    }

    /// `/faq-admin <sub> …` (see [`Self::admin_payload`]).
    pub async fn admin(
        &self,
        who: Member,
        place: Place,
        sub: &str,
        options: Value,
        attachments: &[Value],
    ) -> Interaction {
        self.create(self.admin_payload(who, place, sub, options, attachments))
            .await
    }

    /// A click on the button `custom_id` of `message` (see
    /// [`Self::click_payload`]).
    pub async fn click(
        &self,
        who: Member,
        place: Place,
        custom_id: &str,
        message: Value,
    ) -> Interaction {
        self.create(self.click_payload(who, place, custom_id, message))
            .await
    }

    /// `/sources`.
    pub async fn sources(&self, who: Member, place: Place) -> Interaction {
        self.create(self.slash_payload(who, place, "sources", json!([])))
            .await
    }

    /// Apps → "Find answer" on `target` (a message payload).
    pub async fn find_answer(&self, who: Member, place: Place, target: Value) -> Interaction {
        let command = ("Find answer", self.command_id("Find answer"));
        let payload = self.with_interaction(|id, token| {
            payloads::message_command(id, token, command, target, place, who)
        });
        self.create(payload).await
    }

    /// A message payload (not sent); `mention_bot` puts `<@bot>` first.
    pub fn message(&self, place: Place, author: Member, text: &str, mention_bot: bool) -> Value {
        let (content, mentions) = if mention_bot {
            (format!("<@{APP_ID}> {text}"), vec![payloads::bot_user()])
        } else {
            (text.to_string(), vec![])
        };
        payloads::message(self.id(), place, author, &content, &mentions)
    }

    /// A member posts a message; returns its id.
    pub async fn post(&self, place: Place, author: Member, text: &str, mention_bot: bool) -> u64 {
        let message = self.message(place, author, text, mention_bot);
        let id = message["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("message id");
        self.dispatch("MESSAGE_CREATE", message).await;
        id
    }

    /// The interaction's first response (the callback).
    pub async fn callback(&self, interaction: &Interaction) -> Request {
        self.wait_for_call("POST", &interaction.callback_path())
            .await
    }

    /// The interaction's first follow-up.
    pub async fn followup(&self, interaction: &Interaction) -> Request {
        self.wait_for_call("POST", &interaction.followup_path())
            .await
    }

    /// The bot's reply to the message `id`.
    pub async fn reply_to(&self, id: u64) -> Request {
        self.wait_for(&format!("a reply to message {id}"), |calls| {
            calls.iter().find(|r| replies_to(r, id)).cloned()
        })
        .await
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

/// `/ask question:<question>` (not private), and the message of its
/// immediate (type 4) response.
pub async fn ask(fake: &FakeDiscord, who: Member, place: Place, question: &str) -> Value {
    let interaction = fake.ask(who, place, question, None).await;
    response_data(&fake.callback(&interaction).await)
}
