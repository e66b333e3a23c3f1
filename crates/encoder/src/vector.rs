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

/// Lanes of [`cosine`]'s sum.
const LANES: usize = 16;

/// Cosine similarity of two unit vectors. The products are summed in
/// [`LANES`] independent lanes, which the compiler turns into SIMD: one
/// running sum would make every addition wait for the last (floating-point
/// addition may not be reordered), and this is the engine's innermost loop
/// (every passage, every sentence it compares a question with).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut lanes = [0f32; LANES];
    let (mut xs, mut ys) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    for (x, y) in (&mut xs).zip(&mut ys) {
        for i in 0..LANES {
            lanes[i] += x[i] * y[i];
        }
    }
    let tail: f32 = xs
        .remainder()
        .iter()
        .zip(ys.remainder())
        .map(|(x, y)| x * y)
        .sum();
    lanes.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_is_the_dot_product_whatever_the_length() {
        for len in [0, 1, 15, 16, 17, 33, 384] {
            let a: Vec<f32> = (0..len).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..len).map(|i| (i as f32 * 0.11).cos()).collect();
            let plain: f64 = a
                .iter()
                .zip(&b)
                .map(|(x, y)| (*x as f64) * (*y as f64))
                .sum();
            assert!(
                (cosine(&a, &b) as f64 - plain).abs() < 1e-4,
                "{len}: {} vs {plain}",
                cosine(&a, &b)
            );
        }
        // Unequal lengths: the common prefix, as `zip` did.
        assert_eq!(cosine(&[1.0, 2.0], &[3.0]), 3.0);
    }
}
