//! The passages' vectors in memory, and the nearest ones to a question by
//! brute force. Small corpora are scanned exactly (one dot product per
//! passage). From [`COARSE_FROM`] passages on, reading every f32 vector is
//! what a question costs (10,000 articles: 128,000 passages, 196 MB a
//! question), so the scan reads an int8 copy of the vectors instead (a
//! quarter of the bytes) and the best [`SHORTLIST`] are then scored exactly.

use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::store::{digest, PassageVectors, TextDigest, VectorCache};
use super::{cosine, Embedder, ModelError, DIMENSIONS};
use crate::engine::passage::Passage;

/// From this many passages on, [`DenseIndex::nearest`] scans the int8 copy.
const COARSE_FROM: usize = 4096;
/// Passages the int8 scan keeps for exact scoring, at least (and four
/// times those asked for).
const SHORTLIST: usize = 64;

/// Every passage's vector, and its sentences' vectors.
#[derive(Debug, Default)]
pub struct DenseIndex {
    /// Row `i` is passage `i`'s unit vector.
    vectors: Vec<f32>,
    /// The same rows as int8, each scaled by its own factor (`scales`),
    /// for the coarse scan of large corpora; empty for small ones.
    coarse: Vec<i8>,
    scales: Vec<f32>,
    /// Σ of each int8 row, for the integer dot products.
    coarse_sums: Vec<i32>,
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
                .map(|&i| Ok((i, embedder.embed_passage(&passages[i])?)))
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
            ..DenseIndex::default()
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
        if passages.len() >= COARSE_FROM {
            index.quantise_all();
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
        let own = self.similarity_own(id, question);
        self.taught
            .iter()
            .filter(|(t, _)| *t == id)
            .map(|(_, v)| cosine(v, question))
            .fold(own, f32::max)
    }

    /// The `k` passages nearest to the question, nearest first.
    pub fn nearest(&self, question: &[f32], k: usize) -> Vec<(usize, f32)> {
        let mut scored: Vec<(usize, f32)> = if self.coarse.is_empty() {
            self.vectors
                .chunks_exact(DIMENSIONS)
                .map(|v| cosine(v, question))
                .enumerate()
                .collect()
        } else {
            self.shortlist(question, k.max(1) * 4)
        };
        for (id, vector) in &self.taught {
            let cos = cosine(vector, question);
            // Exact: row `id` is passage `id`. Shortlisted: look it up.
            let entry = if self.coarse.is_empty() {
                scored.get_mut(*id)
            } else {
                scored.iter_mut().find(|(i, _)| i == id)
            };
            match entry {
                Some(entry) => entry.1 = entry.1.max(cos),
                None => scored.push((*id, cos)),
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

    /// Fills the int8 copy of the passage vectors.
    fn quantise_all(&mut self) {
        self.coarse = Vec::with_capacity(self.vectors.len());
        self.scales = self
            .vectors
            .chunks_exact(DIMENSIONS)
            .map(|row| quantise(row, &mut self.coarse))
            .collect();
        self.coarse_sums = encoder::row_sums(&self.coarse, DIMENSIONS);
    }

    /// The passages whose int8 vectors are nearest the question (at least
    /// [`SHORTLIST`], `wanted` if more), each with its exact cosine.
    fn shortlist(&self, question: &[f32], wanted: usize) -> Vec<(usize, f32)> {
        let mut q = Vec::with_capacity(DIMENSIONS);
        quantise(question, &mut q);
        let mut rough: Vec<(usize, f32)> =
            encoder::dot_i8_rows(&self.coarse, &self.coarse_sums, &q)
                .into_iter()
                .zip(&self.scales)
                .map(|(dot, scale)| dot as f32 * scale)
                .enumerate()
                .collect();
        let keep = wanted.max(SHORTLIST).min(rough.len());
        if keep == 0 {
            return Vec::new();
        }
        rough.select_nth_unstable_by(keep - 1, |a, b| b.1.total_cmp(&a.1));
        rough.truncate(keep);
        rough
            .into_iter()
            .map(|(id, _)| (id, self.similarity_own(id, question)))
            .collect()
    }

    /// Cosine similarity of passage `id`'s own vector to a question's,
    /// leaving out the questions taught it.
    pub fn similarity_own(&self, id: usize, question: &[f32]) -> f32 {
        self.vectors
            .chunks_exact(DIMENSIONS)
            .nth(id)
            .map_or(0.0, |v| cosine(v, question))
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

    /// The best cosine of a sentence of passage `id` to a vector, if the
    /// passage has sentences.
    pub fn best_sentence_similarity(&self, id: usize, vector: &[f32]) -> Option<f32> {
        self.sentences
            .get(id)?
            .iter()
            .map(|v| cosine(v, vector))
            .reduce(f32::max)
    }

    /// Cosine similarity of each sentence of passage `id` to the question.
    pub fn sentence_similarities(&self, id: usize, question: &[f32]) -> Vec<f32> {
        self.sentences
            .get(id)
            .map(|s| s.iter().map(|v| cosine(v, question)).collect())
            .unwrap_or_default()
    }
}

/// Appends `v` as int8, scaled so that its largest component is ±127, and
/// returns the factor that turns an int8 dot product with it back into
/// (about) the f32 one's share of this row: 1 / its scale.
fn quantise(v: &[f32], out: &mut Vec<i8>) -> f32 {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    let scale = if max > 0.0 { 127.0 / max } else { 1.0 };
    out.extend(v.iter().map(|x| (x * scale).round() as i8));
    1.0 / scale
}

/// Digest of a taught question (never equal to a passage's: that has a
/// line break between context and text, so the prefix cannot collide).
fn taught_digest(question: &str) -> TextDigest {
    digest(&format!("taught question\u{0}{question}"))
}

/// Digest of what the model reads of a passage: its key in the vector cache.
pub fn embedded_digest(passage: &Passage) -> TextDigest {
    digest(&passage.embedded_text())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_units(n: usize, seed: u64) -> Vec<f32> {
        let mut rng = seed;
        let mut out = Vec::with_capacity(n * DIMENSIONS);
        for _ in 0..n {
            let mut row: Vec<f32> = (0..DIMENSIONS)
                .map(|_| {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    (rng >> 40) as f32 / (1u64 << 24) as f32 - 0.5
                })
                .collect();
            super::super::normalise(&mut row);
            out.extend(row);
        }
        out
    }

    #[test]
    fn the_int8_scan_finds_what_the_exact_scan_finds() {
        let exact = DenseIndex {
            vectors: random_units(COARSE_FROM, 7),
            ..DenseIndex::default()
        };
        let mut coarse = DenseIndex {
            vectors: exact.vectors.clone(),
            ..DenseIndex::default()
        };
        coarse.quantise_all();
        assert_eq!(coarse.scales.len(), COARSE_FROM);
        let questions = random_units(20, 99);
        for question in questions.chunks_exact(DIMENSIONS) {
            let want = exact.nearest(question, 12);
            let got = coarse.nearest(question, 12);
            assert_eq!(got, want, "same passages, same exact cosines");
        }
    }
}
