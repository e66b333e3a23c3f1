//! One writer at a time, across processes: every change to a corpus folder
//! (from the bot, the command line, a restore, the synonyms file) holds an
//! exclusive advisory lock on a file in its history folder while it checks
//! what is current, saves versions, writes and audits. Two processes that
//! both change an article therefore take turns, and the second sees the
//! first's version. The lock goes with the process: a `kill -9` frees it.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Held while a change is made; dropping it lets the next writer in.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl WriteLock {
    /// Waits for, then takes, the exclusive lock on `path` (created if
    /// missing, with its folder).
    pub fn exclusive(path: &Path) -> io::Result<WriteLock> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        file.lock()?;
        Ok(WriteLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("lock");
        let first = WriteLock::exclusive(&path).unwrap();
        let other = OpenOptions::new().write(true).open(&path).unwrap();
        assert!(other.try_lock().is_err(), "the lock is held");
        drop(first);
        assert!(other.try_lock().is_ok(), "and free once dropped");
    }
}
