//! Files that survive a crash and several processes: atomic, durable writes
//! ([`durable`]) and the cross-process write lock ([`lock`]). The corpus
//! store, the index and the vector cache all write through here.

pub mod durable;
pub mod lock;
