//! Discord markdown from member or article text: every markdown character
//! escaped, matched words in bold, control characters replaced, and cuts
//! that never split an escape or leave bold open; lists cut with a count of
//! the rest; links Discord will take.

use std::ops::Range;

use super::reply::{cut, discord_len, ELLIPSIS, URL_MAX};

/// Lines joined within `max`, the rest summed up as "…and N more.".
pub fn lines_within(lines: &[String], max: usize) -> String {
    let shown = lines_fitting(lines, max);
    let mut out = lines[..shown].join("\n");
    if shown < lines.len() {
        out.push_str(&format!("\n…and {} more.", lines.len() - shown));
    }
    out
}

/// How many of `lines` [`lines_within`] shows in `max`.
pub fn lines_fitting(lines: &[String], max: usize) -> usize {
    let mut len = 0;
    for (n, line) in lines.iter().enumerate() {
        let more = lines.len() - n;
        // Room for the "…and N more." line while others follow.
        let reserve = if more > 1 { 24 } else { 0 };
        if len + discord_len(line) + 1 + reserve > max {
            return n;
        }
        len += discord_len(line) + usize::from(n > 0);
    }
    lines.len()
}

/// The URL an embed title links to, if Discord will take it.
pub fn embed_url(url: &str) -> Option<String> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= URL_MAX
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then(|| url.to_string())
}

/// A URL safe inside `[text](<url>)`.
pub fn link_target(url: &str) -> Option<String> {
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

    fn range_of(text: &str, word: &str) -> Range<usize> {
        let start = text.find(word).unwrap();
        start..start + word.len()
    }

    #[test]
    fn control_characters_never_reach_a_discord_message() {
        let first_three = 0..3;
        let bold = std::slice::from_ref(&first_three);
        let text = markdown("a\u{1b}[2Jb\u{0}c\nnext\tline", bold, 100);
        assert!(!text.contains(['\u{1b}', '\u{0}']), "{text:?}");
        assert!(text.contains('\n') && text.contains('\t'), "{text:?}");
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
}
