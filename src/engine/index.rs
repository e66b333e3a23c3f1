//! The tantivy index of passages: its schema, how it is built, and how the
//! right build is found again. Each build goes into a fresh folder named after
//! the corpus fingerprint and is renamed into place only when complete, so no
//! reader ever opens a half-built index and several processes can share one
//! index folder.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED,
};
use tantivy::{Index, TantivyDocument};

use super::analysis::{analyzer, ANALYZER};
use super::passage::Passage;
use super::EngineError;

/// Bump when the schema or the analysis changes: old builds are then stale.
const INDEX_FORMAT: &str = "infusion-faq-index-v1";

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
/// the sentences under the Tysabri heading.
pub fn indexed_text(passage: &Passage) -> String {
    let mut text = passage.heading_path.join("\n");
    text.push('\n');
    text.push_str(&passage.text);
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
        for part in [
            passage.heading_path.join("\n").as_str(),
            passage.text.as_str(),
        ] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
    }
    let digest = hasher.finalize();
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("build-{hex}")
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

/// Opens the build for this fingerprint, building it first when it is
/// missing or unreadable.
pub fn open_or_build(
    root: &Path,
    passages: &[Passage],
    progress: &dyn Fn(usize, usize),
) -> Result<(Index, BuildReport), EngineError> {
    let started = Instant::now();
    let path = root.join(build_name(passages));
    if path.join("meta.json").is_file() {
        if let Ok(index) = Index::open_in_dir(&path) {
            register(&index);
            let report = BuildReport {
                path,
                passages: passages.len(),
                elapsed: started.elapsed(),
                built: false,
            };
            return Ok((index, report));
        }
        tracing::warn!(path = %path.display(), "index build unreadable; rebuilding");
    }
    build(root, passages, progress)
}

/// Builds a fresh index beside any existing one and renames it into place.
pub fn build(
    root: &Path,
    passages: &[Passage],
    progress: &dyn Fn(usize, usize),
) -> Result<(Index, BuildReport), EngineError> {
    let started = Instant::now();
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| EngineError::Io { path, source }
    };
    std::fs::create_dir_all(root).map_err(io(root))?;
    let staging = root.join(staging_name());
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    let result = write_index(&staging, passages, progress);
    if let Err(err) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(err);
    }
    let target = root.join(build_name(passages));
    if target.exists() {
        // Another process finished the same build first, or a broken one is
        // in the way; ours replaces it atomically where the OS allows.
        let _ = std::fs::remove_dir_all(&target);
    }
    if let Err(err) = std::fs::rename(&staging, &target) {
        let _ = std::fs::remove_dir_all(&staging);
        if !target.join("meta.json").is_file() {
            return Err(EngineError::Io {
                path: target,
                source: err,
            });
        }
    }
    sync_dir(root);
    remove_other_builds(root, &target);
    let index = Index::open_in_dir(&target)?;
    register(&index);
    Ok((
        index,
        BuildReport {
            path: target,
            passages: passages.len(),
            elapsed: started.elapsed(),
            built: true,
        },
    ))
}

/// A name no other build, in this process or another, is using.
fn staging_name() -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!(".staging-{}-{nanos}-{n}", std::process::id())
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
        document.add_text(fields.heading, passage.heading_path.join("\n"));
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

/// Removes older builds; processes still reading them keep their open files.
fn remove_other_builds(root: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path != keep && path.is_dir() && name.starts_with("build-") {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}
