//! Members' doors: `/ask` (public, private, in a DM), Find answer on
//! someone's message, a mention in a configured channel, a direct message,
//! `/sources` — and what is ignored (mentions elsewhere, bots, DMs turned
//! off). Each answer quotes cited passages and pings nobody.

use crate::support::fake_discord::app::{spawn_app, spawn_app_with};
use crate::support::fake_discord::members::{ask, replies_to};
use crate::support::fake_discord::messages::{embeds, no_pings, response_data, section, source};
use crate::support::fake_discord::payloads::{
    self, Place, ALICE, BOB, GUILD, HERE, MENTION_CHANNEL, OTHER_BOT, OTHER_CHANNEL,
};

const ELSEWHERE: Place = Place::Guild {
    channel: OTHER_CHANNEL,
};
const DISCLAIMER: &str = infusion_faq::engine::DISCLAIMER;

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
        assert!(source(embed).starts_with("Healthline"));
    }
    assert!(
        section(&embeds[0]).contains("Ocrelizumab (Ocrevus)"),
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
    assert!(section(&embeds(&data)[0]).contains("Natalizumab (Tysabri)"));
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
    assert!(section(&embeds(&data)[0]).contains("Natalizumab (Tysabri)"));
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
    assert!(embeds(&body)
        .iter()
        .any(|e| section(e).contains("Ocrelizumab")));
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
