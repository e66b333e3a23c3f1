//! Answer quality through the real `eval` command: the shared development set
//! must meet the bar the project promises, and the developers' own set of
//! members' questions guards against tuning to that one file.

use crate::util::{repo, shared, TestDir};

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
    assert!(metric(&report, "hit_at_1") >= 0.90, "{report}");
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
