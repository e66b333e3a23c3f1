//! The `infusion-faq` binary: parses the command line and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use infusion_faq::moderation::feedback::PurgeScope;
use infusion_faq::{cli, cli_feedback, config::Config};

/// Answers questions about MS infusion therapies by quoting cited passages of
/// trusted articles. Not medical advice.
#[derive(Parser)]
#[command(name = "infusion-faq", version)]
struct Args {
    /// Configuration file (see config.example.toml).
    #[arg(long, global = true, value_name = "FILE", env = "INFUSION_FAQ_CONFIG")]
    config: Option<PathBuf>,
    /// Corpus folder (default: ./corpus).
    #[arg(long, global = true, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// Index folder (default: ./index).
    #[arg(long, global = true, value_name = "DIR")]
    index: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    Serve,
    /// Change the corpus: add, replace, remove, history, restore, list, show,
    /// synonyms, audit. Every change is validated, kept and audited.
    #[command(subcommand)]
    Corpus(cli::CorpusCommand),
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

/// What `purge` deletes: exactly one of these.
#[derive(clap::Args)]
#[group(required = true, multiple = false)]
struct PurgeWhat {
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

fn main() -> ExitCode {
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
    let serving = matches!(args.command, Command::Serve);
    match (serving, config.log_level.as_deref()) {
        (true, level) => init_logging(&infusion_faq::discord::log_filter(level.unwrap_or("info"))),
        (false, level) => init_logging(level.unwrap_or("warn")),
    }
    let mut stdout = std::io::stdout().lock();
    let result = match &args.command {
        Command::Ask {
            question,
            json,
            explain,
        } => {
            // No words at all: interactive; an empty string is still a question.
            let question = (!question.is_empty()).then(|| question.join(" "));
            cli::ask(&config, question.as_deref(), *json, *explain, &mut stdout)
        }
        Command::Index => cli::index(&config, &mut stdout),
        Command::Check => match cli::check(&config, &mut stdout) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(err) => Err(err),
        },
        Command::Eval { file, json } => cli::eval(&config, file, *json, &mut stdout),
        Command::Serve => serve(config.clone()),
        Command::Corpus(command) => cli::corpus(&config, command, &mut stdout),
        Command::Gaps {
            days,
            guild,
            limit,
            json,
        } => cli_feedback::gaps(&config, *days, *guild, *limit, *json, &mut stdout),
        Command::Purge { what, guild } => {
            cli_feedback::purge(&config, what.scope(), *guild, &mut stdout)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&err),
    }
}

/// `serve`: the bot on a multi-threaded runtime until it stops.
fn serve(config: Config) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(infusion_faq::discord::serve(config))
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
    eprintln!("error: {}", infusion_faq::render::printable(&line));
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
