//! Where things are, for every test crate (and the benches): the
//! repository, its shipped corpus and copies of it, `shared/` beside the
//! repository, and the one passage-vector cache of a test run.

use std::path::{Path, PathBuf};

/// The repository's root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `shared/` beside the repository (question sets, sources, Discord's API
/// spec). Tests that need it fail loudly when it is missing rather than pass
/// vacuously.
pub fn shared(rel: &str) -> PathBuf {
    let path = repo().join("../shared").join(rel);
    assert!(
        path.exists(),
        "{} is missing: the tests expect shared/ beside the repository",
        path.display()
    );
    path
}

/// The shipped corpus's folder.
pub fn shipped_corpus() -> PathBuf {
    repo().join("corpus")
}

/// Copies the shipped corpus (files only) into `to`.
pub fn copy_corpus(to: &Path) {
    std::fs::create_dir_all(to).expect("create the corpus copy");
    for entry in std::fs::read_dir(shipped_corpus()).expect("read corpus/") {
        let entry = entry.expect("corpus entry");
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy a corpus file");
        }
    }
}

/// One passage-vector cache for every test process, so that the shipped
/// corpus is embedded once per test run, not once per test.
pub fn vector_cache() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("vectors")
}
