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
/// and questions drop their own filler words ([`super::lexicon`]).
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

#[cfg(test)]
mod tests {
    use super::*;

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
