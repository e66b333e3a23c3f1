//! `/faq-admin add`: a preview with a Confirm button, then live at once,
//! audited and announced; an invalid upload (front matter, encoding, size,
//! a stalled download, an existing id) gets its exact problems and changes
//! nothing.

use serde_json::{json, Value};

use super::{
    add, app_with, audit_actions, confirm, first_message, kesimpta, send_add, AUDIT_CHANNEL,
    HEALTHLINE,
};
use crate::support::common::snapshot;
use crate::support::fake_discord::members::ask;
use crate::support::fake_discord::messages::{
    answered_from, body, buttons, content, description, embeds, ephemeral, field, not_covered,
};
use crate::support::fake_discord::payloads::{BOB, HELPER, HERE, MOD};
use crate::support::fake_discord::Serve as Cdn;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmed_add_is_live_at_once_audited_and_announced() {
    let app = app_with(|_| {}).await;
    let question = "How often is Kesimpta given?";
    assert!(not_covered(&ask(&app, BOB, HERE, question).await));
    let preview = add(&app, HELPER, "kesimpta.md", kesimpta().as_bytes()).await;
    ephemeral(&preview);
    // The download carried no token.
    let downloads = app.fake.downloads();
    assert_eq!(downloads.len(), 1);
    assert_eq!(downloads[0].authorization, None);
    assert!(
        content(&preview).starts_with("**Add this article?**"),
        "{preview}"
    );
    assert!(
        content(&preview).contains("expires in 5 minutes"),
        "{preview}"
    );
    let embed = &embeds(&preview)[0];
    assert_eq!(embed["title"], "Kesimpta basics");
    assert_eq!(embed["url"], "https://example.org/kesimpta");
    assert_eq!(
        embed["description"],
        "**2 sections:**\n• Ofatumumab (Kesimpta) dosing\n• Side effects of Kesimpta"
    );
    assert_eq!(field(embed, "Id").as_deref(), Some("kesimpta-basics"));
    assert_eq!(field(embed, "Publisher").as_deref(), Some("Test Publisher"));
    assert_eq!(field(embed, "Passages").as_deref(), Some("2"));
    let labels: Vec<String> = buttons(&preview).into_iter().map(|b| b.1).collect();
    assert_eq!(labels, ["Add it", "Cancel"]);
    // Nothing is written before the Confirm.
    assert!(!app.corpus.join("kesimpta-basics.md").exists());
    let outcome = confirm(&app, HELPER, &preview, "Add it").await;
    assert!(
        outcome.starts_with(
            "✅ added \"Kesimpta basics\" (Test Publisher): 2 sections, 2 passages (version 1)."
        ),
        "{outcome}"
    );
    assert!(
        outcome.contains("Live now: members are answered from 3 articles"),
        "{outcome}"
    );
    assert_eq!(
        std::fs::read_to_string(app.corpus.join("kesimpta-basics.md")).unwrap(),
        kesimpta()
    );
    // Answered at once: no waiting for the folder watcher.
    let answer = ask(&app, BOB, HERE, question).await;
    assert!(answered_from(&answer, "Kesimpta basics"), "{answer}");
    // Audited with who did it, and announced in one line.
    assert_eq!(
        audit_actions(&app.corpus),
        [(
            "add".into(),
            "kesimpta-basics".into(),
            HELPER.id.to_string()
        )]
    );
    let notice = app
        .fake
        .wait_for_call(
            "POST",
            &format!("/api/v10/channels/{AUDIT_CHANNEL}/messages"),
        )
        .await;
    let notice = body(&notice);
    assert_eq!(
        content(&notice),
        format!(
            "📝 helper (<@{}>) — add `kesimpta-basics` (version 1): added \"Kesimpta basics\" (Test Publisher): 2 sections, 2 passages",
            HELPER.id
        )
    );
    assert_eq!(notice["allowed_mentions"]["parse"], json!([]));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_upload_gets_its_exact_problems_and_nothing_changes() {
    let app = app_with(|config| config.discord.download_timeout_ms = 300).await;
    let before = snapshot(&app.corpus);
    let problems = |message: &Value| -> (String, String) {
        ephemeral(message);
        assert!(buttons(message).is_empty(), "no Confirm: {message}");
        (content(message), description(message))
    };
    // Bad front matter: the line and what is wrong.
    let (said, listed) = problems(
        &add(&app, MOD, "bad.md", b"+++\nid = \"Bad Id\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x.org\"\n+++\n\nText.\n").await,
    );
    assert_eq!(said, "Nothing changed. Fix these problems and try again:");
    assert_eq!(
        listed,
        "• bad.md:2: id \"Bad Id\" is not a slug: use lower-case letters, digits and single hyphens (e.g. \"healthline-infusion-treatments\")"
    );
    let (_, listed) = problems(&add(&app, MOD, "open.md", b"+++\nid = \"x\"\n").await);
    // (Markdown escaped: Discord shows the backticks themselves.)
    assert_eq!(
        listed,
        "• open.md:1: the front matter is not closed: add a line \\`+++\\` after its last key"
    );
    let (_, listed) = problems(&add(&app, MOD, "none.md", b"Just text.\n").await);
    assert!(
        listed.starts_with("• none.md:1: missing front matter"),
        "{listed}"
    );
    // Not UTF-8.
    let mut latin1 = kesimpta().into_bytes();
    latin1.extend_from_slice(b"\nCaf\xe9\n");
    let (_, listed) = problems(&add(&app, MOD, "latin1.md", &latin1).await);
    assert_eq!(
        listed,
        "• latin1.md:17: the file is not UTF-8 text (save it as UTF-8 Markdown)"
    );
    // Over 1 MiB as declared: refused before any download.
    let downloads = app.fake.downloads().len();
    let big = app
        .fake
        .attachment("big.md", b"small", Cdn::Normal, Some(2 * 1024 * 1024));
    let interaction = send_add(&app.fake, MOD, big).await;
    let (said, _) = problems(&first_message(&app, &interaction).await);
    assert_eq!(
        said,
        "Nothing changed: big.md: the file is 2097152 bytes, over the limit of 1 MiB (1048576 bytes)."
    );
    assert_eq!(app.fake.downloads().len(), downloads, "nothing downloaded");
    // Over 1 MiB in fact, though declared small: the download stops there.
    let huge = vec![b'a'; 1024 * 1024 + 1];
    let liar = app.fake.attachment("liar.md", &huge, Cdn::Normal, Some(10));
    let interaction = send_add(&app.fake, MOD, liar).await;
    let (said, _) = problems(&first_message(&app, &interaction).await);
    assert!(
        said.starts_with("Nothing changed: liar.md: the file is "),
        "{said}"
    );
    assert!(
        said.ends_with("over the limit of 1 MiB (1048576 bytes)."),
        "{said}"
    );
    // A download that never finishes times out.
    let stalled = app
        .fake
        .attachment("slow.md", kesimpta().as_bytes(), Cdn::Stall, None);
    let interaction = send_add(&app.fake, MOD, stalled).await;
    let (said, _) = problems(&first_message(&app, &interaction).await);
    assert_eq!(
        said,
        "Nothing changed: slow.md: the download did not finish within 300 ms; please try again."
    );
    // An id that exists already.
    let shipped = std::fs::read(app.corpus.join(format!("{HEALTHLINE}.md"))).unwrap();
    let (said, _) = problems(&add(&app, MOD, "again.md", &shipped).await);
    assert_eq!(
        said,
        format!("Nothing changed: an article with the id \"{HEALTHLINE}\" already exists: use replace to change it.")
    );
    // Nothing on disk changed: no article, no history, no audit entry.
    assert_eq!(snapshot(&app.corpus), before);
    app.finish().await;
}
