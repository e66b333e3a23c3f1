//! The tantivy index of passages: its schema, how it is built, and how the
//! right build is found again.
//!
//! Several processes may share one index folder. Each build is named after
//! what it indexes (`build-<digest>`), is written into a staging folder while
//! its builder holds the folder's write lock, and becomes current by one
//! rename; so a reader never opens a half-built index. Every build carries
//! a manifest of its files' sizes and sha256, checked when it is opened: a
//! damaged, truncated or missing file means the build is rebuilt from the
//! corpus, never a panic or a silent wrong answer. Opening a valid build
//! writes nothing, so a read-only index folder works. The previous build is
//! kept (a process that read the old corpus may still be opening it);
//! older ones, and staging folders and temporary files left by a kill, are
//! removed by the next build.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::storage::durable::write_atomic;
use crate::storage::hex;
use crate::storage::lock::WriteLock;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED,
};
use tantivy::{Directory, Index, IndexReader, ReloadPolicy, TantivyDocument};

use super::analysis::{analyzer, ANALYZER};
use super::passage::Passage;
use super::EngineError;

/// Bump when the schema or the analysis changes: old builds are then stale.
const INDEX_FORMAT: &str = "infusion-faq-index-v1";

/// In each build folder: every other file's size and sha256, one per line.
const MANIFEST: &str = "manifest.sha256";
/// In the index folder: held by whoever builds or cleans up.
const LOCK_FILE: &str = ".lock";
/// A build folder of this size or more is not read for its manifest whole.
const MAX_MANIFEST_BYTES: u64 = 1 << 20;

/// The fields of a passage document.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Position of the passage in the engine's table.
    pub passage: Field,
    /// The heading path alone, so that a heading match can weigh more.
    pub heading: Field,
    /// Heading path and text together: what a passage is about and says.
    pub text: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text_options = TextOptions::default().set_indexing_options(indexing);
    let passage = builder.add_u64_field("passage", FAST | STORED);
    let heading = builder.add_text_field("heading", text_options.clone());
    let text = builder.add_text_field("text", text_options);
    (
        builder.build(),
        Fields {
            passage,
            heading,
            text,
        },
    )
}

/// The text indexed for a passage: headings first, so that "Tysabri" finds
/// the sentences under the Tysabri heading, then the questions taught it.
pub fn indexed_text(passage: &Passage) -> String {
    let mut text = heading_text(passage);
    text.push('\n');
    text.push_str(&passage.text);
    text
}

/// What the heading field holds: the heading path and the taught
/// questions, which say what the passage answers as its headings do.
pub fn heading_text(passage: &Passage) -> String {
    let mut text = passage.heading_path.join("\n");
    for question in &passage.taught {
        text.push('\n');
        text.push_str(question);
    }
    text
}

/// Name of the build folder for these passages. It digests exactly what is
/// indexed, so a change to the corpus *or* to how passages are cut makes a
/// new build, and a build never answers with another table's passage ids.
pub fn build_name(passages: &[Passage]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(INDEX_FORMAT);
    for passage in passages {
        hasher.update((passage.id as u64).to_le_bytes());
        for part in [heading_text(passage).as_str(), passage.text.as_str()] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
    }
    let digest = hasher.finalize();
    format!("build-{}", hex(&digest[..8]))
}

/// What `build` did, for the `index` command's summary.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub path: PathBuf,
    pub passages: usize,
    pub elapsed: Duration,
    /// False when an up-to-date build was already there.
    pub built: bool,
}

fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, analyzer());
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> EngineError {
    let path = path.to_path_buf();
    move |source| EngineError::Io { path, source }
}

/// Opens the build for these passages, building it first when it is
/// missing or damaged.
pub fn open_or_build(
    root: &Path,
    passages: &[Passage],
    progress: &dyn Fn(usize, usize),
) -> Result<(IndexReader, BuildReport), EngineError> {
    let started = Instant::now();
    let path = root.join(build_name(passages));
    // A builder (exclusive) removes old builds only while no reader
    // (shared) is opening one. A folder that cannot be locked (read-only,
    // no lock file yet) is opened without: nobody builds there.
    let reading = ReadLock::try_shared(&root.join(LOCK_FILE));
    let opened = open_verified(&path, passages.len());
    drop(reading);
    match opened {
        Ok(Some(reader)) => {
            let report = BuildReport {
                path,
                passages: passages.len(),
                elapsed: started.elapsed(),
                built: false,
            };
            return Ok((reader, report));
        }
        Ok(None) => {}
        Err(problem) => {
            tracing::warn!(path = %path.display(), %problem, "index build damaged; rebuilding")
        }
    }
    build_locked(root, passages, progress, false)
}

/// Builds the index afresh (the `index` command, or a repair), whatever is
/// there, and makes it current.
pub fn build(
    root: &Path,
    passages: &[Passage],
    progress: &dyn Fn(usize, usize),
) -> Result<(IndexReader, BuildReport), EngineError> {
    build_locked(root, passages, progress, true)
}

fn build_locked(
    root: &Path,
    passages: &[Passage],
    progress: &dyn Fn(usize, usize),
    force: bool,
) -> Result<(IndexReader, BuildReport), EngineError> {
    let started = Instant::now();
    std::fs::create_dir_all(root).map_err(io_error(root))?;
    let lock_path = root.join(LOCK_FILE);
    let _lock = WriteLock::exclusive(&lock_path).map_err(io_error(&lock_path))?;
    let target = root.join(build_name(passages));
    // Another process may have built it while this one waited for the lock.
    if !force {
        if let Ok(Some(reader)) = open_verified(&target, passages.len()) {
            let report = BuildReport {
                path: target,
                passages: passages.len(),
                elapsed: started.elapsed(),
                built: false,
            };
            return Ok((reader, report));
        }
    }
    remove_leftovers(root);
    let staging = root.join(unique_name(".staging"));
    std::fs::create_dir_all(&staging).map_err(io_error(&staging))?;
    let written = write_index(&staging, passages, progress)
        .and_then(|()| write_manifest(&staging).map_err(io_error(&staging.join(MANIFEST))));
    if let Err(err) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(err);
    }
    if target.exists() {
        // A damaged build (or, forced, an older copy) moves aside in one
        // rename; whoever has its files open keeps reading them.
        let trash = root.join(unique_name(".trash"));
        std::fs::rename(&target, &trash).map_err(io_error(&target))?;
    }
    if let Err(err) = std::fs::rename(&staging, &target) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(io_error(&target)(err));
    }
    sync_dir(root);
    remove_old_builds(root, &target);
    let reader = open_reader(&target)?;
    Ok((
        reader,
        BuildReport {
            path: target,
            passages: passages.len(),
            elapsed: started.elapsed(),
            built: true,
        },
    ))
}

/// The build at `path` if it is there and whole: `Ok(None)` when there is
/// none, `Err` (what is wrong) when it is damaged.
fn open_verified(path: &Path, passages: usize) -> Result<Option<IndexReader>, String> {
    if !path.exists() {
        return Ok(None);
    }
    verify_manifest(path)?;
    let reader = open_reader(path).map_err(|e| e.to_string())?;
    let docs = reader.searcher().num_docs();
    if docs != passages as u64 {
        return Err(format!("it holds {docs} passages, not {passages}"));
    }
    Ok(Some(reader))
}

/// A reader of a finished build, which nothing writes to again.
fn open_reader(path: &Path) -> Result<IndexReader, EngineError> {
    let directory = FinishedBuild(
        MmapDirectory::open(path)
            .map_err(|e| EngineError::Index(tantivy::TantivyError::SystemError(e.to_string())))?,
    );
    let index = Index::open(directory)?;
    register(&index);
    Ok(index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?)
}

/// A finished build's folder. Builds are never written once renamed into
/// place, so tantivy's lock files (which a read-only disk could not
/// create) guard nothing here: taking a lock is a no-op. Everything else
/// is the memory-mapped folder's.
#[derive(Debug, Clone)]
struct FinishedBuild(MmapDirectory);

impl Directory for FinishedBuild {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> Result<std::sync::Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }
    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }
    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(callback)
    }
}

/// A shared lock on the index folder's lock file, held while a build is
/// opened; `None` when the file is missing or cannot be locked.
struct ReadLock(#[allow(dead_code)] std::fs::File);

impl ReadLock {
    fn try_shared(path: &Path) -> Option<ReadLock> {
        let file = std::fs::File::open(path).ok()?;
        file.lock_shared().ok()?;
        Some(ReadLock(file))
    }
}

fn sha256_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher)?;
    Ok((bytes, hex(&hasher.finalize())))
}

/// Files of a build folder, by name, the manifest and tantivy's lock files
/// aside.
fn build_files(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && name != MANIFEST && !name.ends_with(".lock") {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

fn write_manifest(dir: &Path) -> std::io::Result<()> {
    let mut manifest = String::new();
    for name in build_files(dir)? {
        let (bytes, hex) = sha256_file(&dir.join(&name))?;
        manifest.push_str(&format!("{hex} {bytes} {name}\n"));
    }
    write_atomic(&dir.join(MANIFEST), manifest.as_bytes())
}

/// Checks every file the manifest lists: there, of its size, of its digest.
fn verify_manifest(dir: &Path) -> Result<(), String> {
    let path = dir.join(MANIFEST);
    let meta = std::fs::metadata(&path).map_err(|e| format!("no manifest ({e})"))?;
    if !meta.is_file() || meta.len() > MAX_MANIFEST_BYTES {
        return Err("the manifest is not a small file".to_string());
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("manifest unreadable ({e})"))?;
    let mut listed = 0;
    for line in text.lines() {
        let mut parts = line.splitn(3, ' ');
        let (Some(hex), Some(bytes), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err("the manifest is malformed".to_string());
        };
        if name.contains('/') || name == ".." || name == "." {
            return Err("the manifest is malformed".to_string());
        }
        let (size, digest) =
            sha256_file(&dir.join(name)).map_err(|e| format!("{name} unreadable ({e})"))?;
        if bytes.parse::<u64>().ok() != Some(size) || digest != hex {
            return Err(format!("{name} is damaged"));
        }
        listed += 1;
    }
    if listed == 0 || !text.contains(" meta.json\n") {
        return Err("the manifest lists no index".to_string());
    }
    Ok(())
}

/// A name no other folder, in this process or another, is using.
fn unique_name(prefix: &str) -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{prefix}-{}-{nanos}-{n}", std::process::id())
}

fn write_index(
    dir: &Path,
    passages: &[Passage],
    progress: &dyn Fn(usize, usize),
) -> Result<(), EngineError> {
    let (schema, fields) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    register(&index);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let threads = if passages.len() < 10_000 { 1 } else { threads };
    let mut writer = index.writer_with_num_threads(threads, 50_000_000 * threads)?;
    for (i, passage) in passages.iter().enumerate() {
        let mut document = TantivyDocument::default();
        document.add_u64(fields.passage, passage.id as u64);
        document.add_text(fields.heading, heading_text(passage));
        document.add_text(fields.text, indexed_text(passage));
        writer.add_document(document)?;
        if i % 1000 == 999 {
            progress(i + 1, passages.len());
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    progress(passages.len(), passages.len());
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(file) = std::fs::File::open(dir) {
        let _ = file.sync_all();
    }
}

/// Staging and trash folders (their builders held the lock this process
/// holds now, so they are gone) and temporary files of processes no longer
/// running.
fn remove_leftovers(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with(".staging-") || name.starts_with(".trash-") {
            let _ = std::fs::remove_dir_all(&path);
        } else if name.starts_with('.') && name.ends_with(".tmp") && !writer_alive(&name) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Whether the process that names a temporary file (`.NAME.PID.tmp`, see
/// `write_atomic`) may still be writing it. Without `/proc`, assume so.
fn writer_alive(name: &str) -> bool {
    let pid = name
        .trim_end_matches(".tmp")
        .rsplit('.')
        .next()
        .and_then(|p| p.parse::<u32>().ok());
    match pid {
        Some(pid) if Path::new("/proc/self").exists() => {
            Path::new("/proc").join(pid.to_string()).exists()
        }
        _ => true,
    }
}

/// Removes builds older than the previous one: the current build and the
/// newest other stay, for a process that read the corpus just before it
/// changed and is opening that build now.
fn remove_old_builds(root: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let mut others: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("build-"))
        .map(|e| e.path())
        .filter(|p| p != keep && p.is_dir())
        .map(|p| {
            let made = std::fs::metadata(p.join(MANIFEST))
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            (made, p)
        })
        .collect();
    others.sort();
    others.pop();
    for (_, path) in others {
        let _ = std::fs::remove_dir_all(&path);
    }
}
