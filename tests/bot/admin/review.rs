//! The review reminder: with an audit channel, the `serve` process posts
//! one line there naming the articles due for review (the shipped ones are
//! undated, so due) shortly after start, and a restart within the week
//! does not post it again.

use serde_json::json;

use super::{AUDIT_CHANNEL, HEALTHLINE};
use crate::support::fake_discord::app::TOKEN;
use crate::support::fake_discord::messages::{body, content};
use crate::support::fake_discord::process::{write_config, Extra, Serve};
use crate::support::fake_discord::{schema, FakeDiscord};

const SHARECARE: &str = "sharecare-infusion-therapy-advantages";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_articles_due_for_review_are_posted_weekly_and_not_again_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::common::copy_corpus(&dir.path().join("corpus"));
    let discord = format!("audit_channel = {AUDIT_CHANNEL}");
    let extra = Extra {
        discord: &discord,
        ..Extra::default()
    };
    let audit_path = format!("/api/v10/channels/{AUDIT_CHANNEL}/messages");

    let fake = FakeDiscord::start(TOKEN).await;
    let config = write_config(dir.path(), &fake.url(), extra);
    let mut serve = Serve::start(&config, &fake).await;
    let posted = body(&fake.wait_for_call("POST", &audit_path).await);
    let line = content(&posted);
    assert!(
        line.starts_with(
            "📅 2 articles due for review (last reviewed over 365 days ago, or undated):"
        ),
        "{line}"
    );
    for id in [HEALTHLINE, SHARECARE] {
        assert!(line.contains(&format!("`{id}`")), "{line}");
    }
    assert!(line.contains("(no review date)"), "{line}");
    assert!(!line.contains('\n'), "one line: {line}");
    assert_eq!(posted["allowed_mentions"]["parse"], json!([]));
    serve
        .wait_for_log("the check recorded", |log| {
            log.contains("review reminder check recorded")
        })
        .await;
    assert!(
        dir.path().join("index/review-reminder.txt").exists(),
        "the check is recorded"
    );
    serve.kill().await;
    schema::assert_valid(&fake.requests());

    // Restarted within the week: it waits for the next check, posting nothing.
    let fake = FakeDiscord::start(TOKEN).await;
    let config = write_config(dir.path(), &fake.url(), extra);
    let mut serve = Serve::start(&config, &fake).await;
    serve
        .wait_for_log("the reminder to wait", |log| {
            log.contains("review reminder waits for its next check")
        })
        .await;
    let again: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == audit_path)
        .map(|r| r.line())
        .collect();
    assert!(again.is_empty(), "posted again after a restart: {again:?}");
    assert!(
        !serve.log().contains("review reminder posted"),
        "{}",
        serve.log()
    );
    serve.kill().await;
}
