//! A question that asks for a measure in a unit ("how *many hours* does an
//! Ocrevus infusion take?", "how long is it, like *hours*?") is answered
//! only by a passage that gives something in that unit: a schedule in
//! months says nothing of how many hours a drip lasts, however close its
//! words are. This is a question shape, like "how often", read once per
//! reading; the passage side is a word check on its text.

use std::sync::LazyLock;

use regex::Regex;

/// Units of time, each with the forms members and articles write.
const UNITS: &[(&str, &[&str])] = &[
    ("hours", &["hour", "hours", "hr", "hrs", "hourly"]),
    ("minutes", &["minute", "minutes", "min", "mins"]),
    ("days", &["day", "days", "daily"]),
    ("weeks", &["week", "weeks", "weekly", "wk", "wks"]),
    ("months", &["month", "months", "monthly"]),
    ("years", &["year", "years", "yearly", "yr", "yrs"]),
];

fn any_unit() -> String {
    UNITS
        .iter()
        .flat_map(|(_, forms)| forms.iter())
        .copied()
        .collect::<Vec<_>>()
        .join("|")
}

/// "how many hours (or minutes)", or a "how long" whose sentence names the
/// unit it wants ("how long does it take, like hours?").
static ASKED: LazyLock<Regex> = LazyLock::new(|| {
    let unit = any_unit();
    // "hours", "hours and minutes", "weeks or months"
    let units = format!(r"(?:{unit})(?:\s*(?:or|and|/|,)\s*(?:{unit}))*");
    Regex::new(&format!(
        r"\bhow many (?P<many>{units})\b|\bhow long\b[^.?!]*?\b(?P<long>{units})\b"
    ))
    .expect("the unit pattern is a constant checked by the tests")
});

static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[a-z]+").expect("a constant pattern"));

/// The units a question asks a measure in, by name ("hours"); empty when
/// it asks for none.
pub fn asked_units(question: &str) -> Vec<&'static str> {
    let lower = question.to_lowercase();
    let mut units = Vec::new();
    for found in ASKED.captures_iter(&lower) {
        let asked = found
            .name("many")
            .or_else(|| found.name("long"))
            .map_or("", |m| m.as_str());
        for word in WORD.find_iter(asked) {
            if let Some(unit) = unit_of(word.as_str()) {
                if !units.contains(&unit) {
                    units.push(unit);
                }
            }
        }
    }
    units
}

fn unit_of(word: &str) -> Option<&'static str> {
    UNITS
        .iter()
        .find(|(_, forms)| forms.contains(&word))
        .map(|(unit, _)| *unit)
}

/// Whether a passage's text gives something in one of these units.
pub fn gives_any(text: &str, units: &[&str]) -> bool {
    let lower = text.to_lowercase();
    WORD.find_iter(&lower)
        .filter_map(|w| unit_of(w.as_str()))
        .any(|unit| units.contains(&unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_measure_asked_in_a_unit_is_read() {
        assert_eq!(
            asked_units("How many hours does an Ocrevus infusion take?"),
            ["hours"]
        );
        assert_eq!(
            asked_units("how long is each one, like hrs? need to book work"),
            ["hours"]
        );
        assert_eq!(
            asked_units("how many weeks or months between each one"),
            ["weeks", "months"]
        );
        assert_eq!(
            asked_units("How long will I sit there, how many hours and minutes roughly?"),
            ["hours", "minutes"]
        );
        assert_eq!(asked_units("how many days in a row is lemtrada"), ["days"]);
    }

    #[test]
    fn a_unit_in_the_story_is_no_measure_asked() {
        for q in [
            "I got hives about 8 hours later. Can a reaction happen that late?",
            "The centre is an hour away. How often is Tysabri given?",
            "how long is a course of lemtrada",
            "how many infusion drugs are there",
            "how long? it has been two weeks",
        ] {
            assert!(asked_units(q).is_empty(), "{q}");
        }
    }

    #[test]
    fn a_passage_gives_a_unit_in_any_of_its_forms() {
        let hours = ["hours"];
        assert!(gives_any(
            "within the first two hours of administration",
            &hours
        ));
        assert!(gives_any("checked hourly", &hours));
        assert!(!gives_any(
            "600-milligram infusions every six months",
            &hours
        ));
        assert!(!gives_any("the chair is comfortable", &hours));
        assert!(gives_any(
            "600-milligram infusions every six months",
            &["weeks", "months"]
        ));
    }
}
