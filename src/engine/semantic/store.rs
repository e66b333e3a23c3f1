//! The vectors of passages, cached beside the index by the digest of the
//! text that was embedded, so that a moderator's change re-embeds only its
//! own passages and a rebuild of an unchanged corpus embeds nothing.
//!
//! One file per model (`vectors-<model tag>.bin`), replaced atomically:
//! a magic line, the entry count, the entries (digest, then the passage's
//! vector and one vector per sentence, as f16), and a SHA-256 of all that.
//! A file that is short, long, or fails its digest is ignored and rebuilt.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use half::f16;
use sha2::{Digest, Sha256};

use super::DIMENSIONS;

const MAGIC: &[u8; 8] = b"IFQVEC02";
/// More sentences than this in one passage are not cached (none is near it).
const MAX_SENTENCES: usize = 1024;
/// A cache larger than this is not read (10,000 articles need about 400 MiB).
const MAX_FILE_BYTES: u64 = 2 << 30;

/// Identifies an embedded text.
pub type TextDigest = [u8; 16];

pub fn digest(text: &str) -> TextDigest {
    let full = Sha256::digest(text.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&full[..16]);
    out
}

/// What the model made of one passage: its vector, and one for each of its
/// sentences.
#[derive(Debug, Clone, PartialEq)]
pub struct PassageVectors {
    pub passage: Vec<f32>,
    pub sentences: Vec<Vec<f32>>,
}

/// Passage vectors by digest.
#[derive(Debug, Default)]
pub struct VectorCache {
    entries: HashMap<TextDigest, PassageVectors>,
}

impl VectorCache {
    pub fn path(index_root: &Path, model_tag: &str) -> PathBuf {
        index_root.join(format!("vectors-{model_tag}.bin"))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, digest: &TextDigest) -> Option<&PassageVectors> {
        self.entries.get(digest)
    }

    pub fn insert(&mut self, digest: TextDigest, vectors: PassageVectors) {
        self.entries.insert(digest, vectors);
    }

    /// Reads the cache; a missing file is an empty cache, and so is a
    /// damaged one (with a warning): the vectors are computed again.
    pub fn load(path: &Path) -> VectorCache {
        match read(path) {
            Ok(Some(cache)) => cache,
            Ok(None) => VectorCache::default(),
            Err(reason) => {
                tracing::warn!(path = %path.display(), reason, "vector cache ignored; re-embedding");
                VectorCache::default()
            }
        }
    }

    /// Writes the entries whose digest `keep` accepts, atomically (a temp
    /// file renamed over the old one), so readers see the old or the new.
    pub fn save(&self, path: &Path, keep: impl Fn(&TextDigest) -> bool) -> std::io::Result<()> {
        let mut digests: Vec<&TextDigest> = self.entries.keys().filter(|d| keep(d)).collect();
        digests.sort();
        let mut body = Vec::new();
        body.extend_from_slice(MAGIC);
        body.extend_from_slice(&(DIMENSIONS as u32).to_le_bytes());
        body.extend_from_slice(&(digests.len() as u64).to_le_bytes());
        for digest in digests {
            let entry = &self.entries[digest];
            body.extend_from_slice(digest);
            body.extend_from_slice(&(entry.sentences.len() as u32).to_le_bytes());
            for vector in std::iter::once(&entry.passage).chain(&entry.sentences) {
                for &x in vector {
                    body.extend_from_slice(&f16::from_f32(x).to_le_bytes());
                }
            }
        }
        let check = Sha256::digest(&body);
        body.extend_from_slice(&check);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        crate::storage::durable::write_atomic(path, &body)
    }
}

/// `Ok(None)` when there is no cache; `Err` says why one is unusable.
fn read(path: &Path) -> Result<Option<VectorCache>, &'static str> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(_) => return Ok(None),
    };
    if !meta.is_file() {
        return Err("not a regular file");
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err("too large");
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES).read_to_end(&mut bytes))
        .map_err(|_| "unreadable")?;
    if bytes.len() < MAGIC.len() + 12 + 32 {
        return Err("truncated");
    }
    let (body, check) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(body).as_slice() != check {
        return Err("checksum mismatch");
    }
    if &body[..8] != MAGIC {
        return Err("not a vector cache");
    }
    let mut at = 8;
    let mut take = |n: usize| -> Result<&[u8], &'static str> {
        let slice = body.get(at..at + n).ok_or("truncated")?;
        at += n;
        Ok(slice)
    };
    let dims = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes")) as usize;
    if dims != DIMENSIONS {
        return Err("vectors of another width");
    }
    let count = u64::from_le_bytes(take(8)?.try_into().expect("8 bytes"));
    let mut entries = HashMap::new();
    for _ in 0..count {
        let digest: TextDigest = take(16)?.try_into().expect("16 bytes");
        let sentences = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes")) as usize;
        if sentences > MAX_SENTENCES {
            return Err("implausible sentence count");
        }
        let mut vectors = Vec::with_capacity(sentences + 1);
        for _ in 0..=sentences {
            let raw = take(DIMENSIONS * 2)?;
            vectors.push(
                raw.chunks_exact(2)
                    .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
                    .collect::<Vec<f32>>(),
            );
        }
        let passage = vectors.remove(0);
        entries.insert(
            digest,
            PassageVectors {
                passage,
                sentences: vectors,
            },
        );
    }
    if at != body.len() {
        return Err("trailing bytes");
    }
    Ok(Some(VectorCache { entries }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vectors(seed: f32, sentences: usize) -> PassageVectors {
        let v = |k: f32| (0..DIMENSIONS).map(|i| (i as f32 * k).sin()).collect();
        PassageVectors {
            passage: v(seed),
            sentences: (0..sentences).map(|s| v(seed + s as f32 + 1.0)).collect(),
        }
    }

    #[test]
    fn a_saved_cache_reads_back_within_f16_precision() {
        let dir = tempfile::tempdir().unwrap();
        let path = VectorCache::path(dir.path(), "tag");
        let mut cache = VectorCache::default();
        cache.insert(digest("a"), vectors(0.1, 2));
        cache.insert(digest("b"), vectors(0.2, 0));
        cache.insert(digest("dropped"), vectors(0.3, 1));
        cache.save(&path, |d| *d != digest("dropped")).unwrap();
        let back = VectorCache::load(&path);
        assert_eq!(back.len(), 2);
        let a = back.get(&digest("a")).unwrap();
        let want = vectors(0.1, 2);
        assert_eq!(a.sentences.len(), 2);
        for (x, y) in a.passage.iter().zip(&want.passage) {
            assert!((x - y).abs() < 1e-3);
        }
        assert!(back.get(&digest("dropped")).is_none());
    }

    #[test]
    fn a_damaged_or_truncated_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = VectorCache::path(dir.path(), "tag");
        let mut cache = VectorCache::default();
        cache.insert(digest("a"), vectors(0.1, 3));
        cache.save(&path, |_| true).unwrap();
        let good = std::fs::read(&path).unwrap();
        for at in [0, 9, 30, good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x40;
            std::fs::write(&path, &bad).unwrap();
            assert!(VectorCache::load(&path).is_empty(), "flip at {at}");
        }
        std::fs::write(&path, &good[..good.len() - 7]).unwrap();
        assert!(VectorCache::load(&path).is_empty());
        std::fs::write(&path, b"").unwrap();
        assert!(VectorCache::load(&path).is_empty());
    }
}
