//! Engine benchmarks: question → verdict latency on the shipped corpus and on
//! a generated corpus of 10,000 articles, and the index build time for it.
//!
//! `cargo bench --bench engine` prints a percentile report first (criterion
//! reports means; the project's aims are p99), then runs criterion.
//! `BENCH_ARTICLES=2000 cargo bench --bench engine` for a smaller corpus.
//!
//! `BENCH_SYNTHETIC_VECTORS=1` fills the generated corpus's vector cache
//! with random unit vectors before the build, so that the model embeds
//! nothing: the model's vectors for 10,000 articles take hours on two
//! cores, while the cost of a question at that size (the dense search,
//! soft coverage, ranking) does not depend on the vectors' values. The
//! build time printed is then the index and the analysis alone.

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{black_box, Criterion};
use infusion_faq::corpus::Corpus;
use infusion_faq::engine::passage::cut_passages;
use infusion_faq::engine::semantic::dense::embedded_digest;
use infusion_faq::engine::semantic::store::{PassageVectors, VectorCache};
use infusion_faq::engine::semantic::{normalise, Embedder, DIMENSIONS};
use infusion_faq::engine::{Engine, EngineSettings, Paths};

/// Questions in members' words: answerable, misspelled, uncovered, urgent.
const QUESTIONS: &[&str] = &[
    "How often is Tysabri given?",
    "how often do u get tysbari",
    "What are the side effects of Lemtrada?",
    "What is plasmapheresis?",
    "Why are some MS drugs given by IV?",
    "What is the dose of Kesimpta?",
    "What's the best pizza place near the hospital?",
    "I have chest pain right now during my Tysabri drip",
    "can ocrelizumab bring back hep B",
    "is ms curable",
];

fn main() {
    let articles: usize = std::env::var("BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let shipped = shipped_engine();
    let synthetic_dir = tempfile::tempdir().unwrap();
    write_synthetic_corpus(synthetic_dir.path(), articles);
    let index = tempfile::tempdir().unwrap().keep();
    let random_vectors = std::env::var_os("BENCH_SYNTHETIC_VECTORS").is_some();
    if random_vectors {
        prefill_vectors(synthetic_dir.path(), &index);
    }
    let (synthetic, build) = build_synthetic(synthetic_dir.path(), &index);

    println!("\n== percentiles (10,000 questions each) ==");
    report("shipped corpus", &shipped);
    report(&format!("{articles} articles"), &synthetic);
    println!(
        "index build, {articles} articles ({} passages): {:.1} s (corpus load and cutting included{}); peak RSS {} MiB",
        synthetic.passages().len(),
        build.as_secs_f64(),
        if random_vectors {
            "; vectors prefilled, none embedded"
        } else {
            ""
        },
        peak_rss_mib()
    );

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("ask");
    group.bench_function("shipped corpus, mixed questions", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % QUESTIONS.len();
            black_box(shipped.ask_afresh(QUESTIONS[i]))
        })
    });
    group.bench_function(format!("{articles} articles, mixed questions"), |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % QUESTIONS.len();
            black_box(synthetic.ask_afresh(QUESTIONS[i]))
        })
    });
    group.finish();
    c.final_summary();
}

fn shipped_engine() -> Engine {
    let index = tempfile::tempdir().unwrap().keep();
    let paths = Paths {
        corpus: Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"),
        index,
    };
    Engine::open(&paths, EngineSettings::default()).unwrap()
}

fn build_synthetic(corpus: &Path, index: &Path) -> (Engine, Duration) {
    let started = Instant::now();
    let loaded = Corpus::load(corpus).unwrap();
    let engine =
        Engine::from_corpus(loaded, index, EngineSettings::default(), true, &|_, _| {}).unwrap();
    (engine, started.elapsed())
}

/// Writes the vector cache the engine would find beside `index`, with a
/// random unit vector for each passage of `corpus` and each sentence.
fn prefill_vectors(corpus: &Path, index: &Path) {
    let corpus = Corpus::load(corpus).unwrap();
    let embedder = Embedder::shared(&EngineSettings::default().model_dir()).unwrap();
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let mut unit = || {
        let mut v: Vec<f32> = (0..DIMENSIONS)
            .map(|_| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                (rng >> 40) as f32 / (1u64 << 24) as f32 - 0.5
            })
            .collect();
        normalise(&mut v);
        v
    };
    let mut cache = VectorCache::default();
    for passage in cut_passages(&corpus) {
        let vectors = PassageVectors {
            passage: unit(),
            sentences: passage.sentences.iter().map(|_| unit()).collect(),
        };
        cache.insert(embedded_digest(&passage), vectors);
    }
    cache
        .save(&VectorCache::path(index, embedder.tag()), |_| true)
        .unwrap();
}

/// Percentiles of the engine's whole work on a question (`ask_afresh`: its
/// vector from the model's cache after the first round), and of `ask`, where
/// a question asked before is answered from the remembered verdicts.
fn report(label: &str, engine: &Engine) {
    percentiles(label, |q| engine.ask_afresh(q));
    percentiles(&format!("{label}, remembered verdicts"), |q| engine.ask(q));
}

fn percentiles(label: &str, ask: impl Fn(&str) -> infusion_faq::engine::Verdict) {
    let mut micros: Vec<u64> = (0..10_000)
        .map(|i| {
            let started = Instant::now();
            black_box(ask(QUESTIONS[i % QUESTIONS.len()]));
            started.elapsed().as_micros() as u64
        })
        .collect();
    micros.sort_unstable();
    let at = |p: f64| micros[((p * micros.len() as f64) as usize).min(micros.len() - 1)];
    println!(
        "{label}: p50 {} µs, p99 {} µs, max {} µs",
        at(0.50),
        at(0.99),
        micros[micros.len() - 1]
    );
}

fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// Writes `count` articles of plausible shape: headings, paragraphs, lists,
/// a large vocabulary, drug-like names; deterministic for a given count.
fn write_synthetic_corpus(dir: &Path, count: usize) {
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    const SYLLABLES: &[&str] = &[
        "ma", "li", "zu", "mab", "tra", "ne", "ox", "ri", "vo", "sta", "cel", "pro", "dex", "fin",
        "gol", "ib", "an", "ter", "mo", "ca", "lu", "sen", "dra", "pi",
    ];
    const COMMON: &[&str] = &[
        "the",
        "patients",
        "infusion",
        "treatment",
        "may",
        "can",
        "cause",
        "side",
        "effects",
        "doctor",
        "dose",
        "every",
        "weeks",
        "months",
        "risk",
        "blood",
        "immune",
        "system",
        "relapse",
        "symptoms",
        "nerve",
        "brain",
        "therapy",
        "clinic",
        "nurse",
        "reaction",
        "hours",
        "after",
        "before",
        "with",
        "and",
        "of",
        "in",
        "is",
    ];
    let word = |next: &mut dyn FnMut() -> u64| -> String {
        if next().is_multiple_of(3) {
            (0..2 + next() % 3)
                .map(|_| SYLLABLES[(next() % SYLLABLES.len() as u64) as usize])
                .collect()
        } else {
            COMMON[(next() % COMMON.len() as u64) as usize].to_string()
        }
    };
    let sentence = |next: &mut dyn FnMut() -> u64| -> String {
        let n = 8 + next() % 12;
        let mut s: String = (0..n).map(|_| word(next)).collect::<Vec<_>>().join(" ");
        s.push('.');
        let mut chars = s.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
            .unwrap_or_default()
    };
    for a in 0..count {
        let mut body = String::new();
        for s in 0..3 + next() % 3 {
            body.push_str(&format!("## Section {s} {}\n\n", word(&mut next)));
            for _ in 0..2 + next() % 3 {
                let paragraph: Vec<String> =
                    (0..2 + next() % 4).map(|_| sentence(&mut next)).collect();
                body.push_str(&paragraph.join(" "));
                body.push_str("\n\n");
            }
            if next().is_multiple_of(2) {
                body.push_str("Effects can include:\n\n");
                for _ in 0..3 + next() % 4 {
                    body.push_str(&format!("- {} {}\n", word(&mut next), word(&mut next)));
                }
                body.push('\n');
            }
        }
        let text = format!(
            "+++\nid = \"synthetic-{a}\"\ntitle = \"Synthetic article {a}\"\npublisher = \"Bench\"\nurl = \"https://example.org/{a}\"\n+++\n\n{body}"
        );
        std::fs::write(dir.join(format!("synthetic-{a:05}.md")), text).unwrap();
    }
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/synonyms.toml"),
        dir.join("synonyms.toml"),
    )
    .unwrap();
}
