//! What a moderator sees before confirming a change: the article's
//! sections and passage count, warnings worth a second look (no review
//! date, an old one, a plain-http link, a near-empty article), and for a
//! replacement what changed against the current version.

use std::sync::Arc;

use serde::Serialize;

use crate::corpus::Article;
use crate::engine::passage::passages_of;
use crate::text::count;

/// A review date older than this many days earns a warning in a preview.
const STALE_REVIEW_DAYS: u64 = 2 * 365;

/// What a moderator sees before confirming an upload.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub url: String,
    /// Section headings in reading order ("Side effects › Natalizumab (Tysabri)").
    pub sections: Vec<String>,
    pub passages: usize,
    /// Not errors, but worth a second look (no review date, an old one…).
    pub warnings: Vec<String>,
    /// For a replacement: what changed against the current version.
    pub changes: Option<String>,
    /// For a replacement: the digest of the version it replaces, so that
    /// the confirmed change can refuse to overwrite a newer one.
    pub base: Option<String>,
}

/// What a moderator sees before confirming a new synonyms file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SynonymsPreview {
    /// Groups in the new file.
    pub groups: usize,
    /// Of them, those naming a drug or another distinct thing.
    pub entities: usize,
    /// Groups in the file as it stands (0 when there is none, or it does
    /// not parse).
    pub groups_now: usize,
}

fn section_names(article: &Article) -> Vec<String> {
    article
        .sections
        .iter()
        .map(|s| {
            if s.heading_path.is_empty() {
                crate::engine::passage::INTRODUCTION.to_string()
            } else {
                s.heading_path.join(" › ")
            }
        })
        .collect()
}

pub(super) fn preview_of(article: &Article, old: Option<&Article>) -> Preview {
    let shared = Arc::new(article.clone());
    let passages = passages_of(&shared).len();
    let sections = section_names(article);
    let meta = &article.meta;
    let mut warnings = Vec::new();
    if meta.url.starts_with("http://") {
        warnings.push("the url is not https".to_string());
    }
    match meta.reviewed.as_deref().or(meta.published.as_deref()) {
        None => warnings.push(
            "no review or publication date: members cannot tell how current it is".to_string(),
        ),
        Some(date) => {
            if let Some(days) = days_since(date) {
                if days > STALE_REVIEW_DAYS {
                    warnings.push(format!(
                        "last reviewed or published {date}, over two years ago"
                    ));
                }
            }
        }
    }
    if passages < 2 {
        warnings.push(format!(
            "only {}: is the article complete?",
            count(passages, "passage")
        ));
    }
    let changes = old.map(|old| {
        let before = section_names(old);
        let added = sections.iter().filter(|s| !before.contains(s)).count();
        let removed = before.iter().filter(|s| !sections.contains(s)).count();
        let changed = old
            .sections
            .iter()
            .zip(&article.sections)
            .filter(|(a, b)| a.heading_path == b.heading_path && a.blocks != b.blocks)
            .count();
        let old_passages = passages_of(&Arc::new(old.clone())).len();
        let mut parts = Vec::new();
        if old.meta.title != meta.title {
            parts.push(format!("title {:?} → {:?}", old.meta.title, meta.title));
        }
        for (what, n) in [("added", added), ("removed", removed), ("changed", changed)] {
            if n > 0 {
                parts.push(format!("{} {what}", count(n, "section")));
            }
        }
        if old.meta.reviewed != meta.reviewed {
            parts.push(format!(
                "reviewed {} → {}",
                old.meta.reviewed.as_deref().unwrap_or("none"),
                meta.reviewed.as_deref().unwrap_or("none")
            ));
        }
        parts.push(format!("{old_passages} → {passages} passages"));
        parts.join("; ")
    });
    Preview {
        id: meta.id.clone(),
        title: meta.title.clone(),
        publisher: meta.publisher.clone(),
        url: meta.url.clone(),
        sections,
        passages,
        warnings,
        changes,
        base: None,
    }
}

/// Days from a `YYYY-MM-DD` date to now (None if it does not parse).
fn days_since(date: &str) -> Option<u64> {
    let then = humantime::parse_rfc3339(&format!("{date}T00:00:00Z")).ok()?;
    let elapsed = std::time::SystemTime::now().duration_since(then).ok()?;
    Some(elapsed.as_secs() / 86_400)
}
