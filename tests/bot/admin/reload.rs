//! Reloads: `/faq-admin reload` and the folder watcher take changes from
//! disk, a broken corpus is refused while members are still answered, no
//! question is lost during twenty reloads, and two bots on one corpus
//! folder converge.

use serde_json::json;

use super::{add, admin, app_with, confirm, kesimpta};
use crate::support::fake_discord::members::ask;
use crate::support::fake_discord::messages::{
    answered_from, body, content, description, embeds, not_covered,
};
use crate::support::fake_discord::payloads::{BOB, HERE, MOD};
use crate::support::fake_discord::TIMEOUT;

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
                    let (_, callback) = app
                        .fake
                        .send(payload, "POST", &interaction.callback_path())
                        .await;
                    let body = callback.body.unwrap();
                    assert_eq!(body["type"], 4, "{body}");
                    let embeds = embeds(&body["data"]);
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
            let deadline = std::time::Instant::now() + TIMEOUT;
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
    let deadline = std::time::Instant::now() + TIMEOUT;
    while !answered_from(&ask(&second, BOB, HERE, question).await, "Kesimpta basics") {
        assert!(
            std::time::Instant::now() < deadline,
            "the second bot never reloaded"
        );
    }
    first.finish().await;
    second.finish().await;
}
