//! The audit log: one JSON line per change — who, what, when, old and new
//! version — appended and flushed to disk, never rewritten.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Actor;
use crate::storage::durable::append_line;

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// UTC, RFC 3339.
    pub time: String,
    pub actor: Actor,
    /// `add`, `replace`, `remove`, `restore` or `synonyms`.
    pub action: String,
    /// The article id, or `synonyms`.
    pub target: String,
    pub old_version: Option<u32>,
    pub new_version: Option<u32>,
    /// One line a moderator reads: "replaced 2 sections; 12 → 14 passages".
    pub summary: String,
    /// Logs from before statuses existed hold finished changes only.
    #[serde(default = "done")]
    pub status: AuditStatus,
}

/// Where a change stood when its line was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditStatus {
    /// Written just before the change.
    Pending,
    /// Written just after it.
    Done,
    /// A pending change that never reached the disk (a crash came first).
    Interrupted,
}

fn done() -> AuditStatus {
    AuditStatus::Done
}

impl AuditEntry {
    /// The two lines of one change share everything but their status.
    pub fn same_change(&self, other: &AuditEntry) -> bool {
        self.time == other.time
            && self.actor == other.actor
            && self.action == other.action
            && self.target == other.target
            && self.old_version == other.old_version
            && self.new_version == other.new_version
    }
}

/// The append-only log file.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    pub fn new(path: PathBuf) -> AuditLog {
        AuditLog { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Fails when an entry could not be appended (a read-only folder or
    /// file), so that a change is refused before anything is written.
    pub fn check_writable(&self) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map(drop)
    }

    pub fn append(&self, entry: &AuditEntry) -> std::io::Result<()> {
        let line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
        append_line(&self.path, &line)
    }

    /// Every entry, oldest first; lines that do not parse (a torn last line
    /// after a crash) are skipped.
    pub fn entries(&self) -> std::io::Result<Vec<AuditEntry>> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => Ok(text
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(err) => Err(err),
        }
    }
}

/// Now, as the audit log and history write it.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}
