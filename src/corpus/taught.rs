//! `taught.toml`: questions moderators taught the bot, usually from the gaps
//! report. Each names an article and a verbatim phrase (`quote`) that is in
//! exactly one of its passages, so it stays pinned to that passage however
//! the article is cut into passages. The engine reads a taught question as
//! extra matching text for its passage (see `engine::taught`); this module
//! only reads and writes the file and checks its shape. Whether each quote
//! pins a passage is checked against the articles (`engine::taught::pin`).

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::article::is_slug;
use super::problem::{at_most, parse_toml_file, Problem};

/// The file name inside the corpus folder.
pub const TAUGHT_FILE: &str = "taught.toml";
/// Largest file accepted and most questions in it: thousands of taught
/// questions cost the engine little.
pub const MAX_TAUGHT_BYTES: usize = 512 * 1024;
pub const MAX_TAUGHT: usize = 2_000;
/// A taught question is a member's question: a chat message or less.
pub const MAX_QUESTION_CHARS: usize = 500;
/// A quote is a phrase or a sentence or two, never a whole article.
pub const MAX_QUOTE_CHARS: usize = 1_000;
/// Shorter quotes pin nothing reliably ("the").
pub const MIN_QUOTE_CHARS: usize = 12;

/// One taught question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaughtQuestion {
    /// The question as a member asked it.
    pub question: String,
    /// The id of the article that answers it.
    pub article: String,
    /// Verbatim words of the passage that answers it (case and spacing
    /// aside), found in that one passage only.
    pub quote: String,
}

/// The taught questions, in the file's order (numbered from 1 for
/// moderators).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taught {
    pub questions: Vec<TaughtQuestion>,
    /// Line of each question's entry, for problems.
    pub lines: Vec<usize>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    taught: Vec<TaughtQuestion>,
}

const HEADER: &str = "\
# Questions moderators taught the bot (`infusion-faq corpus teach`, or the
# Teach button of /faq-admin gaps). Each is answered from the one passage of
# `article` that contains `quote` (verbatim; case and spacing aside), and so
# are questions worded like it. `infusion-faq check` validates this file.
";

/// The text a question is compared by: single spaces, lower case, straight
/// quotes.
pub fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace(['\u{2018}', '\u{2019}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
}

/// Parses and validates the file's shape; every problem carries its line.
/// (Whether each quote pins a passage is `engine::taught::pin`'s to say.)
pub fn parse_taught(path: &Path, bytes: &[u8]) -> Result<Taught, Vec<Problem>> {
    let (raw, text): (RawFile, &str) =
        parse_toml_file(path, bytes, MAX_TAUGHT_BYTES, "the taught questions file")?;
    at_most(path, raw.taught.len(), MAX_TAUGHT, "taught questions")?;
    // Each `[[taught]]` header line, in order: where each entry starts (a
    // line of its own, so the words inside a question or quote never count).
    // A file written otherwise (inline tables) names line 1.
    let mut lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.split_whitespace().collect::<String>() == "[[taught]]")
        .map(|(n, _)| n + 1)
        .collect();
    if lines.len() != raw.taught.len() {
        lines = vec![1; raw.taught.len()];
    }
    let mut problems = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for (entry, &line) in raw.taught.iter().zip(&lines) {
        for problem in shape_problems(entry) {
            problems.push(Problem::at(path, line, problem));
        }
        if !seen.insert((fold(&entry.question), entry.article.clone())) {
            problems.push(Problem::at(
                path,
                line,
                format!(
                    "the question {:?} is already taught for article {:?}",
                    entry.question, entry.article
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(Taught {
            questions: raw.taught,
            lines,
        })
    } else {
        Err(problems)
    }
}

/// What is wrong with one entry on its own, phrased for a moderator.
pub fn shape_problems(entry: &TaughtQuestion) -> Vec<String> {
    let mut problems = Vec::new();
    let control = |s: &str| s.chars().any(|c| c.is_control() && !c.is_whitespace());
    let question = entry.question.trim();
    if !question.chars().any(char::is_alphanumeric) {
        problems.push("the question has no words".to_string());
    } else if question.chars().count() > MAX_QUESTION_CHARS {
        problems.push(format!(
            "the question is longer than {MAX_QUESTION_CHARS} characters"
        ));
    }
    if control(&entry.question) {
        problems.push("the question contains control characters".to_string());
    }
    if !is_slug(&entry.article) {
        problems.push(format!(
            "article {:?} is not an article id (lower-case letters, digits and dashes)",
            entry.article
        ));
    }
    let quote = fold(&entry.quote);
    if quote.chars().count() < MIN_QUOTE_CHARS {
        problems.push(format!(
            "the quote is shorter than {MIN_QUOTE_CHARS} characters: copy a sentence of the passage"
        ));
    } else if quote.chars().count() > MAX_QUOTE_CHARS {
        problems.push(format!(
            "the quote is longer than {MAX_QUOTE_CHARS} characters: a sentence of the passage is enough"
        ));
    }
    if control(&entry.quote) {
        problems.push("the quote contains control characters".to_string());
    }
    problems
}

/// The file's text for these questions, with its explanatory header.
pub fn render_taught(questions: &[TaughtQuestion]) -> String {
    let body = toml::to_string(&RawFile {
        taught: questions.to_vec(),
    })
    .unwrap_or_default();
    format!("{HEADER}\n{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(question: &str, article: &str, quote: &str) -> TaughtQuestion {
        TaughtQuestion {
            question: question.into(),
            article: article.into(),
            quote: quote.into(),
        }
    }

    fn parse(text: &str) -> Result<Taught, Vec<Problem>> {
        parse_taught(Path::new("taught.toml"), text.as_bytes())
    }

    #[test]
    fn rendered_questions_parse_back_unchanged() {
        let questions = vec![
            entry("Can I drive home after?", "a", "Most people can drive home"),
            entry(
                "what about \"quotes\"\nand lines",
                "b-2",
                "a sentence of the passage",
            ),
        ];
        let text = render_taught(&questions);
        let parsed = parse(&text).unwrap();
        // Words like a header inside a question do not shift the lines.
        let tricky = format!(
            "{text}\n[[taught]]\nquestion = \"what is [[taught]]?\"\narticle = \"c\"\nquote = \"a long enough quote\"\n"
        );
        let lines = parse(&tricky).unwrap().lines;
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[2], tricky.lines().count() - 3, "{tricky}");
        assert_eq!(parsed.questions, questions);
        assert_eq!(parsed.lines.len(), 2);
        assert!(text.starts_with("# Questions moderators taught"));
    }

    #[test]
    fn problems_name_their_entries_lines() {
        let table: &[(&str, usize, &str)] = &[
            (
                "[[taught]]\nquestion = \"?\"\narticle = \"a\"\nquote = \"long enough quote\"\n",
                1,
                "no words",
            ),
            (
                "[[taught]]\nquestion = \"q\"\narticle = \"A b\"\nquote = \"long enough quote\"\n",
                1,
                "not an article id",
            ),
            (
                "[[taught]]\nquestion = \"q\"\narticle = \"a\"\nquote = \"short\"\n",
                1,
                "shorter than",
            ),
            (
                "[[taught]]\nquestion = \"Q\"\narticle = \"a\"\nquote = \"long enough quote\"\n\n[[taught]]\nquestion = \" q \"\narticle = \"a\"\nquote = \"another long quote\"\n",
                6,
                "already taught",
            ),
            (
                "[[taught]]\nquestion = \"q\"\narticle = \"a\"\nquote = \"long enough quote\"\nweight = 2\n",
                5,
                "unknown field",
            ),
            (
                "[[taught]]\nquestion = \"q\\u0007\"\narticle = \"a\"\nquote = \"long enough quote\"\n",
                1,
                "control characters",
            ),
        ];
        crate::corpus::problem::assert_problems_at(table, parse);
    }

    #[test]
    fn an_empty_file_teaches_nothing() {
        assert!(parse("").unwrap().questions.is_empty());
        assert!(parse(&render_taught(&[])).unwrap().questions.is_empty());
    }
}
