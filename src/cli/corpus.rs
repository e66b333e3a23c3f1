//! `corpus …`: moderators' changes from the shell, through the same
//! [`crate::moderation`] code as the Discord admin commands (validated,
//! versioned, audited), and the listings that go with them.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result};

use super::plain::printable;
use super::CorpusCommand;
use crate::config::Config;
use crate::corpus::{review, TaughtQuestion, MAX_ARTICLE_BYTES, MAX_SYNONYMS_BYTES};
use crate::engine::Engine;
use crate::moderation::change::{self, Applied, ChangeRequest};
use crate::moderation::store::CorpusStore;
use crate::moderation::Actor;
use crate::storage::read::read_capped;

/// Runs one `corpus` command.
pub fn corpus(config: &Config, command: &CorpusCommand, out: &mut dyn Write) -> Result<()> {
    use crate::moderation::audit::AuditStatus;

    let store = CorpusStore::new(&config.corpus);
    let read = |file: &Path| -> Result<(String, Vec<u8>)> {
        // Checked before reading: `corpus add /dev/zero` is refused at once.
        let cap = MAX_ARTICLE_BYTES.max(MAX_SYNONYMS_BYTES) as u64;
        let bytes = read_capped(file, cap).context("cannot read the upload")?;
        let name = file.file_name().map_or_else(
            || "upload.md".to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Ok((name, bytes))
    };
    let request = match command {
        CorpusCommand::Add { file } => {
            let (file_name, bytes) = read(file)?;
            Some(ChangeRequest::Add { file_name, bytes })
        }
        CorpusCommand::Replace { id, file } => {
            let (file_name, bytes) = read(file)?;
            Some(ChangeRequest::Replace {
                id: id.clone(),
                file_name,
                bytes,
                base: None,
            })
        }
        CorpusCommand::Import {
            source,
            id,
            dry_run,
        } => return crate::import::cli::import(config, source, id.as_deref(), *dry_run, out),
        CorpusCommand::Remove { id } => Some(ChangeRequest::Remove { id: id.clone() }),
        CorpusCommand::Restore { id, version } => Some(ChangeRequest::Restore {
            id: id.clone(),
            version: *version,
        }),
        CorpusCommand::Teach {
            question,
            article: Some(article),
            quote: Some(quote),
        } => Some(ChangeRequest::Teach {
            taught: TaughtQuestion {
                question: question.clone(),
                article: article.clone(),
                quote: quote.clone(),
            },
        }),
        CorpusCommand::Teach { question, .. } => {
            candidates(config, question, out)?;
            None
        }
        CorpusCommand::Taught => {
            for t in store.taught()? {
                let pinned = match &t.pinned {
                    Ok(section) => format!("→ {section}"),
                    Err(why) => format!("⚠ pins no passage: {why}"),
                };
                let line = format!(
                    "{:>4}  {:?}  [{}] {pinned}",
                    t.number, t.taught.question, t.taught.article
                );
                writeln!(out, "{}", printable(&line))?;
            }
            None
        }
        CorpusCommand::Unteach { number } => Some(ChangeRequest::Unteach { number: *number }),
        CorpusCommand::Synonyms { file: Some(file) } => {
            let (_, bytes) = read(file)?;
            Some(ChangeRequest::Synonyms { bytes })
        }
        CorpusCommand::Synonyms { file: None } => {
            out.write_all(&store.synonyms()?)?;
            None
        }
        CorpusCommand::History { id } => {
            for v in store.history(id)? {
                let mark = if v.current { "  (current)" } else { "" };
                writeln!(out, "{:>4}  {}  {} bytes{mark}", v.number, v.saved, v.bytes)?;
            }
            None
        }
        CorpusCommand::List => {
            let today = review::today();
            for a in store.list()? {
                let reviewed = a
                    .reviewed
                    .as_deref()
                    .map(|d| format!(", reviewed {d}"))
                    .unwrap_or_default();
                let due = review::review_due(&a.dates, today, config.review_after_days)
                    .map(|due| format!("  ⚠ due for review: {due}"))
                    .unwrap_or_default();
                let line = format!(
                    "{}  {} ({}{reviewed})  [{}]{due}",
                    a.id, a.title, a.publisher, a.file
                );
                writeln!(out, "{}", printable(&line))?;
            }
            None
        }
        CorpusCommand::Show { id } => {
            // Byte for byte into a file or a pipe (to edit and replace);
            // on a terminal, without control characters.
            let bytes = store.current(id)?.1;
            if std::io::stdout().is_terminal() {
                let text = String::from_utf8_lossy(&bytes);
                out.write_all(printable(&text).as_bytes())?;
            } else {
                out.write_all(&bytes)?;
            }
            None
        }
        CorpusCommand::Audit => {
            for e in store.audit()? {
                let versions = match (e.old_version, e.new_version) {
                    (Some(o), Some(n)) => format!("v{o} → v{n}"),
                    (None, Some(n)) => format!("→ v{n}"),
                    (Some(o), None) => format!("v{o} →"),
                    (None, None) => String::new(),
                };
                let note = match e.status {
                    AuditStatus::Interrupted => "  [interrupted by a crash: not applied]",
                    _ => "",
                };
                let line = format!(
                    "{}  {} ({})  {} {} {versions}  {}{note}",
                    e.time, e.actor.name, e.actor.id, e.action, e.target, e.summary
                );
                writeln!(out, "{}", printable(&line))?;
            }
            None
        }
    };
    match request {
        Some(request) => make(config, request, Warnings::Print, out),
        None => Ok(()),
    }
}

/// Whether [`make`] prints the change's preview warnings (`corpus import`
/// has shown them with its preview already).
pub(crate) enum Warnings {
    Print,
    Shown,
}

/// Makes one change through [`change::apply`] as the command line, then
/// rebuilds the index so the next question is answered from the new corpus
/// at once (running bots pick the change up by watching the folder).
pub(crate) fn make(
    config: &Config,
    request: ChangeRequest,
    warnings: Warnings,
    out: &mut dyn Write,
) -> Result<()> {
    let store = CorpusStore::new(&config.corpus);
    let actor = Actor::command_line();
    let Applied { made, live } = change::apply(&store, request, &actor, || {
        Engine::open(&config.paths(), config.engine.clone())
    })?;
    writeln!(out, "{}", printable(&made.summary))?;
    if matches!(warnings, Warnings::Print) {
        for warning in &made.warnings {
            writeln!(out, "  warning: {}", printable(warning))?;
        }
    }
    let engine = live.context("the change is saved, but the corpus does not load")?;
    writeln!(
        out,
        "live: {} articles, {} passages",
        engine.corpus().articles.len(),
        engine.passages().len()
    )?;
    Ok(())
}

/// Passages the engine finds nearest to `question`, as `corpus teach`
/// would pin them: the arguments that teach each, and its section.
fn candidates(config: &Config, question: &str, out: &mut dyn Write) -> Result<()> {
    let engine = Engine::open(&config.paths(), config.engine.clone())?;
    let choices = crate::moderation::taught::choices(&engine, question);
    if choices.is_empty() {
        writeln!(
            out,
            "no passage is near that question; teach it with --article and --quote"
        )?;
        return Ok(());
    }
    writeln!(out, "passages near that question (nothing written):")?;
    for choice in choices {
        let line = format!(
            "  --article {} --quote {:?}\n      {}",
            choice.taught.article, choice.taught.quote, choice.section
        );
        writeln!(out, "{}", printable(&line))?;
    }
    Ok(())
}
