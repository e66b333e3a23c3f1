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

/// Dot products of int8 `rows` (each `question.len()` long) with an int8
/// `question`, exact; `row_sums[r]` = Σ rows[r] (see [`row_sums`]). The
/// engine's coarse scan of every passage at 10,000 articles: with AVX-512
/// VNNI (checked at run time) 64 multiply-adds an instruction, plain
/// lanes otherwise.
pub fn dot_i8_rows(rows: &[i8], row_sums: &[i32], question: &[i8]) -> Vec<i32> {
    let dims = question.len();
    if dims == 0 {
        return vec![0; row_sums.len()];
    }
    assert_eq!(rows.len(), row_sums.len() * dims);
    #[cfg(target_arch = "x86_64")]
    if crate::dense_layer::integer_kernel() && dims.is_multiple_of(64) && dims <= 1024 {
        // SAFETY: the features were detected; lengths checked above.
        return unsafe { vnni::dot_rows(rows, row_sums, question) };
    }
    rows.chunks_exact(dims)
        .map(|row| dot_i8(row, question))
        .collect()
}

/// Σ of each int8 row of `dims` values, for [`dot_i8_rows`].
pub fn row_sums(rows: &[i8], dims: usize) -> Vec<i32> {
    rows.chunks_exact(dims.max(1))
        .map(|row| row.iter().map(|&v| i32::from(v)).sum())
        .collect()
}

/// Dot product of two int8 rows, in independent lanes (SIMD, as `cosine`).
pub fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    const LANES: usize = 32;
    let mut lanes = [0i32; LANES];
    let (mut xs, mut ys) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    for (x, y) in (&mut xs).zip(&mut ys) {
        for i in 0..LANES {
            lanes[i] += i32::from(x[i]) * i32::from(y[i]);
        }
    }
    let tail: i32 = xs
        .remainder()
        .iter()
        .zip(ys.remainder())
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum();
    lanes.iter().sum::<i32>() + tail
}

#[cfg(target_arch = "x86_64")]
mod vnni {
    use std::arch::x86_64::*;

    /// `vpdpbusd` multiplies unsigned by signed bytes: the question goes
    /// 128 up, and 128·Σ row comes off again.
    #[target_feature(enable = "avx512f,avx512vnni")]
    pub unsafe fn dot_rows(rows: &[i8], row_sums: &[i32], question: &[i8]) -> Vec<i32> {
        let dims = question.len();
        let chunks = dims / 64;
        let mut shifted = [_mm512_setzero_si512(); 16];
        for (c, chunk) in shifted.iter_mut().take(chunks).enumerate() {
            let mut bytes = [0u8; 64];
            for (b, &q) in bytes.iter_mut().zip(&question[c * 64..(c + 1) * 64]) {
                *b = (i16::from(q) + 128) as u8;
            }
            *chunk = _mm512_loadu_si512(bytes.as_ptr() as *const __m512i);
        }
        let mut out = Vec::with_capacity(row_sums.len());
        for (row, &sum) in rows.chunks_exact(dims).zip(row_sums) {
            let mut acc = _mm512_setzero_si512();
            for (c, q) in shifted.iter().take(chunks).enumerate() {
                let r = _mm512_loadu_si512(row.as_ptr().add(c * 64) as *const __m512i);
                acc = _mm512_dpbusd_epi32(acc, *q, r);
            }
            out.push(_mm512_reduce_add_epi32(acc) - 128 * sum);
        }
        out
    }
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

    #[test]
    fn int8_rows_are_dotted_exactly() {
        for dims in [0, 5, 64, 384] {
            let rows: Vec<i8> = (0..7 * dims)
                .map(|i| ((i * 37) % 255) as u8 as i8)
                .collect();
            let question: Vec<i8> = (0..dims)
                .map(|i| ((i * 11 + 3) % 255) as u8 as i8)
                .collect();
            let sums = row_sums(&rows, dims);
            let got = dot_i8_rows(&rows, &sums, &question);
            let want: Vec<i32> = (0..7)
                .map(|r| {
                    (0..dims)
                        .map(|k| i32::from(rows[r * dims + k]) * i32::from(question[k]))
                        .sum()
                })
                .collect();
            if dims == 0 {
                assert_eq!(got.len(), sums.len());
            } else {
                assert_eq!(got, want, "{dims} dimensions");
            }
        }
        // The extremes, where an offset error would show.
        let rows = vec![-128i8; 64];
        let question = vec![-128i8; 64];
        let sums = row_sums(&rows, 64);
        assert_eq!(dot_i8_rows(&rows, &sums, &question), [64 * 128 * 128]);
    }
}
