//! Verdicts as plain text for the terminal: the passage verbatim, the
//! sentence that answers in bold only on a terminal (so piped text stays
//! searchable), and the citation under it; and [`printable`], which keeps
//! control characters from files and members off the terminal.

use std::fmt::Write;

use crate::engine::{Hit, Verdict};

const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Renders a verdict; `bold` marks the answer with ANSI bold. Text from the
/// articles is made [`printable`] first: only this module's own escape
/// codes reach the terminal.
pub fn plain_text(verdict: &Verdict, bold: bool) -> String {
    let mut out = String::new();
    match verdict {
        Verdict::Answer { hits } => {
            write_hits(&mut out, hits, bold);
        }
        Verdict::Urgent { guidance, hits, .. } => {
            let _ = writeln!(out, "{guidance}\n");
            if !hits.is_empty() {
                out.push_str("From the articles, once you are safe:\n\n");
                write_hits(&mut out, hits, bold);
            }
        }
        Verdict::NoAnswer { suggestions } => {
            out.push_str(
                "The articles I quote from do not cover that question, so I won't guess.\n",
            );
            if !suggestions.is_empty() {
                let _ = writeln!(
                    out,
                    "They do cover: {}.",
                    printable(&suggestions.join("; "))
                );
            }
            out.push('\n');
        }
    }
    out.push_str(verdict.disclaimer());
    out.push('\n');
    out
}

fn write_hits(out: &mut String, hits: &[Hit], bold: bool) {
    for (n, hit) in hits.iter().enumerate() {
        let citation = hit.passage.citation();
        let _ = writeln!(
            out,
            "{}. {} — {}",
            n + 1,
            printable(&citation.title),
            printable(&citation.section)
        );
        let text = mark(&hit.passage.text, if bold { hit.marked() } else { &[] });
        for line in text.lines() {
            let _ = writeln!(out, "   {line}");
        }
        let mut source = format!(
            "   — {}, {}",
            printable(&citation.publisher),
            printable(&citation.url)
        );
        if let Some(date) = citation.reviewed.as_ref().or(citation.published.as_ref()) {
            let _ = write!(source, " ({date})");
        }
        let _ = writeln!(out, "{source}\n");
    }
}

fn mark(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + ranges.len() * 8);
    let mut at = 0;
    for r in ranges {
        if r.start < at || r.end > text.len() {
            continue;
        }
        out.push_str(&printable(&text[at..r.start]));
        out.push_str(BOLD);
        out.push_str(&printable(&text[r.start..r.end]));
        out.push_str(RESET);
        at = r.end;
    }
    out.push_str(&printable(&text[at..]));
    out
}

/// Text from a file or a member, safe to print: control characters (ESC,
/// NUL, …) become U+FFFD, except new lines and tabs.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect::<String>()
        .into()
}
