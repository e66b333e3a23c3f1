//! `/faq-admin synonyms`: the synonyms file shown as it is, an invalid one
//! refused with its line, a new one confirmed and live at once.

use serde_json::json;

use super::{app_with, confirm, first_message};
use crate::support::fake_discord::members::ask;
use crate::support::fake_discord::messages::{answered_from, body, content, description};
use crate::support::fake_discord::payloads::{self, BOB, HERE, MOD};
use crate::support::fake_discord::Serve as Cdn;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_synonyms_file_is_shown_validated_and_replaced() {
    let app = app_with(|_| {}).await;
    let current = std::fs::read(app.corpus.join("synonyms.toml")).unwrap();
    let interaction = app.admin(MOD, HERE, "synonyms", json!([]), &[]).await;
    let shown = app.callback(&interaction).await;
    assert_eq!(
        shown.files,
        vec![("synonyms.toml".to_string(), current.clone())]
    );
    assert!(
        content(&body(&shown)["data"]).starts_with("synonyms.toml: "),
        "{:?}",
        shown.body
    );
    let upload = |bytes: Vec<u8>| {
        let file = app
            .fake
            .attachment("synonyms.toml", &bytes, Cdn::Normal, None);
        (json!([payloads::file_option(&file)]), file)
    };
    // A group of one term is refused, with its line.
    let mut bad = current.clone();
    bad.extend_from_slice(b"\n[[group]]\nterms = [\"lonely\"]\n");
    let (options, file) = upload(bad);
    let interaction = app.admin(MOD, HERE, "synonyms", options, &[file]).await;
    let refused = first_message(&app, &interaction).await;
    assert_eq!(
        content(&refused),
        "Nothing changed. Fix these problems and try again:"
    );
    assert!(
        description(&refused).starts_with("• synonyms.toml:"),
        "{refused}"
    );
    // A new group, confirmed, is live at once: "zorblax" now means Tysabri.
    let question = "How often is zorblax given?";
    assert!(!answered_from(
        &ask(&app, BOB, HERE, question).await,
        "Infusion Treatments for MS"
    ));
    let good = String::from_utf8(current.clone())
        .unwrap()
        .replace(
            "terms = [\"Tysabri\", \"natalizumab\"]",
            "terms = [\"Tysabri\", \"natalizumab\", \"zorblax\"]",
        )
        .into_bytes();
    assert_ne!(good, current);
    let (options, file) = upload(good.clone());
    let interaction = app.admin(MOD, HERE, "synonyms", options, &[file]).await;
    let preview = first_message(&app, &interaction).await;
    assert!(
        content(&preview).starts_with("**Replace the synonyms file**"),
        "{preview}"
    );
    let outcome = confirm(&app, MOD, &preview, "Replace it").await;
    assert!(
        outcome.starts_with("✅ replaced the synonyms file"),
        "{outcome}"
    );
    assert_eq!(
        std::fs::read(app.corpus.join("synonyms.toml")).unwrap(),
        good
    );
    assert!(answered_from(
        &ask(&app, BOB, HERE, question).await,
        "Infusion Treatments for MS"
    ));
    app.finish().await;
}
