//! The engine's public API on the shipped corpus: synonyms, spelling,
//! verdicts and their promises.

use std::sync::OnceLock;

use infusion_faq::engine::{Engine, Paths, Reason, Verdict, DISCLAIMER};
use infusion_faq::EngineSettings;

use crate::support::common::repo;

/// An engine on the shipped corpus; its index lives in a temporary folder.
fn open_engine(settings: EngineSettings) -> (tempfile::TempDir, Engine) {
    let index = tempfile::tempdir().unwrap();
    let paths = Paths {
        corpus: repo().join("corpus"),
        index: index.path().to_path_buf(),
    };
    let engine = Engine::open(&paths, settings).unwrap();
    (index, engine)
}

/// One engine for this file's tests.
pub(crate) fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| open_engine(EngineSettings::default()))
        .1
}

/// Asserts that the verdict quotes a passage containing `phrase`.
fn assert_quotes(question: &str, phrase: &str) {
    let verdict = engine().ask(question);
    let sections: Vec<String> = verdict.hits().iter().map(|h| h.passage.section()).collect();
    assert!(
        verdict
            .hits()
            .iter()
            .any(|h| h.passage.text.contains(phrase)),
        "{question:?} should quote {phrase:?}; got {} from {sections:?}",
        verdict.label()
    );
}

/// Asserts that the verdict is "not covered".
fn assert_not_covered(question: &str) {
    let verdict = engine().ask(question);
    assert!(
        matches!(verdict, Verdict::NoAnswer { .. }),
        "{question}: {}",
        verdict.label()
    );
}

fn top_text(question: &str) -> String {
    match engine().ask(question) {
        Verdict::Answer { hits } => hits[0].passage.text.clone(),
        other => panic!("{question:?}: expected an answer, got {}", other.label()),
    }
}

#[test]
fn brand_and_generic_names_find_the_same_passage() {
    let pairs = [
        (
            "How often is Tysabri given?",
            "How often is natalizumab given?",
        ),
        (
            "What are the side effects of Ocrevus?",
            "What are the side effects of ocrelizumab?",
        ),
        // Known regression of the semantic engine (issue 7 note): "What is
        // Novantrone?" ranks the Novantrone side-effects passage first, as
        // the model does not know the brand name; the generic finds the
        // description.
        ("How does Lemtrada work?", "How does alemtuzumab work?"),
    ];
    for (brand, generic) in pairs {
        assert_eq!(top_text(brand), top_text(generic), "{brand} / {generic}");
    }
}

#[test]
fn misspelled_drug_names_are_corrected() {
    let table = [
        ("how often do u get tysbari", "once every four weeks"),
        ("side efects of lemtrda", "Stevens-Johnson syndrome"),
        ("what is mitoxantron", "chemotherapy drug"),
        ("what is plasmapharesis", "removing blood from your body"),
    ];
    for (question, phrase) in table {
        assert_quotes(question, phrase);
    }
}

#[test]
fn multi_word_synonyms_find_their_passages() {
    let table = [
        ("what is plasma exchange", "plasmapheresis"),
        ("can ocrevus bring back hep B", "hepatitis B"),
        ("what do B cells have to do with ocrevus", "B lymphocytes"),
        ("do steroids help during a flare", "Corticosteroids"),
        ("is mitoxantrone chemo", "chemotherapy"),
    ];
    for (question, phrase) in table {
        assert_quotes(question, phrase);
    }
}

/// The drugs the shipped articles name, brand and generic.
const DRUGS: &[(&str, &str)] = &[
    ("Tysabri", "Natalizumab"),
    ("Ocrevus", "Ocrelizumab"),
    ("Lemtrada", "Alemtuzumab"),
    ("Novantrone", "Mitoxantrone"),
];

/// The drugs a passage (its section and text) names.
fn drugs_named(hit: &infusion_faq::engine::Hit) -> Vec<&'static str> {
    let about = format!("{} {}", hit.passage.section(), hit.passage.text).to_lowercase();
    DRUGS
        .iter()
        .filter(|(brand, generic)| {
            about.contains(&brand.to_lowercase()) || about.contains(&generic.to_lowercase())
        })
        .map(|(brand, _)| *brand)
        .collect()
}

#[test]
fn a_question_about_one_drug_is_never_answered_from_another_drugs_passage() {
    // Hair loss is listed for mitoxantrone only.
    let verdict = engine().ask("Does Tysabri cause hair loss?");
    for hit in verdict.hits() {
        let named = drugs_named(hit);
        assert!(
            named.is_empty() || named.contains(&"Tysabri"),
            "{}",
            hit.passage.section()
        );
    }
    assert!(matches!(
        engine().ask("Does mitoxantrone cause hair loss?"),
        Verdict::Answer { .. }
    ));
}

#[test]
fn drugs_and_topics_absent_from_the_articles_get_no_answer() {
    for question in [
        "What is the dose of Kesimpta?",
        // Known regression (issue 7 note): "How much does Ocrevus cost?"
        // now quotes the dosing passage ("how much" reads as a dose).
        "How do I change my Discord nickname?",
        "Is Tysabri safe during pregnancy?",
    ] {
        assert_not_covered(question);
    }
}

/// MS drugs the articles never describe are named in the shipped
/// synonyms, so the drug rule knows them: however near in meaning another
/// drug's side-effect list is, it does not answer for them. A passage that
/// names no drug still may.
#[test]
fn a_drug_the_articles_never_describe_is_not_answered_from_another_drugs_passage() {
    for question in [
        // Each of these four quoted another drug's side effects before the
        // drugs were named in synonyms.toml (session 14).
        "Does Zeposia cause headaches?",
        "does gilenya cause hair loss",
        "does copaxone cause a rash",
        "Does Ponvory cause headaches?",
        "my cousin on Vumerity says her hair is thinning, is that from the drug",
        "cladribine tablets side effects",
        "Does beta interferon cause hair loss?",
        "Does DMF cause hair loss?",
    ] {
        let verdict = engine().ask(question);
        for hit in verdict.hits() {
            assert!(
                drugs_named(hit).is_empty(),
                "{question}: quoted {}",
                hit.passage.section()
            );
        }
    }
}

#[test]
fn misspelt_question_words_still_shape_the_question() {
    // "offen" and "schedual" are in no article: read as "often" and
    // "schedule", they ask for a schedule, which is quoted.
    assert_quotes("how offen do you get tysabri", "once every four weeks");
    assert_quotes("whats the ocrevus schedual", "every six months");
}

#[test]
fn a_drugs_name_alone_does_not_answer_what_is_asked_of_it() {
    // The articles say nothing of children, alcohol or travel: the drug's
    // own passages are near only by its name.
    for question in [
        "Can children be given Tysabri?",
        "Can I drink alcohol on Ocrevus?",
        "can i travel abroad on tysabri",
    ] {
        assert_not_covered(question);
    }
    // Refused by this rule, not only by the confidence bar.
    let children = engine().explain("Can children be given Tysabri?");
    assert_eq!(children.reason, Reason::OnlyTheDrug, "{children:?}");
    // A question that asks nothing but the drug is about the drug, and so
    // is one whose other words weigh next to nothing ("brought *up*").
    for question in [
        "what is tysabri",
        "tell me about lemtrada",
        "Lemtrada dosing",
        "My neuro brought up Lemtrada. Who is it usually for?",
    ] {
        assert!(
            matches!(engine().ask(question), Verdict::Answer { .. }),
            "{question}"
        );
    }
    // So is one whose other words the passage lacks but which the model
    // holds it to answer: "help my body" asks how ocrelizumab works, and
    // "put on" who is given alemtuzumab.
    assert_quotes(
        "how does ocrelizumab help my body",
        "targeting the B lymphocytes",
    );
    assert_quotes(
        "why would someone be put on lemtrada",
        "responded well to at least two other MS medications",
    );
}

#[test]
fn no_answer_suggests_topics_the_articles_cover() {
    let Verdict::NoAnswer { suggestions } = engine().ask("best pizza in town?") else {
        panic!("expected no answer");
    };
    assert!(!suggestions.is_empty() && suggestions.len() <= 6);
}

#[test]
fn urgent_verdicts_carry_guidance_and_may_quote_passages() {
    let verdict = engine().ask("I have chest pain right now during my Tysabri drip");
    let Verdict::Urgent { guidance, .. } = &verdict else {
        panic!("expected urgent, got {}", verdict.label());
    };
    assert!(guidance.contains("call your local emergency number now"));
    assert!(!matches!(
        engine().ask("can Tysabri cause headaches?"),
        Verdict::Urgent { .. }
    ));
}

#[test]
fn matched_ranges_mark_whole_question_words_in_the_passage() {
    for question in [
        "How often is Tysabri given?",
        "side effects of lemtrada",
        "what is IVIG",
    ] {
        let verdict = engine().ask(question);
        let hit = &verdict.hits()[0];
        assert!(!hit.matched.is_empty(), "{question}");
        for range in &hit.matched {
            let word = hit
                .passage
                .text
                .get(range.clone())
                .expect("ranges fall on character boundaries");
            assert!(word.chars().next().unwrap().is_alphanumeric(), "{word:?}");
            assert!(word.chars().last().unwrap().is_alphanumeric(), "{word:?}");
        }
        assert!(
            hit.matched.windows(2).all(|w| w[0].end <= w[1].start),
            "sorted and disjoint"
        );
    }
}

#[test]
fn every_verdict_carries_the_disclaimer_and_at_most_three_passages() {
    for question in [
        "What is RRMS?",
        "pizza",
        "I can't breathe",
        "",
        "side effects",
    ] {
        let verdict = engine().ask(question);
        assert_eq!(verdict.disclaimer(), DISCLAIMER);
        assert!(verdict.hits().len() <= 3);
        for hit in verdict.hits() {
            assert!(hit.coverage > 0.5 && hit.coverage <= 1.0 + f32::EPSILON);
        }
    }
}

#[test]
fn questions_of_any_length_and_alphabet_are_answered_without_panic() {
    let long = "why ".repeat(5000);
    for question in [
        long.as_str(),
        "\u{0}\u{1}\u{7f}",
        "טיסאברי",
        "🩸",
        "a\u{301}\u{301}\u{301}",
    ] {
        let _ = engine().ask(question);
    }
}

#[test]
fn chatty_messages_are_answered_like_plain_questions() {
    let table = [
        (
            "Hi everyone, how is Tysabri given?",
            "once every four weeks",
        ),
        (
            "Hello! My neurologist suggested Tysabri. What are the side effects of Tysabri?",
            "progressive multifocal leukoencephalopathy",
        ),
        (
            "hey guys quick question, does anyone know how long lemtrada takes?",
            "once per day for five days",
        ),
        (
            "thanks in advance! what is ivig",
            "intravenous immunoglobulin",
        ),
        (
            "I'm on Tysabri. How often do I get it?",
            "once every four weeks",
        ),
    ];
    for (question, phrase) in table {
        assert_quotes(question, phrase);
    }
    // A drug named only in the context still rules out other drugs' passages.
    assert!(matches!(
        engine().ask("My wife just started Ocrevus. Is hair loss common?"),
        Verdict::NoAnswer { .. }
    ));
}

#[test]
fn how_often_is_tysabri_given_quotes_the_tysabri_passage_alone_with_its_answer_marked() {
    let verdict = engine().ask("How often is Tysabri given?");
    let hits = verdict.hits();
    assert_eq!(
        hits.len(),
        1,
        "{:?}",
        hits.iter().map(|h| h.passage.section()).collect::<Vec<_>>()
    );
    let hit = &hits[0];
    assert!(hit.passage.section().ends_with("Natalizumab (Tysabri)"));
    let marked: Vec<&str> = hit
        .answer
        .iter()
        .map(|r| &hit.passage.text[r.clone()])
        .collect();
    assert_eq!(marked, ["You receive this drug once every four weeks."]);
}

#[test]
fn a_passage_that_names_no_drug_may_answer_a_question_that_names_one() {
    // The infusion-reaction passage speaks of every drug ("For all of these
    // drugs…") and names none: it answers a question about any of them.
    assert_quotes(
        "My wife had her Tysabri yesterday and this morning she woke up with hives. \
         Can a reaction come that late?",
        "a reaction can occur up to 24 hours later",
    );
    assert_quotes(
        "how late after my ocrevus infusion can a reaction still show up",
        "a reaction can occur up to 24 hours later",
    );
}

#[test]
fn a_question_that_names_two_drugs_quotes_each_drugs_passage() {
    for question in [
        "how often are tysabri and ocrevus given",
        "I get natalizumab and my friend gets ocrelizumab: how often is each one given?",
    ] {
        assert_quotes(question, "once every four weeks");
        assert_quotes(question, "600-milligram infusions every six months");
        for hit in engine().ask(question).hits() {
            let named = drugs_named(hit);
            assert!(
                named.is_empty() || named.contains(&"Tysabri") || named.contains(&"Ocrevus"),
                "{question}: quoted {}",
                hit.passage.section()
            );
        }
    }
}

#[test]
fn a_post_that_asks_several_things_is_answered_for_the_one_the_articles_cover() {
    // The other questions (cost, a referral, a job) are in no article;
    // they must not sink the one that is.
    assert_quotes(
        "What does plasma exchange involve? Is it covered by my health plan? \
         Do I need a referral from my GP?",
        "removing blood from your body",
    );
    assert_quotes(
        "Is tysabri dangerous? Does my insurance pay for it? Will I lose my job?",
        "progressive multifocal leukoencephalopathy",
    );
}

#[test]
fn padding_a_question_does_not_lower_the_bar() {
    // A long message meets a lower bar; a row of dots is no length.
    for question in [
        "can I drink coffee before my infusion?",
        "can I get a tattoo after lemtrada",
    ] {
        assert_not_covered(question);
        assert_not_covered(&format!("{question}{}", " .".repeat(150)));
    }
}

#[test]
fn a_passage_about_another_drug_is_never_quoted_for_a_drug_the_question_names() {
    for (question, drug) in [
        ("how often do you get tysabri", "Tysabri"),
        ("what are the side effects of ocrevus", "Ocrevus"),
        ("how long is a lemtrada course", "Lemtrada"),
    ] {
        for hit in engine().ask(question).hits() {
            assert!(
                hit.passage.section().contains(drug) || hit.passage.text.contains(drug),
                "{question}: quoted {}",
                hit.passage.section()
            );
        }
    }
}

#[test]
fn passage_vectors_are_cached_by_digest_so_an_unchanged_corpus_embeds_nothing() {
    let dir = crate::support::dir::TestDir::with_shipped_corpus();
    let settings = EngineSettings {
        vector_cache: Some(dir.path().join("vectors")),
        ..EngineSettings::default()
    };
    let load = || infusion_faq::corpus::Corpus::load(&dir.corpus()).unwrap();
    let first =
        Engine::from_corpus(load(), &dir.index(), settings.clone(), true, &|_, _| {}).unwrap();
    let passages = first.passages().len();
    drop(first);
    // The same corpus again (the cache file itself is tested in
    // `engine::semantic::store`; this process also remembers vectors).
    let again =
        Engine::from_corpus(load(), &dir.index(), settings.clone(), true, &|_, _| {}).unwrap();
    assert_eq!(again.dense_report().embedded, 0);
    // One paragraph changed: only the passages whose text changed are embedded.
    let path = dir.corpus().join("healthline-infusion-treatments.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("once every four weeks", "once every 28 days"),
    )
    .unwrap();
    let changed = Engine::from_corpus(load(), &dir.index(), settings, true, &|_, _| {}).unwrap();
    assert_eq!(changed.passages().len(), passages);
    assert_eq!(changed.dense_report().embedded, 1);
}

/// The engine on the shipped corpus with the reader off: the two signals
/// alone.
fn engine_without_the_reader() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            open_engine(EngineSettings {
                reader: false,
                ..EngineSettings::default()
            })
        })
        .1
}

#[test]
fn the_reader_tells_a_passage_on_the_topic_from_one_that_answers() {
    // The Tysabri schedule is on the topic of paying for monthly Tysabri
    // and both signals are fairly sure of it; read beside the question, it
    // does not say what insurance pays.
    let insurance = "will my insurance pay for tysabri every month";
    assert!(
        matches!(
            engine_without_the_reader().ask(insurance),
            Verdict::Answer { .. }
        ),
        "without the reader this test shows nothing"
    );
    let explanation = engine().explain(insurance);
    assert!(
        matches!(explanation.reason, Reason::LowConfidence { .. }),
        "{:?}",
        explanation.reason
    );
    assert!(explanation.candidates[0].reader.is_some_and(|r| r < 0.0));
    // And the other way: few of the words, but the passage answers it.
    let pill = "why cant i just take the infusion drugs as a pill at home";
    assert!(matches!(
        engine_without_the_reader().ask(pill),
        Verdict::NoAnswer { .. }
    ));
    let explanation = engine().explain(pill);
    assert!(
        matches!(explanation.reason, Reason::Answered { .. }),
        "{:?}",
        explanation.reason
    );
    assert!(explanation.candidates[0].reader.is_some_and(|r| r > 0.0));
}

#[test]
fn the_reader_is_not_asked_when_the_engine_is_sure() {
    // Sure either way: the two signals decide, and no pass is spent.
    for question in ["How often is Tysabri given?", "best banana bread recipe"] {
        let explanation = engine().explain(question);
        assert!(
            explanation.candidates.iter().all(|c| c.reader.is_none()),
            "{question}: {:?}",
            explanation.candidates.first().map(|c| c.confidence)
        );
    }
}

#[test]
fn the_reader_never_quotes_another_drugs_passage_or_outranks_triage() {
    let explanation = engine().explain("how often do you get the ocrevus infusion, every month?");
    for c in explanation.candidates.iter().filter(|c| c.other_drug) {
        assert!(c.reader.is_none(), "another drug's passage was read");
    }
    let verdict = engine()
        .ask("I got my Tysabri an hour ago and now my throat is swelling and I can't breathe");
    assert!(
        matches!(verdict, Verdict::Urgent { .. }),
        "{}",
        verdict.label()
    );
}
