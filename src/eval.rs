//! The question-set scorer: runs the engine on every case of a TOML file and
//! computes the metrics of `shared/eval/README.md`, with the same engine and
//! settings the bot uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::engine::{Engine, Verdict};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read the question set {0}")]
    Read(#[source] crate::storage::read::ReadError),
    #[error("the question set {}:{line} does not parse: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("the question set {}: case {number} ({question:?}) {problem}", path.display())]
    Case {
        path: PathBuf,
        number: usize,
        question: String,
        problem: String,
    },
}

#[derive(Debug, Deserialize)]
struct RawSet {
    #[serde(default)]
    case: Vec<RawCase>,
}

#[derive(Debug, Deserialize)]
struct RawCase {
    question: String,
    answers: Option<Vec<String>>,
    expect: Option<String>,
    tag: Option<String>,
}

/// What a case expects.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// Any one phrase in a quoted passage is enough.
    Answer(Vec<String>),
    NoAnswer,
    Urgent,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub question: String,
    pub expect: Expect,
    pub tag: Option<String>,
}

/// A question set of thousands of cases is well under this.
const MAX_SET_BYTES: u64 = 16 << 20;

/// Reads and checks a question set; nothing is scored when any case is bad.
pub fn load_cases(path: &Path) -> Result<Vec<Case>, EvalError> {
    let bytes = crate::storage::read::read_capped(path, MAX_SET_BYTES).map_err(EvalError::Read)?;
    let text = String::from_utf8(bytes).map_err(|_| EvalError::Parse {
        path: path.to_path_buf(),
        line: 1,
        message: "the file is not UTF-8 text".to_string(),
    })?;
    let raw: RawSet = toml::from_str(&text).map_err(|err| {
        let (line, message) = crate::toml_error::locate(&err, &text);
        EvalError::Parse {
            path: path.to_path_buf(),
            line,
            message,
        }
    })?;
    raw.case
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let bad = |problem: &str| EvalError::Case {
                path: path.to_path_buf(),
                number: i + 1,
                question: c.question.clone(),
                problem: problem.to_string(),
            };
            let expect = match (c.expect.as_deref(), &c.answers) {
                (None | Some("answer"), Some(answers)) if !answers.is_empty() => Expect::Answer(answers.clone()),
                (None | Some("answer"), _) => {
                    return Err(bad("has neither `answers` nor `expect` (answerable cases need at least one phrase)"))
                }
                (Some("no_answer"), _) => Expect::NoAnswer,
                (Some("urgent"), _) => Expect::Urgent,
                (Some(other), _) => {
                    return Err(bad(&format!(
                        "has expect = {other:?}; use \"answer\", \"no_answer\" or \"urgent\""
                    )))
                }
            };
            Ok(Case {
                question: c.question,
                expect,
                tag: c.tag,
            })
        })
        .collect()
}

/// Lower case, straight quotes, single spaces: how phrases are compared.
pub fn normalize(text: &str) -> String {
    text.to_lowercase()
        .replace(['\u{2018}', '\u{2019}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// One case's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub case: Case,
    pub verdict: &'static str,
    /// 1-based rank of the first passage containing a phrase.
    pub rank: Option<usize>,
    pub micros: u64,
}

/// The summary, with exactly the keys of the spec.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub cases: usize,
    pub answerable: usize,
    pub hit_at_1: f64,
    pub hit_at_3: f64,
    pub mrr_at_5: f64,
    pub false_no_answer: f64,
    pub no_answer_accuracy: f64,
    pub no_answer_by_tag: BTreeMap<String, f64>,
    pub urgent_recall: f64,
    pub false_urgent: f64,
    pub latency_us: Latency,
}

#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub p50: u64,
    pub p99: u64,
}

/// Runs every case through the engine.
pub fn run(engine: &Engine, cases: &[Case]) -> Vec<Outcome> {
    cases
        .iter()
        .map(|case| {
            let started = Instant::now();
            let verdict = engine.ask(&case.question);
            let micros = started.elapsed().as_micros() as u64;
            let rank = match (&case.expect, &verdict) {
                (Expect::Answer(phrases), Verdict::Answer { hits }) => {
                    let phrases: Vec<String> = phrases.iter().map(|p| normalize(p)).collect();
                    hits.iter().take(5).position(|hit| {
                        let text = normalize(&hit.passage.text);
                        phrases.iter().any(|p| text.contains(p.as_str()))
                    })
                }
                _ => None,
            }
            .map(|i| i + 1);
            Outcome {
                case: case.clone(),
                verdict: verdict.label(),
                rank,
                micros,
            }
        })
        .collect()
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Scores the outcomes as the spec defines.
pub fn score(outcomes: &[Outcome]) -> Report {
    let answerable: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o.case.expect, Expect::Answer(_)))
        .collect();
    let no_answer: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.case.expect == Expect::NoAnswer)
        .collect();
    let urgent = outcomes.iter().filter(|o| o.case.expect == Expect::Urgent);
    let not_urgent = outcomes.iter().filter(|o| o.case.expect != Expect::Urgent);

    let hit_within = |k: usize| {
        answerable
            .iter()
            .filter(|o| o.rank.is_some_and(|r| r <= k))
            .count()
    };
    let mrr: f64 = answerable
        .iter()
        .filter_map(|o| o.rank.filter(|&r| r <= 5))
        .map(|r| 1.0 / r as f64)
        .sum();
    let mut by_tag: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for o in &no_answer {
        if let Some(tag) = &o.case.tag {
            let entry = by_tag.entry(tag.clone()).or_default();
            entry.1 += 1;
            if o.verdict == "no_answer" {
                entry.0 += 1;
            }
        }
    }
    let (urgent_total, urgent_hit) = urgent.fold((0, 0), |(t, h), o| {
        (t + 1, h + usize::from(o.verdict == "urgent"))
    });
    let (calm_total, calm_urgent) = not_urgent.fold((0, 0), |(t, h), o| {
        (t + 1, h + usize::from(o.verdict == "urgent"))
    });
    let mut micros: Vec<u64> = outcomes.iter().map(|o| o.micros).collect();
    micros.sort_unstable();

    Report {
        cases: outcomes.len(),
        answerable: answerable.len(),
        hit_at_1: ratio(hit_within(1), answerable.len()),
        hit_at_3: ratio(hit_within(3), answerable.len()),
        mrr_at_5: if answerable.is_empty() {
            0.0
        } else {
            mrr / answerable.len() as f64
        },
        false_no_answer: ratio(
            answerable.iter().filter(|o| o.verdict != "answer").count(),
            answerable.len(),
        ),
        no_answer_accuracy: ratio(
            no_answer
                .iter()
                .filter(|o| o.verdict == "no_answer")
                .count(),
            no_answer.len(),
        ),
        no_answer_by_tag: by_tag
            .into_iter()
            .map(|(tag, (hit, total))| (tag, ratio(hit, total)))
            .collect(),
        urgent_recall: ratio(urgent_hit, urgent_total),
        false_urgent: ratio(calm_urgent, calm_total),
        latency_us: Latency {
            p50: percentile(&micros, 0.50),
            p99: percentile(&micros, 0.99),
        },
    }
}

/// The human-readable report: a line per case, then the summary.
pub fn render_text(outcomes: &[Outcome], report: &Report) -> String {
    let mut out = String::new();
    for o in outcomes {
        let expected = match &o.case.expect {
            Expect::Answer(_) => "answer",
            Expect::NoAnswer => "no_answer",
            Expect::Urgent => "urgent",
        };
        let mark = match (&o.case.expect, o.verdict, o.rank) {
            (Expect::Answer(_), "answer", Some(1)) => "ok  ",
            (Expect::Answer(_), "answer", Some(_)) => "near",
            (Expect::Answer(_), _, _) => "MISS",
            (_, got, _) if got == expected => "ok  ",
            _ => "MISS",
        };
        let rank = o.rank.map_or("-".to_string(), |r| r.to_string());
        out.push_str(&format!(
            "{mark} {:<9} rank {:<2} {:>6}µs  {}\n",
            o.verdict, rank, o.micros, o.case.question
        ));
    }
    out.push_str(&format!(
        "\ncases {}  answerable {}\nhit@1 {:.3}  hit@3 {:.3}  mrr@5 {:.3}  false no-answer {:.3}\nno-answer accuracy {:.3} {}\nurgent recall {:.3}  false urgent {:.3}\nlatency p50 {}µs  p99 {}µs\n",
        report.cases,
        report.answerable,
        report.hit_at_1,
        report.hit_at_3,
        report.mrr_at_5,
        report.false_no_answer,
        report.no_answer_accuracy,
        report
            .no_answer_by_tag
            .iter()
            .map(|(t, v)| format!("{t} {v:.3}"))
            .collect::<Vec<_>>()
            .join("  "),
        report.urgent_recall,
        report.false_urgent,
        report.latency_us.p50,
        report.latency_us.p99,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(
        expect: Expect,
        verdict: &'static str,
        rank: Option<usize>,
        tag: Option<&str>,
    ) -> Outcome {
        Outcome {
            case: Case {
                question: "q".into(),
                expect,
                tag: tag.map(String::from),
            },
            verdict,
            rank,
            micros: 10,
        }
    }

    #[test]
    fn metrics_follow_the_spec() {
        let a = || Expect::Answer(vec!["x".into()]);
        let outcomes = vec![
            outcome(a(), "answer", Some(1), None),
            outcome(a(), "answer", Some(2), None),
            outcome(a(), "answer", None, None),
            outcome(a(), "urgent", None, None),
            outcome(Expect::NoAnswer, "no_answer", None, Some("far")),
            outcome(Expect::NoAnswer, "answer", None, Some("near")),
            outcome(Expect::Urgent, "urgent", None, None),
        ];
        let r = score(&outcomes);
        assert_eq!((r.cases, r.answerable), (7, 4));
        assert_eq!(r.hit_at_1, 0.25);
        assert_eq!(r.hit_at_3, 0.5);
        assert_eq!(r.mrr_at_5, (1.0 + 0.5) / 4.0);
        assert_eq!(r.false_no_answer, 0.25);
        assert_eq!(r.no_answer_accuracy, 0.5);
        assert_eq!(r.no_answer_by_tag["far"], 1.0);
        assert_eq!(r.no_answer_by_tag["near"], 0.0);
        assert_eq!(r.urgent_recall, 1.0);
        assert_eq!(r.false_urgent, 1.0 / 6.0);
    }

    #[test]
    fn phrases_compare_folded() {
        assert_eq!(normalize("You Don’t  inject\nit"), "you don't inject it");
    }

    #[test]
    fn a_case_without_answers_or_expect_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("set.toml");
        std::fs::write(
            &path,
            "[[case]]\nquestion = \"ok\"\nanswers = [\"a\"]\n\n[[case]]\nquestion = \"bad one\"\n",
        )
        .unwrap();
        let err = load_cases(&path).unwrap_err().to_string();
        assert!(err.contains("case 2") && err.contains("bad one"), "{err}");
        std::fs::write(&path, "[[case]\nquestion = 1\n").unwrap();
        assert!(load_cases(&path)
            .unwrap_err()
            .to_string()
            .contains("does not parse"));
    }
}
