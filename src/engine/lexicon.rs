//! The few words the engine still knows by heart, in one place: filler
//! (words that carry no topic), answer-kind words (they say what *kind* of
//! answer is wanted, not what it is about), question shapes with the words
//! their answers tend to contain, and derivational suffixes. The sentence
//! model carries the meaning; these lists only shape the lexical side.
//!
//! Written as a member types them, stemmed once by [`Lexicon::new`] with the
//! index's own analyzer, and matched on stems, so "worried", "worry" and
//! "worrying" are one entry.

use std::collections::HashSet;

use tantivy::tokenizer::TextAnalyzer;

use super::analysis::words;

/// Words that carry no topic in a member's question: question words,
/// pronouns, auxiliaries, greetings, feelings. They never count toward what
/// a passage must cover. ("advance", as in "thanks in advance", is left out:
/// its stem is "advanced MS"'s.)
#[rustfmt::skip]
const FILLER: &[&str] = &[
    "a", "about", "actually", "afraid", "after", "again", "all", "also", "am", "an",
    "and", "anxious", "any", "anybody", "anyone", "anything", "anyway", "appreciate", "appreciated",
    "are", "as", "ask", "asked", "asking", "at", "be", "been", "being", "but", "by", "can", "cant",
    "concerned", "confused", "could", "couldn", "curious", "currently", "d", "dear", "did", "didn",
    "do", "does", "doesn", "doing", "don", "dont", "each", "else", "especially", "everybody",
    "everyone", "exactly", "explain", "folks", "for", "friends", "frightened", "from", "generally",
    "get", "gets", "getting", "go", "goes", "going", "got", "guys", "had", "has", "have", "having",
    "he", "heard", "hello", "her", "here", "hey", "hi", "him", "his", "how", "i", "if", "im", "in",
    "into", "is", "isn", "it", "its", "ive", "just", "kind", "kinda", "know", "lately", "ll", "lol",
    "m", "may", "me", "might", "mine", "much", "must", "my", "need", "needs", "nervous", "normally",
    "now", "of", "often", "ok", "okay", "on", "one", "ones", "or", "our", "please", "pls", "plz", "question",
    "questions", "quick", "re", "really", "recently", "recommend", "recommended", "s", "said",
    "says", "scared", "she", "should", "so", "some", "someone", "something", "soon", "sort",
    "stuff", "suggest", "suggested", "t", "tell", "terrified", "than", "thank", "thanks", "that",
    "the", "their", "them", "then", "there", "these", "they", "thing", "things", "this", "those",
    "to", "today", "told", "typically", "u", "ur", "us", "usually", "ve", "very", "wanna", "want",
    "wanted", "wants", "was", "wasn", "we", "were", "what", "whats", "when", "where", "which",
    "who", "whom", "whose", "why", "will", "with", "wonder", "wondering", "worried", "would", "y",
    "y'all", "ya", "yall", "you", "your", "yours",
    // Contractions typed without their apostrophe.
    "arent", "couldnt", "didnt", "doesnt", "hadnt", "hasnt", "havent", "isnt", "shes",
    "shouldnt", "thats", "theres", "theyre", "wasnt", "werent", "wont", "wouldnt", "youre",
];

/// Words that say what *kind* of answer is wanted rather than what it is
/// about ("how is it *given*", "how *long*", "what *happens*"). They still
/// rank passages but weigh `Weights::weak_weight` as much in coverage,
/// known to the corpus or not. "work" is not one: "how does it *work*" asks
/// for the passage that says what it works by.
#[rustfmt::skip]
const WEAK: &[&str] = &[
    "cause", "caused", "causes", "causing", "come", "comes", "compare", "compared", "comparison",
    "difference", "differences", "do", "done", "dosage", "dose",
    "dosed", "doses", "dosing", "expect", "fast", "feel", "feeling", "feels", "gave", "give",
    "given", "gives", "giving", "happen", "happened", "happening", "happens", "help", "helps",
    "last", "lasts", "like", "long", "make", "makes", "mean", "meaning", "means", "normal", "often",
    "possible", "quickly", "receive", "received", "receiving", "safe", "schedule", "scheduled",
    "schedules", "start", "started", "starting", "starts", "take", "taken", "takes",
    "taking", "took", "use", "used", "uses", "using", "versus", "vs",
];

/// Question shapes and the words their answers tend to contain.
const CUES: &[(&[&str], &[&str])] = &[
    // The question word itself finds headings phrased as questions.
    (&["how"], &["how"]),
    (
        &["how", "often"],
        &["every", "once", "weeks", "months", "days", "daily", "times"],
    ),
    (
        &["how", "long"],
        &["days", "weeks", "months", "hours", "years", "minutes"],
    ),
    (
        &["how", "many"],
        &["number", "two", "three", "four", "five"],
    ),
    (&["how", "much"], &["milligram", "dose", "dosage"]),
    (&["dose"], &["milligram", "dosage", "every"]),
    (&["dosed"], &["milligram", "dosage", "every"]),
    (&["dosage"], &["milligram", "every"]),
    (&["dosing"], &["milligram", "every"]),
    (&["schedule"], &["every", "once", "milligram"]),
    (&["how", "soon"], &["within", "hours", "after"]),
    (
        &["when"],
        &["when", "after", "within", "hours", "years", "time"],
    ),
    (
        &["where"],
        &[
            "where", "center", "office", "facility", "clinic", "hospital",
        ],
    ),
    (&["who"], &["who", "people", "person", "provider"]),
    (&["why"], &["why", "because", "means", "allows"]),
    (&["what", "is"], &["means", "called", "is"]),
    (&["what", "are"], &["include", "are"]),
    (&["side", "effects"], &["include"]),
];

/// Endings of derived words whose base form the corpus may know:
/// "curable" → "cure", "treatable" → "treat" (the stemmer keeps them).
pub const DERIVATIONAL_SUFFIXES: &[&str] = &[
    "ability", "ibility", "able", "ible", "ness", "ment", "ful", "less", "ity",
];

/// Endings that make another form of a word ("risk" + "y", "mean" + "t"):
/// a real English word is only ever read as another form of itself.
pub const INFLECTIONS: &[&str] = &["s", "es", "y", "ly", "ing", "ed", "t", "er", "ers", "est"];

/// The lists, stemmed like the index.
#[derive(Debug, Default)]
pub struct Lexicon {
    filler: HashSet<String>,
    weak: HashSet<String>,
    /// Each question shape's stems, with its answers' stems.
    cues: Vec<(Vec<String>, Vec<String>)>,
    /// Every word of the lists above (filler, answer-kind words, question
    /// shapes) with its stem: what a misspelt one is corrected to.
    words: Vec<(String, String)>,
}

impl Lexicon {
    pub fn new(analyzer: &mut TextAnalyzer) -> Self {
        let mut stems = |text: &str| -> Vec<String> {
            words(analyzer, text).into_iter().map(|w| w.stem).collect()
        };
        let filler = FILLER.iter().flat_map(|w| stems(w)).collect();
        let weak = WEAK.iter().flat_map(|w| stems(w)).collect();
        let cues = CUES
            .iter()
            .map(|(shape, answers)| {
                let shape = stems(&shape.join(" "));
                let mut answer_stems: Vec<String> = Vec::new();
                for stem in answers.iter().flat_map(|w| stems(w)) {
                    if !answer_stems.contains(&stem) {
                        answer_stems.push(stem);
                    }
                }
                (shape, answer_stems)
            })
            .collect();
        let mut words: Vec<(String, String)> = Vec::new();
        let shapes = CUES.iter().flat_map(|(shape, _)| shape.iter());
        for word in FILLER.iter().chain(WEAK).chain(shapes) {
            if !words.iter().any(|(w, _)| w == word) {
                if let Some(stem) = stems(word).into_iter().next() {
                    words.push((word.to_string(), stem));
                }
            }
        }
        Lexicon {
            filler,
            weak,
            cues,
            words,
        }
    }

    /// The lists' words with their stems.
    pub fn words(&self) -> &[(String, String)] {
        &self.words
    }

    /// Whether a question word (its stem) carries no topic.
    pub fn is_filler(&self, stem: &str) -> bool {
        self.filler.contains(stem)
    }

    /// Whether a question word (its stem) asks for a kind of answer.
    pub fn is_weak(&self, stem: &str) -> bool {
        self.weak.contains(stem)
    }

    /// The stems answers to a question of these stems tend to contain.
    pub fn cues_for(&self, question: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (shape, answers) in &self.cues {
            let asked = question
                .windows(shape.len())
                .any(|w| w.iter().zip(shape).all(|(word, want)| *word == want));
            if asked {
                for stem in answers {
                    if !out.contains(stem) {
                        out.push(stem.clone());
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::analysis::analyzer;

    #[test]
    fn lists_are_matched_on_stems() {
        let lexicon = Lexicon::new(&mut analyzer());
        let stem = |w: &str| words(&mut analyzer(), w).remove(0).stem;
        assert!(lexicon.is_filler(&stem("worrying")) && lexicon.is_filler(&stem("Hello")));
        assert!(!lexicon.is_filler(&stem("advanced")));
        assert!(lexicon.is_weak(&stem("happens")) && !lexicon.is_weak(&stem("Tysabri")));
        let question: Vec<String> = words(&mut analyzer(), "How often are the side effects?")
            .into_iter()
            .map(|w| w.stem)
            .collect();
        let question: Vec<&str> = question.iter().map(String::as_str).collect();
        let cues = lexicon.cues_for(&question);
        assert!(cues.contains(&"everi".to_string()) && cues.contains(&"includ".to_string()));
        assert!(lexicon.cues_for(&["tysabri"]).is_empty());
    }
}
