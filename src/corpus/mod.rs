//! The corpus: a folder of article files (`*.md`, see `corpus/README.md`),
//! an optional `synonyms.toml` and an optional `taught.toml`. Loading
//! validates everything and reports every problem at once, so a moderator
//! can fix a file in one go.

mod article;
mod problem;
pub mod review;
mod synonyms;
mod taught;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

pub use article::{
    is_slug, parse_article, Article, ArticleMeta, Block, BlockKind, Section, MAX_ARTICLE_BYTES,
    MAX_HEADINGS, RESERVED_ID, TAUGHT_ID,
};
pub use problem::{CorpusError, Problem};
pub use synonyms::{
    parse_synonyms, SynonymGroup, Synonyms, MAX_SYNONYMS_BYTES, MAX_SYNONYM_GROUPS, SYNONYMS_FILE,
};
pub use taught::{
    fold as fold_question, parse_taught, render_taught, shape_problems, Taught, TaughtQuestion,
    MAX_QUOTE_CHARS, MAX_TAUGHT, MAX_TAUGHT_BYTES, MIN_QUOTE_CHARS, TAUGHT_FILE,
};

use crate::storage::read::{read_capped, ReadError};

/// A validated snapshot of the corpus folder.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub dir: PathBuf,
    /// Articles sorted by file name; each shared with the passages cut from it.
    pub articles: Vec<Arc<Article>>,
    pub synonyms: Synonyms,
    /// Questions moderators taught, each pinned to a passage by a quote.
    pub taught: Taught,
    /// A digest of every file's name and bytes: equal fingerprints, equal corpus.
    pub fingerprint: String,
}

/// True for the files that hold articles: Markdown, except a README.
pub fn is_article_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    path.extension().is_some_and(|e| e == "md")
        && !name.eq_ignore_ascii_case("README.md")
        && !name.starts_with('.')
}

/// The corpus files of a folder, by kind: regular article files, and the
/// entries with an article's or the synonyms file's name that are not
/// regular files (symbolic links, folders, devices). The folder is a
/// boundary: a link could make the bot quote any file on the machine, so
/// such entries are refused, never read. (A linked corpus folder itself is
/// fine.)
pub fn corpus_entries(dir: &Path) -> std::io::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut files = Vec::new();
    let mut refused = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let named = is_article_file(&path) || name == SYNONYMS_FILE || name == TAUGHT_FILE;
        if !named {
            continue;
        }
        match entry.file_type() {
            Ok(kind) if kind.is_file() => {
                if is_article_file(&path) {
                    files.push(path);
                }
            }
            _ => refused.push(path),
        }
    }
    files.sort();
    refused.sort();
    Ok((files, refused))
}

/// A corpus file's bytes, within `cap`, or the problem to report.
pub fn read_corpus_file(path: &Path, cap: usize) -> Result<Vec<u8>, Problem> {
    read_capped(path, cap as u64).map_err(|err| match err {
        ReadError::TooLarge { size, .. } => Problem::file(
            path,
            format!(
                "the file is {} KiB; at most {} KiB is accepted",
                size / 1024,
                cap / 1024
            ),
        ),
        ReadError::NotAFile { .. } => Problem::file(path, "not a regular file"),
        ReadError::Io { source, .. } => {
            Problem::file(path, format!("cannot read the file: {source}"))
        }
    })
}

impl Corpus {
    /// Reads and validates the whole folder.
    pub fn load(dir: &Path) -> Result<Corpus, CorpusError> {
        let folder_error = |source| CorpusError::Folder {
            path: dir.to_path_buf(),
            source,
        };
        let (files, refused) = corpus_entries(dir).map_err(folder_error)?;

        let mut hasher = Sha256::new();
        let mut problems: Vec<Problem> = refused
            .iter()
            .map(|path| {
                Problem::file(
                    path,
                    "not a regular file (a symbolic link?): the corpus folder holds article files only; copy the file in instead",
                )
            })
            .collect();
        let mut articles = Vec::with_capacity(files.len());
        let mut ids: HashMap<String, PathBuf> = HashMap::new();
        for path in &files {
            let bytes = match read_corpus_file(path, MAX_ARTICLE_BYTES) {
                Ok(bytes) => bytes,
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            };
            hash_file(&mut hasher, path, &bytes);
            match parse_article(path, &bytes) {
                Ok(article) => {
                    if let Some(first) = ids.get(&article.meta.id) {
                        problems.push(Problem::at(
                            path,
                            2,
                            format!(
                                "id {:?} is already used by {}",
                                article.meta.id,
                                first.display()
                            ),
                        ));
                    } else {
                        ids.insert(article.meta.id.clone(), path.clone());
                        articles.push(Arc::new(article));
                    }
                }
                Err(mut found) => problems.append(&mut found),
            }
        }

        // An entry of these names that is not a regular file is among `refused`.
        let synonyms = optional_file(dir, SYNONYMS_FILE, MAX_SYNONYMS_BYTES, &mut hasher)
            .and_then(|(path, bytes)| parse_synonyms(&path, &bytes));
        let synonyms = synonyms.unwrap_or_else(|mut found| {
            problems.append(&mut found);
            Synonyms::default()
        });
        let taught = optional_file(dir, TAUGHT_FILE, MAX_TAUGHT_BYTES, &mut hasher)
            .and_then(|(path, bytes)| parse_taught(&path, &bytes));
        let taught = taught.unwrap_or_else(|mut found| {
            problems.append(&mut found);
            Taught::default()
        });

        if articles.is_empty() && problems.is_empty() {
            problems.push(Problem::file(
                dir,
                "the corpus has no articles: add a Markdown file (see corpus/README.md)",
            ));
        }
        if !problems.is_empty() {
            return Err(CorpusError::Invalid(problems));
        }
        let fingerprint = crate::storage::hex(&hasher.finalize());
        Ok(Corpus {
            dir: dir.to_path_buf(),
            articles,
            synonyms,
            taught,
            fingerprint,
        })
    }

    pub fn article(&self, id: &str) -> Option<&Arc<Article>> {
        self.articles.iter().find(|a| a.meta.id == id)
    }
}

/// An optional corpus file's path and bytes (hashed into the
/// fingerprint); empty bytes when it is absent or not a regular file (then
/// it is among the refused entries), its problem when it cannot be read.
fn optional_file(
    dir: &Path,
    name: &str,
    cap: usize,
    hasher: &mut Sha256,
) -> Result<(PathBuf, Vec<u8>), Vec<Problem>> {
    let path = dir.join(name);
    if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return Ok((path, Vec::new()));
    }
    let bytes = read_corpus_file(&path, cap).map_err(|problem| vec![problem])?;
    hash_file(hasher, &path, &bytes);
    Ok((path, bytes))
}

fn hash_file(hasher: &mut Sha256, path: &Path, bytes: &[u8]) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    hasher.update((name.len() as u64).to_le_bytes());
    hasher.update(name.as_bytes());
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}
