//! Reading a file someone else made (an article, an upload, the synonyms
//! file, a config, a question set): it must be a regular file, its size is
//! checked before a byte is read, and the read itself stops at the cap, so
//! `/dev/zero`, a FIFO or a huge file is refused at once.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Why a file was not read, phrased for the person who named it.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}: {source}", path.display())]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a regular file", path.display())]
    NotAFile { path: std::path::PathBuf },
    #[error("{} is {} KiB; at most {} KiB is accepted", path.display(), size / 1024, cap / 1024)]
    TooLarge {
        path: std::path::PathBuf,
        size: u64,
        cap: u64,
    },
}

/// The bytes of the regular file at `path` (a symbolic link is followed),
/// if it holds at most `cap` bytes.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Looked at before opening: opening a FIFO would wait for a writer.
    let kind = std::fs::metadata(path).map_err(io)?;
    let file = if kind.is_file() {
        File::open(path).map_err(io)?
    } else {
        return Err(ReadError::NotAFile {
            path: path.to_path_buf(),
        });
    };
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    let too_large = |size| ReadError::TooLarge {
        path: path.to_path_buf(),
        size,
        cap,
    };
    if meta.len() > cap {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow between the check and the read: never past the cap.
    file.take(cap + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_folders_and_large_files_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small");
        std::fs::write(&small, "abc").unwrap();
        assert_eq!(read_capped(&small, 3).unwrap(), b"abc");
        assert!(matches!(
            read_capped(&small, 2),
            Err(ReadError::TooLarge { .. })
        ));
        assert!(matches!(
            read_capped(dir.path(), 10),
            Err(ReadError::NotAFile { .. })
        ));
        if Path::new("/dev/zero").exists() {
            assert!(matches!(
                read_capped(Path::new("/dev/zero"), 10),
                Err(ReadError::NotAFile { .. })
            ));
        }
        assert!(matches!(
            read_capped(&dir.path().join("missing"), 10),
            Err(ReadError::Io { .. })
        ));
    }
}
