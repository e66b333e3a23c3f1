//! The per-member rate limit: at most N questions in a sliding window. The
//! excess is refused at once (never queued), and memory stays bounded by the
//! members who asked within the last window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What to do with one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Answer it.
    Allowed,
    /// Refuse it. `first` is true for the first refusal in a row, so that a
    /// channel gets one note rather than one per message.
    Limited { retry_after: Duration, first: bool },
}

/// Sliding-window counter per member id.
#[derive(Debug)]
pub struct RateLimiter {
    max: usize,
    window: Duration,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    members: HashMap<u64, Member>,
    last_sweep: Instant,
}

#[derive(Debug, Default)]
struct Member {
    /// When the allowed questions of the current window were asked, oldest first.
    asked: VecDeque<Instant>,
    /// Whether this member was already told to slow down.
    warned: bool,
}

impl RateLimiter {
    /// `max` questions per `window`; `max == 0` turns the limit off.
    pub fn new(max: u32, window: Duration) -> Self {
        RateLimiter {
            max: max as usize,
            window,
            state: Mutex::new(State {
                members: HashMap::new(),
                last_sweep: Instant::now(),
            }),
        }
    }

    /// Counts one question from `member` asked at `now`.
    pub fn check(&self, member: u64, now: Instant) -> Decision {
        if self.max == 0 {
            return Decision::Allowed;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if now.saturating_duration_since(state.last_sweep) >= self.window {
            let window = self.window;
            state.members.retain(|_, m| {
                m.asked
                    .back()
                    .is_some_and(|&t| now.saturating_duration_since(t) < window)
            });
            state.last_sweep = now;
        }
        let entry = state.members.entry(member).or_default();
        while entry
            .asked
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= self.window)
        {
            entry.asked.pop_front();
        }
        if entry.asked.len() < self.max {
            entry.asked.push_back(now);
            entry.warned = false;
            Decision::Allowed
        } else {
            let oldest = entry.asked.front().copied().unwrap_or(now);
            let retry_after = self
                .window
                .saturating_sub(now.saturating_duration_since(oldest));
            let first = !entry.warned;
            entry.warned = true;
            Decision::Limited { retry_after, first }
        }
    }

    /// Members currently tracked (for tests).
    pub fn tracked(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .members
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn the_excess_is_refused_until_the_window_slides() {
        let limiter = RateLimiter::new(2, 10 * SECOND);
        let t0 = Instant::now();
        assert_eq!(limiter.check(1, t0), Decision::Allowed);
        assert_eq!(limiter.check(1, t0 + SECOND), Decision::Allowed);
        assert_eq!(
            limiter.check(1, t0 + 2 * SECOND),
            Decision::Limited {
                retry_after: 8 * SECOND,
                first: true
            }
        );
        assert_eq!(
            limiter.check(1, t0 + 3 * SECOND),
            Decision::Limited {
                retry_after: 7 * SECOND,
                first: false
            }
        );
        // Another member is not affected.
        assert_eq!(limiter.check(2, t0 + 3 * SECOND), Decision::Allowed);
        // The first question leaves the window after 10 s.
        assert_eq!(limiter.check(1, t0 + 10 * SECOND), Decision::Allowed);
        assert!(matches!(
            limiter.check(1, t0 + 10 * SECOND),
            Decision::Limited { first: true, .. }
        ));
    }

    #[test]
    fn zero_questions_means_no_limit() {
        let limiter = RateLimiter::new(0, SECOND);
        let t0 = Instant::now();
        for _ in 0..100 {
            assert_eq!(limiter.check(1, t0), Decision::Allowed);
        }
        assert_eq!(limiter.tracked(), 0);
    }

    #[test]
    fn members_who_stopped_asking_are_forgotten() {
        let limiter = RateLimiter::new(1, SECOND);
        let t0 = Instant::now();
        for member in 0..1000 {
            limiter.check(member, t0);
        }
        assert_eq!(limiter.tracked(), 1000);
        limiter.check(5000, t0 + 2 * SECOND);
        assert_eq!(limiter.tracked(), 1);
    }
}
