//! Configuration: built-in defaults, then a TOML file (`--config`), then the
//! environment. Every key is documented in `config.example.toml`. Secrets
//! (the Discord token) are never printed: `Debug` redacts them.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::engine::{EngineSettings, Paths};
use crate::storage::read::read_capped;

/// A config file is a few dozen lines; anything this large is not one.
const MAX_CONFIG_BYTES: u64 = 256 * 1024;

/// Environment variable holding the bot token; it wins over the file.
pub const TOKEN_ENV: &str = "DISCORD_TOKEN";
/// Where passage vectors are cached, instead of the index folder (several
/// checkouts or test runs can share one; `[engine] vector_cache`).
pub const VECTOR_CACHE_ENV: &str = "INFUSION_FAQ_VECTOR_CACHE";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {0}")]
    Read(#[source] crate::storage::read::ReadError),
    #[error("the config file {}:{line}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Folder of article files and `synonyms.toml`.
    pub corpus: PathBuf,
    /// An article is due for review when its `reviewed` date (else
    /// `published`, else `retrieved`) is more than this many days old, or
    /// when it has none ([`crate::corpus::review`]).
    pub review_after_days: u32,
    /// Folder where the search index is built.
    pub index: PathBuf,
    /// `error`, `warn`, `info`, `debug` or `trace`; `RUST_LOG` overrides it.
    pub log_level: Option<String>,
    pub engine: EngineSettings,
    pub discord: DiscordConfig,
    pub feedback: FeedbackConfig,
    pub import: crate::import::ImportConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            corpus: PathBuf::from("corpus"),
            review_after_days: crate::corpus::review::DEFAULT_REVIEW_AFTER_DAYS,
            index: PathBuf::from("index"),
            log_level: None,
            engine: EngineSettings::default(),
            discord: DiscordConfig::default(),
            feedback: FeedbackConfig::default(),
            import: crate::import::ImportConfig::default(),
        }
    }
}

/// The bot's settings (`[discord]`). `Debug` shows the token as
/// `<redacted>` ([`Secret`] redacts itself).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordConfig {
    /// Bot token; prefer the `DISCORD_TOKEN` environment variable.
    pub token: Option<Secret>,
    /// Base URL that replaces `https://discord.com` in REST calls (a proxy,
    /// or a test's fake Discord). `None`: Discord itself.
    pub api_url: Option<String>,
    /// Guilds to register the commands in (instant); empty: globally.
    pub guilds: Vec<u64>,
    /// Channels where mentioning the bot with a question gets an answer.
    pub mention_channels: Vec<u64>,
    /// Whether direct messages are answered.
    pub answer_dms: bool,
    /// Questions one member may ask per window before a polite refusal.
    pub rate_limit_questions: u32,
    /// The rate limit's window, in seconds.
    pub rate_limit_seconds: u64,
    /// An answer not ready after this many milliseconds is deferred (the
    /// member sees "thinking…") and sent as a follow-up; Discord drops an
    /// interaction not answered within 3 seconds. 0: always defer.
    pub defer_after_ms: u64,
    /// Role ids whose members may use `/faq-admin` without Manage Server.
    pub moderator_roles: Vec<u64>,
    /// Channel id where every change made with `/faq-admin` is announced
    /// in one line; `None`: no announcements (the audit log still has them).
    pub audit_channel: Option<u64>,
    /// Changes in the corpus folder (an editor, `git pull`, another bot
    /// process) go live this many milliseconds after the last one of a
    /// burst. 0: the folder is not watched (`/faq-admin reload` still works).
    pub watch_debounce_ms: u64,
    /// A `/faq-admin` preview waits this long for Confirm or Cancel, then
    /// expires with nothing changed (at most 840: Discord lets the bot edit
    /// its reply for 15 minutes).
    pub confirm_timeout_seconds: u64,
    /// Downloading an uploaded attachment gives up after this many
    /// milliseconds.
    pub download_timeout_ms: u64,
    /// With an `audit_channel`, the articles due for review are listed
    /// there in one line this often (shortly after start, then at this
    /// interval; the last time is kept in the index folder, so a restart
    /// does not post again early). 0: never.
    pub review_reminder_interval_ms: u64,
}

/// A week: how often the review reminder is posted by default.
pub const WEEK_MS: u64 = 7 * 24 * 60 * 60 * 1000;

impl Default for DiscordConfig {
    fn default() -> Self {
        DiscordConfig {
            token: None,
            api_url: None,
            guilds: Vec::new(),
            mention_channels: Vec::new(),
            answer_dms: false,
            rate_limit_questions: 5,
            rate_limit_seconds: 30,
            defer_after_ms: 1500,
            moderator_roles: Vec::new(),
            audit_channel: None,
            watch_debounce_ms: 500,
            confirm_timeout_seconds: 300,
            download_timeout_ms: 10_000,
            review_reminder_interval_ms: WEEK_MS,
        }
    }
}

/// Members' votes and unanswered questions (`[feedback]`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FeedbackConfig {
    /// The SQLite database of votes and unanswered questions; created on
    /// first use.
    pub database: PathBuf,
    /// Guilds whose question texts are recorded (with "no answer" verdicts
    /// and 👎 votes). Empty: no question text is stored anywhere; only counts.
    pub record_questions_in: Vec<u64>,
    /// Recorded question texts are deleted after this many days.
    pub retention_days: u32,
}

impl Default for FeedbackConfig {
    fn default() -> Self {
        FeedbackConfig {
            database: PathBuf::from("feedback.sqlite3"),
            record_questions_in: Vec::new(),
            retention_days: 30,
        }
    }
}

impl FeedbackConfig {
    /// Whether question texts asked in `guild` may be recorded; never for
    /// direct messages (`None`).
    pub fn records_questions_in(&self, guild: Option<u64>) -> bool {
        guild.is_some_and(|id| self.record_questions_in.contains(&id))
    }
}

/// A string that never shows itself in logs or errors.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Config {
    /// Defaults, then `file` if given, then the environment. Relative paths
    /// in a file are taken from the file's own folder.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        if let Ok(token) = std::env::var(TOKEN_ENV) {
            if !token.trim().is_empty() {
                config.discord.token = Some(Secret::new(token.trim()));
            }
        }
        if let Some(dir) = std::env::var_os(VECTOR_CACHE_ENV).filter(|d| !d.is_empty()) {
            config.engine.vector_cache = Some(PathBuf::from(dir));
        }
        Ok(config)
    }

    fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let bytes = read_capped(path, MAX_CONFIG_BYTES).map_err(ConfigError::Read)?;
        let text = String::from_utf8(bytes).map_err(|_| ConfigError::Parse {
            path: path.to_path_buf(),
            line: 1,
            message: "the file is not UTF-8 text".to_string(),
        })?;
        let mut config: Config = toml::from_str(&text).map_err(|err| {
            let (line, message) = crate::toml_error::locate(&err, &text);
            ConfigError::Parse {
                path: path.to_path_buf(),
                line,
                message: without_values(&message, text.lines().nth(line - 1)),
            }
        })?;
        if let Some(level) = &config.log_level {
            if !LOG_LEVELS.contains(&level.to_ascii_lowercase().as_str()) {
                return Err(ConfigError::Parse {
                    path: path.to_path_buf(),
                    line: line_of_key(&text, "log_level"),
                    message: format!("`log_level` must be one of {}", LOG_LEVELS.join(", ")),
                });
            }
        }
        // `join` keeps an absolute path as it is.
        let base = path.parent().unwrap_or(Path::new("."));
        for path in [
            &mut config.corpus,
            &mut config.index,
            &mut config.feedback.database,
        ]
        .into_iter()
        .chain(config.engine.model_dir.as_mut())
        .chain(config.engine.vector_cache.as_mut())
        {
            *path = base.join(&*path);
        }
        Ok(config)
    }

    pub fn paths(&self) -> Paths {
        Paths {
            corpus: self.corpus.clone(),
            index: self.index.clone(),
        }
    }
}

/// The levels `log_level` may name.
const LOG_LEVELS: [&str; 5] = ["error", "warn", "info", "debug", "trace"];

/// A config error's message names the key (read off the offending line)
/// and never repeats its value: a token pasted under the wrong key must not
/// end up in a terminal or a log.
fn without_values(message: &str, line: Option<&str>) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '"' if !quoted => {
                quoted = true;
                out.push_str("(value not shown)");
            }
            '"' => quoted = false,
            _ if !quoted => out.push(c),
            _ => {}
        }
    }
    // "invalid type: integer `123`, expected …": the backticks quote a value.
    let typed = regex::Regex::new(r"(invalid (?:type|value|length): [a-z ]+?) `[^`]*`")
        .expect("a valid pattern");
    let out = typed.replace_all(&out, "$1 (value not shown)");
    let key = line
        .and_then(|l| l.split_once('='))
        .map(|(key, _)| key.trim())
        .filter(|key| !key.is_empty() && key.len() <= 64 && !key.contains(char::is_control));
    match key {
        Some(key) => format!("`{key}`: {out}"),
        None => out.into_owned(),
    }
}

fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_config_parses_to_the_defaults() {
        let text = include_str!("../config.example.toml");
        let parsed: Config = toml::from_str(text).expect("config.example.toml parses");
        let defaults = Config::default();
        assert_eq!(parsed.corpus, defaults.corpus);
        assert_eq!(parsed.review_after_days, defaults.review_after_days);
        assert_eq!(parsed.engine, defaults.engine);
        assert_eq!(
            parsed.discord.rate_limit_questions,
            defaults.discord.rate_limit_questions
        );
        assert_eq!(
            parsed.discord.rate_limit_seconds,
            defaults.discord.rate_limit_seconds
        );
        assert_eq!(parsed.discord.answer_dms, defaults.discord.answer_dms);
        assert_eq!(parsed.discord, defaults.discord);
        assert_eq!(parsed.feedback, defaults.feedback);
        assert_eq!(parsed.import, defaults.import);
    }

    #[test]
    fn the_feedback_database_is_found_beside_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        // (the [feedback] section, the database expected)
        let cases = [
            ("", dir.path().join("feedback.sqlite3")),
            (
                "[feedback]\ndatabase = \"data/votes.db\"\n",
                dir.path().join("data/votes.db"),
            ),
            (
                "[feedback]\ndatabase = \"/var/lib/faq/votes.db\"\n",
                PathBuf::from("/var/lib/faq/votes.db"),
            ),
        ];
        for (section, expected) in cases {
            let path = dir.path().join("c.toml");
            std::fs::write(&path, section).unwrap();
            let config = Config::load(Some(&path)).unwrap();
            assert_eq!(config.feedback.database, expected, "{section:?}");
        }
    }

    #[test]
    fn question_texts_are_recorded_only_in_the_guilds_listed() {
        let feedback: FeedbackConfig =
            toml::from_str("record_questions_in = [42]\nretention_days = 7").unwrap();
        assert_eq!(feedback.retention_days, 7);
        for (guild, recorded) in [(Some(42), true), (Some(43), false), (None, false)] {
            assert_eq!(feedback.records_questions_in(guild), recorded, "{guild:?}");
        }
        assert!(!FeedbackConfig::default().records_questions_in(Some(42)));
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let mut config = Config::default();
        config.discord.token = Some(Secret::new("super-secret-token"));
        assert!(!format!("{config:?}").contains("super-secret"));
    }

    #[test]
    fn unknown_keys_are_errors_with_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "corpus = \"x\"\n\n[engine]\nmax_pasages = 2\n").unwrap();
        let err = Config::load(Some(&path)).unwrap_err().to_string();
        assert!(
            err.contains("c.toml:4") && err.contains("max_pasages"),
            "{err}"
        );
    }
}
