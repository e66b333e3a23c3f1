//! The `serve` process killed in the middle of an add, at three moments:
//! restarted, it is on the old or the new corpus, never between, audited
//! accordingly, and answers.

use super::{add, HEALTHLINE, UNLIMITED};
use crate::support::common::copy_corpus;
use crate::support::fake_discord::app::TOKEN;
use crate::support::fake_discord::members::ask;
use crate::support::fake_discord::messages::{answered_from, button};
use crate::support::fake_discord::payloads::{self, BOB, HERE, MENTION_CHANNEL, MOD};
use crate::support::fake_discord::process::{write_config, Serve};
use crate::support::fake_discord::{schema, FakeDiscord, TIMEOUT};

/// A large article: writing it and indexing it take long enough to be
/// killed at different moments.
fn big_article() -> String {
    let appendix: String = (0..600)
        .map(|i| format!("## Appendix note {i}\n\nAppendix note {i} records the weather on the island for the quokka survey, day {i}.\n\n"))
        .collect();
    format!("+++\nid = \"kesimpta-big\"\ntitle = \"Kesimpta in depth\"\npublisher = \"Test Publisher\"\nurl = \"https://example.org/kesimpta-big\"\nreviewed = 2026-01-15\n+++\n\n## Ofatumumab (Kesimpta) dosing\n\nKesimpta (ofatumumab) is given as a monthly injection under the skin, after three starting doses in the first weeks of treatment.\n\n{appendix}")
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_killed_in_the_middle_of_an_add_restarts_on_the_old_or_new_corpus_and_answers() {
    let upload = big_article();
    for attempt in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        copy_corpus(&dir.path().join("corpus"));
        let fake = FakeDiscord::start(TOKEN).await;
        let config = write_config(dir.path(), &fake.url(), UNLIMITED);
        let mut serve = Serve::start(&config, &fake).await;
        let preview = add(&fake, MOD, "big.md", upload.as_bytes()).await;
        let shown = payloads::bot_message(fake.id(), MENTION_CHANNEL, &preview);
        fake.click(MOD, HERE, &button(&preview, "Add it"), shown)
            .await;
        // Kill it at a different moment each time: as soon as the click is
        // sent, once the version is kept in the history, once the article
        // file is in place (the index rebuild is then under way).
        let corpus = dir.path().join("corpus");
        let wait_for = match attempt {
            0 => None,
            1 => Some(corpus.join(".history/articles/kesimpta-big")),
            _ => Some(corpus.join("kesimpta-big.md")),
        };
        if let Some(path) = wait_for {
            let deadline = std::time::Instant::now() + TIMEOUT;
            while !path.exists() && std::time::Instant::now() < deadline {
                tokio::task::yield_now().await;
            }
            assert!(
                path.exists(),
                "attempt {attempt}: {} never appeared:\n{}",
                path.display(),
                serve.log()
            );
        }
        serve.kill().await;
        // Old or new, never between: the corpus loads, and the article is
        // either absent or whole.
        let loaded = infusion_faq::corpus::Corpus::load(&corpus).expect("the corpus loads");
        let live = corpus.join("kesimpta-big.md");
        let added = live.exists();
        if added {
            assert_eq!(
                std::fs::read_to_string(&live).unwrap(),
                upload,
                "a whole file"
            );
        }
        assert_eq!(loaded.articles.len(), if added { 3 } else { 2 });
        let stray: Vec<String> = std::fs::read_dir(&corpus)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && n.ends_with(".md") && n != "README.md")
            .filter(|n| {
                ![
                    format!("{HEALTHLINE}.md"),
                    "sharecare-infusion-therapy-advantages.md".into(),
                    "kesimpta-big.md".into(),
                ]
                .contains(n)
            })
            .collect();
        assert!(stray.is_empty(), "{stray:?}");
        // No live change goes unaudited, and no unapplied one reads as done.
        let audited = infusion_faq::moderation::store::CorpusStore::new(&corpus)
            .audit()
            .unwrap()
            .iter()
            .any(|e| {
                e.action == "add" && e.status == infusion_faq::moderation::audit::AuditStatus::Done
            });
        assert_eq!(audited, added, "attempt {attempt}");
        // Restarted, it rebuilds the index as needed and answers.
        let fake = FakeDiscord::start(TOKEN).await;
        let config = write_config(dir.path(), &fake.url(), UNLIMITED);
        let serve = Serve::start(&config, &fake).await;
        let answer = ask(&fake, BOB, HERE, "How often is Tysabri given?").await;
        assert!(
            answered_from(&answer, "Infusion Treatments for MS"),
            "attempt {attempt}: {answer}"
        );
        let kesimpta = ask(&fake, BOB, HERE, "How often is Kesimpta given?").await;
        assert_eq!(
            answered_from(&kesimpta, "Kesimpta in depth"),
            added,
            "attempt {attempt}: {kesimpta}"
        );
        schema::assert_valid(&fake.requests());
        drop(serve);
    }
}
