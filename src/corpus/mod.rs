//! The corpus: a folder of article files (`*.md`, see `corpus/README.md`) and
//! an optional `synonyms.toml`. Loading validates everything and reports every
//! problem at once, so a moderator can fix a file in one go.

mod article;
mod problem;
mod synonyms;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

pub use article::{
    is_slug, parse_article, Article, ArticleMeta, Block, BlockKind, Section, MAX_ARTICLE_BYTES,
};
pub use problem::{CorpusError, Problem};
pub use synonyms::{parse_synonyms, SynonymGroup, Synonyms, SYNONYMS_FILE};

/// A validated snapshot of the corpus folder.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub dir: PathBuf,
    /// Articles sorted by file name; each shared with the passages cut from it.
    pub articles: Vec<Arc<Article>>,
    pub synonyms: Synonyms,
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

impl Corpus {
    /// Reads and validates the whole folder.
    pub fn load(dir: &Path) -> Result<Corpus, CorpusError> {
        let folder_error = |source| CorpusError::Folder {
            path: dir.to_path_buf(),
            source,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(folder_error)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && is_article_file(p))
            .collect();
        files.sort();

        let mut hasher = Sha256::new();
        let mut problems = Vec::new();
        let mut articles = Vec::with_capacity(files.len());
        let mut ids: HashMap<String, PathBuf> = HashMap::new();
        for path in &files {
            let bytes = match std::fs::read(path) {
                Ok(bytes) => bytes,
                Err(err) => {
                    problems.push(Problem::file(path, format!("cannot read the file: {err}")));
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

        let synonyms_path = dir.join(SYNONYMS_FILE);
        let synonyms = match std::fs::read(&synonyms_path) {
            Ok(bytes) => {
                hash_file(&mut hasher, &synonyms_path, &bytes);
                match parse_synonyms(&synonyms_path, &bytes) {
                    Ok(synonyms) => synonyms,
                    Err(mut found) => {
                        problems.append(&mut found);
                        Synonyms::default()
                    }
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Synonyms::default(),
            Err(err) => {
                problems.push(Problem::file(
                    &synonyms_path,
                    format!("cannot read the file: {err}"),
                ));
                Synonyms::default()
            }
        };

        if articles.is_empty() && problems.is_empty() {
            problems.push(Problem::file(
                dir,
                "the corpus has no articles: add a Markdown file (see corpus/README.md)",
            ));
        }
        if !problems.is_empty() {
            return Err(CorpusError::Invalid(problems));
        }
        let fingerprint = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Corpus {
            dir: dir.to_path_buf(),
            articles,
            synonyms,
            fingerprint,
        })
    }

    pub fn article(&self, id: &str) -> Option<&Arc<Article>> {
        self.articles.iter().find(|a| a.meta.id == id)
    }
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
