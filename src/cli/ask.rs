//! `ask`: one question from the arguments, or one a line from standard
//! input; as text (bold on a terminal), as JSON, and with `--explain` how
//! the engine understood it.

use std::io::{BufRead, IsTerminal, Read, Write};

use anyhow::{Context, Result};

use super::plain::{self, printable};
use crate::config::Config;
use crate::engine::Engine;

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
            write!(out, "{}", plain::plain_text(&verdict, bold))?;
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
        "candidates (fused rank; lexical rank, coverage; dense rank, similarity; reader's score, when it read; confidence, quoted from {:.2}):",
        engine.settings().min_confidence
    )?;
    let rank = |r: Option<usize>| r.map_or("-".to_string(), |r| r.to_string());
    for (n, c) in explanation.candidates.iter().enumerate() {
        let first_line = c.hit.passage.text.lines().next().unwrap_or("");
        let preview: String = first_line.chars().take(60).collect();
        writeln!(
            out,
            "  {:>2}{} lex {:>2} {:>4.2}  dense {:>2} {:>4.2}  read {:>5}  conf {:>4.2}{}  {} › {} | {}",
            n + 1,
            if n < explanation.quoted { "*" } else { " " },
            rank(c.lexical_rank),
            c.hit.coverage,
            rank(c.dense_rank),
            c.hit.similarity,
            c.reader.map_or("-".to_string(), |r| format!("{r:+.2}")),
            c.confidence,
            if c.other_drug {
                " other drug"
            } else if c.only_drug {
                " only the drug"
            } else if c.lacks_unit {
                " not in the unit asked"
            } else {
                ""
            },
            printable(&c.hit.passage.article.meta.publisher),
            printable(&c.hit.passage.section()),
            printable(&preview)
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
        Reason::OnlyTheDrug => {
            "no answer: the best passage has the drug asked of, but none of what is asked about it, and the model does not hold it to answer".into()
        }
        Reason::NotInTheUnit => {
            "no answer: the question asks a measure in a unit (how many hours, days…), and the best passage names no unit of that kind".into()
        }
        Reason::NothingNear => "no answer: nothing in the articles is near the question".into(),
    }
}
