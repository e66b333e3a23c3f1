//! Prints every passage of a corpus as one JSON line: its id, the text the
//! sentence model reads for the whole passage ("title › headings\ntext"),
//! and each sentence as the model reads it. The model's fine-tuning script
//! (`models/…/train.py`) reads this, so that it trains on exactly what the
//! engine embeds.
//!
//! `cargo run --release --example dump_passages -- corpus > passages.jsonl`

use std::io::Write;
use std::path::PathBuf;

use infusion_faq::corpus::Corpus;
use infusion_faq::engine::passage::cut_passages;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "corpus".into()));
    let corpus = match Corpus::load(&dir) {
        Ok(corpus) => corpus,
        Err(e) => {
            eprintln!("cannot load {}: {e}", dir.display());
            std::process::exit(1);
        }
    };
    let mut out = std::io::stdout().lock();
    for p in cut_passages(&corpus) {
        let sentences: Vec<&str> = p.sentences.iter().map(|r| &p.text[r.clone()]).collect();
        let line = serde_json::json!({
            "id": p.id,
            "article": p.article.meta.id,
            "section": p.section(),
            "text": p.text,
            "whole": p.embedded_text(),
            "sentences": sentences,
        });
        // A closed pipe (`| head`) ends the listing quietly.
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
}
