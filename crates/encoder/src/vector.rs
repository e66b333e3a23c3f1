//! Vector arithmetic on embeddings, here so that it is optimised with the
//! encoder: the engine compares a question with hundreds of sentences.

use crate::DIMENSIONS;

/// The normalised mean of rows `rows` of `states` (rows of [`DIMENSIONS`]).
pub fn mean_pooled(states: &[f32], rows: std::ops::Range<usize>) -> Vec<f32> {
    let mut sum = vec![0f32; DIMENSIONS];
    for row in states
        .chunks_exact(DIMENSIONS)
        .skip(rows.start)
        .take(rows.len())
    {
        sum.iter_mut().zip(row).for_each(|(s, x)| *s += x);
    }
    normalise(&mut sum);
    sum
}

/// Scales `v` to unit length (a zero vector stays zero).
pub fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 1e-12 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// Cosine similarity of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
