//! What the engine answers: an answer (cited passages), no answer (with
//! topics the articles do cover), or urgent (emergency guidance first).

use std::ops::Range;
use std::sync::Arc;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::passage::Passage;
use super::triage::UrgentKind;

/// Carried by every verdict, shown with every reply.
pub const DISCLAIMER: &str =
    "Not medical advice: quotes from the cited articles only. Ask your care team about your own treatment.";

/// One quoted passage and why it was chosen.
#[derive(Debug, Clone)]
pub struct Hit {
    pub passage: Arc<Passage>,
    /// Ranking score (BM25 weighed by coverage); only comparable within one verdict.
    pub score: f32,
    /// Share of the question's meaning the passage covers, 0 to 1.
    pub coverage: f32,
    /// Byte ranges of the matched words in `passage.text`, sorted, disjoint.
    pub matched: Vec<Range<usize>>,
}

impl Serialize for Hit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let matched: Vec<[usize; 2]> = self.matched.iter().map(|r| [r.start, r.end]).collect();
        let mut s = serializer.serialize_struct("Hit", 5)?;
        s.serialize_field("text", &self.passage.text)?;
        s.serialize_field("citation", &self.passage.citation())?;
        s.serialize_field("score", &self.score)?;
        s.serialize_field("coverage", &self.coverage)?;
        s.serialize_field("matched", &matched)?;
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
