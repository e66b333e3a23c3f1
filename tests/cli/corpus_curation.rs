//! The shipped corpus is faithful to its sources: quoted verbatim, every
//! "this drug" under a heading that names the drug, passages quotable in chat.

use infusion_faq::corpus::Corpus;
use infusion_faq::engine::passage::cut_passages;

use crate::support::common::{repo, shared};

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_sentence_of_the_shipped_corpus_is_verbatim_from_the_sources() {
    let mut sources = String::new();
    for entry in std::fs::read_dir(shared("sources")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            sources.push_str(&std::fs::read_to_string(path).unwrap());
            sources.push(' ');
        }
    }
    let sources = collapse(&sources);
    let corpus = Corpus::load(&repo().join("corpus")).unwrap();
    let passages = cut_passages(&corpus);
    assert!(passages.len() > 20);
    for passage in &passages {
        for line in passage.text.lines() {
            let line = line.trim_start().trim_start_matches("- ");
            if line.is_empty() {
                continue;
            }
            assert!(
                sources.contains(&collapse(line)),
                "not verbatim ({}): {line}",
                passage.article.meta.id
            );
        }
    }
    for article in &corpus.articles {
        for reference in &article.meta.references {
            assert!(
                sources.contains(&collapse(reference)),
                "reference not verbatim: {reference}"
            );
        }
    }
}

#[test]
fn no_passage_says_this_drug_without_naming_the_drug_in_its_heading() {
    let corpus = Corpus::load(&repo().join("corpus")).unwrap();
    let drugs = ["alemtuzumab", "natalizumab", "mitoxantrone", "ocrelizumab"];
    for passage in cut_passages(&corpus) {
        if passage.text.to_lowercase().contains("this drug") {
            let heading = passage.heading_path.join(" ").to_lowercase();
            assert!(
                drugs.iter().any(|d| heading.contains(d)),
                "\"this drug\" under {:?}: {}",
                passage.heading_path,
                passage.text
            );
        }
    }
}

#[test]
fn page_furniture_is_not_in_the_corpus() {
    let corpus = Corpus::load(&repo().join("corpus")).unwrap();
    for passage in cut_passages(&corpus) {
        for furniture in [
            "Featured Content",
            "open article sources",
            "Answers represent the opinions",
        ] {
            assert!(
                !passage.text.contains(furniture),
                "{furniture} in {}",
                passage.text
            );
        }
    }
}

#[test]
fn passages_are_short_enough_to_quote_in_a_chat_message() {
    let corpus = Corpus::load(&repo().join("corpus")).unwrap();
    for passage in cut_passages(&corpus) {
        let chars = passage.text.chars().count();
        assert!(chars <= 1000, "{chars} characters: {}", passage.text);
    }
}
