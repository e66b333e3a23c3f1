//! Where "now" comes from, in UTC calendar days: the system clock, or a
//! test's. Days are what the database stores (never instants).

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Where "now" comes from: the system clock, or a test's.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> SystemTime + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(SystemTime::now))
    }

    /// A clock reading `now()`; tests move time by changing what it returns.
    pub fn from_fn(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    /// Days since 1970-01-01 (UTC).
    pub(crate) fn today(&self) -> i64 {
        let now = (self.0)();
        let secs = match now.duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_secs() as i64,
            Err(e) => -(e.duration().as_secs_f64().ceil() as i64),
        };
        secs.div_euclid(86_400)
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

/// 1970-01-01 as a Julian day number, the count [`time::Date`] starts from.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;

/// A UTC calendar date, YYYY-MM-DD, from days since 1970-01-01 (clamped to
/// the years -9999 to 9999, far beyond any clock this runs on).
pub(crate) fn date(days: i64) -> String {
    let julian = days.saturating_add(UNIX_EPOCH_JULIAN_DAY);
    let day = i32::try_from(julian)
        .ok()
        .and_then(|julian| time::Date::from_julian_day(julian).ok())
        .unwrap_or(if days < 0 {
            time::Date::MIN
        } else {
            time::Date::MAX
        });
    day.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// 2025-03-10 00:00 UTC.
    const DAY_ONE: u64 = 1_741_564_800;

    #[test]
    fn days_are_utc_calendar_dates() {
        for (days, expected) in [
            (0, "1970-01-01"),
            (-1, "1969-12-31"),
            (11_016, "2000-02-29"),
            (11_017, "2000-03-01"),
            (19_722, "2023-12-31"),
            (20_157, "2025-03-10"),
        ] {
            assert_eq!(date(days), expected, "day {days}");
        }
        let clock = Clock::from_fn(|| UNIX_EPOCH + Duration::from_secs(DAY_ONE + 86_399));
        assert_eq!(date(clock.today()), "2025-03-10");
    }
}
