//! The encoder's dense layers, `y = x Wᵀ + b`, for the few tokens of a
//! question. A general matmul packs the weight into panels on every call;
//! for three to thirty tokens that packing costs more than the arithmetic
//! (a general matmul took ~10 ms a question here). So the weights are
//! packed once, at load, into panels of [`PANEL`] outputs stored input by
//! input; a pass widens one panel at a time to f32 (it stays in the
//! cache) and runs every token against it, broadcasting a token's input
//! across the panel's outputs: with AVX2/FMA (checked at run time) twelve
//! independent sums per step and no horizontal additions, where one dot
//! product per output spent a third of its time adding lanes together.
//! Plain loops otherwise.

/// Outputs in one panel: two AVX vectors.
const PANEL: usize = 16;

/// A weight matrix as the committed file has it: int8 rows with one
/// scale each. Kept so in memory: a question's pass is bound by reading
/// the weights, and a quarter of the bytes is about four times faster.
pub struct Int8Rows {
    pub values: Vec<i8>,
    pub scales: Vec<f32>,
}

/// A dense layer's int8 weight packed for [`forward`]: panels of
/// [`PANEL`] outputs, each panel input by input (`panels[p][k][j]` is
/// output `p·PANEL + j`'s weight for input `k`; outputs past the last are
/// zero).
pub struct Packed {
    panels: Vec<i8>,
    scales: Vec<f32>,
    inputs: usize,
}

impl Packed {
    /// Packs `rows` (outputs of `inputs` weights each).
    pub fn new(rows: &Int8Rows, inputs: usize) -> Packed {
        let outputs = rows.scales.len();
        assert_eq!(rows.values.len(), outputs * inputs);
        let mut panels = vec![0i8; outputs.div_ceil(PANEL) * PANEL * inputs];
        for (o, row) in rows.values.chunks_exact(inputs).enumerate() {
            let (p, j) = (o / PANEL, o % PANEL);
            for (k, &w) in row.iter().enumerate() {
                panels[(p * inputs + k) * PANEL + j] = w;
            }
        }
        Packed {
            panels,
            scales: rows.scales.clone(),
            inputs,
        }
    }

    pub fn outputs(&self) -> usize {
        self.scales.len()
    }
}

/// `y[t][o] = Σ_k x[t][k]·w[o][k] + b[o]` for `x` of `tokens` rows of
/// `w`'s inputs; returns `tokens` rows of `b.len()` (= `w`'s outputs).
pub fn forward(x: &[f32], tokens: usize, w: &Packed, b: &[f32]) -> Vec<f32> {
    let (inputs, outputs) = (w.inputs, w.outputs());
    assert_eq!(x.len(), tokens * inputs);
    assert_eq!(b.len(), outputs);
    let mut y = vec![0f32; tokens * outputs];
    #[cfg(target_arch = "x86_64")]
    {
        if inputs.is_multiple_of(2)
            && std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the features were just detected, and the kernel
            // checks the slices' lengths against what it reads and writes.
            unsafe { avx2::forward(x, tokens, &w.panels, inputs, outputs, &mut y) };
            scale_and_add_bias(&mut y, &w.scales, b);
            return y;
        }
    }
    plain(x, tokens, w, &mut y);
    scale_and_add_bias(&mut y, &w.scales, b);
    y
}

/// The kernel's arithmetic in plain loops, without scales or bias.
fn plain(x: &[f32], tokens: usize, w: &Packed, y: &mut [f32]) {
    let (inputs, outputs) = (w.inputs, w.outputs());
    for (p, panel) in w.panels.chunks_exact(PANEL * inputs).enumerate() {
        let width = PANEL.min(outputs - p * PANEL);
        for t in 0..tokens {
            let mut sums = [0f32; PANEL];
            for (k, weights) in panel.chunks_exact(PANEL).enumerate() {
                let xk = x[t * inputs + k];
                sums.iter_mut()
                    .zip(weights)
                    .for_each(|(s, &w)| *s += xk * f32::from(w));
            }
            let start = t * outputs + p * PANEL;
            y[start..start + width].copy_from_slice(&sums[..width]);
        }
    }
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
    use super::PANEL;
    use std::arch::x86_64::*;

    /// Tokens in one block: 6 × 2 accumulators, 2 weight vectors and a
    /// broadcast fill 15 of AVX's 16 registers.
    const TOKENS: usize = 6;
    /// Up to this many tokens the weights are widened where they are used.
    const NARROW: usize = 12;

    /// Each panel is widened to f32 once (`inputs` × 16 floats: 24 KiB,
    /// or 96 KiB for the feed-forward's output layer) and every token
    /// block runs against it: the weights are read from memory once a
    /// pass, however long the question.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn forward(
        x: &[f32],
        tokens: usize,
        panels: &[i8],
        inputs: usize,
        outputs: usize,
        y: &mut [f32],
    ) {
        let count = outputs.div_ceil(PANEL);
        assert!(x.len() >= tokens * inputs && panels.len() >= count * PANEL * inputs);
        assert!(y.len() >= tokens * outputs && inputs.is_multiple_of(2));
        if tokens <= NARROW {
            // A block or two: each weight is used once or twice, so it is
            // widened where it is used rather than stored and read back.
            for p in 0..count {
                let panel = &panels[p * PANEL * inputs..(p + 1) * PANEL * inputs];
                let mut t = 0;
                while t < tokens {
                    let n = (tokens - t).min(TOKENS);
                    match n {
                        1 => narrow::<1>(x, t, panel, p, inputs, outputs, y),
                        2 => narrow::<2>(x, t, panel, p, inputs, outputs, y),
                        3 => narrow::<3>(x, t, panel, p, inputs, outputs, y),
                        4 => narrow::<4>(x, t, panel, p, inputs, outputs, y),
                        5 => narrow::<5>(x, t, panel, p, inputs, outputs, y),
                        _ => narrow::<6>(x, t, panel, p, inputs, outputs, y),
                    }
                    t += n;
                }
            }
            return;
        }
        let mut wide = vec![0f32; PANEL * inputs];
        for p in 0..count {
            widen(
                &panels[p * PANEL * inputs..(p + 1) * PANEL * inputs],
                &mut wide,
            );
            let mut t = 0;
            while t < tokens {
                let n = (tokens - t).min(TOKENS);
                // Fewer than four tokens make too few independent sums to
                // keep the FMA units busy: two steps of k run side by side.
                match n {
                    1 => block::<1, 2>(x, t, &wide, p, inputs, outputs, y),
                    2 => block::<2, 2>(x, t, &wide, p, inputs, outputs, y),
                    3 => block::<3, 2>(x, t, &wide, p, inputs, outputs, y),
                    4 => block::<4, 1>(x, t, &wide, p, inputs, outputs, y),
                    5 => block::<5, 1>(x, t, &wide, p, inputs, outputs, y),
                    _ => block::<6, 1>(x, t, &wide, p, inputs, outputs, y),
                }
                t += n;
            }
        }
    }

    #[target_feature(enable = "avx2,fma")]
    unsafe fn widen(panel: &[i8], out: &mut [f32]) {
        assert!(panel.len() == out.len() && panel.len().is_multiple_of(8));
        for k in (0..panel.len()).step_by(8) {
            let bytes = _mm_loadl_epi64(panel.as_ptr().add(k) as *const __m128i);
            let v = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes));
            _mm256_storeu_ps(out.as_mut_ptr().add(k), v);
        }
    }

    /// Tokens `t..t + T` against int8 panel `p`, widening as it goes.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    unsafe fn narrow<const T: usize>(
        x: &[f32],
        t: usize,
        panel: &[i8],
        p: usize,
        inputs: usize,
        outputs: usize,
        y: &mut [f32],
    ) {
        // The caller checked: x holds rows t..t + T, panel inputs × 16.
        let (xp, wp) = (x.as_ptr().add(t * inputs), panel.as_ptr());
        let mut acc = [[_mm256_setzero_ps(); 2]; T];
        for k in 0..inputs {
            let lo = _mm_loadl_epi64(wp.add(k * PANEL) as *const __m128i);
            let hi = _mm_loadl_epi64(wp.add(k * PANEL + 8) as *const __m128i);
            let w0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo));
            let w1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi));
            step(&mut acc, xp.add(k), inputs, w0, w1);
        }
        store(&acc, t, p, outputs, y);
    }

    /// One input of a block: token `r`'s value (at `x + r·inputs`) times
    /// the panel's 16 weights for that input (`w0`, `w1`), into its sums.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    unsafe fn step<const T: usize>(
        acc: &mut [[__m256; 2]; T],
        x: *const f32,
        inputs: usize,
        w0: __m256,
        w1: __m256,
    ) {
        for (r, s) in acc.iter_mut().enumerate() {
            let xb = _mm256_broadcast_ss(&*x.add(r * inputs));
            s[0] = _mm256_fmadd_ps(xb, w0, s[0]);
            s[1] = _mm256_fmadd_ps(xb, w1, s[1]);
        }
    }

    /// Block sums of tokens `t..t + T` into `y` at panel `p`'s outputs.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    unsafe fn store<const T: usize>(
        acc: &[[__m256; 2]; T],
        t: usize,
        p: usize,
        outputs: usize,
        y: &mut [f32],
    ) {
        let o = p * PANEL;
        let width = PANEL.min(outputs - o);
        for (r, sums) in acc.iter().enumerate() {
            let mut lanes = [0f32; PANEL];
            _mm256_storeu_ps(lanes.as_mut_ptr(), sums[0]);
            _mm256_storeu_ps(lanes.as_mut_ptr().add(8), sums[1]);
            let start = (t + r) * outputs + o;
            y[start..start + width].copy_from_slice(&lanes[..width]);
        }
    }

    /// Tokens `t..t + T` against panel `p`: for each input, the panel's 16
    /// weights times each token's input, summed in `U` interleaved sets.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    unsafe fn block<const T: usize, const U: usize>(
        x: &[f32],
        t: usize,
        wide: &[f32],
        p: usize,
        inputs: usize,
        outputs: usize,
        y: &mut [f32],
    ) {
        // The caller checked: x holds rows t..t + T, wide inputs × 16.
        let (xp, wp) = (x.as_ptr().add(t * inputs), wide.as_ptr());
        let mut acc = [[[_mm256_setzero_ps(); 2]; T]; U];
        let mut k = 0;
        while k < inputs {
            for (u, sums) in acc.iter_mut().enumerate() {
                let w0 = _mm256_loadu_ps(wp.add((k + u) * PANEL));
                let w1 = _mm256_loadu_ps(wp.add((k + u) * PANEL + 8));
                step(sums, xp.add(k + u), inputs, w0, w1);
            }
            k += U;
        }
        let mut sums = acc[0];
        for more in &acc[1..] {
            for (s, m) in sums.iter_mut().zip(more) {
                s[0] = _mm256_add_ps(s[0], m[0]);
                s[1] = _mm256_add_ps(s[1], m[1]);
            }
        }
        store(&sums, t, p, outputs, y);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_kernel_agrees_with_plain_arithmetic() {
        for tokens in 1..=14 {
            // A partial last panel (13, 37 outputs) and whole ones (32).
            for outputs in [13, 32, 37] {
                agrees(tokens, 48, outputs);
            }
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
        let packed = Packed::new(&w, inputs);
        let y = forward(&x, tokens, &packed, &b);
        let mut by_plain_loops = vec![0f32; tokens * outputs];
        plain(&x, tokens, &packed, &mut by_plain_loops);
        scale_and_add_bias(&mut by_plain_loops, &w.scales, &b);
        for t in 0..tokens {
            for o in 0..outputs {
                let want: f32 = (0..inputs)
                    .map(|k| x[t * inputs + k] * f32::from(w.values[o * inputs + k]))
                    .sum::<f32>()
                    * w.scales[o]
                    + b[o];
                for (how, y) in [("kernel", &y), ("plain loops", &by_plain_loops)] {
                    assert!(
                        (y[t * outputs + o] - want).abs() < 1e-2,
                        "{how}, {tokens} tokens, {outputs} outputs, y[{t}][{o}]: {} vs {want}",
                        y[t * outputs + o]
                    );
                }
            }
        }
    }
}
