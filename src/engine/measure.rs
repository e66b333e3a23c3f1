//! A question that asks for a measure in a unit ("how *many hours* does an
//! Ocrevus infusion take?", "how long is it, like hours?") is answered
//! only by a passage that names a unit of the same kind: a schedule in
//! months says nothing of how many hours a drip lasts, however close its
//! words are. Units convert within their kind ("how many months between
//! Tysabri infusions?" is answered by "every four weeks"), so the kinds are
//! the clock (hours, minutes) and the calendar (days to years). Like the
//! drug rule, it judges the best passage and does not reorder the others.

use std::sync::LazyLock;

use regex::Regex;

/// A kind of unit: measures in one convert to the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Hours, minutes: how long a drip or a wait lasts.
    Clock,
    /// Days, weeks, months, years: schedules and courses.
    Calendar,
}

/// The forms members and articles write each kind's units in.
const UNITS: &[(UnitKind, &[&str])] = &[
    (
        UnitKind::Clock,
        &[
            "hour", "hours", "hr", "hrs", "hourly", "minute", "minutes", "mins",
        ],
    ),
    (
        UnitKind::Calendar,
        &[
            "day",
            "days",
            "daily",
            "week",
            "weeks",
            "weekly",
            "wk",
            "wks",
            "fortnight",
            "fortnights",
            "month",
            "months",
            "monthly",
            "year",
            "years",
            "yearly",
            "yr",
            "yrs",
        ],
    ),
];

/// Every unit form, as a regex alternation.
fn unit_forms_pattern() -> String {
    UNITS
        .iter()
        .flat_map(|(_, forms)| forms.iter())
        .copied()
        .collect::<Vec<_>>()
        .join("|")
}

/// A guess at a measure, before its unit: "an", "like 2", "2-3", "1.5",
/// "eight or nine", "a couple of".
const GUESS: &str = r"(?:(?:like|maybe|about|around|roughly|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half|few|couple|of|several|more|than|or|to)\s+|\d+(?:[.,]\d+)?(?:\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?)?\s*)*";

/// What may follow a guessed unit in a sentence that is only the guess.
const GUESS_END: &str = r"\b(?:\s+(?:or so|ish|tops|max))?\s*(?:[?.!]|$)";

/// One or more unit forms: "hours", "hours or minutes".
fn units_pattern() -> String {
    let unit = unit_forms_pattern();
    format!(r"(?:{unit})(?:\s*(?:or|and|/|,)\s*(?:{unit}))*")
}

/// "how many (more) hours (or minutes)", or a "how long" that says the
/// unit it wants ("how long does it take, like hours?", "how long in
/// minutes"), or a "how long" question followed by a sentence that is only
/// a guessed measure ("how long does each drip last? an hour?"); a unit
/// elsewhere is the story ("how long after my course, I finished 3 weeks
/// ago?", "how long? it has been two weeks", "how long can a reaction
/// start? 3 days ago I had mine").
static ASKED: LazyLock<Regex> = LazyLock::new(|| {
    let units = units_pattern();
    Regex::new(&format!(
        r"\bhow many (?:more )?(?P<many>{units})\b|\bhow long\b[^.?!]*?\b(?:like|in) (?:(?:a few|several|many|how many) )?(?P<long>{units})\b|\bhow long\b[^.?!]*[.?!]+\s+{GUESS}(?P<guess>{units}){GUESS_END}"
    ))
    .expect("the unit pattern is a constant checked by the tests")
});

/// A sentence that only goes on with the question before it, in a unit:
/// "Like how many hours will I be sitting there?", "an hour?". One with a
/// question of its own ("Also, how many hours is each drip?") is not.
static FOLLOW_UP: LazyLock<Regex> = LazyLock::new(|| {
    let units = units_pattern();
    Regex::new(&format!(
        r"^\s*(?:(?:like|i mean|as in|roughly|approximately|about|so)\b[^.?!]*?\bhow many (?:more )?(?P<many>{units})\b|{GUESS}(?P<guess>{units}){GUESS_END})"
    ))
    .expect("the follow-up pattern is a constant checked by the tests")
});

/// Whether a reading asks "how long" (it may then ask in the unit of the
/// sentence that follows it: [`follow_up_kinds`]).
pub fn asks_how_long(text: &str) -> bool {
    static HOW_LONG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\bhow long\b").expect("a constant pattern"));
    HOW_LONG.is_match(&text.to_lowercase())
}

/// The units a sentence asks in when it only goes on with the "how long"
/// before it ("How long does an Ocrevus infusion take? *Like how many
/// hours will I be sitting there?*", read one question at a time); empty
/// otherwise.
pub fn follow_up_kinds(sentence: &str) -> Vec<UnitKind> {
    kinds_in(&FOLLOW_UP, &sentence.to_lowercase())
}

static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[a-z]+").expect("a constant pattern"));

/// The kinds of unit a question asks a measure in; empty when it asks for
/// none.
pub fn asked_kinds(question: &str) -> Vec<UnitKind> {
    kinds_in(&ASKED, &question.to_lowercase())
}

/// The kinds of the units each match of `pattern` asks in.
fn kinds_in(pattern: &Regex, lower: &str) -> Vec<UnitKind> {
    let mut kinds = Vec::new();
    for found in pattern.captures_iter(lower) {
        let asked = found
            .name("many")
            .or_else(|| found.name("long"))
            .or_else(|| found.name("guess"))
            .map_or("", |m| m.as_str());
        for word in WORD.find_iter(asked) {
            if let Some(kind) = kind_of(word.as_str()) {
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
        }
    }
    kinds
}

fn kind_of(word: &str) -> Option<UnitKind> {
    UNITS
        .iter()
        .find(|(_, forms)| forms.contains(&word))
        .map(|(kind, _)| *kind)
}

/// Whether a passage's text names a unit of one of these kinds (a word
/// check: "within the first two hours" names the clock).
pub fn names_any(text: &str, kinds: &[UnitKind]) -> bool {
    let lower = text.to_lowercase();
    WORD.find_iter(&lower)
        .filter_map(|w| kind_of(w.as_str()))
        .any(|kind| kinds.contains(&kind))
}

#[cfg(test)]
mod tests {
    use super::UnitKind::{Calendar, Clock};
    use super::*;

    #[test]
    fn a_measure_asked_in_a_unit_is_read() {
        for (question, kinds) in [
            (
                "How many hours does an Ocrevus infusion take?",
                &[Clock][..],
            ),
            (
                "how long is each one, like hrs? need to book work",
                &[Clock],
            ),
            ("how many weeks or months between each one", &[Calendar]),
            (
                "How long will I sit there, like how many hours and minutes roughly?",
                &[Clock],
            ),
            ("how many days in a row is lemtrada", &[Calendar]),
            ("how many more hours will the drip take", &[Clock]),
            ("how long in minutes is the wait afterwards", &[Clock]),
            (
                "how long does each drip last? an hour? planning my day",
                &[Clock],
            ),
            ("how long is the infusion itself? 2-3 hrs?", &[Clock]),
            ("How long until it wears off? Like 6 months?", &[Calendar]),
            ("how long is each one? 1.5 hours?", &[Clock]),
            ("how long is each one? 2 to 3 hours or so?", &[Clock]),
            ("how long is each one? 3hrs?", &[Clock]),
            ("how long is each one? eight hours? i work nights", &[Clock]),
        ] {
            assert_eq!(asked_kinds(question), kinds, "{question}");
        }
    }

    #[test]
    fn a_unit_in_the_story_is_no_measure_asked() {
        for q in [
            "I got hives about 8 hours later. Can a reaction happen that late?",
            "The centre is an hour away. How often is Tysabri given?",
            "how long is a course of lemtrada",
            "how many infusion drugs are there",
            "how long? it has been two weeks",
            "How long after my first Lemtrada course do I go back, I finished 3 weeks ago?",
            "How long has Ocrevus been approved, a few years?",
            "how long is the min gap between Ocrevus infusions?",
            "how long does it take to work? my neuro said be patient. a few weeks ago I started",
            "How long is the drip? It was an hour late last time",
            "How long after an infusion can a reaction start? One day I'd like to travel after one, can I?",
            "How long after an infusion can a reaction start? 3 days ago I had my Tysabri and now I'm itchy, is that related?",
        ] {
            assert!(asked_kinds(q).is_empty(), "{q}");
        }
    }

    #[test]
    fn a_sentence_that_only_goes_on_with_a_how_long_lends_it_its_unit() {
        for (sentence, kinds) in [
            (
                "Like how many hours will I be sitting in that chair, should I bring lunch?",
                &[Clock][..],
            ),
            ("an hour?", &[Clock]),
            ("2-3 hrs?", &[Clock]),
            ("Or like 6 weeks?", &[Calendar]),
        ] {
            assert_eq!(follow_up_kinds(sentence), kinds, "{sentence}");
        }
        for sentence in [
            "And how many hours is each drip?",
            "Also how many hours will each one take?",
            "One day I'd like to travel after one, can I?",
            "3 days ago I had my Tysabri, is that related?",
            "what should I bring?",
        ] {
            assert!(follow_up_kinds(sentence).is_empty(), "{sentence}");
        }
    }

    #[test]
    fn units_convert_within_their_kind() {
        assert!(names_any(
            "within the first two hours of administration",
            &[Clock]
        ));
        assert!(names_any("checked hourly", &[Clock]));
        assert!(!names_any(
            "600-milligram infusions every six months",
            &[Clock]
        ));
        assert!(!names_any("the chair is comfortable", &[Clock]));
        // "How many months between Tysabri infusions?"
        assert!(names_any(
            "You receive this drug once every four weeks.",
            &asked_kinds("How many months between Tysabri infusions?")
        ));
    }
}
