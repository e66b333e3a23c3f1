//! The moderators' side under load, against the real `infusion-faq serve`
//! process (release build) and the fake Discord:
//!
//! - Confirm → live: a `/faq-admin add` confirmed, from the click leaving
//!   the fake's gateway to the outcome ("✅ … Live now") reaching its REST
//!   API: write, version, audit, reload;
//! - a 👍 / 👎 click → its acknowledgement (the vote is in SQLite first);
//! - an answered and an unanswered question one at a time (the latter
//!   records the "no answer" in SQLite before replying);
//! - questions at concurrency 50 with and without reloads happening.
//!
//! `cargo bench --bench admin`; `ADMIN_BENCH_QUESTIONS` (default 2,000) and
//! `ADMIN_BENCH_RELOADS` (default 20) change the load.

mod common;
// The bench drives a slice of the bot tests' support.
#[allow(dead_code)]
#[path = "../tests/support/bot.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{env_number, ms, percentile};
use serde_json::{json, Value};
use support::common::copy_corpus;
use support::fake_discord::app::TOKEN;
use support::fake_discord::messages::button;
use support::fake_discord::payloads::{self, BOB, HERE, MENTION_CHANNEL, MOD};
use support::fake_discord::process::{write_config, Extra, Serve};
use support::fake_discord::{FakeDiscord, Serve as Cdn};

fn report(what: &str, mut latencies: Vec<Duration>) {
    latencies.sort();
    println!(
        "{what}: n {}, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 90.0)),
        ms(percentile(&latencies, 99.0)),
        ms(*latencies.last().unwrap())
    );
}

fn main() {
    let questions = env_number("ADMIN_BENCH_QUESTIONS", 2_000);
    let reloads = env_number("ADMIN_BENCH_RELOADS", 20);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(questions, reloads));
}

async fn ask(fake: &FakeDiscord, question: &str) -> (Duration, Value) {
    let (interaction, payload) = fake.ask_payload(BOB, HERE, question, None);
    let (at, reply) = fake
        .send(payload, "POST", &interaction.callback_path())
        .await;
    (
        reply.at.duration_since(at),
        reply.body.expect("a body")["data"].clone(),
    )
}

async fn run(questions: usize, reloads: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_corpus(&dir.path().join("corpus"));
    let fake = Arc::new(FakeDiscord::start(TOKEN).await);
    let config = write_config(
        dir.path(),
        &fake.url(),
        Extra {
            discord: "rate_limit_questions = 0",
            ..Extra::default()
        },
    );
    let _serve = Serve::start(&config, &fake).await;

    // One at a time: answered, unanswered.
    let mut answered = Vec::new();
    let mut unanswered = Vec::new();
    for _ in 0..200 {
        answered.push(ask(&fake, "How often is Tysabri given?").await.0);
        unanswered.push(ask(&fake, "Can I drink coffee during my infusion?").await.0);
    }
    report("answered question → reply, one at a time", answered);
    report(
        "unanswered question → reply (recorded in SQLite first), one at a time",
        unanswered,
    );

    // Votes: each on its own answer.
    let mut votes = Vec::new();
    for n in 0..200 {
        let (_, answer) = ask(&fake, "What are the side effects of Tysabri?").await;
        let label = if n % 2 == 0 { "Helpful" } else { "Not helpful" };
        let shown = payloads::bot_message(fake.id(), MENTION_CHANNEL, &answer);
        let (interaction, payload) = fake.click_payload(BOB, HERE, &button(&answer, label), shown);
        let (at, reply) = fake
            .send(payload, "POST", &interaction.callback_path())
            .await;
        assert_eq!(reply.body.as_ref().unwrap()["type"], 7);
        votes.push(reply.at.duration_since(at));
    }
    report("vote click → acknowledgement (vote in SQLite first)", votes);

    // Confirm → live, for new articles.
    let mut confirms = Vec::new();
    for n in 0..10 {
        let article = format!("+++\nid = \"bench-{n}\"\ntitle = \"Bench {n}\"\npublisher = \"P\"\nurl = \"https://example.org/{n}\"\nreviewed = 2026-01-15\n+++\n\n## Quokka note {n}\n\nQuokka note {n} says the island quokka smiles at visitors every morning.\n");
        let file = fake.attachment("bench.md", article.as_bytes(), Cdn::Normal, None);
        let (add, payload) = fake.admin_payload(
            MOD,
            HERE,
            "add",
            json!([payloads::file_option(&file)]),
            &[file],
        );
        let (_, preview) = fake.send(payload, "POST", &add.followup_path()).await;
        let preview = preview.body.unwrap();
        let shown = payloads::bot_message(fake.id(), MENTION_CHANNEL, &preview);
        let (click, payload) = fake.click_payload(MOD, HERE, &button(&preview, "Add it"), shown);
        let (at, outcome) = fake.send(payload, "PATCH", &click.original_path()).await;
        let text = outcome.body.unwrap()["content"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(text.starts_with("✅ added"), "{text}");
        confirms.push(outcome.at.duration_since(at));
    }
    report(
        "Confirm click → the new article live (write, version, audit, reload)",
        confirms,
    );

    // Questions at concurrency 50, without and with reloads.
    let load = |with_reloads: bool| {
        let fake = Arc::clone(&fake);
        let corpus = dir.path().join("corpus");
        async move {
            let reloader = with_reloads.then(|| {
                let fake = Arc::clone(&fake);
                tokio::spawn(async move {
                    for n in 0..reloads {
                        std::fs::write(
                            corpus.join(format!("load-{n}.md")),
                            format!("+++\nid = \"load-{n}\"\ntitle = \"Load {n}\"\npublisher = \"P\"\nurl = \"https://example.org/load-{n}\"\n+++\n\n## Zebrafish note {n}\n\nZebrafish number {n} swims in a school with many other fish.\n"),
                        )
                        .unwrap();
                        let (reload, payload) =
                            fake.admin_payload(MOD, HERE, "reload", json!([]), &[]);
                        fake.send(payload, "POST", &reload.followup_path()).await;
                    }
                })
            });
            let mut latencies = Vec::with_capacity(questions);
            let mut flight = tokio::task::JoinSet::new();
            let started = Instant::now();
            for n in 0..questions {
                if flight.len() >= 50 {
                    latencies.push(flight.join_next().await.unwrap().unwrap());
                }
                let fake = Arc::clone(&fake);
                flight.spawn(async move {
                    let question = if n % 2 == 0 {
                        "How often is Tysabri given?"
                    } else {
                        "What are the side effects of Ocrevus?"
                    };
                    let (latency, answer) = ask(&fake, question).await;
                    assert!(
                        answer["embeds"].as_array().is_some_and(|e| e
                            .iter()
                            .all(|e| e["title"] != "Not covered by the articles")),
                        "{answer}"
                    );
                    latency
                });
            }
            while let Some(done) = flight.join_next().await {
                latencies.push(done.unwrap());
            }
            let elapsed = started.elapsed();
            let reloads_done = match reloader {
                Some(reloader) => {
                    reloader.await.unwrap();
                    started.elapsed()
                }
                None => Duration::ZERO,
            };
            (latencies, elapsed, reloads_done)
        }
    };
    let (quiet, elapsed, _) = load(false).await;
    report(
        &format!(
            "{questions} questions at concurrency 50, no reload ({:.2} s)",
            elapsed.as_secs_f64()
        ),
        quiet,
    );
    let (busy, elapsed, reloads_done) = load(true).await;
    report(
        &format!(
            "{questions} questions at concurrency 50 while {reloads} reloads happen ({:.2} s; reloads done after {:.2} s)",
            elapsed.as_secs_f64(),
            reloads_done.as_secs_f64()
        ),
        busy,
    );
}
