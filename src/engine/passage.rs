//! Passages: the quotable units cut from the articles. A passage is a
//! paragraph, or a list together with its lead-in line, under its heading
//! path; very short paragraphs join a neighbour so that no passage is a bare
//! fragment, and very long ones are cut between sentences.

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use crate::corpus::{Article, BlockKind, Corpus};

/// A paragraph shorter than this joins its neighbour in the same section.
const MIN_CHARS: usize = 100;
/// Passages stop growing here; a longer paragraph is cut between sentences.
const MAX_CHARS: usize = 900;

/// A section's only text, shorter than this and followed by subsections, is
/// a signpost: it leads into the first subsection's passage.
const SIGNPOST_CHARS: usize = 200;

/// Label for text before an article's first heading.
pub const INTRODUCTION: &str = "Introduction";

/// One quotable piece of an article, with the words exactly as written.
#[derive(Debug, Clone)]
pub struct Passage {
    /// Position in the engine's passage table; the index stores it.
    pub id: usize,
    pub article: Arc<Article>,
    /// Headings from the outermost down; empty for the introduction.
    pub heading_path: Vec<String>,
    /// Verbatim text; lists as `- item` lines.
    pub text: String,
    /// Line in the article file where the passage starts.
    pub line: usize,
    /// First passage of its section: the one that answers the heading.
    pub lead: bool,
    /// Byte ranges of `text`'s sentences and list items (markers left
    /// out), in order: the units an answer is marked in.
    pub sentences: Vec<Range<usize>>,
    /// Questions moderators taught this passage answers (see `taught.rs`):
    /// matched like its headings, never quoted.
    pub taught: Vec<String>,
}

/// Where a passage comes from, for a member to check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    pub article_id: String,
    pub title: String,
    pub section: String,
    pub publisher: String,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retrieved: Option<String>,
}

impl Passage {
    /// The heading path as members read it: "Side effects › Natalizumab (Tysabri)".
    pub fn section(&self) -> String {
        if self.heading_path.is_empty() {
            INTRODUCTION.to_string()
        } else {
            self.heading_path.join(" › ")
        }
    }

    /// What the passage is about, for the sentence model: "title › headings".
    pub fn context(&self) -> String {
        let mut context = self.article.meta.title.clone();
        for heading in &self.heading_path {
            context.push_str(" › ");
            context.push_str(heading);
        }
        context
    }

    /// What the sentence model reads of the whole passage: its
    /// [`context`](Passage::context), a line break, its text. Embedded,
    /// digested for the vector cache, and printed for the model's tuning.
    pub fn embedded_text(&self) -> String {
        format!("{}\n{}", self.context(), self.text)
    }

    pub fn citation(&self) -> Citation {
        let meta = &self.article.meta;
        Citation {
            article_id: meta.id.clone(),
            title: meta.title.clone(),
            section: self.section(),
            publisher: meta.publisher.clone(),
            url: meta.url.clone(),
            published: meta.published.clone(),
            reviewed: meta.reviewed.clone(),
            retrieved: meta.retrieved.clone(),
        }
    }
}

/// Cuts every article of the corpus into passages, numbered in order.
pub fn cut_passages(corpus: &Corpus) -> Vec<Passage> {
    let mut passages = Vec::new();
    for article in &corpus.articles {
        cut_article(article, &mut passages);
    }
    passages
}

/// The passages of one article alone (numbered from 0), e.g. to preview a
/// moderator's upload.
pub fn passages_of(article: &Arc<Article>) -> Vec<Passage> {
    let mut out = Vec::new();
    cut_article(article, &mut out);
    out
}

fn cut_article(article: &Arc<Article>, out: &mut Vec<Passage>) {
    // A short signpost sentence that is all a section says before its
    // subsections ("The infusion process itself can cause side effects…")
    // leads into the first subsection's passage instead of standing alone.
    let mut signpost: Option<(String, usize)> = None;
    for (i, section) in article.sections.iter().enumerate() {
        // Units: a paragraph, or a lead-in paragraph with the list after it.
        let mut units: Vec<(String, usize)> = Vec::new();
        let mut after_paragraph = false;
        for block in &section.blocks {
            match block.kind {
                BlockKind::List => {
                    match units.last_mut() {
                        Some((text, _)) if after_paragraph => {
                            text.push('\n');
                            text.push_str(&block.text);
                        }
                        _ => units.push((block.text.clone(), block.line)),
                    }
                    after_paragraph = false;
                }
                BlockKind::Paragraph => {
                    for piece in split_sentences(&block.text, MAX_CHARS) {
                        units.push((piece, block.line));
                    }
                    after_paragraph = true;
                }
            }
        }
        // Join short units to a neighbour in the same section.
        let mut merged: Vec<(String, usize)> = Vec::new();
        for (text, line) in units {
            match merged.last_mut() {
                Some((prev, _))
                    if (text.chars().count() < MIN_CHARS || prev.chars().count() < MIN_CHARS)
                        && prev.chars().count() + text.chars().count() < MAX_CHARS =>
                {
                    prev.push_str("\n\n");
                    prev.push_str(&text);
                }
                _ => merged.push((text, line)),
            }
        }
        let next_is_child = article.sections.get(i + 1).is_some_and(|next| {
            next.heading_path.len() > section.heading_path.len()
                && next.heading_path.starts_with(&section.heading_path)
        });
        if let [(text, line)] = merged.as_slice() {
            if next_is_child && text.chars().count() < SIGNPOST_CHARS {
                signpost = Some((text.clone(), *line));
                continue;
            }
        }
        if let (Some((lead_in, line)), Some(first)) = (signpost.take(), merged.first_mut()) {
            first.0 = format!("{lead_in}\n\n{}", first.0);
            first.1 = line;
        }
        for (n, (text, line)) in merged.into_iter().enumerate() {
            out.push(Passage {
                id: out.len(),
                article: Arc::clone(article),
                heading_path: section.heading_path.clone(),
                sentences: sentence_spans(&text),
                text,
                line,
                lead: n == 0,
                taught: Vec::new(),
            });
        }
    }
}

/// Cuts a long paragraph between sentences into pieces of at most `max`
/// characters (a single longer sentence stays whole).
fn split_sentences(text: &str, max: usize) -> Vec<String> {
    if text.chars().count() <= max {
        return vec![text.to_string()];
    }
    let mut pieces = Vec::new();
    let mut current = String::new();
    for sentence in sentences(text) {
        if !current.is_empty() && current.chars().count() + sentence.chars().count() > max {
            pieces.push(std::mem::take(&mut current).trim_end().to_string());
        }
        current.push_str(sentence);
    }
    if !current.trim().is_empty() {
        pieces.push(current.trim_end().to_string());
    }
    pieces
}

/// The sentences and list items of a passage's text as byte ranges, each
/// without its list marker or surrounding white space.
pub fn sentence_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        let trimmed = line.trim_start();
        let marker = if trimmed.starts_with("- ") { 2 } else { 0 };
        let mut at = line_start + (line.len() - trimmed.len()) + marker;
        for sentence in sentences(&text[at..line_start + line.len()]) {
            let body = sentence.trim_end();
            if !body.is_empty() {
                spans.push(at..at + body.len());
            }
            at += sentence.len();
        }
        line_start += line.len() + 1;
    }
    spans
}

/// Sentences with their trailing spaces, so that joining them gives back the text.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b'!' | b'?') && bytes.get(i + 1) == Some(&b' ') {
            out.push(&text[start..i + 2]);
            start = i + 2;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::parse_article;
    use std::path::Path;

    fn passages_of(body: &str) -> Vec<Passage> {
        let text = format!(
            "+++\nid = \"a\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x\"\n+++\n{body}"
        );
        let article = Arc::new(parse_article(Path::new("a.md"), text.as_bytes()).unwrap());
        let mut out = Vec::new();
        cut_article(&article, &mut out);
        out
    }

    #[test]
    fn a_list_stays_whole_with_its_lead_in() {
        let p = passages_of("## Drug (Brand)\n\nThe more common side effects of this drug can include:\n\n- rash\n- fever\n");
        assert_eq!(p.len(), 1);
        assert_eq!(
            p[0].text,
            "The more common side effects of this drug can include:\n- rash\n- fever"
        );
        assert_eq!(p[0].section(), "Drug (Brand)");
    }

    #[test]
    fn short_paragraphs_join_their_neighbour_in_the_same_section_only() {
        let long = "word ".repeat(30);
        let p = passages_of(&format!("## A\n\n{long}\n\nShort one.\n\n## B\n\nAlone.\n"));
        assert_eq!(p.len(), 2);
        assert!(p[0].text.ends_with("\n\nShort one."));
        assert_eq!(p[1].text, "Alone.");
        assert_eq!(p[1].heading_path, vec!["B".to_string()]);
    }

    #[test]
    fn long_paragraphs_are_cut_between_sentences_losing_nothing() {
        let sentence = "This sentence has exactly fifty characters in it. ";
        let paragraph = sentence.repeat(40);
        let p = passages_of(&format!("## A\n\n{paragraph}\n"));
        assert!(p.len() >= 3);
        assert!(p.iter().all(|x| x.text.chars().count() <= MAX_CHARS));
        let joined: String = p
            .iter()
            .map(|x| x.text.clone())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(joined, paragraph.trim_end());
    }

    #[test]
    fn a_signpost_sentence_leads_into_its_first_subsection() {
        let p = passages_of("## Side effects\n\nEach drug has side effects.\n\n### Drug A\n\nA causes rash and other things worth a passage.\n\n### Drug B\n\nB causes fever.\n");
        assert_eq!(p.len(), 2);
        assert_eq!(
            p[0].text,
            "Each drug has side effects.\n\nA causes rash and other things worth a passage."
        );
        assert_eq!(p[0].section(), "Side effects › Drug A");
        assert_eq!(p[1].text, "B causes fever.");
    }

    #[test]
    fn sentences_and_list_items_are_the_units_of_an_answer() {
        let text = "Lead in: one. Two!\n- item a\n  - nested b. More\nLast";
        let spans: Vec<&str> = sentence_spans(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            spans,
            [
                "Lead in: one.",
                "Two!",
                "item a",
                "nested b.",
                "More",
                "Last"
            ]
        );
    }

    #[test]
    fn introduction_is_labelled() {
        let p = passages_of("Some introduction text that is long enough to stand alone as a passage of its own, really it is.\n");
        assert_eq!(p[0].section(), INTRODUCTION);
    }
}
