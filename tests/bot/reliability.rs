//! When things are slow or fail: a slow answer is deferred then followed
//! up, a dropped gateway is resumed, and a reply Discord refuses gets the
//! member a short sorry while the bot goes on answering.

use serde_json::json;

use crate::support::fake_discord::app::{spawn_app, spawn_app_with};
use crate::support::fake_discord::members::ask;
use crate::support::fake_discord::messages::{embeds, no_pings, response_data};
use crate::support::fake_discord::payloads::{ALICE, BOB, HERE};

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
