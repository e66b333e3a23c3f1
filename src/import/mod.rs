//! Importing an article from its web page, or from the page saved as
//! `.html`: the page is fetched safely ([`fetch`]), its main text and
//! metadata extracted ([`extract`]), and written as an article file in the
//! corpus format ([`convert`]): front matter from the page's own metadata,
//! headings, paragraphs and lists with the page's words exactly (whitespace
//! normalised; Markdown punctuation escaped so that it reads back as the
//! same text). The file then goes the way of any upload: validated,
//! previewed, written, versioned and audited by
//! [`crate::moderation::store::CorpusStore::add`]. The command line
//! ([`cli`]) and `/faq-admin import` both call this.

pub mod address;
pub mod cli;
pub mod extract;
#[cfg(feature = "web")]
pub mod fetch;

use std::fmt::Write as _;
use std::time::Duration;

use serde::Deserialize;
use url::Url;

use extract::{Extracted, Item, List};
#[cfg(feature = "web")]
pub use fetch::{fetch_page, FetchError, Page};

/// The most of a page read, fetched or saved.
pub const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// `[import]`: how pages are fetched.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ImportConfig {
    /// Whether pages on loopback, private, link-local and other non-public
    /// addresses may be imported (an intranet; the tests).
    pub allow_private_addresses: bool,
    /// Fetching a page (every redirect and the whole body) gives up after
    /// this many milliseconds.
    pub timeout_ms: u64,
}

impl Default for ImportConfig {
    fn default() -> Self {
        ImportConfig {
            allow_private_addresses: false,
            timeout_ms: 20_000,
        }
    }
}

impl ImportConfig {
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms.max(1))
    }
}

/// Why nothing was imported: one sentence for the moderator.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[cfg(feature = "web")]
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// Built without the `web` feature: no HTTP client.
    #[cfg(not(feature = "web"))]
    #[error("this build fetches no web pages (built without the `web` feature): save the page as .html and import the file")]
    NoWeb,
    #[error("{0} is not a saved web page: give a .html or .htm file, or the page's link")]
    NotHtmlFile(String),
    #[error("{0} is over the limit of 2 MiB ({MAX_PAGE_BYTES} bytes)")]
    FileTooLarge(String),
    #[error(transparent)]
    Read(#[from] crate::storage::read::ReadError),
    #[error(transparent)]
    NotAnArticle(#[from] extract::ExtractError),
    #[error("the page has no title (no og:title, JSON-LD headline, <title> or <h1>)")]
    NoTitle,
    #[error("the saved page does not say where it came from (no canonical link, og:url or \"saved from\" note): import it by its link instead")]
    NoAddress,
}

/// An article file made from a page, ready to preview and add.
#[derive(Debug, Clone)]
pub struct Imported {
    pub id: String,
    /// `ID.md`.
    pub file_name: String,
    /// The article file.
    pub markdown: String,
    pub title: String,
    pub url: String,
    /// Worth a look before confirming (besides the store's own).
    pub warnings: Vec<String>,
}

/// Whether a file name is a saved web page's.
pub fn is_html_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".html") || lower.ends_with(".htm")
}

/// Today's date (UTC), `YYYY-MM-DD`.
pub fn today() -> String {
    humantime::format_rfc3339(std::time::SystemTime::now()).to_string()[..10].to_string()
}

/// A page's bytes as text: by its byte-order mark, else the charset the
/// server declared, else a `<meta charset>`, else UTF-8. The flag says
/// whether some bytes were not text in that charset.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> (String, bool) {
    let encoding = encoding_rs::Encoding::for_bom(bytes)
        .map(|(e, _)| e)
        .or_else(|| declared.and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes())))
        .or_else(|| meta_charset(bytes))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _, had_errors) = encoding.decode(bytes);
    (text.into_owned(), had_errors)
}

/// The charset a page declares in its first 1024 bytes.
fn meta_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let label: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    encoding_rs::Encoding::for_label(label.as_bytes())
}

/// Makes the article file from a page's HTML. `fetched` is the address it
/// was fetched from (after redirects); `None` for a saved file.
pub fn convert(
    html: &str,
    fetched: Option<&Url>,
    id: Option<&str>,
    today: &str,
) -> Result<Imported, ImportError> {
    let found = extract::extract(html, fetched)?;
    let mut warnings = Vec::new();
    let url = match (&found.canonical, fetched) {
        (Some(canonical), _) => canonical.clone(),
        (None, Some(fetched)) => {
            warnings.push(
                "the page has no canonical link: the address it was fetched from is used"
                    .to_string(),
            );
            fetched.to_string()
        }
        (None, None) => return Err(ImportError::NoAddress),
    };
    let title = found.title.clone().ok_or(ImportError::NoTitle)?;
    let host = Url::parse(&url)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_string())
        })
        .unwrap_or_default();
    let publisher = match &found.publisher {
        Some(p) => p.clone(),
        None => {
            warnings.push(format!(
                "the page names no publisher: its site {host:?} is used; check it"
            ));
            host.clone()
        }
    };
    if found.reviewed.is_none() && found.published.is_some() {
        warnings.push("no review date on the page".to_string());
    }
    if !found.items.iter().any(|i| matches!(i, Item::Heading(..))) {
        warnings.push("only one section found: check the page".to_string());
    }
    if found.tables > 0 {
        warnings.push(format!(
            "{} left out (tables are not imported): check the page",
            crate::text::count(found.tables, "table")
        ));
    }
    let id = match id {
        Some(id) => id.to_string(),
        None => {
            let named = slug(&format!("{publisher} {title}"));
            let site = slug(&host);
            if !named.is_empty() {
                named
            } else if !site.is_empty() {
                site
            } else {
                "imported-article".to_string()
            }
        }
    };
    let markdown = render(&found, &id, &title, &publisher, &url, today);
    Ok(Imported {
        file_name: format!("{id}.md"),
        id,
        markdown,
        title,
        url,
        warnings,
    })
}

/// Lower-case ASCII words joined by hyphens, at most 64 characters, cut
/// at a word.
pub fn slug(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut out = String::new();
    for word in words {
        let extra = if out.is_empty() { 0 } else { 1 } + word.len();
        if out.len() + extra > 64 {
            if out.is_empty() {
                out = word[..64].to_string();
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word);
    }
    out
}

/// References kept, at most: as many as an article file may list.
const MAX_REFERENCES: usize = 200;

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The article file: front matter, then the text.
fn render(
    found: &Extracted,
    id: &str,
    title: &str,
    publisher: &str,
    url: &str,
    today: &str,
) -> String {
    let mut out = String::from("+++\n");
    let _ = writeln!(out, "id = {}", toml_string(id));
    let _ = writeln!(out, "title = {}", toml_string(title));
    let _ = writeln!(out, "publisher = {}", toml_string(publisher));
    let _ = writeln!(out, "url = {}", toml_string(url));
    if let Some(date) = &found.published {
        let _ = writeln!(out, "published = {date}");
    }
    if let Some(date) = &found.reviewed {
        let _ = writeln!(out, "reviewed = {date}");
    }
    let _ = writeln!(out, "retrieved = {today}");
    if !found.references.is_empty() {
        out.push_str("references = [\n");
        for reference in found.references.iter().take(MAX_REFERENCES) {
            let _ = writeln!(out, "    {},", toml_string(reference));
        }
        out.push_str("]\n");
    }
    out.push_str("+++\n");
    for item in &found.items {
        out.push('\n');
        match item {
            Item::Heading(level, text) => {
                let _ = writeln!(out, "{} {}", "#".repeat(usize::from(*level)), escape(text));
            }
            Item::Paragraph(text) => {
                let _ = writeln!(out, "{}", escape(text));
            }
            Item::List(list) => write_list(&mut out, list, ""),
        }
    }
    out
}

fn write_list(out: &mut String, list: &List, indent: &str) {
    for (n, item) in list.items.iter().enumerate() {
        let marker = if list.ordered {
            format!("{}.", n + 1)
        } else {
            "-".to_string()
        };
        let child_indent = format!("{indent}{}", " ".repeat(marker.len() + 1));
        if item.text.is_empty() {
            let _ = writeln!(out, "{indent}{marker}");
        } else {
            let _ = writeln!(out, "{indent}{marker} {}", escape(&item.text));
        }
        for child in &item.children {
            write_list(out, child, &child_indent);
        }
    }
}

/// Text as Markdown that reads back as exactly this text: the characters
/// Markdown would take for markup are escaped with a backslash, and so is
/// the start of a line that would read as a list, a heading or a quote.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    // A line starting "- ", "+ ", "= ", "# ", "> ", "1. " or "1) " would be
    // a list, a heading or a quote.
    let first = out.chars().next();
    if matches!(first, Some('-' | '+' | '=' | '#' | '>')) {
        out.insert(0, '\\');
    } else if first.is_some_and(|c| c.is_ascii_digit()) {
        let digits = out.chars().take_while(char::is_ascii_digit).count();
        if matches!(out[digits..].chars().next(), Some('.' | ')')) {
            out.insert(digits, '\\');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{parse_article, BlockKind};

    #[test]
    fn escaped_text_reads_back_as_the_same_words() {
        let tricky = [
            "Take <5 mg & call *at once* [if] needed_now #1 `x` | a ~ b \\ c!",
            "- not a list",
            "1. not a list either",
            "2) nor this",
            "= not a heading",
            "# nor this",
            "> nor a quote",
            "&amp; stays as typed",
        ];
        for text in tricky {
            let file = format!("+++\nid = \"a\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x.org\"\n+++\n\n{}\n", escape(text));
            let article = parse_article(std::path::Path::new("a.md"), file.as_bytes())
                .unwrap_or_else(|p| panic!("{text:?}: {p:?}"));
            let block = &article.sections[0].blocks[0];
            assert_eq!(block.kind, BlockKind::Paragraph, "{text:?}");
            assert_eq!(block.text, text);
        }
    }

    #[test]
    fn slugs_are_short_and_valid() {
        assert_eq!(
            slug("MS Society  Infusions: what's next?"),
            "ms-society-infusions-what-s-next"
        );
        let long = slug(&"word ".repeat(40));
        assert!(long.len() <= 64 && crate::corpus::is_slug(&long), "{long}");
        assert_eq!(slug("日本"), "");
    }

    #[test]
    fn pages_are_decoded_by_their_charset() {
        assert_eq!(
            decode(b"caf\xe9", Some("iso-8859-1")),
            ("café".to_string(), false)
        );
        let meta = b"<meta charset=\"windows-1252\"><p>\x93quoted\x94</p>";
        assert_eq!(
            decode(meta, None).0,
            "<meta charset=\"windows-1252\"><p>“quoted”</p>"
        );
        assert_eq!(decode("é".as_bytes(), None), ("é".to_string(), false));
        assert!(decode(b"ab\xc3", None).1);
    }

    #[test]
    fn a_converted_page_is_a_valid_article_with_its_metadata() {
        let html = r#"<html><head><title>Tysabri infusions | MS Example</title>
            <meta property="og:site_name" content="MS Example">
            <meta property="article:published_time" content="2022-01-05T08:00:00Z">
            <link rel="canonical" href="https://ms.example.org/tysabri"></head>
            <body><article><h1>Tysabri infusions</h1>
            <p>Natalizumab (Tysabri) is given by infusion once every four weeks, in a hospital or an infusion center, and each infusion takes about an hour.</p>
            <h2>Side effects</h2><p>The most common side effects of Tysabri are headache, tiredness and joint pain; a rare brain infection called PML is the most serious risk.</p>
            <table><caption>Doses</caption><tr><th>Dose</th><th>When</th></tr><tr><td>150 mg</td><td>Day 1</td></tr><tr><td>450 mg</td><td>Day 15</td></tr></table></article></body></html>"#;
        let imported = convert(html, None, None, "2026-02-03").unwrap();
        assert_eq!(imported.id, "ms-example-tysabri-infusions");
        assert_eq!(imported.url, "https://ms.example.org/tysabri");
        let article = parse_article(std::path::Path::new("x.md"), imported.markdown.as_bytes())
            .unwrap_or_else(|p| panic!("{p:?}\n{}", imported.markdown));
        assert_eq!(article.meta.title, "Tysabri infusions");
        assert_eq!(article.meta.publisher, "MS Example");
        assert_eq!(article.meta.published.as_deref(), Some("2022-01-05"));
        assert_eq!(article.meta.retrieved.as_deref(), Some("2026-02-03"));
        assert_eq!(article.meta.reviewed, None);
        assert_eq!(article.sections.len(), 2);
        assert_eq!(article.sections[1].heading_path, ["Side effects"]);
        assert!(imported
            .warnings
            .iter()
            .any(|w| w == "no review date on the page"));
        assert!(imported
            .warnings
            .iter()
            .any(|w| w.starts_with("1 table left out")));
        // A saved page that does not say where it came from.
        let bare = html.replace(
            r#"<link rel="canonical" href="https://ms.example.org/tysabri">"#,
            "",
        );
        assert!(matches!(
            convert(&bare, None, None, "2026-02-03"),
            Err(ImportError::NoAddress)
        ));
    }
}
