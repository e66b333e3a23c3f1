//! The command line: every clap definition ([`Args`]), and [`run`], which
//! loads the config, starts logging and calls one command. Each command
//! family has its file; output goes to the writer given, so tests can read
//! it, and text from files or members is made [`plain::printable`] first.
//!
//! - [`ask`] — `ask` (and `--explain`)
//! - [`index`] — `index` and `check`
//! - [`eval`] — `eval`
//! - [`corpus`] — `corpus add|replace|remove|history|restore|list|show|synonyms|audit`
//! - [`feedback`] — `gaps` and `purge`
//! - [`plain`] — verdicts as terminal text
//! - `serve` (with the `discord` feature): [`crate::discord::serve`]

pub mod ask;
pub mod corpus;
pub mod eval;
pub mod feedback;
pub mod index;
pub mod plain;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use ask::ask;
pub use corpus::corpus;
pub use eval::eval;
pub use index::{check, index};

use crate::config::Config;
use crate::feedback::PurgeScope;

/// Answers questions about MS infusion therapies by quoting cited passages of
/// trusted articles. Not medical advice.
#[derive(Parser)]
#[command(name = "infusion-faq", version)]
pub struct Args {
    /// Configuration file (see config.example.toml).
    #[arg(long, global = true, value_name = "FILE", env = "INFUSION_FAQ_CONFIG")]
    pub config: Option<PathBuf>,
    /// Corpus folder (default: ./corpus).
    #[arg(long, global = true, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Index folder (default: ./index).
    #[arg(long, global = true, value_name = "DIR")]
    pub index: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand)]
pub enum Command {
    /// Answer a question; with none, read one question per line.
    Ask {
        /// The question (quotes optional).
        question: Vec<String>,
        /// Print the verdict as JSON.
        #[arg(long)]
        json: bool,
        /// First show how the question was understood and every candidate passage.
        #[arg(long)]
        explain: bool,
    },
    /// Rebuild the search index from the corpus.
    Index,
    /// Validate the corpus and list every problem with file and line.
    Check,
    /// Score the engine on a question set (see shared/eval/README.md).
    Eval {
        file: PathBuf,
        /// Print only the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Run the Discord bot (token from DISCORD_TOKEN; see config.example.toml).
    #[cfg(feature = "discord")]
    Serve {
        /// For the bot benchmark: answer every question with one verdict
        /// computed at start, without asking the engine.
        #[arg(long, hide = true, conflicts_with = "replay_answers")]
        constant_answer: bool,
        /// For the bot benchmark: ask the engine each distinct question
        /// once, then replay its verdict.
        #[arg(long, hide = true)]
        replay_answers: bool,
    },
    /// Change the corpus: add, replace, remove, history, restore, list, show,
    /// synonyms, audit. Every change is validated, kept and audited.
    #[command(subcommand)]
    Corpus(CorpusCommand),
    /// Show the most frequent unanswered questions and the worst-rated passages.
    Gaps {
        /// Days covered, ending today (UTC).
        #[arg(long, default_value_t = 30, value_name = "N")]
        #[arg(value_parser = clap::value_parser!(u32).range(1..))]
        days: u32,
        /// Only this Discord server (guild id); default: all.
        #[arg(long, value_name = "ID")]
        guild: Option<u64>,
        /// Entries per list, at most.
        #[arg(long, default_value_t = 20, value_name = "N")]
        limit: usize,
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Delete recorded feedback and say exactly what was deleted.
    Purge {
        #[command(flatten)]
        what: PurgeWhat,
        /// Only this Discord server (guild id); default: all.
        #[arg(long, value_name = "ID")]
        guild: Option<u64>,
    },
}

/// `corpus …`: moderators' changes from the shell ([`corpus`]).
#[derive(Debug, clap::Subcommand)]
pub enum CorpusCommand {
    /// Add a new article from a Markdown file in the corpus format.
    Add { file: PathBuf },
    /// Replace article ID with a file (the id must stay the same).
    Replace { id: String, file: PathBuf },
    /// Remove article ID (its versions stay in the history).
    Remove { id: String },
    /// List the kept versions of article ID (ID synonyms: the synonyms
    /// file; ID taught: the taught questions).
    History { id: String },
    /// Make version VERSION of article ID current again (ID synonyms: the
    /// synonyms file; ID taught: the taught questions).
    Restore { id: String, version: u32 },
    /// Teach the bot that QUESTION is answered by the passage of article ID
    /// that contains PHRASE. Without --article and --quote, show the
    /// passages the engine would pick, with a quote for each; write nothing.
    Teach {
        question: String,
        /// The id of the article that answers it.
        #[arg(long, value_name = "ID", requires = "quote")]
        article: Option<String>,
        /// Verbatim words of the answering passage, found in no other
        /// passage of the article (case and spacing aside).
        #[arg(long, value_name = "PHRASE", requires = "article")]
        quote: Option<String>,
    },
    /// List the taught questions, numbered, with the passage each is pinned to.
    Taught,
    /// Forget taught question NUMBER (as `taught` numbers them).
    Unteach { number: usize },
    /// List the articles.
    List,
    /// Print article ID's current file.
    Show { id: String },
    /// Replace the synonyms file with FILE (or print it when no FILE).
    Synonyms { file: Option<PathBuf> },
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

/// What `purge` deletes: exactly one of these.
#[derive(clap::Args)]
#[group(required = true, multiple = false)]
pub struct PurgeWhat {
    /// Question texts recorded more than DAYS days ago (votes and counts stay).
    #[arg(long, value_name = "DAYS")]
    older_than: Option<u32>,
    /// Every question text (votes and counts stay).
    #[arg(long)]
    all_questions: bool,
    /// Every vote and every unanswered record, with their texts.
    #[arg(long)]
    everything: bool,
}

impl PurgeWhat {
    fn scope(&self) -> PurgeScope {
        match (self.older_than, self.all_questions) {
            (Some(days), _) => PurgeScope::QuestionsOlderThan(days),
            (None, true) => PurgeScope::AllQuestions,
            (None, false) => PurgeScope::Everything,
        }
    }
}

/// The whole program: parses the arguments, loads the config (the folder
/// options override it), starts logging and runs the command.
pub fn run() -> ExitCode {
    let args = Args::parse();
    let config = match Config::load(args.config.as_deref()) {
        Ok(mut config) => {
            if let Some(corpus) = args.corpus {
                config.corpus = corpus;
            }
            if let Some(index) = args.index {
                config.index = index;
            }
            config
        }
        Err(err) => return fail(&err.into()),
    };
    init_logging(&log_filter(&args.command, config.log_level.as_deref()));
    let mut stdout = std::io::stdout().lock();
    let result = match &args.command {
        Command::Ask {
            question,
            json,
            explain,
        } => {
            // No words at all: interactive; an empty string is still a question.
            let question = (!question.is_empty()).then(|| question.join(" "));
            ask(&config, question.as_deref(), *json, *explain, &mut stdout)
        }
        Command::Index => index(&config, &mut stdout),
        Command::Check => match check(&config, &mut stdout) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(err) => Err(err),
        },
        Command::Eval { file, json } => eval(&config, file, *json, &mut stdout),
        #[cfg(feature = "discord")]
        Command::Serve {
            constant_answer,
            replay_answers,
        } => {
            use crate::discord::BenchAnswers;
            let bench = match (constant_answer, replay_answers) {
                (true, _) => BenchAnswers::Constant,
                (_, true) => BenchAnswers::Replay,
                _ => BenchAnswers::Engine,
            };
            serve(config.clone(), bench)
        }
        Command::Corpus(command) => corpus(&config, command, &mut stdout),
        Command::Gaps {
            days,
            guild,
            limit,
            json,
        } => feedback::gaps(&config, *days, *guild, *limit, *json, &mut stdout),
        Command::Purge { what, guild } => {
            feedback::purge(&config, what.scope(), *guild, &mut stdout)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&err),
    }
}

/// The log filter unless `RUST_LOG` says otherwise: the bot logs at `info`
/// (without serenity's chatter), the other commands only warnings.
fn log_filter(command: &Command, level: Option<&str>) -> String {
    match command {
        #[cfg(feature = "discord")]
        Command::Serve { .. } => crate::discord::log_filter(level.unwrap_or("info")),
        _ => level.unwrap_or("warn").to_string(),
    }
}

/// `serve`: the bot on a multi-threaded runtime until it stops.
#[cfg(feature = "discord")]
fn serve(config: Config, bench: crate::discord::BenchAnswers) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(crate::discord::serve(config, bench))
}

/// One line: the error and its causes, each once (a message that already
/// quotes its cause is not followed by it again). A closed pipe (`… | head`)
/// is not an error: the reader had enough.
fn fail(err: &anyhow::Error) -> ExitCode {
    let broken_pipe = err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        return ExitCode::SUCCESS;
    }
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    eprintln!("error: {}", plain::printable(&line));
    ExitCode::FAILURE
}

fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour only for a person at a terminal, not in log files or journald.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
