//! Spelling correction against the index's own vocabulary: a Levenshtein
//! automaton walks tantivy's term dictionary (an FST), so a lookup costs what
//! the dictionary walk costs, not a scan of every word.
//!
//! tantivy's own `FuzzyTermQuery` scores every fuzzy match 1.0 and yields no
//! snippet, so instead the question's word is replaced by the corrected one.

use std::collections::HashMap;
use std::sync::Mutex;

use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA};
use tantivy::schema::Field;
use tantivy::Searcher;
use tantivy_fst::Automaton;

/// Builds the automata once: building the tables is the expensive part.
/// One speller serves one index's vocabulary (an engine's): it remembers
/// the words it has corrected, since members repeat each other.
pub struct Speller {
    one_edit: LevenshteinAutomatonBuilder,
    two_edits: LevenshteinAutomatonBuilder,
    known: Mutex<HashMap<(Field, String), Option<Correction>>>,
}

/// Corrections remembered, at most (then forgotten all at once).
const REMEMBERED: usize = 4096;

/// A word of the index close to the member's word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub term: String,
    pub distance: u8,
    pub doc_freq: u64,
}

struct DfaAutomaton<'a>(&'a DFA);

impl Automaton for DfaAutomaton<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

impl Default for Speller {
    fn default() -> Self {
        Speller {
            one_edit: LevenshteinAutomatonBuilder::new(1, true),
            two_edits: LevenshteinAutomatonBuilder::new(2, true),
            known: Mutex::default(),
        }
    }
}

/// How many edits a word of this many characters may need: short words are
/// too easily turned into other real words.
pub fn allowed_edits(chars: usize) -> u8 {
    match chars {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

/// Whether `term` is `word` with two or more letters cut off its end: a
/// longer word built on a known one ("breastfeed" on "breast"), not a slip
/// of the keyboard, whose meaning the shorter word does not carry.
fn cut_short(word: &str, term: &str) -> bool {
    word.strip_prefix(term)
        .is_some_and(|rest| rest.chars().count() >= 2)
}

impl Speller {
    /// The closest indexed term to `word` (fewest edits, then most
    /// passages), keeping the first letter, or `None`.
    pub fn correct(&self, searcher: &Searcher, field: Field, word: &str) -> Option<Correction> {
        let key = (field, word.to_string());
        if let Some(known) = self
            .known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return known.clone();
        }
        let correction = self.search(searcher, field, word);
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if known.len() >= REMEMBERED {
            known.clear();
        }
        known.insert(key, correction.clone());
        correction
    }

    /// The one word of `words` (word, stem) nearest `word`
    /// within the edits its length allows, keeping the first letter; `None`
    /// when none is, or two are equally near. For the question's own
    /// words ("how offen"), which the articles need not contain.
    pub fn nearest_word<'a>(
        &self,
        word: &str,
        words: &'a [(String, String)],
    ) -> Option<(&'a str, &'a str)> {
        let dfa = self.automaton(word)?;
        let first = word.chars().next();
        let mut best: Option<(u8, &str, &str)> = None;
        let mut tied = false;
        for (candidate, stem) in words {
            if candidate.chars().next() != first || candidate == word || cut_short(word, candidate)
            {
                continue;
            }
            let Distance::Exact(d) = dfa.eval(candidate.as_bytes()) else {
                continue;
            };
            match best {
                Some((b, _, s)) if d == b && s != stem => tied = true,
                Some((b, _, _)) if d >= b => {}
                _ => {
                    best = Some((d, candidate, stem));
                    tied = false;
                }
            }
        }
        if tied {
            return None;
        }
        best.map(|(_, word, stem)| (word, stem))
    }

    /// The automaton of the words within the edits `word`'s length allows;
    /// `None` for a word too short to correct, or with digits.
    fn automaton(&self, word: &str) -> Option<DFA> {
        let builder = match allowed_edits(word.chars().count()) {
            _ if word.chars().any(|c| c.is_ascii_digit()) => return None,
            0 => return None,
            1 => &self.one_edit,
            _ => &self.two_edits,
        };
        Some(builder.build_dfa(word))
    }

    fn search(&self, searcher: &Searcher, field: Field, word: &str) -> Option<Correction> {
        let dfa = self.automaton(word)?;
        let first = word.chars().next();
        let mut best: Option<Correction> = None;
        for segment in searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let mut stream = match inverted.terms().search(DfaAutomaton(&dfa)).into_stream() {
                Ok(stream) => stream,
                Err(_) => continue,
            };
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if term.chars().next() != first || term == word || cut_short(word, term) {
                    continue;
                }
                let distance = match dfa.eval(term.as_bytes()) {
                    Distance::Exact(d) => d,
                    Distance::AtLeast(_) => continue,
                };
                let doc_freq = u64::from(stream.value().doc_freq);
                let candidate = Correction {
                    term: term.to_string(),
                    distance,
                    doc_freq,
                };
                best = Some(match best {
                    None => candidate,
                    Some(b) if b.term == candidate.term => Correction {
                        doc_freq: b.doc_freq + candidate.doc_freq,
                        ..b
                    },
                    Some(b)
                        if (candidate.distance, std::cmp::Reverse(candidate.doc_freq))
                            < (b.distance, std::cmp::Reverse(b.doc_freq)) =>
                    {
                        candidate
                    }
                    Some(b) => b,
                });
            }
        }
        best
    }
}

/// `text` with each whole word `wrong` (in any case) written `right`.
pub fn respell(text: &str, wrong: &str, right: &str) -> String {
    if wrong.is_empty() {
        return text.to_string();
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '\'';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((start, _)) = rest.char_indices().find(|&(i, _)| {
        rest[i..].len() >= wrong.len()
            && rest.is_char_boundary(i + wrong.len())
            && rest[i..i + wrong.len()].eq_ignore_ascii_case(wrong)
            && !rest[..i].chars().next_back().is_some_and(is_word)
            && !rest[i + wrong.len()..].chars().next().is_some_and(is_word)
    }) {
        out.push_str(&rest[..start]);
        out.push_str(right);
        rest = &rest[start + wrong.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index};

    fn searcher(words: &[&str]) -> (Searcher, Field) {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for w in words {
            writer.add_document(doc!(field => *w)).unwrap();
        }
        writer.commit().unwrap();
        (index.reader().unwrap().searcher(), field)
    }

    #[test]
    fn corrects_misspelled_drug_names() {
        let (s, f) = searcher(&[
            "tysabri",
            "ocrevus",
            "lemtrada",
            "natalizumab",
            "natalizumab",
        ]);
        let speller = Speller::default();
        let table = [
            ("tysbari", Some("tysabri")),
            ("ocrevis", Some("ocrevus")),
            ("lemtrda", Some("lemtrada")),
            ("natalizumub", Some("natalizumab")),
            ("pizza", None),
            ("tys", None),
            ("xysabri", None),
            // A longer word on a known one is not its misspelling.
            ("tysabrian", None),
            ("tysabrii", Some("tysabri")),
        ];
        for (word, want) in table {
            let got = speller.correct(&s, f, word).map(|c| c.term);
            assert_eq!(got.as_deref(), want, "{word}");
        }
    }

    #[test]
    fn misspelt_question_words_are_found_among_the_lists_words() {
        let words: Vec<(String, String)> = ["often", "long", "schedule", "someone", "receive"]
            .iter()
            .map(|w| (w.to_string(), w.to_string()))
            .collect();
        let speller = Speller::default();
        let table = [
            ("offen", Some("often")),
            ("schedual", Some("schedule")),
            ("somone", Some("someone")),
            ("recieve", Some("receive")),
            // Too short to correct, a word of the list itself, or far.
            ("lnog", None),
            ("often", None),
            ("surgery", None),
        ];
        for (word, want) in table {
            let got = speller.nearest_word(word, &words).map(|(w, _)| w);
            assert_eq!(got, want, "{word}");
        }
        // Two words equally near: neither.
        let two = [
            ("cause".to_string(), "caus".to_string()),
            ("cease".to_string(), "ceas".to_string()),
        ];
        assert_eq!(speller.nearest_word("caase", &two), None);
    }

    #[test]
    fn a_misspelt_word_is_respelt_where_it_stands_whole() {
        assert_eq!(
            respell("Mitoxantrone how Offen? offender offen", "offen", "often"),
            "Mitoxantrone how often? offender often"
        );
        assert_eq!(respell("é offen", "offen", "often"), "é often");
        assert_eq!(respell("nothing here", "offen", "often"), "nothing here");
    }

    #[test]
    fn prefers_fewer_edits_then_more_passages() {
        let (s, f) = searcher(&[
            "natalizumab",
            "natalizumabs",
            "natalizumabs",
            "fatigue",
            "fatigue",
            "fatigues",
        ]);
        let speller = Speller::default();
        let c = speller.correct(&s, f, "natalizumub").unwrap();
        assert_eq!((c.term.as_str(), c.distance), ("natalizumab", 1));
        let c = speller.correct(&s, f, "fatigus").unwrap();
        assert_eq!((c.term.as_str(), c.distance, c.doc_freq), ("fatigue", 1, 2));
    }
}
