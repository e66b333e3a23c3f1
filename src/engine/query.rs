//! From a member's question to what the index is asked: the question's
//! concepts (each a word or phrase with its synonyms), their weights, and the
//! tantivy query. Member text never reaches tantivy's query parser, so `can't`,
//! `title:foo` or `AND OR NOT` are only words.

use std::collections::HashMap;

use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::analysis::{words, Word};
use super::index::Fields;
use super::lexicon::{Lexicon, DERIVATIONAL_SUFFIXES, INFLECTIONS};
use super::semantic::Embedder;
use super::spelling::{Correction, Speller};
use super::weights::Weights;
use crate::corpus::Synonyms;

/// Sequences of stems, each one way of saying a concept.
pub type Phrase = Vec<String>;

/// The synonym groups, analysed into stems.
#[derive(Debug, Default)]
pub struct SynonymTable {
    /// Each group's phrases, and whether it names a distinct thing.
    groups: Vec<(Vec<Phrase>, bool)>,
    by_phrase: HashMap<Phrase, usize>,
    longest: usize,
}

impl SynonymTable {
    pub fn new(synonyms: &Synonyms, analyzer: &mut TextAnalyzer) -> Self {
        let mut table = SynonymTable::default();
        for group in &synonyms.groups {
            let mut phrases: Vec<Phrase> = Vec::new();
            for term in &group.terms {
                let phrase: Phrase = words(analyzer, term).into_iter().map(|w| w.stem).collect();
                if !phrase.is_empty() && !phrases.contains(&phrase) {
                    phrases.push(phrase);
                }
            }
            let id = table.groups.len();
            for phrase in &phrases {
                table.longest = table.longest.max(phrase.len());
                table.by_phrase.entry(phrase.clone()).or_insert(id);
            }
            table.groups.push((phrases, group.entity));
        }
        table
    }

    /// Every way of naming a distinct thing (a drug).
    pub fn entity_phrases(&self) -> impl Iterator<Item = &Phrase> {
        self.groups
            .iter()
            .filter(|(_, entity)| *entity)
            .flat_map(|(phrases, _)| phrases)
    }

    /// The group whose phrase starts at `stems[0]`, longest first, with its length.
    fn longest_match(&self, stems: &[&str]) -> Option<(usize, usize)> {
        (1..=self.longest.min(stems.len())).rev().find_map(|len| {
            let key: Phrase = stems[..len].iter().map(|s| s.to_string()).collect();
            self.by_phrase.get(&key).map(|&group| (group, len))
        })
    }
}

/// How a concept of the question was recognised.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recognised {
    /// The word (or a synonym) is in the index.
    Known,
    /// A misspelling, corrected to an indexed word.
    Corrected { from: String, to: String },
    /// Nothing in the corpus uses it: the question is about something else.
    Unknown,
}

/// One thing the question is about.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Concept {
    /// The member's words for it, as typed.
    pub surface: String,
    /// Ways of saying it; the first is the member's own (or its correction).
    pub alternatives: Vec<Phrase>,
    /// How much of the question's meaning it carries (an IDF).
    pub weight: f32,
    /// Passages that use it (its most common wording).
    pub doc_freq: u64,
    /// Says what kind of answer is wanted, not what it is about: it ranks
    /// passages but does not count in coverage.
    pub weak: bool,
    /// Names a distinct thing (a drug): only passages that mention it answer.
    pub entity: bool,
    /// Stands in a sentence that asks; words only in the sentences around
    /// the question ("My neurologist suggested Tysabri.") are context.
    pub asked: bool,
    pub recognised: Recognised,
}

/// What the question asks, ready for the index.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct QueryPlan {
    pub concepts: Vec<Concept>,
    /// Words that answers to this kind of question tend to contain.
    pub cues: Vec<String>,
    /// Every word of the question, filler too, stemmed: a heading phrased as
    /// a question ("Why are some medications given intravenously?") echoes
    /// the member's whole question, not only its topic words.
    pub echo: Vec<String>,
    /// Misspelt question words and the lexicon's words they were read as
    /// ("offen", "often"): the sentence model reads them corrected too.
    pub respelt: Vec<(String, String)>,
    /// The kinds of unit the question asks a measure in ("how many
    /// *hours*"): a passage that names none of them does not answer it.
    pub units: Vec<super::measure::UnitKind>,
}

impl QueryPlan {
    /// Weight of the concepts a passage must cover: all but the weak ones.
    pub fn total_weight(&self) -> f32 {
        self.concepts
            .iter()
            .filter(|c| !c.weak)
            .map(|c| c.weight)
            .sum()
    }

    /// Whether the question names anything the corpus knows, beyond
    /// question-shape words.
    pub fn has_topic(&self) -> bool {
        self.concepts
            .iter()
            .any(|c| !c.weak && c.recognised != Recognised::Unknown)
    }
}

/// Everything the planner reads, borrowed from the engine.
pub struct Planner<'a> {
    pub searcher: &'a Searcher,
    pub fields: Fields,
    pub synonyms: &'a SynonymTable,
    pub speller: &'a Speller,
    pub lexicon: &'a Lexicon,
    pub weights: &'a Weights,
    /// The sentence model's vocabulary tells an everyday word from a term.
    pub embedder: Option<&'a Embedder>,
}

impl Planner<'_> {
    fn doc_freq(&self, phrase: &[String]) -> u64 {
        phrase
            .iter()
            .map(|stem| {
                self.searcher
                    .doc_freq(&Term::from_field_text(self.fields.text, stem))
                    .unwrap_or(0)
            })
            .min()
            .unwrap_or(0)
    }

    /// Robertson–Spärck Jones weight: a word in half the passages says
    /// almost nothing about which passage is meant (floored, never negative).
    fn idf(&self, doc_freq: u64) -> f32 {
        let n = self.searcher.num_docs() as f32;
        let df = (doc_freq as f32).min(n);
        ((n - df + 0.5) / (df + 0.5))
            .ln()
            .max(self.weights.min_weight)
    }

    /// What a word weighs: how well it tells passages apart in this corpus
    /// (its IDF; a word no passage uses, as much as the rarest), scaled by
    /// how specific it is in everyday English, so that "people" or
    /// "monthly" cannot weigh like "ocrelizumab" or "breastfeeding".
    fn weight(&self, word: &str, doc_freq: u64) -> f32 {
        let idf = self.idf(doc_freq.max(1));
        match self.embedder {
            Some(embedder) => {
                let specificity = embedder.specificity(word);
                let w = self.weights;
                let share = ((specificity - w.common_specificity)
                    / (w.term_specificity - w.common_specificity))
                    .clamp(w.min_specificity, 1.0);
                (idf * share).max(w.min_weight)
            }
            None => idf,
        }
    }

    /// The words' stems, a misspelt question word ("how *offen*") read as
    /// the word of the lexicon it is one or two edits from, so that the
    /// question's shape and filler are seen; only for a word the articles
    /// lack and cannot correct it to.
    fn with_question_words_spelt(
        &self,
        found: &[Word],
        raw: &[String],
        analyzer: &mut TextAnalyzer,
    ) -> (Vec<String>, Vec<(String, String)>) {
        let mut respelt = Vec::new();
        let stems = found
            .iter()
            .zip(raw)
            .map(|(w, word)| {
                let stem = &w.stem;
                let known = self.lexicon.is_filler(stem)
                    || self.lexicon.is_weak(stem)
                    || self
                        .synonyms
                        .by_phrase
                        .contains_key(std::slice::from_ref(stem))
                    || self.doc_freq(std::slice::from_ref(stem)) > 0
                    || self.derived_form(word, analyzer).is_some();
                if known
                    || self
                        .speller
                        .correct(self.searcher, self.fields.text, stem)
                        .is_some()
                    || self
                        .speller
                        .correct(self.searcher, self.fields.text, word)
                        .is_some()
                {
                    return stem.clone();
                }
                match self.speller.nearest_word(word, self.lexicon.words()) {
                    Some((right, stem)) => {
                        respelt.push((word.clone(), right.to_string()));
                        stem.to_string()
                    }
                    None => stem.clone(),
                }
            })
            .collect();
        (stems, respelt)
    }

    /// Turns the analysed question into concepts.
    pub fn plan(&self, question: &str, analyzer: &mut TextAnalyzer) -> QueryPlan {
        self.plan_asking(
            question,
            super::asking::asking_sentences(question),
            analyzer,
        )
    }

    /// [`Planner::plan`], with the sentences that ask given (`None`: the
    /// whole message asks).
    pub fn plan_asking(
        &self,
        question: &str,
        asking: Option<Vec<super::asking::Asking>>,
        analyzer: &mut TextAnalyzer,
    ) -> QueryPlan {
        let found: Vec<Word> = words(analyzer, question);
        let raw: Vec<String> = found
            .iter()
            .map(|w| question[w.start..w.end].to_lowercase())
            .collect();
        let (stems, respelt) = self.with_question_words_spelt(&found, &raw, analyzer);
        let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
        let mut plan = QueryPlan {
            cues: self.lexicon.cues_for(&stems),
            echo: dedup(stems.iter().map(|s| s.to_string())),
            respelt,
            units: super::measure::asked_kinds(&super::asking::joined(question, asking.as_deref())),
            ..QueryPlan::default()
        };
        let asking = asking_of_words(&found, asking);
        let mut i = 0;
        while i < found.len() {
            let asked = asking[i] != Asks::No;
            // A word the articles lack, in a sentence asked only by reference,
            // is the story around the question ("newly diagnosed").
            let asked_if_unknown = asking[i] == Asks::Directly;
            let surface_of =
                |len: usize| question[found[i].start..found[i + len - 1].end].to_string();
            if let Some((group, len)) = self.synonyms.longest_match(&stems[i..]) {
                // A lone filler word that happens to be a synonym ("us") is still filler.
                if !(len == 1 && self.lexicon.is_filler(stems[i])) {
                    let own: Phrase = stems[i..i + len].iter().map(|s| s.to_string()).collect();
                    self.push_group(
                        &mut plan,
                        surface_of(len),
                        own,
                        group,
                        Recognised::Known,
                        asked,
                    );
                    i += len;
                    continue;
                }
            }
            let word = &raw[i];
            let stem = stems[i];
            let surface = surface_of(1);
            i += 1;
            if self.lexicon.is_filler(stem)
                || word.chars().count() < 2 && !word.chars().all(|c| c.is_ascii_digit())
            {
                continue;
            }
            let own = vec![stem.to_string()];
            let weak = self.lexicon.is_weak(stem);
            let df = self.doc_freq(&own);
            if df > 0 {
                push_concept(
                    &mut plan,
                    Concept {
                        surface,
                        alternatives: vec![own],
                        weight: self.weight(word, df),
                        doc_freq: df,
                        weak,
                        entity: false,
                        asked,
                        recognised: Recognised::Known,
                    },
                    asked,
                );
                continue;
            }
            // A word the model's vocabulary holds whole is a real English
            // word, not a misspelling: it may be read as another form of
            // itself ("risky" → "risk", "centre" → "center"), never as
            // another word ("literally" is not "later").
            let real_word = self.embedder.is_some_and(|e| e.specificity(word) < 1.0);
            let correction = self.derived_form(word, analyzer).or_else(|| {
                self.speller
                    .correct(self.searcher, self.fields.text, stem)
                    .or_else(|| self.speller.correct(self.searcher, self.fields.text, word))
                    .filter(|c| !real_word || another_form(word, &c.term))
            });
            let Some(correction) = correction else {
                // Unknown to the corpus: as specific as its rarest word.
                push_concept(
                    &mut plan,
                    Concept {
                        surface,
                        alternatives: vec![own],
                        weight: self.weight(word, 0),
                        doc_freq: 0,
                        weak,
                        entity: false,
                        asked: asked_if_unknown,
                        recognised: Recognised::Unknown,
                    },
                    asked_if_unknown,
                );
                continue;
            };
            let recognised = Recognised::Corrected {
                from: word.clone(),
                to: correction.term.clone(),
            };
            let corrected = vec![correction.term];
            match self.synonyms.by_phrase.get(&corrected) {
                Some(&group) => {
                    self.push_group(&mut plan, surface, corrected, group, recognised, asked)
                }
                None => push_concept(
                    &mut plan,
                    Concept {
                        surface,
                        weight: self.idf(correction.doc_freq),
                        doc_freq: correction.doc_freq,
                        weak,
                        entity: false,
                        asked,
                        alternatives: vec![corrected],
                        recognised,
                    },
                    asked,
                ),
            }
        }
        // "Hello! My neurologist suggested Tysabri. What are its side
        // effects?": when the asking sentences have a topic of their own, the
        // words only around them are context — they rank, but do not count.
        // A word nearly every passage uses ("infusion", "MS") is no topic:
        // in "I have PPMS. Is there any infusion for me?" PPMS is.
        let asked_topic = plan.concepts.iter().any(|c| {
            c.asked
                && !c.weak
                && c.recognised != Recognised::Unknown
                && c.weight > self.weights.min_weight
        });
        if asked_topic {
            for concept in plan.concepts.iter_mut().filter(|c| !c.asked) {
                concept.weak = true;
            }
        }
        plan
    }

    fn push_group(
        &self,
        plan: &mut QueryPlan,
        surface: String,
        own: Phrase,
        group: usize,
        recognised: Recognised,
        asked: bool,
    ) {
        let mut alternatives = vec![own];
        let (phrases, entity) = &self.synonyms.groups[group];
        for phrase in phrases {
            if !alternatives.contains(phrase) {
                alternatives.push(phrase.clone());
            }
        }
        // The concept is as specific as its most common wording.
        let df = alternatives
            .iter()
            .map(|p| self.doc_freq(p))
            .max()
            .unwrap_or(0);
        let recognised = if df == 0 {
            Recognised::Unknown
        } else {
            recognised
        };
        push_concept(
            plan,
            Concept {
                surface,
                alternatives,
                weight: self.idf(df),
                doc_freq: df,
                weak: false,
                entity: *entity,
                asked,
                recognised,
            },
            asked,
        );
    }

    /// A derived word the corpus knows in its base form: "curable" → "cure",
    /// "treatable" → "treat". The stemmer leaves such suffixes alone.
    fn derived_form(&self, word: &str, analyzer: &mut TextAnalyzer) -> Option<Correction> {
        for suffix in DERIVATIONAL_SUFFIXES {
            let Some(base) = word.strip_suffix(suffix) else {
                continue;
            };
            if base.chars().count() < 3 {
                continue;
            }
            for candidate in [base.to_string(), format!("{base}e")] {
                let Some(first) = words(analyzer, &candidate).into_iter().next() else {
                    continue;
                };
                let doc_freq = self.doc_freq(std::slice::from_ref(&first.stem));
                if doc_freq > 0 {
                    return Some(Correction {
                        term: first.stem,
                        distance: 0,
                        doc_freq,
                    });
                }
            }
        }
        None
    }

    /// The tantivy query: every concept optional, synonyms as a disjunction
    /// so that saying a thing two ways does not count twice.
    pub fn query(&self, plan: &QueryPlan) -> Box<dyn Query> {
        let n = self.searcher.num_docs() as f32;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for concept in &plan.concepts {
            if concept.recognised == Recognised::Unknown {
                continue;
            }
            let mut ways: Vec<Box<dyn Query>> = Vec::new();
            for (n, phrase) in concept.alternatives.iter().enumerate() {
                let boost = if n == 0 {
                    1.0
                } else {
                    self.weights.synonym_boost
                };
                ways.push(boosted(self.phrase_query(self.fields.text, phrase), boost));
                ways.push(boosted(
                    self.phrase_query(self.fields.heading, phrase),
                    boost * self.weights.heading_boost,
                ));
            }
            // BM25 still rewards words found in most passages; scale each
            // concept to the share of meaning it carries in coverage.
            let df = concept.doc_freq as f32;
            let bm25_idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let share = (concept.weight / bm25_idf.max(f32::EPSILON))
                .clamp(self.weights.min_idf_share, 1.0);
            let boost = if concept.weak {
                share * self.weights.weak_weight
            } else {
                share
            };
            clauses.push((
                Occur::Should,
                boosted(
                    Box::new(DisjunctionMaxQuery::with_tie_breaker(
                        ways,
                        self.weights.synonym_tie_breaker,
                    )),
                    boost,
                ),
            ));
        }
        // Neighbouring words of the question that stand together in a
        // passage ("infusion means") say more than either alone.
        let known: Vec<&Concept> = plan
            .concepts
            .iter()
            .filter(|c| c.recognised != Recognised::Unknown)
            .collect();
        for (i, a) in known.iter().enumerate() {
            for (gap, b) in known.iter().skip(i + 1).take(2).enumerate() {
                let terms: Vec<Term> = a.alternatives[0]
                    .iter()
                    .chain(b.alternatives[0].iter())
                    .map(|stem| Term::from_field_text(self.fields.text, stem))
                    .collect();
                let mut phrase = PhraseQuery::new(terms);
                phrase.set_slop(self.weights.proximity_slop + gap as u32);
                clauses.push((
                    Occur::Should,
                    boosted(Box::new(phrase), self.weights.proximity_boost),
                ));
            }
        }
        for stem in &plan.echo {
            let term = Term::from_field_text(self.fields.heading, stem);
            clauses.push((
                Occur::Should,
                boosted(
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                    self.weights.echo_boost,
                ),
            ));
        }
        for cue in &plan.cues {
            let term = Term::from_field_text(self.fields.text, cue);
            clauses.push((
                Occur::Should,
                boosted(
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                    self.weights.cue_boost,
                ),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    fn phrase_query(&self, field: tantivy::schema::Field, phrase: &[String]) -> Box<dyn Query> {
        if phrase.len() == 1 {
            let term = Term::from_field_text(field, &phrase[0]);
            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
        } else {
            let terms = phrase
                .iter()
                .map(|s| Term::from_field_text(field, s))
                .collect();
            Box::new(PhraseQuery::new(terms))
        }
    }
}

/// Whether `term` (a stem of the corpus) is another form of the real word
/// `word`: one is the other with an inflection's ending ("risky": "risk";
/// "meant": "mean"; "clean": "cleans"), or they are the same letters with
/// two swapped ("centre": "center"). "needle" is not "need", nor "online"
/// "onli".
fn another_form(word: &str, term: &str) -> bool {
    // A form of a word of four letters or more ("need" + "le" is no form;
    // "ne" + "ed" is too short to tell).
    let long_enough = |stem: &str| stem.chars().count() >= 4;
    if let Some(ending) = word.strip_prefix(term) {
        return long_enough(term) && INFLECTIONS.contains(&ending);
    }
    if let Some(ending) = term.strip_prefix(word) {
        return long_enough(word) && INFLECTIONS.contains(&ending);
    }
    let (a, b): (Vec<char>, Vec<char>) = (word.chars().collect(), term.chars().collect());
    let differ: Vec<usize> = (0..a.len().min(b.len()))
        .filter(|&i| a[i] != b[i])
        .collect();
    a.len() == b.len()
        && matches!(differ.as_slice(), [i, j] if j == &(i + 1) && a[*i] == b[*j] && a[*j] == b[*i])
}

fn dedup(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

/// Adds a concept once; `asked` says the words stand in a sentence that
/// asks (ends with "?"), which any occurrence can establish.
fn push_concept(plan: &mut QueryPlan, mut concept: Concept, asked: bool) {
    match plan
        .concepts
        .iter_mut()
        .find(|c| c.alternatives[0] == concept.alternatives[0])
    {
        Some(existing) => existing.asked |= asked,
        None => {
            concept.asked = asked;
            plan.concepts.push(concept);
        }
    }
}

/// Whether each word stands in a sentence that asks (see [`super::asking`]).
#[cfg(test)]
fn asking_words(question: &str, found: &[Word]) -> Vec<bool> {
    asking_of_words(found, super::asking::asking_sentences(question))
        .into_iter()
        .map(|a| a != Asks::No)
        .collect()
}

/// How the sentence of a word asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asks {
    No,
    Directly,
    /// In a sentence a later question points back at: only what the
    /// articles know of it is asked about.
    ByReference,
}

fn asking_of_words(found: &[Word], asking: Option<Vec<super::asking::Asking>>) -> Vec<Asks> {
    match asking {
        None => vec![Asks::Directly; found.len()],
        Some(sentences) => found
            .iter()
            .map(|w| {
                match sentences
                    .iter()
                    .find(|s| w.start >= s.range.start && w.end <= s.range.end)
                {
                    None => Asks::No,
                    Some(s) if s.by_reference => Asks::ByReference,
                    Some(_) => Asks::Directly,
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{SynonymGroup, Synonyms};
    use crate::engine::analysis::{analyzer, ANALYZER};
    use crate::engine::index::schema;
    use tantivy::{Index, TantivyDocument};

    /// A planner over a tiny in-memory index of `texts`.
    fn with_planner(
        texts: &[&str],
        groups: &[(&[&str], bool)],
        test: impl FnOnce(&Planner, &mut TextAnalyzer),
    ) {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(ANALYZER, analyzer());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (i, text) in texts.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            doc.add_u64(fields.passage, i as u64);
            doc.add_text(fields.text, *text);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let mut analyzer = analyzer();
        let synonyms = Synonyms {
            groups: groups
                .iter()
                .map(|(terms, entity)| SynonymGroup {
                    terms: terms.iter().map(|t| t.to_string()).collect(),
                    entity: *entity,
                })
                .collect(),
        };
        let table = SynonymTable::new(&synonyms, &mut analyzer);
        let lexicon = Lexicon::new(&mut analyzer);
        let speller = Speller::default();
        let planner = Planner {
            searcher: &searcher,
            fields,
            synonyms: &table,
            speller: &speller,
            lexicon: &lexicon,
            weights: &Weights::DEFAULT,
            embedder: None,
        };
        test(&planner, &mut analyzer);
    }

    /// Passages on other things, so that a drug's name tells passages apart
    /// (in a corpus of two passages that both name it, its IDF is floored).
    const UNRELATED: &[&str] = &[
        "ocrevus is given twice",
        "plasmapheresis filters blood",
        "steroids shorten attacks",
    ];

    fn alternatives(concept: &Concept) -> Vec<String> {
        concept.alternatives.iter().map(|p| p.join(" ")).collect()
    }

    #[test]
    fn a_real_word_is_read_only_as_another_form_of_itself() {
        for (word, term) in [
            ("risky", "risk"),
            ("meant", "mean"),
            ("clean", "cleans"),
            ("centre", "center"),
        ] {
            assert!(another_form(word, term), "{word} {term}");
        }
        for (word, term) in [
            ("needle", "need"),
            ("need", "needl"),
            ("need", "ne"),
            ("online", "onli"),
            ("literally", "later"),
            ("discord", "disord"),
        ] {
            assert!(!another_form(word, term), "{word} {term}");
        }
    }

    #[test]
    fn multi_word_synonyms_match_longest_first_and_expand_to_their_group() {
        let texts = [
            "plasmapheresis removes blood",
            "hepatitis b may come back",
            "hepatitis is rare",
        ];
        let groups: &[(&[&str], bool)] = &[
            (&["plasma exchange", "plasmapheresis"], false),
            (&["hep B", "hepatitis B"], false),
            (&["hepatitis", "liver inflammation"], false),
        ];
        with_planner(&texts, groups, |planner, analyzer| {
            let plan = planner.plan("what is plasma exchange and hep B", analyzer);
            let found: Vec<Vec<String>> = plan.concepts.iter().map(alternatives).collect();
            assert_eq!(
                found,
                [
                    vec!["plasma exchang", "plasmapheresi"],
                    vec!["hep b", "hepat b"]
                ]
            );
            // "hepatitis b" is one concept, not "hepatitis" and "b".
            let plan = planner.plan("hepatitis b", analyzer);
            assert_eq!(plan.concepts.len(), 1);
            assert_eq!(alternatives(&plan.concepts[0]), ["hepat b", "hep b"]);
        });
    }

    #[test]
    fn filler_is_dropped_weak_words_do_not_count_and_unknown_words_do() {
        let texts = [
            "tysabri is given every four weeks",
            "ocrevus is given twice",
        ];
        with_planner(&texts, &[], |planner, analyzer| {
            let plan = planner.plan("how often is tysabri given to u in kesimpta", analyzer);
            let surfaces: Vec<&str> = plan.concepts.iter().map(|c| c.surface.as_str()).collect();
            assert_eq!(surfaces, ["tysabri", "given", "kesimpta"]);
            assert!(plan.concepts[1].weak);
            assert_eq!(plan.concepts[2].recognised, Recognised::Unknown);
            let weights: f32 = [&plan.concepts[0], &plan.concepts[2]]
                .iter()
                .map(|c| c.weight)
                .sum();
            assert!(
                (plan.total_weight() - weights).abs() < 1e-6,
                "weak words are not in the total"
            );
            assert!(plan.cues.contains(&"everi".to_string()), "{:?}", plan.cues);
        });
    }

    #[test]
    fn misspellings_are_corrected_into_their_synonym_group() {
        let texts = ["natalizumab works", "tysabri dosing"];
        let groups: &[(&[&str], bool)] = &[(&["Tysabri", "natalizumab"], true)];
        with_planner(&texts, groups, |planner, analyzer| {
            let plan = planner.plan("tysbari", analyzer);
            let concept = &plan.concepts[0];
            assert!(
                matches!(&concept.recognised, Recognised::Corrected { to, .. } if to == "tysabri")
            );
            assert_eq!(alternatives(concept), ["tysabri", "natalizumab"]);
            assert!(concept.entity);
        });
    }

    #[test]
    fn derived_words_fall_back_to_their_base_form() {
        with_planner(&["there is no cure"], &[], |planner, analyzer| {
            let plan = planner.plan("is it curable", analyzer);
            assert!(
                matches!(&plan.concepts[0].recognised, Recognised::Corrected { to, .. } if to == "cure")
            );
        });
    }

    #[test]
    fn words_in_sentences_that_ask_are_told_apart_from_context() {
        let mut a = analyzer();
        let table: &[(&str, &[bool])] = &[
            ("how often tysabri", &[true, true, true]),
            (
                "I take tysabri. How often?",
                &[false, false, false, true, true],
            ),
            // "it" points back: the sentence before asks too.
            ("Hi! What is it?", &[true, true, true, true]),
            ("Hi! What is Tysabri?", &[false, true, true, true]),
            ("Hi! What is it", &[true, true, true, true]),
            // "2.5" is not a sentence end; words after the last "?" are an
            // unfinished sentence, which asks only if it opens like a question.
            (
                "is 2.5 mg a lot? thanks",
                &[true, true, true, true, true, true, false],
            ),
        ];
        for (question, want) in table {
            let found = words(&mut a, question);
            assert_eq!(asking_words(question, &found), *want, "{question}");
        }
    }

    #[test]
    fn context_sentences_rank_but_do_not_count_when_the_question_has_a_topic() {
        let texts = [
            &[
                "tysabri side effects include headache",
                "a neurologist may suggest tysabri",
            ][..],
            UNRELATED,
        ]
        .concat();
        let groups: &[(&[&str], bool)] = &[(&["Tysabri", "natalizumab"], true)];
        with_planner(&texts, groups, |planner, analyzer| {
            let plan = planner.plan(
                "My neurologist mentioned Tysabri. What are the side effects of Tysabri?",
                analyzer,
            );
            let weak: Vec<(&str, bool)> = plan
                .concepts
                .iter()
                .map(|c| (c.surface.as_str(), c.weak))
                .collect();
            assert!(weak.contains(&("neurologist", true)), "{weak:?}");
            assert!(
                weak.contains(&("Tysabri", false)),
                "asked too, so it counts: {weak:?}"
            );
            // A question with no topic of its own keeps its context.
            let plan = planner.plan("I am on Tysabri. How often?", analyzer);
            assert!(plan.has_topic(), "{:?}", plan.concepts);
        });
    }

    #[test]
    fn a_word_every_passage_uses_is_no_topic_of_its_own() {
        let texts = [
            "ppms has one infusion",
            "an infusion reaction",
            "the infusion center",
        ];
        let groups: &[(&[&str], bool)] = &[(&["PPMS", "primary progressive MS"], false)];
        with_planner(&texts, groups, |planner, analyzer| {
            let plan = planner.plan("I have PPMS. Is there any infusion for me?", analyzer);
            let ppms = plan.concepts.iter().find(|c| c.surface == "PPMS").unwrap();
            assert!(!ppms.weak, "{:?}", plan.concepts);
        });
    }

    #[test]
    fn contractions_without_apostrophes_are_filler_and_comparing_asks_a_kind() {
        let texts = ["relapses that don't respond", "a difference in dosing"];
        with_planner(&texts, &[], |planner, analyzer| {
            let plan = planner.plan("what if it doesnt respond, whats the difference", analyzer);
            let found: Vec<(&str, bool)> = plan
                .concepts
                .iter()
                .map(|c| (c.surface.as_str(), c.weak))
                .collect();
            assert_eq!(found, [("respond", false), ("difference", true)]);
        });
    }

    #[test]
    fn the_story_in_a_sentence_asked_by_reference_does_not_count() {
        let texts = [
            &[
                "you receive tysabri once every four weeks",
                "a neurologist may suggest tysabri",
            ][..],
            UNRELATED,
        ]
        .concat();
        let groups: &[(&[&str], bool)] = &[(&["Tysabri", "natalizumab"], true)];
        with_planner(&texts, groups, |planner, analyzer| {
            let plan = planner.plan(
                "Newly diagnosed and my neurologist mentioned Tysabri. How often would I get it?",
                analyzer,
            );
            let counted: Vec<&str> = plan
                .concepts
                .iter()
                .filter(|c| !c.weak)
                .map(|c| c.surface.as_str())
                .collect();
            assert!(counted.contains(&"Tysabri"), "{counted:?}");
            assert!(!counted.contains(&"Newly"), "{counted:?}");
            assert!(!counted.contains(&"diagnosed"), "{counted:?}");
        });
    }
}
