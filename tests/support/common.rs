//! What both test crates (and the benches) use: where things are (the
//! repository, its shipped corpus and copies of it, `shared/` beside the
//! repository, the one passage-vector cache of a test run), the real binary
//! with a clean environment, and snapshots of folders.

use std::path::{Path, PathBuf};
use std::process::Command;

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

/// The real `infusion-faq` binary, with nothing from the caller's
/// environment that it reads (config path, token, log level) but the test
/// run's vector cache.
pub fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_infusion-faq"));
    command
        .env_remove("INFUSION_FAQ_CONFIG")
        .env_remove("DISCORD_TOKEN")
        .env_remove("RUST_LOG")
        .env(infusion_faq::config::VECTOR_CACHE_ENV, vector_cache());
    command
}

/// Every file under `root` with its bytes, in order (none if `root` does not
/// exist): to prove a folder unchanged.
pub fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.push((path, bytes));
            }
        }
    }
    files.sort();
    files
}
