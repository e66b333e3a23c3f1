//! Files that survive a crash and several processes: atomic, durable writes
//! ([`durable`]), the cross-process write lock ([`lock`]) and capped reads
//! of files others made ([`read`]). The corpus store, the index and the
//! vector cache all go through here.

pub mod durable;
pub mod lock;
pub mod read;

/// Bytes (a digest) in lower-case hex, as every digest here is written.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
