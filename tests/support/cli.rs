//! What the command line's tests (`tests/cli`) share: where things are, and
//! a temporary folder with the real binary run inside it.

#[path = "common.rs"]
pub mod common;

#[path = "dir.rs"]
pub mod dir;

#[cfg(feature = "web")]
#[path = "test_pages.rs"]
pub mod test_pages;
