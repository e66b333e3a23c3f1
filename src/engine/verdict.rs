//! What the engine answers: an answer (cited passages), no answer (with
//! topics the articles do cover), or urgent (emergency guidance first).

use std::ops::Range;
use std::sync::Arc;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::passage::Passage;
use super::triage::UrgentKind;

/// Carried by every verdict, shown with every reply. Its last words are a
/// safety net under triage, a reviewed list that every blind message set
/// has found gaps in: whatever the verdict, a member in trouble reads
/// where to turn.
pub const DISCLAIMER: &str =
    "Not medical advice: quotes from the cited articles only. Ask your care team about your own treatment; if something feels wrong now, call your local emergency number.";

/// One quoted passage and why it was chosen.
#[derive(Debug, Clone)]
pub struct Hit {
    pub passage: Arc<Passage>,
    /// Fused ranking score; only comparable within one verdict.
    pub score: f32,
    /// Share of the question's weighted words the passage covers, 0 to 1.
    pub coverage: f32,
    /// Cosine similarity of the passage to the question by meaning.
    pub similarity: f32,
    /// Byte ranges of the matched words in `passage.text`, sorted, disjoint.
    pub matched: Vec<Range<usize>>,
    /// Byte ranges of the sentence(s) that answer, sorted, disjoint.
    pub answer: Vec<Range<usize>>,
}

impl Hit {
    /// What a reply shows in bold: the sentence(s) that answer, or, when
    /// none was found, the matched words.
    pub fn marked(&self) -> &[Range<usize>] {
        if self.answer.is_empty() {
            &self.matched
        } else {
            &self.answer
        }
    }
}

impl Serialize for Hit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let pairs = |ranges: &[Range<usize>]| -> Vec<[usize; 2]> {
            ranges.iter().map(|r| [r.start, r.end]).collect()
        };
        let mut s = serializer.serialize_struct("Hit", 7)?;
        s.serialize_field("text", &self.passage.text)?;
        s.serialize_field("citation", &self.passage.citation())?;
        s.serialize_field("score", &self.score)?;
        s.serialize_field("coverage", &self.coverage)?;
        s.serialize_field("similarity", &self.similarity)?;
        s.serialize_field("matched", &pairs(&self.matched))?;
        s.serialize_field("answer_spans", &pairs(&self.answer))?;
        s.end()
    }
}

/// The engine's reply to one question.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Passages that answer it, best first.
    Answer { hits: Vec<Hit> },
    /// The articles do not cover it; here is what they do cover.
    NoAnswer { suggestions: Vec<String> },
    /// An emergency: guidance first, then any passages that answer it.
    Urgent {
        kind: UrgentKind,
        guidance: &'static str,
        hits: Vec<Hit>,
    },
}

impl Verdict {
    /// The passages quoted, in rank order (none for no answer).
    pub fn hits(&self) -> &[Hit] {
        match self {
            Verdict::Answer { hits } | Verdict::Urgent { hits, .. } => hits,
            Verdict::NoAnswer { .. } => &[],
        }
    }

    pub fn disclaimer(&self) -> &'static str {
        DISCLAIMER
    }

    /// A short name for logs and the eval report.
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Answer { .. } => "answer",
            Verdict::NoAnswer { .. } => "no_answer",
            Verdict::Urgent { .. } => "urgent",
        }
    }
}
