//! The feedback store against an in-memory (or temporary) database, with a
//! clock the tests move by whole days.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use rusqlite::Connection;

use super::*;

/// 2025-03-10 00:00 UTC.
const DAY_ONE: u64 = 1_741_564_800;

/// A clock tests move by whole days.
#[derive(Clone)]
struct FakeClock(Arc<AtomicU64>);

impl FakeClock {
    fn new() -> FakeClock {
        FakeClock(Arc::new(AtomicU64::new(DAY_ONE + 12 * 3600)))
    }

    fn clock(&self) -> Clock {
        let secs = self.0.clone();
        Clock::from_fn(move || UNIX_EPOCH + Duration::from_secs(secs.load(Ordering::SeqCst)))
    }

    fn advance_days(&self, days: u64) {
        self.0.fetch_add(days * 86_400, Ordering::SeqCst);
    }
}

fn store() -> (FeedbackStore, FakeClock) {
    let clock = FakeClock::new();
    let store = FeedbackStore::in_memory()
        .unwrap()
        .with_clock(clock.clock());
    (store, clock)
}

fn vote(guild: Option<u64>, passage: &str, helpful: bool, question: Option<&str>) -> Vote {
    Vote {
        guild_id: guild,
        article_id: format!("article-{passage}"),
        section: format!("Section {passage}"),
        passage_digest: passage_digest(passage),
        helpful,
        question: question.map(str::to_string),
    }
}

fn count(store: &FeedbackStore, sql: &str) -> i64 {
    store.lock().query_row(sql, [], |row| row.get(0)).unwrap()
}

fn column_names(store: &FeedbackStore) -> Vec<String> {
    let conn = store.lock();
    let mut stmt = conn
        .prepare(
            "SELECT t.name || '.' || c.name FROM sqlite_schema AS t, pragma_table_info(t.name) AS c
              WHERE t.type = 'table' ORDER BY 1",
        )
        .unwrap();
    let names = stmt
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<rusqlite::Result<Vec<String>>>()
        .unwrap();
    names
}

#[test]
fn the_votes_of_one_click_are_recorded_all_or_none() {
    let (store, _clock) = store();
    // The second passage's insert fails: the first is not kept either.
    store
        .lock()
        .execute_batch(
            "CREATE TEMP TRIGGER refuse BEFORE INSERT ON votes
              WHEN NEW.article_id = 'article-broken'
              BEGIN SELECT RAISE(ABORT, 'refused'); END;",
        )
        .unwrap();
    let votes = [
        vote(Some(1), "p", false, Some("why?")),
        vote(Some(1), "broken", false, Some("why?")),
    ];
    let err = store.record_votes(&votes).unwrap_err().to_string();
    assert!(err.contains("refused"), "{err}");
    assert_eq!(count(&store, "SELECT COUNT(*) FROM votes"), 0);
    let votes = [
        vote(Some(1), "p", false, Some("why?")),
        vote(Some(1), "q", true, Some("why?")),
    ];
    store.record_votes(&votes).unwrap();
    assert_eq!(count(&store, "SELECT COUNT(*) FROM votes"), 2);
    assert_eq!(
        count(&store, "SELECT COUNT(question) FROM votes"),
        1,
        "the question is kept with the 👎 only"
    );
    store.record_votes(&[]).unwrap();
    assert_eq!(count(&store, "SELECT COUNT(*) FROM votes"), 2);
}

#[test]
fn votes_carry_no_user_id() {
    let (store, _) = store();
    store
        .record_vote(&vote(Some(42), "p", false, Some("why?")))
        .unwrap();
    store.record_unanswered(Some(42), Some("What?")).unwrap();
    // Every column there is: a new one must be added here, consciously.
    assert_eq!(
        column_names(&store),
        [
            "unanswered.day",
            "unanswered.guild_id",
            "unanswered.id",
            "unanswered.normalized",
            "unanswered.question",
            "votes.article_id",
            "votes.day",
            "votes.guild_id",
            "votes.helpful",
            "votes.id",
            "votes.passage_digest",
            "votes.question",
            "votes.section",
        ]
    );
    let row: (String, i64, String, String, String, bool, String) = store
        .lock()
        .query_row(
            "SELECT day, guild_id, article_id, section, passage_digest, helpful, question FROM votes",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            "2025-03-10".to_string(),
            42,
            "article-p".to_string(),
            "Section p".to_string(),
            passage_digest("p"),
            false,
            "why?".to_string()
        )
    );
}

#[test]
fn a_question_text_is_stored_only_when_given_and_only_for_thumbs_down() {
    // (helpful, question given, text stored)
    for (helpful, question, stored) in [
        (false, Some("Does it hurt?"), true),
        (false, None, false),
        (false, Some("   "), false),
        (true, Some("Does it hurt?"), false),
        (true, None, false),
    ] {
        let (store, _) = store();
        store
            .record_vote(&vote(Some(1), "p", helpful, question))
            .unwrap();
        assert_eq!(count(&store, "SELECT COUNT(*) FROM votes"), 1);
        assert_eq!(
            count(&store, "SELECT COUNT(question) FROM votes"),
            i64::from(stored),
            "helpful {helpful}, question {question:?}"
        );
    }
    for (question, stored) in [
        (Some("Does it hurt?"), true),
        (None, false),
        (Some(""), false),
    ] {
        let (store, _) = store();
        store.record_unanswered(Some(1), question).unwrap();
        assert_eq!(count(&store, "SELECT COUNT(*) FROM unanswered"), 1);
        assert_eq!(
            count(&store, "SELECT COUNT(question) FROM unanswered"),
            i64::from(stored),
            "question {question:?}"
        );
    }
}

#[test]
fn a_long_question_is_cut_to_the_limit() {
    let (store, _) = store();
    let long = "é".repeat(MAX_QUESTION_CHARS + 50);
    store.record_unanswered(None, Some(&long)).unwrap();
    let gaps = store.gaps(None, 1, 10).unwrap();
    assert_eq!(
        gaps.unanswered[0].question.chars().count(),
        MAX_QUESTION_CHARS
    );
}

#[test]
fn gaps_list_the_most_often_unanswered_questions_first() {
    let (store, clock) = store();
    store
        .record_unanswered(Some(1), Some("Can I drive home?"))
        .unwrap();
    clock.advance_days(1);
    for q in [
        "can i  DRIVE home",
        "Is the infusion painful?",
        "Can I drive home?",
    ] {
        store.record_unanswered(Some(1), Some(q)).unwrap();
    }
    store.record_unanswered(Some(1), None).unwrap();
    let gaps = store.gaps(None, 30, 10).unwrap();
    assert_eq!(
        gaps.unanswered,
        vec![
            UnansweredQuestion {
                question: "Can I drive home?".into(),
                count: 3,
                last_asked: "2025-03-11".into(),
            },
            UnansweredQuestion {
                question: "Is the infusion painful?".into(),
                count: 1,
                last_asked: "2025-03-11".into(),
            },
        ]
    );
    assert_eq!(gaps.unanswered_without_text, 1);
    assert_eq!(gaps.since, "2025-02-10");
    assert_eq!(store.gaps(None, 30, 1).unwrap().unanswered.len(), 1);
}

#[test]
fn gaps_list_the_most_thumbs_down_first_then_the_lowest_share_of_thumbs_up() {
    let (store, _) = store();
    // (passage, 👍, 👎)
    for (passage, up, down) in [
        ("a", 5, 2),
        ("b", 0, 2),
        ("c", 9, 0),
        ("d", 1, 3),
        ("e", 0, 1),
    ] {
        for _ in 0..up {
            store.record_vote(&vote(None, passage, true, None)).unwrap();
        }
        for _ in 0..down {
            store
                .record_vote(&vote(None, passage, false, None))
                .unwrap();
        }
    }
    let gaps = store.gaps(None, 7, 10).unwrap();
    let order: Vec<(&str, u64, u64)> = gaps
        .worst_passages
        .iter()
        .map(|p| (p.section.as_str(), p.helpful, p.unhelpful))
        .collect();
    assert_eq!(
        order,
        [
            ("Section d", 1, 3),
            ("Section b", 0, 2),
            ("Section a", 5, 2),
            ("Section e", 0, 1),
        ],
        "a passage nobody disliked is not among the worst"
    );
    assert_eq!(gaps.worst_passages[0].article_id, "article-d");
    assert_eq!(gaps.worst_passages[0].passage_digest, passage_digest("d"));
}

#[test]
fn gaps_show_the_latest_distinct_questions_of_a_disliked_passage() {
    let (store, clock) = store();
    for q in ["first?", "second?", "SECOND", "third?", "fourth?"] {
        store.record_vote(&vote(None, "p", false, Some(q))).unwrap();
        clock.advance_days(1);
    }
    let gaps = store.gaps(None, 30, 10).unwrap();
    assert_eq!(
        gaps.worst_passages[0].questions,
        ["fourth?", "third?", "SECOND"]
    );
}

#[test]
fn gaps_cover_only_the_last_days_asked() {
    let (store, clock) = store();
    store.record_unanswered(None, Some("old question")).unwrap();
    store.record_vote(&vote(None, "old", false, None)).unwrap();
    clock.advance_days(7);
    store.record_unanswered(None, Some("new question")).unwrap();
    store.record_unanswered(None, None).unwrap();
    // (days, unanswered texts, without text, worst passages)
    for (days, texts, without, passages) in [(0, 1, 1, 0), (1, 1, 1, 0), (7, 1, 1, 0), (8, 2, 1, 1)]
    {
        let gaps = store.gaps(None, days, 10).unwrap();
        assert_eq!(
            (
                gaps.unanswered.len(),
                gaps.unanswered_without_text,
                gaps.worst_passages.len()
            ),
            (texts, without, passages),
            "over {days} days"
        );
    }
}

#[test]
fn gaps_for_one_guild_leave_the_others_out() {
    let (store, _) = store();
    store.record_unanswered(Some(1), Some("in one")).unwrap();
    store.record_unanswered(Some(2), Some("in two")).unwrap();
    store.record_unanswered(None, Some("in a message")).unwrap();
    store.record_vote(&vote(Some(2), "p", false, None)).unwrap();
    // A guild id above i64::MAX still round-trips.
    store
        .record_unanswered(Some(u64::MAX), Some("in max"))
        .unwrap();
    let questions = |guild| -> Vec<String> {
        let gaps = store.gaps(guild, 30, 10).unwrap();
        let mut q: Vec<String> = gaps.unanswered.into_iter().map(|u| u.question).collect();
        q.sort();
        q
    };
    assert_eq!(questions(Some(1)), ["in one"]);
    assert_eq!(questions(Some(u64::MAX)), ["in max"]);
    assert_eq!(
        questions(None),
        ["in a message", "in max", "in one", "in two"]
    );
    assert!(store
        .gaps(Some(1), 30, 10)
        .unwrap()
        .worst_passages
        .is_empty());
    assert_eq!(store.gaps(Some(2), 30, 10).unwrap().worst_passages.len(), 1);
}

#[test]
fn expiry_deletes_question_texts_past_the_retention_and_keeps_the_counts() {
    let (store, clock) = store();
    store.record_unanswered(Some(1), Some("day one")).unwrap();
    store
        .record_vote(&vote(Some(1), "p", false, Some("disliked on day one")))
        .unwrap();
    clock.advance_days(30);
    store
        .record_unanswered(Some(1), Some("day thirty-one"))
        .unwrap();
    // Day one is 30 days old: not older than 30.
    assert_eq!(store.expire_questions(30).unwrap(), 0);
    clock.advance_days(1);
    assert_eq!(store.expire_questions(30).unwrap(), 2);
    assert_eq!(
        store.expire_questions(30).unwrap(),
        0,
        "nothing left to expire"
    );
    let gaps = store.gaps(None, 365, 10).unwrap();
    let texts: Vec<&str> = gaps
        .unanswered
        .iter()
        .map(|u| u.question.as_str())
        .collect();
    assert_eq!(texts, ["day thirty-one"]);
    assert_eq!(
        gaps.unanswered_without_text, 1,
        "the expired one still counts"
    );
    assert_eq!(gaps.worst_passages[0].unhelpful, 1, "the vote stays");
    assert!(gaps.worst_passages[0].questions.is_empty());
    assert_eq!(count(&store, "SELECT COUNT(normalized) FROM unanswered"), 1);
}

#[test]
fn purge_reports_exactly_what_it_deleted() {
    // (scope, guild, expected report, texts / votes / unanswered rows left)
    let cases = [
        (
            PurgeScope::QuestionsOlderThan(5),
            None,
            (2, 0, 0),
            (3, 4, 4),
        ),
        (
            PurgeScope::QuestionsOlderThan(5),
            Some(1),
            (1, 0, 0),
            (4, 4, 4),
        ),
        (
            PurgeScope::QuestionsOlderThan(10),
            None,
            (0, 0, 0),
            (5, 4, 4),
        ),
        (PurgeScope::AllQuestions, None, (5, 0, 0), (0, 4, 4)),
        (PurgeScope::AllQuestions, Some(2), (2, 0, 0), (3, 4, 4)),
        (PurgeScope::Everything, None, (5, 4, 4), (0, 0, 0)),
        (PurgeScope::Everything, Some(1), (3, 2, 2), (2, 2, 2)),
        (PurgeScope::Everything, Some(3), (0, 0, 0), (5, 4, 4)),
    ];
    for (scope, guild, (texts, votes, unanswered), left) in cases {
        let (store, clock) = store();
        for guild in [1, 2] {
            store
                .record_unanswered(Some(guild), Some("old question"))
                .unwrap();
            store
                .record_vote(&vote(Some(guild), "p", true, None))
                .unwrap();
        }
        clock.advance_days(7);
        store
            .record_unanswered(Some(1), Some("new question"))
            .unwrap();
        store.record_unanswered(Some(2), None).unwrap();
        store
            .record_vote(&vote(Some(1), "p", false, Some("new dislike")))
            .unwrap();
        store
            .record_vote(&vote(Some(2), "p", false, Some("new dislike")))
            .unwrap();

        let report = store.purge(scope, guild).unwrap();
        assert_eq!(
            report,
            PurgeReport {
                question_texts: texts,
                votes,
                unanswered
            },
            "{scope:?} in {guild:?}"
        );
        let now = (
            count(&store, "SELECT (SELECT COUNT(question) FROM votes) + (SELECT COUNT(question) FROM unanswered)"),
            count(&store, "SELECT COUNT(*) FROM votes"),
            count(&store, "SELECT COUNT(*) FROM unanswered"),
        );
        assert_eq!(now, left, "{scope:?} in {guild:?} leaves");
    }
}

#[test]
fn purged_text_is_gone_from_the_files_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feedback.sqlite3");
    let store = FeedbackStore::open(&path).unwrap();
    let secret = "zebra-crossing-secret-question";
    store.record_unanswered(Some(1), Some(secret)).unwrap();
    store
        .record_vote(&vote(Some(1), "p", false, Some(secret)))
        .unwrap();
    let on_disk = || -> bool {
        ["", "-wal", "-journal"].iter().any(|suffix| {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            std::fs::read(PathBuf::from(file))
                .map(|bytes| bytes.windows(secret.len()).any(|w| w == secret.as_bytes()))
                .unwrap_or(false)
        })
    };
    assert!(on_disk(), "the test looks in the right files");
    let report = store.purge(PurgeScope::AllQuestions, None).unwrap();
    assert_eq!(report.question_texts, 2);
    assert!(!on_disk(), "the purged text is still readable on disk");
}

#[test]
fn data_survives_closing_and_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/feedback.sqlite3");
    {
        let store = FeedbackStore::open(&path).unwrap();
        store
            .record_vote(&vote(Some(7), "p", false, Some("why so?")))
            .unwrap();
        store
            .record_unanswered(Some(7), Some("Unknown thing?"))
            .unwrap();
    }
    let store = FeedbackStore::open(&path).unwrap();
    let gaps = store.gaps(Some(7), 1, 10).unwrap();
    assert_eq!(gaps.unanswered[0].question, "Unknown thing?");
    assert_eq!(gaps.worst_passages[0].questions, ["why so?"]);
}

#[test]
fn open_creates_the_folder_and_a_durable_write_ahead_logged_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/feedback.sqlite3");
    let store = FeedbackStore::open(&path).unwrap();
    assert!(path.is_file());
    assert_eq!(store.path(), path);
    let conn = store.lock();
    let pragma = |name: &str| -> String {
        conn.query_row(&format!("PRAGMA {name}"), [], |row| {
            row.get::<_, rusqlite::types::Value>(0).map(|v| match v {
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => format!("{other:?}"),
            })
        })
        .unwrap()
    };
    // synchronous: 2 is FULL.
    for (name, expected) in [
        ("journal_mode", "wal"),
        ("synchronous", "2"),
        ("secure_delete", "1"),
        ("user_version", "1"),
    ] {
        assert_eq!(pragma(name), expected, "PRAGMA {name}");
    }
}

#[test]
fn a_database_from_a_newer_version_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feedback.sqlite3");
    FeedbackStore::open(&path).unwrap();
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let err = FeedbackStore::open(&path).unwrap_err().to_string();
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("newer"), "{err}");
    assert!(!err.contains('\n'), "{err}");
}

#[test]
fn a_file_that_is_not_a_feedback_database_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in [
        ("text.sqlite3", None),
        ("other.sqlite3", Some("CREATE TABLE things (x);")),
    ] {
        let path = dir.path().join(name);
        match contents {
            None => std::fs::write(&path, "this is not a database, just text ".repeat(50)).unwrap(),
            Some(sql) => Connection::open(&path).unwrap().execute_batch(sql).unwrap(),
        }
        let err = FeedbackStore::open(&path).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "cannot open the feedback database {}",
                path.display()
            )),
            "{err}"
        );
        assert!(!err.contains('\n'), "{err}");
    }
}

#[test]
fn several_threads_share_one_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FeedbackStore::open(&dir.path().join("f.sqlite3")).unwrap());
    let threads: Vec<_> = (0..8u64)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    store
                        .record_vote(&vote(Some(t), "p", i % 2 == 0, None))
                        .unwrap();
                    store
                        .record_unanswered(Some(t), Some("shared question"))
                        .unwrap();
                    store.gaps(Some(t), 1, 5).unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let gaps = store.gaps(None, 1, 10).unwrap();
    assert_eq!(gaps.unanswered[0].count, 200);
    let p = &gaps.worst_passages[0];
    assert_eq!((p.helpful, p.unhelpful), (104, 96));
}

#[test]
fn two_stores_on_one_file_both_write() {
    // The bot and the command line open the same file at once.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite3");
    let bot = Arc::new(FeedbackStore::open(&path).unwrap());
    let cli = Arc::new(FeedbackStore::open(&path).unwrap());
    let writers: Vec<_> = [bot.clone(), cli.clone()]
        .into_iter()
        .map(|store| {
            std::thread::spawn(move || {
                for _ in 0..50 {
                    store.record_unanswered(None, Some("q")).unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    assert_eq!(bot.gaps(None, 1, 1).unwrap().unanswered[0].count, 100);
    assert_eq!(
        cli.purge(PurgeScope::Everything, None).unwrap().unanswered,
        100
    );
}
