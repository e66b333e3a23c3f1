//! Property tests: thousands of generated questions through the engine and
//! generated article files through the validator. Nothing panics; every
//! verdict keeps its promises; every problem names its file and a real line.

use std::path::Path;

use infusion_faq::corpus::parse_article;
use infusion_faq::engine::Verdict;
use proptest::prelude::*;

use crate::engine_api::engine;

/// Words members use, misspelled ones and hostile ones among them.
const WORDS: &[&str] = &[
    "tysabri",
    "tysbari",
    "ocrevus",
    "ocrelizumab",
    "lemtrada",
    "alemtuzumab",
    "IVIG",
    "steroids",
    "infusion",
    "drip",
    "how",
    "often",
    "long",
    "what",
    "is",
    "the",
    "side",
    "effects",
    "of",
    "can",
    "I",
    "my",
    "neuro",
    "said",
    "pregnant",
    "cost",
    "chest",
    "pain",
    "breathe",
    "rash",
    "?",
    "!!",
    "...",
    "\u{1b}[2J",
    "\u{0}",
    "<@123>",
    "@everyone",
    "**",
    "`",
    "title:foo",
    "AND",
    "OR",
    "NOT",
    "(",
    ")",
    "\"",
    "ß",
    "é",
    "🙂",
    "\u{202e}",
];

fn question() -> impl Strategy<Value = String> {
    prop_oneof![
        // Anything at all, up to a short post (long posts cost a model
        // pass of hundreds of tokens each in a debug build).
        "\\PC{0,200}",
        ".{0,40}",
        // Sentences of members' words.
        prop::collection::vec(prop::sample::select(WORDS), 0..40).prop_map(|w| w.join(" ")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_question_gets_a_verdict_that_keeps_its_promises(q in question()) {
        let engine = engine();
        let verdict = engine.ask(&q);
        let max = engine.settings().max_passages;
        prop_assert!(verdict.hits().len() <= max);
        for hit in verdict.hits() {
            prop_assert!(engine.passages().iter().any(|p| p.id == hit.passage.id));
            for span in hit.marked() {
                prop_assert!(span.start <= span.end && span.end <= hit.passage.text.len());
                prop_assert!(hit.passage.text.is_char_boundary(span.start));
                prop_assert!(hit.passage.text.is_char_boundary(span.end));
            }
        }
        if let Verdict::Urgent { guidance, .. } = &verdict {
            prop_assert!(!guidance.is_empty());
        }
    }
}

/// Pieces of article files, valid and broken, to shuffle together.
const PIECES: &[&str] = &[
    "+++\n",
    "id = \"a-b\"\n",
    "id = \"Bad Id\"\n",
    "id = \"synonyms\"\n",
    "title = \"T\"\n",
    "title = \"\"\n",
    "title = \"x\\u001b]0;y\\u0007\"\n",
    "publisher = \"P\"\n",
    "url = \"https://x.org/a\"\n",
    "url = \"javascript:1\"\n",
    "reviewed = 2024-01-02\n",
    "reviewed = 2024-01-02T10:00:00\n",
    "references = [\"a\", \"b\"]\n",
    "summary = \"s\"\n",
    "nonsense = [\n",
    "\n",
    "## Heading\n",
    "#\n",
    "### Deep\n",
    "Text text.\n",
    "- item\n",
    "  - nested\n",
    "1. one\n",
    "```\ncode\n```\n",
    "> quote\n",
    "<div>html</div>\n",
    "[link](https://x.org)\n",
    "\u{0}\u{1b}\r\n",
    "\u{feff}",
    "é",
    "🙂",
];

fn article_file() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2000),
        prop::collection::vec(prop::sample::select(PIECES), 0..80)
            .prop_map(|p| p.concat().into_bytes()),
        // A valid front matter, then anything.
        prop::collection::vec(prop::sample::select(PIECES), 0..80).prop_map(|p| {
            format!(
                "+++\nid = \"a-b\"\ntitle = \"T\"\npublisher = \"P\"\nurl = \"https://x.org\"\n+++\n{}",
                p.concat()
            )
            .into_bytes()
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn any_article_file_is_parsed_or_refused_with_file_and_line(bytes in article_file()) {
        let path = Path::new("fuzz.md");
        if let Err(problems) = parse_article(path, &bytes) {
            prop_assert!(!problems.is_empty());
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
            for problem in problems {
                let text = problem.to_string();
                prop_assert!(text.starts_with("fuzz.md"), "{}", text);
                prop_assert!(!text.contains('\n'), "{:?}", text);
                if let Some(line) = problem.line {
                    prop_assert!(line >= 1 && line <= lines, "line {} of {}: {}", line, lines, text);
                }
            }
        }
    }
}
