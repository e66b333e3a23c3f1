//! Integration tests: the real `infusion-faq` binary in temporary folders,
//! and the engine's public API on the shipped corpus.

mod ask;
mod check;
mod commands;
mod corpus_commands;
mod corpus_curation;
#[cfg(feature = "web")]
mod corpus_import;
mod engine_api;
mod fuzz;
mod hostile_files;
mod quality;
mod reliability;
mod util;
