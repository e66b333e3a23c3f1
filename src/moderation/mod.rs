//! Keeping the corpus current: one way to make a change from the bot or the
//! command line ([`change`]), validated, durable, versioned and audited
//! ([`store`], [`audit`]; teaching in [`taught`]), and a live engine that
//! takes them in without downtime ([`live`]). No Discord types here: the
//! bot's admin commands and the `corpus` command line share this code.

pub mod audit;
pub mod change;
pub mod history;
pub mod live;
pub mod preview;
pub mod store;
pub mod taught;

/// Who made a change: a Discord moderator or a shell user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Actor {
    /// Discord user id, or `cli:USER` for the command line.
    pub id: String,
    pub name: String,
}

impl Actor {
    /// The person running the command line.
    pub fn command_line() -> Actor {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown".to_string());
        Actor {
            id: format!("cli:{user}"),
            name: user,
        }
    }
}
