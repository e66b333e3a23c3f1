//! Which sentences of a member's message ask. A long post greets, tells its
//! story, then asks; the sentences that end in "?" (and an unfinished last
//! one) are what it asks, the rest is context. A question that points back
//! ("I don't get what *they* do?") asks about the sentence before it, so
//! that sentence asks too, but only by reference: what it names that the
//! articles know is asked about, its chatter is not.

use std::ops::Range;

/// Words that point back at the sentence before ("… Ocrevus. Is *it* safe?").
const POINTING_BACK: &[&str] = &[
    "it", "its", "it's", "itself", "they", "them", "their", "theirs", "they're", "theyre", "this",
    "these", "those",
];

/// Words a question opens with. After a "?", a last sentence without one
/// asks only when it opens so ("…cancer drug? why is it used for ms"); a
/// statement there is the story ("…Lemtrada? my neuro said I'd have to
/// fail other meds first").
const QUESTION_OPENERS: &[&str] = &[
    "how", "what", "whats", "what's", "when", "where", "why", "who", "whom", "whose", "which",
    "is", "isnt", "isn't", "are", "arent", "aren't", "was", "were", "do", "does", "doesnt",
    "doesn't", "did", "didnt", "didn't", "dont", "don't", "can", "cant", "can't", "could", "will",
    "would", "should", "shall", "may", "might", "must", "has", "have", "had", "am", "any",
    "anyone", "anybody",
];

/// One sentence that asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asking {
    pub range: Range<usize>,
    /// It asks only because the question after it points back at it.
    pub by_reference: bool,
}

/// The asking sentences, in order; `None` when the whole message asks (no
/// "?", or only one sentence).
pub fn asking_sentences(text: &str) -> Option<Vec<Asking>> {
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
    if !text[start..].trim().is_empty() {
        // An unfinished last sentence asks if it opens like a question.
        let asks = opens_like_a_question(&text[start..]);
        sentences.push((start..text.len(), asks));
    }
    if sentences.len() <= 1 {
        return None;
    }
    let mut by_reference = vec![false; sentences.len()];
    for n in 1..sentences.len() {
        if sentences[n].1 && !sentences[n - 1].1 && points_back(&text[sentences[n].0.clone()]) {
            by_reference[n - 1] = true;
        }
    }
    Some(
        sentences
            .into_iter()
            .zip(by_reference)
            .filter(|((_, asks), by_reference)| *asks || *by_reference)
            .map(|((range, _), by_reference)| Asking {
                range,
                by_reference,
            })
            .collect(),
    )
}

fn opens_like_a_question(sentence: &str) -> bool {
    sentence
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .find(|word| !word.is_empty())
        .is_some_and(|word| {
            let word = word.to_lowercase().replace('\u{2019}', "'");
            QUESTION_OPENERS.contains(&word.as_str())
        })
}

fn points_back(sentence: &str) -> bool {
    sentence
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .any(|word| {
            let word = word.to_lowercase().replace('\u{2019}', "'");
            POINTING_BACK.contains(&word.as_str())
        })
}

/// The given sentences of a message, joined (`None`: the whole message):
/// what the sentence model reads.
pub fn joined(text: &str, sentences: Option<&[Asking]>) -> String {
    match sentences {
        None => text.to_string(),
        Some(sentences) => sentences
            .iter()
            .map(|s| text[s.range.clone()].trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The asking sentences of a message, joined.
    fn asking_text(text: &str) -> String {
        joined(text, asking_sentences(text).as_deref())
    }

    #[test]
    fn the_asking_sentences_of_a_long_post_are_found() {
        assert_eq!(
            asking_text("Hi all. Newly diagnosed. What is Ocrevus? Thanks!"),
            "What is Ocrevus?"
        );
        assert_eq!(asking_text("how often is tysabri"), "how often is tysabri");
        assert_eq!(asking_text("How often? I wonder"), "How often?");
        assert_eq!(
            asking_text("Is Ocrevus a cancer drug? why is it used for ms"),
            "Is Ocrevus a cancer drug? why is it used for ms"
        );
        assert_eq!(
            asking_text("Who gets Lemtrada? my neuro said I'd have to fail other meds"),
            "Who gets Lemtrada?"
        );
        assert_eq!(asking_text("is 2.5 mg a lot?"), "is 2.5 mg a lot?");
    }

    #[test]
    fn a_question_that_points_back_brings_its_antecedent() {
        assert_eq!(
            asking_text(
                "Long time lurker. My neuro brought up Ocrevus. I don't get what it does? Thanks"
            ),
            "My neuro brought up Ocrevus. I don't get what it does?"
        );
        assert_eq!(
            asking_text("Hello. My neuro brought up Ocrevus. How often is Tysabri given?"),
            "How often is Tysabri given?"
        );
    }

    #[test]
    fn an_antecedent_asks_by_reference_and_a_question_directly() {
        let text = "Newly diagnosed, my neuro mentioned Tysabri. How often would I go in for it?";
        let sentences = asking_sentences(text).unwrap();
        let flags: Vec<bool> = sentences.iter().map(|s| s.by_reference).collect();
        assert_eq!(flags, [true, false]);
        // A sentence that already asks is asked directly, whatever follows.
        let text = "Is Ocrevus safe? Is it given every six months?";
        let sentences = asking_sentences(text).unwrap();
        assert!(sentences.iter().all(|s| !s.by_reference), "{sentences:?}");
    }
}
