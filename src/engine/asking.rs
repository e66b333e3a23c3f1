//! Which sentences of a member's message ask. A long post greets, tells its
//! story, then asks; the sentences that end in "?" (and an unfinished last
//! one) are what it asks, the rest is context. A question that points back
//! ("I don't get what *they* do?") asks about the sentence before it, so
//! that sentence asks too.

use std::ops::Range;

/// Words that point back at the sentence before ("… Ocrevus. Is *it* safe?").
const POINTING_BACK: &[&str] = &[
    "it", "its", "it's", "itself", "they", "them", "their", "theirs", "they're", "theyre", "this",
    "these", "those",
];

/// The byte ranges of the asking sentences, in order; `None` when the whole
/// message asks (no "?", or only one sentence).
pub fn asking_ranges(text: &str) -> Option<Vec<Range<usize>>> {
    if !text.contains('?') {
        return None;
    }
    // Sentence ends: a run of . ! ? followed by white space or the end
    // ("2.5 mg" does not end one).
    let bytes = text.as_bytes();
    let mut sentences: Vec<(Range<usize>, bool)> = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if matches!(bytes[i], b'.' | b'!' | b'?') {
            let run = i;
            while i < bytes.len() && matches!(bytes[i], b'.' | b'!' | b'?') {
                i += 1;
            }
            if i == bytes.len() || bytes[i].is_ascii_whitespace() {
                sentences.push((start..i, bytes[run..i].contains(&b'?')));
                start = i;
            }
        } else {
            i += 1;
        }
    }
    let finished = sentences.len();
    if !text[start..].trim().is_empty() {
        // An unfinished last sentence asks.
        sentences.push((start..text.len(), true));
    }
    if finished <= 1 {
        return None;
    }
    let asked: Vec<bool> = sentences.iter().map(|(_, asks)| *asks).collect();
    for n in 1..sentences.len() {
        if asked[n] && points_back(&text[sentences[n].0.clone()]) {
            sentences[n - 1].1 = true;
        }
    }
    Some(
        sentences
            .into_iter()
            .filter(|(_, asks)| *asks)
            .map(|(range, _)| range)
            .collect(),
    )
}

fn points_back(sentence: &str) -> bool {
    sentence
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .any(|word| {
            let word = word.to_lowercase().replace('\u{2019}', "'");
            POINTING_BACK.contains(&word.as_str())
        })
}

/// The asking sentences of a message, joined: what the sentence model reads.
pub fn asking_text(text: &str) -> std::borrow::Cow<'_, str> {
    match asking_ranges(text) {
        None => text.into(),
        Some(ranges) => ranges
            .iter()
            .map(|r| text[r.clone()].trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_asking_sentences_of_a_long_post_are_found() {
        assert_eq!(
            asking_text("Hi all. Newly diagnosed. What is Ocrevus? Thanks!"),
            "What is Ocrevus?"
        );
        assert_eq!(asking_text("how often is tysabri"), "how often is tysabri");
        assert_eq!(asking_text("How often? I wonder"), "How often? I wonder");
        assert_eq!(asking_text("is 2.5 mg a lot?"), "is 2.5 mg a lot?");
    }

    #[test]
    fn a_question_that_points_back_brings_its_antecedent() {
        assert_eq!(
            asking_text(
                "Long time lurker. My neuro brought up Ocrevus. I don't get what it does? Thanks"
            ),
            "My neuro brought up Ocrevus. I don't get what it does? Thanks"
        );
        assert_eq!(
            asking_text("Hello. My neuro brought up Ocrevus. How often is Tysabri given?"),
            "How often is Tysabri given?"
        );
    }
}
