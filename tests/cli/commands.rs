//! `index`, `eval`, configuration and the errors every command shares.

use crate::support::dir::{article, TestDir};

#[test]
fn a_broken_corpus_fails_with_one_line_and_leaves_the_index_untouched() {
    let dir = TestDir::with_shipped_corpus();
    dir.run(&["ask", "What is IVIG?"]).ok();
    let before = dir.index_snapshot();
    dir.write(
        "corpus/broken.md",
        "+++\nid = \"broken\"\ntitle = \"Broken\"\npublisher = \"P\"\n+++\n\nText.\n",
    );
    for args in [
        &["ask", "What is IVIG?"][..],
        &["index"],
        &["eval", "set.toml"],
    ] {
        if args[0] == "eval" {
            dir.write(
                "set.toml",
                "[[case]]\nquestion = \"q\"\nanswers = [\"a\"]\n",
            );
        }
        let line = dir.run(args).one_line_error().to_string();
        assert!(line.contains("corpus/broken.md:2"), "{args:?}: {line}");
        assert!(line.contains("missing field `url`"), "{line}");
    }
    assert_eq!(before, dir.index_snapshot(), "the index is untouched");
}

#[test]
fn a_missing_corpus_folder_is_a_one_line_error() {
    let dir = TestDir::empty();
    let line = dir.run(&["ask", "hello"]).one_line_error().to_string();
    assert!(line.contains("cannot read the corpus folder"), "{line}");
}

#[test]
fn index_rebuilds_and_prints_a_summary() {
    let dir = TestDir::with_shipped_corpus();
    let text = dir.run(&["index"]).ok().to_string();
    assert!(text.starts_with("indexed 2 articles, "), "{text}");
    assert!(text.contains(" passages in "), "{text}");
    let first = dir.index_snapshot();
    assert!(!first.is_empty());
    dir.run(&["index"]).ok();
    let builds: Vec<_> = std::fs::read_dir(dir.index())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("build-"))
        .collect();
    assert_eq!(builds.len(), 1, "old builds are removed: {builds:?}");
}

#[test]
fn a_changed_corpus_is_reindexed_on_the_next_ask() {
    let dir = TestDir::with_shipped_corpus();
    dir.run(&["ask", "What is IVIG?"]).ok();
    dir.write(
        "corpus/kesimpta.md",
        article(
            "kesimpta-basics",
            "Kesimpta basics",
            "## Kesimpta dosing\n\nKesimpta is given as a monthly injection under the skin after the first three weekly doses.",
        ),
    );
    let text = dir.run(&["ask", "How is Kesimpta given?"]).ok().to_string();
    assert!(text.contains("monthly injection"), "{text}");
    assert!(text.contains("Kesimpta basics — Kesimpta dosing"), "{text}");
}

#[test]
fn config_paths_are_taken_from_the_config_files_folder() {
    let dir = TestDir::with_shipped_corpus();
    dir.write(
        "conf/bot.toml",
        "corpus = \"../corpus\"\nindex = \"../other-index\"\n\n[engine]\nmax_passages = 1\n",
    );
    let out = dir.run(&[
        "--config",
        "conf/bot.toml",
        "ask",
        "--json",
        "What are the side effects of Lemtrada?",
    ]);
    let value: serde_json::Value = serde_json::from_str(out.ok().trim()).unwrap();
    assert_eq!(value["hits"].as_array().unwrap().len(), 1);
    assert!(dir.path().join("other-index").is_dir());
}

#[test]
fn a_bad_config_file_is_a_one_line_error_naming_its_line() {
    let dir = TestDir::with_shipped_corpus();
    dir.write(
        "bad.toml",
        "corpus = \"corpus\"\n[engine]\nmin_coverage = \"high\"\n",
    );
    let line = dir
        .run(&["--config", "bad.toml", "ask", "x"])
        .one_line_error()
        .to_string();
    assert!(line.contains("bad.toml:3"), "{line}");
    let line = dir
        .run(&["--config", "missing.toml", "check"])
        .one_line_error()
        .to_string();
    assert!(line.contains("cannot read the config file"), "{line}");
}

#[test]
fn overrides_on_the_command_line_win() {
    let dir = TestDir::with_shipped_corpus();
    std::fs::rename(dir.corpus(), dir.path().join("articles")).unwrap();
    let text = dir
        .run(&[
            "--corpus",
            "articles",
            "--index",
            "idx",
            "ask",
            "What is IVIG?",
        ])
        .ok()
        .to_string();
    assert!(text.contains("intravenous immunoglobulin"));
    assert!(dir.path().join("idx").is_dir());
}

#[test]
fn eval_json_has_exactly_the_keys_of_the_spec() {
    let dir = TestDir::with_shipped_corpus();
    dir.write(
        "set.toml",
        "[[case]]\nquestion = \"How often is Tysabri given?\"\nanswers = [\"once every four weeks\"]\n\n[[case]]\nquestion = \"pizza?\"\nexpect = \"no_answer\"\ntag = \"far\"\n\n[[case]]\nquestion = \"I can't breathe\"\nexpect = \"urgent\"\n",
    );
    let out = dir.run(&["eval", "set.toml", "--json"]);
    let stdout = out.ok();
    assert_eq!(
        stdout.trim().lines().count(),
        1,
        "only one JSON object: {stdout}"
    );
    let value: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "answerable",
            "cases",
            "false_no_answer",
            "false_urgent",
            "hit_at_1",
            "hit_at_3",
            "latency_us",
            "mrr_at_5",
            "no_answer_accuracy",
            "no_answer_by_tag",
            "urgent_recall"
        ]
    );
    assert_eq!(value["cases"], 3);
    assert_eq!(value["hit_at_1"], 1.0);
    assert_eq!(value["no_answer_by_tag"]["far"], 1.0);
    assert!(value["latency_us"]["p50"].is_u64() && value["latency_us"]["p99"].is_u64());
}

#[test]
fn eval_text_prints_a_line_per_case_then_the_summary() {
    let dir = TestDir::with_shipped_corpus();
    dir.write(
        "set.toml",
        "[[case]]\nquestion = \"What is IVIG?\"\nanswers = [\"intravenous immunoglobulin\"]\n",
    );
    let text = dir.run(&["eval", "set.toml"]).ok().to_string();
    assert!(
        text.lines().next().unwrap().contains("What is IVIG?"),
        "{text}"
    );
    assert!(text.contains("hit@1 1.000"), "{text}");
}

#[test]
fn eval_refuses_a_bad_question_set_and_scores_nothing() {
    let dir = TestDir::with_shipped_corpus();
    dir.write(
        "set.toml",
        "[[case]]\nquestion = \"fine\"\nanswers = [\"x\"]\n\n[[case]]\nquestion = \"What now?\"\n",
    );
    let line = dir
        .run(&["eval", "set.toml", "--json"])
        .one_line_error()
        .to_string();
    assert!(
        line.contains("set.toml") && line.contains("case 2") && line.contains("What now?"),
        "{line}"
    );
    dir.write("set.toml", "[[case]\n");
    let line = dir.run(&["eval", "set.toml"]).one_line_error().to_string();
    assert!(
        line.contains("set.toml:1") && line.contains("does not parse"),
        "{line}"
    );
}
