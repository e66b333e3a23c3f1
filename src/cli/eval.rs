//! `eval`: scores the engine on a question set (see shared/eval/README.md).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::config::Config;
use crate::engine::Engine;
use crate::eval;

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
