//! Text analysis shared by the index and the questions: the same tokenizer
//! must cut both, or a question's words would never meet the passages' words.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

/// Name under which the analyzer is registered in the index.
pub const ANALYZER: &str = "faq_en";

/// Lower-cases, folds accents, stems English. Stop words are *not* removed
/// here: the index keeps "no" and "not" (tantivy's English list drops them),
/// and questions drop their own filler words in [`is_filler`].
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// One analysed word: its stem and where it stands in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub stem: String,
    /// Byte range of the word in the analysed text.
    pub start: usize,
    pub end: usize,
}

/// Cuts `text` into stemmed words with their byte ranges.
pub fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(Word {
            stem: token.text.clone(),
            start: token.offset_from,
            end: token.offset_to,
        });
    }
    out
}

/// Words that carry no topic in a member's question: question words,
/// pronouns, auxiliaries, greetings, feelings. They never count toward what a
/// passage must cover. Compared in lower case, before stemming.
pub fn is_filler(word: &str) -> bool {
    FILLER.binary_search(&word).is_ok()
}

// Sorted (a unit test checks) so lookup is a binary search.
#[rustfmt::skip]
const FILLER: &[&str] = &[
    "a", "about", "actually", "advance", "afraid", "after", "again", "all", "also", "am", "an",
    "and", "anxious", "any", "anybody", "anyone", "anything", "anyway", "appreciate", "appreciated",
    "are", "as", "ask", "asked", "asking", "at", "be", "been", "being", "but", "by", "can", "cant",
    "concerned", "confused", "could", "couldn", "curious", "currently", "d", "dear", "did", "didn",
    "do", "does", "doesn", "doing", "don", "dont", "each", "else", "especially", "everybody",
    "everyone", "exactly", "explain", "folks", "for", "friends", "frightened", "from", "generally",
    "get", "gets", "getting", "go", "goes", "going", "got", "guys", "had", "has", "have", "having",
    "he", "heard", "hello", "her", "here", "hey", "hi", "him", "his", "how", "i", "if", "im", "in",
    "into", "is", "isn", "it", "its", "ive", "just", "kind", "kinda", "know", "lately", "ll", "lol",
    "m", "may", "me", "might", "mine", "much", "must", "my", "need", "needs", "nervous", "normally",
    "now", "of", "often", "ok", "okay", "on", "or", "our", "please", "pls", "plz", "question",
    "questions", "quick", "re", "really", "recently", "recommend", "recommended", "s", "said",
    "says", "scared", "she", "should", "so", "some", "someone", "something", "soon", "sort",
    "stuff", "suggest", "suggested", "t", "tell", "terrified", "than", "thank", "thanks", "that",
    "the", "their", "them", "then", "there", "these", "they", "thing", "things", "this", "those",
    "to", "today", "told", "typically", "u", "ur", "us", "usually", "ve", "very", "wanna", "want",
    "wanted", "wants", "was", "wasn", "we", "were", "what", "whats", "when", "where", "which",
    "who", "whom", "whose", "why", "will", "with", "wonder", "wondering", "worried", "would", "y",
    "y'all", "ya", "yall", "you", "your", "yours",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filler_list_is_sorted_for_binary_search() {
        assert!(
            FILLER.windows(2).all(|w| w[0] < w[1]),
            "FILLER must be sorted and unique"
        );
    }

    #[test]
    fn words_are_stemmed_folded_and_located() {
        let mut a = analyzer();
        let text = "Infusions of Tysabri, naïve drips";
        let got = words(&mut a, text);
        let stems: Vec<&str> = got.iter().map(|w| w.stem.as_str()).collect();
        assert_eq!(stems, ["infus", "of", "tysabri", "naiv", "drip"]);
        assert_eq!(&text[got[2].start..got[2].end], "Tysabri");
    }

    #[test]
    fn no_and_not_survive_analysis() {
        let mut a = analyzer();
        let stems: Vec<String> = words(&mut a, "there is no cure, not yet")
            .into_iter()
            .map(|w| w.stem)
            .collect();
        assert!(stems.contains(&"no".to_string()) && stems.contains(&"not".to_string()));
    }
}
