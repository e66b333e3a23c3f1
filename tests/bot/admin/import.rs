//! `/faq-admin import`: a link served from 127.0.0.1 by the test and a
//! saved page served by the fake's CDN, previewed, confirmed (or
//! cancelled), live at once and audited; and the refusals (a private
//! address without the config knob, no source, a file that is not HTML),
//! with nothing changed.

use serde_json::{json, Value};

use super::{app_with, audit_actions, click, confirm, first_message};
use crate::support::common::snapshot;
use crate::support::fake_discord::app::TestApp;
use crate::support::fake_discord::members::ask;
use crate::support::fake_discord::messages::{
    answered_from, buttons, content, embeds, ephemeral, not_covered,
};
use crate::support::fake_discord::payloads::{self, BOB, HERE, MOD};
use crate::support::fake_discord::Serve as Cdn;
use crate::support::test_pages::{self, TestPages, CANONICAL, PUBLISHER, TITLE};

const ID: &str = "ms-example-society-briumvi-ublituximab-infusions";

fn url_option(url: &str) -> Value {
    json!({"name": "url", "type": 3, "value": url})
}

async fn import(app: &TestApp, options: Value, attachments: &[Value]) -> Value {
    let interaction = app.admin(MOD, HERE, "import", options, attachments).await;
    first_message(app, &interaction).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_link_is_previewed_confirmed_audited_and_answered_at_once() {
    let pages = TestPages::start(Vec::new());
    let app = app_with(|config| config.import.allow_private_addresses = true).await;
    let question = "How often is Briumvi given?";
    assert!(not_covered(&ask(&app, BOB, HERE, question).await));
    let preview = import(&app, json!([url_option(&pages.url("/article"))]), &[]).await;
    ephemeral(&preview);
    assert!(
        content(&preview).starts_with("**Import this article?**"),
        "{preview}"
    );
    let embed = &embeds(&preview)[0];
    assert_eq!(embed["title"], TITLE);
    assert_eq!(embed["url"], CANONICAL);
    assert_eq!(
        embed["description"],
        "**4 sections:**\n• Introduction\n• How Briumvi is given\n• How Briumvi is given › After the infusion\n• Side effects of Briumvi"
    );
    let fields = embed["fields"].to_string();
    assert!(
        fields.contains(ID) && fields.contains(PUBLISHER),
        "{fields}"
    );
    let labels: Vec<String> = buttons(&preview).into_iter().map(|b| b.1).collect();
    assert_eq!(labels, ["Import it", "Cancel"]);
    assert!(!app.corpus.join(format!("{ID}.md")).exists());
    let outcome = confirm(&app, MOD, &preview, "Import it").await;
    assert!(
        outcome.starts_with(&format!("✅ added \"{TITLE}\" ({PUBLISHER}): 4 sections")),
        "{outcome}"
    );
    let written = std::fs::read_to_string(app.corpus.join(format!("{ID}.md"))).unwrap();
    assert!(written.contains("reviewed = 2024-11-05"), "{written}");
    let answer = ask(&app, BOB, HERE, question).await;
    assert!(answered_from(&answer, TITLE), "{answer}");
    assert_eq!(
        audit_actions(&app.corpus),
        [("add".into(), ID.into(), MOD.id.to_string())]
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_page_is_imported_from_its_attachment_and_refusals_change_nothing() {
    // The default config: private addresses refused.
    let app = app_with(|_| {}).await;
    let before = snapshot(&app.corpus);
    // The saved page, from the fake CDN; previewed, then cancelled.
    let page = test_pages::article_page();
    let file = app
        .fake
        .attachment("Briumvi.html", page.as_bytes(), Cdn::Normal, None);
    let preview = import(&app, json!([payloads::file_option(&file)]), &[file]).await;
    assert_eq!(embeds(&preview)[0]["title"], TITLE, "{preview}");
    assert_eq!(embeds(&preview)[0]["url"], CANONICAL, "{preview}");
    let (_, cancelled) = click(&app.fake, MOD, &preview, "Cancel").await;
    assert_eq!(cancelled["data"]["content"], "Cancelled: nothing changed.");
    // A link to this machine, without `allow_private_addresses`.
    let pages = TestPages::start(Vec::new());
    let refused = import(&app, json!([url_option(&pages.url("/article"))]), &[]).await;
    ephemeral(&refused);
    let said = content(&refused);
    assert!(
        said.starts_with("Nothing changed: ") && said.contains("loopback"),
        "{said}"
    );
    assert!(buttons(&refused).is_empty());
    assert!(pages.requests().is_empty(), "nothing was requested");
    // Neither source, or both.
    let none = import(&app, json!([]), &[]).await;
    assert_eq!(
        content(&none),
        infusion_faq::discord::admin::import::ONE_SOURCE
    );
    // A file that is not a saved page: refused before downloading it.
    let downloads = app.fake.downloads().len();
    let notes = app
        .fake
        .attachment("notes.md", b"# notes", Cdn::Normal, None);
    let refused = import(&app, json!([payloads::file_option(&notes)]), &[notes]).await;
    assert!(
        content(&refused).contains("is not a saved web page"),
        "{refused}"
    );
    assert_eq!(app.fake.downloads().len(), downloads);
    assert_eq!(snapshot(&app.corpus), before);
    app.finish().await;
}
