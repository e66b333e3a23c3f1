//! Passages analysed once, when the engine is built: each passage's words
//! as interned stems with their byte ranges, for the title and headings and
//! for the text. Coverage and highlighting read these; no question
//! re-analyses a passage.

use std::collections::HashMap;
use std::ops::Range;

use tantivy::tokenizer::TextAnalyzer;

use super::analysis::words;
use super::passage::Passage;

/// Stems as small numbers: a passage's words cost 12 bytes each.
#[derive(Debug, Default)]
pub struct StemTable {
    ids: HashMap<String, u32>,
}

impl StemTable {
    fn intern(&mut self, stem: String) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(stem).or_insert(next)
    }

    /// The id of a stem some passage uses; `None` when none does.
    pub fn get(&self, stem: &str) -> Option<u32> {
        self.ids.get(stem).copied()
    }

    /// A phrase of stems as ids; `None` when a stem is in no passage (so the
    /// phrase cannot match anywhere).
    pub fn phrase(&self, phrase: &[String]) -> Option<Vec<u32>> {
        phrase.iter().map(|s| self.get(s)).collect()
    }
}

/// One passage, analysed.
#[derive(Debug, Default)]
pub struct AnalysedPassage {
    /// The article title and the heading path.
    pub context: Vec<u32>,
    /// The passage's own text.
    pub text: Vec<u32>,
    /// Where each word of `text` stands, as byte offsets.
    pub spans: Vec<(u32, u32)>,
    /// The questions taught it, one after another (a phrase never spans
    /// two: each ends with a stem no word has).
    pub taught: Vec<u32>,
    /// Its title, headings or text name a drug (any `entity = true` group):
    /// it is that drug's passage. One that names none speaks of them all.
    pub names_drug: bool,
}

impl AnalysedPassage {
    pub fn new(passage: &Passage, analyzer: &mut TextAnalyzer, stems: &mut StemTable) -> Self {
        let mut context = passage.article.meta.title.clone();
        for heading in &passage.heading_path {
            context.push('\n');
            context.push_str(heading);
        }
        let context = words(analyzer, &context)
            .into_iter()
            .map(|w| stems.intern(w.stem))
            .collect();
        let mut text = Vec::new();
        let mut spans = Vec::new();
        for w in words(analyzer, &passage.text) {
            text.push(stems.intern(w.stem));
            spans.push((w.start as u32, w.end as u32));
        }
        let mut taught = Vec::new();
        for question in &passage.taught {
            taught.extend(
                words(analyzer, question)
                    .into_iter()
                    .map(|w| stems.intern(w.stem)),
            );
            taught.push(u32::MAX);
        }
        AnalysedPassage {
            context,
            text,
            spans,
            taught,
            names_drug: false,
        }
    }

    /// Whether the title, headings or text contain `phrase`.
    pub fn names(&self, phrase: &[u32]) -> bool {
        self.context_has(phrase)
            || (!phrase.is_empty() && self.text.windows(phrase.len()).any(|w| w == phrase))
    }

    /// Whether a question taught this passage contains `phrase`.
    pub fn taught_has(&self, phrase: &[u32]) -> bool {
        !phrase.is_empty() && self.taught.windows(phrase.len()).any(|w| w == phrase)
    }

    /// Whether the title or headings contain `phrase`.
    pub fn context_has(&self, phrase: &[u32]) -> bool {
        !phrase.is_empty() && self.context.windows(phrase.len()).any(|w| w == phrase)
    }

    /// Byte ranges of `phrase` in the text.
    pub fn find_in_text(&self, phrase: &[u32]) -> Vec<Range<usize>> {
        if phrase.is_empty() || self.text.len() < phrase.len() {
            return Vec::new();
        }
        self.text
            .windows(phrase.len())
            .enumerate()
            .filter(|(_, w)| *w == phrase)
            .map(|(i, _)| self.spans[i].0 as usize..self.spans[i + phrase.len() - 1].1 as usize)
            .collect()
    }
}
