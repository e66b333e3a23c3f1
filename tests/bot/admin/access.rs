//! Who may use `/faq-admin`: hidden from members, refused when run without
//! Manage Server or the moderator role (an upload from them is not even
//! downloaded), and in a DM; allowed with either.

use serde_json::json;

use super::{admin, admin_refusal, app_with, kesimpta, send_add, HEALTHLINE, NOT_A_MODERATOR};
use crate::support::common::snapshot;
use crate::support::fake_discord::messages::{body, content, description, embeds, ephemeral};
use crate::support::fake_discord::payloads::{Place, ALICE, HELPER, MOD};
use crate::support::fake_discord::Serve as Cdn;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faq_admin_is_hidden_from_members_and_refused_to_those_without_the_permission_or_role() {
    let app = app_with(|_| {}).await;
    // Registered for Manage Server only, in guilds only.
    let registered = app.fake.wait_for_registration().await.body.unwrap();
    let command = registered
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "faq-admin")
        .expect("faq-admin registered")
        .clone();
    assert_eq!(command["default_member_permissions"], "32", "{command}");
    assert_eq!(command["contexts"], json!([0]), "{command}");
    let subcommands: Vec<&str> = command["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            assert_eq!(o["type"], 1, "a subcommand: {o}");
            assert!(
                o["description"].as_str().unwrap().chars().count() <= 100,
                "{o}"
            );
            o["name"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        subcommands,
        [
            "add", "import", "replace", "remove", "list", "show", "reload", "history", "restore",
            "synonyms", "gaps", "purge"
        ]
    );
    // Checked again when run: Alice has neither Manage Server nor the role.
    let refused = admin_refusal(&app, ALICE, "list", json!([])).await;
    assert_eq!(content(&refused), NOT_A_MODERATOR);
    // An upload from her is refused before anything is downloaded.
    let before = snapshot(&app.corpus);
    let file = app
        .fake
        .attachment("k.md", kesimpta().as_bytes(), Cdn::Normal, None);
    let interaction = send_add(&app.fake, ALICE, file).await;
    let refused = body(&app.callback(&interaction).await);
    assert_eq!(refused["data"]["content"], NOT_A_MODERATOR);
    assert_eq!(refused["data"]["flags"], 64);
    assert!(app.fake.downloads().is_empty());
    assert_eq!(snapshot(&app.corpus), before);
    // In a DM there is no member, so no permission.
    let interaction = app.admin(MOD, Place::Dm, "list", json!([]), &[]).await;
    let refused = body(&app.callback(&interaction).await);
    assert_eq!(refused["data"]["content"], NOT_A_MODERATOR);
    // Manage Server, or the moderator role, may.
    for who in [MOD, HELPER] {
        let listed = admin(&app, who, "list", json!([])).await;
        ephemeral(&listed);
        assert_eq!(embeds(&listed)[0]["title"], "Articles: 2", "{listed}");
        assert!(
            description(&listed).contains(&format!("`{HEALTHLINE}` — Infusion Treatments for MS"))
        );
    }
    app.finish().await;
}
