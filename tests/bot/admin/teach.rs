//! Teaching from `/faq-admin gaps`: Teach on an unanswered question, a
//! passage picked from the select menu, the preview confirmed; from then
//! on the question and questions worded like it are answered from that
//! passage, and the change is kept and audited like every other.

use serde_json::{json, Value};

use super::{app_with, audit_actions, click, confirm};
use crate::support::fake_discord::members::ask;
use crate::support::fake_discord::messages::{
    answered_from, body, buttons, content, description, ephemeral, not_covered,
};
use crate::support::fake_discord::payloads::{self, BOB, CAROL, GUILD, HERE, MENTION_CHANNEL, MOD};

const SHARECARE: &str = "Are There Advantages to Infusion Therapy for MS?";

/// The options of the select menu in `message`: (value, label, description).
fn options(message: &Value) -> Vec<(String, String, String)> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter(|c| c["type"] == 3)
        .flat_map(|menu| menu["options"].as_array().cloned().unwrap_or_default())
        .map(|o| {
            let text = |k: &str| o[k].as_str().unwrap_or_default().to_string();
            (text("value"), text("label"), text("description"))
        })
        .collect()
}

fn menu_id(message: &Value) -> String {
    message["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no select menu in {message}"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_taught_from_the_gaps_report_is_answered_from_then_on() {
    let app = app_with(|config| config.feedback.record_questions_in = vec![GUILD]).await;
    let missed = "whats the perk of the iv route compared with tablets";
    // Asked twice, so it heads the report; five others once each.
    for _ in 0..2 {
        assert!(not_covered(&ask(&app, BOB, HERE, missed).await));
    }
    for other in [
        "how do I make sourdough starter",
        "what time does the pharmacy on main street close",
        "anyone know a good physio in leeds",
        "best pizza near the hospital?",
        "how do I renew my passport",
    ] {
        assert!(not_covered(&ask(&app, BOB, HERE, other).await), "{other}");
    }

    // The report: the question, and a Teach button for it.
    let interaction = app.fake.admin(MOD, HERE, "gaps", json!([]), &[]).await;
    let report = body(&app.fake.callback(&interaction).await)["data"].clone();
    ephemeral(&report);
    assert!(
        description(&report).contains(&format!("1. **2×** {missed} (last ")),
        "numbered as the Teach buttons are: {report}"
    );
    let teach = buttons(&report);
    let labels: Vec<&str> = teach.iter().map(|b| b.1.as_str()).collect();
    assert_eq!(
        labels,
        ["Teach 1", "Teach 2", "Teach 3", "Teach 4", "Teach 5", "Teach 6"],
        "{report}"
    );
    assert_eq!(
        report["components"].as_array().map(Vec::len),
        Some(2),
        "two rows: {report}"
    );
    assert!(teach
        .iter()
        .all(|b| b.0.len() <= 100 && !b.0.contains("tablets")));
    assert!(
        description(&report).find(missed) < description(&report).find("sourdough"),
        "the most asked first: {report}"
    );

    // Another member cannot click it.
    let (_, refused) = click(&app.fake, CAROL, &report, "Teach 1").await;
    assert_eq!(
        refused["data"]["content"],
        infusion_faq::discord::admin::confirm::NOT_YOURS
    );

    // Teach: the nearest passages, privately, in a select menu.
    let (_, menu) = click(&app.fake, MOD, &report, "Teach 1").await;
    assert_eq!(menu["type"], 4, "a new message: {menu}");
    let menu = menu["data"].clone();
    ephemeral(&menu);
    let offered = options(&menu);
    assert!(
        (1..=5).contains(&offered.len()),
        "one to five passages: {menu}"
    );
    assert!(offered
        .iter()
        .all(|(v, l, d)| v.len() <= 100 && l.chars().count() <= 100 && d.chars().count() <= 100));
    let (value, _, _) = offered
        .iter()
        .find(|(_, label, description)| {
            label.contains("given intravenously") && description.contains("absorbed directly")
        })
        .unwrap_or_else(|| panic!("the passage that answers is offered: {offered:?}"))
        .clone();
    // The report keeps its text and loses its buttons.
    let edited = app
        .fake
        .wait_for_call("PATCH", &interaction.original_path())
        .await;
    assert_eq!(body(&edited)["components"], json!([]));

    // Picked: the menu goes, and the preview asks to confirm.
    let shown = payloads::bot_message(app.fake.id(), MENTION_CHANNEL, &menu);
    let picked = app
        .fake
        .select(MOD, HERE, &menu_id(&menu), &[value.as_str()], shown)
        .await;
    let update = body(&app.fake.callback(&picked).await);
    assert_eq!(update["type"], 7, "{update}");
    assert!(content(&update["data"]).starts_with("Chosen: "), "{update}");
    let preview = body(&app.fake.followup(&interaction).await);
    ephemeral(&preview);
    assert!(content(&preview).contains(missed), "{preview}");
    assert!(
        description(&preview).contains("absorbed directly"),
        "{preview}"
    );
    assert!(
        !app.config.corpus.join("taught.toml").exists(),
        "nothing yet"
    );

    // A stale Teach button clicked meanwhile is not taken for Cancel.
    let (_, stale) = click(&app.fake, MOD, &report, "Teach 2").await;
    assert_eq!(
        stale["data"]["content"],
        infusion_faq::discord::admin::confirm::GONE,
        "{stale}"
    );

    let outcome = confirm(&app.fake, MOD, &preview, "Teach").await;
    assert!(outcome.contains("taught"), "{outcome}");

    // From then on: the question, and one worded like it.
    for question in [missed, "What's the perk of the IV route over tablets?"] {
        let answer = ask(&app, BOB, HERE, question).await;
        assert!(answered_from(&answer, SHARECARE), "{question}: {answer}");
    }
    // A question naming a drug is still never answered from another drug's
    // passage (the taught one names no drug, so it may answer).
    let other = ask(
        &app,
        BOB,
        HERE,
        "why would a doctor pick tysabri instead of a pill",
    )
    .await;
    for drug in ["(Lemtrada)", "(Ocrevus)", "(Novantrone)"] {
        assert!(!other.to_string().contains(drug), "{other}");
    }

    let taught = std::fs::read_to_string(app.config.corpus.join("taught.toml")).unwrap();
    assert!(taught.contains(missed), "{taught}");
    let audit = audit_actions(&app.config.corpus);
    assert!(
        audit
            .iter()
            .any(|(action, target, _)| action == "teach" && target == "taught"),
        "{audit:?}"
    );
    app.finish().await;
}
