//! From candidates to a verdict. Two signals judge each candidate passage:
//! lexical coverage (the share of the question's weighted concepts the
//! passage or its headings contain, with the drug rule) and semantic
//! similarity (cosine of the sentence model's vectors). They are fused into
//! one ranking, and a calibrated confidence on the best candidate decides
//! between an answer and "not covered". Every number that shapes this is in
//! [`Weights`] (`weights.rs`).

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use super::analysed::{AnalysedPassage, StemTable};
use super::measure;
use super::passage::Passage;
use super::query::{Concept, QueryPlan, Recognised};
use super::semantic::dense::DenseIndex;
use super::semantic::Embedder;
use super::verdict::Hit;
pub use super::weights::Weights;

/// One candidate passage with everything that judged it.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    #[serde(flatten)]
    pub hit: Hit,
    /// Rank among the lexical candidates (1 = best), if it was one.
    pub lexical_rank: Option<usize>,
    /// The lexical score (BM25 weighed by coverage).
    pub lexical_score: f32,
    /// Rank among the nearest passages by meaning, if it was one.
    pub dense_rank: Option<usize>,
    /// The best cosine of one of its sentences to the question.
    pub sentence_similarity: f32,
    /// The fused score the ranking sorts by.
    pub fused: f32,
    /// How sure the engine is that this passage answers, 0 to 1.
    pub confidence: f32,
    /// The reader's score of the passage beside the member's message, a
    /// logit (above 0: it answers), when it was asked ([`Weights::reader_weight`]).
    pub reader: Option<f32>,
    /// The passage is another drug's: it names a drug, and none of those
    /// the question names (a passage that names no drug may answer).
    pub other_drug: bool,
    /// The question names a drug and asks something of it, and this
    /// passage has the drug but none of what is asked, and the model does
    /// not hold it to answer (its own cosine is under
    /// [`Weights::model_answers`]): the name alone is no answer ("Can
    /// children be given Tysabri?" is not answered by the Tysabri
    /// schedule).
    pub only_drug: bool,
    /// The question asks a measure in a unit ("how many hours") and this
    /// passage names no unit of that kind: it is no answer, however near.
    pub lacks_unit: bool,
    /// For each concept of the plan, how this passage has it.
    pub concepts: Vec<ConceptMatch>,
}

/// How a passage has one concept of the question.
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct ConceptMatch {
    /// Its words (or a synonym) are in the passage or its headings.
    pub named: bool,
    /// The best cosine of one of the passage's sentences to the concept
    /// (when it is not named and can be meant).
    pub meant: f32,
}

/// Why the verdict is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// The best passage is confident enough.
    Answered { confidence: f32, margin: f32 },
    /// The best passage is not.
    LowConfidence { confidence: f32, margin: f32 },
    /// Passages were near, but every one is about another drug than asked.
    OtherDrug,
    /// The best passage has the drug asked of, but not what is asked, and
    /// the model does not hold it to answer.
    OnlyTheDrug,
    /// The question asks a measure in a unit ("how many hours") and the
    /// best passage names no unit of that kind.
    NotInTheUnit,
    /// Nothing in the corpus is near the question.
    #[default]
    NothingNear,
}

/// A question's plan, its candidates in fused order (but that the reader
/// may have moved the surer of the first two ahead), and the reason.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Explanation {
    pub plan: QueryPlan,
    pub candidates: Vec<Candidate>,
    pub reason: Reason,
    /// How many leading candidates are quoted.
    pub quoted: usize,
}

impl Explanation {
    /// The confidence of the passage this reading's verdict is judged on:
    /// the first candidate (0 if none).
    pub fn best_confidence(&self) -> f32 {
        self.candidates.first().map_or(0.0, |c| c.confidence)
    }

    /// The passages to quote, best first.
    pub fn quoted(&self) -> Vec<Hit> {
        self.candidates[..self.quoted]
            .iter()
            .map(|c| c.hit.clone())
            .collect()
    }
}

/// What one passage covers of a question.
#[derive(Debug, Default)]
struct Covered {
    weight: f32,
    in_text: f32,
    matched: Vec<Range<usize>>,
    missing_entity: bool,
    /// It names a drug the question names.
    has_drug: bool,
    /// How much of the question's other topic words ([`Context::other_topic`])
    /// this passage covers.
    topic_covered: f32,
    concepts: Vec<ConceptMatch>,
}

/// A topic word's vector, with its cosine's mean and deviation over the
/// corpus's sentences; `None` for words only counted when named.
pub type ConceptVector = Option<(Vec<f32>, (f32, f32))>;

/// Everything judging reads, borrowed from the engine and the question.
pub struct Context<'a> {
    pub plan: &'a QueryPlan,
    pub passages: &'a [Arc<Passage>],
    pub analysed: &'a [AnalysedPassage],
    pub stems: &'a StemTable,
    pub dense: &'a DenseIndex,
    pub vector: &'a [f32],
    /// The vector of each concept of the plan, for soft coverage (`None`
    /// for weak concepts and drugs, which only count when named).
    /// With each, its cosine's mean and deviation over the corpus's sentences.
    pub concept_vectors: &'a [ConceptVector],
    pub weights: Weights,
    /// How many words the member's message has (the bar falls for long ones).
    pub words: usize,
    /// The reader, and the member's whole message it reads beside a
    /// passage (`None`: judged on the two signals alone).
    pub reader: Option<(&'a Embedder, &'a str)>,
}

impl Context<'_> {
    /// Fuses the lexical candidates (passage id, BM25 score) and the dense
    /// ones (passage id, cosine), judges them, and says how many to quote.
    pub fn judge(
        &self,
        plan: QueryPlan,
        lexical: &[(usize, f32)],
        dense: &[(usize, f32)],
    ) -> Explanation {
        let w = &self.weights;
        let total = self.plan.total_weight();
        // The question names a drug and asks something of it (words besides
        // it that weigh something: "brought *up*" asks nothing): a passage
        // with the drug but none of the rest is near only by the name.
        let concepts = &self.plan.concepts;
        let asked_of_drug: f32 = concepts
            .iter()
            .filter(|c| self.other_topic(c))
            .map(|c| c.weight)
            .sum();
        let asks_of_drug =
            concepts.iter().any(|c| c.entity) && asked_of_drug > self.weights.asked_of_drug;
        let mut ids: Vec<usize> = lexical.iter().map(|(id, _)| *id).collect();
        for (id, _) in dense {
            if !ids.contains(id) {
                ids.push(*id);
            }
        }
        let mut candidates: Vec<Candidate> = ids
            .into_iter()
            .map(|id| {
                let passage = &self.passages[id];
                let covered = self.coverage(id);
                let similarity = self.dense.similarity(id, self.vector);
                // Unless the model itself holds the passage to answer: the
                // member's other words may all be ones the passage lacks
                // ("what does Tysabri do in your body?"). The passage's own
                // cosine: the line was trained between questions and
                // passages, and a taught question is nearer any question.
                let only_drug = asks_of_drug
                    && covered.has_drug
                    && covered.topic_covered <= 0.0
                    && self.dense.similarity_own(id, self.vector) < w.model_answers;
                let coverage = if total > 0.0 && !covered.missing_entity {
                    covered.weight / total
                } else {
                    0.0
                };
                let bm25 = lexical
                    .iter()
                    .find(|(l, _)| *l == id)
                    .map_or(0.0, |(_, s)| *s);
                // A passage that states the words itself is more on topic than
                // one that only inherits them from its heading; a section's
                // first passage is the one that answers its heading.
                let own_words = if covered.weight > 0.0 {
                    covered.in_text / covered.weight
                } else {
                    0.0
                };
                let prior = (w.inherited_prior + (1.0 - w.inherited_prior) * own_words)
                    * if passage.lead { w.lead_prior } else { 1.0 };
                Candidate {
                    hit: Hit {
                        passage: Arc::clone(passage),
                        score: 0.0,
                        coverage,
                        similarity,
                        matched: covered.matched,
                        answer: Vec::new(),
                    },
                    lexical_rank: None,
                    lexical_score: bm25 * (w.coverage_floor + coverage) * prior,
                    dense_rank: None,
                    sentence_similarity: self
                        .dense
                        .best_sentence_similarity(id, self.vector)
                        .map_or(similarity, |s| s.max(similarity)),
                    fused: 0.0,
                    confidence: 0.0,
                    reader: None,
                    other_drug: covered.missing_entity,
                    only_drug,
                    lacks_unit: !self.plan.units.is_empty()
                        && !measure::names_any(&passage.text, &self.plan.units),
                    concepts: covered.concepts,
                }
            })
            .collect();
        // Ranks on each side; the lexical side in its coverage-weighed order.
        let mut order: Vec<usize> = (0..candidates.len())
            .filter(|&i| candidates[i].lexical_score > 0.0)
            .collect();
        order.sort_by(|&a, &b| {
            candidates[b]
                .lexical_score
                .total_cmp(&candidates[a].lexical_score)
        });
        for (rank, i) in order.into_iter().enumerate() {
            candidates[i].lexical_rank = Some(rank + 1);
        }
        for c in &mut candidates {
            c.dense_rank = dense
                .iter()
                .position(|(id, _)| *id == c.hit.passage.id)
                .map(|r| r + 1);
        }
        for c in &mut candidates {
            c.fused = w.fuse(c);
            c.hit.score = c.fused;
            c.confidence = if c.other_drug || c.only_drug || c.lacks_unit {
                0.0
            } else {
                w.confidence(c, self.words)
            };
        }
        candidates.sort_by(|a, b| b.fused.total_cmp(&a.fused));
        // A passage about another drug than asked is never quoted: it sinks.
        candidates.sort_by_key(|c| c.other_drug);
        self.read(&mut candidates);
        let mut sims: Vec<f32> = candidates
            .iter()
            .filter(|c| !c.other_drug)
            .map(|c| c.hit.similarity)
            .collect();
        sims.sort_by(|a, b| b.total_cmp(a));
        let margin = match sims.as_slice() {
            [a, b, ..] => a - b,
            _ => 0.0,
        };
        let reason = match candidates.first() {
            None => Reason::NothingNear,
            Some(best) if best.other_drug => Reason::OtherDrug,
            Some(best) if best.only_drug => Reason::OnlyTheDrug,
            Some(best) if best.lacks_unit => Reason::NotInTheUnit,
            Some(best) if best.confidence >= w.min_confidence => Reason::Answered {
                confidence: best.confidence,
                margin,
            },
            Some(best) => Reason::LowConfidence {
                confidence: best.confidence,
                margin,
            },
        };
        let quoted = if matches!(reason, Reason::Answered { .. }) {
            self.quote(&mut candidates)
        } else {
            0
        };
        for c in candidates.iter_mut().take(quoted) {
            c.hit.answer = self.answer_spans(&c.hit);
        }
        Explanation {
            plan,
            candidates,
            reason,
            quoted,
        }
    }

    /// When the engine is unsure of its first candidate, the reader reads
    /// the message beside the first few that may answer: its score adds to
    /// their evidence, and the surest of them leads. Once one is sure
    /// ([`Weights::reader_sure`]), the rest are not read.
    fn read(&self, candidates: &mut [Candidate]) {
        let w = &self.weights;
        let Some((embedder, message)) = self.reader.filter(|_| w.reader_weight > 0.0) else {
            return;
        };
        let unsure = candidates
            .first()
            .is_some_and(|c| w.reader_low < c.confidence && c.confidence < w.reader_high);
        if !unsure {
            return;
        }
        let may_answer: Vec<usize> = (0..candidates.len())
            .filter(|&i| {
                let c = &candidates[i];
                !(c.other_drug || c.only_drug || c.lacks_unit)
            })
            .take(w.reader_candidates)
            .collect();
        for &i in &may_answer {
            let c = &mut candidates[i];
            match embedder.read(message, &c.hit.passage) {
                Ok(score) => {
                    c.reader = Some(score);
                    c.confidence = w.confidence(c, self.words);
                    // Sure now: the next is not worth a pass.
                    if c.confidence >= w.reader_sure {
                        break;
                    }
                }
                // The two signals' judgement stands.
                Err(err) => tracing::warn!(error = %err, "the reader could not read a passage"),
            }
        }
        // Among those it read: one it never read keeps its place.
        let surest = may_answer
            .iter()
            .copied()
            .filter(|&i| candidates[i].reader.is_some())
            .reduce(|a, b| {
                if candidates[b].confidence > candidates[a].confidence {
                    b
                } else {
                    a
                }
            });
        if let Some(i) = surest {
            candidates[..=i].rotate_right(1);
        }
    }

    /// How many of the (fused-ordered) candidates to quote, the best one
    /// always; a passage of another article may be moved up to be quoted.
    fn quote(&self, candidates: &mut Vec<Candidate>) -> usize {
        let w = &self.weights;
        // One right passage; another only when nearly as relevant, by
        // both the fused score and meaning, and itself confident: surely
        // answering when its article is quoted already.
        let mut quoted = 1;
        let (best, best_similarity) = (candidates[0].fused, candidates[0].hit.similarity);
        // When the best passage has the kind of answer the question's
        // shape asks for ("how often": every, once, weeks…), so must a
        // further one: a side-effect list does not add to a schedule.
        let kind_matters = self.has_cue(candidates[0].hit.passage.id);
        let sure = w.extra_passage_confidence.max(w.min_confidence);
        fn article(c: &Candidate) -> &str {
            &c.hit.passage.article.meta.id
        }
        while quoted < candidates.len().min(w.max_passages) {
            let c = &candidates[quoted];
            let repeats = candidates[..quoted]
                .iter()
                .any(|q| article(q) == article(c));
            let bar = if repeats { sure } else { w.min_confidence };
            // A passage the reader read and holds not to answer is no
            // extra, whatever its scores.
            if c.other_drug
                || c.reader.is_some_and(|r| r < 0.0)
                || c.fused < best * w.extra_passage_ratio
                || c.hit.similarity < best_similarity - w.extra_passage_similarity
                || c.confidence < bar
                || (kind_matters && !self.has_cue(c.hit.passage.id))
            {
                break;
            }
            quoted += 1;
        }
        // A question that names several drugs ("how often are Tysabri and
        // Ocrevus given?") asks of each: the surest passage of a named drug
        // no quoted passage names is quoted too.
        let drugs: Vec<usize> = (0..self.plan.concepts.len())
            .filter(|&n| self.plan.concepts[n].entity && self.plan.concepts[n].asked)
            .collect();
        if drugs.len() > 1 {
            for &n in &drugs {
                let names = |c: &Candidate| c.concepts.get(n).is_some_and(|m| m.named);
                if quoted >= w.max_passages || candidates[..quoted].iter().any(names) {
                    continue;
                }
                let own = (quoted..candidates.len()).find(|&i| {
                    names(&candidates[i]) && candidates[i].confidence >= w.min_confidence
                });
                if let Some(i) = own {
                    let c = candidates.remove(i);
                    candidates.insert(quoted, c);
                    quoted += 1;
                }
            }
        }
        // Another article that answers too, nearly as well and surely,
        // is quoted beside: a second publisher's words on the question.
        if quoted < candidates.len().min(w.max_passages) && w.extra_passage_ratio < 1.0 {
            let quoted_from: Vec<&str> = candidates[..quoted].iter().map(article).collect();
            let other = (quoted..candidates.len()).find(|&i| {
                let c = &candidates[i];
                !c.other_drug
                    && !quoted_from.contains(&article(c))
                    && c.fused >= best * w.other_article_ratio
                    && c.confidence >= sure
            });
            if let Some(i) = other {
                let c = candidates.remove(i);
                candidates.insert(quoted, c);
                quoted += 1;
            }
        }
        quoted
    }

    /// Whether passage `id`'s text has one of the words answers to the
    /// question's shape tend to contain (none asked: false).
    fn has_cue(&self, id: usize) -> bool {
        self.plan.cues.iter().any(|cue| {
            self.stems
                .phrase(std::slice::from_ref(cue))
                .is_some_and(|phrase| !self.analysed[id].find_in_text(&phrase).is_empty())
        })
    }

    /// Which of the question's concepts passage `id` covers, in its headings
    /// or its own text, and where the matched words stand in the text.
    fn coverage(&self, id: usize) -> Covered {
        let analysed = &self.analysed[id];
        let mut covered = Covered::default();
        let (mut asks_drug, mut has_drug) = (false, false);
        for (n, concept) in self.plan.concepts.iter().enumerate() {
            let mut in_heading = false;
            let mut in_text = false;
            let alternatives: &[Vec<String>] = if concept.recognised == Recognised::Unknown {
                &[]
            } else {
                &concept.alternatives
            };
            for phrase in alternatives {
                let Some(phrase) = self.stems.phrase(phrase) else {
                    continue;
                };
                // A taught question says what the passage answers, as a
                // heading does; but a drug must be the passage's own.
                in_heading |= analysed.context_has(&phrase)
                    || (!concept.entity && analysed.taught_has(&phrase));
                let ranges = analysed.find_in_text(&phrase);
                in_text |= !ranges.is_empty();
                covered.matched.extend(ranges);
            }
            if concept.entity {
                asks_drug = true;
                has_drug |= in_heading || in_text;
            }
            if concept.weak {
                covered.concepts.push(ConceptMatch::default());
                continue;
            }
            let mut matched = ConceptMatch {
                named: in_heading || in_text,
                meant: 0.0,
            };
            let credit = if matched.named {
                1.0
            } else if let Some((vector, baseline)) = &self.concept_vectors[n] {
                let (cosine, credit) = self.soft_match(id, vector, *baseline);
                matched.meant = cosine;
                credit
            } else {
                0.0
            };
            covered.weight += concept.weight * credit;
            if self.other_topic(concept) {
                covered.topic_covered += concept.weight * credit;
            }
            covered.concepts.push(matched);
            if in_text {
                covered.in_text += concept.weight;
            }
        }
        // A drug named anywhere in the message, even as context: another
        // drug's passage is no answer. A passage that names no drug speaks
        // of them all ("For all of these drugs, an infusion reaction…").
        covered.missing_entity = asks_drug && !has_drug && analysed.names_drug;
        covered.has_drug = has_drug;
        let matched = &mut covered.matched;
        matched.sort_by_key(|r| (r.start, r.end));
        matched.dedup_by(|b, a| {
            if b.start <= a.end {
                a.end = a.end.max(b.end);
                true
            } else {
                false
            }
        });
        covered
    }

    /// A topic word of the question besides drugs: counted, not a drug,
    /// heavier than the floor.
    fn other_topic(&self, concept: &Concept) -> bool {
        !concept.weak && !concept.entity && concept.weight > self.weights.min_weight
    }

    /// How well some sentence of passage `id` means a word: how many
    /// deviations its best cosine stands above the word's baseline, and the
    /// credit that earns, 0 to 1.
    fn soft_match(&self, id: usize, word: &[f32], (mean, deviation): (f32, f32)) -> (f32, f32) {
        let w = &self.weights;
        let best = self
            .dense
            .best_sentence_similarity(id, word)
            .unwrap_or(f32::MIN);
        let z = (best - mean) / deviation;
        let credit = ((z - w.soft_low) / (w.soft_high - w.soft_low)).clamp(0.0, 1.0);
        (z, credit)
    }

    /// The sentence(s) of a quoted passage that answer: the one nearest the
    /// question by meaning, a matched question word counting a little; a
    /// lead-in that ends with ":" answers with the list it introduces.
    fn answer_spans(&self, hit: &Hit) -> Vec<Range<usize>> {
        let passage = &hit.passage;
        let sims = self.dense.sentence_similarities(passage.id, self.vector);
        if sims.is_empty() || sims.len() != passage.sentences.len() {
            return Vec::new();
        }
        let score = |i: usize| {
            let span = &passage.sentences[i];
            let matches = hit
                .matched
                .iter()
                .filter(|m| m.start >= span.start && m.end <= span.end)
                .count();
            sims[i] + self.weights.sentence_match * matches as f32
        };
        let best = (0..sims.len())
            .max_by(|&a, &b| score(a).total_cmp(&score(b)))
            .expect("non-empty");
        let mut spans = vec![passage.sentences[best].clone()];
        if passage.text[passage.sentences[best].clone()].ends_with(':') {
            for span in &passage.sentences[best + 1..] {
                if passage.text[span.clone()].ends_with(':') {
                    break;
                }
                spans.push(span.clone());
            }
        }
        spans
    }
}
