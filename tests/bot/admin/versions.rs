//! `replace`, `remove`, `restore`, `history` and `show`: every change kept
//! as a version, confirmed before it happens (cancelled or expired previews
//! change nothing), and undone byte for byte.

use serde_json::json;

use super::{
    admin, app_with, audit_actions, click, confirm, first_message, healthline_id, HEALTHLINE,
};
use crate::support::fake_discord::members::ask;
use crate::support::fake_discord::messages::{
    answered_from, body, buttons, content, description, embeds, ephemeral, field,
};
use crate::support::fake_discord::payloads::{self, BOB, HERE, MOD};
use crate::support::fake_discord::Serve as Cdn;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_then_restore_round_trips_byte_for_byte() {
    let app = app_with(|_| {}).await;
    let path = app.corpus.join(format!("{HEALTHLINE}.md"));
    let original = std::fs::read(&path).unwrap();
    let mut newer = String::from_utf8(original.clone()).unwrap();
    newer.push_str("\n## Quokka protocol\n\nThe quokka protocol asks members to smile at the infusion nurse before every infusion of any drug.\n");
    let file = app
        .fake
        .attachment("healthline.md", newer.as_bytes(), Cdn::Normal, None);
    let interaction = app
        .admin(
            MOD,
            HERE,
            "replace",
            json!([healthline_id(), payloads::file_option(&file)]),
            &[file],
        )
        .await;
    let preview = first_message(&app, &interaction).await;
    let changes = field(&embeds(&preview)[0], "Changes").expect("a Changes field");
    assert!(changes.contains("1 section added"), "{changes}");
    let outcome = confirm(&app, MOD, &preview, "Replace it").await;
    assert!(outcome.contains("(version 1 → 2)"), "{outcome}");
    assert!(
        outcome.contains(&format!(
            "Undo with `/faq-admin restore id:{HEALTHLINE} version:1`."
        )),
        "{outcome}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), newer.as_bytes());
    let answer = ask(&app, BOB, HERE, "What is the quokka protocol?").await;
    assert!(description(&answer).contains("smile"), "{answer}");
    // History: both versions, who changed it.
    let history = admin(&app, MOD, "history", json!([healthline_id()])).await;
    let text = description(&history);
    assert!(text.contains("**2** · "), "{text}");
    assert!(text.contains("· **current**"), "{text}");
    assert!(text.contains("**1** · "), "{text}");
    let changes = embeds(&history)[0]["fields"][0]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        changes.contains("replace by mod\\_sensitive\\_name"),
        "{changes}"
    );
    // Restore version 1: byte for byte, live at once.
    let version = json!({"name": "version", "type": 4, "value": 1});
    let restored = admin(&app, MOD, "restore", json!([healthline_id(), version])).await;
    assert!(
        content(&restored).starts_with(&format!(
            "✅ restored \"{HEALTHLINE}\" to version 1 (version 2 → 3)."
        )),
        "{restored}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), original);
    let answer = ask(&app, BOB, HERE, "What is the quokka protocol?").await;
    assert!(!description(&answer).contains("smile"), "{answer}");
    // `show` sends the file as it is on disk.
    let interaction = app
        .admin(MOD, HERE, "show", json!([healthline_id()]), &[])
        .await;
    let shown = app.callback(&interaction).await;
    assert_eq!(shown.files.len(), 1, "one file attached");
    assert_eq!(shown.files[0].0, format!("{HEALTHLINE}.md"));
    assert_eq!(shown.files[0].1, original);
    ephemeral(&body(&shown)["data"]);
    assert_eq!(
        audit_actions(&app.corpus)
            .into_iter()
            .map(|a| a.0)
            .collect::<Vec<_>>(),
        ["replace", "restore"]
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_waits_for_a_confirm_and_cancel_or_expiry_change_nothing() {
    let app = app_with(|config| config.discord.confirm_timeout_seconds = 1).await;
    let path = app.corpus.join(format!("{HEALTHLINE}.md"));
    let id = json!([healthline_id()]);
    // Cancel.
    let preview = admin(&app, MOD, "remove", id.clone()).await;
    assert!(
        content(&preview).starts_with(&format!(
            "**Remove `{HEALTHLINE}`** — Infusion Treatments for MS (Healthline, "
        )),
        "{preview}"
    );
    let (_, cancelled) = click(&app.fake, MOD, &preview, "Cancel").await;
    assert_eq!(cancelled["type"], 7);
    assert_eq!(cancelled["data"]["content"], "Cancelled: nothing changed.");
    assert_eq!(cancelled["data"]["components"], json!([]));
    assert!(path.exists());
    // Expiry (1 s here): the preview says so, its buttons go, and a late
    // click is told nothing changed.
    let interaction = app.admin(MOD, HERE, "remove", id.clone(), &[]).await;
    let preview = first_message(&app, &interaction).await;
    assert!(
        content(&preview).contains("expires in 1 second"),
        "{preview}"
    );
    let expired = app
        .fake
        .wait_for_call("PATCH", &interaction.original_path())
        .await;
    let expired = body(&expired);
    assert_eq!(
        content(&expired),
        "⌛ This preview expired after 1 second: nothing changed. Run the command again to start over."
    );
    assert!(buttons(&expired).is_empty(), "{expired}");
    let (_, late) = click(&app.fake, MOD, &preview, "Remove it").await;
    assert_eq!(late["type"], 7);
    assert_eq!(
        late["data"]["content"],
        infusion_faq::discord::admin::confirm::GONE
    );
    assert!(path.exists());
    assert!(audit_actions(&app.corpus).is_empty());
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmed_remove_is_live_at_once_and_restore_brings_it_back() {
    let app = app_with(|_| {}).await;
    let question = "How often is Tysabri given?";
    assert!(answered_from(
        &ask(&app, BOB, HERE, question).await,
        "Infusion Treatments for MS"
    ));
    let id = json!([healthline_id()]);
    let preview = admin(&app, MOD, "remove", id).await;
    let outcome = confirm(&app, MOD, &preview, "Remove it").await;
    assert!(
        outcome.starts_with(&format!("✅ removed \"{HEALTHLINE}\" (was version 1).")),
        "{outcome}"
    );
    assert!(
        outcome.contains(&format!("`/faq-admin restore id:{HEALTHLINE} version:1`")),
        "{outcome}"
    );
    assert!(!app.corpus.join(format!("{HEALTHLINE}.md")).exists());
    assert!(!answered_from(
        &ask(&app, BOB, HERE, question).await,
        "Infusion Treatments for MS"
    ));
    let version = json!({"name": "version", "type": 4, "value": 1});
    let restored = admin(&app, MOD, "restore", json!([healthline_id(), version])).await;
    assert!(content(&restored).starts_with("✅ restored"), "{restored}");
    assert!(answered_from(
        &ask(&app, BOB, HERE, question).await,
        "Infusion Treatments for MS"
    ));
    app.finish().await;
}
