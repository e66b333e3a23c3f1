//! `infusion-faq corpus …`: moderators' changes from the shell — validated,
//! kept, audited, answered at once, and safe against a crash.

use crate::support::dir::{article, TestDir};

fn kesimpta(text: &str) -> String {
    article(
        "kesimpta-basics",
        "Kesimpta basics",
        &format!("## Kesimpta dosing\n\n{text}"),
    )
}

#[test]
fn an_added_article_answers_at_once_and_is_audited() {
    let dir = TestDir::with_shipped_corpus();
    dir.write(
        "upload/k.md",
        kesimpta("Kesimpta is given as a monthly injection under the skin."),
    );
    let text = dir.run(&["corpus", "add", "upload/k.md"]).ok().to_string();
    assert!(text.contains("added \"Kesimpta basics\""), "{text}");
    assert!(
        text.contains("warning: no review or publication date"),
        "{text}"
    );
    let answer = dir
        .run(&["ask", "how often is kesimpta given"])
        .ok()
        .to_string();
    assert!(answer.contains("monthly injection"), "{answer}");
    let audit = dir.run(&["corpus", "audit"]).ok().to_string();
    assert!(audit.contains("add kesimpta-basics → v1"), "{audit}");
}

#[test]
fn an_invalid_upload_gets_its_problems_and_changes_nothing() {
    let dir = TestDir::with_shipped_corpus();
    let before = std::fs::read_dir(dir.corpus()).unwrap().count();
    dir.write("upload/bad.md", "+++\nid = \"Bad Id\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x.org\"\n+++\n\nText.\n");
    let line = dir
        .run(&["corpus", "add", "upload/bad.md"])
        .one_line_error()
        .to_string();
    assert!(
        line.contains("bad.md:2") && line.contains("not a slug"),
        "{line}"
    );
    assert_eq!(
        std::fs::read_dir(dir.corpus()).unwrap().count(),
        before,
        "nothing written"
    );
    assert!(!dir.corpus().join(".history").exists(), "not even history");
}

#[test]
fn replace_then_restore_round_trips_a_shipped_article_byte_for_byte() {
    let dir = TestDir::with_shipped_corpus();
    let path = dir.corpus().join("healthline-infusion-treatments.md");
    let original = std::fs::read(&path).unwrap();
    let edited = String::from_utf8(original.clone())
        .unwrap()
        .replace("once every four weeks", "once every four weeks (edited)");
    dir.write("upload/h.md", &edited);
    let text = dir
        .run(&[
            "corpus",
            "replace",
            "healthline-infusion-treatments",
            "upload/h.md",
        ])
        .ok()
        .to_string();
    assert!(text.contains("1 section changed"), "{text}");
    assert!(dir
        .run(&["ask", "How often is Tysabri given?"])
        .ok()
        .contains("(edited)"));
    let history = dir
        .run(&["corpus", "history", "healthline-infusion-treatments"])
        .ok()
        .to_string();
    assert_eq!(history.lines().count(), 2, "{history}");
    dir.run(&["corpus", "restore", "healthline-infusion-treatments", "1"])
        .ok();
    assert_eq!(std::fs::read(&path).unwrap(), original);
    assert!(!dir
        .run(&["ask", "How often is Tysabri given?"])
        .ok()
        .contains("(edited)"));
}

#[test]
fn remove_then_restore_brings_an_article_back() {
    let dir = TestDir::with_shipped_corpus();
    dir.run(&["corpus", "remove", "sharecare-infusion-therapy-advantages"])
        .ok();
    let list = dir.run(&["corpus", "list"]).ok().to_string();
    assert!(!list.contains("sharecare"), "{list}");
    dir.run(&[
        "corpus",
        "restore",
        "sharecare-infusion-therapy-advantages",
        "1",
    ])
    .ok();
    let list = dir.run(&["corpus", "list"]).ok().to_string();
    assert!(
        list.contains("sharecare-infusion-therapy-advantages"),
        "{list}"
    );
}

#[test]
fn unknown_ids_and_versions_are_one_line_errors() {
    let dir = TestDir::with_shipped_corpus();
    let line = dir
        .run(&["corpus", "remove", "nope"])
        .one_line_error()
        .to_string();
    assert!(line.contains("no article has the id \"nope\""), "{line}");
    let line = dir
        .run(&["corpus", "restore", "healthline-infusion-treatments", "9"])
        .one_line_error()
        .to_string();
    assert!(line.contains("no version 9"), "{line}");
}

#[test]
fn a_bad_synonyms_file_is_refused_and_a_good_one_is_live() {
    let dir = TestDir::with_shipped_corpus();
    dir.write("upload/s.toml", "[[group]]\nterms = [\"alone\"]\n");
    let line = dir
        .run(&["corpus", "synonyms", "upload/s.toml"])
        .one_line_error()
        .to_string();
    assert!(
        line.contains("s.toml") || line.contains("synonyms.toml"),
        "{line}"
    );
    let mut synonyms = dir.run(&["corpus", "synonyms"]).ok().to_string();
    synonyms.push_str("\n[[group]]\nterms = [\"nurse visit\", \"infusion center\"]\n");
    dir.write("upload/s.toml", &synonyms);
    dir.run(&["corpus", "synonyms", "upload/s.toml"]).ok();
    let text = dir.run(&["ask", "what is a nurse visit"]).ok().to_string();
    assert!(text.contains("infusion center"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_kill_during_add_leaves_the_old_or_new_corpus_and_the_next_run_answers() {
    use std::process::Stdio;
    // A large article makes the add (and its index rebuild) take long enough
    // to be killed at different moments.
    let body: String = (0..600)
        .map(|i| format!("## Part {i}\n\nKesimpta paragraph {i} is given as a monthly injection under the skin.\n\n"))
        .collect();
    for attempt in 0..4u64 {
        let dir = TestDir::with_shipped_corpus();
        dir.run(&["index"]).ok();
        dir.write("upload/k.md", kesimpta(&body));
        let mut child = dir
            .command(&["corpus", "add", "upload/k.md"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill it at a different point each attempt: after it has written
        // `attempt` lines of output is not observable, so use its progress on
        // disk: wait until the history (attempt ≥ 1) or the live file
        // (attempt ≥ 3) exists, or kill at once (attempt 0).
        let wait_for = match attempt {
            0 => None,
            1 => Some(dir.corpus().join(".history")),
            _ => Some(dir.corpus().join("kesimpta-basics.md")),
        };
        if let Some(path) = wait_for {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while !path.exists()
                && std::time::Instant::now() < deadline
                && child.try_wait().unwrap().is_none()
            {
                std::thread::yield_now();
            }
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // The corpus is old or new, never between: it validates either way.
        dir.run(&["check"]).ok();
        let live = dir.corpus().join("kesimpta-basics.md");
        if live.exists() {
            assert_eq!(
                std::fs::read_to_string(&live).unwrap(),
                kesimpta(&body),
                "a whole new file"
            );
        }
        // No live change goes unaudited, and no unapplied one reads as done.
        let audit = dir.run(&["corpus", "audit"]).ok().to_string();
        let audited = audit.contains("add kesimpta-basics") && !audit.contains("interrupted");
        assert_eq!(live.exists(), audited, "attempt {attempt}: {audit}");
        let stray: Vec<String> = std::fs::read_dir(dir.corpus())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") && !n.starts_with('.') && n != "README.md")
            .filter(|n| {
                ![
                    "healthline-infusion-treatments.md",
                    "sharecare-infusion-therapy-advantages.md",
                    "kesimpta-basics.md",
                ]
                .contains(&n.as_str())
            })
            .collect();
        assert!(stray.is_empty(), "no partial article files: {stray:?}");
        // The index is rebuilt as needed and questions are answered.
        let text = dir
            .run(&["ask", "How often is Tysabri given?"])
            .ok()
            .to_string();
        assert!(
            text.contains("once every four weeks"),
            "attempt {attempt}: {text}"
        );
    }
}
