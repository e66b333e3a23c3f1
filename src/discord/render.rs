//! Verdicts as Discord messages: content and embeds within Discord's limits,
//! passages quoted verbatim with Discord markdown escaped and the matched
//! words in bold, and `allowed_mentions` that allow nothing.
//!
//! Everything here is plain data ([`Reply`], [`Embed`]) until the last step
//! ([`Reply::to_poise`], [`Reply::to_message`]), so the limits are unit-tested
//! without Discord. Lengths are counted in UTF-16 code units, which is never
//! less than the number of characters however Discord counts.

use std::ops::Range;
use std::sync::Arc;

use poise::serenity_prelude as serenity;

use crate::corpus::Article;
use crate::engine::{Hit, Verdict};

/// Message content, at most.
pub const CONTENT_MAX: usize = 2000;
/// Embed title, at most.
pub const TITLE_MAX: usize = 256;
/// Embed description, at most.
pub const DESCRIPTION_MAX: usize = 4096;
/// Embed field name, at most.
pub const FIELD_NAME_MAX: usize = 256;
/// Embed field value, at most.
pub const FIELD_VALUE_MAX: usize = 1024;
/// Embed footer text, at most.
pub const FOOTER_MAX: usize = 2048;
/// All the embeds of one message together, at most.
pub const EMBEDS_TOTAL_MAX: usize = 6000;
/// Embeds in one message, at most.
pub const EMBEDS_MAX: usize = 10;
/// Embed URL, at most.
pub const URL_MAX: usize = 2048;

/// How much of a member's question is echoed back.
const ECHO_MAX: usize = 300;
/// A passage gets at least this much room before lower-ranked passages are dropped.
const DESCRIPTION_MIN: usize = 200;
/// Citation parts (section, source) are cut here so that passages keep the room.
const CITATION_PART_MAX: usize = 256;

const COLOUR_ANSWER: u32 = 0x2b6cb0;
const COLOUR_URGENT: u32 = 0xc53030;
const COLOUR_NO_ANSWER: u32 = 0x718096;
const ELLIPSIS: char = '…';

/// Length as Discord counts it (UTF-16 code units: an upper bound on characters).
pub fn discord_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// A message, ready to be sent as an interaction response or a channel message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reply {
    pub content: String,
    pub embeds: Vec<Embed>,
    /// One row of buttons under the message (at most [`BUTTONS_MAX`]).
    pub buttons: Vec<Button>,
}

/// Buttons in one row, at most.
pub const BUTTONS_MAX: usize = 5;
/// A button's custom id, at most.
pub const CUSTOM_ID_MAX: usize = 100;
/// A button's label, at most.
pub const LABEL_MAX: usize = 80;

/// A button that sends the bot an interaction with its `custom_id`.
#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    pub custom_id: String,
    pub label: String,
    pub emoji: Option<char>,
    pub style: ButtonStyle,
    pub disabled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    Secondary,
    Success,
}

impl Button {
    pub fn new(custom_id: impl Into<String>, label: &str, style: ButtonStyle) -> Button {
        Button {
            custom_id: custom_id.into(),
            label: cut(label, LABEL_MAX),
            emoji: None,
            style,
            disabled: false,
        }
    }

    pub fn emoji(mut self, emoji: char) -> Button {
        self.emoji = Some(emoji);
        self
    }

    pub fn disabled(mut self, disabled: bool) -> Button {
        self.disabled = disabled;
        self
    }

    fn to_serenity(&self) -> serenity::CreateButton {
        let style = match self.style {
            ButtonStyle::Primary => serenity::ButtonStyle::Primary,
            ButtonStyle::Secondary => serenity::ButtonStyle::Secondary,
            ButtonStyle::Success => serenity::ButtonStyle::Success,
        };
        let mut button = serenity::CreateButton::new(&self.custom_id)
            .style(style)
            .disabled(self.disabled);
        if !self.label.is_empty() {
            button = button.label(&self.label);
        }
        if let Some(emoji) = self.emoji {
            button = button.emoji(serenity::ReactionType::Unicode(emoji.to_string()));
        }
        button
    }
}

/// The buttons as Discord components: one action row, or none.
pub fn action_rows(buttons: &[Button]) -> Vec<serenity::CreateActionRow> {
    if buttons.is_empty() {
        return Vec::new();
    }
    vec![serenity::CreateActionRow::Buttons(
        buttons
            .iter()
            .take(BUTTONS_MAX)
            .map(Button::to_serenity)
            .collect(),
    )]
}

/// One embed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Embed {
    pub title: String,
    pub url: Option<String>,
    pub description: String,
    pub fields: Vec<Field>,
    pub footer: Option<String>,
    pub colour: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

impl Embed {
    /// The characters that count towards the 6000 of a message.
    pub fn len(&self) -> usize {
        discord_len(&self.title)
            + discord_len(&self.description)
            + self
                .fields
                .iter()
                .map(|f| discord_len(&f.name) + discord_len(&f.value))
                .sum::<usize>()
            + self.footer.as_deref().map_or(0, discord_len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn to_serenity(&self) -> serenity::CreateEmbed {
        let mut embed = serenity::CreateEmbed::new().colour(self.colour);
        if !self.title.is_empty() {
            embed = embed.title(&self.title);
        }
        if let Some(url) = &self.url {
            embed = embed.url(url);
        }
        if !self.description.is_empty() {
            embed = embed.description(&self.description);
        }
        for field in &self.fields {
            embed = embed.field(&field.name, &field.value, field.inline);
        }
        if let Some(footer) = &self.footer {
            embed = embed.footer(serenity::CreateEmbedFooter::new(footer));
        }
        embed
    }
}

/// Mentions allowed in every message the bot sends: none (not even the
/// author of the message replied to).
pub fn no_mentions() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new().replied_user(false)
}

impl Reply {
    /// A short note as message content.
    pub fn notice(text: &str) -> Reply {
        Reply {
            content: cut(text, CONTENT_MAX),
            ..Reply::default()
        }
    }

    /// As an interaction response or follow-up; `ephemeral`: only the member sees it.
    pub fn to_poise(&self, ephemeral: bool) -> poise::CreateReply {
        let mut reply = poise::CreateReply::default()
            .ephemeral(ephemeral)
            .allowed_mentions(no_mentions());
        if !self.content.is_empty() {
            reply = reply.content(&self.content);
        }
        for embed in &self.embeds {
            reply = reply.embed(embed.to_serenity());
        }
        if !self.buttons.is_empty() {
            reply = reply.components(action_rows(&self.buttons));
        }
        reply
    }

    /// As a channel message (a reply to a mention or a DM).
    pub fn to_message(&self) -> serenity::CreateMessage {
        let mut message = serenity::CreateMessage::new()
            .allowed_mentions(no_mentions())
            .embeds(self.embeds.iter().map(Embed::to_serenity).collect());
        if !self.content.is_empty() {
            message = message.content(&self.content);
        }
        if !self.buttons.is_empty() {
            message = message.components(action_rows(&self.buttons));
        }
        message
    }

    /// Whether every Discord limit holds (the tests assert it).
    pub fn within_limits(&self) -> bool {
        self.buttons.len() <= BUTTONS_MAX
            && self.buttons.iter().all(|b| {
                !b.custom_id.is_empty()
                    && b.custom_id.len() <= CUSTOM_ID_MAX
                    && discord_len(&b.label) <= LABEL_MAX
            })
            && discord_len(&self.content) <= CONTENT_MAX
            && self.embeds.len() <= EMBEDS_MAX
            && self.embeds.iter().map(Embed::len).sum::<usize>() <= EMBEDS_TOTAL_MAX
            && self.embeds.iter().all(|e| {
                discord_len(&e.title) <= TITLE_MAX
                    && discord_len(&e.description) <= DESCRIPTION_MAX
                    && e.footer.as_deref().map_or(0, discord_len) <= FOOTER_MAX
                    && e.url.as_deref().map_or(0, str::len) <= URL_MAX
                    && e.fields.iter().all(|f| {
                        discord_len(&f.name) <= FIELD_NAME_MAX
                            && discord_len(&f.value) <= FIELD_VALUE_MAX
                    })
            })
    }
}

/// What the reply shows of the question it answers.
#[derive(Debug, Clone, Copy)]
pub enum Echo<'a> {
    /// Nothing (a reply to the member's own message already shows it).
    None,
    /// The member's question (`/ask`).
    Question(&'a str),
    /// Someone's message answered through "Find answer", with its link.
    Message { text: &'a str, link: &'a str },
}

impl Echo<'_> {
    fn line(&self) -> Option<String> {
        match *self {
            Echo::None => None,
            Echo::Question(text) => Some(format!("**Question:** {}", one_line(text, ECHO_MAX))),
            Echo::Message { text, link } => Some(format!(
                "**Answering [this message](<{link}>):** {}",
                one_line(text, ECHO_MAX)
            )),
        }
    }
}

/// A verdict as a message: urgent guidance first as content, then one embed
/// per quoted passage, the disclaimer in the last footer.
pub fn verdict(verdict: &Verdict, echo: Echo<'_>) -> Reply {
    let disclaimer = verdict.disclaimer();
    let mut content: Vec<String> = Vec::new();
    let embeds = match verdict {
        Verdict::Answer { hits } => {
            content.extend(echo.line());
            hit_embeds(hits, COLOUR_ANSWER, disclaimer)
        }
        Verdict::Urgent { guidance, hits, .. } => {
            content.push(guidance.to_string());
            content.extend(echo.line());
            if hits.is_empty() {
                content.push(format!("*{disclaimer}*"));
                Vec::new()
            } else {
                content.push("From the articles, once you are safe:".to_string());
                hit_embeds(hits, COLOUR_URGENT, disclaimer)
            }
        }
        Verdict::NoAnswer { suggestions } => {
            content.extend(echo.line());
            vec![no_answer_embed(suggestions, disclaimer)]
        }
    };
    let reply = Reply {
        content: cut_lines(&content.join("\n\n"), CONTENT_MAX),
        embeds,
        buttons: Vec::new(),
    };
    debug_assert!(reply.within_limits());
    reply
}

/// One embed per hit, best first; lower-ranked hits are dropped only when
/// there is no room left to quote them.
fn hit_embeds(hits: &[Hit], colour: u32, footer: &str) -> Vec<Embed> {
    let footer = cut(footer, FOOTER_MAX);
    let mut embeds: Vec<Embed> = hits
        .iter()
        .take(EMBEDS_MAX)
        .map(|hit| citation_embed(hit, colour))
        .collect();
    // Titles, fields and the footer first; the passages share what is left.
    let fixed =
        |embeds: &[Embed]| embeds.iter().map(Embed::len).sum::<usize>() + discord_len(&footer);
    while embeds.len() > 1 && fixed(&embeds) + embeds.len() * DESCRIPTION_MIN > EMBEDS_TOTAL_MAX {
        embeds.pop();
    }
    let room = EMBEDS_TOTAL_MAX.saturating_sub(fixed(&embeds));
    let Some(last) = embeds.last_mut() else {
        return embeds;
    };
    last.footer = Some(footer);
    let full: Vec<String> = hits
        .iter()
        .zip(&embeds)
        .map(|(hit, _)| markdown(&hit.passage.text, hit.marked(), usize::MAX))
        .collect();
    let needs: Vec<usize> = full
        .iter()
        .map(|d| discord_len(d).min(DESCRIPTION_MAX))
        .collect();
    let cap = share(&needs, room);
    for ((embed, hit), text) in embeds.iter_mut().zip(hits).zip(full) {
        embed.description = if discord_len(&text) <= cap {
            text
        } else {
            markdown(&hit.passage.text, hit.marked(), cap)
        };
    }
    embeds
}

/// The largest cap such that `sum(min(need, cap)) <= room`.
fn share(needs: &[usize], room: usize) -> usize {
    if needs.iter().sum::<usize>() <= room {
        return DESCRIPTION_MAX;
    }
    let (mut low, mut high) = (0, DESCRIPTION_MAX);
    while low < high {
        let mid = (low + high).div_ceil(2);
        if needs.iter().map(|&n| n.min(mid)).sum::<usize>() <= room {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    low
}

/// The embed of one hit without its description: the article title linked
/// to its URL, the section and the source.
fn citation_embed(hit: &Hit, colour: u32) -> Embed {
    let citation = hit.passage.citation();
    let mut source = citation.publisher.clone();
    if let Some(date) = &citation.reviewed {
        source.push_str(&format!(" · reviewed {date}"));
    } else if let Some(date) = &citation.published {
        source.push_str(&format!(" · published {date}"));
    }
    Embed {
        title: plain(&citation.title, TITLE_MAX),
        url: embed_url(&citation.url),
        description: String::new(),
        fields: vec![
            Field {
                name: "Section".to_string(),
                value: plain(&citation.section, CITATION_PART_MAX),
                inline: true,
            },
            Field {
                name: "Source".to_string(),
                value: plain(&source, CITATION_PART_MAX),
                inline: true,
            },
        ],
        footer: None,
        colour,
    }
}

fn no_answer_embed(suggestions: &[String], footer: &str) -> Embed {
    let mut description =
        String::from("The articles I quote from do not cover that question, so I won't guess.");
    if !suggestions.is_empty() {
        description.push_str("\n\n**They do cover:**");
        for topic in suggestions.iter().take(10) {
            description.push_str("\n• ");
            description.push_str(&plain(topic, 200));
        }
    }
    description.push_str("\n\n`/sources` lists the articles.");
    Embed {
        title: "Not covered by the articles".to_string(),
        url: None,
        description,
        fields: Vec::new(),
        footer: Some(cut(footer, FOOTER_MAX)),
        colour: COLOUR_NO_ANSWER,
    }
}

/// The corpus articles with their links and dates, as one embed.
pub fn sources(articles: &[Arc<Article>], disclaimer: &str) -> Reply {
    let title = format!(
        "Sources: {} article{}",
        articles.len(),
        if articles.len() == 1 { "" } else { "s" }
    );
    let lines: Vec<String> = articles
        .iter()
        .map(|article| {
            let meta = &article.meta;
            let name = plain(&meta.title, 200);
            let mut line = match link_target(&meta.url) {
                Some(url) => format!("• [{name}](<{url}>)"),
                None => format!("• {name}"),
            };
            line.push_str(&format!(" — {}", plain(&meta.publisher, 100)));
            if let Some(date) = &meta.published {
                line.push_str(&format!(" · published {date}"));
            }
            if let Some(date) = &meta.reviewed {
                line.push_str(&format!(" · reviewed {date}"));
            }
            if let Some(date) = &meta.retrieved {
                line.push_str(&format!(" · retrieved {date}"));
            }
            line
        })
        .collect();
    let description = lines_within(&lines, DESCRIPTION_MAX);
    Reply {
        content: String::new(),
        buttons: Vec::new(),
        embeds: vec![Embed {
            title,
            url: None,
            description,
            fields: Vec::new(),
            footer: Some(cut(disclaimer, FOOTER_MAX)),
            colour: COLOUR_ANSWER,
        }],
    }
}

/// Lines joined within `max`, the rest summed up as "…and N more.".
pub fn lines_within(lines: &[String], max: usize) -> String {
    let mut out = String::new();
    for (n, line) in lines.iter().enumerate() {
        let more = lines.len() - n;
        // Room for the "…and N more." line while others follow.
        let reserve = if more > 1 { 24 } else { 0 };
        if discord_len(&out) + discord_len(line) + 1 + reserve > max {
            out.push_str(&format!("\n…and {more} more."));
            return out;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// The URL an embed title links to, if Discord will take it.
pub fn embed_url(url: &str) -> Option<String> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= URL_MAX
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then(|| url.to_string())
}

/// A URL safe inside `[text](<url>)`.
fn link_target(url: &str) -> Option<String> {
    let url = embed_url(url)?;
    (url.len() <= 512).then(|| url.replace('>', "%3E"))
}

/// Text on one line (newlines become spaces), escaped and cut.
pub fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    plain(flat.trim(), max)
}

/// Member or article text with Discord markdown escaped, cut to `max`.
pub fn plain(text: &str, max: usize) -> String {
    markdown(text, &[], max)
}

/// Text that holds no markdown to break (our own sentences), cut to `max`.
pub fn cut(text: &str, max: usize) -> String {
    if discord_len(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if discord_len(&out) + c.len_utf16() + 1 > max {
            break;
        }
        out.push(c);
    }
    let mut out = out.trim_end().to_string();
    out.push(ELLIPSIS);
    out
}

/// Content made of whole lines of ours and escaped member text: cut it at a
/// line break when it is too long (the escaped parts never end inside a
/// construct), else at a character.
pub fn cut_lines(text: &str, max: usize) -> String {
    if discord_len(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if discord_len(&out) + discord_len(line) + 1 > max {
            break;
        }
        out.push_str(line);
    }
    if out.trim().is_empty() {
        return cut(text, max);
    }
    let mut out = out.trim_end().to_string();
    out.push(ELLIPSIS);
    out
}

/// One unit of rendered markdown: never split when cutting.
#[derive(Debug, Clone, Copy)]
enum Atom {
    /// One character of the source, after a backslash if it is markdown.
    Text {
        c: char,
        escaped: bool,
    },
    Open,
    Close,
}

impl Atom {
    /// Its length as Discord counts it.
    fn len(self) -> usize {
        match self {
            Atom::Text { c, escaped } => usize::from(escaped) + c.len_utf16(),
            Atom::Open | Atom::Close => BOLD.len(),
        }
    }
}

/// Appends an escaped (or plain) character.
fn push_text(out: &mut String, c: char, escaped: bool) {
    if escaped {
        out.push('\\');
    }
    out.push(c);
}

const BOLD: &str = "**";

/// Renders `text` with markdown escaped and the `bold` byte ranges in bold,
/// at most `max` long. When cut, it ends with an ellipsis after a whole
/// character, outside any bold (which is closed first) and any escape.
pub fn markdown(text: &str, bold: &[Range<usize>], max: usize) -> String {
    let atoms = atoms(text, bold);
    let full_len: usize = atoms.iter().map(|a| a.len()).sum();
    let fits = full_len <= max;
    let budget = if fits {
        usize::MAX
    } else {
        max.saturating_sub(1)
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut used = 0;
    // The bold run being built: emitted only if it holds some text.
    let mut run: Option<(String, usize)> = None;
    let mut cut_short = false;
    for &atom in &atoms {
        match atom {
            Atom::Open => run = Some((String::new(), 0)),
            Atom::Close => {
                if let Some((inner, len)) = run.take() {
                    if len > 0 {
                        out.push_str(BOLD);
                        out.push_str(&inner);
                        out.push_str(BOLD);
                        used += len + 2 * BOLD.len();
                    }
                }
            }
            Atom::Text { c, escaped } => {
                let len = atom.len();
                match &mut run {
                    Some((inner, run_len)) => {
                        if used + *run_len + len + 2 * BOLD.len() > budget {
                            cut_short = true;
                            break;
                        }
                        push_text(inner, c, escaped);
                        *run_len += len;
                    }
                    None => {
                        if used + len > budget {
                            cut_short = true;
                            break;
                        }
                        push_text(&mut out, c, escaped);
                        used += len;
                    }
                }
            }
        }
    }
    if let Some((inner, _)) = run {
        // Cut inside a bold run: close it around what fits (a bold run may
        // not end in a space).
        let inner = inner.trim_end();
        if !inner.is_empty() {
            out.push_str(BOLD);
            out.push_str(inner);
            out.push_str(BOLD);
        }
    }
    if cut_short {
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push(ELLIPSIS);
    }
    out
}

/// Splits `text` into escaped characters and bold markers.
fn atoms(text: &str, bold: &[Range<usize>]) -> Vec<Atom> {
    // Only well-formed ranges: in order, disjoint, on character boundaries,
    // around something other than spaces.
    let mut ranges: Vec<&Range<usize>> = Vec::new();
    let mut last_end = 0;
    for r in bold {
        if r.start >= r.end
            || r.start < last_end
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
            || text[r.clone()].trim().is_empty()
            || text[r.clone()].starts_with(char::is_whitespace)
            || text[r.clone()].ends_with(char::is_whitespace)
        {
            continue;
        }
        ranges.push(r);
        last_end = r.end;
    }
    let mut atoms = Vec::with_capacity(text.len() + 2 * ranges.len());
    let mut next = ranges.into_iter().peekable();
    let mut open_until: Option<usize> = None;
    let mut line_start = true;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if open_until == Some(i) {
            atoms.push(Atom::Close);
            open_until = None;
        }
        if open_until.is_none() && next.peek().is_some_and(|r| r.start == i) {
            if let Some(r) = next.next() {
                atoms.push(Atom::Open);
                open_until = Some(r.end);
            }
        }
        // No control character (ESC, NUL, the other C0 and C1 codes)
        // reaches a member's screen.
        let c = if c.is_control() && c != '\n' && c != '\t' {
            '\u{fffd}'
        } else {
            c
        };
        let following = chars.peek().map(|&(_, c)| c);
        let escape = match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' => true,
            // Headings, block quotes and subtext only mean something at the
            // start of a line.
            '#' | '>' => line_start,
            '-' => line_start && following == Some('#'),
            _ => false,
        };
        atoms.push(Atom::Text { c, escaped: escape });
        if c == '\n' {
            line_start = true;
        } else if !c.is_whitespace() {
            line_start = false;
        }
    }
    if open_until.is_some() {
        atoms.push(Atom::Close);
    }
    atoms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::parse_article;

    #[test]
    fn control_characters_never_reach_a_discord_message() {
        let first_three = 0..3;
        let bold = std::slice::from_ref(&first_three);
        let text = markdown("a\u{1b}[2Jb\u{0}c\nnext\tline", bold, 100);
        assert!(!text.contains(['\u{1b}', '\u{0}']), "{text:?}");
        assert!(text.contains('\n') && text.contains('\t'), "{text:?}");
    }
    use crate::engine::passage::Passage;
    use crate::engine::UrgentKind;
    use std::path::Path;

    fn article(title: &str, url: &str) -> Arc<Article> {
        let text = format!(
            "+++\nid = \"a\"\ntitle = {title:?}\npublisher = \"Publisher\"\nurl = {url:?}\nreviewed = 2024-05-02\n+++\n\nSome text.\n"
        );
        Arc::new(parse_article(Path::new("a.md"), text.as_bytes()).unwrap())
    }

    fn hit(text: &str, matched: Vec<Range<usize>>) -> Hit {
        hit_in(
            article("Infusion Treatments for MS", "https://example.org/a"),
            text,
            matched,
        )
    }

    fn hit_in(article: Arc<Article>, text: &str, matched: Vec<Range<usize>>) -> Hit {
        Hit {
            passage: Arc::new(Passage {
                id: 0,
                article,
                heading_path: vec!["Side effects".into(), "Natalizumab (Tysabri)".into()],
                sentences: crate::engine::passage::sentence_spans(text),
                text: text.to_string(),
                line: 1,
                lead: true,
            }),
            score: 1.0,
            coverage: 1.0,
            similarity: 0.5,
            matched,
            answer: Vec::new(),
        }
    }

    fn range_of(text: &str, word: &str) -> Range<usize> {
        let start = text.find(word).unwrap();
        start..start + word.len()
    }

    #[test]
    fn matched_words_are_bold_and_markdown_is_escaped() {
        let text = "Take *two* pills_daily; see [x](y) | `code` ~strike~ \\o/";
        let out = markdown(text, &[range_of(text, "Take")], 1000);
        assert_eq!(
            out,
            "**Take** \\*two\\* pills\\_daily; see \\[x\\](y) \\| \\`code\\` \\~strike\\~ \\\\o/"
        );
    }

    #[test]
    fn headings_quotes_and_subtext_are_escaped_only_at_line_starts() {
        let out = plain("# Title\n> quote\n-# small\na > b # c - d\n- item", 1000);
        assert_eq!(
            out,
            "\\# Title\n\\> quote\n\\-# small\na > b # c - d\n- item"
        );
    }

    #[test]
    fn a_cut_never_splits_an_escape_or_leaves_bold_open() {
        let text = "alpha beta gamma delta *epsilon* zeta";
        let bold = [range_of(text, "gamma delta")];
        for max in 1..60 {
            let out = markdown(text, &bold, max);
            assert!(discord_len(&out) <= max, "{max}: {out}");
            assert_eq!(out.matches("**").count() % 2, 0, "{max}: {out}");
            assert!(!out.contains("****"), "{max}: {out}");
            let body = out.trim_end_matches(ELLIPSIS);
            // Every backslash escapes the character after it.
            assert!(
                !body.ends_with('\\') || body.ends_with("\\\\"),
                "{max}: {out}"
            );
        }
        assert_eq!(markdown(text, &bold, 21), "alpha beta **gamma**…");
        assert_eq!(markdown(text, &bold, 20), "alpha beta **gamm**…");
        assert_eq!(markdown(text, &bold, 15), "alpha beta…");
    }

    #[test]
    #[allow(clippy::reversed_empty_ranges)]
    fn malformed_ranges_are_ignored_not_trusted() {
        let text = "héllo world";
        // 2 is inside "é"; 5..100 is out of bounds; 6..3 is backwards.
        let out = markdown(text, &[0..2, 5..100, 6..3], 100);
        assert_eq!(out, "héllo world");
    }

    #[test]
    fn an_answer_quotes_each_passage_with_its_citation_and_the_disclaimer() {
        let text = "Natalizumab is given once every four weeks.";
        let v = Verdict::Answer {
            hits: vec![hit(text, vec![range_of(text, "four weeks")])],
        };
        let reply = verdict(&v, Echo::Question("How often is Tysabri given?"));
        assert_eq!(reply.content, "**Question:** How often is Tysabri given?");
        assert_eq!(reply.embeds.len(), 1);
        let e = &reply.embeds[0];
        assert_eq!(e.title, "Infusion Treatments for MS");
        assert_eq!(e.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(
            e.description,
            "Natalizumab is given once every **four weeks**."
        );
        assert_eq!(e.fields[0].value, "Side effects › Natalizumab (Tysabri)");
        assert_eq!(e.fields[1].value, "Publisher · reviewed 2024-05-02");
        assert_eq!(e.footer.as_deref(), Some(crate::engine::DISCLAIMER));
    }

    #[test]
    fn urgent_guidance_comes_first_as_plain_content() {
        let v = Verdict::Urgent {
            kind: UrgentKind::Medical,
            guidance: UrgentKind::Medical.guidance(),
            hits: vec![hit("Infusion reactions can happen.", vec![])],
        };
        let reply = verdict(&v, Echo::Question("my throat is closing"));
        assert!(reply.content.starts_with(UrgentKind::Medical.guidance()));
        assert_eq!(reply.embeds.len(), 1);
        let none = Verdict::Urgent {
            kind: UrgentKind::SelfHarm,
            guidance: UrgentKind::SelfHarm.guidance(),
            hits: vec![],
        };
        let reply = verdict(&none, Echo::None);
        assert!(reply.content.starts_with(UrgentKind::SelfHarm.guidance()));
        assert!(reply.content.contains(crate::engine::DISCLAIMER));
        assert!(reply.embeds.is_empty());
    }

    #[test]
    fn no_answer_lists_what_the_articles_cover() {
        let v = Verdict::NoAnswer {
            suggestions: vec!["Natalizumab (Tysabri)".into(), "Infusion_process".into()],
        };
        let reply = verdict(&v, Echo::None);
        assert!(reply.content.is_empty());
        let d = &reply.embeds[0].description;
        assert!(d.contains("do not cover"), "{d}");
        assert!(
            d.contains("• Natalizumab (Tysabri)\n• Infusion\\_process"),
            "{d}"
        );
    }

    #[test]
    fn every_limit_holds_for_hostile_sizes() {
        let long_title = "T".repeat(1000);
        let long_url = format!("https://example.org/{}", "u".repeat(3000));
        let a = article(&long_title, &long_url);
        let huge = "word *x* ".repeat(2000);
        let hits: Vec<Hit> = (0..15)
            .map(|_| hit_in(a.clone(), &huge, vec![0..4, 9..13]))
            .collect();
        for v in [
            Verdict::Answer { hits: hits.clone() },
            Verdict::Urgent {
                kind: UrgentKind::Medical,
                guidance: UrgentKind::Medical.guidance(),
                hits,
            },
            Verdict::NoAnswer {
                suggestions: vec!["x".repeat(5000); 50],
            },
        ] {
            let question = "@everyone ".repeat(400);
            let link = "https://discord.com/channels/1/2/3";
            for echo in [
                Echo::None,
                Echo::Question(&question),
                Echo::Message {
                    text: &question,
                    link,
                },
            ] {
                let reply = verdict(&v, echo);
                assert!(reply.within_limits(), "{v:?}");
                assert!(!reply.embeds.is_empty() || !reply.content.is_empty());
                for e in &reply.embeds {
                    assert!(e.url.is_none(), "a 3000-byte URL is not linked");
                    assert_eq!(e.description.matches("**").count() % 2, 0);
                }
            }
        }
    }

    #[test]
    fn short_passages_keep_their_whole_text_when_a_long_one_shares_the_message() {
        let long = "a".repeat(5000);
        let hits = vec![hit(&long, vec![]), hit("Short and whole.", vec![])];
        let reply = verdict(&Verdict::Answer { hits }, Echo::None);
        assert!(reply.within_limits());
        assert_eq!(reply.embeds[1].description, "Short and whole.");
        assert!(reply.embeds[0].description.ends_with(ELLIPSIS));
        assert_eq!(discord_len(&reply.embeds[0].description), DESCRIPTION_MAX);
    }

    #[test]
    fn utf16_lengths_are_respected_for_wide_characters() {
        let text = "🚨".repeat(3000);
        let out = markdown(&text, &[], 2000);
        assert!(discord_len(&out) <= 2000);
        assert!(out.ends_with(ELLIPSIS));
        assert_eq!(cut(&text, 11).chars().count(), 6);
    }

    #[test]
    fn long_lists_are_cut_with_a_count_of_the_rest() {
        let lines: Vec<String> = (0..1000).map(|i| format!("• line {i}")).collect();
        let text = lines_within(&lines, 200);
        assert!(discord_len(&text) <= 200, "{text}");
        assert!(text.ends_with("more."), "{text}");
        let n: usize = text
            .rsplit("…and ")
            .next()
            .and_then(|t| t.trim_end_matches(" more.").parse().ok())
            .unwrap();
        assert_eq!(n + text.lines().count() - 1, 1000);
    }

    #[test]
    fn sources_list_every_article_with_its_link_and_dates() {
        let articles = vec![
            article("Infusion [Treatments]", "https://example.org/a"),
            article("Other", "https://example.org/b"),
        ];
        let reply = sources(&articles, "Not medical advice.");
        let d = &reply.embeds[0].description;
        assert_eq!(
            d,
            "• [Infusion \\[Treatments\\]](<https://example.org/a>) — Publisher · reviewed 2024-05-02\n\
             • [Other](<https://example.org/b>) — Publisher · reviewed 2024-05-02"
        );
        assert_eq!(reply.embeds[0].title, "Sources: 2 articles");
        let many: Vec<_> = (0..500)
            .map(|_| article(&"T".repeat(150), "https://example.org/a"))
            .collect();
        let reply = sources(&many, "Not medical advice.");
        assert!(reply.within_limits());
        assert!(reply.embeds[0].description.contains("more."));
    }
}
