//! Every number that shapes an answer, in one struct: the lexical query's
//! boosts, the fusion of the two signals, the confidence that decides
//! between an answer and "not covered", and how many passages are quoted.

use super::rank::Candidate;
use super::EngineSettings;

/// Every number that shapes the lexical query, ranking and the verdict, in
/// one place. The
/// fusion and confidence weights were fitted by grid search on the three
/// question sets together (`tests/fixtures/forum-posts.toml`,
/// `tests/fixtures/member-questions.toml`, `shared/eval/dev.toml`), a
/// handful of numbers for a few hundred questions, none tuned to one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Fused score = similarity, plus best sentence's similarity times
    /// `fuse_sentence`, plus coverage times `fuse_coverage`, plus
    /// `fuse_lexical`·k/(k + lexical rank) with k = `lexical_rank_k`:
    /// meaning leads, coverage and the lexical ranking (drug names, exact
    /// terms) break its ties.
    pub fuse_sentence: f32,
    pub fuse_coverage: f32,
    pub fuse_lexical: f32,
    pub lexical_rank_k: f32,
    /// Evidence = coverage·`evidence_coverage` + similarity + best
    /// sentence's similarity·`evidence_sentence`; confidence is
    /// logistic((evidence − `evidence_bar`)·`confidence_slope`), so the bar
    /// is confidence 0.5.
    pub evidence_coverage: f32,
    pub evidence_sentence: f32,
    pub evidence_bar: f32,
    pub confidence_slope: f32,
    /// A long message's evidence is weighed against a lower bar: its story
    /// lowers both coverage and similarity for a passage that answers it
    /// just as well. Up to `bar_free_words` words the bar is
    /// `evidence_bar`; beyond, it falls by `bar_per_length` for each
    /// e-fold of length (20 words: −0.18; 40 words: −0.32), to at most
    /// `bar_most_words`' (60 words: −0.40).
    pub bar_free_words: f32,
    pub bar_per_length: f32,
    pub bar_most_words: f32,
    /// Below this confidence the verdict is "no answer".
    pub min_confidence: f32,
    /// A further passage must reach this share of the best fused score...
    pub extra_passage_ratio: f32,
    /// ...be no more than this far below the best one's similarity...
    pub extra_passage_similarity: f32,
    /// ...and be confident itself: `min_confidence`, or this much (if
    /// higher) when its article is quoted already.
    pub extra_passage_confidence: f32,
    pub max_passages: usize,
    /// A passage of an article not yet quoted is added when its fused
    /// score is this share of the best one's (and it is as confident).
    pub other_article_ratio: f32,
    /// Score factor for the first passage of a section (it answers the heading).
    pub lead_prior: f32,
    /// Lexical score factor for a passage whose matched words are all
    /// inherited from its headings; one that states them all itself keeps 1.0,
    /// linearly between.
    pub inherited_prior: f32,
    /// The lexical side orders by BM25 × (`coverage_floor` + coverage): a
    /// passage that covers little of the question still ranks by its BM25.
    pub coverage_floor: f32,
    /// A question asks something of the drug it names when its other
    /// topic words weigh more than this together (then a passage with the
    /// drug and none of them is no answer, unless its own similarity
    /// reaches `model_answers`).
    pub asked_of_drug: f32,
    /// The cosine from which the tuned model holds a passage to answer a
    /// question: its training pushed each question above this with its own
    /// passage, and each question the articles do not answer below it with
    /// every passage (`TAU` in `models/minilm-l6-ms/train.py`; a test keeps
    /// the two equal). A push, not a guarantee: alone it would answer more
    /// near misses than the confidence bar does.
    pub model_answers: f32,
    /// The reader (`semantic/reader.rs`) is asked when the first
    /// candidate's confidence lies strictly between `reader_low` and
    /// `reader_high`, of the first `reader_candidates` that may answer;
    /// its score (a logit) times `reader_weight` adds to their evidence.
    pub reader_low: f32,
    pub reader_high: f32,
    pub reader_candidates: usize,
    pub reader_weight: f32,
    /// A candidate this confident after reading ends the reading.
    pub reader_sure: f32,
    /// Answer marking: each matched question word in a sentence adds this
    /// to the sentence's similarity.
    pub sentence_match: f32,
    /// A question word the passage does not contain still counts as covered
    /// when one of its sentences means it: none when the best cosine stands
    /// less than `soft_low` deviations above the word's baseline, fully from
    /// `soft_high`, linearly between.
    pub soft_low: f32,
    pub soft_high: f32,

    // The lexical query (see `query.rs`).
    /// A synonym counts this much of the member's own word.
    pub synonym_boost: f32,
    /// Of a concept's ways of being said (words, synonyms, in text or
    /// heading), the best one counts, the others this share each.
    pub synonym_tie_breaker: f32,
    /// A concept's BM25 is scaled to the share of meaning it carries in
    /// coverage (its weight over its BM25 IDF), at least this much.
    pub min_idf_share: f32,
    /// A match in the heading path counts more: it says what the passage is about.
    pub heading_boost: f32,
    /// Answer cues only break ties between passages that match the question.
    pub cue_boost: f32,
    /// Each question word found in a heading adds this much.
    pub echo_boost: f32,
    /// Two neighbouring question words found within `proximity_slop`
    /// positions earn `proximity_boost` more.
    pub proximity_slop: u32,
    pub proximity_boost: f32,
    /// The least weight a concept has, however common.
    pub min_weight: f32,
    /// Answer-kind words (`lexicon.rs`) rank with this share of their weight.
    pub weak_weight: f32,
    /// Everyday-English specificity (from the model's vocabulary) scales a
    /// word's IDF: words at least `term_specificity` specific keep their
    /// whole weight ("needle"), words `common_specificity` or more common
    /// only `min_specificity` of it ("over"), linearly between.
    pub term_specificity: f32,
    pub common_specificity: f32,
    pub min_specificity: f32,
}

impl Weights {
    pub const DEFAULT: Weights = Weights {
        fuse_sentence: 0.3,
        fuse_coverage: 0.2,
        fuse_lexical: 0.5,
        lexical_rank_k: 3.0,
        evidence_coverage: 1.0,
        evidence_sentence: 0.3,
        evidence_bar: 1.12,
        confidence_slope: 8.0,
        bar_free_words: 8.0,
        bar_per_length: 0.2,
        bar_most_words: 60.0,
        min_confidence: 0.5,
        extra_passage_ratio: 0.85,
        extra_passage_similarity: 0.1,
        extra_passage_confidence: 0.9,
        max_passages: 3,
        other_article_ratio: 0.8,
        lead_prior: 1.1,
        inherited_prior: 0.85,
        coverage_floor: 0.25,
        asked_of_drug: 0.5,
        model_answers: 0.5,
        reader_low: 0.02,
        reader_high: 0.99,
        reader_candidates: 2,
        reader_weight: 0.1,
        reader_sure: 0.7,
        sentence_match: 0.05,
        soft_low: 2.0,
        soft_high: 4.0,
        synonym_boost: 0.8,
        synonym_tie_breaker: 0.2,
        min_idf_share: 0.3,
        heading_boost: 1.5,
        cue_boost: 0.3,
        echo_boost: 0.2,
        proximity_slop: 2,
        proximity_boost: 1.0,
        min_weight: 0.1,
        weak_weight: 0.25,
        term_specificity: 0.85,
        common_specificity: 0.35,
        min_specificity: 0.1,
    };

    pub fn from_settings(settings: &EngineSettings) -> Weights {
        Weights {
            min_confidence: settings.min_confidence,
            extra_passage_ratio: settings.extra_passage_ratio,
            max_passages: settings.max_passages,
            // Off: its weight is 0, and it is never asked.
            reader_weight: if settings.reader {
                Weights::DEFAULT.reader_weight
            } else {
                0.0
            },
            ..Weights::DEFAULT
        }
    }

    /// The fused score of a candidate.
    pub(super) fn fuse(&self, c: &Candidate) -> f32 {
        let k = self.lexical_rank_k;
        c.hit.similarity
            + self.fuse_sentence * c.sentence_similarity
            + self.fuse_coverage * c.hit.coverage
            + c.lexical_rank
                .map_or(0.0, |r| self.fuse_lexical * k / (k + r as f32))
    }

    /// How sure the engine is that a passage answers a message of `words`
    /// words, 0 to 1.
    pub(super) fn confidence(&self, c: &Candidate, words: usize) -> f32 {
        let evidence = self.evidence_coverage * c.hit.coverage
            + c.hit.similarity
            + self.evidence_sentence * c.sentence_similarity
            + self.reader_weight * c.reader.unwrap_or(0.0);
        self.confidence_of(evidence, words)
    }

    /// Confidence from evidence, for a message of `words` words.
    fn confidence_of(&self, evidence: f32, words: usize) -> f32 {
        let bar = self.evidence_bar - self.bar_per_length * self.length_factor(words);
        1.0 / (1.0 + (-(evidence - bar) * self.confidence_slope).exp())
    }

    /// How much longer than `bar_free_words` a message is, in e-folds, up
    /// to `bar_most_words` (padding a message never lowers the bar more).
    fn length_factor(&self, words: usize) -> f32 {
        let words = (words as f32).min(self.bar_most_words);
        (words / self.bar_free_words).ln().max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_models_answer_line_is_the_one_it_was_trained_on() {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/models/minilm-l6-ms/train.py");
        let text = std::fs::read_to_string(script).unwrap();
        let tau: f32 = text
            .lines()
            .find_map(|line| line.strip_prefix("TAU = "))
            .expect("train.py sets TAU")
            .trim()
            .parse()
            .unwrap();
        assert_eq!(Weights::DEFAULT.model_answers, tau);
    }

    #[test]
    fn a_long_message_meets_a_lower_bar_and_a_short_one_the_usual() {
        let w = Weights::DEFAULT;
        let evidence = w.evidence_bar - 0.1;
        let short = w.confidence_of(evidence, 5);
        assert_eq!(short, w.confidence_of(evidence, 8), "up to bar_free_words");
        assert!(short < w.min_confidence);
        let long = w.confidence_of(evidence, 40);
        assert!(long > w.min_confidence, "{long}");
        assert!(w.confidence_of(evidence, 80) > long);
    }
}
