//! One article file: TOML front matter between `+++` lines, then a Markdown
//! body whose headings give each block of text its section.
//!
//! Parsing is side-effect free: it takes the file's bytes and returns the
//! article or every problem it found, each with its line.

use std::path::Path;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use super::problem::{LineIndex, Problem};

/// Largest article file accepted; larger ones are almost surely not articles.
pub const MAX_ARTICLE_BYTES: usize = 1024 * 1024;
/// Most headings an article may have (the shipped ones have a few dozen).
pub const MAX_HEADINGS: usize = 2_000;
/// Most entries of a front-matter list (`references`).
pub const MAX_REFERENCES: usize = 200;
/// The id that names the synonyms file in history and restore.
pub const RESERVED_ID: &str = "synonyms";
/// The id that names the taught questions file in history and restore.
pub const TAUGHT_ID: &str = "taught";

/// Who published an article and where, as its front matter says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleMeta {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub url: String,
    pub published: Option<String>,
    pub retrieved: Option<String>,
    pub reviewed: Option<String>,
    pub summary: Option<String>,
    pub references: Vec<String>,
}

/// A parsed article: its metadata and its sections in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub meta: ArticleMeta,
    pub sections: Vec<Section>,
}

/// The text under one heading (or before the first heading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Headings from the outermost down to this section's own; empty for the
    /// text before the first heading.
    pub heading_path: Vec<String>,
    pub line: usize,
    pub blocks: Vec<Block>,
}

/// A paragraph or a whole list, as plain text with its wording untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    List,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    title: String,
    publisher: String,
    url: String,
    published: Option<toml::value::Datetime>,
    retrieved: Option<toml::value::Datetime>,
    reviewed: Option<toml::value::Datetime>,
    summary: Option<String>,
    #[serde(default)]
    references: Vec<String>,
}

/// True when `id` is a slug: lower-case ASCII letters and digits joined by
/// single hyphens, at most 64 characters.
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Parses one article file. `path` is only used to name problems.
pub fn parse_article(path: &Path, bytes: &[u8]) -> Result<Article, Vec<Problem>> {
    if bytes.len() > MAX_ARTICLE_BYTES {
        return Err(vec![Problem::file(
            path,
            format!(
                "the file is {} bytes; articles may be at most {} bytes (1 MiB)",
                bytes.len(),
                MAX_ARTICLE_BYTES
            ),
        )]);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let line = line_of_bytes(bytes, err.valid_up_to());
            return Err(vec![Problem::at(
                path,
                line,
                "the file is not UTF-8 text (save it as UTF-8 Markdown)",
            )]);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    let (front, body, body_line) = split_front_matter(path, text).map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    let meta = match parse_front_matter(path, front) {
        Ok(meta) => Some(meta),
        Err(mut found) => {
            problems.append(&mut found);
            None
        }
    };
    let sections = parse_body(path, body, body_line, &mut problems);
    match meta {
        Some(meta) if problems.is_empty() => Ok(Article { meta, sections }),
        _ => Err(problems),
    }
}

fn line_of_bytes(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Returns (front matter, body, line where the body starts).
fn split_front_matter<'a>(
    path: &Path,
    text: &'a str,
) -> Result<(&'a str, &'a str, usize), Problem> {
    let mut lines = text.split_inclusive('\n');
    match lines.next() {
        Some(first) if first.trim_end() == "+++" => {}
        _ => {
            return Err(Problem::at(
                path,
                1,
                "missing front matter: the file must start with a line `+++`, then TOML keys (id, title, publisher, url), then `+++`",
            ))
        }
    }
    let front_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = front_start;
    for line in lines {
        if line.trim_end() == "+++" {
            let front = &text[front_start..offset];
            let body_start = offset + line.len();
            let body_line = text[..body_start].matches('\n').count() + 1;
            return Ok((front, &text[body_start..], body_line));
        }
        offset += line.len();
    }
    Err(Problem::at(
        path,
        1,
        "the front matter is not closed: add a line `+++` after its last key",
    ))
}

fn parse_front_matter(path: &Path, front: &str) -> Result<ArticleMeta, Vec<Problem>> {
    let raw: FrontMatter = toml::from_str(front).map_err(|err| {
        let (line, message) = crate::toml_error::locate(&err, front);
        // The front matter starts on line 2 of the file.
        vec![Problem::at(
            path,
            line + 1,
            format!("front matter: {message}"),
        )]
    })?;
    let line_of_key = |key: &str| {
        front
            .lines()
            .position(|l| l.trim_start().starts_with(key))
            .map_or(2, |i| i + 2)
    };
    let mut problems = Vec::new();
    if raw.id == RESERVED_ID || raw.id == TAUGHT_ID {
        let file = if raw.id == RESERVED_ID {
            "synonyms file"
        } else {
            "taught questions file"
        };
        problems.push(Problem::at(
            path,
            line_of_key("id"),
            format!("the id {:?} is reserved: it names the {file} in history and restore; choose another id", raw.id),
        ));
    }
    let texts = [
        ("id", Some(&raw.id)),
        ("title", Some(&raw.title)),
        ("publisher", Some(&raw.publisher)),
        ("url", Some(&raw.url)),
        ("summary", raw.summary.as_ref()),
    ];
    // One problem for the references at most: each costs a search for its line.
    let references = raw
        .references
        .iter()
        .find(|r| r.chars().any(|c| c.is_control()))
        .map(|r| ("references", Some(r)));
    for (key, value) in texts.into_iter().chain(references) {
        if let Some(c) = value.and_then(|v| v.chars().find(|c| c.is_control())) {
            problems.push(Problem::at(
                path,
                line_of_key(key),
                format!(
                    "{key} contains a control character (U+{:04X}): remove it",
                    c as u32
                ),
            ));
        }
    }
    if raw.references.len() > MAX_REFERENCES {
        problems.push(Problem::at(
            path,
            line_of_key("references"),
            format!(
                "{} references; at most {MAX_REFERENCES} are accepted",
                raw.references.len()
            ),
        ));
    }
    if !is_slug(&raw.id) {
        problems.push(Problem::at(
            path,
            line_of_key("id"),
            format!(
                "id {:?} is not a slug: use lower-case letters, digits and single hyphens (e.g. \"healthline-infusion-treatments\")",
                raw.id
            ),
        ));
    }
    for (key, value) in [("title", &raw.title), ("publisher", &raw.publisher)] {
        if value.trim().is_empty() {
            problems.push(Problem::at(
                path,
                line_of_key(key),
                format!("{key} is empty"),
            ));
        }
    }
    if !(raw.url.starts_with("https://") || raw.url.starts_with("http://"))
        || raw.url.contains(char::is_whitespace)
    {
        problems.push(Problem::at(
            path,
            line_of_key("url"),
            format!(
                "url {:?} is not a web address starting with https://",
                raw.url
            ),
        ));
    }
    let mut date = |key: &str, value: Option<toml::value::Datetime>| -> Option<String> {
        let value = value?;
        match (value.date, value.time) {
            (Some(date), None) => Some(date.to_string()),
            _ => {
                problems.push(Problem::at(
                    path,
                    line_of_key(key),
                    format!("{key} must be a date like 2024-05-31, without a time"),
                ));
                None
            }
        }
    };
    let published = date("published", raw.published);
    let retrieved = date("retrieved", raw.retrieved);
    let reviewed = date("reviewed", raw.reviewed);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ArticleMeta {
        id: raw.id,
        title: raw.title.trim().to_string(),
        publisher: raw.publisher.trim().to_string(),
        url: raw.url,
        published,
        retrieved,
        reviewed,
        summary: raw
            .summary
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        references: raw.references,
    })
}

/// Walks the Markdown events and collects sections of plain-text blocks.
/// Inline markup is dropped, words are kept exactly; lists become `- item`
/// lines, nested items indented by two spaces.
fn parse_body(
    path: &Path,
    body: &str,
    body_line: usize,
    problems: &mut Vec<Problem>,
) -> Vec<Section> {
    let lines = LineIndex::new(body);
    let line_at = |offset: usize| lines.line(offset) + body_line - 1;
    let mut headings = 0usize;
    let mut sections = vec![Section {
        heading_path: Vec::new(),
        line: body_line,
        blocks: Vec::new(),
    }];
    // (level, text) of the headings enclosing the current position.
    let mut heading_stack: Vec<(HeadingLevel, String)> = Vec::new();
    let mut heading: Option<(HeadingLevel, String, usize)> = None;
    let mut block: Option<(BlockKind, String, usize)> = None;
    let mut list_depth = 0usize;

    for (event, range) in Parser::new_ext(body, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                headings += 1;
                if headings > MAX_HEADINGS {
                    problems.push(Problem::at(
                        path,
                        line_at(range.start),
                        format!("more than {MAX_HEADINGS} headings: split the article into several files"),
                    ));
                    return sections;
                }
                heading = Some((level, String::new(), line_at(range.start)));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, line)) = heading.take() {
                    let text = collapse_spaces(&text);
                    if text.is_empty() {
                        problems.push(Problem::at(path, line, "empty heading"));
                    }
                    heading_stack.retain(|(l, _)| *l < level);
                    heading_stack.push((level, text));
                    sections.push(Section {
                        heading_path: heading_stack.iter().map(|(_, t)| t.clone()).collect(),
                        line,
                        blocks: Vec::new(),
                    });
                }
            }
            Event::Start(Tag::List(_)) => {
                if list_depth == 0 {
                    block = Some((BlockKind::List, String::new(), line_at(range.start)));
                }
                list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                list_depth -= 1;
                if list_depth == 0 {
                    push_block(&mut sections, block.take());
                }
            }
            Event::Start(Tag::Item) => {
                if let Some((_, text, _)) = block.as_mut() {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(&"  ".repeat(list_depth.saturating_sub(1)));
                    text.push_str("- ");
                }
            }
            Event::Start(Tag::Paragraph) if list_depth == 0 => {
                block = Some((BlockKind::Paragraph, String::new(), line_at(range.start)));
            }
            Event::End(TagEnd::Paragraph) if list_depth == 0 => {
                push_block(&mut sections, block.take());
            }
            Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::BlockQuote(_))
                if list_depth == 0 && block.is_none() =>
            {
                block = Some((BlockKind::Paragraph, String::new(), line_at(range.start)));
            }
            Event::End(TagEnd::CodeBlock) | Event::End(TagEnd::BlockQuote(_))
                if list_depth == 0 =>
            {
                push_block(&mut sections, block.take());
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, h, _)) = heading.as_mut() {
                    h.push_str(&text);
                } else if let Some((_, b, _)) = block.as_mut() {
                    b.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, h, _)) = heading.as_mut() {
                    h.push(' ');
                } else if let Some((_, b, _)) = block.as_mut() {
                    b.push(' ');
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                problems.push(Problem::at(
                    path,
                    line_at(range.start),
                    format!("raw HTML is not allowed in articles: {:?}", html.trim()),
                ));
            }
            _ => {}
        }
    }

    // The text before the first heading is optional; headed sections must
    // have text of their own or subsections.
    let mut checked = Vec::with_capacity(sections.len());
    for (i, section) in sections.iter().enumerate() {
        if section.heading_path.is_empty() || !section.blocks.is_empty() {
            continue;
        }
        let has_subsection = sections
            .get(i + 1)
            .is_some_and(|next| next.heading_path.len() > section.heading_path.len());
        if !has_subsection {
            checked.push(Problem::at(
                path,
                section.line,
                format!(
                    "section {:?} has no text",
                    section.heading_path.last().map_or("", |s| s.as_str())
                ),
            ));
        }
    }
    problems.extend(checked);
    sections.retain(|s| !s.blocks.is_empty());
    if sections.is_empty() {
        problems.push(Problem::at(
            path,
            body_line,
            "the article has no text after its front matter",
        ));
    }
    sections
}

fn push_block(sections: &mut [Section], block: Option<(BlockKind, String, usize)>) {
    let Some((kind, text, line)) = block else {
        return;
    };
    let text = match kind {
        BlockKind::Paragraph => collapse_spaces(&text),
        BlockKind::List => text
            .lines()
            .map(|l| {
                let indent = l.len() - l.trim_start().len();
                format!("{}{}", &l[..indent], collapse_spaces(l))
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    if text.trim().is_empty() {
        return;
    }
    if let Some(section) = sections.last_mut() {
        section.blocks.push(Block { kind, text, line });
    }
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Article, Vec<Problem>> {
        parse_article(Path::new("a.md"), text.as_bytes())
    }

    const GOOD: &str = "+++\nid = \"a-b\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x.org/a\"\nreviewed = 2024-01-02\n+++\n\nIntro text.\n\n## Drug (Brand)\n\nLead-in:\n\n- one\n- two\n  - nested\n\nLast line.\n";

    #[test]
    fn a_valid_article_keeps_sections_blocks_and_lines() {
        let article = parse(GOOD).unwrap();
        assert_eq!(article.meta.id, "a-b");
        assert_eq!(article.meta.reviewed.as_deref(), Some("2024-01-02"));
        assert_eq!(article.sections.len(), 2);
        assert!(article.sections[0].heading_path.is_empty());
        assert_eq!(article.sections[0].blocks[0].line, 9);
        let drug = &article.sections[1];
        assert_eq!(drug.heading_path, vec!["Drug (Brand)".to_string()]);
        assert_eq!(drug.blocks[1].kind, BlockKind::List);
        assert_eq!(drug.blocks[1].text, "- one\n- two\n  - nested");
        assert_eq!(drug.blocks[2].text, "Last line.");
    }

    #[test]
    fn problems_name_their_lines() {
        let table: &[(&str, usize, &str)] = &[
            ("no front matter\n", 1, "missing front matter"),
            ("+++\nid = \"a\"\n", 1, "not closed"),
            ("+++\nid = \"a\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x\"\ncolour = 1\n+++\ntext\n", 6, "unknown field"),
            ("+++\nid = \"Not A Slug\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x\"\n+++\ntext\n", 2, "not a slug"),
            ("+++\nid = \"a\"\ntitle = \"T\"\npublisher = \"P\"\n+++\ntext\n", 2, "missing field `url`"),
            ("+++\nid = \"a\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"ftp://x\"\n+++\ntext\n", 5, "not a web address"),
            ("+++\nid = \"a\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x\"\n+++\n\n## Empty\n\n## Full\n\ntext\n", 8, "has no text"),
            ("+++\nid = \"a\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x\"\n+++\n\n", 7, "no text"),
            ("+++\nid = \"a\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x\"\n+++\n\n<b>x</b>\n", 8, "raw HTML"),
        ];
        crate::corpus::problem::assert_problems_at(table, parse);
    }

    #[test]
    fn non_utf8_and_oversized_files_are_refused() {
        let problems = parse_article(Path::new("a.md"), b"+++\n\xff\xfe\n").unwrap_err();
        assert!(problems[0].message.contains("UTF-8"));
        assert_eq!(problems[0].line, Some(2));
        let big = vec![b'a'; MAX_ARTICLE_BYTES + 1];
        assert!(parse_article(Path::new("a.md"), &big).unwrap_err()[0]
            .message
            .contains("1 MiB"));
    }

    #[test]
    fn slugs() {
        for ok in ["a", "a-b", "abc-123"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in ["", "A", "a--b", "-a", "a-", "a b", "a_b", "é"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}
