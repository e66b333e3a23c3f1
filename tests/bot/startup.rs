//! The bot starting: in-process, it checks its token, finds the gateway and
//! registers its commands; as the `infusion-faq serve` process, a missing,
//! malformed or rejected token or a bad config is a one-line error and exit
//! 1, the token never shows, and at the default log level the log holds
//! verdicts, latencies and ids, never question text or member names.

use std::path::{Path, PathBuf};

use crate::support::common::copy_corpus;
use crate::support::fake_discord::app::{spawn_app, TOKEN};
use crate::support::fake_discord::payloads::{
    self, Place, ALICE, APP_ID, BOB, GUILD, HERE, MENTION_CHANNEL,
};
use crate::support::fake_discord::process::{self, write_config, Extra, Serve};
use crate::support::fake_discord::{FakeDiscord, TIMEOUT};

/// A config file for `dir` (corpus copied in), pointing at `api_url`, with
/// `top` among its top-level keys.
fn config_file(dir: &Path, api_url: &str, top: &str) -> PathBuf {
    copy_corpus(&dir.join("corpus"));
    write_config(
        dir,
        api_url,
        Extra {
            top,
            ..Extra::default()
        },
    )
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

/// Runs `serve --config config` with `token` to its end; returns (exit
/// code, stderr).
async fn run_to_end(config: &Path, token: Option<&str>) -> (Option<i32>, String) {
    let output = tokio::time::timeout(TIMEOUT, process::command(config, token).output())
        .await
        .expect("serve ends")
        .expect("serve runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_one_line_error(stderr: &str, expected: &str) {
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(stderr.starts_with("error: "), "{stderr:?}");
    assert!(stderr.contains(expected), "{stderr:?}");
}

#[tokio::test]
async fn a_missing_token_is_a_one_line_error_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_file(dir.path(), "http://127.0.0.1:9", "");
    let (code, stderr) = run_to_end(&config, None).await;
    assert_eq!(code, Some(1));
    assert_one_line_error(
        &stderr,
        "no Discord bot token: set the environment variable DISCORD_TOKEN",
    );
}

#[tokio::test]
async fn a_malformed_token_is_a_one_line_error_that_does_not_show_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_file(dir.path(), "http://127.0.0.1:9", "");
    for token in [
        "not-a-token-secret",
        "abc.def.ghi.jkl-secret",
        "abc.d ef.secret",
    ] {
        let (code, stderr) = run_to_end(&config, Some(token)).await;
        assert_eq!(code, Some(1), "{token}");
        assert_one_line_error(&stderr, "the Discord bot token is malformed");
        assert!(!stderr.contains("secret"), "{stderr}");
    }
}

#[tokio::test]
async fn a_bad_config_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_file(dir.path(), "localhost:3000", "");
    let (code, stderr) = run_to_end(&config, Some(TOKEN)).await;
    assert_eq!(code, Some(1));
    assert_one_line_error(&stderr, "api_url \"localhost:3000\" is not a base URL");
    assert!(!stderr.contains(TOKEN));
    let typo = config_file(dir.path(), "http://127.0.0.1:9", "log_levle = \"info\"");
    let (code, stderr) = run_to_end(&typo, Some(TOKEN)).await;
    assert_eq!(code, Some(1));
    assert_one_line_error(&stderr, "log_levle");
}

#[tokio::test]
async fn a_token_discord_rejects_is_a_one_line_error_that_does_not_show_it() {
    let fake = FakeDiscord::start(TOKEN).await;
    let dir = tempfile::tempdir().unwrap();
    let config = config_file(dir.path(), &fake.url(), "");
    let wrong = "OTk5OTk5OTk5OTk5OTk5OTk5.Wrong1.wrong-token-secret-0123456789";
    let (code, stderr) = run_to_end(&config, Some(wrong)).await;
    assert_eq!(code, Some(1));
    let error = stderr.lines().last().unwrap_or_default();
    assert!(
        error.starts_with("error: Discord rejected the bot token (401 Unauthorized)"),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"), "{stderr}");
    assert_eq!(
        fake.requests().last().map(|r| r.authorization.clone()),
        Some(Some(format!("Bot {wrong}")))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_log_holds_verdicts_and_ids_but_no_question_name_or_token() {
    let fake = FakeDiscord::start(TOKEN).await;
    let dir = tempfile::tempdir().unwrap();
    let config = config_file(dir.path(), &fake.url(), "");
    let mut serve = Serve::start(&config, &fake).await;
    // A slash command, a mention and a DM, each with recognisable words.
    let interaction = fake.ask(ALICE, HERE, "How is Tysabri given?", None).await;
    fake.callback(&interaction).await;
    let mention = fake.post(HERE, ALICE, "my throat is closing", true).await;
    let dm = fake
        .post(Place::Dm, BOB, "what is the capital of France", false)
        .await;
    for message in [mention, dm] {
        fake.reply_to(message).await;
    }
    // Wait for the three "answered" lines, then stop the bot.
    serve
        .wait_for_log("three answered lines", |log| {
            log.matches("answered").count() >= 3
        })
        .await;
    serve.kill().await;
    let log = strip_ansi(&serve.log());
    for line in [
        "verdict=\"answer\"",
        "verdict=\"urgent\"",
        "verdict=\"no_answer\"",
    ] {
        assert!(log.contains(line), "{line} in:\n{log}");
    }
    assert!(
        log.contains(&format!("guild_id={}", payloads::GUILD)),
        "{log}"
    );
    assert!(
        log.contains(&format!("channel_id={MENTION_CHANNEL}")),
        "{log}"
    );
    assert!(log.contains("latency_ms="), "{log}");
    for secret in [
        "Tysabri",
        "France",
        "throat",
        ALICE.name,
        BOB.name,
        TOKEN,
        "interaction-token-",
    ] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
}

/// The log without terminal colour codes.
fn strip_ansi(text: &str) -> String {
    regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(text, "")
        .into_owned()
}
