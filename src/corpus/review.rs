//! When an article is due for review: the one rule that `corpus list`,
//! `check`, `/faq-admin list` and the bot's weekly reminder all use.
//!
//! An article is due when its `reviewed` date (else `published`, else
//! `retrieved`) is more than `review_after_days` days before today, or when
//! it has none of the three. Today is passed in, so tests fix it.

use std::fmt;

use serde::Serialize;
use time::{Date, Month};

use super::ArticleMeta;

/// `review_after_days` when the config does not say.
pub const DEFAULT_REVIEW_AFTER_DAYS: u32 = 365;

/// An article's dates as its front matter gives them (`YYYY-MM-DD`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Dates {
    pub reviewed: Option<String>,
    pub published: Option<String>,
    pub retrieved: Option<String>,
}

impl Dates {
    pub fn of(meta: &ArticleMeta) -> Dates {
        Dates {
            reviewed: meta.reviewed.clone(),
            published: meta.published.clone(),
            retrieved: meta.retrieved.clone(),
        }
    }
}

/// Why an article is due for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// None of `reviewed`, `published`, `retrieved`.
    NoDate,
    /// The date the rule used (`kind` is "reviewed", "published" or
    /// "retrieved") is older than the limit.
    Stale {
        kind: &'static str,
        date: Date,
        after_days: u32,
    },
}

impl fmt::Display for Due {
    /// "no review date", "reviewed 2023-01-10, over 365 days ago".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Due::NoDate => f.write_str("no review date"),
            Due::Stale {
                kind,
                date,
                after_days,
            } => write!(f, "{kind} {date}, over {after_days} days ago"),
        }
    }
}

/// Whether an article with `dates` is due for review on `today`: `None`
/// when it is not. The first readable date of `reviewed`, `published`,
/// `retrieved` decides; a date exactly `after_days` days old is not yet
/// due, one day older is; no readable date is [`Due::NoDate`].
pub fn review_due(dates: &Dates, today: Date, after_days: u32) -> Option<Due> {
    let found = [
        ("reviewed", &dates.reviewed),
        ("published", &dates.published),
        ("retrieved", &dates.retrieved),
    ]
    .into_iter()
    .find_map(|(kind, date)| Some((kind, parse_date(date.as_deref()?)?)));
    let Some((kind, date)) = found else {
        return Some(Due::NoDate);
    };
    let age = (today - date).whole_days();
    (age > i64::from(after_days)).then_some(Due::Stale {
        kind,
        date,
        after_days,
    })
}

/// Today's date in UTC, from the system clock.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// `2024-05-31` (the form the corpus validates dates to).
pub fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    fn dates(reviewed: Option<&str>, published: Option<&str>, retrieved: Option<&str>) -> Dates {
        Dates {
            reviewed: reviewed.map(String::from),
            published: published.map(String::from),
            retrieved: retrieved.map(String::from),
        }
    }

    #[test]
    fn exactly_the_limit_is_not_due_one_day_more_is() {
        let today = date("2025-03-01");
        // 2024-03-01 → 2025-03-01 is 365 days (2024's leap day is before it).
        let exactly = dates(Some("2024-03-01"), None, None);
        assert_eq!(review_due(&exactly, today, 365), None);
        let one_more = dates(Some("2024-02-29"), None, None);
        assert_eq!(
            review_due(&one_more, today, 365),
            Some(Due::Stale {
                kind: "reviewed",
                date: date("2024-02-29"),
                after_days: 365
            })
        );
        assert_eq!(
            review_due(&one_more, today, 365).unwrap().to_string(),
            "reviewed 2024-02-29, over 365 days ago"
        );
        // Recent, today, and (a typo'd) future dates are not due.
        for fresh in ["2025-02-28", "2025-03-01", "2026-01-01"] {
            assert_eq!(
                review_due(&dates(Some(fresh), None, None), today, 365),
                None
            );
        }
        // A limit of 0 days: anything before today is due.
        assert!(review_due(&dates(Some("2025-02-28"), None, None), today, 0).is_some());
        assert!(review_due(&dates(Some("2025-03-01"), None, None), today, 0).is_none());
    }

    #[test]
    fn reviewed_wins_then_published_then_retrieved() {
        let today = date("2025-03-01");
        // A recent review makes an old publication date irrelevant…
        let reviewed = dates(Some("2025-01-01"), Some("2010-01-01"), Some("2010-01-01"));
        assert_eq!(review_due(&reviewed, today, 365), None);
        // …and an old review is due whatever the other dates say.
        let old_review = dates(Some("2020-01-01"), Some("2025-01-01"), Some("2025-01-01"));
        assert_eq!(
            review_due(&old_review, today, 365).unwrap().to_string(),
            "reviewed 2020-01-01, over 365 days ago"
        );
        let published = dates(None, Some("2020-01-01"), Some("2025-01-01"));
        assert_eq!(
            review_due(&published, today, 365).unwrap().to_string(),
            "published 2020-01-01, over 365 days ago"
        );
        let retrieved = dates(None, None, Some("2020-01-01"));
        assert_eq!(
            review_due(&retrieved, today, 365).unwrap().to_string(),
            "retrieved 2020-01-01, over 365 days ago"
        );
        assert_eq!(
            review_due(&dates(None, None, Some("2025-01-01")), today, 365),
            None
        );
    }

    #[test]
    fn an_article_without_dates_is_due() {
        let today = date("2025-03-01");
        assert_eq!(review_due(&Dates::default(), today, 365), Some(Due::NoDate));
        assert_eq!(Due::NoDate.to_string(), "no review date");
        // An unreadable date counts as missing, and the next one is used.
        assert_eq!(
            review_due(&dates(Some("soon"), None, None), today, 365),
            Some(Due::NoDate)
        );
        assert_eq!(
            review_due(&dates(Some("soon"), Some("2025-01-01"), None), today, 365),
            None
        );
    }

    #[test]
    fn dates_parse_as_the_corpus_writes_them() {
        assert_eq!(
            parse_date("2024-05-31"),
            Date::from_calendar_date(2024, Month::May, 31).ok()
        );
        for bad in ["", "2024-13-01", "2024-02-30", "2024-05", "x-y-z"] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }
}
