//! Teaching on the command line: `corpus teach QUESTION` shows the passages
//! to choose from and writes nothing; with `--article` and `--quote` it
//! pins the question to the passage that contains the quote, and from then
//! on the question and questions worded like it are answered from there.
//! `corpus taught`, `unteach`, `history taught` and `restore taught N`
//! work as for articles; `check` validates every taught question, and a
//! question whose passage is gone never stops the engine.

use crate::support::dir::TestDir;

const MISSED: &str = "my neuro says infusions beat tablets, why is that?";
const SHARECARE: &str = "sharecare-infusion-therapy-advantages";
const ANSWER: &str = "absorbed directly into the bloodstream";

fn teach(dir: &TestDir, question: &str, article: &str, quote: &str) -> crate::support::dir::Output {
    dir.run(&[
        "corpus",
        "teach",
        question,
        "--article",
        article,
        "--quote",
        quote,
    ])
}

#[test]
fn a_taught_question_is_answered_from_its_passage_and_listed_checked_and_undone() {
    let dir = TestDir::with_shipped_corpus();
    let before = dir.run(&["ask", "--json", MISSED]);
    assert!(before.ok().contains("\"no_answer\""), "{before:#?}");

    // Without --article and --quote: the choices, and nothing written.
    let offered = dir.run(&["corpus", "teach", MISSED]);
    let offered = offered.ok();
    assert!(
        offered.contains(&format!("--article {SHARECARE} --quote ")),
        "{offered}"
    );
    assert!(!dir.corpus().join("taught.toml").exists());

    let taught = teach(&dir, MISSED, SHARECARE, ANSWER);
    let taught = taught.ok();
    assert!(
        taught.contains("Why are some medications given intravenously?"),
        "{taught}"
    );
    assert!(taught.contains("live: 2 articles"), "{taught}");

    let after = dir.run(&["ask", "--json", MISSED]);
    let after = after.ok();
    assert!(after.contains("\"answer\""), "{after}");
    assert!(after.contains(ANSWER), "{after}");

    let listed = dir.run(&["corpus", "taught"]);
    assert!(
        listed
            .ok()
            .contains(&format!("   1  {MISSED:?}  [{SHARECARE}] → ")),
        "{listed:#?}"
    );
    assert!(dir.run(&["check"]).ok().contains("1 taught question"));

    dir.run(&["corpus", "unteach", "1"]).ok();
    assert!(dir
        .run(&["ask", "--json", MISSED])
        .ok()
        .contains("\"no_answer\""));
    let history = dir.run(&["corpus", "history", "taught"]);
    assert_eq!(history.ok().lines().count(), 2, "{history:#?}");
    dir.run(&["corpus", "restore", "taught", "1"]).ok();
    assert!(dir.run(&["ask", "--json", MISSED]).ok().contains(ANSWER));
    let audit = dir.run(&["corpus", "audit"]);
    let actions: Vec<&str> = audit
        .ok()
        .lines()
        .filter_map(|l| l.split("  ").nth(2))
        .collect();
    assert_eq!(actions.len(), 3, "{audit:#?}");
    assert!(actions[0].starts_with("teach taught"), "{actions:?}");
    assert!(actions[1].starts_with("unteach taught"), "{actions:?}");
    assert!(actions[2].starts_with("restore taught"), "{actions:?}");
}

#[test]
fn a_question_that_cannot_be_taught_is_refused_with_nothing_written() {
    let dir = TestDir::with_shipped_corpus();
    for (article, quote, needle) in [
        (
            SHARECARE,
            "words that are in no passage at all",
            "in no passage",
        ),
        ("no-such-article", ANSWER, "no article has the id"),
        (SHARECARE, "the", "shorter than"),
        (SHARECARE, "MS", "shorter than"),
    ] {
        let refused = teach(&dir, MISSED, article, quote);
        let line = refused.one_line_error();
        assert!(line.contains(needle), "{quote}: {line}");
    }
    // A passage about another drug than the question names is refused
    // (Lemtrada's, for a question about natalizumab).
    let refused = teach(
        &dir,
        "how does natalizumab work",
        "healthline-infusion-treatments",
        "slowly reducing the number of white blood cells",
    );
    assert!(
        refused.one_line_error().contains("names natalizumab"),
        "{refused:#?}"
    );
    assert!(!dir.corpus().join("taught.toml").exists());
    assert!(!dir.corpus().join(".history").join("taught").exists());
    // A second teaching of one question to one article changes nothing.
    teach(&dir, MISSED, SHARECARE, ANSWER).ok();
    let again = teach(
        &dir,
        "My neuro says infusions  beat tablets, why is that?",
        SHARECARE,
        "precise dosing",
    );
    assert!(
        again.one_line_error().contains("already taught"),
        "{again:#?}"
    );
}

#[test]
fn a_taught_question_that_pins_no_passage_fails_check_but_never_the_engine() {
    let dir = TestDir::with_shipped_corpus();
    dir.write(
        "corpus/taught.toml",
        format!(
            "[[taught]]\nquestion = {MISSED:?}\narticle = {SHARECARE:?}\nquote = {ANSWER:?}\n\n[[taught]]\nquestion = \"how long does the drip take\"\narticle = {SHARECARE:?}\nquote = \"a sentence the article lost\"\n"
        ),
    );
    let check = dir.run(&["check"]);
    assert_eq!(check.code, Some(1), "{check:#?}");
    assert!(
        check.stdout.contains("taught.toml:6: taught question 2 (\"how long does the drip take\"): the quote is in no passage"),
        "{check:#?}"
    );
    // The engine answers on, from the question that still pins.
    let answer = dir.run(&["ask", "--json", MISSED]);
    assert!(answer.ok().contains(ANSWER), "{answer:#?}");
    let listed = dir.run(&["corpus", "taught"]);
    assert!(listed.ok().contains("⚠ pins no passage"), "{listed:#?}");
    // A damaged file is a problem with its line, and nothing is taught.
    dir.write(
        "corpus/taught.toml",
        "[[taught]]\nquestion = \"q\"\nartcle = \"x\"\n",
    );
    let check = dir.run(&["check"]);
    assert!(check.stdout.contains("taught.toml:3"), "{check:#?}");
}
