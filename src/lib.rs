//! infusion-faq: answers an MS support group's questions about infusion
//! therapies by quoting cited passages of trusted articles.
//!
//! The [`engine`] turns a [`corpus`] into verdicts and knows nothing of
//! Discord; the command line ([`cli`]) and the bot both call it.

pub mod cli;
pub mod cli_feedback;
pub mod config;
pub mod corpus;
pub mod discord;
pub mod engine;
pub mod eval;
pub mod import;
pub mod moderation;
pub mod render;
pub mod storage;
mod toml_error;

pub use engine::{Engine, EngineSettings, Hit, Verdict};
