//! The command-line commands, as library calls: `main.rs` only parses
//! arguments and prints errors. Output goes to the writer given, so tests can
//! read it.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::config::Config;
use crate::corpus::{Corpus, CorpusError, MAX_ARTICLE_BYTES, MAX_SYNONYMS_BYTES};
use crate::engine::Engine;
use crate::storage::read::read_capped;
use crate::{eval, render};

/// `ask`: one question, or one per line from standard input.
pub fn ask(
    config: &Config,
    question: Option<&str>,
    json: bool,
    explain: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let engine = Engine::open(&config.paths(), config.engine.clone())
        .context("cannot open the answer engine")?;
    let bold = !json && std::io::stdout().is_terminal();
    let answer = |q: &str, out: &mut dyn Write| -> Result<()> {
        if explain && json {
            writeln!(out, "{}", serde_json::to_string(&engine.explain(q))?)?;
        } else if explain {
            write_explanation(&engine, q, out)?;
        }
        let verdict = engine.ask(q);
        if json {
            let mut value = serde_json::to_value(&verdict)?;
            value["disclaimer"] = verdict.disclaimer().into();
            writeln!(out, "{value}")?;
        } else {
            write!(out, "{}", render::plain_text(&verdict, bold))?;
        }
        Ok(())
    };
    if let Some(q) = question {
        return answer(q, out);
    }
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    if interactive {
        eprintln!("Ask about MS infusion therapies, one question per line (Ctrl-D to quit).");
    }
    loop {
        if interactive {
            eprint!("question> ");
        }
        let mut bytes = Vec::new();
        if stdin
            .lock()
            .take(MAX_LINE_BYTES)
            .read_until(b'\n', &mut bytes)
            .context("cannot read standard input")?
            == 0
        {
            break;
        }
        if bytes.len() as u64 == MAX_LINE_BYTES && !bytes.ends_with(b"\n") {
            // Over-long: skip the rest of it, report it once.
            skip_line(&mut stdin.lock()).context("cannot read standard input")?;
            eprintln!("skipped a line of over {} KiB", MAX_LINE_BYTES / 1024);
            continue;
        }
        let Ok(line) = String::from_utf8(bytes) else {
            eprintln!("skipped a line that is not UTF-8 text");
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        answer(line.trim(), out)?;
        out.flush()?;
    }
    Ok(())
}

/// A question on standard input longer than this is not a question.
const MAX_LINE_BYTES: u64 = 64 * 1024;

/// Reads past the end of the current line, holding none of it.
fn skip_line(input: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        if let Some(i) = buf.iter().position(|&b| b == b'\n') {
            input.consume(i + 1);
            return Ok(());
        }
        let n = buf.len();
        input.consume(n);
    }
}

/// How the engine understood a question: its concepts with their weights,
/// every candidate passage with both signals and its fused rank, and the
/// verdict's reason.
fn write_explanation(engine: &Engine, question: &str, out: &mut dyn Write) -> Result<()> {
    let explanation = engine.explain(question);
    let plan = &explanation.plan;
    writeln!(out, "concepts (weight, how recognised):")?;
    for c in &plan.concepts {
        let ways: Vec<String> = c.alternatives.iter().map(|p| p.join(" ")).collect();
        writeln!(
            out,
            "  {:<20} {:>5.2}{}  {:?}  [{}]",
            c.surface,
            c.weight,
            if c.weak { " (weak)" } else { "" },
            c.recognised,
            ways.join(" | ")
        )?;
    }
    if !plan.cues.is_empty() {
        writeln!(out, "answer cues: {}", plan.cues.join(" "))?;
    }
    writeln!(
        out,
        "candidates (fused rank; lexical rank, coverage; dense rank, similarity; confidence, quoted from {:.2}):",
        engine.settings().min_confidence
    )?;
    let rank = |r: Option<usize>| r.map_or("-".to_string(), |r| r.to_string());
    for (n, c) in explanation.candidates.iter().enumerate() {
        let first_line = c.hit.passage.text.lines().next().unwrap_or("");
        let preview: String = first_line.chars().take(60).collect();
        writeln!(
            out,
            "  {:>2}{} lex {:>2} {:>4.2}  dense {:>2} {:>4.2}  conf {:>4.2}{}  {} | {}",
            n + 1,
            if n < explanation.quoted { "*" } else { " " },
            rank(c.lexical_rank),
            c.hit.coverage,
            rank(c.dense_rank),
            c.hit.similarity,
            c.confidence,
            if c.other_drug { " other drug" } else { "" },
            c.hit.passage.section(),
            crate::render::printable(&preview)
        )?;
    }
    writeln!(out, "verdict: {}", describe(&explanation.reason))?;
    writeln!(out)?;
    Ok(())
}

/// A verdict's reason in words, for `--explain`.
fn describe(reason: &crate::engine::Reason) -> String {
    use crate::engine::Reason;
    match reason {
        Reason::Answered { confidence, margin } => format!(
            "answered: the best passage's confidence {confidence:.2} (similarity margin {margin:.2}) passes the bar"
        ),
        Reason::LowConfidence { confidence, margin } => format!(
            "no answer: the best passage's confidence {confidence:.2} (similarity margin {margin:.2}) is under the bar"
        ),
        Reason::OtherDrug => {
            "no answer: every near passage is about another drug than the question names".into()
        }
        Reason::NothingNear => "no answer: nothing in the articles is near the question".into(),
    }
}

/// `check`: every problem of the corpus, one a line. Returns whether it is valid.
pub fn check(config: &Config, out: &mut dyn Write) -> Result<bool> {
    match Corpus::load(&config.corpus) {
        Ok(corpus) => {
            let passages = crate::engine::passage::cut_passages(&corpus);
            writeln!(
                out,
                "corpus OK: {} articles, {} passages, {} synonym groups ({})",
                corpus.articles.len(),
                passages.len(),
                corpus.synonyms.groups.len(),
                config.corpus.display()
            )?;
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
                "{} problem{} in {} file{}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                files.len(),
                if files.len() == 1 { "" } else { "s" }
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

/// `eval`: scores the engine on a question set.
pub fn eval(config: &Config, file: &Path, json: bool, out: &mut dyn Write) -> Result<()> {
    let cases = eval::load_cases(file)?;
    let engine = Engine::open(&config.paths(), config.engine.clone())
        .context("cannot open the answer engine")?;
    let outcomes = eval::run(&engine, &cases);
    let report = eval::score(&outcomes);
    if json {
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
    } else {
        write!(out, "{}", eval::render_text(&outcomes, &report))?;
    }
    Ok(())
}

/// `corpus …`: moderators' changes from the shell, through the same code as
/// the Discord admin commands (validated, versioned, audited).
#[derive(Debug, clap::Subcommand)]
pub enum CorpusCommand {
    /// Add a new article from a Markdown file in the corpus format.
    Add { file: std::path::PathBuf },
    /// Replace article ID with a file (the id must stay the same).
    Replace {
        id: String,
        file: std::path::PathBuf,
    },
    /// Remove article ID (its versions stay in the history).
    Remove { id: String },
    /// List the kept versions of article ID (ID synonyms: the synonyms file).
    History { id: String },
    /// Make version VERSION of article ID current again (ID synonyms: the
    /// synonyms file).
    Restore { id: String, version: u32 },
    /// List the articles.
    List,
    /// Print article ID's current file.
    Show { id: String },
    /// Replace the synonyms file with FILE (or print it when no FILE).
    Synonyms { file: Option<std::path::PathBuf> },
    /// Print the audit log, oldest first.
    Audit,
    /// Add an article from its web page (an http(s):// link) or the page
    /// saved as .html: previewed, then added like `add`.
    Import {
        /// The page's link, or a saved .html/.htm file.
        source: String,
        /// The new article's id (default: a slug of publisher and title).
        #[arg(long)]
        id: Option<String>,
        /// Print the article file and the preview; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Runs one `corpus` command.
pub fn corpus(config: &Config, command: &CorpusCommand, out: &mut dyn Write) -> Result<()> {
    use crate::moderation::audit::AuditStatus;
    use crate::moderation::store::CorpusStore;
    use crate::moderation::Actor;

    let store = CorpusStore::new(&config.corpus);
    let actor = Actor::command_line();
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
    let change = match command {
        CorpusCommand::Add { file } => {
            let (name, bytes) = read(file)?;
            Some(store.add(&name, &bytes, &actor)?)
        }
        CorpusCommand::Replace { id, file } => {
            let (name, bytes) = read(file)?;
            Some(store.replace(id, &name, &bytes, None, &actor)?)
        }
        CorpusCommand::Import {
            source,
            id,
            dry_run,
        } => return crate::import::cli::import(config, source, id.as_deref(), *dry_run, out),
        CorpusCommand::Remove { id } => Some(store.remove(id, &actor)?),
        CorpusCommand::Restore { id, version } => Some(store.restore(id, *version, &actor)?),
        CorpusCommand::Synonyms { file: Some(file) } => {
            let (_, bytes) = read(file)?;
            Some(store.replace_synonyms(&bytes, &actor)?)
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
            for a in store.list()? {
                let reviewed = a
                    .reviewed
                    .map(|d| format!(", reviewed {d}"))
                    .unwrap_or_default();
                let line = format!(
                    "{}  {} ({}{reviewed})  [{}]",
                    a.id, a.title, a.publisher, a.file
                );
                writeln!(out, "{}", render::printable(&line))?;
            }
            None
        }
        CorpusCommand::Show { id } => {
            // Byte for byte into a file or a pipe (to edit and replace);
            // on a terminal, without control characters.
            let bytes = store.current(id)?.1;
            if std::io::stdout().is_terminal() {
                let text = String::from_utf8_lossy(&bytes);
                out.write_all(render::printable(&text).as_bytes())?;
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
                writeln!(out, "{}", render::printable(&line))?;
            }
            None
        }
    };
    if let Some(change) = change {
        writeln!(out, "{}", render::printable(&change.summary))?;
        for warning in &change.warnings {
            writeln!(out, "  warning: {}", render::printable(warning))?;
        }
        // Rebuild now, so the next question is answered from the new corpus
        // at once; running bots pick the change up by watching the folder.
        let engine = Engine::open(&config.paths(), config.engine.clone())
            .context("the change is saved, but the corpus does not load")?;
        writeln!(
            out,
            "live: {} articles, {} passages",
            engine.corpus().articles.len(),
            engine.passages().len()
        )?;
    }
    Ok(())
}
