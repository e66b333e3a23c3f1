//! Changes to the corpus, made safely: every upload is validated before
//! anything is written; every version of an article and of the synonyms file
//! is kept under `corpus/.history/`; every write is atomic and durable; every
//! change is audited. The Discord admin commands and `infusion-faq corpus …`
//! both go through [`CorpusStore`]. The kept versions are in
//! [`super::history`], what a moderator sees before confirming in
//! [`super::preview`].
//!
//! Every change holds the corpus folder's write lock ([`crate::storage::lock`]) from
//! its checks to its audit line, so changes from several processes take
//! turns: version numbers are unique, a second `add` of one id is refused,
//! and a confirmed replacement whose article changed since its preview is
//! refused too ([`ModerationError::ChangedMeanwhile`]). A change whose audit
//! line cannot be written is not made.
//!
//! Order of a change: the new version is saved in the history, then the live
//! file is replaced, then the audit entry is appended. A crash before the live
//! write leaves the old corpus (and a spare history version); after it, the
//! new one. Never a mix.
//!
//! The synonyms file's id is [`SYNONYMS_ID`] ("synonyms"): `history` and
//! `restore` with that id mean the synonyms file; article validation
//! refuses it as an id, in `check` and `add` alike.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::audit::{now, AuditEntry, AuditLog, AuditStatus};
pub use super::history::Version;
use super::preview::preview_of;
pub use super::preview::{Preview, SynonymsPreview};
use super::taught::TAUGHT_ID;
use super::Actor;
use crate::corpus::{
    corpus_entries, parse_article, parse_synonyms, Article, Problem, Synonyms, MAX_ARTICLE_BYTES,
    MAX_SYNONYMS_BYTES, SYNONYMS_FILE,
};
use crate::storage::durable::{remove_durably, write_atomic};
use crate::storage::lock::WriteLock;
use crate::storage::read::{read_capped, ReadError};
use crate::text::count;

/// Folder (inside the corpus folder) holding every version and the audit log.
pub const HISTORY_DIR: &str = ".history";
/// The id that names the synonyms file in `history`, `restore` and the
/// audit log; no article may have it.
pub const SYNONYMS_ID: &str = crate::corpus::RESERVED_ID;

#[derive(Debug, thiserror::Error)]
pub enum ModerationError {
    /// The upload has problems; nothing was changed.
    #[error("{}", list(.0))]
    Invalid(Vec<Problem>),
    #[error("no article has the id {0:?} (see the list of articles)")]
    UnknownId(String),
    #[error("an article with the id {0:?} already exists: use replace to change it")]
    Exists(String),
    #[error("the file's id is {found:?}, not {expected:?}: replace keeps an article's id")]
    IdMismatch { expected: String, found: String },
    #[error("{target:?} has no version {version} (versions: {available})")]
    UnknownVersion {
        target: String,
        version: u32,
        available: String,
    },
    #[error("{0:?} was changed meanwhile (by another moderator or process); nothing was written: preview it again")]
    ChangedMeanwhile(String),
    #[error("that is already the current version of {0:?}; nothing changed")]
    Unchanged(String),
    #[error("{question:?} is already taught for {article:?}; nothing changed")]
    AlreadyTaught { question: String, article: String },
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ModerationError + '_ {
    move |source| ModerationError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a change did (the result of a [`crate::moderation::change::ChangeRequest`]).
#[derive(Debug, Clone, Serialize)]
pub struct ChangeMade {
    pub action: &'static str,
    pub target: String,
    pub old_version: Option<u32>,
    pub new_version: Option<u32>,
    pub summary: String,
    /// The upload's preview warnings (add and replace), so a caller that
    /// does not confirm first need not preview it twice.
    pub warnings: Vec<String>,
}

/// An article as listed.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub file: String,
    pub reviewed: Option<String>,
    pub dates: crate::corpus::review::Dates,
}

/// The corpus folder, seen as something moderators change.
#[derive(Debug, Clone)]
pub struct CorpusStore {
    pub(super) dir: PathBuf,
}

impl CorpusStore {
    pub fn new(dir: &Path) -> CorpusStore {
        CorpusStore {
            dir: dir.to_path_buf(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Takes the corpus folder's write lock, then checks that the audit log
    /// can be written: nothing is changed that cannot be audited.
    pub(super) fn lock(&self) -> Result<WriteLock, ModerationError> {
        let path = self.dir.join(HISTORY_DIR).join("lock");
        let lock = WriteLock::exclusive(&path).map_err(io(&path))?;
        let log = self.audit_log();
        log.check_writable().map_err(io(log.path()))?;
        Ok(lock)
    }

    pub fn audit_log(&self) -> AuditLog {
        AuditLog::new(self.dir.join(HISTORY_DIR).join("audit.jsonl"))
    }

    /// The audit log as it happened: one entry per change, oldest first. A
    /// change interrupted by a crash (a "pending" line with no "done") is
    /// resolved by what is on disk: done if its new version is live, else
    /// interrupted (the corpus kept the old version).
    pub fn audit(&self) -> Result<Vec<AuditEntry>, ModerationError> {
        let log = self.audit_log();
        let raw = log.entries().map_err(io(log.path()))?;
        let mut resolved: Vec<AuditEntry> = Vec::with_capacity(raw.len() / 2 + 1);
        for entry in raw {
            match entry.status {
                AuditStatus::Pending => resolved.push(entry),
                AuditStatus::Done | AuditStatus::Interrupted => {
                    match resolved
                        .iter_mut()
                        .rev()
                        .find(|e| e.status == AuditStatus::Pending && e.same_change(&entry))
                    {
                        Some(pending) => pending.status = AuditStatus::Done,
                        None => resolved.push(entry),
                    }
                }
            }
        }
        for entry in resolved
            .iter_mut()
            .filter(|e| e.status == AuditStatus::Pending)
        {
            entry.status = if self.is_live(entry) {
                AuditStatus::Done
            } else {
                AuditStatus::Interrupted
            };
        }
        Ok(resolved)
    }

    /// Whether the change an audit entry describes is what the corpus holds.
    fn is_live(&self, entry: &AuditEntry) -> bool {
        let live = if entry.target == SYNONYMS_ID && entry.action == "synonyms" {
            self.synonyms().ok().filter(|b| !b.is_empty())
        } else if entry.target == TAUGHT_ID {
            self.taught_bytes().ok().filter(|b| !b.is_empty())
        } else {
            self.locate(&entry.target)
                .ok()
                .flatten()
                .map(|(_, bytes)| bytes)
        };
        match (entry.new_version, live) {
            (None, live) => live.is_none(),
            (Some(_), None) => false,
            (Some(number), Some(live)) => {
                let (folder, ext) = if entry.action == "synonyms" {
                    (self.dir.join(HISTORY_DIR).join("synonyms"), "toml")
                } else if entry.target == TAUGHT_ID {
                    (self.dir.join(HISTORY_DIR).join("taught"), "toml")
                } else {
                    (self.article_history(&entry.target), "md")
                };
                self.version_bytes(&folder, &entry.target, ext, number)
                    .is_ok_and(|kept| kept == live)
            }
        }
    }

    /// Checks an upload meant to become a new article.
    pub fn preview_add(&self, file_name: &str, bytes: &[u8]) -> Result<Preview, ModerationError> {
        let article = parse_upload(file_name, bytes)?;
        if self.locate(&article.meta.id)?.is_some() {
            return Err(ModerationError::Exists(article.meta.id.clone()));
        }
        Ok(preview_of(&article, None))
    }

    /// Writes a new article and records it.
    pub fn add(
        &self,
        file_name: &str,
        bytes: &[u8],
        actor: &Actor,
    ) -> Result<ChangeMade, ModerationError> {
        // Validated before the lock, so a bad upload writes nothing at all.
        parse_upload(file_name, bytes)?;
        let _lock = self.lock()?;
        let preview = self.preview_add(file_name, bytes)?;
        let live = self.dir.join(format!("{}.md", preview.id));
        let version = self.save_version(&self.article_history(&preview.id), "md", bytes)?;
        let change = self.record(
            || write_atomic(&live, bytes).map_err(io(&live)),
            actor,
            "add",
            &preview.id,
            None,
            Some(version),
            format!(
                "added {:?} ({}): {}, {}",
                preview.title,
                preview.publisher,
                count(preview.sections.len(), "section"),
                count(preview.passages, "passage")
            ),
        )?;
        Ok(ChangeMade {
            warnings: preview.warnings,
            ..change
        })
    }

    /// Checks an upload meant to replace article `id`, and says what changes.
    pub fn preview_replace(
        &self,
        id: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Preview, ModerationError> {
        self.check_replace(id, file_name, bytes)
            .map(|(preview, _, _)| preview)
    }

    /// The preview of a replacement, with the current file's path and bytes
    /// (found once: locating reads the corpus folder).
    fn check_replace(
        &self,
        id: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<(Preview, PathBuf, Vec<u8>), ModerationError> {
        let article = parse_upload(file_name, bytes)?;
        if article.meta.id != id {
            return Err(ModerationError::IdMismatch {
                expected: id.to_string(),
                found: article.meta.id.clone(),
            });
        }
        let (path, current) = self.current(id)?;
        if current.as_slice() == bytes {
            return Err(ModerationError::Unchanged(id.to_string()));
        }
        let old = parse_article(Path::new(file_name), &current).ok();
        let mut preview = preview_of(&article, old.as_ref());
        preview.base = Some(digest(&current));
        preview.warnings.extend(self.unpinned_by(&article));
        Ok((preview, path, current))
    }

    /// Replaces article `id` with `bytes`, keeping the old version. With
    /// `base` (a preview's), only if the article is still that version.
    pub fn replace(
        &self,
        id: &str,
        file_name: &str,
        bytes: &[u8],
        base: Option<&str>,
        actor: &Actor,
    ) -> Result<ChangeMade, ModerationError> {
        parse_upload(file_name, bytes)?;
        let _lock = self.lock()?;
        let (preview, path, current) = self.check_replace(id, file_name, bytes)?;
        if base.is_some_and(|base| preview.base.as_deref() != Some(base)) {
            return Err(ModerationError::ChangedMeanwhile(id.to_string()));
        }
        let history = self.article_history(id);
        let old_version = self.ensure_saved(&history, "md", &current)?;
        let new_version = self.save_version(&history, "md", bytes)?;
        let summary = preview.changes.unwrap_or_else(|| "replaced".to_string());
        let change = self.record(
            || write_atomic(&path, bytes).map_err(io(&path)),
            actor,
            "replace",
            id,
            Some(old_version),
            Some(new_version),
            summary,
        )?;
        Ok(ChangeMade {
            warnings: preview.warnings,
            ..change
        })
    }

    /// Removes article `id`; its versions stay in the history for `restore`.
    pub fn remove(&self, id: &str, actor: &Actor) -> Result<ChangeMade, ModerationError> {
        let _lock = self.lock()?;
        let (path, current) = self.current(id)?;
        let old_version = self.ensure_saved(&self.article_history(id), "md", &current)?;
        self.record(
            || remove_durably(&path).map_err(io(&path)),
            actor,
            "remove",
            id,
            Some(old_version),
            None,
            format!("removed {id:?}"),
        )
    }

    /// Makes version `number` of article `id` current again (as a new
    /// version); [`SYNONYMS_ID`]: of the synonyms file.
    pub fn restore(
        &self,
        id: &str,
        number: u32,
        actor: &Actor,
    ) -> Result<ChangeMade, ModerationError> {
        if id == SYNONYMS_ID {
            return self.restore_synonyms(number, actor);
        }
        if id == TAUGHT_ID {
            return self.restore_taught(number, actor);
        }
        let _lock = self.lock()?;
        let history = self.article_history(id);
        let bytes = self.version_bytes(&history, id, "md", number)?;
        let current = self.locate(id)?;
        if current.as_ref().is_some_and(|(_, b)| *b == bytes) {
            return Err(ModerationError::Unchanged(id.to_string()));
        }
        // A kept version was valid when saved; check again, rules may have tightened.
        parse_upload(&format!("{id}.md"), &bytes)?;
        let (path, old_version) = match &current {
            Some((path, old)) => (path.clone(), Some(self.ensure_saved(&history, "md", old)?)),
            None => (self.dir.join(format!("{id}.md")), None),
        };
        let new_version = self.save_version(&history, "md", &bytes)?;
        self.record(
            || write_atomic(&path, &bytes).map_err(io(&path)),
            actor,
            "restore",
            id,
            old_version,
            Some(new_version),
            format!("restored {id:?} to version {number}"),
        )
    }

    /// The synonyms file as it stands (empty when there is none).
    pub fn synonyms(&self) -> Result<Vec<u8>, ModerationError> {
        self.optional_file(SYNONYMS_FILE, MAX_SYNONYMS_BYTES)
    }

    /// A corpus file that may be absent (then empty), read within `cap`;
    /// one that is not a regular file is refused, never followed.
    pub(super) fn optional_file(&self, name: &str, cap: usize) -> Result<Vec<u8>, ModerationError> {
        let path = self.dir.join(name);
        match std::fs::symlink_metadata(&path) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(io(&path)(err)),
            Ok(meta) if !meta.is_file() => {
                return Err(ModerationError::Invalid(vec![Problem::file(
                    &path,
                    "not a regular file (a symbolic link?): replace it with the file itself",
                )]))
            }
            Ok(_) => {}
        }
        read_capped(&path, cap as u64).map_err(|err| match err {
            ReadError::Io { source, .. } => io(&path)(source),
            other => ModerationError::Invalid(vec![Problem::file(&path, other.to_string())]),
        })
    }

    /// Replaces the corpus file `name` (now `current`) with `bytes`, both
    /// kept under `.history/<kept_in>/`, the change audited as `action` on
    /// `target`. The caller holds the lock and has validated `bytes`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn replace_kept_file(
        &self,
        name: &str,
        kept_in: &str,
        current: &[u8],
        bytes: &[u8],
        actor: &Actor,
        action: &'static str,
        target: &str,
        summary: String,
    ) -> Result<ChangeMade, ModerationError> {
        let path = self.dir.join(name);
        let history = self.dir.join(HISTORY_DIR).join(kept_in);
        let old_version = if current.is_empty() {
            None
        } else {
            Some(self.ensure_saved(&history, "toml", current)?)
        };
        let new_version = self.save_version(&history, "toml", bytes)?;
        self.record(
            || write_atomic(&path, bytes).map_err(io(&path)),
            actor,
            action,
            target,
            old_version,
            Some(new_version),
            summary,
        )
    }

    /// Checks an upload meant to replace the synonyms file (its problems
    /// name `file_name`), and says what changes.
    pub fn preview_synonyms(
        &self,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<SynonymsPreview, ModerationError> {
        let (synonyms, current) = self.check_synonyms(Path::new(file_name), bytes)?;
        let groups_now =
            parse_synonyms(&self.dir.join(SYNONYMS_FILE), &current).map_or(0, |s| s.groups.len());
        Ok(SynonymsPreview {
            groups: synonyms.groups.len(),
            entities: synonyms.groups.iter().filter(|g| g.entity).count(),
            groups_now,
        })
    }

    /// A new synonyms file, validated (its problems name `path`) and
    /// different from the current one, which comes with it.
    fn check_synonyms(
        &self,
        path: &Path,
        bytes: &[u8],
    ) -> Result<(Synonyms, Vec<u8>), ModerationError> {
        let synonyms = parse_synonyms(path, bytes).map_err(ModerationError::Invalid)?;
        let current = self.synonyms()?;
        if current == bytes {
            return Err(ModerationError::Unchanged(SYNONYMS_ID.to_string()));
        }
        Ok((synonyms, current))
    }

    /// Validates and replaces the synonyms file, keeping the old version.
    pub fn replace_synonyms(
        &self,
        bytes: &[u8],
        actor: &Actor,
    ) -> Result<ChangeMade, ModerationError> {
        parse_synonyms(&self.dir.join(SYNONYMS_FILE), bytes).map_err(ModerationError::Invalid)?;
        let _lock = self.lock()?;
        self.replace_synonyms_locked(bytes, actor)
    }

    fn replace_synonyms_locked(
        &self,
        bytes: &[u8],
        actor: &Actor,
    ) -> Result<ChangeMade, ModerationError> {
        let path = self.dir.join(SYNONYMS_FILE);
        let (synonyms, current) = self.check_synonyms(&path, bytes)?;
        self.replace_kept_file(
            SYNONYMS_FILE,
            "synonyms",
            &current,
            bytes,
            actor,
            "synonyms",
            SYNONYMS_ID,
            format!(
                "replaced the synonyms file: {}",
                count(synonyms.groups.len(), "group")
            ),
        )
    }

    /// Makes version `number` of the synonyms file current again.
    pub fn restore_synonyms(
        &self,
        number: u32,
        actor: &Actor,
    ) -> Result<ChangeMade, ModerationError> {
        let _lock = self.lock()?;
        let history = self.dir.join(HISTORY_DIR).join("synonyms");
        let bytes = self.version_bytes(&history, SYNONYMS_ID, "toml", number)?;
        self.replace_synonyms_locked(&bytes, actor)
    }

    /// Every article file, by id.
    pub fn list(&self) -> Result<Vec<Listed>, ModerationError> {
        let mut listed: Vec<Listed> = self
            .article_files()?
            .into_iter()
            .filter_map(|(path, bytes)| {
                let article = parse_article(&path, &bytes).ok()?;
                Some(Listed {
                    dates: crate::corpus::review::Dates::of(&article.meta),
                    id: article.meta.id,
                    title: article.meta.title,
                    publisher: article.meta.publisher,
                    file: path.file_name()?.to_string_lossy().into_owned(),
                    reviewed: article.meta.reviewed,
                })
            })
            .collect();
        listed.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(listed)
    }

    /// The current file of article `id`.
    pub fn current(&self, id: &str) -> Result<(PathBuf, Vec<u8>), ModerationError> {
        self.locate(id)?
            .ok_or_else(|| ModerationError::UnknownId(id.to_string()))
    }

    /// The regular article files (never a symbolic link: see
    /// [`corpus_entries`]), each read within the article size limit; an
    /// oversized one is left out, as `check` reports it.
    fn article_files(&self) -> Result<Vec<(PathBuf, Vec<u8>)>, ModerationError> {
        let (paths, _) = corpus_entries(&self.dir).map_err(io(&self.dir))?;
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            match read_capped(&path, MAX_ARTICLE_BYTES as u64) {
                Ok(bytes) => files.push((path, bytes)),
                Err(ReadError::Io { source, .. }) => return Err(io(&path)(source)),
                Err(_) => {}
            }
        }
        Ok(files)
    }

    /// The file holding article `id`, whatever its name.
    pub(super) fn locate(&self, id: &str) -> Result<Option<(PathBuf, Vec<u8>)>, ModerationError> {
        Ok(self
            .article_files()?
            .into_iter()
            .find(|(path, bytes)| parse_article(path, bytes).is_ok_and(|a| a.meta.id == id)))
    }

    /// Makes a change with `write` between two audit lines: "pending" before,
    /// "done" after, each flushed to disk. A crash between them leaves a
    /// pending line that [`CorpusStore::audit`] resolves by looking at what
    /// is on disk, so no live change ever goes unrecorded.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn record(
        &self,
        write: impl FnOnce() -> Result<(), ModerationError>,
        actor: &Actor,
        action: &'static str,
        target: &str,
        old_version: Option<u32>,
        new_version: Option<u32>,
        summary: String,
    ) -> Result<ChangeMade, ModerationError> {
        let log = self.audit_log();
        let mut entry = AuditEntry {
            time: now(),
            actor: actor.clone(),
            action: action.to_string(),
            target: target.to_string(),
            old_version,
            new_version,
            summary: summary.clone(),
            status: AuditStatus::Pending,
        };
        log.append(&entry).map_err(io(log.path()))?;
        write()?;
        entry.status = AuditStatus::Done;
        log.append(&entry).map_err(io(log.path()))?;
        Ok(ChangeMade {
            action,
            target: target.to_string(),
            old_version,
            new_version,
            summary,
            warnings: Vec::new(),
        })
    }
}

/// The sha256 of a file's bytes, in hex.
fn digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    crate::storage::hex(&Sha256::digest(bytes))
}

/// Parses an upload as an article, naming it by the uploaded file name.
fn parse_upload(file_name: &str, bytes: &[u8]) -> Result<Article, ModerationError> {
    let name = Path::new(file_name)
        .file_name()
        .map_or_else(|| PathBuf::from("upload.md"), PathBuf::from);
    parse_article(&name, bytes).map_err(ModerationError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, body: &str) -> Vec<u8> {
        format!("+++\nid = \"{id}\"\ntitle = \"Title {id}\"\npublisher = \"P\"\nurl = \"https://example.org/{id}\"\nreviewed = 2026-01-10\n+++\n\n{body}\n").into_bytes()
    }

    fn store() -> (tempfile::TempDir, CorpusStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = CorpusStore::new(dir.path());
        (dir, store)
    }

    fn tester() -> Actor {
        Actor {
            id: "42".into(),
            name: "mod".into(),
        }
    }

    #[test]
    fn add_writes_the_article_keeps_a_version_and_audits() {
        let (dir, store) = store();
        let change = store
            .add(
                "a.md",
                &article("a", "## One\n\nText one.\n\n## Two\n\nText two."),
                &tester(),
            )
            .unwrap();
        assert_eq!((change.action, change.new_version), ("add", Some(1)));
        assert!(dir.path().join("a.md").is_file());
        let entries = store.audit().unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].actor, tester());
        assert!(matches!(
            store.add("b.md", &article("a", "x"), &tester()),
            Err(ModerationError::Exists(_))
        ));
    }

    #[test]
    fn an_invalid_upload_changes_nothing() {
        let (dir, store) = store();
        let err = store
            .add("bad.md", b"+++\nid = \"Bad Id\"\n+++\n", &tester())
            .unwrap_err();
        assert!(err.to_string().contains("bad.md:2"), "{err}");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "nothing written, not even history"
        );
    }

    #[test]
    fn a_replacement_confirmed_after_another_change_is_refused() {
        let (dir, store) = store();
        store
            .add("a.md", &article("a", "First."), &tester())
            .unwrap();
        let mine = article("a", "Mine.");
        let preview = store.preview_replace("a", "a.md", &mine).unwrap();
        let theirs = article("a", "Theirs.");
        store
            .replace("a", "a.md", &theirs, None, &tester())
            .unwrap();
        let err = store
            .replace("a", "a.md", &mine, preview.base.as_deref(), &tester())
            .unwrap_err();
        assert!(matches!(err, ModerationError::ChangedMeanwhile(_)), "{err}");
        assert!(err.to_string().contains("preview it again"), "{err}");
        assert_eq!(std::fs::read(dir.path().join("a.md")).unwrap(), theirs);
        let fresh = store.preview_replace("a", "a.md", &mine).unwrap();
        store
            .replace("a", "a.md", &mine, fresh.base.as_deref(), &tester())
            .unwrap();
        assert_eq!(store.history("a").unwrap().len(), 3);
    }

    #[test]
    fn a_change_that_cannot_be_audited_is_not_made() {
        let (dir, store) = store();
        // The audit log's place is taken by a folder: it cannot be appended to.
        std::fs::create_dir_all(dir.path().join(".history/audit.jsonl")).unwrap();
        let err = store
            .add("a.md", &article("a", "Text."), &tester())
            .unwrap_err();
        assert!(matches!(err, ModerationError::Io { .. }), "{err}");
        assert!(!dir.path().join("a.md").exists(), "no article written");
        assert!(
            !dir.path().join(".history/articles/a").exists(),
            "no version kept without its audit line"
        );
    }

    #[test]
    fn replace_then_restore_round_trips_byte_for_byte() {
        let (dir, store) = store();
        let original = article("a", "## One\n\nOriginal text.");
        std::fs::write(dir.path().join("shipped-name.md"), &original).unwrap();
        let newer = article("a", "## One\n\nNew text.\n\n## Two\n\nMore.");
        let preview = store.preview_replace("a", "upload.md", &newer).unwrap();
        assert!(
            preview
                .changes
                .as_deref()
                .unwrap()
                .contains("1 section added"),
            "{preview:?}"
        );
        let change = store
            .replace("a", "upload.md", &newer, None, &tester())
            .unwrap();
        assert_eq!((change.old_version, change.new_version), (Some(1), Some(2)));
        assert_eq!(
            std::fs::read(dir.path().join("shipped-name.md")).unwrap(),
            newer
        );
        store.restore("a", 1, &tester()).unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("shipped-name.md")).unwrap(),
            original
        );
        let history = store.history("a").unwrap();
        assert_eq!(
            history.iter().map(|v| v.number).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert!(history[2].current && !history[1].current);
    }

    #[test]
    fn remove_keeps_the_history_and_restore_brings_it_back() {
        let (dir, store) = store();
        store
            .add("a.md", &article("a", "Text."), &tester())
            .unwrap();
        store.remove("a", &tester()).unwrap();
        assert!(!dir.path().join("a.md").exists());
        assert!(matches!(
            store.current("a"),
            Err(ModerationError::UnknownId(_))
        ));
        store.restore("a", 1, &tester()).unwrap();
        assert!(dir.path().join("a.md").is_file());
        let actions: Vec<String> = store
            .audit()
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["add", "remove", "restore"]);
    }

    #[test]
    fn replace_keeps_the_id_and_refuses_no_op_changes() {
        let (_dir, store) = store();
        store
            .add("a.md", &article("a", "Text."), &tester())
            .unwrap();
        assert!(matches!(
            store.replace("a", "x.md", &article("b", "Text."), None, &tester()),
            Err(ModerationError::IdMismatch { .. })
        ));
        assert!(matches!(
            store.replace("a", "x.md", &article("a", "Text."), None, &tester()),
            Err(ModerationError::Unchanged(_))
        ));
        assert!(matches!(
            store.restore("a", 7, &tester()),
            Err(ModerationError::UnknownVersion { .. })
        ));
    }

    #[test]
    fn synonyms_are_validated_versioned_and_restorable() {
        let (dir, store) = store();
        let first = b"[[group]]\nterms = [\"a\", \"b\"]\n";
        std::fs::write(dir.path().join(SYNONYMS_FILE), first).unwrap();
        assert!(matches!(
            store.replace_synonyms(b"[[group]]\nterms = [\"lonely\"]\n", &tester()),
            Err(ModerationError::Invalid(_))
        ));
        store
            .replace_synonyms(b"[[group]]\nterms = [\"a\", \"c\"]\n", &tester())
            .unwrap();
        store.restore_synonyms(1, &tester()).unwrap();
        assert_eq!(store.synonyms().unwrap(), first);
    }

    #[test]
    fn a_synonyms_preview_validates_and_counts_without_writing() {
        let (dir, store) = store();
        let first = b"[[group]]\nterms = [\"a\", \"b\"]\n";
        std::fs::write(dir.path().join(SYNONYMS_FILE), first).unwrap();
        let err = store
            .preview_synonyms("mine.toml", b"[[group]]\nterms = [\"lonely\"]\n")
            .unwrap_err();
        assert!(
            matches!(&err, ModerationError::Invalid(_)) && err.to_string().contains("mine.toml"),
            "problems name the upload: {err}"
        );
        assert!(matches!(
            store.preview_synonyms("mine.toml", first),
            Err(ModerationError::Unchanged(_))
        ));
        let newer =
            b"[[group]]\nterms = [\"a\", \"c\"]\n\n[[group]]\nterms = [\"x\", \"y\"]\nentity = true\n";
        assert_eq!(
            store.preview_synonyms("mine.toml", newer).unwrap(),
            SynonymsPreview {
                groups: 2,
                entities: 1,
                groups_now: 1
            }
        );
        assert_eq!(store.synonyms().unwrap(), first, "a preview writes nothing");
        assert!(!dir.path().join(HISTORY_DIR).exists());
    }

    #[test]
    fn history_and_restore_of_the_id_synonyms_mean_the_synonyms_file() {
        // What `infusion-faq corpus history synonyms` and `corpus restore
        // synonyms N` do, as /faq-admin does.
        let (dir, store) = store();
        let first = b"[[group]]\nterms = [\"a\", \"b\"]\n";
        std::fs::write(dir.path().join(SYNONYMS_FILE), first).unwrap();
        store
            .replace_synonyms(b"[[group]]\nterms = [\"a\", \"c\"]\n", &tester())
            .unwrap();
        let history = store.history(SYNONYMS_ID).unwrap();
        assert_eq!(
            history
                .iter()
                .map(|v| (v.number, v.current))
                .collect::<Vec<_>>(),
            [(1, false), (2, true)]
        );
        let change = store.restore(SYNONYMS_ID, 1, &tester()).unwrap();
        assert_eq!(
            (change.target.as_str(), change.new_version),
            ("synonyms", Some(3))
        );
        assert_eq!(store.synonyms().unwrap(), first);
        assert!(matches!(
            store.restore(SYNONYMS_ID, 9, &tester()),
            Err(ModerationError::UnknownVersion { .. })
        ));
        // No article can take the id (validation refuses it, as `check`
        // does), so it is never ambiguous.
        let err = store
            .add("synonyms.md", &article("synonyms", "Text."), &tester())
            .unwrap_err();
        assert!(matches!(err, ModerationError::Invalid(_)), "{err}");
        assert!(err.to_string().contains("reserved"), "{err}");
        assert!(!dir.path().join("synonyms.md").exists());
    }

    #[test]
    fn previews_warn_about_missing_or_old_dates() {
        let (_dir, store) = store();
        let undated = b"+++\nid = \"u\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"http://x.org\"\n+++\n\nOne.\n";
        let preview = store.preview_add("u.md", undated).unwrap();
        assert!(
            preview.warnings.iter().any(|w| w.contains("no review")),
            "{preview:?}"
        );
        assert!(
            preview.warnings.iter().any(|w| w.contains("https")),
            "{preview:?}"
        );
        let old = b"+++\nid = \"o\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x.org\"\nreviewed = 2015-01-01\n+++\n\nOne.\n";
        let preview = store.preview_add("o.md", old).unwrap();
        assert!(
            preview
                .warnings
                .iter()
                .any(|w| w.contains("over two years")),
            "{preview:?}"
        );
    }

    #[test]
    fn a_change_cut_short_by_a_crash_is_resolved_by_what_is_on_disk() {
        let (dir, store) = store();
        store
            .add("a.md", &article("a", "Text."), &tester())
            .unwrap();
        let log = store.audit_log();
        let pending = |action: &str, new_version: u32| AuditEntry {
            time: now(),
            actor: tester(),
            action: action.into(),
            target: "a".into(),
            old_version: Some(1),
            new_version: Some(new_version),
            summary: "s".into(),
            status: AuditStatus::Pending,
        };
        // Killed after the live write, before the "done" line: it happened.
        let newer = article("a", "Newer text.");
        store
            .save_version(&store.article_history("a"), "md", &newer)
            .unwrap();
        std::fs::write(dir.path().join("a.md"), &newer).unwrap();
        log.append(&pending("replace", 2)).unwrap();
        // Killed before the live write: it did not.
        store
            .save_version(&store.article_history("a"), "md", &article("a", "Lost."))
            .unwrap();
        log.append(&pending("replace", 3)).unwrap();
        let statuses: Vec<(String, Option<u32>, AuditStatus)> = store
            .audit()
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.new_version, e.status))
            .collect();
        assert_eq!(
            statuses,
            [
                ("add".to_string(), Some(1), AuditStatus::Done),
                ("replace".to_string(), Some(2), AuditStatus::Done),
                ("replace".to_string(), Some(3), AuditStatus::Interrupted),
            ]
        );
    }
}
