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
//!
//! Where the processor has AVX-512 VNNI (checked at run time), each
//! token's inputs are quantised to 8 bits too and the products are summed
//! four at a time in integers (`vpdpbusd`: 64 multiply-adds an
//! instruction, against 16 for f32 FMA): a long question's pass takes a
//! third of the time, and its vector stays within 0.999 of the f32 one.

/// Outputs in one panel: two AVX vectors.
const PANEL: usize = 16;

/// Inputs quantised with one step, for the integer kernel: a token's few
/// large inputs (BERT's hidden states have outlier dimensions) then cost
/// precision only in their own group.
const GROUP: usize = 64;

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
/// zero). For the integer kernel, input by four inputs instead
/// (`panels[p][k / 4][j][k % 4]`), with each output's weights summed.
pub struct Packed {
    panels: Vec<i8>,
    scales: Vec<f32>,
    inputs: usize,
    /// Set when packed for the integer kernel: Σ_k w[o][k] over each group
    /// of [`GROUP`] inputs, panel by panel (`[p][g][j]`).
    weight_sums: Option<Vec<i32>>,
}

impl Packed {
    /// Packs `rows` (outputs of `inputs` weights each) for the fastest
    /// kernel this processor runs.
    pub fn new(rows: &Int8Rows, inputs: usize) -> Packed {
        if integer_kernel() && inputs.is_multiple_of(GROUP) {
            Packed::for_integers(rows, inputs)
        } else {
            Packed::for_floats(rows, inputs)
        }
    }

    fn for_floats(rows: &Int8Rows, inputs: usize) -> Packed {
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
            weight_sums: None,
        }
    }

    fn for_integers(rows: &Int8Rows, inputs: usize) -> Packed {
        let outputs = rows.scales.len();
        assert!(rows.values.len() == outputs * inputs && inputs.is_multiple_of(GROUP));
        let mut panels = vec![0i8; outputs.div_ceil(PANEL) * PANEL * inputs];
        for (o, row) in rows.values.chunks_exact(inputs).enumerate() {
            let (p, j) = (o / PANEL, o % PANEL);
            for (k, &w) in row.iter().enumerate() {
                panels[p * PANEL * inputs + (k / 4) * PANEL * 4 + j * 4 + k % 4] = w;
            }
        }
        let groups = inputs / GROUP;
        let mut weight_sums = vec![0i32; outputs.div_ceil(PANEL) * groups * PANEL];
        for (o, row) in rows.values.chunks_exact(inputs).enumerate() {
            let (p, j) = (o / PANEL, o % PANEL);
            for (g, group) in row.chunks_exact(GROUP).enumerate() {
                weight_sums[(p * groups + g) * PANEL + j] =
                    group.iter().map(|&w| i32::from(w)).sum();
            }
        }
        Packed {
            panels,
            scales: rows.scales.clone(),
            inputs,
            weight_sums: Some(weight_sums),
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
    if let Some(sums) = &w.weight_sums {
        let (q, steps) = quantise(x, tokens, inputs);
        let kernel = vnni::Kernel {
            q: &q,
            steps: &steps,
            panels: &w.panels,
            sums,
            inputs,
            outputs,
        };
        // SAFETY: weights are packed so only when `integer_kernel()` found
        // the features; the kernel checks the slices' lengths.
        unsafe { kernel.forward(tokens, &mut y) };
        scale_and_add_bias(&mut y, &w.scales, b);
        return y;
    }
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

/// Whether this processor runs the integer kernel (AVX-512 with VNNI).
pub fn integer_kernel() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static FOUND: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *FOUND.get_or_init(|| {
            std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512vnni")
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Each group of [`GROUP`] inputs of each token in 8 bits: `x ≈ (q −
/// 128)·step`, `step` the group's largest magnitude over 127 (unsigned,
/// as `vpdpbusd` takes them); one step per token and group, in order.
fn quantise(x: &[f32], tokens: usize, inputs: usize) -> (Vec<u8>, Vec<f32>) {
    let mut quantised = vec![128u8; tokens * inputs];
    let mut steps = vec![0f32; tokens * inputs.div_ceil(GROUP)];
    for ((group, q), step) in x[..tokens * inputs]
        .chunks(GROUP)
        .zip(quantised.chunks_mut(GROUP))
        .zip(&mut steps)
    {
        let largest = largest_magnitude(group);
        if largest > 0.0 && largest.is_finite() {
            *step = largest / 127.0;
            let inverse = 127.0 / largest;
            // v·inverse is within ±127, so + 128.5 is positive and the
            // cast's truncation rounds it (no call to `round`, and the
            // loop vectorises; the cast saturates).
            for (q, v) in q.iter_mut().zip(group) {
                *q = (v * inverse + 128.5) as u8;
            }
        }
    }
    (quantised, steps)
}

/// The largest |v| of a row, in 16 lanes the compiler vectorises (one
/// running maximum may not be reordered).
fn largest_magnitude(row: &[f32]) -> f32 {
    let mut lanes = [0f32; 16];
    let chunks = row.chunks_exact(16);
    let rest = chunks.remainder();
    for chunk in chunks {
        lanes
            .iter_mut()
            .zip(chunk)
            .for_each(|(m, v)| *m = m.max(v.abs()));
    }
    let most = rest.iter().fold(0f32, |m, v| m.max(v.abs()));
    lanes.iter().fold(most, |m, &v| m.max(v))
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

#[cfg(target_arch = "x86_64")]
mod vnni {
    use super::{GROUP, PANEL};
    use std::arch::x86_64::*;

    /// Tokens in one block: an integer and a float sum each, of AVX-512's
    /// 32 registers.
    const TOKENS: usize = 8;

    /// One dense layer's quantised inputs (`q`, a step per token and
    /// group), its packed weights and their group sums.
    pub struct Kernel<'a> {
        pub q: &'a [u8],
        pub steps: &'a [f32],
        pub panels: &'a [i8],
        pub sums: &'a [i32],
        pub inputs: usize,
        pub outputs: usize,
    }

    impl Kernel<'_> {
        /// `y[t][o] = Σ_g step[t][g]·Σ_{k in g} (q[t][k] − 128)·w[o][k]`:
        /// each group summed in integers (`sums` takes the offset of 128
        /// off), then scaled by its step in f32.
        #[target_feature(enable = "avx512f,avx512vnni")]
        pub unsafe fn forward(&self, tokens: usize, y: &mut [f32]) {
            let (inputs, outputs) = (self.inputs, self.outputs);
            let (count, groups) = (outputs.div_ceil(PANEL), inputs / GROUP);
            assert!(self.q.len() >= tokens * inputs && self.steps.len() >= tokens * groups);
            assert!(self.panels.len() >= count * PANEL * inputs);
            assert!(self.sums.len() >= count * groups * PANEL);
            assert!(y.len() >= tokens * outputs && inputs.is_multiple_of(GROUP));
            for p in 0..count {
                let mut t = 0;
                while t < tokens {
                    let n = (tokens - t).min(TOKENS);
                    match n {
                        1 => self.block::<1>(t, p, y),
                        2 => self.block::<2>(t, p, y),
                        3 => self.block::<3>(t, p, y),
                        4 => self.block::<4>(t, p, y),
                        5 => self.block::<5>(t, p, y),
                        6 => self.block::<6>(t, p, y),
                        7 => self.block::<7>(t, p, y),
                        _ => self.block::<8>(t, p, y),
                    }
                    t += n;
                }
            }
        }

        /// Tokens `t..t + T` against panel `p`: for each four inputs, the
        /// panel's 16 × 4 weights (one register) times each token's four
        /// inputs (broadcast), summed into its 16 outputs.
        #[target_feature(enable = "avx512f,avx512vnni")]
        #[inline]
        unsafe fn block<const T: usize>(&self, t: usize, p: usize, y: &mut [f32]) {
            // `forward` checked the lengths for every t, p it passes.
            let (inputs, groups) = (self.inputs, self.inputs / GROUP);
            let qp = self.q.as_ptr().add(t * inputs);
            let wp = self.panels.as_ptr().add(p * PANEL * inputs);
            let mut total = [_mm512_setzero_ps(); T];
            for g in 0..groups {
                let mut acc = [_mm512_setzero_si512(); T];
                for four in g * GROUP / 4..(g + 1) * GROUP / 4 {
                    let w = _mm512_loadu_si512(wp.add(four * PANEL * 4) as *const __m512i);
                    for (r, sum) in acc.iter_mut().enumerate() {
                        let x = (qp.add(r * inputs + four * 4) as *const i32).read_unaligned();
                        *sum = _mm512_dpbusd_epi32(*sum, _mm512_set1_epi32(x), w);
                    }
                }
                let sums = self.sums.as_ptr().add((p * groups + g) * PANEL);
                let offset = _mm512_slli_epi32::<7>(_mm512_loadu_si512(sums as *const __m512i));
                for (r, (sum, acc)) in total.iter_mut().zip(&acc).enumerate() {
                    let exact = _mm512_cvtepi32_ps(_mm512_sub_epi32(*acc, offset));
                    let step = _mm512_set1_ps(self.steps[(t + r) * groups + g]);
                    *sum = _mm512_fmadd_ps(exact, step, *sum);
                }
            }
            let o = p * PANEL;
            let width = PANEL.min(self.outputs - o);
            for (r, sum) in total.iter().enumerate() {
                let mut lanes = [0f32; PANEL];
                _mm512_storeu_ps(lanes.as_mut_ptr(), *sum);
                let start = (t + r) * self.outputs + o;
                y[start..start + width].copy_from_slice(&lanes[..width]);
            }
        }
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
                agrees(tokens, 128, outputs);
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
        let packed = Packed::for_floats(&w, inputs);
        let y = forward(&x, tokens, &packed, &b);
        let mut by_plain_loops = vec![0f32; tokens * outputs];
        plain(&x, tokens, &packed, &mut by_plain_loops);
        scale_and_add_bias(&mut by_plain_loops, &w.scales, &b);
        let mut kernels = vec![("kernel", y), ("plain loops", by_plain_loops)];
        if integer_kernel() && inputs.is_multiple_of(GROUP) {
            let packed = Packed::for_integers(&w, inputs);
            kernels.push(("integer kernel", forward(&x, tokens, &packed, &b)));
        }
        for t in 0..tokens {
            let row = &x[t * inputs..(t + 1) * inputs];
            // The integer kernel rounds each input by up to half a step
            // (bounded here by the whole row's).
            let half_step = row.iter().fold(0f32, |m, v| m.max(v.abs())) / 127.0 / 2.0;
            for o in 0..outputs {
                let weights = &w.values[o * inputs..(o + 1) * inputs];
                let want: f32 = row
                    .iter()
                    .zip(weights)
                    .map(|(x, &w)| x * f32::from(w))
                    .sum::<f32>()
                    * w.scales[o]
                    + b[o];
                for (how, y) in &kernels {
                    let rounding = if *how == "integer kernel" {
                        half_step
                            * weights.iter().map(|&w| f32::from(w).abs()).sum::<f32>()
                            * w.scales[o]
                    } else {
                        0.0
                    };
                    assert!(
                        (y[t * outputs + o] - want).abs() <= 1e-2 + rounding,
                        "{how}, {tokens} tokens, {outputs} outputs, y[{t}][{o}]: {} vs {want}",
                        y[t * outputs + o]
                    );
                }
            }
        }
    }

    #[test]
    fn inputs_are_quantised_to_within_half_a_step() {
        // Two tokens of two groups each; one group of zeros.
        let x: Vec<f32> = (0..4 * GROUP)
            .map(|i| match i / GROUP {
                2 => 0.0,
                g => ((i * 37) % 101) as f32 / 50.0 - 1.0 + g as f32,
            })
            .collect();
        let (q, steps) = quantise(&x, 2, 2 * GROUP);
        assert_eq!(steps.len(), 4);
        for (i, (&q, &x)) in q.iter().zip(&x).enumerate() {
            let step = steps[i / GROUP];
            let back = (f32::from(q) - 128.0) * step;
            assert!((back - x).abs() <= step / 2.0 + 1e-6, "{i}: {back} vs {x}");
        }
        assert!(q[2 * GROUP..3 * GROUP].iter().all(|&q| q == 128));
    }
}
