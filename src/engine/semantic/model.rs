//! The sentence-embedding model: all-MiniLM-L6-v2, a 6-layer BERT encoder
//! whose mean-pooled, normalised output says what a text means. Weights are
//! read from the int8 file in `models/` (see its README) and run in process
//! on candle's CPU backend: no Python, no download.
//!
//! The encoder is written out here rather than taken from a model zoo: it is
//! forty lines of tensor algebra, and it lets the large word-embedding table
//! stay int8 in memory (rows are dequantised as a text looks them up).


use candle_core::{Device, Module, Tensor};
use candle_nn::{LayerNorm, Linear};
use safetensors::{Dtype, SafeTensors};

use super::ModelError;

/// The committed weights' format, written by `models/*/convert.py`.
pub const FORMAT: &str = "infusion-faq-int8-rowwise-v1";

const HIDDEN: usize = 384;
const HEADS: usize = 12;
const LAYERS: usize = 6;
const MAX_POSITIONS: usize = 512;
const LAYER_NORM_EPS: f64 = 1e-12;

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

/// The word-embedding table, kept int8 with one scale per row.
struct WordTable {
    values: Vec<i8>,
    scales: Vec<f32>,
}

impl WordTable {
    fn rows(&self) -> usize {
        self.scales.len()
    }

    /// The embeddings of `ids`, dequantised, as a `[ids.len(), HIDDEN]` tensor.
    fn lookup(&self, ids: &[u32]) -> Result<Tensor, candle_core::Error> {
        let mut out = Vec::with_capacity(ids.len() * HIDDEN);
        for &id in ids {
            let row = (id as usize).min(self.rows() - 1);
            let scale = self.scales[row];
            let values = &self.values[row * HIDDEN..(row + 1) * HIDDEN];
            out.extend(values.iter().map(|&v| f32::from(v) * scale));
        }
        Tensor::from_vec(out, (ids.len(), HIDDEN), &Device::Cpu)
    }
}

/// The encoder with its weights.
pub struct Encoder {
    words: WordTable,
    /// Position embeddings with the (only) token-type embedding added in.
    positions: Tensor,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("vocabulary", &self.words.rows())
            .field("layers", &self.layers.len())
            .finish()
    }
}

/// The tensors of the weights file, by name.
struct Weights<'a> {
    file: SafeTensors<'a>,
}

impl Weights<'_> {
    fn raw(&self, name: &str, dtype: Dtype) -> Result<(Vec<usize>, &[u8]), ModelError> {
        let view = self
            .file
            .tensor(name)
            .map_err(|_| ModelError::Malformed(format!("it has no tensor {name}")))?;
        if view.dtype() != dtype {
            return Err(ModelError::Malformed(format!(
                "tensor {name} is {:?}, not {dtype:?}",
                view.dtype()
            )));
        }
        Ok((view.shape().to_vec(), view.data()))
    }

    fn f32s(&self, name: &str) -> Result<(Vec<usize>, Vec<f32>), ModelError> {
        let (shape, bytes) = self.raw(name, Dtype::F32)?;
        let values = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Ok((shape, values))
    }

    /// An int8 matrix and its per-row scales, dequantised.
    fn int8_rows(&self, name: &str) -> Result<(usize, usize, Vec<i8>, Vec<f32>), ModelError> {
        let (shape, bytes) = self.raw(name, Dtype::I8)?;
        let (scale_shape, scales) = self.f32s(&format!("{name}.scale"))?;
        let [rows, cols] = shape[..] else {
            return Err(ModelError::Malformed(format!("tensor {name} is not a matrix")));
        };
        if scale_shape != [rows] {
            return Err(ModelError::Malformed(format!(
                "tensor {name}.scale does not have one scale per row"
            )));
        }
        let values = bytes.iter().map(|&b| b as i8).collect();
        Ok((rows, cols, values, scales))
    }

    fn matrix(&self, name: &str, rows: usize, cols: usize) -> Result<Tensor, ModelError> {
        let (r, c, values, scales) = self.int8_rows(name)?;
        if (r, c) != (rows, cols) {
            return Err(ModelError::Malformed(format!(
                "tensor {name} is {r}×{c}, not {rows}×{cols}"
            )));
        }
        let dequantised: Vec<f32> = values
            .chunks_exact(cols)
            .zip(&scales)
            .flat_map(|(row, &scale)| row.iter().map(move |&v| f32::from(v) * scale))
            .collect();
        Ok(Tensor::from_vec(dequantised, (rows, cols), &Device::Cpu)?)
    }

    fn vector(&self, name: &str, len: usize) -> Result<Tensor, ModelError> {
        let (shape, values) = self.f32s(name)?;
        if shape != [len] {
            return Err(ModelError::Malformed(format!(
                "tensor {name} has shape {shape:?}, not [{len}]"
            )));
        }
        Ok(Tensor::from_vec(values, len, &Device::Cpu)?)
    }

    fn linear(&self, prefix: &str, out: usize, inp: usize) -> Result<Linear, ModelError> {
        Ok(Linear::new(
            self.matrix(&format!("{prefix}.weight"), out, inp)?,
            Some(self.vector(&format!("{prefix}.bias"), out)?),
        ))
    }

    fn norm(&self, prefix: &str) -> Result<LayerNorm, ModelError> {
        Ok(LayerNorm::new(
            self.vector(&format!("{prefix}.weight"), HIDDEN)?,
            self.vector(&format!("{prefix}.bias"), HIDDEN)?,
            LAYER_NORM_EPS,
        ))
    }
}

impl Encoder {
    /// Reads the weights from the bytes of the int8 safetensors file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Encoder, ModelError> {
        let (_, metadata) = SafeTensors::read_metadata(bytes)
            .map_err(|err| ModelError::Malformed(format!("not a safetensors file ({err})")))?;
        let format = metadata
            .metadata()
            .as_ref()
            .and_then(|m| m.get("format").cloned());
        if format.as_deref() != Some(FORMAT) {
            return Err(ModelError::Malformed(format!(
                "its format is {}, not {FORMAT}",
                format.as_deref().unwrap_or("unnamed")
            )));
        }
        let file = SafeTensors::deserialize(bytes)
            .map_err(|err| ModelError::Malformed(format!("not a safetensors file ({err})")))?;
        let w = Weights { file };
        let (rows, cols, values, scales) = w.int8_rows("embeddings.word_embeddings.weight")?;
        if cols != HIDDEN || rows == 0 {
            return Err(ModelError::Malformed(
                "the word embeddings have the wrong width".into(),
            ));
        }
        let words = WordTable { values, scales };
        let positions = w.matrix("embeddings.position_embeddings.weight", MAX_POSITIONS, HIDDEN)?;
        let types = w.matrix("embeddings.token_type_embeddings.weight", 2, HIDDEN)?;
        let type0 = types.narrow(0, 0, 1)?;
        let positions = positions.broadcast_add(&type0)?;
        let embedding_norm = w.norm("embeddings.LayerNorm")?;
        let mut layers = Vec::with_capacity(LAYERS);
        for n in 0..LAYERS {
            let p = format!("encoder.layer.{n}");
            layers.push(Layer {
                query: w.linear(&format!("{p}.attention.self.query"), HIDDEN, HIDDEN)?,
                key: w.linear(&format!("{p}.attention.self.key"), HIDDEN, HIDDEN)?,
                value: w.linear(&format!("{p}.attention.self.value"), HIDDEN, HIDDEN)?,
                attention_out: w.linear(&format!("{p}.attention.output.dense"), HIDDEN, HIDDEN)?,
                attention_norm: w.norm(&format!("{p}.attention.output.LayerNorm"))?,
                intermediate: w.linear(&format!("{p}.intermediate.dense"), 4 * HIDDEN, HIDDEN)?,
                output: w.linear(&format!("{p}.output.dense"), HIDDEN, 4 * HIDDEN)?,
                output_norm: w.norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        Ok(Encoder {
            words,
            positions,
            embedding_norm,
            layers,
        })
    }

    /// The largest token id the vocabulary has, plus one.
    pub fn vocabulary(&self) -> usize {
        self.words.rows()
    }

    /// The most tokens one text may have (the position table's length).
    pub const MAX_TOKENS: usize = MAX_POSITIONS;

    /// The contextual vector of each token of one tokenised text (with its
    /// `[CLS]` and `[SEP]`), row after row: `ids.len()` rows of
    /// [`super::DIMENSIONS`] values. At most [`Encoder::MAX_TOKENS`] are read.
    pub fn hidden_states(&self, ids: &[u32]) -> Result<Vec<f32>, candle_core::Error> {
        let ids = &ids[..ids.len().min(MAX_POSITIONS)];
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut x = self
            .words
            .lookup(ids)?
            .add(&self.positions.narrow(0, 0, ids.len())?)?;
        x = self.embedding_norm.forward(&x)?;
        let head = HIDDEN / HEADS;
        let scale = 1.0 / (head as f64).sqrt();
        let t = ids.len();
        for layer in &self.layers {
            // [t, hidden] → [heads, t, head]
            let split = |m: Tensor| -> Result<Tensor, candle_core::Error> {
                m.reshape((t, HEADS, head))?.transpose(0, 1)?.contiguous()
            };
            let q = split(layer.query.forward(&x)?)?;
            let k = split(layer.key.forward(&x)?)?;
            let v = split(layer.value.forward(&x)?)?;
            let scores = (q.matmul(&k.t()?)? * scale)?;
            let weights = candle_nn::ops::softmax_last_dim(&scores)?;
            let context = weights
                .matmul(&v)?
                .transpose(0, 1)?
                .contiguous()?
                .reshape((t, HIDDEN))?;
            let attended = layer
                .attention_norm
                .forward(&layer.attention_out.forward(&context)?.add(&x)?)?;
            let inner = layer.intermediate.forward(&attended)?.gelu_erf()?;
            x = layer
                .output_norm
                .forward(&layer.output.forward(&inner)?.add(&attended)?)?;
        }
        x.flatten_all()?.to_vec1::<f32>()
    }
}
