//! The review reminder: with an audit channel, one line listing the
//! articles due for review ([`crate::corpus::review`]) is posted there
//! shortly after start and then every `review_reminder_interval_ms` (a
//! week). Nothing is posted when none are due. The time of the last check
//! is kept in `index/review-reminder.txt`, so a restart does not post again
//! within the interval.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use poise::serenity_prelude as serenity;
use tracing::{info, warn};

use super::markdown::plain;
use super::reply::{discord_len, Reply, CONTENT_MAX};
use crate::corpus::review::{self, Due};
use crate::moderation::store::{CorpusStore, Listed};
use crate::text::count;

/// The file, in the index folder, holding when the last check was made
/// (seconds since 1970, UTC).
pub const STATE_FILE: &str = "review-reminder.txt";

/// A failed check (the corpus unreadable, Discord down) is tried again
/// after this long, or the interval if that is shorter.
const RETRY: Duration = Duration::from_secs(60 * 60);

/// What the reminder task needs.
pub struct Reminder {
    pub http: Arc<serenity::Http>,
    pub channel: u64,
    pub corpus: PathBuf,
    pub state: PathBuf,
    pub interval: Duration,
    pub review_after_days: u32,
}

/// The line posted for these due articles; `None` when there are none.
pub fn line(due: &[(Listed, Due)], review_after_days: u32) -> Option<String> {
    if due.is_empty() {
        return None;
    }
    let mut out = format!(
        "📅 {} due for review (last reviewed over {review_after_days} days ago, or undated):",
        count(due.len(), "article")
    );
    let tail = "— /faq-admin list shows them.";
    for (i, (article, why)) in due.iter().enumerate() {
        let item = format!(
            " `{}` {} ({}){}",
            article.id.replace('`', "'"),
            plain(&article.title, 100),
            plain(&why.to_string(), 80),
            if i + 1 < due.len() { ";" } else { "" }
        );
        let more = format!(" and {} more ", due.len() - i);
        if discord_len(&out) + discord_len(&item) + discord_len(&more) + discord_len(tail)
            > CONTENT_MAX
        {
            out.push_str(&more);
            out.push_str(tail);
            return Some(out);
        }
        out.push_str(&item);
    }
    out.push(' ');
    out.push_str(tail);
    Some(out)
}

/// How long to wait before the next check, the last one having been made
/// at `last` (`None`: never, so now).
pub fn wait_before_next(last: Option<SystemTime>, now: SystemTime, interval: Duration) -> Duration {
    match last {
        Some(last) => (last + interval)
            .duration_since(now)
            .unwrap_or(Duration::ZERO)
            // A clock set back: never wait longer than one interval.
            .min(interval),
        None => Duration::ZERO,
    }
}

/// When the last check was made, as the state file says.
pub fn last_check(state: &Path) -> Option<SystemTime> {
    let text = std::fs::read_to_string(state).ok()?;
    let secs: u64 = text.trim().parse().ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

fn record_check(state: &Path, at: SystemTime) -> std::io::Result<()> {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    if let Some(dir) = state.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::storage::durable::write_atomic(state, format!("{secs}\n").as_bytes())
}

/// The articles on disk that are due for review today.
fn due_articles(corpus: &Path, review_after_days: u32) -> anyhow::Result<Vec<(Listed, Due)>> {
    let today = review::today();
    Ok(CorpusStore::new(corpus)
        .list()?
        .into_iter()
        .filter_map(|a| {
            let due = review::review_due(&a.dates, today, review_after_days)?;
            Some((a, due))
        })
        .collect())
}

/// Runs until aborted: waits for the next check, posts the line (if any
/// article is due), records the check, and so on.
pub async fn remind_periodically(reminder: Reminder) {
    loop {
        let wait = wait_before_next(
            last_check(&reminder.state),
            SystemTime::now(),
            reminder.interval,
        );
        if !wait.is_zero() {
            info!(
                next_in_seconds = wait.as_secs(),
                "review reminder waits for its next check"
            );
            tokio::time::sleep(wait).await;
            continue;
        }
        match check_once(&reminder).await {
            Ok(posted) => match record_check(&reminder.state, SystemTime::now()) {
                Ok(()) => info!(articles_posted = posted, "review reminder check recorded"),
                Err(err) => {
                    warn!(error = %err, "cannot record the review reminder's check; it may post again after a restart");
                    tokio::time::sleep(reminder.interval).await;
                }
            },
            Err(err) => {
                warn!(error = %super::redact(&format!("{err:#}")), "the review reminder failed; it tries again later");
                tokio::time::sleep(RETRY.min(reminder.interval)).await;
            }
        }
    }
}

/// Posts the line if any article is due; returns how many it named.
async fn check_once(reminder: &Reminder) -> anyhow::Result<usize> {
    let corpus = reminder.corpus.clone();
    let after_days = reminder.review_after_days;
    let due = tokio::task::spawn_blocking(move || due_articles(&corpus, after_days)).await??;
    let Some(line) = line(&due, after_days) else {
        info!("review reminder: no article is due for review");
        return Ok(0);
    };
    serenity::ChannelId::new(reminder.channel)
        .send_message(&reminder.http, Reply::notice(&line).to_message())
        .await?;
    info!(
        channel_id = reminder.channel,
        articles = due.len(),
        "review reminder posted"
    );
    Ok(due.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(id: &str, title: &str) -> Listed {
        Listed {
            id: id.into(),
            title: title.into(),
            publisher: "P".into(),
            file: format!("{id}.md"),
            reviewed: None,
            dates: review::Dates::default(),
        }
    }

    #[test]
    fn the_line_names_each_due_article_escaped() {
        assert_eq!(line(&[], 365), None);
        let stale = Due::Stale {
            kind: "reviewed",
            date: review::parse_date("2023-01-10").unwrap(),
            after_days: 365,
        };
        let text = line(
            &[
                (listed("a-b", "Tysabri *basics* @everyone"), stale),
                (listed("c-d", "Steroids"), Due::NoDate),
            ],
            365,
        )
        .unwrap();
        assert_eq!(
            text,
            format!(
                "📅 2 articles due for review (last reviewed over 365 days ago, or undated): `a-b` {} (reviewed 2023-01-10, over 365 days ago); `c-d` Steroids (no review date) — /faq-admin list shows them.",
                plain("Tysabri *basics* @everyone", 100)
            )
        );
        assert!(text.contains("\\*basics\\*"), "{text}");
        assert!(text.contains("`c-d`"));
    }

    #[test]
    fn a_long_list_is_cut_with_a_count_of_the_rest() {
        let many: Vec<(Listed, Due)> = (0..200)
            .map(|i| {
                (
                    listed(&format!("article-{i}"), &"T".repeat(60)),
                    Due::NoDate,
                )
            })
            .collect();
        let text = line(&many, 365).unwrap();
        assert!(discord_len(&text) <= CONTENT_MAX, "{}", discord_len(&text));
        assert!(
            text.contains(" more — /faq-admin list shows them."),
            "{text}"
        );
    }

    #[test]
    fn the_next_check_waits_out_the_interval_since_the_last() {
        let week = Duration::from_secs(7 * 86_400);
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(wait_before_next(None, now, week), Duration::ZERO);
        let day = Duration::from_secs(86_400);
        assert_eq!(wait_before_next(Some(now - day), now, week), week - day);
        assert_eq!(
            wait_before_next(Some(now - week), now, week),
            Duration::ZERO
        );
        assert_eq!(
            wait_before_next(Some(now - 2 * week), now, week),
            Duration::ZERO
        );
        // A last check "in the future" (the clock was set back).
        assert_eq!(wait_before_next(Some(now + 3 * week), now, week), week);
    }

    #[test]
    fn the_last_check_survives_a_restart_in_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("index").join(STATE_FILE);
        assert_eq!(last_check(&state), None);
        let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        record_check(&state, at).unwrap();
        assert_eq!(last_check(&state), Some(at));
        std::fs::write(&state, "garbage").unwrap();
        assert_eq!(last_check(&state), None);
    }
}
