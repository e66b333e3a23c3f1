//! Verdicts as Discord messages: urgent guidance first, one embed per quoted
//! passage (verbatim, Discord markdown escaped, the matched words in bold)
//! with its citation, the disclaimer in the last footer; and `/sources`.
//! The message model and its limits are [`super::reply`]; escaping and
//! cutting, [`super::markdown`].

use std::sync::Arc;

use super::markdown::{cut_lines, embed_url, lines_within, link_target, markdown, one_line, plain};
use super::reply::{
    cut, discord_len, Embed, Field, Reply, CONTENT_MAX, DESCRIPTION_MAX, EMBEDS_MAX,
    EMBEDS_TOTAL_MAX, FOOTER_MAX, TITLE_MAX,
};
use crate::corpus::Article;
use crate::engine::{Hit, Verdict};

/// How much of a member's question is echoed back.
const ECHO_MAX: usize = 300;
/// A passage gets at least this much room before lower-ranked passages are dropped.
const DESCRIPTION_MIN: usize = 200;
/// Citation parts (section, source) are cut here so that passages keep the room.
const CITATION_PART_MAX: usize = 256;

const COLOUR_ANSWER: u32 = 0x2b6cb0;
const COLOUR_URGENT: u32 = 0xc53030;
const COLOUR_NO_ANSWER: u32 = 0x718096;

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
    let title = format!("Sources: {}", crate::text::count(articles.len(), "article"));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::parse_article;
    use crate::discord::reply::ELLIPSIS;
    use crate::engine::passage::Passage;
    use crate::engine::UrgentKind;
    use std::ops::Range;
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
                taught: Vec::new(),
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
