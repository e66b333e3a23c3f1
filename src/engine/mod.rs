//! The answer engine: corpus → passages → index → verdict. It knows nothing of
//! Discord; the command line and the bot both call [`Engine::ask`].
//!
//! An `Engine` is an immutable value built from one corpus snapshot; share it
//! as `Arc<Engine>`, and build a new one to take in a changed corpus.
//!
//! A question goes: triage first (urgent guidance is never overridden) →
//! a lexical plan (drug names, exact terms, spelling, synonyms) and the
//! question's vector from the sentence model → candidates from both → one
//! fused ranking → a calibrated verdict (see [`rank`]).

pub mod analysed;
pub mod analysis;
pub mod asking;
pub mod index;
pub mod lexicon;
pub mod measure;
pub mod passage;
pub mod query;
pub mod rank;
pub mod semantic;
pub mod spelling;
pub mod taught;
pub mod triage;
pub mod verdict;
pub mod weights;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use serde::Deserialize;
use tantivy::collector::TopDocs;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::IndexReader;

use crate::corpus::{Corpus, CorpusError};
use analysed::{AnalysedPassage, StemTable};
use analysis::analyzer;
use index::{BuildReport, Fields};
use lexicon::Lexicon;
use passage::{cut_passages, Passage};
use query::{Planner, SynonymTable};
pub use rank::{Candidate, Explanation, Reason};
use semantic::dense::{DenseIndex, DenseReport};
use semantic::{Embedder, ModelError};
use spelling::Speller;
pub use triage::{triage, UrgentKind};
pub use verdict::{Hit, Verdict, DISCLAIMER};

/// Questions longer than this are cut before analysis (a chat message is
/// at most a few thousand characters; nothing useful is lost).
pub const MAX_QUESTION_CHARS: usize = 1000;

/// Why an engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error("cannot write the index folder {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the search index failed: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// Tuning that the bot and the command line share (config `[engine]`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct EngineSettings {
    /// Passages quoted in an answer, at most.
    pub max_passages: usize,
    /// How sure the engine must be that its best passage answers, 0 to 1;
    /// below it the verdict is "no answer" (see `rank::Weights`).
    pub min_confidence: f32,
    /// A second or third passage is quoted only when its fused score is at
    /// least this share of the best one's.
    pub extra_passage_ratio: f32,
    /// Whether the reader ([`semantic::reader`]) reads the member's message
    /// beside the first candidates when the engine is unsure of them.
    pub reader: bool,
    /// Folder of the sentence model; the repository's `models/` by default.
    pub model_dir: Option<PathBuf>,
    /// Folder of the passage-vector cache; the index folder by default.
    pub vector_cache: Option<PathBuf>,
}

impl Default for EngineSettings {
    fn default() -> Self {
        EngineSettings {
            max_passages: 3,
            min_confidence: rank::Weights::DEFAULT.min_confidence,
            extra_passage_ratio: rank::Weights::DEFAULT.extra_passage_ratio,
            reader: true,
            model_dir: None,
            vector_cache: None,
        }
    }
}

impl EngineSettings {
    pub fn model_dir(&self) -> PathBuf {
        self.model_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(semantic::DEFAULT_MODEL_DIR))
    }
}

/// Passages taken from each side (lexical, dense) before fusion.
const CANDIDATES: usize = 12;
/// Verdicts an engine remembers (the last questions asked).
pub const REMEMBERED: usize = 512;
/// Questions of one post read one at a time, at most.
const MAX_READINGS: usize = 3;
/// Topics listed with a "no answer".
const SUGGESTIONS: usize = 5;

/// The answer engine for one corpus snapshot.
pub struct Engine {
    corpus: Corpus,
    passages: Vec<Arc<Passage>>,
    analysed: Vec<AnalysedPassage>,
    stems: StemTable,
    /// Swapped for a fresh build's if a search fails ([`Engine::repair`]).
    reader: RwLock<IndexReader>,
    index_root: PathBuf,
    fields: Fields,
    analyzer: TextAnalyzer,
    synonyms: SynonymTable,
    lexicon: Lexicon,
    weights: rank::Weights,
    speller: Speller,
    embedder: Arc<Embedder>,
    dense: DenseIndex,
    topics: Vec<String>,
    settings: EngineSettings,
    report: BuildReport,
    dense_report: DenseReport,
    /// The verdicts of the last questions asked, by their cleaned text.
    verdicts: Mutex<lru::LruCache<String, Verdict>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("articles", &self.corpus.articles.len())
            .field("passages", &self.passages.len())
            .field("fingerprint", &self.corpus.fingerprint)
            .finish()
    }
}

/// Where the corpus and the index live.
#[derive(Debug, Clone)]
pub struct Paths {
    pub corpus: PathBuf,
    pub index: PathBuf,
}

impl Engine {
    /// Loads the corpus and opens its index, building it when missing or stale.
    pub fn open(paths: &Paths, settings: EngineSettings) -> Result<Engine, EngineError> {
        let corpus = Corpus::load(&paths.corpus)?;
        Engine::from_corpus(corpus, &paths.index, settings, false, &|_, _| {})
    }

    /// Builds an engine from an already loaded corpus; `rebuild` forces a
    /// fresh index build. `progress(done, total)` follows a build.
    pub fn from_corpus(
        corpus: Corpus,
        index_root: &Path,
        settings: EngineSettings,
        rebuild: bool,
        progress: &dyn Fn(usize, usize),
    ) -> Result<Engine, EngineError> {
        // The model first: a missing or damaged model is the clearest error.
        let embedder = Embedder::shared(&settings.model_dir())?;
        let mut passages: Vec<Passage> = cut_passages(&corpus);
        for problem in taught::attach(&corpus, &mut passages) {
            // `check` reports it; the other questions and the articles answer on.
            tracing::warn!(problem = %problem, "taught question left out");
        }
        let (reader, report) = if rebuild {
            index::build(index_root, &passages, progress)?
        } else {
            index::open_or_build(index_root, &passages, progress)?
        };
        let cache_dir = settings.vector_cache.as_deref().unwrap_or(index_root);
        let (dense, dense_report) = DenseIndex::build(&embedder, cache_dir, &passages, progress)?;
        let (_, fields) = index::schema();
        let mut analyzer = analyzer();
        let synonyms = SynonymTable::new(&corpus.synonyms, &mut analyzer);
        let lexicon = Lexicon::new(&mut analyzer);
        let mut stems = StemTable::default();
        let mut analysed: Vec<AnalysedPassage> = passages
            .iter()
            .map(|p| AnalysedPassage::new(p, &mut analyzer, &mut stems))
            .collect();
        let drugs: Vec<Vec<u32>> = synonyms
            .entity_phrases()
            .filter_map(|phrase| stems.phrase(phrase))
            .collect();
        for a in &mut analysed {
            a.names_drug = drugs.iter().any(|d| a.names(d));
        }
        let mut topics: Vec<String> = Vec::new();
        for passage in &passages {
            if let Some(leaf) = passage.heading_path.last() {
                if !topics.contains(leaf) {
                    topics.push(leaf.clone());
                }
            }
        }
        tracing::info!(
            articles = corpus.articles.len(),
            passages = passages.len(),
            built = report.built,
            embedded = dense_report.embedded,
            "engine ready"
        );
        let engine = Engine {
            corpus,
            passages: passages.into_iter().map(Arc::new).collect(),
            analysed,
            stems,
            reader: RwLock::new(reader),
            index_root: index_root.to_path_buf(),
            fields,
            analyzer,
            synonyms,
            lexicon,
            weights: rank::Weights::from_settings(&settings),
            speller: Speller::default(),
            embedder,
            dense,
            topics,
            settings,
            report,
            dense_report,
            verdicts: Mutex::new(lru::LruCache::new(
                std::num::NonZeroUsize::new(REMEMBERED).expect("not zero"),
            )),
        };
        // Compile the triage patterns and touch the index once, so the first
        // member's question is as fast as the rest.
        let _ = engine.ask("how often is an infusion given");
        Ok(engine)
    }

    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    pub fn passages(&self) -> &[Arc<Passage>] {
        &self.passages
    }

    pub fn settings(&self) -> &EngineSettings {
        &self.settings
    }

    /// How the index was opened (path, passages, time, whether it was built).
    pub fn build_report(&self) -> &BuildReport {
        &self.report
    }

    /// How the passages' vectors were had (how many the model read).
    pub fn dense_report(&self) -> &DenseReport {
        &self.dense_report
    }

    /// Answers one question. Never fails: an index or model error is logged
    /// and reads as "no answer" (urgent triage still runs first). Members
    /// repeat each other: the verdicts of the last [`REMEMBERED`] questions
    /// are remembered (this engine's corpus never changes, so they stay
    /// right), a failed search's never.
    pub fn ask(&self, question: &str) -> Verdict {
        let question = clean_question(question);
        let mut remembered = self.verdicts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(verdict) = remembered.get(question.as_ref()) {
            return verdict.clone();
        }
        drop(remembered);
        let (explanation, searched) = self.explanation(&question);
        let verdict = self.verdict(&question, &explanation);
        if searched {
            let mut remembered = self.verdicts.lock().unwrap_or_else(|e| e.into_inner());
            remembered.put(question.into_owned(), verdict.clone());
        }
        verdict
    }

    /// [`Engine::ask`] without the remembered verdicts: the engine's whole
    /// work for a question (its vector may still come from the model's
    /// cache), for benchmarks.
    pub fn ask_afresh(&self, question: &str) -> Verdict {
        let question = clean_question(question);
        let (explanation, _) = self.explanation(&question);
        self.verdict(&question, &explanation)
    }

    /// The verdict on a question, from its explanation.
    fn verdict(&self, question: &str, explanation: &Explanation) -> Verdict {
        let urgent = triage(question);
        let hits = explanation.quoted();
        match urgent {
            Some(kind) => Verdict::Urgent {
                kind,
                guidance: kind.guidance(),
                hits,
            },
            None if hits.is_empty() => Verdict::NoAnswer {
                suggestions: self.suggestions(&explanation.candidates),
            },
            None => Verdict::Answer { hits },
        }
    }

    /// How a question was understood, every candidate passage with both
    /// signals and its fused rank, and why the verdict is what it is, for
    /// `ask --explain`.
    pub fn explain(&self, question: &str) -> Explanation {
        self.explanation(&clean_question(question)).0
    }

    /// The explanation of a question. A search that fails or panics inside
    /// the index means the index was damaged after it was opened: it is
    /// rebuilt from the corpus and the question asked again, once.
    /// With it, whether the verdict may be remembered: not when the model
    /// failed or the index could not be rebuilt (the next ask tries again).
    fn explanation(&self, question: &str) -> (Explanation, bool) {
        let err = match self.guarded_gather(question) {
            Ok(explanation) => return (explanation, true),
            Err(SearchError::Model(err)) => {
                tracing::error!(error = %err, "search failed");
                return (Explanation::default(), false);
            }
            Err(err) => err,
        };
        tracing::warn!(error = %err, "search failed; rebuilding the index");
        if let Err(err) = self.repair() {
            tracing::error!(error = %err, "index rebuild failed");
            return (Explanation::default(), false);
        }
        match self.guarded_gather(question) {
            Ok(explanation) => (explanation, true),
            // The index is fresh, so the question itself fails: remembered
            // as "no answer", so that asking it again rebuilds nothing.
            Err(err) => {
                tracing::error!(error = %err, "search failed after a rebuild");
                (Explanation::default(), true)
            }
        }
    }

    fn guarded_gather(&self, question: &str) -> Result<Explanation, SearchError> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.gather(question)))
            .unwrap_or(Err(SearchError::Panicked))
    }

    /// Rebuilds the index from the corpus this engine holds, and searches
    /// it from now on.
    fn repair(&self) -> Result<(), EngineError> {
        let passages: Vec<Passage> = self.passages.iter().map(|p| (**p).clone()).collect();
        let (reader, _) = index::build(&self.index_root, &passages, &|_, _| {})?;
        *self.reader.write().unwrap_or_else(|p| p.into_inner()) = reader;
        Ok(())
    }

    fn planner<'a>(&'a self, searcher: &'a tantivy::Searcher) -> Planner<'a> {
        Planner {
            searcher,
            fields: self.fields,
            synonyms: &self.synonyms,
            speller: &self.speller,
            lexicon: &self.lexicon,
            weights: &self.weights,
            embedder: Some(&self.embedder),
        }
    }

    /// Both sides' candidates, fused and judged. A post that asks several
    /// things ("What does plasma exchange involve? Is it covered by my
    /// health plan? Do I need a referral?") and is not answered as a whole
    /// is also read one question at a time (with the sentence a question
    /// points back at; the other questions' words stay, as its context),
    /// and the reading whose best passage is surest wins: one answerable
    /// question is not refused for the others' words.
    fn gather(&self, question: &str) -> Result<Explanation, SearchError> {
        let sentences = asking::asking_sentences(question);
        let whole = self.gather_asking(question, sentences.clone(), true, &[])?;
        let Some(sentences) = sentences else {
            return Ok(whole);
        };
        let direct: Vec<usize> = (0..sentences.len())
            .filter(|&i| !sentences[i].by_reference)
            .collect();
        // Only when the whole post is not answered (which costs nothing more).
        if direct.len() < 2 || matches!(whole.reason, rank::Reason::Answered { .. }) {
            return Ok(whole);
        }
        let mut best = whole;
        // Each reading is a pass of the model: the last few questions of a
        // post, where it usually asks what it came for.
        for &i in direct.iter().rev().take(MAX_READINGS) {
            let mut part = Vec::new();
            if i > 0 && sentences[i - 1].by_reference {
                part.push(sentences[i - 1].clone());
            }
            part.push(sentences[i].clone());
            // A "how long" asks in the unit of a next sentence that only
            // goes on with it ("… take? Like how many hours…?").
            let follow_up = sentences
                .get(i + 1)
                .map(|next| measure::follow_up_kinds(&question[next.range.clone()]))
                .unwrap_or_default();
            match self.gather_asking(question, Some(part), false, &follow_up) {
                Ok(one) if one.best_confidence() > best.best_confidence() => best = one,
                Ok(_) => {}
                // The whole post's reading stands.
                Err(err) => tracing::warn!(error = %err, "one question of a post not read"),
            }
        }
        Ok(best)
    }

    /// [`Engine::gather`] for one reading: these sentences ask (`None`:
    /// the whole message does); a "how long" among them that names no unit
    /// asks in the `inherited` units. When the reading is unsure of its
    /// first candidates, judging asks the reader to read beside them what
    /// the reading asks (the member's message, or the one question of a
    /// post).
    fn gather_asking(
        &self,
        question: &str,
        sentences: Option<Vec<asking::Asking>>,
        whole: bool,
        inherited: &[measure::UnitKind],
    ) -> Result<Explanation, SearchError> {
        let searcher = self
            .reader
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .searcher();
        let mut analyzer = self.analyzer.clone();
        let planner = self.planner(&searcher);
        let mut plan = planner.plan_asking(question, sentences.clone(), &mut analyzer);
        // What the reading asks, joined once: for the unit and the model.
        let mut asked = asking::joined(question, sentences.as_deref());
        if plan.units.is_empty() && !inherited.is_empty() && measure::asks_how_long(&asked) {
            plan.units = inherited.to_vec();
        }
        let lexical = if plan.has_topic() {
            let query = planner.query(&plan);
            let top =
                searcher.search(&*query, &TopDocs::with_limit(CANDIDATES).order_by_score())?;
            let mut found = Vec::with_capacity(top.len());
            for (score, address) in top {
                let column = searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .u64("passage")?;
                if let Some(id) = column.first(address.doc_id) {
                    if (id as usize) < self.passages.len() {
                        found.push((id as usize, score));
                    }
                }
            }
            found
        } else {
            Vec::new()
        };
        // A long post is read by the sentences that ask, with the drugs the
        // rest of it names: "My neuro wants me on Ocrevus. How are the first
        // doses done?" asks about Ocrevus.
        let asked_words = words(&asked);
        for (wrong, right) in &plan.respelt {
            asked = spelling::respell(&asked, wrong, right);
        }
        for concept in plan.concepts.iter().filter(|c| c.entity && !c.asked) {
            asked.push(' ');
            asked.push_str(&concept.surface);
        }
        let question_vectors = self.embedder.embed_question(&asked)?;
        let vector = &question_vectors.whole;
        let dense = self.dense.nearest(vector, CANDIDATES);
        // Each topic word's meaning, read in the question's own pass, for
        // soft coverage; drugs only count when named, weak words not at all.
        let concept_vectors: Vec<rank::ConceptVector> = plan
            .concepts
            .iter()
            .map(|c| {
                if c.weak || c.entity {
                    return None;
                }
                // A term or name the corpus lacks ("kesimpta") is not meant
                // by any sentence: only everyday words are matched by meaning.
                if c.recognised == query::Recognised::Unknown
                    && self.embedder.specificity(&c.surface.to_lowercase()) >= 1.0
                {
                    return None;
                }
                let start = asked.find(c.surface.as_str())?;
                let words = question_vectors.words(start..start + c.surface.len())?;
                let baseline = self.dense.sentence_baseline(&words);
                Some((words, baseline))
            })
            .collect();
        let context = rank::Context {
            plan: &plan,
            passages: &self.passages,
            analysed: &self.analysed,
            stems: &self.stems,
            dense: &self.dense,
            vector,
            concept_vectors: &concept_vectors,
            weights: self.weights,
            // One question read alone is as long as its own words.
            words: if whole { words(question) } else { asked_words },
            // The whole message, or the one question of a post this
            // reading picked out (the rest of a post that asks several
            // things is no part of what this passage must answer).
            reader: Some((&self.embedder, if whole { question } else { &asked })),
        };
        Ok(context.judge(plan.clone(), &lexical, &dense))
    }

    /// A few topics the articles cover: the sections of the candidates that
    /// touch the question, nearest first, then the corpus's own sections in
    /// reading order. Only built for a "no answer".
    fn suggestions(&self, candidates: &[Candidate]) -> Vec<String> {
        let near = candidates
            .iter()
            .filter(|c| c.hit.coverage > 0.0)
            .filter_map(|c| c.hit.passage.heading_path.last());
        let mut topics: Vec<String> = Vec::with_capacity(SUGGESTIONS);
        for topic in near.chain(self.topics.iter()) {
            if topics.len() == SUGGESTIONS {
                break;
            }
            if !topics.contains(topic) {
                topics.push(topic.clone());
            }
        }
        topics
    }
}

/// Why a search could not run (logged; the member gets "no answer").
#[derive(Debug, thiserror::Error)]
enum SearchError {
    #[error("the index failed: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("the index search panicked")]
    Panicked,
}

/// How many words a message has: runs of text with a letter or digit in
/// them (a row of dots is no words).
fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// Makes any member text safe to analyse: no control characters, straight
/// quotes, at most [`MAX_QUESTION_CHARS`] characters.
pub fn clean_question(question: &str) -> Cow<'_, str> {
    let needs_work = question.chars().count() > MAX_QUESTION_CHARS
        || question.chars().any(|c| {
            c.is_control() || matches!(c, '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}')
        });
    if !needs_work {
        return Cow::Borrowed(question);
    }
    Cow::Owned(
        question
            .chars()
            .take(MAX_QUESTION_CHARS)
            .map(|c| match c {
                '\u{2018}' | '\u{2019}' => '\'',
                '\u{201c}' | '\u{201d}' => '"',
                c if c.is_control() => ' ',
                c => c,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped corpus, its index in a temporary folder.
    fn shipped() -> (tempfile::TempDir, Engine) {
        let index = tempfile::tempdir().unwrap();
        let paths = Paths {
            corpus: Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"),
            index: index.path().to_path_buf(),
        };
        let engine = Engine::open(&paths, EngineSettings::default()).unwrap();
        (index, engine)
    }

    /// A reader of an index with another schema: searching it fails inside
    /// tantivy, as a damaged index would after it was opened.
    fn broken_reader() -> IndexReader {
        let mut builder = tantivy::schema::Schema::builder();
        let text = builder.add_text_field("other", tantivy::schema::TEXT);
        let broken = tantivy::Index::create_in_ram(builder.build());
        let mut writer = broken.writer(15_000_000).unwrap();
        writer
            .add_document(tantivy::doc!(text => "tysabri given every four weeks"))
            .unwrap();
        writer.commit().unwrap();
        broken.reader().unwrap()
    }

    #[test]
    fn a_question_asked_before_is_answered_from_its_remembered_verdict() {
        let (_dir, engine) = shipped();
        let first = engine.ask("How often is Ocrevus given?");
        assert!(!first.hits().is_empty());
        *engine.reader.write().unwrap() = broken_reader();
        // Remembered: no search, so the broken index is not even read.
        let again = engine.ask("How often is Ocrevus given?");
        assert_eq!(format!("{again:?}"), format!("{first:?}"));
        assert_ne!(
            engine.reader.read().unwrap().searcher().num_docs() as usize,
            engine.passages().len(),
            "no rebuild was needed"
        );
        // Spelt otherwise, it is searched (and the index repaired).
        assert_eq!(
            engine.ask("how often is ocrevus given").hits()[0]
                .passage
                .id,
            first.hits()[0].passage.id
        );
    }

    #[test]
    fn a_search_that_fails_inside_the_index_rebuilds_it_and_answers() {
        let (_dir, engine) = shipped();
        // Swap in a reader of an index with another schema: one document, no
        // passage column. Searching it fails (or panics) inside tantivy.
        *engine.reader.write().unwrap() = broken_reader();
        let verdict = engine.ask("How often is Tysabri given?");
        assert!(
            verdict
                .hits()
                .iter()
                .any(|h| h.passage.text.contains("once every four weeks")),
            "{verdict:?}"
        );
        assert_eq!(
            engine.reader.read().unwrap().searcher().num_docs() as usize,
            engine.passages().len(),
            "searching the rebuilt index"
        );
    }
}
