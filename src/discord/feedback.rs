//! Members' feedback in Discord: 👍 / 👎 buttons under every answer that
//! quotes passages, votes recorded in the feedback store without user ids,
//! and "no answer" verdicts counted so that `/faq-admin gaps` can show what
//! the articles miss.
//!
//! A button's custom id names the quoted passages by the first 12 hex digits
//! of their digest (`fb:y:<memo>:<digest><digest>…`, at most 100 characters),
//! resolved back to passages through the engine serving at the time of the
//! click. Question text is kept only for guilds listed in `[feedback]
//! record_questions_in`: in memory, keyed by a memo number in the custom id
//! (bounded in count and age), until a 👎 stores it with the vote. Elsewhere
//! nothing about the question is kept at all.
//!
//! One vote per message: the first click disables the buttons for everyone,
//! and clicks racing it are told the answer was already rated.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use poise::serenity_prelude as serenity;
use tracing::{info, warn};

use super::reply::{self, Button, ButtonStyle};
use super::Data;
use crate::config::FeedbackConfig;
use crate::engine::passage::Passage;
use crate::engine::{Engine, Verdict};
use crate::feedback::{passage_digest, FeedbackStore, Vote};

/// Custom ids of vote buttons start with this.
pub const PREFIX: &str = "fb:";
/// Hex digits of a passage digest in a custom id.
const DIGEST_HEX: usize = 12;
/// Passages named in one button, at most (so the id fits 100 characters).
const PASSAGES_MAX: usize = 6;
/// Questions remembered for a possible 👎, at most, and for how long.
const MEMO_MAX: usize = 2_000;
const MEMO_TTL: Duration = Duration::from_secs(24 * 3600);
/// Messages remembered as voted (to refuse a click storm), at most, and for
/// how long (the buttons are disabled by then).
const VOTED_MAX: usize = 10_000;
const VOTED_TTL: Duration = Duration::from_secs(15 * 60);
/// How long a member's click waits for the database before it is
/// acknowledged anyway (Discord wants an answer within 3 s).
const WRITE_WAIT: Duration = Duration::from_millis(1_500);
/// How often recorded question texts past `retention_days` are deleted.
pub const EXPIRY_EVERY: Duration = Duration::from_secs(3_600);

pub const ALREADY_VOTED: &str = "Thanks: this answer has already been rated.";
pub const GONE: &str =
    "Thanks. The articles have changed since this answer, so the vote could not be counted.";

/// The bot's side of the feedback store.
pub struct Feedback {
    store: Arc<FeedbackStore>,
    config: FeedbackConfig,
    memo: Mutex<Memo>,
    voted: Mutex<Voted>,
    digests: Mutex<Option<DigestIndex>>,
    /// Writes waiting for or holding the database, at most: beyond them a
    /// record is dropped (and logged) rather than queued.
    slots: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for Feedback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feedback")
            .field("store", &self.store.path())
            .finish()
    }
}

impl Feedback {
    pub fn new(store: Arc<FeedbackStore>, config: FeedbackConfig) -> Feedback {
        Feedback {
            store,
            config,
            memo: Mutex::new(Memo::new()),
            voted: Mutex::new(Voted::default()),
            digests: Mutex::new(None),
            slots: Arc::new(tokio::sync::Semaphore::new(8)),
        }
    }

    pub fn store(&self) -> &Arc<FeedbackStore> {
        &self.store
    }

    /// 👍 / 👎 for a verdict that quotes passages (an answer, or urgent
    /// guidance with passages); none otherwise. In a guild that records
    /// questions, the question is remembered for a possible 👎.
    pub fn vote_buttons(
        &self,
        guild: Option<u64>,
        question: &str,
        verdict: &Verdict,
    ) -> Vec<Button> {
        let hits = verdict.hits();
        if hits.is_empty() {
            return Vec::new();
        }
        let digests: String = hits
            .iter()
            .take(PASSAGES_MAX)
            .map(|hit| passage_digest(&hit.passage.text)[..DIGEST_HEX].to_string())
            .collect();
        let memo = if self.config.records_questions_in(guild) {
            format!("{:x}", self.lock_memo().insert(question, Instant::now()))
        } else {
            "-".to_string()
        };
        vote_buttons(&memo, &digests, None)
    }

    /// Counts a "no answer" verdict, with its text only where recorded.
    /// Waits briefly for the database; a busy one drops the record (logged).
    pub async fn record_unanswered(&self, guild: Option<u64>, question: &str) {
        let text = self
            .config
            .records_questions_in(guild)
            .then(|| question.to_string());
        let store = Arc::clone(&self.store);
        self.write("unanswered", move || {
            store.record_unanswered(guild, text.as_deref())
        })
        .await;
    }

    /// Runs one database write on the blocking pool, waiting at most
    /// [`WRITE_WAIT`] for it; returns whether it finished in time and worked.
    async fn write(
        &self,
        what: &'static str,
        write: impl FnOnce() -> crate::feedback::Result<()> + Send + 'static,
    ) -> bool {
        let Ok(permit) = Arc::clone(&self.slots).try_acquire_owned() else {
            warn!(what, "feedback not recorded: too many writes waiting");
            return false;
        };
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            write()
        });
        match tokio::time::timeout(WRITE_WAIT, task).await {
            Ok(Ok(Ok(()))) => true,
            Ok(Ok(Err(err))) => {
                warn!(what, error = %err, "feedback not recorded");
                false
            }
            Ok(Err(err)) => {
                warn!(what, error = %err, "feedback write stopped");
                false
            }
            Err(_) => {
                warn!(
                    what,
                    "feedback write still waiting for the database; not waiting for it"
                );
                false
            }
        }
    }

    fn lock_memo(&self) -> std::sync::MutexGuard<'_, Memo> {
        self.memo.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The passages of the current engine whose digests start with `prefixes`.
    async fn resolve(&self, engine: Arc<Engine>, prefixes: Vec<String>) -> Vec<Arc<Passage>> {
        let cached = {
            let digests = self.digests.lock().unwrap_or_else(|p| p.into_inner());
            digests
                .as_ref()
                .filter(|index| index.is_for(&engine))
                .map(|index| Arc::clone(&index.by_prefix))
        };
        let by_prefix = match cached {
            Some(map) => map,
            None => {
                let for_engine = Arc::clone(&engine);
                let built =
                    tokio::task::spawn_blocking(move || DigestIndex::build(&for_engine)).await;
                let Ok(index) = built else {
                    return Vec::new();
                };
                let map = Arc::clone(&index.by_prefix);
                *self.digests.lock().unwrap_or_else(|p| p.into_inner()) = Some(index);
                map
            }
        };
        prefixes
            .iter()
            .filter_map(|p| by_prefix.get(p.as_str()))
            .map(|&i| Arc::clone(&engine.passages()[i]))
            .collect()
    }
}

/// The two vote buttons; `chosen`: after a vote, both disabled and the
/// chosen one highlighted.
fn vote_buttons(memo: &str, digests: &str, chosen: Option<bool>) -> Vec<Button> {
    let button = |helpful: bool| {
        let (flag, emoji, label) = if helpful {
            ('y', '👍', "Helpful")
        } else {
            ('n', '👎', "Not helpful")
        };
        let style = if chosen == Some(helpful) {
            ButtonStyle::Primary
        } else {
            ButtonStyle::Secondary
        };
        Button::new(format!("{PREFIX}{flag}:{memo}:{digests}"), label, style)
            .emoji(emoji)
            .disabled(chosen.is_some())
    };
    vec![button(true), button(false)]
}

/// A parsed vote button.
#[derive(Debug, PartialEq, Eq)]
struct Click {
    helpful: bool,
    memo: Option<u64>,
    memo_text: String,
    digests: String,
    prefixes: Vec<String>,
}

fn parse(custom_id: &str) -> Option<Click> {
    let rest = custom_id.strip_prefix(PREFIX)?;
    let mut parts = rest.splitn(3, ':');
    let helpful = match parts.next()? {
        "y" => true,
        "n" => false,
        _ => return None,
    };
    let memo_text = parts.next()?.to_string();
    let memo = match memo_text.as_str() {
        "-" => None,
        hex => Some(u64::from_str_radix(hex, 16).ok()?),
    };
    let digests = parts.next()?.to_string();
    if digests.is_empty()
        || !digests.len().is_multiple_of(DIGEST_HEX)
        || !digests.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return None;
    }
    let prefixes = digests
        .as_bytes()
        .chunks(DIGEST_HEX)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    Some(Click {
        helpful,
        memo,
        memo_text,
        digests,
        prefixes,
    })
}

/// A member clicked 👍 or 👎 under an answer.
pub async fn on_click(
    ctx: &serenity::Context,
    data: &Data,
    interaction: &serenity::ComponentInteraction,
) -> anyhow::Result<()> {
    let feedback = &data.feedback;
    let guild = interaction.guild_id.map(|g| g.get());
    let (guild_log, channel_log) = super::place(interaction.guild_id, interaction.channel_id);
    let Some(click) = parse(&interaction.data.custom_id) else {
        warn!(guild_id = %guild_log, "a vote button with an unknown id");
        return respond_privately(ctx, interaction, GONE).await;
    };
    let message = interaction.message.id.get();
    if !feedback
        .voted
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .first_vote(message, Instant::now())
    {
        info!(guild_id = %guild_log, channel_id = %channel_log, "vote refused: already rated");
        return respond_privately(ctx, interaction, ALREADY_VOTED).await;
    }
    // The question, kept only for a 👎 in a guild that records questions.
    let question = click
        .memo
        .and_then(|n| feedback.lock_memo().take(n, Instant::now()))
        .filter(|_| !click.helpful && feedback.config.records_questions_in(guild));
    let engine = data.engine.engine();
    let passages = feedback.resolve(engine, click.prefixes.clone()).await;
    let recorded = if passages.is_empty() {
        false
    } else {
        let votes: Vec<Vote> = passages
            .iter()
            .map(|p| Vote {
                guild_id: guild,
                article_id: p.article.meta.id.clone(),
                section: p.section(),
                passage_digest: passage_digest(&p.text),
                helpful: click.helpful,
                question: question.clone(),
            })
            .collect();
        let store = Arc::clone(&feedback.store);
        feedback
            .write("vote", move || store.record_votes(&votes))
            .await
    };
    info!(
        helpful = click.helpful,
        passages = passages.len(),
        recorded,
        guild_id = %guild_log,
        channel_id = %channel_log,
        "vote"
    );
    if passages.is_empty() {
        return respond_privately(ctx, interaction, GONE).await;
    }
    // Disable the buttons for everyone: one vote per answer.
    let buttons = vote_buttons(&click.memo_text, &click.digests, Some(click.helpful));
    let update = serenity::CreateInteractionResponseMessage::new()
        .components(reply::action_rows(&buttons))
        .allowed_mentions(reply::no_mentions());
    interaction
        .create_response(
            &ctx.http,
            serenity::CreateInteractionResponse::UpdateMessage(update),
        )
        .await?;
    Ok(())
}

async fn respond_privately(
    ctx: &serenity::Context,
    interaction: &serenity::ComponentInteraction,
    text: &str,
) -> anyhow::Result<()> {
    let message = serenity::CreateInteractionResponseMessage::new()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(reply::no_mentions());
    interaction
        .create_response(
            &ctx.http,
            serenity::CreateInteractionResponse::Message(message),
        )
        .await?;
    Ok(())
}

/// Deletes recorded question texts older than `retention_days`, now and
/// then every [`EXPIRY_EVERY`], for as long as the task runs.
pub async fn expire_periodically(store: Arc<FeedbackStore>, retention_days: u32) {
    let mut every = tokio::time::interval(EXPIRY_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let store = Arc::clone(&store);
        match tokio::task::spawn_blocking(move || store.expire_questions(retention_days)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(deleted)) => info!(deleted, retention_days, "expired recorded question texts"),
            Ok(Err(err)) => warn!(error = %err, "cannot expire recorded question texts"),
            Err(err) => warn!(error = %err, "the expiry of question texts stopped"),
        }
    }
}

/// Questions remembered for a possible 👎, by memo number: bounded in count
/// and age, oldest dropped first.
#[derive(Debug)]
struct Memo {
    next: u64,
    order: VecDeque<(u64, Instant)>,
    texts: HashMap<u64, String>,
}

impl Memo {
    /// Numbers start at a random point, so that a button from before a
    /// restart never names another member's question.
    fn new() -> Memo {
        use std::hash::{BuildHasher, Hasher};
        let start = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Memo {
            next: start >> 1,
            order: VecDeque::new(),
            texts: HashMap::new(),
        }
    }

    fn insert(&mut self, question: &str, now: Instant) -> u64 {
        self.prune(now);
        while self.order.len() >= MEMO_MAX {
            if let Some((old, _)) = self.order.pop_front() {
                self.texts.remove(&old);
            }
        }
        self.next = self.next.wrapping_add(1);
        let n = self.next;
        self.order.push_back((n, now));
        self.texts.insert(n, question.to_string());
        n
    }

    fn take(&mut self, n: u64, now: Instant) -> Option<String> {
        self.prune(now);
        self.texts.remove(&n)
    }

    fn prune(&mut self, now: Instant) {
        while let Some(&(old, at)) = self.order.front() {
            if now.saturating_duration_since(at) < MEMO_TTL && self.texts.contains_key(&old) {
                break;
            }
            self.order.pop_front();
            self.texts.remove(&old);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.texts.len()
    }
}

/// Messages already voted on, recently: bounded in count and age.
#[derive(Debug, Default)]
struct Voted {
    order: VecDeque<(u64, Instant)>,
    seen: std::collections::HashSet<u64>,
}

impl Voted {
    /// Whether this is the first vote on `message` (and remember it).
    fn first_vote(&mut self, message: u64, now: Instant) -> bool {
        while let Some(&(old, at)) = self.order.front() {
            if now.saturating_duration_since(at) < VOTED_TTL && self.order.len() < VOTED_MAX {
                break;
            }
            self.order.pop_front();
            self.seen.remove(&old);
        }
        if !self.seen.insert(message) {
            return false;
        }
        self.order.push_back((message, now));
        true
    }
}

/// Digest prefix → passage position, for one engine.
struct DigestIndex {
    engine: Weak<Engine>,
    by_prefix: Arc<HashMap<String, usize>>,
}

impl DigestIndex {
    fn build(engine: &Arc<Engine>) -> DigestIndex {
        let mut by_prefix = HashMap::with_capacity(engine.passages().len());
        for (i, passage) in engine.passages().iter().enumerate() {
            let digest = passage_digest(&passage.text);
            by_prefix
                .entry(digest[..DIGEST_HEX].to_string())
                .or_insert(i);
        }
        DigestIndex {
            engine: Arc::downgrade(engine),
            by_prefix: Arc::new(by_prefix),
        }
    }

    fn is_for(&self, engine: &Arc<Engine>) -> bool {
        std::ptr::eq(self.engine.as_ptr(), Arc::as_ptr(engine)) && self.engine.strong_count() > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_fit_discords_limit_and_parse_back() {
        let digests = "0123456789ab".repeat(PASSAGES_MAX);
        let memo = format!("{:x}", u64::MAX);
        for button in vote_buttons(&memo, &digests, None) {
            assert!(
                button.custom_id.len() <= reply::CUSTOM_ID_MAX,
                "{}",
                button.custom_id
            );
            let click = parse(&button.custom_id).unwrap();
            assert_eq!(click.memo, Some(u64::MAX));
            assert_eq!(click.prefixes.len(), PASSAGES_MAX);
        }
        let none = parse("fb:n:-:0123456789abba9876543210").unwrap();
        assert_eq!(
            none,
            Click {
                helpful: false,
                memo: None,
                memo_text: "-".into(),
                digests: "0123456789abba9876543210".into(),
                prefixes: vec!["0123456789ab".into(), "ba9876543210".into()],
            }
        );
        for bad in [
            "fb:x:-:0123456789ab",
            "fb:y:zz:0123456789ab",
            "fb:y:-:0123",
            "fb:y:-:",
            "xx",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn after_a_vote_both_buttons_are_disabled_and_the_choice_shows() {
        let buttons = vote_buttons("-", "0123456789ab", Some(false));
        assert!(buttons.iter().all(|b| b.disabled));
        assert_eq!(buttons[0].style, ButtonStyle::Secondary);
        assert_eq!(buttons[1].style, ButtonStyle::Primary);
    }

    #[test]
    fn the_memo_is_bounded_in_count_and_age() {
        let mut memo = Memo::new();
        let t0 = Instant::now();
        let first = memo.insert("first", t0);
        for i in 0..MEMO_MAX + 10 {
            memo.insert(&format!("q{i}"), t0);
        }
        assert_eq!(memo.len(), MEMO_MAX);
        assert_eq!(memo.take(first, t0), None, "the oldest went first");
        let kept = memo.insert("kept", t0);
        assert_eq!(memo.take(kept, t0).as_deref(), Some("kept"));
        assert_eq!(memo.take(kept, t0), None, "taken once");
        let old = memo.insert("old", t0);
        assert_eq!(memo.take(old, t0 + MEMO_TTL), None, "forgotten after a day");
        assert_eq!(memo.len(), 0);
    }

    #[test]
    fn one_vote_per_message_and_the_record_is_bounded() {
        let mut voted = Voted::default();
        let t0 = Instant::now();
        assert!(voted.first_vote(1, t0));
        assert!(!voted.first_vote(1, t0));
        assert!(voted.first_vote(2, t0));
        for m in 10..(10 + VOTED_MAX as u64) {
            voted.first_vote(m, t0);
        }
        assert!(voted.seen.len() <= VOTED_MAX);
        assert!(voted.first_vote(1, t0 + VOTED_TTL), "forgotten once stale");
    }
}
