//! `index` and `check`: building the search index from the corpus, and
//! validating the corpus with every problem's file and line.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use super::plain::printable;
use crate::config::Config;
use crate::corpus::{review, Corpus, CorpusError};
use crate::engine::Engine;
use crate::text::count;

/// `check`: every problem of the corpus, one a line. Returns whether it is valid.
pub fn check(config: &Config, out: &mut dyn Write) -> Result<bool> {
    let loaded = Corpus::load(&config.corpus).and_then(|corpus| {
        // Each taught question must pin one passage of its article.
        let mut passages = crate::engine::passage::cut_passages(&corpus);
        match crate::engine::taught::attach(&corpus, &mut passages)[..] {
            [] => Ok((corpus, passages)),
            ref problems => Err(CorpusError::Invalid(problems.to_vec())),
        }
    });
    match loaded {
        Ok((corpus, passages)) => {
            writeln!(
                out,
                "corpus OK: {} articles, {} passages, {} synonym groups, {} ({})",
                corpus.articles.len(),
                passages.len(),
                corpus.synonyms.groups.len(),
                count(corpus.taught.questions.len(), "taught question"),
                config.corpus.display()
            )?;
            // Not problems: the corpus is valid, but these want a look.
            let today = review::today();
            let mut due = 0;
            for article in &corpus.articles {
                let dates = review::Dates::of(&article.meta);
                if let Some(why) = review::review_due(&dates, today, config.review_after_days) {
                    due += 1;
                    let line = format!(
                        "warning: {} ({}) is due for review: {why}",
                        article.meta.id, article.meta.title
                    );
                    writeln!(out, "{}", printable(&line))?;
                }
            }
            if due > 0 {
                writeln!(
                    out,
                    "{} due for review (older than {} days, or undated); not an error",
                    count(due, "article"),
                    config.review_after_days
                )?;
            }
            Ok(true)
        }
        Err(CorpusError::Invalid(problems)) => {
            for problem in &problems {
                writeln!(out, "{problem}")?;
            }
            let files: std::collections::BTreeSet<&Path> =
                problems.iter().map(|p| p.path.as_path()).collect();
            writeln!(
                out,
                "{} in {}",
                count(problems.len(), "problem"),
                count(files.len(), "file")
            )?;
            Ok(false)
        }
        Err(err) => Err(err.into()),
    }
}

/// `index`: rebuilds the index and prints a summary.
pub fn index(config: &Config, out: &mut dyn Write) -> Result<()> {
    let started = Instant::now();
    let corpus = Corpus::load(&config.corpus)?;
    let articles = corpus.articles.len();
    let bar = indicatif::ProgressBar::hidden();
    let show = std::io::stderr().is_terminal();
    let progress = |done: usize, total: usize| {
        if show && total >= 2_000 {
            if bar.is_hidden() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "indexing {bar:40} {pos}/{len} passages",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
            }
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let engine = Engine::from_corpus(
        corpus,
        &config.index,
        config.engine.clone(),
        true,
        &progress,
    )
    .context("cannot build the index")?;
    bar.finish_and_clear();
    let report = engine.build_report();
    writeln!(
        out,
        "indexed {} articles, {} passages in {:.2} s → {}",
        articles,
        report.passages,
        started.elapsed().as_secs_f64(),
        report.path.display()
    )?;
    Ok(())
}
