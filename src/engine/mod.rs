//! The answer engine: corpus → passages → index → verdict. It knows nothing of
//! Discord; the command line and the bot both call [`Engine::ask`].
//!
//! An `Engine` is an immutable value built from one corpus snapshot; share it
//! as `Arc<Engine>`, and build a new one to take in a changed corpus.

pub mod analysis;
pub mod index;
pub mod passage;
pub mod query;
pub mod spelling;
pub mod triage;
pub mod verdict;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use tantivy::collector::TopDocs;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{IndexReader, ReloadPolicy};

use crate::corpus::{Corpus, CorpusError};
use analysis::{analyzer, words, Word};
use index::{BuildReport, Fields};
use passage::{cut_passages, Passage};
use query::{AnswerCues, Planner, QueryPlan, Recognised, SynonymTable};
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
}

/// Tuning that the bot and the command line share (config `[engine]`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct EngineSettings {
    /// Passages quoted in an answer, at most.
    pub max_passages: usize,
    /// Share of the question's meaning (IDF-weighted) a passage must cover to
    /// be quoted; below it the verdict is "no answer".
    pub min_coverage: f32,
}

impl Default for EngineSettings {
    fn default() -> Self {
        EngineSettings {
            max_passages: 3,
            min_coverage: 0.5,
        }
    }
}

/// Passages ranked before coverage decides.
const CANDIDATES: usize = 12;
/// Topics listed with a "no answer".
const SUGGESTIONS: usize = 5;
/// Score factor for the first passage of a section.
const LEAD_PRIOR: f32 = 1.1;

/// What one passage covers of a question.
#[derive(Debug, Default)]
struct Covered {
    /// Weight of the concepts found in the headings or the text.
    weight: f32,
    /// Weight of those found in the passage's own text.
    in_text: f32,
    /// Byte ranges of the matched words in the text.
    matched: Vec<std::ops::Range<usize>>,
    /// The question names a thing (a drug) the passage does not mention.
    missing_entity: bool,
}

/// The answer engine for one corpus snapshot.
pub struct Engine {
    corpus: Corpus,
    passages: Vec<Arc<Passage>>,
    reader: IndexReader,
    fields: Fields,
    analyzer: TextAnalyzer,
    synonyms: SynonymTable,
    cues: AnswerCues,
    speller: Speller,
    topics: Vec<String>,
    settings: EngineSettings,
    report: BuildReport,
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
        let passages: Vec<Passage> = cut_passages(&corpus);
        let (index, report) = if rebuild {
            index::build(index_root, &passages, progress)?
        } else {
            index::open_or_build(index_root, &passages, progress)?
        };
        let (_, fields) = index::schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let mut analyzer = analyzer();
        let synonyms = SynonymTable::new(&corpus.synonyms, &mut analyzer);
        let cues = AnswerCues::new(&mut analyzer);
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
            "engine ready"
        );
        let engine = Engine {
            corpus,
            passages: passages.into_iter().map(Arc::new).collect(),
            reader,
            fields,
            analyzer,
            synonyms,
            cues,
            speller: Speller::default(),
            topics,
            settings,
            report,
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

    /// Answers one question. Never fails: an index error is logged and
    /// reads as "no answer" (urgent triage still runs first).
    pub fn ask(&self, question: &str) -> Verdict {
        let question = clean_question(question);
        let urgent = triage(&question);
        let candidates = match self.search(&question) {
            Ok((candidates, _)) => candidates,
            Err(err) => {
                tracing::error!(error = %err, "search failed");
                Vec::new()
            }
        };
        let hits = self.select(&candidates);
        match urgent {
            Some(kind) => Verdict::Urgent {
                kind,
                guidance: kind.guidance(),
                hits,
            },
            None if hits.is_empty() => Verdict::NoAnswer {
                suggestions: self.suggestions(&candidates),
            },
            None => Verdict::Answer { hits },
        }
    }

    fn planner<'a>(&'a self, searcher: &'a tantivy::Searcher) -> Planner<'a> {
        Planner {
            searcher,
            fields: self.fields,
            synonyms: &self.synonyms,
            speller: &self.speller,
            cues: &self.cues,
        }
    }

    fn search(&self, question: &str) -> tantivy::Result<(Vec<Hit>, QueryPlan)> {
        let searcher = self.reader.searcher();
        let mut analyzer = self.analyzer.clone();
        let planner = self.planner(&searcher);
        let plan = planner.plan(question, &mut analyzer);
        if !plan.has_topic() {
            return Ok((Vec::new(), plan));
        }
        let query = planner.query(&plan);
        let top = searcher.search(&*query, &TopDocs::with_limit(CANDIDATES).order_by_score())?;
        let total = plan.total_weight();
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let column = searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .u64("passage")?;
            let Some(id) = column.first(address.doc_id) else {
                continue;
            };
            let Some(passage) = self.passages.get(id as usize) else {
                continue;
            };
            let covered = self.coverage(&plan, passage, &mut analyzer);
            // A passage about another drug than the one asked about covers nothing.
            let coverage = if total > 0.0 && !covered.missing_entity {
                covered.weight / total
            } else {
                0.0
            };
            // A passage that states the words itself is more on topic than one
            // that only inherits them from its heading; a section's first
            // passage is the one that answers its heading.
            let own_words = if covered.weight > 0.0 {
                covered.in_text / covered.weight
            } else {
                0.0
            };
            let prior = (0.85 + 0.15 * own_words) * if passage.lead { LEAD_PRIOR } else { 1.0 };
            hits.push(Hit {
                passage: Arc::clone(passage),
                score: score * (0.25 + coverage) * prior,
                coverage,
                matched: covered.matched,
            });
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        Ok((hits, plan))
    }

    /// The passages worth quoting among the ranked candidates.
    fn select(&self, candidates: &[Hit]) -> Vec<Hit> {
        let min = self.settings.min_coverage;
        candidates
            .iter()
            .filter(|h| h.coverage > min)
            .take(self.settings.max_passages)
            .cloned()
            .collect()
    }

    /// How a question was understood and every candidate passage before
    /// selection, for `ask --explain`.
    pub fn explain(&self, question: &str) -> (QueryPlan, Vec<Hit>) {
        let question = clean_question(question);
        match self.search(&question) {
            Ok((candidates, plan)) => (plan, candidates),
            Err(_) => (QueryPlan::default(), Vec::new()),
        }
    }

    /// Which of the question's concepts a passage covers, in its headings or
    /// its own text, and where the matched words stand in the text.
    fn coverage(
        &self,
        plan: &QueryPlan,
        passage: &Passage,
        analyzer: &mut TextAnalyzer,
    ) -> Covered {
        // The title is the root of the heading path: a paragraph of an article
        // about MS is about MS even when it does not repeat the word.
        let context = format!(
            "{}\n{}",
            passage.article.meta.title,
            passage.heading_path.join("\n")
        );
        let heading = words(analyzer, &context);
        let text = words(analyzer, &passage.text);
        let mut covered = Covered::default();
        let matched = &mut covered.matched;
        for concept in &plan.concepts {
            if concept.recognised == Recognised::Unknown {
                continue;
            }
            let mut in_heading = false;
            let mut in_text = false;
            for phrase in &concept.alternatives {
                in_heading |= !find_phrase(&heading, phrase).is_empty();
                let ranges = find_phrase(&text, phrase);
                in_text |= !ranges.is_empty();
                matched.extend(ranges);
            }
            // A drug named anywhere in the message, even as context, must
            // be the passage's subject.
            if concept.entity && !(in_heading || in_text) {
                covered.missing_entity = true;
            }
            if concept.weak {
                continue;
            }
            if in_heading || in_text {
                covered.weight += concept.weight;
            }
            if in_text {
                covered.in_text += concept.weight;
            }
        }
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

    /// A few topics the articles cover: the sections of the candidates that
    /// touch the question, nearest first, then the corpus's own sections in
    /// reading order. Only built for a "no answer".
    fn suggestions(&self, candidates: &[Hit]) -> Vec<String> {
        let near = candidates
            .iter()
            .filter(|h| h.coverage > 0.0)
            .filter_map(|h| h.passage.heading_path.last());
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

/// Byte ranges where `phrase` (a sequence of stems) occurs in `words`.
fn find_phrase(words: &[Word], phrase: &[String]) -> Vec<std::ops::Range<usize>> {
    if phrase.is_empty() || words.len() < phrase.len() {
        return Vec::new();
    }
    words
        .windows(phrase.len())
        .filter(|w| w.iter().zip(phrase).all(|(word, stem)| &word.stem == stem))
        .map(|w| w[0].start..w[w.len() - 1].end)
        .collect()
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
