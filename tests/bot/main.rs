//! The Discord bot's tests: the real bot against a fake Discord on
//! 127.0.0.1 — REST and gateway — through `api_url`, in-process
//! (`spawn_app`) or as the `serve` process. Each scenario asserts the REST
//! calls the bot made (method, path, JSON body), and every body is checked
//! against Discord's OpenAPI schemas and the documented limits,
//! `allowed_mentions` included. One crate, one module per area; what they
//! share is `tests/support/bot.rs`.

#[path = "../support/bot.rs"]
mod support;

mod admin;
mod doors;
mod fake;
mod reliability;
mod safety;
mod startup;
