//! Meaning: a sentence-embedding model that places questions and passages
//! in one space, so that "how frequently do people get Tysabri" lands near
//! "You receive this drug once every four weeks" without sharing its words.
//!
//! The model ([`encoder::Encoder`], its own crate in `crates/encoder`) and its tokenizer are loaded once per
//! process from `models/minilm-l6-ms/` and checked against the digests
//! compiled in here; passage vectors are computed at index time and cached
//! beside the index by the digest of their text ([`store`]).

pub mod dense;
pub mod reader;
pub mod store;

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::storage::hex;
use crate::storage::read::{read_capped, ReadError};
use tokenizers::{Tokenizer, TruncationParams};

pub use encoder::{cosine, normalise, DIMENSIONS};
use encoder::{mean_pooled, Encoder};

/// Tokens of a text the model reads, at most (sentence-transformers' own
/// limit for this model); the rest of a long text is left out.
pub const MAX_TOKENS: usize = 256;

/// The vocabulary's first whole word ("the"); before it come special
/// tokens, unused slots and single characters.
const FIRST_WORD_ID: u32 = 1996;

/// Questions whose vectors are kept: members repeat each other.
const QUESTION_CACHE: usize = 512;

/// The model shipped in the repository, found from the build's own folder
/// unless `[engine] model_dir` says otherwise.
pub const DEFAULT_MODEL_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/minilm-l6-ms");

/// The files of the model and the digests they must have.
pub const WEIGHTS_FILE: &str = "model.int8.safetensors";
pub const TOKENIZER_FILE: &str = "tokenizer.json";
/// The reader ([`reader`]): the tuned sentence model (six layers), tuned
/// again with a head that scores a message and a passage read together.
pub const READER_FILE: &str = "reader.int8.safetensors";
const READER_SHA256: &str = "75efa1da4228a83896eedd42a8d74f59c7292e12cea8d808d766b0ea9bf53ca1";
const WEIGHTS_SHA256: &str = "4cb3e6d7bdeec12cfcaa43b3c29d704867eafb28198c4b0dba8b2b361f63f8e3";
const TOKENIZER_SHA256: &str = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037";
/// Neither file may be larger than this (the weights are 22 MiB).
const MAX_FILE_BYTES: u64 = 64 << 20;

/// Why the model could not be loaded: one line for the operator.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("the sentence model file {} is missing: the repository's models/ folder must be beside the build, or set [engine] model_dir", path.display())]
    Missing { path: PathBuf },
    #[error("cannot read the sentence model file {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the sentence model file {} is damaged (its sha256 is not the one shipped); restore it from the repository", path.display())]
    Damaged { path: PathBuf },
    #[error("the sentence model's weights are malformed: {0}")]
    Malformed(#[from] encoder::Malformed),
    #[error("the sentence model's tokenizer is malformed: {0}")]
    Tokenizer(String),
}

/// The model and its tokenizer: text in, unit vector out.
pub struct Embedder {
    tokenizer: Tokenizer,
    encoder: Encoder,
    reader: Encoder,
    reads: reader::ReadCache,
    /// First bytes of the weights' digest, and which kernel ran: names the
    /// vector cache, so that vectors of another model (or kernel) are never
    /// mixed in.
    tag: String,
    questions: Mutex<lru::LruCache<String, Arc<QuestionVectors>>>,
    /// The tokenizer's whole-word entries by id, for `specificity`: a plain
    /// lower-case word the vocabulary holds is one token, so it is looked up
    /// here instead of tokenised (a question asks this of every word).
    vocabulary: std::collections::HashMap<String, u32>,
    /// Passage vectors this process has had, by digest: engines rebuilt
    /// after a change (or built for another index folder) reuse them.
    passages: Mutex<std::collections::HashMap<store::TextDigest, store::PassageVectors>>,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("tag", &self.tag)
            .field("encoder", &self.encoder)
            .finish()
    }
}

/// Reads a model file whole, refusing anything that is not a regular file
/// of sane size, and checks its digest.
fn read_checked(dir: &Path, name: &str, sha256: &str) -> Result<Vec<u8>, ModelError> {
    let path = dir.join(name);
    let bytes = match read_capped(&path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Err(ModelError::Missing { path })
        }
        Err(ReadError::Io { source, .. }) => return Err(ModelError::Unreadable { path, source }),
        Err(ReadError::NotAFile { .. } | ReadError::TooLarge { .. }) => {
            return Err(ModelError::Damaged { path })
        }
    };
    if hex(&Sha256::digest(&bytes)) != sha256 {
        return Err(ModelError::Damaged { path });
    }
    Ok(bytes)
}

impl Embedder {
    /// Loads and checks the model in `dir`.
    pub fn load(dir: &Path) -> Result<Embedder, ModelError> {
        let weights = read_checked(dir, WEIGHTS_FILE, WEIGHTS_SHA256)?;
        let tokenizer = read_checked(dir, TOKENIZER_FILE, TOKENIZER_SHA256)?;
        let encoder = Encoder::from_bytes(&weights)?;
        let reader = Encoder::from_bytes(&read_checked(dir, READER_FILE, READER_SHA256)?)?;
        if !reader.has_head() {
            return Err(ModelError::Malformed(encoder::Malformed(
                "the reader has no scoring head".to_string(),
            )));
        }
        let mut tokenizer =
            Tokenizer::from_bytes(&tokenizer).map_err(|e| ModelError::Tokenizer(e.to_string()))?;
        // The packaged tokenizer pads every text to 128 tokens, which would
        // pool padding into the mean; texts are embedded one at a time.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..TruncationParams::default()
            }))
            .map_err(|e| ModelError::Tokenizer(e.to_string()))?;
        let vocabulary = tokenizer.get_vocab(false);
        Ok(Embedder {
            tokenizer,
            vocabulary,
            encoder,
            reader,
            reads: reader::ReadCache::default(),
            // The integer kernel's vectors differ from the f32 one's in
            // the third decimal: a cache holds one kernel's only.
            tag: format!(
                "{}{}",
                &WEIGHTS_SHA256[..12],
                if encoder::integer_kernel() { "-i8" } else { "" }
            ),
            questions: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(QUESTION_CACHE).expect("non-zero"),
            )),
            passages: Mutex::default(),
        })
    }

    /// The model in `dir`, loaded once per process and shared by every
    /// engine built after (a live reload does not read the weights again).
    pub fn shared(dir: &Path) -> Result<Arc<Embedder>, ModelError> {
        type Loaded = Mutex<Vec<(PathBuf, Arc<Embedder>)>>;
        static LOADED: OnceLock<Loaded> = OnceLock::new();
        let loaded = LOADED.get_or_init(Default::default);
        let mut loaded = loaded.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, embedder)) = loaded.iter().find(|(path, _)| path == dir) {
            return Ok(Arc::clone(embedder));
        }
        let embedder = Arc::new(Embedder::load(dir)?);
        loaded.push((dir.to_path_buf(), Arc::clone(&embedder)));
        Ok(embedder)
    }

    /// Adds to `cache` the vectors of `digests` this process already has.
    pub fn remembered(
        &self,
        cache: &mut store::VectorCache,
        digests: impl Iterator<Item = store::TextDigest>,
    ) {
        let memo = self.passages.lock().unwrap_or_else(|e| e.into_inner());
        for digest in digests {
            if cache.get(&digest).is_none() {
                if let Some(vectors) = memo.get(&digest) {
                    cache.insert(digest, vectors.clone());
                }
            }
        }
    }

    /// Keeps a passage's vectors for engines built later in this process.
    pub fn remember(&self, digest: store::TextDigest, vectors: &store::PassageVectors) {
        let mut memo = self.passages.lock().unwrap_or_else(|e| e.into_inner());
        memo.insert(digest, vectors.clone());
    }

    /// Names the model's vectors in the cache beside the index.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The token ids the model reads for `text`.
    pub fn token_ids(&self, text: &str) -> Result<Vec<u32>, ModelError> {
        Ok(self.encode(text)?.get_ids().to_vec())
    }

    /// The tokenizer's reading of `text`, with `[CLS]` and `[SEP]` (the
    /// encoder clamps any id past its vocabulary).
    fn encode(&self, text: &str) -> Result<tokenizers::Encoding, ModelError> {
        self.tokenizer
            .encode(text, true)
            .map_err(|e| ModelError::Tokenizer(e.to_string()))
    }

    /// How specific a word is in everyday English, 0 to 1, read off the
    /// model's vocabulary: its whole words are numbered from the most
    /// frequent ("the" is the first), so a word's place says how common it
    /// is ("people" 0.46, "pregnant" 0.83), and a word the vocabulary spells
    /// in pieces ("kesimpta", "ocrelizumab") is a term or a name: 1.
    pub fn specificity(&self, word: &str) -> f32 {
        // What the tokenizer would do, without running it: a short plain
        // word is one token exactly when the vocabulary holds it whole.
        let plain = !word.is_empty()
            && word.len() <= 100
            && word
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        let single = if plain {
            self.vocabulary.get(word).copied()
        } else {
            self.single_token(word)
        };
        match single {
            Some(id) if id >= FIRST_WORD_ID => {
                let rank = (id - FIRST_WORD_ID + 2) as f32;
                let words = (self.encoder.vocabulary() as u32 - FIRST_WORD_ID + 2) as f32;
                (rank.ln() / words.ln()).clamp(0.0, 1.0)
            }
            Some(_) => 0.0,
            None => 1.0,
        }
    }

    /// The token id of a word the tokenizer reads as one token.
    fn single_token(&self, word: &str) -> Option<u32> {
        match self.tokenizer.encode(word, false).ok()?.get_ids() {
            [id] => Some(*id),
            _ => None,
        }
    }

    /// The unit vector of one text: its tokens' states, mean-pooled.
    pub fn embed(&self, text: &str) -> Result<Vec<f32>, ModelError> {
        let ids = self.token_ids(text)?;
        let states = self.encoder.hidden_states(&ids);
        Ok(mean_pooled(&states, 0..ids.len()))
    }

    /// The vectors of a passage: the whole read under its title and
    /// headings, which say what it is about ([`Passage::embedded_text`]),
    /// and each of its sentences read alone, as a member's words will be
    /// compared with them.
    ///
    /// [`Passage::embedded_text`]: crate::engine::passage::Passage::embedded_text
    pub fn embed_passage(
        &self,
        passage: &crate::engine::passage::Passage,
    ) -> Result<store::PassageVectors, ModelError> {
        let whole = self.embed(&passage.embedded_text())?;
        let sentences = passage
            .sentences
            .iter()
            .map(|range| self.embed(&passage.text[range.clone()]))
            .collect::<Result<_, _>>()?;
        Ok(store::PassageVectors {
            passage: whole,
            sentences,
        })
    }

    /// What the model makes of a member's question, from the cache when a
    /// member asked the same before.
    pub fn embed_question(&self, question: &str) -> Result<Arc<QuestionVectors>, ModelError> {
        let mut cache = self.questions.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(vectors) = cache.get(question) {
            return Ok(Arc::clone(vectors));
        }
        drop(cache);
        let encoding = self.encode(question)?;
        let ids = encoding.get_ids();
        let states = self.encoder.hidden_states(ids);
        let rows = states.len() / DIMENSIONS;
        let vectors = Arc::new(QuestionVectors {
            whole: mean_pooled(&states, 0..rows),
            offsets: encoding.get_offsets()[..rows].to_vec(),
            states,
        });
        let mut cache = self.questions.lock().unwrap_or_else(|e| e.into_inner());
        cache.put(question.to_string(), Arc::clone(&vectors));
        Ok(vectors)
    }
}

/// A question's vector, and its tokens' states, from which the vector of
/// any of its words is read in context at no further cost.
#[derive(Debug)]
pub struct QuestionVectors {
    /// The question's unit vector.
    pub whole: Vec<f32>,
    states: Vec<f32>,
    /// Byte range of each token in the question.
    offsets: Vec<(usize, usize)>,
}

impl QuestionVectors {
    /// The unit vector of the words at byte range `range` of the question:
    /// their tokens' states, pooled. `None` if no token falls in it.
    pub fn words(&self, range: std::ops::Range<usize>) -> Option<Vec<f32>> {
        let tokens: Vec<usize> = (0..self.offsets.len())
            .filter(|&t| {
                let (a, b) = self.offsets[t];
                b > a && a >= range.start && b <= range.end
            })
            .collect();
        let (first, last) = (*tokens.first()?, *tokens.last()?);
        Some(mean_pooled(&self.states, first..last + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedder() -> Arc<Embedder> {
        Embedder::shared(Path::new(DEFAULT_MODEL_DIR)).expect("the shipped model loads")
    }

    /// Vectors from sentence-transformers on the original fp32 weights
    /// (`tests/fixtures/minilm-reference.json`): the int8 model in Rust
    /// must point the same way, and rank pairs the same.
    #[test]
    fn embeddings_match_the_reference_implementation() {
        #[derive(serde::Deserialize)]
        struct Reference {
            texts: Vec<String>,
            vectors: Vec<Vec<f32>>,
        }
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/minilm-reference.json"
        );
        let reference: Reference =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let embedder = embedder();
        let ours: Vec<Vec<f32>> = reference
            .texts
            .iter()
            .map(|t| embedder.embed(t).unwrap())
            .collect();
        for (i, (a, b)) in ours.iter().zip(&reference.vectors).enumerate() {
            assert_eq!(a.len(), DIMENSIONS);
            let agreement = cosine(a, b);
            assert!(
                agreement > 0.99,
                "text {i}: cosine to the reference {agreement}"
            );
        }
        for i in 0..ours.len() {
            for j in i + 1..ours.len() {
                let (mine, theirs) = (
                    cosine(&ours[i], &ours[j]),
                    cosine(&reference.vectors[i], &reference.vectors[j]),
                );
                assert!(
                    (mine - theirs).abs() < 0.02,
                    "pair {i},{j}: {mine} vs {theirs}"
                );
            }
        }
    }

    /// Scores from transformers on the reader's fp32 weights
    /// (`tests/fixtures/reader-reference.json`): the int8 reader in Rust,
    /// with its own pairing of the two texts, must agree to a fraction of
    /// a logit, and on which side of 0 each pair falls.
    #[test]
    fn the_reader_matches_the_reference_implementation() {
        #[derive(serde::Deserialize)]
        struct Reference {
            pairs: Vec<(String, String)>,
            scores: Vec<f32>,
        }
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/reader-reference.json"
        );
        let reference: Reference =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let embedder = embedder();
        assert!(!reference.pairs.is_empty());
        for ((message, passage), want) in reference.pairs.iter().zip(&reference.scores) {
            let ours = embedder.read_text(message, passage).unwrap();
            assert!(
                (ours - want).abs() < 0.5 && (ours > 0.0) == (*want > 0.0),
                "{message:?}: {ours} against the reference's {want}"
            );
        }
    }

    #[test]
    fn a_question_is_nearer_its_answer_than_an_unrelated_text() {
        let e = embedder();
        let q = e.embed("how often do I get Tysabri").unwrap();
        let answer = e
            .embed("You receive this drug once every four weeks.")
            .unwrap();
        let other = e.embed("a recipe for banana bread").unwrap();
        assert!(cosine(&q, &answer) > cosine(&q, &other) + 0.2);
    }

    #[test]
    fn the_vocabulary_lookup_reads_words_as_the_tokenizer_does() {
        let e = embedder();
        let corpus = concat!(
            include_str!("../../../corpus/healthline-infusion-treatments.md"),
            include_str!("../../../corpus/sharecare-infusion-therapy-advantages.md"),
        );
        let mut words: Vec<String> = corpus
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        words.extend(
            [
                "tysbari",
                "kesimpta",
                "2017",
                "x",
                "aaaaaaaaaaaaaaaaaaaaaaaaa",
            ]
            .map(String::from),
        );
        for word in &words {
            assert_eq!(
                e.vocabulary.get(word.as_str()).copied(),
                e.single_token(word),
                "{word}"
            );
        }
    }

    #[test]
    fn everyday_words_are_told_from_terms_by_the_vocabulary() {
        let e = embedder();
        let s = |w: &str| e.specificity(w);
        assert!(s("the") < 0.1);
        assert!(s("people") < s("pregnant"));
        assert!(s("pregnant") < 1.0);
        assert_eq!(s("kesimpta"), 1.0);
        assert_eq!(s("ocrelizumab"), 1.0);
    }

    #[test]
    fn a_missing_or_damaged_model_is_a_one_line_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = Embedder::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("is missing") && !err.contains('\n'), "{err}");
        for name in [WEIGHTS_FILE, TOKENIZER_FILE] {
            std::fs::copy(
                Path::new(DEFAULT_MODEL_DIR).join(name),
                dir.path().join(name),
            )
            .unwrap();
        }
        // The reader is part of the model: without it, or damaged, the
        // same one line.
        let err = Embedder::load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(READER_FILE) && err.contains("is missing") && !err.contains('\n'),
            "{err}"
        );
        let reader = dir.path().join(READER_FILE);
        let mut bytes = std::fs::read(Path::new(DEFAULT_MODEL_DIR).join(READER_FILE)).unwrap();
        let at = bytes.len() / 3;
        bytes[at] ^= 0x10;
        std::fs::write(&reader, &bytes).unwrap();
        let err = Embedder::load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(READER_FILE) && err.contains("is damaged") && !err.contains('\n'),
            "{err}"
        );
        bytes[at] ^= 0x10;
        std::fs::write(&reader, &bytes).unwrap();
        Embedder::load(dir.path()).expect("a faithful copy loads");
        let weights = dir.path().join(WEIGHTS_FILE);
        let mut bytes = std::fs::read(&weights).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 1;
        std::fs::write(&weights, &bytes).unwrap();
        let err = Embedder::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("is damaged") && !err.contains('\n'), "{err}");
        std::fs::write(&weights, b"not a model").unwrap();
        let err = Embedder::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("is damaged"), "{err}");
    }

    #[test]
    fn the_encoder_refuses_weights_of_another_format() {
        let err = ModelError::from(Encoder::from_bytes(b"garbage").unwrap_err()).to_string();
        assert!(err.contains("malformed"), "{err}");
    }
}
