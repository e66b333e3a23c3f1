//! Emergencies in members' own words, through the real binary: message sets
//! (`tests/fixtures/triage-*.toml`) of reports that must lead with
//! urgent-care guidance, of the right kind, and of calm messages (questions
//! about symptoms, mild reactions, past events, figures of speech) that
//! must not. Each set was written blind, by a helper that saw no code.

use crate::support::common::repo;
use crate::support::dir::TestDir;

/// At most `missed` emergencies of the set fail to lead with guidance of
/// their kind, and at most `false_alarms` calm messages lead with any; the
/// misses are listed together, so one run shows them all.
fn hold(set: &str, missed: usize, false_alarms: usize) {
    let text = std::fs::read_to_string(repo().join(set)).unwrap();
    let messages: toml::Value = toml::from_str(&text).unwrap();
    let messages = messages["message"].as_array().unwrap();
    let input: Vec<String> = messages
        .iter()
        .map(|m| m["text"].as_str().unwrap().replace('\n', " "))
        .collect();
    let dir = TestDir::with_shipped_corpus();
    let out = dir.run_with_stdin(&["ask", "--json"], input.join("\n") + "\n");
    let verdicts: Vec<serde_json::Value> = out
        .ok()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(verdicts.len(), messages.len(), "one verdict per message");
    let (mut misses, mut alarms) = (Vec::new(), Vec::new());
    for ((message, text), verdict) in messages.iter().zip(&input).zip(&verdicts) {
        let urgent = message["urgent"].as_bool().unwrap();
        let got = verdict["verdict"] == "urgent";
        let kind_right = !urgent
            || message
                .get("kind")
                .is_none_or(|kind| verdict["kind"] == kind.as_str().unwrap());
        if urgent && (!got || !kind_right) {
            misses.push(format!("missed ({}): {text}", verdict["kind"]));
        } else if !urgent && got {
            alarms.push(format!("false alarm ({}): {text}", verdict["kind"]));
        }
    }
    assert!(misses.len() <= missed, "{}", misses.join("\n"));
    assert!(alarms.len() <= false_alarms, "{}", alarms.join("\n"));
}

/// The first set (tests/fixtures/triage-members-a.toml: 70 emergencies, 50
/// calm messages), written blind in session 13 and used to develop the
/// patterns. Its first run caught 30 of the 70 and raised 15 false alarms.
/// Every emergency is caught now; eight calm messages still raise one, by
/// choice or as a known limit: any mention of suicide gets the crisis line
/// (two questions about it as a side effect, "makes me want to die lol"),
/// a faint, a blackout or a tight chest that the message says is past,
/// habitual or over in words the patterns do not read as such ("once at my
/// first infusion", "when I'm anxious", "it passed, fine now"), and "the
/// difference between an MS relapse and a stroke" (a supposing word counts
/// only within four words of the sign, so that "watch for swelling and my
/// lips are swelling now" is a report).
#[test]
fn members_emergencies_are_caught_and_calm_messages_mostly_left_calm() {
    hold("tests/fixtures/triage-members-a.toml", 0, 8);
}

/// The second set (tests/fixtures/triage-members-b.toml: 55 emergencies,
/// 45 calm), written blind and first run after the first set's fixes: 30
/// of 55 caught, 10 false alarms (at the session's start: 19 and 12). Its
/// misses were then fixed in general patterns too: 54 caught now. The one
/// still missed says despair and the means in separate sentences ("honestly
/// i'm done… a drawer full of old meds"): a rule joining the two flagged
/// "I'm done. Which tablets help fatigue?" as well. Three calm messages
/// still raise an alarm: two mention suicide (the crisis line by choice),
/// one a seizure last night that A&E cleared.
#[test]
fn a_second_set_of_members_emergencies_is_caught_but_one() {
    hold("tests/fixtures/triage-members-b.toml", 1, 3);
}

/// The third set (tests/fixtures/triage-members-c.toml: 50 emergencies, 50
/// calm), written blind and first run after the first two sets' fixes: 29
/// of 50 caught, one more as the wrong kind ("sitting on the edge of the
/// bed" read as a ledge), 9 false alarms (at the session's start: 19 and
/// 15).
/// Its misses were then fixed in general patterns too. Five calm messages
/// still raise an alarm: two about suicide (by choice), a faint last week,
/// breathlessness "for months", a TV show's anaphylaxis.
#[test]
fn a_third_set_of_members_emergencies_is_caught() {
    hold("tests/fixtures/triage-members-c.toml", 0, 5);
}

/// The fourth set (tests/fixtures/triage-members-d.toml: 40 emergencies,
/// most told without the obvious words, 40 calm), written blind and first
/// run after the first three sets' fixes: 23 of 40 caught, one more as the
/// wrong kind, 5 false alarms (at the session's start: 9 and 9). Its misses were
/// then fixed in general patterns too. Still missed: a double dose of
/// baclofen told as "took it twice… feel floppy and sleepy". Still an
/// alarm: two questions about suicide (by choice), "a seizure of zoomies".
#[test]
fn a_fourth_set_of_members_emergencies_is_caught_but_one() {
    hold("tests/fixtures/triage-members-d.toml", 1, 3);
}

/// The fifth set (tests/fixtures/triage-members-e.toml: 40 emergencies, 40
/// calm), written blind and first run at the end of session 13, after every
/// fix above: 34 of 40 caught, 7 false alarms (at the session's start: 17
/// and 11), the fairest figure of how the patterns meet words nobody here
/// wrote. Its misses were then fixed in general patterns too (a farewell
/// text followed by silence among them), but for one: an accidental double
/// dose told as feeling weird. Four calm messages still raise an
/// alarm: the suicide rate (by choice), a dark time three years ago told
/// in another sentence, a TV show's stroke, the MS hug.
#[test]
fn a_fifth_set_of_members_emergencies_is_caught_but_one() {
    hold("tests/fixtures/triage-members-e.toml", 1, 4);
}
