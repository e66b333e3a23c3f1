//! Taught questions in the engine. Each is pinned to the one passage of its
//! article that contains its quote ([`pin`]) and becomes extra matching text
//! of that passage: indexed with its headings (lexical), embedded beside it
//! (semantic), and counted by coverage — except for drug names, which must
//! be the passage's own: a taught question never makes a passage about one
//! drug answer a question that names another.

use super::passage::Passage;
use crate::corpus::{fold_question, Corpus, Problem, Synonyms, TaughtQuestion, TAUGHT_FILE};

/// Why a taught question is not pinned to a passage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unpinned {
    #[error("no article has the id {0:?}")]
    NoArticle(String),
    #[error(
        "the quote is in no passage of {0:?}: copy a sentence of the passage as it is written"
    )]
    NotFound(String),
    #[error("the quote is in {count} passages of {article:?}: quote more of the one that answers")]
    Ambiguous { article: String, count: usize },
    #[error("the question names {drug}, but that passage ({section}) is about another drug: a question is never answered from another drug's passage")]
    OtherDrug { drug: String, section: String },
}

/// Text as quotes are compared: list markers dropped, single spaces,
/// lower case, straight quotes.
fn comparable(text: &str) -> String {
    let unlisted: Vec<&str> = text
        .lines()
        .map(|line| {
            let line = line.trim_start();
            line.strip_prefix("- ")
                .or_else(|| line.strip_prefix("• "))
                .or_else(|| line.strip_prefix("* "))
                .unwrap_or(line)
        })
        .collect();
    fold_question(&unlisted.join(" "))
}

/// The passage (its position in `passages`) that `taught` is pinned to.
pub fn pin(
    passages: &[Passage],
    synonyms: &Synonyms,
    taught: &TaughtQuestion,
) -> Result<usize, Unpinned> {
    let quote = comparable(&taught.quote);
    let mut of_article = passages
        .iter()
        .filter(|p| p.article.meta.id == taught.article)
        .peekable();
    if of_article.peek().is_none() {
        return Err(Unpinned::NoArticle(taught.article.clone()));
    }
    let found: Vec<&Passage> = of_article
        .filter(|p| comparable(&p.text).contains(&quote))
        .collect();
    let passage = match found.as_slice() {
        [] => return Err(Unpinned::NotFound(taught.article.clone())),
        [one] => *one,
        more => {
            return Err(Unpinned::Ambiguous {
                article: taught.article.clone(),
                count: more.len(),
            })
        }
    };
    if let Some(drug) = other_drug(synonyms, &taught.question, passage) {
        return Err(Unpinned::OtherDrug {
            drug,
            section: passage.section(),
        });
    }
    Ok(passage.id)
}

/// A drug (a term of an `entity` synonym group) the question names, when
/// the passage (its text, headings or title) is another drug's: it names a
/// drug, and none of those the question names. A passage that names no
/// drug speaks of them all, as the engine reads it.
fn other_drug(synonyms: &Synonyms, question: &str, passage: &Passage) -> Option<String> {
    let asked = words(question);
    let about = words(&passage.embedded_text());
    let mut named = None;
    let mut passage_names_a_drug = false;
    for group in synonyms.groups.iter().filter(|g| g.entity) {
        let names = |text: &[String]| group.terms.iter().find(|t| contains(text, &words(t)));
        let (in_question, in_passage) = (names(&asked), names(&about).is_some());
        if in_question.is_some() && in_passage {
            return None;
        }
        passage_names_a_drug |= in_passage;
        named = named.or(in_question.cloned());
    }
    named.filter(|_| passage_names_a_drug)
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn contains(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Pins every taught question of the corpus to its passage (adding it to
/// that passage's `taught`), and returns a problem for each that pins none:
/// `check` reports them; the engine leaves those questions out and answers
/// on (an article replaced since it was taught must not stop the bot).
pub fn attach(corpus: &Corpus, passages: &mut [Passage]) -> Vec<Problem> {
    let path = corpus.dir.join(TAUGHT_FILE);
    let mut problems = Vec::new();
    for (n, (taught, line)) in corpus
        .taught
        .questions
        .iter()
        .zip(&corpus.taught.lines)
        .enumerate()
    {
        match pin(passages, &corpus.synonyms, taught) {
            Ok(id) => passages[id].taught.push(taught.question.trim().to_string()),
            Err(why) => problems.push(Problem::at(
                &path,
                *line,
                format!("taught question {} ({:?}): {why}", n + 1, taught.question),
            )),
        }
    }
    problems
}

/// A quote that pins `passage` among `passages`, for a moderator who chose
/// the passage rather than typed a quote: its first sentence found in no
/// other passage of its article, else its whole text.
pub fn quote_for<P: std::borrow::Borrow<Passage>>(passages: &[P], passage: &Passage) -> String {
    let others: Vec<String> = passages
        .iter()
        .map(|p| p.borrow())
        .filter(|p| p.article.meta.id == passage.article.meta.id && p.id != passage.id)
        .map(|p| comparable(&p.text))
        .collect();
    passage
        .sentences
        .iter()
        .map(|range| &passage.text[range.clone()])
        .filter(|s| s.chars().count() >= crate::corpus::MIN_QUOTE_CHARS)
        .find(|s| {
            let s = comparable(s);
            !others.iter().any(|o| o.contains(&s))
        })
        .unwrap_or(&passage.text)
        .chars()
        .take(crate::corpus::MAX_QUOTE_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::parse_synonyms;
    use std::path::Path;

    fn corpus(taught: &str) -> (tempfile::TempDir, Corpus) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.md"),
            "+++\nid = \"a\"\ntitle = \"Infusions\"\npublisher = \"P\"\nurl = \"https://x.org\"\n+++\n\n## Tysabri\n\nTysabri is given once every four weeks, through a drip, at a clinic.\n\n## Ocrevus\n\nOcrevus is given twice a year. Most people can drive home afterwards.\n\n## After\n\nSome people get a rash. Most people can drive home afterwards, still.\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("synonyms.toml"),
            "[[group]]\nterms = [\"Tysabri\", \"natalizumab\"]\nentity = true\n\n[[group]]\nterms = [\"Ocrevus\", \"ocrelizumab\"]\nentity = true\n",
        )
        .unwrap();
        std::fs::write(dir.path().join(TAUGHT_FILE), taught).unwrap();
        let corpus = Corpus::load(dir.path()).unwrap();
        (dir, corpus)
    }

    fn entry(question: &str, article: &str, quote: &str) -> String {
        format!("[[taught]]\nquestion = {question:?}\narticle = {article:?}\nquote = {quote:?}\n\n")
    }

    #[test]
    fn a_quote_pins_the_one_passage_that_contains_it_case_and_spacing_aside() {
        let (_dir, corpus) = corpus(&entry(
            "how often do i go in",
            "a",
            "given ONCE every\n four weeks",
        ));
        let mut passages = super::super::passage::cut_passages(&corpus);
        assert!(attach(&corpus, &mut passages).is_empty());
        let pinned: Vec<&Passage> = passages.iter().filter(|p| !p.taught.is_empty()).collect();
        assert_eq!(pinned.len(), 1);
        assert!(pinned[0].text.contains("four weeks"));
        assert_eq!(pinned[0].taught, ["how often do i go in"]);
    }

    #[test]
    fn an_unpinned_question_is_a_problem_on_its_line() {
        let table = [
            (entry("q", "b", "given once every four weeks"), "no article"),
            (entry("q", "a", "given every single day"), "in no passage"),
            (
                entry("q", "a", "Most people can drive home"),
                "in 2 passages",
            ),
            (
                entry("how often is natalizumab given", "a", "given twice a year"),
                "names natalizumab",
            ),
        ];
        for (text, needle) in table {
            let (_dir, corpus) = corpus(&format!("# a comment\n\n{text}"));
            let mut passages = super::super::passage::cut_passages(&corpus);
            let problems = attach(&corpus, &mut passages);
            assert_eq!(problems.len(), 1, "{text}");
            assert!(problems[0].message.contains(needle), "{problems:?}");
            assert_eq!(problems[0].line, Some(3), "{problems:?}");
            assert!(passages.iter().all(|p| p.taught.is_empty()));
        }
    }

    #[test]
    fn a_drug_question_pins_its_drugs_passage_or_one_that_names_no_drug() {
        let (_dir, corpus) = corpus(&format!(
            "{}{}",
            entry(
                "does tysabri give you a rash",
                "a",
                "Some people get a rash"
            ),
            entry(
                "how often are ocrevus and tysabri given",
                "a",
                "given twice a year"
            ),
        ));
        let mut passages = super::super::passage::cut_passages(&corpus);
        assert_eq!(attach(&corpus, &mut passages), []);
        let pinned = |question: &str| -> &str {
            let p = passages
                .iter()
                .find(|p| p.taught.iter().any(|t| t == question))
                .unwrap_or_else(|| panic!("{question} pins nothing"));
            &p.text
        };
        // The passage that names no drug, and Ocrevus's own.
        assert!(pinned("does tysabri give you a rash").starts_with("Some people get a rash"));
        assert!(pinned("how often are ocrevus and tysabri given").contains("twice a year"));
    }

    #[test]
    fn a_chosen_passage_gets_a_quote_that_pins_it_back() {
        let (_dir, corpus) = corpus("");
        let passages = super::super::passage::cut_passages(&corpus);
        let synonyms = parse_synonyms(Path::new("s.toml"), b"").unwrap();
        for passage in &passages {
            let quote = quote_for(&passages, passage);
            let taught = TaughtQuestion {
                question: "anything".into(),
                article: "a".into(),
                quote,
            };
            assert_eq!(pin(&passages, &synonyms, &taught), Ok(passage.id));
        }
    }
}
