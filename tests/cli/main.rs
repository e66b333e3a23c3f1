//! The command line's tests: the real `infusion-faq` binary in temporary
//! folders, and the engine's public API on the shipped corpus. One crate,
//! one module per area; what they share is `tests/support/cli.rs`.

#[path = "../support/cli.rs"]
mod support;

mod ask;
mod check;
mod commands;
mod corpus_commands;
mod corpus_curation;
#[cfg(feature = "web")]
mod corpus_import;
mod engine_api;
mod feedback;
mod fuzz;
mod hostile_files;
mod quality;
mod reliability;
mod review;
mod teach;
mod triage;
