//! What the bot's tests (`tests/bot`) share, and the benches drive: where
//! things are, and the fake Discord with its readers of what the bot sent.

#[path = "common.rs"]
pub mod common;

#[path = "fake_discord/mod.rs"]
pub mod fake_discord;

#[path = "test_pages.rs"]
pub mod test_pages;
