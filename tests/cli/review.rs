//! Review reminders on the command line: `corpus list` marks the articles
//! due for review and `check` warns about them without failing
//! (`review_after_days`, 365 by default). The dates are set relative to
//! today, far from the limit, so the day the binary reads is never in doubt.

use crate::support::dir::TestDir;

/// `days` before today (UTC), as front matter writes it.
fn days_ago(days: i64) -> String {
    (time::OffsetDateTime::now_utc().date() - time::Duration::days(days)).to_string()
}

/// An article with the given front-matter date lines.
fn dated(id: &str, dates: &str) -> String {
    format!("+++\nid = \"{id}\"\ntitle = \"Title of {id}\"\npublisher = \"Test Publisher\"\nurl = \"https://example.org/{id}\"\n{dates}+++\n\n## Natalizumab (Tysabri) for {id}\n\nTysabri is given as an infusion once every four weeks at an infusion center.\n")
}

/// The shipped corpus (whose two articles carry no dates) and four more.
fn dir_with_dated_articles() -> TestDir {
    let dir = TestDir::with_shipped_corpus();
    let fresh = days_ago(10);
    let old = days_ago(400);
    dir.write(
        "corpus/fresh.md",
        dated("fresh", &format!("reviewed = {fresh}\npublished = {old}\n")),
    );
    dir.write(
        "corpus/stale.md",
        dated("stale", &format!("reviewed = {old}\n")),
    );
    dir.write(
        "corpus/published-only.md",
        dated(
            "published-only",
            &format!("published = {old}\nretrieved = {fresh}\n"),
        ),
    );
    dir.write("corpus/undated.md", dated("undated", ""));
    dir
}

fn line_of<'a>(text: &'a str, id: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(&format!("{id} ")) || l.contains(&format!(" {id} ")))
        .unwrap_or_else(|| panic!("no line for {id} in:\n{text}"))
}

#[test]
fn corpus_list_marks_the_articles_due_for_review() {
    let dir = dir_with_dated_articles();
    let text = dir.run(&["corpus", "list"]).ok().to_string();
    let old = days_ago(400);
    assert!(
        !line_of(&text, "fresh").contains("due for review"),
        "{text}"
    );
    assert!(
        line_of(&text, "stale").ends_with(&format!(
            "⚠ due for review: reviewed {old}, over 365 days ago"
        )),
        "{text}"
    );
    assert!(
        line_of(&text, "published-only").ends_with(&format!(
            "⚠ due for review: published {old}, over 365 days ago"
        )),
        "{text}"
    );
    for undated in ["undated", "healthline-infusion-treatments"] {
        assert!(
            line_of(&text, undated).ends_with("⚠ due for review: no review date"),
            "{text}"
        );
    }
}

#[test]
fn check_warns_about_the_articles_due_for_review_and_still_passes() {
    let dir = dir_with_dated_articles();
    let out = dir.run(&["check"]);
    let text = out.ok();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("corpus OK: 6 articles"), "{text}");
    let warnings: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 5, "{text}");
    assert!(
        warnings.contains(
            &format!(
                "warning: stale (Title of stale) is due for review: reviewed {}, over 365 days ago",
                days_ago(400)
            )
            .as_str()
        ),
        "{text}"
    );
    assert!(
        warnings.contains(&"warning: undated (Title of undated) is due for review: no review date"),
        "{text}"
    );
    assert!(!text.contains("warning: fresh"), "{text}");
    assert_eq!(
        lines.last().copied(),
        Some("5 articles due for review (older than 365 days, or undated); not an error"),
        "{text}"
    );
}

#[test]
fn review_after_days_comes_from_the_config() {
    let dir = dir_with_dated_articles();
    dir.write("faq.toml", "review_after_days = 5\n");
    let text = dir.run(&["--config", "faq.toml", "check"]).ok().to_string();
    assert!(
        text.contains(&format!(
            "warning: fresh (Title of fresh) is due for review: reviewed {}, over 5 days ago",
            days_ago(10)
        )),
        "{text}"
    );
    let list = dir
        .run(&["--config", "faq.toml", "corpus", "list"])
        .ok()
        .to_string();
    assert!(
        line_of(&list, "fresh").contains("⚠ due for review: reviewed"),
        "{list}"
    );
    // A valid corpus with nothing due prints no warning at all.
    let dir = TestDir::empty();
    dir.write(
        "corpus/fresh.md",
        dated("fresh", &format!("reviewed = {}\n", days_ago(1))),
    );
    let text = dir.run(&["check"]).ok().to_string();
    assert!(!text.contains("warning"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
}
