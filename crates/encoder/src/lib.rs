//! The sentence-embedding model: all-MiniLM-L6-v2, a 6-layer BERT encoder
//! whose mean-pooled, normalised output says what a text means. Weights are
//! read from the int8 file in `models/` (see its README) and run in process:
//! no Python, no download.
//!
//! The encoder is written out here, on plain slices: a member's question is
//! a handful of tokens, and for that shape a tensor library's per-operation
//! costs (packing the weights into panels for every matmul, waking a thread
//! pool for every element-wise map) came to ~10 ms a question, where this
//! takes ~1–2 ms. The weights stay int8 in memory ([`dense_layer`]), a
//! quarter of the bytes to read per pass. It is checked against the
//! reference implementation in infusion-faq's `engine::semantic` tests.
//!
//! It is a crate of its own so that it alone is optimised in test builds
//! (unoptimised, a question would take seconds), and so that editing the
//! engine does not rebuild it.
//!

use safetensors::{Dtype, SafeTensors};

mod dense_layer;
mod vector;

pub use dense_layer::integer_kernel;
use dense_layer::{Int8Rows, Packed};
pub use vector::{cosine, dot_i8, dot_i8_rows, mean_pooled, normalise, row_sums};

/// Width of a token's vector and of an embedding.
pub const DIMENSIONS: usize = 384;

/// What is wrong with a weights file, in one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Malformed {}

/// The committed weights' format, written by `models/*/convert.py`.
pub const FORMAT: &str = "infusion-faq-int8-rowwise-v1";

const HIDDEN: usize = DIMENSIONS;
const HEADS: usize = 12;
const HEAD: usize = HIDDEN / HEADS;
const INTERMEDIATE: usize = 4 * HIDDEN;
/// Layers a weights file may have, at most (the sentence model and the
/// reader have six).
const MAX_LAYERS: usize = 12;
const MAX_POSITIONS: usize = 512;
const LAYER_NORM_EPS: f32 = 1e-12;

/// A dense layer: its int8 weight `[out, in]`, packed, and the bias.
struct Linear {
    weight: Packed,
    bias: Vec<f32>,
}

impl Linear {
    fn forward(&self, x: &[f32], tokens: usize) -> Vec<f32> {
        dense_layer::forward(x, tokens, &self.weight, &self.bias)
    }
}

struct LayerNorm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

impl LayerNorm {
    /// Normalises each row of `x` in place.
    #[inline(always)]
    fn apply(&self, x: &mut [f32]) {
        for row in x.chunks_exact_mut(HIDDEN) {
            let mean = row.iter().sum::<f32>() / HIDDEN as f32;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / HIDDEN as f32;
            let inv = 1.0 / (var + LAYER_NORM_EPS).sqrt();
            for ((v, g), b) in row.iter_mut().zip(&self.gamma).zip(&self.beta) {
                *v = (*v - mean) * inv * g + b;
            }
        }
    }
}

/// One encoder layer: self-attention, then the feed-forward block, each
/// with its residual connection and layer norm.
struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

impl Layer {
    fn forward(&self, x: &mut Vec<f32>, t: usize) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the feature was just detected.
            unsafe { self.forward_avx2(x, t) };
            return;
        }
        self.forward_here(x, t);
    }

    /// The same arithmetic, compiled for AVX2: attention, GELU and the
    /// layer norms are a third of a pass, and their loops vectorise twice
    /// as wide (results are the same: nothing is reordered or fused).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn forward_avx2(&self, x: &mut Vec<f32>, t: usize) {
        self.forward_here(x, t);
    }

    #[inline(always)]
    fn forward_here(&self, x: &mut Vec<f32>, t: usize) {
        let q = self.query.forward(x, t);
        let k = self.key.forward(x, t);
        let v = self.value.forward(x, t);
        let scale = 1.0 / (HEAD as f32).sqrt();
        let mut context = vec![0f32; t * HIDDEN];
        let mut scores = vec![0f32; t];
        // One head's keys transposed, dimension by dimension: a query's
        // scores are then 32 multiply-adds across all the keys at once,
        // which vectorise, where a dot product per key spent its time
        // adding lanes together (a third of a long question's pass).
        let mut keys = vec![0f32; HEAD * t];
        for h in 0..HEADS {
            for j in 0..t {
                for d in 0..HEAD {
                    keys[d * t + j] = k[j * HIDDEN + h * HEAD + d];
                }
            }
            for i in 0..t {
                scores.fill(0.0);
                let qi = &q[i * HIDDEN + h * HEAD..i * HIDDEN + (h + 1) * HEAD];
                for (d, column) in keys.chunks_exact(t).enumerate() {
                    let qd = qi[d] * scale;
                    scores
                        .iter_mut()
                        .zip(column)
                        .for_each(|(s, k)| *s += qd * k);
                }
                softmax(&mut scores);
                // Summed in a local array the compiler keeps in registers
                // (through `context` each step waited for the last store).
                let mut sum = [0f32; HEAD];
                for (j, w) in scores.iter().enumerate() {
                    let vj = &v[j * HIDDEN + h * HEAD..j * HIDDEN + (h + 1) * HEAD];
                    sum.iter_mut().zip(vj).for_each(|(o, vj)| *o += w * vj);
                }
                context[i * HIDDEN + h * HEAD..i * HIDDEN + (h + 1) * HEAD].copy_from_slice(&sum);
            }
        }
        let mut attended = self.attention_out.forward(&context, t);
        attended.iter_mut().zip(x.iter()).for_each(|(a, x)| *a += x);
        self.attention_norm.apply(&mut attended);
        let mut inner = self.intermediate.forward(&attended, t);
        inner.iter_mut().for_each(|v| *v = gelu(*v));
        let mut out = self.output.forward(&inner, t);
        out.iter_mut().zip(&attended).for_each(|(o, a)| *o += a);
        self.output_norm.apply(&mut out);
        *x = out;
    }
}

#[inline(always)]
fn softmax(v: &mut [f32]) {
    let max = v.iter().copied().fold(f32::MIN, f32::max);
    let mut sum = 0.0;
    for x in v.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    v.iter_mut().for_each(|x| *x /= sum);
}

/// BERT's exact GELU, x·Φ(x), with erf to within 1.5e-7 (Abramowitz and
/// Stegun 7.1.26).
#[inline(always)]
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x / std::f32::consts::SQRT_2))
}

#[inline(always)]
fn erf(x: f32) -> f32 {
    let sign = x.signum();
    let x = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152_1 + t * 1.061_405_4))));
    sign * (1.0 - poly * (-x * x).exp())
}

/// The encoder with its weights.
pub struct Encoder {
    /// The word-embedding table, int8 rows dequantised as a text looks them up.
    words: Int8Rows,
    /// Position embeddings with the (only) token-type embedding added in.
    positions: Vec<f32>,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
    /// A reader's scoring head (weights over the mean of the states, and a
    /// bias), when the file has one: see [`Encoder::score`].
    head: Option<(Vec<f32>, f32)>,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("vocabulary", &self.vocabulary())
            .field("layers", &self.layers.len())
            .field("head", &self.head.is_some())
            .finish()
    }
}

/// The tensors of the weights file, by name.
struct Weights<'a> {
    file: SafeTensors<'a>,
}

impl Weights<'_> {
    fn raw(&self, name: &str, dtype: Dtype) -> Result<(Vec<usize>, &[u8]), Malformed> {
        let view = self
            .file
            .tensor(name)
            .map_err(|_| Malformed(format!("it has no tensor {name}")))?;
        if view.dtype() != dtype {
            return Err(Malformed(format!(
                "tensor {name} is {:?}, not {dtype:?}",
                view.dtype()
            )));
        }
        Ok((view.shape().to_vec(), view.data()))
    }

    fn vector(&self, name: &str, len: usize) -> Result<Vec<f32>, Malformed> {
        let (shape, bytes) = self.raw(name, Dtype::F32)?;
        if shape != [len] {
            return Err(Malformed(format!(
                "tensor {name} has shape {shape:?}, not [{len}]"
            )));
        }
        Ok(bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    /// An int8 matrix of `rows` (any number when `None`) by `cols`, with
    /// its per-row scales.
    fn int8_rows(
        &self,
        name: &str,
        rows: Option<usize>,
        cols: usize,
    ) -> Result<Int8Rows, Malformed> {
        let (shape, bytes) = self.raw(name, Dtype::I8)?;
        let scales = self.vector(
            &format!("{name}.scale"),
            shape.first().copied().unwrap_or(0),
        )?;
        let ok = shape.len() == 2 && shape[1] == cols && rows.is_none_or(|r| r == shape[0]);
        if !ok || shape[0] == 0 {
            return Err(Malformed(format!(
                "tensor {name} has shape {shape:?}, not [{}, {cols}]",
                rows.map_or("n".to_string(), |r| r.to_string())
            )));
        }
        Ok(Int8Rows {
            values: bytes.iter().map(|&b| b as i8).collect(),
            scales,
        })
    }

    fn linear(&self, prefix: &str, out: usize, inp: usize) -> Result<Linear, Malformed> {
        let rows = self.int8_rows(&format!("{prefix}.weight"), Some(out), inp)?;
        Ok(Linear {
            weight: Packed::new(&rows, inp),
            bias: self.vector(&format!("{prefix}.bias"), out)?,
        })
    }

    fn norm(&self, prefix: &str) -> Result<LayerNorm, Malformed> {
        Ok(LayerNorm {
            gamma: self.vector(&format!("{prefix}.weight"), HIDDEN)?,
            beta: self.vector(&format!("{prefix}.bias"), HIDDEN)?,
        })
    }
}

impl Int8Rows {
    fn rows(&self) -> usize {
        self.scales.len()
    }

    /// Row `r`, dequantised, appended to `out`.
    fn push_row(&self, r: usize, out: &mut Vec<f32>) {
        let cols = self.values.len() / self.rows();
        let scale = self.scales[r];
        out.extend(
            self.values[r * cols..(r + 1) * cols]
                .iter()
                .map(|&v| f32::from(v) * scale),
        );
    }
}

impl Encoder {
    /// Reads the weights from the bytes of the int8 safetensors file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Encoder, Malformed> {
        let (_, metadata) = SafeTensors::read_metadata(bytes)
            .map_err(|err| Malformed(format!("not a safetensors file ({err})")))?;
        let format = metadata
            .metadata()
            .as_ref()
            .and_then(|m| m.get("format").cloned());
        if format.as_deref() != Some(FORMAT) {
            return Err(Malformed(format!(
                "its format is {}, not {FORMAT}",
                format.as_deref().unwrap_or("unnamed")
            )));
        }
        let file = SafeTensors::deserialize(bytes)
            .map_err(|err| Malformed(format!("not a safetensors file ({err})")))?;
        let w = Weights { file };
        let words = w.int8_rows("embeddings.word_embeddings.weight", None, HIDDEN)?;
        let position_rows = w.int8_rows(
            "embeddings.position_embeddings.weight",
            Some(MAX_POSITIONS),
            HIDDEN,
        )?;
        let types = w.int8_rows("embeddings.token_type_embeddings.weight", Some(2), HIDDEN)?;
        let mut type0 = Vec::with_capacity(HIDDEN);
        types.push_row(0, &mut type0);
        let mut positions = Vec::with_capacity(MAX_POSITIONS * HIDDEN);
        for r in 0..MAX_POSITIONS {
            position_rows.push_row(r, &mut positions);
        }
        for row in positions.chunks_exact_mut(HIDDEN) {
            row.iter_mut().zip(&type0).for_each(|(p, t)| *p += t);
        }
        let embedding_norm = w.norm("embeddings.LayerNorm")?;
        // As many layers as the file has (a reader may keep fewer than the
        // sentence model's six); a gap in their numbers is a damaged file.
        let count = (0..MAX_LAYERS)
            .take_while(|n| {
                w.file
                    .tensor(&format!("encoder.layer.{n}.attention.self.query.weight"))
                    .is_ok()
            })
            .count();
        if count == 0 {
            return Err(Malformed("it has no encoder layer".to_string()));
        }
        let stray = w.file.names().into_iter().any(|name| {
            name.strip_prefix("encoder.layer.")
                .and_then(|rest| rest.split('.').next())
                .and_then(|n| n.parse::<usize>().ok())
                .is_some_and(|n| n >= count)
        });
        if stray {
            return Err(Malformed(format!(
                "its encoder layers are not numbered 0 to {} without a gap",
                count - 1
            )));
        }
        let mut layers = Vec::with_capacity(count);
        for n in 0..count {
            let p = format!("encoder.layer.{n}");
            layers.push(Layer {
                query: w.linear(&format!("{p}.attention.self.query"), HIDDEN, HIDDEN)?,
                key: w.linear(&format!("{p}.attention.self.key"), HIDDEN, HIDDEN)?,
                value: w.linear(&format!("{p}.attention.self.value"), HIDDEN, HIDDEN)?,
                attention_out: w.linear(&format!("{p}.attention.output.dense"), HIDDEN, HIDDEN)?,
                attention_norm: w.norm(&format!("{p}.attention.output.LayerNorm"))?,
                intermediate: w.linear(&format!("{p}.intermediate.dense"), INTERMEDIATE, HIDDEN)?,
                output: w.linear(&format!("{p}.output.dense"), HIDDEN, INTERMEDIATE)?,
                output_norm: w.norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        let head = if w.file.tensor("head.weight").is_ok() {
            let bias = w.vector("head.bias", 1)?[0];
            Some((w.vector("head.weight", HIDDEN)?, bias))
        } else {
            None
        };
        Ok(Encoder {
            words,
            positions,
            embedding_norm,
            layers,
            head,
        })
    }

    /// A reader's score of one tokenised pair (`[CLS]` question `[SEP]`
    /// passage `[SEP]`): its head over the mean of the tokens' states, a
    /// logit (above 0: the passage answers). `None` for a model without a
    /// head.
    pub fn score(&self, ids: &[u32]) -> Option<f32> {
        let (weights, bias) = self.head.as_ref()?;
        let states = self.hidden_states(ids);
        let rows = (states.len() / HIDDEN).max(1) as f32;
        let mut mean = vec![0f32; HIDDEN];
        for row in states.chunks_exact(HIDDEN) {
            mean.iter_mut().zip(row).for_each(|(m, x)| *m += x);
        }
        Some(
            bias + mean
                .iter()
                .zip(weights)
                .map(|(m, w)| m / rows * w)
                .sum::<f32>(),
        )
    }

    /// Whether the file had a reader's scoring head.
    pub fn has_head(&self) -> bool {
        self.head.is_some()
    }

    /// The number of token ids the vocabulary has.
    pub fn vocabulary(&self) -> usize {
        self.words.rows()
    }

    /// The contextual vector of each token of one tokenised text (with its
    /// `[CLS]` and `[SEP]`), row after row: `ids.len()` rows of
    /// [`DIMENSIONS`] values. At most 512 tokens are read.
    pub fn hidden_states(&self, ids: &[u32]) -> Vec<f32> {
        let ids = &ids[..ids.len().min(MAX_POSITIONS)];
        let t = ids.len();
        let mut x = Vec::with_capacity(t * HIDDEN);
        for &id in ids {
            self.words
                .push_row((id as usize).min(self.vocabulary() - 1), &mut x);
        }
        x.iter_mut()
            .zip(&self.positions[..t * HIDDEN])
            .for_each(|(x, p)| *x += p);
        self.embedding_norm.apply(&mut x);
        for layer in &self.layers {
            layer.forward(&mut x, t);
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_is_accurate() {
        for (x, want) in [
            (0.0, 0.0),
            (0.5, 0.520_499_9),
            (1.0, 0.842_700_8),
            (-2.0, -0.995_322_3),
        ] {
            assert!((erf(x) - want).abs() < 1e-6, "erf({x})");
        }
    }
}
