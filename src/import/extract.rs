//! From a page's HTML to what an article file needs: its own metadata
//! (title, publisher, address, dates) and its main text as headings,
//! paragraphs and lists, words exactly as the page has them.
//!
//! Three steps: the metadata is read from the untouched page (meta tags,
//! JSON-LD, the canonical link, `<title>`); page furniture is removed
//! (cookie banners, navigation, breadcrumbs, share buttons, ads, related
//! and featured lists, newsletter boxes, footers, forms, scripts, styles);
//! then [`dom_smoothie`] (a port of Mozilla's Readability) picks the main
//! content, which is walked into [`Item`]s. Sections whose heading is
//! furniture ("Related articles", "Sign up…") are dropped; an "Article
//! sources" / "References" section becomes the reference list.

use std::collections::HashMap;

use dom_query::{Document, NodeRef};
use serde_json::Value;
use url::Url;

/// One block of the article's text, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// Level 2 or 3 (h2, h3); h4–h6 are level 4.
    Heading(u8, String),
    Paragraph(String),
    List(List),
}

/// A list: its items, each with its text and nested list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    pub ordered: bool,
    pub items: Vec<ListItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    pub text: String,
    pub children: Vec<List>,
}

/// What the page says about itself and its main text.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub title: Option<String>,
    pub publisher: Option<String>,
    /// The canonical link (or `og:url`, or a browser's "saved from"
    /// note), made absolute.
    pub canonical: Option<String>,
    pub published: Option<String>,
    pub reviewed: Option<String>,
    pub items: Vec<Item>,
    pub references: Vec<String>,
    /// Tables in the main text, left out (their cells are not sentences).
    pub tables: usize,
}

/// Why a page gave no article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("the page does not look like an article: no block of running text was found (import the article's own page, not an index, search or sign-in page)")]
    NotAnArticle,
}

/// Extracts the article from `html`; `page_url` (the address it was
/// fetched from, if any) makes relative links absolute.
pub fn extract(html: &str, page_url: Option<&Url>) -> Result<Extracted, ExtractError> {
    let doc = Document::from(html);
    let mut found = metadata(&doc, html, page_url);
    remove_furniture(&doc);
    let config = dom_smoothie::Config {
        keep_classes: true,
        // The metadata is read above, from the page as it was.
        disable_json_ld: true,
        ..dom_smoothie::Config::default()
    };
    let url = page_url.map(Url::as_str);
    let mut readability = dom_smoothie::Readability::with_document(doc, url, Some(config))
        .map_err(|_| ExtractError::NotAnArticle)?;
    let article = readability
        .parse()
        .map_err(|_| ExtractError::NotAnArticle)?;
    let content = Document::from(article.content.as_ref());
    // Mostly links: an index, a menu, a list of search results.
    let all = content.root().text().split_whitespace().count();
    let linked: usize = content
        .select("a")
        .nodes()
        .iter()
        .map(|a| a.text().split_whitespace().count())
        .sum();
    if all == 0 || linked * 2 > all {
        return Err(ExtractError::NotAnArticle);
    }
    let mut walker = Walker::default();
    walker.walk(&content.root());
    walker.flush();
    let (items, references) = sort_sections(walker.items, found.title.as_deref());
    let text: usize = items
        .iter()
        .map(|i| match i {
            Item::Paragraph(t) => t.len(),
            Item::List(l) => list_len(l),
            Item::Heading(..) => 0,
        })
        .sum();
    if text < MIN_ARTICLE_TEXT {
        return Err(ExtractError::NotAnArticle);
    }
    found.items = items;
    found.references = references;
    found.tables = walker.tables;
    Ok(found)
}

/// Less running text than this is not an article.
const MIN_ARTICLE_TEXT: usize = 200;

fn list_len(list: &List) -> usize {
    list.items
        .iter()
        .map(|i| i.text.len() + i.children.iter().map(list_len).sum::<usize>())
        .sum()
}

// ---- metadata ----

fn metadata(doc: &Document, html: &str, page_url: Option<&Url>) -> Extracted {
    let mut meta: HashMap<String, String> = HashMap::new();
    for node in doc.select("meta").nodes() {
        let key = node
            .attr("property")
            .or_else(|| node.attr("name"))
            .or_else(|| node.attr("itemprop"));
        if let (Some(key), Some(content)) = (key, node.attr("content")) {
            let value = clean(&content);
            if !value.is_empty() {
                meta.entry(key.trim().to_ascii_lowercase()).or_insert(value);
            }
        }
    }
    let ld = JsonLd::read(doc);
    let site_name = meta
        .get("og:site_name")
        .cloned()
        .or_else(|| ld.publisher.clone())
        .or_else(|| meta.get("application-name").cloned());
    let h1 = doc
        .select("h1")
        .nodes()
        .iter()
        .map(|n| clean(&n.text()))
        .find(|t| !t.is_empty());
    let host = page_url.and_then(|u| u.host_str()).map(|h| h.to_string());
    let strip = |title: &str| strip_site_suffix(title, site_name.as_deref(), host.as_deref());
    let title = meta
        .get("og:title")
        .map(|t| strip(t))
        .or_else(|| ld.headline.as_deref().map(strip))
        .or_else(|| {
            let title = doc
                .select("title")
                .nodes()
                .first()
                .map(|n| clean(&n.text()))?;
            // The page's own heading, when the <title> starts with it.
            match &h1 {
                Some(h1) if title.starts_with(h1.as_str()) => Some(h1.clone()),
                _ => Some(strip(&title)),
            }
        })
        .filter(|t| !t.is_empty())
        .or(h1);
    let absolute = |href: &str| -> Option<String> {
        let href = href.trim();
        let url = match page_url {
            Some(base) => base.join(href).ok()?,
            None => Url::parse(href).ok()?,
        };
        matches!(url.scheme(), "http" | "https").then(|| url.to_string())
    };
    let canonical = doc
        .select("link")
        .nodes()
        .iter()
        .filter(|n| {
            n.attr("rel").is_some_and(|rel| {
                rel.split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("canonical"))
            })
        })
        .find_map(|n| n.attr("href").and_then(|h| absolute(&h)))
        .or_else(|| meta.get("og:url").and_then(|u| absolute(u)))
        .or_else(|| saved_from(html).and_then(|u| absolute(&u)));
    let date = |key: &str| meta.get(key).and_then(|v| date_of(v));
    Extracted {
        title,
        publisher: site_name,
        canonical,
        published: ld
            .date_published
            .as_deref()
            .and_then(date_of)
            .or_else(|| date("article:published_time")),
        reviewed: ld
            .last_reviewed
            .as_deref()
            .and_then(date_of)
            .or_else(|| ld.date_modified.as_deref().and_then(date_of))
            .or_else(|| date("article:modified_time")),
        ..Extracted::default()
    }
}

/// A browser's "Save page as" note: `<!-- saved from url=(0042)https://… -->`.
fn saved_from(html: &str) -> Option<String> {
    let mut end = html.len().min(4096);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let head = &html[..end];
    let at = head.find("saved from url=(")?;
    let rest = &head[at + "saved from url=(".len()..];
    let rest = &rest[rest.find(')')? + 1..];
    let end = rest.find(char::is_whitespace)?;
    Some(rest[..end].to_string())
}

/// "Infusion Treatments for MS | Healthline" → "Infusion Treatments for MS"
/// when the last part names the site (or its host).
fn strip_site_suffix(title: &str, site: Option<&str>, host: Option<&str>) -> String {
    let title = clean(title);
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let host_label = host.map(|h| {
        let h = h.strip_prefix("www.").unwrap_or(h);
        norm(h.split('.').next().unwrap_or(h))
    });
    for sep in [" | ", " - ", " – ", " — ", " · ", " :: ", " • "] {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            let tail = norm(tail);
            let names_site = !tail.is_empty()
                && (site.is_some_and(|s| norm(s) == tail)
                    || host_label
                        .as_deref()
                        .is_some_and(|h| !h.is_empty() && h == tail));
            if names_site && !head.trim().is_empty() {
                return head.trim().to_string();
            }
        }
    }
    title
}

/// `2024-05-02`, `2024-05-02T10:00:00-04:00` → "2024-05-02" (the date the
/// page states, not converted); anything else → None.
pub fn date_of(value: &str) -> Option<String> {
    let v = value.trim();
    let date = v.get(..10)?;
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return None;
    }
    if !matches!(
        v.as_bytes().get(10),
        None | Some(b'T') | Some(b't') | Some(b' ')
    ) {
        return None;
    }
    let year: u32 = date[0..4].parse().ok()?;
    let month: u32 = date[5..7].parse().ok()?;
    let day: u32 = date[8..10].parse().ok()?;
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (year >= 1900 && (1..=days).contains(&day)).then(|| date.to_string())
}

/// The fields of the page's JSON-LD that an article file uses.
#[derive(Debug, Default)]
struct JsonLd {
    headline: Option<String>,
    publisher: Option<String>,
    date_published: Option<String>,
    date_modified: Option<String>,
    last_reviewed: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "blogposting",
    "medicalwebpage",
    "medicalscholarlyarticle",
    "scholarlyarticle",
    "healthtopiccontent",
    "techarticle",
    "report",
    "webpage",
];

impl JsonLd {
    fn read(doc: &Document) -> JsonLd {
        let mut nodes: Vec<Value> = Vec::new();
        for script in doc.select("script").nodes() {
            let is_ld = script
                .attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
            if !is_ld {
                continue;
            }
            if let Ok(value) = serde_json::from_str::<Value>(&script.text()) {
                flatten(value, &mut nodes, 0);
            }
        }
        let is_article = |v: &Value| types(v).iter().any(|t| ARTICLE_TYPES.contains(&t.as_str()));
        // Article-like nodes first, the WebPage ones after the others.
        let mut ordered: Vec<&Value> = nodes
            .iter()
            .filter(|v| is_article(v) && !types(v).iter().all(|t| t == "webpage"))
            .collect();
        ordered.extend(
            nodes
                .iter()
                .filter(|v| is_article(v) && types(v).iter().all(|t| t == "webpage")),
        );
        let by_id = |id: &str| {
            nodes
                .iter()
                .find(|n| n.get("@id").and_then(Value::as_str) == Some(id))
        };
        let text = |key: &str| {
            ordered
                .iter()
                .find_map(|v| v.get(key).and_then(Value::as_str).map(clean))
                .filter(|s| !s.is_empty())
        };
        let publisher = ordered.iter().find_map(|v| {
            let p = v.get("publisher")?;
            let p = match p {
                Value::Array(list) => list.first()?,
                other => other,
            };
            let name = match p {
                Value::String(name) => Some(clean(name)),
                Value::Object(o) => {
                    o.get("name")
                        .and_then(Value::as_str)
                        .map(clean)
                        .or_else(|| {
                            let id = o.get("@id")?.as_str()?;
                            by_id(id)?.get("name")?.as_str().map(clean)
                        })
                }
                _ => None,
            };
            name.filter(|s| !s.is_empty())
        });
        JsonLd {
            headline: text("headline").or_else(|| text("name")),
            publisher,
            date_published: text("datePublished"),
            date_modified: text("dateModified"),
            last_reviewed: text("lastReviewed"),
        }
    }
}

/// Every object of a JSON-LD value: arrays and `@graph` opened.
fn flatten(value: Value, into: &mut Vec<Value>, depth: usize) {
    if depth > 4 {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                flatten(item, into, depth + 1);
            }
        }
        Value::Object(mut map) => {
            if let Some(graph) = map.remove("@graph") {
                flatten(graph, into, depth + 1);
            }
            into.push(Value::Object(map));
        }
        _ => {}
    }
}

/// The `@type`s of a node, lower-cased.
fn types(value: &Value) -> Vec<String> {
    match value.get("@type") {
        Some(Value::String(t)) => vec![t.to_ascii_lowercase()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_ascii_lowercase)
            .collect(),
        _ => Vec::new(),
    }
}

// ---- furniture ----

/// Elements that are never article text.
const FURNITURE_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "button",
    "iframe", "svg", "canvas", "select", "input", "textarea", "dialog", "object", "embed", "video",
    "audio", "picture", "img", "figure", "link", "meta",
];

/// ARIA roles of furniture.
const FURNITURE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
    "menu",
    "menubar",
    "toolbar",
];

/// Words of a class or id that mark furniture, matched whole.
const FURNITURE_WORDS: &[&str] = &[
    "ad",
    "ads",
    "adslot",
    "adunit",
    "advert",
    "advertisement",
    "advertising",
    "breadcrumb",
    "breadcrumbs",
    "consent",
    "cookie",
    "cookies",
    "crumbs",
    "featured",
    "footer",
    "gdpr",
    "menu",
    "modal",
    "nav",
    "navbar",
    "navigation",
    "newsletter",
    "outbrain",
    "popup",
    "promo",
    "promoted",
    "promotion",
    "recommended",
    "recommendations",
    "related",
    "share",
    "shares",
    "sharing",
    "sidebar",
    "signup",
    "skip",
    "social",
    "sponsor",
    "sponsored",
    "subscribe",
    "subscription",
    "taboola",
    "toolbar",
    "sharebar",
    "addthis",
    "sharethis",
];

/// Starts of a class or id word that mark furniture whatever follows.
const FURNITURE_PREFIXES: &[&str] = &[
    "cookie",
    "consent",
    "breadcrumb",
    "newsletter",
    "advert",
    "sponsor",
    "taboola",
    "outbrain",
    "related",
    "featured",
    "socialshare",
    "sharebutton",
    "shareicon",
];

/// The words of a class or id: split at non-alphanumerics and camelCase.
fn words(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in value.chars() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Whether an element's tag, role, label, class or id says it is furniture.
fn is_furniture(node: &NodeRef) -> bool {
    let Some(name) = node.node_name() else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    if FURNITURE_TAGS.contains(&name.as_str()) {
        return true;
    }
    if matches!(name.as_str(), "html" | "body" | "main" | "article") {
        return false;
    }
    if node.has_attr("hidden") {
        return true;
    }
    if let Some(role) = node.attr("role") {
        if role
            .split_ascii_whitespace()
            .any(|r| FURNITURE_ROLES.contains(&r.to_ascii_lowercase().as_str()))
        {
            return true;
        }
    }
    if let Some(label) = node.attr("aria-label") {
        const LABELS: &[&str] = &[
            "breadcrumb",
            "breadcrumbs",
            "share",
            "sharing",
            "cookie",
            "cookies",
            "advertisement",
            "newsletter",
        ];
        if words(&label).iter().any(|w| LABELS.contains(&w.as_str())) {
            return true;
        }
    }
    let marks = [node.attr("class"), node.attr("id")];
    marks.iter().flatten().any(|value| {
        words(value).iter().any(|w| {
            FURNITURE_WORDS.contains(&w.as_str())
                || FURNITURE_PREFIXES.iter().any(|p| w.starts_with(p))
        })
    })
}

/// Removes furniture from the page. An element holding most of the page's
/// text is kept whatever its class says (a wrapper named "has-sidebar").
fn remove_furniture(doc: &Document) {
    let total = doc
        .select("body")
        .nodes()
        .first()
        .map_or(0, |b| b.text().len());
    // Collected first, removed after: removing while walking skips nodes.
    let mut doomed = Vec::new();
    let mut stack = vec![doc.root()];
    while let Some(node) = stack.pop() {
        for child in node.children() {
            if !child.is_element() {
                if child.is_comment() {
                    doomed.push(child);
                }
                continue;
            }
            let keep_anyway = || {
                let name = child.node_name().unwrap_or_default().to_ascii_lowercase();
                !FURNITURE_TAGS.contains(&name.as_str())
                    && total > 0
                    && child.text().len() * 2 > total
            };
            if is_furniture(&child) && !keep_anyway() {
                doomed.push(child);
            } else {
                stack.push(child);
            }
        }
    }
    for node in doomed {
        node.remove_from_parent();
    }
    // A page-wide header (logo, menu) outside the article.
    let headers: Vec<NodeRef> = doc
        .select("header")
        .nodes()
        .iter()
        .filter(|h| {
            !h.ancestors(None).iter().any(|a| {
                a.node_name().is_some_and(|n| {
                    n.eq_ignore_ascii_case("article") || n.eq_ignore_ascii_case("main")
                })
            })
        })
        .cloned()
        .collect();
    for header in headers {
        header.remove_from_parent();
    }
}

/// A heading that introduces furniture, not article text.
fn is_furniture_heading(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    const STARTS: &[&str] = &[
        "related",
        "featured",
        "recommended",
        "popular",
        "trending",
        "more from",
        "more on",
        "more articles",
        "more stories",
        "you may also",
        "you might also",
        "read more",
        "read next",
        "keep reading",
        "share",
        "sign up",
        "subscribe",
        "newsletter",
        "get our",
        "advertisement",
        "sponsored",
        "latest news",
        "most read",
        "explore more",
        "in this article",
        "table of contents",
        "on this page",
        "jump to",
        "follow us",
        "stay informed",
        "join our",
    ];
    STARTS.iter().any(|s| t.starts_with(s)) || t == "contents"
}

/// A line on its own that is furniture ("Advertisement", "Share this article").
fn is_furniture_line(text: &str) -> bool {
    let t = text.trim().trim_end_matches(['.', ':', '!']).to_lowercase();
    if t.split_whitespace().count() > 8 {
        return false;
    }
    const LINES: &[&str] = &[
        "advertisement",
        "ad",
        "sponsored",
        "continue reading below",
        "story continues below",
        "scroll to continue",
        "skip to main content",
        "skip to content",
        "share this article",
        "share this page",
        "share",
        "print",
        "email",
        "print this page",
        "sign up for our newsletter",
        "subscribe to our newsletter",
        "back to top",
    ];
    LINES.contains(&t.as_str())
        || t.starts_with("story continues below")
        || t.starts_with("article continues below")
}

/// A heading of the article's own source list.
fn is_references_heading(text: &str) -> bool {
    let t = text.trim().trim_end_matches(':').to_lowercase();
    let t = ["show ", "open ", "view ", "hide "]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(&t);
    let t = ["article ", "medical ", "our "]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t);
    matches!(
        t,
        "sources"
            | "source"
            | "references"
            | "reference list"
            | "citations"
            | "bibliography"
            | "works cited"
            | "literature cited"
            | "sources and references"
            | "references and sources"
    )
}

// ---- the main text ----

#[derive(Default)]
struct Walker {
    items: Vec<Item>,
    pending: String,
    tables: usize,
}

const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];
const SKIPPED: &[&str] = &[
    "figcaption",
    "hr",
    "caption",
    "colgroup",
    "map",
    "area",
    "track",
    "source",
];
/// Elements whose text flows within a line.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
    "del", "ins", "label", "nobr",
];

impl Walker {
    fn walk(&mut self, node: &NodeRef) {
        for child in node.children() {
            if child.is_text() {
                self.pending.push_str(&child.text());
                continue;
            }
            if !child.is_element() {
                continue;
            }
            let name = child.node_name().unwrap_or_default().to_ascii_lowercase();
            let name = name.as_str();
            if is_furniture(&child) {
                continue;
            }
            if let Some(level) = HEADINGS.iter().position(|h| *h == name) {
                self.flush();
                let text = inline_text(&child);
                if !text.is_empty() {
                    let level = match level {
                        0 | 1 => 2,
                        2 => 3,
                        _ => 4,
                    };
                    // An h1 in the text (Readability renames it h2) is kept
                    // apart by its level: it may be the title again.
                    let level = if name == "h1" { 1 } else { level };
                    self.items.push(Item::Heading(level, text));
                }
            } else if name == "p" || name == "pre" || name == "address" {
                self.flush();
                self.paragraph(inline_text(&child));
            } else if name == "ul" || name == "ol" {
                self.flush();
                let list = list_of(&child, name == "ol");
                if !list.items.is_empty() {
                    self.items.push(Item::List(list));
                }
            } else if name == "dl" {
                self.flush();
                for part in child.element_children() {
                    self.paragraph(inline_text(&part));
                }
            } else if name == "table" {
                self.flush();
                self.tables += 1;
            } else if name == "br" {
                self.pending.push(' ');
            } else if SKIPPED.contains(&name) {
                self.flush();
            } else if INLINE.contains(&name) {
                inline_into(&child, &mut self.pending);
            } else {
                // div, section, article, blockquote, details…
                self.flush();
                self.walk(&child);
                self.flush();
            }
        }
    }

    fn flush(&mut self) {
        let text = std::mem::take(&mut self.pending);
        self.paragraph(clean(&text));
    }

    fn paragraph(&mut self, text: String) {
        if !text.is_empty() && !is_furniture_line(&text) {
            self.items.push(Item::Paragraph(text));
        }
    }
}

fn list_of(node: &NodeRef, ordered: bool) -> List {
    let mut items = Vec::new();
    for li in node.element_children() {
        if is_furniture(&li) {
            continue;
        }
        let mut text = String::new();
        let mut children = Vec::new();
        for part in li.children() {
            let name = part.node_name().unwrap_or_default().to_ascii_lowercase();
            if part.is_element() && (name == "ul" || name == "ol") {
                let nested = list_of(&part, name == "ol");
                if !nested.items.is_empty() {
                    children.push(nested);
                }
            } else if part.is_text() {
                text.push_str(&part.text());
            } else if part.is_element() && !is_furniture(&part) {
                text.push(' ');
                inline_into(&part, &mut text);
                text.push(' ');
            }
        }
        let text = clean(&text);
        if text.is_empty() && children.is_empty() {
            continue;
        }
        items.push(ListItem { text, children });
    }
    List { ordered, items }
}

/// The text of an element as one line: words as they are, whitespace
/// normalised, line breaks and block boundaries as spaces.
fn inline_text(node: &NodeRef) -> String {
    let mut text = String::new();
    inline_into(node, &mut text);
    clean(&text)
}

fn inline_into(node: &NodeRef, out: &mut String) {
    for child in node.children() {
        if child.is_text() {
            out.push_str(&child.text());
        } else if child.is_element() {
            let name = child.node_name().unwrap_or_default().to_ascii_lowercase();
            if name == "br" {
                out.push(' ');
            } else if is_furniture(&child) {
                continue;
            } else if INLINE.contains(&name.as_str()) {
                inline_into(&child, out);
            } else {
                out.push(' ');
                inline_into(&child, out);
                out.push(' ');
            }
        }
    }
}

/// Whitespace collapsed to single spaces, control characters dropped.
pub fn clean(text: &str) -> String {
    text.split_whitespace()
        .map(|w| w.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Drops furniture sections and a repeated title, and moves the sources
/// section's entries to the reference list.
fn sort_sections(items: Vec<Item>, title: Option<&str>) -> (Vec<Item>, Vec<String>) {
    #[derive(PartialEq)]
    enum Mode {
        Text,
        Skip(u8),
        References(u8),
    }
    let mut out = Vec::new();
    let mut references = Vec::new();
    let mut mode = Mode::Text;
    for item in items {
        if let Item::Heading(level, text) = &item {
            let level = (*level).max(2);
            match mode {
                Mode::Skip(l) | Mode::References(l) if level > l => continue,
                _ => mode = Mode::Text,
            }
            if is_references_heading(text) {
                mode = Mode::References(level);
                continue;
            }
            if is_furniture_heading(text) {
                mode = Mode::Skip(level);
                continue;
            }
            let same_as_title = title.is_some_and(|t| clean(t).eq_ignore_ascii_case(text));
            if same_as_title && out.iter().all(|i| !matches!(i, Item::Heading(..))) {
                continue;
            }
            out.push(Item::Heading(level, text.clone()));
            continue;
        }
        match mode {
            Mode::Text => out.push(item),
            Mode::Skip(_) => {}
            Mode::References(_) => match item {
                Item::Paragraph(text) => references.push(text),
                Item::List(list) => {
                    for entry in list.items {
                        if !entry.text.is_empty() {
                            references.push(entry.text);
                        }
                    }
                }
                Item::Heading(..) => {}
            },
        }
    }
    (without_empty_headings(out), references)
}

/// Drops headings with neither text nor a subsection with text under them
/// (what was under them was furniture): an article file may not have them.
fn without_empty_headings(items: Vec<Item>) -> Vec<Item> {
    let mut kept: Vec<Item> = Vec::with_capacity(items.len());
    for item in items.into_iter().rev() {
        if let Item::Heading(level, _) = &item {
            let filled = match kept.last() {
                Some(Item::Heading(next, _)) => next > level,
                Some(_) => true,
                None => false,
            };
            if !filled {
                continue;
            }
        }
        kept.push(item);
    }
    kept.reverse();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(head: &str, body: &str) -> String {
        format!("<!doctype html><html><head>{head}</head><body>{body}</body></html>")
    }

    const LONG: &str = "Natalizumab works by stopping the damaging immune cells from entering your brain and spinal cord, and it is given once every four weeks at an infusion center under the supervision of a nurse.";

    #[test]
    fn dates_are_taken_as_stated_and_checked() {
        assert_eq!(date_of("2024-05-02").as_deref(), Some("2024-05-02"));
        assert_eq!(
            date_of("2024-05-02T23:30:00-04:00").as_deref(),
            Some("2024-05-02")
        );
        assert_eq!(date_of(" 2024-02-29 ").as_deref(), Some("2024-02-29"));
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "May 2, 2024",
            "2024-05",
            "20240502",
            "2024-05-02x",
        ] {
            assert_eq!(date_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn class_words_split_at_punctuation_and_camel_case() {
        assert_eq!(
            words("cookieBanner js-share_bar"),
            ["cookie", "banner", "js", "share", "bar"]
        );
        let doc = Document::from(
            r#"<div class="sharecare-article">x</div><div class="share-tools">y</div><div id="headerAd">z</div>"#,
        );
        let divs: Vec<bool> = doc.select("div").nodes().iter().map(is_furniture).collect();
        assert_eq!(divs, [false, true, true]);
        let doc = Document::from(
            r#"<section aria-label="Shared decision making">a</section><div aria-label="Share this page">b</div><div class="hero-banner">c</div><div role="banner">d</div>"#,
        );
        let kept: Vec<bool> = doc
            .select("section, div")
            .nodes()
            .iter()
            .map(|n| !is_furniture(n))
            .collect();
        assert_eq!(kept, [true, false, true, false]);
    }

    #[test]
    fn titles_lose_the_site_suffix_only() {
        assert_eq!(
            strip_site_suffix(
                "Infusion Treatments for MS | Healthline",
                Some("Healthline"),
                None
            ),
            "Infusion Treatments for MS"
        );
        assert_eq!(
            strip_site_suffix("Tysabri - Side Effects", None, Some("www.example.org")),
            "Tysabri - Side Effects"
        );
        assert_eq!(
            strip_site_suffix("Ocrevus dosing — MS Trust", None, Some("mstrust.org.uk")),
            "Ocrevus dosing"
        );
    }

    #[test]
    fn json_ld_in_a_graph_gives_headline_publisher_and_dates() {
        let html = page(
            r##"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
                {"@type":"Organization","@id":"#org","name":"MS Society"},
                {"@type":"MedicalWebPage","headline":"Infusions","datePublished":"2021-03-04T09:00:00Z",
                 "dateModified":"2023-01-02","lastReviewed":"2022-06-07","publisher":{"@id":"#org"}}]}</script>"##,
            &format!("<article><p>{LONG}</p><p>{LONG}</p></article>"),
        );
        let found = extract(&html, None).unwrap();
        assert_eq!(found.title.as_deref(), Some("Infusions"));
        assert_eq!(found.publisher.as_deref(), Some("MS Society"));
        assert_eq!(found.published.as_deref(), Some("2021-03-04"));
        assert_eq!(found.reviewed.as_deref(), Some("2022-06-07"));
    }

    #[test]
    fn headings_paragraphs_and_lists_keep_their_words_and_furniture_goes() {
        let html = page(
            r#"<title>Infusions | Example Health</title><meta property="og:site_name" content="Example Health"><link rel="canonical" href="/infusions">"#,
            &format!(
                r##"<div class="cookie-banner"><p>We use cookies to improve your experience on this website. Accept all cookies?</p></div>
                <nav><ul><li><a href="/">Home</a></li><li><a href="/ms">MS</a></li></ul></nav>
                <ol class="breadcrumbs"><li>Home</li><li>Conditions</li></ol>
                <main><article><h1>Infusions</h1>
                <p>{LONG}</p>
                <h2>Natalizumab <em>(Tysabri)</em></h2>
                <p>First  line<br>second&nbsp;line &amp; more — “quoted”.</p>
                <ul><li>one <b>bold</b> item</li><li>two<ul><li>nested</li></ul></li></ul>
                <div class="share-buttons"><a href="#">Facebook</a><a href="#">Twitter</a></div>
                <h3>Dosing</h3><p>{LONG}</p>
                <p>Advertisement</p>
                <h2>Related articles</h2><ul><li><a href="/a">Another article about MS treatments</a></li></ul>
                <h2>Article sources</h2><ol><li>MedlinePlus. "Multiple Sclerosis."</li><li>NIH, 2020.</li></ol>
                </article></main><footer><p>© Example Health 2024. All rights reserved.</p></footer>"##
            ),
        );
        let base = Url::parse("https://example.org/page?utm=1").unwrap();
        let found = extract(&html, Some(&base)).unwrap();
        assert_eq!(found.title.as_deref(), Some("Infusions"));
        assert_eq!(found.publisher.as_deref(), Some("Example Health"));
        assert_eq!(
            found.canonical.as_deref(),
            Some("https://example.org/infusions")
        );
        assert_eq!(
            found.references,
            ["MedlinePlus. \"Multiple Sclerosis.\"", "NIH, 2020."]
        );
        let expected = vec![
            Item::Paragraph(LONG.to_string()),
            Item::Heading(2, "Natalizumab (Tysabri)".to_string()),
            Item::Paragraph("First line second line & more — “quoted”.".to_string()),
            Item::List(List {
                ordered: false,
                items: vec![
                    ListItem {
                        text: "one bold item".to_string(),
                        children: vec![],
                    },
                    ListItem {
                        text: "two".to_string(),
                        children: vec![List {
                            ordered: false,
                            items: vec![ListItem {
                                text: "nested".to_string(),
                                children: vec![],
                            }],
                        }],
                    },
                ],
            }),
            Item::Heading(3, "Dosing".to_string()),
            Item::Paragraph(LONG.to_string()),
        ];
        assert_eq!(found.items, expected);
    }

    #[test]
    fn headings_left_empty_are_dropped() {
        let h = |l, t: &str| Item::Heading(l, t.to_string());
        let p = || Item::Paragraph("text".to_string());
        let items = vec![
            h(2, "Empty"),
            h(2, "A"),
            h(3, "A1"),
            p(),
            h(3, "A2"),
            h(2, "B"),
            p(),
            h(2, "Last"),
        ];
        assert_eq!(
            without_empty_headings(items),
            vec![h(2, "A"), h(3, "A1"), p(), h(2, "B"), p()]
        );
    }

    #[test]
    fn a_page_of_links_is_not_an_article() {
        let links: String = (0..40)
            .map(|i| format!("<li><a href=\"/a{i}\">Article number {i}</a></li>"))
            .collect();
        let html = page("<title>Index</title>", &format!("<ul>{links}</ul>"));
        assert_eq!(
            extract(&html, None).unwrap_err(),
            ExtractError::NotAnArticle
        );
        let html = page(
            "<title>Sign in</title>",
            "<form><input name=u><button>Sign in</button></form>",
        );
        assert_eq!(
            extract(&html, None).unwrap_err(),
            ExtractError::NotAnArticle
        );
    }

    #[test]
    fn a_saved_page_names_its_address_in_a_comment() {
        let html = "<!DOCTYPE html>\n<!-- saved from url=(0031)https://example.org/infusions -->\n<html></html>";
        assert_eq!(
            saved_from(html).as_deref(),
            Some("https://example.org/infusions")
        );
    }
}
