//! Answer quality through the real `eval` command: the shared development set
//! must meet the bar the project promises, and the developers' own set of
//! members' questions guards against tuning to that one file.
//!
//! Since session 14 (the sentence model tuned on members' words, none of
//! these sets among its training questions) each held-out set is held one
//! question under what the engine reaches with it (on a processor without
//! AVX-512 VNNI the float kernel moves a set by one question); each doc
//! comment keeps the set's first run, the one clean measure of it.

use crate::support::common::{repo, shared};
use crate::support::dir::TestDir;

fn eval(dir: &TestDir, set: &std::path::Path) -> serde_json::Value {
    let set = set.to_str().unwrap();
    let out = dir.run(&["eval", set, "--json"]);
    serde_json::from_str(out.ok().trim()).unwrap()
}

fn metric(report: &serde_json::Value, key: &str) -> f64 {
    report[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing: {report}"))
}

#[test]
fn the_dev_question_set_meets_the_bar() {
    let dir = TestDir::with_shipped_corpus();
    let report = eval(&dir, &shared("eval/dev.toml"));
    assert!(metric(&report, "hit_at_1") >= 0.95, "{report}");
    assert_eq!(metric(&report, "hit_at_3"), 1.0, "{report}");
    assert_eq!(metric(&report, "no_answer_accuracy"), 1.0, "{report}");
    assert_eq!(metric(&report, "urgent_recall"), 1.0, "{report}");
    assert_eq!(metric(&report, "false_urgent"), 0.0, "{report}");
}

#[test]
fn the_members_question_set_holds_up() {
    let dir = TestDir::with_shipped_corpus();
    let report = eval(&dir, &repo().join("tests/fixtures/member-questions.toml"));
    assert!(metric(&report, "hit_at_1") >= 0.85, "{report}");
    assert!(metric(&report, "hit_at_3") >= 0.90, "{report}");
    assert!(metric(&report, "false_no_answer") <= 0.10, "{report}");
    assert_eq!(metric(&report, "no_answer_accuracy"), 1.0, "{report}");
    assert_eq!(metric(&report, "urgent_recall"), 1.0, "{report}");
    assert_eq!(metric(&report, "false_urgent"), 0.0, "{report}");
}

/// The held-out forum-style set (tests/fixtures/forum-posts.toml), written
/// before the semantic engine first ran on it. The bars are what the engine
/// reaches, so that no change quietly loses ground; issue 7's targets for
/// unseen questions (hit@1 0.85, false no-answer 0.05) are higher.
#[test]
fn the_forum_question_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.894,
        hit_at_3: 0.921,
        false_no_answer: 0.014,
        no_answer: 0.952,
        near_no_answer: 0.937,
    };
    bars.hold("tests/fixtures/forum-posts.toml");
}

/// The second held-out set (tests/fixtures/second-holdout.toml), written
/// after the forum set and before the engine first ran on it, to see that
/// changes measured on the other sets generalise. Bars as for the forum set:
/// what the engine reaches, a little under.
#[test]
fn the_second_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.914,
        hit_at_3: 0.936,
        false_no_answer: 0.043,
        no_answer: 0.846,
        near_no_answer: 0.8,
    };
    bars.hold("tests/fixtures/second-holdout.toml");
}

/// The third held-out set (tests/fixtures/third-holdout.toml), written in
/// session 5 before the engine first ran on it. Bars as for the others.
#[test]
fn the_third_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.903,
        hit_at_3: 0.935,
        false_no_answer: 0.033,
        no_answer: 0.882,
        near_no_answer: 0.833,
    };
    bars.hold("tests/fixtures/third-holdout.toml");
}

/// The fourth held-out set (tests/fixtures/fourth-holdout.toml), written in
/// session 7 before the engine first ran on it. Since the bar for long
/// messages fell (session 12), it answered two of its ten near misses;
/// with the tuned model (session 14), one.
#[test]
fn the_fourth_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.935,
        hit_at_3: 0.951,
        false_no_answer: 0.049,
        no_answer: 0.923,
        near_no_answer: 0.9,
    };
    bars.hold("tests/fixtures/fourth-holdout.toml");
}

/// The fifth held-out set (tests/fixtures/fifth-holdout.toml), written in
/// session 8 before the engine first ran on it. Its near misses are held a
/// little lower than the others': the engine answers three of its twelve
/// (how many hours a Lemtrada infusion takes, stopping Tysabri before
/// surgery, how long Lemtrada's side effects last), under issue 7's 0.8;
/// since session 13 asks a measure in a unit, two of the twelve (one with
/// the first round of tuning, two again with the second).
#[test]
fn the_fifth_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.935,
        hit_at_3: 0.948,
        false_no_answer: 0.039,
        no_answer: 0.8,
        near_no_answer: 0.75,
    };
    bars.hold("tests/fixtures/fifth-holdout.toml");
}

/// The sixth held-out set (tests/fixtures/sixth-holdout.toml), written in
/// session 9 before the engine first ran on it. Its first run found one
/// emergency the triage missed (a sudden, worst-ever headache); the rest
/// was held at hit@1 0.80, false no-answer 0.117 until the tuned model
/// (session 14).
#[test]
fn the_sixth_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.916,
        hit_at_3: 0.95,
        false_no_answer: 0.017,
        no_answer: 0.866,
        near_no_answer: 0.833,
    };
    bars.hold("tests/fixtures/sixth-holdout.toml");
}

/// The seventh held-out set (tests/fixtures/seventh-holdout.toml), written
/// blind in session 9 by a helper that had read only the articles and the
/// format spec. Its first run found one emergency the triage missed ("my
/// chest is really tight"); the rest is held at what the engine reaches:
/// hit@1 0.757, false no-answer 0.129, short of issue 7's targets.
#[test]
fn the_seventh_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.885,
        hit_at_3: 0.928,
        false_no_answer: 0.043,
        no_answer: 0.933,
        near_no_answer: 0.916,
    };
    bars.hold("tests/fixtures/seventh-holdout.toml");
}

/// The eighth held-out set (tests/fixtures/eighth-holdout.toml), written
/// blind in session 11 by a helper that had read only the articles and the
/// format spec; a third of it is long forum-style posts. Its first run:
/// hit@1 0.629, false no-answer 0.243 (long posts refused). Session 12's
/// changes, measured on it among others (so it no longer measures them
/// cleanly), brought it to 0.80 and 0.07.
#[test]
fn the_eighth_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.914,
        hit_at_3: 0.942,
        false_no_answer: 0.029,
        no_answer: 0.894,
        near_no_answer: 0.846,
    };
    bars.hold("tests/fixtures/eighth-holdout.toml");
}

/// The ninth held-out set (tests/fixtures/ninth-holdout.toml), written
/// blind in session 12 by a helper (long posts, drugs described rather than
/// named, lay words). Its first run, after that session's first changes:
/// hit@1 0.556, false no-answer 0.181, near no-answer 0.67, and a missed
/// cry for help (triage fixed at once). Held at what the engine reaches
/// now, far under issue 7's targets.
#[test]
fn the_ninth_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.777,
        hit_at_3: 0.791,
        false_no_answer: 0.07,
        no_answer: 0.772,
        near_no_answer: 0.722,
    };
    bars.hold("tests/fixtures/ninth-holdout.toml");
}

/// The tenth held-out set (tests/fixtures/tenth-holdout.toml), written
/// blind in session 12 by a helper (short Discord-style messages, typos,
/// abbreviations). First run: hit@1 0.545, false no-answer 0.212, near
/// no-answer 0.75. Held at what the engine reaches now.
#[test]
fn the_tenth_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.787,
        hit_at_3: 0.818,
        false_no_answer: 0.061,
        no_answer: 0.947,
        near_no_answer: 0.937,
    };
    bars.hold("tests/fixtures/tenth-holdout.toml");
}

/// The eleventh held-out set (tests/fixtures/eleventh-holdout.toml), written
/// blind in session 12 by a helper (a moderator's typical week: half plain
/// short questions, a third with some context, the rest long posts), and
/// first run at the end of that session, after every change: hit@1 0.773,
/// hit@3 0.84, false no-answer 0.053, near no-answer 0.73.
#[test]
fn the_eleventh_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.906,
        hit_at_3: 0.92,
        false_no_answer: 0.054,
        no_answer: 0.9,
        near_no_answer: 0.866,
    };
    bars.hold("tests/fixtures/eleventh-holdout.toml");
}

/// The twelfth held-out set (tests/fixtures/twelfth-holdout.toml), written
/// blind at the end of session 12 by a helper (support-group forum style,
/// a third long posts) and first run at the start of session 13, before any
/// change: hit@1 0.722, hit@3 0.75, false no-answer 0.181, near no-answer
/// 0.61, urgent recall 4/6 (triage fixed at once). With the tuned model
/// (session 14) hit@1 rose 0.72 → 0.86 and near no-answer stayed 0.72;
/// the third round (session 15) answers one more of its near misses (0.67).
#[test]
fn the_twelfth_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.861,
        hit_at_3: 0.875,
        false_no_answer: 0.07,
        no_answer: 0.909,
        near_no_answer: 0.888,
    };
    bars.hold("tests/fixtures/twelfth-holdout.toml");
}

/// The thirteenth held-out set (tests/fixtures/thirteenth-holdout.toml),
/// written blind in session 13 by a helper (a third short messages, a third
/// long posts) and first run at the end of that session, after every other
/// change: hit@1 0.70, hit@3 0.786, false no-answer 0.086, near no-answer
/// 0.83, urgent recall 3/7 (triage fixed at once).
#[test]
fn the_thirteenth_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.857,
        hit_at_3: 0.885,
        false_no_answer: 0.072,
        no_answer: 0.956,
        near_no_answer: 0.944,
    };
    bars.hold("tests/fixtures/thirteenth-holdout.toml");
}

/// The fourteenth held-out set (tests/fixtures/fourteenth-holdout.toml),
/// written blind at the start of session 14 by a helper that read only the
/// articles and the format spec, and first run after the tuned sentence
/// model shipped: hit@1 0.814, hit@3 0.857, false no-answer 0.071, near
/// no-answer 0.61 (the session-start engine: 0.729, 0.743, 0.114, 0.56).
/// A unit read across sentences then answered one more near miss.
#[test]
fn the_fourteenth_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.871,
        hit_at_3: 0.9,
        false_no_answer: 0.029,
        no_answer: 0.695,
        near_no_answer: 0.611,
    };
    bars.hold("tests/fixtures/fourteenth-holdout.toml");
}

/// The fifteenth held-out set (tests/fixtures/fifteenth-holdout.toml),
/// written blind at the start of session 15 by a helper that read only the
/// articles and the format spec, committed unrun, and never read case by
/// case. The session-start engine: hit@1 0.814, hit@3 0.814, false
/// no-answer 0.143, near no-answer 0.72; after the third round of tuning
/// 0.843, 0.843, 0.100, 0.72. Bars one question under that.
#[test]
fn the_fifteenth_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.914,
        hit_at_3: 0.914,
        false_no_answer: 0.058,
        no_answer: 0.869,
        near_no_answer: 0.833,
    };
    bars.hold("tests/fixtures/fifteenth-holdout.toml");
}

/// The sixteenth held-out set (tests/fixtures/sixteenth-holdout.toml),
/// written blind at the start of session 16 like the fifteenth, committed
/// unrun, never read case by case. Its first run, with the first form of
/// the reader (weight 0.15): hit@1 0.771, hit@3 0.829, false no-answer
/// 0.114, near no-answer 0.89, urgent 6/7; the engine without the reader,
/// run after: 0.829, 0.857, 0.043, 0.67, urgent 6/7. The reader's weight
/// was lowered to 0.1 after that run (so the set is no longer clean for
/// that choice): 0.814, 0.857, 0.071, 0.89; after the review's fixes
/// (an unread candidate is never moved first, a passage the reader
/// rejects is never an extra) 0.829, 0.857, 0.071, 0.89. Bars one
/// question under that.
/// Its one missed emergency (a fever of 104 with shaking chills after an
/// infusion) was read, alone, and triage now knows a very high fever by
/// its number (README, Session 16).
#[test]
fn the_sixteenth_held_out_set_holds_up() {
    let bars = HeldOutBars {
        hit_at_1: 0.814,
        hit_at_3: 0.842,
        false_no_answer: 0.086,
        no_answer: 0.869,
        near_no_answer: 0.833,
    };
    bars.hold("tests/fixtures/sixteenth-holdout.toml");
}

/// Real questions from public forums (tests/fixtures/forum-real.toml, 13
/// found in the stored pages, 10 of them on things the articles do not
/// answer). Too few for a rate; held so that no change loses more ground.
/// Before the reader (session 16) two of the three answerable posts were
/// answered from their passage and six of the ten others refused; with it,
/// one, and three: the reader, tuned on written members' questions, is
/// surer than it should be of these long real posts (README, Session 16).
#[test]
fn the_real_forum_questions_hold_up() {
    let dir = TestDir::with_shipped_corpus();
    let report = eval(&dir, &repo().join("tests/fixtures/forum-real.toml"));
    assert!(metric(&report, "hit_at_3") >= 0.33, "{report}");
    assert_eq!(metric(&report, "false_no_answer"), 0.0, "{report}");
    assert!(metric(&report, "no_answer_accuracy") >= 0.3, "{report}");
    assert_eq!(metric(&report, "false_urgent"), 0.0, "{report}");
}

/// What a held-out set must reach: its own bars, each one question under
/// what the engine reaches with it, and for all alike far no-answer 1.0 and
/// exact triage.
struct HeldOutBars {
    hit_at_1: f64,
    hit_at_3: f64,
    false_no_answer: f64,
    no_answer: f64,
    near_no_answer: f64,
}

impl HeldOutBars {
    fn hold(&self, set: &str) {
        let dir = TestDir::with_shipped_corpus();
        let report = eval(&dir, &repo().join(set));
        assert!(metric(&report, "hit_at_1") >= self.hit_at_1, "{report}");
        assert!(metric(&report, "hit_at_3") >= self.hit_at_3, "{report}");
        assert!(
            metric(&report, "false_no_answer") <= self.false_no_answer,
            "{report}"
        );
        assert!(
            metric(&report, "no_answer_accuracy") >= self.no_answer,
            "{report}"
        );
        assert_eq!(report["no_answer_by_tag"]["far"], 1.0, "{report}");
        assert!(
            report["no_answer_by_tag"]["near"].as_f64().unwrap() >= self.near_no_answer,
            "{report}"
        );
        assert_eq!(metric(&report, "urgent_recall"), 1.0, "{report}");
        assert_eq!(metric(&report, "false_urgent"), 0.0, "{report}");
    }
}

/// Members want the one right passage: across the nineteen sets, answers
/// quote at most 1.3 passages on average (issue 7 asks ≤ 1.6),
/// and every quoted passage has its answering sentence marked inside its
/// text.
#[test]
fn answers_quote_few_passages_with_the_answer_marked() {
    let dir = TestDir::with_shipped_corpus();
    let mut questions = String::new();
    for set in [
        shared("eval/dev.toml"),
        repo().join("tests/fixtures/member-questions.toml"),
        repo().join("tests/fixtures/forum-posts.toml"),
        repo().join("tests/fixtures/second-holdout.toml"),
        repo().join("tests/fixtures/third-holdout.toml"),
        repo().join("tests/fixtures/fourth-holdout.toml"),
        repo().join("tests/fixtures/fifth-holdout.toml"),
        repo().join("tests/fixtures/sixth-holdout.toml"),
        repo().join("tests/fixtures/seventh-holdout.toml"),
        repo().join("tests/fixtures/eighth-holdout.toml"),
        repo().join("tests/fixtures/ninth-holdout.toml"),
        repo().join("tests/fixtures/tenth-holdout.toml"),
        repo().join("tests/fixtures/eleventh-holdout.toml"),
        repo().join("tests/fixtures/twelfth-holdout.toml"),
        repo().join("tests/fixtures/thirteenth-holdout.toml"),
        repo().join("tests/fixtures/fourteenth-holdout.toml"),
        repo().join("tests/fixtures/fifteenth-holdout.toml"),
        repo().join("tests/fixtures/sixteenth-holdout.toml"),
        repo().join("tests/fixtures/forum-real.toml"),
    ] {
        let text = std::fs::read_to_string(set).unwrap();
        let cases: toml::Value = toml::from_str(&text).unwrap();
        for case in cases["case"].as_array().unwrap() {
            questions.push_str(case["question"].as_str().unwrap());
            questions.push('\n');
        }
    }
    let out = dir.run_with_stdin(&["ask", "--json"], &questions);
    let (mut answers, mut quoted) = (0, 0);
    for line in out.ok().lines() {
        let verdict: serde_json::Value = serde_json::from_str(line).unwrap();
        if verdict["verdict"] != "answer" {
            continue;
        }
        answers += 1;
        for hit in verdict["hits"].as_array().unwrap() {
            quoted += 1;
            let text = hit["text"].as_str().unwrap();
            let spans = hit["answer_spans"].as_array().unwrap();
            assert!(!spans.is_empty(), "no answer marked: {hit}");
            for span in spans {
                let (start, end) = (
                    span[0].as_u64().unwrap() as usize,
                    span[1].as_u64().unwrap() as usize,
                );
                assert!(
                    start < end
                        && end <= text.len()
                        && text.is_char_boundary(start)
                        && text.is_char_boundary(end),
                    "{span} in {text:?}"
                );
            }
        }
    }
    let per_answer = quoted as f64 / answers as f64;
    assert!(answers > 100, "{answers} answers");
    assert!(per_answer <= 1.3, "{per_answer:.2} passages per answer");
}
