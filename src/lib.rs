//! infusion-faq: answers an MS support group's questions about infusion
//! therapies by quoting cited passages of trusted articles.
//!
//! The rooms:
//! - [`engine`] turns a [`corpus`] into verdicts and knows nothing of
//!   Discord or the terminal;
//! - [`cli`] is the command line (every clap definition, one file per
//!   command family, terminal text); `main.rs` only calls [`cli::run`];
//! - `discord` is the bot (the default-on `discord` feature; without it the
//!   engine and every other command build without serenity);
//! - [`moderation`] keeps the corpus current (one change function for the
//!   bot and the command line, the versioned store, the audit log, the live
//!   engine);
//! - [`feedback`] is the SQLite store of votes and unanswered questions;
//! - [`storage`] (durable writes, locks, capped reads), [`config`],
//!   [`eval`] and [`text`] (counted nouns, durations) serve them all.
//!
//! The path of a question: `infusion-faq ask` → [`cli::ask`] →
//! [`Engine::ask`] → [`cli::plain`]. In Discord, a door's handler (`/ask`,
//! "Find answer", a mention, a DM) → `discord::answer::answer` (rate
//! limit, the live engine on the blocking pool, the feedback side) →
//! `discord::render` → the reply, through the door it came in by; a
//! refusal is a `discord::errors::UserError`, shown in one place.

pub mod cli;
pub mod config;
pub mod corpus;
#[cfg(feature = "discord")]
pub mod discord;
pub mod engine;
pub mod eval;
pub mod feedback;
pub mod import;
pub mod moderation;
pub mod storage;
pub mod text;
mod toml_error;

pub use engine::{Engine, EngineSettings, Hit, Verdict};
