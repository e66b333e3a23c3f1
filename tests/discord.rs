//! The Discord bot end to end: the real bot (the library's `serve`) against
//! a fake Discord on 127.0.0.1 — REST and gateway — through `api_url`. Each
//! scenario asserts the REST calls the bot made (method, path, JSON body),
//! and `finish()` checks every body against Discord's OpenAPI schemas and
//! the documented limits, `allowed_mentions` included.

#[path = "support/fake_discord/mod.rs"]
mod fake_discord;

use fake_discord::app::{spawn_app, spawn_app_with, TestApp};
use fake_discord::members::replies_to;
use fake_discord::payloads::{
    self, Member, Place, ALICE, APP_ID, BOB, CAROL, GUILD, MENTION_CHANNEL, OTHER_BOT,
    OTHER_CHANNEL,
};
use fake_discord::schema;
use serde_json::{json, Value};

const HERE: Place = Place::Guild {
    channel: MENTION_CHANNEL,
};
const ELSEWHERE: Place = Place::Guild {
    channel: OTHER_CHANNEL,
};
const DISCLAIMER: &str = infusion_faq::engine::DISCLAIMER;

fn embeds(message: &Value) -> Vec<Value> {
    message["embeds"].as_array().cloned().unwrap_or_default()
}

fn no_pings(message: &Value) {
    assert_eq!(message["allowed_mentions"]["parse"], json!([]), "{message}");
    assert_ne!(message["allowed_mentions"]["replied_user"], json!(true));
}

/// The callback of a type-4 response, its `data`.
fn response_data(request: &fake_discord::Request) -> Value {
    let body = request.body.clone().expect("a JSON body");
    assert_eq!(body["type"], 4, "{body}");
    body["data"].clone()
}

/// `/ask` (not private) and its type-4 response's `data`.
async fn ask(app: &TestApp, who: Member, place: Place, question: &str) -> Value {
    let interaction = app.ask(who, place, question, None).await;
    response_data(&app.callback(&interaction).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_starts_by_checking_its_token_finding_the_gateway_and_registering_its_commands() {
    let app = spawn_app().await;
    let calls: Vec<String> = app.fake.requests().iter().map(|r| r.line()).collect();
    assert!(
        calls.contains(&"GET /api/v10/users/@me".to_string()),
        "{calls:?}"
    );
    assert!(
        calls.contains(&"GET /api/v10/gateway".to_string()),
        "{calls:?}"
    );
    let put = format!("PUT /api/v10/applications/{APP_ID}/guilds/{GUILD}/commands");
    assert_eq!(calls.last(), Some(&put), "{calls:?}");
    let registered = app.fake.wait_for_registration().await.body.unwrap();
    let names: Vec<(&str, i64)> = registered
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["type"].as_i64().unwrap_or(1)))
        .collect();
    assert_eq!(
        names,
        vec![
            ("ask", 1),
            ("Find answer", 3),
            ("sources", 1),
            ("faq-admin", 1)
        ]
    );
    let ask = &registered[0];
    assert_eq!(ask["options"][0]["name"], "question");
    assert_eq!(ask["options"][0]["required"], true);
    assert_eq!(ask["options"][1]["name"], "private");
    assert_eq!(ask["options"][1]["type"], 5);
    // Mentions and DMs are answered, so the bot asks for message content.
    let identify = &app.fake.sessions()[0];
    assert_eq!(identify.kind, "identify");
    let intents = identify.data["intents"].as_u64().unwrap();
    let (guild_messages, direct_messages, message_content) = (1 << 9, 1 << 12, 1 << 15);
    assert_eq!(intents, guild_messages | direct_messages | message_content);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_answers_with_cited_passages_in_one_immediate_response() {
    let app = spawn_app().await;
    let question = "How long does an Ocrevus infusion take?";
    let interaction = app.ask(ALICE, HERE, question, None).await;
    let callback = app.callback(&interaction).await;
    let data = response_data(&callback);
    assert_eq!(data["content"], format!("**Question:** {question}"));
    assert!(
        data.get("flags").is_none_or(|f| f == 0),
        "not ephemeral: {data}"
    );
    no_pings(&data);
    let embeds = embeds(&data);
    assert!(!embeds.is_empty() && embeds.len() <= 3, "{data}");
    for embed in &embeds {
        assert_eq!(embed["title"], "Infusion Treatments for MS");
        assert_eq!(
            embed["url"],
            "https://www.healthline.com/health/multiple-sclerosis/infusion-treatments"
        );
        assert_eq!(embed["fields"][0]["name"], "Section");
        assert_eq!(embed["fields"][1]["name"], "Source");
        assert!(embed["fields"][1]["value"]
            .as_str()
            .unwrap()
            .starts_with("Healthline"));
    }
    assert!(
        embeds[0]["fields"][0]["value"]
            .as_str()
            .unwrap()
            .contains("Ocrelizumab (Ocrevus)"),
        "{data}"
    );
    // Matched words are bold.
    assert!(
        embeds[0]["description"].as_str().unwrap().contains("**"),
        "{data}"
    );
    assert_eq!(embeds.last().unwrap()["footer"]["text"], DISCLAIMER);
    // One response, nothing else.
    assert_eq!(
        app.calls_after_start()
            .iter()
            .map(|r| r.line())
            .collect::<Vec<_>>(),
        vec![format!("POST {}", interaction.callback_path())]
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_private_answers_ephemerally() {
    let app = spawn_app().await;
    let interaction = app
        .ask(
            ALICE,
            HERE,
            "What are the side effects of Tysabri?",
            Some(true),
        )
        .await;
    let data = response_data(&app.callback(&interaction).await);
    assert_eq!(data["flags"], 64, "ephemeral: {data}");
    assert!(embeds(&data)[0]["fields"][0]["value"]
        .as_str()
        .unwrap()
        .contains("Natalizumab (Tysabri)"));
    no_pings(&data);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_urgent_question_gets_the_emergency_guidance_first_as_plain_content() {
    let app = spawn_app().await;
    let data = ask(&app, ALICE, HERE, "my throat is closing after my infusion").await;
    let content = data["content"].as_str().unwrap();
    assert!(
        content.starts_with("🚨 This may be an emergency: call your local emergency number now"),
        "{content}"
    );
    let guidance_end = content.find("Do not wait for an answer here.").unwrap();
    assert!(guidance_end < content.find("**Question:**").unwrap());
    for embed in embeds(&data) {
        assert_eq!(embed["color"], 0xc53030);
    }
    no_pings(&data);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_the_articles_do_not_cover_says_so_and_suggests_topics() {
    let app = spawn_app().await;
    let data = ask(&app, BOB, HERE, "what is the capital of France").await;
    let embeds = embeds(&data);
    assert_eq!(embeds.len(), 1);
    assert_eq!(embeds[0]["title"], "Not covered by the articles");
    let description = embeds[0]["description"].as_str().unwrap();
    assert!(
        description.contains("do not cover that question"),
        "{description}"
    );
    // Topics the articles cover, one per line.
    let topics: Vec<&str> = description
        .split("**They do cover:**\n")
        .nth(1)
        .expect("suggested topics")
        .lines()
        .take_while(|l| l.starts_with("• "))
        .collect();
    assert!(!topics.is_empty(), "{description}");
    assert_eq!(embeds[0]["footer"]["text"], DISCLAIMER);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_answer_answers_someone_elses_message_and_links_it() {
    let app = spawn_app().await;
    let target = app.message(
        ELSEWHERE,
        BOB,
        "does anyone know what the side effects of Tysabri are?",
        false,
    );
    let target_id = target["id"].as_str().unwrap().to_string();
    let interaction = app.find_answer(ALICE, ELSEWHERE, target).await;
    let data = response_data(&app.callback(&interaction).await);
    let content = data["content"].as_str().unwrap();
    assert!(
        content.starts_with(&format!(
            "**Answering [this message](<https://discord.com/channels/{GUILD}/{OTHER_CHANNEL}/{target_id}>):** does anyone know"
        )),
        "{content}"
    );
    assert!(data.get("flags").is_none_or(|f| f == 0), "public: {data}");
    assert!(embeds(&data)[0]["fields"][0]["value"]
        .as_str()
        .unwrap()
        .contains("Natalizumab (Tysabri)"));
    no_pings(&data);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_answer_on_a_message_without_words_says_so_privately() {
    let app = spawn_app().await;
    let image_only = app.message(ELSEWHERE, BOB, "", false);
    let interaction = app.find_answer(ALICE, ELSEWHERE, image_only).await;
    let data = response_data(&app.callback(&interaction).await);
    assert_eq!(
        data["content"],
        "That message has no question in words for me to answer."
    );
    assert_eq!(data["flags"], 64);
    no_pings(&data);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_in_a_configured_channel_gets_a_reply_to_that_message() {
    let app = spawn_app().await;
    let id = app
        .post(HERE, ALICE, "how often is Tysabri given?", true)
        .await;
    let reply = app.reply_to(id).await;
    assert_eq!(
        reply.path,
        format!("/api/v10/channels/{MENTION_CHANNEL}/messages")
    );
    let body = reply.body.clone().unwrap();
    assert_eq!(body["message_reference"]["message_id"], id.to_string());
    assert_eq!(body["message_reference"]["fail_if_not_exists"], false);
    assert!(
        body.get("content").is_none(),
        "the reply itself shows the question: {body}"
    );
    assert!(!embeds(&body).is_empty());
    no_pings(&body);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentions_elsewhere_and_messages_from_bots_are_ignored() {
    let app = spawn_app().await;
    let elsewhere = app
        .post(ELSEWHERE, ALICE, "how is Tysabri given?", true)
        .await;
    let no_mention = app.post(HERE, ALICE, "how is Tysabri given?", false).await;
    let from_bot = app
        .post(HERE, OTHER_BOT, "how is Tysabri given?", true)
        .await;
    // The gateway delivers in order: once a later question is answered, the
    // ignored ones were handled.
    let answered = app.post(HERE, BOB, "how is Tysabri given?", true).await;
    app.reply_to(answered).await;
    for id in [elsewhere, no_mention, from_bot] {
        assert!(
            app.fake.requests().iter().all(|r| !replies_to(r, id)),
            "message {id} was answered"
        );
    }
    assert_eq!(app.calls_after_start().len(), 1);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_message_is_answered_in_the_dm() {
    let app = spawn_app().await;
    let id = app
        .post(
            Place::Dm,
            ALICE,
            "What are the side effects of Ocrevus?",
            false,
        )
        .await;
    let reply = app.reply_to(id).await;
    assert_eq!(
        reply.path,
        format!("/api/v10/channels/{}/messages", payloads::DM_CHANNEL)
    );
    let body = reply.body.unwrap();
    assert!(embeds(&body).iter().any(|e| e["fields"][0]["value"]
        .as_str()
        .unwrap()
        .contains("Ocrelizumab")));
    no_pings(&body);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_messages_are_ignored_when_turned_off() {
    let app = spawn_app_with(|config| config.discord.answer_dms = false).await;
    let ignored = app
        .post(Place::Dm, ALICE, "how is Tysabri given?", false)
        .await;
    let answered = app.post(HERE, ALICE, "how is Tysabri given?", true).await;
    app.reply_to(answered).await;
    assert!(app.calls_about(ignored).is_empty());
    app.finish().await;
}

/// An article whose passage is full of pings and markdown (escaped in the
/// article, so that the passage holds the characters themselves).
const HOSTILE_ARTICLE: &str = r#"+++
id = "test-hostile-passages"
title = "Zanubrutinib nursing notes *draft* @everyone"
publisher = "Test_Publisher"
url = "https://example.org/hostile"
reviewed = 2024-01-01
+++

## Zanubrutinib nursing notes

Zanubrutinib nursing notes: @everyone and @here and <@111111111111111111> and <@&222222222222222222> must never ping anyone. \*Stars\*, \_underscores\_, \`ticks\`, ||spoilers||, ~~strikes~~, a\\b and \[a link\](https://evil.example) stay literal.
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_in_the_question_or_a_passage_pings_nobody_and_markdown_stays_literal() {
    let app = spawn_app_with(|config| {
        std::fs::write(config.corpus.join("test-hostile.md"), HOSTILE_ARTICLE).unwrap();
    })
    .await;
    // In the question: echoed, never a ping, and not a reason to miss the answer.
    let question = "@everyone @here <@&222222222222222222> how is Tysabri given?";
    let data = ask(&app, ALICE, HERE, question).await;
    no_pings(&data);
    assert!(data["content"]
        .as_str()
        .unwrap()
        .contains("@everyone @here"));
    assert_ne!(
        embeds(&data)[0]["title"],
        "Not covered by the articles",
        "{data}"
    );
    // In a passage, through a mention reply.
    let id = app
        .post(
            HERE,
            BOB,
            "What do the zanubrutinib nursing notes say?",
            true,
        )
        .await;
    let body = app.reply_to(id).await.body.unwrap();
    no_pings(&body);
    let embed = &embeds(&body)[0];
    let description = embed["description"].as_str().unwrap();
    assert!(
        description
            .contains("@everyone and @here and <@111111111111111111> and <@&222222222222222222>"),
        "{description}"
    );
    assert!(
        description.contains(
            r"\*Stars\*, \_underscores\_, \`ticks\`, \|\|spoilers\|\|, \~\~strikes\~\~, a\\b and \[a link\](https://evil.example) stay literal."
        ),
        "{description}"
    );
    // The sentence that answers is bold, as one span.
    assert!(
        description.starts_with("**Zanubrutinib nursing notes: @everyone"),
        "{description}"
    );
    assert_eq!(
        embed["title"],
        "Zanubrutinib nursing notes \\*draft\\* @everyone"
    );
    assert!(embed["fields"][1]["value"]
        .as_str()
        .unwrap()
        .starts_with("Test\\_Publisher"));
    app.finish().await;
}

/// An article whose one passage is a 6,000-character sentence under a
/// 300-character title.
fn long_article() -> String {
    let title = format!("Quillback {}long title", "very ".repeat(60));
    let sentence = format!(
        "The quillback protocol {}.",
        (0..80)
            .map(|i| format!(
                "involves step {i} with careful monitoring of the infusion rate and vital signs"
            ))
            .collect::<Vec<_>>()
            .join(" ")
    );
    format!("+++\nid = \"test-long-passage\"\ntitle = \"{title}\"\npublisher = \"Test Publisher\"\nurl = \"https://example.org/long\"\n+++\n\n## Quillback protocol\n\n{sentence}\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_3000_character_question_and_a_6000_character_passage_fit_discords_limits() {
    let app = spawn_app_with(|config| {
        std::fs::write(config.corpus.join("test-long.md"), long_article()).unwrap();
    })
    .await;
    let question = format!(
        "What is the quillback protocol? {}",
        "Please explain. ".repeat(200)
    );
    assert!(question.chars().count() >= 3000);
    let data = ask(&app, ALICE, HERE, &question).await;
    let content = data["content"].as_str().unwrap();
    assert!(content.chars().count() <= 2000);
    assert!(content.ends_with('…'), "the echo is cut: {content}");
    let embeds = embeds(&data);
    let description = embeds[0]["description"].as_str().unwrap();
    // The answering sentence is bold, and a cut closes the bold first.
    assert!(
        description.starts_with("**The quillback protocol involves step 0"),
        "{description}"
    );
    assert!(
        description.ends_with("**…") || description.ends_with('…'),
        "{description}"
    );
    assert_eq!(description.matches("**").count() % 2, 0, "{description}");
    assert!(description.chars().count() <= 4096);
    let title = embeds[0]["title"].as_str().unwrap();
    assert!(
        title.chars().count() <= 256 && title.ends_with('…'),
        "{title}"
    );
    assert!(
        schema::message_problems(&data).is_empty(),
        "{:?}",
        schema::message_problems(&data)
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_answers_the_excess_with_a_polite_private_note() {
    let app = spawn_app_with(|config| {
        config.discord.rate_limit_questions = 2;
        config.discord.rate_limit_seconds = 3600;
    })
    .await;
    let mut responses = Vec::new();
    for _ in 0..3 {
        responses.push(ask(&app, ALICE, HERE, "How is Tysabri given?").await);
    }
    assert!(!embeds(&responses[0]).is_empty());
    assert!(!embeds(&responses[1]).is_empty());
    let note = &responses[2];
    assert_eq!(note["flags"], 64, "private: {note}");
    assert!(embeds(note).is_empty());
    let text = note["content"].as_str().unwrap();
    assert!(
        text.starts_with("You're asking quickly: members can ask 2 questions every 3600 seconds"),
        "{text}"
    );
    no_pings(note);
    // Another member is not limited.
    let other = ask(&app, BOB, HERE, "How is Tysabri given?").await;
    assert!(!embeds(&other).is_empty());
    // Mentions count towards the same limit (Bob has one question left),
    // and a burst gets one note, then silence: the bot cannot be made to
    // flood a channel.
    let answered = app.post(HERE, BOB, "how is Tysabri given?", true).await;
    assert!(!embeds(&app.reply_to(answered).await.body.unwrap()).is_empty());
    let refused = app.post(HERE, BOB, "how is Tysabri given?", true).await;
    let note = app.reply_to(refused).await.body.unwrap();
    assert!(
        note["content"]
            .as_str()
            .unwrap()
            .starts_with("You're asking quickly"),
        "{note}"
    );
    no_pings(&note);
    let quiet = app.post(HERE, BOB, "how is Tysabri given?", true).await;
    let barrier = app.post(HERE, CAROL, "how is Tysabri given?", true).await;
    app.reply_to(barrier).await;
    assert!(app.fake.requests().iter().all(|r| !replies_to(r, quiet)));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_answer_is_deferred_within_the_deadline_then_followed_up() {
    // defer_after_ms = 0 makes every answer "slow".
    let app = spawn_app_with(|config| config.discord.defer_after_ms = 0).await;
    let interaction = app
        .ask(ALICE, HERE, "How is Tysabri given?", Some(true))
        .await;
    let callback = app.callback(&interaction).await;
    let body = callback.body.clone().unwrap();
    assert_eq!(body["type"], 5, "deferred: {body}");
    assert_eq!(body["data"]["flags"], 64, "ephemeral 'thinking…': {body}");
    let followup = app.followup(&interaction).await;
    assert!(followup.at >= callback.at);
    let message = followup.body.unwrap();
    assert!(!embeds(&message).is_empty());
    no_pings(&message);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_lists_the_articles_with_links_and_dates() {
    let app = spawn_app().await;
    let interaction = app.sources(BOB, HERE).await;
    let data = response_data(&app.callback(&interaction).await);
    let embed = &embeds(&data)[0];
    assert_eq!(embed["title"], "Sources: 2 articles");
    let description = embed["description"].as_str().unwrap();
    assert!(description.contains(
        "• [Infusion Treatments for MS](<https://www.healthline.com/health/multiple-sclerosis/infusion-treatments>) — Healthline"
    ), "{description}");
    assert_eq!(description.lines().count(), 2);
    no_pings(&data);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_works_in_a_dm_with_the_bot() {
    let app = spawn_app().await;
    let data = ask(&app, ALICE, Place::Dm, "How is Tysabri given?").await;
    assert!(!embeds(&data).is_empty());
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_gateway_drops_the_bot_reconnects_and_answers_the_next_question() {
    let app = spawn_app().await;
    let first = app.ask(ALICE, HERE, "How is Tysabri given?", None).await;
    app.callback(&first).await;
    // 4000: "unknown error", after which Discord clients reconnect.
    app.fake.close_gateway(4000);
    app.fake.wait_for_sessions(2).await;
    // serenity resumes the session where it stopped: same id, last sequence.
    let sessions = app.fake.sessions();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    assert_eq!(sessions[1].kind, "resume", "{sessions:?}");
    assert_eq!(
        sessions[1].data["session_id"].as_str(),
        sessions[0].session_id.as_deref()
    );
    assert_eq!(sessions[1].data["seq"], json!(sessions[0].last_seq));
    let data = ask(&app, BOB, HERE, "What are the side effects of Tysabri?").await;
    assert!(!embeds(&data).is_empty());
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_discord_refuses_the_answer_the_member_gets_a_short_sorry() {
    let app = spawn_app().await;
    app.fake.fail_next("POST", "/callback", 500);
    let interaction = app.ask(ALICE, HERE, "How is Tysabri given?", None).await;
    let calls = app
        .fake
        .wait_for("a second callback", |calls| {
            let callbacks: Vec<_> = calls
                .iter()
                .filter(|r| r.path == interaction.callback_path())
                .cloned()
                .collect();
            (callbacks.len() == 2).then_some(callbacks)
        })
        .await;
    assert!(
        !embeds(&response_data(&calls[0])).is_empty(),
        "the refused answer"
    );
    let sorry = response_data(&calls[1]);
    assert_eq!(
        sorry["content"],
        "Sorry, something went wrong while answering. Please try again in a moment."
    );
    assert_eq!(sorry["flags"], 64, "only the member sees it: {sorry}");
    no_pings(&sorry);
    // The bot goes on answering.
    let next = ask(&app, BOB, HERE, "How is Tysabri given?").await;
    assert!(!embeds(&next).is_empty());
    app.finish().await;
}

#[test]
fn the_fake_discords_payloads_read_as_serenity_models() {
    use poise::serenity_prelude as serenity;
    let read = |value: Value, what: &str| -> serenity::Interaction {
        serde_json::from_value(value).unwrap_or_else(|e| panic!("{what}: {e}"))
    };
    let message = payloads::message(1, HERE, ALICE, "hi", &[payloads::bot_user()]);
    let _: serenity::Message = serde_json::from_value(message.clone()).expect("message");
    let _: serenity::Message =
        serde_json::from_value(payloads::message(2, Place::Dm, ALICE, "hi", &[])).expect("DM");
    read(
        payloads::slash_command(
            3,
            "t",
            ("ask", 4),
            json!([{"name": "question", "type": 3, "value": "q"}]),
            HERE,
            ALICE,
        ),
        "slash command",
    );
    read(
        payloads::slash_command(3, "t", ("ask", 4), json!([]), Place::Dm, ALICE),
        "DM slash command",
    );
    read(
        payloads::message_command(5, "t", ("Find answer", 6), message, HERE, ALICE),
        "message command",
    );
    let _: serenity::Ready = serde_json::from_value(payloads::ready("s", "ws://x")).expect("ready");
    let _: serenity::CurrentUser = serde_json::from_value(payloads::bot_user()).expect("user");
    let _: serenity::CurrentApplicationInfo =
        serde_json::from_value(payloads::application()).expect("application");
    let body = json!({"content": "x", "embeds": [{"title": "t", "description": "d", "fields": [{"name": "n", "value": "v", "inline": true}], "footer": {"text": "f"}, "color": 1}]});
    let _: serenity::Message =
        serde_json::from_value(payloads::sent_message(7, 8, &body)).expect("sent");
}

#[test]
fn the_validator_catches_what_discord_would_refuse() {
    let spec = schema::Spec::get();
    let (template, schema) = spec
        .request_schema("POST", "/api/v10/interactions/1/abc/callback")
        .expect("the callback is in the spec");
    assert_eq!(
        template,
        "/interactions/{interaction_id}/{interaction_token}/callback"
    );
    let good = json!({"type": 4, "data": {"content": "hi", "allowed_mentions": {"parse": []}}});
    assert_eq!(spec.validate(schema, &good), Vec::<String>::new());
    let long = json!({"type": 4, "data": {"content": "x".repeat(2001), "allowed_mentions": {"parse": []}}});
    assert!(!spec.validate(schema, &long).is_empty());
    let bad_type = json!({"type": 99, "data": {"content": "hi"}});
    assert!(!spec.validate(schema, &bad_type).is_empty());
    let typo = json!({"type": 4, "data": {"contnet": "hi"}});
    assert!(!spec.validate(schema, &typo).is_empty());
    let (_, message_schema) = spec
        .request_schema("POST", "/api/v10/channels/1/messages")
        .unwrap();
    let title = json!({"embeds": [{"title": "t".repeat(257)}], "allowed_mentions": {"parse": ["everyone"]}});
    assert!(!spec.validate(message_schema, &title).is_empty());
    let pings = json!({"content": "@everyone", "allowed_mentions": {"parse": ["everyone"]}});
    assert_eq!(spec.validate(message_schema, &pings), Vec::<String>::new());
    assert!(!schema::message_problems(&pings).is_empty());
    let total = json!({"embeds": [{"description": "d".repeat(4000)}, {"description": "d".repeat(2001)}], "allowed_mentions": {"parse": []}});
    assert!(schema::message_problems(&total)
        .iter()
        .any(|p| p.contains("> 6000")));
    let content = json!({"content": "c".repeat(2001), "allowed_mentions": {"parse": []}});
    assert_eq!(
        spec.validate(message_schema, &content),
        Vec::<String>::new(),
        "the spec allows 4000"
    );
    assert!(
        !schema::message_problems(&content).is_empty(),
        "the documentation allows 2000"
    );
}
