//! The moderators' side of the bot end to end, against the fake Discord:
//! `/faq-admin` (permissions both ways, add / replace / remove / restore /
//! synonyms / reload with their previews and Confirm buttons, invalid
//! uploads), live reloads under load, 👍 / 👎 votes, gaps and purge — and
//! the real `serve` process killed in the middle of an add, and restarted
//! with its votes. Every recorded body is checked against Discord's OpenAPI
//! schemas (`finish()`).

#[path = "support/fake_discord/mod.rs"]
mod fake_discord;
#[path = "discord_admin/import.rs"]
mod import;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fake_discord::app::{spawn_app_with, TestApp};
use fake_discord::payloads::{
    self, Member, Place, ALICE, BOB, CAROL, GUILD, HELPER, MENTION_CHANNEL, MOD, MODERATOR_ROLE,
};
use fake_discord::process::{write_config, Serve};
use fake_discord::{schema, FakeDiscord, Interaction, Request, Serve as Cdn};
use serde_json::{json, Value};

const HERE: Place = Place::Guild {
    channel: MENTION_CHANNEL,
};
const AUDIT_CHANNEL: u64 = 920_000_000_000_000_009;
const HEALTHLINE: &str = "healthline-infusion-treatments";
const NOT_A_MODERATOR: &str = infusion_faq::discord::admin::NOT_A_MODERATOR;

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

/// The callback's body.
fn body(request: &Request) -> Value {
    request.body.clone().expect("a JSON body")
}

/// The first message an interaction got: the callback's (type 4), or after
/// a defer (type 5, ephemeral) the follow-up.
async fn first_message(app: &TestApp, interaction: &Interaction) -> Value {
    let callback = body(&app.callback(interaction).await);
    match callback["type"].as_u64() {
        Some(4) => callback["data"].clone(),
        Some(5) => {
            assert_eq!(
                callback["data"]["flags"], 64,
                "deferred privately: {callback}"
            );
            body(&app.followup(interaction).await)
        }
        _ => panic!("unexpected callback {callback}"),
    }
}

fn ephemeral(message: &Value) {
    assert_eq!(
        message["flags"].as_u64().unwrap_or(0) & 64,
        64,
        "ephemeral: {message}"
    );
}

fn content(message: &Value) -> String {
    message["content"].as_str().unwrap_or_default().to_string()
}

fn embeds(message: &Value) -> Vec<Value> {
    message["embeds"].as_array().cloned().unwrap_or_default()
}

fn description(message: &Value) -> String {
    embeds(message)
        .first()
        .and_then(|e| e["description"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// The buttons of a message: (custom id, label, style, disabled).
fn buttons(message: &Value) -> Vec<(String, String, u64, bool)> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .map(|b| {
            (
                b["custom_id"].as_str().unwrap_or_default().to_string(),
                b["label"].as_str().unwrap_or_default().to_string(),
                b["style"].as_u64().unwrap_or(0),
                b["disabled"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

fn button(message: &Value, label: &str) -> String {
    buttons(message)
        .into_iter()
        .find(|b| b.1 == label)
        .unwrap_or_else(|| panic!("no {label:?} button in {message}"))
        .0
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
async fn confirm(app: &TestApp, who: Member, message: &Value, label: &str) -> String {
    let (interaction, callback) = click(&app.fake, who, message, label).await;
    assert_eq!(callback["type"], 7, "the preview is updated: {callback}");
    assert_eq!(callback["data"]["content"], "Saving…");
    assert_eq!(callback["data"]["components"], json!([]));
    let edit = app
        .fake
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
async fn add(app: &TestApp, who: Member, name: &str, bytes: &[u8]) -> Value {
    let file = app.fake.attachment(name, bytes, Cdn::Normal, None);
    let interaction = send_add(&app.fake, who, file).await;
    first_message(app, &interaction).await
}

async fn admin(app: &TestApp, who: Member, sub: &str, options: Value) -> Value {
    let interaction = app.admin(who, HERE, sub, options, &[]).await;
    first_message(app, &interaction).await
}

/// `/ask` and the answer's message.
async fn ask(app: &TestApp, who: Member, place: Place, question: &str) -> Value {
    let interaction = app.ask(who, place, question, None).await;
    let callback = body(&app.callback(&interaction).await);
    assert_eq!(callback["type"], 4, "{callback}");
    callback["data"].clone()
}

fn answered_from(message: &Value, title: &str) -> bool {
    embeds(message).iter().any(|e| e["title"] == title)
}

fn not_covered(message: &Value) -> bool {
    embeds(message)
        .iter()
        .any(|e| e["title"] == "Not covered by the articles")
}

/// Every file under `dir` (history and audit log included) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn audit_actions(corpus: &Path) -> Vec<(String, String, String)> {
    infusion_faq::moderation::store::CorpusStore::new(corpus)
        .audit()
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.target, e.actor.id))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faq_admin_is_hidden_from_members_and_refused_to_those_without_the_permission_or_role() {
    let app = app_with(|_| {}).await;
    // Registered for Manage Server only, in guilds only.
    let registered = app.fake.wait_for_registration().await.body.unwrap();
    let command = registered
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "faq-admin")
        .expect("faq-admin registered")
        .clone();
    assert_eq!(command["default_member_permissions"], "32", "{command}");
    assert_eq!(command["contexts"], json!([0]), "{command}");
    let subcommands: Vec<&str> = command["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            assert_eq!(o["type"], 1, "a subcommand: {o}");
            assert!(
                o["description"].as_str().unwrap().chars().count() <= 100,
                "{o}"
            );
            o["name"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        subcommands,
        [
            "add", "import", "replace", "remove", "list", "show", "reload", "history", "restore",
            "synonyms", "gaps", "purge"
        ]
    );
    // Checked again when run: Alice has neither Manage Server nor the role.
    let refused = admin_refusal(&app, ALICE, "list", json!([])).await;
    assert_eq!(content(&refused), NOT_A_MODERATOR);
    // An upload from her is refused before anything is downloaded.
    let before = snapshot(&app.corpus);
    let file = app
        .fake
        .attachment("k.md", kesimpta().as_bytes(), Cdn::Normal, None);
    let interaction = send_add(&app.fake, ALICE, file).await;
    let refused = body(&app.callback(&interaction).await);
    assert_eq!(refused["data"]["content"], NOT_A_MODERATOR);
    assert_eq!(refused["data"]["flags"], 64);
    assert!(app.fake.downloads().is_empty());
    assert_eq!(snapshot(&app.corpus), before);
    // In a DM there is no member, so no permission.
    let interaction = app.admin(MOD, Place::Dm, "list", json!([]), &[]).await;
    let refused = body(&app.callback(&interaction).await);
    assert_eq!(refused["data"]["content"], NOT_A_MODERATOR);
    // Manage Server, or the moderator role, may.
    for who in [MOD, HELPER] {
        let listed = admin(&app, who, "list", json!([])).await;
        ephemeral(&listed);
        assert_eq!(embeds(&listed)[0]["title"], "Articles: 2", "{listed}");
        assert!(
            description(&listed).contains(&format!("`{HEALTHLINE}` — Infusion Treatments for MS"))
        );
    }
    app.finish().await;
}

async fn admin_refusal(app: &TestApp, who: Member, sub: &str, options: Value) -> Value {
    let interaction = app.admin(who, HERE, sub, options, &[]).await;
    let callback = body(&app.callback(&interaction).await);
    assert_eq!(callback["type"], 4, "{callback}");
    let data = callback["data"].clone();
    ephemeral(&data);
    data
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmed_add_is_live_at_once_audited_and_announced() {
    let app = app_with(|_| {}).await;
    let question = "How often is Kesimpta given?";
    assert!(not_covered(&ask(&app, BOB, HERE, question).await));
    let preview = add(&app, HELPER, "kesimpta.md", kesimpta().as_bytes()).await;
    ephemeral(&preview);
    // The download carried no token.
    let downloads = app.fake.downloads();
    assert_eq!(downloads.len(), 1);
    assert_eq!(downloads[0].authorization, None);
    assert!(
        content(&preview).starts_with("**Add this article?**"),
        "{preview}"
    );
    assert!(
        content(&preview).contains("expires in 5 minutes"),
        "{preview}"
    );
    let embed = &embeds(&preview)[0];
    assert_eq!(embed["title"], "Kesimpta basics");
    assert_eq!(embed["url"], "https://example.org/kesimpta");
    assert_eq!(
        embed["description"],
        "**2 sections:**\n• Ofatumumab (Kesimpta) dosing\n• Side effects of Kesimpta"
    );
    let field = |name: &str| {
        embed["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .map(|f| f["value"].as_str().unwrap().to_string())
    };
    assert_eq!(field("Id").as_deref(), Some("kesimpta-basics"));
    assert_eq!(field("Publisher").as_deref(), Some("Test Publisher"));
    assert_eq!(field("Passages").as_deref(), Some("2"));
    let labels: Vec<String> = buttons(&preview).into_iter().map(|b| b.1).collect();
    assert_eq!(labels, ["Add it", "Cancel"]);
    // Nothing is written before the Confirm.
    assert!(!app.corpus.join("kesimpta-basics.md").exists());
    let outcome = confirm(&app, HELPER, &preview, "Add it").await;
    assert!(
        outcome.starts_with(
            "✅ added \"Kesimpta basics\" (Test Publisher): 2 sections, 2 passages (version 1)."
        ),
        "{outcome}"
    );
    assert!(
        outcome.contains("Live now: members are answered from 3 articles"),
        "{outcome}"
    );
    assert_eq!(
        std::fs::read_to_string(app.corpus.join("kesimpta-basics.md")).unwrap(),
        kesimpta()
    );
    // Answered at once: no waiting for the folder watcher.
    let answer = ask(&app, BOB, HERE, question).await;
    assert!(answered_from(&answer, "Kesimpta basics"), "{answer}");
    // Audited with who did it, and announced in one line.
    assert_eq!(
        audit_actions(&app.corpus),
        [(
            "add".into(),
            "kesimpta-basics".into(),
            HELPER.id.to_string()
        )]
    );
    let notice = app
        .fake
        .wait_for_call(
            "POST",
            &format!("/api/v10/channels/{AUDIT_CHANNEL}/messages"),
        )
        .await;
    let notice = body(&notice);
    assert_eq!(
        content(&notice),
        format!(
            "📝 helper (<@{}>) — add `kesimpta-basics` (version 1): added \"Kesimpta basics\" (Test Publisher): 2 sections, 2 passages",
            HELPER.id
        )
    );
    assert_eq!(notice["allowed_mentions"]["parse"], json!([]));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_upload_gets_its_exact_problems_and_nothing_changes() {
    let app = app_with(|config| config.discord.download_timeout_ms = 300).await;
    let before = snapshot(&app.corpus);
    let problems = |message: &Value| -> (String, String) {
        ephemeral(message);
        assert!(buttons(message).is_empty(), "no Confirm: {message}");
        (content(message), description(message))
    };
    // Bad front matter: the line and what is wrong.
    let (said, listed) = problems(
        &add(&app, MOD, "bad.md", b"+++\nid = \"Bad Id\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x.org\"\n+++\n\nText.\n").await,
    );
    assert_eq!(said, "Nothing changed. Fix these problems and try again:");
    assert_eq!(
        listed,
        "• bad.md:2: id \"Bad Id\" is not a slug: use lower-case letters, digits and single hyphens (e.g. \"healthline-infusion-treatments\")"
    );
    let (_, listed) = problems(&add(&app, MOD, "open.md", b"+++\nid = \"x\"\n").await);
    // (Markdown escaped: Discord shows the backticks themselves.)
    assert_eq!(
        listed,
        "• open.md:1: the front matter is not closed: add a line \\`+++\\` after its last key"
    );
    let (_, listed) = problems(&add(&app, MOD, "none.md", b"Just text.\n").await);
    assert!(
        listed.starts_with("• none.md:1: missing front matter"),
        "{listed}"
    );
    // Not UTF-8.
    let mut latin1 = kesimpta().into_bytes();
    latin1.extend_from_slice(b"\nCaf\xe9\n");
    let (_, listed) = problems(&add(&app, MOD, "latin1.md", &latin1).await);
    assert_eq!(
        listed,
        "• latin1.md:17: the file is not UTF-8 text (save it as UTF-8 Markdown)"
    );
    // Over 1 MiB as declared: refused before any download.
    let downloads = app.fake.downloads().len();
    let big = app
        .fake
        .attachment("big.md", b"small", Cdn::Normal, Some(2 * 1024 * 1024));
    let interaction = send_add(&app.fake, MOD, big).await;
    let (said, _) = problems(&first_message(&app, &interaction).await);
    assert_eq!(
        said,
        "Nothing changed: big.md: the file is 2097152 bytes, over the limit of 1 MiB (1048576 bytes)."
    );
    assert_eq!(app.fake.downloads().len(), downloads, "nothing downloaded");
    // Over 1 MiB in fact, though declared small: the download stops there.
    let huge = vec![b'a'; 1024 * 1024 + 1];
    let liar = app.fake.attachment("liar.md", &huge, Cdn::Normal, Some(10));
    let interaction = send_add(&app.fake, MOD, liar).await;
    let (said, _) = problems(&first_message(&app, &interaction).await);
    assert!(
        said.starts_with("Nothing changed: liar.md: the file is "),
        "{said}"
    );
    assert!(
        said.ends_with("over the limit of 1 MiB (1048576 bytes)."),
        "{said}"
    );
    // A download that never finishes times out.
    let stalled = app
        .fake
        .attachment("slow.md", kesimpta().as_bytes(), Cdn::Stall, None);
    let interaction = send_add(&app.fake, MOD, stalled).await;
    let (said, _) = problems(&first_message(&app, &interaction).await);
    assert_eq!(
        said,
        "Nothing changed: slow.md: the download did not finish within 300 ms; please try again."
    );
    // An id that exists already.
    let shipped = std::fs::read(app.corpus.join(format!("{HEALTHLINE}.md"))).unwrap();
    let (said, _) = problems(&add(&app, MOD, "again.md", &shipped).await);
    assert_eq!(
        said,
        format!("Nothing changed: an article with the id \"{HEALTHLINE}\" already exists: use replace to change it.")
    );
    // Nothing on disk changed: no article, no history, no audit entry.
    assert_eq!(snapshot(&app.corpus), before);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_then_restore_round_trips_byte_for_byte() {
    let app = app_with(|_| {}).await;
    let path = app.corpus.join(format!("{HEALTHLINE}.md"));
    let original = std::fs::read(&path).unwrap();
    let mut newer = String::from_utf8(original.clone()).unwrap();
    newer.push_str("\n## Quokka protocol\n\nThe quokka protocol asks members to smile at the infusion nurse before every infusion of any drug.\n");
    let file = app
        .fake
        .attachment("healthline.md", newer.as_bytes(), Cdn::Normal, None);
    let interaction = app
        .admin(
            MOD,
            HERE,
            "replace",
            json!([healthline_id(), payloads::file_option(&file)]),
            &[file],
        )
        .await;
    let preview = first_message(&app, &interaction).await;
    let changes = embeds(&preview)[0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Changes")
        .map(|f| f["value"].as_str().unwrap().to_string())
        .expect("a Changes field");
    assert!(changes.contains("1 section added"), "{changes}");
    let outcome = confirm(&app, MOD, &preview, "Replace it").await;
    assert!(outcome.contains("(version 1 → 2)"), "{outcome}");
    assert!(
        outcome.contains(&format!(
            "Undo with `/faq-admin restore id:{HEALTHLINE} version:1`."
        )),
        "{outcome}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), newer.as_bytes());
    let answer = ask(&app, BOB, HERE, "What is the quokka protocol?").await;
    assert!(description(&answer).contains("smile"), "{answer}");
    // History: both versions, who changed it.
    let history = admin(&app, MOD, "history", json!([healthline_id()])).await;
    let text = description(&history);
    assert!(text.contains("**2** · "), "{text}");
    assert!(text.contains("· **current**"), "{text}");
    assert!(text.contains("**1** · "), "{text}");
    let changes = embeds(&history)[0]["fields"][0]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        changes.contains("replace by mod\\_sensitive\\_name"),
        "{changes}"
    );
    // Restore version 1: byte for byte, live at once.
    let version = json!({"name": "version", "type": 4, "value": 1});
    let restored = admin(&app, MOD, "restore", json!([healthline_id(), version])).await;
    assert!(
        content(&restored).starts_with(&format!(
            "✅ restored \"{HEALTHLINE}\" to version 1 (version 2 → 3)."
        )),
        "{restored}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), original);
    let answer = ask(&app, BOB, HERE, "What is the quokka protocol?").await;
    assert!(!description(&answer).contains("smile"), "{answer}");
    // `show` sends the file as it is on disk.
    let interaction = app
        .admin(MOD, HERE, "show", json!([healthline_id()]), &[])
        .await;
    let shown = app.callback(&interaction).await;
    assert_eq!(shown.files.len(), 1, "one file attached");
    assert_eq!(shown.files[0].0, format!("{HEALTHLINE}.md"));
    assert_eq!(shown.files[0].1, original);
    ephemeral(&body(&shown)["data"]);
    assert_eq!(
        audit_actions(&app.corpus)
            .into_iter()
            .map(|a| a.0)
            .collect::<Vec<_>>(),
        ["replace", "restore"]
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_waits_for_a_confirm_and_cancel_or_expiry_change_nothing() {
    let app = app_with(|config| config.discord.confirm_timeout_seconds = 1).await;
    let path = app.corpus.join(format!("{HEALTHLINE}.md"));
    let id = json!([healthline_id()]);
    // Cancel.
    let preview = admin(&app, MOD, "remove", id.clone()).await;
    assert!(
        content(&preview).starts_with(&format!(
            "**Remove `{HEALTHLINE}`** — Infusion Treatments for MS (Healthline, "
        )),
        "{preview}"
    );
    let (_, cancelled) = click(&app.fake, MOD, &preview, "Cancel").await;
    assert_eq!(cancelled["type"], 7);
    assert_eq!(cancelled["data"]["content"], "Cancelled: nothing changed.");
    assert_eq!(cancelled["data"]["components"], json!([]));
    assert!(path.exists());
    // Expiry (1 s here): the preview says so, its buttons go, and a late
    // click is told nothing changed.
    let interaction = app.admin(MOD, HERE, "remove", id.clone(), &[]).await;
    let preview = first_message(&app, &interaction).await;
    assert!(
        content(&preview).contains("expires in 1 second"),
        "{preview}"
    );
    let expired = app
        .fake
        .wait_for_call("PATCH", &interaction.original_path())
        .await;
    let expired = body(&expired);
    assert_eq!(
        content(&expired),
        "⌛ This preview expired after 1 second: nothing changed. Run the command again to start over."
    );
    assert!(buttons(&expired).is_empty(), "{expired}");
    let (_, late) = click(&app.fake, MOD, &preview, "Remove it").await;
    assert_eq!(late["type"], 7);
    assert_eq!(
        late["data"]["content"],
        infusion_faq::discord::admin::confirm::GONE
    );
    assert!(path.exists());
    assert!(audit_actions(&app.corpus).is_empty());
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmed_remove_is_live_at_once_and_restore_brings_it_back() {
    let app = app_with(|_| {}).await;
    let question = "How often is Tysabri given?";
    assert!(answered_from(
        &ask(&app, BOB, HERE, question).await,
        "Infusion Treatments for MS"
    ));
    let id = json!([healthline_id()]);
    let preview = admin(&app, MOD, "remove", id).await;
    let outcome = confirm(&app, MOD, &preview, "Remove it").await;
    assert!(
        outcome.starts_with(&format!("✅ removed \"{HEALTHLINE}\" (was version 1).")),
        "{outcome}"
    );
    assert!(
        outcome.contains(&format!("`/faq-admin restore id:{HEALTHLINE} version:1`")),
        "{outcome}"
    );
    assert!(!app.corpus.join(format!("{HEALTHLINE}.md")).exists());
    assert!(!answered_from(
        &ask(&app, BOB, HERE, question).await,
        "Infusion Treatments for MS"
    ));
    let version = json!({"name": "version", "type": 4, "value": 1});
    let restored = admin(&app, MOD, "restore", json!([healthline_id(), version])).await;
    assert!(content(&restored).starts_with("✅ restored"), "{restored}");
    assert!(answered_from(
        &ask(&app, BOB, HERE, question).await,
        "Infusion Treatments for MS"
    ));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_synonyms_file_is_shown_validated_and_replaced() {
    let app = app_with(|_| {}).await;
    let current = std::fs::read(app.corpus.join("synonyms.toml")).unwrap();
    let interaction = app.admin(MOD, HERE, "synonyms", json!([]), &[]).await;
    let shown = app.callback(&interaction).await;
    assert_eq!(
        shown.files,
        vec![("synonyms.toml".to_string(), current.clone())]
    );
    assert!(
        content(&body(&shown)["data"]).starts_with("synonyms.toml: "),
        "{:?}",
        shown.body
    );
    let upload = |bytes: Vec<u8>| {
        let file = app
            .fake
            .attachment("synonyms.toml", &bytes, Cdn::Normal, None);
        (json!([payloads::file_option(&file)]), file)
    };
    // A group of one term is refused, with its line.
    let mut bad = current.clone();
    bad.extend_from_slice(b"\n[[group]]\nterms = [\"lonely\"]\n");
    let (options, file) = upload(bad);
    let interaction = app.admin(MOD, HERE, "synonyms", options, &[file]).await;
    let refused = first_message(&app, &interaction).await;
    assert_eq!(
        content(&refused),
        "Nothing changed. Fix these problems and try again:"
    );
    assert!(
        description(&refused).starts_with("• synonyms.toml:"),
        "{refused}"
    );
    // A new group, confirmed, is live at once: "zorblax" now means Tysabri.
    let question = "How often is zorblax given?";
    assert!(!answered_from(
        &ask(&app, BOB, HERE, question).await,
        "Infusion Treatments for MS"
    ));
    let good = String::from_utf8(current.clone())
        .unwrap()
        .replace(
            "terms = [\"Tysabri\", \"natalizumab\"]",
            "terms = [\"Tysabri\", \"natalizumab\", \"zorblax\"]",
        )
        .into_bytes();
    assert_ne!(good, current);
    let (options, file) = upload(good.clone());
    let interaction = app.admin(MOD, HERE, "synonyms", options, &[file]).await;
    let preview = first_message(&app, &interaction).await;
    assert!(
        content(&preview).starts_with("**Replace the synonyms file**"),
        "{preview}"
    );
    let outcome = confirm(&app, MOD, &preview, "Replace it").await;
    assert!(
        outcome.starts_with("✅ replaced the synonyms file"),
        "{outcome}"
    );
    assert_eq!(
        std::fs::read(app.corpus.join("synonyms.toml")).unwrap(),
        good
    );
    assert!(answered_from(
        &ask(&app, BOB, HERE, question).await,
        "Infusion Treatments for MS"
    ));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_takes_changes_from_disk_and_refuses_a_broken_corpus_while_still_answering() {
    // Not watched here, so that `reload` is what picks changes up.
    let app = app_with(|config| config.discord.watch_debounce_ms = 0).await;
    let question = "How often is Kesimpta given?";
    std::fs::write(app.corpus.join("kesimpta-basics.md"), kesimpta()).unwrap();
    assert!(
        not_covered(&ask(&app, BOB, HERE, question).await),
        "not before the reload"
    );
    let reloaded = admin(&app, MOD, "reload", json!([])).await;
    assert!(
        content(&reloaded).starts_with("✅ Reloaded from disk in "),
        "{reloaded}"
    );
    assert!(
        content(&reloaded).ends_with("3 articles and 41 passages."),
        "{reloaded}"
    );
    assert!(answered_from(
        &ask(&app, BOB, HERE, question).await,
        "Kesimpta basics"
    ));
    let again = admin(&app, MOD, "reload", json!([])).await;
    assert!(content(&again).starts_with("Already up to date"), "{again}");
    std::fs::write(app.corpus.join("broken.md"), "no front matter\n").unwrap();
    let refused = admin(&app, MOD, "reload", json!([])).await;
    assert!(
        content(&refused).starts_with("The corpus on disk does not load, so members are still answered from the previous version."),
        "{refused}"
    );
    assert!(
        description(&refused).contains("broken.md:1: missing front matter"),
        "{refused}"
    );
    assert!(answered_from(
        &ask(&app, BOB, HERE, question).await,
        "Kesimpta basics"
    ));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_questions_during_twenty_reloads_are_all_answered() {
    let app = app_with(|config| config.discord.watch_debounce_ms = 50).await;
    const QUESTIONS: usize = 2_000;
    const RELOADS: usize = 20;
    const IN_FLIGHT: usize = 50;
    let app = std::sync::Arc::new(app);
    let asker = {
        let app = std::sync::Arc::clone(&app);
        tokio::spawn(async move {
            let mut answered = 0;
            let mut flight = tokio::task::JoinSet::new();
            for n in 0..QUESTIONS {
                if flight.len() >= IN_FLIGHT {
                    answered += flight.join_next().await.unwrap().unwrap();
                }
                let app = std::sync::Arc::clone(&app);
                flight.spawn(async move {
                    let question = if n % 2 == 0 {
                        "How often is Tysabri given?"
                    } else {
                        "What are the side effects of Ocrevus?"
                    };
                    let (interaction, payload) = app.fake.ask_payload(BOB, HERE, question, None);
                    let (_, waiter) = app
                        .fake
                        .send(payload, "POST", &interaction.callback_path())
                        .await;
                    let callback = tokio::time::timeout(fake_discord::TIMEOUT, waiter)
                        .await
                        .expect("answered in time")
                        .expect("answered");
                    let body = callback.body.unwrap();
                    assert_eq!(body["type"], 4, "{body}");
                    let embeds = body["data"]["embeds"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    assert!(
                        !embeds.is_empty()
                            && embeds
                                .iter()
                                .all(|e| e["title"] != "Not covered by the articles"),
                        "question {n} answered from the articles: {body}"
                    );
                    1usize
                });
            }
            while let Some(done) = flight.join_next().await {
                answered += done.unwrap();
            }
            answered
        })
    };
    // Twenty reloads meanwhile: each adds an article on disk, half picked
    // up by `/faq-admin reload`, half by the folder watcher.
    for n in 0..RELOADS {
        let id = format!("extra-{n}");
        std::fs::write(
            app.corpus.join(format!("{id}.md")),
            format!("+++\nid = \"{id}\"\ntitle = \"Extra {n}\"\npublisher = \"P\"\nurl = \"https://example.org/{id}\"\n+++\n\n## Zebrafish note {n}\n\nZebrafish number {n} swims in a school with many other fish every day.\n"),
        )
        .unwrap();
        let articles = 3 + n;
        if n % 2 == 0 {
            let reloaded = admin(&app, MOD, "reload", json!([])).await;
            let text = content(&reloaded);
            assert!(
                text.contains(&format!("answered from {articles} articles")),
                "reload {n}: {text}"
            );
        } else {
            // The watcher: until /sources lists the new article.
            let deadline = std::time::Instant::now() + fake_discord::TIMEOUT;
            loop {
                let interaction = app.sources(BOB, HERE).await;
                let data = body(&app.callback(&interaction).await)["data"].clone();
                if embeds(&data)[0]["title"] == format!("Sources: {articles} articles") {
                    break;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "the watcher never reloaded {n}"
                );
            }
        }
    }
    let answered = asker.await.unwrap();
    assert_eq!(answered, QUESTIONS);
    match std::sync::Arc::try_unwrap(app) {
        Ok(app) => app.finish().await,
        Err(_) => panic!("the app is still shared"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_bots_sharing_a_corpus_folder_converge_on_a_change_made_through_one() {
    let first = app_with(|config| config.discord.watch_debounce_ms = 50).await;
    let shared = first.corpus.clone();
    // The second bot has its own index folder and watches the same corpus.
    let second = app_with(move |config| {
        config.corpus = shared;
        config.discord.watch_debounce_ms = 50;
    })
    .await;
    let question = "How often is Kesimpta given?";
    assert!(not_covered(&ask(&second, BOB, HERE, question).await));
    let preview = add(&first, MOD, "kesimpta.md", kesimpta().as_bytes()).await;
    let outcome = confirm(&first, MOD, &preview, "Add it").await;
    assert!(outcome.starts_with("✅ added"), "{outcome}");
    assert!(answered_from(
        &ask(&first, BOB, HERE, question).await,
        "Kesimpta basics"
    ));
    // The second picks it up from the folder.
    let deadline = std::time::Instant::now() + fake_discord::TIMEOUT;
    while !answered_from(&ask(&second, BOB, HERE, question).await, "Kesimpta basics") {
        assert!(
            std::time::Instant::now() < deadline,
            "the second bot never reloaded"
        );
    }
    first.finish().await;
    second.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_are_one_per_answer_and_show_in_gaps_with_questions_only_where_recorded() {
    let app = app_with(|config| config.feedback.record_questions_in = vec![GUILD]).await;
    let question = "How often is Tysabri given?";
    let answer = ask(&app, BOB, HERE, question).await;
    let votes = buttons(&answer);
    assert_eq!(votes.len(), 2, "{answer}");
    assert_eq!(
        (votes[0].1.as_str(), votes[1].1.as_str()),
        ("Helpful", "Not helpful")
    );
    assert!(votes
        .iter()
        .all(|b| b.0.len() <= 100 && b.0.starts_with("fb:") && !b.3));
    assert!(
        !votes[0].0.contains("Tysabri"),
        "no question text in the id"
    );
    // 👎: recorded, and the buttons are disabled for everyone.
    let (_, voted) = click(&app.fake, CAROL, &answer, "Not helpful").await;
    assert_eq!(voted["type"], 7, "{voted}");
    let after = buttons(&voted["data"]);
    assert!(after.iter().all(|b| b.3), "disabled: {voted}");
    assert_eq!(after[1].2, 1, "👎 highlighted");
    // A click storm on another answer: exactly one vote counts.
    let other = ask(&app, BOB, HERE, "What are the side effects of Ocrevus?").await;
    let shown = payloads::bot_message(app.fake.id(), MENTION_CHANNEL, &other);
    let helpful = button(&other, "Helpful");
    let mut clicks = Vec::new();
    for who in [ALICE, BOB, CAROL, MOD, HELPER]
        .into_iter()
        .cycle()
        .take(20)
    {
        clicks.push(app.click(who, HERE, &helpful, shown.clone()).await);
    }
    let mut updates = 0;
    for interaction in &clicks {
        let callback = body(&app.callback(interaction).await);
        match callback["type"].as_u64() {
            Some(7) => updates += 1,
            Some(4) => {
                assert_eq!(
                    callback["data"]["content"],
                    infusion_faq::discord::feedback::ALREADY_VOTED
                );
                assert_eq!(callback["data"]["flags"], 64);
            }
            _ => panic!("{callback}"),
        }
    }
    assert_eq!(updates, 1, "one vote per answer");
    // No answer: no buttons, counted with its text here…
    let missing = "Can I drink coffee during my infusion?";
    let none = ask(&app, BOB, HERE, missing).await;
    assert!(not_covered(&none) && buttons(&none).is_empty(), "{none}");
    // …and without it in a DM.
    let dm = ask(&app, BOB, Place::Dm, "Can I bring my dog to my infusion?").await;
    assert!(not_covered(&dm));
    let gaps = admin(
        &app,
        MOD,
        "gaps",
        json!([{"name": "days", "type": 4, "value": 7}]),
    )
    .await;
    ephemeral(&gaps);
    assert_eq!(
        embeds(&gaps)[0]["title"]
            .as_str()
            .unwrap()
            .split(" (since")
            .next(),
        Some("Coverage gaps: last 7 days")
    );
    let text = description(&gaps);
    assert!(text.contains(&format!("**1×** {missing} (last ")), "{text}");
    assert!(
        text.contains("**1 👎 0 👍** `healthline-infusion-treatments`"),
        "{text}"
    );
    assert!(text.contains(&format!("asked: {question}")), "{text}");
    assert!(
        !text.contains("dog"),
        "DMs are never recorded as text: {text}"
    );
    // In the database: no user ids, and the DM question without its text.
    let store = infusion_faq::feedback::FeedbackStore::open(&app.config.feedback.database).unwrap();
    let all = store.gaps(None, 1, 50).unwrap();
    assert_eq!(all.unanswered_without_text, 1);
    assert!(all.worst_passages.iter().all(|p| p.unhelpful <= 1));
    app.finish().await;
}

/// A large article: writing it and indexing it take long enough to be
/// killed at different moments.
fn big_article() -> String {
    let appendix: String = (0..600)
        .map(|i| format!("## Appendix note {i}\n\nAppendix note {i} records the weather on the island for the quokka survey, day {i}.\n\n"))
        .collect();
    format!("+++\nid = \"kesimpta-big\"\ntitle = \"Kesimpta in depth\"\npublisher = \"Test Publisher\"\nurl = \"https://example.org/kesimpta-big\"\nreviewed = 2026-01-15\n+++\n\n## Ofatumumab (Kesimpta) dosing\n\nKesimpta (ofatumumab) is given as a monthly injection under the skin, after three starting doses in the first weeks of treatment.\n\n{appendix}")
}

/// Sends `/faq-admin add` to a `serve` process and returns the preview.
async fn add_via(fake: &FakeDiscord, name: &str, bytes: &[u8]) -> Value {
    let file = fake.attachment(name, bytes, Cdn::Normal, None);
    let interaction = send_add(fake, MOD, file).await;
    body(&fake.followup(&interaction).await)
}

async fn ask_via(fake: &FakeDiscord, question: &str) -> Value {
    let interaction = fake.ask(BOB, HERE, question, None).await;
    body(&fake.callback(&interaction).await)["data"].clone()
}

/// `/faq-admin <sub>` through `fake`; returns the callback's message.
async fn admin_via(fake: &FakeDiscord, sub: &str, options: Value) -> Value {
    let interaction = fake.admin(MOD, HERE, sub, options, &[]).await;
    body(&fake.callback(&interaction).await)["data"].clone()
}

async fn gaps_via(fake: &FakeDiscord) -> String {
    description(&admin_via(fake, "gaps", json!([])).await)
}

async fn purge_via(fake: &FakeDiscord, what: u64, days: Option<u64>) -> String {
    let mut options = vec![json!({"name": "what", "type": 4, "value": what})];
    if let Some(days) = days {
        options.push(json!({"name": "days", "type": 4, "value": days}));
    }
    content(&admin_via(fake, "purge", Value::Array(options)).await)
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_killed_in_the_middle_of_an_add_restarts_on_the_old_or_new_corpus_and_answers() {
    let upload = big_article();
    for attempt in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        fake_discord::app::copy_corpus(&dir.path().join("corpus"));
        let fake = FakeDiscord::start(fake_discord::app::TOKEN).await;
        let config = write_config(dir.path(), &fake.url(), 0, "", "");
        let mut serve = Serve::start(&config, &fake).await;
        let preview = add_via(&fake, "big.md", upload.as_bytes()).await;
        let shown = payloads::bot_message(fake.id(), MENTION_CHANNEL, &preview);
        fake.click(MOD, HERE, &button(&preview, "Add it"), shown)
            .await;
        // Kill it at a different moment each time: as soon as the click is
        // sent, once the version is kept in the history, once the article
        // file is in place (the index rebuild is then under way).
        let corpus = dir.path().join("corpus");
        let wait_for = match attempt {
            0 => None,
            1 => Some(corpus.join(".history/articles/kesimpta-big")),
            _ => Some(corpus.join("kesimpta-big.md")),
        };
        if let Some(path) = wait_for {
            let deadline = std::time::Instant::now() + fake_discord::TIMEOUT;
            while !path.exists() && std::time::Instant::now() < deadline {
                tokio::task::yield_now().await;
            }
            assert!(
                path.exists(),
                "attempt {attempt}: {} never appeared:\n{}",
                path.display(),
                serve.log()
            );
        }
        serve.kill().await;
        // Old or new, never between: the corpus loads, and the article is
        // either absent or whole.
        let loaded = infusion_faq::corpus::Corpus::load(&corpus).expect("the corpus loads");
        let live = corpus.join("kesimpta-big.md");
        let added = live.exists();
        if added {
            assert_eq!(
                std::fs::read_to_string(&live).unwrap(),
                upload,
                "a whole file"
            );
        }
        assert_eq!(loaded.articles.len(), if added { 3 } else { 2 });
        let stray: Vec<String> = std::fs::read_dir(&corpus)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && n.ends_with(".md") && n != "README.md")
            .filter(|n| {
                ![
                    format!("{HEALTHLINE}.md"),
                    "sharecare-infusion-therapy-advantages.md".into(),
                    "kesimpta-big.md".into(),
                ]
                .contains(n)
            })
            .collect();
        assert!(stray.is_empty(), "{stray:?}");
        // No live change goes unaudited, and no unapplied one reads as done.
        let audited = infusion_faq::moderation::store::CorpusStore::new(&corpus)
            .audit()
            .unwrap()
            .iter()
            .any(|e| {
                e.action == "add" && e.status == infusion_faq::moderation::audit::AuditStatus::Done
            });
        assert_eq!(audited, added, "attempt {attempt}");
        // Restarted, it rebuilds the index as needed and answers.
        let fake = FakeDiscord::start(fake_discord::app::TOKEN).await;
        let config = write_config(dir.path(), &fake.url(), 0, "", "");
        let serve = Serve::start(&config, &fake).await;
        let answer = ask_via(&fake, "How often is Tysabri given?").await;
        assert!(
            answered_from(&answer, "Infusion Treatments for MS"),
            "attempt {attempt}: {answer}"
        );
        let kesimpta = ask_via(&fake, "How often is Kesimpta given?").await;
        assert_eq!(
            answered_from(&kesimpta, "Kesimpta in depth"),
            added,
            "attempt {attempt}: {kesimpta}"
        );
        schema::assert_valid(&fake.requests());
        drop(serve);
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_and_gaps_survive_a_restart_and_purge_deletes_what_it_says() {
    let dir = tempfile::tempdir().unwrap();
    fake_discord::app::copy_corpus(&dir.path().join("corpus"));
    let record = format!("record_questions_in = [{GUILD}]");
    let fake = FakeDiscord::start(fake_discord::app::TOKEN).await;
    let config = write_config(dir.path(), &fake.url(), 0, "", &record);
    let mut serve = Serve::start(&config, &fake).await;
    let question = "How often is Tysabri given?";
    let answer = ask_via(&fake, question).await;
    // A vote counts for each passage the answer quoted.
    let quoted = embeds(&answer).len();
    assert!(quoted >= 1, "{answer}");
    let (_, voted) = click(&fake, CAROL, &answer, "Not helpful").await;
    assert_eq!(voted["type"], 7, "{voted}");
    let missing = "Can I drink coffee during my infusion?";
    for _ in 0..2 {
        assert!(not_covered(&ask_via(&fake, missing).await));
    }
    schema::assert_valid(&fake.requests());
    serve.kill().await;

    let fake = FakeDiscord::start(fake_discord::app::TOKEN).await;
    let config = write_config(dir.path(), &fake.url(), 0, "", &record);
    let serve = Serve::start(&config, &fake).await;
    let text = gaps_via(&fake).await;
    assert!(text.contains(&format!("**2×** {missing} (last ")), "{text}");
    assert!(
        text.contains("**1 👎 0 👍** `healthline-infusion-treatments`"),
        "{text}"
    );
    assert!(text.contains(&format!("asked: {question}")), "{text}");
    // Purge: texts older than 1 day (none yet), then all of them.
    assert_eq!(
        purge_via(&fake, 0, Some(1)).await,
        "✅ Deleted 0 question texts, 0 votes and 0 no-answer records (question texts more than 1 day old) in this server."
    );
    // The 👎 question with each quoted passage, and the two unanswered.
    assert_eq!(
        purge_via(&fake, 1, None).await,
        format!(
            "✅ Deleted {} question texts, 0 votes and 0 no-answer records (all question texts) in this server.",
            quoted + 2
        )
    );
    let text = gaps_via(&fake).await;
    assert!(
        !text.contains("coffee") && !text.contains("asked:"),
        "{text}"
    );
    assert!(text.contains("2 questions without recorded text"), "{text}");
    assert!(text.contains("**1 👎 0 👍**"), "the votes stay: {text}");
    schema::assert_valid(&fake.requests());
    drop(serve);
}

#[test]
fn component_payloads_read_as_serenity_models() {
    use poise::serenity_prelude as serenity;
    let sent = json!({
        "content": "x",
        "components": [{"type": 1, "components": [{"type": 2, "style": 2, "custom_id": "fb:y:-:0123456789ab", "label": "Helpful", "emoji": {"name": "👍"}, "disabled": false}]}],
        "allowed_mentions": {"parse": []}
    });
    let message = payloads::bot_message(1, MENTION_CHANNEL, &sent);
    let interaction: serenity::Interaction = serde_json::from_value(payloads::component(
        2,
        "t",
        "fb:y:-:0123456789ab",
        message,
        HERE,
        MOD,
    ))
    .expect("a component interaction");
    let serenity::Interaction::Component(component) = interaction else {
        panic!("not a component interaction");
    };
    assert_eq!(component.data.custom_id, "fb:y:-:0123456789ab");
    let member = component.member.expect("a member");
    assert!(member.permissions.unwrap().manage_guild());
    let attachment: serenity::Attachment =
        serde_json::from_value(payloads::attachment(3, "a.md", 10, "http://x"))
            .expect("attachment");
    assert_eq!(attachment.size, 10);
}

#[test]
fn the_validator_reads_integers_permissions_and_upload_ids_as_discord_does() {
    use schema::Extras;
    let spec = schema::Spec::get();
    let (_, commands) = spec
        .request_schema("PUT", "/api/v10/applications/1/guilds/2/commands")
        .expect("command registration is in the spec");
    let command = |permissions: Value, min: Value| {
        json!([{
            "name": "x", "description": "d", "type": 1,
            "default_member_permissions": permissions,
            "options": [{"type": 4, "name": "n", "description": "d", "min_value": min}]
        }])
    };
    let problems = |v: &Value| spec.validate_with(commands, v, Extras::Allowed);
    assert_eq!(
        problems(&command(json!("32"), json!(1.0))),
        Vec::<String>::new()
    );
    assert_eq!(
        problems(&command(json!(32), json!(1))),
        Vec::<String>::new()
    );
    assert!(!problems(&command(json!("manage"), json!(1))).is_empty());
    assert!(!problems(&command(json!("99999999999999999999"), json!(1))).is_empty());
    assert!(!problems(&command(json!("32"), json!(1.5))).is_empty());
    let (_, callback) = spec
        .request_schema("POST", "/api/v10/interactions/1/t/callback")
        .unwrap();
    let with_file = |id: Value| json!({"type": 4, "data": {"content": "x", "attachments": [{"id": id, "filename": "a.md"}], "allowed_mentions": {"parse": []}}});
    assert_eq!(
        spec.validate(callback, &with_file(json!(0))),
        Vec::<String>::new()
    );
    assert_eq!(
        spec.validate(callback, &with_file(json!("0"))),
        Vec::<String>::new()
    );
    assert!(!spec.validate(callback, &with_file(json!(-1))).is_empty());
    assert!(!spec.validate(callback, &with_file(json!("x"))).is_empty());
}
