//! 👍 / 👎 votes (one per answer, whatever the clicks), `/faq-admin gaps`
//! (questions recorded only where the config says, never from DMs) and
//! `/faq-admin purge`, in-process and across a restart of `serve`.

use serde_json::{json, Value};

use super::{admin, app_with, click, UNLIMITED};
use crate::support::common::copy_corpus;
use crate::support::fake_discord::app::TOKEN;
use crate::support::fake_discord::members::ask;
use crate::support::fake_discord::messages::{
    body, button, buttons, content, description, embeds, ephemeral, not_covered,
};
use crate::support::fake_discord::payloads::{
    self, Place, ALICE, BOB, CAROL, GUILD, HELPER, HERE, MENTION_CHANNEL, MOD,
};
use crate::support::fake_discord::process::{write_config, Extra, Serve};
use crate::support::fake_discord::{schema, FakeDiscord};

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
    assert_gaps(&text, missing, 1, question);
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

/// Asserts that the gaps report `text` lists `missing` asked `times`, and
/// the one 👎 on the Healthline passage with the `question` it answered.
fn assert_gaps(text: &str, missing: &str, times: u32, question: &str) {
    assert!(
        text.contains(&format!("**{times}×** {missing} (last ")),
        "{text}"
    );
    assert!(
        text.contains("**1 👎 0 👍** `healthline-infusion-treatments`"),
        "{text}"
    );
    assert!(text.contains(&format!("asked: {question}")), "{text}");
}

/// `/faq-admin gaps` (as the moderator): the report's text.
async fn gaps_text(fake: &FakeDiscord) -> String {
    description(&admin(fake, MOD, "gaps", json!([])).await)
}

/// `/faq-admin purge what:<what> [days:<days>]` (as the moderator): what
/// it says it deleted.
async fn purge(fake: &FakeDiscord, what: u64, days: Option<u64>) -> String {
    let mut options = vec![json!({"name": "what", "type": 4, "value": what})];
    if let Some(days) = days {
        options.push(json!({"name": "days", "type": 4, "value": days}));
    }
    content(&admin(fake, MOD, "purge", Value::Array(options)).await)
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_and_gaps_survive_a_restart_and_purge_deletes_what_it_says() {
    let dir = tempfile::tempdir().unwrap();
    copy_corpus(&dir.path().join("corpus"));
    let record = format!("record_questions_in = [{GUILD}]");
    let extra = Extra {
        feedback: &record,
        ..UNLIMITED
    };
    let fake = FakeDiscord::start(TOKEN).await;
    let config = write_config(dir.path(), &fake.url(), extra);
    let mut serve = Serve::start(&config, &fake).await;
    let question = "How often is Tysabri given?";
    let answer = ask(&fake, BOB, HERE, question).await;
    // A vote counts for each passage the answer quoted.
    let quoted = embeds(&answer).len();
    assert!(quoted >= 1, "{answer}");
    let (_, voted) = click(&fake, CAROL, &answer, "Not helpful").await;
    assert_eq!(voted["type"], 7, "{voted}");
    let missing = "Can I drink coffee during my infusion?";
    for _ in 0..2 {
        assert!(not_covered(&ask(&fake, BOB, HERE, missing).await));
    }
    schema::assert_valid(&fake.requests());
    serve.kill().await;

    let fake = FakeDiscord::start(TOKEN).await;
    let config = write_config(dir.path(), &fake.url(), extra);
    let serve = Serve::start(&config, &fake).await;
    let text = gaps_text(&fake).await;
    assert_gaps(&text, missing, 2, question);
    // Purge: texts older than 1 day (none yet), then all of them.
    assert_eq!(
        purge(&fake, 0, Some(1)).await,
        "✅ Deleted 0 question texts, 0 votes and 0 no-answer records (question texts more than 1 day old) in this server."
    );
    // The 👎 question with each quoted passage, and the two unanswered.
    assert_eq!(
        purge(&fake, 1, None).await,
        format!(
            "✅ Deleted {} question texts, 0 votes and 0 no-answer records (all question texts) in this server.",
            quoted + 2
        )
    );
    let text = gaps_text(&fake).await;
    assert!(
        !text.contains("coffee") && !text.contains("asked:"),
        "{text}"
    );
    assert!(text.contains("2 questions without recorded text"), "{text}");
    assert!(text.contains("**1 👎 0 👍**"), "the votes stay: {text}");
    schema::assert_valid(&fake.requests());
    drop(serve);
}
