//! What members' text cannot do: ping anyone (`@everyone`, users, roles, in
//! a question or a passage), break the markdown, exceed Discord's limits
//! (a 3,000-character question, a 6,000-character passage, a 300-character
//! title), or flood a channel past the rate limit.

use crate::support::fake_discord::app::spawn_app_with;
use crate::support::fake_discord::members::{ask, replies_to};
use crate::support::fake_discord::messages::{embeds, no_pings, source};
use crate::support::fake_discord::payloads::{ALICE, BOB, CAROL, HERE};
use crate::support::fake_discord::schema;

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
    assert!(source(embed).starts_with("Test\\_Publisher"));
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
