//! `gaps` and `purge`: the real binary on a feedback database seeded through
//! the library, in a temporary folder, with a config file naming it.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use infusion_faq::feedback::{passage_digest, Clock, FeedbackStore, Vote};

use crate::support::dir::{Output, TestDir};

const GUILD: u64 = 1_111_111_111_111_111_111;
const OTHER_GUILD: u64 = 2_222_222_222_222_222_222;

/// A temporary folder with `faq.toml` pointing at `data/feedback.sqlite3`
/// (relative, so found beside the config file).
struct Setup {
    dir: TestDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = TestDir::empty();
        dir.write(
            "faq.toml",
            "[feedback]\ndatabase = \"data/feedback.sqlite3\"\nretention_days = 30\n",
        );
        std::fs::create_dir(dir.path().join("elsewhere")).unwrap();
        Setup { dir }
    }

    fn database(&self) -> PathBuf {
        self.dir.path().join("data/feedback.sqlite3")
    }

    /// The store, with "now" `days_ago` days in the past.
    fn store(&self, days_ago: u64) -> FeedbackStore {
        let then = SystemTime::now() - Duration::from_secs(days_ago * 86_400);
        FeedbackStore::open(&self.database())
            .unwrap()
            .with_clock(Clock::from_fn(move || then))
    }

    /// Runs the binary from another folder, so only the config file can
    /// lead it to the database.
    fn run(&self, args: &[&str]) -> Output {
        let config = self.dir.path().join("faq.toml");
        let mut with_config = vec!["--config", config.to_str().unwrap()];
        with_config.extend_from_slice(args);
        self.dir.run_in("elsewhere", &with_config)
    }
}

fn vote(guild: u64, article: &str, helpful: bool, question: Option<&str>) -> Vote {
    Vote {
        guild_id: Some(guild),
        article_id: article.to_string(),
        section: "After the infusion".to_string(),
        passage_digest: passage_digest(&format!("the text of {article}")),
        helpful,
        question: question.map(str::to_string),
    }
}

/// Today: two texts of one question, one without text, 👎 votes on two
/// passages; 40 days ago: an old question and an old 👎 with its text.
fn seed(setup: &Setup) {
    let old = setup.store(40);
    old.record_unanswered(Some(GUILD), Some("An old question?"))
        .unwrap();
    old.record_vote(&vote(GUILD, "ocrevus", false, Some("old dislike")))
        .unwrap();
    drop(old);
    let store = setup.store(0);
    store
        .record_unanswered(Some(GUILD), Some("Can I drive home after Ocrevus?"))
        .unwrap();
    store
        .record_unanswered(Some(OTHER_GUILD), Some("can i drive home after ocrevus"))
        .unwrap();
    store.record_unanswered(Some(GUILD), None).unwrap();
    store
        .record_vote(&vote(GUILD, "ocrevus", false, Some("How long do I wait?")))
        .unwrap();
    store
        .record_vote(&vote(GUILD, "ocrevus", true, None))
        .unwrap();
    store
        .record_vote(&vote(OTHER_GUILD, "tysabri", false, None))
        .unwrap();
}

#[test]
fn gaps_lists_the_seeded_questions_and_passages() {
    let setup = Setup::new();
    seed(&setup);
    let out = setup.run(&["gaps"]);
    let text = out.ok();
    for expected in [
        "Coverage gaps over the last 30 days",
        "all servers",
        "     2×  can i drive home after ocrevus  (last asked ",
        "and 1 unanswered without recorded text",
        "     1 👎    1 👍  ocrevus › After the infusion",
        "asked: How long do I wait?",
        "     1 👎    0 👍  tysabri › After the infusion",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(
        !text.contains("An old question") && !text.contains("old dislike"),
        "older than 30 days:\n{text}"
    );

    let everything = setup.run(&["gaps", "--days", "365"]);
    assert!(
        everything.ok().contains("An old question?"),
        "{everything:?}"
    );

    let one_guild = setup.run(&["gaps", "--guild", &OTHER_GUILD.to_string()]);
    let text = one_guild.ok();
    assert!(text.contains(&format!("server {OTHER_GUILD}")), "{text}");
    assert!(text.contains("     1×  can i drive home"), "{text}");
    assert!(!text.contains("ocrevus ›"), "{text}");
}

#[test]
fn gaps_as_json_is_one_object_with_the_counts() {
    let setup = Setup::new();
    seed(&setup);
    let out = setup.run(&["gaps", "--json", "--days", "7"]);
    let report: serde_json::Value = serde_json::from_str(out.ok().trim()).unwrap();
    assert_eq!(report["days"], 7);
    assert_eq!(report["unanswered"][0]["count"], 2);
    assert_eq!(report["unanswered_without_text"], 1);
    // Both have one 👎; the one nobody found helpful comes first.
    let worst = &report["worst_passages"];
    assert_eq!(worst[0]["article_id"], "tysabri");
    assert_eq!(
        (&worst[0]["unhelpful"], &worst[0]["helpful"]),
        (&1.into(), &0.into())
    );
    assert_eq!(worst[1]["article_id"], "ocrevus");
    assert_eq!(worst[1]["questions"][0], "How long do I wait?");
}

#[test]
fn gaps_without_a_database_says_nothing_is_recorded_yet() {
    let setup = Setup::new();
    let out = setup.run(&["gaps"]);
    assert!(
        out.ok().contains("No feedback recorded yet"),
        "{}",
        out.stdout
    );
    assert!(!setup.database().exists(), "gaps created a database");
    let json = setup.run(&["gaps", "--json"]);
    let report: serde_json::Value = serde_json::from_str(json.ok().trim()).unwrap();
    assert_eq!(report["unanswered"], serde_json::json!([]));
    let purge = setup.run(&["purge", "--everything"]);
    assert!(purge.ok().contains("nothing to delete"), "{purge:?}");
    assert!(!setup.database().exists(), "purge created a database");
}

#[test]
fn purge_deletes_what_it_says_and_gaps_shows_it() {
    let setup = Setup::new();
    seed(&setup);

    let out = setup.run(&["purge", "--older-than", "30"]);
    assert!(
        out.ok().starts_with(
            "Deleted 2 question texts, 0 votes and 0 no-answer records \
             (question texts more than 30 days old, all servers) from "
        ),
        "{out:?}"
    );
    let text = setup.run(&["gaps", "--days", "365"]).ok().to_string();
    assert!(!text.contains("An old question"), "{text}");
    assert!(
        text.contains("and 2 unanswered without recorded text"),
        "the count of the expired question stays:\n{text}"
    );
    assert!(
        text.contains("     2 👎    1 👍  ocrevus"),
        "the votes stay:\n{text}"
    );

    let out = setup.run(&["purge", "--all-questions", "--guild", &GUILD.to_string()]);
    assert!(
        out.ok().starts_with(
            "Deleted 2 question texts, 0 votes and 0 no-answer records \
             (all question texts, server 1111111111111111111) from "
        ),
        "{out:?}"
    );
    let text = setup.run(&["gaps"]).ok().to_string();
    assert!(text.contains("     1×  can i drive home"), "{text}");
    assert!(!text.contains("How long do I wait?"), "{text}");

    let out = setup.run(&["purge", "--everything"]);
    assert!(
        out.ok().starts_with(
            "Deleted 1 question text, 4 votes and 4 no-answer records \
             (all votes and no-answer records, all servers) from "
        ),
        "{out:?}"
    );
    let text = setup.run(&["gaps", "--days", "365"]).ok().to_string();
    assert!(text.contains("No unanswered questions."), "{text}");
    assert!(text.contains("No passage was voted unhelpful."), "{text}");

    let again = setup.run(&["purge", "--everything"]);
    assert!(
        again
            .ok()
            .starts_with("Deleted 0 question texts, 0 votes and 0 no-answer records"),
        "{again:?}"
    );
}

#[test]
fn purge_needs_exactly_one_thing_to_delete() {
    let setup = Setup::new();
    seed(&setup);
    for args in [
        &["purge"][..],
        &["purge", "--all-questions", "--everything"],
        &["purge", "--older-than", "-3"],
    ] {
        let out = setup.run(args);
        assert_eq!(out.code, Some(2), "{args:?}: {out:#?}");
    }
    let json = setup.run(&["gaps", "--json", "--days", "365"]);
    let report: serde_json::Value = serde_json::from_str(json.ok().trim()).unwrap();
    assert_eq!(
        report["unanswered"].as_array().unwrap().len(),
        2,
        "nothing deleted"
    );
}

#[test]
fn feedback_survives_a_restart() {
    let setup = Setup::new();
    seed(&setup);
    let first = setup.run(&["gaps"]).ok().to_string();
    assert!(first.contains("     2×  can i drive home"), "{first}");
    // The bot records more between the two runs.
    setup
        .store(0)
        .record_unanswered(Some(GUILD), Some("Can I drive home after Ocrevus??"))
        .unwrap();
    let second = setup.run(&["gaps"]).ok().to_string();
    assert!(
        second.contains("     3×  Can I drive home after Ocrevus??"),
        "{second}"
    );
    // A purge in one process holds in the next.
    setup.run(&["purge", "--all-questions"]).ok();
    let third = setup.run(&["gaps"]).ok().to_string();
    assert!(
        third.contains("4 unanswered without recorded text"),
        "{third}"
    );
    assert!(!third.contains("drive home"), "{third}");
}

#[test]
fn a_broken_database_is_a_one_line_error_naming_it() {
    let setup = Setup::new();
    let path = setup.database();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "not a database at all. ".repeat(100)).unwrap();
    for args in [&["gaps"][..], &["purge", "--all-questions"]] {
        let out = setup.run(args);
        assert_eq!(out.code, Some(1), "{out:#?}");
        let line = out.stderr.trim_end();
        assert!(!line.contains('\n'), "{line}");
        assert!(
            line.starts_with(&format!(
                "error: cannot open the feedback database {}",
                display(&path)
            )),
            "{line}"
        );
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn recorded_questions_with_control_characters_never_reach_the_terminal_raw() {
    let setup = Setup::new();
    let store = setup.store(0);
    store
        .record_unanswered(
            Some(GUILD),
            Some("evil \u{1b}]0;pwned\u{7} \u{1b}[2J nul\u{0} question"),
        )
        .unwrap();
    drop(store);
    let out = setup.run(&["gaps"]);
    let text = out.ok();
    assert!(text.contains("evil"), "{text}");
    assert!(
        !text.contains(['\u{1b}', '\u{7}', '\u{0}']),
        "raw control characters: {text:?}"
    );
}
