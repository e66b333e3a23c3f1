//! The kept versions of every article and of the synonyms file, under
//! `corpus/.history/` (one numbered file each): listed, read back, and
//! saved as a change makes a new one. The store's changes call these
//! while holding the corpus lock.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::store::{io, CorpusStore, ModerationError, HISTORY_DIR, SYNONYMS_ID};
use crate::storage::durable::write_atomic;

/// One kept version.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub number: u32,
    /// When it was saved (UTC), from the file's time.
    pub saved: String,
    pub bytes: u64,
    /// It is what the corpus holds now.
    pub current: bool,
}

impl CorpusStore {
    /// The kept versions of article `id` (removed ones too), oldest first;
    /// [`SYNONYMS_ID`]: of the synonyms file.
    pub fn history(&self, id: &str) -> Result<Vec<Version>, ModerationError> {
        if id == SYNONYMS_ID {
            return self.synonyms_history();
        }
        if id == super::taught::TAUGHT_ID {
            return self.taught_versions();
        }
        let current = self.locate(id)?.map(|(_, bytes)| bytes);
        let versions = self.versions(&self.article_history(id), current.as_deref())?;
        if versions.is_empty() && current.is_none() {
            return Err(ModerationError::UnknownId(id.to_string()));
        }
        Ok(versions)
    }

    /// The kept versions of the synonyms file.
    pub fn synonyms_history(&self) -> Result<Vec<Version>, ModerationError> {
        let current = self.synonyms()?;
        self.versions(&self.dir.join(HISTORY_DIR).join("synonyms"), Some(&current))
    }

    pub(super) fn article_history(&self, id: &str) -> PathBuf {
        self.dir.join(HISTORY_DIR).join("articles").join(id)
    }

    /// Version numbers kept in `folder`, ascending, with their files.
    pub(super) fn kept(&self, folder: &Path) -> Result<Vec<(u32, PathBuf)>, ModerationError> {
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(io(folder)(err)),
        };
        let mut kept: Vec<(u32, PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let path = e.path();
                let number = path.file_stem()?.to_str()?.parse().ok()?;
                Some((number, path))
            })
            .collect();
        kept.sort();
        Ok(kept)
    }

    pub(super) fn versions(
        &self,
        folder: &Path,
        current: Option<&[u8]>,
    ) -> Result<Vec<Version>, ModerationError> {
        let kept = self.kept(folder)?;
        let last_matching = kept
            .iter()
            .rev()
            .find(|(_, path)| current.is_some_and(|c| std::fs::read(path).is_ok_and(|b| b == c)))
            .map(|(n, _)| *n);
        kept.into_iter()
            .map(|(number, path)| {
                let meta = std::fs::metadata(&path).map_err(io(&path))?;
                let saved = meta
                    .modified()
                    .map(|t| humantime::format_rfc3339_seconds(t).to_string())
                    .unwrap_or_default();
                Ok(Version {
                    number,
                    saved,
                    bytes: meta.len(),
                    current: Some(number) == last_matching,
                })
            })
            .collect()
    }

    pub(super) fn version_bytes(
        &self,
        folder: &Path,
        target: &str,
        ext: &str,
        number: u32,
    ) -> Result<Vec<u8>, ModerationError> {
        let kept = self.kept(folder)?;
        match kept.iter().find(|(n, _)| *n == number) {
            Some((_, path)) => std::fs::read(path).map_err(io(path)),
            None => Err(ModerationError::UnknownVersion {
                target: target.to_string(),
                version: number,
                available: match (kept.first(), kept.last()) {
                    (Some((first, _)), Some((last, _))) => format!("{first} to {last}"),
                    _ => format!("none kept yet (.{ext} history is empty)"),
                },
            }),
        }
    }

    /// Saves `bytes` as the next version in `folder`; returns its number.
    pub(super) fn save_version(
        &self,
        folder: &Path,
        ext: &str,
        bytes: &[u8],
    ) -> Result<u32, ModerationError> {
        let next = self.kept(folder)?.last().map_or(1, |(n, _)| n + 1);
        let path = folder.join(format!("{next:06}.{ext}"));
        write_atomic(&path, bytes).map_err(io(&path))?;
        Ok(next)
    }

    /// The number of the kept version equal to `bytes`, saving it first when
    /// it was never kept (a shipped article changed for the first time).
    pub(super) fn ensure_saved(
        &self,
        folder: &Path,
        ext: &str,
        bytes: &[u8],
    ) -> Result<u32, ModerationError> {
        for (number, path) in self.kept(folder)?.into_iter().rev() {
            if std::fs::read(&path).is_ok_and(|b| b == bytes) {
                return Ok(number);
            }
        }
        self.save_version(folder, ext, bytes)
    }
}
