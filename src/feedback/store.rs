//! The feedback database: opened (file and folder created on first use,
//! write-ahead logged, durable), shared behind one mutex. What it records,
//! reports and deletes is in [`super::records`], [`super::gaps`] and
//! [`super::purge`].

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;

use super::clock::Clock;
use super::error::{FeedbackError, Result};
use super::schema::migrate;

/// How long a call waits for another process holding the write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The feedback database. Cheap calls, safe to share (`Arc<FeedbackStore>`).
#[derive(Debug)]
pub struct FeedbackStore {
    pub(super) conn: Mutex<Connection>,
    /// For error messages; `:memory:` for an in-memory store.
    path: PathBuf,
    pub(super) clock: Clock,
}

impl FeedbackStore {
    /// Opens the database at `path`, creating the file, its folder and the
    /// schema on first use.
    pub fn open(path: &Path) -> Result<FeedbackStore> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|cause| FeedbackError::CreateFolder {
                path: parent.to_path_buf(),
                cause,
            })?;
        }
        let open_err = |cause| FeedbackError::Open {
            path: path.to_path_buf(),
            cause,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        // WAL: readers never block the writer.
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(open_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(FeedbackError::NoWal {
                path: path.to_path_buf(),
                mode,
            });
        }
        Self::with_connection(conn, path.to_path_buf())
    }

    /// A private database in memory, for tests.
    pub fn in_memory() -> Result<FeedbackStore> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|cause| FeedbackError::Open {
            path: path.clone(),
            cause,
        })?;
        Self::with_connection(conn, path)
    }

    /// The store on an open connection (a file's or the in-memory one):
    /// `synchronous = FULL` (a committed vote survives a power cut) and
    /// `secure_delete` (deleted text is overwritten), then the schema
    /// brought up to date.
    fn with_connection(mut conn: Connection, path: PathBuf) -> Result<FeedbackStore> {
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;")
            .map_err(|cause| FeedbackError::Open {
                path: path.clone(),
                cause,
            })?;
        migrate(&mut conn, &path)?;
        Ok(FeedbackStore {
            conn: Mutex::new(conn),
            path,
            clock: Clock::system(),
        })
    }

    /// The same store reading "now" from `clock`.
    pub fn with_clock(mut self, clock: Clock) -> FeedbackStore {
        self.clock = clock;
        self
    }

    /// The file this store writes (`:memory:` for [`FeedbackStore::in_memory`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic elsewhere while holding the lock rolled its transaction
        // back on drop; the connection itself is still sound.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn db_err(&self, cause: rusqlite::Error) -> FeedbackError {
        FeedbackError::Database {
            path: self.path.clone(),
            cause,
        }
    }
}

/// Discord ids are `u64`; SQLite integers are `i64`. The bits are kept, so
/// every id round-trips and equality still holds.
pub(super) fn guild_to_sql(id: u64) -> i64 {
    id as i64
}
