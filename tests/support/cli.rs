//! What the command line's tests (`tests/cli`) share: where things are, and
//! a temporary folder with the real binary run inside it.

#[path = "paths.rs"]
pub mod paths;

#[path = "dir.rs"]
pub mod dir;
