//! `infusion-faq ask`: what a member or moderator sees at the terminal.

use crate::support::dir::TestDir;

#[test]
fn a_fresh_copy_builds_its_index_on_first_ask_and_quotes_the_tysabri_passage() {
    let dir = TestDir::with_shipped_corpus();
    assert!(!dir.index().exists());
    let out = dir.run(&["ask", "How often is Tysabri given?"]);
    let text = out.ok();
    assert!(text.contains("once every four weeks"), "{text}");
    assert!(text.contains("Natalizumab (Tysabri)"), "{text}");
    assert!(text.contains("Healthline"), "{text}");
    assert!(
        text.contains("https://www.healthline.com/health/multiple-sclerosis/infusion-treatments")
    );
    assert!(text.contains("Not medical advice"), "{text}");
    assert!(!dir.index_snapshot().is_empty(), "the index was built");
}

#[test]
fn the_second_ask_reuses_the_index_untouched() {
    let dir = TestDir::with_shipped_corpus();
    dir.run(&["ask", "what is IVIG"]).ok();
    let before = dir.index_snapshot();
    dir.run(&["ask", "what is plasmapheresis"]).ok();
    assert_eq!(before, dir.index_snapshot());
}

#[test]
fn questions_can_be_given_without_quotes() {
    let dir = TestDir::with_shipped_corpus();
    let text = dir
        .run(&["ask", "how", "often", "do", "u", "get", "tysbari"])
        .ok()
        .to_string();
    assert!(text.contains("once every four weeks"), "{text}");
}

#[test]
fn json_output_carries_the_verdict_citations_and_disclaimer() {
    let dir = TestDir::with_shipped_corpus();
    let out = dir.run(&["ask", "--json", "What is plasmapheresis?"]);
    let value: serde_json::Value = serde_json::from_str(out.ok().trim()).unwrap();
    assert_eq!(value["verdict"], "answer");
    let hit = &value["hits"][0];
    assert!(hit["text"]
        .as_str()
        .unwrap()
        .contains("removing blood from your body"));
    assert_eq!(hit["citation"]["publisher"], "Healthline");
    assert_eq!(hit["citation"]["section"], "Other infusion treatments");
    assert!(hit["citation"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let text = hit["text"].as_str().unwrap();
    for range in hit["matched"].as_array().unwrap() {
        let (start, end) = (
            range[0].as_u64().unwrap() as usize,
            range[1].as_u64().unwrap() as usize,
        );
        assert!(
            text.get(start..end).is_some_and(|w| !w.is_empty()),
            "bad range {range}"
        );
    }
    assert!(value["disclaimer"]
        .as_str()
        .unwrap()
        .contains("Not medical advice"));
}

#[test]
fn explain_shows_both_signals_of_every_candidate_and_the_verdicts_reason() {
    let dir = TestDir::with_shipped_corpus();
    let text = dir
        .run(&["ask", "--explain", "What are the side effects of Tysabri?"])
        .ok()
        .to_string();
    assert!(
        text.contains("concepts (weight, how recognised):"),
        "{text}"
    );
    assert!(text.contains("[tysabri | natalizumab]"), "{text}");
    let candidates: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" lex ") && l.contains(" dense "))
        .collect();
    assert!(candidates.len() >= 3, "{text}");
    // Quoted ones are starred, first; another drug's passages are marked.
    assert!(candidates[0].trim_start().starts_with("1*"), "{text}");
    assert!(candidates[0].contains("Healthline › Side effects › Natalizumab (Tysabri)"));
    assert!(candidates
        .iter()
        .any(|l| l.contains("other drug") && l.contains("Ocrelizumab")));
    assert!(candidates
        .iter()
        .filter(|l| l.contains("other drug"))
        .all(|l| !l.contains('*')));
    assert!(
        text.contains("verdict: answered: the best passage's confidence"),
        "{text}"
    );
    // The answer itself follows the explanation.
    assert!(text.contains("infections"), "{text}");

    let refused = dir
        .run(&[
            "ask",
            "--explain",
            "What's the best pizza place near the hospital?",
        ])
        .ok()
        .to_string();
    assert!(refused.contains("verdict: no answer:"), "{refused}");
    assert!(!refused.contains('*'), "nothing quoted: {refused}");
}

#[test]
fn explain_as_json_gives_the_plan_candidates_and_reason() {
    let dir = TestDir::with_shipped_corpus();
    let out = dir.run(&["ask", "--explain", "--json", "how often do u get tysbari"]);
    let first = out.ok().lines().next().unwrap_or_default().to_string();
    let explanation: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(explanation["reason"]["reason"], "answered", "{explanation}");
    let corrected = &explanation["plan"]["concepts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["surface"] == "tysbari")
        .unwrap_or_else(|| panic!("{explanation}"))["recognised"];
    assert!(corrected.to_string().contains("tysabri"), "{corrected}");
    let best = &explanation["candidates"][0];
    for key in [
        "lexical_rank",
        "coverage",
        "dense_rank",
        "similarity",
        "fused",
        "confidence",
    ] {
        assert!(best.get(key).is_some(), "{key} missing: {best}");
    }
    assert!(best["text"]
        .as_str()
        .unwrap()
        .contains("once every four weeks"));
    assert_eq!(
        explanation["quoted"], 1,
        "the schedule alone: {explanation}"
    );
}

#[test]
fn a_schedule_question_quotes_the_schedule_alone_with_its_answer_marked() {
    let dir = TestDir::with_shipped_corpus();
    for question in ["How often is Tysabri given?", "how often do u get tysbari"] {
        let out = dir.run(&["ask", "--json", question]);
        let verdict: serde_json::Value = serde_json::from_str(out.ok().trim()).unwrap();
        let hits = verdict["hits"].as_array().unwrap();
        assert_eq!(hits.len(), 1, "{question}: {verdict}");
        let text = hits[0]["text"].as_str().unwrap();
        let span = &hits[0]["answer_spans"][0];
        let (start, end) = (span[0].as_u64().unwrap(), span[1].as_u64().unwrap());
        assert_eq!(
            &text[start as usize..end as usize],
            "You receive this drug once every four weeks.",
            "{question}"
        );
    }
}

#[test]
fn a_measure_asked_in_hours_is_not_answered_by_a_schedule_in_days() {
    let dir = TestDir::with_shipped_corpus();
    let reading = |question: &str| -> serde_json::Value {
        let out = dir.run(&["ask", "--explain", "--json", question]);
        let first = out.ok().lines().next().unwrap_or_default().to_string();
        serde_json::from_str(&first).unwrap()
    };
    let first_holds = |reading: &serde_json::Value, phrase: &str| {
        reading["candidates"][0]["text"]
            .as_str()
            .is_some_and(|text| text.contains(phrase))
    };
    let hours = reading("roughly how many hours is one Lemtrada drip?");
    assert_eq!(hours["reason"]["reason"], "not_in_the_unit", "{hours}");
    assert_eq!(hours["quoted"], 0, "{hours}");
    let days = reading("how many days does the first Lemtrada course last?");
    assert_eq!(days["reason"]["reason"], "answered", "{days}");
    assert!(first_holds(&days, "five days"), "{days}");
    // Asked over two sentences, and each read alone: the "how long" asks
    // in the hours the next sentence names.
    let split = reading(
        "How long is a Tysabri infusion? Like how many hours will I be stuck at the clinic, do I need to bring food?",
    );
    assert_eq!(split["quoted"], 0, "{split}");
    let schedule = split["candidates"]
        .as_array()
        .and_then(|all| {
            all.iter().find(|c| {
                c["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("once every four weeks"))
            })
        })
        .unwrap_or_else(|| panic!("the Tysabri schedule is no candidate: {split}"));
    assert_eq!(schedule["lacks_unit"], true, "{split}");
    // A question of its own about hours does not lend them to the "how
    // long" before it: the course's five days answer that one.
    let two = reading("How long is the first Lemtrada course? And how many hours is each drip?");
    assert_eq!(two["reason"]["reason"], "answered", "{two}");
    assert!(first_holds(&two, "five days"), "{two}");
}

#[test]
fn emergencies_lead_with_urgent_care_guidance() {
    let dir = TestDir::with_shipped_corpus();
    let out = dir.run(&["ask", "my throat is closing up and I can't breathe"]);
    let text = out.ok();
    let first = text.lines().next().unwrap();
    assert!(
        first.contains("call your local emergency number now"),
        "{text}"
    );
    assert!(first.contains("infusion center"), "{text}");
}

#[test]
fn thoughts_of_self_harm_lead_with_crisis_guidance() {
    let dir = TestDir::with_shipped_corpus();
    let text = dir.run(&["ask", "i want to end my life"]).ok().to_string();
    let first = text.lines().next().unwrap();
    assert!(
        first.contains("emergency number") && first.contains("crisis line"),
        "{text}"
    );
}

#[test]
fn uncovered_questions_say_so_and_suggest_what_is_covered() {
    let dir = TestDir::with_shipped_corpus();
    let text = dir
        .run(&["ask", "What's the best pizza place near the hospital?"])
        .ok()
        .to_string();
    assert!(text.contains("do not cover"), "{text}");
    assert!(text.contains("They do cover:"), "{text}");
    assert!(
        !text.contains("— Healthline"),
        "no passage is quoted: {text}"
    );
}

#[test]
fn without_a_question_ask_reads_one_question_per_line() {
    let dir = TestDir::with_shipped_corpus();
    let out = dir.run_with_stdin(&["ask"], "What is IVIG?\n\nHow often is Tysabri given?\n");
    let text = out.ok();
    assert!(text.contains("intravenous immunoglobulin"), "{text}");
    assert!(text.contains("once every four weeks"), "{text}");
    assert_eq!(text.matches("Not medical advice").count(), 2, "{text}");
}

#[test]
fn hostile_questions_never_panic() {
    let dir = TestDir::with_shipped_corpus();
    let long = "tysabri ".repeat(1300);
    let hostile = [
        "",
        "   ",
        long.as_str(),
        "?!?!.,;:()[]{}",
        "AND OR NOT",
        "title:foo",
        "text:tysabri^5 +ocrevus -lemtrada",
        "\"unbalanced quote",
        "can't won't don't",
        "index: 1.5",
        "💉🩸😱 tysabri 🙏",
        "מה זה טיסאברי",
        "ما هو تيسابري؟",
        "\u{202e}irbasyt",
        "*~_`|<@123> @everyone",
        "../../etc/passwd",
    ];
    for question in hostile {
        let out = dir.run(&["ask", question]);
        let text = out.ok();
        assert!(text.contains("Not medical advice"), "{question:?}: {text}");
        let out = dir.run(&["ask", "--json", question]);
        let value: serde_json::Value = serde_json::from_str(out.ok().trim()).unwrap();
        assert!(value["verdict"].is_string(), "{question:?}");
    }
    // A NUL byte cannot travel in an argument; it can on standard input.
    let out = dir.run_with_stdin(&["ask"], "tysabri\u{0}how often\n\u{0}\n");
    assert!(out.ok().contains("Not medical advice"));
}
