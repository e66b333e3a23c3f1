//! The encoder's dense layers, `y = x Wᵀ + b`, for the few tokens of a
//! question. A general matmul packs the weight into panels on every call;
//! for three to thirty tokens that packing costs more than the arithmetic
//! (a general matmul took ~10 ms a question here). This kernel widens four
//! weight rows at a time to f32 once and runs every token against them,
//! with AVX2/FMA when the processor has them (checked at run time) and
//! plain loops otherwise.

/// A weight matrix as the committed file has it: int8 rows with one
/// scale each. Kept so in memory: a question's pass is bound by reading
/// the weights, and a quarter of the bytes is about four times faster.
pub struct Int8Rows {
    pub values: Vec<i8>,
    pub scales: Vec<f32>,
}

/// `y[t][o] = Σ_k x[t][k]·w[o][k] + b[o]` for `x` of `tokens` rows of
/// `inputs`, `w` of `b.len()` rows of `inputs`; returns `tokens` rows.
pub fn forward(x: &[f32], tokens: usize, w: &Int8Rows, b: &[f32], inputs: usize) -> Vec<f32> {
    let outputs = b.len();
    let (w, scales) = (&w.values, &w.scales);
    debug_assert_eq!(x.len(), tokens * inputs);
    debug_assert_eq!(w.len(), outputs * inputs);
    let mut y = vec![0f32; tokens * outputs];
    #[cfg(target_arch = "x86_64")]
    {
        if inputs.is_multiple_of(8)
            && std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the features were just detected, and every index the
            // kernel reads is checked against the slices' lengths below.
            unsafe { avx2::forward(x, tokens, w, inputs, outputs, &mut y) };
            scale_and_add_bias(&mut y, scales, b);
            return y;
        }
    }
    for t in 0..tokens {
        let row = &x[t * inputs..(t + 1) * inputs];
        for o in 0..outputs {
            let weights = &w[o * inputs..(o + 1) * inputs];
            y[t * outputs + o] = row
                .iter()
                .zip(weights)
                .map(|(a, &b)| a * f32::from(b))
                .sum();
        }
    }
    scale_and_add_bias(&mut y, scales, b);
    y
}

fn scale_and_add_bias(y: &mut [f32], scales: &[f32], b: &[f32]) {
    for row in y.chunks_exact_mut(b.len()) {
        for ((y, b), s) in row.iter_mut().zip(b).zip(scales) {
            *y = *y * s + b;
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx2,fma")]
    unsafe fn sum(v: __m256) -> f32 {
        let hi = _mm256_extractf128_ps(v, 1);
        let lo = _mm256_castps256_ps128(v);
        let s = _mm_add_ps(hi, lo);
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
        _mm_cvtss_f32(s)
    }

    /// Four weight rows at a time are turned into f32 once, into a panel
    /// that stays in the L1 cache, and every token is run against it: the
    /// weights are read from memory once a pass, however long the question
    /// (re-reading them for each few tokens made a pass memory-bound).
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn forward(
        x: &[f32],
        tokens: usize,
        w: &[i8],
        inputs: usize,
        outputs: usize,
        y: &mut [f32],
    ) {
        assert!(x.len() >= tokens * inputs && w.len() >= outputs * inputs);
        assert!(y.len() >= tokens * outputs && inputs.is_multiple_of(8));
        let mut panel = vec![0f32; OB * inputs];
        let mut o = 0;
        while o + OB <= outputs {
            for (i, row) in panel.chunks_exact_mut(inputs).enumerate() {
                widen(&w[(o + i) * inputs..(o + i + 1) * inputs], row);
            }
            let mut t = 0;
            while t < tokens {
                let n = (tokens - t).min(TB);
                match n {
                    1 => block::<1>(x, t, &panel, o, inputs, outputs, y),
                    2 => block::<2>(x, t, &panel, o, inputs, outputs, y),
                    3 => block::<3>(x, t, &panel, o, inputs, outputs, y),
                    _ => block::<4>(x, t, &panel, o, inputs, outputs, y),
                }
                t += n;
            }
            o += OB;
        }
        // The last few outputs, if `outputs` is not a multiple of OB.
        let (xp, wp) = (x.as_ptr(), w.as_ptr());
        while o < outputs {
            for t in 0..tokens {
                let mut acc = _mm256_setzero_ps();
                let mut k = 0;
                while k < inputs {
                    let bytes = _mm_loadl_epi64(wp.add(o * inputs + k) as *const __m128i);
                    let wv = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes));
                    acc = _mm256_fmadd_ps(_mm256_loadu_ps(xp.add(t * inputs + k)), wv, acc);
                    k += 8;
                }
                y[t * outputs + o] = sum(acc);
            }
            o += 1;
        }
    }

    /// Outputs and tokens of one block (at most 4 tokens): 4 × 2
    /// accumulators and 4 weight vectors leave AVX's 16 registers room;
    /// measured no slower than 4 × 3 or 3 × 4.
    const OB: usize = 3;
    const TB: usize = 4;

    #[target_feature(enable = "avx2,fma")]
    unsafe fn widen(row: &[i8], out: &mut [f32]) {
        assert!(row.len() == out.len() && row.len().is_multiple_of(8));
        for k in (0..row.len()).step_by(8) {
            let bytes = _mm_loadl_epi64(row.as_ptr().add(k) as *const __m128i);
            let v = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes));
            _mm256_storeu_ps(out.as_mut_ptr().add(k), v);
        }
    }

    #[target_feature(enable = "avx2,fma")]
    #[inline]
    unsafe fn block<const T: usize>(
        x: &[f32],
        t: usize,
        panel: &[f32],
        o: usize,
        inputs: usize,
        outputs: usize,
        y: &mut [f32],
    ) {
        let (xp, pp) = (x.as_ptr(), panel.as_ptr());
        let mut acc = [[_mm256_setzero_ps(); OB]; T];
        let mut k = 0;
        while k < inputs {
            let mut wv = [_mm256_setzero_ps(); OB];
            for (i, v) in wv.iter_mut().enumerate() {
                *v = _mm256_loadu_ps(pp.add(i * inputs + k));
            }
            for (j, row) in acc.iter_mut().enumerate() {
                let xv = _mm256_loadu_ps(xp.add((t + j) * inputs + k));
                for (a, v) in row.iter_mut().zip(&wv) {
                    *a = _mm256_fmadd_ps(xv, *v, *a);
                }
            }
            k += 8;
        }
        for (j, row) in acc.iter().enumerate() {
            for (i, a) in row.iter().enumerate() {
                y[(t + j) * outputs + o + i] = sum(*a);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_kernel_agrees_with_plain_arithmetic() {
        for tokens in 1..=13 {
            agrees(tokens, 48, 13);
        }
    }

    fn agrees(tokens: usize, inputs: usize, outputs: usize) {
        let x: Vec<f32> = (0..tokens * inputs)
            .map(|i| ((i * 7) % 11) as f32 - 5.0)
            .collect();
        let values: Vec<i8> = (0..outputs * inputs)
            .map(|i| ((i * 3) % 255) as i8)
            .collect();
        let scales: Vec<f32> = (0..outputs).map(|i| 0.01 * (i + 1) as f32).collect();
        let b: Vec<f32> = (0..outputs).map(|i| i as f32).collect();
        let w = Int8Rows { values, scales };
        let y = forward(&x, tokens, &w, &b, inputs);
        for t in 0..tokens {
            for o in 0..outputs {
                let want: f32 = (0..inputs)
                    .map(|k| x[t * inputs + k] * f32::from(w.values[o * inputs + k]))
                    .sum::<f32>()
                    * w.scales[o]
                    + b[o];
                assert!(
                    (y[t * outputs + o] - want).abs() < 1e-2,
                    "{t},{o}: {} vs {want}",
                    y[t * outputs + o]
                );
            }
        }
    }
}
