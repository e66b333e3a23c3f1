//! The reader: a small model that reads a member's message and one passage
//! together and says whether the passage answers it. The sentence model
//! places each in its own vector, so "how long does an Ocrevus infusion
//! take?" sits as near the Ocrevus schedule as "how often is it given?";
//! read side by side, the question's words meet the passage's, and a
//! passage on the topic that does not answer what is asked scores low.
//!
//! It is a copy of the tuned sentence model (six layers), tuned again with a
//! scoring head on the same members' questions
//! (`models/minilm-l6-ms/train_reader.py`). A pass reads message and passage
//! together, several times a question's tokens, so the engine asks it only
//! of its first two candidates, and only when unsure (`Weights::reader_*`).

use std::num::NonZeroUsize;
use std::sync::Mutex;

use super::store::{digest, TextDigest};
use super::{Embedder, ModelError, MAX_TOKENS};
use crate::engine::passage::Passage;

/// Tokens of the member's message the reader reads, at most: the passage
/// must fit beside it in [`MAX_TOKENS`].
const MAX_MESSAGE_TOKENS: usize = 192;

/// Scores kept (message, passage): members repeat each other, and a long
/// post's several readings meet the same passages.
pub const READ_CACHE: usize = 4096;

/// The reader's scores already computed, by message and passage text.
pub struct ReadCache(Mutex<lru::LruCache<(String, TextDigest), f32>>);

impl Default for ReadCache {
    fn default() -> Self {
        ReadCache(Mutex::new(lru::LruCache::new(
            NonZeroUsize::new(READ_CACHE).expect("non-zero"),
        )))
    }
}

impl Embedder {
    /// How surely `passage` answers `message`, a logit: above 0, the
    /// reader holds that it answers.
    pub fn read(&self, message: &str, passage: &Passage) -> Result<f32, ModelError> {
        let text = passage.embedded_text();
        let key = (message.to_string(), digest(&text));
        let cache = &self.reads.0;
        if let Some(score) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(*score);
        }
        let score = self.read_text(message, &text)?;
        cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .put(key, score);
        Ok(score)
    }

    /// The reader's score of `message` beside a passage's embedded text.
    pub fn read_text(&self, message: &str, passage: &str) -> Result<f32, ModelError> {
        let ids = self.pair_ids(message, passage)?;
        self.reader.score(&ids).ok_or_else(|| {
            ModelError::Malformed(encoder::Malformed("the reader has no head".to_string()))
        })
    }

    /// `[CLS]` message `[SEP]` passage `[SEP]`, as the reader was trained on
    /// them (`truncation="only_second"`: the passage is cut to fit 256
    /// tokens): the message first, then as much of the passage as fits.
    /// Training never cut a message; here one over [`MAX_MESSAGE_TOKENS`]
    /// is cut so that some of the passage is always read.
    fn pair_ids(&self, message: &str, passage: &str) -> Result<Vec<u32>, ModelError> {
        let mut ids = self.token_ids(message)?;
        let sep = *ids.last().unwrap_or(&SEP);
        if ids.len() > MAX_MESSAGE_TOKENS {
            ids.truncate(MAX_MESSAGE_TOKENS - 1);
            ids.push(sep);
        }
        let text = self
            .tokenizer
            .encode(passage, false)
            .map_err(|e| ModelError::Tokenizer(e.to_string()))?;
        let room = MAX_TOKENS.saturating_sub(ids.len() + 1);
        ids.extend(text.get_ids().iter().take(room));
        ids.push(sep);
        Ok(ids)
    }
}

/// The tokenizer's `[SEP]`, should a message encode to nothing.
const SEP: u32 = 102;
