//! The moderators' side of the bot end to end, against the fake Discord:
//! `/faq-admin` (permissions both ways, add / replace / remove / restore /
//! synonyms / reload with their previews and Confirm buttons, invalid
//! uploads), live reloads under load, 👍 / 👎 votes, gaps and purge — and
//! the real `serve` process killed in the middle of an add, and restarted
//! with its votes. Every recorded body is checked against Discord's OpenAPI
//! schemas (`finish()`, `schema::assert_valid`).

mod access;
mod crash;
mod gaps;
mod import;
mod reload;
mod review;
mod synonyms;
mod teach;
mod upload;
mod versions;

use std::path::Path;

use serde_json::{json, Value};

use crate::support::fake_discord::app::{spawn_app_with, TestApp};
use crate::support::fake_discord::members::Interaction;
use crate::support::fake_discord::messages::{body, button, content, ephemeral};
use crate::support::fake_discord::payloads::{self, Member, HERE, MENTION_CHANNEL, MODERATOR_ROLE};
use crate::support::fake_discord::process::Extra;
use crate::support::fake_discord::{FakeDiscord, Serve as Cdn};

const AUDIT_CHANNEL: u64 = 920_000_000_000_000_009;
const HEALTHLINE: &str = "healthline-infusion-treatments";
const NOT_A_MODERATOR: &str = infusion_faq::discord::admin::NOT_A_MODERATOR;

/// The config of the `serve` processes here, beyond `write_config`'s: no
/// rate limit.
const UNLIMITED: Extra = Extra {
    top: "",
    discord: "rate_limit_questions = 0",
    feedback: "",
};

/// The article the add scenarios upload.
fn kesimpta() -> String {
    "+++\nid = \"kesimpta-basics\"\ntitle = \"Kesimpta basics\"\npublisher = \"Test Publisher\"\nurl = \"https://example.org/kesimpta\"\nreviewed = 2026-01-15\n+++\n\n## Ofatumumab (Kesimpta) dosing\n\nKesimpta (ofatumumab) is given as a monthly injection under the skin, after three starting doses in the first weeks of treatment.\n\n## Side effects of Kesimpta\n\nThe most common side effects of Kesimpta are injection reactions, headache and infections of the nose and throat.\n".to_string()
}

/// The option `id:<HEALTHLINE>` (a shipped article).
fn healthline_id() -> Value {
    json!({"name": "id", "type": 3, "value": HEALTHLINE})
}

/// An app with an audit channel and a moderator role configured.
async fn app_with(configure: impl FnOnce(&mut infusion_faq::config::Config)) -> TestApp {
    spawn_app_with(|config| {
        config.discord.moderator_roles = vec![MODERATOR_ROLE];
        config.discord.audit_channel = Some(AUDIT_CHANNEL);
        config.discord.rate_limit_questions = 0;
        configure(config);
    })
    .await
}

/// The first message an interaction got: the callback's (type 4), or after
/// a defer (type 5, ephemeral) the follow-up.
async fn first_message(fake: &FakeDiscord, interaction: &Interaction) -> Value {
    let callback = body(&fake.callback(interaction).await);
    match callback["type"].as_u64() {
        Some(4) => callback["data"].clone(),
        Some(5) => {
            assert_eq!(
                callback["data"]["flags"], 64,
                "deferred privately: {callback}"
            );
            body(&fake.followup(interaction).await)
        }
        _ => panic!("unexpected callback {callback}"),
    }
}

/// Clicks `label` on `message` (as the bot sent it) and returns the click's
/// callback body.
async fn click(
    fake: &FakeDiscord,
    who: Member,
    message: &Value,
    label: &str,
) -> (Interaction, Value) {
    let shown = payloads::bot_message(fake.id(), MENTION_CHANNEL, message);
    let interaction = fake.click(who, HERE, &button(message, label), shown).await;
    let callback = body(&fake.callback(&interaction).await);
    (interaction, callback)
}

/// Confirms the preview `message`: the click is answered at once
/// ("Saving…", buttons gone), then the outcome replaces it.
async fn confirm(fake: &FakeDiscord, who: Member, message: &Value, label: &str) -> String {
    let (interaction, callback) = click(fake, who, message, label).await;
    assert_eq!(callback["type"], 7, "the preview is updated: {callback}");
    assert_eq!(callback["data"]["content"], "Saving…");
    assert_eq!(callback["data"]["components"], json!([]));
    let edit = fake
        .wait_for_call("PATCH", &interaction.original_path())
        .await;
    content(&body(&edit))
}

/// `/faq-admin add file:<file>`, `file` from [`FakeDiscord::attachment`].
async fn send_add(fake: &FakeDiscord, who: Member, file: Value) -> Interaction {
    fake.admin(
        who,
        HERE,
        "add",
        json!([payloads::file_option(&file)]),
        &[file],
    )
    .await
}

/// `/faq-admin add file:<name>` with `bytes` served by the fake CDN.
async fn add(fake: &FakeDiscord, who: Member, name: &str, bytes: &[u8]) -> Value {
    let file = fake.attachment(name, bytes, Cdn::Normal, None);
    let interaction = send_add(fake, who, file).await;
    first_message(fake, &interaction).await
}

async fn admin(fake: &FakeDiscord, who: Member, sub: &str, options: Value) -> Value {
    let interaction = fake.admin(who, HERE, sub, options, &[]).await;
    first_message(fake, &interaction).await
}

async fn admin_refusal(fake: &FakeDiscord, who: Member, sub: &str, options: Value) -> Value {
    let interaction = fake.admin(who, HERE, sub, options, &[]).await;
    let callback = body(&fake.callback(&interaction).await);
    assert_eq!(callback["type"], 4, "{callback}");
    let data = callback["data"].clone();
    ephemeral(&data);
    data
}

fn audit_actions(corpus: &Path) -> Vec<(String, String, String)> {
    infusion_faq::moderation::store::CorpusStore::new(corpus)
        .audit()
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.target, e.actor.id))
        .collect()
}
