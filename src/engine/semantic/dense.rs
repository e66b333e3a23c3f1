//! The passages' vectors in memory, and the nearest ones to a question by
//! brute force: one dot product per passage, which at 384 dimensions is
//! about 30 µs per thousand passages on one core, so even 100,000 passages
//! stay within a few milliseconds without an approximate index.

use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::store::{digest, PassageVectors, TextDigest, VectorCache};
use super::{cosine, Embedder, ModelError, DIMENSIONS};
use crate::engine::passage::Passage;

/// Every passage's vector, and its sentences' vectors.
#[derive(Debug, Default)]
pub struct DenseIndex {
    /// Row `i` is passage `i`'s unit vector.
    vectors: Vec<f32>,
    /// For each passage, one unit vector per entry of `Passage::sentences`.
    sentences: Vec<Vec<Vec<f32>>>,
    /// Each taught question's unit vector, with its passage: a question
    /// near it is near the passage.
    taught: Vec<(usize, Vec<f32>)>,
}

/// What building the vectors did.
#[derive(Debug, Clone, Default)]
pub struct DenseReport {
    /// Passages the model read; the rest came from the cache.
    pub embedded: usize,
    pub elapsed: Duration,
}

impl DenseIndex {
    /// The vectors of `passages`: from the cache beside the index where the
    /// embedded text is unchanged, from the model otherwise; the cache is
    /// then rewritten with exactly these passages' vectors. A cache that
    /// cannot be written (a read-only disk) only costs the next start time.
    pub fn build(
        embedder: &Embedder,
        cache_dir: &Path,
        passages: &[Passage],
        progress: &dyn Fn(usize, usize),
    ) -> Result<(DenseIndex, DenseReport), ModelError> {
        let started = Instant::now();
        let path = VectorCache::path(cache_dir, embedder.tag());
        let mut cache = VectorCache::load(&path);
        embedder.remembered(&mut cache, passages.iter().map(embedded_digest));
        let digests: Vec<TextDigest> = passages.iter().map(embedded_digest).collect();
        let missing: Vec<usize> = (0..passages.len())
            .filter(|&i| {
                cache
                    .get(&digests[i])
                    .is_none_or(|v| v.sentences.len() != passages[i].sentences.len())
            })
            .collect();
        // In chunks, so that progress is told from this thread.
        let mut computed: Vec<(usize, PassageVectors)> = Vec::with_capacity(missing.len());
        for chunk in missing.chunks(256) {
            let vectors = chunk
                .par_iter()
                .map(|&i| {
                    let p = &passages[i];
                    let vectors = embedder.embed_passage(&p.context(), &p.text, &p.sentences)?;
                    Ok((i, vectors))
                })
                .collect::<Result<Vec<_>, ModelError>>()?;
            computed.extend(vectors);
            progress(computed.len(), missing.len());
        }
        let mut embedded = computed.len();
        for (i, vectors) in computed {
            embedder.remember(digests[i], &vectors);
            cache.insert(digests[i], vectors);
        }
        // Taught questions, read as a member's question is.
        let taught: Vec<(usize, TextDigest, &str)> = passages
            .iter()
            .flat_map(|p| {
                p.taught
                    .iter()
                    .map(move |q| (p.id, taught_digest(q), q.as_str()))
            })
            .collect();
        for (_, d, question) in &taught {
            if cache.get(d).is_none() {
                let vector = embedder.embed(question)?;
                cache.insert(
                    *d,
                    PassageVectors {
                        passage: vector,
                        sentences: Vec::new(),
                    },
                );
                embedded += 1;
            }
        }
        if embedded > 0 {
            // Vectors of passages no longer in the corpus are kept while the
            // cache is small (a restored article needs none again), and
            // dropped once it outgrows the corpus.
            let keep: std::collections::HashSet<&TextDigest> = digests
                .iter()
                .chain(taught.iter().map(|(_, d, _)| d))
                .collect();
            let small = cache.len() <= 2 * passages.len() + 4096;
            if let Err(err) = cache.save(&path, |d| small || keep.contains(d)) {
                tracing::warn!(path = %path.display(), error = %err, "vector cache not written");
            }
        }
        let mut index = DenseIndex {
            vectors: Vec::with_capacity(passages.len() * DIMENSIONS),
            sentences: Vec::with_capacity(passages.len()),
            taught: Vec::with_capacity(taught.len()),
        };
        for d in &digests {
            let entry = cache.get(d).expect("every passage was embedded");
            index.vectors.extend_from_slice(&entry.passage);
            index.sentences.push(entry.sentences.clone());
        }
        for (id, d, _) in &taught {
            let entry = cache.get(d).expect("every taught question was embedded");
            index.taught.push((*id, entry.passage.clone()));
        }
        Ok((
            index,
            DenseReport {
                embedded,
                elapsed: started.elapsed(),
            },
        ))
    }

    /// Cosine similarity of passage `id` to a question's vector: the
    /// passage's own, or that of a question taught it, whichever is nearer.
    pub fn similarity(&self, id: usize, question: &[f32]) -> f32 {
        let own = self
            .vectors
            .chunks_exact(DIMENSIONS)
            .nth(id)
            .map_or(0.0, |v| cosine(v, question));
        self.taught
            .iter()
            .filter(|(t, _)| *t == id)
            .map(|(_, v)| cosine(v, question))
            .fold(own, f32::max)
    }

    /// The `k` passages nearest to the question, nearest first.
    pub fn nearest(&self, question: &[f32], k: usize) -> Vec<(usize, f32)> {
        let mut scored: Vec<(usize, f32)> = self
            .vectors
            .chunks_exact(DIMENSIONS)
            .map(|v| cosine(v, question))
            .enumerate()
            .collect();
        for (id, vector) in &self.taught {
            let cos = cosine(vector, question);
            if let Some(entry) = scored.get_mut(*id) {
                entry.1 = entry.1.max(cos);
            }
        }
        let k = k.min(scored.len());
        if k == 0 {
            return Vec::new();
        }
        scored.select_nth_unstable_by(k - 1, |a, b| b.1.total_cmp(&a.1));
        scored.truncate(k);
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        scored
    }

    /// How near a vector is to sentences in general: the mean and standard
    /// deviation of its cosine to (up to 512, evenly spread) sentences of
    /// the corpus. A single word is somewhat near every short sentence;
    /// what counts is how far above that its best match stands.
    pub fn sentence_baseline(&self, vector: &[f32]) -> (f32, f32) {
        const SAMPLE: usize = 512;
        let total: usize = self.sentences.iter().map(Vec::len).sum();
        let step = (total / SAMPLE).max(1);
        let sims: Vec<f32> = self
            .sentences
            .iter()
            .flatten()
            .step_by(step)
            .map(|s| cosine(s, vector))
            .collect();
        if sims.len() < 2 {
            return (0.0, 1.0);
        }
        let n = sims.len() as f32;
        let mean = sims.iter().sum::<f32>() / n;
        let var = sims.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / n;
        (mean, var.sqrt().max(1e-3))
    }

    /// Cosine similarity of each sentence of passage `id` to the question.
    pub fn sentence_similarities(&self, id: usize, question: &[f32]) -> Vec<f32> {
        self.sentences
            .get(id)
            .map(|s| s.iter().map(|v| cosine(v, question)).collect())
            .unwrap_or_default()
    }
}

/// Digest of a taught question (never equal to a passage's: that has a
/// line break between context and text, so the prefix cannot collide).
fn taught_digest(question: &str) -> TextDigest {
    digest(&format!("taught question\u{0}{question}"))
}

/// Digest of what the model reads of a passage.
fn embedded_digest(passage: &Passage) -> TextDigest {
    digest(&format!("{}\n{}", passage.context(), passage.text))
}
